/* The ncurses wizard.  One file per screen; each screen is a small ops
 * struct (enter / leave / draw / key).  Keys become command ids through one
 * table (keys.c) that also writes the help screen.  Every frame is drawn in
 * full from the model below (ncurses sends only the difference), and the
 * one place that reacts to a resize is the main loop (app.c).
 *
 * Nothing here decodes, plans or changes the system: the probes decode,
 * core plans, actions/ changes things -- after a confirmation that says
 * exactly what will be written where. */
#ifndef RR_TUI_H
#define RR_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <curses.h>
#include <sys/types.h>

#include "actions/assemble.h"
#include "actions/overlay.h"
#include "actions/trial.h"
#include "core/candidate.h"
#include "core/member.h"

/* What `raidrescue` (no command) and `raidrescue demo` hand the wizard. */
struct rr_wizard_opts {
	const char *session_dir;	/* NULL: ./raidrescue-YYYYmmdd-HHMMSS */
	const char *const *members;	/* paths to preselect, may be NULL */
	size_t nmembers;
	int backend;			/* enum rr_backend; 0: automatic */
};

/* Runs the wizard until the operator quits; returns an exit status. */
int rr_wizard_run(const struct rr_wizard_opts *o);

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24

enum tui_scr_id {
	TUI_SCR_START,
	TUI_SCR_DEVICES,
	TUI_SCR_REVIEW,
	TUI_SCR_ORDERS,
	TUI_SCR_SNAPSHOTS,
	TUI_SCR_TRIALS,
	TUI_SCR_JOURNAL,
	TUI_SCR_HELP,
	TUI_SCR_PAGER,
	TUI_NSCR,
	TUI_SCR_ANY = -1,	/* a key binding valid on every screen */
};

/* Command ids: what a key means. */
enum tui_cmd {
	TUI_CMD_NONE,
	TUI_CMD_UP, TUI_CMD_DOWN, TUI_CMD_LEFT, TUI_CMD_RIGHT,
	TUI_CMD_PGUP, TUI_CMD_PGDN, TUI_CMD_HOME, TUI_CMD_END,
	TUI_CMD_ENTER, TUI_CMD_SPACE, TUI_CMD_TAB,
	TUI_CMD_BACK, TUI_CMD_HELP, TUI_CMD_QUIT, TUI_CMD_NEXT,
	TUI_CMD_GO1, TUI_CMD_GO2, TUI_CMD_GO3, TUI_CMD_GO4, TUI_CMD_GO5, TUI_CMD_GO6, TUI_CMD_GO7,
	TUI_CMD_ADD, TUI_CMD_ALL, TUI_CMD_REFRESH,
	TUI_CMD_MOVE_UP, TUI_CMD_MOVE_DOWN, TUI_CMD_MISSING, TUI_CMD_EDIT,
	TUI_CMD_LEVEL, TUI_CMD_CHUNK, TUI_CMD_LAYOUT, TUI_CMD_METADATA, TUI_CMD_OFFSET,
	TUI_CMD_ROUTE,
	TUI_CMD_OVERLAY, TUI_CMD_ASSEMBLE, TUI_CMD_RUN, TUI_CMD_LOG, TUI_CMD_PROVE, TUI_CMD_VIEW,
	TUI_CMD_UNDO, TUI_CMD_UNDO_ALL, TUI_CMD_SAVE, TUI_CMD_EXPORT,
	TUI_NCMD
};

struct tui_app;

struct tui_screen {
	enum tui_scr_id id;
	const char *title;	/* N_() */
	void (*enter)(struct tui_app *a);
	void (*leave)(struct tui_app *a);
	/* Draw into rows [top, top + rows) of stdscr, full width. */
	void (*draw)(struct tui_app *a, int top, int rows);
	/* A command (ch: the raw key).  Returns true when it used it; an
	 * unused "back" pops the screen. */
	bool (*key)(struct tui_app *a, enum tui_cmd cmd, int ch);
	/* Redraw every second by itself (live gauges). */
	bool live;
};

extern const struct tui_screen tui_scr_start, tui_scr_devices, tui_scr_review, tui_scr_orders,
	tui_scr_snapshots, tui_scr_trials, tui_scr_journal, tui_scr_help, tui_scr_pager;

/* One row of the devices screen: a block device, a partition of one, or
 * an image file the operator named. */
