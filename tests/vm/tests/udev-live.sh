# With udev running, as on most rescue systems: the loop devices raidrescue
# attaches over member images raise uevents, and the distribution's rules
# would run `mdadm --incremental` on an md member and `pvscan
# --autoactivation` on an LVM PV -- grabbing the very devices the
# snapshots need, or starting arrays and volumes nobody asked for.  Here
# the host's own systemd-udevd and rules run in the VM; the whole flow
# (trial with proof, undo) must work, udev must start nothing of ours, no
# udev cookie may be left, and the machine must end clean.
. "$RR_SRC_DIR/tests/vm/lib/scenarios.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
UDEVD=$(command -v systemd-udevd || echo /lib/systemd/systemd-udevd)
[ -x "$UDEVD" ] || fail "no systemd-udevd on this machine (the udev package)"
scn_begin udev-live
# the two-ejections incident: md 1.2 RAID5 members with LVM2 + ext4 above
scn_build_two_ejections
. "$SCN_TRUTH/truth.sh"
scn_snapshot_originals
M=$SCN_DIR/members
S=$SCN_DIR/session
ours() { dmsetup ls 2>/dev/null | awk '{print $1}' | { grep -E '^rr-[0-9a-f]{8}-' || true; } | sort; }
others() { dmsetup ls 2>/dev/null | awk '$1 != "No" {print $1}' | { grep -vE '^rr-[0-9a-f]{8}-' || true; }; }
md_arrays() { awk '/^md[0-9]+ :/ {print $1}' /proc/mdstat; }
# udevadm settle refuses to work in a chroot: wait for the queue instead
settle() {
	local i
	for i in $(seq 300); do [ -e /run/udev/queue ] || break; sleep 0.1; done
	sleep 0.5
}

# udevd with the distribution's rules; stopped first at the end
mkdir -p /run/udev
"$UDEVD" --daemon --resolve-names=never >"$SCN_DIR/udevd.log" 2>&1 || fail "systemd-udevd does not start"
# stopped, and its /run/udev gone, so the next tests see no udev at all
scn_defer "udevadm control --exit; sleep 1; pkill -x systemd-udevd || true; rm -rf /run/udev"
for _ in $(seq 50); do [ -S /run/udev/control ] && break; sleep 0.1; done
[ -S /run/udev/control ] || fail "systemd-udevd has no control socket"
ok "systemd-udevd runs with $(ls /lib/udev/rules.d | wc -l) rule files (64-md-raid-assembly, 69-lvm among them)"
[ -f /lib/udev/rules.d/64-md-raid-assembly.rules ] && [ -f /lib/udev/rules.d/69-lvm.rules ] ||
	fail "the md and lvm udev rules are not installed"
assert_eq "$(md_arrays | wc -l)" 0 "no md array before"

