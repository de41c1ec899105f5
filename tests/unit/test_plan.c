/* The planner on arrays made by real mdadm (shared fixtures kernel/md-*:
 * 4-member RAID5, 64 KiB chunk, left-symmetric, ext4): proposals from the
 * superblocks, and the evidence search once the superblocks are zeroed
 * (a test-time transformation of the real images).  The truth is read
 * from the fixtures' mdadm --examine output, never from our decoder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/layout.h"
#include "core/plan.h"
#include "fixture.h"
#include "probes/devread.h"
#include "probes/md.h"
#include "probes/probe.h"

#define NM 4

/* What mdadm --examine said about one fixture member. */
struct truth {
	int role;
	unsigned chunk_kib;
	char layout[32];
	uint64_t data_offset;
};

static char *examine_value(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	static char v[128];
	size_t n = 0;

	if (!p)
		return NULL;
	p = strchr(p, ':');
	assert_non_null(p);
	p++;
	while (*p == ' ')
		p++;
	while (p[n] && p[n] != '\n' && n < sizeof(v) - 1) {
		v[n] = p[n];
		n++;
	}
	v[n] = '\0';
	return v;
}

static void load_truth(const char *ver, int i, struct truth *t)
{
	char rel[128], *text, *v;

	char *path;

	snprintf(rel, sizeof(rel), "kernel/md-%s/member%d.examine.txt", ver, i);
	path = fx_shared(rel);	/* malloc'd */
	text = fx_slurp(path, NULL);
	free(path);
	v = examine_value(text, "Chunk Size");
	assert_non_null(v);
	t->chunk_kib = (unsigned)strtoul(v, NULL, 10);
	v = examine_value(text, "Layout");
	assert_non_null(v);
	snprintf(t->layout, sizeof(t->layout), "%s", v);
	v = examine_value(text, "Data Offset");
	t->data_offset = v ? strtoull(v, NULL, 10) : 0;	/* 0.90: data at 0 */
	v = examine_value(text, "Device Role");
	if (v) {
		assert_true(sscanf(v, "Active device %d", &t->role) == 1);
	} else {
		/* 0.90: "this     N   major   minor   RaidDevice  state" */
		const char *p = strstr(text, "\nthis ");
		int num, maj, min;

		assert_non_null(p);
		assert_true(sscanf(p + 6, "%d %d %d %d", &num, &maj, &min, &t->role) == 4);
	}
	free(text);
}

struct set {
	char *path[NM];
	struct truth truth[NM];
	struct rr_member *m[NM];
	struct rr_dev *dev[NM];
	size_t n;
};

static int set_read(void *ctx, size_t member, uint64_t off, void *buf, size_t len)
{
	struct set *s = ctx;

	if (member >= s->n)
		return -ENXIO;
	return rr_dev_pread(s->dev[member], buf, len, off);
}

/* Decompress the members of ver in the order given by idx (file i of
 * the set is fixture member idx[i]); zero their superblocks if asked. */
static void set_open(struct set *s, const char *ver, const int *idx, size_t n, bool zero)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	for (size_t i = 0; i < n; i++) {
		char rel[128], *tmp, *dst, *xz;
		const struct rr_md_sb *sb;

		snprintf(rel, sizeof(rel), "kernel/md-%s/member%d.img.xz", ver, idx[i]);
		xz = fx_shared(rel);
		tmp = fx_unxz(xz);
		free(xz);
		/* a name that says nothing about the role */
		assert_true(asprintf(&dst, "%s/%s-z%zu-%d.img", fx_tmpdir(), ver, i, zero) > 0);
		assert_int_equal(rename(tmp, dst), 0);
		free(tmp);
		s->path[i] = dst;
		load_truth(ver, idx[i], &s->truth[i]);
		s->m[i] = rr_examine_path(dst);
		sb = rr_md_primary(s->m[i]->md);
		assert_non_null(sb);
		if (zero) {
			/* where the probe found it: the superblock goes, the data stay */
			uint64_t at = sb->sb_offset_bytes;
			int fd = open(dst, O_WRONLY);
			static const uint8_t zeros[4096];

			assert_true(fd >= 0);
			assert_int_equal(pwrite(fd, zeros, sizeof(zeros), (off_t)at), (ssize_t)sizeof(zeros));
			close(fd);
			rr_member_free(s->m[i]);
			s->m[i] = rr_examine_path(dst);
			assert_null(rr_md_primary(s->m[i]->md));
		}
		assert_int_equal(rr_dev_open(dst, &s->dev[i]), 0);
	}
}

