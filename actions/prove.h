/* Proof of data: the top level of each filesystem of a candidate, listed
 * read-only.  A clean fsck says the metadata holds together; a listing of
 * the operator's own directories, with sizes and dates, is what tells them
 * this is their array in the right order.
 *
 * A volume is mounted read-only without journal replay (ext3/4 noload,
 * xfs norecovery, btrfs nologreplay) on the session's read-only device
 * stack, the mount point journaled before the mount.  Where no mount is
 * possible (the userspace backend on a machine without loop devices)
 * ext2/3/4 is listed by debugfs in its read-only catastrophic mode. */
#ifndef RR_PROVE_H
#define RR_PROVE_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "actions/assemble.h"
#include "actions/overlay.h"
#include "actions/session.h"
#include "core/candidate.h"

#define RR_PROOF_MAX_ENTRIES 256	/* top-level entries kept per volume */
#define RR_PROOF_MAX_COUNT 100000	/* children counted per directory */

struct rr_proof_entry {
	char *name;
	char kind;		/* 'd' directory, 'f' file, 'l' symlink, 'o' other */
	uint64_t size;		/* bytes (files) */
	char when[24];		/* modification time, "YYYY-MM-DD HH:MM" UTC, "" unknown */
	long children;		/* directories: entries inside (capped), -1 unknown */
};

struct rr_proof_vol {
	char device[200];
	char what[256];		/* "array", "LV vg0/home" */
	char type[32];		/* filesystem type, "" none */
	char label[256];
	const char *method;	/* "mount", "debugfs"; NULL: not listed (see note) */
	char note[256];
	uint64_t bytes, used;	/* filesystem size and use, 0 when unknown */
	struct rr_proof_entry *entries;
	size_t nentries;
	size_t more;		/* entries beyond RR_PROOF_MAX_ENTRIES */
};

struct rr_proof {
	int assembled;
	enum rr_via via;
	char error[1024];
	struct rr_proof_vol *vols;
	size_t nvols;
};

/* List the filesystem of type on dev into v (v->device, ->type set here).
 * Mount points are SESSION/proof-NN (idx), recorded as progress of
 * journal step seq before mounting, unmounted and removed before return.
 * 0 when listed, else -errno with v->note saying why. */
int rr_prove_volume(struct rr_session *s, uint64_t seq, const char *dev, const char *type, unsigned idx,
		    struct rr_proof_vol *v);

/* Assemble c on the overlays, map its partitions and logical volumes,
 * list every filesystem (journal step "prove"), tear it all down again.
 * 0 (p->assembled says whether it assembled), or -errno when the teardown
 * failed (the machine is not clean: the caller must say so). */
int rr_prove_candidate(struct rr_session *s, const struct rr_overlay *ovs, size_t nov,
		       const struct rr_candidate *c, enum rr_via via, struct rr_proof *p);

void rr_proof_vol_free(struct rr_proof_vol *v);
void rr_proof_free(struct rr_proof *p);
json_object *rr_proof_json(const struct rr_proof *p);
json_object *rr_proof_vol_json(const struct rr_proof_vol *v);

/* debugfs "ls -l" output (several listings when run with -f, each after a
 * "debugfs: " line) -> entries of the first listing, "." and ".."
 * dropped.  Exposed for the unit test. */
size_t rr_proof_parse_debugfs(const char *text, struct rr_proof_entry **out, size_t max, size_t *more);
/* Entries of each listing in such output, in order (counts[] has room
 * for n listings); returns how many listings were found. */
size_t rr_proof_count_debugfs(const char *text, long *counts, size_t n);

#endif
