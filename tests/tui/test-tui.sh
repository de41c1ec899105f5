#!/bin/bash
# The wizard, headless: each case runs the real binary with keys from
# tests/tui/scripts/CASE.keys (RAIDRESCUE_TUI_SCRIPT) on a terminal of a
# fixed size (newterm on a file, LINES/COLUMNS), dumps screens as text
# (RAIDRESCUE_TUI_DUMP) and compares them with tests/tui/expected/CASE/.
# Then: help lists the keys of the key table, the too-small message,
# monochrome output without colour escapes, the Russian rendering, and a
# run through a real pseudo-terminal with tmux.
#   UPDATE=1 test-tui.sh   rewrites the expected dumps (review the diff!)
set -u
fails=0
ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
T=$(mktemp -d); [ -n "${KEEP:-}" ] && echo "kept: $T"; trap '[ -n "${KEEP:-}" ] || rm -rf "$T"; [ -n "${TMUX_SOCK:-}" ] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null' EXIT
HERE=$RR_SRC/tests/tui
FX=${RR_FIXTURES:-$RR_SRC/../shared/fixtures}

mkdir -p "$T/img"
for i in 0 1 2 3; do
	xz -dc "$FX/kernel/md-1.2/member$i.img.xz" >"$T/img/member$i.img" || { bad "fixture md-1.2/member$i"; exit 1; }
done
xz -dc "$FX/kernel/md-1.0/member3.img.xz" >"$T/img/v10-member3.img" || { bad "fixture md-1.0/member3"; exit 1; }

