/* ZFS labels, uberblocks and the XDR nvlist decoder.
 * Oracles: util-linux's zfs.img with libblkid's zfs.expected, and pools
 * written by a real ZFS (tests/fixtures/zfs, zfs-fuse) with zdb -lu's
 * output recorded beside them.  Damage (wiped, stale, moved, byte-swapped
 * labels and uberblocks) is applied to copies of those images at test
 * time, resealed following the on-disk format (not zfs.c's code). */
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

#include "core/sha256.h"
#include "fixture.h"
#include "probes/endian.h"
#include "probes/probe.h"
#include "probes/zfs.h"

#define KiB 1024u
#define LABEL (256 * KiB)

/* ---- zdb -lu output ---------------------------------------------------- */

struct zdb_ub {
	unsigned slot;
	uint64_t magic, version, txg, guid_sum, timestamp;
};

struct zdb_label {
	int present, failed;
	char *key[256], *val[256];
	size_t nkv;
	struct zdb_ub ubs[RR_ZFS_UB_MAX];
	size_t nubs;
};

static void zdb_parse(const char *rel, struct zdb_label lab[RR_ZFS_LABELS])
{
	char *path = fx_local(rel), *text = fx_slurp(path, NULL), *save = NULL;
	char prefix[16][256] = { "" };
	struct zdb_label *cur = NULL;
	struct zdb_ub *ub = NULL;

	memset(lab, 0, RR_ZFS_LABELS * sizeof(*lab));
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned n, ind = 0;
		char k[64], v[256];

		if (sscanf(line, "LABEL %u", &n) == 1 && n < RR_ZFS_LABELS) {
			cur = &lab[n];
			cur->present = 1;
			ub = NULL;
		} else if (cur && !strncmp(line, "failed to unpack", 16)) {
			cur->failed = 1;
		} else if (cur && sscanf(line, "Uberblock[%u]", &n) == 1) {
			assert_true(cur->nubs < RR_ZFS_UB_MAX);
			ub = &cur->ubs[cur->nubs++];
			ub->slot = n;
		} else if (ub && line[0] == '\t') {
			sscanf(line, "\tmagic = %" SCNx64, &ub->magic);
			sscanf(line, "\tversion = %" SCNu64, &ub->version);
			sscanf(line, "\ttxg = %" SCNu64, &ub->txg);
			sscanf(line, "\tguid_sum = %" SCNu64, &ub->guid_sum);
			sscanf(line, "\ttimestamp = %" SCNu64, &ub->timestamp);
		} else if (cur && line[0] == ' ') {
			while (line[ind] == ' ')
				ind++;
			assert_true(ind / 4 < 15);
			if (sscanf(line + ind, "%63[^:]: %255[^\n]", k, v) == 2) {
				size_t l = strlen(v);

				if (l >= 2 && v[0] == '\'' && v[l - 1] == '\'') {
					v[l - 1] = '\0';
					memmove(v, v + 1, l - 1);
				}
				assert_true(cur->nkv < 256);
				assert_true(asprintf(&cur->key[cur->nkv], "%s%s", prefix[ind / 4], k) > 0);
				cur->val[cur->nkv++] = strdup(v);
			} else if (sscanf(line + ind, "%63[^:]:", k) == 1) {
				char tmp[sizeof(prefix[0])];

				snprintf(tmp, sizeof(tmp), "%s%s.", prefix[ind / 4], k);
				memcpy(prefix[ind / 4 + 1], tmp, sizeof(tmp));
			}
		}
	}
	free(text);
	free(path);
}

static void zdb_free(struct zdb_label lab[RR_ZFS_LABELS])
{
	for (int i = 0; i < RR_ZFS_LABELS; i++)
		for (size_t j = 0; j < lab[i].nkv; j++) {
			free(lab[i].key[j]);
			free(lab[i].val[j]);
		}
}

static const char *zdb_get(const struct zdb_label *l, const char *key)
{
	for (size_t i = 0; i < l->nkv; i++)
		if (!strcmp(l->key[i], key))
			return l->val[i];
	return NULL;
}

/* ---- our decoded config, flattened the way zdb prints it --------------- */

struct flat {
	char *key[256], *val[256];
	size_t n;
};

