# Scenario library for the VM tests: real md arrays on loop devices, made
# and broken with the real tools (mdadm, lvm2, mkfs, dmsetup), with the
# truth recorded for the test to compare against.  Source it from a test in
# tests/vm/tests/ (it runs inside the VM; see tests/vm/README.md).
#
# Conventions
#  - Members are numbered by creation (member0.img, member1.img, ...); the
#    ROLE of a member in the array is chosen by `scn_md_create --order`, so
#    the true order is usually not the file order, as in real incidents.
#  - Every device the library makes is registered and torn down by
#    scn_cleanup (run on exit), newest first.  Only what the library made is
#    removed: anything else left behind (e.g. by the program under test) is
#    caught by scn_assert_clean and by the runner.
#  - dm devices made here are named rr-*; md arrays are /dev/md100 upwards.
#  - The truth goes to $SCN_TRUTH (truth.sh, truth.json, content/*.sha256,
#    examine/*.txt) via scn_truth_write.
#
# Main functions (details at each function):
#  scn_begin NAME                       start a scenario (sets the exit trap)
#  scn_members [--partitioned] [--dm] N SIZE_MIB
#  scn_md_create --level L [--metadata M] [--chunk KIB] [--layout X]
#                [--data-offset SIZE | --data-offsets "SIZE..."] [--order "i..."]
#                [--bitmap none|internal] [--resync] [--missing "role..."]
#  scn_lvm_on DEV VG "lv:SIZE ..."     scn_partition DEV "SIZE ..."
#  scn_mkfs ext4|xfs|btrfs|vfat DEV LABEL     scn_mount LABEL
#  scn_fill LABEL GEN KIB              known content + recorded sha256 manifest
#  scn_fail_member I                    mdadm --fail while mounted (fs frozen)
#  scn_stop                             umount, deactivate LVM, stop md, record examine
#  scn_zero_super I / scn_corrupt I SECTOR COUNT / scn_bad_sectors I START COUNT / scn_flakey I UP DOWN
#  scn_truth_write                      truth.sh + truth.json
#  scn_snapshot_originals / scn_check_originals     the sha256 invariant
#  scn_overlay I                        dm snapshot over member I (COW on tmpfs)
#  scn_dmraid_assemble NAME SLOT...     dm linear (skip data offset) + dm-raid nosync
#  scn_md_recreate SLOT...              mdadm --create --assume-clean (on overlays!)
#  scn_md_assemble_ro DEV...            mdadm --assemble --readonly
#  scn_vg_activate DEV VG / scn_lv_dev VG LV
#  scn_fsck DEV / scn_verify_content DEV MANIFEST
#  scn_cleanup / scn_assert_clean / scn_end

: "${RR_TEST_DIR:?scenario.sh runs inside the test VM (tests/vm/run-all NAME)}"
. "$RR_SRC_DIR/tests/vm/lib/assert.sh"
. "$RR_SRC_DIR/tests/vm/lib/cleanup.sh"

SCN_DIR=$RR_TEST_DIR
SCN_TRUTH=$SCN_DIR/truth
SCN_MNT=$SCN_DIR/mnt
mkdir -p "$SCN_TRUTH/content" "$SCN_TRUTH/examine" "$SCN_MNT" "$SCN_DIR/members" "$SCN_DIR/cow"

SCN_NAME=${RR_TEST_NAME:-scenario}
declare -ga SCN_IMG=() SCN_LOOP=() SCN_DEV=() SCN_BASEDEV=() SCN_STATE=() SCN_DAMAGE=()
declare -ga SCN_EVENTS=() SCN_UTIME=() SCN_BAD=() SCN_FLAKEY=()
declare -ga SCN_ROLE_MEMBER=() SCN_DATA_OFFSET=() SCN_FAILED=()
declare -gA SCN_FS_TYPE=() SCN_FS_DEV=() SCN_FS_VOL=() SCN_MOUNTED=()
declare -ga SCN_FS_LABELS=() SCN_VGS=()
SCN_MD="" SCN_LEVEL="" SCN_META="" SCN_CHUNK_KIB=0 SCN_LAYOUT="" SCN_LAYOUT_NUM=""
SCN_NDEV=0 SCN_UUID="" SCN_ARRAY_SECTORS=0 SCN_COMPONENT_SECTORS=0 SCN_PARTITIONED=0
SCN_CONTAINER="" SCN_NOTES=""

scn_log() { echo "[scn $(date +%T)] $*" >&2; }
# Run a command, showing it in the log first.
scn_x() { echo "+ $*" >&2; "$@"; }

# ---------------------------------------------------------------- cleanup

# The teardown list is a file, one shell command per line, so that steps
# registered inside $(...) (e.g. dev=$(scn_overlay 0)) are not lost.
SCN_CLEANUP_FILE=$SCN_DIR/.cleanup
: > "$SCN_CLEANUP_FILE"

# scn_defer CMD...: register a teardown step (run newest first).
scn_defer() { printf '%s\n' "$*" >> "$SCN_CLEANUP_FILE"; }

# scn_mark: a point in the teardown list; scn_unwind MARK tears down what
# was made after it (e.g. one trial assembly, keeping the overlays).
scn_mark() { wc -l < "$SCN_CLEANUP_FILE"; }
scn_unwind() {
	local mark=$1 c
	while [ "$(wc -l < "$SCN_CLEANUP_FILE")" -gt "$mark" ]; do
		c=$(tail -n 1 "$SCN_CLEANUP_FILE")
		sed -i '$d' "$SCN_CLEANUP_FILE"
		( set +e; trap - ERR; eval "$c" ) >/dev/null 2>&1 || true
	done
}

