/* Widgets of the wizard: UTF-8 text measured in columns, lists, a gauge,
 * a scrollable pad, dialogs (confirm, prompt with path completion,
 * message) and the pager.  Everything is drawn with plain ASCII frames so
 * a vt100 or a serial console shows the same thing as an xterm. */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "core/text.h"
#include "ui/tui/tui.h"

static int attrs[TUI_NATTR];

void tui_colors_init(struct tui_app *a)
{
	const char *nc = getenv("NO_COLOR");

	a->color = has_colors() && !(nc && *nc);
	if (a->color && start_color() == OK) {
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_BLUE);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_GREEN, -1);
		init_pair(4, COLOR_RED, -1);
		init_pair(5, COLOR_CYAN, -1);
		attrs[TUI_A_TITLE] = COLOR_PAIR(1) | TUI_BOLD;
		attrs[TUI_A_WARN] = COLOR_PAIR(2) | TUI_BOLD;
		attrs[TUI_A_GOOD] = COLOR_PAIR(3);
		attrs[TUI_A_BAD] = COLOR_PAIR(4) | TUI_BOLD;
		attrs[TUI_A_HEAD] = COLOR_PAIR(5) | TUI_BOLD;
	} else {
		/* Monochrome: every distinction still visible as an attribute
		 * (the text also marks disagreements with '*'). */
		a->color = false;
		attrs[TUI_A_TITLE] = TUI_REV;
		attrs[TUI_A_WARN] = TUI_BOLD;
		attrs[TUI_A_GOOD] = TUI_PLAIN;
		attrs[TUI_A_BAD] = TUI_BOLD;
		attrs[TUI_A_HEAD] = TUI_BOLD;
	}
	attrs[TUI_A_NORMAL] = TUI_PLAIN;
	attrs[TUI_A_CURSOR] = TUI_REV;
	attrs[TUI_A_DIM] = TUI_PLAIN;
	attrs[TUI_A_SELECTED] = TUI_BOLD;
}

int tui_attr(enum tui_attr k)
{
	return attrs[k];
}

int tui_width(const char *s)
{
	return rr_text_width(s);
}

int tui_put(int y, int x, int w, int attr, bool pad, const char *s)
{
	wchar_t buf[512];
	size_t k = 0;
	int used = 0, cw;
	wchar_t wc;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	while (*s && k + 1 < sizeof(buf) / sizeof(buf[0])) {
		size_t r = rr_text_next(s, &wc, &cw);

		if (wc == L'\t' || wc == L'\n') {
			wc = L' ';
			cw = 1;
		}
		if (used + cw > w)
			break;
		buf[k++] = wc;
		used += cw;
		s += r;
	}
	buf[k] = 0;
	attron(attr);
	mvaddnwstr(y, x, buf, (int)k);
	if (pad)
		for (; used < w; used++)
			addch(' ');
	attroff(attr);
	return used;
}

int tui_putf(int y, int x, int w, int attr, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return tui_put(y, x, w, attr, false, buf);
}

const char *tui_fit(const char *s, int w, char *buf, size_t n)
{
	if (rr_text_width(s) <= w) {
		snprintf(buf, n, "%s", s);
		return buf;
	}
	return rr_text_pad(s, w, buf, n);
}

size_t tui_wrap(const char *s, int w, char ***lines)
{
	size_t n = 0;

	*lines = NULL;
	if (w < 8)
		w = 8;
	while (*s) {
		const char *p = s, *cut = NULL, *nl = strchr(s, '\n');
		int used = 0, cw;
		wchar_t wc;

		while (*p && *p != '\n') {
			size_t r = rr_text_next(p, &wc, &cw);

			if (used + cw > w)
				break;
			if (*p == ' ')
				cut = p;
			used += cw;
			p += r;
		}
		if (*p && *p != '\n' && cut && cut > s)
			p = cut;
		*lines = rr_xrealloc(*lines, (n + 1) * sizeof(char *));
		(*lines)[n] = rr_xmalloc((size_t)(p - s) + 1);
		memcpy((*lines)[n], s, (size_t)(p - s));
		(*lines)[n][p - s] = 0;
		n++;
		s = p;
		if (*s == ' ' || (*s == '\n' && (!nl || s == nl)))
			s++;
	}
	return n;
}