static void fadd(struct flat *f, const char *prefix, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fadd(struct flat *f, const char *prefix, const char *key, const char *fmt, ...)
{
	va_list ap;

	assert_true(f->n < 256);
	assert_true(asprintf(&f->key[f->n], "%s%s", prefix, key) > 0);
	va_start(ap, fmt);
	assert_true(vasprintf(&f->val[f->n], fmt, ap) > 0);
	va_end(ap);
	f->n++;
}

static void flat_vdev(struct flat *f, const char *prefix, const struct rr_zfs_vdev *v)
{
	static const struct { const char *name; unsigned bit; size_t off; } u[] = {
		{ "id", RR_ZFS_HAVE_ID, offsetof(struct rr_zfs_vdev, id) },
		{ "guid", RR_ZFS_HAVE_GUID, offsetof(struct rr_zfs_vdev, guid) },
		{ "ashift", RR_ZFS_HAVE_ASHIFT, offsetof(struct rr_zfs_vdev, ashift) },
		{ "asize", RR_ZFS_HAVE_ASIZE, offsetof(struct rr_zfs_vdev, asize) },
		{ "nparity", RR_ZFS_HAVE_NPARITY, offsetof(struct rr_zfs_vdev, nparity) },
		{ "create_txg", RR_ZFS_HAVE_CREATE_TXG, offsetof(struct rr_zfs_vdev, create_txg) },
		{ "whole_disk", RR_ZFS_HAVE_WHOLE_DISK, offsetof(struct rr_zfs_vdev, whole_disk) },
		{ "is_log", RR_ZFS_HAVE_IS_LOG, offsetof(struct rr_zfs_vdev, is_log) },
		{ "metaslab_array", RR_ZFS_HAVE_METASLAB_ARRAY, offsetof(struct rr_zfs_vdev, metaslab_array) },
		{ "metaslab_shift", RR_ZFS_HAVE_METASLAB_SHIFT, offsetof(struct rr_zfs_vdev, metaslab_shift) },
	};
	char sub[256];

	if (v->type)
		fadd(f, prefix, "type", "%s", v->type);
	if (v->path)
		fadd(f, prefix, "path", "%s", v->path);
	if (v->devid)
		fadd(f, prefix, "devid", "%s", v->devid);
	if (v->phys_path)
		fadd(f, prefix, "phys_path", "%s", v->phys_path);
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (v->have & u[i].bit)
			fadd(f, prefix, u[i].name, "%" PRIu64, *(const uint64_t *)((const char *)v + u[i].off));
	for (size_t i = 0; i < v->nchildren; i++) {
		snprintf(sub, sizeof(sub), "%schildren[%zu].", prefix, i);
		flat_vdev(f, sub, &v->children[i]);
	}
}

static void flat_config(struct flat *f, const struct rr_zfs_config *c)
{
	memset(f, 0, sizeof(*f));
	if (c->name)
		fadd(f, "", "name", "%s", c->name);
	if (c->hostname)
		fadd(f, "", "hostname", "%s", c->hostname);
	if (c->have & RR_ZFS_CFG_VERSION)
		fadd(f, "", "version", "%" PRIu64, c->version);
	if (c->have & RR_ZFS_CFG_STATE)
		fadd(f, "", "state", "%" PRIu64, c->state);
	if (c->have & RR_ZFS_CFG_TXG)
		fadd(f, "", "txg", "%" PRIu64, c->txg);
	if (c->have & RR_ZFS_CFG_POOL_GUID)
		fadd(f, "", "pool_guid", "%" PRIu64, c->pool_guid);
	if (c->have & RR_ZFS_CFG_GUID)
		fadd(f, "", "guid", "%" PRIu64, c->guid);
	if (c->have & RR_ZFS_CFG_TOP_GUID)
		fadd(f, "", "top_guid", "%" PRIu64, c->top_guid);
	if (c->have & RR_ZFS_CFG_HOSTID)
		fadd(f, "", "hostid", "%" PRIu64, c->hostid);
	if (c->have & RR_ZFS_CFG_VDEV_CHILDREN)
		fadd(f, "", "vdev_children", "%" PRIu64, c->vdev_children);
	if (c->have & RR_ZFS_CFG_VDEV_TREE)
		flat_vdev(f, "vdev_tree.", &c->vdev_tree);
}

static void flat_free(struct flat *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->key[i]);
		free(f->val[i]);
	}
}

/* Fields zfs.c decodes: zdb's lines for these must all be matched. */
static int decoded_field(const char *key)
{
	static const char *const names[] = {
		"name", "hostname", "version", "state", "txg", "pool_guid", "guid", "top_guid",
		"hostid", "vdev_children", "type", "path", "devid", "phys_path", "id", "ashift",
		"asize", "nparity", "create_txg", "whole_disk", "is_log", "metaslab_array",
		"metaslab_shift",
	};
	const char *last = strrchr(key, '.');

	last = last ? last + 1 : key;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(last, names[i]))
			return 1;
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static struct rr_zfs_info *read_info(const char *path, struct rr_member **mp)
{
	struct rr_member *m = rr_member_new(path);
	struct rr_dev *dev;
	struct rr_zfs_info *zi;

	assert_int_equal(rr_dev_open(path, &dev), 0);
	zi = rr_zfs_read(dev, m);
	rr_dev_close(dev);
	*mp = m;
	return zi;
}

