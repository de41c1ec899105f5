/* Screen 7, journal: every step with its state and what it created; undo
 * the last step or all of them, save a copy, export the equivalent shell
 * script.  A saved journal opened from the start screen is shown here
 * read-only. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/teardown.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "core/text.h"
#include "ui/tui/tui.h"

static struct rr_journal_view view;
static int view_err = -ENOENT;
static struct tui_list list;
static char target[4096];	/* save / export destination being confirmed */
static bool target_script;

static void reload(struct tui_app *a)
{
	rr_journal_view_free(&view);
	memset(&view, 0, sizeof(view));
	view_err = a->journal_path ? rr_journal_read(a->journal_path, &view) : -ENOENT;
	if (view_err < 0)
		memset(&view, 0, sizeof(view));
	tui_list_fix(&list, view.nsteps, 1000);
	if (view.nsteps && list.cur == 0)
		list.cur = view.nsteps - 1;	/* the newest step */
}

static void journal_enter(struct tui_app *a)
{
	reload(a);
}

static void journal_leave(struct tui_app *a)
{
	rr_journal_view_free(&view);
	memset(&view, 0, sizeof(view));
}

static int state_attr(enum rr_step_state s)
{
	switch (s) {
	case RR_STEP_DONE: return tui_attr(TUI_A_GOOD);
	case RR_STEP_FAILED: return tui_attr(TUI_A_BAD);
	case RR_STEP_INTENT: return tui_attr(TUI_A_WARN);
	default: return TUI_PLAIN;
	}
}

/* #, state, action, time, resources */
static const int col_w[5] = { 5, 9, 13, 19, 0 };

static void journal_draw(struct tui_app *a, int top, int rows)
{
	char buf[1024], fit[1024];
	int y = top, list_rows;

	if (!a->journal_path) {
		tui_put(y + 1, 2, COLS - 4, TUI_PLAIN, false, _("No session yet: start or resume one on the start screen (1)."));
		return;
	}
	snprintf(buf, sizeof(buf), _("Journal %s%s"), tui_short(a->journal_path), a->sess ? "" : _(" (read-only)"));
	tui_put(y++, 0, COLS, TUI_PLAIN, false, tui_fit(buf, COLS, fit, sizeof(fit)));
	if (view_err < 0 || !view.nsteps) {
		tui_put(y + 1, 2, COLS - 4, TUI_PLAIN, false, _("No steps yet: nothing has been done in this session."));
		return;
	}
	if (view.bad_lines)
		tui_putf(y++, 0, COLS, tui_attr(TUI_A_WARN),
			 P_("%zu line could not be read and was skipped", "%zu lines could not be read and were skipped",
			    view.bad_lines), view.bad_lines);
	{
		const char *cells[5] = { "#", _("State"), _("Action"), _("Time (UTC)"), _("Resources") };

		tui_put(y, 0, COLS, tui_attr(TUI_A_HEAD), true, "");
		tui_put(y++, 0, COLS, tui_attr(TUI_A_HEAD), false, rr_text_cols(buf, sizeof(buf), cells, col_w, 5));
	}
	list_rows = (rows - 3) / 2;
	if (list_rows > (int)view.nsteps)
		list_rows = (int)view.nsteps;
	tui_list_fix(&list, view.nsteps, list_rows);
	for (int r = 0; r < list_rows && list.top + (size_t)r < view.nsteps; r++) {
		size_t i = list.top + (size_t)r;
		struct rr_step *st = &view.steps[i];
		size_t nres = st->resources && json_object_is_type(st->resources, json_type_array) ?
			      json_object_array_length(st->resources) : 0;
		int attr = i == list.cur ? tui_attr(TUI_A_CURSOR) : TUI_PLAIN;

		char seq[32], when[32], res[32];
		const char *cells[3];

		snprintf(seq, sizeof(seq), "%" PRIu64, st->seq);
		/* "2026-11-22T06:34:58.015Z" -> "2026-11-22 06:34:58" */
		snprintf(when, sizeof(when), "%.19s", st->time ? st->time : "");
		if (when[10] == 'T')
			when[10] = ' ';
		snprintf(res, sizeof(res), "%zu", nres);
		tui_put(y, 0, COLS, attr, true, "");
		tui_put(y, 0, col_w[0], attr, false, seq);
		tui_put(y, col_w[0] + 1, col_w[1], i == list.cur ? attr : state_attr(st->state), false,
			rr_step_state_name(st->state));
		cells[0] = st->action;
		cells[1] = when;
		cells[2] = res;
		tui_put(y, col_w[0] + col_w[1] + 2, COLS - col_w[0] - col_w[1] - 2, attr, false,
			rr_text_cols(buf, sizeof(buf), cells, col_w + 2, 3));
		y++;
	}
	/* What the step under the cursor is about: its commands. */
	y++;
	if (view.nsteps) {
		struct rr_step *st = &view.steps[list.cur];
		json_object *sc;

		tui_putf(y++, 0, COLS, tui_attr(TUI_A_HEAD), _("Step %" PRIu64 " (%s):"), st->seq, st->action);
		if (st->error)
			tui_putf(y++, 2, COLS - 2, tui_attr(TUI_A_BAD), "%s", st->error);
		if (json_object_object_get_ex(st->args, "script", &sc) && json_object_is_type(sc, json_type_array))
			for (size_t k = 0; k < json_object_array_length(sc) && y < top + rows; k++)
				tui_put(y++, 2, COLS - 2, TUI_PLAIN, false,
					tui_fit(json_object_get_string(json_object_array_get_idx(sc, k)), COLS - 2, fit,
						sizeof(fit)));
	}
}

