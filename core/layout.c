/* Linux md RAID data layouts in userspace (see layout.h).
 *
 * Every mapping below follows the kernel's own arithmetic so that a sector
 * we compute is the sector md would have used:
 *   linear   drivers/md/md-linear.c   members concatenated in role order
 *   raid0    drivers/md/raid0.c       create_strip_zones(), map_sector()
 *   raid1    drivers/md/raid1.c       every member holds the whole array
 *   raid10   drivers/md/raid10.c      setup_geo(), calc_sectors(),
 *                                     __raid10_find_phys(), raid10_find_virt()
 *   raid4/5/6 drivers/md/raid5.c      raid5_compute_sector(), compute_blocknr(),
 *                                     raid6_d0()/raid6_idx_to_slot() for Q order
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/layout.h"
#include "core/msg.h"
#include "core/raid6.h"

#define SECTOR 512u
/* Array sizes are kept below 2^63 bytes so byte offsets never overflow. */
#define MAX_ARRAY_SECTORS (1ULL << 54)

/* A validated geometry with everything derived from it. */
struct lay {
	const struct rr_geom *g;
	int level;
	int layout;
	unsigned n;		/* raid_disks */
	unsigned ndata;		/* data blocks per stripe (raid0: n) */
	uint64_t cs;		/* chunk sectors (0 for raid1 / unrounded linear) */
	uint64_t dev;		/* used sectors per member (equal-size levels) */
	uint64_t array;		/* array sectors */
	bool ddf;		/* RAID6 DDF layout: Q over all disks in device order */
	bool zoned;		/* raid0/linear with per-member sizes */
	/* raid10 */
	unsigned nc, fc, copies, fss;	/* near, far, near*far, far_set_size */
	bool fo;			/* offset layout */
	uint64_t stride;		/* sectors between far copies */
};

static uint64_t member_size(const struct lay *L, unsigned d)
{
	uint64_t s = L->g->member_sectors ? L->g->member_sectors[d] : L->g->dev_sectors;

	/* raid0 rounds every member down to the chunk, linear to its
	 * "rounding" (chunk) when one is set */
	if (L->cs)
		s -= s % L->cs;
	return s;
}

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static bool r6_algo_valid(int a)
{
	return (a >= 0 && a <= 5) || (a >= 8 && a <= 10) || (a >= 16 && a <= 20);
}

/* raid10 calc_sectors() + raid10_size(): used sectors per member, stride
 * between far copies, array size. */
static int r10_prep(struct lay *L)
{
	unsigned shift = (unsigned)__builtin_ctzll(L->cs);
	uint64_t size, used;
	unsigned fs = RR_R10_FARSET(L->layout);

	if ((unsigned)L->layout >> 19)
		return -EINVAL;
	L->nc = RR_R10_NEAR(L->layout);
	L->fc = RR_R10_FAR(L->layout);
	L->fo = (L->layout & RR_R10_OFFSET) != 0;
	L->copies = L->nc * L->fc;
	if (L->nc < 1 || L->fc < 1 || L->copies < 2 || L->copies > L->n)
		return -EINVAL;
	switch (fs) {
	case 0:
		L->fss = L->n;
		break;
	case 1:
		L->fss = L->n / L->fc;
		break;
	case 2:
		L->fss = L->fc * L->nc;
		break;
	default:
		return -EINVAL;
	}
	if (L->fss < 1)
		return -EINVAL;

	size = L->g->dev_sectors >> shift;
	size /= L->fc;
	size = size * L->n / L->nc;		/* chunks in the array */
	size *= L->copies;
	size = (size + L->n - 1) / L->n;	/* used chunks per member, rounded up */
	used = size;
	L->dev = used << shift;
	L->stride = L->fo ? L->cs : (used / L->fc) << shift;

	size = used / L->fc;
	size = size * L->n / L->nc;
	L->array = size << shift;
	L->ndata = L->n / L->nc ? L->n / L->nc : 1;
	return 0;
}