# scn_cleanup: tear down everything the library made, newest first; errors
# are ignored (a step may already be done, e.g. an array that scn_stop
# stopped).
scn_cleanup() {
	trap - ERR
	scn_unwind 0
}

# scn_assert_clean: nothing left (dm devices, md arrays, loop devices).
scn_assert_clean() {
	local left
	if ! left=$(rr_leftovers); then
		fail "devices left behind: $left"
	fi
	ok "no dm device, md array or loop device left"
}

# scn_begin NAME: name the scenario and make sure it is torn down on exit.
scn_begin() {
	SCN_NAME=$1
	trap 'rc=$?; scn_cleanup; exit $rc' EXIT
	scn_log "scenario $SCN_NAME in $SCN_DIR"
}

# scn_end: the standard end of a test: tear down, check the invariant and
# that nothing is left.
scn_end() {
	scn_cleanup
	scn_check_originals
	scn_assert_clean
	echo "all $RR_ASSERTS checks passed"
}

# ---------------------------------------------------------------- members

# scn_members [--partitioned] [--dm] N SIZE_MIB|"SIZE0 SIZE1 ..."
# Make N sparse image files of SIZE_MIB (or one size per member) and attach
# them to loop devices.
#  --partitioned  each image gets an MBR (busybox fdisk) with one partition
#                 of type fd from 1 MiB to the end; the member is loopNp1.
#  --dm           each member is wrapped in a dm linear device rr-mI, so
#                 read errors can be injected later while the array runs.
scn_members() {
	local part=0 dm=0 n size i img loop dev
	while [ $# -gt 0 ]; do
		case $1 in
		--partitioned) part=1 ;;
		--dm) dm=1 ;;
		*) break ;;
		esac
		shift
	done
	n=$1
	local -a sizes
	read -ra sizes <<< "$2"
	SCN_PARTITIONED=$part
	for ((i = 0; i < n; i++)); do
		size=${sizes[i]:-${sizes[0]}}
		img=$SCN_DIR/members/member$i.img
		truncate -s "${size}M" "$img"
		if ((part)); then
			# o: new DOS label, n p 1 2048 <end>: primary 1, t fd: raid autodetect
			printf 'o\nn\np\n1\n2048\n\nt\nfd\nw\n' | busybox fdisk "$img" >/dev/null 2>&1 || true
			loop=$(losetup -f --show -P "$img")
			dev=${loop}p1
			local tries=0
			while [ ! -b "$dev" ] && [ $tries -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
			[ -b "$dev" ] || fail "partition $dev did not appear (fdisk of $img failed?)"
		else
			loop=$(losetup -f --show "$img")
			dev=$loop
		fi
		scn_defer "losetup -d $loop"
		SCN_IMG[i]=$img SCN_LOOP[i]=$loop SCN_BASEDEV[i]=$dev SCN_DEV[i]=$dev
		SCN_STATE[i]=fresh SCN_DAMAGE[i]="" SCN_BAD[i]="" SCN_FLAKEY[i]=""
		if ((dm)); then _scn_wrap "$i"; fi
	done
	scn_log "members: $(for ((i = 0; i < n; i++)); do printf '%s=%s ' "${SCN_IMG[i]##*/}" "${SCN_DEV[i]}"; done)"
}

# (Re)build the dm wrapper rr-mI of member I from its bad ranges and flakey
# settings; the wrapper replaces the member device (SCN_DEV).  A live table
# swap (suspend/load/resume) keeps an array running on it.
_scn_wrap() {
	local i=$1 base=${SCN_BASEDEV[$1]} name=rr-m$1 size table="" pos=0 r s c
	size=$(blockdev --getsz "$base")
	if [ -n "${SCN_FLAKEY[i]}" ]; then
		table="0 $size flakey $base 0 ${SCN_FLAKEY[i]}"
	else
		for r in $(echo "${SCN_BAD[i]}" | tr ' ' '\n' | sort -t: -k1,1n); do
			s=${r%:*} c=${r#*:}
			[ "$s" -gt "$pos" ] && table+="$pos $((s - pos)) linear $base $pos"$'\n'
			table+="$s $c error"$'\n'
			pos=$((s + c))
		done
		[ "$pos" -lt "$size" ] && table+="$pos $((size - pos)) linear $base $pos"$'\n'
	fi
	if dmsetup info "$name" >/dev/null 2>&1; then
		printf '%s' "$table" | dmsetup load "$name"
		dmsetup suspend "$name"
		dmsetup resume "$name"
	else
		printf '%s' "$table" | dmsetup create "$name"
		scn_defer "dmsetup remove --retry $name"
	fi
	SCN_DEV[i]=/dev/mapper/$name
}

# ---------------------------------------------------------------- md

_scn_free_md() {
	local n=100
	while [ -e "/sys/block/md$n" ]; do n=$((n + 1)); done
	echo "/dev/md$n"
}

# scn_md_create --level L [options]: mdadm --create over the members.
#  --metadata 0.90|1.0|1.1|1.2 (default 1.2)   --chunk KIB (default 64)
#  --layout NAME (mdadm's, e.g. left-symmetric, n2)
#  --data-offset SIZE        mdadm --data-offset (e.g. 2M), same for all
#  --data-offsets "S0 S1 .." per ROLE (mdadm --data-offset=variable)
#  --order "m0 m1 .."        member index for role 0, 1, ... (default 0..N-1)
#  --missing "r .."          roles created as 'missing'
#  --bitmap none|internal    (default none)
#  --resync                  let md resync instead of --assume-clean (the
#                            members are all zeros, so --assume-clean is
#                            consistent for every level and much faster)
# Records geometry from sysfs: data offset per role, array and component
# sizes, UUID.  Sets SCN_MD.
scn_md_create() {
	local level="" meta=1.2 chunk=64 layout="" doff="" doffs="" order="" missing="" bitmap=none
	local resync=0 r m dev devs=() args=() n
	while [ $# -gt 0 ]; do
		case $1 in
		--level) level=$2; shift ;;
		--metadata) meta=$2; shift ;;
		--chunk) chunk=$2; shift ;;
		--layout) layout=$2; shift ;;
		--data-offset) doff=$2; shift ;;
		--data-offsets) doffs=$2; shift ;;
		--order) order=$2; shift ;;
		--missing) missing=$2; shift ;;
		--bitmap) bitmap=$2; shift ;;
		--resync) resync=1 ;;
		*) fail "scn_md_create: unknown option $1" ;;
		esac
		shift
	done
	[ -n "$level" ] || fail "scn_md_create: --level is required"
	[ -n "$order" ] || order=$(seq 0 $((${#SCN_IMG[@]} - 1)) | tr '\n' ' ')
	read -ra SCN_ROLE_MEMBER <<< "$order"
	n=${#SCN_ROLE_MEMBER[@]}
	local -a offs=()
	[ -n "$doffs" ] && read -ra offs <<< "$doffs"
	for ((r = 0; r < n; r++)); do
		m=${SCN_ROLE_MEMBER[r]}
		if [[ " $missing " == *" $r "* ]]; then
			devs+=(missing); SCN_STATE[m]=missing
		elif [ -n "$doffs" ]; then
			devs+=("${SCN_DEV[m]}:${offs[r]}")
		else
			devs+=("${SCN_DEV[m]}")
		fi
	done
	SCN_MD=$(_scn_free_md)
	args=(--create "$SCN_MD" --run --level="$level" --raid-devices="$n" --metadata="$meta")
	[ "$meta" = 0.90 ] || args+=(--homehost=rrtest --name="$SCN_NAME")
	case $level in 0|raid0|stripe|linear) ;; *) args+=(--bitmap="$bitmap") ;; esac
	case $level in 1|raid1|mirror) ;; *) args+=(--chunk="$chunk") ;; esac
	[ -n "$layout" ] && args+=(--layout="$layout")
	[ -n "$doff" ] && args+=(--data-offset="$doff")
	[ -n "$doffs" ] && args+=(--data-offset=variable)
	case $level in 0|raid0|stripe|linear) ;; *) ((resync)) || args+=(--assume-clean) ;; esac
	scn_x mdadm "${args[@]}" "${devs[@]}"
	scn_defer "mdadm --stop $SCN_MD"
	((resync)) && { mdadm --wait "$SCN_MD" || true; }
	local sys=/sys/block/${SCN_MD#/dev/}/md
	SCN_LEVEL=$(cat "$sys/level"); SCN_LEVEL=${SCN_LEVEL#raid}
	SCN_META=$meta SCN_NDEV=$n
	SCN_CHUNK_KIB=$(( $(cat "$sys/chunk_size") / 1024 ))
	SCN_LAYOUT_NUM=$(cat "$sys/layout" 2>/dev/null || echo "")
	SCN_LAYOUT=$(mdadm --detail "$SCN_MD" | awk -F' : ' '/^ *Layout :/ {print $2}')
	SCN_ARRAY_SECTORS=$(cat "/sys/block/${SCN_MD#/dev/}/size")
	SCN_COMPONENT_SECTORS=$(( $(cat "$sys/component_size") * 2 ))
	if [ "$SCN_COMPONENT_SECTORS" = 0 ]; then
		# raid0 has no component size; with equal member data areas
		# (one zone) it is the array size / members, else it is unset
		# (multi-zone raid0: dm-raid cannot map it).
		local c=$((SCN_CHUNK_KIB * 2)) sz=""
		for dev in "$sys"/dev-*/size; do
			sz+="$(( $(cat "$dev") * 2 / c * c )) "
		done
		if [ "$(echo $sz | tr ' ' '\n' | sort -u | wc -l)" = 1 ]; then
			SCN_COMPONENT_SECTORS=$((SCN_ARRAY_SECTORS / n))
		fi
	fi
	SCN_UUID=$(mdadm --detail --export "$SCN_MD" | sed -n 's/^MD_UUID=//p')
	for ((r = 0; r < n; r++)); do
		m=${SCN_ROLE_MEMBER[r]}
		if [ "${SCN_STATE[m]}" = missing ]; then SCN_DATA_OFFSET[r]=""; continue; fi
		# the kernel's name (dm-N): without udev /dev/mapper/X is a
		# node of its own, not a link, so ask sysfs by major:minor
		dev=$(basename "$(readlink -f "/sys/dev/block/$(printf '%d:%d' $(stat -L -c '0x%t 0x%T' "${SCN_DEV[m]}"))")")
		SCN_DATA_OFFSET[r]=$(cat "$sys/dev-$dev/offset")
		[ "$(cat "$sys/dev-$dev/slot")" = "$r" ] || fail "md put ${SCN_DEV[m]} in slot $(cat "$sys/dev-$dev/slot"), not $r"
	done
	scn_log "md $SCN_MD: raid$SCN_LEVEL $SCN_NDEV devs, metadata $SCN_META, chunk ${SCN_CHUNK_KIB}K, layout '$SCN_LAYOUT', offsets ${SCN_DATA_OFFSET[*]}, $SCN_ARRAY_SECTORS sectors"
}

# _scn_md_settle: let md write its superblocks (events, state) to disk.
_scn_md_settle() {
	local n=0 st=/sys/block/${SCN_MD#/dev/}/md/array_state
	sync
	while [ $n -lt 50 ] && [ "$(cat "$st" 2>/dev/null)" = write-pending ]; do
		sleep 0.1; n=$((n + 1))
	done
	sleep 0.5
}

# scn_fail_member I: `mdadm --fail` member I of the running array while the
# filesystems stay mounted and writes go on around it, as in a real
# ejection.  The mounted filesystems are frozen (fsfreeze) for the moment of
# the failure, so the failed member holds a clean, known state: its content
# manifests are saved as content/LABEL@fail-memberI.sha256.
scn_fail_member() {
	local i=$1 l
	for l in "${SCN_FS_LABELS[@]}"; do
		[ -n "${SCN_MOUNTED[$l]:-}" ] || continue
		sync
		# vfat cannot freeze; after sync it holds no pending writes either
		[ "${SCN_FS_TYPE[$l]}" = vfat ] || fsfreeze -f "${SCN_MOUNTED[$l]}"
	done
	_scn_md_settle
	# When this failure leaves the array without enough members, the
	# kernel (6.x) still marks the member faulty and the array broken, but
	# answers EBUSY: judge by the member's state instead of mdadm's status.
	local dev st
	dev=$(basename "$(readlink -f "${SCN_DEV[i]}")")
	scn_x mdadm "$SCN_MD" --fail "${SCN_DEV[i]}" || true
	_scn_md_settle
	st=$(cat "/sys/block/${SCN_MD#/dev/}/md/dev-$dev/state" 2>/dev/null || echo gone)
	case $st in
	*faulty*|gone) ;;
	*) for l in "${SCN_FS_LABELS[@]}"; do [ -n "${SCN_MOUNTED[$l]:-}" ] && fsfreeze -u "${SCN_MOUNTED[$l]}" 2>/dev/null; done
	   fail "member$i ($dev) is not faulty after mdadm --fail (state: $st)" ;;
	esac
	for l in "${SCN_FS_LABELS[@]}"; do
		[ -f "$SCN_TRUTH/content/$l.sha256" ] && \
			cp "$SCN_TRUTH/content/$l.sha256" "$SCN_TRUTH/content/$l@fail-member$i.sha256"
		[ -n "${SCN_MOUNTED[$l]:-}" ] && [ "${SCN_FS_TYPE[$l]}" != vfat ] && { fsfreeze -u "${SCN_MOUNTED[$l]}" || true; }
	done
	SCN_STATE[i]=stale
	SCN_FAILED+=("$i")
	scn_log "member$i (${SCN_DEV[i]}) failed at $(date +%T); $(grep -A1 "^${SCN_MD#/dev/} " /proc/mdstat | tr -s ' \n' ' ')"
}

# scn_stop: end of the incident: unmount, deactivate LVM, capture
# /proc/mdstat, stop the array, and record each member's superblock as
# mdadm --examine sees it (truth/examine/memberI.txt, events, update time).
scn_stop() {
	local l i vg
	for l in "${SCN_FS_LABELS[@]}"; do
		[ -n "${SCN_MOUNTED[$l]:-}" ] || continue
		umount "${SCN_MOUNTED[$l]}" 2>/dev/null || umount -l "${SCN_MOUNTED[$l]}"
		SCN_MOUNTED[$l]=""
	done
	for vg in "${SCN_VGS[@]}"; do
		lvm vgchange -an --config "$(_scn_lvm_filter "${SCN_VG_PV[$vg]}")" "$vg" >/dev/null
	done
	cat /proc/mdstat > "$SCN_TRUTH/mdstat.txt"
	[ -n "$SCN_MD" ] && [ -e "/sys/block/${SCN_MD#/dev/}" ] && scn_x mdadm --stop "$SCN_MD"
	scn_record_examine
}

# scn_record_examine: mdadm --examine of every member now.
scn_record_examine() {
	local i ex
	for i in "${!SCN_IMG[@]}"; do
		ex=$(mdadm --examine "${SCN_DEV[i]}" 2>&1) || true
		echo "$ex" > "$SCN_TRUTH/examine/member$i.txt"
		SCN_EVENTS[i]=$(echo "$ex" | awk -F' : ' '/^ *Events :/ {print $2}')
		SCN_UTIME[i]=$(echo "$ex" | awk -F' : ' '/^ *Update Time :/ {print $2}')
	done
}

# ---------------------------------------------------------------- damage

# scn_zero_super I: mdadm --zero-superblock on member I (array stopped).
scn_zero_super() {
	scn_x mdadm --zero-superblock "${SCN_DEV[$1]}"
	SCN_DAMAGE[$1]+="superblock-zeroed "
}

# scn_corrupt I SECTOR COUNT [zero|random]: overwrite COUNT sectors of member
# I at SECTOR (member-relative) with zeros or random bytes.
scn_corrupt() {
	local i=$1 s=$2 c=$3 how=${4:-random} src=/dev/urandom
	[ "$how" = zero ] && src=/dev/zero
	scn_x dd if=$src of="${SCN_DEV[i]}" bs=512 seek="$s" count="$c" conv=notrunc,fsync status=none
	SCN_DAMAGE[i]+="corrupt:$s:$c:$how "
}

# scn_bad_sectors I START COUNT: from now on member I returns I/O errors on
# sectors START..START+COUNT-1 (dm 'error' target; works on a running array
# when the members were made with --dm, else it wraps the member now).
scn_bad_sectors() {
	local i=$1
	SCN_BAD[i]+="$2:$3 "
	_scn_wrap "$i"
	SCN_DAMAGE[i]+="bad-sectors:$2:$3 "
	scn_log "member$i: sectors $2+$3 now return I/O errors (${SCN_DEV[i]})"
}

# scn_flakey I UP DOWN: member I works UP seconds, then fails all I/O for
# DOWN seconds, repeatedly (dm 'flakey' target).
scn_flakey() {
	local i=$1
	SCN_FLAKEY[i]="$2 $3"
	_scn_wrap "$i"
	SCN_DAMAGE[i]+="flakey:$2:$3 "
}

# ---------------------------------------------------------------- volumes

declare -gA SCN_VG_PV=()
_scn_lvm_filter() { echo "devices { filter = [ \"a|^$1\$|\", \"r|.*|\" ] }"; }

# scn_lvm_on DEV VG "lv1:8M lv2:12M": PV on DEV, VG (1 MiB extents), LVs
# (active).  LV devices: scn_lv_dev VG LV.
scn_lvm_on() {
	local dev=$1 vg=$2 spec=$3 cfg lv
	cfg=$(_scn_lvm_filter "$dev")
	scn_x lvm pvcreate -q -y -ff --config "$cfg" "$dev" >/dev/null
	scn_x lvm vgcreate -q -s 1M --config "$cfg" "$vg" "$dev" >/dev/null
	SCN_VGS+=("$vg"); SCN_VG_PV[$vg]=$dev
	scn_defer "lvm vgchange -an --config '$cfg' $vg"
	for lv in $spec; do
		scn_x lvm lvcreate -q -y -W y -Z y --config "$cfg" -L "${lv#*:}" -n "${lv%%:*}" "$vg" >/dev/null
	done
}

# /dev/mapper name of an LV (lvm's own escaping of '-').
scn_lv_dev() { echo "/dev/mapper/${1//-/--}-${2//-/--}"; }

# scn_vg_activate DEV VG: activate VG found on DEV only (e.g. a trial
# assembly); deactivated by scn_cleanup.
scn_vg_activate() {
	local cfg
	cfg=$(_scn_lvm_filter "$1")
	scn_x lvm vgchange -ay --config "$cfg" "$2" >/dev/null
	scn_defer "lvm vgchange -an --config '$cfg' $2"
}
scn_vg_deactivate() {
	scn_x lvm vgchange -an --config "$(_scn_lvm_filter "$1")" "$2" >/dev/null
}

# scn_partition DEV "SIZE SIZE ...": MBR with primary partitions of the
# given sizes (fdisk syntax, e.g. 20M; "rest" = to the end).  Prints the
# partition device names.
scn_partition() {
	local dev=$1 cmds="o\n" n=1 s p
	for s in $2; do
		if [ "$s" = rest ]; then cmds+="n\np\n$n\n\n\n"
		else cmds+="n\np\n$n\n\n+$s\n"; fi
		n=$((n + 1))
	done
	printf "${cmds}w\n" | busybox fdisk "$dev" >/dev/null 2>&1 || true
	blockdev --rereadpt "$dev"
	sleep 0.2
	case $dev in *[0-9]) p=${dev}p ;; *) p=$dev ;; esac
	for ((s = 1; s < n; s++)); do
		[ -b "$p$s" ] || fail "partition $p$s missing after fdisk on $dev"
		echo "$p$s"
	done
}

