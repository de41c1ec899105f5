/* Trials: for each candidate, assemble on the snapshots, map the layers,
 * check every filesystem, tear the assembly down (the overlays stay).
 * The results table ranks candidates by what the checkers found. */
#ifndef RR_TRIAL_H
#define RR_TRIAL_H

#include <stddef.h>

#include "actions/assemble.h"
#include "actions/fsck.h"
#include "actions/overlay.h"
#include "actions/session.h"
#include "core/candidate.h"

struct rr_trial {
	const struct rr_candidate *cand;
	int assembled;		/* 0: could not assemble (see error) */
	enum rr_via via;
	char error[1024];
	struct rr_fsck_report fsck;
	double score;		/* rr_fsck_score, -1 when not assembled */
};

/* Progress: called before each candidate (i of n); return non-zero to
 * stop after the current one (Esc in the wizard). */
typedef int (*rr_trial_progress_fn)(void *ctx, size_t i, size_t n, const struct rr_candidate *c);

/* Runs every candidate; trials[] (n entries) receives the results in the
 * candidates' order.  Returns how many were tried, or -errno when a
 * teardown failed (then it stops: the machine must stay clean). */
int rr_trial_run(struct rr_session *s, const struct rr_overlay *ovs, size_t nov,
		 const struct rr_candidate *cands, size_t n, enum rr_via via, unsigned fsck_timeout,
		 struct rr_trial *trials, rr_trial_progress_fn progress, void *ctx);
void rr_trial_free(struct rr_trial *t, size_t n);

/* Warnings for COWs filled to 80 % or more (one translated sentence per
 * snapshot, printed by the caller); returns the highest fill in percent,
 * or -1 when a snapshot has overflowed (is invalid). */
int rr_overlay_watch(const struct rr_overlay *ovs, size_t nov, char ***warnings, size_t *nwarnings);

#endif
