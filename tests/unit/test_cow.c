/* dm-snapshot persistent COW store, against the kernel-made fixture
 * (shared/fixtures/kernel/dm-snapshot-cow): the exception map overlaid on
 * the origin must give exactly the snapshot the kernel served
 * (snapshot-view.sha256), and the usage numbers must be the ones
 * `dmsetup status` printed (status.txt). */
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

#include "core/member.h"
#include "core/sha256.h"
#include "fixture.h"
#include "probes/cow.h"
#include "probes/devread.h"
#include "probes/endian.h"

#define FX "kernel/dm-snapshot-cow/"

static char *unxz_shared(const char *rel)
{
	char *xz = fx_shared(rel), *p = fx_unxz(xz);

	free(xz);
	return p;
}

/* The first word of a .sha256 file, as 32 bytes. */
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

/* A private copy of the COW image, to damage. */
static char *cow_copy(const char *name)
{
	char *src = unxz_shared(FX "cow.img.xz"), *dst, *cmd;

	assert_true(asprintf(&dst, "%s/%s", fx_tmpdir(), name) > 0);
	assert_true(asprintf(&cmd, "cp '%s' '%s'", src, dst) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(src);
	return dst;
}

static void poke(const char *path, uint64_t off, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void poke_le32(const char *path, uint64_t off, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	poke(path, off, b, 4);
}

static int read_cow(const char *path, struct rr_member **mp, struct rr_cow_info **info)
{
	struct rr_dev *d;
	int r;

	*mp = rr_member_new(path);
	assert_int_equal(rr_dev_open(path, &d), 0);
	r = rr_cow_read(d, *mp, info);
	rr_dev_close(d);
	return r;
}

static int has_error(const struct rr_member *m, const char *needle)
{
	for (size_t i = 0; i < m->nerrors; i++)
		if (strstr(m->errors[i], needle))
			return 1;
	return 0;
}

static void test_status_matches_dmsetup(void **state)
{
	char *cow = unxz_shared(FX "cow.img.xz"), *st = fx_shared(FX "status.txt");
	char *txt = fx_slurp(st, NULL);
	uint64_t start, len, used, total, meta;
	struct rr_member *m;
	struct rr_cow_info *info;

	/* "0 65536 snapshot 608/32768 16" */
	assert_int_equal(sscanf(txt, "%" SCNu64 " %" SCNu64 " snapshot %" SCNu64 "/%" SCNu64 " %" SCNu64,
				&start, &len, &used, &total, &meta), 5);
	assert_int_equal(read_cow(cow, &m, &info), RR_PROBE_FOUND);
	assert_int_equal(info->used_sectors, used);
	assert_int_equal(info->total_sectors, total);
	assert_int_equal(info->metadata_sectors, meta);
	/* README: "snapshot ... P 8" (4 KiB chunks), version 1, valid */
	assert_int_equal(info->chunk_size, 8);
	assert_int_equal(info->version, 1);
	assert_int_equal(info->valid, 1);
	assert_int_equal(m->nerrors, 0);
	/* the map is sorted and searchable */
	for (uint64_t i = 1; i < info->nmap; i++)
		assert_true(info->map[i - 1].old_chunk < info->map[i].old_chunk);
	for (uint64_t i = 0; i < info->nmap; i++) {
		uint64_t nc;

		assert_true(rr_cow_lookup(info, info->map[i].old_chunk, &nc));
		assert_int_equal(nc, info->map[i].new_chunk);
	}
	rr_cow_info_free(info);
	rr_member_free(m);
	free(txt);
	free(st);
	free(cow);
}

static void hash_view(struct rr_dev *origin, struct rr_dev *cow, const struct rr_cow_info *info,
		      uint8_t out[RR_SHA256_LEN])
{
	struct rr_sha256 c;
	uint64_t size = rr_dev_size(origin);
	size_t piece = 1u << 20;
	uint8_t *buf = malloc(piece);

	assert_non_null(buf);
	rr_sha256_init(&c);
	/* odd-sized pieces too, so chunk-straddling reads are exercised */
	for (uint64_t off = 0; off < size;) {
		size_t n = size - off < piece ? (size_t)(size - off) : piece - 1536;

		assert_int_equal(rr_cow_read_view(origin, cow, info, buf, n, off), 0);
		rr_sha256_update(&c, buf, n);
		off += n;
	}
	rr_sha256_final(&c, out);
	free(buf);
}

static void test_view_matches_kernel(void **state)
{
	char *cowp = unxz_shared(FX "cow.img.xz"), *orgp = unxz_shared(FX "origin-after.img.xz");
	uint8_t want_snap[RR_SHA256_LEN], want_origin[RR_SHA256_LEN], got[RR_SHA256_LEN];
	struct rr_dev *cow, *org;
	struct rr_member *m;
	struct rr_cow_info *info, empty = { 0 };
	uint8_t b;

	read_digest(FX "snapshot-view.sha256", want_snap);
	read_digest(FX "origin-view.sha256", want_origin);
	assert_int_equal(read_cow(cowp, &m, &info), RR_PROBE_FOUND);
	assert_int_equal(rr_dev_open(cowp, &cow), 0);
	assert_int_equal(rr_dev_open(orgp, &org), 0);
	hash_view(org, cow, info, got);
	assert_memory_equal(got, want_snap, RR_SHA256_LEN);
	/* without the exceptions the view is the origin, which is not the
	 * snapshot: the map is what makes the difference */
	empty.chunk_size = info->chunk_size;
	hash_view(org, cow, &empty, got);
	assert_memory_equal(got, want_origin, RR_SHA256_LEN);
	assert_memory_not_equal(got, want_snap, RR_SHA256_LEN);
	assert_int_equal(rr_cow_read_view(org, cow, info, &b, 1, rr_dev_size(org)), -ERANGE);
	rr_dev_close(org);
	rr_dev_close(cow);
	rr_cow_info_free(info);
	rr_member_free(m);
	free(cowp);
	free(orgp);
}

static void test_not_a_cow(void **state)
{
	char *p = cow_copy("zero-magic.img");
	struct rr_member *m;
	struct rr_cow_info *info;

	poke_le32(p, 0, 0);
	assert_int_equal(read_cow(p, &m, &info), RR_PROBE_NONE);
	assert_null(info);
	assert_int_equal(m->nerrors, 0);
	rr_member_free(m);
	free(p);
}

static void test_bad_header(void **state)
{
	char *p = cow_copy("bad-version.img");
	struct rr_member *m;
	struct rr_cow_info *info;

	poke_le32(p, 8, 2);
	assert_int_equal(read_cow(p, &m, &info), -EINVAL);
	assert_true(has_error(m, "version 2"));
	rr_member_free(m);
	free(p);

	p = cow_copy("bad-chunk.img");
	poke_le32(p, 12, 12);
	assert_int_equal(read_cow(p, &m, &info), -EINVAL);
	assert_true(has_error(m, "chunk size 12"));
	rr_member_free(m);
	free(p);

	p = cow_copy("huge-chunk.img");
	poke_le32(p, 12, 1u << 31);
	assert_int_equal(read_cow(p, &m, &info), -EINVAL);
	rr_member_free(m);
	free(p);
}

static void test_invalidated(void **state)
{
	char *p = cow_copy("invalid.img");
	struct rr_member *m;
	struct rr_cow_info *info;

	poke_le32(p, 4, 0);
	assert_int_equal(read_cow(p, &m, &info), RR_PROBE_FOUND);
	assert_int_equal(info->valid, 0);
	assert_true(has_error(m, "invalid"));
	rr_cow_info_free(info);
	rr_member_free(m);
	free(p);
}

static void test_truncated(void **state)
{
	char *p = cow_copy("short.img");
	struct rr_member *m;
	struct rr_cow_info *info;

	/* header only */
	assert_int_equal(truncate(p, 4096), 0);
	assert_int_equal(read_cow(p, &m, &info), -EINVAL);
	assert_true(has_error(m, "smaller than"));
	rr_member_free(m);
	free(p);
	/* header + area 0: every exception points past the end */
	p = cow_copy("short2.img");
	assert_int_equal(truncate(p, 8192), 0);
	assert_int_equal(read_cow(p, &m, &info), RR_PROBE_FOUND);
	assert_int_equal(info->nexceptions, 74);
	assert_int_equal(info->nmap, 0);
	assert_int_equal(info->bad_new, 74);
	assert_true(has_error(m, "outside the data chunks"));
	rr_cow_info_free(info);
	rr_member_free(m);
	free(p);
}

/* Area 0 without its end marker (all 256 slots used): the walk goes on to
 * area 1 at chunk 258, past the end of a 1 MiB copy. */
static void test_full_area_past_end(void **state)
{
	char *p = cow_copy("full.img");
	struct rr_member *m;
	struct rr_cow_info *info;
	uint8_t e[16];

	for (unsigned i = 74; i < 256; i++) {
		uint64_t old = 100000 + i, nw = 2 + i;

		for (int k = 0; k < 8; k++) {
			e[k] = (uint8_t)(old >> 8 * k);
			e[8 + k] = (uint8_t)(nw >> 8 * k);
		}
		poke(p, 4096 + 16 * i, e, sizeof(e));
	}
	assert_int_equal(truncate(p, 1 << 20), 0);
	assert_int_equal(read_cow(p, &m, &info), RR_PROBE_FOUND);
	assert_true(info->truncated);
	assert_int_equal(info->nexceptions, 256);
	assert_true(has_error(m, "past the end of the device"));
	rr_cow_info_free(info);
	rr_member_free(m);
	free(p);
}

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_matches_dmsetup),
		cmocka_unit_test(test_view_matches_kernel),
		cmocka_unit_test(test_not_a_cow),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_invalidated),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_full_area_past_end),
	};

	return cmocka_run_group_tests_name("cow", tests, NULL, teardown);
}