# scn_mkfs TYPE DEV LABEL [VOLUME-NAME]: real mkfs; the filesystem is known
# by LABEL from then on (VOLUME-NAME, e.g. vg/lv, goes into the truth).
scn_mkfs() {
	local type=$1 dev=$2 label=$3 vol=${4:-$2} sz
	case $type in
	ext4) scn_x mkfs.ext4 -q -F -L "$label" -E lazy_itable_init=0,lazy_journal_init=0 "$dev" ;;
	xfs) scn_x mkfs.xfs -q -f -L "$label" "$dev" ;;
	btrfs)
		sz=$(blockdev --getsize64 "$dev")
		# Below ~256 MiB btrfs wants mixed data+metadata block groups.
		if [ "$sz" -lt $((256 << 20)) ]; then scn_x mkfs.btrfs -q -f --mixed -L "$label" "$dev"
		else scn_x mkfs.btrfs -q -f -L "$label" "$dev"; fi ;;
	vfat) scn_x mkfs.vfat -n "$label" "$dev" >/dev/null ;;
	*) fail "scn_mkfs: unknown filesystem $type" ;;
	esac
	SCN_FS_TYPE[$label]=$type SCN_FS_DEV[$label]=$dev SCN_FS_VOL[$label]=$vol
	SCN_FS_LABELS+=("$label")
}

