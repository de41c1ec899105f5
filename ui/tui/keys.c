/* The one key table: key -> command, per screen or for all.  Dispatch
 * and the help screen both read it, so help never lies about a key. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "ui/tui/tui.h"

struct tui_binding {
	int scr;		/* enum tui_scr_id or TUI_SCR_ANY */
	int key;
	enum tui_cmd cmd;
	const char *help;	/* N_(); NULL: an alias, not listed again */
};

#define ESC 27
#define CTRL(c) ((c) & 0x1f)

/* Screen keys come first: a screen may give a global key a meaning of
 * its own (Enter on the start screen). */
static const struct tui_binding bindings[] = {
	{ TUI_SCR_START, KEY_ENTER, TUI_CMD_ENTER, N_("do the highlighted action") },
	{ TUI_SCR_START, '\n', TUI_CMD_ENTER, NULL },
	{ TUI_SCR_START, '\r', TUI_CMD_ENTER, NULL },

	{ TUI_SCR_DEVICES, ' ', TUI_CMD_SPACE, N_("select or unselect the device (members of one array together)") },
	{ TUI_SCR_DEVICES, 'a', TUI_CMD_ADD, N_("add an image file or device by path (Tab completes)") },
	{ TUI_SCR_DEVICES, 'r', TUI_CMD_REFRESH, N_("list the block devices again") },
	{ TUI_SCR_DEVICES, KEY_ENTER, TUI_CMD_ENTER, N_("go on to the review of the selected members") },
	{ TUI_SCR_DEVICES, '\n', TUI_CMD_ENTER, NULL },
	{ TUI_SCR_DEVICES, '\r', TUI_CMD_ENTER, NULL },

	{ TUI_SCR_REVIEW, '\t', TUI_CMD_TAB, N_("switch between the table and the detail pane") },
	{ TUI_SCR_REVIEW, KEY_ENTER, TUI_CMD_ENTER, N_("go on to the member orders") },
	{ TUI_SCR_REVIEW, '\n', TUI_CMD_ENTER, NULL },
	{ TUI_SCR_REVIEW, '\r', TUI_CMD_ENTER, NULL },

	{ TUI_SCR_ORDERS, ' ', TUI_CMD_SPACE, N_("mark or unmark the candidate for the trials") },
	{ TUI_SCR_ORDERS, 'e', TUI_CMD_EDIT, N_("edit a copy of the candidate (order, missing, geometry)") },
	{ TUI_SCR_ORDERS, 'K', TUI_CMD_MOVE_UP, N_("editor: move the member one slot up") },
	{ TUI_SCR_ORDERS, 'J', TUI_CMD_MOVE_DOWN, N_("editor: move the member one slot down") },
	{ TUI_SCR_ORDERS, 'm', TUI_CMD_MISSING, N_("editor: make the slot missing, or give its member back") },
	{ TUI_SCR_ORDERS, 'l', TUI_CMD_LEVEL, N_("editor: change the RAID level") },
	{ TUI_SCR_ORDERS, 'c', TUI_CMD_CHUNK, N_("editor: change the chunk size") },
	{ TUI_SCR_ORDERS, 'y', TUI_CMD_LAYOUT, N_("editor: change the layout") },
	{ TUI_SCR_ORDERS, 'M', TUI_CMD_METADATA, N_("editor: change the metadata version") },
	{ TUI_SCR_ORDERS, 'd', TUI_CMD_OFFSET, N_("editor: change the data offset") },
	{ TUI_SCR_ORDERS, 'v', TUI_CMD_ROUTE, N_("switch the assembly route (auto, dm-raid, mdadm)") },
	{ TUI_SCR_ORDERS, KEY_ENTER, TUI_CMD_ENTER, N_("go on to the snapshots (editor: keep the edited candidate)") },
	{ TUI_SCR_ORDERS, '\n', TUI_CMD_ENTER, NULL },
	{ TUI_SCR_ORDERS, '\r', TUI_CMD_ENTER, NULL },

	{ TUI_SCR_SNAPSHOTS, 'o', TUI_CMD_OVERLAY, N_("stack a snapshot over every selected member") },
	{ TUI_SCR_SNAPSHOTS, 'A', TUI_CMD_ASSEMBLE, N_("assemble the current candidate on the snapshots") },
	{ TUI_SCR_SNAPSHOTS, 'r', TUI_CMD_REFRESH, N_("read the stack again") },
	{ TUI_SCR_SNAPSHOTS, ESC, TUI_CMD_BACK, N_("stop the running work after the member in hand, else back") },
	{ TUI_SCR_SNAPSHOTS, KEY_ENTER, TUI_CMD_ENTER, N_("go on to the trials") },
	{ TUI_SCR_SNAPSHOTS, '\n', TUI_CMD_ENTER, NULL },
	{ TUI_SCR_SNAPSHOTS, '\r', TUI_CMD_ENTER, NULL },

	{ TUI_SCR_TRIALS, 't', TUI_CMD_RUN, N_("run the trials of the marked candidates") },
	{ TUI_SCR_TRIALS, 'p', TUI_CMD_PROVE, N_("proof: mount the highlighted candidate read-only and list its files") },
	{ TUI_SCR_TRIALS, 'v', TUI_CMD_VIEW, N_("view the last proof again") },
	{ TUI_SCR_TRIALS, KEY_ENTER, TUI_CMD_LOG, N_("open the checker log of the result") },
	{ TUI_SCR_TRIALS, '\n', TUI_CMD_LOG, NULL },
	{ TUI_SCR_TRIALS, '\r', TUI_CMD_LOG, NULL },
	{ TUI_SCR_TRIALS, ESC, TUI_CMD_BACK, N_("cancel the running trials, else back") },

	{ TUI_SCR_JOURNAL, 'u', TUI_CMD_UNDO, N_("undo the last step") },
	{ TUI_SCR_JOURNAL, 'U', TUI_CMD_UNDO_ALL, N_("undo every step") },
	{ TUI_SCR_JOURNAL, 's', TUI_CMD_SAVE, N_("save a copy of the journal") },
	{ TUI_SCR_JOURNAL, 'x', TUI_CMD_EXPORT, N_("export the journal as a shell script") },
	{ TUI_SCR_JOURNAL, 'r', TUI_CMD_REFRESH, N_("read the journal again") },

	{ TUI_SCR_ANY, KEY_UP, TUI_CMD_UP, N_("up") },
	{ TUI_SCR_ANY, 'k', TUI_CMD_UP, NULL },
	{ TUI_SCR_ANY, KEY_DOWN, TUI_CMD_DOWN, N_("down") },
	{ TUI_SCR_ANY, 'j', TUI_CMD_DOWN, NULL },
	{ TUI_SCR_ANY, KEY_LEFT, TUI_CMD_LEFT, N_("left") },
	{ TUI_SCR_ANY, 'h', TUI_CMD_LEFT, NULL },
	{ TUI_SCR_ANY, KEY_RIGHT, TUI_CMD_RIGHT, N_("right") },
	{ TUI_SCR_ANY, 'l', TUI_CMD_RIGHT, NULL },
	{ TUI_SCR_ANY, KEY_PPAGE, TUI_CMD_PGUP, N_("page up") },
	{ TUI_SCR_ANY, CTRL('b'), TUI_CMD_PGUP, NULL },
	{ TUI_SCR_ANY, KEY_NPAGE, TUI_CMD_PGDN, N_("page down") },
	{ TUI_SCR_ANY, CTRL('f'), TUI_CMD_PGDN, NULL },
	{ TUI_SCR_ANY, KEY_HOME, TUI_CMD_HOME, N_("first line") },
	{ TUI_SCR_ANY, 'g', TUI_CMD_HOME, NULL },
	{ TUI_SCR_ANY, KEY_END, TUI_CMD_END, N_("last line") },
	{ TUI_SCR_ANY, 'G', TUI_CMD_END, NULL },
	{ TUI_SCR_ANY, KEY_ENTER, TUI_CMD_ENTER, N_("choose") },
	{ TUI_SCR_ANY, '\n', TUI_CMD_ENTER, NULL },
	{ TUI_SCR_ANY, '\r', TUI_CMD_ENTER, NULL },
	{ TUI_SCR_ANY, ' ', TUI_CMD_SPACE, N_("select") },
	{ TUI_SCR_ANY, '\t', TUI_CMD_TAB, N_("next pane") },
	{ TUI_SCR_ANY, 'n', TUI_CMD_NEXT, N_("next step of the wizard") },
	{ TUI_SCR_ANY, '1', TUI_CMD_GO1, N_("screen 1: start") },
	{ TUI_SCR_ANY, '2', TUI_CMD_GO2, N_("screen 2: devices") },
	{ TUI_SCR_ANY, '3', TUI_CMD_GO3, N_("screen 3: review") },
	{ TUI_SCR_ANY, '4', TUI_CMD_GO4, N_("screen 4: orders") },
	{ TUI_SCR_ANY, '5', TUI_CMD_GO5, N_("screen 5: snapshots") },
	{ TUI_SCR_ANY, '6', TUI_CMD_GO6, N_("screen 6: trials") },
	{ TUI_SCR_ANY, '7', TUI_CMD_GO7, N_("screen 7: journal") },
	{ TUI_SCR_ANY, '?', TUI_CMD_HELP, N_("this help") },
	{ TUI_SCR_ANY, KEY_F(1), TUI_CMD_HELP, NULL },
	{ TUI_SCR_ANY, 'q', TUI_CMD_BACK, N_("back (quit on the start screen)") },
	{ TUI_SCR_ANY, ESC, TUI_CMD_BACK, NULL },
	{ TUI_SCR_ANY, 'Q', TUI_CMD_QUIT, N_("quit the wizard") },
};

