/* The userspace COW store writer (actions/cow_store.c) and snapshot
 * (actions/usnap.c), against the kernel and against the decoder:
 *  - the kernel-made store (shared/fixtures/kernel/dm-snapshot-cow) read
 *    through rr_usnap gives exactly the snapshot the kernel served
 *    (snapshot-view.sha256), with the usage dmsetup status printed;
 *  - a store written here decodes with probes/cow.c into the exceptions
 *    written, at the chunks the kernel's allocator would have used
 *    (computed here from the kernel's rule, not from the writer);
 *  - the kernel's store continued here keeps its exceptions;
 *  - crash ordering: killed at each failpoint of a commit, a store never
 *    holds an exception whose data was not written. */
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actions/cow_store.h"
#include "actions/usnap.h"
#include "core/sha256.h"
#include "fixture.h"
#include "probes/cow.h"
#include "probes/devread.h"
#include "probes/probe.h"

#define FX "kernel/dm-snapshot-cow/"
#define CHUNK 4096u		/* 8 sectors */
#define EPA (CHUNK / 16)	/* exceptions per metadata area */

static char *unxz_shared(const char *rel)
{
	char *xz = fx_shared(rel), *p = fx_unxz(xz);

	free(xz);
	return p;
}

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

static char *tmp_path(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", fx_tmpdir(), name) > 0);
	unlink(p);
	return p;
}

static char *copy_of(const char *src, const char *name)
{
	char *dst = tmp_path(name), *cmd;

	assert_true(asprintf(&cmd, "cp '%s' '%s'", src, dst) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return dst;
}

static void usnap_digest(struct rr_usnap *u, uint8_t out[RR_SHA256_LEN])
{
	struct rr_sha256 c;
	uint8_t *buf = malloc(1 << 20);
	uint64_t size = rr_usnap_size(u);

	rr_sha256_init(&c);
	for (uint64_t off = 0; off < size; off += 1 << 20) {
		size_t n = size - off < (1 << 20) ? (size_t)(size - off) : (1 << 20);

		assert_int_equal(rr_usnap_read(u, buf, n, off), 0);
		rr_sha256_update(&c, buf, n);
	}
	rr_sha256_final(&c, out);
	free(buf);
}

/* The kernel's store, read by our userspace snapshot. */
static void test_kernel_store_view(void **state)
{
	char *origin = unxz_shared(FX "origin-after.img.xz"), *cow = unxz_shared(FX "cow.img.xz");
	char *status_path = fx_shared(FX "status.txt"), *status = fx_slurp(status_path, NULL);
	uint8_t want[RR_SHA256_LEN], got[RR_SHA256_LEN];
	uint64_t used, total, meta, s_used, s_total, s_meta;
	struct rr_cow_store *cs;
	struct rr_usnap *u;

	read_digest(FX "snapshot-view.sha256", want);
	assert_int_equal(rr_usnap_open(origin, cow, 0, &u), 0);
	usnap_digest(u, got);
	assert_memory_equal(got, want, RR_SHA256_LEN);
	assert_int_equal(rr_usnap_write(u, "x", 1, 0), -EROFS);
	assert_int_equal(rr_usnap_close(u), 0);

	/* "0 65536 snapshot 608/32768 16" */
	assert_int_equal(sscanf(status, "%*u %*u snapshot %" SCNu64 "/%" SCNu64 " %" SCNu64, &s_used, &s_total, &s_meta), 3);
	assert_int_equal(rr_cow_store_open(cow, 0, &cs), 0);
	rr_cow_store_usage(cs, &used, &total, &meta);
	assert_int_equal(used, s_used);
	assert_int_equal(total, s_total);
	assert_int_equal(meta, s_meta);
	assert_int_equal(rr_cow_store_close(cs), 0);
	free(status);
	free(status_path);
	free(origin);
	free(cow);
}

static void fill(uint8_t *buf, uint64_t tag)
{
	for (unsigned i = 0; i < CHUNK; i += 8)
		memcpy(buf + i, &(uint64_t){ tag * 1000003u + i }, 8);
}

/* The kernel's allocator: data chunks from 2 on, skipping the metadata
 * chunk 1 + (EPA + 1) * a of every area a. */
static uint64_t kernel_nth_chunk(uint64_t nth)
{
	uint64_t c = 2;

	for (uint64_t i = 0; i < nth; i++) {
		c++;
		if (c % (EPA + 1) == 1)
			c++;
	}
	return c;
}

static struct rr_cow_info *decode(const char *path)
{
	struct rr_dev *d;
	struct rr_cow_info *info;

	assert_int_equal(rr_dev_open(path, &d), 0);
	assert_int_equal(rr_cow_read(d, NULL, &info), RR_PROBE_FOUND);
	rr_dev_close(d);
	return info;
}

/* Our store, decoded by the probe: the exceptions, where the kernel
 * would have put them, across three metadata areas. */
/* defer: no flush until close (the undo store of cow-merge); the file
 * must decode the same. */
static void writer_vs_decoder(int defer)
{
	char *path = tmp_path(defer ? "deferred.cow" : "ours.cow");
	const uint64_t n = 2 * EPA + 37;
	struct rr_cow_store *cs;
	struct rr_cow_info *info;
	uint8_t buf[CHUNK], back[CHUNK];
	struct rr_dev *d;

	assert_int_equal(rr_cow_store_create(path, 8, 8u << 20, &cs), 0);
	if (defer)
		rr_cow_store_defer(cs);
	for (uint64_t i = 0; i < n; i++) {
		fill(buf, i);
		/* origin chunks in a scattered order */
		assert_int_equal((i % 3 ? rr_cow_store_add_exception_nosync : rr_cow_store_add_exception)(cs, (i * 7919) % 100000, buf), 0);
	}
	/* a second write to a remapped chunk adds no exception */
	fill(buf, 5);
	assert_int_equal(rr_cow_store_add_exception(cs, (5 * 7919) % 100000, buf), 0);
	assert_int_equal(rr_cow_store_nexceptions(cs), n);
	assert_int_equal(rr_cow_store_close(cs), 0);

	info = decode(path);
	assert_int_equal(info->valid, 1);
	assert_int_equal(info->chunk_size, 8);
	assert_int_equal(info->nexceptions, n);
	assert_int_equal(info->nmap, n);
	assert_int_equal(info->areas, 3);
	assert_int_equal(info->bad_new, 0);
	assert_int_equal(info->duplicates, 0);
	assert_int_equal(info->next_free, kernel_nth_chunk(n));
	assert_int_equal(info->used_sectors, kernel_nth_chunk(n) * 8);
	assert_int_equal(info->metadata_sectors, (3 + 1) * 8);
	assert_int_equal(rr_dev_open(path, &d), 0);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t nc;

		assert_int_equal(rr_cow_lookup(info, (i * 7919) % 100000, &nc), 1);
		assert_int_equal(nc, kernel_nth_chunk(i));
		assert_int_equal(rr_dev_pread(d, back, CHUNK, nc * CHUNK), 0);
		fill(buf, i);
		assert_memory_equal(back, buf, CHUNK);
	}
	rr_dev_close(d);
	rr_cow_info_free(info);
	free(path);
}

