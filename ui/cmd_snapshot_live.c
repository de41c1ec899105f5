/* raidrescue snapshot-live: a snapshot of a mounted device-mapper volume,
 * in place (actions/snapshot_live.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/dm.h"
#include "actions/snapshot_live.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "core/units.h"
#include "ui/cli.h"

int rr_cmd_snapshot_live(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "cow-size", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_snapshot_live_opts o = { 0 };
	struct rr_snapshot_live sl;
	struct rr_session *s;
	const char *dir = NULL;
	char msg[1024], why[256];
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:c:z:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
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
	if (optind + 1 != argc)
		return rr_cmd_usage_error(cmd, "%s", _("name one device"));
	if (rr_dm_available(why, sizeof(why)) < 0) {
		rr_err(NULL, "%s", why);
		return RR_EXIT_FAIL;
	}
	r = rr_session_open(dir, 1, &s);
	if (r < 0) {
		if (r == -EBUSY)
			rr_err(dir, "%s", _("the session is in use by another raidrescue"));
		else
			rr_err(dir, _("cannot open the session: %s"), strerror(-r));
		return RR_EXIT_FAIL;
	}
	r = rr_snapshot_live(s, argv[optind], &o, &sl, msg, sizeof(msg));
	if (r < 0) {
		rr_err(argv[optind], "%s", msg);
	} else {
		printf(_("%s: live snapshot %s (the device now runs as a snapshot-origin over %s; COW %s)\n"),
		       argv[optind], sl.snap_dev, sl.base, sl.cow);
		printf(_("Back it up from %s; then: raidrescue undo --session %s\n"), sl.snap_dev, s->dir);
	}
	rr_session_close(s);
	return r < 0 ? RR_EXIT_FAIL : RR_EXIT_OK;
}