void tui_free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void tui_gauge(int y, int x, int w, int permille, int attr)
{
	int bar = w - 7, fill;
	char buf[512];

	if (bar < 3)
		bar = 3;
	if (bar > 500)
		bar = 500;
	if (permille < 0)
		permille = 0;
	if (permille > 1000)
		permille = 1000;
	fill = bar * permille / 1000;
	buf[0] = '[';
	for (int i = 0; i < bar; i++)
		buf[1 + i] = i < fill ? '#' : '.';
	snprintf(buf + 1 + bar, sizeof(buf) - 1 - (size_t)bar, "] %3d%%", permille / 10);
	tui_put(y, x, w, attr, false, buf);
}

void tui_list_fix(struct tui_list *l, size_t n, int rows)
{
	if (rows < 1)
		rows = 1;
	if (n == 0) {
		l->cur = l->top = 0;
		return;
	}
	if (l->cur >= n)
		l->cur = n - 1;
	if (l->cur < l->top)
		l->top = l->cur;
	if (l->cur >= l->top + (size_t)rows)
		l->top = l->cur - (size_t)rows + 1;
	if (l->top + (size_t)rows > n)
		l->top = n > (size_t)rows ? n - (size_t)rows : 0;
}

bool tui_list_key(struct tui_list *l, enum tui_cmd cmd, size_t n, int rows)
{
	size_t page = rows > 1 ? (size_t)rows - 1 : 1;

	switch (cmd) {
	case TUI_CMD_UP: if (l->cur) l->cur--; break;
	case TUI_CMD_DOWN: if (l->cur + 1 < n) l->cur++; break;
	case TUI_CMD_PGUP: l->cur = l->cur > page ? l->cur - page : 0; break;
	case TUI_CMD_PGDN: l->cur = n ? (l->cur + page < n ? l->cur + page : n - 1) : 0; break;
	case TUI_CMD_HOME: l->cur = 0; break;
	case TUI_CMD_END: l->cur = n ? n - 1 : 0; break;
	default: return false;
	}
	tui_list_fix(l, n, rows);
	return true;
}

void tui_pad_draw(char **lines, size_t n, size_t first, int top, int left, int rows, int cols)
{
	int h = (int)(n < 4000 ? n : 4000);
	WINDOW *pad;

	if (rows <= 0 || cols <= 0 || h == 0)
		return;
	pad = newpad(h, cols);
	if (!pad)
		return;
	for (int i = 0; i < h; i++) {
		wchar_t buf[512];
		size_t k = 0;
		int used = 0, cw;
		const char *s = lines[i];
		wchar_t wc;

		while (*s && k + 1 < 512) {
			size_t r = rr_text_next(s, &wc, &cw);

			if (wc == L'\t') {
				wc = L' ';
				cw = 1;
			}
			if (used + cw > cols)
				break;
			buf[k++] = wc;
			used += cw;
			s += r;
		}
		buf[k] = 0;
		mvwaddnwstr(pad, i, 0, buf, (int)k);
	}
	if (first >= (size_t)h)
		first = (size_t)h - 1;
	copywin(pad, stdscr, (int)first, 0, top, left,
		top + ((int)(h - (int)first) < rows ? h - (int)first : rows) - 1, left + cols - 1, FALSE);
	delwin(pad);
}

/* Dialogs ------------------------------------------------------------ */

static void dlg_reset(struct tui_app *a)
{
	free(a->dlg.text);
	memset(&a->dlg, 0, sizeof(a->dlg));
}

void tui_confirm(struct tui_app *a, const char *title, const char *text,
		 void (*done)(struct tui_app *a, bool ok, const char *input))
{
	dlg_reset(a);
	a->dlg.kind = TUI_DLG_CONFIRM;
	snprintf(a->dlg.title, sizeof(a->dlg.title), "%s", title);
	a->dlg.text = rr_xstrdup(text);
	a->dlg.done = done;
	a->dlg.yes = 0;	/* "No" has the focus: Enter alone never writes */
}