static void test_writer_vs_decoder(void **state)
{
	(void)state;
	writer_vs_decoder(0);
}

static void test_writer_deferred(void **state)
{
	(void)state;
	writer_vs_decoder(1);
}

/* A store too small: the kernel's room check, nothing changed. */
static void test_full(void **state)
{
	char *path = tmp_path("small.cow");
	struct rr_cow_store *cs;
	struct rr_cow_info *info;
	uint8_t buf[CHUNK];

	fill(buf, 1);
	assert_int_equal(rr_cow_store_create(path, 8, 4 * CHUNK, &cs), 0);
	assert_int_equal(rr_cow_store_add_exception(cs, 10, buf), 0);
	assert_int_equal(rr_cow_store_add_exception(cs, 11, buf), 0);
	assert_int_equal(rr_cow_store_add_exception(cs, 12, buf), -ENOSPC);
	assert_int_equal(rr_cow_store_close(cs), 0);
	info = decode(path);
	assert_int_equal(info->nexceptions, 2);
	rr_cow_info_free(info);
	free(path);
}

/* The kernel's store, continued here, then read by the decoder. */
static void test_continue_kernel_store(void **state)
{
	char *src = unxz_shared(FX "cow.img.xz"), *path = copy_of(src, "kcont.cow");
	struct rr_cow_info *before = decode(path), *after;
	struct rr_cow_store *cs;
	uint8_t buf[CHUNK];
	uint64_t nc, fresh = 1u << 30;

	assert_int_equal(rr_cow_store_open(path, 1, &cs), 0);
	fill(buf, 42);
	assert_int_equal(rr_cow_store_add_exception(cs, fresh, buf), 0);
	assert_int_equal(rr_cow_store_close(cs), 0);
	after = decode(path);
	assert_int_equal(after->nexceptions, before->nexceptions + 1);
	for (uint64_t i = 0; i < before->nmap; i++) {
		assert_int_equal(rr_cow_lookup(after, before->map[i].old_chunk, &nc), 1);
		assert_int_equal(nc, before->map[i].new_chunk);
	}
	assert_int_equal(rr_cow_lookup(after, fresh, &nc), 1);
	assert_int_equal(nc, before->next_free);
	rr_cow_info_free(before);
	rr_cow_info_free(after);
	free(src);
	free(path);
}

