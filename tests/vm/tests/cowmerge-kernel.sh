# raidrescue cow-merge against the kernel's own snapshot-merge on the same
# inputs (shared/fixtures/kernel/dm-snapshot-cow): the kernel merges the
# store into one copy of the origin, raidrescue into another; both must
# give the snapshot the kernel served when the fixture was made
# (snapshot-view.sha256).  Undo gives origin-after back.  On block
# devices: refused while the origin is mounted or an image has a loop
# device, done on the unmounted block device itself.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin cowmerge-kernel
fx=$RR_SRC_DIR/../shared/fixtures/kernel/dm-snapshot-cow
snap=$(cut -d' ' -f1 "$fx/snapshot-view.sha256")
after=$(cut -d' ' -f1 "$fx/origin-view.sha256")
D=$SCN_DIR
sha() { sha256sum "$1" | cut -d' ' -f1; }
xz -dc "$fx/origin-after.img.xz" > "$D/origin.img"
xz -dc "$fx/cow.img.xz" > "$D/cow.img"
assert_eq "$(sha "$D/origin.img")" "$after" "fixture origin is origin-after"
# the invariant: the fixtures themselves never change
SCN_IMG=("$fx/origin-after.img.xz" "$fx/cow.img.xz")
scn_snapshot_originals

# The kernel's merge, the oracle.
cp "$D/origin.img" "$D/k-origin.img"; cp "$D/cow.img" "$D/k-cow.img"
lo=$(losetup -f --show "$D/k-origin.img"); scn_defer "losetup -d $lo"
lc=$(losetup -f --show "$D/k-cow.img"); scn_defer "losetup -d $lc"
sz=$(blockdev --getsz "$lo")
dmsetup create rr-kmerge --table "0 $sz snapshot-merge $lo $lc P 8"
scn_defer "dmsetup remove rr-kmerge"
for i in $(seq 1 300); do
	# <allocated>/<total> <metadata>: done when only metadata is left
	read -r a m < <(dmsetup status rr-kmerge | awk '{split($4, x, "/"); print x[1], $5}')
	[ "$a" = "$m" ] && break
	sleep 0.1
done
assert_eq "$a" "$m" "the kernel's snapshot-merge finished"
dmsetup remove rr-kmerge; losetup -d "$lo"; losetup -d "$lc"
kernel=$(sha "$D/k-origin.img")
assert_eq "$kernel" "$snap" "kernel merge = snapshot-view.sha256"

# raidrescue's merge of the same inputs.
cp "$D/origin.img" "$D/r-origin.img"
assert_ok "cow-merge --dry-run" "$RR_BIN" cow-merge --dry-run --cow "$D/cow.img" --origin "$D/r-origin.img"
assert_ok "cow-merge" "$RR_BIN" cow-merge --yes --session "$D/s1" --cow "$D/cow.img" --origin "$D/r-origin.img"
assert_eq "$(sha "$D/r-origin.img")" "$kernel" "raidrescue's merge = the kernel's merge"
assert_ok "undo" "$RR_BIN" undo --session "$D/s1"
assert_eq "$(sha "$D/r-origin.img")" "$after" "undo gives origin-after back"

# Refusals: an image with a loop device on it; a mounted block device.
l=$(losetup -f --show "$D/r-origin.img"); scn_defer "losetup -d $l 2>/dev/null"
assert_fails "refused while a loop device is attached to the image" \
	"$RR_BIN" cow-merge --yes --session "$D/s2" --cow "$D/cow.img" --origin "$D/r-origin.img"
mkdir -p "$D/mnt"
mount -o ro "$l" "$D/mnt"; scn_defer "umount $D/mnt 2>/dev/null"
assert_fails "refused while the origin block device is mounted" \
	"$RR_BIN" cow-merge --yes --session "$D/s2" --cow "$D/cow.img" --origin "$l"
umount "$D/mnt"
# An origin with an active snapshot: writes through snapshot-origin would
# copy chunks into the snapshot, so it is refused.
dmsetup create rr-korig --table "0 $(blockdev --getsz "$l") snapshot-origin $l"
scn_defer "dmsetup remove rr-korig 2>/dev/null"
"$RR_BIN" cow-merge --yes --session "$D/s2" --cow "$D/cow.img" --origin /dev/mapper/rr-korig > "$D/so.txt" 2>&1 && fail "merged through a snapshot-origin"
grep -q "active snapshot" "$D/so.txt" || { cat "$D/so.txt"; fail "no reason given for the snapshot-origin refusal"; }
ok "refused through a snapshot-origin device, with the reason"
dmsetup remove rr-korig
# The unmounted block device itself (O_EXCL), and its undo.
assert_ok "cow-merge on the block device" "$RR_BIN" cow-merge --yes --session "$D/s3" --cow "$D/cow.img" --origin "$l"
assert_eq "$(sha "$l")" "$kernel" "block device merged = the kernel's merge"
assert_ok "undo on the block device" "$RR_BIN" undo --session "$D/s3"
assert_eq "$(sha "$l")" "$after" "block device back to origin-after"
losetup -d "$l"
e2fsck -fn "$D/r-origin.img" >/dev/null
ok "the restored origin's ext4 is clean"
scn_end
