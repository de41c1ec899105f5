# Not a check: builds each named scenario and exports its member images
# (sparse), the mdadm --examine text of every member, /proc/mdstat while it
# ran and the truth (truth.sh, truth.json, content manifests) into
# $RR_TEST_OUT/fixtures/<scenario>/.  Run by tests/vm/make-fixtures, which
# compresses them on the host and puts them in tests/fixtures/vm/.
# Each scenario still goes through the invariant and leftover checks.
: "${RR_FIXTURES:=raid5-two-ejections raid1-stale-mirror raid6-two-missing raid10-near2 raid0-offsets}"
declare -A builder=(
	[raid5-two-ejections]=scn_build_two_ejections
	[raid1-stale-mirror]=scn_build_raid1_stale
	[raid6-two-missing]=scn_build_raid6_two_missing
	[raid10-near2]=scn_build_raid10_near2
	[raid0-offsets]=scn_build_raid0
)
for fx in $RR_FIXTURES; do
	[ -n "${builder[$fx]:-}" ] || { echo "unknown fixture $fx"; exit 1; }
	(
		export RR_TEST_DIR=$RR_TEST_DIR/$fx
		mkdir -p "$RR_TEST_DIR"
		. "$RR_SRC_DIR/tests/vm/lib/scenarios.sh"
		scn_begin "$fx"
		"${builder[$fx]}"
		scn_snapshot_originals
		d=$RR_TEST_OUT/fixtures/$fx
		rm -rf "$d"; mkdir -p "$d"
		for i in "${!SCN_IMG[@]}"; do
			cp --sparse=always "${SCN_IMG[i]}" "$d/member$i.img"
			cp "$SCN_TRUTH/examine/member$i.txt" "$d/member$i.examine.txt"
		done
		cp -r "$SCN_TRUTH/truth.sh" "$SCN_TRUTH/truth.json" "$SCN_TRUTH/mdstat.txt" "$SCN_TRUTH/content" "$d/"
		(cd "$d" && sha256sum member*.img > members.sha256)
		scn_end
	)
	echo "exported $fx"
done
