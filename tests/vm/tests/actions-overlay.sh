# raidrescue overlay / journal / undo / cleanup on the real kernel:
# snapshots over image files and over block devices, writes land only in
# the COW files, a second session is refused on the same members, undo and
# cleanup leave nothing, and the originals never change.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin actions-overlay
scn_members 4 32
scn_md_create --level 5 --metadata 1.2 --chunk 64
scn_mkfs ext4 "$SCN_MD" ovl
scn_mount ovl
scn_fill ovl 1 2048
scn_stop
scn_snapshot_originals

S=$SCN_DIR/session
ours() { dmsetup ls 2>/dev/null | awk '{print $1}' | { grep -E '^rr-[0-9a-f]{8}-' || true; } | sort; }

# Images: a read-only loop under each snapshot.
assert_ok "overlay the 3 first images" "$RR_BIN" overlay --session "$S" "${SCN_IMG[0]}" "${SCN_IMG[1]}" "${SCN_IMG[2]}"
assert_eq "$(ours | wc -l)" 3 "three snapshots exist"
for n in $(ours); do
	assert_match "$(dmsetup info -c --noheadings -o uuid "$n")" '^RAIDRESCUE-[0-9a-f]{8}-m[0-9]+-snap$' "$n has a RAIDRESCUE- UUID"
	assert_match "$(dmsetup table "$n")" ' snapshot 7:[0-9]+ 7:[0-9]+ P 8$' "$n is a persistent snapshot, 4 KiB chunks"
done
ro=$(losetup -l -n -O RO,BACK-FILE | awk -v f="${SCN_IMG[0]}" '$2 == f && $1 == 1' | wc -l)
[ "$ro" -ge 1 ] || fail "no read-only loop over ${SCN_IMG[0]}"
ok "the image is attached read-only"

# A block device member: the snapshot sits directly on it.
assert_ok "overlay a block device" "$RR_BIN" overlay --session "$S" "${SCN_DEV[3]}"
assert_eq "$(ours | wc -l)" 5 "four snapshots and one snapshot-origin exist"
m3=$(ours | grep -- '-m3$' || true)
maj_min=$(printf '%d:%d' $(stat -L -c '0x%t 0x%T' "${SCN_DEV[3]}"))
assert_match "$(dmsetup table "$m3")" " snapshot $maj_min " "the block-device snapshot's origin is the device itself"
assert_match "$(dmsetup table "$m3-orig")" " snapshot-origin $maj_min\$" "a block device also gets the snapshot-origin of the pair"
assert_match "$(dmsetup info -c --noheadings -o uuid "$m3-orig")" '^RAIDRESCUE-.*-orig$' "the snapshot-origin is ours by UUID"
# a write through the snapshot-origin reaches the member and the
# snapshot keeps the old data: the operators' pair works
before=$(dd if="/dev/mapper/$m3" bs=64K count=1 skip=40 status=none | sha256sum)
dd if=/dev/urandom of="/dev/mapper/$m3-orig" bs=64K count=1 seek=40 oflag=direct status=none
after=$(dd if="/dev/mapper/$m3" bs=64K count=1 skip=40 status=none | sha256sum)
assert_eq "$after" "$before" "the snapshot keeps the old data when the member is written through the origin"
# (that write changed the member on purpose: record the originals again)
scn_snapshot_originals

# The journal: four done overlay steps, each with its fingerprint.
done_steps=$(grep -c '"state":"done"' "$S/journal.jsonl")
assert_eq "$done_steps" 4 "four steps done in the journal"
python3 - "$S/journal.jsonl" <<'PY' || fail "journal records are incomplete"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
intents = [r for r in recs if r["state"] == "intent"]
assert len(intents) == 4 and all(r["action"] == "overlay" for r in intents)
for r in intents:
    fp = r["args"]["fingerprint"]
    assert fp["size_bytes"] == 32 << 20 and len(fp["head_sha256"]) == 64
    kinds = [x["type"] for x in r["resources"]]
    assert kinds[0] == "file" and kinds[-1] == "dm", kinds
PY
ok "journal intents carry fingerprints and planned resources"

# Writes through the snapshots land in the COW files only.
for n in $(ours | grep -v -- '-orig$'); do
	dd if=/dev/urandom of="/dev/mapper/$n" bs=64K count=16 seek=3 oflag=direct status=none
done
used=$(dmsetup status "$m3" | awk '{split($4, a, "/"); print a[1]}')
[ "$used" -gt 0 ] || fail "the COW of $m3 did not grow"
ok "writes went to the COW ($used sectors used)"
cow_alloc=$(du -k "$S/m0.rrcow" | cut -f1)
[ "$cow_alloc" -lt 16384 ] || fail "COW file not sparse: $cow_alloc KiB allocated"
ok "COW file is sparse (${cow_alloc} KiB allocated)"
scn_check_originals

# A second session on the same members is refused, naming the member.
if "$RR_BIN" overlay --session "$SCN_DIR/other" "${SCN_IMG[1]}" 2>"$SCN_DIR/err"; then
	fail "a second session stacked on a member already in use"
fi
assert_match "$(grep -m1 "^raidrescue: " "$SCN_DIR/err")" "^raidrescue: ${SCN_IMG[1]}: already under a snapshot" "second session refused with a clear message"
if "$RR_BIN" overlay --session "$SCN_DIR/other" "${SCN_DEV[3]}" 2>"$SCN_DIR/err"; then
	fail "a second session stacked on a block device already in use"
fi
ok "second session refused on the block device too"
assert_eq "$(ours | wc -l)" 5 "the refused session created nothing"

# The journal as a script.
"$RR_BIN" journal --as-script "$S/journal.jsonl" > "$SCN_DIR/script.sh"
assert_eq "$(grep -c '^dmsetup create rr-' "$SCN_DIR/script.sh")" 5 "script has the five dmsetup create lines (four snapshots, one snapshot-origin)"
assert_ok "script is valid shell" bash -n "$SCN_DIR/script.sh"

# Undo the last step, then all.
assert_ok "undo one step" "$RR_BIN" undo --session "$S"
assert_eq "$(ours | wc -l)" 3 "three snapshots left"
[ ! -e "$S/m3.rrcow" ] || fail "the undone step's COW file is still there"
ok "the undone step's COW file is gone"
assert_ok "undo all" "$RR_BIN" undo --session "$S" --all
assert_eq "$(ours | wc -l)" 0 "no snapshot left"
assert_eq "$(grep -c '"state":"undone"' "$S/journal.jsonl")" 4 "four steps marked undone"
assert_eq "$(ls "$S" | { grep -c rrcow || true; })" 0 "no COW file left in the session"
loops_left=$(losetup -n -O BACK-FILE | grep -c -e rrcow -e "$SCN_DIR/members" || true)
# the scenario's own loops (4) are still attached; ours are gone
assert_eq "$loops_left" 4 "only the scenario's own loop devices remain"

# Cleanup without a journal.
assert_ok "overlay again" "$RR_BIN" overlay --session "$SCN_DIR/s2" "${SCN_IMG[0]}" "${SCN_IMG[2]}"
rm -f "$SCN_DIR/s2/journal.jsonl"
dmsetup create bystander --table "0 8 error"
assert_ok "cleanup" "$RR_BIN" cleanup
assert_eq "$(ours | wc -l)" 0 "cleanup removed every raidrescue device"
dmsetup info bystander >/dev/null || fail "cleanup removed a device that was not ours"
ok "cleanup left the bystander device alone"
dmsetup remove bystander
assert_eq "$(losetup -n -O BACK-FILE | grep -c rrcow || true)" 0 "no COW loop left"
scn_end
