/* Screen 1, start: new session, resume one, replay a saved journal, clean
 * up leftovers; and the md arrays of this machine with their health. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/teardown.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/mdstat.h"
#include "core/msg.h"
#include "ui/tui/tui.h"

enum { ITEM_NEW, ITEM_RESUME, ITEM_REPLAY, ITEM_CLEANUP, NITEMS };

static struct tui_list list;
static struct rr_mdstat mdstat;
static int mdstat_err;

static void read_mdstat(void)
{
	const char *path = getenv("RAIDRESCUE_TUI_MDSTAT");

	rr_mdstat_free(&mdstat);
	mdstat_err = rr_mdstat_read(path && *path ? path : "/proc/mdstat", &mdstat);
}

static void start_enter(struct tui_app *a)
{
	read_mdstat();
}

static void start_leave(struct tui_app *a)
{
	rr_mdstat_free(&mdstat);
}

static void item_text(struct tui_app *a, int i, char *buf, size_t n)
{
	switch (i) {
	case ITEM_NEW:
		if (a->sess)
			snprintf(buf, n, _("Continue with the session %s"), tui_short(a->sess->dir));
		else
			snprintf(buf, n, _("New session in %s"), a->session_dir);
		break;
	case ITEM_RESUME: snprintf(buf, n, "%s", _("Resume a session directory...")); break;
	case ITEM_REPLAY: snprintf(buf, n, "%s", _("Open a saved journal (replay)...")); break;
	default: snprintf(buf, n, "%s", _("Clean up leftovers (every RAIDRESCUE- device of this machine)")); break;
	}
}

static void draw_arrays(int y, int rows)
{
	const char *sysroot = getenv("RAIDRESCUE_TUI_SYSFS");

	tui_put(y++, 0, COLS, tui_attr(TUI_A_HEAD), false, _("md arrays of this machine (/proc/mdstat)"));
	rows--;
	if (mdstat_err < 0) {
		tui_putf(y, 2, COLS - 2, TUI_PLAIN, _("none: %s (no md driver loaded)"), strerror(-mdstat_err));
		return;
	}
	if (!mdstat.narrays) {
		tui_put(y, 2, COLS - 2, TUI_PLAIN, false, _("none"));
		return;
	}
	for (size_t i = 0; i < mdstat.narrays && rows > 0; i++, rows--) {
		const struct rr_mdstat_array *ar = &mdstat.arrays[i];
		struct rr_md_sysfs sys;
		char health[128], mem[512];
		size_t ml = 0;
		int attr = TUI_PLAIN;

		mem[0] = 0;
		for (size_t k = 0; k < ar->nmembers && ml + 1 < sizeof(mem); k++)
			ml += (size_t)snprintf(mem + ml, sizeof(mem) - ml, "%s%s%s", k ? " " : "", ar->members[k].name,
					       ar->members[k].faulty ? "(F)" : ar->members[k].spare ? "(S)" : "");
		if (!ar->active) {
			snprintf(health, sizeof(health), "%s", _("inactive"));
			attr = tui_attr(TUI_A_WARN);
		} else if (rr_mdstat_degraded(ar)) {
			snprintf(health, sizeof(health), _("DEGRADED %u/%u"), ar->working, ar->raid_disks);
			attr = tui_attr(TUI_A_BAD);
		} else {
			snprintf(health, sizeof(health), _("healthy %u/%u"), ar->working, ar->raid_disks);
			attr = tui_attr(TUI_A_GOOD);
		}
		if (ar->sync_action[0] && ar->sync_permille >= 0) {
			size_t hl = strlen(health);

			snprintf(health + hl, sizeof(health) - hl, ", %s %d.%d%%", ar->sync_action,
				 ar->sync_permille / 10, ar->sync_permille % 10);
		}
		if (rr_md_sysfs_read(sysroot && *sysroot ? sysroot : "/sys", ar->name, &sys) == 0 && sys.array_state[0]) {
			size_t hl = strlen(health);

			snprintf(health + hl, sizeof(health) - hl, ", %s", sys.array_state);
		}
		tui_putf(y, 2, 8, TUI_BOLD, "%s", ar->name);
		tui_putf(y, 10, 8, TUI_PLAIN, "%s", ar->active ? ar->level : "-");
		tui_putf(y, 18, 6, TUI_PLAIN, "%s", ar->super[0] ? ar->super : "0.90");
		tui_put(y, 24, 26, attr, false, health);
		tui_putf(y, 51, COLS - 51, TUI_PLAIN, "%s %s", ar->status[0] ? ar->status : "", mem);
		y++;
	}
}

static void start_draw(struct tui_app *a, int top, int rows)
{
	char buf[1024], fit[1024];

	tui_put(top, 0, COLS, TUI_PLAIN, false,
		_("Recover a failed md RAID array without writing to its disks. Choose:"));
	for (int i = 0; i < NITEMS; i++) {
		item_text(a, i, buf, sizeof(buf));
		tui_put(top + 2 + i, 2, COLS - 4, (size_t)i == list.cur ? tui_attr(TUI_A_CURSOR) : TUI_PLAIN, true,
			tui_fit(buf, COLS - 4, fit, sizeof(fit)));
	}
	draw_arrays(top + 3 + NITEMS, rows - 3 - NITEMS);
}

static void created(struct tui_app *a, bool ok, const char *in)
{
	if (!ok)
		return;
	if (tui_open_session(a, a->session_dir, 1) == 0) {
		tui_status(a, _("session %s opened"), tui_short(a->sess->dir));
		tui_push(a, &tui_scr_devices);
	}
}

static void resumed(struct tui_app *a, bool ok, const char *in)
{
	struct rr_journal_view v;

	if (!ok || !*in)
		return;
	if (tui_open_session(a, in, 0) < 0)
		return;
	/* The members the session overlaid are its members again. */
	if (rr_journal_read(a->journal_path, &v) == 0) {
		for (size_t i = 0; i < v.nsteps; i++) {
			json_object *x;

			if (!strcmp(v.steps[i].action, "overlay") && v.steps[i].state == RR_STEP_DONE &&
			    json_object_object_get_ex(v.steps[i].args, "member", &x))
				tui_add_image(a, json_object_get_string(x), true);
		}
		rr_journal_view_free(&v);
		tui_sync_members(a);
	}
	tui_status(a, _("session %s resumed"), tui_short(a->sess->dir));
	tui_push(a, &tui_scr_journal);
}

