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

	if (a->job.pid) {
		char line[600], fit2[1024];

		snprintf(line, sizeof(line), _("%s %zu of %zu: %s -- Esc stops after this one"), a->job.what,
			 a->job.done + 1, a->job.total ? a->job.total : 1, a->job.current);
		tui_put(top, 0, COLS, TUI_BOLD, true, tui_fit(line, COLS, fit2, sizeof(fit2)));
	} else {
		tui_put(top, 0, COLS, TUI_PLAIN, false,
			_("member -> loop -> snapshot+COW; array -> volume -> fs. o: snapshots, A: assemble"));
	}
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

/* Stacking and assembling run in a child process, as the trials do: the
 * screen stays alive (udev, mdadm and large members can take seconds),
 * progress is shown, Esc stops after the member in hand; every step is
 * journaled by the child, so the parent re-reads the session after. */
static size_t job_made, job_failed;
static char job_note[512];

static void overlay_child(struct tui_app *a, int fd, void *ctx)
{
	size_t todo = 0, i = 0;

	(void)ctx;
	for (size_t m = 0; m < a->nmembers; m++) {
		bool have = false;

		for (size_t k = 0; k < nov; k++)
			if (!strcmp(ovs[k].member, a->devs[a->members[m]].path))
				have = true;
		todo += !have;
	}
	for (size_t m = 0; m < a->nmembers; m++) {
		const char *path = a->devs[a->members[m]].path;
		struct rr_overlay ov;
		char msg[1024];
		bool have = false;

		for (size_t k = 0; k < nov; k++)
			if (!strcmp(ovs[k].member, path))
				have = true;
		if (have)
			continue;
		if (tui_job_cancelled())
			break;
		tui_job_report(fd, "P %zu %zu %s", i++, todo, tui_short(path));
		/* a member that cannot be stacked is said, the others go on */
		if (rr_overlay_member(a->sess, path, NULL, &ov, msg, sizeof(msg)) < 0)
			tui_job_report(fd, "E %s: %s", tui_short(path), msg);
		else
			tui_job_report(fd, "M");
	}
}

static void job_line(struct tui_app *a, const char *line)
{
	if (tui_job_progress(a, line)) {
		return;
	} else if (line[0] == 'E') {
		job_failed++;
		snprintf(job_note, sizeof(job_note), "%s", line + 2);
	} else if (line[0] == 'M') {
		job_made++;
	} else if (line[0] == 'R') {
		snprintf(job_note, sizeof(job_note), "%s", line + 2);
	}
}

static void overlay_line(struct tui_app *a, const char *line)
{
	if (line) {
		job_line(a, line);
		return;
	}
	tui_reopen_session(a);
	reload(a);
	if (job_failed)
		tui_status(a, "%s", job_note);
	else if (a->job.cancelled)
		tui_status(a, P_("stopped by Esc after %zu snapshot; undo on the journal screen (7) if need be",
				 "stopped by Esc after %zu snapshots; undo on the journal screen (7) if need be", job_made),
			   job_made);
	else
		tui_status(a, P_("%zu snapshot made", "%zu snapshots made", job_made), job_made);
}

static void overlay_done(struct tui_app *a, bool ok, const char *in)
{
	(void)in;
	if (!ok)
		return;
	job_made = job_failed = 0;
	job_note[0] = '\0';
	if (tui_job_start(a, _("snapshots"), a->nmembers, overlay_child, NULL, overlay_line) < 0)
		tui_status(a, "%s", _("cannot start the work (fork failed)"));
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

static void assemble_child(struct tui_app *a, int fd, void *ctx)
{
	struct rr_candidate c;
	struct rr_assembly as;
	struct rr_layers l;
	char msg[1024];

	(void)ctx;
	if (tui_cand_on_overlays(a, &a->cands[a->cur_cand], ovs, nov, &c) < 0) {
		tui_job_report(fd, "E %s", _("a member of this candidate has no snapshot yet: press o first"));
		return;
	}
	tui_job_report(fd, "P 0 2 %s", _("assembling the array on the snapshots"));
	if (rr_assemble(a->sess, ovs, nov, &c, a->via, &as, msg, sizeof(msg)) < 0) {
		tui_job_report(fd, "E %s", msg);
		return;
	}
	/* the partitions and logical volumes on it, as dm linear devices
	 * from our own decoders (read-only, like the array) */
	tui_job_report(fd, "P 1 2 %s", _("mapping its partitions and logical volumes"));
	if (rr_layers_map(a->sess, as.dev, as.seq, &l, msg, sizeof(msg)) < 0) {
		char text[1400];

		snprintf(text, sizeof(text), _("assembled %s (%s); its volumes could not be mapped: %s"),
			 tui_short(as.dev), tui_via_name(as.via), msg);
		tui_job_report(fd, "R %s", text);
		return;
	}
	{
		char text[1200];

		snprintf(text, sizeof(text), P_("assembled %s (%s) on the snapshots, %zu volume",
					       "assembled %s (%s) on the snapshots, %zu volumes", l.nvols),
			 tui_short(as.dev), tui_via_name(as.via), l.nvols);
		tui_job_report(fd, "R %s", text);
	}
	rr_layers_free(&l);
}

static void assemble_line(struct tui_app *a, const char *line)
{
	if (line) {
		job_line(a, line);
		return;
	}
	tui_reopen_session(a);
	reload(a);
	tui_status(a, "%s", job_note[0] ? job_note : _("the assembly stopped"));
}

static void assemble_done(struct tui_app *a, bool ok, const char *in)
{
	(void)in;
	if (!ok)
		return;
	job_made = job_failed = 0;
	job_note[0] = '\0';
	if (tui_job_start(a, _("assembly"), 2, assemble_child, NULL, assemble_line) < 0)
		tui_status(a, "%s", _("cannot start the work (fork failed)"));
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
		if (a->job.pid) {
			tui_status(a, "%s", _("wait until the running job has finished"));
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
	case TUI_CMD_BACK:
		if (a->job.pid && ch == 27) {
			tui_job_cancel(a);
			return true;
		}
		return false;
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