void tui_prompt(struct tui_app *a, const char *title, const char *text, const char *initial,
		bool paths, void (*done)(struct tui_app *a, bool ok, const char *input))
{
	dlg_reset(a);
	a->dlg.kind = TUI_DLG_PROMPT;
	snprintf(a->dlg.title, sizeof(a->dlg.title), "%s", title);
	a->dlg.text = rr_xstrdup(text);
	snprintf(a->dlg.input, sizeof(a->dlg.input), "%s", initial ? initial : "");
	a->dlg.cursor = strlen(a->dlg.input);
	a->dlg.complete_paths = paths;
	a->dlg.done = done;
}

void tui_message(struct tui_app *a, const char *title, const char *text)
{
	dlg_reset(a);
	a->dlg.kind = TUI_DLG_MESSAGE;
	snprintf(a->dlg.title, sizeof(a->dlg.title), "%s", title);
	a->dlg.text = rr_xstrdup(text);
}

static void frame(int y, int x, int h, int w)
{
	char line[512];

	if (w > (int)sizeof(line) - 1)
		w = (int)sizeof(line) - 1;
	for (int r = 0; r < h; r++) {
		memset(line, ' ', (size_t)w);
		if (r == 0 || r == h - 1) {
			memset(line, '-', (size_t)w);
			line[0] = line[w - 1] = '+';
		} else {
			line[0] = line[w - 1] = '|';
		}
		line[w] = 0;
		tui_put(y + r, x, w, TUI_PLAIN, false, line);
	}
}

void tui_dialog_draw(struct tui_app *a)
{
	struct tui_dialog *d = &a->dlg;
	char **lines, buf[1200];
	size_t n, max;
	int w = COLS - 6 < 72 ? COLS - 6 : 72, h, y, x;

	if (d->kind == TUI_DLG_NONE)
		return;
	n = tui_wrap(d->text ? d->text : "", w - 4, &lines);
	max = (size_t)(LINES - 8);
	if (n > max)
		n = max;
	h = (int)n + 4 + (d->kind == TUI_DLG_PROMPT ? 2 : 0);
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	frame(y, x, h, w);
	snprintf(buf, sizeof(buf), " %s ", d->title);
	tui_put(y, x + 2, w - 4, tui_attr(TUI_A_HEAD), false, buf);
	for (size_t i = 0; i < n; i++)
		tui_put(y + 1 + (int)i, x + 2, w - 4, TUI_PLAIN, false, lines[i]);
	tui_free_lines(lines, n);
	y += (int)n + 1;
	if (d->kind == TUI_DLG_PROMPT) {
		const char *in = d->input;
		int iw = tui_width(in), room = w - 6;

		/* Show the end of a long input: that is where one types. */
		while (iw > room && *in) {
			in++;
			while ((*in & 0xc0) == 0x80)
				in++;
			iw = tui_width(in);
		}
		tui_put(y, x + 2, w - 4, TUI_REV, true, in);
		tui_put(y + 1, x + 2, w - 4, TUI_PLAIN, false, d->hint);
		y += 2;
	}
	if (d->kind == TUI_DLG_CONFIRM) {
		snprintf(buf, sizeof(buf), "[ %s ]", _("Yes (y)"));
		tui_put(y + 1, x + 4, w / 2 - 4, d->yes ? TUI_REV : TUI_PLAIN, false, buf);
		snprintf(buf, sizeof(buf), "[ %s ]", _("No (n)"));
		tui_put(y + 1, x + w / 2, w / 2 - 4, d->yes ? TUI_PLAIN : TUI_REV, false, buf);
	} else if (d->kind == TUI_DLG_PROMPT) {
		tui_put(y + 1, x + 2, w - 4, TUI_PLAIN, false,
			d->complete_paths ? _("Enter: OK   Tab: complete   Esc: cancel") : _("Enter: OK   Esc: cancel"));
	} else {
		tui_put(y + 1, x + 2, w - 4, TUI_PLAIN, false, _("Press any key"));
	}
}

