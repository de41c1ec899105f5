/* The planner's evidence: what a candidate array holds where the candidate
 * says it must, and the self-locating structures found on single members.
 *
 * Every structure used here carries a check that garbage cannot pass by
 * chance: a checksum (ext4 metadata_csum / gdt_csum, XFS v5 crc, btrfs
 * crc32c, LVM2 crc, GPT crc32) or a field that names its own position (ext
 * s_block_group_nr, XFS AG seqno and v5 blkno / di_ino, btrfs bytenr, LVM2
 * sector_xl and mda start, GPT my_lba).  A candidate that puts the member
 * blocks in the wrong places reads other blocks there, and the checks fail.
 *
 * Nothing read is trusted: every count and offset is bounded before use.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "core/plan_int.h"
#include "core/units.h"
#include "probes/endian.h"
#include "probes/lvm2.h"

#define SECTOR 512u

/* ---- checksums ------------------------------------------------------------ */

static uint32_t crc32c_tab[256], crc32_tab[256];
static uint16_t crc16_tab[256];

__attribute__((constructor)) static void pl_crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i, z = i;
		uint16_t h = (uint16_t)i;

		for (int k = 0; k < 8; k++) {
			c = c & 1 ? 0x82f63b78u ^ (c >> 1) : c >> 1;
			z = z & 1 ? 0xedb88320u ^ (z >> 1) : z >> 1;
			h = h & 1 ? (uint16_t)(0xa001u ^ (h >> 1)) : (uint16_t)(h >> 1);
		}
		crc32c_tab[i] = c;
		crc32_tab[i] = z;
		crc16_tab[i] = h;
	}
}

