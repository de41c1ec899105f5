/* md 1.x superblock writer (see md_write.h).  Offsets are those of
 * struct mdp_superblock_1 in the kernel's include/uapi/linux/raid/md_p.h;
 * probes/md1.c reads the same offsets back. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "actions/md_write.h"
#include "probes/endian.h"
#include "probes/md1_format.h"

#define DEFAULT_DATA_OFFSET 2048u	/* sectors: mdadm's 1 MiB for small devices */
#define BBLOG_SECTORS 8u

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
	rr_put_le32(out + O_MAGIC, RR_MD_MAGIC);
	rr_put_le32(out + O_MAJOR, 1);
	rr_put_le32(out + O_FEATURE, sb->feature_map);
	rr_put_le32(out + O_PAD0, 0);		/* the kernel refuses non-zero padding */
	memcpy(out + O_SET_UUID, sb->set_uuid, 16);
	memcpy(out + O_SET_NAME, sb->set_name, strnlen(sb->set_name, 32));
	rr_put_le64(out + O_CTIME, sb->ctime | (uint64_t)sb->ctime_usec << 40);
	rr_put_le32(out + O_LEVEL, (uint32_t)sb->level);
	rr_put_le32(out + O_LAYOUT, sb->layout);
	rr_put_le64(out + O_SIZE, sb->size);
	rr_put_le32(out + O_CHUNK, sb->chunksize);
	rr_put_le32(out + O_RAID_DISKS, sb->raid_disks);
	rr_put_le32(out + O_BITMAP_OFFSET, (uint32_t)sb->bitmap_offset);
	rr_put_le32(out + O_NEW_LEVEL, (uint32_t)sb->new_level);
	rr_put_le64(out + O_RESHAPE_POS, sb->reshape_position);
	rr_put_le32(out + O_DELTA_DISKS, (uint32_t)sb->delta_disks);
	rr_put_le32(out + O_NEW_LAYOUT, sb->new_layout);
	rr_put_le32(out + O_NEW_CHUNK, sb->new_chunk);
	rr_put_le32(out + O_NEW_OFFSET, (uint32_t)sb->new_offset);
	rr_put_le64(out + O_DATA_OFFSET, sb->data_offset);
	rr_put_le64(out + O_DATA_SIZE, sb->data_size);
	rr_put_le64(out + O_SUPER_OFFSET, sb->super_offset);
	rr_put_le64(out + O_RECOVERY_OFFSET, sb->recovery_offset);
	rr_put_le32(out + O_DEV_NUMBER, sb->dev_number);
	rr_put_le32(out + O_CNT_CORRECTED, sb->cnt_corrected_read);
	memcpy(out + O_DEVICE_UUID, sb->device_uuid, 16);
	out[O_DEVFLAGS] = sb->devflags;
	out[O_BBLOG_SHIFT] = sb->bblog_shift;
	rr_put_le16(out + O_BBLOG_SIZE, sb->bblog_size);
	rr_put_le32(out + O_BBLOG_OFFSET, (uint32_t)sb->bblog_offset);
	rr_put_le64(out + O_UTIME, sb->utime | (uint64_t)sb->utime_usec << 40);
	rr_put_le64(out + O_EVENTS, sb->events);
	rr_put_le64(out + O_RESYNC_OFFSET, sb->resync_offset);
	rr_put_le32(out + O_MAX_DEV, sb->max_dev);
	/* pad3[32] at O_PAD3 stays zero: the kernel takes non-zero padding
	 * for an unknown feature and refuses the device. */
	for (uint32_t i = 0; i < sb->max_dev; i++)
		rr_put_le16(out + O_DEV_ROLES + 2 * i, sb->dev_roles[i]);
	rr_put_le32(out + O_SB_CSUM, rr_md1_csum(out, sb->max_dev));
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
