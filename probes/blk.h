/* What libblkid recognises on a device: a filesystem (or other content
 * signature), RAID metadata of formats this tool does not handle, and
 * MBR/GPT partition tables, whose partitions are then examined as members
 * of their own.  Signature tables are libblkid's, never ours. */
#ifndef RR_BLK_H
#define RR_BLK_H

#include <stdint.h>

#include "probes/probe.h"

#define RR_BLK_MAX_PARTS 128	/* partitions examined per table */
#define RR_BLK_MAX_DEPTH 2	/* disk > partition > partition, no deeper */

/* One libblkid superblock result (ID_FS_* values); NULL when absent. */
struct rr_blk_sig {
	char *type;		/* "ext4", "isw_raid_member", ... */
	char *usage;		/* "filesystem", "raid", "crypto", "other" */
	char *label;
	char *uuid;
	char *uuid_sub;
	char *version;
	uint64_t block_size;	/* 0 when unknown */
	uint64_t size_bytes;	/* FSSIZE (libblkid >= 2.39), 0 when unknown */
};

/* Which of our own probes a libblkid RAID/volume signature belongs to. */
enum rr_blk_claim {
	RR_BLK_CLAIM_NONE = 0,
	RR_BLK_CLAIM_MD,	/* linux_raid_member */
	RR_BLK_CLAIM_LVM2,	/* LVM2_member */
	RR_BLK_CLAIM_ZFS,	/* zfs_member */
};

struct rr_blk_part {
	int number;		/* as libblkid numbers it (1-based) */
	uint64_t offset;	/* bytes, from the start of this device */
	uint64_t size;		/* bytes */
	char *type;		/* GPT type GUID, or "0x83" style MBR type */
	char *uuid;		/* GPT partition GUID, or MBR "<disk id>-<n>" */
	char *name;		/* GPT partition name */
	int extended;		/* an MBR extended container (not examined) */
	int logical;
	int examined;		/* a child member (rr_member.parts) was made */
};

struct rr_blk_info {
	/* The content signature libblkid trusts, unless it is one of ours
	 * (then in claimed) or other RAID metadata (then in other_raid). */
	int have_fs;
	struct rr_blk_sig fs;
	/* The filesystem was found only after setting aside md metadata
	 * at the end of the device (md 0.90/1.0 keep their superblock at
	 * the end, so a RAID1 member shows the array's filesystem from
	 * byte 0; a striped array's first member shows its start only). */
	int fs_on_raid_member;

	int have_claimed;
	enum rr_blk_claim claim;
	struct rr_blk_sig claimed;

	int have_other_raid;
	struct rr_blk_sig other_raid;
	const char *other_raid_name;	/* untranslated display name */

	/* Partition table, when there is one. */
	char *pt_type;		/* "gpt", "dos", ... */
	char *pt_uuid;
	struct rr_blk_part *parts;
	size_t nparts;
	unsigned depth;		/* 0 for a device, 1 for a partition, ... */
};

extern const struct rr_probe rr_probe_blkid;

#endif
