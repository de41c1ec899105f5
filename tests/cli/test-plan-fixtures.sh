#!/bin/bash
# The planner on member images that real mdadm wrote in the VM bench
# (tests/fixtures/vm): the true geometry is ranked first for each incident,
# from the superblocks; and for the two-ejections incident also with every
# superblock zeroed (the search by evidence, LVM2 + ext4 on top).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
FX=$RR_SRC/tests/fixtures/vm

# expect DIR: unpack, plan, compare the first candidate with truth.json
check() {
	local name=$1; shift
	local d=$T/$name
	mkdir -p "$d"
	for f in "$FX/$name"/member*.img.xz; do xz -dc "$f" > "$d/$(basename "${f%.xz}")"; done
	"$@"
	"$RR_BIN" plan --json "$d"/member*.img > "$d/plan.json" 2>"$d/plan.err" || true
	if python3 - "$FX/$name/truth.json" "$d/plan.json" "${ZEROED:-0}" <<'PY'
import json, sys
truth = json.load(open(sys.argv[1]))
plan = json.load(open(sys.argv[2]))
zeroed = sys.argv[3] == "1"
c = plan["candidates"][0]
# what an expert would assemble: every fresh member in its role, the
# stalest members missing as far as the level's redundancy allows
redund = {0: 0, 1: truth["raid_devices"] - 1, 4: 1, 5: 1, 6: 2, 10: 1}[truth["level"]]
stale = sorted((m for m in truth["members"] if m["state"] == "stale"), key=lambda m: int(m["events"]))
drop = {m["image"] for m in stale[:redund]}
if zeroed:
    drop = set(truth["failed"][:1])   # the test dropped the first-ejected member
want = [None if o["image"] in drop else o["image"] for o in truth["order"]]
got = [None if p is None else p.split("/")[-1].split(":")[0] for p in c["order"]]
errs = []
if got != want: errs.append(f"order {got} != {want}")
if c["level"] != truth["level"]: errs.append(f"level {c['level']} != {truth['level']}")
if truth["level"] not in (1,) and c["chunk_kib"] != truth["chunk_kib"]: errs.append(f"chunk {c['chunk_kib']} != {truth['chunk_kib']}")
if truth["layout"] and truth["level"] in (5, 6, 10) and c["layout"] != truth["layout"]: errs.append(f"layout {c['layout']} != {truth['layout']}")
offs = c["data_offset_sectors"]
want_offs = [o["data_offset"] for o in truth["order"]]
if isinstance(offs, list):
    if [o for o, w in zip(offs, want) if w] != [o for o, w in zip(want_offs, want) if w]: errs.append(f"offsets {offs} != {want_offs}")
elif any(o != offs for o, w in zip(want_offs, want) if w): errs.append(f"offset {offs} != {want_offs}")
if errs:
    print("; ".join(errs)); sys.exit(1)
PY
	then ok "$name${ZEROED:+ (superblocks zeroed)}: the true geometry is ranked first"
	else bad "$name${ZEROED:+ (superblocks zeroed)}: not ranked first"; head -c 3000 "$d/plan.json"; cat "$d/plan.err"; fi
}

for s in raid5-two-ejections raid1-stale-mirror raid6-two-missing raid10-near2 raid0-offsets; do
	check "$s" true
done

# Lost superblocks: zero every md 1.2 superblock (4 KiB in) and leave the
# first-ejected member out (its data is stale); the search must find the
# geometry from the LVM2 and ext4 structures alone.
zero() {
	local d=$T/raid5-two-ejections-zeroed i
	for i in 0 1 2 3 4; do dd if=/dev/zero of="$d/member$i.img" bs=4096 seek=1 count=1 conv=notrunc status=none; done
	rm -f "$d/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failed"][0])' "$FX/raid5-two-ejections/truth.json")"
}
# the same fixture under another name, so that its copy is separate
mkdir -p "$T/fx"
ln -s "$FX/raid5-two-ejections" "$T/fx/raid5-two-ejections-zeroed"
ln -s "$FX/raid5-two-ejections" "$T/fx/raid5-two-ejections"
FX=$T/fx ZEROED=1 check raid5-two-ejections-zeroed zero
finish
