/* raidrescue fsck: check every filesystem of the session's assembly. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/dm.h"
#include "actions/fsck.h"
#include "actions/layers.h"
#include "actions/session.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "ui/cli.h"
#include "ui/proof_text.h"

/* The newest assembly that is still up: its step and device. */
static int live_assembly(struct rr_session *s, uint64_t *seq, char *dev, size_t n)
{
	struct rr_journal_view v;
	int r;

	r = rr_session_journal(s, &v);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = v.nsteps; i-- > 0;) {
		struct rr_step *st = &v.steps[i];
		json_object *x;

		if (strcmp(st->action, "assemble") || st->state != RR_STEP_DONE ||
		    !json_object_object_get_ex(st->args, "device", &x))
			continue;
		*seq = st->seq;
		snprintf(dev, n, "%s", json_object_get_string(x));
		r = 0;
		break;
	}
	rr_journal_view_free(&v);
	return r;
}

/* The dm devices of an assembly and of its layers, bottom first: what a
 * repair must make writable. */
static void collect_dm(struct rr_session *s, uint64_t aseq, uint64_t lseq, char ***names, size_t *n)
{
	struct rr_journal_view v;
	uint64_t seqs[2] = { aseq, lseq };

	if (rr_session_journal(s, &v) < 0)
		return;
	for (int k = 0; k < 2; k++) {
		struct rr_step *st = seqs[k] ? rr_journal_find(&v, seqs[k]) : NULL;

		for (size_t i = 0; st && st->resources && i < json_object_array_length(st->resources); i++) {
			json_object *res = json_object_array_get_idx(st->resources, i), *x;

			if (json_object_object_get_ex(res, "type", &x) && !strcmp(json_object_get_string(x), "dm") &&
			    json_object_object_get_ex(res, "name", &x)) {
				*names = rr_xrealloc(*names, (*n + 1) * sizeof(char *));
				(*names)[(*n)++] = rr_xstrdup(json_object_get_string(x));
			}
		}
	}
	rr_journal_view_free(&v);
}

void rr_print_fsck_table(const struct rr_fsck_report *rep)
{
	for (size_t i = 0; i < rep->nitems; i++) {
		const struct rr_fsck_item *it = &rep->items[i];
		const char *res;
		char buf[64];

		switch (it->result) {
		case RR_FSCK_CLEAN: res = _("clean"); break;
		case RR_FSCK_ERRORS:
			snprintf(buf, sizeof(buf), P_("%u error", "%u errors", it->errors), it->errors);
			res = buf;
			break;
		case RR_FSCK_NOT_FS: res = _("not a filesystem"); break;
		default: res = _("checker failed"); break;
		}
		printf("  %-28s %-8s %-16s %s%s%s\n", it->what, it->type[0] ? it->type : "-",
		       it->label[0] ? it->label : "-", res, it->note[0] ? " — " : "", it->note);
	}
}

int rr_cmd_fsck(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "write", no_argument, NULL, 'w' },
		{ "backend", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_session *s = NULL;
	struct rr_layers l;
	struct rr_fsck_report rep;
	const char *dir = NULL;
	char dev[200], msg[1024], *end;
	unsigned timeout = 900;
	uint64_t aseq;
	int c, json = 0, write = 0, r, rc = RR_EXIT_FAIL, backend = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:jt:wh", opts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'j': json = 1; break;
		case 't':
			timeout = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !timeout)
				return rr_cmd_usage_error(cmd, _("--timeout %s: seconds, more than 0"), optarg);
			break;
		case 'w': write = 1; break;
		case 'B':
			if (rr_cli_parse_backend(optarg, &backend) < 0)
				return rr_cmd_usage_error(cmd, _("--backend %s: say kernel, userspace or auto"), optarg);
			break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (!dir)
		return rr_cmd_usage_error(cmd, "%s", _("--session DIR is required"));
	r = rr_session_open(dir, 0, &s);
	if (r < 0) {
		rr_err(dir, _("cannot open the session: %s"), r == -EBUSY ? _("in use by another raidrescue") : strerror(-r));
		return RR_EXIT_FAIL;
	}
	if (rr_cli_session_backend(s, backend) < 0)
		goto out;
	if (live_assembly(s, &aseq, dev, sizeof(dev)) < 0) {
		rr_err(dir, "%s", _("nothing is assembled in this session; run 'raidrescue assemble' first"));
		goto out;
	}
	if (rr_layers_from_journal(s, aseq, &l) < 0 && rr_layers_map(s, dev, aseq, &l, msg, sizeof(msg)) < 0) {
		rr_err(dev, "%s", msg);
		goto out;
	}
	for (size_t i = 0; i < l.nremarks; i++)
		rr_warn(dev, "%s", l.remarks[i]);
	if (write) {
		char **names = NULL;
		size_t nn = 0;

		collect_dm(s, aseq, l.seq, &names, &nn);
		r = rr_fsck_repair(s, &l, names, nn, timeout, &rep);
		for (size_t i = 0; i < nn; i++)
			free(names[i]);
		free(names);
	} else {
		r = rr_fsck_volumes(s, &l, timeout, &rep);
	}
	if (r < 0) {
		rr_err(dir, _("cannot write the journal: %s"), strerror(-r));
		rr_layers_free(&l);
		goto out;
	}
	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "filesystems", rr_fsck_report_json(&rep));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		printf(write ? _("Repaired the volumes of %s, on the snapshots only:\n") : _("Checked the volumes of %s:\n"), dev);
		rr_print_fsck_table(&rep);
		for (size_t i = 0; write && i < rep.nitems; i++) {
			char **lines = NULL;
			size_t nl = 0;

			if (rep.items[i].result != RR_FSCK_CLEAN)
				continue;
			rr_proof_text(&rep.items[i].proof, &lines, &nl);
			for (size_t k = 0; k < nl; k++) {
				printf("  %s\n", lines[k]);
				free(lines[k]);
			}
			free(lines);
		}
	}
	rc = RR_EXIT_OK;
	for (size_t i = 0; i < rep.nitems; i++)
		if (rep.items[i].result == RR_FSCK_FAILED)
			rc = RR_EXIT_FAIL;
	rr_fsck_report_free(&rep);
	rr_layers_free(&l);
out:
	rr_session_close(s);
	return rc;
}
