/* Screen 6, trials: every marked candidate is assembled on the snapshots,
 * its volumes checked read-only and torn down again -- in a child process,
 * so the screen stays alive: a progress bar, elapsed and remaining time,
 * Esc stops after the candidate in hand (the journal stays consistent).
 * Then one row per candidate and filesystem; Enter opens the checker log.
 * The best candidate's first row gets the cursor, and p assembles the
 * candidate under it once more and lists the top level of each of its
 * filesystems, mounted read-only -- the proof an operator wants before
 * believing any order. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/overlay.h"
#include "actions/prove.h"
#include "actions/trial.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "core/text.h"
#include "ui/proof_text.h"
#include "ui/tui/tui.h"

static struct tui_list list;
static size_t *run_idx;		/* candidate index of each trial in the job */
static size_t nrun;
static bool proving;		/* the job running is a proof, not trials */
static size_t prove_cand;	/* its candidate (index into cands) */
static char *proof_text;	/* the last proof, for v */
static size_t proof_len;

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
	for (size_t i = 0; i < nrun; i++)
		if (tui_cand_on_overlays(a, &a->cands[run_idx[i]], ovs, nov, &cc.cands[i]) < 0) {
			tui_job_report(fd, "E %s", _("a member of a marked candidate has no snapshot yet: press o on the snapshots screen (5)"));
			free(cc.cands);
			free(ovs);
			return;
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

/* The first row of the best-scoring candidate that assembled (all rows
 * of a candidate share its score), SIZE_MAX when none did. */
static size_t best_row(const struct tui_app *a)
{
	double top = -1;
	size_t at = SIZE_MAX;

	for (size_t i = 0; i < a->ntrials; i++)
		if (a->trials[i].assembled && a->trials[i].score > top) {
			top = a->trials[i].score;
			at = i;
		}
	return at;
}

/* The cursor to the best candidate; false when none assembled. */
static bool pick_best(struct tui_app *a)
{
	size_t at = best_row(a);

	if (at == SIZE_MAX)
		return false;
	list.cur = at;
	return true;
}

static void on_line(struct tui_app *a, const char *line)
{
	if (!line) {
		tui_reopen_session(a);
		if (a->job.cancelled)
			tui_status(a, "%s", _("trials stopped by Esc; everything they built was torn down"));
		else if (!a->status[0] && pick_best(a))
			tui_status(a, _("trials finished: candidate %zu is the best; p lists its files as proof"),
				   a->trials[list.cur].cand + 1);
		else if (!a->status[0])
			tui_status(a, "%s", _("trials finished"));
		return;
	}
	if (tui_job_progress(a, line)) {
		return;
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

/* The proof ------------------------------------------------------------- */

static void proof_child(struct tui_app *a, int fd, void *ctx)
{
	const struct rr_candidate *c = &a->cands[prove_cand];
	struct rr_overlay *ovs = NULL;
	struct rr_candidate cand;
	struct rr_proof p;
	size_t nov = 0;
	int r;

	(void)ctx;
	if (rr_overlay_list(a->sess, &ovs, &nov) < 0 || !nov) {
		tui_job_report(fd, "E %s", _("the session has no snapshots: press o on the snapshots screen (5)"));
		return;
	}
	if (tui_cand_on_overlays(a, c, ovs, nov, &cand) < 0) {
		tui_job_report(fd, "E %s", _("a member of this candidate has no snapshot yet: press o on the snapshots screen (5)"));
		free(ovs);
		return;
	}
	tui_job_report(fd, "P 0 1 %s", _("assembling, mounting read-only, listing"));
	r = rr_prove_candidate(a->sess, ovs, nov, &cand, a->via, &p);
	if (!p.assembled)
		tui_job_report(fd, "L %s", p.error);
	for (size_t i = 0; i < p.nvols; i++) {
		char **lines = NULL;
		size_t n = 0;

		rr_proof_text(&p.vols[i], &lines, &n);
		for (size_t k = 0; k < n; k++) {
			tui_job_report(fd, "L %s", lines[k]);
			free(lines[k]);
		}
		free(lines);
		tui_job_report(fd, "L ");
	}
	if (r < 0)
		tui_job_report(fd, "E %s", _("the proof's assembly could not be torn down (see the journal screen)"));
	rr_proof_free(&p);
	free(ovs);
}

static void proof_line(struct tui_app *a, const char *line)
{
	if (!line) {
		char title[128];

		proving = false;
		tui_reopen_session(a);
		snprintf(title, sizeof(title), _("Proof: candidate %zu, read-only"), prove_cand + 1);
		if (proof_text)
			tui_pager_text(a, title, proof_text);
		return;
	}
	if (tui_job_progress(a, line)) {
		return;
	} else if (line[0] == 'E') {
		tui_status(a, "%s", line + 2);
	} else if (line[0] == 'L') {
		const char *t = line[1] ? line + 2 : "";
		size_t len = strlen(t);

		proof_text = rr_xrealloc(proof_text, proof_len + len + 2);
		memcpy(proof_text + proof_len, t, len);
		proof_len += len;
		proof_text[proof_len++] = '\n';
		proof_text[proof_len] = '\0';
	}
}

static void prove_done(struct tui_app *a, bool ok, const char *in)
{
	(void)in;
	if (!ok)
		return;
	free(proof_text);
	proof_text = NULL;
	proof_len = 0;
	proving = true;
	if (tui_job_start(a, _("proof"), 1, proof_child, NULL, proof_line) < 0) {
		proving = false;
		tui_status(a, "%s", _("cannot start the proof (fork failed)"));
	}
}

static void ask_prove(struct tui_app *a)
{
	char line[600], *text;
	const struct tui_trial_row *t;

	if (list.cur >= a->ntrials) {
		tui_status(a, "%s", _("no results yet: t runs the trials first"));
		return;
	}
	t = &a->trials[list.cur];
	if (!t->assembled) {
		tui_status(a, "%s", _("this candidate did not assemble: nothing to list"));
		return;
	}
	prove_cand = t->cand;
	tui_candidate_line(a, &a->cands[prove_cand], line, sizeof(line));
	text = rr_xasprintf(_("Candidate %zu: %s\n\nAssemble it on the snapshots again (route %s), map its partitions and "
			      "logical volumes, mount each filesystem read-only without journal replay at %s/proof-NN, "
			      "list its top level, unmount and tear everything down. Written: the journal and session.log "
			      "in %s; with mdadm, new md superblocks into the copy-on-write files there. Never the "
			      "members."),
			    prove_cand + 1, line, tui_route_name(a), tui_short(a->sess->dir), tui_short(a->sess->dir));
	tui_confirm(a, _("List the files of this candidate?"), text, prove_done);
	free(text);
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
			       nrun, tui_route_name(a), tui_short(a->sess->dir));
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

/* Column widths of the results table: the volume takes what is left. */
enum { W_NUM = 4, W_TYPE = 11, W_RESULT = 16, W_SCORE = 7, W_VOLUME_MAX = 48 };

static int volume_width(void)
{
	int w = COLS - W_NUM - W_TYPE - W_RESULT - W_SCORE - 4;

	return w > W_VOLUME_MAX ? W_VOLUME_MAX : w;
}

static void row_text(const struct tui_trial_row *t, bool best, char *buf, size_t n)
{
	char num[32], score[32];
	const char *cells[5];
	int widths[5] = { W_NUM, volume_width(), W_TYPE, W_RESULT, 0 };

	snprintf(num, sizeof(num), "%zu%s", t->cand + 1, best ? "*" : "");
	if (!t->assembled) {
		snprintf(buf, n, "%-4s %s: %s", num, _("not assembled"), t->error);
		return;
	}
	if (!t->what[0]) {
		snprintf(buf, n, "%-4s %s %s", num, _("assembled, no volume checked"), t->error);
		return;
	}
	snprintf(score, sizeof(score), "%.2f", t->score);
	cells[0] = num;
	cells[1] = t->what;
	cells[2] = t->type[0] ? t->type : "-";
	cells[3] = t->result;
	cells[4] = score;
	rr_text_cols(buf, n, cells, widths, 5);
}

static void trials_draw(struct tui_app *a, int top, int rows)
{
	char fit[1024], buf[1024];
	int y = top, list_rows;
	size_t best;

	if (tui_need_dm(a, top, rows))
		return;
	if (!a->sess) {
		tui_put(y + 1, 2, COLS - 4, TUI_PLAIN, false, _("No session yet: start one on the start screen (1)."));
		return;
	}
	if (a->job.pid && proving) {
		snprintf(buf, sizeof(buf), _("Proof of candidate %zu: %s"), prove_cand + 1, a->job.current);
		tui_put(y++, 0, COLS, TUI_BOLD, false, tui_fit(buf, COLS, fit, sizeof(fit)));
		tui_put(y++, 0, COLS, TUI_PLAIN, false, _("the filesystems are mounted read-only, one after the other"));
		y++;
	} else if (a->job.pid) {
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
	} else if (a->ntrials) {
		tui_put(y++, 0, COLS, TUI_PLAIN, false,
			tui_fit(_("t: the trials again; p: list the files of the highlighted candidate (*: best)"),
				COLS, fit, sizeof(fit)));
	} else {
		tui_put(y++, 0, COLS, TUI_PLAIN, false, _("t runs the trials of the candidates marked on the orders screen."));
	}
	y++;
	{
		const char *cells[5] = { "#", _("Volume"), _("Type"), _("Result"), _("Score") };
		int widths[5] = { W_NUM, volume_width(), W_TYPE, W_RESULT, 0 };

		tui_put(y, 0, COLS, tui_attr(TUI_A_HEAD), true, "");
		tui_put(y++, 0, COLS, tui_attr(TUI_A_HEAD), false, rr_text_cols(buf, sizeof(buf), cells, widths, 5));
	}
	list_rows = top + rows - y - 1;
	if (!a->ntrials) {
		tui_put(y, 2, COLS - 4, TUI_PLAIN, false, _("No results yet."));
		return;
	}
	best = best_row(a);
	if (best != SIZE_MAX)
		best = a->trials[best].cand;
	tui_list_fix(&list, a->ntrials, list_rows);
	for (int r = 0; r < list_rows && list.top + (size_t)r < a->ntrials; r++) {
		size_t i = list.top + (size_t)r;
		struct tui_trial_row *t = &a->trials[i];
		int attr = i == list.cur ? tui_attr(TUI_A_CURSOR) : TUI_PLAIN;

		row_text(t, t->cand == best, buf, sizeof(buf));
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
			tui_status(a, "%s", _("wait until the running job has finished"));
		else
			ask_run(a);
		return true;
	case TUI_CMD_PROVE:
		if (!a->dm_ok)
			tui_status(a, "%s", a->dm_why);
		else if (a->job.pid)
			tui_status(a, "%s", _("wait until the running job has finished"));
		else if (a->sess)
			ask_prove(a);
		return true;
	case TUI_CMD_VIEW:
		if (proof_text)
			tui_pager_text(a, _("Proof, read-only"), proof_text);
		else
			tui_status(a, "%s", _("no proof yet: p lists the files of the highlighted candidate"));
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
