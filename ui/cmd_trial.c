/* raidrescue trial: plan, then assemble and check each candidate on the
 * session's snapshots, best first; the results table ranks them by what
 * the checkers found. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/dm.h"
#include "actions/overlay.h"
#include "actions/prove.h"
#include "actions/session.h"
#include "actions/trial.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "core/plan.h"
#include "probes/probe.h"
#include "ui/cli.h"
#include "ui/proof_text.h"

static int progress(void *ctx, size_t i, size_t n, const struct rr_candidate *c)
{
	char d[160];
	int *quiet = ctx;

	if (!*quiet)
		fprintf(stderr, _("trial %zu of %zu: %s\n"), i + 1, n, rr_plan_describe(c, d, sizeof(d)));
	return 0;
}

/* The session's overlay of path, made now when there is none yet. */
static int overlay_of(struct rr_session *s, const char *path, struct rr_overlay **ovs, size_t *nov)
{
	char a[PATH_MAX], b[PATH_MAX], msg[1024];
	struct rr_overlay ov;

	if (realpath(path, a))
		for (size_t i = 0; i < *nov; i++)
			if (!strcmp((*ovs)[i].member, path) || (realpath((*ovs)[i].member, b) && !strcmp(a, b)))
				return (int)i;
	if (rr_overlay_member(s, path, NULL, &ov, msg, sizeof(msg)) < 0) {
		rr_err(path, "%s", msg);
		return -1;
	}
	*ovs = rr_xrealloc(*ovs, (*nov + 1) * sizeof(**ovs));
	(*ovs)[*nov] = ov;
	return (int)(*nov)++;
}

static int by_score(const void *a, const void *b)
{
	const struct rr_trial *x = *(const struct rr_trial *const *)a, *y = *(const struct rr_trial *const *)b;

	return x->score < y->score ? 1 : x->score > y->score ? -1 : 0;
}

