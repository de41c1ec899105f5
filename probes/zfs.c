/* ZFS vdev labels and uberblock rings (see probes/zfs.h for the layout).
 * Read-only, through the read layer; the label checksum is verified the
 * way ZFS does it, so a label ZFS would reject is reported as such. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "core/sha256.h"
#include "probes/endian.h"
#include "probes/zfs.h"

#define ECK_SIZE 40		/* zio_eck_t: magic + 4 checksum words */
#define UB_MIN_SHIFT 10		/* UBERBLOCK_SHIFT */
#define UB_MAX_SHIFT 13		/* MAX_UBERBLOCK_SHIFT of current OpenZFS */
#define RING_SHIFT 17		/* the ring is 128 KiB */

enum rr_zfs_cksum rr_zfs_label_cksum(const uint8_t *blk, size_t len, uint64_t off, int *big_endian)
{
	const uint8_t *eck;
	uint8_t verifier[32] = { 0 }, digest[RR_SHA256_LEN];
	struct rr_sha256 c;
	int big;

	if (len < ECK_SIZE)
		return RR_ZFS_CKSUM_MISSING;
	eck = blk + len - ECK_SIZE;
	if (rr_le64(eck) == RR_ZFS_ECK_MAGIC)
		big = 0;
	else if (rr_be64(eck) == RR_ZFS_ECK_MAGIC)
		big = 1;
	else
		return RR_ZFS_CKSUM_MISSING;
	if (big_endian)
		*big_endian = big;
	/* The digest covers the block with the checksum field replaced by
	 * the verifier { offset, 0, 0, 0 } in the writer's byte order, so a
	 * label copied to another place does not verify. */
	for (int i = 0; i < 8; i++)
		verifier[big ? 7 - i : i] = (uint8_t)(off >> (8 * i));
	rr_sha256_init(&c);
	rr_sha256_update(&c, blk, len - 32);
	rr_sha256_update(&c, verifier, sizeof(verifier));
	rr_sha256_final(&c, digest);
	/* ZFS stores the digest as four big-endian-read 64-bit words, each
	 * in the writer's byte order. */
	for (int i = 0; i < 4; i++)
		if (rr_x64(eck + 8 + 8 * i, big) != rr_be64(digest + 8 * i))
			return RR_ZFS_CKSUM_BAD;
	return RR_ZFS_CKSUM_OK;
}

