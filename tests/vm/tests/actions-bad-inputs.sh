# Bad inputs on the real kernel: a COW filesystem without room, a member
# with read errors, a member that vanishes mid-session, an overflowing
# snapshot.  Each time: a clear message naming the device, the other
# members still handled, nothing left behind, the journal consistent.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin actions-bad-inputs
scn_members --dm 4 24
scn_md_create --level 5 --metadata 1.2 --chunk 64
scn_mkfs ext4 "$SCN_MD" bad
scn_mount bad
scn_fill bad 1 1024
scn_stop
scn_snapshot_originals
ours() { dmsetup ls 2>/dev/null | awk '{print $1}' | { grep -E '^rr-[0-9a-f]{8}-' || true; } | wc -l; }
consistent() {
	python3 - "$1/journal.jsonl" <<'PY'
import json, sys
state = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    state[r["seq"]] = r["state"]
assert all(v in ("undone", "failed") for v in state.values()), state
PY
}
ord=(); for ((r = 0; r < SCN_NDEV; r++)); do ord+=("${SCN_DEV[${SCN_ROLE_MEMBER[r]}]}"); done
order=$(IFS=,; echo "${ord[*]}")

# 1. The session's filesystem has no room for the COW files.
mkdir -p "$SCN_DIR/small"
mount -t tmpfs -o size=8M tmpfs "$SCN_DIR/small"
scn_defer "umount $SCN_DIR/small"
if "$RR_BIN" overlay --session "$SCN_DIR/small/s" "${SCN_DEV[0]}" "${SCN_DEV[1]}" 2>"$SCN_DIR/err"; then
	fail "overlay went ahead without room for the COW files"
fi
assert_match "$(grep -m1 "^raidrescue: " "$SCN_DIR/err")" "^raidrescue: ${SCN_DEV[0]}: the filesystem of .* has [0-9]+ MiB free" "no room: clear message naming the member"
assert_eq "$(grep -c '^raidrescue: ' "$SCN_DIR/err")" 2 "both members reported, each by name"
assert_eq "$(ours)" 0 "nothing created"
assert_eq "$(ls "$SCN_DIR/small/s" | { grep -c rrcow || true; })" 0 "no COW file left behind"

# 2. A member with read errors: examine says so and goes on.
scn_bad_sectors 2 8 8   # the md 1.2 superblock at 4 KiB
set +e
"$RR_BIN" examine "${SCN_DEV[@]}" > "$SCN_DIR/ex.txt" 2>"$SCN_DIR/ex.err"; rc=$?
set -e
grep -q "^raidrescue: ${SCN_DEV[2]}: .*\(Input/output error\|I/O error\|read error\)" "$SCN_DIR/ex.err" \
	|| fail "no clear read-error message: $(cat "$SCN_DIR/ex.err")"
ok "examine names the unreadable member"
assert_eq "$(grep -c 'Array UUID' "$SCN_DIR/ex.txt")" 3 "the three readable members still decoded"

