/* A dm-snapshot persistent exception store, written from userspace in
 * exactly the kernel's format (drivers/md/dm-snap-persistent.c; the layout
 * is described in probes/cow.h), so that a store made here can be loaded
 * by the kernel's `snapshot` target and a store the kernel made can be
 * continued here:
 *
 *   chunk 0            header (magic, valid, version 1, chunk size)
 *   chunk 1            metadata area 0
 *   chunks 2..E+1      data chunks, E = exceptions_per_area
 *   chunk E+2          metadata area 1, and so on
 *
 * Data chunks are allocated as the kernel allocates them (next_free, the
 * metadata chunks skipped, -ENOSPC when (next_free + 1) chunks do not fit),
 * and exception entries are appended to the current area in the same
 * order.  Crash ordering is the kernel's commit: the data chunk is written
 * and made durable before the area holding its exception entry is written
 * (and that made durable before the call returns), so a crash never leaves
 * an exception pointing at data that was not written.  When an area fills
 * up the next one is zeroed before the full one is written.
 *
 * A handle is not thread-safe: callers that share one lock around it
 * (actions/usnap.c does). */
#ifndef RR_COW_STORE_H
#define RR_COW_STORE_H

#include <stddef.h>
#include <stdint.h>

struct rr_cow_store;

/* Smallest and largest chunk size accepted for new stores, in sectors
 * (the kernel takes any power of two from the COW device's logical block
 * size up; 4 KiB keeps every store usable on 4Kn disks). */
#define RR_COW_STORE_MIN_CHUNK 8u
#define RR_COW_STORE_MAX_CHUNK (1u << 21)

/* Create a new store at path (which must not exist: O_EXCL), sparse,
 * size_bytes long (rounded down to whole chunks; at least 3 chunks: header,
 * area 0, one data chunk): header valid=1, version 1, chunk_sectors; area 0
 * zero; file and directory made durable.  0 or -errno. */
int rr_cow_store_create(const char *path, unsigned chunk_sectors, uint64_t size_bytes,
			struct rr_cow_store **out);

/* Open an existing store (the kernel's or ours).  writable: O_RDWR, to add
 * exceptions.  -ENOMSG: no store there (magic not "SnAp", e.g. a zeroed
 * file the kernel has not initialised yet); -EINVAL: a version or chunk
 * size the kernel would refuse, or metadata past the end of the file;
 * -ESTALE (writable only): the store is marked invalid (overflowed).
 * A read-only handle over an invalid store opens (for inspection). */
int rr_cow_store_open(const char *path, int writable, struct rr_cow_store **out);

/* Commit what is pending (see add_exception_nosync), close. */
int rr_cow_store_close(struct rr_cow_store *cs);

unsigned rr_cow_store_chunk_sectors(const struct rr_cow_store *cs);
uint64_t rr_cow_store_chunk_bytes(const struct rr_cow_store *cs);
/* Exceptions in the map (one per origin chunk). */
uint64_t rr_cow_store_nexceptions(const struct rr_cow_store *cs);
int rr_cow_store_valid(const struct rr_cow_store *cs);
/* What `dmsetup status` would print for a snapshot on this store:
 * <used>/<total> <metadata>, in sectors. */
void rr_cow_store_usage(const struct rr_cow_store *cs, uint64_t *used, uint64_t *total,
			uint64_t *metadata);

/* 1 and *new_chunk when origin chunk old_chunk is remapped, else 0. */
int rr_cow_store_lookup(const struct rr_cow_store *cs, uint64_t old_chunk, uint64_t *new_chunk);

/* Read len bytes at offset within (len + within <= chunk bytes) of the
 * data chunk new_chunk (as given by lookup).  0 or -errno. */
int rr_cow_store_read(struct rr_cow_store *cs, uint64_t new_chunk, uint64_t within, void *buf,
		      size_t len);

/* Write into an already remapped data chunk (a second write to the same
 * origin chunk: no new exception, as in the kernel).  Durable after
 * rr_cow_store_sync.  0 or -errno. */
int rr_cow_store_write(struct rr_cow_store *cs, uint64_t new_chunk, uint64_t within, const void *buf,
		       size_t len);

/* Remap origin chunk old_chunk: allocate a data chunk, write data (chunk
 * bytes) there, make it durable, then append and commit the exception
 * entry.  Durable when it returns.  When old_chunk is already remapped,
 * its data chunk is overwritten instead (and synced).  0, -ENOSPC (the
 * store is full; nothing changed), -EROFS (read-only handle), -errno. */
int rr_cow_store_add_exception(struct rr_cow_store *cs, uint64_t old_chunk, const void *data);

/* Same, but the commit is deferred: the data is written and the exception
 * is visible to lookup at once, the entry reaches the disk at the next
 * rr_cow_store_sync (one data flush + one metadata write + flush for a
 * whole batch, as the kernel batches in-flight exceptions).  An area that
 * fills up is committed at once. */
int rr_cow_store_add_exception_nosync(struct rr_cow_store *cs, uint64_t old_chunk, const void *data);

/* Commit: flush data, write the pending exception entries, flush. */
int rr_cow_store_sync(struct rr_cow_store *cs);
/* No flush at all until close, which flushes once: for a store written
 * under a temporary name and renamed into place after close (a crash
 * before the rename leaves a file nobody uses), where the per-area
 * ordering that keeps a live store consistent buys nothing. */
void rr_cow_store_defer(struct rr_cow_store *cs);

/* Mark the store invalid (valid=0 in the header), as the kernel does when
 * a snapshot overflows; the kernel then refuses to load it. */
int rr_cow_store_invalidate(struct rr_cow_store *cs);

#endif
