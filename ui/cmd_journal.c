/* raidrescue journal --as-script: a journal as the equivalent commands. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "ui/cli.h"

static void print_lines(json_object *args, const char *key, const char *prefix)
{
	json_object *a;

	if (!args || !json_object_object_get_ex(args, key, &a) || !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a); i++)
		printf("%s%s\n", prefix, json_object_get_string(json_object_array_get_idx(a, i)));
}

int rr_cmd_journal(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as-script", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_journal_view v;
	int c, script = 0, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'S': script = 1; break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (!script)
		return rr_cmd_usage_error(cmd, "%s", _("say what to print: --as-script"));
	if (optind + 1 != argc)
		return rr_cmd_usage_error(cmd, "%s", _("name one journal file"));
	r = rr_journal_read(argv[optind], &v);
	if (r < 0) {
		rr_err(argv[optind], _("cannot read the journal: %s"), strerror(-r));
		return RR_EXIT_FAIL;
	}
	if (v.bad_lines)
		rr_warn(argv[optind], P_("%zu line could not be read and was skipped",
					 "%zu lines could not be read and were skipped", v.bad_lines), v.bad_lines);
	printf("#!/bin/sh\n");
	/* TRANSLATORS: comment lines of a generated shell script. */
	printf(_("# The commands equivalent to the raidrescue journal %s\n"), argv[optind]);
	printf(_("# (steps that are done and not undone; run as root; no udev rules are disabled here).\n"));
	printf("set -e\n");
	for (size_t i = 0; i < v.nsteps; i++) {
		struct rr_step *st = &v.steps[i];

		if (st->state != RR_STEP_DONE)
			continue;
		printf(_("\n# step %llu: %s (%s)\n"), (unsigned long long)st->seq, st->action, st->time ? st->time : "");
		print_lines(st->args, "script", "");
	}
	printf(_("\n# To undo, newest first:\n"));
	for (size_t i = v.nsteps; i-- > 0;) {
		if (v.steps[i].state == RR_STEP_DONE)
			print_lines(v.steps[i].args, "undo_script", "# ");
	}
	rr_journal_view_free(&v);
	return RR_EXIT_OK;
}
