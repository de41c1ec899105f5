/* md 0.90 superblocks (kernel md_p.h mdp_super_t).  The block is written
 * in the byte order of the host that last wrote it, so an array moved from
 * a big-endian machine has every 32-bit word (and the 64-bit event and
 * reshape counters) the other way round: the magic tells which. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/endian.h"
#include "probes/md.h"

/* Byte offsets in mdp_super_t (word index * 4). */
enum {
	O_MAGIC = 0, O_MAJOR = 4, O_MINOR = 8, O_PATCH = 12, O_UUID0 = 20,
	O_CTIME = 24, O_LEVEL = 28, O_SIZE = 32, O_NR_DISKS = 36, O_RAID_DISKS = 40,
	O_MD_MINOR = 44, O_NOT_PERSISTENT = 48, O_UUID1 = 52, O_UUID2 = 56, O_UUID3 = 60,
	O_UTIME = 128, O_STATE = 132, O_ACTIVE = 136, O_WORKING = 140, O_FAILED = 144,
	O_SPARE = 148, O_SB_CSUM = 152, O_EVENTS = 156, O_RECOVERY_CP = 172,
	O_RESHAPE_POS = 176, O_NEW_LEVEL = 184, O_DELTA_DISKS = 188,
	O_NEW_LAYOUT = 192, O_NEW_CHUNK = 196, O_LAYOUT = 256, O_CHUNK = 260,
	O_DISKS = 512, DISK_BYTES = 128, O_THIS_DISK = 3968,
};

#define BITMAP_MAGIC 0x6d746962u

/* The kernel and mdadm: sum of all 1024 host-order words with sb_csum
 * taken as 0, the carry word added once. */
static uint32_t sb0_csum(const uint8_t *sb, int big)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < RR_MD0_SB_BYTES; i += 4)
		if (i != O_SB_CSUM)
			sum += rr_x32(sb + i, big);
	return (uint32_t)((sum & 0xffffffffu) + (sum >> 32));
}

/* The kernel compares 16-bit folds (it once used csum_partial, whose
 * result differs between architectures), so a block mdadm calls wrong can
 * still be accepted by the kernel. */
static uint32_t csum_fold(uint32_t c)
{
	c = (c & 0xffff) + (c >> 16);
	return (c & 0xffff) + (c >> 16);
}

static void read_disk(const uint8_t *p, int big, struct rr_md0_disk *d)
{
	d->number = rr_x32(p, big);
	d->major = rr_x32(p + 4, big);
	d->minor = rr_x32(p + 8, big);
	d->raid_disk = rr_x32(p + 12, big);
	d->state = rr_x32(p + 16, big);
}

/* The bitmap superblock follows the 0.90 block (always little-endian);
 * its uuid is the four set_uuid words as they lie on disk. */
