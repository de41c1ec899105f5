/* Screen 3, review: one row per member with what decides an assembly
 * (array UUID, level, role, events, update time, data offset, state); the
 * values that disagree with the others are marked and explained; below,
 * the full decode of the member under the cursor in a scrollable pad. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "core/text.h"
#include "probes/md.h"
#include "probes/probe.h"
#include "ui/tui/tui.h"

static struct tui_list list;
static bool pane_focus;
static size_t pane_top;
static char **decode;
static size_t ndecode;
static size_t decode_for = (size_t)-1;

enum col { C_UUID, C_LEVEL, C_ROLE, C_EVENTS, C_UTIME, C_OFFSET, C_STATE, NCOL };

/* The value of one column for one member, as text ("" without md). */
static void cell(const struct rr_md_sb *sb, enum col c, char *buf, size_t n)
{
	char tmp[64];

	buf[0] = 0;
	if (!sb)
		return;
	switch (c) {
	case C_UUID:
		rr_md_format_uuid(sb->array_uuid, tmp);
		snprintf(buf, n, "%.8s", tmp);
		break;
	case C_LEVEL:
		snprintf(buf, n, "%s", rr_md_level_name(sb->level) ? rr_md_level_name(sb->level) : "?");
		break;
	case C_ROLE:
		if (sb->role_kind == RR_MD_ROLE_ACTIVE)
			snprintf(buf, n, "%u", sb->slot);
		else
			snprintf(buf, n, "%s", sb->role_kind == RR_MD_ROLE_KIND_SPARE ? "spare" :
				 sb->role_kind == RR_MD_ROLE_KIND_FAULTY ? "faulty" : "journal");
		break;
	case C_EVENTS:
		snprintf(buf, n, "%" PRIu64, sb->events);
		break;
	case C_UTIME:
		rr_md_format_iso(sb->utime, tmp, sizeof(tmp));
		/* "2026-11-22T03:24:18Z" -> "11-22 03:24:18" */
		snprintf(buf, n, "%.5s %.8s", tmp + 5, tmp + 11);
		break;
	case C_OFFSET:
		snprintf(buf, n, "%" PRIu64, sb->data_offset);
		break;
	default:
		snprintf(buf, n, "%s %s", sb->clean ? "clean" : "active", sb->array_state ? sb->array_state : "");
		break;
	}
}

/* Per column: the value most members share (ties: the first). */
static void majority(struct tui_app *a, enum col c, char *out, size_t n)
{
	size_t best = 0;

	out[0] = 0;
	for (size_t i = 0; i < a->nmembers; i++) {
		char v[128], w[128];
		size_t count = 0;

		cell(rr_md_primary(tui_member(a, i)->md), c, v, sizeof(v));
		if (!v[0])
			continue;
		for (size_t k = 0; k < a->nmembers; k++) {
			cell(rr_md_primary(tui_member(a, k)->md), c, w, sizeof(w));
			count += !strcmp(v, w);
		}
		if (count > best) {
			best = count;
			snprintf(out, n, "%s", v);
		}
	}
}

static const char *name_of(struct tui_app *a, size_t i)
{
	return a->devs[a->members[i]].name;
}

