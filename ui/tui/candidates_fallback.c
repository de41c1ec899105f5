/* Where the wizard's candidates come from.  Only this file knows; the
 * screens call tui_candidates_build() and nothing else.
 *
 * The planner (core/plan.h) is used when it is linked in.  It is being
 * written while this lands, and core/plan.c is not in the library yet, so
 * rr_plan is referenced weakly: when it is absent (or finds nothing) the
 * small fallback below builds candidates from the md superblocks -- the
 * order they record, and the same with each stale member (fewer events)
 * left out as "missing" when the level's redundancy allows it.  Once
 * core/plan.c is always built, delete the fallback and the weak
 * declaration. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/layout.h"
#include "core/msg.h"
#include "core/plan.h"
#include "probes/md.h"
#include "ui/tui/tui.h"

/* How many members the level can lose and still be read. */
static unsigned redundancy(int level, int layout, unsigned ndisks)
{
	switch (level) {
	case RR_RAID1: return ndisks ? ndisks - 1 : 0;
	case RR_RAID4: case RR_RAID5: return 1;
	case RR_RAID6: return 2;
	case RR_RAID10: {
		unsigned copies = RR_R10_NEAR(layout) * RR_R10_FAR(layout);

		return copies > 1 ? copies - 1 : 0;	/* at best: one per copy set */
	}
	default: return 0;
	}
}

static void add(struct rr_candidate **out, size_t *n, const struct rr_candidate *c)
{
	*out = rr_xrealloc(*out, (*n + 1) * sizeof(**out));
	(*out)[(*n)++] = *c;
}

static const char *base(const struct rr_member *m)
{
	const char *s = strrchr(m->path, '/');

	return s && s[1] ? s + 1 : m->path;
}

static int by_score(const void *x, const void *y)
{
	const struct rr_candidate *a = x, *b = y;

	return a->score < b->score ? 1 : a->score > b->score ? -1 : 0;
}

/* A starting point for the editor when nothing can be decoded. */
static void manual(struct rr_member *const *members, size_t n, struct rr_candidate **out, size_t *nc)
{
	struct rr_candidate c;

	memset(&c, 0, sizeof(c));
	c.level = RR_RAID5;
	c.layout = RR_ALG_LEFT_SYMMETRIC;
	c.chunk_kib = 512;
	strcpy(c.metadata, "1.2");
	c.ndisks = (unsigned)(n < RR_CAND_MAX_SLOTS ? n : RR_CAND_MAX_SLOTS);
	for (unsigned i = 0; i < c.ndisks; i++) {
		c.slot[i] = (int)i;
		c.data_offset[i] = 2048;
	}
	rr_candidate_add_reason(&c, "%s", _("no md superblock on the members: mdadm's defaults in the order you selected; edit it (e)"));
	add(out, nc, &c);
}

/* Resolved only when core/plan.o is part of the link. */
extern int rr_plan(struct rr_member *const *members, size_t n, const struct rr_plan_opts *o,
		   struct rr_plan *out) __attribute__((weak));
extern void rr_plan_free(struct rr_plan *p) __attribute__((weak));

static int from_plan(struct rr_member *const *members, size_t n, struct rr_candidate **out, size_t *ncands)
{
	struct rr_plan_opts o = { .top = 10, .search = RR_PLAN_SEARCH_NEVER };
	struct rr_plan p;

	if (!rr_plan || !rr_plan_free)
		return -ENOSYS;
	if (rr_plan(members, n, &o, &p) < 0 || !p.ncands) {
		rr_plan_free(&p);
		return -ENOENT;
	}
	/* Take the candidates over; the plan keeps nothing of them. */
	*out = p.cands;
	*ncands = p.ncands;
	p.cands = NULL;
	p.ncands = 0;
	rr_plan_free(&p);
	return 0;
}