_scn_mount_opts() {
	case $1 in
	ext4) echo ro,noload ;;      # no journal replay: reads only
	xfs) echo ro,norecovery ;;
	btrfs) echo ro,nologreplay ;;
	*) echo ro ;;
	esac
}

# scn_mount LABEL: mount the filesystem read-write at $SCN_MNT/LABEL.
scn_mount() {
	local l=$1 m=$SCN_MNT/$1
	mkdir -p "$m"
	scn_x mount -t "${SCN_FS_TYPE[$l]}" "${SCN_FS_DEV[$l]}" "$m"
	SCN_MOUNTED[$l]=$m
	# (thaw first: a test that died inside scn_fail_member left it frozen)
	scn_defer "fsfreeze -u $m; umount $m || umount -l $m"
}
scn_umount() {
	umount "${SCN_MOUNTED[$1]}"
	SCN_MOUNTED[$1]=""
}

# scn_fill LABEL GEN KIB: write about KIB KiB of known content into the
# mounted filesystem LABEL, under directory GEN (one big file spanning many
# chunks and stripes, plus small files), sync, and record the manifest of
# the whole filesystem: content/LABEL.sha256 (latest) and LABEL@GEN.sha256.
# Content is text with a unique line counter: position-unique (a wrong
# member order garbles it) yet compressible (fixtures stay small).
scn_fill() {
	local l=$1 gen=$2 kib=$3 m=${SCN_MOUNTED[$1]:-} f lines
	[ -n "$m" ] || fail "scn_fill: $l is not mounted"
	mkdir -p "$m/$gen"
	lines=$((kib * 1024 * 3 / 4 / 64))
	_scn_text "$l/$gen/big" "$lines" > "$m/$gen/big.txt"
	for f in 1 2 3 4 5 6 7 8; do
		_scn_text "$l/$gen/small$f" $((kib * 1024 / 4 / 8 / 64 + 1)) > "$m/$gen/small$f.txt"
	done
	sync
	(cd "$m" && find . -type f | LC_ALL=C sort | xargs -d '\n' sha256sum) > "$SCN_TRUTH/content/$l.sha256"
	cp "$SCN_TRUTH/content/$l.sha256" "$SCN_TRUTH/content/$l@$gen.sha256"
}
# 64-byte lines: TAG, counter, padding.
_scn_text() {
	awk -v t="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%-24.24s %010d jumps over the lazy dog...\n", t, i }'
}

