# Crash safety: the program is killed (SIGKILL, as by a power cut or
# kill -9) at every failpoint of every step of the flow in turn; after
# each, `undo --all` leaves the machine clean and every journal step
# undone or failed -- and `cleanup` does the same without a journal.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin actions-crash
scn_members 4 24
scn_md_create --level 5 --metadata 1.2 --chunk 64
# LVM on the array, so the layers step (LV mapping) has devices to crash in
scn_lvm_on "$SCN_MD" vg_crash "lv1:12M"
scn_mkfs ext4 "$(scn_lv_dev vg_crash lv1)" crash
scn_mount crash
scn_fill crash 1 1024
scn_stop
scn_snapshot_originals
imgs=("${SCN_IMG[@]}")
order=$(IFS=,; echo "${SCN_IMG[*]}")
# the truth order (by role) for assemble
ord=(); for ((r = 0; r < SCN_NDEV; r++)); do ord+=("${SCN_IMG[${SCN_ROLE_MEMBER[r]}]}"); done
order=$(IFS=,; echo "${ord[*]}")
ours() { dmsetup ls 2>/dev/null | awk '{print $1}' | { grep -E '^rr-[0-9a-f]{8}-' || true; } | wc -l; }

consistent() {  # every step undone or failed
	python3 - "$1/journal.jsonl" <<'PY'
import json, sys
state = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    state[r["seq"]] = r["state"]
bad = {k: v for k, v in state.items() if v not in ("undone", "failed")}
assert not bad, bad
PY
}

n=0
for fp in overlay.intent overlay.origin-loop overlay.cow-loop overlay.snapshot \
          assemble.intent assemble.linear assemble.raid layers.device fsck.intent prove.mounted; do
	for how in undo cleanup; do
		n=$((n + 1))
		S=$SCN_DIR/s$n
		stage=${fp%%.*}
		rc=0
		if [ "$stage" = prove ]; then
			# trial --prove: killed while an LV is mounted for the proof
			RAIDRESCUE_FAILPOINT=$fp "$RR_BIN" trial --prove --top 1 --session "$S" "${imgs[@]}" >/dev/null || rc=$?
			grep -qF "$S/proof-" /proc/self/mountinfo || fail "the crash at $fp left no proof mount to clean"
		elif [ "$stage" = overlay ]; then
			RAIDRESCUE_FAILPOINT=$fp "$RR_BIN" overlay --session "$S" "${imgs[@]}" || rc=$?
		else
			"$RR_BIN" overlay --session "$S" "${imgs[@]}" >/dev/null
			if [ "$stage" = assemble ]; then
				RAIDRESCUE_FAILPOINT=$fp "$RR_BIN" assemble --session "$S" --order "$order" || rc=$?
			else
				"$RR_BIN" assemble --session "$S" --order "$order" >/dev/null
				RAIDRESCUE_FAILPOINT=$fp "$RR_BIN" fsck --session "$S" || rc=$?
			fi
		fi
		assert_eq "$rc" 137 "killed at $fp"
		# the step it died in is left as an intent in the journal
		last=$(tail -n 1 "$S/journal.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
		assert_eq "$last" intent "the journal shows the step cut short at $fp"
		if [ "$how" = undo ]; then
			assert_ok "undo --all after a crash at $fp" "$RR_BIN" undo --session "$S" --all
			assert_ok "journal consistent after $fp" consistent "$S"
		else
			assert_ok "cleanup after a crash at $fp" "$RR_BIN" cleanup
		fi
		assert_eq "$(ours)" 0 "no raidrescue device left after $fp ($how)"
		left=$(losetup -n -O BACK-FILE | grep -c rrcow || true)
		assert_eq "$left" 0 "no COW loop left after $fp ($how)"
		[ -z "$(awk '/^md2[0-9][0-9]/' /proc/mdstat)" ] || fail "md array left after $fp ($how)"
		! grep -qF "$S/" /proc/self/mountinfo || fail "a mount of the session is left after $fp ($how)"
	done
done
scn_check_originals
scn_end