/* Killed at each point of a commit (core/failpoint.h). */
static void crash_at(const char *failpoint, int expect_present)
{
	char *path = tmp_path("crash.cow");
	struct rr_cow_store *cs;
	struct rr_cow_info *info;
	uint8_t buf[CHUNK], back[CHUNK];
	uint64_t nc;
	struct rr_dev *d;
	pid_t pid;
	int st;

	assert_int_equal(rr_cow_store_create(path, 8, 1u << 20, &cs), 0);
	fill(buf, 1);
	assert_int_equal(rr_cow_store_add_exception(cs, 100, buf), 0);
	assert_int_equal(rr_cow_store_close(cs), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("RAIDRESCUE_FAILPOINT", failpoint, 1);
		if (rr_cow_store_open(path, 1, &cs) < 0)
			_exit(3);
		fill(buf, 2);
		rr_cow_store_add_exception(cs, 200, buf);
		_exit(4);	/* not reached: the failpoint kills */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	info = decode(path);
	assert_int_equal(rr_cow_lookup(info, 100, &nc), 1);
	assert_int_equal(rr_cow_lookup(info, 200, &nc), expect_present);
	if (expect_present) {
		assert_int_equal(rr_dev_open(path, &d), 0);
		assert_int_equal(rr_dev_pread(d, back, CHUNK, nc * CHUNK), 0);
		fill(buf, 2);
		assert_memory_equal(back, buf, CHUNK);
		rr_dev_close(d);
	}
	rr_cow_info_free(info);
	free(path);
}

static void test_crash_ordering(void **state)
{
	crash_at("cow-store.data-written", 0);
	crash_at("cow-store.data-synced", 0);
	crash_at("cow-store.area-synced", 1);
}

/* Copy-on-write through rr_usnap: the origin never changes, a partial
 * chunk write keeps the rest of the origin's chunk, reopening keeps it. */
static void test_usnap_cow(void **state)
{
	char *origin = tmp_path("origin.img"), *cow = tmp_path("usnap.cow");
	uint8_t *img = malloc(1 << 20), *view = malloc(1 << 20), sum0[32], sum1[32];
	struct rr_cow_store *cs;
	struct rr_usnap *u;
	FILE *f;

	for (unsigned i = 0; i < (1u << 20); i++)
		img[i] = (uint8_t)(i * 31 + 7);
	/* an origin that does not end on a chunk boundary */
	f = fopen(origin, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, (1 << 20) - 1000, f), (1 << 20) - 1000);
	fclose(f);
	rr_sha256(img, (1 << 20) - 1000, sum0);
	assert_int_equal(rr_cow_store_create(cow, 8, 1u << 20, &cs), 0);
	rr_cow_store_close(cs);
	assert_int_equal(rr_usnap_open(origin, cow, 1, &u), 0);
	assert_int_equal(rr_usnap_write(u, "hello", 5, 5000), 0);
	assert_int_equal(rr_usnap_write(u, "tail!", 5, (1 << 20) - 1005), 0);
	assert_int_equal(rr_usnap_write(u, "x", 1, (1 << 20) - 1000), -ERANGE);
	assert_int_equal(rr_usnap_close(u), 0);

	memcpy(img + 5000, "hello", 5);
	memcpy(img + (1 << 20) - 1005, "tail!", 5);
	assert_int_equal(rr_usnap_open(origin, cow, 0, &u), 0);
	assert_int_equal(rr_usnap_read(u, view, (1 << 20) - 1000, 0), 0);
	assert_memory_equal(view, img, (1 << 20) - 1000);
	rr_usnap_close(u);
	free(view);
	view = (uint8_t *)fx_slurp(origin, NULL);
	rr_sha256(view, (1 << 20) - 1000, sum1);
	assert_memory_equal(sum0, sum1, 32);
	free(view);
	free(img);
	free(origin);
	free(cow);
}

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_store_view),
		cmocka_unit_test(test_writer_vs_decoder),
		cmocka_unit_test(test_writer_deferred),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_continue_kernel_store),
		cmocka_unit_test(test_crash_ordering),
		cmocka_unit_test(test_usnap_cow),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
