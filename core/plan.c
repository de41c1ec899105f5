/* The planner: groups, conflicts and proposals from md superblocks; the
 * evidence search (plan_search.c) when they are lost (see plan.h).
 *
 * The proposals follow what an experienced operator does with mdadm
 * --examine output: take the freshest member's view of the array (level,
 * layout, chunk, raid_disks), fill every role with the member that claims
 * it, and leave the stalest members out as "missing" as far as the level's
 * redundancy allows, because a member ejected earlier holds older data
 * wherever the array was written after its ejection.  Which stale member
 * to leave out is decided by recency (events, then update time); the other
 * choices are offered next, in that order, with the reasons in words. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "core/plan_int.h"
#include "core/units.h"
#include "probes/md.h"

#define SB_PRIOR 1000.0
#define SB_STEP 10.0

/* ---- small helpers ------------------------------------------------------- */

static void add_str(char ***v, size_t *n, char *s)
{
	*v = rr_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

void pl_remark(struct rr_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s)
		add_str(&p->remarks, &p->nremarks, s);
}

static void group_conflict(struct rr_plan_group *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void group_conflict(struct rr_plan_group *g, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s)
		add_str(&g->conflicts, &g->nconflicts, s);
}

void pl_cand_copy(struct rr_candidate *dst, const struct rr_candidate *src)
{
	*dst = *src;
	dst->reasons = NULL;
	dst->nreasons = 0;
	for (size_t i = 0; i < src->nreasons; i++)
		rr_candidate_add_reason(dst, "%s", src->reasons[i]);
}

const char *pl_bytes(uint64_t b, char *buf, size_t n)
{
	return rr_format_size(b, buf, (unsigned)n);
}

const char *rr_plan_describe(const struct rr_candidate *c, char *buf, size_t n)
{
	char lay[48];
	const char *ln = rr_layout_name(c->level, c->layout, lay, sizeof(lay));
	const char *lv = rr_level_name(c->level);

	/* level and layout names are mdadm's words: not translated */
	if (c->level == RR_RAID1 || c->level == RR_LINEAR || !ln)
		snprintf(buf, n, P_("%s, %u slot", "%s, %u slots", c->ndisks), lv ? lv : "?", c->ndisks);
	else
		snprintf(buf, n, P_("%s %s %uK, %u slot", "%s %s %uK, %u slots", c->ndisks), lv ? lv : "?", ln, c->chunk_kib,
			 c->ndisks);
	return buf;
}

static const char *mpath(struct rr_member *const *members, size_t i)
{
	return members[i]->path;
}

/* ---- units: what a plan is made of ----------------------------------------------- */

size_t rr_plan_units(struct rr_member *const *members, size_t n, struct rr_member ***out)
{
	struct rr_member **u = NULL;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct rr_member *m = members[i];
		size_t withmd = 0;

		if (!rr_md_primary(m->md))
			for (size_t p = 0; p < m->nparts; p++)
				withmd += rr_md_primary(m->parts[p]->md) != NULL;
		if (!withmd) {
			u = rr_xrealloc(u, (k + 1) * sizeof(*u));
			u[k++] = m;
			continue;
		}
		for (size_t p = 0; p < m->nparts; p++) {
			if (!rr_md_primary(m->parts[p]->md))
				continue;
			u = rr_xrealloc(u, (k + 1) * sizeof(*u));
			u[k++] = m->parts[p];
		}
	}
	*out = u;
	return k;
}

/* ---- grouping and conflicts ---------------------------------------------------------- */

static bool newer(const struct rr_md_sb *a, const struct rr_md_sb *b)
{
	if (a->events != b->events)
		return a->events > b->events;
	if (a->utime != b->utime)
		return a->utime > b->utime;
	return a->utime_usec > b->utime_usec;
}

static int row_role(const struct rr_plan_row *r)
{
	return r->sb->role_kind == RR_MD_ROLE_ACTIVE ? (int)r->sb->slot : 1 << 20;
}