static void finish(struct tui_app *a, bool ok)
{
	void (*done)(struct tui_app *, bool, const char *) = a->dlg.done;
	char input[sizeof(a->dlg.input)];

	snprintf(input, sizeof(input), "%s", a->dlg.input);
	dlg_reset(a);
	if (done)
		done(a, ok, input);
}

#define TUI_WCHAR_BASE 0x1000000

void tui_dialog_key(struct tui_app *a, int ch)
{
	struct tui_dialog *d = &a->dlg;

	if (d->kind == TUI_DLG_MESSAGE) {
		finish(a, true);
		return;
	}
	if (d->kind == TUI_DLG_CONFIRM) {
		switch (ch) {
		case 'y': case 'Y': finish(a, true); break;
		case 'n': case 'N': case 'q': case 27: finish(a, false); break;
		case KEY_LEFT: case KEY_RIGHT: case '\t': case 'h': case 'l': d->yes = !d->yes; break;
		case '\n': case '\r': case KEY_ENTER: finish(a, d->yes); break;
		}
		return;
	}
	/* prompt */
	switch (ch) {
	case 27: finish(a, false); return;
	case '\n': case '\r': case KEY_ENTER: finish(a, true); return;
	case '\t':
		if (d->complete_paths)
			tui_complete_path(d->input, sizeof(d->input), d->hint, sizeof(d->hint));
		d->cursor = strlen(d->input);
		return;
	case KEY_BACKSPACE: case 127: case 8: {
		size_t len = strlen(d->input);

		while (len && (d->input[len - 1] & 0xc0) == 0x80)
			len--;
		if (len)
			len--;
		d->input[len] = 0;
		d->cursor = len;
		return;
	}
	case 21:	/* Ctrl-U */
		d->input[0] = 0;
		d->cursor = 0;
		return;
	}
	if ((ch >= 32 && ch < 127) || ch >= TUI_WCHAR_BASE) {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		size_t r, len = strlen(d->input);

		memset(&st, 0, sizeof(st));
		r = wcrtomb(mb, (wchar_t)(ch >= TUI_WCHAR_BASE ? ch - TUI_WCHAR_BASE : ch), &st);
		if (r != (size_t)-1 && len + r + 1 < sizeof(d->input)) {
			memcpy(d->input + len, mb, r);
			d->input[len + r] = 0;
			d->cursor = len + r;
		}
		d->hint[0] = 0;
	}
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int tui_complete_path(char *input, size_t size, char *hint, size_t hn)
{
	char dir[PATH_MAX], *slash, **names = NULL, common[PATH_MAX];
	const char *base;
	size_t nn = 0, blen, hl = 0;
	struct dirent *e;
	DIR *d;

	hint[0] = 0;
	slash = strrchr(input, '/');
	if (slash) {
		size_t dl = (size_t)(slash - input) + 1;

		if (dl >= sizeof(dir))
			return 0;
		memcpy(dir, input, dl);
		dir[dl] = 0;
		base = slash + 1;
	} else {
		snprintf(dir, sizeof(dir), "./");
		base = input;
	}
	blen = strlen(base);
	d = opendir(dir);
	if (!d) {
		snprintf(hint, hn, "%s", strerror(errno));
		return 0;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (strncmp(e->d_name, base, blen) || (e->d_name[0] == '.' && base[0] != '.'))
			continue;
		names = rr_xrealloc(names, (nn + 1) * sizeof(char *));
		names[nn++] = rr_xstrdup(e->d_name);
	}
	closedir(d);
	if (nn == 0) {
		snprintf(hint, hn, "%s", _("no match"));
		return 0;
	}
	qsort(names, nn, sizeof(char *), cmp_str);
	snprintf(common, sizeof(common), "%s", names[0]);
	for (size_t i = 1; i < nn; i++) {
		size_t k = 0;

		while (common[k] && common[k] == names[i][k])
			k++;
		common[k] = 0;
	}
	{
		size_t keep = slash ? (size_t)(slash - input) + 1 : 0;
		char full[PATH_MAX + 2];
		char path[PATH_MAX * 2];

		snprintf(full, sizeof(full), "%s", common);
		if (nn == 1) {
			snprintf(path, sizeof(path), "%s%s", dir, common);
			DIR *sub = opendir(path);

			if (sub) {
				closedir(sub);
				snprintf(full, sizeof(full), "%s/", common);
			}
		}
		if (keep + strlen(full) + 1 <= size)
			snprintf(input + keep, size - keep, "%s", full);
	}
	if (nn > 1)
		for (size_t i = 0; i < nn && hl + 1 < hn; i++)
			hl += (size_t)snprintf(hint + hl, hn - hl, "%s%s", i ? "  " : "", names[i]);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return (int)nn;
}

/* The pager ------------------------------------------------------------ */

static struct tui_list pager_list;

static void pager_set(struct tui_app *a, const char *title, const char *text)
{
	const char *p = text;

	tui_free_lines(a->pager_lines, a->npager);
	free(a->pager_title);
	a->pager_lines = NULL;
	a->npager = 0;
	a->pager_title = rr_xstrdup(title);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		a->pager_lines = rr_xrealloc(a->pager_lines, (a->npager + 1) * sizeof(char *));
		a->pager_lines[a->npager] = rr_xmalloc(len + 1);
		memcpy(a->pager_lines[a->npager], p, len);
		a->pager_lines[a->npager][len] = 0;
		a->npager++;
		p += len + (nl ? 1 : 0);
	}
	memset(&pager_list, 0, sizeof(pager_list));
	tui_push(a, &tui_scr_pager);
}

