/* What libblkid says lives directly on a device (used on assembled arrays,
 * partitions and LVs before choosing a checker). */
#ifndef RR_FSTYPE_H
#define RR_FSTYPE_H

#include <stddef.h>

struct rr_fsid {
	char type[32];		/* "ext4", "xfs", "LVM2_member", "" when none */
	char usage[32];		/* "filesystem", "raid", "crypto", "other" */
	char label[256];
	char uuid[64];
};

/* 0 (id->type may be ""), or -errno when the device cannot be read. */
int rr_fs_identify(const char *path, struct rr_fsid *id);

#endif
