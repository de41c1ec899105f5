/* Linux md RAID superblocks: 0.90 (probes/md0.c) and 1.0/1.1/1.2
 * (probes/md1.c), printed like mdadm --examine (probes/md_text.c).
 *
 * One device may carry more than one md superblock (a 1.2 array created
 * over an old 0.90 member keeps the stale 0.90 block at the end).  All are
 * decoded; the primary one (most recent update time) comes first.  Every
 * value read from disk is kept as it was on disk (sizes in the unit the
 * format uses is converted to 512-byte sectors here, noted per field), and
 * nothing in this model has been "repaired": the planner decides. */
#ifndef RR_MD_H
#define RR_MD_H

#include <stdbool.h>
#include <stdint.h>

#include "probes/probe.h"

#define RR_MD_MAGIC 0xa92b4efcu

/* md 0.90: 4 KiB superblock in the last 64 KiB-aligned 64 KiB of the device. */
#define RR_MD0_RESERVED_BYTES (64u * 1024)
#define RR_MD0_SB_BYTES 4096u
#define RR_MD0_DISKS 27		/* slots in the 0.90 disk table */

/* md 1.x: 256 bytes + 2 bytes per role; mdadm and the kernel read one 4 KiB
 * block, which bounds max_dev to (4096 - 256) / 2. */
#define RR_MD1_SB_BYTES 4096u
#define RR_MD1_MAX_DEVS 1920u

/* md 1.x dev_roles[] special values (mdadm md_p.h). */
#define RR_MD_ROLE_SPARE 0xffffu
#define RR_MD_ROLE_FAULTY 0xfffeu
#define RR_MD_ROLE_JOURNAL 0xfffdu
#define RR_MD_ROLE_MAX 0xff00u	/* largest ordinary slot number */

/* md 1.x feature_map bits (kernel md_p.h). */
enum {
	RR_MD_FEAT_BITMAP = 1,
	RR_MD_FEAT_RECOVERY_OFFSET = 2,
	RR_MD_FEAT_RESHAPE_ACTIVE = 4,
	RR_MD_FEAT_BAD_BLOCKS = 8,
	RR_MD_FEAT_REPLACEMENT = 16,
	RR_MD_FEAT_RESHAPE_BACKWARDS = 32,
	RR_MD_FEAT_NEW_OFFSET = 64,
	RR_MD_FEAT_BITMAP_VERSIONED = 256,
	RR_MD_FEAT_JOURNAL = 512,
	RR_MD_FEAT_PPL = 1024,
	RR_MD_FEAT_MULTIPLE_PPLS = 2048,
	RR_MD_FEAT_RAID0_LAYOUT = 4096,
};

/* md 0.90 disk state bits (mdp_disk_t.state). */
enum {
	RR_MD0_DISK_FAULTY = 0,
	RR_MD0_DISK_ACTIVE = 1,
	RR_MD0_DISK_SYNC = 2,
	RR_MD0_DISK_REMOVED = 3,
	RR_MD0_DISK_WRITEMOSTLY = 9,
	RR_MD0_DISK_FAILFAST = 10,
};

/* md 0.90 superblock state bits. */
enum {
	RR_MD0_SB_CLEAN = 0,
	RR_MD0_SB_ERRORS = 1,
	RR_MD0_SB_BITMAP_PRESENT = 8,
};

/* md levels as the kernel numbers them. */
enum {
	RR_MD_LEVEL_CONTAINER = -100,
	RR_MD_LEVEL_FAULTY = -5,
	RR_MD_LEVEL_MULTIPATH = -4,
	RR_MD_LEVEL_LINEAR = -1,
};

enum rr_md_version {
	RR_MD_V0_90,
	RR_MD_V1_0,	/* superblock near the end */
	RR_MD_V1_1,	/* at 0 */
	RR_MD_V1_2,	/* at 4 KiB */
};

/* What this device is in the array, decoded the way mdadm does. */
enum rr_md_role_kind {
	RR_MD_ROLE_ACTIVE,	/* slot holds the slot number */
	RR_MD_ROLE_KIND_SPARE,
	RR_MD_ROLE_KIND_FAULTY,
	RR_MD_ROLE_KIND_JOURNAL,
};

/* One entry of the 0.90 disk table (mdp_disk_t). */
struct rr_md0_disk {
	uint32_t number, major, minor, raid_disk, state;
};

/* The write-intent bitmap superblock an md superblock points at. */
struct rr_md_bitmap {
	bool present;		/* the feature/state bit is set */
	bool valid;		/* bitmap magic and array UUID match (else
				 * mdadm ignores the bitmap and so do we) */
	int64_t offset_sectors;	/* 1.x: signed, from the superblock;
				 * 0.90: always 8 (right after it) */
	uint64_t events, events_cleared, sync_size_sectors;
	uint32_t version, chunk_bytes, nodes;
	char cluster_name[65];
};

/* One decoded md superblock. */
struct rr_md_sb {
	enum rr_md_version version;
	uint64_t sb_offset_bytes;	/* where it was read on this device */
	bool big_endian;		/* 0.90 written by a big-endian host */
	uint32_t major_version, minor_version, patch_version; /* 0.90: 0/90/0; 1.x: 1/minor/0 */

	/* Array identity.  array_uuid is in mdadm's print order (for 0.90
	 * the four host-order words, each most significant byte first). */
	uint8_t array_uuid[16];
	char name[33];			/* 1.x set_name; "" for 0.90 */
	int32_t level;
	uint32_t layout;
	uint64_t chunk_bytes;		/* 0.90 stores bytes, 1.x sectors */
	uint32_t raid_disks;
	int32_t delta_extra;		/* extra slots while shrinking (reshape) */

