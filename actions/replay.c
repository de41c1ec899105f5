#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/assemble.h"
#include "actions/fsck.h"
#include "actions/layers.h"
#include "actions/overlay.h"
#include "actions/replay.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "probes/fingerprint.h"

struct found {
	char recorded[4096];
	char path[4096];
	unsigned chunk_kib;
	uint64_t cow_bytes;
	int new_index;
};

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return o && json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

static int64_t jint(json_object *o, const char *k, int64_t dflt)
{
	json_object *x;

	return o && json_object_object_get_ex(o, k, &x) ? json_object_get_int64(x) : dflt;
}

static int find_members(struct rr_journal_view *v, struct found **out, size_t *nout, FILE *o)
{
	struct found *f = NULL;
	size_t n = 0;
	int bad = 0;

	for (size_t i = 0; i < v->nsteps; i++) {
		struct rr_step *st = &v->steps[i];
		struct rr_fingerprint fp;
		json_object *x;
		const char *hints[2];
		char why[256];

		if (strcmp(st->action, "overlay") || st->state != RR_STEP_DONE)
			continue;
		f = rr_xrealloc(f, (n + 1) * sizeof(*f));
		memset(&f[n], 0, sizeof(f[n]));
		snprintf(f[n].recorded, sizeof(f[n].recorded), "%s", jstr(st->args, "member") ? jstr(st->args, "member") : "?");
		f[n].chunk_kib = (unsigned)jint(st->args, "chunk_kib", 4);
		f[n].cow_bytes = (uint64_t)jint(st->args, "cow_bytes", 0);
		if (!json_object_object_get_ex(st->args, "fingerprint", &x) || rr_fingerprint_from_json(x, &fp) < 0) {
			rr_err(f[n].recorded, "%s", _("the journal has no usable fingerprint for this member"));
			bad = 1;
			n++;
			continue;
		}
		hints[0] = jstr(st->args, "member");
		hints[1] = jstr(st->args, "member_realpath");
		if (rr_fingerprint_find(&fp, hints, 2, f[n].path, sizeof(f[n].path), why, sizeof(why)) < 0) {
			if (why[0])
				rr_err(f[n].recorded, _("not found on this machine (the device at that path differs: %s)"), why);
			else
				rr_err(f[n].recorded, "%s", _("not found on this machine (no device or image with its fingerprint)"));
			bad = 1;
		} else {
			fprintf(o, _("member %s: found as %s\n"), f[n].recorded, f[n].path);
		}
		n++;
	}
	*out = f;
	*nout = n;
	return bad ? -ENOENT : 0;
}

static int member_index(const struct found *f, size_t n, const char *recorded)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].recorded, recorded))
			return (int)i;
	return -1;
}

static int build_candidate(json_object *args, const struct found *f, size_t nf, struct rr_candidate *c)
{
	json_object *order;
	const char *meta = jstr(args, "metadata");

	memset(c, 0, sizeof(*c));
	c->level = (int)jint(args, "level", 5);
	c->layout = (int)jint(args, "layout", 2);
	c->chunk_kib = (unsigned)jint(args, "chunk_kib", 64);
	c->dev_sectors = (uint64_t)jint(args, "dev_sectors", 0);
	snprintf(c->metadata, sizeof(c->metadata), "%s", meta ? meta : "1.2");
	if (!json_object_object_get_ex(args, "order", &order) || !json_object_is_type(order, json_type_array))
		return -EINVAL;
	for (size_t i = 0; i < json_object_array_length(order) && i < RR_CAND_MAX_SLOTS; i++) {
		json_object *slot = json_object_array_get_idx(order, i);
		const char *m = jstr(slot, "member");

		c->slot[i] = m ? member_index(f, nf, m) : RR_CAND_MISSING;
		if (m && c->slot[i] < 0)
			return -ENOENT;
		c->data_offset[i] = (uint64_t)jint(slot, "data_offset_sectors", 0);
		c->ndisks++;
	}
	return 0;
}

int rr_replay(const char *journal, struct rr_session *dst, FILE *o)
{
	struct rr_journal_view v;
	struct found *f = NULL;
	struct rr_overlay *ovs = NULL;
	size_t nf = 0, nov = 0;
	char msg[1024];
	int r;

	r = rr_journal_read(journal, &v);
	if (r < 0) {
		rr_err(journal, _("cannot read the journal: %s"), strerror(-r));
		return r;
	}
	r = find_members(&v, &f, &nf, o);
	if (r < 0) {
		rr_err(journal, "%s", _("replay refused: not every member was found; nothing was done"));
		goto out;
	}
	if (nf == 0) {
		rr_err(journal, "%s", _("the journal has no snapshot step to replay"));
		r = -ENOENT;
		goto out;
	}
	ovs = rr_xcalloc(nf, sizeof(*ovs));
	for (size_t i = 0; i < v.nsteps; i++) {
		struct rr_step *st = &v.steps[i];

		if (st->state != RR_STEP_DONE)
			continue;
		if (!strcmp(st->action, "overlay")) {
			int k = member_index(f, nf, jstr(st->args, "member") ? jstr(st->args, "member") : "");
			struct rr_overlay_opts oo = { .chunk_kib = f[k].chunk_kib, .cow_bytes = f[k].cow_bytes };

			fprintf(o, _("overlay %s (%u KiB chunks)\n"), f[k].path, oo.chunk_kib);
			if (!dst)
				continue;
			r = rr_overlay_member(dst, f[k].path, &oo, &ovs[nov], msg, sizeof(msg));
			if (r < 0) {
				rr_err(f[k].path, "%s", msg);
				goto out;
			}
			/* The new session's overlays are indexed as they are
			 * made; remember where each recorded member went. */
			f[k].new_index = (int)nov++;
		} else if (!strcmp(st->action, "assemble")) {
			struct rr_candidate c;
			struct rr_assembly a;
			const char *via = jstr(st->args, "via");

			if (build_candidate(st->args, f, nf, &c) < 0) {
				rr_err(journal, _("step %" PRIu64 ": the assembly names a member the journal did not overlay"),
				       st->seq);
				r = -EINVAL;
				goto out;
			}
			fprintf(o, _("assemble level %d, %u slots, via %s\n"), c.level, c.ndisks, via ? via : "auto");
			if (!dst)
				continue;
			for (unsigned s = 0; s < c.ndisks; s++)
				if (c.slot[s] >= 0)
					c.slot[s] = f[c.slot[s]].new_index;
			r = rr_assemble(dst, ovs, nov, &c, via && !strcmp(via, "mdadm") ? RR_VIA_MDADM : RR_VIA_DMRAID, &a,
					msg, sizeof(msg));
			if (r < 0) {
				rr_err(journal, "%s", msg);
				goto out;
			}
			fprintf(o, _("  -> %s\n"), a.dev);
			{
				struct rr_layers l;

				if (rr_layers_map(dst, a.dev, a.seq, &l, msg, sizeof(msg)) == 0) {
					for (size_t k = 1; k < l.nvols; k++)
						fprintf(o, _("  -> %s (%s)\n"), l.vols[k].dev, l.vols[k].what);
					rr_layers_free(&l);
				}
			}
		}
	}
	r = 0;
out:
	free(ovs);
	free(f);
	rr_journal_view_free(&v);
	return r;
}
