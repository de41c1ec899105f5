# Tiny assertion helpers for command-line tests (TAP-free: exit 1 on the
# first failure, naming it).
set -u
fails=0
ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
# expect_status WANT DESC CMD...
expect_status() {
	local want=$1 desc=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"; local got=$?
	if [ "$got" -eq "$want" ]; then ok "$desc (exit $got)"; else bad "$desc: exit $got, wanted $want"; sed 's/^/    /' "$T/err"; fi
}
# expect_grep FILE REGEX DESC
expect_grep() {
	if grep -Eq -- "$2" "$1"; then ok "$3"; else bad "$3: no /$2/ in $(basename "$1")"; sed 's/^/    /' "$1" | head -20; fi
}
finish() { [ "$fails" -eq 0 ] && { echo "all passed"; exit 0; }; echo "$fails failed"; exit 1; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