# ---------------------------------------------------------------- truth

_scn_json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# scn_truth_write: write truth.sh (sourceable) and truth.json.
scn_truth_write() {
	local r m i first l fm
	{
		echo "# Truth of scenario $SCN_NAME, written by tests/vm/lib/scenario.sh"
		echo "SCENARIO=$SCN_NAME"
		echo "LEVEL=$SCN_LEVEL"
		echo "METADATA=$SCN_META"
		echo "CHUNK_KIB=$SCN_CHUNK_KIB"
		echo "LAYOUT='$SCN_LAYOUT'"
		echo "LAYOUT_NUM=$SCN_LAYOUT_NUM"
		echo "RAID_DEVICES=$SCN_NDEV"
		echo "ARRAY_UUID=$SCN_UUID"
		echo "ARRAY_SECTORS=$SCN_ARRAY_SECTORS"
		echo "COMPONENT_SECTORS=$SCN_COMPONENT_SECTORS"
		echo "PARTITIONED=$SCN_PARTITIONED"
		echo "# by role: member image, data offset (sectors)"
		printf 'ORDER=('; for ((r = 0; r < SCN_NDEV; r++)); do printf ' %s' "${SCN_IMG[${SCN_ROLE_MEMBER[r]}]##*/}"; done; echo ' )'
		printf 'DATA_OFFSETS=('; for ((r = 0; r < SCN_NDEV; r++)); do printf ' %s' "${SCN_DATA_OFFSET[r]:-none}"; done; echo ' )'
		echo "# by member (member0.img, member1.img, ...)"
		printf 'MEMBER_STATE=('; for i in "${!SCN_IMG[@]}"; do printf ' %s' "${SCN_STATE[i]}"; done; echo ' )'
		printf 'MEMBER_ROLE=('; for i in "${!SCN_IMG[@]}"; do printf ' %s' "$(_scn_role_of "$i")"; done; echo ' )'
		printf 'MEMBER_EVENTS=('; for i in "${!SCN_IMG[@]}"; do printf ' %s' "${SCN_EVENTS[i]:-none}"; done; echo ' )'
		printf 'MEMBER_UTIME=('; for i in "${!SCN_IMG[@]}"; do printf " '%s'" "${SCN_UTIME[i]:-}"; done; echo ' )'
		printf 'MEMBER_DAMAGE=('; for i in "${!SCN_IMG[@]}"; do printf " '%s'" "${SCN_DAMAGE[i]% }"; done; echo ' )'
		echo "# members failed with mdadm --fail, in order"
		printf 'FAILED=('; for i in "${SCN_FAILED[@]}"; do printf ' member%s.img' "$i"; done; echo ' )'
		echo "# filesystems: label type volume; manifests in content/LABEL.sha256"
		printf 'FILESYSTEMS=('; for l in "${SCN_FS_LABELS[@]}"; do printf " '%s %s %s'" "$l" "${SCN_FS_TYPE[$l]}" "${SCN_FS_VOL[$l]}"; done; echo ' )'
		echo "NOTES='$SCN_NOTES'"
	} > "$SCN_TRUTH/truth.sh"
	{
		echo "{"
		echo "  \"scenario\": $(_scn_json_str "$SCN_NAME"),"
		echo "  \"level\": $SCN_LEVEL,"
		echo "  \"metadata\": $(_scn_json_str "$SCN_META"),"
		echo "  \"chunk_kib\": $SCN_CHUNK_KIB,"
		echo "  \"layout\": $(_scn_json_str "$SCN_LAYOUT"),"
		echo "  \"layout_num\": ${SCN_LAYOUT_NUM:-null},"
		echo "  \"raid_devices\": $SCN_NDEV,"
		echo "  \"array_uuid\": $(_scn_json_str "$SCN_UUID"),"
		echo "  \"array_sectors\": $SCN_ARRAY_SECTORS,"
		echo "  \"component_sectors\": $SCN_COMPONENT_SECTORS,"
		echo "  \"partitioned\": $([ "$SCN_PARTITIONED" = 1 ] && echo true || echo false),"
		echo "  \"order\": ["
		for ((r = 0; r < SCN_NDEV; r++)); do
			m=${SCN_ROLE_MEMBER[r]}
			printf '    {"role": %d, "image": "%s", "data_offset": %s}%s\n' "$r" "${SCN_IMG[m]##*/}" \
				"${SCN_DATA_OFFSET[r]:-null}" "$([ $r -lt $((SCN_NDEV - 1)) ] && echo ,)"
		done
		echo "  ],"
		echo "  \"members\": ["
		first=1
		for i in "${!SCN_IMG[@]}"; do
			((first)) || echo ","
			first=0
			printf '    {"image": "%s", "role": %s, "state": "%s", "events": %s, "update_time": %s, "damage": %s}' \
				"${SCN_IMG[i]##*/}" "$(_scn_role_of "$i" null)" "${SCN_STATE[i]}" \
				"$(_scn_json_str "${SCN_EVENTS[i]:-}")" "$(_scn_json_str "${SCN_UTIME[i]:-}")" \
				"$(_scn_json_str "${SCN_DAMAGE[i]% }")"
		done
		echo; echo "  ],"
		printf '  "failed": ['; first=1
		for i in "${SCN_FAILED[@]}"; do ((first)) || printf ', '; first=0; printf '"member%s.img"' "$i"; done
		echo "],"
		echo "  \"filesystems\": ["
		first=1
		for l in "${SCN_FS_LABELS[@]}"; do
			((first)) || echo ","
			first=0
			printf '    {"label": %s, "type": "%s", "volume": %s, "manifest": "content/%s.sha256"}' \
				"$(_scn_json_str "$l")" "${SCN_FS_TYPE[$l]}" "$(_scn_json_str "${SCN_FS_VOL[$l]}")" "$l"
		done
		echo; echo "  ],"
		echo "  \"notes\": $(_scn_json_str "$SCN_NOTES")"
		echo "}"
	} > "$SCN_TRUTH/truth.json"
	scn_log "truth written to $SCN_TRUTH"
}
_scn_role_of() {
	local r
	for ((r = 0; r < SCN_NDEV; r++)); do
		[ "${SCN_ROLE_MEMBER[r]}" = "$1" ] && { echo "$r"; return; }
	done
	echo "${2:-none}"
}

