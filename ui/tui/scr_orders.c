/* Screen 4, orders: the candidates, best first, with their reasons;
 * Space marks those the trials will run; 'e' edits a copy (member order,
 * missing slots, level, chunk, layout, metadata, data offset); 'v' picks
 * the assembly route. */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/layout.h"
#include "core/msg.h"
#include "ui/tui/tui.h"

static struct tui_list list;
static bool editing;
static struct rr_candidate edit;
static int saved[RR_CAND_MAX_SLOTS];	/* the member a missing slot had */
static struct tui_list slot_list;

int tui_cand_on_overlays(struct tui_app *a, const struct rr_candidate *c, const struct rr_overlay *ovs, size_t nov,
			 struct rr_candidate *out)
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

void tui_candidate_line(struct tui_app *a, const struct rr_candidate *c, char *buf, size_t n)
{
	char lay[64], m[256];
	size_t len;

	if (!rr_layout_name(c->level, c->layout, lay, sizeof(lay)))
		snprintf(lay, sizeof(lay), "-");
	len = (size_t)snprintf(buf, n, "%s %uK %s %s:", rr_level_name(c->level) ? rr_level_name(c->level) : "?",
			       c->chunk_kib, lay, c->metadata);
	for (unsigned s = 0; s < c->ndisks && len < n; s++) {
		tui_member_label(a, c->slot[s], m, sizeof(m));
		len += (size_t)snprintf(buf + len, n - len, " %s", m);
	}
}

static void orders_enter(struct tui_app *a)
{
	tui_sync_members(a);
	tui_need_candidates(a);
}

static const char *route_text(enum rr_via v)
{
	switch (v) {
	case RR_VIA_DMRAID: return _("dm-raid (a device-mapper raid table: writes nothing at all)");
	case RR_VIA_MDADM: return _("mdadm (mdadm --create --assume-clean: new superblocks in the COW files only)");
	default: return _("auto (dm-raid when it can express the layout, else mdadm)");
	}
}

static void draw_editor(struct tui_app *a, int y, int rows)
{
	char buf[512], lay[64], m[256];
	int list_rows = rows - 4;

	if (!rr_layout_name(edit.level, edit.layout, lay, sizeof(lay)))
		snprintf(lay, sizeof(lay), "-");
	tui_put(y++, 0, COLS, tui_attr(TUI_A_HEAD), true,
		_("Editing a copy -- K/J move, m missing, l c y M d geometry, Enter keeps it, Esc drops it"));
	/* Geometry labels are mdadm's, untranslated. */
	snprintf(buf, sizeof(buf), "Level %s (l)   Chunk %uK (c)   Layout %s (y)   Metadata %s (M)",
		 rr_level_name(edit.level) ? rr_level_name(edit.level) : "?", edit.chunk_kib, lay, edit.metadata);
	tui_put(y++, 2, COLS - 2, TUI_PLAIN, false, buf);
	tui_list_fix(&slot_list, edit.ndisks, list_rows);
	for (int r = 0; r < list_rows && slot_list.top + (size_t)r < edit.ndisks; r++) {
		size_t s = slot_list.top + (size_t)r;

		tui_member_label(a, edit.slot[s], m, sizeof(m));
		snprintf(buf, sizeof(buf), _("slot %zu: %s   data offset %" PRIu64 " sectors (d)"), s, m, edit.data_offset[s]);
		tui_put(y++, 2, COLS - 4, s == slot_list.cur ? tui_attr(TUI_A_CURSOR) : TUI_PLAIN, true, buf);
	}
}