static void replay(struct tui_app *a, bool ok, const char *in)
{
	struct rr_journal_view v;
	int r;

	if (!ok || !*in)
		return;
	r = rr_journal_read(in, &v);
	if (r < 0) {
		tui_status(a, _("%s: cannot read the journal: %s"), in, strerror(-r));
		return;
	}
	rr_journal_view_free(&v);
	/* Shown read-only on the journal screen; re-creating the steps is
	 * 'raidrescue replay', which is not there yet. */
	if (a->sess) {
		rr_session_close(a->sess);
		a->sess = NULL;
	}
	free(a->journal_path);
	a->journal_path = rr_xstrdup(in);
	tui_status(a, "%s", _("the saved journal is shown read-only; re-creating its steps (replay) is not implemented yet"));
	tui_push(a, &tui_scr_journal);
}

static void cleanup(struct tui_app *a, bool ok, const char *in)
{
	int r;

	if (!ok)
		return;
	r = rr_cleanup_all(0);
	if (r < 0)
		tui_status(a, _("cleanup stopped: %s (run 'raidrescue cleanup' to see what is left)"), strerror(-r));
	else
		tui_status(a, P_("%d device removed", "%d devices removed", r), r);
}

static bool start_key(struct tui_app *a, enum tui_cmd cmd, int ch)
{
	char *text;

	if (tui_list_key(&list, cmd, NITEMS, NITEMS))
		return true;
	if (cmd != TUI_CMD_ENTER)
		return false;
	switch (list.cur) {
	case ITEM_NEW:
		if (a->sess) {
			tui_push(a, &tui_scr_devices);
			break;
		}
		text = rr_xasprintf(_("This creates the directory %s and writes into it: session.json (the session id), "
				      "journal.jsonl (every step, before it is done) and session.log. "
				      "Nothing is written anywhere else."), a->session_dir);
		tui_confirm(a, _("Create the session?"), text, created);
		free(text);
		break;
	case ITEM_RESUME:
		tui_prompt(a, _("Resume a session"), _("Session directory:"), a->session_dir, true, resumed);
		break;
	case ITEM_REPLAY:
		tui_prompt(a, _("Open a saved journal"), _("Journal file (journal.jsonl):"), "", true, replay);
		break;
	default:
		if (!a->dm_ok) {
			tui_message(a, _("Clean up leftovers"), a->dm_why);
			break;
		}
		tui_confirm(a, _("Clean up leftovers?"),
			    _("This stops every md array built on this program's devices and removes every "
			      "device-mapper device whose UUID starts with RAIDRESCUE-, every loop device "
			      "backed by a session's copy-on-write file and their mounts. Nothing else is "
			      "touched and nothing is written to any disk."), cleanup);
		break;
	}
	return true;
}

const struct tui_screen tui_scr_start = {
	.id = TUI_SCR_START,
	.title = N_("Start"),
	.enter = start_enter,
	.leave = start_leave,
	.draw = start_draw,
	.key = start_key,
};
