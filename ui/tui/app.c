/* The wizard's main loop: the screen stack, the one place that handles a
 * resize, the too-small check, colours or monochrome, the status line, the
 * background job (a child process that reports through a pipe), and the
 * headless test harness (keys from a script, screen dumps to files). */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "actions/backend.h"
#include "actions/dm.h"
#include "actions/session.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "probes/probe.h"
#include "ui/cli.h"
#include "ui/tui/tui.h"

#define TUI_WCHAR_BASE 0x1000000
#define KEY_NOP (-2)

static const struct tui_screen *const steps[] = {
	&tui_scr_start, &tui_scr_devices, &tui_scr_review, &tui_scr_orders,
	&tui_scr_snapshots, &tui_scr_trials, &tui_scr_journal,
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* Screen stack ---------------------------------------------------------- */

const struct tui_screen *tui_current(const struct tui_app *a)
{
	return a->stack[a->depth - 1];
}

void tui_push(struct tui_app *a, const struct tui_screen *s)
{
	if (a->depth >= (int)(sizeof(a->stack) / sizeof(a->stack[0])))
		return;
	if (a->depth && tui_current(a)->leave)
		tui_current(a)->leave(a);
	a->stack[a->depth++] = s;
	if (s->enter)
		s->enter(a);
}

void tui_pop(struct tui_app *a)
{
	if (a->depth <= 1) {
		a->quit = true;
		return;
	}
	if (tui_current(a)->leave)
		tui_current(a)->leave(a);
	a->depth--;
	if (tui_current(a)->enter)
		tui_current(a)->enter(a);
}

void tui_goto(struct tui_app *a, const struct tui_screen *s)
{
	if (tui_current(a) == s)
		return;
	if (tui_current(a)->leave)
		tui_current(a)->leave(a);
	a->depth = 1;
	if (s != a->stack[0])
		a->stack[a->depth++] = s;
	if (s->enter)
		s->enter(a);
}

void tui_status(struct tui_app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->status, sizeof(a->status), fmt, ap);
	va_end(ap);
}

/* Model helpers --------------------------------------------------------- */

int tui_open_session(struct tui_app *a, const char *dir, int create)
{
	struct rr_session *s;
	int r = rr_session_open(dir, create, &s);

	if (r < 0) {
		if (r == -EBUSY)
			tui_status(a, _("%s: the session is in use by another raidrescue"), dir);
		else if (r == -ENOENT)
			tui_status(a, _("%s: no session here (no session.json)"), dir);
		else
			tui_status(a, _("%s: cannot open the session: %s"), dir, strerror(-r));
		return r;
	}
	/* The session's backend: the one it was made with, else the
	 * wizard's (recorded now). */
	if (a->dm_ok) {
		char msg[512];

		if (rr_backend_choose(s, (enum rr_backend)a->backend, msg, sizeof(msg)) < 0) {
			tui_status(a, "%s", msg);
			rr_session_close(s);
			return -EINVAL;
		}
		a->backend = s->backend;
	}
	if (a->sess)
		rr_session_close(a->sess);
	a->sess = s;
	free(a->session_dir);
	a->session_dir = rr_xstrdup(s->dir);
	free(a->journal_path);
	a->journal_path = rr_session_file(s, "journal.jsonl");
	return 0;
}

char *tui_journal_file(const struct tui_app *a)
{
	return a->journal_path ? rr_xstrdup(a->journal_path) : NULL;
}

struct rr_member *tui_member(struct tui_app *a, size_t i)
{
	struct tui_dev *d = &a->devs[a->members[i]];

	if (!d->m)
		d->m = rr_examine_path(d->path);
	return d->m;
}

void tui_need_candidates(struct tui_app *a)
{
	struct rr_member **ms;

	if (!a->members_changed && a->cands)
		return;
	tui_candidates_free(a->cands, a->ncands);
	free(a->chosen);
	a->cands = NULL;
	a->ncands = 0;
	a->chosen = NULL;
	a->cur_cand = 0;
	ms = rr_xcalloc(a->nmembers + 1, sizeof(*ms));
	for (size_t i = 0; i < a->nmembers; i++)
		ms[i] = tui_member(a, i);
	tui_candidates_build(ms, a->nmembers, &a->cands, &a->ncands);
	free(ms);
	a->chosen = rr_xcalloc(a->ncands + 1, sizeof(bool));
	/* The best three are tried unless the operator says otherwise. */
	for (size_t i = 0; i < a->ncands && i < 3; i++)
		a->chosen[i] = true;
	a->members_changed = false;
}

