# raidrescue end to end on the two-ejections incident, real kernel:
# overlay the five members, assemble the order the superblocks imply (the
# later-ejected member in, the first-ejected one missing) through dm-raid
# and through mdadm, map the LVs from the decoded metadata, fsck: all
# clean; the wrong choice (the other stale member in) shows errors; undo
# all leaves nothing and the originals never change.
. "$RR_SRC_DIR/tests/vm/lib/scenarios.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin actions-two-ejections
scn_build_two_ejections
. "$SCN_TRUTH/truth.sh"
scn_snapshot_originals

M=$SCN_DIR/members
S=$SCN_DIR/session
first=${FAILED[0]} later=${FAILED[1]}
# by role, with the first-ejected member missing; and the wrong choice
right=() wrong=()
for img in "${ORDER[@]}"; do
	case $img in
	"$first") right+=(missing) wrong+=("$M/$img") ;;
	"$later") right+=("$M/$img") wrong+=(missing) ;;
	*) right+=("$M/$img") wrong+=("$M/$img") ;;
	esac
done
join() { local IFS=,; echo "$*"; }
ours() { dmsetup ls 2>/dev/null | awk '{print $1}' | { grep -E '^rr-[0-9a-f]{8}-' || true; } | sort; }

assert_ok "overlay the five members" "$RR_BIN" overlay --session "$S" "$M"/member*.img

# fsck_json FILE: "clean errors other" counts of LV results
counts() {
	python3 - "$1" <<'PY'
import json, sys
fs = json.load(open(sys.argv[1]))["filesystems"]
lvs = [f for f in fs if f["what"].startswith("LV ")]
print(len(lvs), sum(f["result"] == "clean" for f in lvs), sum(f["result"] == "errors" for f in lvs))
PY
}

for via in dm-raid mdadm; do
	assert_ok "assemble the right order via $via" "$RR_BIN" assemble --session "$S" --via "$via" --order "$(join "${right[@]}")"
	"$RR_BIN" fsck --session "$S" --json > "$SCN_DIR/fsck-right-$via.json" || fail "fsck failed ($via)"
	read -r n clean errs <<< "$(counts "$SCN_DIR/fsck-right-$via.json")"
	assert_eq "$n" 3 "three LVs found and mapped from the LVM metadata ($via)"
	assert_eq "$clean" 3 "all three LVs clean with the right order ($via)"
	# the files are there: the LV content matches the recorded manifest
	for lv in root home var; do
		dev=$(python3 -c 'import json,sys; print([f["device"] for f in json.load(open(sys.argv[1]))["filesystems"] if f["what"].endswith("/"+sys.argv[2])][0])' \
			"$SCN_DIR/fsck-right-$via.json" "$lv")
		assert_ok "content of $lv matches ($via)" scn_verify_content "$dev" "$SCN_TRUTH/content/$lv.sha256"
	done
	assert_ok "undo fsck, layers, assembly ($via)" "$RR_BIN" undo --session "$S" --steps 3
	assert_eq "$(ours | wc -l)" 5 "only the five snapshots remain ($via)"
	[ -z "$(awk '/^md2[0-9][0-9]/' /proc/mdstat)" ] || fail "an md array was left ($via)"
done

assert_ok "assemble the wrong choice" "$RR_BIN" assemble --session "$S" --order "$(join "${wrong[@]}")"
"$RR_BIN" fsck --session "$S" --json > "$SCN_DIR/fsck-wrong.json" || true
read -r n clean errs <<< "$(counts "$SCN_DIR/fsck-wrong.json")"
[ "$clean" -lt 3 ] || fail "the wrong choice looked clean: $(cat "$SCN_DIR/fsck-wrong.json")"
ok "the wrong choice shows errors ($clean of $n clean)"

# journal as a script names the dm-raid table
"$RR_BIN" journal --as-script "$S/journal.jsonl" > "$SCN_DIR/script.sh"
grep -q ' raid raid5_ls ' "$SCN_DIR/script.sh" || fail "script lacks the raid table"
ok "the journal's script has the raid table"

assert_ok "undo all" "$RR_BIN" undo --session "$S" --all
assert_eq "$(ours | wc -l)" 0 "nothing of the session left"

# The planner ranks the truth first, from the superblocks alone.
"$RR_BIN" plan --json "$M"/member*.img > "$SCN_DIR/plan.json"
want=$(printf '%s\n' "${right[@]}" | sed 's#.*/##' | tr '\n' ' ')
got=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["candidates"][0]; print(" ".join((p or "missing").split("/")[-1] for p in c["order"]), end=" ")' "$SCN_DIR/plan.json")
assert_eq "$got" "$want" "plan ranks the true order first (later-ejected in, first-ejected missing)"

# trial: every proposal assembled and checked; the truth comes out on top.
# --prove: the best is assembled once more and its LVs listed read-only.
"$RR_BIN" trial --json --prove --top 2 --session "$SCN_DIR/trial" "$M"/member*.img > "$SCN_DIR/trial.json"
python3 - "$SCN_DIR/trial.json" "$want" <<'PY' || fail "trial did not rank the truth first: $(cat "$SCN_DIR/trial.json")"
import json, sys
c = json.load(open(sys.argv[1]))["candidates"]
best = c[0]
order = " ".join((p or "missing").split("/")[-1] for p in best["order"]) + " "
assert order == sys.argv[2], (order, sys.argv[2])
lvs = [f for f in best["filesystems"] if f["what"].startswith("LV ")]
assert len(lvs) == 3 and all(f["result"] == "clean" for f in lvs), lvs
assert len(c) == 2 and c[1]["trial_score"] < best["trial_score"], [x["trial_score"] for x in c]
PY
ok "trial: the true order first with all LVs clean, the alternative below it"
python3 - "$SCN_DIR/trial.json" "$want" "$SCN_TRUTH/content" <<'PY' || fail "trial --prove: $(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])).get("proof"), indent=1))' "$SCN_DIR/trial.json")"
import collections, json, os, sys
p = json.load(open(sys.argv[1]))["proof"]
order = " ".join((x or "missing").split("/")[-1] for x in p["candidate"]["order"]) + " "
assert order == sys.argv[2], ("the proof is not of the best", order)
assert p["assembled"], p
lvs = {f["what"].split("/")[-1]: f for f in p["filesystems"] if f["what"].startswith("LV ")}
assert sorted(lvs) == ["home", "root", "var"], sorted(lvs)
for lv, f in lvs.items():
    assert f["method"] == "mount", (lv, f.get("method"), f.get("note"))
    # what the scenario wrote: files per top-level directory
    want = collections.Counter()
    for line in open(os.path.join(sys.argv[3], lv + ".sha256")):
        want[line[66:].strip()[2:].split("/")[0]] += 1
    got = {e["name"]: e for e in f["top_level"]}
    assert set(got) == set(want) | {"lost+found"}, (lv, sorted(got), sorted(want))
    for d, n in want.items():
        assert got[d]["kind"] == "directory" and got[d]["entries"] == n, (lv, d, got[d], n)
    assert 0 < f["used"] < f["bytes"], f
    print(lv, "listed by mount:", sorted(got))
PY
ok "trial --prove: the best candidate's LVs mounted read-only, their top level is what was written"
assert_eq "$(grep -cF "$SCN_DIR/trial/proof-" /proc/self/mountinfo || true)" 0 "no proof mount left"
assert_eq "$(ours | wc -l)" 5 "trials leave only the overlays"
assert_ok "undo the trial session" "$RR_BIN" undo --session "$SCN_DIR/trial" --all
assert_eq "$(ours | wc -l)" 0 "nothing left"
scn_check_originals
scn_end
