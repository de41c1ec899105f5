#!/bin/bash
# raidrescue cow-merge on the kernel-made fixture (shared/fixtures/kernel/
# dm-snapshot-cow), killed (SIGKILL, as a power cut) at many points: after
# the undo store is committed, after each of several runs, before the step
# is marked done, and in the middle of an undo.  From every point both
# ways out must give exact results: running the merge again gives the
# snapshot the kernel served (snapshot-view.sha256), undo gives the origin
# back (origin-after.img, origin-view.sha256).  Also: --dry-run, the
# confirmation, refusals, zfs list/rewind through the command line.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
rr=$RR_BIN
fx=$RR_SRC/../shared/fixtures/kernel/dm-snapshot-cow
snap=$(cut -d' ' -f1 "$fx/snapshot-view.sha256")
after=$(cut -d' ' -f1 "$fx/origin-view.sha256")
xz -dc "$fx/origin-after.img.xz" > "$T/origin-after.img"
xz -dc "$fx/cow.img.xz" > "$T/cow.img"
sha() { sha256sum "$1" | cut -d' ' -f1; }
# run_killed CMD...: run a command that a failpoint kills (exit 137),
# without the shell's "Killed" notice
run_killed() { bash -c '"$@"; exit $?' _ "$@" >/dev/null 2>&1; }
[ "$(sha "$T/origin-after.img")" = "$after" ] && ok "fixture origin is origin-after" || bad "fixture origin sha256"

expect_status 0 "dry run" "$rr" cow-merge --dry-run --cow "$T/cow.img" --origin "$T/origin-after.img"
expect_grep "$T/out" '^Total: 74 chunks in [0-9]+ runs, 303104 bytes' "dry run totals"
expect_grep "$T/out" '^  chunks 6000-6063 \(64 chunks\)' "dry run lists merged runs"
[ "$(sha "$T/origin-after.img")" = "$after" ] && ok "dry run wrote nothing" || bad "dry run changed the origin"
expect_status 1 "no --yes off a terminal" "$rr" cow-merge --session "$T/s0" --cow "$T/cow.img" --origin "$T/origin-after.img" </dev/null
expect_grep "$T/err" 'confirm with --yes' "asks for --yes"
expect_status 1 "wrong chunk size" "$rr" cow-merge --yes --chunk-size 16 --session "$T/s0" --cow "$T/cow.img" --origin "$T/origin-after.img"
expect_grep "$T/err" '8-sector chunks, not the 16' "names both chunk sizes"
expect_status 2 "no --cow" "$rr" cow-merge --origin "$T/origin-after.img"
[ "$(sha "$T/origin-after.img")" = "$after" ] && ok "refusals wrote nothing" || bad "a refusal changed the origin"

# The plain run, and undo.
cp "$T/origin-after.img" "$T/o.img"
expect_status 0 "merge" "$rr" cow-merge --yes --session "$T/s1" --cow "$T/cow.img" --origin "$T/o.img"
[ "$(sha "$T/o.img")" = "$snap" ] && ok "merged origin = the kernel's snapshot view" || bad "merged sha256"
expect_status 1 "merge again refused" "$rr" cow-merge --yes --session "$T/s1" --cow "$T/cow.img" --origin "$T/o.img"
expect_grep "$T/err" 'already merged' "says it is merged"
expect_status 0 "undo" "$rr" undo --session "$T/s1"
[ "$(sha "$T/o.img")" = "$after" ] && ok "undo restores origin-after" || bad "undone sha256"

# Killed at each point: complete by running again, or undo.
i=0
for fp in cowmerge.undo-written cowmerge.run.1 cowmerge.run.2 cowmerge.run.4 cowmerge.run.6 cowmerge.before-done; do
	for way in complete undo; do
		i=$((i + 1))
		cp "$T/origin-after.img" "$T/o$i.img"
		RAIDRESCUE_FAILPOINT=$fp run_killed "$rr" cow-merge --yes --session "$T/k$i" --cow "$T/cow.img" --origin "$T/o$i.img"
		rc=$?
		[ $rc -eq 137 ] || bad "$fp: killed (exit $rc)"
		if [ $way = complete ]; then
			"$rr" cow-merge --yes --session "$T/k$i" --cow "$T/cow.img" --origin "$T/o$i.img" > "$T/out" 2>&1 ||
				{ bad "$fp: re-run failed"; cat "$T/out"; }
			[ "$(sha "$T/o$i.img")" = "$snap" ] && ok "killed at $fp, re-run completes the merge" || bad "$fp: completed sha256"
			grep -q 'interrupted merge completed' "$T/out" && ok "$fp: resumed, not restarted" || bad "$fp: not resumed"
			"$rr" undo --session "$T/k$i" >/dev/null 2>&1 || bad "$fp: undo after completion"
			[ "$(sha "$T/o$i.img")" = "$after" ] && ok "$fp: then undo restores" || bad "$fp: undo after completion sha256"
		else
			"$rr" undo --session "$T/k$i" > "$T/out" 2>&1 || { bad "$fp: undo failed"; cat "$T/out"; }
			[ "$(sha "$T/o$i.img")" = "$after" ] && ok "killed at $fp, undo restores origin-after" || bad "$fp: undone sha256"
		fi
		ls "$T/k$i" | grep -q rrundo && bad "$fp/$way: undo store left behind" || true
	done
