/* An md array assembled in userspace: core/layout over the members'
 * userspace snapshots (actions/usnap.h), each at its data offset; missing
 * slots are rebuilt from parity or another copy on every read.
 *
 * Writes (only after rr_uarray_set_writable) go into the COW stores:
 * RAID4/5/6 writes are read-modify-write of whole stripes (the stripes are
 * read, rebuilt where a member is missing, patched, then written back with
 * fresh P/Q through rr_layout_write), so parity stays consistent and the
 * missing member's blocks keep reading back as written.  Other levels
 * write data and every copy.  Reads run in parallel; a write excludes
 * them for its duration. */
#ifndef RR_UARRAY_H
#define RR_UARRAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/layout.h"

struct rr_uarray;

struct rr_uarray_slot {
	const char *origin;	/* member device or image; NULL: missing */
	const char *cow;	/* its COW store */
	uint64_t data_offset;	/* sectors */
};

/* g->ndisks slots.  0 or -errno with a sentence in msg. */
int rr_uarray_open(const struct rr_geom *g, const struct rr_uarray_slot *slots, struct rr_uarray **out,
		   char *msg, size_t n);
int rr_uarray_close(struct rr_uarray *a);
uint64_t rr_uarray_size(const struct rr_uarray *a);
void rr_uarray_set_writable(struct rr_uarray *a, int writable);
int rr_uarray_writable(const struct rr_uarray *a);
int rr_uarray_read(struct rr_uarray *a, void *buf, size_t len, uint64_t off);
/* -EROFS unless writable. */
int rr_uarray_write(struct rr_uarray *a, const void *buf, size_t len, uint64_t off);
int rr_uarray_sync(struct rr_uarray *a);

#endif