static void orders_draw(struct tui_app *a, int top, int rows)
{
	char buf[1024], fit[1024];
	int list_rows, y = top;

	if (!a->nmembers) {
		tui_put(top + 1, 2, COLS - 4, TUI_PLAIN, false, _("No members selected: choose them on the devices screen (2)."));
		return;
	}
	snprintf(buf, sizeof(buf), _("Assembly route (v): %s"), route_text(a->via));
	tui_put(y++, 0, COLS, TUI_PLAIN, false, tui_fit(buf, COLS, fit, sizeof(fit)));
	list_rows = a->ncands < 6 ? (int)a->ncands : 6;
	tui_list_fix(&list, a->ncands, list_rows);
	for (int r = 0; r < list_rows && list.top + (size_t)r < a->ncands; r++) {
		size_t i = list.top + (size_t)r;
		char line[900];

		tui_candidate_line(a, &a->cands[i], line, sizeof(line));
		snprintf(buf, sizeof(buf), "%s %2zu %6.4g  %s", a->chosen[i] ? "[x]" : "[ ]", i + 1, a->cands[i].score, line);
		tui_put(y++, 0, COLS, i == list.cur && !editing ? tui_attr(TUI_A_CURSOR) : TUI_PLAIN, true,
			tui_fit(buf, COLS, fit, sizeof(fit)));
	}
	y++;
	if (editing) {
		draw_editor(a, y, top + rows - y);
		return;
	}
	if (!a->ncands)
		return;
	{
		char order[4096], m[256], **lines;
		size_t len = 0, nl;
		const struct rr_candidate *c = &a->cands[list.cur];

		order[0] = 0;
		for (unsigned s = 0; s < c->ndisks && len < sizeof(order); s++) {
			tui_member_label(a, c->slot[s], m, sizeof(m));
			len += (size_t)snprintf(order + len, sizeof(order) - len, "%s%u:%s", s ? "  " : "", s, m);
		}
		tui_putf(y++, 0, COLS, tui_attr(TUI_A_HEAD), _("Order of candidate %zu (slot:member):"), list.cur + 1);
		nl = tui_wrap(order, COLS - 4, &lines);
		for (size_t l = 0; l < nl && y < top + rows; l++)
			tui_put(y++, 2, COLS - 4, TUI_PLAIN, false, lines[l]);
		tui_free_lines(lines, nl);
	}
	tui_putf(y++, 0, COLS, tui_attr(TUI_A_HEAD), _("Why candidate %zu:"), list.cur + 1);
	for (size_t k = 0; k < a->cands[list.cur].nreasons && y < top + rows; k++) {
		char **lines;
		size_t nl = tui_wrap(a->cands[list.cur].reasons[k], COLS - 4, &lines);

		for (size_t l = 0; l < nl && y < top + rows; l++)
			tui_put(y++, l ? 4 : 2, COLS - 4, TUI_PLAIN, false, lines[l]);
		tui_free_lines(lines, nl);
	}
}

/* Editor ---------------------------------------------------------------- */

static void start_edit(struct tui_app *a)
{
	edit = a->cands[list.cur];
	edit.reasons = NULL;
	edit.nreasons = 0;
	for (unsigned s = 0; s < RR_CAND_MAX_SLOTS; s++)
		saved[s] = RR_CAND_MISSING;
	memset(&slot_list, 0, sizeof(slot_list));
	editing = true;
}

static void keep_edit(struct tui_app *a)
{
	struct rr_geom g = {
		.level = edit.level, .layout = edit.layout, .chunk_sectors = edit.chunk_kib * 2,
		.ndisks = edit.ndisks, .dev_sectors = edit.dev_sectors ? edit.dev_sectors : 1u << 20,
	};

	if (rr_layout_check(&g) < 0) {
		tui_status(a, "%s", _("the kernel would refuse this geometry (level, layout, chunk and slots do not fit); change it or Esc"));
		return;
	}
	rr_candidate_add_reason(&edit, "%s", _("edited by the operator"));
	edit.score = a->ncands ? a->cands[0].score + 0.01 : 1;
	a->cands = rr_xrealloc(a->cands, (a->ncands + 1) * sizeof(*a->cands));
	a->chosen = rr_xrealloc(a->chosen, (a->ncands + 1) * sizeof(*a->chosen));
	/* The operator's candidate goes first. */
	memmove(a->cands + 1, a->cands, a->ncands * sizeof(*a->cands));
	memmove(a->chosen + 1, a->chosen, a->ncands * sizeof(*a->chosen));
	a->cands[0] = edit;
	a->chosen[0] = true;
	a->ncands++;
	list.cur = 0;
	editing = false;
	tui_status(a, "%s", _("the edited candidate is number 1 and marked for the trials"));
}

static void cycle_level(void)
{
	static const int levels[] = { RR_LINEAR, RR_RAID0, RR_RAID1, RR_RAID4, RR_RAID5, RR_RAID6, RR_RAID10 };
	size_t k = 0, n = sizeof(levels) / sizeof(levels[0]);

	while (k < n && levels[k] != edit.level)
		k++;
	edit.level = levels[(k + 1) % n];
	edit.layout = edit.level == RR_RAID5 || edit.level == RR_RAID6 ? RR_ALG_LEFT_SYMMETRIC :
		      edit.level == RR_RAID10 ? RR_R10_LAYOUT(2, 1, 0) : 0;
}

static void cycle_layout(void)
{
	static const int r5[] = { 0, 1, 2, 3, 4, 5 };
	static const int r6[] = { 0, 1, 2, 3, 4, 5, 8, 9, 10, 16, 17, 18, 19, 20 };
	static const int r10[] = { RR_R10_LAYOUT(2, 1, 0), RR_R10_LAYOUT(1, 2, 0), RR_R10_LAYOUT(1, 2, 1),
				   RR_R10_LAYOUT(3, 1, 0) };
	static const int r0[] = { 0, 1, 2 };
	const int *t;
	size_t n, k = 0;

	switch (edit.level) {
	case RR_RAID4: case RR_RAID5: t = r5; n = 6; break;
	case RR_RAID6: t = r6; n = sizeof(r6) / sizeof(r6[0]); break;
	case RR_RAID10: t = r10; n = sizeof(r10) / sizeof(r10[0]); break;
	case RR_RAID0: t = r0; n = 3; break;
	default: return;
	}
	while (k < n && t[k] != edit.layout)
		k++;
	edit.layout = t[(k + 1) % n];
}

