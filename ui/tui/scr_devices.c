/* Screen 2, devices: the block devices udev knows (partitions under their
 * disk) and image files added by path; what the probes found on each;
 * Space selects a member, and the other members of its array are offered
 * with it. */
#include <curses.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "core/text.h"
#include "core/units.h"
#include "probes/md.h"
#include "probes/probe.h"
#include "ui/tui/tui.h"

static struct tui_list list;
static size_t offer_for;	/* the device whose array mates are offered */

static const char *prop(struct udev_device *d, const char *name)
{
	const char *v = udev_device_get_property_value(d, name);

	return v ? v : "";
}

/* Sort key: a partition right after its disk. */
struct udev_row {
	char key[160];
	struct tui_dev dev;
};

static int by_key(const void *x, const void *y)
{
	return strcmp(((const struct udev_row *)x)->key, ((const struct udev_row *)y)->key);
}

static void list_udev(struct tui_app *a)
{
	struct udev *u;
	struct udev_enumerate *e;
	struct udev_list_entry *ent;
	struct udev_row *rows = NULL;
	size_t n = 0;
	const char *no = getenv("RAIDRESCUE_TUI_NO_UDEV");

	if (no && *no)
		return;		/* the tests' images only */
	u = udev_new();
	if (!u)
		return;
	e = udev_enumerate_new(u);
	udev_enumerate_add_match_subsystem(e, "block");
	udev_enumerate_scan_devices(e);
	udev_list_entry_foreach(ent, udev_enumerate_get_list_entry(e)) {
		struct udev_device *d = udev_device_new_from_syspath(u, udev_list_entry_get_name(ent));
		const char *type, *node, *name, *size;
		struct udev_row *r;
		struct udev_device *parent;

		if (!d)
			continue;
		type = udev_device_get_devtype(d);
		node = udev_device_get_devnode(d);
		name = udev_device_get_sysname(d);
		size = udev_device_get_sysattr_value(d, "size");
		/* RAM disks, empty loops and our own dm devices are no members. */
		if (!type || !node || !name || !size || !strtoull(size, NULL, 10) || !strncmp(name, "ram", 3) ||
		    !strncmp(name, "zram", 4) || (strcmp(type, "disk") && strcmp(type, "partition"))) {
			udev_device_unref(d);
			continue;
		}
		rows = rr_xrealloc(rows, (n + 1) * sizeof(*rows));
		r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->dev.path = rr_xstrdup(node);
		r->dev.name = rr_xstrdup(name);
		r->dev.size = strtoull(size, NULL, 10) * 512;
		r->dev.model = rr_xstrdup(prop(d, "ID_MODEL"));
		r->dev.serial = rr_xstrdup(prop(d, "ID_SERIAL_SHORT"));
		parent = !strcmp(type, "partition") ? udev_device_get_parent(d) : NULL;
		r->dev.depth = parent ? 1 : 0;
		snprintf(r->key, sizeof(r->key), "%s %s", parent ? udev_device_get_sysname(parent) : name,
			 parent ? name : "");
		udev_device_unref(d);
	}
	udev_enumerate_unref(e);
	udev_unref(u);
	qsort(rows, n, sizeof(*rows), by_key);
	for (size_t i = 0; i < n; i++) {
		bool known = false;

		for (size_t k = 0; k < a->ndevs; k++)
			if (!strcmp(a->devs[k].path, rows[i].dev.path))
				known = true;
		if (known) {
			free(rows[i].dev.path);
			free(rows[i].dev.name);
			free(rows[i].dev.model);
			free(rows[i].dev.serial);
			continue;
		}
		a->devs = rr_xrealloc(a->devs, (a->ndevs + 1) * sizeof(*a->devs));
		a->devs[a->ndevs++] = rows[i].dev;
	}
	free(rows);
}

