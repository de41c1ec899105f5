/* md 1.x superblock writer (see md_write.h).  Offsets are those of
 * struct mdp_superblock_1 in the kernel's include/uapi/linux/raid/md_p.h;
 * probes/md1.c reads the same offsets back. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "actions/md_write.h"
#include "probes/endian.h"

enum {
	O_MAGIC = 0, O_MAJOR = 4, O_FEATURE = 8, O_PAD0 = 12, O_SET_UUID = 16,
	O_SET_NAME = 32, O_CTIME = 64, O_LEVEL = 72, O_LAYOUT = 76, O_SIZE = 80,
	O_CHUNK = 88, O_RAID_DISKS = 92, O_BITMAP_OFFSET = 96, O_NEW_LEVEL = 100,
	O_RESHAPE_POS = 104, O_DELTA_DISKS = 112, O_NEW_LAYOUT = 116,
	O_NEW_CHUNK = 120, O_NEW_OFFSET = 124, O_DATA_OFFSET = 128,
	O_DATA_SIZE = 136, O_SUPER_OFFSET = 144, O_RECOVERY_OFFSET = 152,
	O_DEV_NUMBER = 160, O_CNT_CORRECTED = 164, O_DEVICE_UUID = 168,
	O_DEVFLAGS = 184, O_BBLOG_SHIFT = 185, O_BBLOG_SIZE = 186,
	O_BBLOG_OFFSET = 188, O_UTIME = 192, O_EVENTS = 200,
	O_RESYNC_OFFSET = 208, O_SB_CSUM = 216, O_MAX_DEV = 220, O_PAD3 = 224,
	O_DEV_ROLES = 256,
};

#define DEFAULT_DATA_OFFSET 2048u	/* sectors: mdadm's 1 MiB for small devices */
#define BBLOG_SECTORS 8u

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

uint32_t rr_md1_csum(const uint8_t *sb, uint32_t max_dev)
{
	size_t size = 256 + (size_t)max_dev * 2, i;
	uint64_t sum = 0;

	for (i = 0; i + 4 <= size; i += 4)
		if (i != O_SB_CSUM)
			sum += rr_le32(sb + i);
	if (size - i == 2)
		sum += rr_le16(sb + i);
	return (uint32_t)((sum & 0xffffffffu) + (sum >> 32));
}

uint32_t rr_md1_sb_bytes(const struct rr_md1_super *sb)
{
	return (256 + sb->max_dev * 2 + 511) & ~511u;
}

int rr_md1_init(struct rr_md1_super *sb, uint32_t minor, uint64_t dev_sectors)
{
	memset(sb, 0, sizeof(*sb));
	if (minor > 2)
		return -EINVAL;
	sb->minor_version = minor;
	switch (minor) {
	case 0:
		/* At the end, 4 KiB aligned, 8 KiB from the end; the bad-block
		 * log just before it and the data up to the log (the numbers
		 * mdadm 4.2 gives, see the md-1.0 fixture). */
		if (dev_sectors < 64)
			return -EINVAL;
		sb->super_offset = (dev_sectors - 16) & ~(uint64_t)7;
		sb->data_offset = 0;
		sb->data_size = sb->super_offset - 2 * BBLOG_SECTORS;
		sb->bblog_offset = -(int32_t)BBLOG_SECTORS;
		break;
	default:
		sb->super_offset = minor == 1 ? 0 : 8;
		if (dev_sectors <= DEFAULT_DATA_OFFSET)
			return -EINVAL;
		sb->data_offset = DEFAULT_DATA_OFFSET;
		sb->data_size = dev_sectors - DEFAULT_DATA_OFFSET;
		sb->bblog_offset = 16;
		break;
	}
	sb->bblog_size = BBLOG_SECTORS;
	sb->resync_offset = UINT64_MAX;
	sb->max_dev = RR_MD1_DEFAULT_MAX_DEV;
	for (size_t i = 0; i < RR_MD1_MAX_DEVS; i++)
		sb->dev_roles[i] = RR_MD_ROLE_SPARE;
	return 0;
}

