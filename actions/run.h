/* Running the real tools (mdadm, e2fsck, xfs_repair, ...): fork + execvp,
 * no shell, output to a log file, a timeout after which the whole process
 * group is killed. */
#ifndef RR_RUN_H
#define RR_RUN_H

struct rr_run_result {
	int exit_status;	/* valid when !signaled && !timed_out */
	int signaled;
	int timed_out;
	int exec_errno;		/* the program could not be started */
};

/* argv[0] is looked up in PATH.  log_path: stdout+stderr appended there
 * (NULL: discarded).  timeout_s 0: none.  Returns 0 when it ran (see
 * res for how it ended), -errno when it could not be run at all. */
int rr_run(char *const argv[], const char *log_path, unsigned timeout_s, struct rr_run_result *res);
/* Same, output captured into a malloc'd NUL-terminated string (*out). */
int rr_run_capture(char *const argv[], unsigned timeout_s, struct rr_run_result *res, char **out);
/* The command line as one string (for logs and journal), malloc'd. */
char *rr_run_cmdline(char *const argv[]);

#endif
