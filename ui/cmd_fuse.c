/* The userspace backend from the command line: --backend, the line that
 * says which backend a command uses, and the hidden fuse-serve command
 * that rr_user_assemble starts (not in the overview: operators never
 * call it themselves). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/backend.h"
#include "actions/fuse_serve.h"
#include "actions/session.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "ui/cli.h"

int rr_cli_session_backend(struct rr_session *s, int want)
{
	char msg[512], why[256] = "";
	int decided = s->backend == RR_BACKEND_NONE;

	if (decided && want == RR_BACKEND_NONE)
		rr_backend_auto(why, sizeof(why));
	if (rr_backend_choose(s, (enum rr_backend)want, msg, sizeof(msg)) < 0) {
		rr_err(s->dir, "%s", msg);
		return -1;
	}
	/* One line, on stderr: stdout may be JSON. */
	if (s->backend == RR_BACKEND_USERSPACE && why[0])
		fprintf(stderr, _("backend: %s (device-mapper cannot be used: %s)\n"),
			rr_backend_describe(s->backend), why);
	else
		fprintf(stderr, _("backend: %s\n"), rr_backend_describe(s->backend));
	return 0;
}

int rr_cmd_fuse_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "step", required_argument, NULL, 'n' },
		{ "mountpoint", required_argument, NULL, 'm' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *mnt = NULL;
	uint64_t step = 0;
	int c, ready = -1;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'm': mnt = optarg; break;
		case 'n':
			step = strtoull(optarg, &end, 10);
			if (*end)
				step = 0;
			break;
		case 'r':
			ready = (int)strtol(optarg, &end, 10);
			if (*end)
				ready = -1;
			break;
		default:
			return RR_EXIT_USAGE;
		}
	}
	if (!dir || !mnt || !step) {
		rr_err("fuse-serve", "%s", _("internal command; needs --session, --step and --mountpoint"));
		return RR_EXIT_USAGE;
	}
	return rr_fuse_serve(dir, step, mnt, ready) == 0 ? RR_EXIT_OK : RR_EXIT_FAIL;
}
