/* Screen 6, trials: every marked candidate is assembled on the snapshots,
 * its volumes checked read-only and torn down again -- in a child process,
 * so the screen stays alive: a progress bar, elapsed and remaining time,
 * Esc stops after the candidate in hand (the journal stays consistent).
 * Then one row per candidate and filesystem; Enter opens the checker log. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/overlay.h"
#include "actions/trial.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "ui/tui/tui.h"

static struct tui_list list;
static size_t *run_idx;		/* candidate index of each trial in the job */
static size_t nrun;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Child side ------------------------------------------------------------ */

struct child_ctx {
	struct tui_app *a;
	int fd;
	struct rr_candidate *cands;	/* slots mapped to overlays */
};

static int child_progress(void *ctx, size_t i, size_t n, const struct rr_candidate *c)
{
	struct child_ctx *cc = ctx;
	char line[512];

	if (tui_job_cancelled())
		return 1;
	tui_candidate_line(cc->a, &cc->a->cands[run_idx[i]], line, sizeof(line));
	tui_job_report(cc->fd, "P %zu %zu %s", i, n, line);
	return 0;
}

static void emit(int fd, size_t k, const struct rr_trial *t, const struct rr_fsck_item *it)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cand", json_object_new_uint64(k));
	json_object_object_add(o, "assembled", json_object_new_int(t->assembled));
	json_object_object_add(o, "error", json_object_new_string(t->error));
	json_object_object_add(o, "score", json_object_new_double(t->score));
	if (it) {
		json_object_object_add(o, "what", json_object_new_string(it->what));
		json_object_object_add(o, "type", json_object_new_string(it->type));
		json_object_object_add(o, "result", json_object_new_string(rr_fsck_result_name(it->result)));
		json_object_object_add(o, "errors", json_object_new_int((int)it->errors));
		json_object_object_add(o, "log", json_object_new_string(it->log));
	}
	tui_job_report(fd, "R %s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void trial_child(struct tui_app *a, int fd, void *ctx)
{
	struct rr_overlay *ovs = NULL;
	struct rr_trial *trials;
	struct child_ctx cc = { a, fd, NULL };
	size_t nov = 0;
	int done;

	if (rr_overlay_list(a->sess, &ovs, &nov) < 0 || !nov) {
		tui_job_report(fd, "E %s", _("the session has no snapshots: press o on the snapshots screen (5)"));
		return;
	}
	cc.cands = rr_xcalloc(nrun, sizeof(*cc.cands));
	for (size_t i = 0; i < nrun; i++) {
		const struct rr_candidate *c = &a->cands[run_idx[i]];

		cc.cands[i] = *c;
		cc.cands[i].reasons = NULL;
		cc.cands[i].nreasons = 0;
		for (unsigned s = 0; s < c->ndisks; s++) {
			int m = c->slot[s];

			if (m == RR_CAND_MISSING)
				continue;
			cc.cands[i].slot[s] = RR_CAND_MISSING;
			for (size_t k = 0; k < nov; k++)
				if (!strcmp(ovs[k].member, a->devs[a->members[m]].path))
					cc.cands[i].slot[s] = (int)k;
		}
	}
	trials = rr_xcalloc(nrun, sizeof(*trials));
	done = rr_trial_run(a->sess, ovs, nov, cc.cands, nrun, a->via, 900, trials, child_progress, &cc);
	for (size_t i = 0; i < nrun && (done < 0 || i < (size_t)done); i++) {
		if (!trials[i].fsck.nitems)
			emit(fd, run_idx[i], &trials[i], NULL);
		for (size_t k = 0; k < trials[i].fsck.nitems; k++)
			emit(fd, run_idx[i], &trials[i], &trials[i].fsck.items[k]);
	}
	if (done < 0)
		tui_job_report(fd, "E %s", _("a teardown failed; the trials stopped (see the journal screen)"));
	rr_trial_free(trials, nrun);
	free(trials);
	free(cc.cands);
	free(ovs);
}

/* Parent side ----------------------------------------------------------- */

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return json_object_object_get_ex(o, k, &x) ? json_object_get_string(x) : "";
}

