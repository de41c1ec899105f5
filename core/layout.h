/* Linux md RAID data layouts, in userspace.
 *
 * Maps array sectors to member sectors exactly as the kernel does
 * (drivers/md/linear.c, raid0.c, raid1.c, raid10.c __raid10_find_phys,
 * raid5.c raid5_compute_sector / compute_blocknr), reads array data from
 * member data areas through a callback -- rebuilding what is missing or
 * unreadable from parity (RAID4/5 XOR, RAID6 P+Q in GF(2^8)) or another copy
 * (RAID1/10) -- and writes array data out to members (data, P, Q, copies),
 * which the tests and the demo generator use.
 *
 * The data offset is NOT part of the layout: every member offset here is
 * relative to the start of that member's data area; the caller adds the
 * superblock's data offset in its callback.
 *
 * Pure logic: no I/O of its own, no globals except the GF tables (built once,
 * thread-safe).  Every function validates the geometry and returns -EINVAL
 * for one the kernel would refuse.
 */
#ifndef RR_LAYOUT_H
#define RR_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* md personality numbers (mdadm "Raid Level"). */
enum rr_level {
	RR_LINEAR = -1,
	RR_RAID0 = 0,
	RR_RAID1 = 1,
	RR_RAID4 = 4,
	RR_RAID5 = 5,
	RR_RAID6 = 6,
	RR_RAID10 = 10,
};

/* RAID5/RAID6 algorithms: the md ALGORITHM_* numbers (include/linux/raid/pq.h,
 * drivers/md/raid5.h) as stored in the superblock's layout field. */
enum rr_r56_algo {
	RR_ALG_LEFT_ASYMMETRIC = 0,
	RR_ALG_RIGHT_ASYMMETRIC = 1,
	RR_ALG_LEFT_SYMMETRIC = 2,	/* mdadm's default */
	RR_ALG_RIGHT_SYMMETRIC = 3,
	RR_ALG_PARITY_0 = 4,		/* "parity-first" */
	RR_ALG_PARITY_N = 5,		/* "parity-last" */
	/* RAID6 only: the DDF layouts; Q is taken over all disks in device order */
	RR_ALG_ROTATING_ZERO_RESTART = 8,
	RR_ALG_ROTATING_N_RESTART = 9,
	RR_ALG_ROTATING_N_CONTINUE = 10,
	/* RAID6 only: a RAID5 layout on the first n-1 disks, Q on the last */
	RR_ALG_LEFT_ASYMMETRIC_6 = 16,
	RR_ALG_RIGHT_ASYMMETRIC_6 = 17,
	RR_ALG_LEFT_SYMMETRIC_6 = 18,
	RR_ALG_RIGHT_SYMMETRIC_6 = 19,
	RR_ALG_PARITY_0_6 = 20,
};

/* RAID0 layouts (only matter when members differ in size: several zones). */
enum rr_raid0_layout {
	RR_RAID0_LAYOUT_UNSET = 0,	/* mdadm "dangerous": kernel refuses multi-zone */
	RR_RAID0_LAYOUT_ORIG = 1,	/* kernels before 3.14 */
	RR_RAID0_LAYOUT_ALT = 2,	/* kernels 3.14 .. 5.3 */
};

/* RAID10 layout word: near copies in bits 0-7, far copies in bits 8-15,
 * bit 16 "offset" (far copies one chunk apart), bits 17-18 far-set mode
 * (0: original, 1: the buggy "improved" one, 2: far sets of near*far disks). */
#define RR_R10_NEAR(l)		((unsigned)(l) & 0xff)
#define RR_R10_FAR(l)		(((unsigned)(l) >> 8) & 0xff)
#define RR_R10_OFFSET		(1 << 16)
#define RR_R10_FARSET(l)	(((unsigned)(l) >> 17) & 3)
#define RR_R10_LAYOUT(near, far, offset) \
	((int)((near) | ((far) << 8) | ((offset) ? RR_R10_OFFSET : 0)))

#define RR_LAYOUT_MAX_DISKS	384	/* md 1.x limit (MD_SB_DISKS is 27 for 0.90) */
#define RR_LAYOUT_MAX_CHUNK	(1u << 21)	/* sectors: 1 GiB */