static void undo_done(struct tui_app *a, bool ok, const char *in)
{
	int r;

	if (!ok)
		return;
	r = rr_undo(a->sess, in[0] == 'a' ? 0 : 1, 0);
	if (r < 0)
		tui_status(a, _("undo stopped: %s; what is left shows below (raidrescue cleanup removes every device of raidrescue)"),
			   strerror(-r));
	else
		tui_status(a, P_("%d step undone", "%d steps undone", r), r);
	reload(a);
}

/* The confirmation names every resource that goes. */
static void ask_undo(struct tui_app *a, bool all)
{
	char *text;
	size_t len, cap = 8192, steps = 0;

	text = rr_xmalloc(cap);
	len = (size_t)snprintf(text, cap, "%s\n", all ? _("Undo every step, newest first. Removed:")
						 : _("Undo the last step. Removed:"));
	for (size_t i = view.nsteps; i-- > 0 && len < cap;) {
		struct rr_step *st = &view.steps[i];
		size_t nres;

		if (st->state == RR_STEP_UNDONE)
			continue;
		steps++;
		nres = st->resources && json_object_is_type(st->resources, json_type_array) ?
		       json_object_array_length(st->resources) : 0;
		len += (size_t)snprintf(text + len, cap - len, _("step %" PRIu64 " (%s):"), st->seq, st->action);
		for (size_t k = nres; k-- > 0 && len < cap;) {
			json_object *res = json_object_array_get_idx(st->resources, k), *t, *v;
			const char *type = json_object_object_get_ex(res, "type", &t) ? json_object_get_string(t) : "?";

			if (!json_object_object_get_ex(res, "name", &v) && !json_object_object_get_ex(res, "device", &v) &&
			    !json_object_object_get_ex(res, "path", &v))
				v = NULL;
			len += (size_t)snprintf(text + len, cap - len, " %s %s", type, v ? json_object_get_string(v) : "?");
		}
		if (!nres && len < cap)
			len += (size_t)snprintf(text + len, cap - len, " %s", _("nothing to remove"));
		if (len < cap)
			len += (size_t)snprintf(text + len, cap - len, "\n");
		if (!all)
			break;
	}
	if (!steps) {
		free(text);
		tui_status(a, "%s", _("nothing to undo"));
		return;
	}
	if (len < cap)
		snprintf(text + len, cap - len, _("The steps are marked undone in %s."), tui_short(a->journal_path));
	tui_confirm(a, all ? _("Undo every step?") : _("Undo the last step?"), text, undo_done);
	/* undo_done tells the two apart by the input field. */
	snprintf(a->dlg.input, sizeof(a->dlg.input), "%s", all ? "all" : "one");
	free(text);
}

/* The journal as shell commands (what 'raidrescue journal --as-script'
 * prints): each done step's commands, then the undo commands. */
