/* The planner: from what the probes decoded on each member (and, when the
 * superblocks are lost, from what can be read of the members' data),
 * propose candidate geometries -- member order with missing slots, level,
 * layout, chunk, data offset -- ranked best first, each with its reasons in
 * words for the operator.
 *
 * Two sources of candidates:
 *  - the md superblocks (core/plan.c): members grouped by array UUID, the
 *    conflicts between them laid out (events, update time, roles, the
 *    array state each member believes, data offsets, reshape), and orders
 *    proposed the way an expert would: each role filled by its member, the
 *    stalest members replaced by "missing" as far as the level's redundancy
 *    allows, the alternatives ranked by recency;
 *  - a search by evidence when superblocks are lost, zeroed or
 *    contradictory (core/plan_search.c): structures found on each member
 *    (ext2/3/4 superblock copies, XFS AG headers and self-locating v5
 *    blocks, btrfs superblock mirrors, LVM2 labels, GPT headers) pin the
 *    data offset, chunk and slots of the members that hold them; the few
 *    surviving geometries are then scored by reading the array through the
 *    layout map (core/plan_evidence.c): checksummed filesystem metadata
 *    where the candidate says it must be, and parity.
 *
 * Pure logic: member data is read only through the caller's callback.
 */
#ifndef RR_PLAN_H
#define RR_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/candidate.h"
#include "core/member.h"

struct rr_md_sb;

/* Reads len bytes of member `member` (index in the caller's array) at byte
 * offset off from the start of the member.  0 or -errno (-ERANGE past the
 * end).  Must be safe to call from several threads at once. */
typedef int (*rr_plan_read_fn)(void *ctx, size_t member, uint64_t off,
			       void *buf, size_t len);

enum rr_plan_search {
	RR_PLAN_SEARCH_AUTO = 0,	/* when no usable superblocks */
	RR_PLAN_SEARCH_NEVER,
	RR_PLAN_SEARCH_ALWAYS,		/* also when the superblocks agree */
};

struct rr_plan_opts {
	unsigned top;			/* candidates kept; 0: 10 */
	enum rr_plan_search search;
	rr_plan_read_fn read;		/* NULL: superblocks only, nothing read */
	void *read_ctx;
	uint64_t scan_bytes;		/* search: bytes read per member; 0: 64 MiB */
	unsigned threads;		/* search scoring threads; 0: 2 */
};

/* Fields of a conflicts row that disagree with the rest of its group. */
enum {
	RR_PLAN_DIFF_EVENTS = 1 << 0,	/* events below the freshest member's */
	RR_PLAN_DIFF_UTIME = 1 << 1,	/* update time differs */
	RR_PLAN_DIFF_STATE = 1 << 2,	/* believes another array state */
	RR_PLAN_DIFF_ROLE = 1 << 3,	/* slot claimed twice, or spare/faulty */
	RR_PLAN_DIFF_OFFSET = 1 << 4,	/* data offset differs */
	RR_PLAN_DIFF_GEOMETRY = 1 << 5,	/* level/layout/chunk/raid_disks differ */
	RR_PLAN_DIFF_RESHAPE = 1 << 6,	/* a reshape is recorded */
};

/* One member in a group: its superblock as the conflicts table shows it. */
struct rr_plan_row {
	size_t member;			/* index in the caller's array */
	const struct rr_md_sb *sb;	/* borrowed from the member */
	unsigned diff;			/* RR_PLAN_DIFF_* */
	bool fresh;			/* events equal to the group's highest */
};

/* The members that carry one array UUID. */
struct rr_plan_group {
	uint8_t uuid[16];
	char uuid_text[36];		/* as mdadm prints it */
	bool main;			/* the array the candidates are for */
	const struct rr_md_sb *ref;	/* the freshest member's superblock */
	struct rr_plan_row *rows;	/* sorted by role, then events */
	size_t nrows;
	char **conflicts;		/* translated sentences */
	size_t nconflicts;
};

struct rr_plan_stats {
	uint64_t *bytes_read;		/* per member (the caller's indexes) */
	uint64_t shapes;		/* (level, layout, chunk, slots, offset) voted on */
	uint64_t space;			/* candidates (orders x shapes) they cover */
	uint64_t pinned;		/* hypotheses left after the evidence vote */
	uint64_t scored;		/* candidates scored by reading the array */
	double seconds;
};

struct rr_plan {
	size_t nmembers;
	struct rr_plan_group *groups;	/* the main group first */
	size_t ngroups;
	size_t *loose;			/* members without an md superblock */
	size_t nloose;
	struct rr_candidate *cands;	/* best first */
	size_t ncands;
	char **remarks;			/* translated sentences */
	size_t nremarks;
	bool searched;			/* the evidence search ran */
	struct rr_plan_stats stats;
};

/* Plans for members[0..n).  0, or -errno (-EINVAL: nothing to plan with).
 * out is always initialised and must be freed with rr_plan_free. */
int rr_plan(struct rr_member *const *members, size_t n,
	    const struct rr_plan_opts *o, struct rr_plan *out);
void rr_plan_free(struct rr_plan *p);

/* The members a plan is made of: each top-level member, except that a
 * partitioned disk without an md superblock of its own is replaced by its
 * partitions that carry one.  *out is malloc'd (pointers are borrowed). */
size_t rr_plan_units(struct rr_member *const *members, size_t n,
		     struct rr_member ***out);

/* "raid5 left-symmetric 64K" style one-line description into buf. */
const char *rr_plan_describe(const struct rr_candidate *c, char *buf, size_t n);

#endif