struct rr_geom {
	int level;		/* enum rr_level */
	int layout;		/* superblock layout word for the level */
	unsigned chunk_sectors;	/* RAID0/4/5/6/10 chunk; linear: rounding (0 = none); RAID1: ignored */
	unsigned ndisks;	/* raid_disks: member slots including missing ones */
	uint64_t dev_sectors;	/* data sectors per member (md dev_sectors, mdadm
				 * "Used Dev Size"; 0.90 prints it in KiB) */
	/* linear and RAID0 only: per-member data sizes in sectors, indexed by
	 * role (ndisks entries); NULL means every member has dev_sectors. */
	const uint64_t *member_sectors;
};

/* What a member block holds in its stripe. */
enum rr_role {
	RR_ROLE_DATA = 0,
	RR_ROLE_P = 1,
	RR_ROLE_Q = 2,
};

struct rr_map {
	unsigned disk;		/* member holding the sector (first copy for RAID1/10) */
	uint64_t dev_sector;	/* sector in that member's data area */
	uint64_t run_sectors;	/* sectors from here on that stay contiguous on
				 * that member (to the chunk end; linear/RAID1: to
				 * the member end) */
	uint64_t stripe;	/* RAID4/5/6: stripe number; RAID0/10: chunk row; else 0 */
	unsigned data_index;	/* RAID4/5/6: index of the block among the stripe's data blocks */
	int p_disk;		/* RAID4/5/6: member holding P of this stripe, else -1 */
	int q_disk;		/* RAID6: member holding Q, else -1 */
	unsigned ncopies;	/* RAID1: ndisks, RAID10: near*far, else 1; see rr_layout_map_copy */
};

/* 0 if the kernel would run an array of this geometry, else -EINVAL.
 * Limits: ndisks 1..384 (RAID4/5 >= 2, RAID6 4..256, DDF layouts <= 255,
 * RAID10 >= near*far >= 2); chunk a power of two >= 8 sectors (4 KiB) for
 * RAID4/5/6/10, >= 1 sector for RAID0, <= 1 GiB; layout valid for the level;
 * array size below 2^63 bytes. */
int rr_layout_check(const struct rr_geom *g);

/* Size of the array in sectors as the kernel computes it (0 if invalid). */
uint64_t rr_layout_array_sectors(const struct rr_geom *g);

/* Data blocks per stripe: RAID4/5 ndisks-1, RAID6 ndisks-2, RAID0 ndisks,
 * RAID1/linear 1, RAID10 ndisks/near copies (rounded down); 0 if invalid. */
unsigned rr_layout_data_disks(const struct rr_geom *g);

/* Sectors of member `disk`'s data area the layout uses (parity levels:
 * dev_sectors rounded down to the chunk; RAID10: the kernel's
 * conf->dev_sectors; RAID0/linear: that member's rounded size); 0 if the
 * geometry is invalid. */
uint64_t rr_layout_member_sectors(const struct rr_geom *g, unsigned disk);

/* Array sector -> member and sector.  0, -EINVAL (bad geometry) or -ERANGE
 * (sector past the end of the array). */
int rr_layout_map(const struct rr_geom *g, uint64_t array_sector,
		  struct rr_map *out);

/* Copy number `copy` (0 .. ncopies-1, in the kernel's r10bio->devs[] order)
 * of an array sector.  Copy 0 is what rr_layout_map returns. */
int rr_layout_map_copy(const struct rr_geom *g, uint64_t array_sector,
		       unsigned copy, unsigned *disk, uint64_t *dev_sector);

/* Member and sector -> array sector (raid5 compute_blocknr,
 * raid10_find_virt).  *role says whether the block holds data, P or Q; for
 * P/Q *array_sector is the first array sector of that stripe.  -ERANGE if
 * the member sector is outside the used area. */
int rr_layout_unmap(const struct rr_geom *g, unsigned disk,
		    uint64_t dev_sector, uint64_t *array_sector,
		    enum rr_role *role);

/* For a RAID4/5/6 stripe: the member of each data block (data_disk[k] for
 * k < rr_layout_data_disks()), P and Q members (-1 if none) and each data
 * block's Q coefficient exponent (Q = sum g^qexp[k] D_k).  Arrays must have
 * room for ndisks entries; qexp may be NULL. */
