/* raidrescue cow-merge: put an origin back to its snapshot's state,
 * offline, with an undo store (actions/cowmerge.h). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions/cowmerge.h"
#include "actions/session.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "core/units.h"
#include "ui/cli.h"

struct bar {
	int on;
	struct timespec t0;
	const char *what;
	double last;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *phase_name(const char *what)
{
	if (!strcmp(what, "save"))
		return _("saving");
	if (!strcmp(what, "verify"))
		return _("checking");
	if (!strcmp(what, "restore"))
		return _("restoring");
	return _("merging");
}

/* "[######    ]  62%  143.2 MiB/s  0:07 left" on the terminal. */
static void progress(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	struct bar *b = ctx;
	double t = now_s(), el, rate;
	char sz[32];
	int fill;

	if (!b->on || !total)
		return;
	if (!b->what || strcmp(b->what, what)) {
		if (b->what)
			fputc('\n', stderr);
		b->what = what;
		b->last = 0;
		b->t0.tv_sec = (time_t)t;
		b->t0.tv_nsec = (long)((t - (double)(time_t)t) * 1e9);
	}
	if (done < total && t - b->last < 0.2)
		return;
	b->last = t;
	el = t - ((double)b->t0.tv_sec + b->t0.tv_nsec / 1e9);
	rate = el > 0 ? done / el : 0;
	fill = (int)(done * 30 / total);
	fprintf(stderr, "\r%-10s [%.*s%*s] %3d%%  %s/s", phase_name(what), fill, "##############################",
		30 - fill, "", (int)(done * 100 / total), rr_format_size((uint64_t)rate, sz, sizeof(sz)));
	if (rate > 0 && done < total) {
		uint64_t left = (uint64_t)((total - done) / rate);

		fprintf(stderr, _("  %" PRIu64 ":%02" PRIu64 " left "), left / 60, left % 60);
	} else {
		fputs("             ", stderr);
	}
	if (done >= total) {
		fputc('\n', stderr);
		b->what = NULL;
	}
}

static void print_plan(const struct rr_cowmerge_plan *p)
{
	char sz[32];

	printf(_("Origin %s (%" PRIu64 " bytes), store %s, chunks of %u sectors (%" PRIu64 " bytes).\n"),
	       p->origin, p->origin_bytes, p->cow, p->chunk_sectors, p->chunk_bytes);
	printf("%s\n", _("Runs of origin chunks that would be copied from the store:"));
	for (size_t i = 0; i < p->nruns; i++) {
		const struct rr_cowmerge_run *r = &p->runs[i];

		printf(P_("  chunk %" PRIu64 "-%" PRIu64 " (%" PRIu64 " chunk), origin bytes %" PRIu64 "-%" PRIu64 "\n",
			  "  chunks %" PRIu64 "-%" PRIu64 " (%" PRIu64 " chunks), origin bytes %" PRIu64 "-%" PRIu64 "\n",
			  r->nchunks),
		       r->chunk, r->chunk + r->nchunks - 1, r->nchunks, r->chunk * p->chunk_bytes,
		       (r->chunk + r->nchunks) * p->chunk_bytes - 1);
	}
	printf(P_("Total: %" PRIu64 " chunk in %zu runs, %" PRIu64 " bytes (%s).\n",
		  "Total: %" PRIu64 " chunks in %zu runs, %" PRIu64 " bytes (%s).\n", p->nchunks),
	       p->nchunks, p->nruns, p->bytes, rr_format_size(p->bytes, sz, sizeof(sz)));
}

static int confirm(const struct rr_cowmerge_plan *p)
{
	char line[64], sz[32];

	if (!isatty(STDIN_FILENO)) {
		rr_err(p->origin, "%s", _("this writes to the origin: confirm with --yes when not on a terminal"));
		return 0;
	}
	printf(_("This overwrites %s of %s with the snapshot's data (what it holds now is saved in an undo store first).\n"
		 "Type 'yes' to go on: "), rr_format_size(p->bytes, sz, sizeof(sz)), p->origin);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	line[strcspn(line, "\n")] = '\0';
	return !strcmp(line, "yes") || !strcmp(line, _("yes"));
}

int rr_cmd_cowmerge(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cow", required_argument, NULL, 'c' },
		{ "origin", required_argument, NULL, 'o' },
		{ "session", required_argument, NULL, 's' },
		{ "chunk-size", required_argument, NULL, 'k' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cow = NULL, *origin = NULL, *dir = NULL;
	struct rr_cowmerge_plan p;
	struct rr_cowmerge_opts o = { 0 };
	struct rr_session *s = NULL;
	struct bar bar = { .on = isatty(STDERR_FILENO) };
	char msg[1024], *defdir = NULL, *end;
	unsigned chunk = 0;
	int c, dry = 0, yes = 0, r, resumed = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:o:s:k:nyh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cow = optarg; break;
		case 'o': origin = optarg; break;
		case 's': dir = optarg; break;
		case 'k': {
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !v || v > (1ul << 21) || (v & (v - 1)))
				return rr_cmd_usage_error(cmd, _("--chunk-size %s: a power of two, in sectors"), optarg);
			chunk = (unsigned)v;
			break;
		}
		case 'n': dry = 1; break;
		case 'y': yes = 1; break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (!cow || !origin)
		return rr_cmd_usage_error(cmd, "%s", _("--cow FILE and --origin DEV|IMAGE are required"));
	if (optind < argc)
		return rr_cmd_usage_error(cmd, _("unexpected argument: %s"), argv[optind]);
	r = rr_cowmerge_plan(origin, cow, chunk, &p, msg, sizeof(msg));
	if (r < 0) {
		rr_err(origin, "%s", msg);
		return RR_EXIT_FAIL;
	}
	if (dry) {
		print_plan(&p);
		rr_cowmerge_plan_free(&p);
		return RR_EXIT_OK;
	}
	if (!p.nchunks) {
		printf(_("%s: the store holds no exceptions; nothing to merge.\n"), p.cow);
		rr_cowmerge_plan_free(&p);
		return RR_EXIT_OK;
	}
	if (!yes && !confirm(&p)) {
		rr_err(p.origin, "%s", _("not confirmed; nothing was written"));
		rr_cowmerge_plan_free(&p);
		return RR_EXIT_FAIL;
	}
	if (!dir)
		dir = defdir = rr_session_default_dir();
	r = rr_session_open(dir, 1, &s);
	if (r < 0) {
		if (r == -EBUSY)
			rr_err(dir, "%s", _("the session is in use by another raidrescue"));
		else
			rr_err(dir, _("cannot open the session: %s"), strerror(-r));
		rr_cowmerge_plan_free(&p);
		free(defdir);
		return RR_EXIT_FAIL;
	}
	o.assume_yes = yes;
	o.progress = progress;
	o.ctx = &bar;
	r = rr_cowmerge(s, &p, &o, &resumed, msg, sizeof(msg));
	if (r < 0) {
		if (bar.what)
			fputc('\n', stderr);
		rr_err(p.origin, "%s", msg);
	} else {
		char sz[32];

		printf(resumed ? _("%s: interrupted merge completed: %" PRIu64 " chunks (%s) from %s.\n")
			       : _("%s: merged %" PRIu64 " chunks (%s) from %s.\n"),
		       p.origin, p.nchunks, rr_format_size(p.bytes, sz, sizeof(sz)), p.cow);
		printf(_("Undo with: raidrescue undo --session %s\n"), s->dir);
	}
	rr_session_close(s);
	rr_cowmerge_plan_free(&p);
	free(defdir);
	return r < 0 ? RR_EXIT_FAIL : RR_EXIT_OK;
}
