#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/backend.h"
#include "actions/dm.h"
#include "actions/layers.h"
#include "actions/teardown.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "probes/lvm2.h"
#include "probes/probe.h"

#define remark(l, ...) rr_strv_addf(&(l)->remarks, &(l)->nremarks, __VA_ARGS__)

static struct rr_volume *add_vol(struct rr_layers *l, const char *dev, const char *what, const char *hint)
{
	struct rr_volume *v;

	l->vols = rr_xrealloc(l->vols, (l->nvols + 1) * sizeof(*l->vols));
	v = &l->vols[l->nvols++];
	snprintf(v->dev, sizeof(v->dev), "%s", dev);
	snprintf(v->what, sizeof(v->what), "%s", what);
	snprintf(v->label_hint, sizeof(v->label_hint), "%s", hint ? hint : "");
	return v;
}

/* dm names allow most characters; keep them short and plain. */
static void plain(char *s)
{
	for (; *s; s++)
		if (*s == '/' || *s == ' ')
			*s = '_';
}

struct ctx {
	struct rr_session *s;
	struct rr_layers *l;
	const char *array;
	uint64_t aseq, seq;
	json_object *done, *script;
	char *msg;
	size_t n;
};

/* The userspace backend: the volume is a file added to the FUSE export
 * of the array, journaled as a file (undo unlinks it from the export). */
static int create_file(struct ctx *c, const char *suffix, const struct rr_dm_target *t, size_t nt, char *path,
		       size_t pn)
{
	char name[RR_DM_NAME_MAX + 1], dir[4096], *slash;
	json_object *planned;
	int r;

	snprintf(name, sizeof(name), "%s", suffix);
	plain(name);
	snprintf(dir, sizeof(dir), "%s", c->array);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if ((size_t)snprintf(path, pn, "%s/%s", dir, name) >= pn) {
		snprintf(c->msg, c->n, "%s", _("the session directory's path is too long"));
		return -ENAMETOOLONG;
	}
	planned = json_object_get(json_object_new_array());
	for (size_t i = 0; i < json_object_array_length(c->done); i++)
		json_object_array_add(planned, json_object_get(json_object_array_get_idx(c->done, i)));
	json_object_array_add(planned, rr_res_file(path));
	r = rr_journal_progress(c->s, c->seq, planned);
	json_object_put(planned);
	if (r < 0) {
		snprintf(c->msg, c->n, _("cannot write the journal: %s"), strerror(-r));
		return r;
	}
	r = rr_user_volume_create(c->array, name, t, nt, path, pn);
	if (r < 0) {
		snprintf(c->msg, c->n, _("cannot add %s to the FUSE export: %s"), name, strerror(-r));
		return r;
	}
	json_object_array_add(c->done, rr_res_file(path));
	rr_failpoint("layers.device");
	{
		char *line = rr_xasprintf("# %s: a file of the FUSE export (", path);

		for (size_t i = 0; i < nt; i++) {
			char *more = rr_xasprintf("%s%s%" PRIu64 " %" PRIu64 " %s %s", line, i ? "; " : "", t[i].start,
						  t[i].len, t[i].type, t[i].params);

			free(line);
			line = more;
		}
		{
			char *closed = rr_xasprintf("%s)", line);

			json_object_array_add(c->script, json_object_new_string(closed));
			free(closed);
		}
		free(line);
	}
	return 0;
}

static int create(struct ctx *c, const char *suffix, const struct rr_dm_target *t, size_t nt, char *path, size_t pn)
{
	char name[RR_DM_NAME_MAX + 1], uuid[160];
	int r;

	if (c->s->backend == RR_BACKEND_USERSPACE)
		return create_file(c, suffix, t, nt, path, pn);

	snprintf(name, sizeof(name), "rr-%s-a%" PRIu64 "-%s", c->s->id, c->aseq, suffix);
	snprintf(uuid, sizeof(uuid), RR_DM_UUID_PREFIX "%s-a%" PRIu64 "-%s", c->s->id, c->aseq, suffix);
	plain(name);
	plain(uuid);
	{
		json_object *planned = json_object_get(json_object_new_array());

		for (size_t i = 0; i < json_object_array_length(c->done); i++)
			json_object_array_add(planned, json_object_get(json_object_array_get_idx(c->done, i)));
		json_object_array_add(planned, rr_res_dm(name, uuid));
		r = rr_journal_progress(c->s, c->seq, planned);
		json_object_put(planned);
		if (r < 0) {
			snprintf(c->msg, c->n, _("cannot write the journal: %s"), strerror(-r));
			return r;
		}
	}
	r = rr_dm_create(name, uuid, t, nt, 1);
	if (r < 0) {
		snprintf(c->msg, c->n, _("cannot create %s: %s %s"), name, strerror(-r), rr_dm_last_error());
		return r;
	}
	json_object_array_add(c->done, rr_res_dm(name, uuid));
	rr_failpoint("layers.device");
	{
		char *line = rr_xasprintf("dmsetup create %s --uuid %s --readonly --table '", name, uuid);
		size_t len = strlen(line);

		for (size_t i = 0; i < nt; i++) {
			char *seg = rr_xasprintf("%s%" PRIu64 " %" PRIu64 " %s %s", i ? "\\n" : "", t[i].start, t[i].len,
						 t[i].type, t[i].params);

			line = rr_xrealloc(line, len + strlen(seg) + 3);
			strcpy(line + len, seg);
			len += strlen(seg);
			free(seg);
		}
		strcpy(line + len, "'");
		json_object_array_add(c->script, json_object_new_string(line));
		free(line);
	}
	rr_dm_path(name, path, pn);
	return 0;
}