# ---------------------------------------------------------------- invariant

# scn_snapshot_originals: record the sha256 of every member image, now that
# the incident is complete (arrays stopped).  From here on nothing may
# change them: scn_check_originals compares, and the runner compares again
# after the test, whatever the test did.
scn_snapshot_originals() {
	sync
	sha256sum "${SCN_IMG[@]}" > "$SCN_DIR/originals.sha256"
	scn_log "originals recorded: $(wc -l < "$SCN_DIR/originals.sha256") member images"
}
scn_check_originals() {
	[ -s "$SCN_DIR/originals.sha256" ] || fail "scn_snapshot_originals was never called"
	sync
	sha256sum --quiet -c "$SCN_DIR/originals.sha256" || fail "an original member image changed"
	ok "sha256 of all $(wc -l < "$SCN_DIR/originals.sha256") original members unchanged"
}

# ---------------------------------------------------------------- trial assembly

# scn_overlay I [COW_MIB]: dm snapshot rr-ovI over member I with a COW store
# on tmpfs; prints the device.  Writes go to the COW store only.
scn_overlay() {
	local i=$1 cowmib=${2:-64} cow loop size
	cow=$SCN_DIR/cow/cow$i.img
	truncate -s "${cowmib}M" "$cow"
	loop=$(losetup -f --show "$cow")
	scn_defer "losetup -d $loop"
	size=$(blockdev --getsz "${SCN_DEV[i]}")
	echo "0 $size snapshot ${SCN_DEV[i]} $loop N 8" | dmsetup create "rr-ov$i"
	scn_defer "dmsetup remove --retry rr-ov$i"
	echo "/dev/mapper/rr-ov$i"
}

