/* md 1.0 / 1.1 / 1.2 superblocks (kernel md_p.h struct mdp_superblock_1,
 * all fields little-endian).  The decoding, the checks and the derived
 * values (role, array state, unused space) follow mdadm 4.2 super1.c so
 * that what we print can be compared with mdadm --examine. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/endian.h"
#include "probes/md.h"
#include "probes/md1_format.h"


#define BITMAP_MAGIC 0x6d746962u
#define BITMAP_SB_BYTES 256u

uint32_t rr_md1_csum(const uint8_t *sb, uint32_t max_dev)
{
	size_t size = 256 + (size_t)max_dev * 2;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i + 4 <= size; i += 4)
		if (i != O_SB_CSUM)
			sum += rr_le32(sb + i);
	if (size - i == 2)
		sum += rr_le16(sb + i);
	return (uint32_t)((sum & 0xffffffffu) + (sum >> 32));
}

/* Sectors of the write-intent bitmap, as mdadm's calc_bitmap_size()
 * rounds it (bits for the sync range, plus its 256-byte header, rounded
 * up to 4 KiB).  Unsigned wrap-around on absurd values, like mdadm. */
static uint64_t bitmap_sectors(const struct rr_md_bitmap *b)
{
	uint64_t bits = 0, bytes;

	if (b->chunk_bytes)
		bits = (b->sync_size_sectors * 512 + b->chunk_bytes - 1) / b->chunk_bytes;
	bytes = ((bits + 7) >> 3) + BITMAP_SB_BYTES;
	bytes = (bytes + 4095) & ~(uint64_t)4095;
	return bytes / 512;
}

static void read_bitmap(struct rr_dev *dev, struct rr_member *m, struct rr_md_sb *s,
			const uint8_t *set_uuid)
{
	struct rr_md_bitmap *b = &s->bitmap;
	uint64_t sector = s->super_offset + (uint64_t)b->offset_sectors;
	const uint8_t *p;

	if ((b->offset_sectors < 0 && (uint64_t)-b->offset_sectors > s->super_offset) ||
	    sector > UINT64_MAX / 512 ||
	    rr_dev_get(dev, sector * 512, BITMAP_SB_BYTES, &p) < 0) {
		rr_member_error(m, _("md %s superblock: the write-intent bitmap at %" PRId64
				     " sectors from the superblock lies outside the device"),
				rr_md_version_name(s->version), b->offset_sectors);
		return;
	}
	if (rr_le32(p) != BITMAP_MAGIC || memcmp(p + 8, set_uuid, 16) != 0) {
		rr_member_error(m, _("md %s superblock: the feature map announces a write-intent "
				     "bitmap but there is no valid bitmap superblock at %" PRId64
				     " sectors from the superblock (mdadm ignores it too, and its "
				     "checksum line then disagrees)"),
				rr_md_version_name(s->version), b->offset_sectors);
		return;
	}
	b->valid = true;
	b->version = rr_le32(p + 4);
	b->events = rr_le64(p + 24);
	b->events_cleared = rr_le64(p + 32);
	b->sync_size_sectors = rr_le64(p + 40);
	b->chunk_bytes = rr_le32(p + 52);
	b->nodes = rr_le32(p + 68);
	memcpy(b->cluster_name, p + 72, 64);
	b->cluster_name[64] = '\0';
}

/* mdadm getinfo_super1(): the free space before and after the data, which
 * --examine prints as "Unused Space".  Unsigned arithmetic on purpose, to
 * give the very numbers mdadm gives even for odd superblocks. */
