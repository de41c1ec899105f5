/* dm-snapshot persistent exception store (the COW device of an LVM or
 * plain dm snapshot), as the kernel's dm-snap-persistent.c lays it out:
 *
 *   chunk 0            header: magic "SnAp" (le32 0x70416e53), valid,
 *                      version (1), chunk_size (sectors), all le32
 *   chunk 1            metadata area 0: exceptions_per_area entries of
 *                      { le64 old_chunk (origin), le64 new_chunk (COW) }
 *   chunks 2..E+1      data chunks
 *   chunk 1 + (E+1)*a  metadata area a, and so on, E = exceptions_per_area
 *
 * The exception list ends at the first entry whose new_chunk is 0 (chunk 0
 * is the header, so no exception can point there).  An area completely
 * full continues in the next one.  Merging (lvconvert --merge) removes
 * exceptions from the end by zeroing them, so the same end marker holds.
 * Everything is counted in chunks; a chunk is chunk_size sectors. */
#ifndef RR_COW_H
#define RR_COW_H

#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

#define RR_COW_MAGIC 0x70416e53u
#define RR_COW_VERSION 1
#define RR_COW_MAX_CHUNK_SECTORS (1u << 21)	/* 1 GiB; the kernel: INT_MAX >> 9 */

struct rr_cow_exception {
	uint64_t old_chunk;	/* chunk of the origin */
	uint64_t new_chunk;	/* chunk of the COW device holding its data */
};

struct rr_cow_info {
	uint32_t valid;		/* 0: the kernel invalidated the snapshot
				 * (it overflowed, or an I/O error) */
	uint32_t version;
	uint32_t chunk_size;	/* sectors, a power of two */
	uint64_t exceptions_per_area;
	uint64_t cow_chunks;	/* whole chunks in the COW device */
	uint64_t areas;		/* metadata areas read (the last not full) */
	/* The exceptions, sorted by old_chunk (binary search), one per old
	 * chunk.  Entries whose new_chunk was impossible (past the end of
	 * the device, or on a header/metadata chunk) are left out and
	 * counted in bad_new. */
	struct rr_cow_exception *map;
	uint64_t nmap;
	uint64_t nexceptions;	/* entries read before the end marker */
	uint64_t duplicates;	/* old chunks listed again (the later kept) */
	uint64_t bad_new;
	int truncated;		/* the device ended before the end marker */
	/* What `dmsetup status` shows for the snapshot:
	 * <used>/<total> <metadata>, all in sectors. */
	uint64_t next_free;	/* chunk the kernel would allocate next */
	uint64_t used_sectors;
	uint64_t total_sectors;
	uint64_t metadata_sectors;
};

extern const struct rr_probe rr_probe_cow;

/* Decode the store on dev.  RR_PROBE_FOUND (with *out), RR_PROBE_NONE, or
 * -errno after rr_member_error(m, ...) (m may be NULL: no messages). */
int rr_cow_read(struct rr_dev *dev, struct rr_member *m, struct rr_cow_info **out);
void rr_cow_info_free(struct rr_cow_info *info);

/* 1 and *new_chunk when old_chunk is remapped into the COW device, else 0. */
int rr_cow_lookup(const struct rr_cow_info *info, uint64_t old_chunk, uint64_t *new_chunk);

/* Read len bytes at off of the snapshot as the kernel would serve it: each
 * chunk from the COW device when it has an exception, else from the
 * origin.  0 or -errno (-ERANGE past the origin's end). */
int rr_cow_read_view(struct rr_dev *origin, struct rr_dev *cow, const struct rr_cow_info *info,
		     void *buf, size_t len, uint64_t off);

#endif
