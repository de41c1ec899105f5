/* The command line: one table of subcommands feeds dispatch and --help. */
#ifndef RR_CLI_H
#define RR_CLI_H

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

int rr_cmd_examine(const struct rr_cmd *cmd, int argc, char **argv);

#endif
