# The built-in demo (`raidrescue demo --no-wizard`, made in userspace) is
# accepted by the real kernel and tools: mdadm --examine reads every member
# (checksums, roles, events, array states as md leaves them after two
# ejections); the kernel's md refuses to start the array from the members
# as they are (two stale) and, with mdadm --force, starts it degraded with
# the later-ejected member in and the first-ejected one out; lvm2's vgck
# and vgchange accept the PV; every LV is fsck-clean and matches its
# SHA256SUMS.  The kernel's dm-raid agrees: the right choice is clean, the
# first-ejected member instead of the later one is not.  Nothing changes
# the demo's images (all assemblies run on dm snapshots).
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin demo-kernel

D=$SCN_DIR/demo
assert_ok "raidrescue demo --no-wizard builds the demo" "$RR_BIN" demo --no-wizard --dir "$D"
[ -s "$D/truth.json" ] || fail "no truth.json"

# The truth, in shell form: images by role, the two ejected images.
eval "$(python3 - "$D/truth.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
order = [o["image"] for o in sorted(t["order"], key=lambda o: o["role"])]
print("ORDER=(%s)" % " ".join(order))
print("FIRST=%s LATER=%s" % tuple(t["ejected"]))
print("ARRAY_SECTORS=%d COMPONENT_SECTORS=%d" % (t["array_sectors"], t["component_sectors"]))
for m in t["members"]:
    print("EVENTS_%s=%d" % (m["image"].split(".")[0].replace("-", "_"), m["events"]))
PY
)"
assert_eq "${#ORDER[@]}" 5 "five members in the truth"

# The images, read-only loop devices, in the scenario library's arrays so
# its overlay and invariant helpers apply.  Index = role.
for r in 0 1 2 3 4; do
	img=$D/${ORDER[r]}
	loop=$(losetup -f --show -r "$img")
	scn_defer "losetup -d $loop"
	SCN_IMG[r]=$img SCN_LOOP[r]=$loop SCN_DEV[r]=$loop SCN_BASEDEV[r]=$loop
	[ "${ORDER[r]}" = "$FIRST" ] && rfirst=$r
	[ "${ORDER[r]}" = "$LATER" ] && rlater=$r
done
scn_snapshot_originals
assert_eq "$rfirst $rlater" "3 1" "first-ejected in role 3, later-ejected in role 1"

# --- mdadm --examine on the kernel's block devices
ev() { mdadm --examine "$1" | awk -F' : ' '/^ *Events :/ {print $2}'; }
for r in 0 1 2 3 4; do
	ex=$(mdadm --examine "${SCN_DEV[r]}")
	echo "$ex" > "$SCN_TRUTH/examine/role$r.txt"
	assert_match "$(echo "$ex" | awk -F' : ' '/Checksum/ {print $2}')" ' - correct$' "role $r: checksum correct"
	assert_eq "$(echo "$ex" | awk -F' : ' '/^ *Version :/ {print $2}')" 1.2 "role $r: metadata 1.2"
	assert_eq "$(echo "$ex" | awk -F' : ' '/Device Role/ {print $2}')" "Active device $r" "role $r: device role"
	state=$(echo "$ex" | awk -F' : ' '/Array State/ {print $2}' | cut -d' ' -f1)
	case $r in
	3) assert_eq "$state" AAAAA "first-ejected saw the array whole" ;;
	1) assert_eq "$state" AAA.A "later-ejected saw role 3 gone" ;;
	*) assert_eq "$state" A.A.A "fresh role $r saw roles 1 and 3 gone" ;;
	esac
done
e_first=$(ev "${SCN_DEV[3]}") e_later=$(ev "${SCN_DEV[1]}") e_fresh=$(ev "${SCN_DEV[0]}")
[ "$e_first" -lt "$e_later" ] && [ "$e_later" -lt "$e_fresh" ] || \
	fail "events not first < later < fresh: $e_first $e_later $e_fresh"
ok "events: first $e_first < later $e_later < fresh $e_fresh"