#define NBIND (sizeof(bindings) / sizeof(bindings[0]))

enum tui_cmd tui_key_cmd(enum tui_scr_id scr, int ch)
{
	for (size_t i = 0; i < NBIND; i++)
		if ((bindings[i].scr == (int)scr) && bindings[i].key == ch)
			return bindings[i].cmd;
	for (size_t i = 0; i < NBIND; i++)
		if (bindings[i].scr == TUI_SCR_ANY && bindings[i].key == ch)
			return bindings[i].cmd;
	return TUI_CMD_NONE;
}

const char *tui_key_name(int ch, char *buf, size_t n)
{
	switch (ch) {
	case KEY_UP: return "Up";
	case KEY_DOWN: return "Down";
	case KEY_LEFT: return "Left";
	case KEY_RIGHT: return "Right";
	case KEY_PPAGE: return "PgUp";
	case KEY_NPAGE: return "PgDn";
	case KEY_HOME: return "Home";
	case KEY_END: return "End";
	case KEY_ENTER: case '\n': case '\r': return "Enter";
	case ' ': return "Space";
	case '\t': return "Tab";
	case ESC: return "Esc";
	case KEY_F(1): return "F1";
	}
	if (ch > 0 && ch < 32)
		snprintf(buf, n, "Ctrl-%c", ch + 'a' - 1);
	else
		snprintf(buf, n, "%c", ch);
	return buf;
}