struct tui_dev {
	char *path;
	char *name;		/* shown: "sda", "sda1", or the path */
	char *model, *serial;	/* "" when unknown */
	uint64_t size;
	int depth;		/* 0 disk / image, 1 partition */
	bool is_image;
	bool selected;
	bool examined;
	struct rr_member *m;	/* after examining: what the probes found */
	char *found;		/* one line from every probe's summary */
};

/* A long action in a child process: progress comes through a pipe. */
struct tui_job {
	pid_t pid;		/* 0: none running */
	int fd;			/* read end of the progress pipe */
	char what[128];
	size_t done, total;	/* steps */
	char current[256];	/* what the child is doing now */
	double started;		/* monotonic seconds */
	bool cancelled;
	char *buf;		/* unparsed partial line */
	size_t blen;
	/* Called with each complete line the child wrote, then with NULL
	 * when it has exited (status in exit_status). */
	void (*line)(struct tui_app *a, const char *line);
	int exit_status;
};

/* A modal box over the current screen: a question, a prompt for text
 * (with path completion), or a message. */
enum tui_dlg_kind { TUI_DLG_NONE, TUI_DLG_CONFIRM, TUI_DLG_PROMPT, TUI_DLG_MESSAGE };

struct tui_dialog {
	enum tui_dlg_kind kind;
	char title[128];
	char *text;		/* may hold several lines */
	char input[1024];	/* prompt */
	size_t cursor;		/* byte offset in input */
	bool complete_paths;
	int yes;		/* confirm: which button has the focus */
	char hint[256];		/* completion candidates shown under the input */
	void (*done)(struct tui_app *a, bool ok, const char *input);
};

struct tui_app {
	struct rr_wizard_opts opts;
	char *session_dir;
	struct rr_session *sess;	/* NULL until a session is opened */
	bool dm_ok;		/* a backend can run here (kernel or userspace) */
	char dm_why[256];
	int backend;		/* enum rr_backend in use (actions/backend.h) */
	bool color;

	/* Devices and the chosen members (indexes into devs, in order). */
	struct tui_dev *devs;
	size_t ndevs;
	size_t *members;
	size_t nmembers;
	bool members_changed;		/* candidates must be rebuilt */

	/* Candidates for the orders and trials screens. */
	struct rr_candidate *cands;
	size_t ncands;
	bool *chosen;			/* candidates marked for the trials */
	size_t cur_cand;
	enum rr_via via;

	/* Trial results (same order as the chosen candidates). */
	struct tui_trial_row *trials;
	size_t ntrials;

	/* Journal view: the session's, or a saved one opened for replay. */
	char *journal_path;

	const struct tui_screen *stack[16];
	int depth;
	struct tui_dialog dlg;
	struct tui_job job;
	char status[512];
	bool quit;

	/* The pager's text (a checker log, a decode). */
	char *pager_title;
	char **pager_lines;
	size_t npager;
};

/* One filesystem result of one trial, for the trials screen. */
struct tui_trial_row {
	size_t cand;		/* index into cands */
	int assembled;
	char error[256];
	char what[128], type[32], result[64], log[1024];
	double score;
};

