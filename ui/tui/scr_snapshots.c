/* Screen 5, snapshots: the session's stack as a tree -- each original
 * member, its snapshot and COW file with a live fill gauge, the arrays
 * assembled on the snapshots, the volumes mapped above them and their
 * filesystems.  'o'
 * stacks snapshots over the selected members, 'A' assembles the current
 * candidate; both after saying exactly what they write. */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/assemble.h"
#include "actions/backend.h"
#include "actions/layers.h"
#include "actions/overlay.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "core/text.h"
#include "core/units.h"
#include "probes/fstype.h"
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

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return o && json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

/* The loop devices an overlay step attached (image members, COW files). */
static void loop_rows(const struct rr_journal_view *v, const struct rr_overlay *ov)
{
	for (size_t i = 0; i < v->nsteps; i++) {
		const struct rr_step *st = &v->steps[i];
		json_object *x;

		if (strcmp(st->action, "overlay") || st->state != RR_STEP_DONE || !st->resources ||
		    !json_object_object_get_ex(st->args, "index", &x) || (unsigned)json_object_get_int(x) != ov->index)
			continue;
		for (size_t k = 0; k < json_object_array_length(st->resources); k++) {
			json_object *res = json_object_array_get_idx(st->resources, k), *ro;
			const char *type = jstr(res, "type"), *dev = jstr(res, "device"), *back = jstr(res, "backing");

			if (!type || strcmp(type, "loop") || !dev || !back)
				continue;
			json_object_object_get_ex(res, "read_only", &ro);
			add_row(1, NULL, ro && json_object_get_boolean(ro) ? _("loop %s over %s, read-only")
				: _("loop %s over %s"), dev, tui_short(back));
		}
	}
}

/* A volume's filesystem, as libblkid sees it now. */
static void fs_row(int depth, const char *dev)
{
	struct rr_fsid id;

	if (rr_fs_identify(dev, &id) < 0)
		add_row(depth, NULL, "%s", _("(cannot be read)"));
	else if (!id.type[0])
		add_row(depth, NULL, "%s", _("no filesystem signature"));
	else if (id.label[0])
		add_row(depth, NULL, "%s \"%s\" (%s)", id.type, id.label, id.usage);
	else
		add_row(depth, NULL, "%s (%s)", id.type, id.usage);
}

/* The tree: each member -> its loop devices -> its snapshot and COW;
 * then each array assembled on the snapshots -> its partitions and
 * logical volumes -> the filesystem on each. */
static void reload(struct tui_app *a)
{
	struct rr_journal_view v;
	int have_view;

	free(ovs);
	free(rows);
	ovs = NULL;
	rows = NULL;
	nov = nrows = 0;
	if (!a->sess)
		return;
	rr_overlay_list(a->sess, &ovs, &nov);
	have_view = rr_journal_read(a->journal_path, &v) == 0;
	for (size_t i = 0; i < nov; i++) {
		add_row(0, NULL, _("%s (original, opened read-only)"), tui_short(ovs[i].member));
		if (have_view)
			loop_rows(&v, &ovs[i]);
		add_row(1, &ovs[i], _("snapshot %s, COW %s"), ovs[i].dev, tui_short(ovs[i].cow));
	}
	if (!have_view)
		return;
	for (size_t i = 0; i < v.nsteps; i++) {
		struct rr_step *st = &v.steps[i];
		struct rr_layers l;
		json_object *dev, *via;

		if (strcmp(st->action, "assemble") || st->state != RR_STEP_DONE ||
		    !json_object_object_get_ex(st->args, "device", &dev))
			continue;
		json_object_object_get_ex(st->args, "via", &via);
		add_row(0, NULL, _("array %s (%s, journal step %" PRIu64 ") on the snapshots"), tui_short(json_object_get_string(dev)),
			via ? json_object_get_string(via) : "?", st->seq);
		if (rr_layers_from_journal(a->sess, st->seq, &l) == 0) {
			/* the first volume is the array itself */
			fs_row(1, json_object_get_string(dev));
			for (size_t k = 1; k < l.nvols; k++) {
				add_row(1, NULL, "%s: %s", l.vols[k].what, tui_short(l.vols[k].dev));
				fs_row(2, l.vols[k].dev);
			}
			rr_layers_free(&l);
		} else {
			fs_row(1, json_object_get_string(dev));
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
		_("member -> loop -> snapshot+COW; array -> volume -> fs. o: snapshots, A: assemble"));
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
		/* cut in the middle: the end of a path names the file */
		tui_put(y, x, COLS - x - gw - 1, attr, true, rr_text_mid(w->text, COLS - x - gw - 1, fit, sizeof(fit)));
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

static void assemble_done(struct tui_app *a, bool ok, const char *in)
{
	struct rr_candidate c;
	struct rr_assembly as;
	char msg[1024];

	if (!ok)
		return;
	if (tui_cand_on_overlays(a, &a->cands[a->cur_cand], ovs, nov, &c) < 0) {
		tui_status(a, "%s", _("a member of this candidate has no snapshot yet: press o first"));
		return;
	}
	if (rr_assemble(a->sess, ovs, nov, &c, a->via, &as, msg, sizeof(msg)) < 0) {
		tui_status(a, "%s", msg);
	} else {
		struct rr_layers l;

		/* the partitions and logical volumes on it, as dm linear
		 * devices from our own decoders (read-only, like the array) */
		if (rr_layers_map(a->sess, as.dev, as.seq, &l, msg, sizeof(msg)) < 0) {
			tui_status(a, _("assembled %s (%s); its volumes could not be mapped: %s"), tui_short(as.dev),
				   tui_via_name(as.via), msg);
		} else {
			tui_status(a, P_("assembled %s (%s) on the snapshots, %zu volume", "assembled %s (%s) on the snapshots, %zu volumes",
					 l.nvols), tui_short(as.dev), tui_via_name(as.via), l.nvols);
			rr_layers_free(&l);
		}
	}
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
	if (tui_cand_on_overlays(a, &a->cands[a->cur_cand], ovs, nov, &c) < 0) {
		tui_status(a, "%s", _("a member of this candidate has no snapshot yet: press o first"));
		return;
	}
	tui_candidate_line(a, &a->cands[a->cur_cand], line, sizeof(line));
	if (a->backend == RR_BACKEND_USERSPACE)
		text = rr_xasprintf(_("Candidate %s.\nIn userspace: the array is served as a file through FUSE in "
				      "%s/mnt-aN, read-only, reading the members through their copy-on-write "
				      "stores; nothing is written. Its partitions and logical volumes are served "
				      "there too. Journaled in %s/journal.jsonl."), line, tui_short(a->sess->dir),
				    tui_short(a->sess->dir));
	else if (a->via == RR_VIA_MDADM)
		text = rr_xasprintf(_("Candidate %s.\nmdadm --create --assume-clean over the snapshots: new md "
				      "superblocks are written into the copy-on-write files in %s, never to the "
				      "members; its partitions and logical volumes are mapped read-only. Journaled in %s/journal.jsonl."),
				    line, tui_short(a->sess->dir), tui_short(a->sess->dir));
	else
		text = rr_xasprintf(_("Candidate %s.\nRoute %s: a device-mapper raid table over the snapshots, which "
				      "writes nothing at all (with auto, mdadm is used when dm-raid cannot express "
				      "the layout: then new superblocks go into the copy-on-write files in %s); its "
				      "partitions and logical volumes are mapped read-only. Journaled in %s/journal.jsonl."), line, tui_via_name(a->via), tui_short(a->sess->dir),
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
