# The two-ejections incident (RAID5 of 5, metadata 1.2, LVM + ext4): the
# members show what an operator sees, and the recorded truth really is the
# array: the true order, without the first-ejected member, reassembled on
# dm snapshots (dm-raid, nothing written) gives clean filesystems with the
# recorded content; a wrong order or the stale member instead does not.
. "$RR_SRC_DIR/tests/vm/lib/scenarios.sh"
scn_begin two-ejections
scn_build_two_ejections
. "$SCN_TRUTH/truth.sh"

# --- what mdadm --examine shows
for i in 0 1 2 3 4; do
	ex=$SCN_TRUTH/examine/member$i.txt
	grep -q 'Version : 1.2' "$ex" || fail "member$i: not metadata 1.2"
	grep -q 'Raid Level : raid5' "$ex" || fail "member$i: not raid5"
	grep -q 'Chunk Size : 64K' "$ex" || fail "member$i: chunk"
	assert_eq "$(awk -F' : ' '/Device Role/ {print $2}' "$ex")" "Active device ${MEMBER_ROLE[i]}" "member$i role"
done
roles=$(cat "$SCN_TRUTH"/examine/member*.txt | awk -F' : ' '/Device Role/ {print $2}' | sort | tr '\n' ,)
assert_eq "$roles" "Active device 0,Active device 1,Active device 2,Active device 3,Active device 4," "roles 0-4 all present"
e=("${MEMBER_EVENTS[@]}")
assert_eq "${e[0]}" "${e[2]}" "fresh members agree on events"
assert_eq "${e[0]}" "${e[3]}" "fresh members agree on events"
[ "${e[1]}" -lt "${e[4]}" ] || fail "first-ejected member1 events ${e[1]} not below member4's ${e[4]}"
[ "${e[4]}" -lt "${e[0]}" ] || fail "member4 events ${e[4]} not below the fresh ${e[0]}"
ok "events: member1 ${e[1]} < member4 ${e[4]} < fresh ${e[0]}"
assert_ne "${MEMBER_UTIME[1]}" "${MEMBER_UTIME[4]}" "the two stale members have different update times"
assert_match "$(awk -F' : ' '/Array State/ {print $2}' "$SCN_TRUTH/examine/member0.txt")" '^AA\.\.A' "fresh member sees roles 2,3 gone"
assert_eq "${ORDER[*]}" "member3.img member0.img member4.img member1.img member2.img" "true order recorded"
assert_eq "${DATA_OFFSETS[*]}" "2048 2048 2048 2048 2048" "data offsets recorded"

scn_snapshot_originals

# --- the truth reassembles: overlays, true order, first-ejected left out
ov=(); for i in 0 1 2 3 4; do ov[i]=$(scn_overlay "$i"); done
check_lvs() {  # check_lvs DEV: fsck + content of every LV on DEV; 0 if all good
	local dev=$1 lv bad=0
	scn_vg_activate "$dev" vg_rr
	for lv in root home var; do
		scn_fsck "$(scn_lv_dev vg_rr $lv)" > "$SCN_DIR/fsck-$lv.txt" 2>&1 || { echo "fsck $lv: errors"; bad=1; break; }
		scn_verify_content "$(scn_lv_dev vg_rr $lv)" "$SCN_TRUTH/content/$lv.sha256" >/dev/null 2>&1 || { echo "content $lv: differs"; bad=1; break; }
	done
	scn_vg_deactivate "$dev" vg_rr
	return $bad
}
m=$(scn_mark)
dev=$(scn_dmraid_assemble rr-trial "${ov[3]}" "${ov[0]}" "${ov[4]}" - "${ov[2]}")
assert_ok "true order without member1: 3 LVs fsck clean, content matches" check_lvs "$dev"
scn_unwind "$m"

# --- and a wrong answer is seen as wrong (the check can fail)
dev=$(scn_dmraid_assemble rr-trial "${ov[0]}" "${ov[3]}" "${ov[4]}" - "${ov[2]}")
assert_fails "roles 0 and 1 swapped: errors found" check_lvs "$dev"
scn_unwind "$m"
dev=$(scn_dmraid_assemble rr-trial "${ov[3]}" "${ov[0]}" - "${ov[1]}" "${ov[2]}")
assert_fails "stale member1 instead of member4: errors found" check_lvs "$dev"
scn_unwind "$m"

scn_end
