# RAID1 with a stale mirror, metadata 0.90 at the end of a partition: the
# members show it (events, update times), and each half alone really holds
# what the truth says: the fresh one gen1+gen2, the stale one gen1 only.
# mdadm itself, given both, keeps the fresh one.
. "$RR_SRC_DIR/tests/vm/lib/scenarios.sh"
scn_begin raid1-stale-mirror
scn_build_raid1_stale
. "$SCN_TRUTH/truth.sh"

for i in 0 1; do
	ex=$SCN_TRUTH/examine/member$i.txt
	grep -q 'Version : 0.90.00' "$ex" || fail "member$i: not metadata 0.90"
	grep -q 'Raid Level : raid1' "$ex" || fail "member$i: not raid1"
	# the image is a partitioned disk; the member is its partition 1 (type fd)
	assert_eq "$(blkid -p -o value -s PTTYPE "${SCN_IMG[i]}")" dos "member$i.img has an MBR"
	assert_match "$(busybox fdisk -l "${SCN_LOOP[i]}" 2>/dev/null | grep "^${SCN_LOOP[i]}p1")" ' fd ' "member$i partition 1 is type fd"
done
# 0.90: superblock in the last 64 KiB-aligned 64 KiB of the partition
psz=$(blockdev --getsz "${SCN_DEV[0]}")
sb=$(( (psz & ~127) - 128 ))
magic=$(dd if="${SCN_DEV[0]}" bs=512 skip=$sb count=1 status=none | od -An -tx4 -N4 | tr -d ' ')
assert_eq "$magic" a92b4efc "md 0.90 magic at sector $sb of the partition (its end)"
assert_eq "${DATA_OFFSETS[*]}" "0 0" "data at offset 0"
[ "${MEMBER_EVENTS[1]}" != "${MEMBER_EVENTS[0]}" ] || fail "events equal"
ok "events differ: stale ${MEMBER_EVENTS[1]}, fresh ${MEMBER_EVENTS[0]}"
assert_ne "${MEMBER_UTIME[1]}" "${MEMBER_UTIME[0]}" "update times differ"
assert_eq "${MEMBER_STATE[*]}" "fresh stale" "states recorded"

scn_snapshot_originals
ov0=$(scn_overlay 0); ov1=$(scn_overlay 1)
m=$(scn_mark)
dev=$(scn_dmraid_assemble rr-trial "$ov0" -)
assert_ok "fresh mirror alone: fsck clean" scn_fsck "$dev"
assert_ok "fresh mirror alone: gen1+gen2 content" scn_verify_content "$dev" "$SCN_TRUTH/content/data.sha256"
scn_unwind "$m"
dev=$(scn_dmraid_assemble rr-trial - "$ov1")
assert_ok "stale mirror alone: fsck clean" scn_fsck "$dev"
assert_ok "stale mirror alone: gen1 content" scn_verify_content "$dev" "$SCN_TRUTH/content/data@fail-member1.sha256"
assert_fails "stale mirror alone: no gen2" scn_verify_content "$dev" "$SCN_TRUTH/content/data.sha256"
scn_unwind "$m"
# mdadm, as an operator would run it (on the overlays): kicks the stale one
md=$(scn_md_assemble_ro "$ov0" "$ov1")
assert_match "$(grep -A1 "^${md#/dev/} " /proc/mdstat | tail -1)" '\[2/1\]' "mdadm --assemble runs on the fresh mirror only"
assert_ok "assembled array has gen1+gen2" scn_verify_content "$md" "$SCN_TRUTH/content/data.sha256"
scn_unwind "$m"

scn_end