# 3. Overlay and assemble, then the member vanishes under the snapshot.
S=$SCN_DIR/s
assert_ok "overlay" "$RR_BIN" overlay --session "$S" "${SCN_DEV[@]}"
set +e
"$RR_BIN" assemble --session "$S" --order "$order" --level 5 --chunk 64 --data-offset "$(mdadm --examine "${SCN_DEV[0]}" | awk -F' : ' '/Data Offset/ {print $2+0}')"
set -e
victim=${SCN_DEV[${SCN_ROLE_MEMBER[1]}]}
vname=${victim#/dev/mapper/}
size=$(blockdev --getsz "$victim")
echo "0 $size error" | dmsetup load "$vname"; dmsetup suspend "$vname"; dmsetup resume "$vname"
set +e
"$RR_BIN" fsck --session "$S" > "$SCN_DIR/fsck.txt" 2>&1; rc=$?
set -e
ok "fsck with a vanished member ended (status $rc) without hanging"
assert_ok "undo all after the member vanished" "$RR_BIN" undo --session "$S" --all
assert_ok "journal consistent" consistent "$S"
assert_eq "$(ours)" 0 "nothing left"

# 4. A snapshot that overflows: the kernel invalidates it; undo still works.
assert_ok "overlay with a tiny COW" "$RR_BIN" overlay --session "$SCN_DIR/t" --cow-size 1M "${SCN_DEV[0]}"
snap=$(dmsetup ls | awk '{print $1}' | grep -E '^rr-[0-9a-f]{8}-m0$')
dd if=/dev/urandom of="/dev/mapper/$snap" bs=64K count=64 oflag=direct status=none 2>/dev/null || true
assert_match "$(dmsetup status "$snap")" 'Invalid|Overflow' "the kernel invalidated the overflowing snapshot"
assert_ok "undo the overflowed session" "$RR_BIN" undo --session "$SCN_DIR/t" --all
assert_eq "$(ours)" 0 "nothing left"
scn_check_originals
# 5. A member held by an md array (as udev or the boot assembles a failed
# array, inactive): refused before anything is made for it, naming the
# array and what to do; the array is never stopped by raidrescue.
# mdadm --incremental, as udev runs it, keeps an inactive array holding
# the member (member 1 has vanished and member 2 has bad sectors by now:
# 0 and 3 are used).
mdadm --incremental "${SCN_DEV[0]}" >"$SCN_DIR/md.out" 2>&1 || true
held=$(ls "/sys/dev/block/$(printf '%d:%d' $(stat -L -c '0x%t 0x%T' "${SCN_DEV[0]}"))/holders" 2>/dev/null || true)
[ -n "$held" ] || { cat "$SCN_DIR/md.out"; fail "mdadm --incremental does not hold ${SCN_DEV[0]}"; }
md=/dev/$held
scn_defer "mdadm --stop $md"
if "$RR_BIN" overlay --session "$SCN_DIR/held" "${SCN_DEV[0]}" "${SCN_DEV[3]}" >"$SCN_DIR/out" 2>"$SCN_DIR/err"; then
	fail "overlay stacked on a member held by $md"
fi
cat "$SCN_DIR/err"
assert_match "$(grep -m1 "^raidrescue: ${SCN_DEV[0]}: " "$SCN_DIR/err")" \
	"in use by the md array $md .*mdadm --stop $md" "the message names the member, the array and the way out"
assert_eq "$(dmsetup ls | awk '{print $1}' | grep -cE '^rr-[0-9a-f]{8}-m[0-9]+$' || true)" 1 \
	"the free member still got its snapshot, the held one none"
[ -n "$(ls "/sys/block/${md#/dev/}/slaves")" ] || fail "the array lost its members"
ok "the array is left as it was"
assert_ok "undo the held session" "$RR_BIN" undo --session "$SCN_DIR/held" --all
mdadm --stop "$md" >/dev/null
# an image whose own loop device an md array holds
img=$SCN_DIR/held.img
cp --sparse=always "${SCN_IMG[0]}" "$img"
lo=$(losetup -f --show -r "$img")
scn_defer "losetup -d $lo"
mdadm --incremental "$lo" >"$SCN_DIR/md2.out" 2>&1 || true
held=$(ls "/sys/block/${lo#/dev/}/holders")
[ -n "$held" ] || { cat "$SCN_DIR/md2.out"; fail "mdadm --incremental does not hold $lo"; }
md=/dev/$held
if "$RR_BIN" overlay --session "$SCN_DIR/held2" "$img" >"$SCN_DIR/out" 2>"$SCN_DIR/err"; then
	fail "overlay stacked on an image whose loop $md holds"
fi
cat "$SCN_DIR/err"
assert_match "$(grep -m1 "^raidrescue: $img: " "$SCN_DIR/err")" "attached as $lo, which is in use by the md array $md" \
	"the message names the image, its loop and the array"
assert_eq "$(ours)" 0 "nothing made"
mdadm --stop "$md" >/dev/null
losetup -d "$lo"
scn_end