static void read_bitmap(struct rr_dev *dev, struct rr_member *m, struct rr_md_sb *s,
			const uint8_t *sb)
{
	struct rr_md_bitmap *b = &s->bitmap;
	uint8_t uuid[16];
	const uint8_t *p;

	b->present = true;
	b->offset_sectors = RR_MD0_SB_BYTES / 512;
	if (rr_dev_get(dev, s->sb_offset_bytes + RR_MD0_SB_BYTES, 256, &p) < 0) {
		rr_member_error(m, "%s", _("md 0.90 superblock: the write-intent bitmap after it "
					   "lies outside the device"));
		return;
	}
	memcpy(uuid, sb + O_UUID0, 4);
	memcpy(uuid + 4, sb + O_UUID1, 12);
	if (rr_le32(p) != BITMAP_MAGIC || memcmp(p + 8, uuid, 16) != 0) {
		rr_member_error(m, "%s", _("md 0.90 superblock: the state announces a write-intent "
					   "bitmap but there is no valid bitmap superblock after it "
					   "(mdadm ignores it too, and its checksum line then disagrees)"));
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

/* What the kernel makes of this_disk (super_90_validate): faulty, an
 * active slot, or a spare. */
static void decode_role(struct rr_md_sb *s)
{
	const struct rr_md0_disk *d = &s->this_disk;

	if (d->state & (1u << RR_MD0_DISK_FAULTY)) {
		s->role_kind = RR_MD_ROLE_KIND_FAULTY;
	} else if ((d->state & (1u << RR_MD0_DISK_ACTIVE)) && d->raid_disk < s->raid_disks) {
		s->role_kind = RR_MD_ROLE_ACTIVE;
		s->slot = d->raid_disk;
	} else {
		s->role_kind = RR_MD_ROLE_KIND_SPARE;
	}
}

/* mdadm prints no array state for 0.90; give the planner the same shape
 * as 1.x from the disk table: 'A' a working (active, not faulty) disk
 * claims the slot, '.' none does, '?' more than one. */
static void array_state(struct rr_md_sb *s)
{
	uint32_t n = s->raid_disks < RR_MD0_DISKS ? s->raid_disks : RR_MD0_DISKS;

	s->array_state = rr_xmalloc(n + 1);
	for (uint32_t slot = 0; slot < n; slot++) {
		unsigned cnt = 0;

		for (unsigned i = 0; i < RR_MD0_DISKS; i++) {
			const struct rr_md0_disk *d = &s->disks[i];

			if (d->raid_disk == slot && (d->state & (1u << RR_MD0_DISK_ACTIVE)) &&
			    !(d->state & (1u << RR_MD0_DISK_FAULTY)))
				cnt++;
		}
		s->array_state[slot] = cnt == 0 ? '.' : cnt == 1 ? 'A' : '?';
		if (cnt > 1)
			s->state_inconsistent = true;
	}
	s->array_state[n] = '\0';
}

int rr_md0_read(struct rr_dev *dev, struct rr_member *m, struct rr_md_sb *s)
{
	uint64_t size = rr_dev_size(dev), off;
	const uint8_t *p;
	int big, r;
	int64_t shown;

	memset(s, 0, sizeof(*s));
	if (size < RR_MD0_RESERVED_BYTES)
		return RR_PROBE_NONE;
	off = (size & ~(uint64_t)(RR_MD0_RESERVED_BYTES - 1)) - RR_MD0_RESERVED_BYTES;
	r = rr_dev_get(dev, off, RR_MD0_SB_BYTES, &p);
	if (r == -ERANGE)
		return RR_PROBE_NONE;
	if (r < 0) {
		rr_member_error(m, _("cannot read the md 0.90 superblock at offset %" PRIu64 ": %s"),
				off, strerror(-r));
		return r;
	}
	if (rr_le32(p + O_MAGIC) == RR_MD_MAGIC)
		big = 0;
	else if (rr_be32(p + O_MAGIC) == RR_MD_MAGIC)
		big = 1;
	else
		return RR_PROBE_NONE;
	s->major_version = rr_x32(p + O_MAJOR, big);
	if (s->major_version != 0) {
		rr_member_error(m, _("md superblock magic at offset %" PRIu64 " but major version %"
				     PRIu32 " is unknown; ignored"), off, s->major_version);
		return RR_PROBE_NONE;
	}

	s->version = RR_MD_V0_90;
	s->sb_offset_bytes = off;
	s->big_endian = big;
	s->minor_version = rr_x32(p + O_MINOR, big);
	s->patch_version = rr_x32(p + O_PATCH, big);
	rr_put_be32(s->array_uuid, rr_x32(p + O_UUID0, big));
	if (s->minor_version >= 90) {
		rr_put_be32(s->array_uuid + 4, rr_x32(p + O_UUID1, big));
		rr_put_be32(s->array_uuid + 8, rr_x32(p + O_UUID2, big));
		rr_put_be32(s->array_uuid + 12, rr_x32(p + O_UUID3, big));
	}
	s->ctime = rr_x32(p + O_CTIME, big);
	s->level = (int32_t)rr_x32(p + O_LEVEL, big);
	s->component_size = (uint64_t)rr_x32(p + O_SIZE, big) * 2;
	s->nr_disks = rr_x32(p + O_NR_DISKS, big);
	s->raid_disks = rr_x32(p + O_RAID_DISKS, big);
	s->md_minor = rr_x32(p + O_MD_MINOR, big);
	s->not_persistent = rr_x32(p + O_NOT_PERSISTENT, big);
	s->utime = rr_x32(p + O_UTIME, big);
	s->sb_state = rr_x32(p + O_STATE, big);
	s->clean = (s->sb_state & (1u << RR_MD0_SB_CLEAN)) != 0;
	s->active_disks = rr_x32(p + O_ACTIVE, big);
	s->working_disks = rr_x32(p + O_WORKING, big);
	s->failed_disks = rr_x32(p + O_FAILED, big);
	s->spare_disks = rr_x32(p + O_SPARE, big);
	s->csum_stored = rr_x32(p + O_SB_CSUM, big);
	/* events_lo/events_hi are laid out so that, in host order, they
	 * form one 64-bit counter. */
	s->events = rr_x64(p + O_EVENTS, big);
	s->resync_offset = rr_x32(p + O_RECOVERY_CP, big);
	s->layout = rr_x32(p + O_LAYOUT, big);
	s->chunk_bytes = rr_x32(p + O_CHUNK, big);
	s->data_offset = 0;
	s->data_size = off / 512;
	s->super_offset = off / 512;
	for (unsigned i = 0; i < RR_MD0_DISKS; i++)
		read_disk(p + O_DISKS + i * DISK_BYTES, big, &s->disks[i]);
	read_disk(p + O_THIS_DISK, big, &s->this_disk);
	s->dev_number = s->this_disk.number;

	/* Reshape fields exist from minor version 91 on. */
	s->reshape_position = rr_x64(p + O_RESHAPE_POS, big);
	s->new_level = (int32_t)rr_x32(p + O_NEW_LEVEL, big);
	s->delta_disks = (int32_t)rr_x32(p + O_DELTA_DISKS, big);
	s->new_layout = rr_x32(p + O_NEW_LAYOUT, big);
	s->new_chunk_bytes = rr_x32(p + O_NEW_CHUNK, big);
	if (s->minor_version > 90 && s->reshape_position != UINT64_MAX) {
		s->reshape_active = true;
		if (s->delta_disks < 0)
			s->delta_extra = (int32_t)(-(int64_t)s->delta_disks > RR_MD0_DISKS
						   ? RR_MD0_DISKS : -(int64_t)s->delta_disks);
	}

	s->csum_expected = sb0_csum(p, big);
	s->csum_computed = true;
	s->checksum_ok = s->csum_expected == s->csum_stored;
	s->checksum_kernel_ok = csum_fold(s->csum_expected) == csum_fold(s->csum_stored);
	if (!s->checksum_ok && s->checksum_kernel_ok)
		rr_member_error(m, _("md 0.90 superblock checksum %" PRIx32 " differs from mdadm's "
				     "%" PRIx32 " but the kernel accepts it (same 16-bit fold)"),
				s->csum_stored, s->csum_expected);
	else if (!s->checksum_ok)
		rr_member_error(m, _("md 0.90 superblock checksum is wrong (stored %" PRIx32
				     ", expected %" PRIx32 "); decoded anyway"),
				s->csum_stored, s->csum_expected);

	if (s->raid_disks > RR_MD0_DISKS || s->nr_disks > RR_MD0_DISKS)
		rr_member_error(m, _("md 0.90 superblock: %" PRIu32 " raid devices / %" PRIu32
				     " total devices is more than its table holds (%d)"),
				s->raid_disks, s->nr_disks, RR_MD0_DISKS);
	if (s->component_size > s->data_size)
		rr_member_error(m, _("md 0.90 superblock: used device size %" PRIu64 " sectors runs "
				     "past the superblock at sector %" PRIu64),
				s->component_size, s->super_offset);

	/* The table rows mdadm prints: raid disks, shrinking extras, spares
	 * (its int arithmetic, bounded to the table). */
	shown = (int32_t)(s->raid_disks + (uint32_t)s->delta_extra + s->spare_disks);
	if (shown < 0)
		shown = 0;
	s->ndisks_shown = shown > RR_MD0_DISKS ? RR_MD0_DISKS : (uint32_t)shown;

	decode_role(s);
	array_state(s);
	s->csum_mdadm = s->csum_expected;
	if (s->sb_state & (1u << RR_MD0_SB_BITMAP_PRESENT)) {
		read_bitmap(dev, m, s, p);
		if (!s->bitmap.valid) {
			uint8_t copy[RR_MD0_SB_BYTES];
			uint32_t st = s->sb_state & ~(1u << RR_MD0_SB_BITMAP_PRESENT);

			memcpy(copy, p, sizeof(copy));
			copy[O_STATE] = (uint8_t)(big ? st >> 24 : st);
			copy[O_STATE + 1] = (uint8_t)(big ? st >> 16 : st >> 8);
			copy[O_STATE + 2] = (uint8_t)(big ? st >> 8 : st >> 16);
			copy[O_STATE + 3] = (uint8_t)(big ? st : st >> 24);
			s->csum_mdadm = sb0_csum(copy, big);
		}
	}
	return RR_PROBE_FOUND;
}
