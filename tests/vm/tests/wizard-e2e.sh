# The ncurses wizard end to end on the real kernel, driven through a real
# pseudo-terminal by tmux (send-keys in, capture-pane out), on the
# two-ejections incident: the members given on the command line are
# preselected; the review marks and explains the two stale members; the
# first candidate is the truth (the later-ejected member in, the
# first-ejected one missing); the snapshots are stacked after a dialog
# that says what is written where; the trials of the two marked candidates
# show all three LVs clean for the first; undo all leaves nothing; the
# originals never change.
. "$RR_SRC_DIR/tests/vm/lib/scenarios.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
command -v tmux >/dev/null || fail "tmux is not installed (it drives the wizard)"
scn_begin wizard-e2e
# tmux works here (a pseudo-terminal: devpts) before the slow build
tmux -S "$SCN_DIR/probe.sock" -f /dev/null new-session -d -x 80 -y 24 "echo tmux-ok; sleep 30" ||
	fail "tmux cannot start a session (is devpts mounted on /dev/pts?)"
sleep 1
tmux -S "$SCN_DIR/probe.sock" capture-pane -p | grep -q tmux-ok || fail "tmux: the pane shows nothing"
tmux -S "$SCN_DIR/probe.sock" kill-server
ok "tmux runs a pane in a pseudo-terminal"
scn_build_two_ejections
. "$SCN_TRUTH/truth.sh"
scn_snapshot_originals

S=$SCN_DIR/session
SOCK=$SCN_DIR/tmux.sock
SCREEN=$SCN_DIR/screen.txt
first=${FAILED[0]} later=${FAILED[1]}
ours() { dmsetup ls 2>/dev/null | awk '{print $1}' | { grep -E '^rr-[0-9a-f]{8}-' || true; } | sort; }

# The members by relative path, as an operator in their directory types
# them: the wizard shows device names in a 40-column field.
cd "$SCN_DIR"
members=(members/member*.img)
assert_eq "${#members[@]}" 5 "five member images"

# Whatever happens: the wizard is stopped first (newest first), then
# whatever it left in the session is undone (the runner would catch it
# too, but this leaves the next test a clean machine without force).
scn_defer "$RR_BIN undo --session $S --all"
scn_defer "tmux -S $SOCK kill-server"

# --- the tmux helpers
tx() { tmux -S "$SOCK" "$@"; }
# cap [NAME]: the screen now into $SCREEN (and into the results as NAME)
cap() {
	tx capture-pane -p > "$SCREEN"
	[ -z "${1:-}" ] || cp "$SCREEN" "$RR_TEST_OUT/screen-$1.txt"
}
# keys KEY...: send keys (tmux key names: Enter, Escape, j, ...)
keys() { echo "keys: $*"; tx send-keys "$@"; }
# wait_for ERE TIMEOUT NAME: poll the screen every 0.5 s until a line
# matches; on timeout fail with the screen.
wait_for() {
	local re=$1 to=$2 name=$3 t0=$SECONDS
	while :; do
		cap
		if grep -Eq -- "$re" "$SCREEN"; then
			cap "$name"
			echo "screen $name: /$re/ after $((SECONDS - t0))s"
			return 0
		fi
		if ((SECONDS - t0 >= to)); then
			cp "$SCREEN" "$RR_TEST_OUT/screen-$name-TIMEOUT.txt"
			echo "--- the screen after ${to}s:"; cat "$SCREEN"; echo "---"
			fail "$name: no line matching /$re/ within ${to}s"
		fi
		sleep 0.5
	done
}
# the title line says which screen is up
wait_screen() { wait_for "^ raidrescue [^ ]+ — $1\$" "${2:-30}" "$3"; }
screen_has() { grep -Eq -- "$1" "$SCREEN"; }
# the words of the dialog on the screen, joined across its wrapped lines
dialog_has() { sed -n 's/^[^|]*| \(.*[^ ]\) *|.*$/\1/p' "$SCREEN" | tr '\n' ' ' | grep -Eq -- "$1"; }
# the status line (second to last)
status_line() { tail -n 2 "$SCREEN" | head -n 1 | sed 's/ *$//'; }

