# RAID0 with a different data offset per member, then damaged: one
# member's superblock zeroed, another returning read errors in chosen
# sectors.  The truth (order + per-member offsets) reassembles both ways
# (dm-raid, mdadm --create on snapshots); ignoring the per-member offsets
# does not; the bad sectors really fail reads, through the array too.
. "$RR_SRC_DIR/tests/vm/lib/scenarios.sh"
scn_begin raid0-damage
scn_build_raid0
. "$SCN_TRUTH/truth.sh"
assert_eq "${DATA_OFFSETS[*]}" "4096 6144 8192" "per-member data offsets by role"
assert_eq "${ORDER[*]}" "member1.img member2.img member0.img" "true order"

# member2 (role 1) loses its superblock
scn_zero_super 2
grep -q 'No md superblock' <(mdadm --examine "${SCN_DEV[2]}" 2>&1) || fail "superblock still there"
ok "member2: mdadm --examine finds no superblock"
scn_snapshot_originals

ov=(); for i in 0 1 2; do ov[i]=$(scn_overlay "$i"); done
m=$(scn_mark)
dev=$(scn_dmraid_assemble rr-trial "${ov[1]}" "${ov[2]}" "${ov[0]}")
assert_ok "dm-raid raid0, true order and offsets: fsck clean" scn_fsck "$dev"
assert_ok "dm-raid raid0: content matches" scn_verify_content "$dev" "$SCN_TRUTH/content/r0data.sha256"
scn_unwind "$m"
md=$(scn_md_recreate "${ov[1]}" "${ov[2]}" "${ov[0]}")
assert_ok "mdadm --create --assume-clean on snapshots: fsck clean" scn_fsck "$md"
scn_unwind "$m"
saved=("${SCN_DATA_OFFSET[@]}"); SCN_DATA_OFFSET=(4096 4096 4096)
dev=$(scn_dmraid_assemble rr-trial "${ov[1]}" "${ov[2]}" "${ov[0]}")
assert_fails "one offset for all members: errors" scn_fsck "$dev"
SCN_DATA_OFFSET=("${saved[@]}")
scn_unwind "$m"
for i in 0 1 2; do scn_stop_dev "${ov[i]}"; done

# member0 (role 2) now returns I/O errors in 64 sectors inside its data
bad=$((8192 + 2048))
scn_bad_sectors 0 $bad 64
assert_fails "read of a bad sector fails" dd if="${SCN_DEV[0]}" of=/dev/null bs=512 skip=$((bad + 10)) count=1 status=none
assert_ok "read before the bad range works" dd if="${SCN_DEV[0]}" of=/dev/null bs=512 skip=$((bad - 8)) count=8 status=none
assert_ok "read after the bad range works" dd if="${SCN_DEV[0]}" of=/dev/null bs=512 skip=$((bad + 64)) count=8 status=none
dev=$(scn_dmraid_assemble rr-trial "${SCN_DEV[1]}" "${SCN_DEV[2]}" "${SCN_DEV[0]}")
assert_fails "reading the whole array hits the bad sectors" dd if="$dev" of=/dev/null bs=64k status=none
scn_unwind "$m"

scn_end
