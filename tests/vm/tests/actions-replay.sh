# Replay: a session built on block devices is saved, the devices come back
# under other names (loop devices re-attached in another order, as after a
# reboot), and `replay` finds every member by its fingerprint and rebuilds
# the same stack; with a member missing or changed it refuses and creates
# nothing.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin actions-replay
scn_members 4 24
scn_md_create --level 5 --metadata 1.2 --chunk 64
scn_mkfs ext4 "$SCN_MD" replay
scn_mount replay
scn_fill replay 1 1024
scn_stop
scn_snapshot_originals
ours() { dmsetup ls 2>/dev/null | awk '{print $1}' | { grep -E '^rr-[0-9a-f]{8}-' || true; } | wc -l; }
ord=(); for ((r = 0; r < SCN_NDEV; r++)); do ord+=("${SCN_DEV[${SCN_ROLE_MEMBER[r]}]}"); done

S=$SCN_DIR/s1
assert_ok "overlay the block devices" "$RR_BIN" overlay --session "$S" "${SCN_DEV[@]}"
assert_ok "assemble" "$RR_BIN" assemble --session "$S" --order "$(IFS=,; echo "${ord[*]}")"
"$RR_BIN" fsck --session "$S" --json > "$SCN_DIR/f1.json"
grep -q '"result":"clean"' "$SCN_DIR/f1.json" || fail "first session not clean"
cp "$S/journal.jsonl" "$SCN_DIR/saved.jsonl"
assert_ok "undo all" "$RR_BIN" undo --session "$S" --all
assert_eq "$(ours)" 0 "first session gone"

# "Reboot": the same images come back on other loop devices.
new=()
for ((i = ${#SCN_IMG[@]} - 1; i >= 0; i--)); do new[i]=$(losetup -f --show "${SCN_IMG[i]}"); done
for i in "${!SCN_LOOP[@]}"; do losetup -d "${SCN_LOOP[i]}"; done
for i in "${!new[@]}"; do [ "${new[i]}" != "${SCN_DEV[i]}" ] || fail "loop number did not change"; done
ok "members now on ${new[*]}"

"$RR_BIN" replay --dry-run "$SCN_DIR/saved.jsonl" > "$SCN_DIR/dry.txt"
for i in "${!new[@]}"; do
	grep -q "found as ${new[i]}\$" "$SCN_DIR/dry.txt" || fail "dry run did not find ${SCN_IMG[i]} as ${new[i]}"
done
ok "dry run finds every member under its new name"
assert_eq "$(ours)" 0 "dry run created nothing"

assert_ok "replay" "$RR_BIN" replay --session "$SCN_DIR/s2" "$SCN_DIR/saved.jsonl"
"$RR_BIN" fsck --session "$SCN_DIR/s2" --json > "$SCN_DIR/f2.json"
grep -q '"result":"clean"' "$SCN_DIR/f2.json" || fail "replayed stack not clean"
ok "the replayed stack checks clean"
grep -q "\"member\":\"${new[0]}\"" "$SCN_DIR/s2/journal.jsonl" || fail "new journal does not name the new devices"
ok "the new journal names the members by their new names"
assert_ok "undo the replay" "$RR_BIN" undo --session "$SCN_DIR/s2" --all
assert_eq "$(ours)" 0 "replayed session gone"

# A member missing: refused, nothing created.
losetup -d "${new[2]}"
if "$RR_BIN" replay --session "$SCN_DIR/s3" "$SCN_DIR/saved.jsonl" 2>"$SCN_DIR/err"; then
	fail "replay went ahead with a member missing"
fi
grep -q 'not found on this machine' "$SCN_DIR/err" || fail "no clear message: $(cat "$SCN_DIR/err")"
ok "missing member refused: $(head -1 "$SCN_DIR/err")"
assert_eq "$(ours)" 0 "refused replay created nothing"
for i in 0 1 3; do losetup -d "${new[i]}"; done
scn_check_originals
scn_end
