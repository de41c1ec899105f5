/* raidrescue overlay / undo / cleanup / journal: the session commands. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/backend.h"
#include "actions/dm.h"
#include "actions/overlay.h"
#include "actions/replay.h"
#include "actions/session.h"
#include "actions/teardown.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "core/units.h"
#include "ui/cli.h"

static int open_session(const char *dir, int create, struct rr_session **s)
{
	int r = rr_session_open(dir, create, s);

	if (r == -EBUSY)
		rr_err(dir, "%s", _("the session is in use by another raidrescue"));
	else if (r == -ENOENT)
		rr_err(dir, "%s", _("no session here (no session.json)"));
	else if (r < 0)
		rr_err(dir, _("cannot open the session: %s"), strerror(-r));
	return r;
}

int rr_cmd_overlay(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "cow-size", required_argument, NULL, 'z' },
		{ "backend", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_overlay_opts o = { 0 };
	struct rr_session *s;
	const char *dir = NULL;
	int c, failed = 0, backend = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:c:z:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'B':
			if (rr_cli_parse_backend(optarg, &backend) < 0)
				return rr_cmd_usage_error(cmd, _("--backend %s: say kernel, userspace or auto"), optarg);
			break;
		case 'c':
			if (rr_cli_parse_kib(optarg, 4, 512, &o.chunk_kib) < 0)
				return rr_cmd_usage_error(cmd, _("--chunk %s: a power of two in KiB from 4 to 512"), optarg);
			break;
		case 'z':
			if (rr_parse_size(optarg, &o.cow_bytes) < 0 || o.cow_bytes == 0)
				return rr_cmd_usage_error(cmd, _("--cow-size %s: not a size (e.g. 512M, 2G)"), optarg);
			break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (!dir)
		return rr_cmd_usage_error(cmd, "%s", _("--session DIR is required"));
	if (optind >= argc)
		return rr_cmd_usage_error(cmd, "%s", _("name at least one device or image"));
	if (open_session(dir, 1, &s) < 0)
		return RR_EXIT_FAIL;
	if (rr_cli_session_backend(s, backend) < 0) {
		rr_session_close(s);
		return RR_EXIT_FAIL;
	}
	for (int i = optind; i < argc; i++) {
		struct rr_overlay ov;
		char msg[1024], size[32];
		uint64_t used, total;

		if (rr_overlay_member(s, argv[i], &o, &ov, msg, sizeof(msg)) < 0) {
			rr_err(argv[i], "%s", msg);
			failed = 1;
			continue;
		}
		if (rr_overlay_fill(&ov, &used, &total) < 0)
			total = 0;
		if (ov.backend == RR_BACKEND_USERSPACE)
			printf(_("%s: userspace snapshot %s (copy-on-write store %s, %s)\n"), argv[i], ov.name, ov.cow,
			       rr_format_size(total * 512, size, sizeof(size)));
		else
			printf(_("%s: snapshot %s (copy-on-write file %s, %s)\n"), argv[i], ov.dev, ov.cow,
			       rr_format_size(total * 512, size, sizeof(size)));
	}
	rr_session_close(s);
	return failed ? RR_EXIT_FAIL : RR_EXIT_OK;
}

int rr_cmd_undo(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "steps", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_session *s;
	const char *dir = NULL;
	size_t steps = 1;
	int c, all = 0, r;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:an:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'a': all = 1; break;
		case 'n':
			steps = strtoul(optarg, &end, 10);
			if (*end || !steps)
				return rr_cmd_usage_error(cmd, _("--steps %s: a positive number"), optarg);
			break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (!dir)
		return rr_cmd_usage_error(cmd, "%s", _("--session DIR is required"));
	if (optind < argc)
		return rr_cmd_usage_error(cmd, _("unexpected argument: %s"), argv[optind]);
	if (open_session(dir, 0, &s) < 0)
		return RR_EXIT_FAIL;
	r = rr_undo(s, all ? 0 : steps, 1);
	rr_session_close(s);
	if (r < 0) {
		rr_err(dir, "%s", _("undo stopped; what is left is listed above (run 'raidrescue cleanup' to remove every device of raidrescue)"));
		return RR_EXIT_FAIL;
	}
	printf(P_("%d step undone\n", "%d steps undone\n", r), r);
	return RR_EXIT_OK;
}

int rr_cmd_cleanup(const struct rr_cmd *cmd, int argc, char **argv)
{
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			rr_cmd_help(cmd);
			return RR_EXIT_OK;
		}
		return rr_cmd_usage_error(cmd, _("unexpected argument: %s"), argv[i]);
	}
	/* FUSE exports are looked for everywhere; device-mapper's devices
	 * where it can be used. */
	r = rr_cleanup_all(1);
	if (r < 0)
		return RR_EXIT_FAIL;
	printf(P_("%d device removed\n", "%d devices removed\n", r), r);
	return RR_EXIT_OK;
}

int rr_cmd_replay(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "session", required_argument, NULL, 's' },
		{ "backend", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_session *s = NULL;
	const char *dir = NULL;
	char *defdir = NULL;
	int c, dry = 0, r, backend = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ns:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': dry = 1; break;
		case 'B':
			if (rr_cli_parse_backend(optarg, &backend) < 0)
				return rr_cmd_usage_error(cmd, _("--backend %s: say kernel, userspace or auto"), optarg);
			break;
		case 's': dir = optarg; break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (optind + 1 != argc)
		return rr_cmd_usage_error(cmd, "%s", _("name one journal file"));
	if (dry) {
		r = rr_replay(argv[optind], NULL, stdout);
		return r < 0 ? RR_EXIT_FAIL : RR_EXIT_OK;
	}
	if (!dir)
		dir = defdir = rr_session_default_dir();
	if (open_session(dir, 1, &s) < 0) {
		free(defdir);
		return RR_EXIT_FAIL;
	}
	if (rr_cli_session_backend(s, backend) < 0) {
		rr_session_close(s);
		free(defdir);
		return RR_EXIT_FAIL;
	}
	printf(_("replaying into the new session %s\n"), s->dir);
	r = rr_replay(argv[optind], s, stdout);
	rr_session_close(s);
	free(defdir);
	if (r < 0) {
		rr_err(dir, "%s", _("replay stopped; undo what it made with 'raidrescue undo --all --session' on the new session"));
		return RR_EXIT_FAIL;
	}
	return RR_EXIT_OK;
}
