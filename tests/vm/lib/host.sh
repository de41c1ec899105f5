# Host side of the VM bench: build the initramfs, boot qemu once for a list
# of tests, watch it, and read the per-test results back.  Sourced by
# tests/vm/run-one, run-all and make-fixtures.
#
# Knobs (environment):
#   RR_VM_KERNEL        kernel image (default: newest /boot/vmlinuz-* that has
#                       a /lib/modules dir)
#   RR_VM_MEM           guest RAM in MiB (default 2048; /tmp in the guest is
#                       a tmpfs holding the member images)
#   RR_VM_SMP           guest vCPUs (default: host cores, at most 2)
#   RR_VM_BOOT_TIMEOUT  seconds until the first test must start (default 300)
#   RR_VM_TEST_TIMEOUT  seconds one test may take (default 600)
#   RR_VM_QEMU          qemu binary (default qemu-system-x86_64)

RR_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RR_SRC_DIR=${RR_SRC_DIR:-$(cd "$RR_VM_DIR/../.." && pwd)}

vm_now() { date +%s.%N; }
vm_elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Sets RR_VM_KERNEL and RR_VM_KVER, or prints why not and returns 1.
vm_find_kernel() {
	local k v
	if [ -z "${RR_VM_KERNEL:-}" ]; then
		for k in $(ls -1v /boot/vmlinuz-* 2>/dev/null | tac); do
			v=${k#/boot/vmlinuz-}
			if [ -d "/lib/modules/$v/kernel" ]; then RR_VM_KERNEL=$k; break; fi
		done
	fi
	if [ -z "${RR_VM_KERNEL:-}" ]; then
		echo "no kernel: no /boot/vmlinuz-* with matching /lib/modules/<version> (install linux-image-amd64)"
		return 1
	fi
	if [ ! -e "$RR_VM_KERNEL" ]; then
		echo "kernel $RR_VM_KERNEL does not exist"
		return 1
	fi
	if [ ! -r "$RR_VM_KERNEL" ]; then
		echo "kernel $RR_VM_KERNEL is not readable by $(id -un) (Debian installs it mode 0600: run as root)"
		return 1
	fi
	RR_VM_KVER=${RR_VM_KVER:-${RR_VM_KERNEL#/boot/vmlinuz-}}
	[ -d "/lib/modules/$RR_VM_KVER" ] || { echo "no /lib/modules/$RR_VM_KVER for $RR_VM_KERNEL"; return 1; }
}

# vm_build_initramfs OUT.cpio.gz: busybox-static + the modules needed to
# reach the 9p shares, insmod'ed in the order modprobe --show-depends gives.
# (All other modules are loaded later with the host's own modprobe, from the
# chroot.)  Prints the reason and returns 1 on failure.
vm_build_initramfs() {
	local out=$1 tree mods m line ko bb
	bb=$(command -v busybox) || { echo "busybox not found (install busybox-static)"; return 1; }
	if ! file -L "$bb" 2>/dev/null | grep -q 'statically linked' && \
	   ldd "$bb" >/dev/null 2>&1; then
		echo "$bb is dynamically linked: install busybox-static"; return 1
	fi
	tree=$(mktemp -d "${out%/*}/initramfs.XXXXXX") || return 1
	mkdir -p "$tree"/{bin,dev,proc,sys,modules}
	cp "$bb" "$tree/bin/busybox"
	cp "$RR_VM_DIR/guest/init" "$tree/init"
	chmod 755 "$tree/init" "$tree/bin/busybox"
	: > "$tree/modules.order"
	# One module per modprobe call: extra words would be taken as parameters.
	for m in virtio_pci 9pnet_virtio 9p; do
		mods=$(modprobe -S "$RR_VM_KVER" --show-depends "$m" 2>&1) || {
			echo "modprobe --show-depends $m for $RR_VM_KVER failed: $mods"; rm -rf "$tree"; return 1; }
		while read -r line; do
			case $line in
			insmod\ *) ko=$(echo "$line" | awk '{print $2}') ;;
			builtin\ *) continue ;;
			*) continue ;;
			esac
			grep -qxF "${ko##*/}" "$tree/modules.order" && continue
			case $ko in
			*.ko) cp "$ko" "$tree/modules/" ;;
			*.ko.xz) xz -dc "$ko" > "$tree/modules/$(basename "$ko" .xz)"; ko=${ko%.xz} ;;
			*.ko.zst) zstd -qdc "$ko" > "$tree/modules/$(basename "$ko" .zst)"; ko=${ko%.zst} ;;
			*) echo "unexpected module file $ko"; rm -rf "$tree"; return 1 ;;
			esac
			echo "${ko##*/}" >> "$tree/modules.order"
		done <<< "$mods"
	done
	(cd "$tree" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp" \
		&& mv "$out.tmp" "$out"
	local rc=$?
	rm -rf "$tree"
	return $rc
}

