/* cow-merge (actions/cowmerge.c) on the kernel-made fixture
 * shared/fixtures/kernel/dm-snapshot-cow: merging cow.img into a copy of
 * origin-after.img must give exactly the snapshot the kernel served
 * (snapshot-view.sha256); undo must give origin-after.img back (its
 * sha256 is origin-view.sha256).  Also: the dry-run plan, the refusals
 * (wrong chunk size, invalid or damaged store, an origin too small, the
 * same file twice), the undo store being a kernel-format COW store, an
 * interrupted merge resumed, and an origin changed after the merge that
 * undo refuses to overwrite. */
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

#include "actions/cowmerge.h"
#include "actions/session.h"
#include "actions/teardown.h"
#include "core/sha256.h"
#include "fixture.h"
#include "probes/cow.h"
#include "probes/devread.h"

#define FX "kernel/dm-snapshot-cow/"

static int ncopy;

static void read_digest(const char *rel, uint8_t out[RR_SHA256_LEN])
{
	char *path = fx_shared(rel), *txt = fx_slurp(path, NULL);

	for (int i = 0; i < RR_SHA256_LEN; i++) {
		unsigned v;

		assert_int_equal(sscanf(txt + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	free(txt);
	free(path);
}

static void file_sha(const char *path, uint8_t out[RR_SHA256_LEN])
{
	size_t len;
	char *d = fx_slurp(path, &len);

	rr_sha256(d, len, out);
	free(d);
}

/* A private copy of a fixture image. */
static char *copy_of(const char *rel)
{
	char *xz = fx_shared(rel), *src = fx_unxz(xz), *dst, *cmd;

	assert_true(asprintf(&dst, "%s/copy%d.img", fx_tmpdir(), ncopy++) > 0);
	assert_true(asprintf(&cmd, "cp --sparse=always '%s' '%s'", src, dst) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(src);
	free(xz);
	return dst;
}

static struct rr_session *new_session(void)
{
	struct rr_session *s;
	char *dir;

	assert_true(asprintf(&dir, "%s/sess%d", fx_tmpdir(), ncopy++) > 0);
	assert_int_equal(rr_session_open(dir, 1, &s), 0);
	free(dir);
	return s;
}

static void poke(const char *path, uint64_t off, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void test_plan(void **state)
{
	char *origin = copy_of(FX "origin-after.img.xz"), *cow = copy_of(FX "cow.img.xz"), msg[512];
	struct rr_cowmerge_plan p;
	uint64_t sum = 0;

	(void)state;
	assert_int_equal(rr_cowmerge_plan(origin, cow, 0, &p, msg, sizeof(msg)), 0);
	/* dmsetup status: 608 sectors used of which 16 metadata (header +
	 * one area), 8-sector chunks: 74 data chunks */
	assert_int_equal(p.chunk_sectors, 8);
	assert_int_equal(p.nchunks, (608 - 16) / 8);
	assert_int_equal(p.bytes, p.nchunks * 4096);
	assert_true(p.nruns >= 1 && p.nruns <= p.nchunks);
	for (size_t i = 0; i < p.nruns; i++) {
		sum += p.runs[i].nchunks;
		/* runs are maximal: the next one does not touch this one */
		if (i + 1 < p.nruns)
			assert_true(p.runs[i].chunk + p.runs[i].nchunks < p.runs[i + 1].chunk);
	}
	assert_int_equal(sum, p.nchunks);
	rr_cowmerge_plan_free(&p);
	/* the chunk size asked for must be the store's */
	assert_int_equal(rr_cowmerge_plan(origin, cow, 16, &p, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "8-sector"));
	assert_int_equal(rr_cowmerge_plan(origin, cow, 8, &p, msg, sizeof(msg)), 0);
	rr_cowmerge_plan_free(&p);
	/* the same file as origin and store */
	assert_int_equal(rr_cowmerge_plan(cow, cow, 0, &p, msg, sizeof(msg)), -EINVAL);
	/* an origin that does not hold every remapped chunk */
	assert_int_equal(truncate(origin, 1 << 20), 0);
	assert_int_equal(rr_cowmerge_plan(origin, cow, 0, &p, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "past the end"));
	/* not a store at all */
	assert_int_equal(rr_cowmerge_plan(cow, origin, 0, &p, msg, sizeof(msg)), -EINVAL);
	free(origin);
	free(cow);
}

static void test_refuse_invalid(void **state)
{
	char *origin = copy_of(FX "origin-after.img.xz"), *cow = copy_of(FX "cow.img.xz"), msg[512];
	struct rr_cowmerge_plan p;
	uint8_t zero[4] = { 0 }, bad[16];

	(void)state;
	/* valid = 0: the kernel invalidated it (overflow) */
	poke(cow, 4, zero, 4);
	assert_int_equal(rr_cowmerge_plan(origin, cow, 0, &p, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "invalid"));
	free(cow);
	/* an exception pointing past the end of the store */
	cow = copy_of(FX "cow.img.xz");
	memset(bad, 0, sizeof(bad));
	bad[0] = 1;
	memset(bad + 8, 0x7f, 7);
	poke(cow, 4096 + 16, bad, 16);
	assert_int_equal(rr_cowmerge_plan(origin, cow, 0, &p, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "damaged"));
	free(origin);
	free(cow);
}

/* The oracles, merged and undone through the journal. */
static void test_merge_and_undo(void **state)
{
	char *origin = copy_of(FX "origin-after.img.xz"), *cow = copy_of(FX "cow.img.xz"), msg[512];
	uint8_t snap[RR_SHA256_LEN], after[RR_SHA256_LEN], h[RR_SHA256_LEN];
	struct rr_session *s = new_session();
	struct rr_cowmerge_plan p;
	struct rr_cow_info *ui;
	struct rr_dev *dev;
	int resumed;
	char *undo;

	(void)state;
	read_digest(FX "snapshot-view.sha256", snap);
	read_digest(FX "origin-view.sha256", after);
	file_sha(origin, h);
	assert_memory_equal(h, after, RR_SHA256_LEN);
	assert_int_equal(rr_cowmerge_plan(origin, cow, 0, &p, msg, sizeof(msg)), 0);
	assert_int_equal(rr_cowmerge(s, &p, NULL, &resumed, msg, sizeof(msg)), 0);
	assert_int_equal(resumed, 0);
	file_sha(origin, h);
	assert_memory_equal(h, snap, RR_SHA256_LEN);
	/* The undo store is a kernel-format store of the same chunks: read
	 * back by the probe, and overlaid on the merged origin it serves
	 * the origin as it was. */
	assert_true(asprintf(&undo, "%s/cowmerge-1.rrundo", s->dir) > 0);
	assert_int_equal(rr_dev_open(undo, &dev), 0);
	assert_int_equal(rr_cow_read(dev, NULL, &ui), RR_PROBE_FOUND);
	assert_int_equal(ui->nmap, p.nchunks);
	assert_int_equal(ui->chunk_size, 8);
	{
		struct rr_dev *od;
		uint8_t *buf = malloc(32u << 20);
		uint8_t d[RR_SHA256_LEN];

		assert_int_equal(rr_dev_open(origin, &od), 0);
		assert_int_equal(rr_cow_read_view(od, dev, ui, buf, 32u << 20, 0), 0);
		rr_sha256(buf, 32u << 20, d);
		assert_memory_equal(d, after, RR_SHA256_LEN);
		rr_dev_close(od);
		free(buf);
	}
	rr_cow_info_free(ui);
	rr_dev_close(dev);
	/* merging again is refused: it is done */
	assert_int_equal(rr_cowmerge(s, &p, NULL, &resumed, msg, sizeof(msg)), -EALREADY);
	/* undo restores origin-after exactly and drops the undo store */
	assert_int_equal(rr_undo(s, 1, 0), 1);
	file_sha(origin, h);
	assert_memory_equal(h, after, RR_SHA256_LEN);
	assert_int_equal(access(undo, F_OK), -1);
	/* and after undo it may be merged again, as a new step */
	assert_int_equal(rr_cowmerge(s, &p, NULL, &resumed, msg, sizeof(msg)), 0);
	file_sha(origin, h);
	assert_memory_equal(h, snap, RR_SHA256_LEN);
	/* an origin written after the merge is not overwritten by undo */
	poke(origin, p.runs[0].chunk * 4096 + 100, "changed", 7);
	assert_true(rr_undo(s, 1, 0) < 0);
	file_sha(origin, h);
	assert_memory_not_equal(h, after, RR_SHA256_LEN);
	rr_cowmerge_plan_free(&p);
	rr_session_close(s);
	free(undo);
	free(origin);
	free(cow);
}

/* A merge cut short after some runs (as a crash leaves it): running it
 * again completes it; undo of a half merge restores. */
static void test_resume(void **state)
{
	char *origin = copy_of(FX "origin-after.img.xz"), *cow = copy_of(FX "cow.img.xz"), msg[512];
	uint8_t snap[RR_SHA256_LEN], after[RR_SHA256_LEN], h[RR_SHA256_LEN];
	struct rr_session *s = new_session();
	struct rr_cowmerge_plan p;
	int resumed;

	(void)state;
	read_digest(FX "snapshot-view.sha256", snap);
	read_digest(FX "origin-view.sha256", after);
	assert_int_equal(rr_cowmerge_plan(origin, cow, 0, &p, msg, sizeof(msg)), 0);
	assert_int_equal(rr_cowmerge(s, &p, NULL, &resumed, msg, sizeof(msg)), 0);
	/* Make it look interrupted: half the chunks back to their old data
	 * (the undo store's), and the journal step back to "intent". */
	assert_int_equal(rr_undo(s, 1, 0), 1);
	{
		json_object *args = json_object_new_object(), *res = json_object_new_array();
		char *undo;
		uint64_t seq;
		int ofd = open(p.origin, O_RDWR), cfd = open(p.cow, O_RDONLY);
		uint8_t buf[4096];

		assert_true(ofd >= 0 && cfd >= 0);
		/* the merge writes the first half of the chunks ... */
		for (uint64_t i = 0; i < p.nchunks / 2; i++) {
			assert_int_equal(pread(cfd, buf, 4096, (off_t)(p.info->map[i].new_chunk * 4096)), 4096);
			assert_int_equal(pwrite(ofd, buf, 4096, (off_t)(p.info->map[i].old_chunk * 4096)), 4096);
		}
		close(ofd);
		close(cfd);
		/* ... after the undo store of step N was committed */
		assert_true(asprintf(&undo, "%s/cowmerge-%" PRIu64 ".rrundo", s->dir, s->next_seq) > 0);
		json_object_object_add(args, "origin", json_object_new_string(p.origin));
		json_object_object_add(args, "cow", json_object_new_string(p.cow));
		json_object_array_add(res, rr_res_cowmerge(p.origin, p.cow, undo));
		assert_int_equal(rr_journal_intent(s, "cow-merge", args, res, &seq), 0);
		{
			/* the undo store made from the original origin: take
			 * it from a merge of another copy */
			char *o2 = copy_of(FX "origin-after.img.xz");
			struct rr_session *s2 = new_session();
			struct rr_cowmerge_plan p2;
			char *u2, *cmd;

			assert_int_equal(rr_cowmerge_plan(o2, cow, 0, &p2, msg, sizeof(msg)), 0);
			assert_int_equal(rr_cowmerge(s2, &p2, NULL, &resumed, msg, sizeof(msg)), 0);
			assert_true(asprintf(&u2, "%s/cowmerge-1.rrundo", s2->dir) > 0);
			assert_true(asprintf(&cmd, "cp '%s' '%s'", u2, undo) > 0);
			assert_int_equal(system(cmd), 0);
			free(cmd);
			free(u2);
			free(o2);
			rr_cowmerge_plan_free(&p2);
			rr_session_close(s2);
		}
		free(undo);
	}
	assert_int_equal(rr_cowmerge(s, &p, NULL, &resumed, msg, sizeof(msg)), 0);
	assert_int_equal(resumed, 1);
	file_sha(origin, h);
	assert_memory_equal(h, snap, RR_SHA256_LEN);
	assert_int_equal(rr_undo(s, 1, 0), 1);
	file_sha(origin, h);
	assert_memory_equal(h, after, RR_SHA256_LEN);
	rr_cowmerge_plan_free(&p);
	rr_session_close(s);
	free(origin);
	free(cow);
}

static int teardown(void **state)
{
	(void)state;
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_refuse_invalid),
		cmocka_unit_test(test_merge_and_undo),
		cmocka_unit_test(test_resume),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