uint32_t pl_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--)
		crc = crc32c_tab[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

/* zlib's crc32 (GPT). */
static uint32_t crc32_z(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = ~0u;

	while (len--)
		crc = crc32_tab[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* crc16 as ext4's gdt_csum uses it (reflected 0x8005). */
static uint16_t crc16(uint16_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--)
		crc = (uint16_t)(crc16_tab[(crc ^ *p++) & 0xff] ^ (crc >> 8));
	return crc;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- reading a candidate array ------------------------------------------------ */

static int member_rd(void *ctx, unsigned disk, uint64_t off, void *buf, size_t len)
{
	struct pl_array *a = ctx;
	const struct pl_src *s = a->src;
	int m;
	uint64_t o;

	if (disk >= a->g.ndisks)
		return -EINVAL;
	m = a->slot[disk];
	if (m < 0 || (size_t)m >= s->nmembers)
		return -ENXIO;
	o = off + a->doff[disk];
	if (o < off)
		return -ERANGE;
	if (s->buf) {
		if (!s->buf[m] || o > s->buflen[m] || len > s->buflen[m] - o)
			return -ENODATA;
		memcpy(buf, s->buf[m] + o, len);
		return 0;
	}
	if (!s->read)
		return -ENODATA;
	if (s->bytes)
		__atomic_fetch_add(&s->bytes[m], (uint64_t)len, __ATOMIC_RELAXED);
	return s->read(s->ctx, (size_t)m, o, buf, len);
}

int pl_array_init(struct pl_array *a, const struct rr_candidate *c,
		  const struct pl_src *src, const uint64_t *member_bytes)
{
	uint64_t dev = UINT64_MAX, cs = (uint64_t)c->chunk_kib * 2;

	memset(a, 0, sizeof(*a));
	if (!c->ndisks || c->ndisks > RR_CAND_MAX_SLOTS)
		return -EINVAL;
	a->src = src;
	a->slot = c->slot;
	a->g.level = c->level;
	a->g.layout = c->layout;
	a->g.chunk_sectors = (unsigned)cs;
	a->g.ndisks = c->ndisks;
	for (unsigned i = 0; i < c->ndisks; i++) {
		int m = c->slot[i];

		a->doff[i] = c->data_offset[i] * SECTOR;
		a->missing[i] = m == RR_CAND_MISSING;
		if (m < 0)
			continue;
		if ((size_t)m >= src->nmembers)
			return -EINVAL;
		if (member_bytes[m] <= a->doff[i])
			return -EINVAL;
		if ((member_bytes[m] - a->doff[i]) / SECTOR < dev)
			dev = (member_bytes[m] - a->doff[i]) / SECTOR;
	}
	if (dev == UINT64_MAX)
		return -EINVAL;
	if (c->dev_sectors && c->dev_sectors <= dev)
		dev = c->dev_sectors;
	else if (cs && c->level != RR_RAID1 && c->level != RR_LINEAR)
		dev -= dev % cs;
	a->g.dev_sectors = dev;
	if (rr_layout_check(&a->g))
		return -EINVAL;
	a->size = rr_layout_array_sectors(&a->g) * SECTOR;
	return a->size ? 0 : -EINVAL;
}

int pl_array_read(struct pl_array *a, uint64_t off, void *buf, size_t len)
{
	if (off > a->size || len > a->size - off)
		return -ERANGE;
	return rr_layout_read(&a->g, a->missing, member_rd, a, off, buf, len);
}

/* ---- volumes inside the array ----------------------------------------------------- */

#define VOL_SEGS 8

/* A volume: contiguous pieces of the array (a partition: one; an LV: one
 * per linear segment). */
struct vol {
	uint64_t len;
	size_t nseg;
	struct { uint64_t vstart, len, astart; } seg[VOL_SEGS];
	char name[96];
};

struct ev {
	struct pl_array *a;
	struct rr_candidate *c;
	double score;
	unsigned checks;
	unsigned depth;
};

static int vol_read(struct ev *e, const struct vol *v, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (off > v->len || len > v->len - off)
		return -ERANGE;
	while (len) {
		size_t i, n;

		for (i = 0; i < v->nseg; i++)
			if (off >= v->seg[i].vstart && off - v->seg[i].vstart < v->seg[i].len)
				break;
		if (i == v->nseg)
			return -ERANGE;
		n = len;
		if (n > v->seg[i].len - (off - v->seg[i].vstart))
			n = (size_t)(v->seg[i].len - (off - v->seg[i].vstart));
		int r = pl_array_read(e->a, v->seg[i].astart + (off - v->seg[i].vstart), p, n);
		if (r)
			return r;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

static const char *vol_where(const struct vol *v, char *buf, size_t n)
{
	char sz[32];

	rr_format_size(v->seg[0].astart, sz, sizeof(sz));
	if (v->name[0])
		snprintf(buf, n, _("at array offset %s (%s)"), sz, v->name);
	else
		snprintf(buf, n, _("at array offset %s"), sz);
	return buf;
}

/* ---- ext2/3/4 ------------------------------------------------------------------------ */

#define EXT_MAGIC 0xef53
#define EXT_INCOMPAT_64BIT 0x80
#define EXT_INCOMPAT_CSUM_SEED 0x2000
#define EXT_RO_SPARSE 0x1
#define EXT_RO_GDT_CSUM 0x10
#define EXT_RO_METADATA_CSUM 0x400
#define EXT_COMPAT_SPARSE2 0x200

struct ext_geo {
	uint32_t bs, bpg, ipg, isz, fdb, desc, compat, incompat, ro;
	uint64_t blocks, ngroups;
	uint8_t uuid[16];
	uint32_t seed;
	uint32_t backup_bgs[2];
	char label[17];
};

static bool ext_parse(const uint8_t *sb, struct ext_geo *x)
{
	uint32_t log;

	if (rr_le16(sb + 0x38) != EXT_MAGIC)
		return false;
	log = rr_le32(sb + 0x18);
	if (log > 6)
		return false;
	x->bs = 1024u << log;
	x->bpg = rr_le32(sb + 0x20);
	x->ipg = rr_le32(sb + 0x28);
	x->fdb = rr_le32(sb + 0x14);
	if (x->bpg < 8 || x->bpg > 8 * x->bs || !x->ipg || x->ipg > 8 * x->bs || x->fdb != (x->bs == 1024))
		return false;
	x->compat = rr_le32(sb + 0x5c);
	x->incompat = rr_le32(sb + 0x60);
	x->ro = rr_le32(sb + 0x64);
	x->isz = rr_le32(sb + 0x4c) ? rr_le16(sb + 0x58) : 128;
	if (x->isz < 128 || x->isz > x->bs || (x->isz & (x->isz - 1)))
		return false;
	x->blocks = rr_le32(sb + 0x04);
	x->desc = 32;
	if (x->incompat & EXT_INCOMPAT_64BIT) {
		x->blocks |= (uint64_t)rr_le32(sb + 0x150) << 32;
		x->desc = rr_le16(sb + 0xfe);
		if (x->desc < 32 || x->desc > 1024 || (x->desc & (x->desc - 1)))
			return false;
	}
	if (x->blocks <= x->fdb || x->blocks > (1ull << 48))
		return false;
	x->ngroups = (x->blocks - x->fdb + x->bpg - 1) / x->bpg;
	memcpy(x->uuid, sb + 0x68, 16);
	memcpy(x->label, sb + 0x78, 16);
	x->label[16] = '\0';
	x->seed = (x->incompat & EXT_INCOMPAT_CSUM_SEED) ? rr_le32(sb + 0x270)
							 : pl_crc32c(~0u, x->uuid, 16);
	x->backup_bgs[0] = rr_le32(sb + 0x24c);
	x->backup_bgs[1] = rr_le32(sb + 0x250);
	return true;
}

static bool is_power(uint64_t g, uint64_t b)
{
	while (g > 1 && g % b == 0)
		g /= b;
	return g == 1;
}

static bool ext_has_backup(const struct ext_geo *x, uint64_t g)
{
	if (g == 0)
		return true;
	if (x->compat & EXT_COMPAT_SPARSE2)
		return g == x->backup_bgs[0] || g == x->backup_bgs[1];
	if (!(x->ro & EXT_RO_SPARSE))
		return true;
	return g == 1 || is_power(g, 3) || is_power(g, 5) || is_power(g, 7);
}

static bool ext_gd_ok(const struct ext_geo *x, const uint8_t *d, uint32_t group)
{
	uint8_t le[4] = { (uint8_t)group, (uint8_t)(group >> 8), (uint8_t)(group >> 16), (uint8_t)(group >> 24) };
	uint16_t stored = rr_le16(d + 0x1e), zero = 0;

	if (x->ro & EXT_RO_METADATA_CSUM) {
		uint32_t c = pl_crc32c(x->seed, le, 4);

		c = pl_crc32c(c, d, 0x1e);
		c = pl_crc32c(c, &zero, 2);
		c = pl_crc32c(c, d + 0x20, x->desc - 0x20);
		return (uint16_t)(c & 0xffff) == stored;
	}
	uint16_t c = crc16(0xffff, x->uuid, 16);

	c = crc16(c, le, 4);
	c = crc16(c, d, 0x1e);
	if (x->desc > 0x20)
		c = crc16(c, d + 0x20, x->desc - 0x20);
	return c == stored;
}

static bool ext_inode_ok(const struct ext_geo *x, const uint8_t *ino, uint32_t inum)
{
	uint8_t le[4] = { (uint8_t)inum, (uint8_t)(inum >> 8), (uint8_t)(inum >> 16), (uint8_t)(inum >> 24) };
	uint16_t zero = 0, extra = x->isz > 128 ? rr_le16(ino + 0x80) : 0;
	uint32_t c, want;
	bool hi = x->isz > 128 && extra >= 4;

	c = pl_crc32c(x->seed, le, 4);
	c = pl_crc32c(c, ino + 0x64, 4);	/* i_generation */
	c = pl_crc32c(c, ino, 0x7c);
	c = pl_crc32c(c, &zero, 2);
	c = pl_crc32c(c, ino + 0x7e, 128 - 0x7e);
	if (x->isz > 128) {
		c = pl_crc32c(c, ino + 128, 2);
		if (hi) {
			c = pl_crc32c(c, &zero, 2);
			c = pl_crc32c(c, ino + 0x84, x->isz - 0x84);
		} else {
			c = pl_crc32c(c, ino + 0x82, x->isz - 0x82);
		}
	}
	want = rr_le16(ino + 0x7c);
	if (hi)
		return c == (want | (uint32_t)rr_le16(ino + 0x82) << 16);
	return (c & 0xffff) == want;
}

#define EXT_MAX_GROUPS 64
#define EXT_INODES_PER_GROUP 32
#define EXT_MAX_DIRS 48

/* First physical block of a directory inode (extent tree of depth 0 or 1
 * -- the leaf read and checked -- or the ext2/3 block map); 0 if none. */
static uint64_t ext_dir_block(struct ev *e, const struct vol *v, const struct ext_geo *x,
			      const uint8_t *ino, unsigned *ok, unsigned *bad)
{
	const uint8_t *ib = ino + 0x28;
	uint8_t *leaf;
	uint64_t blk = 0;

	if (!(rr_le32(ino + 0x20) & 0x80000))
		return rr_le32(ib);	/* block map: i_block[0] */
	if (rr_le16(ib) != 0xf30a || !rr_le16(ib + 2) || rr_le16(ib + 2) > 4)
		return 0;
	if (rr_le16(ib + 6) == 0)
		return (uint64_t)rr_le16(ib + 12 + 6) << 32 | rr_le32(ib + 12 + 8);
	if (rr_le16(ib + 6) > 5)
		return 0;
	/* one level of index: the leaf block carries the extent magic */
	blk = (uint64_t)rr_le16(ib + 12 + 8) << 32 | rr_le32(ib + 12 + 4);
	if (!blk || blk >= x->blocks || blk * x->bs + x->bs > v->len)
		return 0;
	leaf = rr_xmalloc(x->bs);
	e->checks++;
	if (vol_read(e, v, blk * x->bs, leaf, x->bs)) {
		blk = 0;
	} else if (rr_le16(leaf) != 0xf30a || !rr_le16(leaf + 2) || rr_le16(leaf + 6) != 0) {
		(*bad)++;
		blk = 0;
	} else {
		(*ok)++;
		blk = (uint64_t)rr_le16(leaf + 12 + 6) << 32 | rr_le32(leaf + 12 + 8);
	}
	free(leaf);
	return blk;
}

/* A directory's first block: "." naming the directory itself, then "..";
 * with metadata_csum, the leaf's checksum tail too. */
static void ext_dir_check(struct ev *e, const struct vol *v, const struct ext_geo *x,
			  const uint8_t *ino, uint32_t inum, unsigned *ok, unsigned *bad)
{
	uint64_t blk = ext_dir_block(e, v, x, ino, ok, bad);
	uint8_t *b;
	uint16_t rl;

	if (!blk || blk >= x->blocks || blk * x->bs + x->bs > v->len)
		return;
	b = rr_xmalloc(x->bs);
	e->checks++;
	if (vol_read(e, v, blk * x->bs, b, x->bs)) {
		free(b);
		return;
	}
	rl = rr_le16(b + 4);
	if (rr_le32(b) != inum || b[6] != 1 || b[8] != '.' || rl < 12 || rl > x->bs - 12 ||
	    b[rl + 6] != 2 || b[rl + 8] != '.' || b[rl + 9] != '.') {
		(*bad)++;
		free(b);
		return;
	}
	(*ok)++;
	/* a leaf block (not an htree root) ends in a checksum tail */
	if ((x->ro & EXT_RO_METADATA_CSUM) && rr_le16(b + x->bs - 8) == 12 && b[x->bs - 5] == 0xde) {
		uint8_t le[4] = { (uint8_t)inum, (uint8_t)(inum >> 8), (uint8_t)(inum >> 16), (uint8_t)(inum >> 24) };
		uint32_t c = pl_crc32c(x->seed, le, 4);

		c = pl_crc32c(c, ino + 0x64, 4);
		c = pl_crc32c(c, b, x->bs - 12);
		e->checks++;
		if (c == rr_le32(b + x->bs - 4))
			(*ok)++;
		else
			(*bad)++;
	}
	free(b);
}

static bool ev_ext(struct ev *e, const struct vol *v)
{
	uint8_t sb[1024], *gdt, bsb[1024], *itab;
	struct ext_geo x;
	unsigned bk_ok = 0, bk_bad = 0, gd_ok = 0, gd_bad = 0, in_ok = 0, in_bad = 0;
	unsigned dir_ok = 0, dir_bad = 0, ndirs = 0, rg_ok = 0, rg_bad = 0;
	uint64_t ngd;
	size_t gdt_len;
	bool csum_sb = false, sb_ok = true;
	char where[160], groups[128] = "";
	size_t gl = 0;

	if (vol_read(e, v, 1024, sb, sizeof(sb)) || !ext_parse(sb, &x))
		return false;
	e->checks++;
	e->score += 4;
	if (x.ro & EXT_RO_METADATA_CSUM) {
		csum_sb = true;
		sb_ok = pl_crc32c(~0u, sb, 0x3fc) == rr_le32(sb + 0x3fc);
		e->score += sb_ok ? 2 : -2;
	}
	/* Backup superblocks: where this geometry puts the group boundaries. */
	for (uint64_t g = 1, tried = 0; g < x.ngroups && tried < (e->a->quick ? 3u : 12u); g++) {
		uint64_t pos;

		if (!ext_has_backup(&x, g))
			continue;
		pos = (x.fdb + g * x.bpg) * (uint64_t)x.bs;
		if (pos + 1024 > v->len)
			break;
		tried++;
		e->checks++;
		if (vol_read(e, v, pos, bsb, sizeof(bsb)))
			continue;
		if (rr_le16(bsb + 0x38) == EXT_MAGIC && !memcmp(bsb + 0x68, x.uuid, 16) &&
		    (g > 0xffff || rr_le16(bsb + 0x5a) == g)) {
			bk_ok++;
			if (gl < sizeof(groups) - 16)
				gl += (size_t)snprintf(groups + gl, sizeof(groups) - gl, ", %" PRIu64, g);
		} else {
			bk_bad++;
		}
	}
	e->score += 3.0 * bk_ok - 3.0 * bk_bad;

	/* Reserved GDT blocks (resize_inode): each lists where its own copies
	 * in the backup groups are, so block k starts with k + blocks per
	 * group.  They fill the stripes right after the group descriptors. */
	if ((x.compat & 0x10) && !(x.compat & EXT_COMPAT_SPARSE2) && !(x.incompat & 0x10) && x.ngroups > 1) {
		uint64_t gdtb = (x.ngroups * x.desc + x.bs - 1) / x.bs, start = x.fdb + 1 + gdtb;
		uint32_t R = rr_le16(sb + 0xce), lim = e->a->quick ? 16 : 64, stepr = R > lim ? R / lim : 1;

		for (uint32_t j = 0; j < R; j += stepr) {
			uint8_t w[4];
			uint64_t blk = start + j;

			if (blk * x.bs + 4 > v->len || blk + x.bpg > 0xffffffffull)
				break;
			e->checks++;
			if (vol_read(e, v, blk * x.bs, w, sizeof(w)))
				continue;
			if (rr_le32(w) == blk + x.bpg)
				rg_ok++;
			else
				rg_bad++;
		}
		e->score += 1.0 * rg_ok - 2.0 * rg_bad;
	}

	/* Group descriptors (right after the primary superblock) and the
	 * first inodes of each group's table, by their checksums. */
	ngd = x.ngroups < EXT_MAX_GROUPS ? x.ngroups : EXT_MAX_GROUPS;
	if (e->a->quick)
		ngd = ngd < 4 ? ngd : 4;
	gdt_len = (size_t)(ngd * x.desc);
	gdt = rr_xmalloc(gdt_len);
	itab = rr_xmalloc((size_t)EXT_INODES_PER_GROUP * x.isz);
	if (!vol_read(e, v, (uint64_t)(x.fdb + 1) * x.bs, gdt, gdt_len) &&
	    (x.ro & (EXT_RO_METADATA_CSUM | EXT_RO_GDT_CSUM))) {
		for (uint64_t g = 0; g < ngd; g++) {
			const uint8_t *d = gdt + g * x.desc;
			uint64_t itable;
			uint32_t unused, used;

			e->checks++;
			if (!ext_gd_ok(&x, d, (uint32_t)g)) {
				gd_bad++;
				continue;
			}
			gd_ok++;
			if (!(x.ro & EXT_RO_METADATA_CSUM) || (rr_le16(d + 0x12) & 1) || e->a->quick)
				continue;	/* no inode checksums / INODE_UNINIT */
			itable = rr_le32(d + 0x08);
			unused = rr_le16(d + 0x1c);
			if (x.desc >= 64) {
				itable |= (uint64_t)rr_le32(d + 0x28) << 32;
				unused |= (uint32_t)rr_le16(d + 0x32) << 16;
			}
			used = unused < x.ipg ? x.ipg - unused : 0;
			if (used > EXT_INODES_PER_GROUP)
				used = EXT_INODES_PER_GROUP;
			if (!used || itable >= x.blocks ||
			    itable * x.bs + (uint64_t)used * x.isz > v->len ||
			    vol_read(e, v, itable * x.bs, itab, (size_t)used * x.isz))
				continue;
			for (uint32_t i = 0; i < used; i++) {
				const uint8_t *ino = itab + (size_t)i * x.isz;

				if (all_zero(ino, x.isz))
					continue;
				e->checks++;
				if (!ext_inode_ok(&x, ino, (uint32_t)(g * x.ipg + i + 1))) {
					in_bad++;
					continue;
				}
				in_ok++;
				if ((rr_le16(ino) & 0xf000) == 0x4000 && rr_le16(ino + 0x1a) && ndirs < EXT_MAX_DIRS) {
					ndirs++;
					ext_dir_check(e, v, &x, ino, (uint32_t)(g * x.ipg + i + 1), &dir_ok, &dir_bad);
				}
			}
		}
	}
	free(gdt);
	free(itab);
	e->score += 0.5 * gd_ok - 1.5 * gd_bad + 0.5 * in_ok - 1.5 * in_bad + 2.0 * dir_ok - 3.0 * dir_bad;
	if (e->c) {
		char fs[64];

		if (x.label[0])
			snprintf(fs, sizeof(fs), "ext%s \"%s\"", (x.incompat & 0x40) ? "4" : "2/3", x.label);
		else
			snprintf(fs, sizeof(fs), "ext%s", (x.incompat & 0x40) ? "4" : "2/3");
		vol_where(v, where, sizeof(where));
		rr_candidate_add_reason(e->c, _("%s %s: superblock%s; backup copies where this geometry puts them: %u of %u%s%s"),
					fs, where, csum_sb ? (sb_ok ? _(" (checksum correct)") : _(" (checksum WRONG)")) : "",
					bk_ok, bk_ok + bk_bad, bk_ok ? _(", groups") : "", bk_ok ? groups + 1 : "");
		if (gd_ok + gd_bad || in_ok + in_bad)
			rr_candidate_add_reason(e->c, _("%s: %u of %u group descriptor checksums and %u of %u inode checksums verify"),
						fs, gd_ok, gd_ok + gd_bad, in_ok, in_ok + in_bad);
		if (rg_ok + rg_bad)
			rr_candidate_add_reason(e->c, _("%s: %u of %u reserved group-descriptor blocks name their own backups where expected"),
						fs, rg_ok, rg_ok + rg_bad);
		if (dir_ok + dir_bad)
			rr_candidate_add_reason(e->c, _("%s: %u of %u directory block checks pass where the inodes point (\".\" and \"..\" entries, checksums)"),
						fs, dir_ok, dir_ok + dir_bad);
	}
	return true;
}

/* ---- XFS ------------------------------------------------------------------------------- */

#define XFS_MAX_AGS 64

static bool ev_xfs(struct ev *e, const struct vol *v)
{
	uint8_t sb[512], h[512];
	uint32_t bs, agblocks, agcount, sect;
	uint64_t agbytes;
	unsigned ok = 0, bad = 0, n;
	bool v5, crc_ok = true;
	char where[160];

	if (vol_read(e, v, 0, sb, sizeof(sb)) || memcmp(sb, "XFSB", 4))
		return false;
	bs = rr_be32(sb + 4);
	agblocks = rr_be32(sb + 84);
	agcount = rr_be32(sb + 88);
	sect = rr_be16(sb + 102);
	v5 = (rr_be16(sb + 100) & 0xf) == 5;
	if (bs < 512 || bs > 65536 || (bs & (bs - 1)) || sect < 512 || sect > 32768 ||
	    (sect & (sect - 1)) || !agblocks || !agcount || sect > bs)
		return false;
	e->checks++;
	e->score += 4;
	if (v5 && sect <= sizeof(sb)) {
		uint8_t tmp[512];

		memcpy(tmp, sb, sect);
		memset(tmp + 224, 0, 4);
		crc_ok = ~pl_crc32c(~0u, tmp, sect) == rr_le32(sb + 224);
		e->score += crc_ok ? 2 : -2;
	}
	agbytes = (uint64_t)agblocks * bs;
	n = agcount < XFS_MAX_AGS ? agcount : XFS_MAX_AGS;
	for (uint32_t ag = 0; ag < n; ag++) {
		uint64_t base = ag * agbytes;

		if (base + 3 * (uint64_t)sect > v->len)
			break;
		/* AGF in sector 1 and AGI in sector 2 of every AG name their AG */
		for (int k = 1; k <= 2; k++) {
			e->checks++;
			if (vol_read(e, v, base + (uint64_t)k * sect, h, sizeof(h)))
				continue;
			if (!memcmp(h, k == 1 ? "XAGF" : "XAGI", 4) && rr_be32(h + 8) == ag)
				ok++;
			else
				bad++;
		}
		if (ag && !vol_read(e, v, base, h, sizeof(h))) {
			e->checks++;
			if (!memcmp(h, "XFSB", 4) && !memcmp(h + 32, sb + 32, 16))
				ok++;
			else
				bad++;
		}
	}
	e->score += 1.5 * ok - 1.5 * bad;
	if (e->c) {
		char label[13];

		memcpy(label, sb + 108, 12);
		label[12] = '\0';
		vol_where(v, where, sizeof(where));
		rr_candidate_add_reason(e->c, _("XFS%s%s%s %s: superblock%s; %u of %u allocation-group headers where this geometry puts them"),
					label[0] ? " \"" : "", label, label[0] ? "\"" : "", where,
					v5 ? (crc_ok ? _(" (checksum correct)") : _(" (checksum WRONG)")) : "", ok, ok + bad);
	}
	return true;
}

/* ---- btrfs ------------------------------------------------------------------------------ */

static bool ev_btrfs(struct ev *e, const struct vol *v)
{
	static const uint64_t mirrors[] = { 65536, 64ull << 20, 256ull << 30 };
	uint8_t *sb = rr_xmalloc(4096);
	unsigned ok = 0, bad = 0;
	bool crc_ok = false, found = false;
	char where[160];

	for (size_t i = 0; i < sizeof(mirrors) / sizeof(mirrors[0]); i++) {
		if (mirrors[i] + 4096 > v->len)
			break;
		if (vol_read(e, v, mirrors[i], sb, 4096))
			continue;
		if (memcmp(sb + 64, "_BHRfS_M", 8) || rr_le64(sb + 48) != mirrors[i]) {
			if (i == 0)
				break;
			e->checks++;
			bad++;
			continue;
		}
		e->checks++;
		ok++;
		if (i == 0) {
			found = true;
			crc_ok = rr_le16(sb + 0xc4) != 0 || ~pl_crc32c(~0u, sb + 32, 4096 - 32) == rr_le32(sb);
		}
	}
	free(sb);
	if (!found)
		return false;
	e->score += 4.0 * ok - 3.0 * bad + (crc_ok ? 2 : -2);
	if (e->c) {
		vol_where(v, where, sizeof(where));
		rr_candidate_add_reason(e->c, _("btrfs %s: %u of %u superblock mirrors where this geometry puts them%s"),
					where, ok, ok + bad, crc_ok ? "" : _(" (checksum WRONG)"));
	}
	return true;
}

/* ---- LVM2 --------------------------------------------------------------------------------- */

static void ev_volume(struct ev *e, const struct vol *v);

#define LVM_MDA_MAGIC " LVM2 x[5A%r0N*>"
#define LVM_MAX_TEXT (1u << 20)

/* Reads the committed metadata text of the mda at mda_off (bytes in v). */
static char *lvm_text(struct ev *e, const struct vol *v, uint64_t mda_off, uint64_t mda_size,
		      size_t *len, bool *crc_ok)
{
	uint8_t h[512];
	uint64_t off, size;
	uint32_t crc;
	char *t;

	if (mda_size < 1024 || vol_read(e, v, mda_off, h, sizeof(h)) || memcmp(h + 4, LVM_MDA_MAGIC, 16) ||
	    rr_le64(h + 24) != mda_off)
		return NULL;
	off = rr_le64(h + 40);
	size = rr_le64(h + 48);
	crc = rr_le32(h + 56);
	if (!off || off < 512 || off >= mda_size || size < 2 || size > LVM_MAX_TEXT || size > mda_size - 512)
		return NULL;
	t = rr_xmalloc((size_t)size + 1);
	if (off + size <= mda_size) {
		if (vol_read(e, v, mda_off + off, t, (size_t)size))
			goto fail;
	} else {
		size_t first = (size_t)(mda_size - off);

		/* the circular buffer wraps round to just after the header */
		if (vol_read(e, v, mda_off + off, t, first) ||
		    vol_read(e, v, mda_off + 512, t + first, (size_t)size - first))
			goto fail;
	}
	*crc_ok = rr_lvm_crc(RR_LVM_INITIAL_CRC, t, (size_t)size) == crc;
	t[size] = '\0';
	*len = strnlen(t, (size_t)size);
	return t;
fail:
	free(t);
	return NULL;
}

static bool ev_lvm(struct ev *e, const struct vol *v)
{
	uint8_t s[512];
	unsigned k;
	uint32_t hoff;
	const uint8_t *ph, *end;
	uint64_t mda_off = 0, mda_size = 0;
	char id[RR_LVM_ID_LEN + 1], dashed[RR_LVM_ID_DASHED + 1], where[160];
	char *text, *why = NULL;
	size_t len = 0;
	bool crc_ok = false;
	struct rr_lvm_vg vg;
	long self;
	unsigned nlv = 0;

	for (k = 0; k < 4; k++) {
		if (vol_read(e, v, (uint64_t)k * 512, s, sizeof(s)))
			return false;
		if (!memcmp(s, "LABELONE", 8))
			break;
	}
	if (k == 4 || rr_le64(s + 8) != k || memcmp(s + 24, "LVM2 001", 8) ||
	    rr_lvm_crc(RR_LVM_INITIAL_CRC, s + 20, 512 - 20) != rr_le32(s + 16))
		return false;
	hoff = rr_le32(s + 20);
	if (hoff < 32 || hoff > 512 - 32 - 8 - 16)
		return false;
	e->checks++;
	e->score += 4;
	ph = s + hoff;
	memcpy(id, ph, RR_LVM_ID_LEN);
	id[RR_LVM_ID_LEN] = '\0';
	rr_lvm_uuid_dashed(id, dashed);
	/* data areas, then metadata areas, each list ended by a zero pair */
	end = s + 512;
	ph += 40;
	while (ph + 16 <= end && rr_le64(ph))
		ph += 16;
	ph += 16;
	if (ph + 16 <= end && rr_le64(ph)) {
		mda_off = rr_le64(ph);
		mda_size = rr_le64(ph + 8);
	}
	if (!mda_off || mda_off > v->len || mda_size > v->len - mda_off)
		return true;
	text = lvm_text(e, v, mda_off, mda_size, &len, &crc_ok);
	if (!text)
		return true;
	e->checks++;
	e->score += crc_ok ? 3 : -3;
	if (!crc_ok || rr_lvm_meta_parse(text, len, &vg, &why)) {
		free(why);
		free(text);
		return true;
	}
	free(text);
	self = rr_lvm_vg_find_pv_by_id(&vg, dashed);
	if (e->c) {
		vol_where(v, where, sizeof(where));
		rr_candidate_add_reason(e->c, _("LVM2 physical volume of VG \"%s\" %s: label and metadata checksums correct, %zu logical volumes"),
					vg.name ? vg.name : "?", where, vg.nlvs);
	}
	/* The logical volumes, as far as they are linear pieces of this PV. */
	if (self >= 0 && v->nseg == 1 && e->depth < 2) {
		const struct rr_lvm_pv *pv = &vg.pvs[self];

		for (size_t l = 0; l < vg.nlvs && nlv < 8; l++) {
			const struct rr_lvm_lv *lv = &vg.lvs[l];
			struct vol lvv = { 0 };
			bool ok = lv->nsegs > 0;

			for (size_t g = 0; g < lv->nsegs && ok; g++) {
				const struct rr_lvm_seg *sg = &lv->segs[g];
				uint64_t pvoff;

				if (!sg->handled || sg->stripe_count != 1 || sg->nareas != 1 ||
				    sg->areas[0].kind != RR_LVM_AREA_PV || sg->areas[0].index != (size_t)self ||
				    lvv.nseg == VOL_SEGS || vg.extent_size > (1ull << 40) / 512) {
					ok = false;
					break;
				}
				pvoff = (pv->pe_start + sg->areas[0].start * vg.extent_size) * 512;
				lvv.seg[lvv.nseg].vstart = sg->start_extent * vg.extent_size * 512;
				lvv.seg[lvv.nseg].len = sg->extent_count * vg.extent_size * 512;
				lvv.seg[lvv.nseg].astart = v->seg[0].astart + pvoff;
				if (pvoff > v->len)
					ok = false;
				lvv.len += lvv.seg[lvv.nseg].len;
				lvv.nseg++;
			}
			if (!ok)
				continue;
			snprintf(lvv.name, sizeof(lvv.name), _("LV %s/%s"), vg.name ? vg.name : "?", lv->name ? lv->name : "?");
			nlv++;
			e->depth++;
			ev_volume(e, &lvv);
			e->depth--;
		}
	}
	rr_lvm_vg_free(&vg);
	return true;
}

/* ---- partition tables ---------------------------------------------------------------------- */

static void sub_volume(struct ev *e, const struct vol *v, uint64_t start, uint64_t len, const char *name)
{
	struct vol p = { .len = len, .nseg = 1 };

	if (v->nseg != 1 || start >= v->len || len > v->len - start || !len)
		return;
	p.seg[0].vstart = 0;
	p.seg[0].len = len;
	p.seg[0].astart = v->seg[0].astart + start;
	snprintf(p.name, sizeof(p.name), "%s", name);
	e->depth++;
	ev_volume(e, &p);
	e->depth--;
}

static bool ev_gpt(struct ev *e, const struct vol *v)
{
	uint8_t h[512], *ents;
	uint32_t hsz, n, esz;
	uint64_t elba;
	unsigned parts = 0;
	char name[32];

	if (vol_read(e, v, 512, h, sizeof(h)) || memcmp(h, "EFI PART", 8))
		return false;
	hsz = rr_le32(h + 12);
	if (hsz < 92 || hsz > 512 || rr_le64(h + 24) != 1)
		return false;
	{
		uint8_t tmp[512];
		uint32_t crc = rr_le32(h + 16);

		memcpy(tmp, h, hsz);
		memset(tmp + 16, 0, 4);
		e->checks++;
		if (crc32_z(tmp, hsz) != crc) {
			e->score -= 3;
			return true;
		}
	}
	e->score += 4;
	elba = rr_le64(h + 72);
	n = rr_le32(h + 80);
	esz = rr_le32(h + 84);
	if (n > 128)
		n = 128;
	if (esz < 128 || esz > 1024 || elba > v->len / 512)
		return true;
	ents = rr_xmalloc((size_t)n * esz);
	if (!vol_read(e, v, elba * 512, ents, (size_t)n * esz)) {
		if (e->c)
			rr_candidate_add_reason(e->c, "%s", _("GPT partition table at the start of the array (header checksum correct)"));
		for (uint32_t i = 0; i < n && parts < 16; i++) {
			const uint8_t *p = ents + (size_t)i * esz;
			uint64_t first = rr_le64(p + 32), last = rr_le64(p + 40);

			if (all_zero(p, 16) || !first || last < first || last >= v->len / 512)
				continue;
			parts++;
			snprintf(name, sizeof(name), _("partition %u"), i + 1);
			sub_volume(e, v, first * 512, (last - first + 1) * 512, name);
		}
	}
	free(ents);
	return true;
}

static bool ev_mbr(struct ev *e, const struct vol *v)
{
	uint8_t s[512];
	unsigned parts = 0;
	char name[32];

	if (vol_read(e, v, 0, s, sizeof(s)) || s[510] != 0x55 || s[511] != 0xaa)
		return false;
	for (int i = 0; i < 4; i++) {
		const uint8_t *p = s + 446 + 16 * i;
		uint64_t start = rr_le32(p + 8), len = rr_le32(p + 12);

		if ((p[0] & 0x7f) || !p[4])
			continue;
		if (p[4] == 0xee)
			return false;	/* protective: the GPT decides */
		if (p[4] == 0x05 || p[4] == 0x0f || p[4] == 0x85)
			continue;
		if (!start || !len || start + len > v->len / 512)
			return false;
		parts++;
	}
	if (!parts)
		return false;
	e->checks++;
	e->score += 1;
	if (e->c)
		rr_candidate_add_reason(e->c, P_("MBR partition table at the start of the array, %u partition",
						 "MBR partition table at the start of the array, %u partitions", parts), parts);
	for (int i = 0; i < 4; i++) {
		const uint8_t *p = s + 446 + 16 * i;

		if (!p[4] || p[4] == 0x05 || p[4] == 0x0f || p[4] == 0x85)
			continue;
		snprintf(name, sizeof(name), _("partition %d"), i + 1);
		sub_volume(e, v, (uint64_t)rr_le32(p + 8) * 512, (uint64_t)rr_le32(p + 12) * 512, name);
	}
	return true;
}

static void ev_volume(struct ev *e, const struct vol *v)
{
	if (e->depth == 0 && (ev_gpt(e, v) || ev_mbr(e, v)))
		return;
	if (ev_lvm(e, v))
		return;
	if (ev_ext(e, v))
		return;
	if (ev_xfs(e, v))
		return;
	(void)ev_btrfs(e, v);
}

double pl_array_evidence(struct pl_array *a, struct rr_candidate *c, unsigned *checks)
{
	struct ev e = { .a = a, .c = c };
	struct vol v = { .len = a->size, .nseg = 1 };

	v.seg[0].len = a->size;
	ev_volume(&e, &v);
	if (checks)
		*checks = e.checks;
	return e.score;
}

/* ---- parity ------------------------------------------------------------------------------------ */

#define PARITY_SAMPLES 48
#define PARITY_BYTES 4096

void pl_array_parity(struct pl_array *a, uint64_t limit_bytes, unsigned *ok, unsigned *bad)
{
	uint64_t cs = (uint64_t)a->g.chunk_sectors * SECTOR, stripes;
	uint8_t *blk, *acc;
	unsigned n = a->g.ndisks;

	*ok = *bad = 0;
	if ((a->g.level != RR_RAID5 && a->g.level != RR_RAID6 && a->g.level != RR_RAID4) || !cs)
		return;
	for (unsigned i = 0; i < n; i++)
		if (a->missing[i])
			return;
	stripes = limit_bytes / cs;
	if (stripes > a->g.dev_sectors * SECTOR / cs)
		stripes = a->g.dev_sectors * SECTOR / cs;
	if (!stripes)
		return;
	blk = rr_xmalloc(PARITY_BYTES);
	acc = rr_xmalloc(PARITY_BYTES);
	for (unsigned k = 0; k < PARITY_SAMPLES && k < stripes; k++) {
		uint64_t s = stripes <= PARITY_SAMPLES ? k : stripes * k / PARITY_SAMPLES;
		bool nonzero = false, readable = true;

		memset(acc, 0, PARITY_BYTES);
		for (unsigned d = 0; d < n && readable; d++) {
			if (member_rd(a, d, s * cs, blk, PARITY_BYTES)) {
				readable = false;
				break;
			}
			if (!all_zero(blk, PARITY_BYTES))
				nonzero = true;
			for (unsigned i = 0; i < PARITY_BYTES; i++)
				acc[i] ^= blk[i];
		}
		if (!readable || !nonzero)
			continue;
		if (a->g.level == RR_RAID6) {
			struct rr_parity_stats st = { 0 };

			if (rr_layout_check_parity(&a->g, member_rd, a, s, 1, PARITY_BYTES, &st) || st.unreadable)
				continue;
			if (st.ok)
				(*ok)++;
			else
				(*bad)++;
		} else if (all_zero(acc, PARITY_BYTES)) {
			(*ok)++;
		} else {
			(*bad)++;
		}
	}
	free(blk);
	free(acc);
}

/* ---- sightings on single members ------------------------------------------------------------------ */

static unsigned family(struct pl_sights *s, enum pl_kind k, const uint8_t *id)
{
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].kind == k && !memcmp(s->f[i].id, id, 16))
			return (unsigned)i;
	if (s->nf == s->capf) {
		s->capf = s->capf ? 2 * s->capf : 8;
		s->f = rr_xrealloc(s->f, s->capf * sizeof(*s->f));
	}
	memset(&s->f[s->nf], 0, sizeof(s->f[0]));
	s->f[s->nf].kind = k;
	memcpy(s->f[s->nf].id, id, 16);
	return (unsigned)s->nf++;
}

#define MAX_SIGHTS (1u << 18)

static void sight(struct pl_sights *s, size_t member, uint64_t off, uint64_t pos, unsigned fam,
		  uint8_t xkind, uint64_t xval)
{
	if (s->n >= MAX_SIGHTS)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->s = rr_xrealloc(s->s, s->cap * sizeof(*s->s));
	}
	s->s[s->n++] = (struct pl_sight){ .member = member, .off = off, .pos = pos, .fam = fam,
					  .xkind = xkind, .xval = xval };
}

static void scan_xfs(const uint8_t *p, size_t room, size_t member, uint64_t off, struct pl_sights *s)
{
	static const char *const sbt[] = { "AB3B", "AB3C", "IAB3", "FIB3", "RMB3", "R3FC" };
	uint64_t blkno;

	if (!memcmp(p, "XFSB", 4)) {
		uint32_t bs = rr_be32(p + 4), ag = rr_be32(p + 84), sect = rr_be16(p + 102), isz = rr_be16(p + 104);
		uint8_t agl = p[124], ipl = p[123];
		unsigned f;


		if (bs < 512 || bs > 65536 || (bs & (bs - 1)) || !ag || sect < 512 || sect > bs ||
		    (sect & (sect - 1)) || isz < 256 || isz > bs || agl > 31 || ipl > 7)
			return;
		f = family(s, PL_XFS, p + 32);
		if (!s->f[f].xfs_geo) {
			s->f[f].xfs_geo = true;
			s->f[f].xfs_blocksize = bs;
			s->f[f].xfs_agblocks = ag;
			s->f[f].xfs_sectsize = sect;
			s->f[f].xfs_inodesize = isz;
			s->f[f].xfs_agblklog = agl;
			s->f[f].xfs_inopblog = ipl;
		}
		return;
	}
	if (!memcmp(p, "XAGF", 4) && !all_zero(p + 64, 16)) {
		sight(s, member, off, 0, family(s, PL_XFS, p + 64), 1, rr_be32(p + 8));
		return;
	}
	if (!memcmp(p, "XAGI", 4) && !all_zero(p + 296, 16)) {
		sight(s, member, off, 0, family(s, PL_XFS, p + 296), 2, rr_be32(p + 8));
		return;
	}
	for (size_t i = 0; i < sizeof(sbt) / sizeof(sbt[0]); i++) {
		if (memcmp(p, sbt[i], 4))
			continue;
		blkno = rr_be64(p + 16);
		if (blkno < (1ull << 41) && !all_zero(p + 32, 16))
			sight(s, member, off, blkno * 512, family(s, PL_XFS, p + 32), 0, 0);
		return;
	}
	if (!memcmp(p, "XDB3", 4) || !memcmp(p, "XDD3", 4) || !memcmp(p, "XDF3", 4)) {
		blkno = rr_be64(p + 8);
		if (blkno < (1ull << 41) && !all_zero(p + 24, 16))
			sight(s, member, off, blkno * 512, family(s, PL_XFS, p + 24), 0, 0);
		return;
	}
	if (p[0] == 'I' && p[1] == 'N' && p[4] == 3 && room >= 176 && !all_zero(p + 160, 16))
		sight(s, member, off, 0, family(s, PL_XFS, p + 160), 3, rr_be64(p + 152));
}

void pl_scan_member(const uint8_t *buf, size_t len, size_t member, struct pl_sights *s)
{
	for (size_t off = 0; off + 512 <= len; off += 512) {
		const uint8_t *p = buf + off;
		size_t room = len - off;
		struct ext_geo x;

		if (all_zero(p, 8) && all_zero(p + 56, 8))
			continue;
		if (room >= 1024 && rr_le16(p + 0x38) == EXT_MAGIC && rr_le32(p + 0x4c) <= 1 && ext_parse(p, &x)) {
			uint64_t g = rr_le16(p + 0x5a);
			uint64_t pos = g ? (x.fdb + g * x.bpg) * (uint64_t)x.bs : 1024;

			if (g < x.ngroups && ext_has_backup(&x, g)) {
				unsigned f = family(s, PL_EXT, x.uuid);

				s->f[f].ext_bs = x.bs;
				s->f[f].ext_bpg = x.bpg;
				sight(s, member, off, pos, f, 0, 0);
			}
			continue;
		}
		if (off % 1024 == 0 && room >= 16) {
			/* a reserved GDT block: block numbers of its own copies in
			 * backup groups 1, 3, 5 (7): k + bpg, k + 3 bpg, ... */
			uint32_t e0 = rr_le32(p), e1 = rr_le32(p + 4), e2 = rr_le32(p + 8), e3 = rr_le32(p + 12);
			uint32_t dd = e1 - e0, bpg = dd / 2;

			if (e0 && e1 > e0 && !(dd & 1) && e2 > e1 && e2 - e1 == dd && bpg >= 256 && !(bpg & (bpg - 1)) &&
			    e0 > bpg && e0 - bpg < bpg && (e3 == 0 || (e3 > e2 && e3 - e2 == dd))) {
				if (s->n < MAX_SIGHTS) {
					sight(s, member, off, 0, UINT32_MAX, 4, e0 - bpg);
					s->s[s->n - 1].xaux = bpg;
				}
				continue;
			}
		}
		if (!memcmp(p + 64, "_BHRfS_M", 8) && room >= 4096) {
			uint64_t b = rr_le64(p + 48);

			if (b == 65536 || b == (64ull << 20) || b == (256ull << 30))
				sight(s, member, off, b, family(s, PL_BTRFS, p + 32), 0, 0);
			continue;
		}
		if (!memcmp(p, "LABELONE", 8) && !memcmp(p + 24, "LVM2 001", 8) && rr_le64(p + 8) < 4 &&
		    rr_lvm_crc(RR_LVM_INITIAL_CRC, p + 20, 512 - 20) == rr_le32(p + 16)) {
			static const uint8_t lvm_id[16] = "LVM2";

			sight(s, member, off, rr_le64(p + 8) * 512, family(s, PL_LVM, lvm_id), 0, 0);
			continue;
		}
		if (!memcmp(p + 4, LVM_MDA_MAGIC, 16) && rr_le64(p + 24) >= 2048 && rr_le64(p + 24) < (1ull << 30) &&
		    rr_lvm_crc(RR_LVM_INITIAL_CRC, p + 4, 512 - 4) == rr_le32(p)) {
			static const uint8_t lvm_id[16] = "LVM2";

			sight(s, member, off, rr_le64(p + 24), family(s, PL_LVM, lvm_id), 0, 0);
			continue;
		}
		if (!memcmp(p, "EFI PART", 8) && rr_le64(p + 24) && rr_le64(p + 24) < (1ull << 40)) {
			sight(s, member, off, rr_le64(p + 24) * 512, family(s, PL_GPT, p + 56), 0, 0);
			continue;
		}
		scan_xfs(p, room, member, off, s);
	}
}

static int sight_cmp(const void *a, const void *b)
{
	const struct pl_sight *x = a, *y = b;

	if (x->fam != y->fam)
		return x->fam < y->fam ? -1 : 1;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	if (x->member != y->member)
		return x->member < y->member ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

void pl_sights_finish(struct pl_sights *s)
{
	struct pl_sight *out = rr_xcalloc(s->n ? s->n : 1, sizeof(*out));
	size_t w = 0, cap = s->n ? s->n : 1;

	for (size_t i = 0; i < s->n; i++) {
		struct pl_sight t = s->s[i];

		if (t.xkind == 4) {
			/* into every ext volume of that group size */
			for (size_t f = 0; f < s->nf; f++) {
				if (s->f[f].kind != PL_EXT || s->f[f].ext_bpg != t.xaux || !s->f[f].ext_bs)
					continue;
				if (w == cap) {
					cap *= 2;
					out = rr_xrealloc(out, cap * sizeof(*out));
				}
				out[w] = t;
				out[w].fam = (unsigned)f;
				out[w].pos = t.xval * s->f[f].ext_bs;
				out[w].xkind = 0;
				w++;
			}
			continue;
		}
		const struct pl_family *f = &s->f[t.fam];

		if (t.xkind) {
			uint64_t agb = (uint64_t)f->xfs_agblocks * f->xfs_blocksize;

			if (!f->xfs_geo || t.xval > (1ull << 32))
				continue;
			if (t.xkind == 1 || t.xkind == 2) {
				t.pos = t.xval * agb + (uint64_t)t.xkind * f->xfs_sectsize;
			} else {
				unsigned sh = (unsigned)f->xfs_agblklog + f->xfs_inopblog;
				uint64_t agno, agbno, idx;

				if (sh >= 64)
					continue;
				agno = t.xval >> sh;
				agbno = (t.xval >> f->xfs_inopblog) & ((1ull << f->xfs_agblklog) - 1);
				idx = t.xval & ((1ull << f->xfs_inopblog) - 1);
				if (agno > (1u << 20) || agbno >= f->xfs_agblocks)
					continue;
				t.pos = (agno * f->xfs_agblocks + agbno) * f->xfs_blocksize + idx * f->xfs_inodesize;
			}
			t.xkind = 0;
		}
		if (w == cap) {
			cap *= 2;
			out = rr_xrealloc(out, cap * sizeof(*out));
		}
		out[w++] = t;
	}
	free(s->s);
	s->s = out;
	s->n = w;
	s->cap = cap;
	qsort(s->s, s->n, sizeof(*s->s), sight_cmp);
}

void pl_sights_free(struct pl_sights *s)
{
	free(s->s);
	free(s->f);
	memset(s, 0, sizeof(*s));
}
