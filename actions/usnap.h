/* A snapshot in userspace: an origin (a member, opened read-only through
 * the read layer) and a persistent COW store in the kernel's format
 * (actions/cow_store.h).  Reads come from the store for remapped chunks,
 * else from the origin; writes copy the origin chunk into the store first
 * (copy-on-write), exactly what the kernel's `snapshot` target serves and
 * stores, so the same COW file can be loaded by the kernel later.
 * Thread-safe: reads run in parallel, writes one at a time. */
#ifndef RR_USNAP_H
#define RR_USNAP_H

#include <stddef.h>
#include <stdint.h>

struct rr_usnap;

/* origin: device or image; cow: an existing store (rr_cow_store_create).
 * writable: writes allowed (else -EROFS).  0 or -errno: -ENOMSG not a
 * store, -ESTALE the store is marked invalid (the kernel refuses it too). */
int rr_usnap_open(const char *origin, const char *cow, int writable, struct rr_usnap **out);
/* Commits what is pending, closes.  0 or the commit's -errno. */
int rr_usnap_close(struct rr_usnap *u);

/* Bytes, as the origin. */
uint64_t rr_usnap_size(const struct rr_usnap *u);
unsigned rr_usnap_chunk_bytes(const struct rr_usnap *u);

/* 0 or -errno (-ERANGE past the end). */
int rr_usnap_read(struct rr_usnap *u, void *buf, size_t len, uint64_t off);
/* Copy-on-write into the store; new exceptions are committed (data,
 * flush, entries, flush) before it returns, as the kernel completes a
 * write only after the commit.  -ENOSPC when the store is full. */
int rr_usnap_write(struct rr_usnap *u, const void *buf, size_t len, uint64_t off);
/* Make writes into already remapped chunks durable too. */
int rr_usnap_sync(struct rr_usnap *u);
/* As dmsetup status: used/total/metadata sectors of the store. */
void rr_usnap_usage(struct rr_usnap *u, uint64_t *used, uint64_t *total, uint64_t *metadata);

#endif