/* app.c */
const struct tui_screen *tui_current(const struct tui_app *a);
void tui_push(struct tui_app *a, const struct tui_screen *s);
void tui_pop(struct tui_app *a);
/* Replace everything above the start screen by s (the 1..7 keys). */
void tui_goto(struct tui_app *a, const struct tui_screen *s);
void tui_status(struct tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tui_open_session(struct tui_app *a, const char *dir, int create);
char *tui_journal_file(const struct tui_app *a);
/* The chosen member i (0..nmembers), examined. */
struct rr_member *tui_member(struct tui_app *a, size_t i);
/* Rebuild the candidates when the members changed. */
void tui_need_candidates(struct tui_app *a);
/* Start fn in a child; it reports with tui_job_report(fd, ...) lines. */
int tui_job_start(struct tui_app *a, const char *what, size_t total,
		  void (*fn)(struct tui_app *a, int fd, void *ctx), void *ctx,
		  void (*line)(struct tui_app *a, const char *line));
void tui_job_report(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_job_poll(struct tui_app *a);
void tui_job_cancel(struct tui_app *a);
/* A child's "P DONE TOTAL what it does now" line into a->job; false for
 * any other line. */
bool tui_job_progress(struct tui_app *a, const char *line);
/* Close and open the session again (after a child wrote its journal). */
void tui_reopen_session(struct tui_app *a);
/* In the child: true once the operator asked to stop (Esc). */
bool tui_job_cancelled(void);
/* Add an image or device by path to the devices list. */
void tui_add_image(struct tui_app *a, const char *path, bool selected);
/* Make the member list follow the devices' selection. */
void tui_sync_members(struct tui_app *a);

/* path relative to the working directory when it lies under it (shorter
 * on an 80-column screen), else path itself. */
const char *tui_short(const char *path);

/* keys.c */
enum tui_cmd tui_key_cmd(enum tui_scr_id scr, int ch);
/* Help lines for a screen (global keys then its own), malloc'd list. */
size_t tui_key_help(enum tui_scr_id scr, char ***lines);
/* Name a key the way the help shows it. */
const char *tui_key_name(int ch, char *buf, size_t n);

/* widgets.c: drawing (all text is UTF-8, measured in columns). */
/* curses attributes as int, so "cond ? a : b" mixes no signedness. */
#define TUI_PLAIN ((int)A_NORMAL)
#define TUI_REV ((int)A_REVERSE)
#define TUI_BOLD ((int)A_BOLD)
enum tui_attr { TUI_A_NORMAL, TUI_A_TITLE, TUI_A_CURSOR, TUI_A_WARN, TUI_A_GOOD, TUI_A_BAD,
		TUI_A_DIM, TUI_A_HEAD, TUI_A_SELECTED, TUI_NATTR };
void tui_colors_init(struct tui_app *a);
int tui_attr(enum tui_attr k);
/* Display width of a UTF-8 string. */
int tui_width(const char *s);
/* Draw s at (y, x) in at most w columns, padding with blanks to w when
 * pad; returns the columns used. */
int tui_put(int y, int x, int w, int attr, bool pad, const char *s);
int tui_putf(int y, int x, int w, int attr, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Fit s into w columns into buf (cut with "~" at the end when longer). */
const char *tui_fit(const char *s, int w, char *buf, size_t n);
/* Word-wrap s to width w; returns the number of lines, malloc'd list. */
size_t tui_wrap(const char *s, int w, char ***lines);
void tui_free_lines(char **lines, size_t n);
/* "[#####.....]  45%" */
void tui_gauge(int y, int x, int w, int permille, int attr);
/* A list cursor: keep cur in [0, n) and visible in rows. */
struct tui_list { size_t cur, top; };
bool tui_list_key(struct tui_list *l, enum tui_cmd cmd, size_t n, int rows);
void tui_list_fix(struct tui_list *l, size_t n, int rows);
/* Dialogs. */
void tui_confirm(struct tui_app *a, const char *title, const char *text,
		 void (*done)(struct tui_app *a, bool ok, const char *input));
void tui_prompt(struct tui_app *a, const char *title, const char *text, const char *initial,
		bool paths, void (*done)(struct tui_app *a, bool ok, const char *input));
void tui_message(struct tui_app *a, const char *title, const char *text);
void tui_dialog_draw(struct tui_app *a);
void tui_dialog_key(struct tui_app *a, int ch);
/* Longest common completion of a path prefix; candidates into hint. */
int tui_complete_path(char *input, size_t size, char *hint, size_t hn);
/* Open the pager on text (lines split at '\n') or a file. */
void tui_pager_text(struct tui_app *a, const char *title, const char *text);
int tui_pager_file(struct tui_app *a, const char *title, const char *path);
/* A scrollable pad of text lines copied into the region (the review's
 * detail pane, the pager). */
void tui_pad_draw(char **lines, size_t n, size_t first, int top, int left, int rows, int cols);

/* candidates_fallback.c: the one function the screens call for
 * candidates, until core/plan.h lands. */
int tui_candidates_build(struct rr_member *const *members, size_t n, struct rr_candidate **out,
			 size_t *ncands);
void tui_candidates_free(struct rr_candidate *c, size_t n);

/* Shared by the screens. */
void tui_member_label(struct tui_app *a, int slot_member, char *buf, size_t n);
const char *tui_via_name(enum rr_via v);
/* The route assemblies take here: the chosen one, or "userspace". */
const char *tui_route_name(const struct tui_app *a);
void tui_candidate_line(struct tui_app *a, const struct rr_candidate *c, char *buf, size_t n);
/* c with its slots naming the session's overlays (indexes into ovs)
 * instead of the chosen members; -ENOENT when a member has none. */
int tui_cand_on_overlays(struct tui_app *a, const struct rr_candidate *c, const struct rr_overlay *ovs, size_t nov,
			 struct rr_candidate *out);
/* What the screens that need device-mapper show without it. */
bool tui_need_dm(struct tui_app *a, int top, int rows);

#endif