static int row_cmp(const void *x, const void *y)
{
	const struct rr_plan_row *a = x, *b = y;
	int ra = row_role(a), rb = row_role(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (newer(a->sb, b->sb) != newer(b->sb, a->sb))
		return newer(a->sb, b->sb) ? -1 : 1;
	return a->member < b->member ? -1 : a->member > b->member;
}

static bool same_geometry(const struct rr_md_sb *a, const struct rr_md_sb *b)
{
	return a->level == b->level && a->layout == b->layout && a->chunk_bytes == b->chunk_bytes &&
	       a->raid_disks == b->raid_disks;
}

static void describe_sb_geometry(const struct rr_md_sb *s, char *buf, size_t n)
{
	char lay[48];
	const char *lv = rr_md_level_name(s->level);
	const char *ln = rr_md_layout_name(s->level, s->layout, false, lay, sizeof(lay));

	snprintf(buf, n, "%s%s%s, %" PRIu64 "K, %u devices", lv ? lv : "?", ln ? " " : "", ln ? ln : "",
		 s->chunk_bytes / 1024, s->raid_disks);
}

static void describe_role(const struct rr_md_sb *s, char *buf, size_t n)
{
	switch (s->role_kind) {
	case RR_MD_ROLE_ACTIVE: snprintf(buf, n, _("role %u"), s->slot); break;
	case RR_MD_ROLE_KIND_SPARE: snprintf(buf, n, "%s", _("spare")); break;
	case RR_MD_ROLE_KIND_FAULTY: snprintf(buf, n, "%s", _("faulty")); break;
	default: snprintf(buf, n, "%s", _("journal")); break;
	}
}

/* How the freshest superblock records the device whose superblock s is. */
static const char *ref_view(const struct rr_md_sb *ref, const struct rr_md_sb *s)
{
	if (ref->version != RR_MD_V0_90) {
		if (s->version == RR_MD_V0_90 || s->dev_number >= ref->nroles || !ref->roles)
			return NULL;
		switch (ref->roles[s->dev_number]) {
		case RR_MD_ROLE_FAULTY: return _("faulty");
		case RR_MD_ROLE_SPARE: return _("spare");
		default: return NULL;
		}
	}
	if (s->this_disk.number < RR_MD0_DISKS) {
		uint32_t st = ref->disks[s->this_disk.number].state;

		if (st & (1u << RR_MD0_DISK_FAULTY))
			return _("faulty");
		if (st & (1u << RR_MD0_DISK_REMOVED))
			return _("removed");
	}
	return NULL;
}

static void build_conflicts(struct rr_member *const *members, struct rr_plan_group *g)
{
	const struct rr_md_sb *ref = g->ref;
	size_t nstale = 0, seen = 0;
	struct rr_plan_row **stale;

	for (size_t i = 0; i < g->nrows; i++) {
		struct rr_plan_row *r = &g->rows[i];
		const struct rr_md_sb *s = r->sb;

		r->fresh = s->events == ref->events;
		if (!r->fresh)
			r->diff |= RR_PLAN_DIFF_EVENTS;
		if (s->utime != ref->utime)
			r->diff |= RR_PLAN_DIFF_UTIME;
		if (!s->array_state != !ref->array_state ||
		    (s->array_state && strcmp(s->array_state, ref->array_state)))
			r->diff |= RR_PLAN_DIFF_STATE;
		if (s->data_offset != ref->data_offset)
			r->diff |= RR_PLAN_DIFF_OFFSET;
		if (!same_geometry(s, ref))
			r->diff |= RR_PLAN_DIFF_GEOMETRY;
		if (s->reshape_active)
			r->diff |= RR_PLAN_DIFF_RESHAPE;
		if (s->role_kind != RR_MD_ROLE_ACTIVE || s->slot >= ref->raid_disks)
			r->diff |= RR_PLAN_DIFF_ROLE;
		for (size_t j = 0; j < g->nrows; j++)
			if (j != i && g->rows[j].sb->role_kind == RR_MD_ROLE_ACTIVE && s->role_kind == RR_MD_ROLE_ACTIVE &&
			    g->rows[j].sb->slot == s->slot)
				r->diff |= RR_PLAN_DIFF_ROLE;
	}

	/* Stale members, stalest first: who was ejected when. */
	stale = rr_xcalloc(g->nrows ? g->nrows : 1, sizeof(*stale));
	for (size_t i = 0; i < g->nrows; i++)
		if (!g->rows[i].fresh)
			stale[nstale++] = &g->rows[i];
	for (size_t i = 1; i < nstale; i++)
		for (size_t j = i; j > 0 && newer(stale[j - 1]->sb, stale[j]->sb); j--) {
			struct rr_plan_row *t = stale[j];

			stale[j] = stale[j - 1];
			stale[j - 1] = t;
		}
	for (size_t i = 0; i < nstale; i++) {
		const struct rr_md_sb *s = stale[i]->sb;
		const char *v = ref_view(ref, s);
		long long dt = (long long)ref->utime - (long long)s->utime;

		if (nstale > 1 && i == 0)
			group_conflict(g, _("%s was ejected first: events %" PRIu64 " vs %" PRIu64 ", last update %lld s before the freshest members%s%s"),
				       mpath(members, stale[i]->member), s->events, ref->events, dt,
				       v ? _("; they record it as ") : "", v ? v : "");
		else if (nstale > 1)
			group_conflict(g, _("%s was ejected later (#%zu of %zu): events %" PRIu64 " vs %" PRIu64 ", last update %lld s before the freshest members%s%s"),
				       mpath(members, stale[i]->member), i + 1, nstale, s->events, ref->events, dt,
				       v ? _("; they record it as ") : "", v ? v : "");
		else
			group_conflict(g, _("%s is stale: events %" PRIu64 " vs %" PRIu64 ", last update %lld s before the freshest members%s%s"),
				       mpath(members, stale[i]->member), s->events, ref->events, dt,
				       v ? _("; they record it as ") : "", v ? v : "");
	}
	free(stale);

	/* The array state each member believes, where they differ. */
	for (size_t i = 0; i < g->nrows; i++) {
		const struct rr_plan_row *r = &g->rows[i];

		if (!(r->diff & RR_PLAN_DIFF_STATE) || !r->sb->array_state)
			continue;
		group_conflict(g, _("%s believes the array state is %s, the freshest members %s"),
			       mpath(members, r->member), r->sb->array_state,
			       ref->array_state ? ref->array_state : "?");
		seen++;
	}
	for (size_t i = 0; i < g->nrows; i++) {
		const struct rr_plan_row *r = &g->rows[i];
		char a[96], b[96], role[32];

		if (r->diff & RR_PLAN_DIFF_GEOMETRY) {
			describe_sb_geometry(r->sb, a, sizeof(a));
			describe_sb_geometry(ref, b, sizeof(b));
			group_conflict(g, _("%s records another geometry: %s, the freshest members %s"),
				       mpath(members, r->member), a, b);
		}
		if (r->diff & RR_PLAN_DIFF_OFFSET)
			group_conflict(g, _("%s has its data at offset %" PRIu64 " sectors, the freshest member at %" PRIu64),
				       mpath(members, r->member), r->sb->data_offset, ref->data_offset);
		if (r->diff & RR_PLAN_DIFF_RESHAPE)
			group_conflict(g, _("%s records a reshape in progress at array sector %" PRIu64 " (%+d devices, to level %d, layout %u, chunk %" PRIu64 "K): assembling needs the reshape finished or reverted first"),
				       mpath(members, r->member), r->sb->reshape_position, r->sb->delta_disks,
				       r->sb->new_level, r->sb->new_layout, r->sb->new_chunk_bytes / 1024);
		if (r->sb->role_kind != RR_MD_ROLE_ACTIVE) {
			describe_role(r->sb, role, sizeof(role));
			group_conflict(g, _("%s is %s in its own superblock: it fills no role"),
				       mpath(members, r->member), role);
		}
		for (size_t j = i + 1; j < g->nrows; j++)
			if (r->sb->role_kind == RR_MD_ROLE_ACTIVE && g->rows[j].sb->role_kind == RR_MD_ROLE_ACTIVE &&
			    r->sb->slot == g->rows[j].sb->slot)
				group_conflict(g, _("role %u is claimed by both %s (events %" PRIu64 ") and %s (events %" PRIu64 ")"),
					       r->sb->slot, mpath(members, r->member), r->sb->events,
					       mpath(members, g->rows[j].member), g->rows[j].sb->events);
	}
	(void)seen;
}

static void build_groups(struct rr_member *const *members, size_t n, struct rr_plan *p)
{
	for (size_t i = 0; i < n; i++) {
		const struct rr_md_sb *s = rr_md_primary(members[i]->md);
		struct rr_plan_group *g = NULL;

		if (!s) {
			p->loose = rr_xrealloc(p->loose, (p->nloose + 1) * sizeof(*p->loose));
			p->loose[p->nloose++] = i;
			continue;
		}
		for (size_t k = 0; k < p->ngroups; k++)
			if (!memcmp(p->groups[k].uuid, s->array_uuid, 16))
				g = &p->groups[k];
		if (!g) {
			p->groups = rr_xrealloc(p->groups, (p->ngroups + 1) * sizeof(*p->groups));
			g = &p->groups[p->ngroups++];
			memset(g, 0, sizeof(*g));
			memcpy(g->uuid, s->array_uuid, 16);
			rr_md_format_uuid(s->array_uuid, g->uuid_text);
		}
		g->rows = rr_xrealloc(g->rows, (g->nrows + 1) * sizeof(*g->rows));
		g->rows[g->nrows++] = (struct rr_plan_row){ .member = i, .sb = s };
		if (!g->ref || newer(s, g->ref))
			g->ref = s;
	}
	/* The main array: the most members, then the most recent update. */
	if (p->ngroups) {
		size_t best = 0;

		for (size_t k = 1; k < p->ngroups; k++)
			if (p->groups[k].nrows > p->groups[best].nrows ||
			    (p->groups[k].nrows == p->groups[best].nrows && newer(p->groups[k].ref, p->groups[best].ref)))
				best = k;
		if (best) {
			struct rr_plan_group t = p->groups[0];

			p->groups[0] = p->groups[best];
			p->groups[best] = t;
		}
		p->groups[0].main = true;
	}
	for (size_t k = 0; k < p->ngroups; k++) {
		qsort(p->groups[k].rows, p->groups[k].nrows, sizeof(*p->groups[k].rows), row_cmp);
		build_conflicts(members, &p->groups[k]);
	}
}

/* ---- redundancy ---------------------------------------------------------------------------- */

/* Can an array of this geometry run with these slots missing? */
static bool survivable(const struct rr_candidate *c)
{
	unsigned miss = rr_candidate_missing(c);
	struct rr_geom g;
	struct rr_map m;

	switch (c->level) {
	case RR_RAID1: return miss < c->ndisks;
	case RR_RAID4:
	case RR_RAID5: return miss <= 1;
	case RR_RAID6: return miss <= 2;
	case RR_RAID10: break;
	default: return miss == 0;
	}
	if (miss == 0)
		return true;
	/* RAID10: every chunk needs one copy on a present slot; the copy
	 * pattern repeats within ndisks * copies chunk rows. */
	memset(&g, 0, sizeof(g));
	g.level = c->level;
	g.layout = c->layout;
	g.chunk_sectors = c->chunk_kib ? c->chunk_kib * 2 : 128;
	g.ndisks = c->ndisks;
	g.dev_sectors = (uint64_t)g.chunk_sectors * c->ndisks * 64;
	if (rr_layout_check(&g))
		return false;
	for (uint64_t a = 0; a < (uint64_t)c->ndisks * 8; a++) {
		bool ok = false;

		if (rr_layout_map(&g, a * g.chunk_sectors, &m))
			return false;
		for (unsigned k = 0; k < m.ncopies && !ok; k++) {
			unsigned d;
			uint64_t s;

			if (!rr_layout_map_copy(&g, a * g.chunk_sectors, k, &d, &s) && d < c->ndisks &&
			    c->slot[d] != RR_CAND_MISSING)
				ok = true;
		}
		if (!ok)
			return false;
	}
	return true;
}

static unsigned redundancy(int level, unsigned ndisks)
{
	switch (level) {
	case RR_RAID1: return ndisks ? ndisks - 1 : 0;
	case RR_RAID4:
	case RR_RAID5: return 1;
	case RR_RAID6: return 2;
	case RR_RAID10: return ndisks / 2;
	default: return 0;
	}
}

/* ---- proposals from superblocks -------------------------------------------------------------- */

struct proposal {
	struct rr_candidate c;
	double key;		/* lower is better */
};

struct props {
	struct proposal *v;
	size_t n;
};

static bool same_slots(const struct rr_candidate *a, const struct rr_candidate *b)
{
	if (a->ndisks != b->ndisks)
		return false;
	for (unsigned i = 0; i < a->ndisks; i++)
		if (a->slot[i] != b->slot[i])
			return false;
	return true;
}

static struct rr_candidate *props_add(struct props *ps, const struct rr_candidate *c, double key)
{
	for (size_t i = 0; i < ps->n; i++)
		if (same_slots(&ps->v[i].c, c))
			return NULL;
	ps->v = rr_xrealloc(ps->v, (ps->n + 1) * sizeof(*ps->v));
	ps->v[ps->n].c = *c;
	ps->v[ps->n].c.reasons = NULL;
	ps->v[ps->n].c.nreasons = 0;
	ps->v[ps->n].key = key;
	return &ps->v[ps->n++].c;
}

struct sbctx {
	struct rr_member *const *members;
	const struct rr_plan_group *g;
	const struct rr_md_sb *ref;
	/* per slot: the claimants, most recent first (indexes in g->rows) */
	size_t **claim;
	size_t *nclaim;
	unsigned nd;
};

static const struct rr_md_sb *msb(const struct sbctx *x, int member)
{
	return rr_md_primary(x->members[member]->md);
}

/* Staleness rank of a member among the group: 0 the freshest. */
static double staleness(const struct sbctx *x, int member)
{
	const struct rr_md_sb *s = msb(x, member);
	double r = 0;

	for (size_t i = 0; i < x->g->nrows; i++)
		if (newer(x->g->rows[i].sb, s))
			r += 1;
	return r;
}

static void explain(const struct sbctx *x, struct rr_candidate *c, const char *label)
{
	const struct rr_md_sb *ref = x->ref;
	unsigned miss = rr_candidate_missing(c), red = redundancy(c->level, c->ndisks);
	char geo[96];

	describe_sb_geometry(ref, geo, sizeof(geo));
	rr_candidate_add_reason(c, _("%s: geometry of array %s from its freshest superblock (events %" PRIu64 "): %s, metadata %s"),
				label, x->g->uuid_text, ref->events, geo, rr_md_version_name(ref->version));
	for (unsigned s = 0; s < c->ndisks; s++) {
		int m = c->slot[s];

		if (m == RR_CAND_MISSING) {
			if (!x->nclaim[s]) {
				rr_candidate_add_reason(c, _("slot %u: no member claims it"), s);
				continue;
			}
			for (size_t k = 0; k < x->nclaim[s]; k++) {
				const struct rr_md_sb *o = x->g->rows[x->claim[s][k]].sb;
				long long dt = (long long)ref->utime - (long long)o->utime;

				rr_candidate_add_reason(c, _("slot %u left missing: %s is stale (events %" PRIu64 " vs %" PRIu64 ", last update %lld s before the freshest members), so its blocks are rebuilt from the others"),
							s, mpath(x->members, x->g->rows[x->claim[s][k]].member), o->events,
							ref->events, dt);
			}
			continue;
		}
		const struct rr_md_sb *o = msb(x, m);

		if (!o) {
			rr_candidate_add_reason(c, _("slot %u: %s has no md superblock; placed in the slot no member claims"),
						s, mpath(x->members, (size_t)m));
		} else if (o->events < ref->events) {
			long long dt = (long long)ref->utime - (long long)o->utime;

			rr_candidate_add_reason(c, _("slot %u: %s is included although stale (events %" PRIu64 " vs %" PRIu64 ", %lld s older): where the array was written after its ejection it holds older data"),
						s, mpath(x->members, (size_t)m), o->events, ref->events, dt);
		}
		for (size_t k = 0; k < x->nclaim[s]; k++) {
			const struct rr_plan_row *r = &x->g->rows[x->claim[s][k]];

			if ((int)r->member != m)
				rr_candidate_add_reason(c, _("slot %u: %s chosen over %s, which also claims it (events %" PRIu64 " vs %" PRIu64 ")"),
							s, mpath(x->members, (size_t)m), mpath(x->members, r->member),
							o ? o->events : 0, r->sb->events);
		}
	}
	if (miss > red)
		rr_candidate_add_reason(c, P_("%u slot missing: more than %s can rebuild (%u); the array cannot run degraded like this",
					      "%u slots missing: more than %s can rebuild (%u); the array cannot run degraded like this", miss),
					miss, rr_level_name(c->level) ? rr_level_name(c->level) : "?", red);
	else if (miss)
		rr_candidate_add_reason(c, P_("%u slot missing, %s rebuilds it from the others", "%u slots missing, %s rebuilds them from the others", miss),
					miss, rr_level_name(c->level) ? rr_level_name(c->level) : "?");
	else
		rr_candidate_add_reason(c, "%s", _("every slot is filled"));
}

/* Leave out the stalest included members while the level still runs. */
static void drop_stalest(const struct sbctx *x, struct rr_candidate *c)
{
	for (;;) {
		int best = -1;
		double bs = -1;

		for (unsigned s = 0; s < c->ndisks; s++) {
			int m = c->slot[s];
			const struct rr_md_sb *o;

			if (m < 0 || !(o = msb(x, m)) || o->events >= x->ref->events)
				continue;
			c->slot[s] = RR_CAND_MISSING;
			if (survivable(c) && staleness(x, m) > bs) {
				bs = staleness(x, m);
				best = (int)s;
			}
			c->slot[s] = m;
		}
		if (best < 0)
			return;
		c->slot[best] = RR_CAND_MISSING;
	}
}

/* Sum of staleness over included stale members: the proposal key. */
static double included_staleness(const struct sbctx *x, const struct rr_candidate *c)
{
	double k = 0;

	for (unsigned s = 0; s < c->ndisks; s++) {
		const struct rr_md_sb *o;

		if (c->slot[s] >= 0 && (o = msb(x, c->slot[s])) && o->events < x->ref->events)
			k += 1.0 + staleness(x, c->slot[s]);
	}
	return k;
}

static void propose_group(struct rr_member *const *members, const struct rr_plan *p,
			  const struct rr_plan_group *g, double prior, struct props *out)
{
	const struct rr_md_sb *ref = g->ref;
	struct sbctx x = { .members = members, .g = g, .ref = ref };
	struct rr_candidate base, c;
	unsigned nd = ref->raid_disks;
	size_t first = out->n;

	if (!nd || nd > RR_CAND_MAX_SLOTS || (ref->level != RR_RAID0 && ref->level != RR_RAID1 &&
					      ref->level != RR_RAID4 && ref->level != RR_RAID5 &&
					      ref->level != RR_RAID6 && ref->level != RR_RAID10 &&
					      ref->level != RR_LINEAR))
		return;
	x.nd = nd;
	x.claim = rr_xcalloc(nd, sizeof(*x.claim));
	x.nclaim = rr_xcalloc(nd, sizeof(*x.nclaim));
	for (size_t i = 0; i < g->nrows; i++) {
		const struct rr_md_sb *s = g->rows[i].sb;

		if (s->role_kind != RR_MD_ROLE_ACTIVE || s->slot >= nd || !same_geometry(s, ref))
			continue;
		x.claim[s->slot] = rr_xrealloc(x.claim[s->slot], (x.nclaim[s->slot] + 1) * sizeof(size_t));
		x.claim[s->slot][x.nclaim[s->slot]++] = i;	/* rows are sorted most recent first per role */
	}

	memset(&base, 0, sizeof(base));
	base.level = ref->level;
	base.layout = (int)ref->layout;
	base.chunk_kib = (unsigned)(ref->chunk_bytes / 1024);
	snprintf(base.metadata, sizeof(base.metadata), "%s", rr_md_version_name(ref->version));
	base.ndisks = nd;
	base.dev_sectors = ref->component_size;
	for (unsigned s = 0; s < nd; s++) {
		base.slot[s] = x.nclaim[s] ? (int)g->rows[x.claim[s][0]].member : RR_CAND_MISSING;
		base.data_offset[s] = x.nclaim[s] ? g->rows[x.claim[s][0]].sb->data_offset : ref->data_offset;
	}

	/* 1. The expert's choice: the stalest members out while it runs. */
	c = base;
	drop_stalest(&x, &c);
	struct rr_candidate *best = props_add(out, &c, prior);
	(void)best;

	/* 2. The same with each other combination of stale members left
	 *    out (as many as in the best), ranked by how stale the included
	 *    ones are: the next-best guesses when the first one is wrong. */
	{
		int stale[16];
		unsigned ns = 0, drop = rr_candidate_missing(&c) - rr_candidate_missing(&base);

		for (unsigned s = 0; s < nd && ns < 16; s++) {
			const struct rr_md_sb *o;

			if (base.slot[s] >= 0 && (o = msb(&x, base.slot[s])) && o->events < ref->events)
				stale[ns++] = (int)s;
		}
		if (drop && ns <= 12) {
			for (unsigned mask = 1; mask < (1u << ns); mask++) {
				struct rr_candidate a = base;

				if ((unsigned)__builtin_popcount(mask) != drop)
					continue;
				for (unsigned k = 0; k < ns; k++)
					if (mask & (1u << k))
						a.slot[stale[k]] = RR_CAND_MISSING;
				if (survivable(&a))
					props_add(out, &a, prior - SB_STEP * included_staleness(&x, &a));
			}
		}
		/* 3. Another claimant in a slot claimed twice. */
		for (unsigned s = 0; s < nd; s++)
			for (size_t k = 1; k < x.nclaim[s]; k++) {
				struct rr_candidate a = base;

				a.slot[s] = (int)g->rows[x.claim[s][k]].member;
				a.data_offset[s] = g->rows[x.claim[s][k]].sb->data_offset;
				drop_stalest(&x, &a);
				props_add(out, &a, prior - SB_STEP * (5 + included_staleness(&x, &a)));
			}
		/* 4. Everything in, as mdadm --assemble --force would do. */
		if (ns)
			props_add(out, &base, prior - SB_STEP * (20 + included_staleness(&x, &base)));
	}

	/* 5. Members without a superblock in the slots nobody claims. */
	if (p->nloose) {
		unsigned empty[8], ne = 0;

		for (unsigned s = 0; s < nd && ne < 8; s++)
			if (!x.nclaim[s])
				empty[ne++] = s;
		for (unsigned e = 0; e < ne; e++)
			for (size_t l = 0; l < p->nloose && l < 8; l++) {
				struct rr_candidate a = c;

				if (a.slot[empty[e]] != RR_CAND_MISSING)
					continue;
				a.slot[empty[e]] = (int)p->loose[l];
				a.data_offset[empty[e]] = ref->data_offset;
				props_add(out, &a, prior - SB_STEP * 30);
			}
	}

	for (size_t i = first; i < out->n; i++) {
		char label[64];

		if (i == first)
			snprintf(label, sizeof(label), "%s", _("best proposal from the superblocks"));
		else
			snprintf(label, sizeof(label), _("alternative %zu"), i - first);
		explain(&x, &out->v[i].c, label);
	}
	for (unsigned s = 0; s < nd; s++)
		free(x.claim[s]);
	free(x.claim);
	free(x.nclaim);
}

static int prop_cmp(const void *a, const void *b)
{
	const struct proposal *x = a, *y = b;

	return x->key > y->key ? -1 : x->key < y->key;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct rr_candidate *x = a, *y = b;

	return x->score > y->score ? -1 : x->score < y->score;
}

/* Confirm (or not) the proposals by what the array holds where they say
 * it must; and parity, where a member without superblock was placed. */
static void confirm(struct rr_member *const *members, size_t n, const struct rr_plan_opts *o,
		    struct rr_plan *p, struct rr_candidate *c)
{
	struct pl_src src = { .read = o->read, .ctx = o->read_ctx, .bytes = p->stats.bytes_read, .nmembers = n };
	uint64_t *sizes = rr_xcalloc(n, sizeof(*sizes));
	struct pl_array a;
	bool loose = false;

	for (size_t i = 0; i < n; i++)
		sizes[i] = members[i]->size_bytes;
	for (unsigned s = 0; s < c->ndisks; s++)
		if (c->slot[s] >= 0 && !rr_md_primary(members[c->slot[s]]->md))
			loose = true;
	if (!pl_array_init(&a, c, &src, sizes)) {
		unsigned checks = 0, ok = 0, bad = 0;
		size_t before = c->nreasons;
		double ev = pl_array_evidence(&a, c, &checks);

		if (loose) {
			pl_array_parity(&a, 64ull << 20, &ok, &bad);
			if (ok + bad)
				rr_candidate_add_reason(c, _("parity: %u of %u sampled stripes consistent"), ok, ok + bad);
			/* only evidence can place a member without superblock */
			c->score += ev + 2.0 * ok - 4.0 * bad;
		}
		if (!checks && c->nreasons == before)
			rr_candidate_add_reason(c, "%s", _("no filesystem or volume found at the start of the array"));
	}
	free(sizes);
}

/* ---- the plan -------------------------------------------------------------------------------- */

int rr_plan(struct rr_member *const *members, size_t n, const struct rr_plan_opts *o,
	    struct rr_plan *p)
{
	static const struct rr_plan_opts dflt;
	struct props ps = { 0 };
	struct timespec t0, t1;
	unsigned top;
	bool search;

	memset(p, 0, sizeof(*p));
	if (!o)
		o = &dflt;
	top = o->top ? o->top : 10;
	p->nmembers = n;
	p->stats.bytes_read = rr_xcalloc(n ? n : 1, sizeof(uint64_t));
	if (!n)
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	build_groups(members, n, p);

	for (size_t k = 0; k < p->ngroups; k++) {
		size_t first = ps.n;

		propose_group(members, p, &p->groups[k], SB_PRIOR - 500.0 * (k > 0), &ps);
		qsort(ps.v + first, ps.n - first, sizeof(*ps.v), prop_cmp);
	}
	for (size_t k = 1; k < p->ngroups; k++)
		pl_remark(p, P_("%zu member belongs to another array (%s); proposals for it are ranked after the main array's",
				"%zu members belong to another array (%s); proposals for it are ranked after the main array's",
				p->groups[k].nrows),
			  p->groups[k].nrows, p->groups[k].uuid_text);
	if (p->nloose && p->ngroups)
		pl_remark(p, P_("%zu member has no md superblock", "%zu members have no md superblock", p->nloose), p->nloose);

	p->cands = rr_xcalloc(ps.n ? ps.n : 1, sizeof(*p->cands));
	for (size_t i = 0; i < ps.n; i++) {
		struct rr_candidate *c = &p->cands[p->ncands++];

		*c = ps.v[i].c;
		c->score = ps.v[i].key - (i ? 0.001 * (double)i : 0);
		if (o->read)
			confirm(members, n, o, p, c);
	}
	free(ps.v);

	search = o->search == RR_PLAN_SEARCH_ALWAYS ||
		 (o->search == RR_PLAN_SEARCH_AUTO && (!p->ngroups || (p->nloose >= 2 && p->groups[0].nrows < 2)));
	if (p->ngroups && o->search == RR_PLAN_SEARCH_AUTO && p->groups[0].nrows >= 2) {
		bool contradict = false;

		for (size_t i = 0; i < p->groups[0].nrows; i++)
			if (p->groups[0].rows[i].fresh && (p->groups[0].rows[i].diff & RR_PLAN_DIFF_GEOMETRY))
				contradict = true;
		if (contradict) {
			search = true;
			pl_remark(p, "%s", _("the freshest superblocks disagree on the geometry: searching by evidence as well"));
		}
	}
	if (search && !o->read) {
		pl_remark(p, "%s", _("no superblocks to plan from, and member data cannot be read here"));
		search = false;
	}
	if (search) {
		struct rr_candidate *sc = NULL;
		size_t ns = 0;

		p->searched = true;
		if (pl_search(members, n, o, p, &sc, &ns) == 0 && ns) {
			p->cands = rr_xrealloc(p->cands, (p->ncands + ns) * sizeof(*p->cands));
			memcpy(p->cands + p->ncands, sc, ns * sizeof(*sc));
			p->ncands += ns;
		}
		free(sc);
	}
	qsort(p->cands, p->ncands, sizeof(*p->cands), cand_cmp);
	while (p->ncands > top)
		rr_candidate_clear(&p->cands[--p->ncands]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	p->stats.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!p->ncands && !p->nremarks)
		pl_remark(p, "%s", _("no candidate: no md superblock, and the search found no structure to go by"));
	return 0;
}

void rr_plan_free(struct rr_plan *p)
{
	for (size_t k = 0; k < p->ngroups; k++) {
		for (size_t i = 0; i < p->groups[k].nconflicts; i++)
			free(p->groups[k].conflicts[i]);
		free(p->groups[k].conflicts);
		free(p->groups[k].rows);
	}
	free(p->groups);
	free(p->loose);
	for (size_t i = 0; i < p->ncands; i++)
		rr_candidate_clear(&p->cands[i]);
	free(p->cands);
	for (size_t i = 0; i < p->nremarks; i++)
		free(p->remarks[i]);
	free(p->remarks);
	free(p->stats.bytes_read);
	memset(p, 0, sizeof(*p));
}