const char *rr_zfs_pool_state_name(uint64_t state)
{
	static const char *const names[] = {
		"ACTIVE", "EXPORTED", "DESTROYED", "SPARE", "L2CACHE",
		"UNINITIALIZED", "UNAVAIL", "POTENTIALLY_ACTIVE",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "UNKNOWN";
}

/* fprintf for translated formats.  gcc's -Wformat-overflow misreads
 * gettext's format_arg under -fsanitize=undefined ("null format string")
 * on some direct fprintf calls; the format is still type-checked here. */
static void outf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void outf(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
}

/* ---- config ---------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? rr_xstrdup(s) : NULL;
}

static void vdev_free(struct rr_zfs_vdev *v)
{
	for (size_t i = 0; i < v->nchildren; i++)
		vdev_free(&v->children[i]);
	free(v->children);
	free(v->type);
	free(v->path);
	free(v->devid);
	free(v->phys_path);
	memset(v, 0, sizeof(*v));
}

/* Recursion is bounded by the nvlist decoder's nesting limit. */
static void vdev_from_nvl(struct rr_zfs_vdev *v, const struct rr_nvlist *nvl)
{
	static const struct {
		const char *name;
		unsigned bit;
		size_t off;
	} u64s[] = {
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
		{ "offline", RR_ZFS_HAVE_OFFLINE, offsetof(struct rr_zfs_vdev, offline) },
		{ "faulted", RR_ZFS_HAVE_FAULTED, offsetof(struct rr_zfs_vdev, faulted) },
		{ "degraded", RR_ZFS_HAVE_DEGRADED, offsetof(struct rr_zfs_vdev, degraded) },
		{ "removed", RR_ZFS_HAVE_REMOVED, offsetof(struct rr_zfs_vdev, removed) },
	};
	struct rr_nvlist *const *kids;
	size_t n;

	v->type = dup_or_null(rr_nvlist_str(nvl, "type"));
	v->path = dup_or_null(rr_nvlist_str(nvl, "path"));
	v->devid = dup_or_null(rr_nvlist_str(nvl, "devid"));
	v->phys_path = dup_or_null(rr_nvlist_str(nvl, "phys_path"));
	for (size_t i = 0; i < sizeof(u64s) / sizeof(u64s[0]); i++)
		if (!rr_nvlist_u64(nvl, u64s[i].name, (uint64_t *)((char *)v + u64s[i].off)))
			v->have |= u64s[i].bit;
	kids = rr_nvlist_nvl_array(nvl, "children", &n);
	if (kids && n) {
		v->children = rr_xcalloc(n, sizeof(*v->children));
		v->nchildren = n;
		for (size_t i = 0; i < n; i++)
			vdev_from_nvl(&v->children[i], kids[i]);
	}
}

static void config_free(struct rr_zfs_config *c)
{
	free(c->name);
	free(c->hostname);
	vdev_free(&c->vdev_tree);
	for (size_t i = 0; i < c->nfeatures; i++)
		free(c->features_for_read[i]);
	free(c->features_for_read);
	memset(c, 0, sizeof(*c));
}

static void config_from_nvl(struct rr_zfs_config *c, const struct rr_nvlist *nvl)
{
	static const struct {
		const char *name;
		unsigned bit;
		size_t off;
	} u64s[] = {
		{ "version", RR_ZFS_CFG_VERSION, offsetof(struct rr_zfs_config, version) },
		{ "state", RR_ZFS_CFG_STATE, offsetof(struct rr_zfs_config, state) },
		{ "txg", RR_ZFS_CFG_TXG, offsetof(struct rr_zfs_config, txg) },
		{ "pool_guid", RR_ZFS_CFG_POOL_GUID, offsetof(struct rr_zfs_config, pool_guid) },
		{ "guid", RR_ZFS_CFG_GUID, offsetof(struct rr_zfs_config, guid) },
		{ "top_guid", RR_ZFS_CFG_TOP_GUID, offsetof(struct rr_zfs_config, top_guid) },
		{ "hostid", RR_ZFS_CFG_HOSTID, offsetof(struct rr_zfs_config, hostid) },
		{ "vdev_children", RR_ZFS_CFG_VDEV_CHILDREN, offsetof(struct rr_zfs_config, vdev_children) },
	};
	const struct rr_nvlist *tree, *feat;

	for (size_t i = 0; i < sizeof(u64s) / sizeof(u64s[0]); i++)
		if (!rr_nvlist_u64(nvl, u64s[i].name, (uint64_t *)((char *)c + u64s[i].off)))
			c->have |= u64s[i].bit;
	c->name = dup_or_null(rr_nvlist_str(nvl, "name"));
	c->hostname = dup_or_null(rr_nvlist_str(nvl, "hostname"));
	tree = rr_nvlist_nvl(nvl, "vdev_tree");
	if (tree) {
		vdev_from_nvl(&c->vdev_tree, tree);
		c->have |= RR_ZFS_CFG_VDEV_TREE;
	}
	/* features_for_read is an nvlist whose pair names are the features */
	feat = rr_nvlist_nvl(nvl, "features_for_read");
	if (feat && feat->npairs) {
		c->features_for_read = rr_xcalloc(feat->npairs, sizeof(char *));
		for (size_t i = 0; i < feat->npairs; i++)
			c->features_for_read[c->nfeatures++] = rr_xstrdup(feat->pairs[i].name);
	}
}

/* ---- uberblocks ------------------------------------------------------ */

static void decode_blkptr(struct rr_zfs_blkptr *bp, const uint8_t *p, int big)
{
	for (int i = 0; i < 3; i++) {
		uint64_t w0 = rr_x64(p + 16 * i, big), w1 = rr_x64(p + 16 * i + 8, big);

		bp->dva[i].vdev = (uint32_t)(w0 >> 32);
		bp->dva[i].grid = (uint32_t)(w0 >> 24) & 0xff;
		bp->dva[i].asize = (w0 & 0xffffff) << 9;
		bp->dva[i].gang = (int)(w1 >> 63);
		bp->dva[i].offset = (w1 & ~(1ULL << 63)) << 9;
	}
	bp->prop = rr_x64(p + 48, big);
	bp->lsize = ((bp->prop & 0xffff) + 1) << 9;
	bp->psize = (((bp->prop >> 16) & 0xffff) + 1) << 9;
	bp->comp = (unsigned)(bp->prop >> 32) & 0x7f;
	bp->embedded = (unsigned)(bp->prop >> 39) & 1;
	bp->cksum_type = (unsigned)(bp->prop >> 40) & 0xff;
	bp->type = (unsigned)(bp->prop >> 48) & 0xff;
	bp->level = (unsigned)(bp->prop >> 56) & 0x1f;
	bp->byteorder_big = !((bp->prop >> 63) & 1);	/* BP_BYTEORDER: 1 = little */
	bp->phys_birth = rr_x64(p + 72, big);
	bp->birth = rr_x64(p + 80, big);
	bp->fill = rr_x64(p + 88, big);
	for (int i = 0; i < 4; i++)
		bp->cksum[i] = rr_x64(p + 96 + 8 * i, big);
}

/* 1: a slot whose magic matched (in either order), decoded into ub. */
static int decode_uberblock(struct rr_zfs_uberblock *ub, const uint8_t *p, size_t len, uint64_t off)
{
	int big;

	if (rr_le64(p) == RR_ZFS_UB_MAGIC)
		big = 0;
	else if (rr_be64(p) == RR_ZFS_UB_MAGIC)
		big = 1;
	else
		return 0;
	memset(ub, 0, sizeof(*ub));
	ub->offset = off;
	ub->big_endian = big;
	ub->version = rr_x64(p + 8, big);
	ub->txg = rr_x64(p + 16, big);
	ub->guid_sum = rr_x64(p + 24, big);
	ub->timestamp = rr_x64(p + 32, big);
	decode_blkptr(&ub->rootbp, p + 40, big);
	ub->software_version = rr_x64(p + 168, big);
	ub->mmp_valid = rr_x64(p + 176, big) == RR_ZFS_MMP_MAGIC;
	if (ub->mmp_valid) {
		ub->mmp_delay = rr_x64(p + 184, big);
		ub->mmp_config = rr_x64(p + 192, big);
	}
	ub->checkpoint_txg = rr_x64(p + 200, big);
	ub->cksum = rr_zfs_label_cksum(p, len, off, NULL);
	return 1;
}

/* >0 when a is newer (vdev_uberblock_compare: txg, then timestamp). */
static int ub_cmp(const struct rr_zfs_uberblock *a, const struct rr_zfs_uberblock *b)
{
	if (a->txg != b->txg)
		return a->txg > b->txg ? 1 : -1;
	if (a->timestamp != b->timestamp)
		return a->timestamp > b->timestamp ? 1 : -1;
	return 0;
}

/* Scan the ring with slots of 1 << shift bytes. */
static void scan_ring(struct rr_zfs_label *l, const uint8_t *ring, uint64_t ring_off, unsigned shift)
{
	size_t slot = (size_t)1 << shift, n = RR_ZFS_RING_SIZE >> shift;

	l->ub_slot_size = (unsigned)slot;
	l->ubs = rr_xcalloc(n, sizeof(*l->ubs));
	l->nubs = 0;
	l->nubs_bad_cksum = 0;
	l->best_ub = -1;
	for (size_t i = 0; i < n; i++) {
		struct rr_zfs_uberblock *ub = &l->ubs[l->nubs];

		if (!decode_uberblock(ub, ring + i * slot, slot, ring_off + i * slot))
			continue;
		ub->slot = (unsigned)i;
		if (ub->cksum != RR_ZFS_CKSUM_OK)
			l->nubs_bad_cksum++;
		else if (l->best_ub < 0 || ub_cmp(ub, &l->ubs[l->best_ub]) > 0)
			l->best_ub = (int)l->nubs;
		l->nubs++;
	}
}

static size_t ring_good(const struct rr_zfs_label *l)
{
	return l->nubs - l->nubs_bad_cksum;
}

/* The slot size is max(1 KiB, 1 << ashift of the top-level vdev), capped
 * at 8 KiB by current OpenZFS (older releases did not cap).  Without a
 * trustworthy ashift, or when no uberblock verifies under it, the sizes
 * from 1 KiB up to 8 KiB (or the uncapped size) are tried and the one
 * under which the most uberblocks verify wins. */
static void read_ring(struct rr_zfs_label *l, const uint8_t *ring, uint64_t ring_off, int ashift)
{
	struct rr_zfs_label best = { .best_ub = -1 };
	unsigned last = UB_MAX_SHIFT;

	if (ashift >= 9 && ashift <= RING_SHIFT) {
		unsigned s = (unsigned)ashift < UB_MIN_SHIFT ? UB_MIN_SHIFT : (unsigned)ashift;

		scan_ring(l, ring, ring_off, s > UB_MAX_SHIFT ? UB_MAX_SHIFT : s);
		if (ring_good(l))
			return;
		free(l->ubs);
		l->ubs = NULL;
		if (s > last)
			last = s;	/* an older ZFS that did not cap the slot size */
	}
	for (unsigned s = UB_MIN_SHIFT; s <= last; s++) {
		scan_ring(l, ring, ring_off, s);
		if (!best.ubs || ring_good(l) > ring_good(&best) ||
		    (ring_good(l) == ring_good(&best) && l->nubs > best.nubs)) {
			free(best.ubs);
			best.ubs = l->ubs;
			best.nubs = l->nubs;
			best.nubs_bad_cksum = l->nubs_bad_cksum;
			best.best_ub = l->best_ub;
			best.ub_slot_size = l->ub_slot_size;
		} else {
			free(l->ubs);
		}
		l->ubs = NULL;
	}
	l->ubs = best.ubs;
	l->nubs = best.nubs;
	l->nubs_bad_cksum = best.nubs_bad_cksum;
	l->best_ub = best.best_ub;
	l->ub_slot_size = best.ub_slot_size;
}

/* ---- labels ---------------------------------------------------------- */

static int label_ashift(const struct rr_zfs_label *l)
{
	const struct rr_zfs_config *c = &l->config;

	if ((c->have & RR_ZFS_CFG_VDEV_TREE) && (c->vdev_tree.have & RR_ZFS_HAVE_ASHIFT) &&
	    c->vdev_tree.ashift <= 64)
		return (int)c->vdev_tree.ashift;
	return -1;
}

/* Decode the nvlist half of label l; 1 if there is ZFS evidence. */
static int read_config(struct rr_zfs_label *l, const uint8_t *lab)
{
	const uint8_t *blk = lab + RR_ZFS_NVLIST_OFFSET;
	enum rr_zfs_cksum ck;
	int r, evidence = 0;

	ck = rr_zfs_label_cksum(blk, RR_ZFS_NVLIST_SIZE, l->offset + RR_ZFS_NVLIST_OFFSET, &l->big_endian);
	if (ck != RR_ZFS_CKSUM_MISSING)
		evidence = 1;
	r = rr_nvlist_unpack(blk, RR_ZFS_NVLIST_SIZE - ECK_SIZE, &l->nvl, &l->nvl_problem);
	if (r == 0) {
		config_from_nvl(&l->config, l->nvl);
		/* a decodable nvlist that names no pool field is not ZFS */
		if (!(l->config.have & (RR_ZFS_CFG_STATE | RR_ZFS_CFG_POOL_GUID | RR_ZFS_CFG_GUID)))
			l->nvl_problem = N_("the nvlist holds no ZFS configuration");
		else
			evidence = 1;
	}
	if (ck == RR_ZFS_CKSUM_OK && !l->nvl_problem)
		l->state = RR_ZFS_LABEL_VALID;
	else if (ck == RR_ZFS_CKSUM_MISSING && (!evidence || r != 0))
		l->state = RR_ZFS_LABEL_BLANK;
	else if (ck != RR_ZFS_CKSUM_OK)
		l->state = RR_ZFS_LABEL_BAD_CHECKSUM;
	else
		l->state = RR_ZFS_LABEL_BAD_NVLIST;
	return evidence;
}

static void label_free(struct rr_zfs_label *l)
{
	config_free(&l->config);
	rr_nvlist_free(l->nvl);
	free(l->ubs);
	l->nvl = NULL;
	l->ubs = NULL;
	l->nubs = 0;
}

void rr_zfs_info_free(struct rr_zfs_info *zi)
{
	if (!zi)
		return;
	for (int i = 0; i < RR_ZFS_LABELS; i++)
		label_free(&zi->labels[i]);
	free(zi);
}

static int vdev_tree_equal(const struct rr_zfs_vdev *a, const struct rr_zfs_vdev *b)
{
	if (a->guid != b->guid || a->nchildren != b->nchildren ||
	    (a->type && b->type ? strcmp(a->type, b->type) != 0 : a->type != b->type))
		return 0;
	for (size_t i = 0; i < a->nchildren; i++)
		if (!vdev_tree_equal(&a->children[i], &b->children[i]))
			return 0;
	return 1;
}

static int str_differ(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) != 0 : a != b;
}