static void on_line(struct tui_app *a, const char *line)
{
	if (!line) {
		char dir[4096];

		/* The child wrote the journal: read the numbering afresh. */
		if (a->sess) {
			snprintf(dir, sizeof(dir), "%s", a->sess->dir);
			rr_session_close(a->sess);
			a->sess = NULL;
			tui_open_session(a, dir, 0);
		}
		if (a->job.cancelled)
			tui_status(a, "%s", _("trials stopped by Esc; everything they built was torn down"));
		else if (!a->status[0])
			tui_status(a, "%s", _("trials finished"));
		return;
	}
	if (line[0] == 'P') {
		size_t i, n;
		int off = 0;

		if (sscanf(line, "P %zu %zu %n", &i, &n, &off) >= 2) {
			a->job.done = i;
			a->job.total = n;
			snprintf(a->job.current, sizeof(a->job.current), "%s", line + off);
		}
	} else if (line[0] == 'E') {
		tui_status(a, "%s", line + 2);
	} else if (line[0] == 'R') {
		json_object *o = json_tokener_parse(line + 2);
		struct tui_trial_row *r;
		json_object *x;

		if (!o)
			return;
		a->trials = rr_xrealloc(a->trials, (a->ntrials + 1) * sizeof(*a->trials));
		r = &a->trials[a->ntrials++];
		memset(r, 0, sizeof(*r));
		if (json_object_object_get_ex(o, "cand", &x))
			r->cand = (size_t)json_object_get_uint64(x);
		if (json_object_object_get_ex(o, "assembled", &x))
			r->assembled = json_object_get_int(x);
		if (json_object_object_get_ex(o, "score", &x))
			r->score = json_object_get_double(x);
		snprintf(r->error, sizeof(r->error), "%s", jstr(o, "error"));
		snprintf(r->what, sizeof(r->what), "%s", jstr(o, "what"));
		snprintf(r->type, sizeof(r->type), "%s", jstr(o, "type"));
		snprintf(r->log, sizeof(r->log), "%s", jstr(o, "log"));
		if (!strcmp(jstr(o, "result"), "errors") && json_object_object_get_ex(o, "errors", &x))
			snprintf(r->result, sizeof(r->result), P_("%d error", "%d errors", json_object_get_int(x)),
				 json_object_get_int(x));
		else
			snprintf(r->result, sizeof(r->result), "%s", jstr(o, "result"));
		json_object_put(o);
	}
}

static void run_done(struct tui_app *a, bool ok, const char *in)
{
	if (!ok)
		return;
	free(a->trials);
	a->trials = NULL;
	a->ntrials = 0;
	if (tui_job_start(a, _("trials"), nrun, trial_child, NULL, on_line) < 0)
		tui_status(a, "%s", _("cannot start the trials (fork failed)"));
}

static void ask_run(struct tui_app *a)
{
	char *text, line[600];
	size_t len, cap = 8192;

	free(run_idx);
	run_idx = rr_xcalloc(a->ncands + 1, sizeof(size_t));
	nrun = 0;
	for (size_t i = 0; i < a->ncands; i++)
		if (a->chosen[i])
			run_idx[nrun++] = i;
	if (!nrun) {
		tui_status(a, "%s", _("no candidate is marked: mark them with Space on the orders screen (4)"));
		return;
	}
	text = rr_xmalloc(cap);
	len = (size_t)snprintf(text, cap, P_("%zu candidate, one after the other: assemble it on the snapshots (route %s), "
					     "map its partitions and logical volumes, run the read-only checkers, tear it "
					     "down. Written: the journal, checker logs and session.log in %s; with mdadm, new "
					     "md superblocks into the copy-on-write files there. Never the members.\n",
					     "%zu candidates, one after the other: assemble each on the snapshots (route %s), "
					     "map its partitions and logical volumes, run the read-only checkers, tear it "
					     "down. Written: the journal, checker logs and session.log in %s; with mdadm, new "
					     "md superblocks into the copy-on-write files there. Never the members.\n", nrun),
			       nrun, tui_via_name(a->via), tui_short(a->sess->dir));
	for (size_t i = 0; i < nrun && len < cap; i++) {
		tui_candidate_line(a, &a->cands[run_idx[i]], line, sizeof(line));
		len += (size_t)snprintf(text + len, cap - len, "%zu. %s\n", run_idx[i] + 1, line);
	}
	tui_confirm(a, _("Run the trials?"), text, run_done);
	free(text);
}

static void fmt_time(double s, char *buf, size_t n)
{
	unsigned t = s < 0 ? 0 : (unsigned)s;

	snprintf(buf, n, "%u:%02u:%02u", t / 3600, t / 60 % 60, t % 60);
}

