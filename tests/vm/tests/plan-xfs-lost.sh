# The planner when every md superblock is gone, on XFS: a RAID5 of four
# members (a non-default layout and chunk, the roles not in file order),
# XFS written by mkfs.xfs and filled through the kernel's md, then every
# superblock zeroed with mdadm --zero-superblock.  The search by evidence
# (the XFS superblock and its allocation-group headers where the geometry
# says they must be, parity) must rank the true geometry first; and the
# array it describes, built on snapshots, must pass xfs_repair -n.
. "$RR_SRC_DIR/tests/vm/lib/scenario.sh"
: "${RR_BIN:?RR_BIN must point at the built raidrescue}"
scn_begin plan-xfs-lost
# XFS wants 300 MiB at least: 4 x 110 MiB members (sparse)
scn_members 4 110
scn_md_create --level 5 --metadata 1.2 --chunk 128 --layout left-asymmetric --order "2 0 3 1"
scn_mkfs xfs "$SCN_MD" xdata
scn_mount xdata
scn_fill xdata gen1 2048
SCN_NOTES="raid5 left-asymmetric 128K, XFS; every superblock zeroed"
scn_stop
scn_truth_write
. "$SCN_TRUTH/truth.sh"
for i in 0 1 2 3; do scn_zero_super "$i"; done
for i in 0 1 2 3; do
	grep -q 'No md superblock' <(mdadm --examine "${SCN_DEV[i]}" 2>&1) || fail "member$i still has a superblock"
done
ok "no member has an md superblock any more"
scn_snapshot_originals

t0=$SECONDS
"$RR_BIN" plan --json "${SCN_IMG[@]}" >"$SCN_DIR/plan.json" 2>"$SCN_DIR/plan.err" ||
	{ cat "$SCN_DIR/plan.err"; fail "plan failed"; }
echo "plan: $((SECONDS - t0)) s under TCG"
python3 - "$SCN_DIR/plan.json" "${ORDER[*]}" "${DATA_OFFSETS[*]}" <<'PY' || fail "the true geometry is not first: $(head -c 2500 "$SCN_DIR/plan.json")"
import json, sys
c = json.load(open(sys.argv[1]))["candidates"][0]
order = [p.split("/")[-1] if p else None for p in c["order"]]
want = sys.argv[2].split()
offs = c["data_offset_sectors"]
offs = offs if isinstance(offs, list) else [offs] * len(want)
print("first:", c["level"], c.get("layout"), c["chunk_kib"], order, offs)
assert order == want, (order, want)
assert c["level"] == 5 and c["chunk_kib"] == 128 and c["layout"] == "left-asymmetric", c
assert [str(o) for o in offs] == sys.argv[3].split(), (offs, sys.argv[3])
PY
ok "plan ranks the true geometry first with no superblock at all (order ${ORDER[*]}, 128K, left-asymmetric)"

# what it describes holds an intact XFS: dm-raid on snapshots, xfs_repair -n
ov=(); for r in 0 1 2 3; do ov[r]=$(scn_overlay "${SCN_ROLE_MEMBER[r]}"); done
dev=$(scn_dmraid_assemble rr-xfs "${ov[@]}")
assert_ok "the planned array: xfs_repair -n clean" scn_fsck "$dev"
assert_ok "the planned array: the files are there" scn_verify_content "$dev" "$SCN_TRUTH/content/xdata.sha256"
scn_end
