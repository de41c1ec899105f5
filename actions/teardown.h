/* Taking things down: one journaled resource at a time (undo), or every
 * device this program ever made (cleanup, when the journal is lost).
 * Nothing is removed unless it is provably ours: a dm device only when its
 * UUID is the journaled one (or, for cleanup, starts RAIDRESCUE-); a loop
 * only when its backing file is the journaled one. */
#ifndef RR_TEARDOWN_H
#define RR_TEARDOWN_H

#include <json-c/json.h>
#include <stddef.h>

#include "actions/session.h"

/* 0 removed, 1 already gone, -errno (why in msg). */
int rr_resource_remove(json_object *res, char *msg, size_t n);
/* 1 present, 0 gone. */
int rr_resource_present(json_object *res);

/* Undo the last nsteps steps that are not undone yet (all when nsteps is
 * 0), newest first.  Each step's resources go in reverse order; the step
 * is marked undone only when all of them are gone.  Stops at the first
 * step it cannot undo.  Prints what it does.  Returns the number of steps
 * undone, or -errno. */
int rr_undo(struct rr_session *s, size_t nsteps, int verbose);

/* Undo one step by its journal number (resources in reverse).  0 or
 * -errno; an undone step is left alone (0). */
int rr_undo_seq(struct rr_session *s, uint64_t seq, int verbose);

/* Unmount every FUSE export of the userspace backend (type
 * fuse.raidrescue) and what is mounted from its files; then, where
 * device-mapper can be used, remove every md array over our dm devices,
 * every dm device whose UUID starts RAIDRESCUE-, every loop backed by a
 * session COW file and every mount of our devices.  Returns how many things were removed, or -errno
 * after trying everything (what was left is reported). */
int rr_cleanup_all(int verbose);

#endif
