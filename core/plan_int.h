/* Shared between the planner's files (core/plan*.c); not a public API. */
#ifndef RR_PLAN_INT_H
#define RR_PLAN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/candidate.h"
#include "core/layout.h"
#include "core/plan.h"

/* Where member bytes come from: the caller's callback, or (during the
 * search) the first buflen[i] bytes of each member already in memory. */
struct pl_src {
	rr_plan_read_fn read;
	void *ctx;
	uint64_t *bytes;		/* per member counters, may be NULL */
	uint8_t *const *buf;		/* per member, NULL: use read */
	const uint64_t *buflen;
	size_t nmembers;
};

/* One candidate array, readable through the layout map. */
struct pl_array {
	struct rr_geom g;
	const struct pl_src *src;
	const int *slot;		/* member of each slot, RR_CAND_MISSING */
	uint64_t doff[RR_CAND_MAX_SLOTS];	/* data offset per slot, bytes */
	bool missing[RR_CAND_MAX_SLOTS];
	uint64_t size;			/* array bytes */
	bool quick;			/* evidence: the cheap checks only */
};

/* Fill a from a candidate: geometry (dev_sectors from the candidate, else
 * the smallest member that fits), missing slots.  0 or -EINVAL. */
int pl_array_init(struct pl_array *a, const struct rr_candidate *c,
		  const struct pl_src *src, const uint64_t *member_bytes);
/* Array bytes [off, off+len): 0, or -errno (-ENODEV / -ENODATA when the
 * members cannot supply them). */
int pl_array_read(struct pl_array *a, uint64_t off, void *buf, size_t len);

/* What the array holds where this candidate says it must: partition
 * tables, LVM2, ext2/3/4, XFS, btrfs, each checked by its own checksums
 * and self-references.  Returns the evidence score (found minus
 * contradicted, weighted); when c is not NULL, adds one reason per volume
 * found.  *checks counts the checks made (0: nothing readable). */
double pl_array_evidence(struct pl_array *a, struct rr_candidate *c,
			 unsigned *checks);

/* Parity of a RAID4/5/6 candidate with every slot present: stripes whose
 * parity holds, among sampled stripes that are not all zeros. */
void pl_array_parity(struct pl_array *a, uint64_t limit_bytes,
		     unsigned *ok, unsigned *bad);

/* ---- structures found on members, each a self-locating record ---- */

enum pl_kind {
	PL_EXT,		/* ext2/3/4 superblock copy: group number inside */
	PL_XFS,		/* XFS AGF/AGI (seqno) and v5 blocks (blkno, ino) */
	PL_BTRFS,	/* btrfs superblock: bytenr inside */
	PL_LVM,		/* LVM2 label (sector_xl) and mda header (start) */
	PL_GPT,		/* GPT header: my_lba */
};

/* One volume (filesystem, PV, disk label) that sightings belong to. */
struct pl_family {
	enum pl_kind kind;
	uint8_t id[16];			/* fs uuid, PV "lvm", disk guid */
	/* XFS geometry, when a superblock of the family was seen */
	bool xfs_geo;
	uint32_t xfs_blocksize, xfs_agblocks, xfs_sectsize, xfs_inodesize;
	uint8_t xfs_agblklog, xfs_inopblog;
	/* ext geometry, from a superblock copy */
	uint32_t ext_bs, ext_bpg;
};

struct pl_sight {
	size_t member;
	uint64_t off;			/* bytes on the member */
	uint64_t pos;			/* bytes inside the volume */
	unsigned fam;			/* index in families */
	/* XFS records whose position needs the family geometry */
	uint8_t xkind;			/* 0 resolved, 1 AGF, 2 AGI, 3 inode,
					 * 4 ext reserved GDT block */
	uint64_t xval;			/* seqno, inode or block number */
	uint32_t xaux;			/* ext: blocks per group */
};

struct pl_sights {
	struct pl_sight *s;
	size_t n, cap;
	struct pl_family *f;
	size_t nf, capf;
};

/* Scan len bytes of member `member` (starting at member offset 0) for
 * self-locating structures. */
void pl_scan_member(const uint8_t *buf, size_t len, size_t member,
		    struct pl_sights *out);
/* Resolve the XFS records once every member is scanned; drop the ones
 * whose family geometry is unknown; sort by family, then position. */
void pl_sights_finish(struct pl_sights *s);
void pl_sights_free(struct pl_sights *s);

/* crc32c (Castagnoli), no final inversion: the ext4/XFS/btrfs helper. */
uint32_t pl_crc32c(uint32_t crc, const void *buf, size_t len);

/* ---- the search (plan_search.c) ---- */

int pl_search(struct rr_member *const *members, size_t n,
	      const struct rr_plan_opts *o, struct rr_plan *p,
	      struct rr_candidate **out, size_t *nout);

/* ---- helpers (plan.c) ---- */

void pl_remark(struct rr_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Deep copy (reasons duplicated). */
void pl_cand_copy(struct rr_candidate *dst, const struct rr_candidate *src);
/* "1.5 MiB" style size into buf. */
const char *pl_bytes(uint64_t b, char *buf, size_t n);

#endif
