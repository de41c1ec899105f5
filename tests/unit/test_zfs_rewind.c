/* ZFS rewind (actions/zfs_rewind.c) on copies of real pools inside a
 * session (the test-only file targets: this host has no device-mapper):
 *  - zfs-fuse mirror and raidz pools (tests/fixtures/zfs): after a rewind
 *    to txg N, each label's uberblocks are exactly the ones zdb -lu listed
 *    for that label with txg <= N, the active one is N; undo gives the
 *    image back byte for byte;
 *  - the util-linux image (Solaris, end labels missing);
 *  - rings generated here that have wrapped around (txg modulo the ring);
 *  - refusals: a txg with no uberblock, a file outside the session, an
 *    interrupted rewind undone from its side file. */
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
#include <unistd.h>

#include "actions/session.h"
#include "actions/teardown.h"
#include "actions/zfs_rewind.h"
#include "core/member.h"
#include "core/sha256.h"
#include "fixture.h"
#include "probes/devread.h"
#include "probes/zfs.h"

static int nsess;

static struct rr_session *new_session(void)
{
	struct rr_session *s;
	char *dir;

	assert_true(asprintf(&dir, "%s/sess%d", fx_tmpdir(), nsess++) > 0);
	assert_int_equal(rr_session_open(dir, 1, &s), 0);
	free(dir);
	return s;
}