/* All keys of one command on one screen (or global), "Up k". */
static void keys_of(int scr, enum tui_cmd cmd, char *out, size_t n)
{
	size_t len = 0;

	out[0] = 0;
	for (size_t i = 0; i < NBIND; i++) {
		char b[16];
		const char *name;

		if (bindings[i].scr != scr || bindings[i].cmd != cmd)
			continue;
		name = tui_key_name(bindings[i].key, b, sizeof(b));
		if (strstr(out, name) && (!strcmp(name, "Enter")))
			continue;	/* \n, \r and KEY_ENTER are one key */
		len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s", len ? " " : "", name);
	}
}

static void add_line(char ***lines, size_t *n, char *s)
{
	*lines = rr_xrealloc(*lines, (*n + 1) * sizeof(char *));
	(*lines)[(*n)++] = s;
}

size_t tui_key_help(enum tui_scr_id scr, char ***lines)
{
	size_t n = 0;

	*lines = NULL;
	for (int pass = 0; pass < 2; pass++) {
		int want = pass == 0 ? (int)scr : TUI_SCR_ANY;

		if (pass == 0 && scr >= TUI_SCR_HELP)
			continue;
		add_line(lines, &n, rr_xstrdup(pass == 0 ? _("Keys of this screen:") : _("Keys of every screen:")));
		for (size_t i = 0; i < NBIND; i++) {
			char keys[64];
			bool shadowed = false;

			if (bindings[i].scr != want || !bindings[i].help)
				continue;
			/* A global key the screen gives another meaning. */
			if (pass == 1 && scr < TUI_SCR_HELP)
				for (size_t k = 0; k < NBIND; k++)
					if (bindings[k].scr == (int)scr && bindings[k].key == bindings[i].key)
						shadowed = true;
			if (shadowed)
				continue;
			keys_of(want, bindings[i].cmd, keys, sizeof(keys));
			add_line(lines, &n, rr_xasprintf("  %-14s %s", keys, _(bindings[i].help)));
		}
		add_line(lines, &n, rr_xstrdup(""));
	}
	return n;
}
