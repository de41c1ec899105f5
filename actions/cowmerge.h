/* Offline merge of a persistent dm-snapshot store into its origin: the
 * origin is put back to the snapshot's state (what `lvconvert --merge` or
 * the kernel's snapshot-merge target do), without a second disk.
 *
 * This is the one place raidrescue writes a device the operator named, so
 * it is done in an order that can always be finished or taken back:
 *
 *   1. the origin's current data of every chunk about to be overwritten is
 *      saved into an undo store, itself a persistent COW store in the
 *      kernel's format (actions/cow_store.h), written as NAME.partial,
 *      made durable, then renamed to NAME (the rename is the commit);
 *   2. only then are the snapshot's chunks copied onto the origin, run by
 *      run, and the origin flushed;
 *   3. the journal step is marked done.
 *
 * A crash before 1 completes leaves the origin untouched.  A crash in 2 is
 * completed by running the merge again (copying a chunk twice gives the
 * same result) or undone by copying the undo store back (the same).  Both
 * check first that every chunk of the origin still holds either the
 * snapshot's data or the saved data, so an origin changed since is never
 * overwritten blindly. */
#ifndef RR_COWMERGE_H
#define RR_COWMERGE_H

#include <json-c/json.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "actions/session.h"
#include "probes/cow.h"

/* A run of consecutive origin chunks that all have exceptions. */
struct rr_cowmerge_run {
	uint64_t chunk;		/* first origin chunk */
	uint64_t nchunks;
};

struct rr_cowmerge_plan {
	char origin[PATH_MAX];	/* real paths */
	char cow[PATH_MAX];
	unsigned chunk_sectors;
	uint64_t chunk_bytes;
	uint64_t origin_bytes;
	struct rr_cow_info *info;	/* the decoded store; its map is sorted by old_chunk */
	struct rr_cowmerge_run *runs;
	size_t nruns;
	uint64_t nchunks;	/* chunks to copy */
	uint64_t bytes;		/* bytes to copy (a last partial chunk counted as it is) */
};

/* Progress: bytes done of total in the current phase (what: "save",
 * "merge", "verify", "restore"). */
typedef void (*rr_cowmerge_progress_fn)(void *ctx, const char *what, uint64_t done, uint64_t total);

/* Decode cow and check it against origin: a valid version-1 store, not
 * invalidated, not truncated, no exception pointing outside its data
 * chunks, chunk size want_chunk_sectors when that is not 0, every
 * exception's chunk inside the origin, cow and origin not the same file.
 * Opens nothing for writing.  0, or -errno with a sentence in msg. */
int rr_cowmerge_plan(const char *origin, const char *cow, unsigned want_chunk_sectors,
		     struct rr_cowmerge_plan *p, char *msg, size_t n);
void rr_cowmerge_plan_free(struct rr_cowmerge_plan *p);

/* Open path for exclusive use: a block device with O_EXCL (fails while
 * mounted, in an array, or opened by another O_EXCL user); an image file
 * only when no loop device is backed by it, and under an flock.  *fd is
 * the open descriptor (read-write when writable).  0 or -errno + msg. */
int rr_cowmerge_open_excl(const char *path, int writable, int *fd, char *msg, size_t n);

struct rr_cowmerge_opts {
	int assume_yes;		/* informational (the UI asked) */
	rr_cowmerge_progress_fn progress;
	void *ctx;
};

/* The whole merge as one journaled step of session s (see above); resumes
 * an interrupted merge of the same origin and store in this session.
 * *resumed tells which.  0 or -errno with a sentence in msg. */
int rr_cowmerge(struct rr_session *s, struct rr_cowmerge_plan *p, const struct rr_cowmerge_opts *o,
		int *resumed, char *msg, size_t n);

/* Undo resource {"type":"cowmerge","origin","cow","undo_store"}: restore
 * the origin from the undo store and delete it (teardown.c calls these).
 * 0 restored, 1 nothing to restore, -errno with msg. */
int rr_cowmerge_undo_resource(json_object *res, char *msg, size_t n);
int rr_cowmerge_resource_present(json_object *res);
json_object *rr_res_cowmerge(const char *origin, const char *cow, const char *undo_store);

#endif