# Positive control: a plain read-only loop over a member, as losetup makes
# it -- udev must see it as an md member, or this test proves nothing.
ctl=$(losetup -f --show -r "$M/member0.img")
db=/run/udev/data/b7:${ctl#/dev/loop}
for _ in $(seq 100); do grep -qs 'E:ID_FS_TYPE=linux_raid_member' "$db" && break; sleep 0.1; done
settle
grep -qs 'E:ID_FS_TYPE=linux_raid_member' "$db" || fail "udev did not process the control loop $ctl ($(cat "$db" 2>/dev/null | head -5))"
ok "udev processes block events here: the control loop $ctl is a linux_raid_member to it"
taken=$(ls "/sys/block/${ctl#/dev/}/holders" 2>/dev/null)
if [ -n "$taken" ]; then
	echo "control: mdadm --incremental (64-md-raid-assembly.rules) took $ctl into $taken"
	mdadm --incremental --fail "$ctl" || true
	settle
	for a in $(md_arrays); do mdadm --stop "/dev/$a" || true; done
else
	echo "control: mdadm --incremental left $ctl alone (rules ran: $(grep -c '^E:' "$db") properties)"
fi
losetup -d "$ctl"
settle
[ -z "$(others)" ] || fail "dm devices before the test: $(others)"

# libdevmapper synchronises with udev from here on (cookies)
unset DM_DISABLE_UDEV
"$RR_BIN" trial --json --prove --top 2 --session "$S" "$M"/member*.img >"$SCN_DIR/trial.json" 2>"$SCN_DIR/trial.err" ||
	{ cat "$SCN_DIR/trial.err"; fail "trial --prove with udev running"; }
settle
python3 - "$SCN_DIR/trial.json" <<'PY' || fail "trial with udev: $(head -c 3000 "$SCN_DIR/trial.json")"
import json, sys
d = json.load(open(sys.argv[1]))
best = d["candidates"][0]
lvs = [f for f in best["filesystems"] if f["what"].startswith("LV ")]
assert len(lvs) == 3 and all(f["result"] == "clean" for f in lvs), lvs
p = [f for f in d["proof"]["filesystems"] if f["what"].startswith("LV ")]
assert len(p) == 3 and all(f["method"] == "mount" and f["top_level"] for f in p), p
PY
ok "trial --prove with udev running: the best candidate clean and listed"
assert_eq "$(md_arrays | wc -l)" 0 "udev assembled no md array from the loop devices over the members"
[ -z "$(others)" ] || fail "udev activated devices over ours: $(others)"
ok "udev activated no LVM volume over ours"
assert_eq "$(ours | wc -l)" 5 "the five snapshots stay, nothing else of ours"
for d in $(ours); do
	[ -b "/dev/mapper/$d" ] || fail "no /dev/mapper/$d with udev running"
done
ok "every snapshot has its /dev/mapper node"
# hidden from the disk rules: no by-id / by-uuid links to our devices
links=$(find /dev/disk -lname '*dm-*' 2>/dev/null | while read -r l; do
	n=$(basename "$(readlink -f "$l")"); [ -e "/sys/block/$n/dm/name" ] && grep -qE '^rr-' "/sys/block/$n/dm/name" && echo "$l"; done)
[ -z "$links" ] || fail "udev made /dev/disk links to our devices: $links"
ok "no /dev/disk/* link points at a device of ours"
assert_eq "$(dmsetup udevcookies 2>/dev/null | awk 'NR > 1' | wc -l)" 0 "no udev cookie left"

assert_ok "undo --all with udev running" "$RR_BIN" undo --session "$S" --all
settle

# The race made wide: 3 s between attaching a member's loop and stacking
# the snapshot on it -- time for udev's mdadm --incremental, as on a slow
# or busy rescue machine.  The exclusive hold must win anyway.
S2=$SCN_DIR/session-slow
RAIDRESCUE_DELAY=overlay.origin-loop:3000 "$RR_BIN" overlay --session "$S2" "$M"/member*.img >"$SCN_DIR/slow.out" 2>&1 ||
	{ cat "$SCN_DIR/slow.out"; for a in $(md_arrays); do mdadm --detail "/dev/$a" || true; done
	  fail "overlay with 3 s for udev between loop and snapshot"; }
settle
assert_eq "$(ours | wc -l)" 5 "five snapshots, udev given 3 s at each loop"
assert_eq "$(md_arrays | wc -l)" 0 "mdadm --incremental took none of the loops"
[ -z "$(others)" ] || fail "udev activated devices: $(others)"
assert_ok "undo the slow session" "$RR_BIN" undo --session "$S2" --all
settle

# udevd gone but its control socket left (crashed, or stopped by hand):
# that is no udev -- no waiting for events that never come, nodes made
# by libdevmapper itself.
pkill -x systemd-udevd || true
for _ in $(seq 50); do pgrep -x systemd-udevd >/dev/null || break; sleep 0.1; done
[ -S /run/udev/control ] || fail "the control socket went with udevd (cannot test a stale one)"
t0=$SECONDS
"$RR_BIN" overlay --session "$SCN_DIR/session-stale" "$M/member0.img" >"$SCN_DIR/stale.out" 2>&1 ||
	{ cat "$SCN_DIR/stale.out"; fail "overlay with a stale udev socket"; }
! grep -q 'udev has not processed' "$SCN_DIR/stale.out" || fail "waited for a udev that is not there: $(cat "$SCN_DIR/stale.out")"
[ $((SECONDS - t0)) -lt 8 ] || fail "overlay took $((SECONDS - t0)) s with a stale udev socket"
ok "a stale /run/udev/control is not taken for a running udev ($((SECONDS - t0)) s)"
[ -b "/dev/mapper/$(ours | head -n 1)" ] || fail "no /dev/mapper node without udev"
assert_ok "undo the stale-socket session" "$RR_BIN" undo --session "$SCN_DIR/session-stale" --all
settle
assert_eq "$(ours | wc -l)" 0 "nothing of the session left"
assert_eq "$(md_arrays | wc -l)" 0 "no md array after undo"
[ -z "$(others)" ] || fail "devices left after undo: $(others)"
assert_eq "$(dmsetup udevcookies 2>/dev/null | awk 'NR > 1' | wc -l)" 0 "no udev cookie left after undo"
scn_end
