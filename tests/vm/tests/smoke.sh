# The bench itself: the guest has the kernel features and tools that every
# other VM test relies on; and the runner's invariants really catch a
# leftover device.  Fails, never skips, when something is missing.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
scn_begin smoke
for t in linear snapshot raid error flakey; do
	f=$t
	[ "$t" = flakey ] && { dmsetup targets | grep -q '^flakey' || modprobe dm-flakey; }
	dmsetup targets | grep -q "^$t " || fail "dm target $t missing"
done
ok "dm targets: linear snapshot raid error flakey"
for p in raid0 raid1 raid10 raid6 raid5 linear; do modprobe "md-$p" 2>/dev/null || modprobe "$p"; done
assert_match "$(head -1 /proc/mdstat)" 'raid6.*raid5.*raid4|raid1' "md personalities"
for c in mdadm lvm dmsetup losetup mkfs.ext4 e2fsck mkfs.xfs xfs_repair mkfs.btrfs btrfs mkfs.vfat fsck.vfat sha256sum blkid busybox; do
	command -v "$c" >/dev/null || fail "$c not installed on the host"
done
ok "tools present"
[ -z "${RR_BIN:-}" ] || [ -x "$RR_BIN" ] || fail "RR_BIN=$RR_BIN is not executable in the guest"
ok "RR_BIN: ${RR_BIN:-not set}"
# the leftover check sees a loop device (and the cleanup removes it)
scn_members 2 4
assert_fails "leftover check sees an attached loop device" rr_leftovers
# the damage helpers do what they say
scn_corrupt 0 100 8 random
assert_fails "scn_corrupt changed sectors 100-107" cmp -s -n 4096 -i 51200:0 "${SCN_IMG[0]}" /dev/zero
scn_flakey 1 0 60
assert_fails "scn_flakey: member fails I/O while down" dd if="${SCN_DEV[1]}" of=/dev/null bs=4k count=1 iflag=direct status=none
scn_cleanup
scn_assert_clean