int tui_candidates_build(struct rr_member *const *members, size_t n, struct rr_candidate **out,
			 size_t *ncands)
{
	const struct rr_md_sb *ref = NULL, *sbs[RR_CAND_MAX_SLOTS];
	struct rr_candidate base_c;
	uint64_t maxev = 0;
	unsigned best_count = 0, red, missing;
	int owner[RR_CAND_MAX_SLOTS];
	size_t stale[RR_CAND_MAX_SLOTS], nstale = 0;

	*out = NULL;
	*ncands = 0;
	if (from_plan(members, n, out, ncands) == 0)
		return 0;
	if (n > RR_CAND_MAX_SLOTS)
		n = RR_CAND_MAX_SLOTS;
	/* The array most of the members belong to. */
	for (size_t i = 0; i < n; i++) {
		unsigned count = 0;

		sbs[i] = rr_md_primary(members[i]->md);
		if (!sbs[i])
			continue;
		for (size_t k = 0; k < n; k++) {
			const struct rr_md_sb *o = rr_md_primary(members[k]->md);

			if (o && !memcmp(o->array_uuid, sbs[i]->array_uuid, 16))
				count++;
		}
		if (count > best_count || (count == best_count && ref && sbs[i]->events > ref->events)) {
			best_count = count;
			ref = sbs[i];
		}
	}
	if (!ref) {
		manual(members, n, out, ncands);
		return 0;
	}
	/* The freshest superblock of that array speaks for it. */
	for (size_t i = 0; i < n; i++)
		if (sbs[i] && !memcmp(sbs[i]->array_uuid, ref->array_uuid, 16) && sbs[i]->events >= maxev) {
			maxev = sbs[i]->events;
			ref = sbs[i];
		}
	memset(&base_c, 0, sizeof(base_c));
	base_c.level = ref->level;
	base_c.layout = (int)ref->layout;
	base_c.chunk_kib = (unsigned)(ref->chunk_bytes / 1024);
	snprintf(base_c.metadata, sizeof(base_c.metadata), "%s", rr_md_version_name(ref->version));
	base_c.ndisks = ref->raid_disks < RR_CAND_MAX_SLOTS ? ref->raid_disks : RR_CAND_MAX_SLOTS;
	base_c.dev_sectors = ref->component_size;
	for (unsigned s = 0; s < base_c.ndisks; s++) {
		base_c.slot[s] = RR_CAND_MISSING;
		owner[s] = -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rr_md_sb *sb = sbs[i];

		if (!sb || memcmp(sb->array_uuid, ref->array_uuid, 16)) {
			rr_candidate_add_reason(&base_c, _("%s is not a member of this array; left out"), base(members[i]));
			continue;
		}
		if (sb->role_kind != RR_MD_ROLE_ACTIVE || sb->slot >= base_c.ndisks) {
			rr_candidate_add_reason(&base_c, _("%s is not an active member (spare, faulty or journal); left out"),
						base(members[i]));
			continue;
		}
		if (owner[sb->slot] >= 0 && sbs[owner[sb->slot]]->events >= sb->events) {
			rr_candidate_add_reason(&base_c, _("%s also claims slot %u but has fewer events; left out"),
						base(members[i]), sb->slot);
			continue;
		}
		owner[sb->slot] = (int)i;
		base_c.slot[sb->slot] = (int)i;
		base_c.data_offset[sb->slot] = sb->data_offset;
	}
	for (unsigned s = 0; s < base_c.ndisks; s++)
		if (owner[s] >= 0 && sbs[owner[s]]->events < maxev && nstale < RR_CAND_MAX_SLOTS)
			stale[nstale++] = s;
	red = redundancy(base_c.level, base_c.layout, base_c.ndisks);
	missing = rr_candidate_missing(&base_c);
	{
		struct rr_candidate c = base_c;

		c.reasons = NULL;
		c.nreasons = 0;
		rr_candidate_add_reason(&c, _("the order the superblocks record (roles), %s"),
					rr_level_name(c.level) ? rr_level_name(c.level) : "?");
		for (size_t i = 0; i < base_c.nreasons; i++)
			rr_candidate_add_reason(&c, "%s", base_c.reasons[i]);
		c.score = 1.0 - 0.1 * missing - 0.25 * (double)nstale;
		if (missing > red) {
			rr_candidate_add_reason(&c, _("%u slots are missing, the level can lose %u: the array cannot be read"),
						missing, red);
			c.score -= 1;
		} else if (missing) {
			rr_candidate_add_reason(&c, P_("%u slot is missing: its data is rebuilt from redundancy",
						       "%u slots are missing: their data is rebuilt from redundancy", missing),
						missing);
		}
		for (size_t k = 0; k < nstale; k++)
			rr_candidate_add_reason(&c, _("%s has %llu events, the freshest %llu: it was ejected, its data is stale"),
						base(members[owner[stale[k]]]),
						(unsigned long long)sbs[owner[stale[k]]]->events,
						(unsigned long long)maxev);
		if (!nstale)
			rr_candidate_add_reason(&c, "%s", _("every member has the same event count"));
		add(out, ncands, &c);
	}
	/* Leave each stale member out, when the redundancy allows. */
	for (size_t k = 0; k < nstale; k++) {
		struct rr_candidate c = base_c;

		if (missing + 1 > red)
			break;
		c.reasons = NULL;
		c.nreasons = 0;
		c.slot[stale[k]] = RR_CAND_MISSING;
		rr_candidate_add_reason(&c, _("the recorded order with the stale %s as missing (slot %zu)"),
					base(members[owner[stale[k]]]), stale[k]);
		rr_candidate_add_reason(&c, "%s", _("its blocks are rebuilt from the fresher members"));
		c.score = 1.0 - 0.1 * (missing + 1) - 0.2 * (double)(nstale - 1) + 0.05 *
			(double)(maxev > sbs[owner[stale[k]]]->events);
		add(out, ncands, &c);
	}
	if (nstale > 1 && missing + nstale <= red) {
		struct rr_candidate c = base_c;

		c.reasons = NULL;
		c.nreasons = 0;
		for (size_t k = 0; k < nstale; k++)
			c.slot[stale[k]] = RR_CAND_MISSING;
		rr_candidate_add_reason(&c, "%s", _("the recorded order with every stale member missing"));
		c.score = 1.0 - 0.1 * (missing + nstale);
		add(out, ncands, &c);
	}
	for (size_t i = 0; i < base_c.nreasons; i++)
		free(base_c.reasons[i]);
	free(base_c.reasons);
	qsort(*out, *ncands, sizeof(**out), by_score);
	return 0;
}

void tui_candidates_free(struct rr_candidate *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rr_candidate_clear(&c[i]);
	free(c);
}
