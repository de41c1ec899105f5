/* The session journal, as read back: journal.jsonl holds one JSON record
 * per line, append-only.  A step is written first as "intent" (with the
 * names and UUIDs of what it is about to create, so a crash mid-step can
 * be resolved by looking for them), then "done" or "failed", and later
 * "undone".  Reading folds the records of each step into its latest state.
 * This side only reads; actions/journal.c writes. */
#ifndef RR_JOURNAL_H
#define RR_JOURNAL_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

enum rr_step_state { RR_STEP_INTENT, RR_STEP_DONE, RR_STEP_FAILED, RR_STEP_UNDONE };

/* A resource a step created, in creation order; undo removes them in
 * reverse.  type: "loop" {device, backing, read_only}, "dm" {name, uuid},
 * "md" {device, uuid}, "file" {path}, "mount" {path}. */
struct rr_step {
	uint64_t seq;
	char *action;		/* "session", "overlay", "assemble", ... */
	char *time;		/* of the latest record, ISO 8601 UTC */
	enum rr_step_state state;
	json_object *args;	/* owned */
	json_object *resources;	/* array, owned; intent's planned ones
				 * replaced by done's actual ones */
	char *error;		/* for failed */
};

struct rr_journal_view {
	struct rr_step *steps;	/* by seq, ascending */
	size_t nsteps;
	size_t bad_lines;	/* lines that did not parse (a torn last write) */
};

/* Read and fold a journal file.  0 or -errno (-ENOENT: no journal). */
int rr_journal_read(const char *path, struct rr_journal_view *v);
void rr_journal_view_free(struct rr_journal_view *v);
const char *rr_step_state_name(enum rr_step_state s);
/* The step with this seq, or NULL. */
struct rr_step *rr_journal_find(struct rr_journal_view *v, uint64_t seq);

#endif