# vm_run RESDIR TEST... : boot once, run the tests, leave results in RESDIR.
# Always returns 0 when the VM ran to its end, else 1 with the reason in
# RESDIR/vm-failed (and printed).  Prints progress and timings.
vm_run() {
	local res=$1; shift
	local tests="$*" qemu smp mem t0 tboot="" pid cur="" cur_since=0 now_s reason="" why
	mkdir -p "$res"
	rm -f "$res"/{guest.env,finished,current,vm-failed,init-failed,boot-seconds}
	vm_fail() { reason=$1; echo "$reason" > "$res/vm-failed"; echo "rr-vm: VM FAILED: $reason"; }

	qemu=${RR_VM_QEMU:-qemu-system-x86_64}
	command -v "$qemu" >/dev/null || { vm_fail "$qemu not found (install qemu-system-x86)"; return 1; }
	why=$(vm_find_kernel) || { vm_fail "$why"; return 1; }
	vm_find_kernel >/dev/null
	why=$(vm_build_initramfs "$res/initramfs.cpio.gz" 2>&1) || { vm_fail "cannot build the initramfs: $why"; return 1; }

	cat > "$res/guest.env" <<-ENV
	RR_TESTS="$tests"
	RR_SRC_DIR="$RR_SRC_DIR"
	RR_BUILD_DIR="${RR_BUILD_DIR:-}"
	RR_BIN="${RR_BIN:-}"
	RR_VM_TEST_TIMEOUT="${RR_VM_TEST_TIMEOUT:-600}"
	RR_VM_TMP_SIZE="${RR_VM_TMP_SIZE:-1536m}"
	ENV

	smp=${RR_VM_SMP:-$(nproc)}; [ "$smp" -gt 2 ] && smp=2
	mem=${RR_VM_MEM:-2048}
	echo "rr-vm: booting $RR_VM_KERNEL (TCG, $smp vCPU, ${mem} MiB) for: $tests"
	echo "rr-vm: console log: $res/console.log"
	t0=$(vm_now)
	# -enable-kvm hangs on these machines (nested): pure TCG emulation.
	# -no-reboot + panic=-1: a guest crash ends qemu instead of looping.
	"$qemu" -accel tcg -M pc -cpu "${RR_VM_CPU:-max}" -smp "$smp" -m "$mem" \
		-nodefaults -no-user-config -display none -monitor none \
		-serial "file:$res/console.log" -no-reboot \
		-kernel "$RR_VM_KERNEL" -initrd "$res/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 loglevel=4 rdinit=/init" \
		-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$res,mount_tag=results,security_model=none,multidevs=remap" \
		> "$res/qemu.log" 2>&1 < /dev/null &
	pid=$!
	# If this script is killed (meson timeout, ^C), take qemu down with it.
	trap 'kill $pid 2>/dev/null; vm_fail "interrupted while running ${cur:-the boot}"; exit 1' INT TERM HUP

	# Watchdog: a boot that never reaches the first test, or one test that
	# runs past its limit (a hung kernel can't be killed from inside), ends
	# the VM with a reason naming the test.
	local boot_to=${RR_VM_BOOT_TIMEOUT:-300} test_to=$(( ${RR_VM_TEST_TIMEOUT:-600} + 60 )) c
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		now_s=$(date +%s)
		c=$(cat "$res/current" 2>/dev/null)
		if [ -z "$tboot" ] && { [ -n "$c" ] || [ -e "$res/boot-seconds" ]; }; then
			tboot=$(vm_elapsed "$t0" "$(vm_now)")
			echo "rr-vm: guest userspace up after ${tboot}s (guest kernel says $(cat "$res/boot-seconds" 2>/dev/null)s)"
		fi
		if [ "$c" != "$cur" ]; then
			[ -n "$cur" ] && echo "rr-vm:   $cur: $(cat "$res/$cur/status" 2>/dev/null) ($(cat "$res/$cur/time" 2>/dev/null)s)"
			cur=$c; cur_since=$now_s
		fi
		if [ -z "$tboot" ] && [ $(( now_s - ${t0%.*} )) -gt "$boot_to" ]; then
			kill "$pid"; wait "$pid" 2>/dev/null
			vm_fail "the VM did not reach its first test within ${boot_to}s (see $res/console.log)"
			tail -n 30 "$res/console.log" 2>/dev/null | sed 's/^/console| /'
			trap - INT TERM HUP; return 1
		fi
		if [ -n "$cur" ] && [ $(( now_s - cur_since )) -gt "$test_to" ]; then
			kill "$pid"; wait "$pid" 2>/dev/null
			vm_fail "test $cur hung the VM (no progress for ${test_to}s); VM killed (see $res/console.log)"
			echo "FAIL: hung the VM for ${test_to}s, VM killed" > "$res/$cur/status"
			tail -n 30 "$res/console.log" 2>/dev/null | sed 's/^/console| /'
			trap - INT TERM HUP; return 1
		fi
	done
	wait "$pid"; local qrc=$?
	trap - INT TERM HUP
	[ -n "$cur" ] && [ -e "$res/$cur/status" ] && \
		echo "rr-vm:   $cur: $(cat "$res/$cur/status") ($(cat "$res/$cur/time" 2>/dev/null)s)"
	echo "rr-vm: VM ran $(vm_elapsed "$t0" "$(vm_now)")s in all (boot ${tboot:-?}s)"
	if [ -e "$res/finished" ]; then return 0; fi
	if [ -s "$res/init-failed" ]; then
		vm_fail "guest init failed: $(cat "$res/init-failed")"
	elif [ -n "$cur" ]; then
		vm_fail "the VM stopped while test $cur was running (qemu exit $qrc; kernel panic? see $res/console.log)"
	elif [ -z "$tboot" ]; then
		vm_fail "the VM stopped before running any test (qemu exit $qrc: $(head -c 300 "$res/qemu.log"); see $res/console.log)"
	else
		vm_fail "the VM stopped before finishing (qemu exit $qrc; see $res/console.log)"
	fi
	tail -n 30 "$res/console.log" 2>/dev/null | sed 's/^/console| /'
	return 1
}