static void trials_draw(struct tui_app *a, int top, int rows)
{
	char fit[1024], buf[1024];
	int y = top, list_rows;

	if (tui_need_dm(a, top, rows))
		return;
	if (!a->sess) {
		tui_put(y + 1, 2, COLS - 4, TUI_PLAIN, false, _("No session yet: start one on the start screen (1)."));
		return;
	}
	if (a->job.pid) {
		double el = now_s() - a->job.started, rem = -1;
		char e[32], r[32];

		if (a->job.done)
			rem = el / (double)a->job.done * (double)(a->job.total - a->job.done);
		fmt_time(el, e, sizeof(e));
		if (rem >= 0)
			fmt_time(rem, r, sizeof(r));
		else
			snprintf(r, sizeof(r), "?");
		snprintf(buf, sizeof(buf), _("Trial %zu of %zu: %s"), a->job.done + 1, a->job.total, a->job.current);
		tui_put(y++, 0, COLS, TUI_BOLD, false, tui_fit(buf, COLS, fit, sizeof(fit)));
		tui_gauge(y++, 0, COLS, a->job.total ? (int)(a->job.done * 1000 / a->job.total) : 0, TUI_PLAIN);
		tui_putf(y++, 0, COLS, TUI_PLAIN, _("elapsed %s, remaining about %s%s"), e, r,
			 a->job.cancelled ? _(" -- stopping after this candidate") : _(" -- Esc stops after this candidate"));
	} else {
		tui_put(y++, 0, COLS, TUI_PLAIN, false, _("t runs the trials of the candidates marked on the orders screen."));
	}
	y++;
	tui_put(y, 0, COLS, tui_attr(TUI_A_HEAD), true, "");
	tui_putf(y++, 0, COLS, tui_attr(TUI_A_HEAD), "%-4s %-30s %-8s %-16s %s", "#", _("Volume"), _("Type"),
		 _("Result"), _("Score"));
	list_rows = top + rows - y - 1;
	if (!a->ntrials) {
		tui_put(y, 2, COLS - 4, TUI_PLAIN, false, _("No results yet."));
		return;
	}
	tui_list_fix(&list, a->ntrials, list_rows);
	for (int r = 0; r < list_rows && list.top + (size_t)r < a->ntrials; r++) {
		size_t i = list.top + (size_t)r;
		struct tui_trial_row *t = &a->trials[i];
		int attr = i == list.cur ? tui_attr(TUI_A_CURSOR) : TUI_PLAIN;

		if (!t->assembled)
			snprintf(buf, sizeof(buf), "%-4zu %s: %s", t->cand + 1, _("not assembled"), t->error);
		else if (!t->what[0])
			snprintf(buf, sizeof(buf), "%-4zu %s %s", t->cand + 1, _("assembled, no volume checked"), t->error);
		else
			snprintf(buf, sizeof(buf), "%-4zu %-30s %-8s %-16s %.2f", t->cand + 1, t->what, t->type[0] ? t->type : "-",
				 t->result, t->score);
		if (i != list.cur && t->assembled && !strcmp(t->result, "clean"))
			attr = tui_attr(TUI_A_GOOD);
		tui_put(y++, 0, COLS, attr, true, tui_fit(buf, COLS, fit, sizeof(fit)));
	}
}

static bool trials_key(struct tui_app *a, enum tui_cmd cmd, int ch)
{
	if (tui_list_key(&list, cmd, a->ntrials, LINES - 12))
		return true;
	switch (cmd) {
	case TUI_CMD_BACK:
		if (a->job.pid && ch == 27) {
			tui_job_cancel(a);
			return true;
		}
		return false;
	case TUI_CMD_RUN:
		if (!a->dm_ok)
			tui_status(a, "%s", a->dm_why);
		else if (!a->sess)
			tui_status(a, "%s", _("no session yet: start one on the start screen (1)"));
		else if (a->job.pid)
			tui_status(a, "%s", _("the trials are running already"));
		else
			ask_run(a);
		return true;
	case TUI_CMD_LOG:
		if (list.cur < a->ntrials && a->trials[list.cur].log[0]) {
			int r = tui_pager_file(a, a->trials[list.cur].log, a->trials[list.cur].log);

			if (r < 0)
				tui_status(a, _("%s: %s"), a->trials[list.cur].log, strerror(-r));
		} else {
			tui_status(a, "%s", _("no checker log for this row"));
		}
		return true;
	default:
		return false;
	}
}

const struct tui_screen tui_scr_trials = {
	.id = TUI_SCR_TRIALS,
	.title = N_("Trials"),
	.draw = trials_draw,
	.key = trials_key,
	.live = true,
};