/* The LVs of the VG on pvdev whose every extent lies on this PV. */
static int map_lvm(struct ctx *c, const struct rr_lvm_info *info, const char *pvdev)
{
	const struct rr_lvm_vg *vg = &info->vg;
	uint64_t ext = vg->extent_size;
	int r = 0;

	if (!info->have_vg) {
		remark(c->l, _("%s is an LVM2 physical volume without readable metadata"), pvdev);
		return 0;
	}
	if (info->self < 0) {
		remark(c->l, _("%s: the volume group %s does not list this physical volume"), pvdev, vg->name);
		return 0;
	}
	for (size_t i = 0; i < vg->nlvs && r == 0; i++) {
		const struct rr_lvm_lv *lv = &vg->lvs[i];
		struct rr_dm_target *t;
		char **params, suffix[200], path[200], what[300];
		size_t nt = 0;
		int ok = 1;

		if (!lv->visible)
			continue;
		if (!lv->handled) {
			remark(c->l, _("LV %s/%s: segment type not handled (only linear and striped are mapped)"),
			       vg->name, lv->name);
			continue;
		}
		t = rr_xcalloc(lv->nsegs, sizeof(*t));
		params = rr_xcalloc(lv->nsegs, sizeof(*params));
		for (size_t k = 0; k < lv->nsegs && ok; k++) {
			const struct rr_lvm_seg *sg = &lv->segs[k];
			size_t len = 0;
			char *p;

			for (size_t a = 0; a < sg->nareas; a++)
				if (sg->areas[a].kind != RR_LVM_AREA_PV || (long)sg->areas[a].index != info->self) {
					ok = 0;
					remark(c->l, _("LV %s/%s: lies partly on another physical volume, not mapped"),
					       vg->name, lv->name);
					break;
				}
			if (!ok || sg->nareas == 0 || ext == 0)
				break;
			/* sectors on the PV: pe_start + extent * extent_size */
			p = rr_xmalloc(64 + sg->nareas * 240);
			if (sg->nareas == 1) {
				len += (size_t)sprintf(p, "%s %" PRIu64, pvdev,
						       vg->pvs[info->self].pe_start + sg->areas[0].start * ext);
				t[nt].type = "linear";
			} else {
				len += (size_t)sprintf(p, "%zu %" PRIu64, sg->nareas, sg->stripe_size);
				for (size_t a = 0; a < sg->nareas; a++)
					len += (size_t)sprintf(p + len, " %s %" PRIu64, pvdev,
							       vg->pvs[info->self].pe_start + sg->areas[a].start * ext);
				t[nt].type = "striped";
			}
			t[nt].start = sg->start_extent * ext;
			t[nt].len = sg->extent_count * ext;
			t[nt].params = p;
			params[nt++] = p;
		}
		if (ok && nt) {
			snprintf(suffix, sizeof(suffix), "%s-%s", vg->name, lv->name);
			r = create(c, suffix, t, nt, path, sizeof(path));
			if (r == 0) {
				snprintf(what, sizeof(what), _("LV %s/%s"), vg->name, lv->name);
				add_vol(c->l, path, what, lv->name);
			}
		}
		for (size_t k = 0; k < nt; k++)
			free(params[k]);
		free(params);
		free(t);
	}
	return r;
}