done

# Killed in the middle of an undo: undo again finishes it.
cp "$T/origin-after.img" "$T/ou.img"
"$rr" cow-merge --yes --session "$T/ku" --cow "$T/cow.img" --origin "$T/ou.img" >/dev/null 2>&1
RAIDRESCUE_FAILPOINT=cowmerge.run.3 run_killed "$rr" undo --session "$T/ku"
[ $? -eq 137 ] || bad "undo killed"
"$rr" undo --session "$T/ku" >/dev/null 2>&1 || bad "second undo"
[ "$(sha "$T/ou.img")" = "$after" ] && ok "undo killed midway, undo again restores" || bad "undo-twice sha256"
"$rr" cow-merge --yes --session "$T/ku" --cow "$T/cow.img" --origin "$T/ou.img" >/dev/null 2>&1
RAIDRESCUE_FAILPOINT=cowmerge.restored run_killed "$rr" undo --session "$T/ku"
[ $? -eq 137 ] || bad "undo killed after restoring"
"$rr" undo --session "$T/ku" >/dev/null 2>&1 || bad "undo after a kill past the restore"
[ "$(sha "$T/ou.img")" = "$after" ] && ok "undo killed before dropping the undo store, undo again is idempotent" || bad "undo idempotent sha256"

# zfs list needs no session; rewind only inside one (test-only file targets).
xz -dc "$RR_SRC/tests/fixtures/zfs/mi0.img.xz" > "$T/mi0.img"
expect_status 0 "zfs list" "$rr" zfs list "$T/mi0.img"
expect_grep "$T/out" '^  11 .* <- active' "zfs list marks the active txg"
expect_grep "$T/out" 'rewind --txg targets\): 11 7 6 5 4$' "zfs list gives the rewind targets"
expect_status 0 "zfs list --json" "$rr" zfs list --json "$T/mi0.img"
expect_grep "$T/out" '"active_txg": ?11' "json active txg"
mkdir -p "$T/z"
expect_status 1 "rewind on a non-session dir" "$rr" zfs rewind --txg 7 --session "$T/z" "$T/mi0.img"
expect_status 0 "make a session" "$rr" cow-merge --yes --session "$T/z" --cow "$T/cow.img" --origin "$T/o.img"
expect_status 1 "rewind refuses a plain path (not an overlay)" "$rr" zfs rewind --txg 7 --session "$T/z" "$T/mi0.img"
expect_grep "$T/err" 'not one of this session.s overlays' "names the reason"
cp "$T/mi0.img" "$T/z/mi0.img"; before=$(sha "$T/z/mi0.img")
expect_status 0 "rewind a test file in the session" "$rr" zfs rewind --txg 6 --target-file --session "$T/z" "$T/z/mi0.img"
"$rr" zfs list --json "$T/z/mi0.img" > "$T/out"
expect_grep "$T/out" '"active_txg": ?6' "active txg is now 6"
expect_status 0 "undo the rewind" "$rr" undo --session "$T/z"
[ "$(sha "$T/z/mi0.img")" = "$before" ] && ok "undo restores the uberblocks byte for byte" || bad "rewind undo sha256"

# zfs rewind on userspace overlays (the backend this host can run): writes
# go into the overlays' COW stores only, undo restores the view.
cp "$T/mi0.img" "$T/umi0.img"; xz -dc "$RR_SRC/tests/fixtures/zfs/mi1.img.xz" > "$T/umi1.img"
sha256sum "$T/umi0.img" "$T/umi1.img" > "$T/u.sha"
RAIDRESCUE_NO_LOOP=1 expect_status 0 "userspace overlays" "$rr" overlay --session "$T/u" --backend userspace "$T/umi0.img" "$T/umi1.img"
expect_status 1 "rewind refuses an original member path" "$rr" zfs rewind --txg 7 --session "$T/u" "$T/umi0.img"
expect_status 0 "rewind the userspace overlays" "$rr" zfs rewind --txg 7 --session "$T/u"
expect_grep "$T/out" '^rr-[0-9a-f]{8}-m1: 4 uberblocks newer than txg 7 neutralised \(was at txg 11\)' "both overlays rewound"
expect_status 1 "the overlays now end at txg 7" "$rr" zfs rewind --txg 7 --session "$T/u"
expect_grep "$T/err" 'no uberblock newer than txg 7' "nothing newer than 7 is left"
sha256sum --quiet -c "$T/u.sha" && ok "the members themselves are unchanged" || bad "a member changed"
(cd / && "$rr" undo --session "$T/u" >/dev/null 2>&1) && ok "undo (from another directory)" || bad "undo of the userspace rewind"
expect_status 1 "after undo the overlays are at txg 11 again" "$rr" zfs rewind --txg 11 --session "$T/u"
expect_status 0 "and can be rewound again" "$rr" zfs rewind --txg 5 --session "$T/u"
finish