/* A decompressed copy of an image inside the session directory. */
static char *image_in(struct rr_session *s, const char *xz_abs, const char *name)
{
	char *src = fx_unxz(xz_abs), *dst = rr_session_file(s, name), *cmd;

	assert_true(asprintf(&cmd, "cp --sparse=always '%s' '%s'", src, dst) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(src);
	return dst;
}

static void file_sha(const char *path, uint8_t out[RR_SHA256_LEN])
{
	size_t len;
	char *d = fx_slurp(path, &len);

	rr_sha256(d, len, out);
	free(d);
}

static struct rr_zfs_info *decode(const char *path)
{
	struct rr_member *m = rr_member_new(path);
	struct rr_dev *dev;
	struct rr_zfs_info *zi;

	assert_int_equal(rr_dev_open(path, &dev), 0);
	zi = rr_zfs_read(dev, m);
	rr_dev_close(dev);
	rr_member_free(m);
	assert_non_null(zi);
	return zi;
}

/* zdb -lu: per label, the txgs of the uberblocks it printed. */
struct zdb_labels {
	uint64_t txg[4][256];
	size_t n[4];
};

static void parse_zdb(const char *rel, struct zdb_labels *z)
{
	char *path = fx_local(rel), *txt = fx_slurp(path, NULL), *save = NULL;
	int label = -1, in_ub = 0;

	memset(z, 0, sizeof(*z));
	for (char *line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long v;
		int l;

		if (sscanf(line, "LABEL %d", &l) == 1) {
			label = l;
			in_ub = 0;
		} else if (!strncmp(line, "Uberblock[", 10)) {
			in_ub = 1;
		} else if (in_ub && label >= 0 && label < 4 && sscanf(line, "\ttxg = %llu", &v) == 1) {
			z->txg[label][z->n[label]++] = v;
		}
	}
	free(txt);
	free(path);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The label's uberblock txgs, sorted, equal zdb's with txg <= max. */
static void assert_label_matches(const struct rr_zfs_label *l, const struct zdb_labels *z, int li, uint64_t max)
{
	uint64_t want[256], got[256];
	size_t nw = 0, ng = 0;

	for (size_t i = 0; i < z->n[li]; i++)
		if (z->txg[li][i] <= max)
			want[nw++] = z->txg[li][i];
	for (size_t i = 0; i < l->nubs; i++)
		got[ng++] = l->ubs[i].txg;
	qsort(want, nw, sizeof(*want), cmp_u64);
	qsort(got, ng, sizeof(*got), cmp_u64);
	assert_int_equal(ng, nw);
	for (size_t i = 0; i < nw; i++)
		assert_int_equal(got[i], want[i]);
}

static int undo_all(struct rr_session *s)
{
	return rr_undo(s, 0, 0);
}

/* Rewind the members of one pool, check against zdb, undo, check bytes. */
static void pool_roundtrip(const char *const *names, size_t n, uint64_t txg)
{
	struct rr_session *s = new_session();
	char *paths[8], msg[1024];
	uint8_t before[8][RR_SHA256_LEN], after[RR_SHA256_LEN];
	FILE *out = fopen("/dev/null", "w");

	for (size_t i = 0; i < n; i++) {
		char rel[128], *xz;

		snprintf(rel, sizeof(rel), "zfs/%s.img.xz", names[i]);
		xz = fx_local(rel);
		snprintf(rel, sizeof(rel), "%s.img", names[i]);
		paths[i] = image_in(s, xz, rel);
		free(xz);
		file_sha(paths[i], before[i]);
	}
	assert_int_equal(rr_zfs_rewind(s, txg, paths, n, 1, out, msg, sizeof(msg)), 0);
	for (size_t i = 0; i < n; i++) {
		struct rr_zfs_info *zi = decode(paths[i]);
		struct zdb_labels z;
		char rel[128];

		snprintf(rel, sizeof(rel), "zfs/%s.zdb-lu.txt", names[i]);
		parse_zdb(rel, &z);
		assert_true(zi->have_active);
		assert_int_equal(zi->active.txg, txg);
		for (int l = 0; l < RR_ZFS_LABELS; l++) {
			assert_label_matches(&zi->labels[l], &z, l, txg);
			/* the active uberblock is N in every label */
			assert_true(zi->labels[l].best_ub >= 0);
			assert_int_equal(zi->labels[l].ubs[zi->labels[l].best_ub].txg, txg);
		}
		rr_zfs_info_free(zi);
	}
	/* the step is journaled and undoable */
	assert_int_equal(undo_all(s), 1);
	for (size_t i = 0; i < n; i++) {
		file_sha(paths[i], after);
		assert_memory_equal(after, before[i], RR_SHA256_LEN);
		free(paths[i]);
	}
	fclose(out);
	rr_session_close(s);
}

static void test_mirror(void **state)
{
	static const char *const m[] = { "mi0", "mi1" };

	(void)state;
	pool_roundtrip(m, 2, 7);
	pool_roundtrip(m, 2, 4);
}

static void test_raidz(void **state)
{
	static const char *const m[] = { "rz0", "rz1", "rz2" };

	(void)state;
	pool_roundtrip(m, 3, 11);
	pool_roundtrip(m, 3, 15);
}

static void test_util_linux(void **state)
{
	struct rr_session *s = new_session();
	char *xz = fx_shared("util-linux/zfs.img.xz"), *p = image_in(s, xz, "tank.img"), msg[1024];
	struct rr_zfs_info *zi;
	struct zdb_labels z;
	uint8_t before[RR_SHA256_LEN], after[RR_SHA256_LEN];
	FILE *out = fopen("/dev/null", "w");

	(void)state;
	file_sha(p, before);
	zi = decode(p);
	assert_int_equal(zi->active.txg, 16);	/* zdb: the newest is txg 16 */
	rr_zfs_info_free(zi);
	assert_int_equal(rr_zfs_rewind(s, 9, &p, 1, 1, out, msg, sizeof(msg)), 0);
	parse_zdb("zfs/util-linux-zfs.zdb-lu.txt", &z);
	zi = decode(p);
	assert_int_equal(zi->active.txg, 9);
	for (int l = 0; l < 2; l++) {
		assert_label_matches(&zi->labels[l], &z, l, 9);
		assert_int_equal(zi->labels[l].ubs[zi->labels[l].best_ub].txg, 9);
	}
	rr_zfs_info_free(zi);
	/* a second rewind further back is its own step; undo both */
	assert_int_equal(rr_zfs_rewind(s, 5, &p, 1, 1, out, msg, sizeof(msg)), 0);
	assert_int_equal(undo_all(s), 2);
	file_sha(p, after);
	assert_memory_equal(after, before, RR_SHA256_LEN);
	fclose(out);
	free(xz);
	free(p);
	rr_session_close(s);
}

static void test_refusals(void **state)
{
	struct rr_session *s = new_session();
	char *xz = fx_local("zfs/mi0.img.xz"), *p = image_in(s, xz, "mi0.img"), msg[1024], *outside;
	uint8_t before[RR_SHA256_LEN], after[RR_SHA256_LEN];
	FILE *out = fopen("/dev/null", "w");
	int r;

	(void)state;
	file_sha(p, before);
	/* txg 8 was never written to this pool's rings */
	r = rr_zfs_rewind(s, 8, &p, 1, 1, out, msg, sizeof(msg));
	assert_int_equal(r, -ENOENT);
	assert_non_null(strstr(msg, "txg 8"));
	/* nothing newer than the newest */
	assert_int_equal(rr_zfs_rewind(s, 11, &p, 1, 1, out, msg, sizeof(msg)), -EALREADY);
	file_sha(p, after);
	assert_memory_equal(after, before, RR_SHA256_LEN);
	/* a file outside the session is never written */
	outside = fx_unxz(xz);
	assert_int_equal(rr_zfs_rewind(s, 7, &outside, 1, 1, out, msg, sizeof(msg)), -EPERM);
	/* and a non-test target must be an overlay: a plain file is not */
	assert_int_equal(rr_zfs_rewind(s, 7, &p, 1, 0, out, msg, sizeof(msg)), -EPERM);
	assert_non_null(strstr(msg, "overlay"));
	file_sha(p, after);
	assert_memory_equal(after, before, RR_SHA256_LEN);
	fclose(out);
	free(outside);
	free(xz);
	free(p);
	rr_session_close(s);
}

/* ---- generated rings ---------------------------------------------------- */

#define LABEL (256u << 10)

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Seal a block the way ZFS does (little-endian writer): SHA-256 of the
 * block with the checksum words replaced by { offset, 0, 0, 0 }. */
static void seal(uint8_t *blk, size_t len, uint64_t off)
{
	uint8_t *eck = blk + len - 40, d[RR_SHA256_LEN];

	put64(eck, 0x0210da7ab10c7a11ULL);
	memset(eck + 8, 0, 32);
	put64(eck + 8, off);
	rr_sha256(blk, len, d);
	for (int i = 0; i < 4; i++) {
		uint64_t w = 0;

		for (int k = 0; k < 8; k++)
			w = w << 8 | d[8 * i + k];
		put64(eck + 8 + 8 * i, w);
	}
}

/* A 4 MiB device whose four rings (1 KiB slots) hold txgs first..last,
 * each in slot txg % 128, as ZFS writes them: the ring wraps. */
static char *gen_device(struct rr_session *s, const char *name, uint64_t first, uint64_t last)
{
	uint64_t size = 4u << 20;
	uint8_t *img = calloc(1, size);
	char *path = rr_session_file(s, name);
	int fd;

	for (int l = 0; l < 4; l++) {
		uint64_t lo = (uint64_t)l * LABEL + (l < 2 ? 0 : size - 4 * LABEL);

		for (uint64_t t = first; t <= last; t++) {
			uint64_t off = lo + (128u << 10) + (t % 128) * 1024;
			uint8_t *ub = img + off;

			memset(ub, 0, 1024);
			put64(ub, 0x00bab10cULL);
			put64(ub + 8, 5000);
			put64(ub + 16, t);
			put64(ub + 24, 0x1234);
			put64(ub + 32, 1700000000 + t);
			seal(ub, 1024, off);
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, img, size), (ssize_t)size);
	close(fd);
	free(img);
	return path;
}

static void test_generated_wrapped(void **state)
{
	struct rr_session *s = new_session();
	/* txgs 100..300: the ring holds 173..300, 300 in slot 44 */
	char *a = gen_device(s, "a.img", 100, 300), *b = gen_device(s, "b.img", 150, 300), msg[1024];
	char *both[2] = { a, b };
	uint8_t ha[RR_SHA256_LEN], hb[RR_SHA256_LEN], h[RR_SHA256_LEN];
	FILE *out = fopen("/dev/null", "w");
	struct rr_zfs_info *zi;

	(void)state;
	file_sha(a, ha);
	file_sha(b, hb);
	zi = decode(a);
	assert_int_equal(zi->active.txg, 300);
	assert_int_equal(zi->labels[0].nubs, 128);
	rr_zfs_info_free(zi);
	/* 172 fell out of the ring: refused */
	assert_int_equal(rr_zfs_rewind(s, 172, both, 2, 1, out, msg, sizeof(msg)), -ENOENT);
	assert_int_equal(rr_zfs_rewind(s, 200, both, 2, 1, out, msg, sizeof(msg)), 0);
	for (int d = 0; d < 2; d++) {
		zi = decode(both[d]);
		assert_int_equal(zi->active.txg, 200);
		for (int l = 0; l < 4; l++) {
			assert_int_equal(zi->labels[l].nubs, 200 - 173 + 1);
			assert_int_equal(zi->labels[l].ubs[zi->labels[l].best_ub].txg, 200);
		}
		rr_zfs_info_free(zi);
	}
	assert_int_equal(rr_zfs_rewind_verify(a, NULL, 200, msg, sizeof(msg)), 0);
	assert_int_equal(undo_all(s), 1);
	file_sha(a, h);
	assert_memory_equal(h, ha, RR_SHA256_LEN);
	file_sha(b, h);
	assert_memory_equal(h, hb, RR_SHA256_LEN);
	fclose(out);
	free(a);
	free(b);
	rr_session_close(s);
}

/* A crash after the side file was saved but before every slot was
 * zeroed: undo (from the intent's planned resources) restores. */
static void test_interrupted_undo(void **state)
{
	struct rr_session *s = new_session();
	char *p = gen_device(s, "c.img", 1, 60), msg[1024], *saved;
	struct rr_zfs_rewind_target t;
	uint8_t h0[RR_SHA256_LEN], h[RR_SHA256_LEN];

	(void)state;
	file_sha(p, h0);
	assert_int_equal(rr_zfs_rewind_scan(p, NULL, 30, &t, msg, sizeof(msg)), 0);
	assert_true(t.has_txg);
	assert_int_equal(t.nslots, 4 * 30);
	saved = rr_session_file(s, "c.slots");
	/* only half the slots zeroed, as if killed midway */
	t.nslots /= 2;
	assert_int_equal(rr_zfs_rewind_apply(&t, saved, msg, sizeof(msg)), 0);
	file_sha(p, h);
	assert_memory_not_equal(h, h0, RR_SHA256_LEN);
	assert_int_equal(rr_zfs_rewind_restore(p, NULL, saved, msg, sizeof(msg)), 0);
	file_sha(p, h);
	assert_memory_equal(h, h0, RR_SHA256_LEN);
	/* the side file is gone: a second restore has nothing to do */
	assert_int_equal(rr_zfs_rewind_restore(p, NULL, saved, msg, sizeof(msg)), 1);
	rr_zfs_rewind_target_free(&t);
	free(saved);
	free(p);
	rr_session_close(s);
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
		cmocka_unit_test(test_mirror),
		cmocka_unit_test(test_raidz),
		cmocka_unit_test(test_util_linux),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_generated_wrapped),
		cmocka_unit_test(test_interrupted_undo),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