	/* Times, seconds since the epoch (UTC) and microseconds (1.x only). */
	uint64_t ctime, utime;
	uint32_t ctime_usec, utime_usec;
	uint64_t events;
	bool clean;			/* 1.x: resync_offset == ~0; 0.90: state bit */
	uint64_t resync_offset;		/* 1.x resync_offset; 0.90 recovery_cp */

	/* Geometry of this member, 512-byte sectors. */
	uint64_t component_size;	/* used size of each member (1.x size; 0.90 size KiB * 2) */
	uint64_t data_offset;		/* 0 for 0.90 */
	uint64_t data_size;		/* 1.x data_size; 0.90: space before the superblock */
	uint64_t super_offset;		/* as recorded (1.x) or computed (0.90) */
	uint64_t space_before, space_after; /* 1.x "Unused Space", mdadm's way */
	bool space_known;		/* mdadm prints "Unused Space" */

	/* This device. */
	uint8_t device_uuid[16];	/* 1.x only */
	uint32_t dev_number;		/* 1.x index into roles[]; 0.90 this_disk.number */
	uint8_t devflags;		/* 1.x: 1 write-mostly, 2 failfast */
	uint32_t cnt_corrected_read;
	enum rr_md_role_kind role_kind;
	uint32_t slot;			/* when role_kind == RR_MD_ROLE_ACTIVE */
	bool replacement;		/* 1.x: replacing the device in slot */

	/* Array state string as mdadm --examine prints it for 1.x ('A' one
	 * device claims the slot, 'R' two (one replacing), '.' none, '?' more);
	 * for 0.90 the same computed from the disk table ('A' active). */
	char *array_state;
	bool state_inconsistent;	/* mdadm's "Array State is inconsistent" */

	/* Checksum. */
	uint32_t csum_stored, csum_expected;
	bool csum_computed;		/* false when max_dev made it impossible */
	/* What mdadm --examine compares with csum_stored: it first drops
	 * the bitmap flag of an invalid bitmap in memory, so its sum can
	 * differ from csum_expected (the text shows mdadm's). */
	uint32_t csum_mdadm;
	bool checksum_ok;
	bool checksum_kernel_ok;	/* 0.90: the kernel compares 16-bit folds */

	/* 1.x feature map and what it enables. */
	uint32_t feature_map;
	struct rr_md_bitmap bitmap;
	int16_t ppl_offset;		/* sectors from the superblock */
	uint16_t ppl_size;
	uint8_t bblog_shift;
	uint16_t bblog_size;		/* sectors reserved for the bad-block log */
	int32_t bblog_offset;		/* sectors from the superblock, signed */
	uint64_t recovery_offset;	/* sectors from data_offset (FEAT_RECOVERY_OFFSET/REPLACEMENT) */
	uint64_t journal_tail;		/* same field on a journal device */

	/* Reshape (1.x FEAT_RESHAPE_ACTIVE, 0.90 minor 91). */
	bool reshape_active;
	bool reshape_backwards;
	uint64_t reshape_position;	/* array sectors */
	int32_t new_level;
	uint32_t new_layout;
	uint64_t new_chunk_bytes;
	int32_t delta_disks;
	int32_t new_offset;		/* sectors added to data_offset (FEAT_NEW_OFFSET) */

	/* 1.x role table, dev_roles[0..nroles), nroles = min(max_dev, 1920). */
	uint32_t max_dev;
	uint16_t *roles;
	uint32_t nroles;

	/* 0.90 generic and disk table. */
	uint32_t nr_disks, md_minor, not_persistent, sb_state;
	uint32_t active_disks, working_disks, failed_disks, spare_disks;
	struct rr_md0_disk disks[RR_MD0_DISKS];
	struct rr_md0_disk this_disk;
	uint32_t ndisks_shown;		/* table rows mdadm prints, bounded to 27 */
};

/* What md found on one device; NULL member->md means no superblock. */
struct rr_md_info {
	size_t nsb;
	struct rr_md_sb *sb;		/* sb[0] is the primary */
};

extern const struct rr_probe rr_probe_md;

/* Decoders (one location each).  RR_PROBE_FOUND with *out filled,
 * RR_PROBE_NONE, or -errno after rr_member_error. */
int rr_md0_read(struct rr_dev *dev, struct rr_member *m, struct rr_md_sb *out);
int rr_md1_read(struct rr_dev *dev, struct rr_member *m, enum rr_md_version v,
		struct rr_md_sb *out);
void rr_md_sb_clear(struct rr_md_sb *sb);

/* Names as mdadm prints them. */
const char *rr_md_version_name(enum rr_md_version v);	/* "0.90", "1.2" */
const char *rr_md_level_name(int32_t level);		/* NULL if unknown */
/* Layout of level as mdadm names it into buf; NULL if the level has no
 * layout (linear, raid1, raid0 without the layout flag). "-unknown-" for
 * values mdadm has no name for. */
const char *rr_md_layout_name(int32_t level, uint32_t layout, bool raid0_layout,
			      char *buf, size_t size);
/* "Sun Nov 22 03:42:07 2026", in UTC, English names regardless of locale. */
void rr_md_format_ctime(uint64_t t, char *buf, size_t size);
/* "2026-11-22T03:42:07Z". */
void rr_md_format_iso(uint64_t t, char *buf, size_t size);
/* Array UUID as mdadm prints it, "xxxxxxxx:xxxxxxxx:xxxxxxxx:xxxxxxxx". */
void rr_md_format_uuid(const uint8_t uuid[16], char buf[36]);

/* The superblock the planner should use (sb[0]), or NULL. */
static inline const struct rr_md_sb *rr_md_primary(const struct rr_md_info *md)
{
	return md && md->nsb ? &md->sb[0] : NULL;
}

#endif
