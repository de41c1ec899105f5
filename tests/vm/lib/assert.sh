# Assertions for VM tests.  The runner starts every test as
# `bash -e -u -o pipefail -E`, so any failing command ends the test; these
# helpers add a clear message and a count of what was checked.
#   ok MSG                     print a passed check
#   assert_eq GOT WANT MSG     equality
#   assert_ne A B MSG          inequality
#   assert_match STR ERE MSG   STR matches the extended regex
#   assert_ok MSG CMD...       CMD succeeds (its output is shown)
#   assert_fails MSG CMD...    CMD fails (proves a check can fail)
#   fail MSG                   fail now

RR_ASSERTS=0
fail() {
	echo "ASSERTION FAILED: $*" >&2
	local i
	for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
		echo "    at ${BASH_SOURCE[i]##*/}:${BASH_LINENO[i-1]} ${FUNCNAME[i]}" >&2
	done
	exit 1
}
ok() { RR_ASSERTS=$((RR_ASSERTS + 1)); echo "ok $RR_ASSERTS - $* [${SECONDS}s]"; }
assert_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"; ok "$3 ($1)"; }
assert_ne() { [ "$1" != "$2" ] || fail "$3: both are '$1'"; ok "$3 ($1 != $2)"; }
assert_match() { [[ $1 =~ $2 ]] || fail "$3: '$1' does not match /$2/"; ok "$3"; }
assert_ok() {
	local msg=$1; shift
	"$@" || fail "$msg: command failed (status $?): $*"
	ok "$msg"
}
assert_fails() {
	local msg=$1; shift
	if "$@"; then fail "$msg: command succeeded but must fail: $*"; fi
	ok "$msg"
}

# Name the command and line of an unexpected failure (set -e ends the test).
trap 'echo "FAILED at ${BASH_SOURCE[0]##*/}:$LINENO (status $?): $BASH_COMMAND" >&2' ERR
