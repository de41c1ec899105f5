/* A candidate geometry: what the planner proposes, what assemble and
 * trial take.  Slots are in role order (slot 0 first); each slot names a
 * member by its index in the caller's member list, or is missing. */
#ifndef RR_CANDIDATE_H
#define RR_CANDIDATE_H

#include <stddef.h>
#include <stdint.h>

#define RR_CAND_MISSING (-1)
#define RR_CAND_MAX_SLOTS 384

struct rr_candidate {
	int level;		/* enum rr_level (core/layout.h) */
	int layout;		/* superblock layout word */
	unsigned chunk_kib;
	char metadata[8];	/* "0.90", "1.0", "1.1", "1.2" (for --via mdadm) */
	unsigned ndisks;	/* raid_disks */
	int slot[RR_CAND_MAX_SLOTS];		/* member index or RR_CAND_MISSING */
	uint64_t data_offset[RR_CAND_MAX_SLOTS];	/* sectors, per slot */
	uint64_t dev_sectors;	/* used size per member; 0: as large as fits */
	double score;
	char **reasons;		/* translated sentences */
	size_t nreasons;
};

void rr_candidate_add_reason(struct rr_candidate *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rr_candidate_clear(struct rr_candidate *c);
/* Number of missing slots. */
unsigned rr_candidate_missing(const struct rr_candidate *c);

#endif