static void compare_labels(struct rr_zfs_info *zi)
{
	const struct rr_zfs_config *ref = NULL;

	zi->config_label = -1;
	for (int i = 0; i < RR_ZFS_LABELS; i++) {
		const struct rr_zfs_config *c = &zi->labels[i].config;

		if (zi->labels[i].state != RR_ZFS_LABEL_VALID)
			continue;
		zi->nvalid++;
		if (!ref) {
			ref = c;
			zi->config_label = i;
			continue;
		}
		if (c->txg != ref->txg)
			zi->disagree |= RR_ZFS_DIS_TXG;
		if (c->pool_guid != ref->pool_guid)
			zi->disagree |= RR_ZFS_DIS_POOL_GUID;
		if (c->guid != ref->guid)
			zi->disagree |= RR_ZFS_DIS_GUID;
		if (c->top_guid != ref->top_guid)
			zi->disagree |= RR_ZFS_DIS_TOP_GUID;
		if (str_differ(c->name, ref->name))
			zi->disagree |= RR_ZFS_DIS_NAME;
		if (!vdev_tree_equal(&c->vdev_tree, &ref->vdev_tree))
			zi->disagree |= RR_ZFS_DIS_VDEV_TREE;
		if (c->txg > zi->labels[zi->config_label].config.txg)
			zi->config_label = i;
	}
	zi->config = zi->config_label >= 0 ? &zi->labels[zi->config_label].config : NULL;
}

