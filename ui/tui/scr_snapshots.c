/* Screen 5, snapshots: the session's stack as a tree -- each original
 * member, its snapshot and COW file with a live fill gauge, the arrays
 * assembled on the snapshots and the volumes mapped above them.  'o'
 * stacks snapshots over the selected members, 'A' assembles the current
 * candidate; both after saying exactly what they write. */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/assemble.h"
#include "actions/layers.h"
#include "actions/overlay.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "core/units.h"
#include "ui/tui/tui.h"

struct row {
	char text[512];
	int depth;
	const struct rr_overlay *snap;	/* a snapshot: for the gauge */
};

static struct rr_overlay *ovs;
static size_t nov;
static struct row *rows;
static size_t nrows;
static struct tui_list list;

static void add_row(int depth, const struct rr_overlay *snap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_row(int depth, const struct rr_overlay *snap, const char *fmt, ...)
{
	va_list ap;
	struct row *r;

	rows = rr_xrealloc(rows, (nrows + 1) * sizeof(*rows));
	r = &rows[nrows++];
	r->depth = depth;
	r->snap = snap;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
}

static void reload(struct tui_app *a)
{
	struct rr_journal_view v;

	free(ovs);
	free(rows);
	ovs = NULL;
	rows = NULL;
	nov = nrows = 0;
	if (!a->sess)
		return;
	rr_overlay_list(a->sess, &ovs, &nov);
	for (size_t i = 0; i < nov; i++) {
		add_row(0, NULL, _("%s (original, opened read-only)"), ovs[i].member);
		add_row(1, &ovs[i], _("snapshot %s, copy-on-write file %s"), ovs[i].dev, ovs[i].cow);
	}
	if (rr_journal_read(a->journal_path, &v) < 0)
		return;
	for (size_t i = 0; i < v.nsteps; i++) {
		struct rr_step *st = &v.steps[i];
		struct rr_layers l;
		json_object *dev, *via;

		if (strcmp(st->action, "assemble") || st->state != RR_STEP_DONE ||
		    !json_object_object_get_ex(st->args, "device", &dev))
			continue;
		json_object_object_get_ex(st->args, "via", &via);
		add_row(2, NULL, _("array %s (%s, journal step %" PRIu64 ")"), json_object_get_string(dev),
			via ? json_object_get_string(via) : "?", st->seq);
		if (rr_layers_from_journal(a->sess, st->seq, &l) == 0) {
			for (size_t k = 1; k < l.nvols; k++)
				add_row(3, NULL, "%s: %s", l.vols[k].what, l.vols[k].dev);
			rr_layers_free(&l);
		}
	}
	rr_journal_view_free(&v);
}

static void snapshots_enter(struct tui_app *a)
{
	reload(a);
}

static void snapshots_draw(struct tui_app *a, int top, int rows_avail)
{
	char fit[1024];
	int y = top + 1, list_rows = rows_avail - 2;

	tui_put(top, 0, COLS, TUI_PLAIN, false,
		_("The stack: original -> snapshot + COW file -> array -> partitions/LVs. o: snapshots, A: assemble."));
	if (tui_need_dm(a, top + 1, rows_avail - 1))
		return;
	if (!a->sess) {
		tui_put(y + 1, 2, COLS - 4, TUI_PLAIN, false, _("No session yet: start one on the start screen (1)."));
		return;
	}
	if (!nrows) {
		tui_put(y + 1, 2, COLS - 4, TUI_PLAIN, false, _("Nothing stacked yet. Press o to put a snapshot over every selected member."));
		return;
	}
	tui_list_fix(&list, nrows, list_rows);
	for (int r = 0; r < list_rows && list.top + (size_t)r < nrows; r++) {
		size_t i = list.top + (size_t)r;
		struct row *w = &rows[i];
		int x = 2 + 3 * w->depth, attr = i == list.cur ? tui_attr(TUI_A_CURSOR) : TUI_PLAIN;
		int gw = w->snap ? 22 : 0;

		if (w->depth)
			tui_put(y, x - 3, 3, attr, false, "`- ");
		tui_put(y, x, COLS - x - gw - 1, attr, true, tui_fit(w->text, COLS - x - gw - 1, fit, sizeof(fit)));
		if (w->snap) {
			uint64_t used, total;
			int r2 = rr_overlay_fill(w->snap, &used, &total);

			if (r2 == -EOVERFLOW)
				tui_put(y, COLS - gw, gw, tui_attr(TUI_A_BAD), false, _("OVERFLOWED"));
			else if (r2 < 0 || !total)
				tui_put(y, COLS - gw, gw, tui_attr(TUI_A_WARN), false, _("not active"));
			else
				tui_gauge(y, COLS - gw, gw, (int)(used * 1000 / total),
					  used * 10 >= total * 8 ? tui_attr(TUI_A_BAD) : TUI_PLAIN);
		}
		y++;
	}
}

static void overlay_done(struct tui_app *a, bool ok, const char *in)
{
	size_t made = 0;

	if (!ok)
		return;
	for (size_t i = 0; i < a->nmembers; i++) {
		struct rr_overlay ov;
		char msg[1024];
		const char *path = a->devs[a->members[i]].path;
		bool have = false;

		for (size_t k = 0; k < nov; k++)
			if (!strcmp(ovs[k].member, path))
				have = true;
		if (have)
			continue;
		if (rr_overlay_member(a->sess, path, NULL, &ov, msg, sizeof(msg)) < 0) {
			tui_status(a, "%s: %s", path, msg);
			break;
		}
		made++;
	}
	if (made)
		tui_status(a, P_("%zu snapshot made", "%zu snapshots made", made), made);
	reload(a);
}

static void ask_overlay(struct tui_app *a)
{
	char *text, size[32];
	size_t len = 0, cap = 8192, todo = 0;

	text = rr_xmalloc(cap);
	len = (size_t)snprintf(text, cap, "%s", _("For each member below: a sparse copy-on-write file in the session "
						 "directory and a device-mapper snapshot over the member. The member "
						 "itself is opened read-only and never written.\n"));
	for (size_t i = 0; i < a->nmembers && len < cap; i++) {
		struct tui_dev *d = &a->devs[a->members[i]];
		uint64_t cow = d->size / 10 > RR_OVERLAY_MIN_COW ? d->size / 10 : RR_OVERLAY_MIN_COW;
		bool have = false;

		for (size_t k = 0; k < nov; k++)
			if (!strcmp(ovs[k].member, d->path))
				have = true;
		if (have)
			continue;
		todo++;
		len += (size_t)snprintf(text + len, cap - len, _("%s: writes %s/m*.rrcow (sparse, %s at most)\n"), d->path,
					tui_short(a->sess->dir), rr_format_size(cow, size, sizeof(size)));
	}
	if (!todo) {
		free(text);
		tui_status(a, "%s", _("every selected member has its snapshot already"));
		return;
	}
	tui_confirm(a, _("Stack snapshots?"), text, overlay_done);
	free(text);
}

/* The candidate's slots point at members; assemble wants overlays. */
static int to_overlays(struct tui_app *a, const struct rr_candidate *c, struct rr_candidate *out)
{
	*out = *c;
	out->reasons = NULL;
	out->nreasons = 0;
	for (unsigned s = 0; s < c->ndisks; s++) {
		int m = c->slot[s], found = -1;

		if (m == RR_CAND_MISSING)
			continue;
		for (size_t k = 0; k < nov; k++)
			if (!strcmp(ovs[k].member, a->devs[a->members[m]].path))
				found = (int)k;
		if (found < 0)
			return -ENOENT;
		out->slot[s] = found;
	}
	return 0;
}

static void assemble_done(struct tui_app *a, bool ok, const char *in)
{
	struct rr_candidate c;
	struct rr_assembly as;
	char msg[1024];

	if (!ok)
		return;
	if (to_overlays(a, &a->cands[a->cur_cand], &c) < 0) {
		tui_status(a, "%s", _("a member of this candidate has no snapshot yet: press o first"));
		return;
	}
	if (rr_assemble(a->sess, ovs, nov, &c, a->via, &as, msg, sizeof(msg)) < 0)
		tui_status(a, "%s", msg);
	else
		tui_status(a, _("assembled %s (%s) on the snapshots"), as.dev, tui_via_name(as.via));
	reload(a);
}

static void ask_assemble(struct tui_app *a)
{
	char line[1024], *text;
	struct rr_candidate c;

	if (!a->ncands) {
		tui_status(a, "%s", _("no candidate: choose one on the orders screen (4)"));
		return;
	}
	if (to_overlays(a, &a->cands[a->cur_cand], &c) < 0) {
		tui_status(a, "%s", _("a member of this candidate has no snapshot yet: press o first"));
		return;
	}
	tui_candidate_line(a, &a->cands[a->cur_cand], line, sizeof(line));
	if (a->via == RR_VIA_MDADM)
		text = rr_xasprintf(_("Candidate %s.\nmdadm --create --assume-clean over the snapshots: new md "
				      "superblocks are written into the copy-on-write files in %s, never to the "
				      "members. Journaled in %s/journal.jsonl."), line, tui_short(a->sess->dir), tui_short(a->sess->dir));
	else
		text = rr_xasprintf(_("Candidate %s.\nRoute %s: a device-mapper raid table over the snapshots, which "
				      "writes nothing at all (with auto, mdadm is used when dm-raid cannot express "
				      "the layout: then new superblocks go into the copy-on-write files in %s). "
				      "Journaled in %s/journal.jsonl."), line, tui_via_name(a->via), tui_short(a->sess->dir),
				    tui_short(a->sess->dir));
	tui_confirm(a, _("Assemble on the snapshots?"), text, assemble_done);
	free(text);
}

static bool snapshots_key(struct tui_app *a, enum tui_cmd cmd, int ch)
{
	if (tui_list_key(&list, cmd, nrows, LINES - 7))
		return true;
	switch (cmd) {
	case TUI_CMD_OVERLAY:
	case TUI_CMD_ASSEMBLE:
		if (!a->dm_ok) {
			tui_status(a, "%s", a->dm_why);
			return true;
		}
		if (!a->sess) {
			tui_status(a, "%s", _("no session yet: start one on the start screen (1)"));
			return true;
		}
		if (cmd == TUI_CMD_OVERLAY)
			ask_overlay(a);
		else
			ask_assemble(a);
		return true;
	case TUI_CMD_REFRESH:
		reload(a);
		return true;
	case TUI_CMD_ENTER:
		tui_push(a, &tui_scr_trials);
		return true;
	default:
		return false;
	}
}

const struct tui_screen tui_scr_snapshots = {
	.id = TUI_SCR_SNAPSHOTS,
	.title = N_("Snapshots"),
	.enter = snapshots_enter,
	.draw = snapshots_draw,
	.key = snapshots_key,
	.live = true,
};
