# raidrescue status on live arrays of the real kernel: healthy, degraded
# (a member failed), rebuilding (a spare recovering, throttled so it is
# caught in progress) and inactive; text, JSON and exit status.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin status-live
scn_members 4 16
scn_md_create --level 5 --metadata 1.2 --chunk 64
md=${SCN_MD#/dev/}
j() { { "$RR_BIN" status --json || true; } | python3 -c "import json,sys; a=[x for x in json.load(sys.stdin)['arrays'] if x['name']=='$md'][0]; print($1)"; }

assert_ok "healthy array: status 0" "$RR_BIN" status
assert_eq "$(j 'a["degraded"]')" False "not degraded"
n=$(j 'a["raid_devices"]')

first=$(mdadm --detail "$SCN_MD" | awk '/active sync/ {print $NF; exit}')
mdadm "$SCN_MD" --fail "$first" >/dev/null
rc=0; "$RR_BIN" status > "$SCN_DIR/st.txt" || rc=$?
assert_eq "$rc" 1 "degraded array: status 1"
assert_match "$(cat "$SCN_DIR/st.txt")" "DEGRADED" "text says DEGRADED"
assert_eq "$(j 'a["degraded"]')" True "JSON says degraded"
assert_eq "$(j '[m["state"] for m in a["members"] if m["state"]=="faulty"][0]')" faulty "the failed member is faulty"

# a rebuild, throttled so that it is seen in progress
echo 100 > /proc/sys/dev/raid/speed_limit_min
echo 200 > /proc/sys/dev/raid/speed_limit_max
mdadm "$SCN_MD" --remove "$first" >/dev/null
mdadm "$SCN_MD" --add "$first" >/dev/null
sleep 1
assert_match "$("$RR_BIN" status || true)" "recovery [0-9.]+%" "the rebuild is shown with its progress"
assert_eq "$(j 'a.get("sync_action")')" recovery "JSON shows the recovery"
echo 200000 > /proc/sys/dev/raid/speed_limit_max
echo 1000 > /proc/sys/dev/raid/speed_limit_min
mdadm --wait "$SCN_MD" >/dev/null 2>&1 || true
assert_ok "rebuilt: healthy again" "$RR_BIN" status
cp /proc/mdstat "$RR_TEST_OUT/mdstat-healthy.txt"
mdadm --stop "$SCN_MD" >/dev/null
# md wrote the members itself above (failing, rebuilding); the invariant
# only says nothing changes them from here on.
scn_snapshot_originals
scn_end
