/* The search for a geometry when the superblocks are lost, zeroed or
 * contradictory.
 *
 * Brute force (every order x level x layout x chunk x data offset, each
 * scored by reading the array) is far too slow, so the evidence comes
 * first:
 *  1. read the first scan_bytes of every member once (the only member I/O
 *     of the search) and find the self-locating structures on each one
 *     (plan_evidence.c: ext superblock copies with their group number, XFS
 *     AG headers and v5 blocks with their own address, btrfs superblocks
 *     with bytenr, LVM2 label and mda header, GPT header);
 *  2. for every shape (level, layout, chunk, number of slots) and data
 *     offset, vote: a structure at member offset X that belongs at
 *     volume position P says, for each slot the member could take, where
 *     its volume starts; the other structures of the same volume then
 *     either sit where the layout map puts them -- pinning their members'
 *     slots -- or not.  This costs a few map computations per structure,
 *     no reads, and leaves a handful of hypotheses with most members
 *     pinned;
 *  3. complete each surviving hypothesis (the unpinned members and missing
 *     slots in every remaining order) and score the candidates by reading
 *     the array through the layout map from the buffers of step 1:
 *     checksummed metadata where the candidate says it must be
 *     (pl_array_evidence) and parity.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "core/plan_int.h"
#include "core/units.h"
#include "probes/lvm2.h"

#define SECTOR 512u
#define MAX_UNITS 32
#define VOTE_ANCHORS 3
#define VOTE_SAMPLES 64
#define KEEP_HYPS 256
#define MAX_SCORED 40000
#define FULL_SCORED 96

static const uint64_t default_offsets[] = {
	0, 8, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 264192,
};

struct hyp {
	struct rr_geom g;
	uint64_t d;			/* data offset, bytes */
	int slot_of[MAX_UNITS];		/* per unit, -1 unpinned */
	double support;
	unsigned pinned;
};

struct search {
	struct rr_member *const *members;
	size_t n;			/* units (the caller's members) */
	const struct rr_plan_opts *o;
	struct rr_plan *p;
	uint8_t **buf;
	uint64_t *buflen, *size;
	struct pl_src src;
	struct pl_sights sg;
	size_t *fam_first, *fam_n;	/* sightings of each family */
	uint64_t *offs;
	size_t noffs;
	struct hyp *hyps;
	size_t nhyps, caphyps;
	uint64_t min_size;
	/* The XOR of every member's buffer: what a single missing RAID4/5
	 * member held (parity of a full row), scanned like a member of its
	 * own, index n.  Its sightings pin the missing slot. */
	bool have_virtual;
};

/* ---- step 1: read and scan ------------------------------------------------ */