# --- start the wizard in a 120x40 pseudo-terminal
tx -f /dev/null new-session -d -x 120 -y 40 \
	"cd '$SCN_DIR' && env TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=/tmp PATH='$PATH' \
	 DM_DISABLE_UDEV=1 LVM_SYSTEM_DIR='$LVM_SYSTEM_DIR' \
	 '$RR_BIN' --session '$S' ${members[*]} 2>'$SCN_DIR/wizard.stderr'; \
	 echo EXITED \$?; sleep 600"

# 2 Devices: the members given on the command line are selected.
wait_screen Devices 60 devices
assert_ok "the devices screen says five members are selected" screen_has '^5 members selected\.'
for m in "${members[@]}"; do
	assert_ok "$m is listed and selected" screen_has "^\[x\] $m "
done
assert_match "$(tail -n 1 "$SCREEN")" 'kernel \(device-mapper\)' "the wizard uses the kernel backend"

# 1 Start: the session does not exist yet; create it (a confirmation).
keys 1
wait_screen Start 30 start
assert_ok "the start screen offers a new session in $S" screen_has "New session in $S\$"
keys Enter
wait_for 'Create the session\?' 30 create-session
keys y
wait_screen Devices 30 devices-with-session
assert_match "$(tail -n 1 "$SCREEN")" 'session: session ' "the session is open"
[ -f "$S/session.json" ] || fail "no $S/session.json"
ok "session.json written"
sid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$S/session.json")

# 3 Review: the two stale members are marked (*) and explained.
keys Enter
wait_screen Review 60 review
for i in "${!MEMBER_STATE[@]}"; do
	m=members/member$i.img
	row=$(grep -E "^[> ] $m " "$SCREEN" || true)
	[ -n "$row" ] || fail "review: no row for $m"
	if [ "${MEMBER_STATE[i]}" = stale ]; then
		assert_match "$row" " ${MEMBER_EVENTS[i]}\* " "review marks the events of stale $m (${MEMBER_EVENTS[i]})"
		assert_ok "review explains why $m is stale" \
			screen_has "^  $m has ${MEMBER_EVENTS[i]} events, the freshest [0-9]+: it stopped being updated"
	else
		[[ $row != *'*'* ]] || fail "review marks the fresh $m: $row"
		ok "review marks nothing on the fresh $m"
		! screen_has "^  $m has " || fail "review explains the fresh $m as stale"
	fi
done

# 4 Orders: candidate 1 is the truth -- by role, the first-ejected member
# missing, the later-ejected one in.
want="" want_slots=""
r=0
for img in "${ORDER[@]}"; do
	[ "$img" = "$first" ] && img=missing
	want+="${want:+ }$img"
	want_slots+="${want_slots:+  }$r:$img"
	r=$((r + 1))
done
[[ $want == *missing* && $want == *"$later"* ]] || fail "truth: cannot build the expected order from ${ORDER[*]}"
keys Enter
wait_screen Orders 120 orders
line1=$(grep -E '^\[.\]  1 ' "$SCREEN" || true)
assert_match "$line1" "^\[x\]  1 .*raid5 ${CHUNK_KIB}K $LAYOUT $METADATA: $want\$" \
	"candidate 1 is marked and is the true order ($want)"
assert_ok "the order of candidate 1 by slot is the truth" screen_has "^  $want_slots\$"
ncand=$(grep -cE '^\[.\] +[0-9]+ ' "$SCREEN" || true)
[ "$ncand" -ge 2 ] || fail "fewer than two candidates on the orders screen"
# keep the trials lean: only the first two stay marked
for ((k = 3; k <= ncand; k++)); do
	if grep -qE "^\[x\] +$k " "$SCREEN"; then
		keys -N $((k - 1)) j; keys Space; keys -N $((k - 1)) k
		wait_for "^\[ \] +$k " 10 "orders-unmark-$k"
	fi
done
assert_eq "$(grep -cE '^\[x\] ' "$SCREEN")" 2 "two candidates marked for the trials"
line2=$(grep -E '^\[x\]  2 ' "$SCREEN")