static void unused_space(struct rr_md_sb *s, uint64_t dev_sectors)
{
	uint64_t bitmap_offset = 0, ppl_offset = 0, data_size;

	if (s->feature_map & RR_MD_FEAT_BITMAP)
		bitmap_offset = (uint64_t)s->bitmap.offset_sectors;
	else if (s->feature_map & (RR_MD_FEAT_PPL | RR_MD_FEAT_MULTIPLE_PPLS))
		ppl_offset = (uint64_t)(int64_t)s->ppl_offset;
	data_size = s->level <= 0 ? s->data_size : s->component_size;
	s->space_before = s->space_after = 0;
	if (s->data_offset < s->super_offset) {
		uint64_t end = s->super_offset;

		s->space_before = s->data_offset;
		if (s->bblog_offset && s->bblog_size) {
			uint64_t bb = s->super_offset + (uint64_t)(int64_t)s->bblog_offset;

			if (bb < end)
				end = bb;
		}
		if (s->super_offset + bitmap_offset + ppl_offset < end)
			end = s->super_offset + bitmap_offset + ppl_offset;
		if (s->data_offset + data_size < end)
			s->space_after = end - data_size - s->data_offset;
	} else {
		uint64_t earliest = s->super_offset + (32 + 4) * 2; /* as the kernel */

		if ((int64_t)bitmap_offset > 0) {
			/* mdadm adds the bitmap size to the offset relative
			 * to the superblock, not to its absolute sector:
			 * copied as is so the numbers agree. */
			uint64_t bmend = bitmap_offset + bitmap_sectors(&s->bitmap);

			if (bmend > earliest)
				earliest = bmend;
		} else if ((int64_t)ppl_offset > 0) {
			uint64_t pplend = ppl_offset + s->ppl_size;

			if (pplend > earliest)
				earliest = pplend;
		}
		if (s->bblog_offset && s->bblog_size) {
			uint64_t bbend = s->super_offset + (uint64_t)(int64_t)s->bblog_offset +
					 s->bblog_size;

			if (bbend > earliest)
				earliest = bbend;
		}
		if (earliest < s->data_offset)
			s->space_before = s->data_offset - earliest;
		s->space_after = dev_sectors - data_size - s->data_offset;
	}
	if (s->space_before == 0 && s->space_after == 0)
		s->space_after = 1;	/* mdadm's marker for "no room" */
	s->space_known = s->space_after != 1 && !(s->feature_map & RR_MD_FEAT_NEW_OFFSET);
}

/* Device Role and Array State, as examine_super1() derives them. */
static void roles_and_state(struct rr_member *m, struct rr_md_sb *s)
{
	uint64_t slots = (uint64_t)s->raid_disks + (uint64_t)s->delta_extra;
	uint32_t *cnt;
	uint32_t role;

	if (s->dev_number < s->max_dev)
		role = s->dev_number < s->nroles ? s->roles[s->dev_number] : RR_MD_ROLE_FAULTY;
	else
		role = RR_MD_ROLE_SPARE;
	if (role == RR_MD_ROLE_SPARE) {
		s->role_kind = RR_MD_ROLE_KIND_SPARE;
	} else if (role == RR_MD_ROLE_FAULTY) {
		s->role_kind = RR_MD_ROLE_KIND_FAULTY;
	} else if (role == RR_MD_ROLE_JOURNAL) {
		s->role_kind = RR_MD_ROLE_KIND_JOURNAL;
	} else {
		s->role_kind = RR_MD_ROLE_ACTIVE;
		s->slot = role;
		s->replacement = (s->feature_map & RR_MD_FEAT_REPLACEMENT) != 0;
	}

	if (slots > RR_MD1_MAX_DEVS) {
		rr_member_error(m, _("md %s superblock: %" PRIu64 " device slots is more than a "
				     "superblock can describe (%u); array state shows the first %u"),
				rr_md_version_name(s->version), slots, RR_MD1_MAX_DEVS,
				RR_MD1_MAX_DEVS);
		slots = RR_MD1_MAX_DEVS;
	}
	cnt = rr_xcalloc(slots + 1, sizeof(*cnt));
	for (uint32_t i = 0; i < s->nroles; i++) {
		uint32_t r = s->roles[i];

		if (r < slots)
			cnt[r]++;
		if (r <= RR_MD_ROLE_MAX && r > s->raid_disks + (uint64_t)s->delta_extra)
			s->state_inconsistent = true;
	}
	s->array_state = rr_xmalloc(slots + 1);
	for (uint64_t d = 0; d < slots; d++) {
		char c;

		if (cnt[d] == 2 && s->level > 0)
			c = 'R';
		else if (cnt[d] == 1)
			c = 'A';
		else if (cnt[d] == 0)
			c = '.';
		else {
			c = '?';
			s->state_inconsistent = true;
		}
		s->array_state[d] = c;
	}
	s->array_state[slots] = '\0';
	free(cnt);
}

/* Report a region (in sectors) the superblock puts past the end. */
static void check_inside(struct rr_member *m, const struct rr_md_sb *s, const char *what,
			 uint64_t start, uint64_t len, uint64_t dev_sectors)
{
	if (start > dev_sectors || len > dev_sectors - start)
		rr_member_error(m, _("md %s superblock: %s (sectors %" PRIu64 "+%" PRIu64
				     ") runs past the end of the device (%" PRIu64 " sectors)"),
				rr_md_version_name(s->version), what, start, len, dev_sectors);
}

int rr_md1_read(struct rr_dev *dev, struct rr_member *m, enum rr_md_version v,
		struct rr_md_sb *s)
{
	uint64_t dev_sectors = rr_dev_size(dev) / 512, sb_sector;
	const uint8_t *p;
	uint32_t major;
	int r;

