/* Taking a ZFS pool back to an older transaction group, on the members'
 * overlays only: every uberblock slot newer than the wanted txg, in every
 * label of every member, is zeroed ("neutralised"), so ZFS, which picks
 * the newest valid uberblock, finds the wanted txg as the newest.  The
 * slots' original bytes are saved first in a side file in the session
 * (durable before the first slot is zeroed), so undo puts them back byte
 * for byte.  Originals are never touched: a target must be one of the
 * session's overlays. */
#ifndef RR_ZFS_REWIND_H
#define RR_ZFS_REWIND_H

#include <json-c/json.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "actions/session.h"

struct rr_zfs_slot {
	unsigned label, slot;
	uint64_t offset;	/* bytes, on the device */
	uint32_t len;		/* the ring's slot size */
	uint64_t txg;
	int cksum_ok;
};

struct rr_zfs_rewind_target {
	char path[PATH_MAX];	/* the device or file; a userspace overlay: its member */
	char cow[PATH_MAX];	/* a userspace overlay: its COW store ("" otherwise) */
	uint64_t pool_guid;	/* 0 when no valid label says */
	uint64_t active_txg;	/* before the rewind */
	int has_txg;		/* a checksum-valid uberblock of the wanted txg exists */
	struct rr_zfs_slot *slots;	/* to neutralise: txg newer than wanted */
	size_t nslots;
};

/* Decode path's labels (cow not NULL: those of the userspace overlay of
 * member path with that COW store) and list the slots newer than txg.
 * 0, or -errno with a sentence in msg (no ZFS labels: -ENOMSG). */
int rr_zfs_rewind_scan(const char *path, const char *cow, uint64_t txg, struct rr_zfs_rewind_target *t,
		       char *msg, size_t n);
void rr_zfs_rewind_target_free(struct rr_zfs_rewind_target *t);

/* Save t's slots into save_path (written whole, made durable), then zero
 * them on the device and flush it.  0 or -errno + msg. */
int rr_zfs_rewind_apply(const struct rr_zfs_rewind_target *t, const char *save_path, char *msg, size_t n);
/* Write the saved slots back onto path and flush; then delete save_path.
 * 1 when there is no save file (nothing to restore). */
int rr_zfs_rewind_restore(const char *path, const char *cow, const char *save_path, char *msg, size_t n);
/* After a rewind: the newest valid uberblock of every label that has one
 * is txg, and so is the device's active one.  0, or -EPROTO + msg. */
int rr_zfs_rewind_verify(const char *path, const char *cow, uint64_t txg, char *msg, size_t n);

/* The journaled step on session s.  targets: the overlays to rewind (dm
 * devices; with the userspace backend, overlay names as raidrescue
 * overlay printed them); NULL (ntargets 0) for every overlay of the
 * session that carries ZFS labels.
 * test_files: the targets are plain files inside the session directory
 * (for tests on machines without device-mapper), not overlays.  Prints
 * what it does to out.  0 or -errno + msg. */
int rr_zfs_rewind(struct rr_session *s, uint64_t txg, char *const *targets, size_t ntargets, int test_files,
		  FILE *out, char *msg, size_t n);

/* Undo resource {"type":"zfs_slots","device","saved"[,"cow"]} (teardown.c;
 * with "cow", device is the member of a userspace overlay). */
int rr_zfs_slots_undo_resource(json_object *res, char *msg, size_t n);
int rr_zfs_slots_resource_present(json_object *res);

#endif
