/* The command line: one table of subcommands feeds dispatch and --help. */
#ifndef RR_CLI_H
#define RR_CLI_H

#include "actions/assemble.h"

struct rr_cmd {
	const char *name;	/* NULL for the wizard (no subcommand) */
	const char *synopsis;	/* N_(): arguments after the name */
	const char *summary;	/* N_(): one line for the overview */
	const char *help;	/* N_(): options and details */
	int (*run)(const struct rr_cmd *cmd, int argc, char **argv);
};

extern const struct rr_cmd rr_cmds[];

/* Prints the full help of one subcommand to stdout. */
void rr_cmd_help(const struct rr_cmd *cmd);
/* "Try 'raidrescue CMD --help'." on stderr; returns RR_EXIT_USAGE. */
int rr_cmd_usage_error(const struct rr_cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For commands whose issue has not landed yet. */
int rr_cmd_not_implemented(const struct rr_cmd *cmd, int argc, char **argv);

int rr_cmd_demo(const struct rr_cmd *cmd, int argc, char **argv);
/* ui/tui/app.c: the wizard (no subcommand). */
int rr_cmd_wizard(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_examine(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_assemble(const struct rr_cmd *cmd, int argc, char **argv);
int rr_parse_level(const char *s, int *level);
struct rr_fsck_report;
void rr_print_fsck_table(const struct rr_fsck_report *rep);
int rr_cmd_fsck(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_replay(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_status(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_overlay(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_plan(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_undo(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_cleanup(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_journal(const struct rr_cmd *cmd, int argc, char **argv);
/* ui/cmd_fuse.c: --backend kernel|userspace|auto (an enum rr_backend in
 * *backend; -EINVAL for another word), then choosing the session's
 * backend and saying which on stderr (-1 after an error message). */
struct rr_session;
int rr_cli_parse_backend(const char *arg, int *backend);
/* --via: dm-raid, mdadm, auto.  0 or -EINVAL. */
int rr_cli_parse_via(const char *arg, enum rr_via *via);
/* A chunk size in KiB ("64", "64K", "1M"): a power of two in [min, max].
 * 0, or -EINVAL / -ERANGE. */
int rr_cli_parse_kib(const char *arg, unsigned min, unsigned max, unsigned *kib);
int rr_cli_session_backend(struct rr_session *s, int want);
/* The hidden command the userspace backend runs its FUSE server with. */
int rr_cmd_fuse_serve(int argc, char **argv);
int rr_cmd_cowmerge(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_zfs(const struct rr_cmd *cmd, int argc, char **argv);
int rr_cmd_snapshot_live(const struct rr_cmd *cmd, int argc, char **argv);

/* ui/plan_io.c: how the command line and the wizard feed the planner. */
#include <json-c/json.h>
#include <stdint.h>
#include "core/candidate.h"
#include "core/member.h"

struct rr_dev;
struct rr_plan_unit_io {
	struct rr_dev *dev;	/* the top-level device (shared by its partitions) */
	uint64_t base;		/* where the unit starts in it */
	uint64_t size;
};
struct rr_plan_io {
	struct rr_plan_unit_io *u;
	size_t n;
	struct rr_dev **devs;
	size_t ntops;
};
void rr_plan_io_open(struct rr_plan_io *io, struct rr_member *const *tops, size_t ntops,
		     struct rr_member *const *units, size_t nunits);
int rr_plan_io_read(void *ctx, size_t member, uint64_t off, void *buf, size_t len);
void rr_plan_io_close(struct rr_plan_io *io);
/* A candidate as plan --json prints it (order by the units' paths). */
json_object *rr_candidate_json(struct rr_member *const *units, const struct rr_candidate *c);
int rr_cmd_trial(const struct rr_cmd *cmd, int argc, char **argv);

#endif