/* The explanations, one sentence per disagreement. */
static size_t explain(struct tui_app *a, char ***out)
{
	char maj[NCOL][128];
	size_t n = 0;
	uint64_t maxev = 0;

	*out = NULL;
	for (int c = 0; c < NCOL; c++)
		majority(a, (enum col)c, maj[c], sizeof(maj[c]));
	for (size_t i = 0; i < a->nmembers; i++) {
		const struct rr_md_sb *sb = rr_md_primary(tui_member(a, i)->md);

		if (sb && sb->events > maxev)
			maxev = sb->events;
	}
	for (size_t i = 0; i < a->nmembers; i++) {
		const struct rr_md_sb *sb = rr_md_primary(tui_member(a, i)->md);
		char v[128], *s = NULL;

		for (int c = 0; c < NCOL && !s; c++) {
			cell(sb, (enum col)c, v, sizeof(v));
			if (!sb) {
				s = rr_xasprintf(_("%s: no md superblock was found; it cannot be placed from its metadata."),
						 name_of(a, i));
				break;
			}
			if (!strcmp(v, maj[c]) || c == C_ROLE || c == C_STATE)
				continue;
			switch (c) {
			case C_UUID:
				s = rr_xasprintf(_("%s belongs to another array (UUID %s..., the others %s...)."),
						 name_of(a, i), v, maj[c]);
				break;
			case C_LEVEL:
				s = rr_xasprintf(_("%s says %s, the others %s: another array, or a reshape."),
						 name_of(a, i), v, maj[c]);
				break;
			case C_EVENTS:
				if (sb->events < maxev)
					s = rr_xasprintf(_("%s has %s events, the freshest %llu: it stopped being updated "
							   "earlier (it was ejected); its data is stale."),
							 name_of(a, i), v, (unsigned long long)maxev);
				break;
			case C_UTIME:
				s = rr_xasprintf(_("%s was last updated %s, the others %s."), name_of(a, i), v, maj[c]);
				break;
			case C_OFFSET:
				s = rr_xasprintf(_("%s has its data at sector %s, the others at %s: each member is "
						   "read at its own offset."), name_of(a, i), v, maj[c]);
				break;
			}
		}
		if (!s && sb && sb->role_kind != RR_MD_ROLE_ACTIVE)
			s = rr_xasprintf(_("%s is a %s, not an active member."), name_of(a, i),
					 sb->role_kind == RR_MD_ROLE_KIND_SPARE ? _("spare") : _("faulty device"));
		if (!s && sb && !sb->checksum_ok)
			s = rr_xasprintf(_("%s: the superblock checksum is wrong."), name_of(a, i));
		for (size_t k = 0; !s && sb && k < i; k++) {
			const struct rr_md_sb *o = rr_md_primary(tui_member(a, k)->md);

			if (o && o->role_kind == RR_MD_ROLE_ACTIVE && sb->role_kind == RR_MD_ROLE_ACTIVE &&
			    o->slot == sb->slot && !memcmp(o->array_uuid, sb->array_uuid, 16))
				s = rr_xasprintf(_("%s and %s both claim slot %u."), name_of(a, k), name_of(a, i),
						 sb->slot);
		}
		if (s) {
			*out = rr_xrealloc(*out, (n + 1) * sizeof(char *));
			(*out)[n++] = s;
		}
	}
	return n;
}

/* The decode of one member: every probe's print(), as in examine. */
static void load_decode(struct tui_app *a, size_t i)
{
	struct rr_member *m = tui_member(a, i);
	char *text = NULL, *p;
	size_t len = 0;
	FILE *f;

	if (decode_for == i)
		return;
	tui_free_lines(decode, ndecode);
	decode = NULL;
	ndecode = 0;
	decode_for = i;
	pane_top = 0;
	f = open_memstream(&text, &len);
	if (!f)
		return;
	for (size_t k = 0; rr_probes[k]; k++)
		if (rr_probes[k]->print)
			rr_probes[k]->print(f, m);
	for (size_t k = 0; k < m->nerrors; k++)
		fprintf(f, _("  Problem : %s\n"), m->errors[k]);
	fclose(f);
	for (p = text; p && *p;) {
		char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		decode = rr_xrealloc(decode, (ndecode + 1) * sizeof(char *));
		decode[ndecode] = rr_xmalloc(l + 1);
		memcpy(decode[ndecode], p, l);
		decode[ndecode++][l] = 0;
		p += l + (nl ? 1 : 0);
	}
	free(text);
}

static void review_enter(struct tui_app *a)
{
	decode_for = (size_t)-1;
	tui_list_fix(&list, a->nmembers, 1000);
}

static void review_leave(struct tui_app *a)
{
	tui_free_lines(decode, ndecode);
	decode = NULL;
	ndecode = 0;
	decode_for = (size_t)-1;
}

