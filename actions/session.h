/* A session: one directory holding the journal, the COW files, checker
 * logs and a readable log.  Only one process works on a session at a
 * time (an flock on DIR/.lock held for the life of the handle). */
#ifndef RR_SESSION_H
#define RR_SESSION_H

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

/* Where the session's snapshots and assemblies live (actions/backend.h). */
enum rr_backend {
	RR_BACKEND_NONE = 0,	/* not decided yet */
	RR_BACKEND_KERNEL,	/* device-mapper snapshots, dm-raid / mdadm */
	RR_BACKEND_USERSPACE,	/* COW stores in userspace, exported over FUSE */
};

struct rr_session {
	char *dir;		/* absolute */
	enum rr_backend backend;	/* as recorded in session.json */
	char id[9];		/* 8 hex digits, in every dm name and UUID */
	int lock_fd;
	int live_fd;		/* /run/raidrescue/session-ID.lock, held while open */
	int journal_fd;
	uint64_t next_seq;
	FILE *log;		/* session.log, for people */
};

/* "./raidrescue-YYYYmmdd-HHMMSS", malloc'd. */
char *rr_session_default_dir(void);
/* Open (create when create != 0 and it does not exist) and lock.
 * -EBUSY: another raidrescue holds it; -ENOENT: no such session. */
int rr_session_open(const char *dir, int create, struct rr_session **out);
/* Is the session with this id, or in this directory, open in a running
 * raidrescue right now?  (cleanup leaves such sessions alone.)  Either
 * argument may be NULL. */
int rr_session_in_use(const char *id, const char *dir);
void rr_session_close(struct rr_session *s);
/* Record the backend in session.json (once: a session keeps the backend
 * it was made with).  0, or -EEXIST when another one is recorded. */
int rr_session_record_backend(struct rr_session *s, enum rr_backend b);
/* Path of a file inside the session, malloc'd. */
char *rr_session_file(const struct rr_session *s, const char *name);
/* The session's journal, read (core/journal.h); -ENOENT when there is
 * none yet. */
struct rr_journal_view;
int rr_session_journal(const struct rr_session *s, struct rr_journal_view *v);
/* How many steps of action the journal holds, in any state (the index of
 * the next one: names and files of failed or undone steps are not reused). */
int rr_session_count_steps(const struct rr_session *s, const char *action);
/* A line in session.log, time-stamped. */
void rr_session_log(struct rr_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The journal writer.  Each record is written and fsync'd before the
 * caller goes on.  json arguments are taken over (put) by the call. */
int rr_journal_intent(struct rr_session *s, const char *action, json_object *args,
		      json_object *planned, uint64_t *seq);
int rr_journal_done(struct rr_session *s, uint64_t seq, json_object *resources);
/* A step that learns its names as it goes (layers) records each resource
 * before creating it: the full planned list so far, still "intent". */
int rr_journal_progress(struct rr_session *s, uint64_t seq, json_object *planned);
/* Same, with more arguments learnt while doing the step (device names,
 * the equivalent commands); merged into the step's args when read. */
int rr_journal_done_args(struct rr_session *s, uint64_t seq, json_object *resources, json_object *more);
int rr_journal_failed(struct rr_session *s, uint64_t seq, const char *error, json_object *resources);
int rr_journal_undone(struct rr_session *s, uint64_t seq);

/* Append a formatted line (a shell command for journal --as-script) to a
 * JSON array. */
void rr_json_add_linef(json_object *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resource records (see core/journal.h). */
json_object *rr_res_loop(const char *dev, const char *backing, int read_only);
json_object *rr_res_dm(const char *name, const char *uuid);
json_object *rr_res_md(const char *dev, const char *uuid);
json_object *rr_res_file(const char *path);
json_object *rr_res_mount(const char *path);
/* A FUSE export (userspace backend): its mount point and server (pid 0
 * while not known yet). */
json_object *rr_res_fuse(const char *path, long pid);

#endif