# 5 Snapshots: the dialog names every member and where its COW file goes.
keys Enter
wait_screen Snapshots 30 snapshots
assert_ok "nothing is stacked yet" screen_has 'Nothing stacked yet'
keys o
wait_for 'Stack snapshots\?' 30 snapshots-dialog
assert_ok "the dialog says the members are opened read-only" screen_has 'opened read-only and never written'
for m in "${members[@]}"; do
	assert_ok "the dialog says what is written for $m" screen_has "\| $m: writes session/m\*\.rrcow "
done
assert_eq "$(ours | wc -l)" 0 "nothing made before the confirmation"
keys y
wait_for '^5 snapshots made' 120 snapshots-made
assert_eq "$(ours | grep -c "^rr-$sid-m" || true)" 5 "dmsetup ls shows the five snapshots of the session (rr-$sid-m*)"
for d in $(ours); do
	t=$(dmsetup table "$d")
	[[ $t == *' snapshot '* ]] || fail "$d is not a dm snapshot: $t"
done
ok "each is a dm snapshot"
assert_eq "$(grep -c '`- snapshot ' "$SCREEN")" 5 "the stack shows five snapshots"
assert_eq "$(grep -cE '`- loop /dev/loop[0-9]+ over members/member[0-4]\.img, read-only' "$SCREEN")" 5 \
	"the stack shows each image's read-only loop device"
assert_eq "$(grep -cE '`- loop /dev/loop[0-9]+ over session/m[0-4]\.rrcow$' "$SCREEN")" 5 \
	"the stack shows each COW file's loop device"

# 6 Trials: run the two marked candidates; candidate 1 has its three LVs
# clean, the wrong choice (the later-ejected member missing) does not.
keys Enter
wait_screen Trials 30 trials
keys t
wait_for 'Run the trials\?' 30 trials-dialog
assert_ok "the dialog says two candidates" screen_has '\| 2 candidates, one after the other'
assert_ok "the dialog lists candidate 1" screen_has '\| 1\. raid5 '
assert_ok "the dialog lists candidate 2" screen_has '\| 2\. raid5 '
keys y
wait_for '^(trials finished|trials stopped|a teardown failed|the session has no snapshots|cannot start)' 480 trials-done
assert_eq "$(status_line)" "trials finished: candidate 1 is the best; p lists its files as proof" \
	"the trials finished and name candidate 1 the best"
lvrow() { grep -E "^$1\*? +LV [^ ]+/(root|home|var) " "$SCREEN" || true; }
assert_ok "the best candidate's rows are starred" screen_has '^1\* +LV '
! screen_has '^2\* ' || fail "candidate 2 is starred too"
ok "only candidate 1 is starred"
echo "candidate 1:"; lvrow 1
echo "candidate 2:"; lvrow 2
assert_eq "$(lvrow 1 | wc -l)" 3 "candidate 1: three LVs checked"
assert_eq "$(lvrow 1 | grep -cE ' ext4 +clean ')" 3 "candidate 1: all three LVs clean"
assert_eq "$(lvrow 2 | wc -l)" 3 "candidate 2: three LVs checked"
[ "$(lvrow 2 | grep -cE ' ext4 +clean ' || true)" -lt 3 ] || fail "candidate 2 (${line2}) looked clean too"
ok "candidate 2 (the later-ejected member missing) shows errors"
assert_eq "$(ours | wc -l)" 5 "the trials leave only the five snapshots"
[ -z "$(awk '/^md[0-9]+ :/' /proc/mdstat)" ] || fail "the trials left an md array: $(cat /proc/mdstat)"
ok "the trials leave no md array"

# The proof: p on the best candidate (the cursor is on its first row)
# assembles it again, mounts each LV read-only and lists the top level;
# what is listed is what the scenario wrote there.
keys p
wait_for 'List the files of this candidate\?' 30 prove-dialog
assert_ok "the proof dialog names candidate 1" screen_has '\| Candidate 1: raid5 '
assert_ok "the proof dialog says read-only without journal replay" \
	dialog_has 'mount each filesystem read-only without journal replay'