static const char *label_state_text(enum rr_zfs_label_state s)
{
	switch (s) {
	case RR_ZFS_LABEL_VALID: return N_("valid");
	case RR_ZFS_LABEL_UNREADABLE: return N_("unreadable");
	case RR_ZFS_LABEL_BLANK: return N_("blank");
	case RR_ZFS_LABEL_BAD_CHECKSUM: return N_("checksum mismatch");
	case RR_ZFS_LABEL_BAD_NVLIST: return N_("undecodable configuration");
	}
	return "?";
}

static const char *label_state_key(enum rr_zfs_label_state s)
{
	switch (s) {
	case RR_ZFS_LABEL_VALID: return "valid";
	case RR_ZFS_LABEL_UNREADABLE: return "unreadable";
	case RR_ZFS_LABEL_BLANK: return "blank";
	case RR_ZFS_LABEL_BAD_CHECKSUM: return "bad_checksum";
	case RR_ZFS_LABEL_BAD_NVLIST: return "bad_nvlist";
	}
	return "?";
}

static void report_problems(const struct rr_zfs_info *zi, struct rr_member *m)
{
	static const struct {
		unsigned bit;
		const char *what;
	} dis[] = {
		{ RR_ZFS_DIS_TXG, N_("the ZFS labels of this device disagree on txg (a label write was interrupted or some labels are stale)") },
		{ RR_ZFS_DIS_POOL_GUID, N_("the ZFS labels of this device name different pools (pool_guid differs)") },
		{ RR_ZFS_DIS_GUID, N_("the ZFS labels of this device disagree on the vdev guid") },
		{ RR_ZFS_DIS_TOP_GUID, N_("the ZFS labels of this device disagree on the top-level vdev guid") },
		{ RR_ZFS_DIS_NAME, N_("the ZFS labels of this device disagree on the pool name") },
		{ RR_ZFS_DIS_VDEV_TREE, N_("the ZFS labels of this device describe different vdev trees") },
	};
	const struct rr_zfs_label *l = zi->labels;

	for (int i = 0; i < RR_ZFS_LABELS; i++) {
		switch (l[i].state) {
		case RR_ZFS_LABEL_VALID:
			break;
		case RR_ZFS_LABEL_UNREADABLE:
			rr_member_error(m, _("ZFS label %d (at byte %" PRIu64 ") cannot be read: %s"),
					i, l[i].offset, strerror(l[i].read_errno));
			break;
		case RR_ZFS_LABEL_BAD_NVLIST:
			rr_member_error(m, _("ZFS label %d (at byte %" PRIu64 ") has a valid checksum but its configuration cannot be decoded: %s"),
					i, l[i].offset, _(l[i].nvl_problem));
			break;
		default:
			rr_member_error(m, _("ZFS label %d (at byte %" PRIu64 ") is invalid: %s"),
					i, l[i].offset, _(label_state_text(l[i].state)));
			break;
		}
	}
	if (l[0].state == RR_ZFS_LABEL_VALID && l[1].state == RR_ZFS_LABEL_VALID &&
	    l[2].state != RR_ZFS_LABEL_VALID && l[3].state != RR_ZFS_LABEL_VALID)
		rr_member_error(m, "%s", _("both ZFS labels at the end of the device are missing: "
					   "the device (or image) may be smaller or larger than when the pool used it"));
	for (size_t i = 0; i < sizeof(dis) / sizeof(dis[0]); i++)
		if (zi->disagree & dis[i].bit)
			rr_member_error(m, "%s", _(dis[i].what));
	if (!zi->have_active)
		rr_member_error(m, "%s", _("no ZFS uberblock with a valid checksum was found"));
}

