/* /proc/mdstat parser and the /sys/block/mdN/md reader.  The oracles are the
 * mdstat.txt the kernel printed for each fixture array and mdadm --examine
 * of its members (array size, device count, version). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mdstat.h"
#include "fixture.h"

/* A value of "Key : value" in an examine text, as a number. */
static unsigned long long examine_num(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	assert_non_null(p);
	p = strchr(p, ':');
	assert_non_null(p);
	return strtoull(p + 1, NULL, 10);
}

static void check_fixture(const char *ver)
{
	char rel[128], *text, *ex, *path;
	struct rr_mdstat st;
	const struct rr_mdstat_array *a;

	snprintf(rel, sizeof(rel), "kernel/md-%s/mdstat.txt", ver);
	path = fx_shared(rel);
	text = fx_slurp(path, NULL);
	free(path);
	snprintf(rel, sizeof(rel), "kernel/md-%s/member0.examine.txt", ver);
	path = fx_shared(rel);
	ex = fx_slurp(path, NULL);
	free(path);
	assert_int_equal(rr_mdstat_parse(text, &st), 0);
	assert_string_equal(st.personalities, "[raid6] [raid5] [raid4]");
	assert_int_equal(st.narrays, 1);
	a = &st.arrays[0];
	assert_string_equal(a->name, "md9");
	assert_true(a->active);
	assert_false(a->read_only);
	assert_string_equal(a->level, "raid5");
	assert_int_equal(a->nmembers, examine_num(ex, "Raid Devices"));
	assert_int_equal(a->blocks, examine_num(ex, "Array Size"));
	assert_int_equal(a->raid_disks, 4);
	assert_int_equal(a->working, 4);
	assert_string_equal(a->status, "UUUU");
	assert_false(rr_mdstat_degraded(a));
	/* mdstat names the metadata version except for 0.90 */
	assert_string_equal(a->super, strcmp(ver, "0.90") ? ver : "");
	for (size_t i = 0; i < a->nmembers; i++) {
		char name[32];

		/* listed newest first: loop3[3] ... loop0[0] */
		snprintf(name, sizeof(name), "loop%zu", a->nmembers - 1 - i);
		assert_string_equal(a->members[i].name, name);
		assert_int_equal(a->members[i].role, (int)(a->nmembers - 1 - i));
		assert_false(a->members[i].faulty);
	}
	assert_int_equal(a->sync_permille, -1);
	rr_mdstat_free(&st);
	free(text);
	free(ex);
}

static void test_fixtures(void **state)
{
	check_fixture("0.90");
	check_fixture("1.0");
	check_fixture("1.1");
	check_fixture("1.2");
}

/* The shapes md_seq_show prints for a degraded, rebuilding array, an
 * inactive one and a read-only one (drivers/md/md.c; format documented in
 * the kernel's Documentation/admin-guide/md.rst). */
static void test_degraded_and_inactive(void **state)
{
	static const char text[] =
		"Personalities : [raid1] [raid6] [raid5] [raid4]\n"
		"md1 : active raid1 sdb1[2] sda1[0] sdc1[1](F)\n"
		"      1046528 blocks super 1.2 [2/1] [U_]\n"
		"      [===>.................]  recovery = 17.3% (181248/1046528) finish=0.3min speed=45312K/sec\n"
		"      \n"
		"md2 : inactive sdd1[0](S)\n"
		"      1046528 blocks super 1.2\n"
		"       \n"
		"md3 : active (auto-read-only) raid5 sde[0] sdf[1] sdg[3](S)\n"
		"      2093056 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/2] [UU_]\n"
		"      \tresync=PENDING\n"
		"unused devices: <none>\n";
	struct rr_mdstat st;

	assert_int_equal(rr_mdstat_parse(text, &st), 0);
	assert_int_equal(st.narrays, 3);
	assert_string_equal(st.arrays[0].level, "raid1");
	assert_int_equal(st.arrays[0].nmembers, 3);
	assert_true(st.arrays[0].members[2].faulty);
	assert_int_equal(st.arrays[0].raid_disks, 2);
	assert_int_equal(st.arrays[0].working, 1);
	assert_string_equal(st.arrays[0].status, "U_");
	assert_true(rr_mdstat_degraded(&st.arrays[0]));
	assert_string_equal(st.arrays[0].sync_action, "recovery");
	assert_int_equal(st.arrays[0].sync_permille, 173);
	assert_false(st.arrays[1].active);
	assert_string_equal(st.arrays[1].level, "");
	assert_true(st.arrays[1].members[0].spare);
	assert_false(rr_mdstat_degraded(&st.arrays[1]));
	assert_true(st.arrays[2].read_only);
	assert_string_equal(st.arrays[2].level, "raid5");
	assert_true(st.arrays[2].members[2].spare);
	assert_string_equal(st.arrays[2].sync_action, "resync");
	assert_int_equal(st.arrays[2].sync_permille, -1);
	rr_mdstat_free(&st);

	assert_int_equal(rr_mdstat_parse("hello\nworld\n", &st), -EINVAL);
	assert_int_equal(rr_mdstat_parse("", &st), -EINVAL);
	/* no arrays at all is valid */
	assert_int_equal(rr_mdstat_parse("Personalities : \nunused devices: <none>\n", &st), 0);
	assert_int_equal(st.narrays, 0);
	rr_mdstat_free(&st);
}

static void put(const char *dir, const char *file, const char *v)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(v, f);
	fclose(f);
}

/* A copy of the attribute files the kernel shows for the md-1.2 fixture
 * array while it ran (values as in its mdstat.txt). */
static void test_sysfs(void **state)
{
	char root[512], d[600];
	struct rr_md_sysfs s;

	snprintf(root, sizeof(root), "%s/sys", fx_tmpdir());
	snprintf(d, sizeof(d), "%s/block/md9/md", root);
	assert_int_equal(mkdir(root, 0700), 0);
	snprintf(d, sizeof(d), "%s/block", root);
	assert_int_equal(mkdir(d, 0700), 0);
	snprintf(d, sizeof(d), "%s/block/md9", root);
	assert_int_equal(mkdir(d, 0700), 0);
	snprintf(d, sizeof(d), "%s/block/md9/md", root);
	assert_int_equal(mkdir(d, 0700), 0);
	put(d, "level", "raid5\n");
	put(d, "array_state", "clean\n");
	put(d, "sync_action", "idle\n");
	put(d, "metadata_version", "1.2\n");
	put(d, "raid_disks", "4\n");
	put(d, "degraded", "0\n");
	assert_int_equal(rr_md_sysfs_read(root, "md9", &s), 0);
	assert_string_equal(s.level, "raid5");
	assert_string_equal(s.array_state, "clean");
	assert_string_equal(s.sync_action, "idle");
	assert_string_equal(s.metadata_version, "1.2");
	assert_int_equal(s.raid_disks, 4);
	assert_int_equal(s.degraded, 0);
	assert_int_equal(s.mismatch_cnt, 0);
	assert_int_equal(rr_md_sysfs_read(root, "md0", &s), -ENOENT);
	assert_int_equal(rr_md_sysfs_read(root, "../x", &s), -EINVAL);
}

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_degraded_and_inactive),
		cmocka_unit_test(test_sysfs),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