void tui_pager_text(struct tui_app *a, const char *title, const char *text)
{
	pager_set(a, title, text);
}

int tui_pager_file(struct tui_app *a, const char *title, const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t len;

	if (!f)
		return -errno;
	buf = rr_xmalloc(1 << 20);
	len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[len] = 0;
	pager_set(a, title, buf);
	free(buf);
	return 0;
}

static void pager_draw(struct tui_app *a, int top, int rows)
{
	char buf[256];

	tui_put(top, 0, COLS, tui_attr(TUI_A_HEAD), true, a->pager_title ? a->pager_title : "");
	/* The cursor is the first visible line: a pager scrolls. */
	tui_pad_draw(a->pager_lines, a->npager, pager_list.top, top + 1, 0, rows - 2, COLS);
	snprintf(buf, sizeof(buf), _("lines %zu-%zu of %zu"), a->npager ? pager_list.top + 1 : 0,
		 pager_list.top + (size_t)(rows - 2) < a->npager ? pager_list.top + (size_t)(rows - 2) : a->npager,
		 a->npager);
	tui_put(top + rows - 1, 0, COLS, TUI_PLAIN, false, buf);
}

static bool pager_key(struct tui_app *a, enum tui_cmd cmd, int ch)
{
	size_t rows = LINES > 8 ? (size_t)LINES - 6 : 1;
	size_t last = a->npager > rows ? a->npager - rows : 0;
	size_t *t = &pager_list.top;

	/* Scroll the view: there is no cursor in a pager. */
	switch (cmd) {
	case TUI_CMD_UP: if (*t) (*t)--; break;
	case TUI_CMD_DOWN: if (*t < last) (*t)++; break;
	case TUI_CMD_PGUP: *t = *t > rows - 1 ? *t - (rows - 1) : 0; break;
	case TUI_CMD_PGDN: *t = *t + rows - 1 < last ? *t + rows - 1 : last; break;
	case TUI_CMD_HOME: *t = 0; break;
	case TUI_CMD_END: *t = last; break;
	default: return false;
	}
	pager_list.cur = *t;
	return true;
}

const struct tui_screen tui_scr_pager = {
	.id = TUI_SCR_PAGER,
	.title = N_("Pager"),
	.draw = pager_draw,
	.key = pager_key,
};
