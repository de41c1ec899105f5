# RAID6 of 6 with two members missing (failed at different times, the array
# ran on): partitions with ext4 and vfat.  md's default raid6 layout has no
# dm-raid equivalent, so the truth is proven the operators' way: mdadm
# --create --assume-clean over dm snapshots with the two stale slots
# 'missing'.  The stale members instead give the wrong content.
. "$RR_SRC_DIR/tests/vm/lib/scenarios.sh"
scn_begin raid6-two-missing
scn_build_raid6_two_missing
. "$SCN_TRUTH/truth.sh"

e=("${MEMBER_EVENTS[@]}")
for i in 0 1 3 4; do
	grep -q 'Raid Level : raid6' "$SCN_TRUTH/examine/member$i.txt" || fail "member$i: not raid6"
	assert_eq "${e[i]}" "${e[0]}" "fresh member$i events"
done
[ "${e[5]}" -lt "${e[2]}" ] && [ "${e[2]}" -lt "${e[0]}" ] || fail "events not member5 < member2 < fresh: ${e[*]}"
ok "events: member5 ${e[5]} < member2 ${e[2]} < fresh ${e[0]}"
assert_eq "$LAYOUT" left-symmetric "md's default raid6 layout"
assert_eq "${ORDER[*]}" "member0.img member5.img member1.img member3.img member2.img member4.img" "true order"
assert_match "$(awk -F' : ' '/Array State/ {print $2}' "$SCN_TRUTH/examine/member0.txt")" '^A\.AA\.A' "fresh member sees roles 1 and 4 gone"

scn_snapshot_originals
for i in 0 1 2 3 4 5; do ov[i]=$(scn_overlay "$i"); done
check() {  # check SLOTS...: partitions of the recreated array: fsck + content
	local md bad=0
	md=$(scn_md_recreate "$@")
	blockdev --rereadpt "$md"; sleep 0.3
	[ -b "${md}p2" ] || { echo "no partitions on $md"; return 1; }
	scn_fsck "${md}p1" >/dev/null 2>&1 || { echo "p1 fsck: errors"; bad=1; }
	scn_fsck "${md}p2" >/dev/null 2>&1 || { echo "p2 fsck: errors"; bad=1; }
	scn_verify_content "${md}p1" "$SCN_TRUTH/content/r6data.sha256" >/dev/null 2>&1 || { echo "p1 content differs"; bad=1; }
	scn_verify_content "${md}p2" "$SCN_TRUTH/content/R6FAT.sha256" >/dev/null 2>&1 || { echo "p2 content differs"; bad=1; }
	scn_stop_dev "$md"
	return $bad
}
m=$(scn_mark)
assert_ok "true order, roles 1 and 4 missing: clean, newest content" check "${ov[0]}" - "${ov[1]}" "${ov[3]}" - "${ov[4]}"
scn_unwind "$m"
assert_fails "both stale members in, two fresh ones out: wrong content" check - "${ov[5]}" "${ov[1]}" "${ov[3]}" "${ov[2]}" -
scn_unwind "$m"

scn_end
