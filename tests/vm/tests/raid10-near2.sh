# RAID10 near=2 (metadata 1.0, superblock at the end, btrfs): one stale
# member.  The truth reassembles without it (mdadm --create --assume-clean
# on dm snapshots: dm-raid in 6.1 cannot do md raid10, see scenario.sh); a
# wrong order, or the stale member in place of its mirror partner, is seen.
. "$RR_SRC_DIR/tests/vm/lib/scenarios.sh"
scn_begin raid10-near2
scn_build_raid10_near2
. "$SCN_TRUTH/truth.sh"

for i in 0 1 2 3; do
	ex=$SCN_TRUTH/examine/member$i.txt
	grep -q 'Version : 1.0' "$ex" || fail "member$i: not metadata 1.0"
	grep -q 'Layout : near=2' "$ex" || fail "member$i: not near=2"
done
assert_eq "${DATA_OFFSETS[*]}" "0 0 0 0" "metadata 1.0: data at offset 0"
[ "${MEMBER_EVENTS[2]}" -lt "${MEMBER_EVENTS[0]}" ] || fail "member2 not stale"
ok "member2 stale (events ${MEMBER_EVENTS[2]} < ${MEMBER_EVENTS[0]})"
assert_eq "${ORDER[*]}" "member2.img member0.img member3.img member1.img" "true order"

scn_snapshot_originals
for i in 0 1 2 3; do ov[i]=$(scn_overlay "$i"); done
check() {
	local dev
	dev=$(scn_md_recreate "$@")
	scn_fsck "$dev" > "$SCN_DIR/fsck.txt" 2>&1 || { tail -5 "$SCN_DIR/fsck.txt"; return 1; }
	scn_verify_content "$dev" "$SCN_TRUTH/content/r10data.sha256"
}
m=$(scn_mark)
assert_ok "true order without member2: btrfs clean, content matches" check - "${ov[0]}" "${ov[3]}" "${ov[1]}"
scn_unwind "$m"
assert_fails "roles 1 and 2 swapped: errors" check - "${ov[3]}" "${ov[0]}" "${ov[1]}"
scn_unwind "$m"
assert_fails "stale member2 instead of its partner: old content" check "${ov[2]}" - "${ov[3]}" "${ov[1]}"
scn_unwind "$m"

scn_end
