/* One device or image the operator named, with everything the probes
 * decoded from it.  This is the read-only model the planner, the command
 * line and the wizard share.  Each decoded structure is owned by the probe
 * that filled it (see probes/probe.h); a NULL pointer means "not found". */
#ifndef RR_MEMBER_H
#define RR_MEMBER_H

#include <stddef.h>
#include <stdint.h>

struct rr_md_info;	/* probes/md.h */
struct rr_lvm_info;	/* probes/lvm2.h */
struct rr_cow_info;	/* probes/cow.h */
struct rr_zfs_info;	/* probes/zfs.h */
struct rr_blk_info;	/* probes/blk.h: filesystem, partition table, other RAID */

struct rr_member {
	char *path;		/* as the operator gave it */
	uint64_t size_bytes;
	int open_errno;		/* 0, or why it could not be opened at all */
	uint64_t bytes_read;	/* through the read layer, for benchmarks */

	struct rr_md_info *md;
	struct rr_lvm_info *lvm;
	struct rr_cow_info *cow;
	struct rr_zfs_info *zfs;
	struct rr_blk_info *blk;

	/* Partitions of a whole-disk image or device, each examined as a
	 * member of its own ("disk.img:p1"), with its offset in the parent. */
	struct rr_member **parts;
	size_t nparts;
	uint64_t part_offset;	/* bytes, in the parent; 0 for top level */
	int part_number;	/* 1-based, 0 for top level */

	/* Problems found while decoding, one sentence each, translated. */
	char **errors;
	size_t nerrors;
};

struct rr_member *rr_member_new(const char *path);
void rr_member_free(struct rr_member *m);
void rr_member_error(struct rr_member *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rr_member_add_part(struct rr_member *m, struct rr_member *part);

#endif