static void cycle_metadata(void)
{
	static const char *const v[] = { "0.90", "1.0", "1.1", "1.2" };
	size_t k = 0;

	while (k < 4 && strcmp(v[k], edit.metadata))
		k++;
	snprintf(edit.metadata, sizeof(edit.metadata), "%s", v[(k + 1) % 4]);
}

static void chunk_done(struct tui_app *a, bool ok, const char *in)
{
	char *end;
	unsigned long v;

	if (!ok)
		return;
	v = strtoul(in, &end, 10);
	if (*end == 'K' || *end == 'k')
		end++;
	if (*end || !v || (v & (v - 1)) || v > (1u << 20)) {
		tui_status(a, _("%s: a power of two, in KiB"), in);
		return;
	}
	edit.chunk_kib = (unsigned)v;
}

static void offset_done(struct tui_app *a, bool ok, const char *in)
{
	char *end;
	unsigned long long v;

	if (!ok)
		return;
	v = strtoull(in, &end, 10);
	if (*end || !*in) {
		tui_status(a, _("%s: a number of 512-byte sectors"), in);
		return;
	}
	edit.data_offset[slot_list.cur] = v;
}

static bool edit_key(struct tui_app *a, enum tui_cmd cmd)
{
	size_t s = slot_list.cur;
	char buf[64];

	if (tui_list_key(&slot_list, cmd, edit.ndisks, LINES - 16))
		return true;
	switch (cmd) {
	case TUI_CMD_MOVE_UP:
	case TUI_CMD_MOVE_DOWN: {
		size_t t = cmd == TUI_CMD_MOVE_UP ? s - 1 : s + 1;
		int tmp;
		uint64_t off;

		if ((cmd == TUI_CMD_MOVE_UP && !s) || t >= edit.ndisks)
			return true;
		/* The member takes its data offset along. */
		tmp = edit.slot[s]; edit.slot[s] = edit.slot[t]; edit.slot[t] = tmp;
		off = edit.data_offset[s]; edit.data_offset[s] = edit.data_offset[t]; edit.data_offset[t] = off;
		tmp = saved[s]; saved[s] = saved[t]; saved[t] = tmp;
		slot_list.cur = t;
		return true;
	}
	case TUI_CMD_MISSING:
		if (edit.slot[s] != RR_CAND_MISSING) {
			saved[s] = edit.slot[s];
			edit.slot[s] = RR_CAND_MISSING;
		} else {
			edit.slot[s] = saved[s];
			saved[s] = RR_CAND_MISSING;
		}
		return true;
	case TUI_CMD_LEVEL: cycle_level(); return true;
	case TUI_CMD_LAYOUT: cycle_layout(); return true;
	case TUI_CMD_METADATA: cycle_metadata(); return true;
	case TUI_CMD_CHUNK:
		snprintf(buf, sizeof(buf), "%u", edit.chunk_kib);
		tui_prompt(a, _("Chunk size"), _("Chunk size in KiB (a power of two):"), buf, false, chunk_done);
		return true;
	case TUI_CMD_OFFSET:
		snprintf(buf, sizeof(buf), "%" PRIu64, edit.data_offset[s]);
		tui_prompt(a, _("Data offset"), _("Data offset of this slot, in 512-byte sectors:"), buf, false, offset_done);
		return true;
	case TUI_CMD_ENTER: keep_edit(a); return true;
	case TUI_CMD_BACK:
		rr_candidate_clear(&edit);
		editing = false;
		return true;
	case TUI_CMD_ROUTE: return false;
	default: return true;	/* the editor is modal */
	}
}

static bool orders_key(struct tui_app *a, enum tui_cmd cmd, int ch)
{
	if (cmd == TUI_CMD_ROUTE) {
		a->via = a->via == RR_VIA_AUTO ? RR_VIA_DMRAID : a->via == RR_VIA_DMRAID ? RR_VIA_MDADM : RR_VIA_AUTO;
		return true;
	}
	if (editing)
		return edit_key(a, cmd);
	if (tui_list_key(&list, cmd, a->ncands, 6))
		return true;
	switch (cmd) {
	case TUI_CMD_SPACE:
		if (a->ncands)
			a->chosen[list.cur] = !a->chosen[list.cur];
		return true;
	case TUI_CMD_EDIT:
		if (a->ncands)
			start_edit(a);
		return true;
	case TUI_CMD_ENTER:
		a->cur_cand = list.cur;
		tui_push(a, &tui_scr_snapshots);
		return true;
	default:
		return false;
	}
}

static void orders_leave(struct tui_app *a)
{
	a->cur_cand = list.cur;
}

const struct tui_screen tui_scr_orders = {
	.id = TUI_SCR_ORDERS,
	.title = N_("Orders"),
	.enter = orders_enter,
	.leave = orders_leave,
	.draw = orders_draw,
	.key = orders_key,
};