# dm-raid type for the recorded level/layout, or fail.
_scn_dmraid_type() {
	case $SCN_LEVEL in
	0) echo raid0 ;;
	1) echo raid1 ;;
	# dm-raid without its own metadata devices loses the raid10 layout in
	# Linux 6.1 ("unsupported raid10 layout: 0x0"), and with fresh ones it
	# refuses a missing slot: md raid10 goes through scn_md_recreate.
	10) fail "dm-raid cannot assemble md raid10 here (use scn_md_recreate)" ;;
	4) echo raid4 ;;
	5) case $SCN_LAYOUT in
	   left-symmetric) echo raid5_ls ;; right-symmetric) echo raid5_rs ;;
	   left-asymmetric) echo raid5_la ;; right-asymmetric) echo raid5_ra ;;
	   parity-last) echo raid5_n ;;
	   *) fail "no dm-raid type for raid5 layout $SCN_LAYOUT" ;;
	   esac ;;
	6) case $SCN_LAYOUT in
	   # md's default raid6 layouts (left-symmetric, ...) have no dm-raid
	   # equivalent (raid6_nc puts Q before P): use scn_md_recreate.
	   ddf-zero-restart) echo raid6_zr ;; ddf-N-restart) echo raid6_nr ;;
	   ddf-N-continue) echo raid6_nc ;; parity-last-6|parity-last) echo raid6_n_6 ;;
	   *) fail "no dm-raid type for raid6 layout $SCN_LAYOUT (use scn_md_recreate)" ;;
	   esac ;;
	*) fail "no dm-raid type for level $SCN_LEVEL" ;;
	esac
}

