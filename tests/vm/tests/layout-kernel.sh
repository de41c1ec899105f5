# core/layout against the kernel, byte for byte: for every level and layout,
# random data is written through /dev/mdX; the userspace read of the members
# (rr-layout-read) must give the same bytes as /dev/mdX -- with all members,
# with one missing (rebuilt from parity or a copy) and for RAID6 with two.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
LR=$RR_BUILD_DIR/tests/vm/rr-layout-read
[ -x "$LR" ] || fail "no $LR (build the project first)"
scn_begin layout-kernel
scn_members 6 5
md=/dev/md120

# check LEVEL LAYOUTNAME NDISKS MISSING...: one array, compared
check() {
	local level=$1 layout=$2 n=$3; shift 3
	local devs=("${SCN_DEV[@]:0:n}") args=() lay=() want got i num comp chunk
	[ "$layout" = - ] || lay=(--layout="$layout")
	local extra=()
	case $level in
	1) extra=(--bitmap=none) ;;
	4|5|6|10) extra=(--bitmap=none --chunk=64) ;;
	*) extra=(--chunk=64) ;;
	esac
	mdadm --create "$md" --run --quiet --assume-clean --metadata=1.2 \
		--level="$level" --raid-devices="$n" "${extra[@]}" "${lay[@]}" "${devs[@]}" \
		|| fail "mdadm --create raid$level $layout failed"
	dd if=/dev/urandom of="$md" bs=1M status=none oflag=direct 2>/dev/null || true
	sync
	want=$(echo "$(blockdev --getsize64 "$md") $(sha256sum < "$md" | cut -d' ' -f1)")
	num=$(cat /sys/block/${md#/dev/}/md/layout 2>/dev/null || echo 0)
	chunk=$(( $(cat /sys/block/${md#/dev/}/md/chunk_size) / 1024 ))
	comp=$(( $(cat /sys/block/${md#/dev/}/md/component_size) * 2 ))
	# raid0 and linear have no component size: equal members share it out
	[ "$comp" -gt 0 ] || comp=$(( $(blockdev --getsz "$md") / n ))
	for i in $(seq 0 $((n - 1))); do
		args[i]="${devs[i]}:$(mdadm --examine "${devs[i]}" | awk -F' : ' '/Data Offset/ {print $2+0}')"
	done
	local lvl=$level; [ "$level" = linear ] && lvl=-1
	[ "$level" = linear ] && num=0
	mdadm --stop "$md" >/dev/null
	got=$("$LR" "$lvl" "$num" "$chunk" "$comp" "${args[@]}")
	assert_eq "$got" "$want" "raid$level $layout n=$n: userspace read equals /dev/md"
	local full=("${args[@]}")
	for i in "$@"; do
		args=("${full[@]}")
		for miss in $i; do args[miss]=missing; done
		got=$("$LR" "$lvl" "$num" "$chunk" "$comp" "${args[@]}")
		assert_eq "$got" "$want" "raid$level $layout n=$n, members $i missing: rebuilt equals /dev/md"
	done
	for i in $(seq 0 $((n - 1))); do mdadm --zero-superblock "${devs[i]}" >/dev/null 2>&1 || true; done
}

check 0 - 4
check linear - 3
check 1 - 2 "0" "1"
check 4 - 4 "0" "3"
for l in left-asymmetric right-asymmetric left-symmetric right-symmetric parity-first parity-last; do
	check 5 "$l" 5 "0" "4"
done
for l in left-asymmetric right-asymmetric left-symmetric right-symmetric parity-first parity-last \
         ddf-zero-restart ddf-N-restart ddf-N-continue left-symmetric-6 parity-first-6; do
	check 6 "$l" 6 "0" "2 5"
done
# two members lost, one of each mirror pair: near=2 pairs (0,1) (2,3);
# far and offset keep each chunk's copy on the next member
check 10 n2 4 "0" "1 2"
check 10 f2 4 "0" "0 2"
check 10 o2 4 "0" "1 3"
# md wrote the members itself above; the invariant only says nothing
# changes them from here on.
scn_snapshot_originals
scn_end