struct rr_zfs_info *rr_zfs_read(struct rr_dev *dev, struct rr_member *m)
{
	uint64_t size = rr_dev_size(dev), psize = size & ~(uint64_t)(RR_ZFS_LABEL_SIZE - 1);
	const uint8_t *lab[RR_ZFS_LABELS] = { NULL };
	struct rr_zfs_info *zi;
	int evidence = 0, ashift = -1;

	/* Four labels that do not overlap need at least 1 MiB (ZFS itself
	 * wants 64 MiB); smaller devices are not ZFS vdevs. */
	if (psize < RR_ZFS_LABELS * (uint64_t)RR_ZFS_LABEL_SIZE)
		return NULL;
	zi = rr_xcalloc(1, sizeof(*zi));
	zi->config_label = -1;
	zi->active_label = -1;
	for (int i = 0; i < RR_ZFS_LABELS; i++) {
		struct rr_zfs_label *l = &zi->labels[i];
		int r;

		l->index = (unsigned)i;
		l->best_ub = -1;
		l->offset = (uint64_t)i * RR_ZFS_LABEL_SIZE +
			    (i < RR_ZFS_LABELS / 2 ? 0 : psize - RR_ZFS_LABELS * (uint64_t)RR_ZFS_LABEL_SIZE);
		r = rr_dev_get(dev, l->offset, RR_ZFS_LABEL_SIZE, &lab[i]);
		if (r < 0) {
			l->state = RR_ZFS_LABEL_UNREADABLE;
			l->read_errno = -r;
			lab[i] = NULL;
			continue;
		}
		evidence |= read_config(l, lab[i]);
	}
	/* The ring's slot size comes from the top-level vdev's ashift:
	 * take it from a valid label, else from any decodable one. */
	for (int pass = 0; pass < 2 && ashift < 0; pass++)
		for (int i = 0; i < RR_ZFS_LABELS && ashift < 0; i++)
			if (pass || zi->labels[i].state == RR_ZFS_LABEL_VALID)
				ashift = label_ashift(&zi->labels[i]);
	for (int i = 0; i < RR_ZFS_LABELS; i++) {
		struct rr_zfs_label *l = &zi->labels[i];

		if (!lab[i])
			continue;
		read_ring(l, lab[i] + RR_ZFS_RING_OFFSET, l->offset + RR_ZFS_RING_OFFSET, ashift);
		if (ring_good(l))
			evidence = 1;
		if (l->best_ub >= 0 &&
		    (!zi->have_active || ub_cmp(&l->ubs[l->best_ub], &zi->active) > 0)) {
			zi->active = l->ubs[l->best_ub];
			zi->active_label = i;
			zi->have_active = 1;
		}
	}
	if (!evidence) {
		rr_zfs_info_free(zi);
		return NULL;
	}
	compare_labels(zi);
	if (zi->have_active)
		zi->big_endian = zi->active.big_endian;
	else if (zi->config_label >= 0)
		zi->big_endian = zi->labels[zi->config_label].big_endian;
	report_problems(zi, m);
	return zi;
}

/* ---- descriptor ------------------------------------------------------ */

static int zfs_probe(struct rr_dev *dev, struct rr_member *m)
{
	struct rr_zfs_info *zi = rr_zfs_read(dev, m);

	if (!zi)
		return RR_PROBE_NONE;
	m->zfs = zi;
	return RR_PROBE_FOUND;
}

static void zfs_release(struct rr_member *m)
{
	rr_zfs_info_free(m->zfs);
	m->zfs = NULL;
}