/* What the probes found, one line (examined once per device). */
static void examine(struct tui_dev *d)
{
	size_t len = 0, cap = 512;

	if (d->examined)
		return;
	d->examined = true;
	if (!d->m)
		d->m = rr_examine_path(d->path);
	if (d->is_image || !d->size)
		d->size = d->m->size_bytes;
	d->found = rr_xmalloc(cap);
	d->found[0] = 0;
	if (d->m->open_errno) {
		snprintf(d->found, cap, _("unreadable (%s)"), strerror(d->m->open_errno));
		return;
	}
	for (size_t i = 0; rr_probes[i]; i++) {
		char *s = rr_probes[i]->summary ? rr_probes[i]->summary(d->m) : NULL;

		if (s) {
			len += (size_t)snprintf(d->found + len, len < cap ? cap - len : 0, "%s%s", len ? "; " : "", s);
			free(s);
		}
	}
	if (!len)
		snprintf(d->found, cap, "%s", _("nothing recognised"));
}

static void devices_enter(struct tui_app *a)
{
	static bool listed;

	if (!listed) {
		list_udev(a);
		listed = true;
	}
	for (size_t i = 0; i < a->ndevs; i++)
		examine(&a->devs[i]);
}

static void devices_leave(struct tui_app *a)
{
	tui_sync_members(a);
}

static void devices_draw(struct tui_app *a, int top, int rows)
{
	int wname = COLS >= 120 ? 40 : 26, wsize = 10, wmodel = COLS >= 120 ? 24 : 0;
	int wfound = COLS - 4 - wname - wsize - wmodel - 3;
	char fit[1024], size[32];
	int list_rows = rows - 4;

	tui_putf(top, 0, COLS, TUI_PLAIN, P_("%zu member selected. Space selects, a adds an image by path, Enter goes on.",
					    "%zu members selected. Space selects, a adds an image by path, Enter goes on.",
					    a->nmembers), a->nmembers);
	tui_put(top + 1, 4, wname, tui_attr(TUI_A_HEAD), true, _("Device"));
	tui_put(top + 1, 4 + wname + 1, wsize, tui_attr(TUI_A_HEAD), true, _("Size"));
	if (wmodel)
		tui_put(top + 1, 4 + wname + wsize + 2, wmodel, tui_attr(TUI_A_HEAD), true, _("Model / serial"));
	tui_put(top + 1, COLS - wfound, wfound, tui_attr(TUI_A_HEAD), true, _("Found"));
	if (!a->ndevs) {
		tui_put(top + 3, 2, COLS - 4, TUI_PLAIN, false, _("No block devices here. Press a to add an image file."));
		return;
	}
	tui_list_fix(&list, a->ndevs, list_rows);
	for (int r = 0; r < list_rows && list.top + (size_t)r < a->ndevs; r++) {
		size_t i = list.top + (size_t)r;
		struct tui_dev *d = &a->devs[i];
		int y = top + 2 + r, attr = i == list.cur ? tui_attr(TUI_A_CURSOR) : d->selected ? tui_attr(TUI_A_SELECTED) : TUI_PLAIN;
		char name[1024];

		tui_put(y, 0, COLS, attr, true, "");
		tui_put(y, 0, 4, attr, false, d->selected ? "[x]" : "[ ]");
		snprintf(name, sizeof(name), "%s%s", d->depth ? "  " : "", d->name);
		tui_put(y, 4, wname, attr, false, rr_text_mid(name, wname, fit, sizeof(fit)));
		tui_put(y, 4 + wname + 1, wsize, attr, false, rr_format_size(d->size, size, sizeof(size)));
		if (wmodel) {
			snprintf(name, sizeof(name), "%s%s%s", d->model, d->serial[0] ? " " : "", d->serial);
			tui_put(y, 4 + wname + wsize + 2, wmodel, attr, false, tui_fit(name, wmodel, fit, sizeof(fit)));
		}
		tui_put(y, COLS - wfound, wfound, attr, false, tui_fit(d->found ? d->found : "", wfound, fit, sizeof(fit)));
	}
	/* The full line of the device under the cursor. */
	{
		char **lines;
		size_t n = tui_wrap(a->devs[list.cur].found ? a->devs[list.cur].found : "", COLS - 2, &lines);

		for (size_t k = 0; k < n && k < 2; k++)
			tui_put(top + rows - 2 + (int)k, 1, COLS - 2, TUI_PLAIN, false, lines[k]);
		tui_free_lines(lines, n);
	}
}