# run CASE COLSxROWS [VAR=value...] -- ARGS...
run() {
	local case=$1 size=$2; shift 2
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
	mkdir -p "$T/out/$case"
	rm -rf "$T/img/sess" "$T/img/raidrescue-steps.sh" "$T/img/journal-copy.jsonl"
	(cd "$T/img" && env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TERM=xterm-256color \
		COLUMNS=${size%x*} LINES=${size#*x} RAIDRESCUE_TUI_NO_UDEV=1 \
		RAIDRESCUE_TUI_MDSTAT="$FX/kernel/md-1.2/mdstat.txt" RAIDRESCUE_TUI_SYSFS="$T/nosys" \
		RAIDRESCUE_TUI_SCRIPT="$HERE/scripts/${case%%-*}.keys" RAIDRESCUE_TUI_DUMP="$T/out/$case" \
		"${envs[@]}" timeout 60 "$RR_BIN" "$@") >"$T/out/$case.stdout" 2>"$T/out/$case.stderr"
	local rc=$?
	[ $rc -eq 0 ] && ok "$case: ran ($size)" || { bad "$case: exit $rc"; sed 's/^/    /' "$T/out/$case.stderr"; }
}

# The backend line differs between this machine and one with
# device-mapper; paths and the version are normalised too.
norm() {
	sed -e "s#$T#\$T#g" -e 's/raidrescue [0-9][0-9.]* —/raidrescue VERSION —/' \
	    -e 's/ kernel (device-mapper) / BACKEND /; s/ no device-mapper: read-only review / BACKEND /' \
	    -e 's/ нет device-mapper: только просмотр / BACKEND /' \
	    -e 's/ userspace (COW stores, FUSE export) / BACKEND /' \
	    -e 's/ пространство пользователя (хранилища COW, экспорт через FUSE) / BACKEND /' "$1"
}

# compare CASE: every expected dump of the case, exactly.
compare() {
	local case=$1 f name
	if [ "${UPDATE:-}" = 1 ]; then
		mkdir -p "$HERE/expected/$case"
		for f in "$T/out/$case"/*.txt; do
			name=$(basename "$f")
			case "$name" in snapshots.txt|trials.txt) continue ;; esac
			norm "$f" >"$HERE/expected/$case/$name"
		done
	fi
	for f in "$HERE/expected/$case"/*.txt; do
		name=$(basename "$f")
		if [ ! -f "$T/out/$case/$name" ]; then bad "$case/$name: not dumped"; continue; fi
		if norm "$T/out/$case/$name" | diff -u "$f" - >"$T/diff"; then ok "$case/$name matches"
		else bad "$case/$name differs"; sed 's/^/    /' "$T/diff" | head -40; fi
	done
}

expect_grep() {
	if grep -Eq -- "$2" "$1"; then ok "$3"; else bad "$3: no /$2/ in ${1#$T/}"; sed 's/^/    /' "$1" | head -30; fi
}

members=(member0.img member1.img member2.img member3.img)

run main 80x24 -- --session sess "${members[@]}"
compare main
# With a backend (device-mapper, or FUSE for the userspace one) these two
# are open; without any they say why, whatever the reason here.
for s in snapshots trials; do
	# dmsetup talks to the kernel: it tells whether device-mapper works
	if [ -w /dev/fuse ] || { [ "$(id -u)" = 0 ] && dmsetup version >/dev/null 2>&1; }; then
		if grep -q 'This screen needs' "$T/out/main/$s.txt"; then
			bad "main/$s: refused although a backend can run here"
		else
			ok "main/$s: a backend can run here, the screen is open"
		fi
	else
		expect_grep "$T/out/main/$s.txt" 'This screen needs a backend' "main/$s says why it is unavailable"
	fi
done

run mixed 80x24 -- --session sess member0.img member1.img member2.img
compare mixed
expect_grep "$T/out/mixed/review.txt" 'ac351090\*' "mixed: the foreign UUID is marked"
expect_grep "$T/out/mixed/review.txt" 'belongs to another array' "mixed: and explained"

run session 80x24 -- --session sess "${members[@]}"
compare session
[ -f "$T/img/sess/session.json" ] && ok "session: created after yes" || bad "session: no session.json"
[ -x "$T/img/raidrescue-steps.sh" ] && head -1 "$T/img/raidrescue-steps.sh" | grep -q '^#!/bin/sh' \
	&& ok "session: script exported" || bad "session: no exported script"
cmp -s "$T/img/journal-copy.jsonl" "$T/img/sess/journal.jsonl" && ok "session: journal saved" || bad "session: journal copy differs"
# Declining wrote nothing: the 'declined' dump still says no session.
expect_grep "$T/out/session/declined.txt" 'session: none yet' "session: nothing created after no"

run big 120x40 -- --session sess "${members[@]}"
compare big
# Help is generated from the key table: every binding's text is listed.
grep -E '\{ TUI_SCR_(ORDERS|ANY),' "$RR_SRC/ui/tui/keys.c" | grep -o 'N_("[^"]*")' | sed 's/^N_("//; s/")$//' |
	while IFS= read -r h; do
		grep -qF -- "$h" "$T/out/big/help-orders.txt" || echo "$h"
	done >"$T/missing-help"
# The screen keys shadow a few global ones (Enter, Space): those may be absent.
grep -vE '^(choose|select|next pane)$' "$T/missing-help" >"$T/missing-help2"
[ -s "$T/missing-help2" ] && { bad "help misses keys of the table:"; sed 's/^/    /' "$T/missing-help2"; } \
	|| ok "help lists every key of the orders screen and the global keys"

run small 60x20 -- --session sess "${members[@]}"
compare small
expect_grep "$T/out/small/small.txt" 'too small: 60x20' "too-small message at 60x20"

# Colours: escapes with colour on a colour terminal (so the check below can
# fail), none with NO_COLOR or on a vt100.
colour_re=$'\e\\[([0-9;]*;)?(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m'
grep -Eq "$colour_re" "$T/out/main/terminal.out" && ok "colour terminal: colour escapes present" \
	|| bad "colour terminal: no colour escapes at all"
run mono-vt100 80x24 TERM=vt100 -- --session sess "${members[@]}"
run mono-nocolor 80x24 NO_COLOR=1 -- --session sess "${members[@]}"
for c in mono-vt100 mono-nocolor; do
	if grep -Eq "$colour_re" "$T/out/$c/terminal.out"; then bad "$c: colour escapes in the output"
	else ok "$c: no colour escapes"; fi
	compare "$c"
done

# Russian: a private locale and a small private catalog (the rendering is
# tested here; po/ru.po's completeness in test-i18n-ru).
mkdir -p "$T/locale" "$T/cat/ru/LC_MESSAGES"
if localedef -i ru_RU -f UTF-8 "$T/locale/ru_RU.UTF-8" 2>"$T/localedef.err" &&
   msgfmt -o "$T/cat/ru/LC_MESSAGES/raidrescue.mo" "$HERE/ru-sample.po"; then
	run ru 80x24 LOCPATH="$T/locale" LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 RAIDRESCUE_LOCALEDIR="$T/cat" \
		-- --session sess "${members[@]}"
	compare ru
	expect_grep "$T/out/ru/start.txt" 'Начало' "ru: Cyrillic title"
	# Columns are measured in screen columns, not bytes: the Cyrillic
	# headers of the trials table start where the English ones do.
	if grep -q 'This screen needs' "$T/out/ru/trials.txt"; then
		bad "ru: the trials screen has no backend here (cannot check the columns)"
	elif python3 - "$T/out/ru/trials.txt" "$T/out/main/trials.txt" <<'PY'
import sys
ru = next(l for l in open(sys.argv[1]) if l.startswith("#  "))
en = [l for l in open(sys.argv[2]) if l.startswith("#  ")]
want = en[0] if en else None
cols = [ru.index(w) for w in ("Том", "Тип", "Результат", "Оценка")]
print("ru columns", cols)
assert want is None or cols == [want.index(w) for w in ("Volume", "Type", "Result", "Score")], (cols, want)
assert cols == [5, 44, 56, 73], cols
PY
	then ok "ru: the Cyrillic column headers line up with the English ones"; else bad "ru: Cyrillic columns misplaced"; fi
else
	bad "ru: cannot make the private locale or catalog"; cat "$T/localedef.err"
fi

# The demo end to end through the userspace backend (FUSE; loop devices
# are never attached here, so the proof lists ext4 with debugfs): the
# proposed order, snapshots, trials with candidate 1 best, the proof
# listing the files the demo wrote, undo all; the originals unchanged.
if [ -w /dev/fuse ]; then
	D=$T/demo
	mkdir -p "$T/out/demo"
	"$RR_BIN" demo --no-wizard --dir "$D" >"$T/out/demo-build.out" 2>&1 || { bad "demo: build"; cat "$T/out/demo-build.out"; }
	(cd "$D" && sha256sum disk-*.img) >"$T/demo.sums"
	(cd "$T" && env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TERM=xterm-256color COLUMNS=80 LINES=24 \
		RAIDRESCUE_NO_LOOP=1 RAIDRESCUE_TUI_NO_UDEV=1 RAIDRESCUE_TUI_MDSTAT=/nonexistent \
		RAIDRESCUE_TUI_SYSFS="$T/nosys" RAIDRESCUE_TUI_SCRIPT="$HERE/scripts/demo.keys" \
		RAIDRESCUE_TUI_DUMP="$T/out/demo" timeout 300 "$RR_BIN" --session "$D" "$D"/disk-*.img) \
		>"$T/out/demo.stdout" 2>"$T/out/demo.stderr"
	rc=$?
	[ $rc -eq 0 ] && ok "demo: ran (80x24)" || { bad "demo: exit $rc"; sed 's/^/    /' "$T/out/demo.stderr"; }
	O=$T/out/demo
	expect_grep "$O/snapshots.txt" '^5 snapshots made' "demo: five snapshots made"
	expect_grep "$O/trials-done.txt" '^trials finished: candidate 1 is the best; p lists its files as proof' \
		"demo: the trials finish, candidate 1 best"
	n=$(grep -cE '^1\* +LV demovg/[a-z]+ +ext4 +clean ' "$O/trials-done.txt")
	[ "$n" -eq 3 ] && ok "demo: candidate 1 has its three LVs clean" || bad "demo: candidate 1 has $n clean LVs"
	# the header and the rows line up: Result starts where clean does
	h=$(grep -E '^# +Volume' "$O/trials-done.txt" | awk '{print index($0, "Result")}')
	r=$(grep -E '^1\* +LV demovg/home' "$O/trials-done.txt" | awk '{print index($0, "clean")}')
	[ -n "$h" ] && [ "$h" = "$r" ] && ok "demo: the Result column lines up" || bad "demo: Result at $h, clean at $r"
	expect_grep "$O/prove-dialog.txt" 'List the files of this candidate\?' "demo: the proof asks first"
	# the dialog's words, joined across its wrapped lines
	sed -n 's/^[^|]*| \(.*[^ ]\) *|.*$/\1/p' "$O/prove-dialog.txt" | tr '\n' ' ' >"$T/prove-dialog.joined"
	expect_grep "$T/prove-dialog.joined" 'mount each filesystem read-only without journal replay' "demo: and says read-only, no journal replay"
	expect_grep "$O/proof.txt" '^Proof: candidate 1, read-only' "demo: the proof of candidate 1 is shown"
	for lv in home srv; do
		expect_grep "$O/proof.txt" "^LV demovg/$lv \(ext4 \"$lv\"\), listed by debugfs: [0-9]+ entries" \
			"demo: LV $lv listed by debugfs"
	done
	# what the demo wrote at the top level of home is what is listed
	python3 - "$D/truth.json" "$O/proof.txt" >"$T/demo-proof.out" 2>&1 <<'PY'
import json, re, sys
truth = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
listed = re.findall(r'^    (dir|file) +\S+ \S+ +.*?  +(\S+?)/?$', text, re.M)
names = {n for _, n in listed}
for want in ("documents", "photos", "README.txt", "SHA256SUMS", "backups", "www"):
    assert want in names, (want, sorted(names))
print("listed:", sorted(names))
PY
	[ $? -eq 0 ] && ok "demo: the proof lists the demo's files" || { bad "demo: proof listing"; sed 's/^/    /' "$T/demo-proof.out"; }
	# the stack after A: the array, its LVs, the filesystem on each
	expect_grep "$O/assemble-dialog.txt" 'In userspace: the array is served as a file through FUSE' "demo: the assemble dialog names the userspace route"
	expect_grep "$O/assemble-dialog.txt" 'nothing is written' "demo: and says nothing is written"
	expect_grep "$O/tree.txt" '^  array demo/mnt-a[0-9]+/array \(userspace, journal step [0-9]+\) on the snapshots' "demo: the tree shows the array"
	expect_grep "$O/tree.txt" '^  `- LVM2_member \(raid\)' "demo: and the LVM2 PV on it"
	for lv in home srv log; do
		expect_grep "$O/tree.txt" "^  \`- LV demovg/$lv: demo/mnt-a[0-9]+/demovg-$lv\$" "demo: the tree shows LV $lv"
	done
	n=$(grep -cE '^     `- ext4 "(home|srv|log)" \(filesystem\)' "$O/tree.txt")
	[ "$n" -eq 3 ] && ok "demo: and the ext4 on each LV" || { bad "demo: $n ext4 rows in the tree"; sed "s/^/    /" "$O/tree.txt"; }
	expect_grep "$O/tree.txt" 'on the snapshots, 4 volumes$' "demo: the status says 4 volumes mapped"
	expect_grep "$O/undone.txt" '^[0-9]+ steps undone' "demo: undo all"
	grep -q " - fuse.raidrescue " /proc/self/mountinfo && grep " - fuse.raidrescue " /proc/self/mountinfo | grep -qF "$T/" &&
		bad "demo: a FUSE export is left mounted" || ok "demo: nothing left mounted"
	left=$(cd "$D" && ls | grep -E '\.rrcow$|^proof-|^mnt-' || true)
	[ -z "$left" ] && ok "demo: no COW store, mount point or proof file left" || bad "demo: left: $left"
	(cd "$D" && sha256sum -c --quiet "$T/demo.sums") && ok "demo: originals unchanged (sha256)" || bad "demo: an original changed"

	# Esc while stacking: each member takes 1.5 s, Esc comes during the
	# first; the child finishes that one and stops.
	mkdir -p "$T/out/cancel"
	(cd "$T" && env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TERM=xterm-256color COLUMNS=80 LINES=24 \
		RAIDRESCUE_NO_LOOP=1 RAIDRESCUE_TUI_NO_UDEV=1 RAIDRESCUE_TUI_MDSTAT=/nonexistent \
		RAIDRESCUE_TUI_SYSFS="$T/nosys" RAIDRESCUE_TUI_SCRIPT="$HERE/scripts/cancel.keys" \
		RAIDRESCUE_DELAY=overlay.cow-store:1500 RAIDRESCUE_TUI_DUMP="$T/out/cancel" \
		timeout 120 "$RR_BIN" --session "$D" "$D"/disk-*.img) >"$T/out/cancel.stdout" 2>"$T/out/cancel.stderr"
	rc=$?
	[ $rc -eq 0 ] && ok "cancel: ran" || { bad "cancel: exit $rc"; sed 's/^/    /' "$T/out/cancel.stderr"; }
	# (Esc may come before the first member begins: then none is made)
	said=$(sed -n 's/^stopped by Esc after \([0-9]*\) snapshots\{0,1\};.*/\1/p' "$T/out/cancel/cancelled.txt")
	n=$(grep -c '`- snapshot ' "$T/out/cancel/cancelled.txt")
	if [ -n "$said" ] && [ "$said" -lt 5 ] && [ "$n" -eq "$said" ]; then
		ok "cancel: Esc stopped the stacking after $said of 5 members, the stack shows them"
	else
		bad "cancel: said '$said', $n snapshots in the stack"; sed 's/^/    /' "$T/out/cancel/cancelled.txt"
	fi
	python3 - "$D/journal.jsonl" <<'PY' && ok "cancel: after undo all every step is undone or failed" || bad "cancel: journal not consistent"
import json, sys
state = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    state[r["seq"]] = r["state"]
assert all(v in ("undone", "failed") for v in state.values()), state
PY
	left=$(cd "$D" && ls | grep -E '\.rrcow$|^mnt-' || true)
	[ -z "$left" ] && ok "cancel: nothing left" || bad "cancel: left: $left"
	(cd "$D" && sha256sum -c --quiet "$T/demo.sums") && ok "cancel: originals unchanged" || bad "cancel: an original changed"

else
	bad "demo: /dev/fuse is not writable: the userspace backend cannot run the demo here"
fi

# A real pseudo-terminal: tmux at 80x24, keys through the terminal.
if command -v tmux >/dev/null; then
	TMUX_SOCK=$T/tmux.sock
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x 80 -y 24 \
		"cd '$T/img' && env TERM=screen RAIDRESCUE_TUI_NO_UDEV=1 LANG=C.UTF-8 '$RR_BIN' --session sess ${members[*]}; echo EXITED \$?; sleep 5"
	cap() { tmux -S "$TMUX_SOCK" capture-pane -p >"$T/tmux-$1.txt"; }
	waitfor() {	# waitfor NAME REGEX
		for _ in $(seq 50); do cap "$1"; grep -Eq -- "$2" "$T/tmux-$1.txt" && return 0; sleep 0.1; done
		return 1
	}
	waitfor devices 'member3.img' && ok "tmux: devices screen" || { bad "tmux: devices screen"; cat "$T/tmux-devices.txt"; }
	tmux -S "$TMUX_SOCK" send-keys Enter
	waitfor review 'Update Time' && ok "tmux: Enter goes to the review" || { bad "tmux: review"; cat "$T/tmux-review.txt"; }
	tmux -S "$TMUX_SOCK" send-keys F1
	waitfor help 'Keys of this screen' && ok "tmux: F1 opens the help" || { bad "tmux: help"; cat "$T/tmux-help.txt"; }
	tmux -S "$TMUX_SOCK" resize-window -x 60 -y 20 2>/dev/null && {
		waitfor resize 'too small' && ok "tmux: resize to 60x20 says too small" || { bad "tmux: resize"; cat "$T/tmux-resize.txt"; }
	}
	tmux -S "$TMUX_SOCK" send-keys Q
	waitfor quit 'EXITED 0' && ok "tmux: Q quits with status 0" || { bad "tmux: quit"; cat "$T/tmux-quit.txt"; }
else
	echo "skip tmux: not installed"
fi

[ "$fails" -eq 0 ] && { echo "all passed"; exit 0; }
echo "$fails failed"; exit 1