static void set_close(struct set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		rr_dev_close(s->dev[i]);
		rr_member_free(s->m[i]);
		unlink(s->path[i]);
		free(s->path[i]);
	}
}

static void plan(struct set *s, struct rr_plan *p, unsigned top)
{
	struct rr_plan_opts o = { .top = top, .read = set_read, .read_ctx = s, .threads = 2 };

	assert_int_equal(rr_plan(s->m, s->n, &o, p), 0);
	assert_true(p->ncands >= 1);
}

/* The candidate is the true geometry: every present member in its role,
 * the absent fixture member (if any) missing. */
static void assert_truth(const struct set *s, const struct rr_candidate *c, int absent_role)
{
	char lay[32];

	assert_int_equal(c->level, RR_RAID5);
	assert_int_equal(c->ndisks, NM);
	assert_int_equal(c->chunk_kib, s->truth[0].chunk_kib);
	assert_non_null(rr_layout_name(c->level, c->layout, lay, sizeof(lay)));
	assert_string_equal(lay, s->truth[0].layout);
	for (size_t i = 0; i < s->n; i++) {
		assert_int_equal(c->slot[s->truth[i].role], (int)i);
		assert_int_equal(c->data_offset[s->truth[i].role], s->truth[i].data_offset);
	}
	if (absent_role >= 0)
		assert_int_equal(c->slot[absent_role], RR_CAND_MISSING);
	assert_int_equal(rr_candidate_missing(c), absent_role >= 0 ? 1 : 0);
	assert_true(c->nreasons > 0);
}

static const int shuffled[NM] = { 2, 0, 3, 1 };

static void superblocks(const char *ver)
{
	struct set s;
	struct rr_plan p;

	set_open(&s, ver, shuffled, NM, false);
	plan(&s, &p, 5);
	assert_int_equal(p.ngroups, 1);
	assert_int_equal(p.groups[0].nrows, NM);
	assert_true(p.groups[0].main);
	assert_int_equal(p.groups[0].nconflicts, 0);
	for (size_t i = 0; i < NM; i++)
		assert_int_equal(p.groups[0].rows[i].diff, 0);
	assert_false(p.searched);
	assert_truth(&s, &p.cands[0], -1);
	/* the array's ext4 was found where the proposal puts it */
	{
		bool ext = false;

		for (size_t r = 0; r < p.cands[0].nreasons; r++)
			ext |= strstr(p.cands[0].reasons[r], "ext4") != NULL;
		assert_true(ext);
	}
	rr_plan_free(&p);
	set_close(&s);
}

static void test_sb_090(void **st) { (void)st; superblocks("0.90"); }
static void test_sb_10(void **st) { (void)st; superblocks("1.0"); }
static void test_sb_11(void **st) { (void)st; superblocks("1.1"); }
static void test_sb_12(void **st) { (void)st; superblocks("1.2"); }

/* One member absent: its slot is missing, nothing else moves. */
static void test_sb_member_absent(void **st)
{
	static const int idx[3] = { 3, 0, 2 };
	struct set s;
	struct rr_plan p;

	(void)st;
	set_open(&s, "1.2", idx, 3, false);
	plan(&s, &p, 5);
	assert_truth(&s, &p.cands[0], 1);
	rr_plan_free(&p);
	set_close(&s);
}

/* Two arrays given together: grouped apart, the candidates of each name
 * only its own members. */