/* Strings from disk may hold anything: print control bytes escaped. */
static void put_safe(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

/* A copy with control bytes escaped, for one-line messages. */
static char *safe_dup(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return rr_xstrdup("?");
	put_safe(f, s);
	fclose(f);
	return buf ? buf : rr_xstrdup("?");
}

static void print_str(FILE *out, int indent, const char *key, const char *val)
{
	if (!val)
		return;
	fprintf(out, "%*s%s: '", indent, "", key);
	put_safe(out, val);
	fputs("'\n", out);
}

static void print_vdev(FILE *out, const struct rr_zfs_vdev *v, int indent)
{
	static const struct {
		const char *name;
		unsigned bit;
		size_t off;
	} u64s[] = {
		{ "nparity", RR_ZFS_HAVE_NPARITY, offsetof(struct rr_zfs_vdev, nparity) },
		{ "metaslab_array", RR_ZFS_HAVE_METASLAB_ARRAY, offsetof(struct rr_zfs_vdev, metaslab_array) },
		{ "metaslab_shift", RR_ZFS_HAVE_METASLAB_SHIFT, offsetof(struct rr_zfs_vdev, metaslab_shift) },
		{ "ashift", RR_ZFS_HAVE_ASHIFT, offsetof(struct rr_zfs_vdev, ashift) },
		{ "asize", RR_ZFS_HAVE_ASIZE, offsetof(struct rr_zfs_vdev, asize) },
		{ "is_log", RR_ZFS_HAVE_IS_LOG, offsetof(struct rr_zfs_vdev, is_log) },
		{ "whole_disk", RR_ZFS_HAVE_WHOLE_DISK, offsetof(struct rr_zfs_vdev, whole_disk) },
		{ "create_txg", RR_ZFS_HAVE_CREATE_TXG, offsetof(struct rr_zfs_vdev, create_txg) },
		{ "offline", RR_ZFS_HAVE_OFFLINE, offsetof(struct rr_zfs_vdev, offline) },
		{ "faulted", RR_ZFS_HAVE_FAULTED, offsetof(struct rr_zfs_vdev, faulted) },
		{ "degraded", RR_ZFS_HAVE_DEGRADED, offsetof(struct rr_zfs_vdev, degraded) },
		{ "removed", RR_ZFS_HAVE_REMOVED, offsetof(struct rr_zfs_vdev, removed) },
	};

	print_str(out, indent, "type", v->type);
	if (v->have & RR_ZFS_HAVE_ID)
		fprintf(out, "%*sid: %" PRIu64 "\n", indent, "", v->id);
	if (v->have & RR_ZFS_HAVE_GUID)
		fprintf(out, "%*sguid: %" PRIu64 "\n", indent, "", v->guid);
	print_str(out, indent, "path", v->path);
	print_str(out, indent, "devid", v->devid);
	print_str(out, indent, "phys_path", v->phys_path);
	for (size_t i = 0; i < sizeof(u64s) / sizeof(u64s[0]); i++)
		if (v->have & u64s[i].bit)
			fprintf(out, "%*s%s: %" PRIu64 "\n", indent, "", u64s[i].name,
				*(const uint64_t *)((const char *)v + u64s[i].off));
	for (size_t i = 0; i < v->nchildren; i++) {
		fprintf(out, "%*schildren[%zu]:\n", indent, "", i);
		print_vdev(out, &v->children[i], indent + 4);
	}
}

static void print_config(FILE *out, const struct rr_zfs_config *c)
{
	if (c->have & RR_ZFS_CFG_VERSION)
		fprintf(out, "    version: %" PRIu64 "\n", c->version);
	print_str(out, 4, "name", c->name);
	if (c->have & RR_ZFS_CFG_STATE)
		fprintf(out, "    state: %" PRIu64 " (%s)\n", c->state, rr_zfs_pool_state_name(c->state));
	if (c->have & RR_ZFS_CFG_TXG)
		fprintf(out, "    txg: %" PRIu64 "\n", c->txg);
	if (c->have & RR_ZFS_CFG_POOL_GUID)
		fprintf(out, "    pool_guid: %" PRIu64 "\n", c->pool_guid);
	if (c->have & RR_ZFS_CFG_HOSTID)
		fprintf(out, "    hostid: %" PRIu64 "\n", c->hostid);
	print_str(out, 4, "hostname", c->hostname);
	if (c->have & RR_ZFS_CFG_TOP_GUID)
		fprintf(out, "    top_guid: %" PRIu64 "\n", c->top_guid);
	if (c->have & RR_ZFS_CFG_GUID)
		fprintf(out, "    guid: %" PRIu64 "\n", c->guid);
	if (c->have & RR_ZFS_CFG_VDEV_CHILDREN)
		fprintf(out, "    vdev_children: %" PRIu64 "\n", c->vdev_children);
	if (c->have & RR_ZFS_CFG_VDEV_TREE) {
		fputs("    vdev_tree:\n", out);
		print_vdev(out, &c->vdev_tree, 8);
	}
	if (c->nfeatures) {
		fputs("    features_for_read:\n", out);
		for (size_t i = 0; i < c->nfeatures; i++) {
			fputs("        ", out);
			put_safe(out, c->features_for_read[i]);
			fputc('\n', out);
		}
	}
}

static void fmt_time(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > (uint64_t)INT32_MAX * 64 || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "%" PRIu64, t);
}

static void zfs_print(FILE *out, const struct rr_member *m)
{
	const struct rr_zfs_info *zi = m->zfs;
	char when[64];

	if (!zi)
		return;
	if (zi->config) {
		outf(out, _("  ZFS label %d (as zdb -l prints it):\n"), zi->config_label);
		print_config(out, zi->config);
	}
	fputs(_("  ZFS labels:"), out);
	for (int i = 0; i < RR_ZFS_LABELS; i++) {
		const struct rr_zfs_label *l = &zi->labels[i];

		fprintf(out, "%s L%d %s", i ? "," : "", i, _(label_state_text(l->state)));
		if (l->config.have & RR_ZFS_CFG_TXG)
			outf(out, _(" (txg %" PRIu64 ")"), l->config.txg);
	}
	outf(out, _("; %u/%d valid, %s\n"), zi->nvalid, RR_ZFS_LABELS,
		zi->disagree ? _("they disagree") : zi->nvalid > 1 ? _("they agree") : _("nothing to compare"));
	for (int i = 0; i < RR_ZFS_LABELS; i++) {
		const struct rr_zfs_label *l = &zi->labels[i];

		if (!l->nubs)
			continue;
		outf(out, P_("  ZFS uberblocks in L%d: %zu found (slots of %u bytes)",
				"  ZFS uberblocks in L%d: %zu found (slots of %u bytes)", l->nubs),
			i, l->nubs, l->ub_slot_size);
		if (l->nubs_bad_cksum)
			outf(out, _(", %zu with a bad checksum"), l->nubs_bad_cksum);
		if (l->best_ub >= 0) {
			const struct rr_zfs_uberblock *b = &l->ubs[l->best_ub];

			outf(out, _(", newest txg %" PRIu64 " in slot %u"), b->txg, b->slot);
		}
		fputc('\n', out);
	}
	if (zi->have_active) {
		const struct rr_zfs_uberblock *ub = &zi->active;

		fmt_time(ub->timestamp, when, sizeof(when));
		outf(out, _("  ZFS active uberblock: L%d slot %u, txg %" PRIu64 ", %s, version %" PRIu64
			       ", guid_sum %" PRIu64 ", %s byte order\n"),
			zi->active_label, ub->slot, ub->txg, when, ub->version, ub->guid_sum,
			ub->big_endian ? _("big-endian") : _("little-endian"));
		outf(out, _("  ZFS root block pointer: DVA[0] vdev %" PRIu32 " offset %#" PRIx64
			       " asize %" PRIu64 ", birth txg %" PRIu64 ", fill %" PRIu64 "\n"),
			ub->rootbp.dva[0].vdev, ub->rootbp.dva[0].offset, ub->rootbp.dva[0].asize,
			ub->rootbp.birth, ub->rootbp.fill);
	}
}