static char *copy_of(const char *rel_xz, const char *name)
{
	char *xz = fx_local(rel_xz), *src = fx_unxz(xz), *dst, *cmd;

	assert_true(asprintf(&dst, "%s/%s", fx_tmpdir(), name) > 0);
	assert_true(asprintf(&cmd, "cp --sparse=always '%s' '%s'", src, dst) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(src);
	free(xz);
	return dst;
}

static void rw(const char *path, uint64_t off, void *buf, size_t len, int write_it)
{
	int fd = open(path, write_it ? O_RDWR : O_RDONLY);

	assert_true(fd >= 0);
	if (write_it)
		assert_int_equal(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
	else
		assert_int_equal(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static uint64_t file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return (uint64_t)n;
}

static void put64(uint8_t *p, uint64_t v, int big)
{
	for (int i = 0; i < 8; i++)
		p[big ? 7 - i : i] = (uint8_t)(v >> (8 * i));
}

/* Seal a block the way ZFS does for label blocks: zio_eck_t in the last
 * 40 bytes (magic, then the SHA-256 of the block computed while the
 * checksum field holds {offset, 0, 0, 0}), all in the writer's order. */
static void reseal(uint8_t *blk, size_t len, uint64_t off, int big)
{
	uint8_t *eck = blk + len - 40, d[RR_SHA256_LEN];

	put64(eck, 0x0210da7ab10c7a11ULL, big);
	memset(eck + 8, 0, 32);
	put64(eck + 8, off, big);
	rr_sha256(blk, len, d);
	for (int i = 0; i < 4; i++)
		put64(eck + 8 + 8 * i, rr_be64(d + 8 * i), big);
}

static void bswap_words(uint8_t *p, size_t n)
{
	for (size_t w = 0; w < n; w++)
		for (int i = 0; i < 4; i++) {
			uint8_t t = p[8 * w + i];

			p[8 * w + i] = p[8 * w + 7 - i];
			p[8 * w + 7 - i] = t;
		}
}

static uint64_t label_off(uint64_t size, int l)
{
	uint64_t psize = size & ~(uint64_t)(LABEL - 1);

	return (uint64_t)l * LABEL + (l < 2 ? 0 : psize - 4 * (uint64_t)LABEL);
}

static int has_error(const struct rr_member *m, const char *needle)
{
	for (size_t i = 0; i < m->nerrors; i++)
		if (strstr(m->errors[i], needle))
			return 1;
	return 0;
}

static char *expected_value(const char *name, const char *key)
{
	char *path = fx_shared(name), *text = fx_slurp(path, NULL), *p, *r = NULL;
	size_t kl = strlen(key);

	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			r = strndup(p + kl + 1, strcspn(p + kl + 1, "\n"));
			break;
		}
	free(text);
	free(path);
	assert_non_null(r);
	return r;
}

/* Every label and uberblock we decode must match zdb, field by field. */
static void check_against_zdb(const struct rr_zfs_info *zi, const char *zdb_rel)
{
	struct zdb_label z[RR_ZFS_LABELS];

	zdb_parse(zdb_rel, z);
	for (int i = 0; i < RR_ZFS_LABELS; i++) {
		const struct rr_zfs_label *l = &zi->labels[i];
		struct flat f;
		size_t nz = 0;

		assert_true(z[i].present);
		if (z[i].failed) {
			assert_int_not_equal(l->state, RR_ZFS_LABEL_VALID);
		} else {
			assert_int_equal(l->state, RR_ZFS_LABEL_VALID);
			flat_config(&f, &l->config);
			for (size_t k = 0; k < f.n; k++) {
				const char *want = zdb_get(&z[i], f.key[k]);

				if (!want)
					fail_msg("label %d: %s=%s not printed by zdb", i, f.key[k], f.val[k]);
				if (strcmp(want, f.val[k]))
					fail_msg("label %d: %s: zdb %s, decoded %s", i, f.key[k], want, f.val[k]);
			}
			for (size_t k = 0; k < z[i].nkv; k++)
				nz += decoded_field(z[i].key[k]);
			assert_int_equal(nz, f.n);
			flat_free(&f);
		}
		/* zdb lists every slot whose magic matches, as we do */
		assert_int_equal(l->nubs, z[i].nubs);
		for (size_t u = 0; u < l->nubs; u++) {
			assert_int_equal(l->ubs[u].slot, z[i].ubs[u].slot);
			assert_int_equal(z[i].ubs[u].magic, RR_ZFS_UB_MAGIC);
			assert_int_equal(l->ubs[u].version, z[i].ubs[u].version);
			assert_int_equal(l->ubs[u].txg, z[i].ubs[u].txg);
			assert_int_equal(l->ubs[u].guid_sum, z[i].ubs[u].guid_sum);
			assert_int_equal(l->ubs[u].timestamp, z[i].ubs[u].timestamp);
			/* a healthy pool: every uberblock verifies */
			assert_int_equal(l->ubs[u].cksum, RR_ZFS_CKSUM_OK);
		}
	}
	zdb_free(z);
}

/* The newest (txg, timestamp) uberblock zdb printed for any label. */
static struct zdb_ub zdb_newest(const char *zdb_rel)
{
	struct zdb_label z[RR_ZFS_LABELS];
	struct zdb_ub best = { 0 };

	zdb_parse(zdb_rel, z);
	for (int i = 0; i < RR_ZFS_LABELS; i++)
		for (size_t u = 0; u < z[i].nubs; u++)
			if (z[i].ubs[u].txg > best.txg ||
			    (z[i].ubs[u].txg == best.txg && z[i].ubs[u].timestamp > best.timestamp))
				best = z[i].ubs[u];
	zdb_free(z);
	return best;
}

/* ---- tests ------------------------------------------------------------- */

static void test_util_linux_image(void **state)
{
	char *xz = fx_shared("util-linux/zfs.img.xz"), *img = fx_unxz(xz);
	char *label = expected_value("util-linux/zfs.expected", "ID_FS_LABEL");
	char *uuid = expected_value("util-linux/zfs.expected", "ID_FS_UUID");
	char *sub = expected_value("util-linux/zfs.expected", "ID_FS_UUID_SUB");
	char *ver = expected_value("util-linux/zfs.expected", "ID_FS_VERSION");
	char *endian = expected_value("util-linux/zfs.expected", "ID_FS_ENDIANNESS");
	char buf[32];
	struct rr_member *m;
	struct rr_zfs_info *zi = read_info(img, &m);

	assert_non_null(zi);
	assert_non_null(zi->config);
	/* libblkid: LABEL is the pool name, UUID the pool guid and
	 * UUID_SUB the vdev guid, both in decimal; VERSION the SPA version */
	assert_string_equal(zi->config->name, label);
	snprintf(buf, sizeof(buf), "%" PRIu64, zi->config->pool_guid);
	assert_string_equal(buf, uuid);
	snprintf(buf, sizeof(buf), "%" PRIu64, zi->config->guid);
	assert_string_equal(buf, sub);
	snprintf(buf, sizeof(buf), "%" PRIu64, zi->config->version);
	assert_string_equal(buf, ver);
	assert_string_equal(endian, "LITTLE");
	assert_int_equal(zi->big_endian, 0);
	/* the image keeps only the front labels (zdb: "failed to unpack
	 * label 2/3") */
	check_against_zdb(zi, "zfs/util-linux-zfs.zdb-lu.txt");
	assert_int_equal(zi->nvalid, 2);
	assert_int_equal(zi->labels[2].state, RR_ZFS_LABEL_BLANK);
	assert_int_equal(zi->labels[3].state, RR_ZFS_LABEL_BLANK);
	assert_int_equal(zi->disagree, 0);
	assert_true(has_error(m, "end of the device"));
	assert_true(zi->have_active);
	assert_int_equal(zi->active.txg, zdb_newest("zfs/util-linux-zfs.zdb-lu.txt").txg);
	assert_int_equal(zi->labels[0].ub_slot_size, 1024);
	rr_zfs_info_free(zi);
	rr_member_free(m);
	free(label); free(uuid); free(sub); free(ver); free(endian);
	free(img);
	free(xz);
}

static void test_raidz_members(void **state)
{
	static const char *const names[] = { "rz0", "rz1", "rz2" };
	uint64_t pool_guid = 0;

	for (int i = 0; i < 3; i++) {
		char rel[64], zrel[64], *xz, *img;
		struct rr_member *m;
		struct rr_zfs_info *zi;
		struct zdb_ub newest;

		snprintf(rel, sizeof(rel), "zfs/%s.img.xz", names[i]);
		snprintf(zrel, sizeof(zrel), "zfs/%s.zdb-lu.txt", names[i]);
		xz = fx_local(rel);
		img = fx_unxz(xz);
		zi = read_info(img, &m);
		assert_non_null(zi);
		check_against_zdb(zi, zrel);
		assert_int_equal(zi->nvalid, 4);
		assert_int_equal(zi->disagree, 0);
		assert_int_equal(m->nerrors, 0);
		newest = zdb_newest(zrel);
		assert_true(zi->have_active);
		assert_int_equal(zi->active.txg, newest.txg);
		assert_int_equal(zi->active.slot, newest.slot);
		assert_int_equal(zi->active.guid_sum, newest.guid_sum);
		assert_int_equal(zi->active.cksum, RR_ZFS_CKSUM_OK);
		/* the planner's view: this leaf is child i of a raidz1 */
		assert_string_equal(zi->config->vdev_tree.type, "raidz");
		assert_int_equal(zi->config->vdev_tree.nparity, 1);
		assert_int_equal(zi->config->vdev_tree.nchildren, 3);
		assert_int_equal(zi->config->vdev_tree.children[i].guid, zi->config->guid);
		if (i)
			assert_int_equal(zi->config->pool_guid, pool_guid);
		pool_guid = zi->config->pool_guid;
		rr_zfs_info_free(zi);
		rr_member_free(m);
		free(img);
		free(xz);
	}
}

static void test_ashift12_mirror(void **state)
{
	char *xz = fx_local("zfs/mi0.img.xz"), *img = fx_unxz(xz);
	struct rr_member *m;
	struct rr_zfs_info *zi = read_info(img, &m);

	assert_non_null(zi);
	check_against_zdb(zi, "zfs/mi0.zdb-lu.txt");
	assert_int_equal(zi->config->vdev_tree.ashift, 12);
	for (int i = 0; i < RR_ZFS_LABELS; i++)
		assert_int_equal(zi->labels[i].ub_slot_size, 4096);
	assert_int_equal(zi->active.txg, zdb_newest("zfs/mi0.zdb-lu.txt").txg);
	rr_zfs_info_free(zi);
	rr_member_free(m);
	free(img);
	free(xz);
}

/* L0 wiped, L2's nvlist damaged: the others still carry the pool. */
static void test_wiped_and_damaged_labels(void **state)
{
	char *img = copy_of("zfs/rz0.img.xz", "damaged.img");
	uint64_t size = file_size(img);
	uint8_t *zero = calloc(1, LABEL), b;
	struct rr_member *m;
	struct rr_zfs_info *zi;

	rw(img, label_off(size, 0), zero, LABEL, 1);
	rw(img, label_off(size, 2) + 20 * KiB, &b, 1, 0);
	b ^= 0x40;
	rw(img, label_off(size, 2) + 20 * KiB, &b, 1, 1);
	zi = read_info(img, &m);
	assert_non_null(zi);
	assert_int_equal(zi->labels[0].state, RR_ZFS_LABEL_BLANK);
	assert_int_equal(zi->labels[0].nubs, 0);
	assert_int_equal(zi->labels[1].state, RR_ZFS_LABEL_VALID);
	assert_int_equal(zi->labels[2].state, RR_ZFS_LABEL_BAD_CHECKSUM);
	assert_int_equal(zi->labels[3].state, RR_ZFS_LABEL_VALID);
	assert_int_equal(zi->nvalid, 2);
	assert_int_equal(zi->config_label, 1);
	assert_true(has_error(m, "label 0"));
	assert_true(has_error(m, "label 2"));
	assert_int_equal(zi->active.txg, zdb_newest("zfs/rz0.zdb-lu.txt").txg);
	assert_int_not_equal(zi->active_label, 0);
	rr_zfs_info_free(zi);
	rr_member_free(m);
	free(zero);
	free(img);
}

/* A label copied to another label's place does not verify: the checksum
 * is seeded with the block's offset. */
static void test_label_moved(void **state)
{
	char *img = copy_of("zfs/rz0.img.xz", "moved.img");
	uint64_t size = file_size(img);
	uint8_t *buf = malloc(LABEL);
	struct rr_member *m;
	struct rr_zfs_info *zi;

	rw(img, label_off(size, 0), buf, LABEL, 0);
	rw(img, label_off(size, 2), buf, LABEL, 1);
	zi = read_info(img, &m);
	assert_int_equal(zi->labels[2].state, RR_ZFS_LABEL_BAD_CHECKSUM);
	/* still decodable, so the operator sees what it says */
	assert_true(zi->labels[2].config.have & RR_ZFS_CFG_TXG);
	assert_int_equal(zi->labels[2].nubs_bad_cksum, zi->labels[2].nubs);
	assert_true(zi->labels[2].nubs > 0);
	assert_int_equal(zi->labels[2].best_ub, -1);
	assert_int_equal(zi->nvalid, 3);
	rr_zfs_info_free(zi);
	rr_member_free(m);
	free(buf);
	free(img);
}

/* The newest uberblock damaged in every label: ZFS would fall back to the
 * previous one, and so must we. */
static void test_newest_uberblock_damaged(void **state)
{
	char *img = copy_of("zfs/rz0.img.xz", "ub.img");
	uint64_t size = file_size(img);
	struct zdb_label z[RR_ZFS_LABELS];
	struct zdb_ub newest = zdb_newest("zfs/rz0.zdb-lu.txt"), prev = { 0 };
	struct rr_member *m;
	struct rr_zfs_info *zi;

	zdb_parse("zfs/rz0.zdb-lu.txt", z);
	for (size_t u = 0; u < z[0].nubs; u++)
		if (z[0].ubs[u].txg < newest.txg && z[0].ubs[u].txg > prev.txg)
			prev = z[0].ubs[u];
	zdb_free(z);
	for (int l = 0; l < RR_ZFS_LABELS; l++) {
		uint8_t b;
		uint64_t off = label_off(size, l) + 128 * KiB + newest.slot * KiB + 100;

		rw(img, off, &b, 1, 0);
		b ^= 1;
		rw(img, off, &b, 1, 1);
	}
	zi = read_info(img, &m);
	assert_non_null(zi);
	for (int l = 0; l < RR_ZFS_LABELS; l++)
		assert_int_equal(zi->labels[l].nubs_bad_cksum, 1);
	assert_int_equal(zi->active.txg, prev.txg);
	assert_int_equal(zi->active.slot, prev.slot);
	rr_zfs_info_free(zi);
	rr_member_free(m);
	free(img);
}

/* A stale label: L3 resealed with an older txg.  The labels disagree and
 * the newest one is believed. */
static void test_labels_disagree(void **state)
{
	static const uint8_t txg_name[] = { 0, 0, 0, 3, 't', 'x', 'g', 0 };
	char *img = copy_of("zfs/rz0.img.xz", "stale.img");
	uint64_t size = file_size(img), off = label_off(size, 3) + 16 * KiB;
	uint8_t *blk = malloc(112 * KiB), *p;
	struct rr_member *m;
	struct rr_zfs_info *zi;
	uint64_t txg;

	rw(img, off, blk, 112 * KiB, 0);
	p = memmem(blk, 112 * KiB, txg_name, sizeof(txg_name));
	assert_non_null(p);
	/* name, then type (8 = uint64) and nelem (1), then the value */
	assert_int_equal(rr_be32(p + 8), 8);
	txg = rr_be64(p + 16);
	put64(p + 16, txg - 1, 1);
	reseal(blk, 112 * KiB, off, 0);
	rw(img, off, blk, 112 * KiB, 1);
	zi = read_info(img, &m);
	assert_int_equal(zi->nvalid, 4);
	assert_int_equal(zi->labels[3].config.txg, txg - 1);
	assert_true(zi->disagree & RR_ZFS_DIS_TXG);
	assert_false(zi->disagree & RR_ZFS_DIS_POOL_GUID);
	assert_int_equal(zi->config->txg, txg);
	assert_int_not_equal(zi->config_label, 3);
	assert_true(has_error(m, "disagree on txg"));
	rr_zfs_info_free(zi);
	rr_member_free(m);
	free(blk);
	free(img);
}

/* The pool as a big-endian host would have written it: every sealed
 * block's trailer and every uberblock word byte-swapped (the nvlist
 * itself is XDR, the same on every host). */
static void test_big_endian(void **state)
{
	char *img = copy_of("zfs/rz0.img.xz", "be.img");
	uint64_t size = file_size(img);
	uint8_t *lab = malloc(LABEL);
	struct rr_member *m;
	struct rr_zfs_info *zi;
	struct zdb_ub newest = zdb_newest("zfs/rz0.zdb-lu.txt");

	for (int l = 0; l < RR_ZFS_LABELS; l++) {
		uint64_t off = label_off(size, l);

		rw(img, off, lab, LABEL, 0);
		reseal(lab + 16 * KiB, 112 * KiB, off + 16 * KiB, 1);
		for (unsigned s = 0; s < 128; s++) {
			uint8_t *ub = lab + 128 * KiB + s * KiB;

			if (rr_le64(ub) != RR_ZFS_UB_MAGIC)
				continue;
			bswap_words(ub, 26);	/* uberblock_t: 26 uint64 words */
			reseal(ub, KiB, off + 128 * KiB + s * KiB, 1);
		}
		rw(img, off, lab, LABEL, 1);
	}
	zi = read_info(img, &m);
	assert_non_null(zi);
	assert_int_equal(zi->nvalid, 4);
	for (int l = 0; l < RR_ZFS_LABELS; l++) {
		assert_int_equal(zi->labels[l].big_endian, 1);
		assert_int_equal(zi->labels[l].nubs_bad_cksum, 0);
	}
	assert_int_equal(zi->big_endian, 1);
	assert_int_equal(zi->active.big_endian, 1);
	assert_int_equal(zi->active.txg, newest.txg);
	assert_int_equal(zi->active.guid_sum, newest.guid_sum);
	assert_int_equal(zi->active.timestamp, newest.timestamp);
	rr_zfs_info_free(zi);
	rr_member_free(m);
	free(lab);
	free(img);
}

/* A device that grew: the end labels are looked for where the new size
 * puts them.  The checksum is seeded with the physical offset, so after
 * growing by one label size the new L2 is the old L3 and still verifies;
 * after growing by 1 MiB both end labels are blank and the report says
 * the size changed. */
static void test_grown_device(void **state)
{
	char *img = copy_of("zfs/rz0.img.xz", "grown.img");
	uint64_t size = file_size(img);
	struct rr_member *m;
	struct rr_zfs_info *zi;

	assert_int_equal(truncate(img, (off_t)(size + LABEL)), 0);
	zi = read_info(img, &m);
	assert_int_equal(zi->labels[2].state, RR_ZFS_LABEL_VALID);
	assert_int_equal(zi->labels[2].offset, size - LABEL);
	assert_int_equal(zi->labels[3].state, RR_ZFS_LABEL_BLANK);
	assert_int_equal(zi->nvalid, 3);
	assert_false(has_error(m, "smaller or larger"));
	rr_zfs_info_free(zi);
	rr_member_free(m);

	assert_int_equal(truncate(img, (off_t)(size + 4 * LABEL)), 0);
	zi = read_info(img, &m);
	assert_int_equal(zi->labels[0].state, RR_ZFS_LABEL_VALID);
	assert_int_equal(zi->labels[1].state, RR_ZFS_LABEL_VALID);
	assert_int_equal(zi->labels[2].state, RR_ZFS_LABEL_BLANK);
	assert_int_equal(zi->labels[3].state, RR_ZFS_LABEL_BLANK);
	assert_true(has_error(m, "smaller or larger"));
	rr_zfs_info_free(zi);
	rr_member_free(m);
	free(img);
}

static void test_not_zfs(void **state)
{
	char *xz = fx_shared("util-linux/ext4.img.xz"), *img = fx_unxz(xz);
	struct rr_member *m;

	assert_null(read_info(img, &m));
	assert_int_equal(m->nerrors, 0);
	rr_member_free(m);
	free(img);
	free(xz);
}

/* The registered probe through rr_examine_path, text and JSON. */
static void test_probe_descriptor(void **state)
{
	char *xz = fx_shared("util-linux/zfs.img.xz"), *img = fx_unxz(xz);
	char *uuid = expected_value("util-linux/zfs.expected", "ID_FS_UUID");
	struct rr_member *m = rr_examine_path(img);
	json_object *o = json_object_new_object(), *z, *v;
	char *s, *text = NULL;
	size_t len;
	FILE *f;

	assert_non_null(m->zfs);
	rr_probe_zfs.to_json(o, m);
	assert_true(json_object_object_get_ex(o, "zfs", &z));
	assert_true(json_object_object_get_ex(z, "pool_guid", &v));
	assert_string_equal(json_object_get_string(v), uuid);
	assert_true(json_object_object_get_ex(z, "labels_valid", &v));
	assert_int_equal(json_object_get_int(v), 2);
	assert_true(json_object_object_get_ex(z, "active_uberblock", &v));
	s = rr_probe_zfs.summary(m);
	assert_non_null(strstr(s, "tank"));
	assert_non_null(strstr(s, uuid));
	assert_non_null(strstr(s, "2/4"));
	f = open_memstream(&text, &len);
	rr_probe_zfs.print(f, m);
	fclose(f);
	assert_non_null(strstr(text, "    name: 'tank'\n"));
	assert_non_null(strstr(text, "        path: '/dev/dsk/c1d1s0'\n"));
	free(text);
	free(s);
	json_object_put(o);
	rr_member_free(m);
	free(uuid);
	free(img);
	free(xz);
}

/* ---- the nvlist decoder on its own ------------------------------------- */

struct xdr {
	uint8_t b[8192];
	size_t n;
};

static void x32(struct xdr *x, uint32_t v)
{
	assert_true(x->n + 4 <= sizeof(x->b));
	for (int i = 0; i < 4; i++)
		x->b[x->n++] = (uint8_t)(v >> (24 - 8 * i));
}

static void xstr(struct xdr *x, const char *s)
{
	size_t l = strlen(s);

	x32(x, (uint32_t)l);
	memcpy(x->b + x->n, s, l);
	x->n += (l + 3) & ~(size_t)3;
}

static void xhead(struct xdr *x)
{
	memset(x, 0, sizeof(*x));
	x->b[0] = 1;	/* XDR */
	x->b[1] = 1;
	x->n = 4;
	x32(x, 0);	/* version */
	x32(x, 1);	/* NV_UNIQUE_NAME */
}

static void test_nvlist_from_label(void **state)
{
	char *xz = fx_local("zfs/rz1.img.xz"), *img = fx_unxz(xz);
	size_t len;
	char *buf = fx_slurp(img, &len);
	struct rr_nvlist *nvl;
	const char *why;
	const struct rr_nvlist *tree;
	struct rr_nvlist *const *kids;
	struct zdb_label z[RR_ZFS_LABELS];
	uint64_t v;
	size_t n;
	char want[32];

	zdb_parse("zfs/rz1.zdb-lu.txt", z);
	assert_int_equal(rr_nvlist_unpack((uint8_t *)buf + 16 * KiB, 112 * KiB - 40, &nvl, &why), 0);
	assert_string_equal(rr_nvlist_str(nvl, "name"), zdb_get(&z[0], "name"));
	assert_int_equal(rr_nvlist_u64(nvl, "txg", &v), 0);
	snprintf(want, sizeof(want), "%" PRIu64, v);
	assert_string_equal(want, zdb_get(&z[0], "txg"));
	tree = rr_nvlist_nvl(nvl, "vdev_tree");
	assert_non_null(tree);
	kids = rr_nvlist_nvl_array(tree, "children", &n);
	assert_int_equal(n, 3);
	assert_string_equal(rr_nvlist_str(kids[2], "path"), zdb_get(&z[0], "vdev_tree.children[2].path"));
	assert_int_equal(rr_nvlist_u64(nvl, "no_such", &v), -ENOENT);
	assert_null(rr_nvlist_str(nvl, "txg"));	/* wrong type */
	rr_nvlist_free(nvl);
	/* every truncation of a real nvlist fails cleanly */
	for (size_t cut = 0; cut < 1200; cut += 7) {
		assert_true(rr_nvlist_unpack((uint8_t *)buf + 16 * KiB, cut, &nvl, &why) < 0);
		assert_null(nvl);
		assert_non_null(why);
	}
	zdb_free(z);
	free(buf);
	free(img);
	free(xz);
}

static void test_nvlist_hostile(void **state)
{
	struct xdr x;
	struct rr_nvlist *nvl;
	const char *why;
	uint64_t v;

	/* no header, native encoding */
	memset(&x, 0, sizeof(x));
	assert_int_equal(rr_nvlist_unpack(x.b, 2, &nvl, &why), -ENOMSG);
	x.b[0] = 0;
	assert_int_equal(rr_nvlist_unpack(x.b, 64, &nvl, &why), -ENOTSUP);
	x.b[0] = 7;
	assert_int_equal(rr_nvlist_unpack(x.b, 64, &nvl, &why), -ENOMSG);

	/* an unknown type (99) is skipped by its encoded size */
	xhead(&x);
	x32(&x, 4 * 6 + 8); x32(&x, 0); xstr(&x, "odd"); x32(&x, 99); x32(&x, 1);
	x32(&x, 0xdead); x32(&x, 0xbeef);
	x32(&x, 36); x32(&x, 0); xstr(&x, "after"); x32(&x, RR_NV_UINT64); x32(&x, 1);
	x32(&x, 0); x32(&x, 42);
	x32(&x, 0); x32(&x, 0);
	assert_int_equal(rr_nvlist_unpack(x.b, x.n, &nvl, &why), 0);
	assert_int_equal(nvl->npairs, 2);
	assert_int_equal(nvl->pairs[0].decoded, 0);
	assert_int_equal(rr_nvlist_u64(nvl, "after", &v), 0);
	assert_int_equal(v, 42);
	rr_nvlist_free(nvl);

	/* an unknown type whose size points outside the buffer */
	xhead(&x);
	x32(&x, 0x7ffffff0); x32(&x, 0); xstr(&x, "odd"); x32(&x, 99); x32(&x, 1);
	x32(&x, 0); x32(&x, 0);
	assert_int_equal(rr_nvlist_unpack(x.b, x.n, &nvl, &why), -EBADMSG);

	/* nvlists nested deeper than allowed */
	xhead(&x);
	for (int d = 0; d < RR_NV_MAX_DEPTH + 2; d++) {
		x32(&x, 1000); x32(&x, 0); xstr(&x, "n"); x32(&x, RR_NV_NVLIST); x32(&x, 1);
		x32(&x, 0); x32(&x, 1);
	}
	assert_int_equal(rr_nvlist_unpack(x.b, x.n, &nvl, &why), -E2BIG);
	assert_null(nvl);

	/* an array claiming more elements than the buffer can hold */
	xhead(&x);
	x32(&x, 100); x32(&x, 0); xstr(&x, "a"); x32(&x, RR_NV_UINT64_ARRAY); x32(&x, 4000);
	x32(&x, 4000);
	assert_int_equal(rr_nvlist_unpack(x.b, x.n, &nvl, &why), -EBADMSG);
	xhead(&x);
	x32(&x, 100); x32(&x, 0); xstr(&x, "a"); x32(&x, RR_NV_NVLIST_ARRAY); x32(&x, 0xffffffff);
	assert_int_equal(rr_nvlist_unpack(x.b, x.n, &nvl, &why), -E2BIG);
	/* array count differing from nelem */
	xhead(&x);
	x32(&x, 100); x32(&x, 0); xstr(&x, "a"); x32(&x, RR_NV_UINT32_ARRAY); x32(&x, 2);
	x32(&x, 3); x32(&x, 1); x32(&x, 2); x32(&x, 3); x32(&x, 0); x32(&x, 0);
	assert_int_equal(rr_nvlist_unpack(x.b, x.n, &nvl, &why), -EBADMSG);

	/* a string longer than allowed, and one longer than the buffer */
	xhead(&x);
	x32(&x, 100); x32(&x, 0); xstr(&x, "s"); x32(&x, RR_NV_STRING); x32(&x, 1);
	x32(&x, RR_NV_MAX_STRING + 1);
	assert_int_equal(rr_nvlist_unpack(x.b, x.n, &nvl, &why), -E2BIG);
	xhead(&x);
	x32(&x, 100); x32(&x, 0); xstr(&x, "s"); x32(&x, RR_NV_STRING); x32(&x, 1);
	x32(&x, 100);
	assert_int_equal(rr_nvlist_unpack(x.b, x.n, &nvl, &why), -EBADMSG);

	/* typed arrays, signed values, boolean and strings arrays decode */
	xhead(&x);
	x32(&x, 40); x32(&x, 0); xstr(&x, "i"); x32(&x, RR_NV_INT32_ARRAY); x32(&x, 2);
	x32(&x, 2); x32(&x, 0xffffffff); x32(&x, 7);
	x32(&x, 24); x32(&x, 0); xstr(&x, "flag"); x32(&x, RR_NV_BOOLEAN); x32(&x, 0);
	x32(&x, 40); x32(&x, 0); xstr(&x, "ss"); x32(&x, RR_NV_STRING_ARRAY); x32(&x, 2);
	xstr(&x, "ab"); xstr(&x, "cdefg");
	x32(&x, 28); x32(&x, 0); xstr(&x, "b"); x32(&x, RR_NV_BOOLEAN_VALUE); x32(&x, 1); x32(&x, 1);
	x32(&x, 0); x32(&x, 0);
	assert_int_equal(rr_nvlist_unpack(x.b, x.n, &nvl, &why), 0);
	assert_int_equal(nvl->npairs, 4);
	assert_int_equal((int64_t)nvl->pairs[0].v.u64_array[0], -1);
	assert_int_equal(nvl->pairs[0].v.u64_array[1], 7);
	assert_non_null(rr_nvlist_find(nvl, "flag", RR_NV_BOOLEAN));
	assert_string_equal(nvl->pairs[2].v.str_array[1], "cdefg");
	assert_int_equal(rr_nvlist_u64(nvl, "b", &v), 0);
	assert_int_equal(v, 1);
	rr_nvlist_free(nvl);
}

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_linux_image),
		cmocka_unit_test(test_raidz_members),
		cmocka_unit_test(test_ashift12_mirror),
		cmocka_unit_test(test_wiped_and_damaged_labels),
		cmocka_unit_test(test_label_moved),
		cmocka_unit_test(test_newest_uberblock_damaged),
		cmocka_unit_test(test_labels_disagree),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_grown_device),
		cmocka_unit_test(test_not_zfs),
		cmocka_unit_test(test_probe_descriptor),
		cmocka_unit_test(test_nvlist_from_label),
		cmocka_unit_test(test_nvlist_hostile),
	};

	return cmocka_run_group_tests_name("zfs", tests, NULL, teardown);
}