int rr_layers_map(struct rr_session *s, const char *array, uint64_t aseq, struct rr_layers *l,
		  char *msg, size_t n)
{
	struct ctx c = { .s = s, .l = l, .array = array, .aseq = aseq, .msg = msg, .n = n };
	struct rr_member *m;
	json_object *args, *planned;
	uint64_t seq = 0;
	int r = 0;

	memset(l, 0, sizeof(*l));
	msg[0] = '\0';
	add_vol(l, array, _("the array"), NULL);
	m = rr_examine_path(array);
	if (!m->nparts && !m->lvm) {
		rr_member_free(m);
		return 0;
	}
	args = json_object_new_object();
	json_object_object_add(args, "array", json_object_new_string(array));
	json_object_object_add(args, "assembly_step", json_object_new_uint64(aseq));
	/* Names depend on what is found; the UUIDs share the assembly's
	 * prefix, so a crash here is found by cleanup and by the assembly's
	 * undo (which removes every device on top of it first). */
	planned = json_object_new_array();
	r = rr_journal_intent(s, "layers", args, planned, &seq);
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		rr_member_free(m);
		return r;
	}
	l->seq = seq;
	c.seq = seq;
	c.done = json_object_new_array();
	c.script = json_object_new_array();
	if (m->lvm)
		r = map_lvm(&c, m->lvm, array);
	for (size_t i = 0; i < m->nparts && r == 0; i++) {
		const struct rr_member *p = m->parts[i];
		struct rr_dm_target t;
		char params[300], suffix[32], path[200], what[64];

		snprintf(params, sizeof(params), "%s %" PRIu64, array, p->part_offset / 512);
		t = (struct rr_dm_target){ 0, p->size_bytes / 512, "linear", params };
		snprintf(suffix, sizeof(suffix), "p%d", p->part_number);
		r = create(&c, suffix, &t, 1, path, sizeof(path));
		if (r < 0)
			break;
		snprintf(what, sizeof(what), _("partition %d"), p->part_number);
		add_vol(l, path, what, NULL);
		if (p->lvm)
			r = map_lvm(&c, p->lvm, path);
	}
	rr_member_free(m);
	if (r < 0) {
		for (size_t i = json_object_array_length(c.done); i-- > 0;) {
			char m2[256];

			rr_resource_remove(json_object_array_get_idx(c.done, i), m2, sizeof(m2));
		}
		json_object_put(c.done);
		json_object_put(c.script);
		rr_journal_failed(s, seq, msg, NULL);
		return r;
	}
	{
		json_object *more = json_object_new_object(), *undo = json_object_new_array();

		for (size_t i = json_object_array_length(c.done); i-- > 0;) {
			json_object *x;

			if (json_object_object_get_ex(json_object_array_get_idx(c.done, i), "name", &x)) {
				char *line = rr_xasprintf("dmsetup remove %s", json_object_get_string(x));

				json_object_array_add(undo, json_object_new_string(line));
				free(line);
			} else if (json_object_object_get_ex(json_object_array_get_idx(c.done, i), "path", &x)) {
				char *line = rr_xasprintf("rm '%s'", json_object_get_string(x));

				json_object_array_add(undo, json_object_new_string(line));
				free(line);
			}
		}
		json_object_object_add(more, "script", c.script);
		json_object_object_add(more, "undo_script", undo);
		json_object_object_add(more, "volumes", rr_layers_volumes_json(l));
		r = rr_journal_done_args(s, seq, c.done, more);
	}
	return r;
}

json_object *rr_layers_volumes_json(const struct rr_layers *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->nvols; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "device", json_object_new_string(l->vols[i].dev));
		json_object_object_add(o, "what", json_object_new_string(l->vols[i].what));
		json_object_array_add(a, o);
	}
	return a;
}

int rr_layers_from_journal(struct rr_session *s, uint64_t aseq, struct rr_layers *l)
{
	struct rr_journal_view v;
	int r, found = 0;

	memset(l, 0, sizeof(*l));
	r = rr_session_journal(s, &v);
	if (r < 0)
		return r;
	for (size_t i = 0; i < v.nsteps && !found; i++) {
		struct rr_step *st = &v.steps[i];
		json_object *x, *vols;

		if (strcmp(st->action, "layers") || st->state != RR_STEP_DONE ||
		    !json_object_object_get_ex(st->args, "assembly_step", &x) || json_object_get_uint64(x) != aseq ||
		    !json_object_object_get_ex(st->args, "volumes", &vols))
			continue;
		for (size_t k = 0; k < json_object_array_length(vols); k++) {
			json_object *o = json_object_array_get_idx(vols, k), *d, *w;

			if (json_object_object_get_ex(o, "device", &d) && json_object_object_get_ex(o, "what", &w))
				add_vol(l, json_object_get_string(d), json_object_get_string(w), NULL);
		}
		l->seq = st->seq;
		found = 1;
	}
	rr_journal_view_free(&v);
	return found ? 0 : -ENOENT;
}

void rr_layers_free(struct rr_layers *l)
{
	for (size_t i = 0; i < l->nremarks; i++)
		free(l->remarks[i]);
	free(l->remarks);
	free(l->vols);
	memset(l, 0, sizeof(*l));
}