# check_lvs DEV: vgck, activate, fsck -fn and SHA256SUMS of every LV; 0 if all good.
check_lvs() {
	local dev=$1 lv bad=0 m cfg
	cfg=$(_scn_lvm_filter "$dev")
	lvm vgck --config "$cfg" demovg || { echo "vgck demovg failed"; return 1; }
	scn_vg_activate "$dev" demovg
	for lv in home srv log; do
		# read-only block devices: ext4 records errors it meets in
		# its superblock even on a read-only mount, unless the device
		# itself is read-only
		blockdev --setro "$(scn_lv_dev demovg $lv)"
		scn_fsck "$(scn_lv_dev demovg $lv)" > "$SCN_DIR/fsck-$lv.txt" 2>&1 || { echo "fsck $lv: errors"; bad=1; }
		m=$(mktemp -d "$SCN_MNT/demo.XXXXXX")
		if mount -t ext4 -o ro,noload "$(scn_lv_dev demovg $lv)" "$m" 2>/dev/null; then
			(cd "$m" && sha256sum --quiet -c SHA256SUMS) >/dev/null 2>&1 || { echo "content $lv: differs"; bad=1; }
			umount "$m"
		else
			echo "mount $lv: failed"; bad=1
		fi
		rmdir "$m"
	done
	scn_vg_deactivate "$dev" demovg
	return $bad
}

# fresh_overlays: new dm snapshots (empty COW) over the five members, so
# each trial starts from the images as the demo made them.
ovmark=$(scn_mark)
fresh_overlays() {
	scn_unwind "$ovmark"
	rm -f "$SCN_DIR"/cow/cow*.img
	ov=()
	for r in 0 1 2 3 4; do ov[r]=$(scn_overlay "$r"); done
}
fresh_overlays

# --- the kernel's dm-raid (nothing written): right and wrong choice
SCN_LEVEL=5 SCN_LAYOUT=left-symmetric SCN_CHUNK_KIB=64 SCN_NDEV=5
SCN_COMPONENT_SECTORS=$COMPONENT_SECTORS SCN_ARRAY_SECTORS=$ARRAY_SECTORS
SCN_DATA_OFFSET=(2048 2048 2048 2048 2048)
dev=$(scn_dmraid_assemble rr-demo "${ov[0]}" "${ov[1]}" "${ov[2]}" - "${ov[4]}")
assert_ok "dm-raid, later-ejected in, first-ejected missing: vgck, 3 LVs clean, SHA256SUMS match" check_lvs "$dev"
fresh_overlays
dev=$(scn_dmraid_assemble rr-demo "${ov[0]}" - "${ov[2]}" "${ov[3]}" "${ov[4]}")
assert_fails "dm-raid, first-ejected in instead: errors found" check_lvs "$dev"
fresh_overlays

# --- the kernel's md, through mdadm, on the overlays
md=$(_scn_free_md)
if mdadm --assemble "$md" --readonly --run "${ov[@]}" >"$SCN_DIR/assemble-plain.txt" 2>&1 && \
   [ "$(cat "/sys/block/${md#/dev/}/md/array_state" 2>/dev/null)" != inactive ]; then
	mdadm --stop "$md" >/dev/null 2>&1 || true
	cat "$SCN_DIR/assemble-plain.txt"
	fail "md started the array from members with two of them stale"
fi
mdadm --stop "$md" >/dev/null 2>&1 || true
ok "mdadm --assemble without --force refuses: $(tail -n1 "$SCN_DIR/assemble-plain.txt")"

md=$(_scn_free_md)
scn_x mdadm --assemble "$md" --force --readonly --run "${ov[@]}" >&2
scn_defer "mdadm --stop $md"
sys=/sys/block/${md#/dev/}/md
assert_eq "$(cat "$sys/level")" raid5 "md runs raid5"
assert_eq "$(cat "$sys/raid_disks")" 5 "five slots"
assert_eq "$(cat "$sys/degraded")" 1 "degraded by one member"
assert_eq "$(cat "/sys/block/${md#/dev/}/size")" "$ARRAY_SECTORS" "array size as the truth says"
slot_of() {  # slot of device $1 in the array, or none (by major:minor:
	     # without udev /dev/mapper/NAME is a node, not a link to dm-N)
	local mm d
	mm=$(printf '%d:%d' $(stat -L -c '0x%t 0x%T' "$1"))
	for d in "$sys"/dev-*; do
		[ "$(cat "$d/block/dev" 2>/dev/null)" = "$mm" ] && { cat "$d/slot"; return; }
	done
	echo none
}
assert_eq "$(slot_of "${ov[1]}")" 1 "mdadm --force took the later-ejected member, in slot 1"
assert_eq "$(slot_of "${ov[3]}")" none "and left the first-ejected member out"
assert_ok "kernel md: vgck, 3 LVs clean, SHA256SUMS match" check_lvs "$md"
scn_stop_dev "$md"

scn_end
