/* The md 1.x superblock (struct mdp_superblock_1) as bytes: the offsets
 * of its little-endian fields and its checksum, shared by the reader
 * (probes/md1.c) and the writer of the demo (actions/md_write.c). */
#ifndef RR_MD1_FORMAT_H
#define RR_MD1_FORMAT_H

#include <stdint.h>

enum {
	O_MAGIC = 0, O_MAJOR = 4, O_FEATURE = 8, O_PAD0 = 12, O_SET_UUID = 16,
	O_SET_NAME = 32, O_CTIME = 64, O_LEVEL = 72, O_LAYOUT = 76, O_SIZE = 80,
	O_CHUNK = 88, O_RAID_DISKS = 92, O_BITMAP_OFFSET = 96, O_PPL_OFFSET = 96,
	O_PPL_SIZE = 98, O_NEW_LEVEL = 100, O_RESHAPE_POS = 104, O_DELTA_DISKS = 112,
	O_NEW_LAYOUT = 116, O_NEW_CHUNK = 120, O_NEW_OFFSET = 124,
	O_DATA_OFFSET = 128, O_DATA_SIZE = 136, O_SUPER_OFFSET = 144,
	O_RECOVERY_OFFSET = 152, O_DEV_NUMBER = 160, O_CNT_CORRECTED = 164,
	O_DEVICE_UUID = 168, O_DEVFLAGS = 184, O_BBLOG_SHIFT = 185,
	O_BBLOG_SIZE = 186, O_BBLOG_OFFSET = 188, O_UTIME = 192, O_EVENTS = 200,
	O_RESYNC_OFFSET = 208, O_SB_CSUM = 216, O_MAX_DEV = 220, O_PAD3 = 224,
	O_DEV_ROLES = 256,
};

/* Sum of the little-endian 32-bit words of the first 256 + 2*max_dev
 * bytes with sb_csum taken as 0, folded once (high word added to the low
 * one), a trailing 16-bit half word added as is: the kernel's and
 * mdadm's calc_sb_1_csum. */
uint32_t rr_md1_csum(const uint8_t *sb, uint32_t max_dev);

#endif