int rr_cmd_trial(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "top", required_argument, NULL, 't' },
		{ "via", required_argument, NULL, 'v' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "backend", required_argument, NULL, 'B' },
		{ "prove", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_plan_opts po = { .top = 3 };
	struct rr_member **tops = NULL, **units = NULL;
	struct rr_candidate *cands = NULL;
	struct rr_trial *trials = NULL, **sorted = NULL;
	struct rr_overlay *ovs = NULL;
	struct rr_session *s = NULL;
	struct rr_plan plan;
	struct rr_plan_io io;
	enum rr_via via = RR_VIA_AUTO;
	const char *dir = NULL;
	size_t ntops, nunits, nov = 0, ncand = 0;
	unsigned timeout = 900;
	int json = 0, c, rc = RR_EXIT_FAIL, r, *map = NULL, quiet, backend = 0, prove = 0, rp = 0;
	struct rr_proof proof;
	size_t best = SIZE_MAX;
	char *end;

	memset(&plan, 0, sizeof(plan));
	memset(&proof, 0, sizeof(proof));
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:jt:v:T:hp", opts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'j': json = 1; break;
		case 't':
			po.top = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !po.top || po.top > 100)
				return rr_cmd_usage_error(cmd, _("--top takes a number from 1 to 100, not '%s'"), optarg);
			break;
		case 'v':
			if (rr_cli_parse_via(optarg, &via) < 0)
				return rr_cmd_usage_error(cmd, _("--via %s: say dm-raid, mdadm or auto"), optarg);
			break;
		case 'B':
			if (rr_cli_parse_backend(optarg, &backend) < 0)
				return rr_cmd_usage_error(cmd, _("--backend %s: say kernel, userspace or auto"), optarg);
			break;
		case 'T':
			timeout = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !timeout)
				return rr_cmd_usage_error(cmd, _("--timeout %s: seconds, more than 0"), optarg);
			break;
		case 'p': prove = 1; break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (!dir)
		return rr_cmd_usage_error(cmd, "%s", _("--session DIR is required"));
	if (optind >= argc)
		return rr_cmd_usage_error(cmd, "%s", _("name at least one device or image"));
	quiet = json;
	ntops = (size_t)(argc - optind);
	tops = rr_xcalloc(ntops, sizeof(*tops));
	for (size_t i = 0; i < ntops; i++) {
		tops[i] = rr_examine_path(argv[optind + (int)i]);
		for (size_t e = 0; e < tops[i]->nerrors; e++)
			rr_err(tops[i]->path, "%s", tops[i]->errors[e]);
	}
	nunits = rr_plan_units(tops, ntops, &units);
	rr_plan_io_open(&io, tops, ntops, units, nunits);
	po.read = rr_plan_io_read;
	po.read_ctx = &io;
	r = rr_plan(units, nunits, &po, &plan);
	rr_plan_io_close(&io);
	if (r < 0 || plan.ncands == 0) {
		for (size_t i = 0; i < plan.nremarks; i++)
			rr_err(NULL, "%s", plan.remarks[i]);
		rr_err(NULL, "%s", _("no candidate to try"));
		goto out;
	}
	r = rr_session_open(dir, 1, &s);
	if (r < 0) {
		rr_err(dir, _("cannot open the session: %s"), r == -EBUSY ? _("in use by another raidrescue") : strerror(-r));
		goto out;
	}
	if (rr_cli_session_backend(s, backend) < 0)
		goto out;
	if (rr_overlay_list(s, &ovs, &nov) < 0)
		goto out;
	/* Planning units are what gets overlaid: each must be a device or
	 * image of its own (a partition inside an image file is not). */
	map = rr_xcalloc(nunits, sizeof(*map));
	for (size_t u = 0; u < nunits; u++) {
		map[u] = -1;
		if (units[u]->part_number && strchr(units[u]->path, ':')) {
			rr_err(units[u]->path, "%s", _("a partition inside an image file: attach the image with 'losetup -P -r' and name its partitions"));
			goto out;
		}
		map[u] = overlay_of(s, units[u]->path, &ovs, &nov);
		if (map[u] < 0)
			goto out;
	}
	ncand = plan.ncands;
	cands = rr_xcalloc(ncand, sizeof(*cands));
	for (size_t i = 0; i < ncand; i++) {
		cands[i] = plan.cands[i];
		cands[i].reasons = NULL;
		cands[i].nreasons = 0;
		for (unsigned k = 0; k < cands[i].ndisks; k++)
			if (cands[i].slot[k] != RR_CAND_MISSING)
				cands[i].slot[k] = map[cands[i].slot[k]];
	}
	trials = rr_xcalloc(ncand, sizeof(*trials));
	r = rr_trial_run(s, ovs, nov, cands, ncand, via, timeout, trials, progress, &quiet);
	if (r < 0)
		rr_err(dir, "%s", _("a trial could not be torn down; run 'raidrescue undo --all' on the session"));
	sorted = rr_xcalloc(ncand, sizeof(*sorted));
	for (size_t i = 0; i < ncand; i++)
		sorted[i] = &trials[i];
	qsort(sorted, ncand, sizeof(*sorted), by_score);
	/* The proof: the best candidate that assembled with a clean
	 * filesystem, assembled again and its filesystems listed. */
	if (prove && r >= 0 && ncand && sorted[0]->assembled && sorted[0]->score >= 100) {
		best = (size_t)(sorted[0] - trials);
		if (!quiet) {
			char d[160];

			fprintf(stderr, _("proof: listing the filesystems of %s read-only\n"),
				rr_plan_describe(&plan.cands[best], d, sizeof(d)));
		}
		rp = rr_prove_candidate(s, ovs, nov, &cands[best], via, &proof);
		if (rp < 0)
			rr_err(dir, "%s", _("the proof's assembly could not be torn down; run 'raidrescue undo --all' on the session"));
	} else if (prove) {
		rr_err(dir, "%s", _("no candidate assembled with a clean filesystem: nothing to list as proof"));
	}
	if (json) {
		json_object *root = json_object_new_object(), *arr = json_object_new_array();

		for (size_t i = 0; i < ncand; i++) {
			size_t k = (size_t)(sorted[i] - trials);
			json_object *o = rr_candidate_json(units, &plan.cands[k]);

			json_object_object_add(o, "assembled", json_object_new_boolean(sorted[i]->assembled));
			if (sorted[i]->assembled)
				json_object_object_add(o, "via", json_object_new_string(rr_via_name(sorted[i]->via)));
			if (sorted[i]->error[0])
				json_object_object_add(o, "error", json_object_new_string(sorted[i]->error));
			json_object_object_add(o, "trial_score", json_object_new_double(sorted[i]->score));
			json_object_object_add(o, "filesystems", rr_fsck_report_json(&sorted[i]->fsck));
			json_object_array_add(arr, o);
		}
		json_object_object_add(root, "candidates", arr);
		if (best != SIZE_MAX) {
			json_object *po_ = json_object_new_object();

			json_object_object_add(po_, "candidate", rr_candidate_json(units, &plan.cands[best]));
			json_object_object_add(po_, "assembled", json_object_new_boolean(proof.assembled));
			if (proof.error[0])
				json_object_object_add(po_, "error", json_object_new_string(proof.error));
			json_object_object_add(po_, "filesystems", rr_proof_json(&proof));
			json_object_object_add(root, "proof", po_);
		}
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	} else {
		printf(_("Trials, best first (session %s):\n"), s->dir);
		for (size_t i = 0; i < ncand; i++) {
			size_t k = (size_t)(sorted[i] - trials);
			char d[160];

			printf("\n%zu. %s\n   ", i + 1, rr_plan_describe(&plan.cands[k], d, sizeof(d)));
			for (unsigned sl = 0; sl < plan.cands[k].ndisks; sl++)
				printf("%s%s", sl ? ", " : "", plan.cands[k].slot[sl] == RR_CAND_MISSING
				       ? "missing" : units[plan.cands[k].slot[sl]]->path);
			putchar('\n');
			if (!sorted[i]->assembled) {
				printf(_("   not assembled: %s\n"), sorted[i]->error);
				continue;
			}
			rr_print_fsck_table(&sorted[i]->fsck);
		}
		if (best != SIZE_MAX) {
			char d[160];

			printf(_("\nProof of data, read-only, candidate %s:\n"), rr_plan_describe(&plan.cands[best], d, sizeof(d)));
			if (!proof.assembled)
				printf(_("   not assembled: %s\n"), proof.error);
			for (size_t i = 0; i < proof.nvols; i++) {
				char **lines = NULL;
				size_t nl = 0;

				rr_proof_text(&proof.vols[i], &lines, &nl);
				for (size_t k = 0; k < nl; k++) {
					printf("  %s\n", lines[k]);
					free(lines[k]);
				}
				free(lines);
			}
		}
	}
	rc = r < 0 || rp < 0 ? RR_EXIT_FAIL : RR_EXIT_OK;
out:
	rr_proof_free(&proof);
	rr_trial_free(trials, trials ? ncand : 0);
	free(trials);
	free(sorted);
	free(cands);
	free(map);
	free(ovs);
	rr_session_close(s);
	rr_plan_free(&plan);
	free(units);
	for (size_t i = 0; i < ntops; i++)
		rr_member_free(tops[i]);
	free(tops);
	return rc;
}