int rr_layout_stripe(const struct rr_geom *g, uint64_t stripe,
		     unsigned *data_disk, unsigned *qexp, int *p_disk,
		     int *q_disk);

/* Reads len bytes of member `disk` at off_bytes from its data area into buf.
 * Returns 0 or -errno.  -EIO, -ERANGE, -ENXIO and -ENODATA mean "this member
 * cannot supply these bytes": the layout then rebuilds them from redundancy
 * when it can.  Any other error aborts the read. */
typedef int (*rr_member_read_fn)(void *ctx, unsigned disk, uint64_t off_bytes,
				 void *buf, size_t len);
typedef int (*rr_member_write_fn)(void *ctx, unsigned disk, uint64_t off_bytes,
				  const void *buf, size_t len);

/* Reads [off_bytes, off_bytes+len) of the array (any byte alignment).
 * missing[disk] (may be NULL) marks members that are absent: they are never
 * read, their blocks are rebuilt.  Reads whole chunk runs per member.
 * Returns 0, -EINVAL, -ERANGE (past the array end), -ENODEV (more members
 * lost than the level can rebuild; the member's own error is returned
 * instead when one caused it), or the callback's error. */
int rr_layout_read(const struct rr_geom *g, const bool *missing,
		   rr_member_read_fn rd, void *ctx, uint64_t off_bytes,
		   void *buf, size_t len);

/* Writes [off_bytes, off_bytes+len) of array data onto the members: data,
 * every copy, P and Q.  Parity levels need whole stripes (off and len
 * multiples of the stripe width, no read-modify-write); other levels take
 * any range.  Returns 0, -EINVAL, -ERANGE or the callback's error. */
int rr_layout_write(const struct rr_geom *g, rr_member_write_fn wr, void *ctx,
		    uint64_t off_bytes, const void *buf, size_t len);

/* Parity consistency of stripes [first, first + count) of a RAID4/5/6,
 * reading the first `bytes` of every member's chunk in each stripe (0: the
 * whole chunk; cheap probes use a few KiB).  For candidate scoring and for
 * spotting a stale member.  Note that XOR parity does not depend on member
 * order or layout (P is the XOR of the whole row), so for RAID4/5 it only
 * tells stale or misaligned members (wrong data offset) apart; RAID6 Q does
 * depend on order and layout.  Stripes with a member that cannot be read
 * (soft errors, see rr_member_read_fn) are counted as unreadable.
 * Returns 0, -EINVAL, -ERANGE or the callback's hard error. */
struct rr_parity_stats {
	uint64_t ok;		/* P (and Q) match */
	uint64_t bad_p;		/* P mismatches */
	uint64_t bad_q;		/* Q mismatches (RAID6) */
	uint64_t unreadable;	/* a member could not be read */
};
int rr_layout_check_parity(const struct rr_geom *g, rr_member_read_fn rd,
			   void *ctx, uint64_t first_stripe, uint64_t count,
			   size_t bytes, struct rr_parity_stats *st);

/* Bytes in one full stripe of data (chunk * data disks; RAID1/linear: one
 * sector); the unit rr_layout_write needs for parity levels.  0 if invalid. */
uint64_t rr_layout_stripe_bytes(const struct rr_geom *g);

/* Layout names as mdadm prints and accepts them: "left-symmetric",
 * "ddf-N-restart", "right-asymmetric-6", "near=2", "far=2", "offset=3",
 * "near=2, far=2", "original"/"alternate" (RAID0).  Returns buf, or NULL if
 * the layout is not valid for the level (linear and RAID1 have no layout
 * names).  Not translated: operators compare them with mdadm output. */
const char *rr_layout_name(int level, int layout, char *buf, size_t n);
/* The reverse; also takes mdadm's short forms ("ls", "ra", "default", "n2",
 * "f2", "o2", "1", "2").  0 or -EINVAL. */
int rr_layout_parse(int level, const char *name, int *layout);

/* "raid5", "linear", ... (mdadm personality names); NULL if unknown. */
const char *rr_level_name(int level);

#endif