static const struct rr_md_sb *sb_of(struct tui_dev *d)
{
	return d->m ? rr_md_primary(d->m->md) : NULL;
}

static void offer_done(struct tui_app *a, bool ok, const char *in)
{
	const struct rr_md_sb *sb = sb_of(&a->devs[offer_for]);

	if (!ok || !sb)
		return;
	for (size_t i = 0; i < a->ndevs; i++) {
		const struct rr_md_sb *o = sb_of(&a->devs[i]);

		if (o && !memcmp(o->array_uuid, sb->array_uuid, 16))
			a->devs[i].selected = true;
	}
	tui_sync_members(a);
}

static void toggle(struct tui_app *a, size_t i)
{
	struct tui_dev *d = &a->devs[i];
	const struct rr_md_sb *sb = sb_of(d);
	char names[1024], uuid[36], *text;
	size_t len = 0, mates = 0;

	d->selected = !d->selected;
	tui_sync_members(a);
	if (!d->selected || !sb)
		return;
	names[0] = 0;
	for (size_t k = 0; k < a->ndevs; k++) {
		const struct rr_md_sb *o = sb_of(&a->devs[k]);

		if (k == i || a->devs[k].selected || !o || memcmp(o->array_uuid, sb->array_uuid, 16))
			continue;
		mates++;
		len += (size_t)snprintf(names + len, len < sizeof(names) ? sizeof(names) - len : 0, "%s%s",
					len ? ", " : "", a->devs[k].name);
	}
	if (!mates)
		return;
	rr_md_format_uuid(sb->array_uuid, uuid);
	offer_for = i;
	text = rr_xasprintf(P_("%s belongs to array %s. %zu other member of it is here: %s. Select it too?",
			       "%s belongs to array %s. %zu other members of it are here: %s. Select them too?", mates),
			    d->name, uuid, mates, names);
	tui_confirm(a, _("Members of one array"), text, offer_done);
	/* Selecting writes nothing: Enter may say yes here. */
	a->dlg.yes = 1;
	free(text);
}

static void added(struct tui_app *a, bool ok, const char *in)
{
	if (!ok || !*in)
		return;
	tui_add_image(a, in, false);
	examine(&a->devs[a->ndevs - 1]);
	list.cur = a->ndevs - 1;
	toggle(a, a->ndevs - 1);
}

static bool devices_key(struct tui_app *a, enum tui_cmd cmd, int ch)
{
	if (tui_list_key(&list, cmd, a->ndevs, LINES - 8))
		return true;
	switch (cmd) {
	case TUI_CMD_SPACE:
		if (a->ndevs)
			toggle(a, list.cur);
		return true;
	case TUI_CMD_ADD:
		tui_prompt(a, _("Add an image or device"), _("Path (images are opened read-only):"), "", true, added);
		return true;
	case TUI_CMD_REFRESH:
		list_udev(a);
		for (size_t i = 0; i < a->ndevs; i++)
			examine(&a->devs[i]);
		return true;
	case TUI_CMD_ENTER:
		tui_sync_members(a);
		if (!a->nmembers) {
			tui_status(a, "%s", _("select at least one member (Space)"));
			return true;
		}
		tui_push(a, &tui_scr_review);
		return true;
	default:
		return false;
	}
}

const struct tui_screen tui_scr_devices = {
	.id = TUI_SCR_DEVICES,
	.title = N_("Devices"),
	.enter = devices_enter,
	.leave = devices_leave,
	.draw = devices_draw,
	.key = devices_key,
};