void tui_member_label(struct tui_app *a, int slot_member, char *buf, size_t n)
{
	const char *p, *base;

	if (slot_member == RR_CAND_MISSING || (size_t)slot_member >= a->nmembers) {
		snprintf(buf, n, "%s", "missing");
		return;
	}
	p = a->devs[a->members[slot_member]].path;
	base = strrchr(p, '/');
	snprintf(buf, n, "%s", base && base[1] ? base + 1 : p);
}

const char *tui_via_name(enum rr_via v)
{
	switch (v) {
	case RR_VIA_DMRAID: return "dm-raid";
	case RR_VIA_MDADM: return "mdadm";
	case RR_VIA_USERSPACE: return "userspace";
	default: return "auto";
	}
}

const char *tui_route_name(const struct tui_app *a)
{
	/* the userspace backend has one route of its own */
	return tui_via_name(a->backend == RR_BACKEND_USERSPACE ? RR_VIA_USERSPACE : a->via);
}

bool tui_need_dm(struct tui_app *a, int top, int rows)
{
	char **lines, *text;
	size_t n;

	if (a->dm_ok)
		return false;
	text = rr_xasprintf(_("This screen needs a backend for snapshots (device-mapper, or the userspace "
			      "one over FUSE), and neither can be used here: %s.\n\n"
			      "The start, devices, review, orders and journal screens work without it "
			      "(a read-only review)."), a->dm_why);
	n = tui_wrap(text, COLS - 4, &lines);
	for (size_t i = 0; i < n && (int)i < rows - 1; i++)
		tui_put(top + 1 + (int)i, 2, COLS - 4, i == 0 ? tui_attr(TUI_A_WARN) : TUI_PLAIN, false, lines[i]);
	tui_free_lines(lines, n);
	free(text);
	return true;
}

const char *tui_short(const char *path)
{
	static char cwd[4096];
	size_t n;

	if (!path)
		return "";
	if (!cwd[0] && !getcwd(cwd, sizeof(cwd)))
		return path;
	n = strlen(cwd);
	if (!strncmp(path, cwd, n) && path[n] == '/' && path[n + 1])
		return path + n + 1;
	return path;
}

/* The background job ---------------------------------------------------- */

static volatile sig_atomic_t child_cancel;

static void on_cancel(int sig)
{
	child_cancel = 1;
}

bool tui_job_cancelled(void)
{
	return child_cancel != 0;
}

