/* ZFS vdev labels and uberblocks, as the planner needs them.
 *
 * Every leaf vdev carries four 256 KiB labels: L0 at 0, L1 at 256 KiB, L2
 * and L3 in the last 512 KiB of the device (its size aligned down to
 * 256 KiB).  Each label is:
 *     0 KiB   8 KiB blank (room for a VTOC/EFI label)
 *     8 KiB   8 KiB boot block header
 *    16 KiB 112 KiB packed XDR nvlist (the vdev/pool config), sealed
 *   128 KiB 128 KiB uberblock ring, slots of max(1 KiB, 1 << ashift), sealed
 * "Sealed" blocks end in a 40-byte zio_eck_t (magic 0x0210da7ab10c7a11 and
 * a SHA-256 of the block computed with the checksum field set to the
 * block's byte offset on the device), in the byte order of the writer.
 * ZFS itself trusts a label only if that checksum matches, and picks the
 * uberblock with the highest txg (then timestamp) among valid ones. */
#ifndef RR_ZFS_H
#define RR_ZFS_H

#include <stdint.h>

#include "probes/probe.h"
#include "probes/zfs_nvlist.h"

#define RR_ZFS_LABELS 4
#define RR_ZFS_LABEL_SIZE (256u << 10)
#define RR_ZFS_NVLIST_OFFSET (16u << 10)	/* within the label */
#define RR_ZFS_NVLIST_SIZE (112u << 10)
#define RR_ZFS_RING_OFFSET (128u << 10)
#define RR_ZFS_RING_SIZE (128u << 10)
#define RR_ZFS_UB_MAX 128			/* slots in a ring of 1 KiB slots */
#define RR_ZFS_UB_MAGIC 0x00bab10cULL
#define RR_ZFS_ECK_MAGIC 0x0210da7ab10c7a11ULL
#define RR_ZFS_MMP_MAGIC 0xa11cea11ULL

/* Pool states (the label's "state"), pool_state_t. */
enum rr_zfs_pool_state {
	RR_ZFS_POOL_ACTIVE = 0,
	RR_ZFS_POOL_EXPORTED = 1,
	RR_ZFS_POOL_DESTROYED = 2,
	RR_ZFS_POOL_SPARE = 3,
	RR_ZFS_POOL_L2CACHE = 4,
	RR_ZFS_POOL_UNINITIALIZED = 5,
	RR_ZFS_POOL_UNAVAIL = 6,
	RR_ZFS_POOL_POTENTIALLY_ACTIVE = 7,
};

/* Which optional fields a vdev or config carries (bits of "have"). */
enum {
	RR_ZFS_HAVE_ID = 1 << 0,
	RR_ZFS_HAVE_GUID = 1 << 1,
	RR_ZFS_HAVE_ASHIFT = 1 << 2,
	RR_ZFS_HAVE_ASIZE = 1 << 3,
	RR_ZFS_HAVE_NPARITY = 1 << 4,
	RR_ZFS_HAVE_CREATE_TXG = 1 << 5,
	RR_ZFS_HAVE_WHOLE_DISK = 1 << 6,
	RR_ZFS_HAVE_IS_LOG = 1 << 7,
	RR_ZFS_HAVE_METASLAB_ARRAY = 1 << 8,
	RR_ZFS_HAVE_METASLAB_SHIFT = 1 << 9,
	RR_ZFS_HAVE_OFFLINE = 1 << 10,
	RR_ZFS_HAVE_FAULTED = 1 << 11,
	RR_ZFS_HAVE_DEGRADED = 1 << 12,
	RR_ZFS_HAVE_REMOVED = 1 << 13,
};

/* One node of vdev_tree (the top-level vdev this disk belongs to, and
 * its children down to the leaves). */
struct rr_zfs_vdev {
	char *type;		/* "disk", "file", "mirror", "raidz", "draid", "replacing", "spare", ... */
	unsigned have;		/* RR_ZFS_HAVE_* */
	uint64_t id, guid;
	char *path, *devid, *phys_path;	/* NULL when absent */
	uint64_t ashift, asize, nparity, create_txg, whole_disk, is_log;
	uint64_t metaslab_array, metaslab_shift;
	uint64_t offline, faulted, degraded, removed;
	struct rr_zfs_vdev *children;
	size_t nchildren;
};

/* Which config fields a label carries (bits of rr_zfs_config.have). */
enum {
	RR_ZFS_CFG_VERSION = 1 << 0,
	RR_ZFS_CFG_STATE = 1 << 1,
	RR_ZFS_CFG_TXG = 1 << 2,
	RR_ZFS_CFG_POOL_GUID = 1 << 3,
	RR_ZFS_CFG_GUID = 1 << 4,
	RR_ZFS_CFG_TOP_GUID = 1 << 5,
	RR_ZFS_CFG_HOSTID = 1 << 6,
	RR_ZFS_CFG_VDEV_CHILDREN = 1 << 7,
	RR_ZFS_CFG_VDEV_TREE = 1 << 8,
};

