# The userspace backend's COW stores against the kernel's dm-snapshot:
#  1. a store written by raidrescue (userspace backend: repairs and plain
#     writes through the FUSE export) loaded by the kernel's `snapshot`
#     target serves exactly the userspace view;
#  2. a store written by the kernel (writes through a dm snapshot) read by
#     raidrescue's userspace snapshot serves exactly the kernel's view;
#  3. fsck --write mounts the exported file read-only through a loop
#     device (where the machine allows it: here).
# The exported "array" of a one-member RAID1 at data offset 0 is exactly
# the member's snapshot, so its sha256 is the userspace view.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin cow-interop
unset RAIDRESCUE_NO_LOOP
# the guest's kernel has FUSE as a module; its node may not exist yet
[ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true
[ -e /dev/fuse ] || mknod -m 666 /dev/fuse c 10 229
[ -e /dev/fuse ] || fail "no /dev/fuse in the guest"
img=$SCN_DIR/origin.img
truncate -s 64M "$img"
mkfs.ext4 -q -F -L interop "$img"
debugfs -w -R "mkdir data" "$img" >/dev/null 2>&1
sha_img=$(sha256sum < "$img")
head -c 1048576 /dev/urandom > "$SCN_DIR/rnd"

# 1. ours -> the kernel
S=$SCN_DIR/s1
assert_ok "overlay (userspace)" "$RR_BIN" overlay --backend userspace --session "$S" "$img"
assert_ok "assemble a one-member view" "$RR_BIN" assemble --session "$S" --order "$img" --level 1 --data-offset 0
A=$(ls -d "$S"/mnt-a*)/array
"$RR_BIN" fsck --json --write --session "$S" > "$SCN_DIR/repair.json" || fail "fsck --write through the export"
python3 - "$SCN_DIR/repair.json" <<'PY' || fail "the repaired filesystem was not mounted through a loop device"
import json, sys
fs = [f for f in json.load(open(sys.argv[1]))['filesystems'] if f.get('type') == 'ext4']
assert fs and 'top_level' in fs[0] and 'data' in fs[0]['top_level'], fs
PY
ok "fsck --write mounted the exported file ro,loop and listed its top level"
dd if="$SCN_DIR/rnd" of="$A" bs=4k seek=3000 conv=notrunc,fsync status=none || fail "write through the export"
dd if="$SCN_DIR/rnd" of="$A" bs=1k seek=777 count=3 conv=notrunc,fsync status=none || fail "partial-chunk write"
sha_user=$(sha256sum < "$A")
assert_ne "$sha_user" "$sha_img" "the userspace view changed"
assert_ok "undo the assembly (the server commits and exits)" "$RR_BIN" undo --session "$S" --steps 2
[ -z "$(grep ' - fuse.raidrescue ' /proc/self/mountinfo)" ] || fail "still mounted"
assert_eq "$(sha256sum < "$img")" "$sha_img" "the origin is unchanged"
o=$(losetup --find --show --read-only "$img"); scn_defer "losetup -d $o"
c=$(losetup --find --show "$S/m0.rrcow"); scn_defer "losetup -d $c"
dmsetup create rr-interop1 --table "0 $(blockdev --getsz "$o") snapshot $o $c P 8" || fail "the kernel refused our store"
scn_defer "dmsetup remove rr-interop1"
assert_eq "$(sha256sum < /dev/mapper/rr-interop1)" "$sha_user" "the kernel serves the userspace view from our store"
dmsetup remove rr-interop1
losetup -d "$c"; losetup -d "$o"
assert_ok "undo all" "$RR_BIN" undo --session "$S" --all

# 2. the kernel -> ours
S=$SCN_DIR/s2
assert_ok "overlay (userspace) again" "$RR_BIN" overlay --backend userspace --session "$S" "$img"
kcow=$SCN_DIR/kernel.cow
truncate -s 64M "$kcow"
o=$(losetup --find --show --read-only "$img"); scn_defer "losetup -d $o"
c=$(losetup --find --show "$kcow"); scn_defer "losetup -d $c"
dmsetup create rr-interop2 --table "0 $(blockdev --getsz "$o") snapshot $o $c P 16" || fail "kernel snapshot"
scn_defer "dmsetup remove rr-interop2"
dd if="$SCN_DIR/rnd" of=/dev/mapper/rr-interop2 bs=4k seek=100 oflag=direct status=none
dd if="$SCN_DIR/rnd" of=/dev/mapper/rr-interop2 bs=512 seek=9001 count=5 oflag=direct status=none
sha_kernel=$(sha256sum < /dev/mapper/rr-interop2)
dmsetup remove rr-interop2
losetup -d "$c"; losetup -d "$o"
# the session's store replaced by the kernel's (same origin, 8 KiB chunks)
cp --sparse=always "$kcow" "$S/m0.rrcow"
assert_ok "assemble over the kernel's store" "$RR_BIN" assemble --session "$S" --order "$img" --level 1 --data-offset 0
A=$(ls -d "$S"/mnt-a*)/array
assert_eq "$(sha256sum < "$A")" "$sha_kernel" "raidrescue serves the kernel's view from the kernel's store"
assert_ok "undo all" "$RR_BIN" undo --session "$S" --all
[ -z "$(grep ' - fuse.raidrescue ' /proc/self/mountinfo)" ] || fail "still mounted"
ok "nothing mounted"
assert_eq "$(sha256sum < "$img")" "$sha_img" "the origin is unchanged"
# the origin's sha256 is checked above (no md member set here)
scn_cleanup
scn_assert_clean
echo "all $RR_ASSERTS checks passed"