void tui_job_report(int fd, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len > sizeof(buf) - 2)
		len = (int)sizeof(buf) - 2;
	buf[len++] = '\n';
	for (char *p = buf; len > 0;) {
		ssize_t w = write(fd, p, (size_t)len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		len -= (int)w;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int tui_job_start(struct tui_app *a, const char *what, size_t total,
		  void (*fn)(struct tui_app *a, int fd, void *ctx), void *ctx,
		  void (*line)(struct tui_app *a, const char *line))
{
	int p[2];
	pid_t pid;

	if (a->job.pid)
		return -EBUSY;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		/* The child never touches the terminal: messages go to the
		 * session's log directory, the screen stays the parent's. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		char *log = a->sess ? rr_session_file(a->sess, "wizard-job.log") : NULL;
		int lfd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;

		signal(SIGUSR1, on_cancel);
		signal(SIGINT, SIG_IGN);
		close(p[0]);
		if (null >= 0) {
			dup2(null, 0);
			dup2(lfd >= 0 ? lfd : null, 1);
			dup2(lfd >= 0 ? lfd : null, 2);
		}
		fn(a, p[1], ctx);
		close(p[1]);
		_exit(0);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	memset(&a->job, 0, sizeof(a->job));
	a->job.pid = pid;
	a->job.fd = p[0];
	a->job.total = total;
	a->job.started = now_s();
	a->job.line = line;
	snprintf(a->job.what, sizeof(a->job.what), "%s", what);
	return 0;
}

void tui_job_poll(struct tui_app *a)
{
	struct tui_job *j = &a->job;
	char buf[4096];
	ssize_t r;

	if (!j->pid)
		return;
	while ((r = read(j->fd, buf, sizeof(buf))) > 0) {
		j->buf = rr_xrealloc(j->buf, j->blen + (size_t)r + 1);
		memcpy(j->buf + j->blen, buf, (size_t)r);
		j->blen += (size_t)r;
		j->buf[j->blen] = 0;
		for (char *nl; (nl = memchr(j->buf, '\n', j->blen));) {
			size_t len = (size_t)(nl - j->buf) + 1;

			*nl = 0;
			if (j->line)
				j->line(a, j->buf);
			memmove(j->buf, j->buf + len, j->blen - len);
			j->blen -= len;
		}
	}
	if (r == 0) {
		int st = 0;

		waitpid(j->pid, &st, 0);
		close(j->fd);
		free(j->buf);
		j->buf = NULL;
		j->blen = 0;
		j->pid = 0;
		j->exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (j->line)
			j->line(a, NULL);
	}
}

void tui_reopen_session(struct tui_app *a)
{
	char dir[4096];

	/* a job's child wrote the journal: read the numbering afresh */
	if (!a->sess)
		return;
	snprintf(dir, sizeof(dir), "%s", a->sess->dir);
	rr_session_close(a->sess);
	a->sess = NULL;
	tui_open_session(a, dir, 0);
}

bool tui_job_progress(struct tui_app *a, const char *line)
{
	size_t i, n;
	int off = 0;

	if (line[0] != 'P' || sscanf(line, "P %zu %zu %n", &i, &n, &off) < 2)
		return false;
	a->job.done = i;
	a->job.total = n;
	snprintf(a->job.current, sizeof(a->job.current), "%s", line + off);
	return true;
}

void tui_job_cancel(struct tui_app *a)
{
	if (a->job.pid && !a->job.cancelled) {
		/* The child stops after the candidate in hand and tears it
		 * down, so the journal stays consistent. */
		kill(a->job.pid, SIGUSR1);
		a->job.cancelled = true;
	}
}

/* Drawing --------------------------------------------------------------- */

static bool too_small(void)
{
	return COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS;
}

static void draw_too_small(void)
{
	char **lines, *text;
	size_t n;

	text = rr_xasprintf(_("The terminal is too small: %dx%d. The wizard needs at least %dx%d. "
			      "Enlarge the window, or press q to quit."),
			    COLS, LINES, TUI_MIN_COLS, TUI_MIN_ROWS);
	n = tui_wrap(text, COLS > 10 ? COLS - 2 : 8, &lines);
	for (size_t i = 0; i < n; i++)
		tui_put(LINES / 2 - (int)n / 2 + (int)i, 1, COLS - 1, TUI_BOLD, false, lines[i]);
	tui_free_lines(lines, n);
	free(text);
}

static void draw_frame(struct tui_app *a)
{
	const struct tui_screen *cur = tui_current(a);
	char buf[1024], fit[1024];
	int x = 0;

	/* Title. */
	snprintf(buf, sizeof(buf), " raidrescue %s — %s", RR_VERSION, _(cur->title));
	tui_put(0, 0, COLS, tui_attr(TUI_A_TITLE), true, buf);
	/* The wizard's steps, the current one highlighted. */
	for (size_t i = 0; i < NSTEPS && x < COLS; i++) {
		snprintf(buf, sizeof(buf), "%zu %s", i + 1, _(steps[i]->title));
		x += tui_put(1, x, COLS - x, steps[i] == cur ? tui_attr(TUI_A_CURSOR) : TUI_PLAIN, false, buf);
		x += tui_put(1, x, COLS - x, TUI_PLAIN, false, "  ");
	}
	/* Message line, then the backend and session. */
	if (a->job.pid && cur != &tui_scr_trials) {
		snprintf(buf, sizeof(buf), _("%s: %zu of %zu done (screen 6 shows the progress)"), a->job.what,
			 a->job.done, a->job.total);
		tui_put(LINES - 2, 0, COLS, tui_attr(TUI_A_WARN), true, buf);
	} else {
		tui_put(LINES - 2, 0, COLS, tui_attr(TUI_A_WARN), true, a->status);
	}
	snprintf(buf, sizeof(buf), " %s  |  %s: %s  |  ? %s",
		 a->dm_ok ? rr_backend_describe((enum rr_backend)a->backend) : _("no device-mapper: read-only review"),
		 _("session"), a->sess ? tui_short(a->sess->dir) : _("none yet"), _("help"));
	tui_put(LINES - 1, 0, COLS, tui_attr(TUI_A_TITLE), true, tui_fit(buf, COLS, fit, sizeof(fit)));
}

static void draw(struct tui_app *a)
{
	erase();
	if (too_small()) {
		draw_too_small();
	} else {
		draw_frame(a);
		tui_current(a)->draw(a, 2, LINES - 4);
		tui_dialog_draw(a);
	}
	refresh();
}

/* The headless harness -------------------------------------------------- */

struct script {
	FILE *f;
	const char *dump_dir;
	int pending;		/* repeat count of the last key */
	int key;
	char *text;		/* "type" text still to send */
	size_t tpos;
};

static void dump_screen(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	f = fopen(path, "we");
	if (!f)
		return;
	for (int y = 0; y < LINES; y++) {
		wchar_t row[1024];
		char mb[4096];
		int n = mvinnwstr(y, 0, row, COLS < 1023 ? COLS : 1023);
		size_t len;

		if (n < 0)
			n = 0;
		row[n] = 0;
		len = wcstombs(mb, row, sizeof(mb) - 1);
		if (len == (size_t)-1)
			len = 0;
		mb[len] = 0;
		while (len && mb[len - 1] == ' ')
			mb[--len] = 0;
		fprintf(f, "%s\n", mb);
	}
	fclose(f);
}

static int key_by_name(const char *s)
{
	static const struct { const char *name; int key; } names[] = {
		{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
		{ "Enter", '\n' }, { "Esc", 27 }, { "Space", ' ' }, { "Tab", '\t' }, { "F1", KEY_F(1) },
		{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
		{ "Backspace", KEY_BACKSPACE },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].key;
	if (s[0] && !s[1])
		return (unsigned char)s[0];
	return KEY_NOP;
}

/* Next key from the script; directives are carried out on the way (the
 * screen is already drawn when this is called). */
static int script_key(struct tui_app *a, struct script *sc)
{
	char line[4096];

	for (;;) {
		if (sc->pending > 0) {
			sc->pending--;
			return sc->key;
		}
		if (sc->text) {
			mbstate_t st;
			wchar_t wc;
			size_t r;

			memset(&st, 0, sizeof(st));
			if (!sc->text[sc->tpos]) {
				free(sc->text);
				sc->text = NULL;
				continue;
			}
			r = mbrtowc(&wc, sc->text + sc->tpos, MB_CUR_MAX, &st);
			if (r == (size_t)-1 || r == (size_t)-2 || r == 0)
				r = 1, wc = (unsigned char)sc->text[sc->tpos];
			sc->tpos += r;
			return wc < 128 ? (int)wc : TUI_WCHAR_BASE + (int)wc;
		}
		if (!fgets(line, sizeof(line), sc->f))
			return 'Q' | 0x40000000;	/* the end of the script quits */
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		if (!strncmp(line, "key ", 4)) {
			char name[64];
			int count = 1;

			if (sscanf(line + 4, "%63s %d", name, &count) < 1)
				continue;
			sc->key = key_by_name(name);
			sc->pending = count > 0 ? count : 1;
		} else if (!strncmp(line, "type ", 5)) {
			sc->text = rr_xstrdup(line + 5);
			sc->tpos = 0;
		} else if (!strncmp(line, "dump ", 5)) {
			if (sc->dump_dir)
				dump_screen(sc->dump_dir, line + 5);
		} else if (!strcmp(line, "wait")) {
			while (a->job.pid) {
				usleep(20000);
				tui_job_poll(a);
			}
			return KEY_NOP;
		} else if (!strncmp(line, "resize ", 7)) {
			int c, r;

			if (sscanf(line + 7, "%dx%d", &c, &r) == 2) {
				resizeterm(r, c);
				return KEY_RESIZE;
			}
		}
	}
}

/* Input ----------------------------------------------------------------- */

static int read_key(void)
{
	wint_t wc;
	int r = get_wch(&wc);

	if (r == ERR)
		return ERR;
	if (r == KEY_CODE_YES)
		return (int)wc;
	return wc < 128 ? (int)wc : TUI_WCHAR_BASE + (int)wc;
}

static void handle_key(struct tui_app *a, int ch)
{
	const struct tui_screen *cur = tui_current(a);
	enum tui_cmd cmd;

	if (ch == KEY_NOP || ch == ERR)
		return;
	if (ch == KEY_RESIZE)
		return;		/* the next frame is drawn at the new size */
	if (too_small()) {
		if (ch == 'q' || ch == 'Q' || ch == 27)
			a->quit = true;
		return;
	}
	if (a->dlg.kind != TUI_DLG_NONE) {
		tui_dialog_key(a, ch);
		return;
	}
	a->status[0] = 0;
	cmd = tui_key_cmd(cur->id, ch);
	switch (cmd) {
	case TUI_CMD_QUIT:
		a->quit = true;
		return;
	case TUI_CMD_HELP:
		if (cur != &tui_scr_help)
			tui_push(a, &tui_scr_help);
		return;
	case TUI_CMD_GO1: case TUI_CMD_GO2: case TUI_CMD_GO3: case TUI_CMD_GO4:
	case TUI_CMD_GO5: case TUI_CMD_GO6: case TUI_CMD_GO7:
		tui_goto(a, steps[cmd - TUI_CMD_GO1]);
		return;
	case TUI_CMD_NEXT:
		for (size_t i = 0; i + 1 < NSTEPS; i++)
			if (steps[i] == cur) {
				tui_push(a, steps[i + 1]);
				return;
			}
		break;
	default:
		break;
	}
	if (!cur->key(a, cmd, ch) && cmd == TUI_CMD_BACK)
		tui_pop(a);
}

/* Run ------------------------------------------------------------------- */

static void add_image(struct tui_app *a, const char *path, bool selected)
{
	struct tui_dev *d;

	for (size_t i = 0; i < a->ndevs; i++)
		if (!strcmp(a->devs[i].path, path)) {
			a->devs[i].selected = a->devs[i].selected || selected;
			return;
		}
	a->devs = rr_xrealloc(a->devs, (a->ndevs + 1) * sizeof(*a->devs));
	d = &a->devs[a->ndevs++];
	memset(d, 0, sizeof(*d));
	d->path = rr_xstrdup(path);
	d->name = rr_xstrdup(path);
	d->model = rr_xstrdup("");
	d->serial = rr_xstrdup("");
	d->is_image = true;
	d->selected = selected;
}

void tui_add_image(struct tui_app *a, const char *path, bool selected)
{
	add_image(a, path, selected);
}

void tui_sync_members(struct tui_app *a)
{
	size_t n = 0;
	bool changed = false;

	for (size_t i = 0; i < a->ndevs; i++)
		if (a->devs[i].selected)
			n++;
	if (n != a->nmembers)
		changed = true;
	else
		for (size_t i = 0, k = 0; i < a->ndevs; i++)
			if (a->devs[i].selected && a->members[k++] != i)
				changed = true;
	if (!changed)
		return;
	free(a->members);
	a->members = rr_xcalloc(n + 1, sizeof(size_t));
	a->nmembers = 0;
	for (size_t i = 0; i < a->ndevs; i++)
		if (a->devs[i].selected)
			a->members[a->nmembers++] = i;
	a->members_changed = true;
}

static void app_free(struct tui_app *a)
{
	for (size_t i = 0; i < a->ndevs; i++) {
		struct tui_dev *d = &a->devs[i];

		free(d->path);
		free(d->name);
		free(d->model);
		free(d->serial);
		free(d->found);
		rr_member_free(d->m);
	}
	free(a->devs);
	free(a->members);
	tui_candidates_free(a->cands, a->ncands);
	free(a->chosen);
	free(a->trials);
	free(a->journal_path);
	free(a->session_dir);
	free(a->dlg.text);
	tui_free_lines(a->pager_lines, a->npager);
	free(a->pager_title);
	if (a->sess)
		rr_session_close(a->sess);
}

int rr_wizard_run(const struct rr_wizard_opts *o)
{
	const char *script_path = getenv("RAIDRESCUE_TUI_SCRIPT");
	struct tui_app app;
	struct script sc = { 0 };
	FILE *out = NULL, *in = NULL;
	SCREEN *scr = NULL;
	struct stat st;
	char *p;

	memset(&app, 0, sizeof(app));
	app.opts = *o;
	app.session_dir = o->session_dir ? rr_xstrdup(o->session_dir) : rr_session_default_dir();
	/* The backend: device-mapper when it can be used, else userspace
	 * (FUSE); --backend forces one. */
	app.backend = o->backend ? o->backend : (int)rr_backend_auto(app.dm_why, sizeof(app.dm_why));
	app.dm_ok = rr_backend_usable((enum rr_backend)app.backend, app.dm_why, sizeof(app.dm_why)) == 0;
	for (size_t i = 0; i < o->nmembers; i++)
		add_image(&app, o->members[i], true);
	tui_sync_members(&app);
	/* An existing session is resumed as it is (nothing is written). */
	p = rr_xasprintf("%s/session.json", app.session_dir);
	if (stat(p, &st) == 0)
		tui_open_session(&app, app.session_dir, 0);
	free(p);

	if (script_path) {
		const char *dir = getenv("RAIDRESCUE_TUI_DUMP");
		char *tp = dir ? rr_xasprintf("%s/terminal.out", dir) : rr_xstrdup("/dev/null");

		sc.f = fopen(script_path, "re");
		sc.dump_dir = dir;
		out = fopen(tp, "we");
		in = fopen("/dev/null", "re");
		free(tp);
		if (!sc.f || !out || !in) {
			rr_err(script_path, "%s", _("cannot open the key script or the dump directory"));
			app_free(&app);
			return RR_EXIT_FAIL;
		}
		scr = newterm(NULL, out, in);
		if (!scr) {
			rr_err(NULL, "%s", _("cannot start curses on this terminal type (TERM)"));
			app_free(&app);
			return RR_EXIT_FAIL;
		}
		set_term(scr);
	} else {
		if (!isatty(0) || !isatty(1)) {
			rr_err(NULL, "%s", _("the wizard needs a terminal; use the commands (raidrescue --help) in scripts"));
			app_free(&app);
			return RR_EXIT_FAIL;
		}
		if (!initscr()) {
			app_free(&app);
			return RR_EXIT_FAIL;
		}
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	tui_colors_init(&app);
	if (!app.dm_ok)
		tui_status(&app, "%s", app.dm_why);
	tui_push(&app, &tui_scr_start);
	if (o->nmembers)
		tui_push(&app, &tui_scr_devices);

	while (!app.quit) {
		int ch;

		tui_job_poll(&app);
		draw(&app);
		if (sc.f) {
			ch = script_key(&app, &sc);
			if (ch == ('Q' | 0x40000000)) {
				tui_job_cancel(&app);
				break;
			}
		} else {
			/* Live screens and a running job redraw on their own. */
			timeout(app.job.pid || tui_current(&app)->live ? 500 : -1);
			ch = read_key();
		}
		handle_key(&app, ch);
	}
	/* Leave no child behind: it finishes its candidate and tears it
	 * down (the journal stays consistent), then we reap it. */
	if (app.job.pid) {
		tui_job_cancel(&app);
		while (app.job.pid) {
			usleep(50000);
			tui_job_poll(&app);
		}
	}
	endwin();
	if (scr)
		delscreen(scr);
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	if (sc.f)
		fclose(sc.f);
	free(sc.text);
	app_free(&app);
	return RR_EXIT_OK;
}

int rr_cmd_wizard(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "backend", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_wizard_opts o = { 0 };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': o.session_dir = optarg; break;
		case 'B':
			if (rr_cli_parse_backend(optarg, &o.backend) < 0)
				return rr_cmd_usage_error(cmd, _("--backend %s: say kernel, userspace or auto"), optarg);
			break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	o.members = (const char *const *)(argv + optind);
	o.nmembers = (size_t)(argc - optind);
	return rr_wizard_run(&o);
}