int rr_md1_encode(const struct rr_md1_super *sb, uint8_t *out)
{
	if (sb->max_dev > RR_MD1_MAX_DEVS || sb->ctime >> 40 || sb->utime >> 40 ||
	    sb->ctime_usec >> 24 || sb->utime_usec >> 24)
		return -EINVAL;
	memset(out, 0, RR_MD1_WRITE_BYTES);
	put32(out + O_MAGIC, RR_MD_MAGIC);
	put32(out + O_MAJOR, 1);
	put32(out + O_FEATURE, sb->feature_map);
	put32(out + O_PAD0, 0);		/* the kernel refuses non-zero padding */
	memcpy(out + O_SET_UUID, sb->set_uuid, 16);
	memcpy(out + O_SET_NAME, sb->set_name, strnlen(sb->set_name, 32));
	put64(out + O_CTIME, sb->ctime | (uint64_t)sb->ctime_usec << 40);
	put32(out + O_LEVEL, (uint32_t)sb->level);
	put32(out + O_LAYOUT, sb->layout);
	put64(out + O_SIZE, sb->size);
	put32(out + O_CHUNK, sb->chunksize);
	put32(out + O_RAID_DISKS, sb->raid_disks);
	put32(out + O_BITMAP_OFFSET, (uint32_t)sb->bitmap_offset);
	put32(out + O_NEW_LEVEL, (uint32_t)sb->new_level);
	put64(out + O_RESHAPE_POS, sb->reshape_position);
	put32(out + O_DELTA_DISKS, (uint32_t)sb->delta_disks);
	put32(out + O_NEW_LAYOUT, sb->new_layout);
	put32(out + O_NEW_CHUNK, sb->new_chunk);
	put32(out + O_NEW_OFFSET, (uint32_t)sb->new_offset);
	put64(out + O_DATA_OFFSET, sb->data_offset);
	put64(out + O_DATA_SIZE, sb->data_size);
	put64(out + O_SUPER_OFFSET, sb->super_offset);
	put64(out + O_RECOVERY_OFFSET, sb->recovery_offset);
	put32(out + O_DEV_NUMBER, sb->dev_number);
	put32(out + O_CNT_CORRECTED, sb->cnt_corrected_read);
	memcpy(out + O_DEVICE_UUID, sb->device_uuid, 16);
	out[O_DEVFLAGS] = sb->devflags;
	out[O_BBLOG_SHIFT] = sb->bblog_shift;
	put16(out + O_BBLOG_SIZE, sb->bblog_size);
	put32(out + O_BBLOG_OFFSET, (uint32_t)sb->bblog_offset);
	put64(out + O_UTIME, sb->utime | (uint64_t)sb->utime_usec << 40);
	put64(out + O_EVENTS, sb->events);
	put64(out + O_RESYNC_OFFSET, sb->resync_offset);
	put32(out + O_MAX_DEV, sb->max_dev);
	/* pad3[32] at O_PAD3 stays zero: the kernel takes non-zero padding
	 * for an unknown feature and refuses the device. */
	for (uint32_t i = 0; i < sb->max_dev; i++)
		put16(out + O_DEV_ROLES + 2 * i, sb->dev_roles[i]);
	put32(out + O_SB_CSUM, rr_md1_csum(out, sb->max_dev));
	return 0;
}

int rr_md1_write(int fd, const struct rr_md1_super *sb)
{
	uint8_t buf[RR_MD1_WRITE_BYTES];
	uint32_t n = rr_md1_sb_bytes(sb);
	ssize_t w;
	int err;

	if ((err = rr_md1_encode(sb, buf)))
		return err;
	if (sb->super_offset > (uint64_t)INT64_MAX / 512)
		return -EINVAL;
	w = pwrite(fd, buf, n, (off_t)(sb->super_offset * 512));
	if (w < 0)
		return -errno;
	return w == (ssize_t)n ? 0 : -EIO;
}