keys y
wait_for "^Proof: candidate 1, read-only$" 300 proof
for lv in root home var; do
	assert_ok "LV $lv listed through a read-only mount" \
		screen_has "^LV vg_rr/$lv \(ext4 \"$lv\"\), listed by mount: 3 entries at the top level"
	for dir in $(cut -c67- "$SCN_TRUTH/content/$lv.sha256" | sed 's#^\./##' | cut -d/ -f1 | sort -u); do
		n=$(cut -c67- "$SCN_TRUTH/content/$lv.sha256" | grep -c "^\./$dir/")
		assert_ok "LV $lv: $dir/ listed with its $n files" screen_has "^    dir +[0-9-]+ [0-9:]+ +$n entries +$dir/$"
	done
done
[ -z "$(grep -F "$S/proof-" /proc/self/mountinfo)" ] || fail "a proof mount is left: $(grep -F "$S/" /proc/self/mountinfo)"
ok "nothing is left mounted after the proof"
assert_eq "$(ours | wc -l)" 5 "the proof leaves only the five snapshots"
keys q
wait_screen Trials 30 trials-after-proof

# 5 again: A assembles candidate 1 and maps its LVs; the tree shows the
# array, each LV and the ext4 on it.
keys 5
wait_screen Snapshots 30 snapshots-again
keys A
wait_for 'Assemble on the snapshots\?' 30 assemble-dialog
keys y
wait_for '^assembled .* on the snapshots, 4 volumes$' 120 assembled
assert_ok "the tree shows the array" screen_has '^  array /dev/(mapper/rr-|md)[^ ]* \((dm-raid|mdadm), journal step [0-9]+\) on the snapshots'
for lv in root home var; do
	assert_ok "the tree shows LV $lv" screen_has "^  \`- LV vg_rr/$lv: /dev/mapper/rr-$sid-"
done
assert_eq "$(grep -cE '^     `- ext4 "(root|home|var)" \(filesystem\)' "$SCREEN")" 3 "and the ext4 on each LV"

# 7 Journal: undo every step (a confirmation naming what goes).
keys 7
wait_screen Journal 30 journal
assert_ok "the journal screen shows the session's journal" screen_has '^Journal session/journal\.jsonl'
keys U
wait_for 'Undo every step\?' 30 undo-dialog
assert_ok "the undo dialog names the snapshots" screen_has "rr-$sid-m"
keys y
wait_for '^[0-9]+ steps? undone' 120 undone
assert_eq "$(ours | wc -l)" 0 "undo all removed every device of the session"

# Quit.
keys Q
wait_for '^EXITED ' 30 exited
assert_ok "the wizard exits with status 0" screen_has '^EXITED 0$'
[ ! -s "$SCN_DIR/wizard.stderr" ] || { echo "--- wizard stderr:"; cat "$SCN_DIR/wizard.stderr"; }
tx kill-server 2>/dev/null || true

# Nothing left, the journal consistent.
assert_eq "$(ours | wc -l)" 0 "no dm device of the session"
[ -z "$(awk '/^md[0-9]+ :/' /proc/mdstat)" ] || fail "an md array is left: $(cat /proc/mdstat)"
ok "no md array"
left=$(losetup -a | grep -F "$S/" || true)
[ -z "$left" ] || fail "loop devices of the session are left: $left"
ok "no loop device of the session"
python3 - "$S/journal.jsonl" <<'PY' || fail "the journal is not consistent: $(cat "$S/journal.jsonl")"
import json, sys
state, action = {}, {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    state[r["seq"]] = r["state"]
    if "action" in r:
        action[r["seq"]] = r["action"]
# undone, or failed (which made nothing): nothing is left done
bad = {k: (action.get(k), v) for k, v in state.items() if v not in ("undone", "failed")}
assert not bad, bad
assert all(state[k] == "undone" for k, a in action.items() if a in ("overlay", "assemble")), state
acts = sorted(set(action.values()))
assert "overlay" in acts and "assemble" in acts, acts
print("journal: %d steps (%s): %s" % (len(state), ", ".join(acts), sorted(state.items())))
PY
ok "the journal is consistent: every step undone"
scn_end