static int prep(const struct rr_geom *g, struct lay *L)
{
	memset(L, 0, sizeof(*L));
	if (!g || g->ndisks < 1 || g->ndisks > RR_LAYOUT_MAX_DISKS ||
	    g->chunk_sectors > RR_LAYOUT_MAX_CHUNK)
		return -EINVAL;
	/* dev_sectors * ndisks must not overflow before the size check */
	if (g->dev_sectors > MAX_ARRAY_SECTORS)
		return -EINVAL;
	L->g = g;
	L->level = g->level;
	L->layout = g->layout;
	/* md keeps -1 (mdadm's "unset") in a raid0 of equal members */
	if (g->level == RR_RAID0 && g->layout == -1)
		L->layout = RR_RAID0_LAYOUT_UNSET;
	L->n = g->ndisks;
	L->cs = g->chunk_sectors;

	switch (g->level) {
	case RR_LINEAR:
	case RR_RAID0:
		if (g->level == RR_RAID0) {
			if (!L->cs || L->layout < 0 || L->layout > 2)
				return -EINVAL;
		} else if (g->layout != 0) {
			return -EINVAL;
		}
		L->ndata = g->level == RR_RAID0 ? L->n : 1;
		L->array = 0;
		for (unsigned d = 0; d < L->n; d++) {
			uint64_t s;

			if (g->member_sectors && g->member_sectors[d] > MAX_ARRAY_SECTORS)
				return -EINVAL;
			s = member_size(L, d);
			if (d && s != member_size(L, 0))
				L->zoned = true;
			L->array += s;
			if (L->array > MAX_ARRAY_SECTORS)
				return -EINVAL;
		}
		L->dev = member_size(L, 0);
		/* the kernel refuses multi-zone raid0 of unknown layout */
		if (g->level == RR_RAID0 && L->zoned &&
		    L->layout == RR_RAID0_LAYOUT_UNSET)
			return -EINVAL;
		/* linear is always walked member by member */
		if (g->level == RR_LINEAR)
			L->zoned = true;
		return 0;
	case RR_RAID1:
		if (g->layout != 0)
			return -EINVAL;
		L->cs = 0;
		L->ndata = 1;
		L->dev = L->array = g->dev_sectors;
		return 0;
	case RR_RAID4:
	case RR_RAID5:
	case RR_RAID6:
		if (!pow2(L->cs) || L->cs < 8)
			return -EINVAL;
		if (g->level == RR_RAID6) {
			if (!r6_algo_valid(g->layout) || L->n < 4 || L->n > 256)
				return -EINVAL;
			L->ddf = g->layout >= RR_ALG_ROTATING_ZERO_RESTART &&
				 g->layout <= RR_ALG_ROTATING_N_CONTINUE;
			/* DDF slots are device indexes: g^255 would repeat g^0 */
			if (L->ddf && L->n > 255)
				return -EINVAL;
			L->ndata = L->n - 2;
		} else {
			if (g->layout < 0 || g->layout > 5 || L->n < 2)
				return -EINVAL;
			L->ndata = L->n - 1;
		}
		L->dev = g->dev_sectors & ~(L->cs - 1);
		if (__builtin_mul_overflow(L->dev, (uint64_t)L->ndata, &L->array) ||
		    L->array > MAX_ARRAY_SECTORS)
			return -EINVAL;
		return 0;
	case RR_RAID10:
		if (!pow2(L->cs) || L->cs < 8 || L->n < 2)
			return -EINVAL;
		if (r10_prep(L))
			return -EINVAL;
		if (L->array > MAX_ARRAY_SECTORS)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

int rr_layout_check(const struct rr_geom *g)
{
	struct lay L;

	return prep(g, &L);
}

uint64_t rr_layout_array_sectors(const struct rr_geom *g)
{
	struct lay L;

	return prep(g, &L) ? 0 : L.array;
}

unsigned rr_layout_data_disks(const struct rr_geom *g)
{
	struct lay L;

	return prep(g, &L) ? 0 : L.ndata;
}

uint64_t rr_layout_member_sectors(const struct rr_geom *g, unsigned disk)
{
	struct lay L;

	if (prep(g, &L) || disk >= L.n)
		return 0;
	if (L.level == RR_RAID0 || L.level == RR_LINEAR)
		return member_size(&L, disk);
	return L.dev;
}

uint64_t rr_layout_stripe_bytes(const struct rr_geom *g)
{
	struct lay L;

	if (prep(g, &L))
		return 0;
	switch (L.level) {
	case RR_RAID4:
	case RR_RAID5:
	case RR_RAID6:
	case RR_RAID0:
		return L.cs * SECTOR * L.ndata;
	case RR_RAID10:
		return L.cs * SECTOR;
	default:
		return SECTOR;
	}
}

/* ---- RAID4/5/6: raid5_compute_sector() ---------------------------------- */

static bool is_parity(const struct lay *L)
{
	return L->level == RR_RAID4 || L->level == RR_RAID5 || L->level == RR_RAID6;
}

/* P and Q member of a stripe. */
static void r56_pq(const struct lay *L, uint64_t stripe, int *pd, int *qd)
{
	unsigned n = L->n;
	int p = -1, q = -1;

	if (L->level == RR_RAID4) {
		*pd = (int)n - 1;
		*qd = -1;
		return;
	}
	if (L->level == RR_RAID5) {
		switch (L->layout) {
		case RR_ALG_LEFT_ASYMMETRIC:
		case RR_ALG_LEFT_SYMMETRIC:
			p = (int)(n - 1 - stripe % n);
			break;
		case RR_ALG_RIGHT_ASYMMETRIC:
		case RR_ALG_RIGHT_SYMMETRIC:
			p = (int)(stripe % n);
			break;
		case RR_ALG_PARITY_0:
			p = 0;
			break;
		case RR_ALG_PARITY_N:
			p = (int)n - 1;
			break;
		}
		*pd = p;
		*qd = -1;
		return;
	}
	switch (L->layout) {
	case RR_ALG_LEFT_ASYMMETRIC:
	case RR_ALG_RIGHT_ASYMMETRIC:
	case RR_ALG_ROTATING_ZERO_RESTART:
	case RR_ALG_ROTATING_N_RESTART:
		if (L->layout == RR_ALG_LEFT_ASYMMETRIC)
			p = (int)(n - 1 - stripe % n);
		else if (L->layout == RR_ALG_ROTATING_N_RESTART)
			/* left-asymmetric shifted one stripe: D D D P Q first */
			p = (int)(n - 1 - (stripe + 1) % n);
		else
			p = (int)(stripe % n);
		q = p == (int)n - 1 ? 0 : p + 1;
		break;
	case RR_ALG_LEFT_SYMMETRIC:
		p = (int)(n - 1 - stripe % n);
		q = (p + 1) % (int)n;
		break;
	case RR_ALG_RIGHT_SYMMETRIC:
		p = (int)(stripe % n);
		q = (p + 1) % (int)n;
		break;
	case RR_ALG_PARITY_0:
		p = 0;
		q = 1;
		break;
	case RR_ALG_PARITY_N:
		p = (int)n - 2;
		q = (int)n - 1;
		break;
	case RR_ALG_ROTATING_N_CONTINUE:
		/* left-symmetric with Q just before P */
		p = (int)(n - 1 - stripe % n);
		q = (p + (int)n - 1) % (int)n;
		break;
	case RR_ALG_LEFT_ASYMMETRIC_6:
	case RR_ALG_LEFT_SYMMETRIC_6:
		p = (int)(n - 2 - stripe % (n - 1));
		q = (int)n - 1;
		break;
	case RR_ALG_RIGHT_ASYMMETRIC_6:
	case RR_ALG_RIGHT_SYMMETRIC_6:
		p = (int)(stripe % (n - 1));
		q = (int)n - 1;
		break;
	case RR_ALG_PARITY_0_6:
		p = 0;
		q = (int)n - 1;
		break;
	}
	*pd = p;
	*qd = q;
}

/* Member of data block k in a stripe whose P is on pd. */
static unsigned r56_dd(const struct lay *L, int pd, unsigned k)
{
	unsigned n = L->n, p = (unsigned)pd;

	if (L->level == RR_RAID4)
		return k;
	if (L->level == RR_RAID5) {
		switch (L->layout) {
		case RR_ALG_LEFT_ASYMMETRIC:
		case RR_ALG_RIGHT_ASYMMETRIC:
			return k >= p ? k + 1 : k;
		case RR_ALG_LEFT_SYMMETRIC:
		case RR_ALG_RIGHT_SYMMETRIC:
			return (p + 1 + k) % n;
		case RR_ALG_PARITY_0:
			return k + 1;
		default:	/* PARITY_N */
			return k;
		}
	}
	switch (L->layout) {
	case RR_ALG_LEFT_ASYMMETRIC:
	case RR_ALG_RIGHT_ASYMMETRIC:
	case RR_ALG_ROTATING_ZERO_RESTART:
	case RR_ALG_ROTATING_N_RESTART:
		if (p == n - 1)
			return k + 1;		/* Q D D D P */
		return k >= p ? k + 2 : k;	/* D D P Q D */
	case RR_ALG_LEFT_SYMMETRIC:
	case RR_ALG_RIGHT_SYMMETRIC:
		return (p + 2 + k) % n;
	case RR_ALG_PARITY_0:
		return k + 2;
	case RR_ALG_PARITY_N:
		return k;
	case RR_ALG_ROTATING_N_CONTINUE:
		return (p + 1 + k) % n;
	case RR_ALG_LEFT_ASYMMETRIC_6:
	case RR_ALG_RIGHT_ASYMMETRIC_6:
		return k >= p ? k + 1 : k;
	case RR_ALG_LEFT_SYMMETRIC_6:
	case RR_ALG_RIGHT_SYMMETRIC_6:
		return (p + 1 + k) % (n - 1);
	default:	/* PARITY_0_6 */
		return k + 1;
	}
}

/* Q coefficient exponent (syndrome slot) of the block on member d.  md
 * counts data blocks from the one right after Q, wrapping (raid6_d0 /
 * raid6_idx_to_slot); DDF uses the device index with P and Q as holes. */
static unsigned r6_slot(const struct lay *L, int pd, int qd, unsigned d)
{
	unsigned n = L->n, start, cd, cp;

	if (L->ddf)
		return d;
	start = ((unsigned)qd + 1) % n;
	cd = (d + n - start) % n;
	cp = ((unsigned)pd + n - start) % n;
	return cp < cd ? cd - 1 : cd;
}

int rr_layout_stripe(const struct rr_geom *g, uint64_t stripe,
		     unsigned *data_disk, unsigned *qexp, int *p_disk,
		     int *q_disk)
{
	struct lay L;
	int pd, qd, err = prep(g, &L);

	if (err)
		return err;
	if (!is_parity(&L))
		return -EINVAL;
	if (stripe >= L.dev / L.cs)
		return -ERANGE;
	r56_pq(&L, stripe, &pd, &qd);
	for (unsigned k = 0; k < L.ndata; k++) {
		unsigned d = r56_dd(&L, pd, k);

		if (data_disk)
			data_disk[k] = d;
		if (qexp)
			qexp[k] = L.level == RR_RAID6 ? r6_slot(&L, pd, qd, d) : 0;
	}
	if (p_disk)
		*p_disk = pd;
	if (q_disk)
		*q_disk = qd;
	return 0;
}

/* ---- RAID10: __raid10_find_phys() / raid10_find_virt() ------------------ */

static void r10_copy(const struct lay *L, uint64_t sector, unsigned copy,
		     unsigned *disk, uint64_t *dsec)
{
	uint64_t chunk = sector / L->cs, off = sector % L->cs;
	uint64_t stripe, s;
	unsigned d, ni = copy / L->fc, f = copy % L->fc;
	unsigned last_start = (L->n / L->fss - 1) * L->fss;
	unsigned last_size = L->fss + L->n % L->fss;

	chunk *= L->nc;
	stripe = chunk / L->n;
	d = (unsigned)(chunk % L->n);
	if (L->fo)
		stripe *= L->fc;
	s = off + stripe * L->cs;
	/* near copies sit on the following members, wrapping to the next row */
	d += ni;
	if (d >= L->n) {
		d -= L->n;
		s += L->cs;
	}
	/* each far copy moves near_copies members on, within its far set */
	for (unsigned i = 0; i < f; i++) {
		unsigned set = d / L->fss;

		d += L->nc;
		if ((L->n % L->fss) && d > last_start) {
			d -= last_start;
			d %= last_size;
			d += last_start;
		} else {
			d %= L->fss;
			d += L->fss * set;
		}
		s += L->stride;
	}
	*disk = d;
	*dsec = s;
}

static int r10_virt(const struct lay *L, unsigned dev, uint64_t sector,
		    uint64_t *out)
{
	unsigned fss_start = (dev / L->fss) * L->fss, fss = L->fss;
	uint64_t off = sector % L->cs, chunk, vchunk;
	long long d = dev;

	if (L->n % L->fss) {
		unsigned last_start = (L->n / L->fss - 1) * L->fss;

		if (dev >= last_start) {
			fss = L->fss + L->n % L->fss;
			fss_start = last_start;
		}
	}
	if (!L->fo && !L->stride)
		return -ERANGE;
	if (L->fo) {
		unsigned fcopy;

		chunk = sector / L->cs;
		fcopy = (unsigned)(chunk % L->fc);
		chunk /= L->fc;
		d -= (long long)fcopy * L->nc;
		if (d < (long long)fss_start)
			d += fss;
	} else {
		while (sector >= L->stride) {
			sector -= L->stride;
			if (d < (long long)(L->nc + fss_start))
				d += fss - L->nc;
			else
				d -= L->nc;
		}
		chunk = sector / L->cs;
	}
	vchunk = (chunk * L->n + (uint64_t)d) / L->nc;
	*out = vchunk * L->cs + off;
	return 0;
}

/* ---- RAID0 zones / linear ------------------------------------------------ */

/* Finds the zone of array sector s: its first member sector (dev_start), its
 * first array sector, its member count.  Zones follow create_strip_zones():
 * zone i holds the members bigger than zone i-1's smallest member. */
struct zone {
	uint64_t dev_start, dev_end, array_start;
	unsigned nb;
};

static bool zone_next(const struct lay *L, struct zone *z)
{
	uint64_t next = UINT64_MAX;
	unsigned nb = 0;

	for (unsigned d = 0; d < L->n; d++) {
		uint64_t sz = member_size(L, d);

		if (sz > z->dev_end) {
			nb++;
			if (sz < next)
				next = sz;
		}
	}
	if (!nb)
		return false;
	z->array_start += (z->dev_end - z->dev_start) * z->nb;
	z->dev_start = z->dev_end;
	z->dev_end = next;
	z->nb = nb;
	return true;
}

/* The idx-th member (role order) that belongs to the zone. */
static unsigned zone_member(const struct lay *L, const struct zone *z, unsigned idx)
{
	for (unsigned d = 0; d < L->n; d++)
		if (member_size(L, d) > z->dev_start && idx-- == 0)
			return d;
	return 0;
}

static int r0_map(const struct lay *L, uint64_t s, struct rr_map *m)
{
	struct zone z = { 0, 0, 0, 0 };
	uint64_t zs, sel, cs = L->cs;

	if (!L->zoned) {
		uint64_t c = s / cs;

		m->disk = (unsigned)(c % L->n);
		m->stripe = c / L->n;
		m->dev_sector = m->stripe * cs + s % cs;
		m->run_sectors = cs - s % cs;
		return 0;
	}
	while (zone_next(L, &z)) {
		uint64_t len = (z.dev_end - z.dev_start) * z.nb;
		unsigned idx;

		if (s >= z.array_start + len)
			continue;
		zs = s - z.array_start;
		/* the original layout picks the member from the array sector,
		 * the alternate one from the sector inside the zone */
		sel = (L->layout == RR_RAID0_LAYOUT_ORIG ? s : zs) / cs;
		idx = (unsigned)(sel % z.nb);
		m->disk = zone_member(L, &z, idx);
		m->stripe = zs / (cs * z.nb);
		m->dev_sector = z.dev_start + m->stripe * cs + zs % cs;
		m->run_sectors = cs - zs % cs;
		return 0;
	}
	return -ERANGE;
}

static int r0_unmap(const struct lay *L, unsigned disk, uint64_t ds, uint64_t *out)
{
	struct zone z = { 0, 0, 0, 0 };
	uint64_t cs = L->cs;

	if (ds >= member_size(L, disk))
		return -ERANGE;
	if (!L->zoned) {
		*out = (ds / cs * L->n + disk) * cs + ds % cs;
		return 0;
	}
	while (zone_next(L, &z)) {
		unsigned idx = 0;
		uint64_t row, j, zc;

		if (ds >= z.dev_end)
			continue;
		for (unsigned d = 0; d < disk; d++)
			if (member_size(L, d) > z.dev_start)
				idx++;
		row = (ds - z.dev_start) / cs;
		if (L->layout == RR_RAID0_LAYOUT_ORIG) {
			zc = (z.array_start / cs) % z.nb;
			j = row * z.nb + (idx + z.nb - zc) % z.nb;
		} else {
			j = row * z.nb + idx;
		}
		*out = z.array_start + j * cs + (ds - z.dev_start) % cs;
		return 0;
	}
	return -ERANGE;
}

/* ---- map / unmap ------------------------------------------------------------ */

static int map_sector(const struct lay *L, uint64_t s, struct rr_map *m)
{
	if (s >= L->array)
		return -ERANGE;
	m->stripe = 0;
	m->data_index = 0;
	m->p_disk = m->q_disk = -1;
	m->ncopies = 1;
	switch (L->level) {
	case RR_LINEAR:
		for (unsigned d = 0; d < L->n; d++) {
			uint64_t sz = member_size(L, d);

			if (s < sz) {
				m->disk = d;
				m->dev_sector = s;
				m->run_sectors = sz - s;
				return 0;
			}
			s -= sz;
		}
		return -ERANGE;
	case RR_RAID0:
		return r0_map(L, s, m);
	case RR_RAID1:
		m->disk = 0;
		m->dev_sector = s;
		m->run_sectors = L->array - s;
		m->ncopies = L->n;
		return 0;
	case RR_RAID10:
		r10_copy(L, s, 0, &m->disk, &m->dev_sector);
		m->run_sectors = L->cs - s % L->cs;
		m->stripe = s / L->cs * L->nc / L->n;
		m->ncopies = L->copies;
		return 0;
	default: {
		uint64_t chunk = s / L->cs;
		int pd, qd;

		m->stripe = chunk / L->ndata;
		m->data_index = (unsigned)(chunk % L->ndata);
		r56_pq(L, m->stripe, &pd, &qd);
		m->disk = r56_dd(L, pd, m->data_index);
		m->p_disk = pd;
		m->q_disk = qd;
		m->dev_sector = m->stripe * L->cs + s % L->cs;
		m->run_sectors = L->cs - s % L->cs;
		return 0;
	}
	}
}

int rr_layout_map(const struct rr_geom *g, uint64_t array_sector,
		  struct rr_map *out)
{
	struct lay L;
	int err = prep(g, &L);

	return err ? err : map_sector(&L, array_sector, out);
}

int rr_layout_map_copy(const struct rr_geom *g, uint64_t array_sector,
		       unsigned copy, unsigned *disk, uint64_t *dev_sector)
{
	struct lay L;
	struct rr_map m;
	int err = prep(g, &L);

	if (err)
		return err;
	if ((err = map_sector(&L, array_sector, &m)))
		return err;
	if (copy >= m.ncopies)
		return -EINVAL;
	if (L.level == RR_RAID10) {
		r10_copy(&L, array_sector, copy, disk, dev_sector);
	} else {
		*disk = L.level == RR_RAID1 ? copy : m.disk;
		*dev_sector = m.dev_sector;
	}
	return 0;
}

int rr_layout_unmap(const struct rr_geom *g, unsigned disk,
		    uint64_t dev_sector, uint64_t *array_sector,
		    enum rr_role *role)
{
	struct lay L;
	int err = prep(g, &L);
	enum rr_role r = RR_ROLE_DATA;
	uint64_t a = 0;

	if (err)
		return err;
	if (disk >= L.n)
		return -EINVAL;
	switch (L.level) {
	case RR_LINEAR:
		if (dev_sector >= member_size(&L, disk))
			return -ERANGE;
		for (unsigned d = 0; d < disk; d++)
			a += member_size(&L, d);
		a += dev_sector;
		break;
	case RR_RAID0:
		if ((err = r0_unmap(&L, disk, dev_sector, &a)))
			return err;
		break;
	case RR_RAID1:
		if (dev_sector >= L.array)
			return -ERANGE;
		a = dev_sector;
		break;
	case RR_RAID10:
		if (dev_sector >= L.dev)
			return -ERANGE;
		if (r10_virt(&L, disk, dev_sector, &a) || a >= L.array)
			return -ERANGE;
		break;
	default: {
		uint64_t stripe = dev_sector / L.cs;
		int pd, qd;
		unsigned k;

		if (dev_sector >= L.dev)
			return -ERANGE;
		r56_pq(&L, stripe, &pd, &qd);
		a = stripe * L.ndata * L.cs;
		if ((int)disk == pd) {
			r = RR_ROLE_P;
			break;
		}
		if ((int)disk == qd) {
			r = RR_ROLE_Q;
			break;
		}
		for (k = 0; k < L.ndata; k++)
			if (r56_dd(&L, pd, k) == disk)
				break;
		if (k == L.ndata)
			return -ERANGE;
		a += k * L.cs + dev_sector % L.cs;
		break;
	}
	}
	if (array_sector)
		*array_sector = a;
	if (role)
		*role = r;
	return 0;
}

/* ---- reading ----------------------------------------------------------------- */

/* Errors meaning "this member cannot give these bytes": worth rebuilding. */
static bool soft_err(int e)
{
	return e == -EIO || e == -ERANGE || e == -ENXIO || e == -ENODATA;
}

static int read_plain(const struct lay *L, const bool *missing,
		      rr_member_read_fn rd, void *ctx, uint64_t off,
		      uint8_t *buf, size_t len)
{
	while (len) {
		struct rr_map m;
		unsigned sub = (unsigned)(off % SECTOR);
		uint64_t run;
		size_t n;
		int err, first = 0;
		bool done = false;

		if ((err = map_sector(L, off / SECTOR, &m)))
			return err;
		run = m.run_sectors * SECTOR - sub;
		n = run < len ? (size_t)run : len;
		for (unsigned c = 0; c < m.ncopies && !done; c++) {
			unsigned d = m.disk;
			uint64_t ds = m.dev_sector;

			if (c && L->level == RR_RAID10)
				r10_copy(L, off / SECTOR, c, &d, &ds);
			else if (L->level == RR_RAID1)
				d = c;
			if (missing && missing[d])
				continue;
			err = rd(ctx, d, ds * SECTOR + sub, buf, n);
			if (!err)
				done = true;
			else if (!soft_err(err))
				return err;
			else if (!first)
				first = err;
		}
		if (!done)
			return first ? first : -ENODEV;
		off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* State of one rr_layout_read over a parity level. */
struct pread {
	const struct lay *L;
	const bool *missing;
	rr_member_read_fn rd;
	void *ctx;
	uint64_t cb;		/* chunk bytes */
	unsigned *dd;		/* data block -> member, this stripe */
	unsigned *slot;		/* data block -> Q slot */
	bool *bad;		/* members unusable in this stripe */
	const uint8_t **src;	/* data block sources for the current piece */
	const uint8_t **slots;	/* Q-slot ordered sources */
	uint8_t *scratch;	/* (ndata + 4) * w bytes */
	size_t w;		/* rebuild piece width */
	int pd, qd;
	int first_err;
};

/* Requested part [lo, hi) of data block k for a stripe read of
 * [roff, roff + rlen) in stripe-data coordinates; false if k is not touched. */
static bool req_range(const struct pread *R, uint64_t roff, size_t rlen,
		      unsigned k, uint64_t *lo, uint64_t *hi)
{
	uint64_t bs = k * R->cb, be = bs + R->cb;
	uint64_t a = roff > bs ? roff : bs, b = roff + rlen < be ? roff + rlen : be;

	if (a >= b)
		return false;
	*lo = a - bs;
	*hi = b - bs;
	return true;
}

static int fail_code(const struct pread *R)
{
	return R->first_err ? R->first_err : -ENODEV;
}

/* Rebuilds the lost data blocks of a stripe over [a, b) (chunk-relative
 * bytes) and copies what was asked for into buf.  Returns -EAGAIN when a
 * member failed while being read for the rebuild (it is then marked bad and
 * the stripe is retried). */
static int rebuild(struct pread *R, uint64_t base, uint64_t roff, size_t rlen,
		   uint8_t *buf, uint64_t a, uint64_t b)
{
	const struct lay *L = R->L;
	unsigned nd = L->ndata, lost[2], nlost = 0;
	bool pbad = R->bad[R->pd], qbad = R->qd < 0 || R->bad[R->qd];
	unsigned redundancy = L->level == RR_RAID6 ? 2 : 1;
	uint8_t *pbuf, *qbuf, *t0, *t1;
	int err;

	for (unsigned k = 0; k < nd; k++)
		if (R->bad[R->dd[k]]) {
			if (nlost == 2)
				return fail_code(R);
			lost[nlost++] = k;
		}
	if (!nlost)
		return 0;
	if (nlost + pbad + (L->level == RR_RAID6 && qbad) > redundancy)
		return fail_code(R);
	/* scratch: one piece per data block, then P, Q, two targets */
	pbuf = R->scratch + (size_t)nd * R->w;
	qbuf = pbuf + R->w;
	t0 = qbuf + R->w;
	t1 = t0 + R->w;

	for (uint64_t x = a; x < b; x += R->w) {
		size_t w = b - x < R->w ? (size_t)(b - x) : R->w;
		bool use_p = !pbad, use_q = nlost == 2 || pbad;

		for (unsigned k = 0; k < nd; k++) {
			uint64_t lo, hi;
			unsigned d = R->dd[k];

			R->src[k] = NULL;
			if (R->bad[d])
				continue;
			/* a block already read into buf for the caller
			 * serves as a source without a second read */
			if (req_range(R, roff, rlen, k, &lo, &hi) && lo <= x && hi >= x + w) {
				R->src[k] = buf + (k * R->cb + lo - roff) + (x - lo);
				continue;
			}
			err = R->rd(R->ctx, d, base + x, R->scratch + (size_t)k * R->w, w);
			if (err) {
				if (!soft_err(err))
					return err;
				if (!R->first_err)
					R->first_err = err;
				R->bad[d] = true;
				return -EAGAIN;
			}
			R->src[k] = R->scratch + (size_t)k * R->w;
		}
		if (use_p || use_q) {
			int which[2] = { use_p ? R->pd : -1, use_q ? R->qd : -1 };
			uint8_t *dst[2] = { pbuf, qbuf };

			for (int i = 0; i < 2; i++) {
				if (which[i] < 0)
					continue;
				err = R->rd(R->ctx, (unsigned)which[i], base + x, dst[i], w);
				if (err) {
					if (!soft_err(err))
						return err;
					if (!R->first_err)
						R->first_err = err;
					R->bad[which[i]] = true;
					return -EAGAIN;
				}
			}
		}
		if (nlost == 1 && use_p) {
			/* RAID4/5, or RAID6 with P: plain XOR */
			memcpy(t0, pbuf, w);
			for (unsigned k = 0; k < nd; k++)
				if (R->src[k])
					rr_xor_into(t0, R->src[k], w);
		} else {
			unsigned nslots = L->ddf ? L->n : nd;

			for (unsigned i = 0; i < nslots; i++)
				R->slots[i] = NULL;
			for (unsigned k = 0; k < nd; k++)
				R->slots[R->slot[k]] = R->src[k];
			if (nlost == 1) {
				/* data + P lost: Q alone gives D = g^-slot (Q + Q') */
				rr_raid6_gen_pq(nslots, R->slots, NULL, t0, w);
				rr_xor_into(t0, qbuf, w);
				rr_raid6_solve_data_q(R->slot[lost[0]], t0, t0, w);
			} else {
				rr_raid6_gen_pq(nslots, R->slots, t0, t1, w);
				rr_xor_into(t0, pbuf, w);
				rr_xor_into(t1, qbuf, w);
				rr_raid6_solve_2data(R->slot[lost[0]], R->slot[lost[1]],
						     t0, t1, t0, t1, w);
			}
		}
		for (unsigned i = 0; i < nlost; i++) {
			uint64_t lo, hi, s, e;
			uint8_t *t = i ? t1 : t0;

			if (!req_range(R, roff, rlen, lost[i], &lo, &hi))
				continue;
			s = lo > x ? lo : x;
			e = hi < x + w ? hi : x + w;
			if (s < e)
				memcpy(buf + (lost[i] * R->cb + s - roff), t + (s - x), e - s);
		}
	}
	return 0;
}

/* Reads [roff, roff + rlen) of the data of one stripe into buf. */
static int read_stripe(struct pread *R, uint64_t stripe, uint64_t roff,
		       uint8_t *buf, size_t rlen)
{
	const struct lay *L = R->L;
	uint64_t base = stripe * R->cb;
	unsigned k0 = (unsigned)(roff / R->cb);
	unsigned k1 = (unsigned)((roff + rlen - 1) / R->cb);
	int err;

	r56_pq(L, stripe, &R->pd, &R->qd);
	for (unsigned k = 0; k < L->ndata; k++) {
		R->dd[k] = r56_dd(L, R->pd, k);
		if (L->level == RR_RAID6)
			R->slot[k] = r6_slot(L, R->pd, R->qd, R->dd[k]);
	}
	for (unsigned d = 0; d < L->n; d++)
		R->bad[d] = R->missing ? R->missing[d] : false;
	R->first_err = 0;

	/* the common case: every wanted chunk read straight into place */
	for (unsigned k = k0; k <= k1; k++) {
		uint64_t lo = 0, hi = 0;
		unsigned d = R->dd[k];

		req_range(R, roff, rlen, k, &lo, &hi);
		if (R->bad[d])
			continue;
		err = R->rd(R->ctx, d, base + lo, buf + (k * R->cb + lo - roff), hi - lo);
		if (err) {
			if (!soft_err(err))
				return err;
			if (!R->first_err)
				R->first_err = err;
			R->bad[d] = true;
		}
	}
	for (;;) {
		uint64_t a = R->cb, b = 0, lo = 0, hi = 0;

		for (unsigned k = k0; k <= k1; k++) {
			if (!R->bad[R->dd[k]])
				continue;
			req_range(R, roff, rlen, k, &lo, &hi);
			if (lo < a)
				a = lo;
			if (hi > b)
				b = hi;
		}
		if (a >= b)
			return 0;
		if (!R->scratch) {
			/* bounded so wide arrays with big chunks stay modest */
			size_t w = 256 * 1024;

			if ((size_t)(L->n + 4) * w > 32u * 1024 * 1024)
				w = (32u * 1024 * 1024) / (L->n + 4);
			if (w > R->cb)
				w = (size_t)R->cb;
			R->w = w;
			R->scratch = rr_xmalloc((size_t)(L->ndata + 4) * w);
		}
		err = rebuild(R, base, roff, rlen, buf, a, b);
		if (err != -EAGAIN)
			return err;
	}
}

static int read_parity(const struct lay *L, const bool *missing,
		       rr_member_read_fn rd, void *ctx, uint64_t off,
		       uint8_t *buf, size_t len)
{
	struct pread R = {
		.L = L, .missing = missing, .rd = rd, .ctx = ctx,
		.cb = L->cs * SECTOR,
	};
	uint64_t row = R.cb * L->ndata;
	int err = 0;

	R.dd = rr_xcalloc(L->n, sizeof(*R.dd));
	R.slot = rr_xcalloc(L->n, sizeof(*R.slot));
	R.bad = rr_xcalloc(L->n, sizeof(*R.bad));
	R.src = rr_xcalloc(L->n, sizeof(*R.src));
	R.slots = rr_xcalloc(L->n, sizeof(*R.slots));
	while (len) {
		uint64_t stripe = off / row, roff = off % row;
		size_t n = row - roff < len ? (size_t)(row - roff) : len;

		if ((err = read_stripe(&R, stripe, roff, buf, n)))
			break;
		off += n;
		buf += n;
		len -= n;
	}
	free(R.dd);
	free(R.slot);
	free(R.bad);
	free(R.src);
	free(R.slots);
	free(R.scratch);
	return err;
}

static int range_ok(const struct lay *L, uint64_t off, size_t len)
{
	uint64_t end;

	if (__builtin_add_overflow(off, (uint64_t)len, &end) ||
	    end > L->array * SECTOR)
		return -ERANGE;
	return 0;
}

int rr_layout_read(const struct rr_geom *g, const bool *missing,
		   rr_member_read_fn rd, void *ctx, uint64_t off_bytes,
		   void *buf, size_t len)
{
	struct lay L;
	int err = prep(g, &L);

	if (err)
		return err;
	if (!rd || (len && !buf))
		return -EINVAL;
	if ((err = range_ok(&L, off_bytes, len)))
		return err;
	if (!len)
		return 0;
	if (is_parity(&L))
		return read_parity(&L, missing, rd, ctx, off_bytes, buf, len);
	return read_plain(&L, missing, rd, ctx, off_bytes, buf, len);
}

/* ---- writing ----------------------------------------------------------------- */

static int write_parity(const struct lay *L, rr_member_write_fn wr, void *ctx,
			uint64_t off, const uint8_t *buf, size_t len)
{
	uint64_t cb = L->cs * SECTOR, row = cb * L->ndata;
	unsigned nslots = L->ddf ? L->n : L->ndata;
	const uint8_t **slots;
	uint8_t *p, *q;
	int err = 0;

	if (off % row || len % row)
		return -EINVAL;
	slots = rr_xcalloc(L->n, sizeof(*slots));
	p = rr_xmalloc((size_t)cb);
	q = rr_xmalloc((size_t)cb);
	for (uint64_t s = off / row; len; s++, buf += row, len -= (size_t)row) {
		int pd, qd;

		r56_pq(L, s, &pd, &qd);
		for (unsigned i = 0; i < nslots; i++)
			slots[i] = NULL;
		for (unsigned k = 0; k < L->ndata && !err; k++) {
			unsigned d = r56_dd(L, pd, k);

			slots[L->level == RR_RAID6 ? r6_slot(L, pd, qd, d) : k] = buf + k * cb;
			err = wr(ctx, d, s * cb, buf + k * cb, (size_t)cb);
		}
		if (err)
			break;
		rr_raid6_gen_pq(nslots, slots, p, L->level == RR_RAID6 ? q : NULL, (size_t)cb);
		if ((err = wr(ctx, (unsigned)pd, s * cb, p, (size_t)cb)))
			break;
		if (qd >= 0 && (err = wr(ctx, (unsigned)qd, s * cb, q, (size_t)cb)))
			break;
	}
	free(slots);
	free(p);
	free(q);
	return err;
}

int rr_layout_write(const struct rr_geom *g, rr_member_write_fn wr, void *ctx,
		    uint64_t off_bytes, const void *buf, size_t len)
{
	struct lay L;
	const uint8_t *b = buf;
	int err = prep(g, &L);

	if (err)
		return err;
	if (!wr || (len && !buf))
		return -EINVAL;
	if ((err = range_ok(&L, off_bytes, len)))
		return err;
	if (is_parity(&L))
		return write_parity(&L, wr, ctx, off_bytes, b, len);
	while (len) {
		struct rr_map m;
		unsigned sub = (unsigned)(off_bytes % SECTOR);
		uint64_t run;
		size_t n;

		if ((err = map_sector(&L, off_bytes / SECTOR, &m)))
			return err;
		run = m.run_sectors * SECTOR - sub;
		n = run < len ? (size_t)run : len;
		for (unsigned c = 0; c < m.ncopies; c++) {
			unsigned d = m.disk;
			uint64_t ds = m.dev_sector;

			if (L.level == RR_RAID10)
				r10_copy(&L, off_bytes / SECTOR, c, &d, &ds);
			else if (L.level == RR_RAID1)
				d = c;
			if ((err = wr(ctx, d, ds * SECTOR + sub, b, n)))
				return err;
		}
		off_bytes += n;
		b += n;
		len -= n;
	}
	return 0;
}

/* ---- parity check ------------------------------------------------------------- */

int rr_layout_check_parity(const struct rr_geom *g, rr_member_read_fn rd,
			   void *ctx, uint64_t first_stripe, uint64_t count,
			   size_t bytes, struct rr_parity_stats *st)
{
	struct lay L;
	uint64_t cb, nstripes, end;
	unsigned nslots;
	uint8_t *buf, *p, *q;
	const uint8_t **slots;
	int err = prep(g, &L);

	if (err)
		return err;
	if (!is_parity(&L) || !rd || !st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	cb = L.cs * SECTOR;
	if (!bytes || bytes > cb)
		bytes = (size_t)cb;
	nstripes = L.dev / L.cs;
	if (__builtin_add_overflow(first_stripe, count, &end) || end > nstripes)
		return -ERANGE;
	nslots = L.ddf ? L.n : L.ndata;
	buf = rr_xmalloc((size_t)L.n * bytes);
	p = rr_xmalloc(bytes);
	q = rr_xmalloc(bytes);
	slots = rr_xcalloc(L.n, sizeof(*slots));
	for (uint64_t s = first_stripe; s < end; s++) {
		int pd, qd;
		bool readable = true, pbad, qbad = false;

		for (unsigned d = 0; d < L.n && readable; d++) {
			err = rd(ctx, d, s * cb, buf + (size_t)d * bytes, bytes);
			if (err && !soft_err(err))
				goto out;
			readable = !err;
		}
		err = 0;
		if (!readable) {
			st->unreadable++;
			continue;
		}
		r56_pq(&L, s, &pd, &qd);
		for (unsigned i = 0; i < nslots; i++)
			slots[i] = NULL;
		for (unsigned k = 0; k < L.ndata; k++) {
			unsigned d = r56_dd(&L, pd, k);

			slots[L.level == RR_RAID6 ? r6_slot(&L, pd, qd, d) : k] =
				buf + (size_t)d * bytes;
		}
		rr_raid6_gen_pq(nslots, slots, p, qd >= 0 ? q : NULL, bytes);
		pbad = memcmp(p, buf + (size_t)pd * bytes, bytes) != 0;
		if (qd >= 0)
			qbad = memcmp(q, buf + (size_t)qd * bytes, bytes) != 0;
		st->bad_p += pbad;
		st->bad_q += qbad;
		st->ok += !pbad && !qbad;
	}
out:
	free(buf);
	free(p);
	free(q);
	free(slots);
	return err;
}

/* ---- names ------------------------------------------------------------------- */

struct lname {
	const char *name;
	int layout;
};

/* mdadm maps.c order: the first name of a number is the one it prints */
static const struct lname r5_names[] = {
	{ "left-asymmetric", 0 }, { "right-asymmetric", 1 },
	{ "left-symmetric", 2 }, { "right-symmetric", 3 },
	{ "parity-first", 4 }, { "parity-last", 5 },
	{ "default", 2 }, { "la", 0 }, { "ra", 1 }, { "ls", 2 }, { "rs", 3 },
	{ "ddf-zero-restart", 1 }, { "ddf-N-restart", 0 }, { "ddf-N-continue", 2 },
	{ NULL, 0 },
};

static const struct lname r6_names[] = {
	{ "left-asymmetric", 0 }, { "right-asymmetric", 1 },
	{ "left-symmetric", 2 }, { "right-symmetric", 3 },
	{ "parity-first", 4 }, { "parity-last", 5 },
	{ "ddf-zero-restart", 8 }, { "ddf-N-restart", 9 }, { "ddf-N-continue", 10 },
	{ "left-asymmetric-6", 16 }, { "right-asymmetric-6", 17 },
	{ "left-symmetric-6", 18 }, { "right-symmetric-6", 19 },
	{ "parity-first-6", 20 },
	{ "default", 2 }, { "la", 0 }, { "ra", 1 }, { "ls", 2 }, { "rs", 3 },
	{ NULL, 0 },
};

static const struct lname r0_names[] = {
	{ "dangerous", 0 }, { "original", 1 }, { "alternate", 2 },
	{ "1", 1 }, { "2", 2 }, { NULL, 0 },
};

static const struct lname r4_names[] = {
	{ "parity-last", 5 }, { "default", 5 }, { NULL, 0 },
};

static const struct lname *names_for(int level)
{
	switch (level) {
	case RR_RAID0:
		return r0_names;
	case RR_RAID4:
		return r4_names;
	case RR_RAID5:
		return r5_names;
	case RR_RAID6:
		return r6_names;
	default:
		return NULL;
	}
}

const char *rr_layout_name(int level, int layout, char *buf, size_t n)
{
	const struct lname *t;

	if (!buf || !n)
		return NULL;
	if (level == RR_RAID10) {
		unsigned near = RR_R10_NEAR(layout), far = RR_R10_FAR(layout);
		unsigned fs = RR_R10_FARSET(layout);
		char tmp[64] = "";
		int len = 0;

		if ((unsigned)layout >> 19 || fs > 2 || !near || !far || near * far < 2)
			return NULL;
		/* print_r10_layout() of mdadm, without its leading blank; the
		 * far-set mode (bits 17-18) mdadm does not print at all */
		if (near != 1)
			len = snprintf(tmp, sizeof(tmp), "near=%u", near);
		if (far != 1)
			len += snprintf(tmp + len, sizeof(tmp) - (size_t)len, "%s%s=%u",
					len ? ", " : "",
					(layout & RR_R10_OFFSET) ? "offset" : "far", far);
		if (fs)
			snprintf(tmp + len, sizeof(tmp) - (size_t)len, ", far-sets=%u", fs);
		snprintf(buf, n, "%s", tmp);
		return buf;
	}
	if (level == RR_RAID4 && layout >= 0 && layout <= 5) {
		snprintf(buf, n, "%s", "parity-last");
		return buf;
	}
	t = names_for(level);
	for (; t && t->name; t++)
		if (t->layout == layout) {
			snprintf(buf, n, "%s", t->name);
			return buf;
		}
	return NULL;
}

static int parse_r10(const char *s, int *layout)
{
	unsigned near = 1, far = 1, fs = 0;
	bool offset = false, any = false;
	char *end;

	while (*s == ' ')
		s++;
	/* mdadm --layout short forms: n2, f2, o2 */
	if ((s[0] == 'n' || s[0] == 'f' || s[0] == 'o') && s[1] >= '0' && s[1] <= '9') {
		unsigned long c = strtoul(s + 1, &end, 10);

		if (*end || c < 1 || c > 255)
			return -EINVAL;
		if (s[0] == 'n')
			near = (unsigned)c;
		else
			far = (unsigned)c;
		offset = s[0] == 'o';
		any = true;
	} else {
		while (*s) {
			unsigned long v;
			size_t kl;
			const char *key = s;

			kl = strcspn(s, "=");
			if (!s[kl])
				return -EINVAL;
			v = strtoul(s + kl + 1, &end, 10);
			if (end == s + kl + 1 || v < 1 || v > 255)
				return -EINVAL;
			if (kl == 4 && !strncmp(key, "near", 4))
				near = (unsigned)v;
			else if (kl == 3 && !strncmp(key, "far", 3))
				far = (unsigned)v;
			else if (kl == 6 && !strncmp(key, "offset", 6)) {
				far = (unsigned)v;
				offset = true;
			} else if (kl == 8 && !strncmp(key, "far-sets", 8) && v <= 2)
				fs = (unsigned)v;
			else
				return -EINVAL;
			any = true;
			s = end;
			while (*s == ',' || *s == ' ')
				s++;
		}
	}
	if (!any || near * far < 2)
		return -EINVAL;
	*layout = (int)(near | far << 8 | (offset ? RR_R10_OFFSET : 0) | fs << 17);
	return 0;
}

int rr_layout_parse(int level, const char *name, int *layout)
{
	const struct lname *t;

	if (!name || !layout)
		return -EINVAL;
	if (level == RR_RAID10)
		return parse_r10(name, layout);
	for (t = names_for(level); t && t->name; t++)
		if (!strcmp(t->name, name)) {
			*layout = t->layout;
			return 0;
		}
	return -EINVAL;
}

const char *rr_level_name(int level)
{
	switch (level) {
	case RR_LINEAR:
		return "linear";
	case RR_RAID0:
		return "raid0";
	case RR_RAID1:
		return "raid1";
	case RR_RAID4:
		return "raid4";
	case RR_RAID5:
		return "raid5";
	case RR_RAID6:
		return "raid6";
	case RR_RAID10:
		return "raid10";
	default:
		return NULL;
	}
}
