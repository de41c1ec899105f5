# raidrescue zfs rewind on real dm overlays (the zfs-fuse mirror pool of
# tests/fixtures/zfs): the overlays' active uberblock becomes the chosen
# txg in every label, the originals never change, a path that is not an
# overlay is refused, undo restores the overlays byte for byte.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin zfs-rewind-dm
D=$SCN_DIR
for m in mi0 mi1; do xz -dc "$RR_SRC_DIR/tests/fixtures/zfs/$m.img.xz" > "$D/members/$m.img"; done
SCN_IMG=("$D/members/mi0.img" "$D/members/mi1.img")
scn_snapshot_originals
S=$D/session
scn_defer "$RR_BIN undo --session $S --all"
assert_ok "overlay both members" "$RR_BIN" overlay --session "$S" "${SCN_IMG[@]}"
ovs=$(dmsetup ls | awk '{print $1}' | grep -E '^rr-[0-9a-f]{8}-m[0-9]+$' | sed 's|^|/dev/mapper/|' | sort)
assert_eq "$(echo "$ovs" | wc -l)" 2 "two overlays"
for o in $ovs; do sha256sum "$o"; done > "$D/overlays.sha256"
active() { "$RR_BIN" zfs list --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["devices"][0]["active_txg"])'; }
assert_eq "$(active "$(echo "$ovs" | head -1)")" 11 "overlay at txg 11 before"
assert_fails "rewind refuses an original member" "$RR_BIN" zfs rewind --txg 7 --session "$S" "${SCN_IMG[0]}"
assert_fails "rewind refuses a txg that is not there" "$RR_BIN" zfs rewind --txg 9 --session "$S"
assert_ok "rewind the session's overlays to txg 7" "$RR_BIN" zfs rewind --txg 7 --session "$S"
for o in $ovs; do
	assert_eq "$(active "$o")" 7 "$o now at txg 7"
	"$RR_BIN" zfs list --json "$o" | python3 -c '
import json, sys
d = json.load(sys.stdin)["devices"][0]
for l in d["labels"]:
    assert l["newest_txg"] == 7, l
    assert all(u["txg"] <= 7 for u in l["uberblocks"]), l
' || fail "a label of $o still has a newer uberblock"
	ok "every label of $o ends at txg 7"
done
scn_check_originals
assert_ok "undo the rewind" "$RR_BIN" undo --session "$S"
sha256sum --quiet -c "$D/overlays.sha256" || fail "overlays not restored byte for byte"
ok "undo restored the overlays byte for byte"
assert_ok "undo the overlays" "$RR_BIN" undo --session "$S" --all
scn_end