static int write_script(const char *journal, FILE *f)
{
	struct rr_journal_view v;
	int r = rr_journal_read(journal, &v);

	if (r < 0)
		return r;
	fprintf(f, "#!/bin/sh\n");
	fprintf(f, _("# The commands equivalent to the raidrescue journal %s\n"), journal);
	fprintf(f, "%s", _("# (steps that are done and not undone; run as root; no udev rules are disabled here).\n"));
	fprintf(f, "set -e\n");
	for (size_t i = 0; i < v.nsteps; i++) {
		json_object *sc;

		if (v.steps[i].state != RR_STEP_DONE)
			continue;
		fprintf(f, _("\n# step %llu: %s (%s)\n"), (unsigned long long)v.steps[i].seq, v.steps[i].action,
			v.steps[i].time ? v.steps[i].time : "");
		if (json_object_object_get_ex(v.steps[i].args, "script", &sc) && json_object_is_type(sc, json_type_array))
			for (size_t k = 0; k < json_object_array_length(sc); k++)
				fprintf(f, "%s\n", json_object_get_string(json_object_array_get_idx(sc, k)));
	}
	fprintf(f, "%s", _("\n# To undo, newest first:\n"));
	for (size_t i = v.nsteps; i-- > 0;) {
		json_object *sc;

		if (v.steps[i].state == RR_STEP_DONE &&
		    json_object_object_get_ex(v.steps[i].args, "undo_script", &sc) && json_object_is_type(sc, json_type_array))
			for (size_t k = 0; k < json_object_array_length(sc); k++)
				fprintf(f, "# %s\n", json_object_get_string(json_object_array_get_idx(sc, k)));
	}
	rr_journal_view_free(&v);
	return 0;
}

static int copy_file(const char *from, FILE *to)
{
	FILE *f = fopen(from, "re");
	char buf[65536];
	size_t n;

	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, to);
	fclose(f);
	return 0;
}

static void write_done(struct tui_app *a, bool ok, const char *in)
{
	FILE *f;
	int r;

	if (!ok)
		return;
	/* Never overwrite: the operator named a new file. */
	{
		int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, target_script ? 0700 : 0600);

		if (fd < 0) {
			tui_status(a, "%s: %s", target, strerror(errno));
			return;
		}
		f = fdopen(fd, "w");
	}
	r = target_script ? write_script(a->journal_path, f) : copy_file(a->journal_path, f);
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		tui_status(a, "%s: %s", target, strerror(-r));
	else
		tui_status(a, target_script ? _("script written to %s") : _("journal copied to %s"), target);
}

static void target_done(struct tui_app *a, bool ok, const char *in)
{
	char *text;

	if (!ok || !*in)
		return;
	snprintf(target, sizeof(target), "%s", in);
	if (access(target, F_OK) == 0) {
		tui_status(a, _("%s exists; name a new file"), target);
		return;
	}
	text = target_script
		? rr_xasprintf(_("Write the new file %s: a shell script with the commands of the journal %s "
				 "(mode 0700). Nothing else is written."), target, tui_short(a->journal_path))
		: rr_xasprintf(_("Write the new file %s: a copy of the journal %s. Nothing else is written."), target,
			       tui_short(a->journal_path));
	tui_confirm(a, target_script ? _("Export the script?") : _("Save the journal?"), text, write_done);
	free(text);
}

static bool journal_key(struct tui_app *a, enum tui_cmd cmd, int ch)
{
	if (tui_list_key(&list, cmd, view.nsteps, (LINES - 7) / 2))
		return true;
	switch (cmd) {
	case TUI_CMD_UNDO:
	case TUI_CMD_UNDO_ALL:
		if (!a->sess)
			tui_status(a, "%s", _("this journal is open for reading only; undo works on the session's own journal"));
		else if (a->job.pid)
			tui_status(a, "%s", _("the trials are running; wait for them (or Esc on the trials screen)"));
		else
			ask_undo(a, cmd == TUI_CMD_UNDO_ALL);
		return true;
	case TUI_CMD_SAVE:
	case TUI_CMD_EXPORT:
		if (!a->journal_path || view_err < 0) {
			tui_status(a, "%s", _("there is no journal yet"));
			return true;
		}
		target_script = cmd == TUI_CMD_EXPORT;
		tui_prompt(a, target_script ? _("Export as a shell script") : _("Save a copy of the journal"),
			   _("New file:"), target_script ? "raidrescue-steps.sh" : "journal-copy.jsonl", true, target_done);
		return true;
	case TUI_CMD_REFRESH:
		reload(a);
		return true;
	default:
		return false;
	}
}

const struct tui_screen tui_scr_journal = {
	.id = TUI_SCR_JOURNAL,
	.title = N_("Journal"),
	.enter = journal_enter,
	.leave = journal_leave,
	.draw = journal_draw,
	.key = journal_key,
};
