/* Writing md 1.x superblocks (kernel md_p.h struct mdp_superblock_1), the
 * way mdadm creates them and the kernel's super_1_sync() updates them.
 *
 * Used by the demo generator to write, into plain image files, members
 * that mdadm --examine, the kernel's md and our own probe (probes/md1.c)
 * all accept.  Every field of the on-disk structure is in the model, in
 * host order and in the unit the superblock uses (sectors unless noted);
 * the encoder lays it out little-endian and computes the checksum exactly
 * as calc_sb_1_csum() in the kernel and mdadm does. */
#ifndef RR_MD_WRITE_H
#define RR_MD_WRITE_H

#include <stdint.h>

#include "probes/md.h"

/* Bytes mdadm and the kernel read for a 1.x superblock. */
#define RR_MD1_WRITE_BYTES 4096u
/* dev_roles[] entries mdadm 4.2 + the kernel leave in a new array's
 * superblock (max_dev), whatever the number of devices. */
#define RR_MD1_DEFAULT_MAX_DEV 128u

struct rr_md1_super {
	uint32_t minor_version;		/* 0, 1 or 2: where the superblock is */
	uint32_t feature_map;		/* RR_MD_FEAT_* */
	uint8_t set_uuid[16];
	char set_name[33];		/* "homehost:name", 32 bytes on disk */
	uint64_t ctime;			/* seconds; the top 24 bits of the
					 * on-disk field hold ctime_usec */
	uint32_t ctime_usec;
	int32_t level;
	uint32_t layout;
	uint64_t size;			/* used sectors of each member */
	uint32_t chunksize;		/* sectors */
	uint32_t raid_disks;
	int32_t bitmap_offset;		/* sectors from the superblock (FEAT_BITMAP) */
	int32_t new_level;		/* the reshape fields (FEAT_RESHAPE_ACTIVE) */
	uint64_t reshape_position;
	int32_t delta_disks;
	uint32_t new_layout;
	uint32_t new_chunk;
	int32_t new_offset;
	uint64_t data_offset;		/* sectors from the start of the device */
	uint64_t data_size;		/* sectors available for data */
	uint64_t super_offset;		/* sectors: where this superblock is */
	uint64_t recovery_offset;	/* FEAT_RECOVERY_OFFSET */
	uint32_t dev_number;		/* index of this device in dev_roles */
	uint32_t cnt_corrected_read;
	uint8_t device_uuid[16];
	uint8_t devflags;		/* 1 write-mostly, 2 failfast */
	uint8_t bblog_shift;
	uint16_t bblog_size;		/* sectors of the bad-block log (0: none) */
	int32_t bblog_offset;		/* sectors from the superblock */
	uint64_t utime;			/* seconds; top 24 bits: utime_usec */
	uint32_t utime_usec;
	uint64_t events;
	uint64_t resync_offset;		/* UINT64_MAX: clean; 0: active (dirty) */
	uint32_t max_dev;		/* entries of dev_roles written */
	/* RR_MD_ROLE_SPARE, RR_MD_ROLE_FAULTY, RR_MD_ROLE_JOURNAL or a slot. */
	uint16_t dev_roles[RR_MD1_MAX_DEVS];
};

/* A superblock as `mdadm --create --metadata=1.<minor> --bitmap=none`
 * (mdadm 4.2) writes it for a member of dev_sectors sectors: data offset
 * 2048 sectors (1 MiB, mdadm's default for small devices) for 1.1/1.2, a
 * bad-block log of 8 sectors, max_dev 128, every role spare, events 0,
 * clean.  The caller fills in the identity, geometry, roles and times.
 * 0, or -EINVAL when the device is too small or minor is not 0..2. */
int rr_md1_init(struct rr_md1_super *sb, uint32_t minor, uint64_t dev_sectors);

/* Lay sb out in out[RR_MD1_WRITE_BYTES] (the rest zero) with its
 * checksum.  -EINVAL for values the format cannot hold (max_dev over
 * RR_MD1_MAX_DEVS, times over 40 bits, usec over 24). */
int rr_md1_encode(const struct rr_md1_super *sb, uint8_t *out);

/* Bytes the kernel writes for this superblock: 256 + 2 * max_dev rounded
 * up to 512. */
uint32_t rr_md1_sb_bytes(const struct rr_md1_super *sb);

/* Encode and pwrite the superblock at super_offset of the open file or
 * device (rr_md1_sb_bytes() bytes).  0 or -errno. */
int rr_md1_write(int fd, const struct rr_md1_super *sb);

#endif