static json_object *guid_json(uint64_t v)
{
	char buf[24];

	/* guids exceed 2^53: strings, so JSON readers keep every digit */
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_object_new_string(buf);
}

static void add_str(json_object *o, const char *key, const char *val)
{
	if (val)
		json_object_object_add(o, key, json_object_new_string(val));
}

static json_object *vdev_json(const struct rr_zfs_vdev *v)
{
	json_object *o = json_object_new_object();

	add_str(o, "type", v->type);
	if (v->have & RR_ZFS_HAVE_ID)
		json_object_object_add(o, "id", json_object_new_uint64(v->id));
	if (v->have & RR_ZFS_HAVE_GUID)
		json_object_object_add(o, "guid", guid_json(v->guid));
	add_str(o, "path", v->path);
	add_str(o, "devid", v->devid);
	add_str(o, "phys_path", v->phys_path);
	if (v->have & RR_ZFS_HAVE_ASHIFT)
		json_object_object_add(o, "ashift", json_object_new_uint64(v->ashift));
	if (v->have & RR_ZFS_HAVE_ASIZE)
		json_object_object_add(o, "asize", json_object_new_uint64(v->asize));
	if (v->have & RR_ZFS_HAVE_NPARITY)
		json_object_object_add(o, "nparity", json_object_new_uint64(v->nparity));
	if (v->have & RR_ZFS_HAVE_CREATE_TXG)
		json_object_object_add(o, "create_txg", json_object_new_uint64(v->create_txg));
	if (v->have & RR_ZFS_HAVE_WHOLE_DISK)
		json_object_object_add(o, "whole_disk", json_object_new_boolean(v->whole_disk != 0));
	if (v->have & RR_ZFS_HAVE_IS_LOG)
		json_object_object_add(o, "is_log", json_object_new_boolean(v->is_log != 0));
	if (v->nchildren) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < v->nchildren; i++)
			json_object_array_add(a, vdev_json(&v->children[i]));
		json_object_object_add(o, "children", a);
	}
	return o;
}

static json_object *ub_json(const struct rr_zfs_uberblock *ub, int label)
{
	json_object *o = json_object_new_object();

	if (label >= 0)
		json_object_object_add(o, "label", json_object_new_int(label));
	json_object_object_add(o, "slot", json_object_new_int((int)ub->slot));
	json_object_object_add(o, "offset_bytes", json_object_new_uint64(ub->offset));
	json_object_object_add(o, "checksum_ok", json_object_new_boolean(ub->cksum == RR_ZFS_CKSUM_OK));
	json_object_object_add(o, "big_endian", json_object_new_boolean(ub->big_endian));
	json_object_object_add(o, "version", json_object_new_uint64(ub->version));
	json_object_object_add(o, "txg", json_object_new_uint64(ub->txg));
	json_object_object_add(o, "guid_sum", guid_json(ub->guid_sum));
	json_object_object_add(o, "timestamp", json_object_new_uint64(ub->timestamp));
	if (label >= 0) {
		json_object *bp = json_object_new_object(), *dvas = json_object_new_array();

		for (int i = 0; i < 3; i++) {
			json_object *d;

			if (!ub->rootbp.dva[i].asize)
				continue;
			d = json_object_new_object();
			json_object_object_add(d, "vdev", json_object_new_uint64(ub->rootbp.dva[i].vdev));
			json_object_object_add(d, "offset_bytes", json_object_new_uint64(ub->rootbp.dva[i].offset));
			json_object_object_add(d, "asize_bytes", json_object_new_uint64(ub->rootbp.dva[i].asize));
			json_object_object_add(d, "gang", json_object_new_boolean(ub->rootbp.dva[i].gang));
			json_object_array_add(dvas, d);
		}
		json_object_object_add(bp, "dva", dvas);
		json_object_object_add(bp, "birth_txg", json_object_new_uint64(ub->rootbp.birth));
		json_object_object_add(bp, "fill", json_object_new_uint64(ub->rootbp.fill));
		json_object_object_add(bp, "lsize", json_object_new_uint64(ub->rootbp.lsize));
		json_object_object_add(bp, "psize", json_object_new_uint64(ub->rootbp.psize));
		json_object_object_add(bp, "level", json_object_new_uint64(ub->rootbp.level));
		json_object_object_add(o, "rootbp", bp);
		json_object_object_add(o, "software_version", json_object_new_uint64(ub->software_version));
		if (ub->mmp_valid) {
			json_object_object_add(o, "mmp_delay", json_object_new_uint64(ub->mmp_delay));
			json_object_object_add(o, "mmp_config", json_object_new_uint64(ub->mmp_config));
		}
		json_object_object_add(o, "checkpoint_txg", json_object_new_uint64(ub->checkpoint_txg));
	}
	return o;
}

