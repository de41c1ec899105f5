/* The help screen: the keys of the screen it was opened from, then the
 * keys of every screen -- written from the key table itself (keys.c). */
#include <curses.h>
#include <stdio.h>

#include "core/i18n.h"
#include "ui/tui/tui.h"

static char **lines;
static size_t nlines, top;

static void help_enter(struct tui_app *a)
{
	/* The screen under the help is the one the keys are for. */
	const struct tui_screen *under = a->depth >= 2 ? a->stack[a->depth - 2] : tui_current(a);

	tui_free_lines(lines, nlines);
	nlines = tui_key_help(under->id, &lines);
	top = 0;
}

static void help_leave(struct tui_app *a)
{
	tui_free_lines(lines, nlines);
	lines = NULL;
	nlines = 0;
}

static void help_draw(struct tui_app *a, int y, int rows)
{
	const struct tui_screen *under = a->depth >= 2 ? a->stack[a->depth - 2] : tui_current(a);

	tui_putf(y, 0, COLS, tui_attr(TUI_A_HEAD), _("Help for the %s screen (q goes back)"), _(under->title));
	if (top + (size_t)(rows - 1) > nlines)
		top = nlines > (size_t)(rows - 1) ? nlines - (size_t)(rows - 1) : 0;
	tui_pad_draw(lines, nlines, top, y + 1, 0, rows - 1, COLS);
}

static bool help_key(struct tui_app *a, enum tui_cmd cmd, int ch)
{
	switch (cmd) {
	case TUI_CMD_UP: if (top) top--; return true;
	case TUI_CMD_DOWN: top++; return true;
	case TUI_CMD_PGUP: top = top > 10 ? top - 10 : 0; return true;
	case TUI_CMD_PGDN: top += 10; return true;
	case TUI_CMD_HOME: top = 0; return true;
	case TUI_CMD_END: top = nlines; return true;
	default: return false;
	}
}

const struct tui_screen tui_scr_help = {
	.id = TUI_SCR_HELP,
	.title = N_("Help"),
	.enter = help_enter,
	.leave = help_leave,
	.draw = help_draw,
	.key = help_key,
};