/* The label nvlist's fields that matter for recovery. */
struct rr_zfs_config {
	unsigned have;		/* RR_ZFS_CFG_* */
	uint64_t version;	/* SPA version (5000 = feature flags) */
	char *name;		/* pool name, NULL when absent (spares, l2cache) */
	uint64_t state;		/* enum rr_zfs_pool_state */
	uint64_t txg;		/* txg the label was written in */
	uint64_t pool_guid;
	uint64_t guid;		/* this leaf vdev */
	uint64_t top_guid;	/* its top-level vdev */
	char *hostname;
	uint64_t hostid;
	uint64_t vdev_children;	/* top-level vdevs in the pool */
	struct rr_zfs_vdev vdev_tree;	/* valid when RR_ZFS_CFG_VDEV_TREE */
	char **features_for_read;	/* names, nfeatures of them */
	size_t nfeatures;
};

enum rr_zfs_label_state {
	RR_ZFS_LABEL_VALID = 0,		/* checksum matches, nvlist decoded */
	RR_ZFS_LABEL_UNREADABLE,	/* read error or outside the device */
	RR_ZFS_LABEL_BLANK,		/* no checksum trailer: never written or wiped */
	RR_ZFS_LABEL_BAD_CHECKSUM,	/* trailer present, SHA-256 does not match */
	RR_ZFS_LABEL_BAD_NVLIST,	/* checksum ok (or not), nvlist undecodable */
};

enum rr_zfs_cksum {
	RR_ZFS_CKSUM_OK = 0,
	RR_ZFS_CKSUM_BAD,		/* trailer present, digest differs */
	RR_ZFS_CKSUM_MISSING,		/* no zio_eck_t magic at the end of the block */
};

struct rr_zfs_dva {
	uint32_t vdev;		/* top-level vdev id */
	uint32_t grid;
	uint64_t asize;		/* bytes */
	uint64_t offset;	/* bytes, from the start of the vdev's allocatable space */
	int gang;
};

struct rr_zfs_blkptr {
	struct rr_zfs_dva dva[3];	/* a DVA with asize 0 is unused */
	uint64_t prop;		/* raw blk_prop */
	uint64_t lsize, psize;	/* bytes */
	unsigned comp, cksum_type, type, level, byteorder_big, embedded;
	uint64_t phys_birth, birth, fill;
	uint64_t cksum[4];
};

struct rr_zfs_uberblock {
	unsigned slot;		/* index in the ring */
	uint64_t offset;	/* byte offset on the device */
	int big_endian;		/* written by a big-endian host */
	enum rr_zfs_cksum cksum;
	uint64_t version, txg, guid_sum, timestamp;
	struct rr_zfs_blkptr rootbp;
	uint64_t software_version;
	int mmp_valid;		/* ub_mmp_magic present */
	uint64_t mmp_delay, mmp_config;
	uint64_t checkpoint_txg;
};

struct rr_zfs_label {
	unsigned index;		/* 0..3 */
	uint64_t offset;	/* byte offset of the label on the device */
	enum rr_zfs_label_state state;
	int read_errno;		/* for UNREADABLE */
	int big_endian;		/* byte order of the nvlist block's trailer */
	/* Decoded even when the checksum fails (state BAD_CHECKSUM), so
	 * the operator can see what a damaged label says; ZFS would not use
	 * it.  config.have == 0 when the nvlist could not be decoded. */
	struct rr_zfs_config config;
	struct rr_nvlist *nvl;	/* the whole nvlist, NULL if undecodable */
	const char *nvl_problem;	/* untranslated N_() sentence, or NULL */
	/* The ring: slot size used, and every slot whose magic matched. */
	unsigned ub_slot_size;
	struct rr_zfs_uberblock *ubs;
	size_t nubs;
	size_t nubs_bad_cksum;
	int best_ub;		/* index into ubs of this label's newest valid one, -1 */
};

/* Bits of rr_zfs_info.disagree: which fields differ among the labels
 * that are valid. */
enum {
	RR_ZFS_DIS_TXG = 1 << 0,
	RR_ZFS_DIS_POOL_GUID = 1 << 1,
	RR_ZFS_DIS_GUID = 1 << 2,
	RR_ZFS_DIS_TOP_GUID = 1 << 3,
	RR_ZFS_DIS_NAME = 1 << 4,
	RR_ZFS_DIS_VDEV_TREE = 1 << 5,	/* differing guids/children in the tree */
};

struct rr_zfs_info {
	struct rr_zfs_label labels[RR_ZFS_LABELS];
	unsigned nvalid;	/* labels in state VALID */
	unsigned disagree;	/* RR_ZFS_DIS_* */
	/* The label the planner should believe: the valid one with the
	 * highest txg (-1 when none is valid). */
	int config_label;
	/* Shortcut: &labels[config_label].config, or NULL. */
	const struct rr_zfs_config *config;
	/* The active uberblock of this device: highest txg, then
	 * timestamp, among all checksum-valid uberblocks of all labels. */
	int have_active;
	int active_label;
	struct rr_zfs_uberblock active;
	int big_endian;		/* pool byte order, from the active uberblock (or a label) */
};

extern const struct rr_probe rr_probe_zfs;

/* For tests and the fuzzer: decode all labels of dev into a new info;
 * NULL when nothing ZFS-like is there.  Problems go to m. */
struct rr_zfs_info *rr_zfs_read(struct rr_dev *dev, struct rr_member *m);
void rr_zfs_info_free(struct rr_zfs_info *zi);

/* Verify the embedded ("label") checksum of a block of len bytes that
 * lives at byte offset off of the device. */
enum rr_zfs_cksum rr_zfs_label_cksum(const uint8_t *blk, size_t len, uint64_t off, int *big_endian);

const char *rr_zfs_pool_state_name(uint64_t state);

#endif