static void review_draw(struct tui_app *a, int top, int rows)
{
	static const int width[NCOL] = { 10, 6, 6, 7, 15, 6, 0 };
	static const char *const head[NCOL] = { "Array UUID", "Level", "Role", "Events", "Update Time",
						"Offset", "State" };
	int wdev = COLS - 69, x, y = top, table_rows, pane;
	char maj[NCOL][128], fit[512], **ex;
	size_t nex;

	if (!a->nmembers) {
		tui_put(top + 1, 2, COLS - 4, TUI_PLAIN, false, _("No members selected: choose them on the devices screen (2)."));
		return;
	}
	if (wdev > 40)
		wdev = 40;
	for (int c = 0; c < NCOL; c++)
		majority(a, (enum col)c, maj[c], sizeof(maj[c]));
	/* Header: mdadm's field names, untranslated (compared with mdadm). */
	tui_put(y, 0, COLS, tui_attr(TUI_A_HEAD), true, "");
	tui_put(y, 2, wdev, tui_attr(TUI_A_HEAD), false, _("Member"));
	x = 2 + wdev + 1;
	for (int c = 0; c < NCOL; c++) {
		tui_put(y, x, c == C_STATE ? COLS - x : width[c], tui_attr(TUI_A_HEAD), false, head[c]);
		x += width[c] + 1;
	}
	y++;
	table_rows = (int)a->nmembers < rows / 3 ? (int)a->nmembers : rows / 3;
	tui_list_fix(&list, a->nmembers, table_rows);
	for (int r = 0; r < table_rows && list.top + (size_t)r < a->nmembers; r++) {
		size_t i = list.top + (size_t)r;
		const struct rr_md_sb *sb = rr_md_primary(tui_member(a, i)->md);
		int base = i == list.cur && !pane_focus ? tui_attr(TUI_A_CURSOR) : TUI_PLAIN;

		tui_put(y, 0, COLS, base, true, i == list.cur ? ">" : "");
		tui_put(y, 2, wdev, base, false, rr_text_mid(name_of(a, i), wdev, fit, sizeof(fit)));
		x = 2 + wdev + 1;
		for (int c = 0; c < NCOL; c++) {
			char v[128];
			bool odd;
			int w = c == C_STATE ? COLS - x : width[c];

			cell(sb, (enum col)c, v, sizeof(v));
			if (!sb && c == 0)
				snprintf(v, sizeof(v), "%s", _("(no md superblock)"));
			odd = sb && c != C_ROLE && c != C_STATE && strcmp(v, maj[c]);
			/* '*' marks it on a terminal without colours too. */
			if (odd && strlen(v) + 2 < sizeof(v))
				strcat(v, "*");
			tui_put(y, x, w, odd ? (base | tui_attr(TUI_A_BAD)) : base, false, v);
			x += width[c] + 1;
		}
		y++;
	}
	/* Why the marked values matter. */
	nex = explain(a, &ex);
	if (!nex) {
		char **lines;
		size_t nl = tui_wrap(_("The superblocks agree: same array, same events, each slot claimed once."),
				     COLS - 4, &lines);

		for (size_t l = 0; l < nl && l < 2; l++)
			tui_put(y++, l ? 4 : 2, COLS - 6, tui_attr(TUI_A_GOOD), false, lines[l]);
		tui_free_lines(lines, nl);
	} else {
		int room = rows / 3;

		for (size_t k = 0; k < nex && room > 0; k++) {
			char **lines;
			size_t nl = tui_wrap(ex[k], COLS - 4, &lines);

			for (size_t l = 0; l < nl && room > 0; l++, room--)
				tui_put(y++, l ? 4 : 2, COLS - 6, tui_attr(TUI_A_WARN), false, lines[l]);
			tui_free_lines(lines, nl);
		}
	}
	tui_free_lines(ex, nex);
	/* The decode pane. */
	load_decode(a, list.cur);
	pane = top + rows - y - 1;
	{
		char head_line[512];

		snprintf(head_line, sizeof(head_line), _("-- Decode of %s (Tab: %s) --"), name_of(a, list.cur),
			 pane_focus ? _("back to the table") : _("scroll this pane"));
		tui_put(y++, 0, COLS, pane_focus ? tui_attr(TUI_A_CURSOR) : tui_attr(TUI_A_HEAD), true, head_line);
	}
	if (pane > 0 && ndecode) {
		if (pane_top + (size_t)pane > ndecode)
			pane_top = ndecode > (size_t)pane ? ndecode - (size_t)pane : 0;
		tui_pad_draw(decode, ndecode, pane_top, y, 0, pane, COLS);
	}
}

static bool review_key(struct tui_app *a, enum tui_cmd cmd, int ch)
{
	if (cmd == TUI_CMD_TAB) {
		pane_focus = !pane_focus;
		return true;
	}
	if (pane_focus) {
		switch (cmd) {
		case TUI_CMD_UP: if (pane_top) pane_top--; return true;
		case TUI_CMD_DOWN: pane_top++; return true;
		case TUI_CMD_PGUP: pane_top = pane_top > 8 ? pane_top - 8 : 0; return true;
		case TUI_CMD_PGDN: pane_top += 8; return true;
		case TUI_CMD_HOME: pane_top = 0; return true;
		case TUI_CMD_END: pane_top = ndecode; return true;
		case TUI_CMD_BACK: pane_focus = false; return true;
		default: break;
		}
	} else if (tui_list_key(&list, cmd, a->nmembers, (LINES - 4) / 3)) {
		return true;
	}
	if (cmd == TUI_CMD_ENTER) {
		tui_push(a, &tui_scr_orders);
		return true;
	}
	return false;
}

const struct tui_screen tui_scr_review = {
	.id = TUI_SCR_REVIEW,
	.title = N_("Review"),
	.enter = review_enter,
	.leave = review_leave,
	.draw = review_draw,
	.key = review_key,
};
