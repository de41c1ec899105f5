#!/bin/bash
# Every command answers --help; usage errors exit 2; failures exit 1 with
# "raidrescue: <device>: <what>" and the other devices are still handled.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
rr=$RR_BIN

expect_status 0 "raidrescue --help" "$rr" --help
expect_grep "$T/out" '^Usage: raidrescue' "overview has a usage line"
cmds=$(sed -n 's/^  raidrescue \([a-z-]*\) .*/\1/p' "$T/out")
for c in demo examine plan overlay assemble fsck trial undo replay journal cleanup cow-merge zfs status snapshot-live; do
	echo "$cmds" | grep -qx "$c" || bad "overview lists $c"
	expect_status 0 "$c --help" "$rr" "$c" --help
	expect_grep "$T/out" "^Usage: raidrescue $c" "$c --help has its usage line"
	expect_grep "$T/out" '--help' "$c --help lists its options"
	expect_status 0 "help $c" "$rr" help "$c"
done
expect_status 0 "--version" "$rr" --version
expect_grep "$T/out" '^raidrescue [0-9]' "version printed"
expect_status 2 "unknown command" "$rr" frobnicate
expect_grep "$T/err" '^raidrescue: frobnicate: ' "unknown command named in the error"
expect_status 2 "examine without devices" "$rr" examine
expect_grep "$T/err" "Try 'raidrescue examine --help'" "usage error points at help"
expect_status 2 "examine with a bad option" "$rr" examine --bogus /dev/null

# One bad device among good ones: named error, the others still examined.
printf 'x%.0s' $(seq 1 8192) > "$T/plain.img"
: > "$T/empty.img"
expect_status 1 "examine with an absent device" "$rr" examine "$T/plain.img" /nonexistent/disk "$T/empty.img"
expect_grep "$T/err" '^raidrescue: /nonexistent/disk: cannot open: No such file or directory' "absent device named"
expect_grep "$T/err" "^raidrescue: $T/empty.img: the device is empty" "empty image named"
expect_grep "$T/out" "^Verdict for $T/plain.img: nothing recognised" "good device still examined"
expect_status 1 "examine --json with an absent device" "$rr" examine --json "$T/plain.img" /nonexistent/disk
python3 - "$T/out" <<'PY' && ok "examine --json is valid JSON with both devices" || bad "examine --json"
import json, sys
d = json.load(open(sys.argv[1]))["devices"]
assert [x["path"] for x in d][1] == "/nonexistent/disk"
assert d[0]["size_bytes"] == 8192 and d[0]["errors"] == []
assert "size_bytes" not in d[1] and d[1]["errors"]
PY
finish
