/* Read-only filesystem checks on every volume of an assembled candidate:
 * the right checker per type, a timeout, the output saved in the session,
 * and a verdict an operator can rank by. */
#ifndef RR_FSCK_H
#define RR_FSCK_H

#include <json-c/json.h>
#include <stddef.h>

#include "actions/layers.h"
#include "actions/prove.h"
#include "actions/session.h"

enum rr_fsck_result {
	RR_FSCK_CLEAN,
	RR_FSCK_ERRORS,
	RR_FSCK_NOT_FS,		/* nothing a checker applies to */
	RR_FSCK_FAILED,		/* the checker failed, or timed out */
};

struct rr_fsck_item {
	char device[200];
	char what[256];
	char type[32];
	char label[256];
	enum rr_fsck_result result;
	unsigned errors;	/* problems the checker reported (0 when clean) */
	char log[4096];		/* log file in the session, "" when none */
	char note[256];		/* why failed / what else it is */
	/* --write only: the repaired filesystem's top level, listed
	 * read-only (proof.method NULL: not listed, proof.note says why) */
	struct rr_proof_vol proof;
};

struct rr_fsck_report {
	struct rr_fsck_item *items;
	size_t nitems;
};

/* Check every volume (timeout per checker, seconds).  Journaled as one
 * step "fsck".  0, or -errno when nothing could be run at all. */
int rr_fsck_volumes(struct rr_session *s, const struct rr_layers *l, unsigned timeout_s,
		    struct rr_fsck_report *rep);
void rr_fsck_report_free(struct rr_fsck_report *rep);

/* The repairing run, on the snapshots only: makes the session's assembly
 * writable (its dm tables reloaded without the read-only flag), runs the
 * repairing checker of each filesystem (e2fsck -fy, xfs_repair,
 * btrfs check --repair, fsck.vfat -a), then mounts each read-only inside
 * the session and lists its top-level entries as proof of data.
 * dm_names: the session's dm devices of this assembly, bottom first. */
int rr_fsck_repair(struct rr_session *s, const struct rr_layers *l, char *const *dm_names, size_t ndm,
		   unsigned timeout_s, struct rr_fsck_report *rep);
const char *rr_fsck_result_name(enum rr_fsck_result r);	/* "clean", ... (JSON) */
json_object *rr_fsck_report_json(const struct rr_fsck_report *rep);
/* Rank of a report: more clean filesystems, then fewer errors, is better. */
double rr_fsck_score(const struct rr_fsck_report *rep);

#endif
