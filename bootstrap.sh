#!/bin/bash
# raidrescue quick start, for a fresh Debian machine, as root.
#   ./bootstrap.sh demo    install what is missing, build, open the wizard on the demo
#   ./bootstrap.sh test    install what is missing, build, run the whole test suite
#   ./bootstrap.sh build   install what is missing and build (./build/raidrescue)
#   ./bootstrap.sh deps    only install the Debian packages
# Environment: RR_FUZZ_SECONDS (per fuzz target, default 30; 0 skips fuzzing
# only when set explicitly by a developer, CI always fuzzes).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

# Build tools and libraries, then what the real-kernel VM bench and the
# checkers need (the VM runs the host's own userspace over 9p).
PKGS=(
	build-essential meson ninja-build pkg-config gettext clang
	libncurses-dev libdevmapper-dev libudev-dev libblkid-dev libjson-c-dev
	libcmocka-dev libfuse3-dev fuse3 locales xz-utils python3
	qemu-system-x86 linux-image-amd64 busybox-static kmod cpio
	mdadm lvm2 e2fsprogs xfsprogs btrfs-progs dosfstools fdisk util-linux
	tmux file udev procps
)

say() { printf '\n==> %s\n' "$*"; }

deps() {
	local missing=() p
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "raidrescue: missing packages: ${missing[*]} (run as root to install them)" >&2
		exit 1
	fi
	say "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# setup DIR [meson options...]: configure once, reconfigure when options change.
setup() {
	local dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@"
	fi
}

build() {
	say "building (./build)"
	setup build -Dwerror=true
	ninja -C build
}

# Counts of every meson test run, from their JSON logs, as one closing line.
summary() {
	python3 - "$@" <<'PY'
import json, sys
p = f = 0
for log in sys.argv[1:]:
    try:
        for line in open(log):
            r = json.loads(line)
            if r.get("result") in ("OK", "EXPECTEDFAIL"): p += 1
            elif r.get("result") == "SKIP": f += 1   # a skipped test is not a pass
            else: f += 1
    except FileNotFoundError:
        f += 1
print(f"tests: {p} passed, {f} failed")
sys.exit(1 if f else 0)
PY
}

run_tests() {
	local rc=0
	build
	say "unit, command-line and real-kernel (VM) tests"
	meson test -C build --print-errorlogs --num-processes 2 || rc=1

	say "unit and command-line tests again under AddressSanitizer and UBSan"
	setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dvm_tests=false
	ninja -C build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C build-asan --print-errorlogs --suite unit --suite cli || rc=1

	say "fuzzing each on-disk format for a fixed budget"
	CC=clang setup build-fuzz -Dwerror=true -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dvm_tests=false -Dtests=false
	ninja -C build-fuzz
	tests/fuzz/run-all build-fuzz "${RR_FUZZ_SECONDS:-30}" || rc=1

	summary build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
		build-fuzz/fuzz-results.jsonl || rc=1
	return $rc
}

case "${1:-}" in
deps)	deps ;;
build)	deps; build ;;
test)	deps; run_tests ;;
demo)	deps; build; exec ./build/raidrescue demo ;;
*)	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
