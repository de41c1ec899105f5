# raidrescue examine against mdadm --examine on members the real kernel
# wrote, for what the fixtures lack: a write-intent bitmap, a reshape
# interrupted half way, 0.90 and 1.0 metadata, and a spare.  The text must
# match mdadm's line for line (but for the host-dependent "local to host"
# remark) and the JSON must carry the bitmap and reshape fields.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin examine-kernel
scn_members 5 16
export TZ=UTC
md=/dev/md121

# compare DEV...: our text vs mdadm's, per member
compare() {
	local d
	for d in "$@"; do
		mdadm --examine "$d" | sed 's/  *(local to host .*)$//' | sed '/^$/d' > "$SCN_DIR/theirs"
		"$RR_BIN" examine "$d" | sed '/^Verdict/,$d' | sed '/^$/d' > "$SCN_DIR/ours"
		if ! cmp -s "$SCN_DIR/theirs" "$SCN_DIR/ours"; then
			diff "$SCN_DIR/theirs" "$SCN_DIR/ours" | head -30 >&2 || true
			fail "$d: examine text differs from mdadm --examine"
		fi
	done
	ok "$1...: examine text equals mdadm --examine line for line"
}

# 1.2 with an internal write-intent bitmap and a spare
mdadm --create "$md" --run --quiet --metadata=1.2 --level=5 --raid-devices=4 --chunk=64 \
	--bitmap=internal --spare-devices=1 --assume-clean "${SCN_DEV[@]:0:5}"
dd if=/dev/urandom of="$md" bs=1M count=4 oflag=direct status=none
mdadm --stop "$md" >/dev/null
compare "${SCN_DEV[@]:0:5}"
j=$("$RR_BIN" examine --json "${SCN_DEV[0]}")
python3 - "$j" <<'PY' || fail "bitmap not in the JSON"
import json, sys
md = json.loads(sys.argv[1])["devices"][0]["md"]
fm = md["feature_map"]
assert fm.get("bitmap_offset") is not None or fm.get("bitmap"), fm
PY
ok "JSON carries the bitmap"
spare=$("$RR_BIN" examine --json "${SCN_DEV[4]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["devices"][0]["md"]["role"])')
assert_eq "$spare" spare "the spare's role is \"spare\""
for i in 0 1 2 3 4; do mdadm --zero-superblock "${SCN_DEV[i]}"; done

# a reshape (4 -> 5 devices) interrupted half way
echo 50 > /proc/sys/dev/raid/speed_limit_min
echo 100 > /proc/sys/dev/raid/speed_limit_max
mdadm --create "$md" --run --quiet --metadata=1.2 --level=5 --raid-devices=4 --chunk=64 \
	--bitmap=none --assume-clean "${SCN_DEV[@]:0:4}"
mdadm "$md" --add "${SCN_DEV[4]}" >/dev/null
mdadm --grow "$md" --raid-devices=5 --backup-file="$SCN_DIR/backup" >/dev/null 2>&1 || true
sleep 3
mdadm --stop "$md" >/dev/null
echo 200000 > /proc/sys/dev/raid/speed_limit_max
echo 1000 > /proc/sys/dev/raid/speed_limit_min
mdadm --examine "${SCN_DEV[0]}" | grep -q 'Reshape pos' || fail "the reshape did not start (no Reshape pos'n)"
compare "${SCN_DEV[@]:0:5}"
python3 - "$("$RR_BIN" examine --json "${SCN_DEV[0]}")" <<'PY' || fail "reshape not in the JSON"
import json, sys
md = json.loads(sys.argv[1])["devices"][0]["md"]
r = md["feature_map"]["reshape"]
assert r["delta_disks"] == 1, r
PY
ok "JSON carries the interrupted reshape (delta_disks 1)"
for i in 0 1 2 3 4; do mdadm --zero-superblock "${SCN_DEV[i]}"; done

# 0.90 and 1.0 (superblocks at the end)
for meta in 0.90 1.0; do
	mdadm --create "$md" --run --quiet --metadata=$meta --level=1 --raid-devices=2 --assume-clean "${SCN_DEV[@]:0:2}"
	mdadm --stop "$md" >/dev/null
	compare "${SCN_DEV[@]:0:2}"
	for i in 0 1; do mdadm --zero-superblock "${SCN_DEV[i]}"; done
done
scn_snapshot_originals
scn_end
