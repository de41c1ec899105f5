/* The overlay: a persistent dm snapshot over every member, whose COW
 * store is a sparse file in the session.  From here on every experiment
 * writes only into those files. */
#ifndef RR_OVERLAY_H
#define RR_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

#include "actions/session.h"

#define RR_OVERLAY_DEFAULT_CHUNK_KIB 4
#define RR_OVERLAY_MIN_COW (64ull << 20)

struct rr_overlay_opts {
	unsigned chunk_kib;	/* power of two, 4..512 */
	uint64_t cow_bytes;	/* 0: a tenth of the member, at least 64 MiB */
};

struct rr_overlay {
	enum rr_backend backend;
	unsigned index;
	char member[4096];	/* as the operator named it */
	char name[128];		/* dm name of the snapshot (userspace: the same
				 * name, for messages; there is no device) */
	char uuid[128];		/* userspace: "" */
	char dev[160];		/* /dev/mapper/NAME (userspace: the name) */
	char cow[4096];		/* COW file */
	uint64_t sectors;
};

/* Overlay one member with the session's backend (actions/backend.h).
 * msg gets a one-sentence reason on failure.  Everything created is torn
 * down again when a later part fails. */
int rr_overlay_member(struct rr_session *s, const char *member, const struct rr_overlay_opts *o,
		      struct rr_overlay *out, char *msg, size_t n);

/* The session's live overlays (done, not undone), in index order. */
int rr_overlay_list(struct rr_session *s, struct rr_overlay **out, size_t *n);

/* Size of a member's COW store: the operator's --cow-size (at least
 * 256 KiB), or a tenth of the member and at least RR_OVERLAY_MIN_COW. */
uint64_t rr_overlay_cow_bytes(const struct rr_overlay_opts *o, uint64_t member_bytes);

/* Fill of a snapshot's COW: used and total sectors; -EOVERFLOW when it
 * has been invalidated (overflow). */
int rr_overlay_fill(const struct rr_overlay *ov, uint64_t *used, uint64_t *total);

#endif