# vm_result RESDIR NAME: print one test's outcome and log; return 0 on PASS.
vm_result() {
	local res=$1 name=$2 st
	st=$(cat "$res/$name/status" 2>/dev/null)
	if [ -z "$st" ]; then
		if [ -s "$res/vm-failed" ]; then
			st="FAIL: not run: $(cat "$res/vm-failed")"
		else
			st="FAIL: not run (not in the list the VM was booted with?)"
		fi
	fi
	if [ -s "$res/$name/log" ]; then
		echo "----- log of $name (in the VM) -----"
		cat "$res/$name/log"
		echo "----- end of log -----"
	fi
	if [ "$st" != PASS ] && [ -s "$res/$name/dmesg.txt" ]; then
		echo "----- kernel messages during $name -----"
		cat "$res/$name/dmesg.txt"
	fi
	echo "vm test $name: $st (${res}/$name; $(cat "$res/$name/time" 2>/dev/null || echo '?')s in the VM)"
	[ "$st" = PASS ]
}

# vm_summary RESDIR NAME...: one line per test, returns 1 if any failed.
vm_summary() {
	local res=$1 name st pass=0 fail=0; shift
	for name in "$@"; do
		st=$(cat "$res/$name/status" 2>/dev/null || echo "FAIL: not run")
		printf '  %-28s %6ss  %s\n' "$name" "$(cat "$res/$name/time" 2>/dev/null || echo -)" "$st"
		if [ "$st" = PASS ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
	done
	echo "vm: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
