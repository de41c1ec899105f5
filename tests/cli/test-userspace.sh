#!/bin/bash
# The userspace backend end to end on this machine (no device-mapper, no
# VM): the demo's two-ejections incident through the FUSE export.
#  - trial: the right order ranks first with every LV clean, the order
#    with the first-ejected (stale) member instead ranks below it;
#  - undo --all: nothing mounted, no COW store left, originals unchanged;
#  - overlay / assemble / fsck / fsck --write / undo step by step, writes
#    through the export reaching only the COW stores and surviving a new
#    server; journal --as-script; cleanup of a mount left without journal.
# Loop devices must never be attached on the build machines:
# RAIDRESCUE_NO_LOOP makes fsck --write say so instead of mounting.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C RAIDRESCUE_NO_LOOP=1
rr=$RR_BIN

if [ ! -w /dev/fuse ]; then
	echo "SKIP: no /dev/fuse"
	exit 77
fi
# Whatever happens, leave no mount behind (before lib.sh's rm -rf).
unmount_all() {
	grep " - fuse.raidrescue " /proc/self/mountinfo | awk '{print $5}' | grep "^$T/" |
		while read -r m; do fusermount3 -u "$m" 2>/dev/null || umount "$m" 2>/dev/null; done
	rm -rf "$T"
}
trap unmount_all EXIT
ours_mounted() { grep " - fuse.raidrescue " /proc/self/mountinfo | awk '{print $5}' | grep -c "^$T/"; }
# json FILE EXPR: EXPR with d = the file's JSON
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }

expect_status 0 "demo builds the incident" "$rr" demo --no-wizard --dir "$T/demo"
D=$T/demo
(cd "$D" && sha256sum disk-*.img) >"$T/sums"
right=$(json "$D/truth.json" "print(','.join(d['right_assembly']['order']))")
wrong=$(json "$D/truth.json" "print(','.join(d['wrong_assembly']['order']))")

# --- trial, every candidate through FUSE ---
"$rr" trial --json --backend userspace --session "$T/s" "$D"/disk-*.img >"$T/trial.json" 2>"$T/trial.err"
st=$?
[ $st -eq 0 ] && ok "trial --backend userspace (exit 0)" || { bad "trial exit $st"; sed 's/^/    /' "$T/trial.err"; }
expect_grep "$T/trial.err" '^backend: userspace' "trial says which backend"
cat >"$T/rank.py" <<'EOF'
import json, os, sys
d = json.load(open(sys.argv[1]))
right, wrong = sys.argv[2].split(','), sys.argv[3].split(',')
def order(c):
    return [('missing' if s is None else os.path.basename(s)) for s in c['order']]
cands = d['candidates']
orders = [order(c) for c in cands]
best = cands[0]
lvs = [f for f in best['filesystems'] if f['what'].startswith('LV ')]
print('best', orders[0], [f['result'] for f in lvs])
assert orders[0] == right, 'best is not the right order'
assert best['via'] == 'userspace'
assert len(lvs) == 3 and all(f['result'] == 'clean' for f in lvs), 'not every LV clean'
assert wrong in orders and orders.index(wrong) > 0, 'the stale order does not rank below'
EOF
if python3 "$T/rank.py" "$T/trial.json" "$right" "$wrong" >"$T/rank.out" 2>&1; then
	ok "right order first, 3 LVs clean, the stale order below"
else
	bad "ranking"; sed 's/^/    /' "$T/rank.out"; head -c 3000 "$T/trial.json"
fi
[ "$(ours_mounted)" -eq 0 ] && ok "nothing mounted after the trials" || bad "a trial left a mount"
expect_status 0 "undo --all" "$rr" undo --session "$T/s" --all
[ "$(ours_mounted)" -eq 0 ] && ok "nothing mounted after undo" || bad "mounted after undo"
left=$(cd "$T/s" && ls | grep -v -E '^(journal\.jsonl|session\.json|session\.log|.*\.log)$')
[ -z "$left" ] && ok "only the journal, session and log files left" || bad "left in the session: $left"
(cd "$D" && sha256sum -c --quiet "$T/sums") && ok "originals unchanged (sha256)" || bad "an original changed"

# --- step by step ---
S=$T/s2
expect_status 0 "overlay --backend userspace" "$rr" overlay --session "$S" --backend userspace \
	"$D/disk-c.img" "$D/disk-e.img" "$D/disk-a.img" "$D/disk-d.img"