	memset(s, 0, sizeof(*s));
	/* mdadm: "too small for md" below 24 sectors. */
	if (dev_sectors < 24)
		return RR_PROBE_NONE;
	switch (v) {
	case RR_MD_V1_0:
		sb_sector = (dev_sectors - 8 * 2) & ~(uint64_t)(4 * 2 - 1);
		break;
	case RR_MD_V1_1:
		sb_sector = 0;
		break;
	case RR_MD_V1_2:
		sb_sector = 4 * 2;
		break;
	default:
		return -EINVAL;
	}
	r = rr_dev_get(dev, sb_sector * 512, RR_MD1_SB_BYTES, &p);
	if (r == -ERANGE)
		return RR_PROBE_NONE;
	if (r < 0) {
		rr_member_error(m, _("cannot read the md %s superblock at offset %" PRIu64 ": %s"),
				rr_md_version_name(v), sb_sector * 512, strerror(-r));
		return r;
	}
	if (rr_le32(p + O_MAGIC) != RR_MD_MAGIC)
		return RR_PROBE_NONE;
	major = rr_le32(p + O_MAJOR);
	if (major != 1) {
		/* A 0.90 block is never at these places; anything else is
		 * a format mdadm does not know either. */
		rr_member_error(m, _("md superblock magic at offset %" PRIu64 " but major version %"
				     PRIu32 " is unknown; ignored"), sb_sector * 512, major);
		return RR_PROBE_NONE;
	}
	if (rr_le64(p + O_SUPER_OFFSET) != sb_sector) {
		/* mdadm rejects it ("super_offset is wrong"): it was copied
		 * here from another place, e.g. an image taken at an offset. */
		rr_member_error(m, _("md 1.x superblock at sector %" PRIu64 " says it belongs at "
				     "sector %" PRIu64 "; ignored, as mdadm does (was the image "
				     "taken at the wrong offset?)"),
				sb_sector, rr_le64(p + O_SUPER_OFFSET));
		return RR_PROBE_NONE;
	}

	s->sb_offset_bytes = sb_sector * 512;
	/* mdadm names the minor version from super_offset. */
	s->version = sb_sector <= 4 ? RR_MD_V1_1 : sb_sector <= 8 ? RR_MD_V1_2 : RR_MD_V1_0;
	s->major_version = 1;
	s->minor_version = s->version == RR_MD_V1_0 ? 0 : s->version == RR_MD_V1_1 ? 1 : 2;
	s->feature_map = rr_le32(p + O_FEATURE);
	memcpy(s->array_uuid, p + O_SET_UUID, 16);
	memcpy(s->name, p + O_SET_NAME, 32);
	s->name[32] = '\0';
	s->ctime = rr_le64(p + O_CTIME) & 0xffffffffffull;
	s->ctime_usec = (uint32_t)(rr_le64(p + O_CTIME) >> 40);
	s->level = (int32_t)rr_le32(p + O_LEVEL);
	s->layout = rr_le32(p + O_LAYOUT);
	s->component_size = rr_le64(p + O_SIZE);
	s->chunk_bytes = (uint64_t)rr_le32(p + O_CHUNK) * 512;
	s->raid_disks = rr_le32(p + O_RAID_DISKS);
	s->new_level = (int32_t)rr_le32(p + O_NEW_LEVEL);
	s->reshape_position = rr_le64(p + O_RESHAPE_POS);
	s->delta_disks = (int32_t)rr_le32(p + O_DELTA_DISKS);
	s->new_layout = rr_le32(p + O_NEW_LAYOUT);
	s->new_chunk_bytes = (uint64_t)rr_le32(p + O_NEW_CHUNK) * 512;
	s->new_offset = (int32_t)rr_le32(p + O_NEW_OFFSET);
	s->data_offset = rr_le64(p + O_DATA_OFFSET);
	s->data_size = rr_le64(p + O_DATA_SIZE);
	s->super_offset = rr_le64(p + O_SUPER_OFFSET);
	s->recovery_offset = s->journal_tail = rr_le64(p + O_RECOVERY_OFFSET);
	s->dev_number = rr_le32(p + O_DEV_NUMBER);
	s->cnt_corrected_read = rr_le32(p + O_CNT_CORRECTED);
	memcpy(s->device_uuid, p + O_DEVICE_UUID, 16);
	s->devflags = p[O_DEVFLAGS];
	s->bblog_shift = p[O_BBLOG_SHIFT];
	s->bblog_size = rr_le16(p + O_BBLOG_SIZE);
	s->bblog_offset = (int32_t)rr_le32(p + O_BBLOG_OFFSET);
	s->utime = rr_le64(p + O_UTIME) & 0xffffffffffull;
	s->utime_usec = (uint32_t)(rr_le64(p + O_UTIME) >> 40);
	s->events = rr_le64(p + O_EVENTS);
	s->resync_offset = rr_le64(p + O_RESYNC_OFFSET);
	s->clean = s->resync_offset == UINT64_MAX;
	s->csum_stored = rr_le32(p + O_SB_CSUM);
	s->max_dev = rr_le32(p + O_MAX_DEV);

