# The named scenarios, built from scenario.sh.  Each scn_build_* function
# plays one incident from an empty scratch dir to stopped arrays with the
# truth written ($SCN_TRUTH); the tests in tests/vm/tests/ and
# export-fixtures.sh share them, so a fixture is exactly what a test checks.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"

# The classic two-ejections incident: RAID5 of 5 members, metadata 1.2,
# 64 KiB chunk, left-symmetric, an LVM VG with three ext4 LVs in use.
# member1 (role 3) is ejected; writes go on, degraded; 2 s later member4
# (role 2) is ejected and the array fails; then it is stopped.  The member
# files are not in role order (true order: member3 member0 member4 member1
# member2).  The data survive on member0, 2, 3 (fresh) + member4 (stale,
# newer than member1).
scn_build_two_ejections() {
	local lv
	scn_members 5 40
	scn_md_create --level 5 --metadata 1.2 --chunk 64 --layout left-symmetric --order "3 0 4 1 2"
	scn_lvm_on "$SCN_MD" vg_rr "root:24M home:40M var:24M"
	for lv in root home var; do
		scn_mkfs ext4 "$(scn_lv_dev vg_rr $lv)" "$lv" "vg_rr/$lv"
		scn_mount "$lv"
		scn_fill "$lv" gen1 512
	done
	scn_fail_member 1
	for lv in root home var; do scn_fill "$lv" gen2 256; done
	sleep 2  # a later update time for the second ejection
	scn_fail_member 4
	SCN_NOTES="member1 ejected first, member4 later (array failed); recover with member0,2,3,4"
	scn_stop
	scn_truth_write
}

# RAID1 with a stale mirror: 2 disks with an MBR partition each, md 0.90
# (superblock at the END of the partition, which here also ends at the end
# of the disk), ext4 directly on the array.  member1 is failed after gen1;
# gen2 goes to member0 only.  Each half alone holds a clean filesystem:
# member0 with gen1+gen2 (content/data.sha256), member1 with gen1 only
# (content/data@fail-member1.sha256).
scn_build_raid1_stale() {
	scn_members --partitioned 2 48
	scn_md_create --level 1 --metadata 0.90
	scn_mkfs ext4 "$SCN_MD" data
	scn_mount data
	scn_fill data gen1 1024
	scn_fail_member 1
	scn_fill data gen2 1024
	SCN_NOTES="member1 is the stale mirror (gen1 only); member0 has gen1+gen2"
	scn_stop
	scn_truth_write
}

# RAID6 of 6 members (metadata 1.2, 128 KiB chunk, md's default
# left-symmetric layout), partitioned: ext4 + vfat.  member5 (role 1) fails,
# writes go on, member2 (role 4) fails, writes go on (RAID6 survives two),
# stop.  The four fresh members hold the newest data.
scn_build_raid6_two_missing() {
	local p1 p2
	scn_members 6 32
	scn_md_create --level 6 --metadata 1.2 --chunk 128 --order "0 5 1 3 2 4"
	read -r p1 p2 <<< "$(scn_partition "$SCN_MD" "64M rest" | tr '\n' ' ')"
	scn_mkfs ext4 "$p1" r6data "${p1#/dev/}"
	scn_mkfs vfat "$p2" R6FAT "${p2#/dev/}"
	scn_mount r6data; scn_mount R6FAT
	scn_fill r6data gen1 1024; scn_fill R6FAT gen1 512
	scn_fail_member 5
	scn_fill r6data gen2 512; scn_fill R6FAT gen2 256
	sleep 1
	scn_fail_member 2
	scn_fill r6data gen3 512; scn_fill R6FAT gen3 256
	SCN_NOTES="member5 then member2 failed; still ran on 4; partitions p1 ext4, p2 vfat"
	scn_stop
	scn_truth_write
}

# RAID10 near=2 of 4 members, metadata 1.0 (superblock at the end, data at
# offset 0), 64 KiB chunk, btrfs on the whole array.  member2 (role 0) fails
# after gen1; gen2 goes on.
scn_build_raid10_near2() {
	scn_members 4 48
	scn_md_create --level 10 --layout n2 --metadata 1.0 --chunk 64 --order "2 0 3 1"
	scn_mkfs btrfs "$SCN_MD" r10data
	scn_mount r10data
	scn_fill r10data gen1 1024
	scn_fail_member 2
	scn_fill r10data gen2 512
	SCN_NOTES="raid10 n2; member2 (role 0) stale; its mirror partner is role 1"
	scn_stop
	scn_truth_write
}

# RAID0 of 3 members, metadata 1.2 with a DIFFERENT data offset per member
# (--data-offset=variable: 2, 3 and 4 MiB), 32 KiB chunk, ext4.  The
# member disks differ in size by the same amounts, so the data areas are
# equal (one raid0 zone).  Nothing can fail in RAID0: the array is stopped
# cleanly; tests add damage (zeroed superblock, bad sectors) afterwards.
scn_build_raid0() {
	scn_members 3 "42 40 41"
	scn_md_create --level 0 --metadata 1.2 --chunk 32 --order "1 2 0" --data-offsets "2M 3M 4M"
	scn_mkfs ext4 "$SCN_MD" r0data
	scn_mount r0data
	scn_fill r0data gen1 2048
	SCN_NOTES="raid0 with per-member data offsets 4096/6144/8192 sectors by role"
	scn_stop
	scn_truth_write
}