expect_grep "$T/out" 'userspace snapshot' "overlay says userspace snapshot"
expect_grep "$T/err" '^backend: userspace' "overlay says which backend"
expect_grep "$S/session.json" '"backend": *"userspace"' "session.json records the backend"
expect_status 1 "a userspace session refuses --backend kernel" "$rr" fsck --session "$S" --backend kernel
order=$(echo "$right" | sed "s#disk-#$D/disk-#g")
expect_status 0 "assemble" "$rr" assemble --session "$S" --order "$order"
expect_grep "$T/out" 'mnt-a[0-9]+/array \(userspace\)' "assemble names the exported array"
M=$(ls -d "$S"/mnt-a*)
[ "$(ours_mounted)" -eq 1 ] && ok "one fuse.raidrescue mount" || bad "mounts: $(ours_mounted)"
expect_status 0 "fsck in another process" "$rr" fsck --json --session "$S"
n=$(json "$T/out" "print(sum(1 for f in d['filesystems'] if f['result']=='clean'))")
[ "$n" -eq 3 ] && ok "fsck: 3 clean" || bad "fsck: $n clean"
expect_status 1 "the export is read-only before --write" dd if=/dev/zero of="$M/demovg-log" bs=4k count=1 conv=notrunc
expect_status 0 "fsck --write" "$rr" fsck --session "$S" --write
expect_grep "$T/out" 'not mounted: loop devices are not to be used' "no loop device on this machine, said so"
head -c 1048576 /dev/urandom >"$T/rnd"
expect_status 0 "write through the export" dd if="$T/rnd" of="$M/demovg-log" bs=64k seek=5 conv=notrunc,fsync
expect_status 0 "journal --as-script" "$rr" journal --as-script "$S/journal.jsonl"
expect_grep "$T/out" '^# raidrescue fuse-serve' "the script names the userspace assembly"
expect_grep "$T/out" "fusermount3 -u" "the undo script unmounts"
# a new server over the same stores still has the write (parity included)
expect_status 0 "undo the assembly" "$rr" undo --session "$S" --steps 4
[ "$(ours_mounted)" -eq 0 ] && ok "undo unmounted" || bad "still mounted"
expect_status 0 "assemble again" "$rr" assemble --session "$S" --order "$order"
M=$(ls -d "$S"/mnt-a*)
off=$(( (231424 + 5 * 128) * 512 ))
if cmp <(dd if="$M/array" bs=64k skip=$((off / 65536)) count=16 status=none) "$T/rnd"; then
	ok "the write is in the COW stores"
else
	bad "the write did not survive"
fi
(cd "$D" && sha256sum -c --quiet "$T/sums") && ok "originals still unchanged" || bad "an original changed"
# A second session, open in a "running raidrescue" (its lock held, as
# the wizard holds it): cleanup must leave it alone.
S3=$T/s3
expect_status 0 "overlay + assemble a second session" sh -c \
	"'$rr' overlay --session '$S3' --backend userspace '$D/disk-c.img' '$D/disk-e.img' '$D/disk-a.img' '$D/disk-d.img' >/dev/null 2>&1 &&
	 '$rr' assemble --session '$S3' --order '$order'"
M3=$(ls -d "$S3"/mnt-a*)
flock -o "$S3/.lock" sleep 60 </dev/null >/dev/null 2>&1 &
holder=$!
sleep 0.3
# cleanup finds the export without the journal
mv "$S/journal.jsonl" "$T/journal.saved"
expect_status 0 "cleanup" "$rr" cleanup
expect_grep "$T/out" "unmounted $M" "cleanup unmounted the export"
expect_grep "$T/out" "session $S3 is open in a running raidrescue: left alone" "cleanup names the live session it leaves"
grep -q " $M3 " /proc/self/mountinfo && ok "the live session's export is still mounted" || bad "cleanup unmounted a live session's export"
pkill -P $holder 2>/dev/null; kill $holder 2>/dev/null; wait $holder 2>/dev/null
expect_status 0 "undo the second session" "$rr" undo --session "$S3" --all
[ "$(ours_mounted)" -eq 0 ] && ok "nothing mounted after cleanup" || bad "still mounted after cleanup"
mv "$T/journal.saved" "$S/journal.jsonl"
expect_status 0 "undo --all after cleanup" "$rr" undo --session "$S" --all
left=$(cd "$S" && ls | grep -v -E '^(journal\.jsonl|session\.json|session\.log|.*\.log)$')
[ -z "$left" ] && ok "no COW store left" || bad "left: $left"
(cd "$D" && sha256sum -c --quiet "$T/sums") && ok "originals unchanged at the end" || bad "an original changed"
finish