static void test_two_arrays(void **st)
{
	static const int idx[NM] = { 0, 1, 2, 3 };
	struct set a, b;
	struct rr_member *all[2 * NM];
	struct rr_plan p;
	struct rr_plan_opts o = { .top = 20 };

	(void)st;
	set_open(&a, "1.2", idx, NM, false);
	set_open(&b, "1.1", idx, NM, false);
	for (size_t i = 0; i < NM; i++) {
		all[2 * i] = a.m[i];
		all[2 * i + 1] = b.m[i];
	}
	assert_int_equal(rr_plan(all, 2 * NM, &o, &p), 0);
	assert_int_equal(p.ngroups, 2);
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(p.groups[k].nrows, NM);
		for (size_t r = 1; r < NM; r++)
			assert_int_equal(p.groups[k].rows[r].member % 2, p.groups[k].rows[0].member % 2);
	}
	assert_true(p.ncands >= 2);
	for (size_t c = 0; c < p.ncands; c++)
		for (unsigned sl = 1; sl < p.cands[c].ndisks; sl++)
			assert_int_equal(p.cands[c].slot[sl] % 2, p.cands[c].slot[0] % 2);
	assert_true(p.nremarks >= 1);
	rr_plan_free(&p);
	set_close(&a);
	set_close(&b);
}

static void zeroed(const char *ver, const int *idx, size_t n, int absent_role)
{
	struct set s;
	struct rr_plan p;

	set_open(&s, ver, idx, n, true);
	plan(&s, &p, 5);
	assert_int_equal(p.ngroups, 0);
	assert_int_equal(p.nloose, n);
	assert_true(p.searched);
	assert_truth(&s, &p.cands[0], absent_role);
	/* strictly better than the runner-up */
	if (p.ncands > 1)
		assert_true(p.cands[0].score > p.cands[1].score);
	/* the search reads at most its budget per member */
	for (size_t i = 0; i < n; i++)
		assert_true(p.stats.bytes_read[i] <= (64u << 20));
	rr_plan_free(&p);
	set_close(&s);
}

static void test_zeroed_090(void **st) { (void)st; zeroed("0.90", shuffled, NM, -1); }
static void test_zeroed_10(void **st) { (void)st; zeroed("1.0", shuffled, NM, -1); }
static void test_zeroed_11(void **st) { (void)st; zeroed("1.1", shuffled, NM, -1); }
static void test_zeroed_12(void **st) { (void)st; zeroed("1.2", shuffled, NM, -1); }

/* Superblocks zeroed and a member dropped -- the one holding the start
 * of the filesystem (role 0), then another one. */
static void test_zeroed_missing_first(void **st)
{
	static const int idx[3] = { 3, 1, 2 };

	(void)st;
	zeroed("1.2", idx, 3, 0);
}

static void test_zeroed_missing_other(void **st)
{
	static const int idx[3] = { 2, 0, 3 };

	(void)st;
	zeroed("0.90", idx, 3, 1);
}

/* Without a reader the plan comes from the superblocks alone and reads
 * nothing; without superblocks either, it says why. */
static void test_no_reader(void **st)
{
	struct set s;
	struct rr_plan p;
	struct rr_plan_opts o = { 0 };

	(void)st;
	set_open(&s, "1.2", shuffled, NM, false);
	assert_int_equal(rr_plan(s.m, s.n, &o, &p), 0);
	assert_truth(&s, &p.cands[0], -1);
	for (size_t i = 0; i < NM; i++)
		assert_int_equal(p.stats.bytes_read[i], 0);
	rr_plan_free(&p);
	set_close(&s);

	set_open(&s, "1.2", shuffled, NM, true);
	assert_int_equal(rr_plan(s.m, s.n, &o, &p), 0);
	assert_int_equal(p.ncands, 0);
	assert_true(p.nremarks >= 1);
	rr_plan_free(&p);
	set_close(&s);
}

static int teardown(void **st)
{
	(void)st;
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sb_090),
		cmocka_unit_test(test_sb_10),
		cmocka_unit_test(test_sb_11),
		cmocka_unit_test(test_sb_12),
		cmocka_unit_test(test_sb_member_absent),
		cmocka_unit_test(test_two_arrays),
		cmocka_unit_test(test_zeroed_090),
		cmocka_unit_test(test_zeroed_10),
		cmocka_unit_test(test_zeroed_11),
		cmocka_unit_test(test_zeroed_12),
		cmocka_unit_test(test_zeroed_missing_first),
		cmocka_unit_test(test_zeroed_missing_other),
		cmocka_unit_test(test_no_reader),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