# scn_dmraid_assemble NAME SLOT0 SLOT1 ...: the dm-raid trial assembly,
# writing nothing at all: per slot a dm linear device that skips the
# recorded data offset (of that ROLE), then a dm 'raid' device with nosync;
# a slot '-' is missing.  SLOTi is the device to use for role i.  Prints
# /dev/mapper/NAME.
scn_dmraid_assemble() {
	local name=$1 type r dev slots="" params lin; shift
	[ $# -eq "$SCN_NDEV" ] || fail "scn_dmraid_assemble: $# slots for $SCN_NDEV devices"
	[ "$SCN_COMPONENT_SECTORS" -gt 0 ] || fail "scn_dmraid_assemble: members of unequal size (multi-zone raid0)"
	type=$(_scn_dmraid_type)
	r=0
	for dev in "$@"; do
		if [ "$dev" = - ]; then
			slots+=" - -"
		else
			lin=$name-r$r
			echo "0 $SCN_COMPONENT_SECTORS linear $dev ${SCN_DATA_OFFSET[r]:-0}" | dmsetup create "$lin"
			scn_defer "dmsetup remove --retry $lin"
			slots+=" - /dev/mapper/$lin"
		fi
		r=$((r + 1))
	done
	case $type in
	raid0) params="1 $((SCN_CHUNK_KIB * 2))" ;;
	raid1) params="2 0 nosync" ;;
	*) params="2 $((SCN_CHUNK_KIB * 2)) nosync" ;;
	esac
	scn_x dmsetup create "$name" --table "0 $SCN_ARRAY_SECTORS raid $type $params $SCN_NDEV$slots" >&2
	scn_defer "dmsetup remove --retry $name"
	echo "/dev/mapper/$name"
}

# scn_md_recreate SLOT0 SLOT1 ...: the operators' route: mdadm --create
# --assume-clean with the recorded geometry over the given devices ('-' =
# missing).  Only ever pass overlays (scn_overlay): it writes superblocks.
# Prints the md device.
scn_md_recreate() {
	local md args=() devs=() r dev
	[ $# -eq "$SCN_NDEV" ] || fail "scn_md_recreate: $# slots for $SCN_NDEV devices"
	md=$(_scn_free_md)
	args=(--create "$md" --run --level="$SCN_LEVEL" --raid-devices="$SCN_NDEV" --metadata="$SCN_META")
	# raid0 has no bitmap, no resync and takes no --size
	[ "$SCN_LEVEL" != 0 ] && args+=(--assume-clean --bitmap=none --size=$((SCN_COMPONENT_SECTORS / 2)))
	[ "$SCN_LEVEL" != 1 ] && args+=(--chunk="$SCN_CHUNK_KIB")
	# --detail says near=2 / far=2 / offset=2; --create wants n2 / f2 / o2
	local lay=$SCN_LAYOUT
	case $lay in near=*) lay=n${lay#*=} ;; far=*) lay=f${lay#*=} ;; offset=*) lay=o${lay#*=} ;; esac
	[ -n "$lay" ] && [ "$SCN_LEVEL" != 0 ] && [ "$SCN_LEVEL" != 1 ] && args+=(--layout="$lay")
	case $SCN_META in
	1.1|1.2) args+=(--data-offset=variable) ;;
	esac
	r=0
	for dev in "$@"; do
		if [ "$dev" = - ]; then devs+=(missing)
		elif [[ $SCN_META == 1.[12] ]]; then devs+=("$dev:$((SCN_DATA_OFFSET[r] / 2))K")
		else devs+=("$dev"); fi
		r=$((r + 1))
	done
	scn_x mdadm "${args[@]}" "${devs[@]}" >&2
	scn_defer "mdadm --stop $md"
	echo "$md"
}

# scn_md_assemble_ro DEV...: mdadm --assemble --readonly --run (pass
# overlays: assembling may still update superblocks).  Prints the md device.
scn_md_assemble_ro() {
	local md
	md=$(_scn_free_md)
	scn_x mdadm --assemble "$md" --readonly --run "$@" >&2
	scn_defer "mdadm --stop $md"
	echo "$md"
}

# scn_stop_dev DEV: stop an md device or remove a dm device now.
scn_stop_dev() {
	case $1 in
	/dev/md*) mdadm --stop "$1" >/dev/null 2>&1 ;;
	/dev/mapper/*) dmsetup remove --retry "${1#/dev/mapper/}" ;;
	esac
}

# scn_fsck DEV: read-only check with the filesystem's own tool; returns its
# verdict (0 = clean) and shows its output.
scn_fsck() {
	local dev=$1 type
	type=$(blkid -p -o value -s TYPE "$dev" 2>/dev/null || true)
	case $type in
	ext2|ext3|ext4) e2fsck -fn "$dev" ;;
	xfs) xfs_repair -n "$dev" ;;
	btrfs) btrfs check --readonly "$dev" ;;
	vfat) fsck.vfat -n "$dev" ;;
	*) echo "scn_fsck: no filesystem recognised on $dev (blkid: '$type')"; return 1 ;;
	esac
}

# scn_verify_content DEV MANIFEST: mount DEV read-only (no journal replay)
# and check every file of MANIFEST (a content/*.sha256 file).
scn_verify_content() {
	local dev=$1 man=$2 type m rc=0
	type=$(blkid -p -o value -s TYPE "$dev" 2>/dev/null || true)
	[ -n "$type" ] || { echo "no filesystem on $dev"; return 1; }
	m=$(mktemp -d "$SCN_MNT/verify.XXXXXX")
	mount -t "$type" -o "$(_scn_mount_opts "$type")" "$dev" "$m" || { rmdir "$m"; return 1; }
	(cd "$m" && sha256sum --quiet -c "$man") || rc=1
	umount "$m"; rmdir "$m"
	return $rc
}