	if (s->feature_map & RR_MD_FEAT_BITMAP) {
		s->bitmap.present = true;
		s->bitmap.offset_sectors = (int32_t)rr_le32(p + O_BITMAP_OFFSET);
	} else if (s->feature_map & (RR_MD_FEAT_PPL | RR_MD_FEAT_MULTIPLE_PPLS)) {
		s->ppl_offset = (int16_t)rr_le16(p + O_PPL_OFFSET);
		s->ppl_size = rr_le16(p + O_PPL_SIZE);
	}
	if (s->feature_map & RR_MD_FEAT_RESHAPE_ACTIVE) {
		s->reshape_active = true;
		s->reshape_backwards = (s->feature_map & RR_MD_FEAT_RESHAPE_BACKWARDS) != 0;
		if (s->delta_disks < 0)
			s->delta_extra = (int32_t)(-(int64_t)s->delta_disks > RR_MD1_MAX_DEVS
						   ? RR_MD1_MAX_DEVS : -(int64_t)s->delta_disks);
	}

	/* The checksum covers dev_roles[max_dev]; more than fits in the 4 KiB
	 * the kernel reads cannot be right. */
	s->nroles = s->max_dev;
	if (s->max_dev > RR_MD1_MAX_DEVS) {
		rr_member_error(m, _("md %s superblock: max_dev %" PRIu32 " is more than fits in "
				     "a superblock (%u); the checksum cannot be verified and only "
				     "the first %u roles are read"),
				rr_md_version_name(s->version), s->max_dev, RR_MD1_MAX_DEVS,
				RR_MD1_MAX_DEVS);
		s->nroles = RR_MD1_MAX_DEVS;
	} else {
		s->csum_expected = rr_md1_csum(p, s->max_dev);
		s->csum_computed = true;
		s->checksum_ok = s->csum_expected == s->csum_stored;
		s->checksum_kernel_ok = s->checksum_ok;
		if (!s->checksum_ok)
			rr_member_error(m, _("md %s superblock checksum is wrong (stored %" PRIx32
					     ", expected %" PRIx32 "); decoded anyway"),
					rr_md_version_name(s->version), s->csum_stored,
					s->csum_expected);
	}
	if (s->nroles) {
		s->roles = rr_xcalloc(s->nroles, sizeof(*s->roles));
		for (uint32_t i = 0; i < s->nroles; i++)
			s->roles[i] = rr_le16(p + O_DEV_ROLES + 2 * i);
	}
	roles_and_state(m, s);

	s->csum_mdadm = s->csum_expected;
	if (s->bitmap.present) {
		read_bitmap(dev, m, s, p + O_SET_UUID);
		if (!s->bitmap.valid && s->csum_computed) {
			uint8_t copy[RR_MD1_SB_BYTES];

			memcpy(copy, p, sizeof(copy));
			copy[O_FEATURE] &= (uint8_t)~RR_MD_FEAT_BITMAP;
			s->csum_mdadm = rr_md1_csum(copy, s->max_dev);
		}
	}
	unused_space(s, dev_sectors);

	/* Regions the superblock describes must be on this device. */
	check_inside(m, s, _("the data area"), s->data_offset, s->data_size, dev_sectors);
	if (s->level > 0 && s->component_size > s->data_size)
		rr_member_error(m, _("md %s superblock: used device size %" PRIu64 " sectors is "
				     "larger than the data area (%" PRIu64 " sectors)"),
				rr_md_version_name(s->version), s->component_size, s->data_size);
	if (s->bblog_offset && s->bblog_size &&
	    (s->bblog_offset >= 0 || (uint64_t)-(int64_t)s->bblog_offset <= s->super_offset))
		check_inside(m, s, _("the bad-block log"),
			     s->super_offset + (uint64_t)(int64_t)s->bblog_offset, s->bblog_size,
			     dev_sectors);
	else if (s->bblog_offset && s->bblog_size)
		rr_member_error(m, _("md %s superblock: the bad-block log starts before the device"),
				rr_md_version_name(s->version));
	if ((s->feature_map & RR_MD_FEAT_BAD_BLOCKS))
		rr_member_error(m, _("md %s superblock: this device has recorded bad blocks"),
				rr_md_version_name(s->version));
	return RR_PROBE_FOUND;
}
