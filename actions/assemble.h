/* Trial assembly of one candidate on the session's snapshot devices.
 *  - dm-raid: a dm linear per present member that skips its data offset,
 *    then a dm "raid" table with nosync and "- -" for missing slots.
 *    Writes nothing at all, not even to the COW files.
 *  - mdadm: mdadm --create --assume-clean over the snapshots (the new
 *    superblocks land in the COW files only).  Refuses any device that is
 *    not one of this session's snapshots. */
#ifndef RR_ASSEMBLE_H
#define RR_ASSEMBLE_H

#include <stddef.h>
#include <stdint.h>

#include "actions/overlay.h"
#include "actions/session.h"
#include "core/candidate.h"

enum rr_via {
	RR_VIA_AUTO,
	RR_VIA_DMRAID,
	RR_VIA_MDADM,
	RR_VIA_USERSPACE,	/* the userspace backend: core/layout + FUSE */
};

/* "auto", "dm-raid", "mdadm", "userspace" (journal words). */
const char *rr_via_name(enum rr_via via);

struct rr_assembly {
	uint64_t seq;		/* journal step */
	enum rr_via via;
	char dev[160];		/* the array: /dev/mapper/rr-... or /dev/mdN */
	uint64_t sectors;
};

/* dm-raid's name for an md level/layout ("raid5_ls"), its extra table
 * parameters (raid10) in extra, or NULL when dm-raid cannot express it. */
const char *rr_dmraid_type(int level, int layout, char *extra, size_t n);

/* With the session's backend (the userspace one ignores via).
 * cand->slot[] indexes ovs[].  0 or -errno with msg. */
int rr_assemble(struct rr_session *s, const struct rr_overlay *ovs, size_t nov,
		const struct rr_candidate *cand, enum rr_via via, struct rr_assembly *out,
		char *msg, size_t n);

/* Undo the latest assembly step that is still up (used between trials). */
int rr_assembly_teardown(struct rr_session *s, const struct rr_assembly *a, char *msg, size_t n);

#endif