static void zfs_to_json(json_object *dev, const struct rr_member *m)
{
	static const struct {
		unsigned bit;
		const char *key;
	} dis[] = {
		{ RR_ZFS_DIS_TXG, "txg" }, { RR_ZFS_DIS_POOL_GUID, "pool_guid" },
		{ RR_ZFS_DIS_GUID, "guid" }, { RR_ZFS_DIS_TOP_GUID, "top_guid" },
		{ RR_ZFS_DIS_NAME, "name" }, { RR_ZFS_DIS_VDEV_TREE, "vdev_tree" },
	};
	const struct rr_zfs_info *zi = m->zfs;
	const struct rr_zfs_config *c;
	json_object *o, *labels, *da;

	if (!zi)
		return;
	o = json_object_new_object();
	c = zi->config;
	if (c) {
		add_str(o, "pool_name", c->name);
		if (c->have & RR_ZFS_CFG_POOL_GUID)
			json_object_object_add(o, "pool_guid", guid_json(c->pool_guid));
		if (c->have & RR_ZFS_CFG_GUID)
			json_object_object_add(o, "guid", guid_json(c->guid));
		if (c->have & RR_ZFS_CFG_TOP_GUID)
			json_object_object_add(o, "top_guid", guid_json(c->top_guid));
		if (c->have & RR_ZFS_CFG_TXG)
			json_object_object_add(o, "txg", json_object_new_uint64(c->txg));
		if (c->have & RR_ZFS_CFG_VERSION)
			json_object_object_add(o, "version", json_object_new_uint64(c->version));
		if (c->have & RR_ZFS_CFG_STATE) {
			json_object_object_add(o, "state", json_object_new_uint64(c->state));
			json_object_object_add(o, "state_name", json_object_new_string(rr_zfs_pool_state_name(c->state)));
		}
		add_str(o, "hostname", c->hostname);
		if (c->have & RR_ZFS_CFG_HOSTID)
			json_object_object_add(o, "hostid", json_object_new_uint64(c->hostid));
		if (c->have & RR_ZFS_CFG_VDEV_CHILDREN)
			json_object_object_add(o, "vdev_children", json_object_new_uint64(c->vdev_children));
		if (c->have & RR_ZFS_CFG_VDEV_TREE)
			json_object_object_add(o, "vdev_tree", vdev_json(&c->vdev_tree));
		if (c->nfeatures) {
			json_object *f = json_object_new_array();

			for (size_t i = 0; i < c->nfeatures; i++)
				json_object_array_add(f, json_object_new_string(c->features_for_read[i]));
			json_object_object_add(o, "features_for_read", f);
		}
		json_object_object_add(o, "config_label", json_object_new_int(zi->config_label));
	}
	json_object_object_add(o, "byte_order", json_object_new_string(zi->big_endian ? "big" : "little"));
	json_object_object_add(o, "labels_valid", json_object_new_int((int)zi->nvalid));
	json_object_object_add(o, "labels_agree", json_object_new_boolean(!zi->disagree));
	da = json_object_new_array();
	for (size_t i = 0; i < sizeof(dis) / sizeof(dis[0]); i++)
		if (zi->disagree & dis[i].bit)
			json_object_array_add(da, json_object_new_string(dis[i].key));
	json_object_object_add(o, "disagree", da);
	labels = json_object_new_array();
	for (int i = 0; i < RR_ZFS_LABELS; i++) {
		const struct rr_zfs_label *l = &zi->labels[i];
		json_object *lo = json_object_new_object(), *ubs = json_object_new_array();

		json_object_object_add(lo, "index", json_object_new_int(i));
		json_object_object_add(lo, "offset_bytes", json_object_new_uint64(l->offset));
		json_object_object_add(lo, "state", json_object_new_string(label_state_key(l->state)));
		if (l->nvl_problem)
			json_object_object_add(lo, "problem", json_object_new_string(_(l->nvl_problem)));
		if (l->config.have & RR_ZFS_CFG_TXG)
			json_object_object_add(lo, "txg", json_object_new_uint64(l->config.txg));
		if (l->config.have & RR_ZFS_CFG_POOL_GUID)
			json_object_object_add(lo, "pool_guid", guid_json(l->config.pool_guid));
		if (l->config.have & RR_ZFS_CFG_GUID)
			json_object_object_add(lo, "guid", guid_json(l->config.guid));
		json_object_object_add(lo, "uberblock_slot_bytes", json_object_new_int((int)l->ub_slot_size));
		for (size_t u = 0; u < l->nubs; u++)
			json_object_array_add(ubs, ub_json(&l->ubs[u], -1));
		json_object_object_add(lo, "uberblocks", ubs);
		json_object_array_add(labels, lo);
	}
	json_object_object_add(o, "labels", labels);
	if (zi->have_active)
		json_object_object_add(o, "active_uberblock", ub_json(&zi->active, zi->active_label));
	json_object_object_add(dev, "zfs", o);
}

static char *zfs_summary(const struct rr_member *m)
{
	const struct rr_zfs_info *zi = m->zfs;
	const struct rr_zfs_config *c;

	if (!zi)
		return NULL;
	c = zi->config;
	if (!c)
		return rr_xasprintf(_("damaged ZFS labels (0/%d valid)"), RR_ZFS_LABELS);
	if (c->name) {
		char *name = safe_dup(c->name), *s;

		s = rr_xasprintf(_("ZFS label of pool %s (guid %" PRIu64 "), txg %" PRIu64 ", %u/%d labels valid"),
				 name, c->pool_guid, c->txg, zi->nvalid, RR_ZFS_LABELS);
		free(name);
		return s;
	}
	return rr_xasprintf(_("ZFS label without a pool (state %s), %u/%d labels valid"),
			    rr_zfs_pool_state_name(c->state), zi->nvalid, RR_ZFS_LABELS);
}

const struct rr_probe rr_probe_zfs = {
	.name = "zfs",
	.probe = zfs_probe,
	.print = zfs_print,
	.to_json = zfs_to_json,
	.summary = zfs_summary,
	.release = zfs_release,
};