static void load(struct search *S)
{
	uint64_t want = S->o->scan_bytes ? S->o->scan_bytes : 64ull << 20;

	for (size_t i = 0; i < S->n; i++) {
		uint64_t len = S->size[i] < want ? S->size[i] : want, got = 0;

		if (!len)
			continue;
		S->buf[i] = rr_xmalloc((size_t)len);
		while (got < len) {
			size_t step = len - got > (4u << 20) ? 4u << 20 : (size_t)(len - got);

			if (S->o->read(S->o->read_ctx, i, got, S->buf[i] + got, step))
				break;
			got += step;
		}
		S->p->stats.bytes_read[i] += got;
		S->buflen[i] = got;
		if (got < len)
			pl_remark(S->p, _("%s: only the first %" PRIu64 " bytes could be read for the search"),
				  S->members[i]->path, got);
		pl_scan_member(S->buf[i], (size_t)got, i, &S->sg);
	}
	{
		uint64_t vl = UINT64_MAX;
		size_t present = 0;

		for (size_t i = 0; i < S->n; i++)
			if (S->buflen[i]) {
				present++;
				if (S->buflen[i] < vl)
					vl = S->buflen[i];
			}
		if (present >= 2 && vl != UINT64_MAX && vl) {
			uint8_t *v = rr_xcalloc(1, (size_t)vl);

			for (size_t i = 0; i < S->n; i++) {
				if (!S->buflen[i])
					continue;
				for (size_t b = 0; b < vl; b++)
					v[b] ^= S->buf[i][b];
			}
			S->buf[S->n] = v;
			S->buflen[S->n] = vl;
			S->have_virtual = true;
			pl_scan_member(v, (size_t)vl, S->n, &S->sg);
		}
	}
	pl_sights_finish(&S->sg);
	S->fam_first = rr_xcalloc(S->sg.nf ? S->sg.nf : 1, sizeof(size_t));
	S->fam_n = rr_xcalloc(S->sg.nf ? S->sg.nf : 1, sizeof(size_t));
	for (size_t i = S->sg.n; i-- > 0;) {
		S->fam_first[S->sg.s[i].fam] = i;
		S->fam_n[S->sg.s[i].fam]++;
	}
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The data offsets to try: mdadm's defaults over the versions, and every
 * offset that would put a volume's first structure at the array start. */
static void offsets(struct search *S)
{
	size_t cap = sizeof(default_offsets) / sizeof(default_offsets[0]) + 32;

	S->offs = rr_xcalloc(cap, sizeof(uint64_t));
	for (size_t i = 0; i < sizeof(default_offsets) / sizeof(default_offsets[0]); i++)
		S->offs[S->noffs++] = default_offsets[i] * SECTOR;
	for (size_t i = 0; i < S->sg.n && S->noffs < cap; i++) {
		const struct pl_sight *t = &S->sg.s[i];
		uint64_t d;
		bool dup = false;

		if (t->pos >= 65536 || t->off < t->pos || (t->off - t->pos) % SECTOR)
			continue;
		d = t->off - t->pos;
		for (size_t k = 0; k < S->noffs; k++)
			dup |= S->offs[k] == d;
		if (!dup && d < S->min_size)
			S->offs[S->noffs++] = d;
	}
	qsort(S->offs, S->noffs, sizeof(uint64_t), u64_cmp);
}

/* ---- step 2: the vote --------------------------------------------------------- */

/* Does sighting t sit where the geometry puts volume byte B + t->pos?
 * Returns the slot it pins, -2 when it fits but pins nothing, -1 when it
 * does not fit.  A structure also shows on the parity member of its row
 * when the row's other data blocks are zeros (P = D then): a copy there
 * fits as well, and since the XOR of a row cannot tell data from parity,
 * a member that could be either is left unpinned. */
static int where(const struct rr_geom *g, uint64_t d, uint64_t abs, const struct pl_sight *t,
		 const int *slot_of, const int *member_of)
{
	struct rr_map m;
	unsigned copies;
	int opt[8], nopt = 0;

	if (abs % SECTOR != t->off % SECTOR || rr_layout_map(g, abs / SECTOR, &m))
		return -1;
	if (d + m.dev_sector * SECTOR + abs % SECTOR == t->off) {
		opt[nopt++] = (int)m.disk;
		if (m.p_disk >= 0)
			opt[nopt++] = m.p_disk;
	}
	copies = m.ncopies ? m.ncopies : 1;
	if (g->level == RR_RAID1)
		copies = 1;
	for (unsigned k = 1; k < copies && nopt < 8; k++) {
		unsigned disk;
		uint64_t ds;

		if (rr_layout_map_copy(g, abs / SECTOR, k, &disk, &ds))
			break;
		if (d + ds * SECTOR + abs % SECTOR == t->off)
			opt[nopt++] = (int)disk;
	}
	if (slot_of[t->member] >= 0) {
		for (int i = 0; i < nopt; i++)
			if (opt[i] == slot_of[t->member])
				return -2;
		return -1;
	}
	int fit = -1, nfit = 0;

	for (int i = 0; i < nopt; i++)
		if (member_of[opt[i]] < 0) {
			fit = opt[i];
			nfit++;
		}
	if (!nfit)
		return -1;
	return nfit == 1 ? fit : -2;
}

static void vote(struct search *S, const struct rr_geom *g, uint64_t d)
{
	/* the virtual member stands for the one missing slot of a RAID4/5 */
	bool allow_v = S->have_virtual && (g->level == RR_RAID5 || g->level == RR_RAID4) &&
		       g->ndisks == S->n + 1;
	int slot_of[MAX_UNITS], member_of[RR_CAND_MAX_SLOTS];
	double support = 0;
	unsigned pinned = 0;

	for (size_t i = 0; i <= S->n && i < MAX_UNITS; i++)
		slot_of[i] = -1;
	for (unsigned s = 0; s < g->ndisks; s++)
		member_of[s] = -1;
	for (size_t f = 0; f < S->sg.nf; f++) {
		const struct pl_sight *fs = S->sg.s + S->fam_first[f];
		size_t fn = S->fam_n[f], step = fn > VOTE_SAMPLES ? fn / VOTE_SAMPLES : 1;
		int best_slot_of[MAX_UNITS], best_member_of[RR_CAND_MAX_SLOTS];
		unsigned best = 0;

		if (fn < 2)
			continue;
		for (size_t ai = 0; ai < fn && ai < VOTE_ANCHORS; ai++) {
			const struct pl_sight *a = &fs[ai];
			uint64_t r;

			if (a->off < d || a->member >= MAX_UNITS || (a->member == S->n && !allow_v))
				continue;
			r = a->off - d;
			for (unsigned sl = 0; sl < g->ndisks; sl++) {
				int so[MAX_UNITS], mo[RR_CAND_MAX_SLOTS];
				uint64_t as, abs, B;
				enum rr_role role;
				unsigned count = 1, miss = 0;

				if (slot_of[a->member] >= 0 ? slot_of[a->member] != (int)sl
							    : member_of[sl] >= 0)
					continue;
				if (rr_layout_unmap(g, sl, r / SECTOR, &as, &role) || role != RR_ROLE_DATA)
					continue;
				abs = as * SECTOR + r % SECTOR;
				if (abs < a->pos || (abs - a->pos) % 4096)
					continue;
				B = abs - a->pos;
				memcpy(so, slot_of, sizeof(so));
				memcpy(mo, member_of, g->ndisks * sizeof(int));
				so[a->member] = (int)sl;
				mo[sl] = (int)a->member;
				for (size_t ti = 0; ti < fn; ti += (ti < VOTE_ANCHORS ? 1 : step)) {
					const struct pl_sight *t = &fs[ti];
					int disk;

					if (ti == ai || t->member >= MAX_UNITS || (t->member == S->n && !allow_v))
						continue;
					disk = where(g, d, B + t->pos, t, so, mo);
					if (disk == -1) {
						if (++miss >= 8 && miss > 2 * count)
							break;
						continue;
					}
					if (disk >= 0) {
						so[t->member] = disk;
						mo[disk] = (int)t->member;
					}
					count++;
				}
				if (count > best) {
					best = count;
					memcpy(best_slot_of, so, sizeof(so));
					memcpy(best_member_of, mo, g->ndisks * sizeof(int));
				}
			}
		}
		if (best >= 2) {
			support += best;
			memcpy(slot_of, best_slot_of, sizeof(slot_of));
			memcpy(member_of, best_member_of, g->ndisks * sizeof(int));
		}
	}
	if (support < 2)
		return;
	for (size_t i = 0; i < S->n; i++)
		pinned += slot_of[i] >= 0;
	if (!pinned)
		return;
	if (S->nhyps == S->caphyps) {
		S->caphyps = S->caphyps ? 2 * S->caphyps : 256;
		S->hyps = rr_xrealloc(S->hyps, S->caphyps * sizeof(*S->hyps));
	}
	struct hyp *h = &S->hyps[S->nhyps++];

	h->g = *g;
	h->d = d;
	memcpy(h->slot_of, slot_of, sizeof(h->slot_of));
	h->support = support;
	h->pinned = pinned;
}

static unsigned can_miss(int level)
{
	switch (level) {
	case RR_RAID5: return 1;
	case RR_RAID6: return 2;
	case RR_RAID10: return 1;
	default: return 0;
	}
}

static void shapes(struct search *S)
{
	static const int r56[] = { RR_ALG_LEFT_SYMMETRIC, RR_ALG_LEFT_ASYMMETRIC,
				   RR_ALG_RIGHT_SYMMETRIC, RR_ALG_RIGHT_ASYMMETRIC };
	static const int levels[] = { RR_RAID5, RR_RAID6, RR_RAID0, RR_RAID10 };
	int r10[3];
	size_t n = S->n;

	r10[0] = RR_R10_LAYOUT(2, 1, 0);
	r10[1] = RR_R10_LAYOUT(1, 2, 0);
	r10[2] = RR_R10_LAYOUT(1, 2, 1);
	for (size_t li = 0; li < sizeof(levels) / sizeof(levels[0]); li++) {
		int level = levels[li];
		const int *lays = level == RR_RAID10 ? r10 : r56;
		size_t nl = level == RR_RAID0 ? 1 : level == RR_RAID10 ? 3 : 4;

		for (unsigned extra = 0; extra <= can_miss(level); extra++) {
			unsigned nd = (unsigned)n + extra;

			for (size_t l = 0; l < nl; l++) {
				for (unsigned ck = 4; ck <= 4096; ck *= 2) {
					struct rr_geom g = { .level = level, .layout = level == RR_RAID0 ? 0 : lays[l],
							     .chunk_sectors = ck * 2, .ndisks = nd };

					for (size_t k = 0; k < S->noffs; k++) {
						uint64_t d = S->offs[k];

						if (d >= S->min_size)
							continue;
						g.dev_sectors = (S->min_size - d) / SECTOR;
						g.dev_sectors -= g.dev_sectors % g.chunk_sectors;
						if (rr_layout_check(&g))
							continue;
						S->p->stats.shapes++;
						/* orders: the members into nd slots */
						{
							uint64_t orders = 1;

							for (unsigned f = 0; f < S->n; f++)
								orders *= nd - f;
							S->p->stats.space += orders;
						}
						vote(S, &g, d);
					}
				}
			}
		}
	}
}

/* ---- step 3: complete and score ----------------------------------------------- */

struct scored {
	struct rr_candidate c;
	double score;
	double support;
};

struct pool {
	struct scored *v;
	size_t n, cap;
};

static void cand_from(const struct search *S, const struct hyp *h, const int *slot_member,
		      struct rr_candidate *c)
{
	memset(c, 0, sizeof(*c));
	c->level = h->g.level;
	c->layout = h->g.layout;
	c->chunk_kib = h->g.chunk_sectors / 2;
	c->ndisks = h->g.ndisks;
	/* no superblock to say: 1.2 puts data after it, 1.0 at 0 */
	snprintf(c->metadata, sizeof(c->metadata), "%s", h->d ? "1.2" : "1.0");
	for (unsigned s = 0; s < c->ndisks; s++) {
		c->slot[s] = slot_member[s];
		c->data_offset[s] = h->d / SECTOR;
	}
	(void)S;
}

/* Every way of putting the unpinned members into the free slots. */
static void complete(const struct search *S, const struct hyp *h, struct pool *pool)
{
	int member_of[RR_CAND_MAX_SLOTS];
	size_t loose[MAX_UNITS], nl = 0;
	unsigned freeslots[RR_CAND_MAX_SLOTS], nf = 0;
	unsigned perm[MAX_UNITS];
	unsigned nd = h->g.ndisks;

	for (unsigned s = 0; s < nd; s++)
		member_of[s] = RR_CAND_MISSING;
	unsigned budget = can_miss(h->g.level);
	bool vslot[RR_CAND_MAX_SLOTS] = { false };

	for (size_t i = 0; i < S->n; i++) {
		if (h->slot_of[i] >= 0)
			member_of[h->slot_of[i]] = (int)i;
		else if (S->buflen[i])
			loose[nl++] = i;
	}
	if (S->have_virtual && h->slot_of[S->n] >= 0) {
		/* pinned by the parity of the others: that slot is the missing one */
		vslot[h->slot_of[S->n]] = true;
		if (!budget)
			return;
		budget--;
	}
	for (unsigned s = 0; s < nd; s++)
		if (member_of[s] < 0 && !vslot[s])
			freeslots[nf++] = s;
	if (nl > nf || nf - nl > budget || nf > 10)
		return;
	/* permutations of the free slots; the first nl hold the loose members */
	for (unsigned i = 0; i < nf; i++)
		perm[i] = i;
	for (;;) {
		bool canonical = true;

		/* the missing slots are interchangeable: keep them ascending */
		for (unsigned i = (unsigned)nl; i + 1 < nf; i++)
			if (perm[i] > perm[i + 1])
				canonical = false;
		if (canonical) {
			int sm[RR_CAND_MAX_SLOTS];

			memcpy(sm, member_of, nd * sizeof(int));
			for (unsigned i = 0; i < nl; i++)
				sm[freeslots[perm[i]]] = (int)loose[i];
			if (pool->n == pool->cap) {
				pool->cap = pool->cap ? 2 * pool->cap : 256;
				pool->v = rr_xrealloc(pool->v, pool->cap * sizeof(*pool->v));
			}
			cand_from(S, h, sm, &pool->v[pool->n].c);
			pool->v[pool->n].support = h->support;
			pool->v[pool->n].score = 0;
			pool->n++;
			if (pool->n >= MAX_SCORED)
				return;
		}
		/* next permutation */
		int i = (int)nf - 2;

		while (i >= 0 && perm[i] >= perm[i + 1])
			i--;
		if (i < 0)
			break;
		int j = (int)nf - 1;

		while (perm[j] <= perm[i])
			j--;
		unsigned t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
		for (unsigned a = (unsigned)i + 1, b = nf - 1; a < b; a++, b--) {
			t = perm[a];
			perm[a] = perm[b];
			perm[b] = t;
		}
	}
}

static double tie_break(const struct rr_candidate *c)
{
	/* equal evidence: prefer mdadm's defaults */
	double t = 0;

	if ((c->level == RR_RAID5 || c->level == RR_RAID6) && c->layout == RR_ALG_LEFT_SYMMETRIC)
		t += 0.02;
	if (c->level == RR_RAID10 && c->layout == RR_R10_LAYOUT(2, 1, 0))
		t += 0.02;
	if (c->chunk_kib == 512)
		t += 0.01;
	return t;
}

static double score_one(const struct search *S, struct scored *sc, struct rr_candidate *reasons, bool quick)
{
	struct pl_array a;
	unsigned checks = 0, ok = 0, bad = 0;
	double ev;

	if (pl_array_init(&a, &sc->c, &S->src, S->size))
		return -1e9;
	a.quick = quick;
	ev = pl_array_evidence(&a, reasons, &checks);
	if (quick)
		return ev + 0.5 * sc->support + tie_break(&sc->c);
	pl_array_parity(&a, S->min_size, &ok, &bad);
	if (reasons && ok + bad)
		rr_candidate_add_reason(reasons, _("parity: %u of %u sampled stripes consistent"), ok, ok + bad);
	return ev + 1.0 * ok - 3.0 * bad + 0.5 * sc->support + tie_break(&sc->c);
}

struct worker {
	const struct search *S;
	struct pool *pool;
	size_t first, step, end;
	bool quick;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	for (size_t i = w->first; i < w->end; i += w->step)
		w->pool->v[i].score = score_one(w->S, &w->pool->v[i], NULL, w->quick);
	return NULL;
}

/* Score pool[0..end) on `threads` threads (reads come from memory). */
static void score_all(const struct search *S, struct pool *pool, size_t end, unsigned threads, bool quick)
{
	pthread_t th[16];
	struct worker w[16];
	bool started[16] = { false };

	if (threads > 16)
		threads = 16;
	if (!threads)
		threads = 1;
	for (unsigned t = 0; t < threads; t++) {
		w[t] = (struct worker){ .S = S, .pool = pool, .first = t, .step = threads, .end = end, .quick = quick };
		if (t && !pthread_create(&th[t], NULL, work, &w[t]))
			started[t] = true;
	}
	work(&w[0]);
	for (unsigned t = 1; t < threads; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			work(&w[t]);
	}
}

static int scored_cmp(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	return x->score > y->score ? -1 : x->score < y->score;
}

static int hyp_cmp(const void *a, const void *b)
{
	const struct hyp *x = a, *y = b;

	if (x->support != y->support)
		return x->support > y->support ? -1 : 1;
	return x->pinned > y->pinned ? -1 : x->pinned < y->pinned;
}

int pl_search(struct rr_member *const *members, size_t n, const struct rr_plan_opts *o,
	      struct rr_plan *p, struct rr_candidate **out, size_t *nout)
{
	struct search S = { .members = members, .n = n, .o = o, .p = p };
	struct pool pool = { 0 };
	unsigned threads = o->threads ? o->threads : 2, top = o->top ? o->top : 10;
	size_t usable = 0, keep;

	*out = NULL;
	*nout = 0;
	if (n + 1 > MAX_UNITS) {
		pl_remark(p, _("the search takes at most %d members"), MAX_UNITS - 1);
		return -EINVAL;
	}
	S.buf = rr_xcalloc(n + 1, sizeof(*S.buf));
	S.buflen = rr_xcalloc(n + 1, sizeof(*S.buflen));
	S.size = rr_xcalloc(n + 1, sizeof(*S.size));
	S.min_size = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		if (members[i]->open_errno)
			continue;
		S.size[i] = members[i]->size_bytes;
		if (S.size[i] && S.size[i] < S.min_size)
			S.min_size = S.size[i];
		usable += S.size[i] != 0;
	}
	if (usable < 2) {
		pl_remark(p, "%s", _("the search needs at least two readable members"));
		goto done;
	}
	/* lvm2's crc table is built on first use: build it before the threads */
	(void)rr_lvm_crc(RR_LVM_INITIAL_CRC, "", 0);
	load(&S);
	S.src = (struct pl_src){ .buf = S.buf, .buflen = S.buflen, .nmembers = n };
	offsets(&S);
	shapes(&S);
	p->stats.pinned = S.nhyps;
	if (!S.nhyps) {
		pl_remark(p, "%s", _("the search found no filesystem or volume structure on the members to go by"));
		goto done;
	}
	qsort(S.hyps, S.nhyps, sizeof(*S.hyps), hyp_cmp);
	keep = S.nhyps < KEEP_HYPS ? S.nhyps : KEEP_HYPS;
	for (size_t i = 0; i < keep && pool.n < MAX_SCORED; i++)
		complete(&S, &S.hyps[i], &pool);
	p->stats.scored = pool.n;

	/* Score: cheap checks for all, every check for the best of them. */
	score_all(&S, &pool, pool.n, threads, true);
	qsort(pool.v, pool.n, sizeof(*pool.v), scored_cmp);
	score_all(&S, &pool, pool.n < FULL_SCORED ? pool.n : FULL_SCORED, threads, false);
	if (pool.n > FULL_SCORED)
		pool.n = FULL_SCORED;
	qsort(pool.v, pool.n, sizeof(*pool.v), scored_cmp);

	*out = rr_xcalloc(top, sizeof(**out));
	for (size_t i = 0; i < pool.n && *nout < top; i++) {
		struct rr_candidate *c = &(*out)[*nout];
		char desc[96], sz[32];

		*c = pool.v[i].c;
		c->score = pool.v[i].score;
		rr_plan_describe(c, desc, sizeof(desc));
		rr_candidate_add_reason(c, _("found by the evidence search (no usable superblocks): %s, data offset %" PRIu64 " sectors"),
					desc, c->data_offset[0]);
		rr_candidate_add_reason(c, _("%.0f structures found on the members sit where this geometry puts them"),
					pool.v[i].support);
		(void)score_one(&S, &pool.v[i], c, false);
		(void)sz;
		(*nout)++;
	}
done:
	for (size_t i = 0; i <= n; i++)
		free(S.buf[i]);
	free(S.buf);
	free(S.buflen);
	free(S.size);
	free(S.offs);
	free(S.hyps);
	free(S.fam_first);
	free(S.fam_n);
	pl_sights_free(&S.sg);
	free(pool.v);
	return 0;
}
