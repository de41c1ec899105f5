# raidrescue snapshot-live on a mounted ext4 (on a dm linear volume) under
# write load: the snapshot is a clean filesystem (fsck), the live one goes
# on taking writes, a file written after the snapshot is not in it, undo
# loads the original table back byte for byte and leaves nothing.  An md
# array is refused with the reason.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin snapshot-live
D=$SCN_DIR
scn_members 1 96
sz=$(blockdev --getsz "${SCN_DEV[0]}")
half=$((sz / 2))
# two targets, so "the same table" is more than one line
dmsetup create rr-livevol --table "0 $half linear ${SCN_DEV[0]} 0
$half $((sz - half)) linear ${SCN_DEV[0]} $half"
scn_defer "dmsetup remove rr-livevol"
dmsetup table rr-livevol > "$D/table.before"
mkfs.ext4 -q -L live /dev/mapper/rr-livevol
mkdir -p "$D/live"
mount /dev/mapper/rr-livevol "$D/live"; scn_defer "umount -l $D/live"
echo before > "$D/live/before.txt"
# write load: files rewritten and fsync'd in a loop
( i=0; while [ ! -e "$D/stop" ]; do
	dd if=/dev/urandom of="$D/live/f$((i % 8))" bs=64k count=8 conv=fsync status=none; i=$((i + 1))
	echo $i > "$D/count"
done ) &
writer=$!
scn_defer "touch $D/stop; wait $writer 2>/dev/null"
sleep 2
S=$D/session
scn_defer "$RR_BIN undo --session $S --all"
assert_ok "snapshot-live on the mounted volume" "$RR_BIN" snapshot-live --session "$S" --cow-size 32M /dev/mapper/rr-livevol
snapdev=$(ls /dev/mapper/ | grep -E '^rr-[0-9a-f]{8}-live0-snap$')
assert_match "$(dmsetup table rr-livevol)" '^0 [0-9]+ snapshot-origin [0-9]+:[0-9]+$' "the live device is now a snapshot-origin"
echo after > "$D/live/after.txt"; sync
c1=$(cat "$D/count"); sleep 3; c2=$(cat "$D/count")
[ "$c2" -gt "$c1" ] || fail "writes stopped on the live filesystem ($c1 -> $c2)"
ok "the live filesystem keeps taking writes ($c1 -> $c2)"
e2fsck -fn "/dev/mapper/$snapdev" > "$D/fsck.txt" 2>&1 || { cat "$D/fsck.txt"; fail "the snapshot's ext4 is not clean"; }
ok "the snapshot's ext4 is clean (e2fsck -fn)"
debugfs -R "cat /before.txt" "/dev/mapper/$snapdev" 2>/dev/null | grep -q before || fail "before.txt missing in the snapshot"
if debugfs -R "stat /after.txt" "/dev/mapper/$snapdev" 2>/dev/null | grep -q Inode; then fail "after.txt is in the snapshot"; fi
ok "the snapshot holds the volume as it was at the switch"
"$RR_BIN" journal --as-script "$S/journal.jsonl" > "$D/script.sh"
assert_ok "the step as a shell script is valid shell" bash -n "$D/script.sh"
grep -q "snapshot-origin" "$D/script.sh" || fail "the script does not load the snapshot-origin"
ok "the script has the dmsetup commands"
assert_ok "undo" "$RR_BIN" undo --session "$S"
dmsetup table rr-livevol > "$D/table.after"
cmp "$D/table.before" "$D/table.after" || fail "the live table is not the original one"
ok "the live device's table is byte-identical to the original"
assert_eq "$(dmsetup ls | grep -c -- '-live0-' || true)" 0 "no snapshot or base device left"
echo still > "$D/live/still.txt"; sync
ok "the live filesystem still works after undo"
# Again, and this time the journal is lost: cleanup finds the wrapped
# device by its snapshot-origin over one of our -base devices and loads the
# base's table (the original) back.
assert_ok "snapshot-live again" "$RR_BIN" snapshot-live --session "$D/s3" --cow-size 32M /dev/mapper/rr-livevol
rm -f "$D/s3/journal.jsonl"
assert_ok "cleanup without a journal" "$RR_BIN" cleanup
dmsetup table rr-livevol > "$D/table.after2"
cmp "$D/table.before" "$D/table.after2" || fail "cleanup did not restore the live table"
ok "cleanup restored the live device's original table"
assert_eq "$(dmsetup ls | grep -c -- '-live0-' || true)" 0 "cleanup left no snapshot or base device"
echo still2 > "$D/live/still2.txt"; sync
touch "$D/stop"; wait "$writer" || true
umount "$D/live"
e2fsck -fn /dev/mapper/rr-livevol >/dev/null || fail "the live filesystem is not clean after unmount"
ok "the live filesystem is clean"
dmsetup remove rr-livevol
# md arrays cannot be wrapped in place
truncate -s 16M "$D/md0.img" "$D/md1.img"
m0=$(losetup -f --show "$D/md0.img"); scn_defer "losetup -d $m0"
m1=$(losetup -f --show "$D/md1.img"); scn_defer "losetup -d $m1"
mdadm --create /dev/md120 --run --level 1 --raid-devices 2 --metadata 1.2 --bitmap none "$m0" "$m1" >/dev/null 2>&1
scn_defer "mdadm --stop /dev/md120"
assert_fails "snapshot-live refuses an md array" "$RR_BIN" snapshot-live --session "$D/s2" /dev/md120
"$RR_BIN" snapshot-live --session "$D/s2" /dev/md120 > "$D/md.txt" 2>&1 || true
grep -q "md array" "$D/md.txt" || fail "no reason given for md"
ok "the md refusal explains why"
mdadm --stop /dev/md120 >/dev/null
scn_cleanup
scn_assert_clean
echo "all $RR_ASSERTS checks passed"
