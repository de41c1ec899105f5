/* md RAID layouts: mapping tables from the md documentation, RAID6 Q by
 * hand, round trips through every layout with members lost, and the
 * kernel-written RAID5 fixtures rebuilt into images e2fsck must accept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "core/layout.h"
#include "core/raid6.h"

/* ---- in-memory members ------------------------------------------------------ */

struct mem {
	unsigned n;
	uint64_t size;		/* bytes per member */
	uint8_t **d;
	/* injected failure: reads of disk fail_disk touching [fail_lo, fail_hi) */
	int fail_disk;
	uint64_t fail_lo, fail_hi;
	unsigned long reads;
};

static struct mem *mem_new(unsigned n, uint64_t size)
{
	struct mem *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	m->n = n;
	m->size = size;
	m->fail_disk = -1;
	m->d = calloc(n, sizeof(*m->d));
	for (unsigned i = 0; i < n; i++) {
		m->d[i] = malloc(size);
		assert_non_null(m->d[i]);
		/* garbage, so a block never written is noticed */
		memset(m->d[i], 0xa5 ^ i, size);
	}
	return m;
}

static void mem_free(struct mem *m)
{
	for (unsigned i = 0; i < m->n; i++)
		free(m->d[i]);
	free(m->d);
	free(m);
}

static int mem_rd(void *ctx, unsigned disk, uint64_t off, void *buf, size_t len)
{
	struct mem *m = ctx;

	if (disk >= m->n || off > m->size || len > m->size - off)
		return -ERANGE;
	if ((int)disk == m->fail_disk && off < m->fail_hi && off + len > m->fail_lo)
		return -EIO;
	m->reads++;
	memcpy(buf, m->d[disk] + off, len);
	return 0;
}

static int mem_wr(void *ctx, unsigned disk, uint64_t off, const void *buf, size_t len)
{
	struct mem *m = ctx;

	if (disk >= m->n || off > m->size || len > m->size - off)
		return -ERANGE;
	memcpy(m->d[disk] + off, buf, len);
	return 0;
}

static uint8_t *random_bytes(size_t n, unsigned seed)
{
	uint8_t *b = malloc(n);
	uint32_t x = seed * 2654435761u + 1;

	assert_non_null(b);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (uint8_t)(x >> 7);
	}
	return b;
}

/* ---- GF(2^8) ------------------------------------------------------------------ */

/* Reference multiply, written out from the definition: carry-less product
 * reduced by x^8 + x^4 + x^3 + x^2 + 1. */
static uint8_t ref_mul(uint8_t a, uint8_t b)
{
	unsigned r = 0;

	for (int i = 0; i < 8; i++)
		if (b & (1 << i))
			r ^= (unsigned)a << i;
	for (int i = 15; i >= 8; i--)
		if (r & (1u << i))
			r ^= 0x11du << (i - 8);
	return (uint8_t)r;
}

static void test_gf_field(void **state)
{
	/* x * x^7 = x^8 = x^4 + x^3 + x^2 + 1 */
	assert_int_equal(rr_gf_mul(0x02, 0x80), 0x1d);
	assert_int_equal(rr_gf_exp(8), 0x1d);
	assert_int_equal(rr_gf_exp(255), 1);
	assert_int_equal(rr_gf_exp(-1), rr_gf_inv(2));
	/* {02} generates the whole multiplicative group */
	{
		bool seen[256] = { false };

		for (int e = 0; e < 255; e++) {
			uint8_t v = rr_gf_exp(e);

			assert_false(seen[v]);
			seen[v] = true;
			assert_int_equal(rr_gf_log(v), e);
		}
		assert_false(seen[0]);
	}
	for (int a = 0; a < 256; a++) {
		for (int b = 0; b < 256; b++)
			assert_int_equal(rr_gf_mul((uint8_t)a, (uint8_t)b), ref_mul((uint8_t)a, (uint8_t)b));
		if (a)
			assert_int_equal(rr_gf_mul((uint8_t)a, rr_gf_inv((uint8_t)a)), 1);
	}
}

static void test_gf_syndrome(void **state)
{
	/* hand-computed: Q = D0 + 2 D1 + 4 D2 */
	uint8_t d0[3] = { 0x01, 0x80, 0x00 }, d1[3] = { 0x01, 0x80, 0x00 }, d2[3] = { 0x01, 0x00, 0x80 };
	const uint8_t *src[3] = { d0, d1, d2 };
	uint8_t p[3], q[3];

	rr_raid6_gen_pq(3, src, p, q, 3);
	assert_int_equal(q[0], 0x07);		/* 1 ^ 2 ^ 4 */
	assert_int_equal(p[0], 0x01);
	assert_int_equal(q[1], 0x80 ^ 0x1d);	/* 0x80 + {02}{80} */
	assert_int_equal(q[2], 0x3a);		/* {04}{80} = x^9 = x^5+x^4+x^3+x */

	/* against the reference on random data, with empty slots and odd lengths */
	for (unsigned ns = 1; ns <= 12; ns++) {
		size_t len = 37 + 8 * ns;
		uint8_t *blk[12], *pp = malloc(len), *qq = malloc(len);
		const uint8_t *s[12];

		for (unsigned i = 0; i < ns; i++) {
			blk[i] = random_bytes(len, 100 + ns * 16 + i);
			s[i] = (i % 5 == 3) ? NULL : blk[i];
		}
		rr_raid6_gen_pq(ns, s, pp, qq, len);
		for (size_t b = 0; b < len; b++) {
			uint8_t ep = 0, eq = 0;

			for (unsigned i = 0; i < ns; i++)
				if (s[i]) {
					ep ^= s[i][b];
					eq ^= ref_mul(rr_gf_exp((int)i), s[i][b]);
				}
			assert_int_equal(pp[b], ep);
			assert_int_equal(qq[b], eq);
		}
		/* every pair of lost slots comes back */
		for (unsigned a = 0; a < ns; a++)
			for (unsigned b = a + 1; b < ns; b++) {
				const uint8_t *z[12];
				uint8_t *tp = malloc(len), *tq = malloc(len);

				if (!s[a] || !s[b]) {
					free(tp);
					free(tq);
					continue;
				}
				memcpy(z, s, sizeof(z));
				z[a] = z[b] = NULL;
				rr_raid6_gen_pq(ns, z, tp, tq, len);
				rr_xor_into(tp, pp, len);
				rr_xor_into(tq, qq, len);
				rr_raid6_solve_2data(a, b, tp, tq, tp, tq, len);
				assert_memory_equal(tp, s[a], len);
				assert_memory_equal(tq, s[b], len);
				/* and one with P lost too */
				memcpy(z, s, sizeof(z));
				z[a] = NULL;
				rr_raid6_gen_pq(ns, z, NULL, tq, len);
				rr_xor_into(tq, qq, len);
				rr_raid6_solve_data_q(a, tq, tq, len);
				assert_memory_equal(tq, s[a], len);
				free(tp);
				free(tq);
			}
		for (unsigned i = 0; i < ns; i++)
			free(blk[i]);
		free(pp);
		free(qq);
	}
}

/* ---- mapping tables ------------------------------------------------------------ */

/* Table cell: data chunk number, or -1 for P, -2 for Q. */
#define P -1
#define Q -2

/* Checks rows x disks of a parity layout against the picture. */
static void check_table(int level, int layout, unsigned n, unsigned rows, const int *t)
{
	struct rr_geom g = { level, layout, 8, n, 8 * 64, NULL };
	unsigned ndata = rr_layout_data_disks(&g);

	assert_int_equal(rr_layout_check(&g), 0);
	for (unsigned r = 0; r < rows; r++)
		for (unsigned d = 0; d < n; d++) {
			int want = t[r * n + d];
			uint64_t a;
			enum rr_role role;
			struct rr_map m;

			assert_int_equal(rr_layout_unmap(&g, d, r * 8 + 3, &a, &role), 0);
			if (want == P) {
				assert_int_equal(role, RR_ROLE_P);
				continue;
			}
			if (want == Q) {
				assert_int_equal(role, RR_ROLE_Q);
				continue;
			}
			assert_int_equal(role, RR_ROLE_DATA);
			assert_int_equal(a, (uint64_t)want * 8 + 3);
			assert_int_equal(rr_layout_map(&g, (uint64_t)want * 8 + 3, &m), 0);
			assert_int_equal(m.disk, d);
			assert_int_equal(m.dev_sector, r * 8 + 3);
			assert_int_equal(m.stripe, r);
			assert_int_equal(m.data_index, (unsigned)want % ndata);
			assert_int_equal(m.run_sectors, 5);
			if (m.p_disk >= 0)
				assert_int_equal(t[r * n + (unsigned)m.p_disk], P);
			if (m.q_disk >= 0)
				assert_int_equal(t[r * n + (unsigned)m.q_disk], Q);
		}
}

static void test_raid5_tables(void **state)
{
	/* The four classic RAID5 pictures (md(4), the Linux RAID wiki). */
	static const int la[] = {
		0, 1, 2, P,
		3, 4, P, 5,
		6, P, 7, 8,
		P, 9, 10, 11,
		12, 13, 14, P,
	};
	static const int ra[] = {
		P, 0, 1, 2,
		3, P, 4, 5,
		6, 7, P, 8,
		9, 10, 11, P,
	};
	static const int ls[] = {
		0, 1, 2, P,
		4, 5, P, 3,
		8, P, 6, 7,
		P, 9, 10, 11,
		12, 13, 14, P,
	};
	static const int rs[] = {
		P, 0, 1, 2,
		5, P, 3, 4,
		7, 8, P, 6,
		9, 10, 11, P,
	};
	static const int p0[] = { P, 0, 1, 2, P, 3, 4, 5 };
	static const int pn[] = { 0, 1, 2, P, 3, 4, 5, P };

	check_table(RR_RAID5, 0, 4, 5, la);
	check_table(RR_RAID5, 1, 4, 4, ra);
	check_table(RR_RAID5, 2, 4, 5, ls);
	check_table(RR_RAID5, 3, 4, 4, rs);
	check_table(RR_RAID5, 4, 4, 2, p0);
	check_table(RR_RAID5, 5, 4, 2, pn);
	check_table(RR_RAID4, 0, 4, 2, pn);
}

static void test_raid6_tables(void **state)
{
	/* raid5.c's own pictures: "Q D D D P" when P is on the last disk,
	 * "D D P Q D" otherwise; symmetric layouts continue after Q. */
	static const int la[] = {
		Q, 0, 1, 2, P,
		3, 4, 5, P, Q,
		6, 7, P, Q, 8,
		9, P, Q, 10, 11,
		P, Q, 12, 13, 14,
		Q, 15, 16, 17, P,
	};
	static const int ls[] = {
		Q, 0, 1, 2, P,
		3, 4, 5, P, Q,
		7, 8, P, Q, 6,
		11, P, Q, 9, 10,
		P, Q, 12, 13, 14,
	};
	static const int rs[] = {
		P, Q, 0, 1, 2,
		5, P, Q, 3, 4,
		7, 8, P, Q, 6,
		9, 10, 11, P, Q,
		Q, 12, 13, 14, P,
	};
	/* DDF N-restart: like left-asymmetric but the first stripe is D D D P Q */
	static const int nr[] = {
		0, 1, 2, P, Q,
		3, 4, P, Q, 5,
		6, P, Q, 7, 8,
		P, Q, 9, 10, 11,
		Q, 12, 13, 14, P,
	};
	/* DDF N-continue: left-symmetric with Q just before P */
	static const int nc[] = {
		0, 1, 2, Q, P,
		4, 5, Q, P, 3,
		8, Q, P, 6, 7,
		Q, P, 9, 10, 11,
		P, 12, 13, 14, Q,
	};
	/* RAID5 left-symmetric on 4 disks plus Q on the fifth */
	static const int ls6[] = {
		0, 1, 2, P, Q,
		4, 5, P, 3, Q,
		8, P, 6, 7, Q,
		P, 9, 10, 11, Q,
	};
	static const int pf[] = { P, Q, 0, 1, 2, P, Q, 3, 4, 5 };
	static const int pl[] = { 0, 1, 2, P, Q, 3, 4, 5, P, Q };

	check_table(RR_RAID6, 0, 5, 6, la);
	check_table(RR_RAID6, 2, 5, 5, ls);
	check_table(RR_RAID6, 3, 5, 5, rs);
	check_table(RR_RAID6, 9, 5, 5, nr);
	check_table(RR_RAID6, 10, 5, 5, nc);
	check_table(RR_RAID6, 18, 5, 4, ls6);
	check_table(RR_RAID6, 4, 5, 2, pf);
	check_table(RR_RAID6, 5, 5, 2, pl);
}

/* Q by hand on member images written through the layout. */
static void test_raid6_q_by_hand(void **state)
{
	/* 5-disk left-asymmetric, stripe 2 is "D D P Q D": md numbers the Q
	 * slots from the disk right after Q, so the block on disk 4 (data
	 * block 2) is slot 0, disk 0 slot 1, disk 1 slot 2. */
	struct rr_geom g = { RR_RAID6, RR_ALG_LEFT_ASYMMETRIC, 8, 5, 8 * 4, NULL };
	uint64_t cb = 4096, row = 3 * cb;
	struct mem *m = mem_new(5, 4 * cb);
	uint8_t *data = calloc(1, 4 * row);

	/* stripe 2, data block 0 (disk 0) = {01}: Q = g^1 = {02} */
	memset(data + 2 * row, 0x01, cb);
	/* stripe 2, data block 2 (disk 4) = {80}: Q gains g^0 {80} */
	memset(data + 2 * row + 2 * cb, 0x80, 16);
	/* stripe 0 is "Q D D D P", slots in disk order from disk 1:
	 * data block 1 (disk 2) = {01} gives Q = {02} */
	memset(data + cb, 0x01, cb);
	assert_int_equal(rr_layout_write(&g, mem_wr, m, 0, data, 4 * row), 0);
	assert_int_equal(m->d[3][2 * cb], 0x02 ^ 0x80);
	assert_int_equal(m->d[3][2 * cb + 100], 0x02);
	assert_int_equal(m->d[2][2 * cb], 0x01 ^ 0x80);	/* P */
	assert_int_equal(m->d[0][0], 0x02);			/* Q of stripe 0 on disk 0 */
	assert_int_equal(m->d[4][0], 0x01);			/* P */

	/* DDF zero-restart: Q over the device index, stripe 0 is P Q D D D;
	 * data block 0 sits on disk 2 so its coefficient is g^2 = {04} */
	g.layout = RR_ALG_ROTATING_ZERO_RESTART;
	memset(data, 0, 4 * row);
	memset(data, 0x01, cb);
	assert_int_equal(rr_layout_write(&g, mem_wr, m, 0, data, 4 * row), 0);
	assert_int_equal(m->d[0][0], 0x01);
	assert_int_equal(m->d[1][0], 0x04);
	/* the same data under right-asymmetric (same placement, md Q order):
	 * disk 2 is slot 0 */
	g.layout = RR_ALG_RIGHT_ASYMMETRIC;
	assert_int_equal(rr_layout_write(&g, mem_wr, m, 0, data, 4 * row), 0);
	assert_int_equal(m->d[1][0], 0x01);
	free(data);
	mem_free(m);
}

static void test_raid10_tables(void **state)
{
	/* md(4) / the Linux RAID wiki pictures, chunk numbers per member row.
	 * Each cell lists the chunk a member holds; checked both ways. */
	struct {
		int layout;
		unsigned n, rows;
		uint64_t dev_chunks;
		int t[8 * 4];
	} cases[] = {
		/* near=2, 4 disks */
		{ 0x102, 4, 2, 8, { 0, 0, 1, 1,  2, 2, 3, 3 } },
		/* near=2, 3 disks */
		{ 0x102, 3, 4, 8, { 0, 0, 1,  1, 2, 2,  3, 3, 4,  4, 5, 5 } },
		/* far=2, 4 disks, 8 chunks per member: second copy from row 4,
		 * shifted one member */
		{ 0x201, 4, 8, 8, { 0, 1, 2, 3,  4, 5, 6, 7,  8, 9, 10, 11,  12, 13, 14, 15,
				    3, 0, 1, 2,  7, 4, 5, 6,  11, 8, 9, 10,  15, 12, 13, 14 } },
		/* offset=2, 4 disks: every row repeated, shifted one member */
		{ 0x10201, 4, 4, 8, { 0, 1, 2, 3,  3, 0, 1, 2,  4, 5, 6, 7,  7, 4, 5, 6 } },
		/* far=2, 3 disks */
		{ 0x201, 3, 6, 6, { 0, 1, 2,  3, 4, 5,  6, 7, 8,  2, 0, 1,  5, 3, 4,  8, 6, 7 } },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct rr_geom g = { RR_RAID10, cases[c].layout, 8, cases[c].n,
				     cases[c].dev_chunks * 8, NULL };
		unsigned n = cases[c].n;
		unsigned found[64] = { 0 };

		assert_int_equal(rr_layout_check(&g), 0);
		for (unsigned r = 0; r < cases[c].rows; r++)
			for (unsigned d = 0; d < n; d++) {
				int want = cases[c].t[r * n + d];
				uint64_t a;
				bool hit = false;
				struct rr_map m;

				assert_int_equal(rr_layout_unmap(&g, d, r * 8 + 1, &a, NULL), 0);
				assert_int_equal(a, (uint64_t)want * 8 + 1);
				assert_int_equal(rr_layout_map(&g, a, &m), 0);
				for (unsigned k = 0; k < m.ncopies; k++) {
					unsigned dd;
					uint64_t ds;

					assert_int_equal(rr_layout_map_copy(&g, a, k, &dd, &ds), 0);
					if (dd == d && ds == r * 8 + 1)
						hit = true;
				}
				assert_true(hit);
				found[want]++;
			}
		for (unsigned r = 0; r < cases[c].rows * n / 2; r++)
			assert_int_equal(found[r], 2);
	}
}

static void test_raid0_linear_tables(void **state)
{
	uint64_t sizes[3] = { 8, 24, 24 };	/* chunks of 8: 1, 3, 3 */
	struct rr_geom g = { RR_RAID0, 0, 8, 3, 80, NULL };
	struct rr_map m;
	struct { uint64_t chunk; unsigned disk; uint64_t devchunk; } alt[] = {
		{ 0, 0, 0 }, { 1, 1, 0 }, { 2, 2, 0 },
		/* zone 1 (members 1 and 2 above their first chunk), counted
		 * from the zone start */
		{ 3, 1, 1 }, { 4, 2, 1 }, { 5, 1, 2 }, { 6, 2, 2 },
	}, orig[] = {
		{ 0, 0, 0 }, { 1, 1, 0 }, { 2, 2, 0 },
		/* pre-3.14: the member is picked from the array chunk number */
		{ 3, 2, 1 }, { 4, 1, 1 }, { 5, 2, 2 }, { 6, 1, 2 },
	};

	/* equal members: plain striping; 80 sectors round down to 80 */
	assert_int_equal(rr_layout_array_sectors(&g), 240);
	assert_int_equal(rr_layout_map(&g, 7 * 8 + 5, &m), 0);
	assert_int_equal(m.disk, 1);
	assert_int_equal(m.dev_sector, 2 * 8 + 5);
	g.dev_sectors = 85;	/* rounded down to the chunk */
	assert_int_equal(rr_layout_array_sectors(&g), 240);
	/* non-power-of-two chunk: md raid0 allows it */
	g.chunk_sectors = 12;
	g.dev_sectors = 36;
	assert_int_equal(rr_layout_map(&g, 5 * 12 + 7, &m), 0);
	assert_int_equal(m.disk, 2);
	assert_int_equal(m.dev_sector, 12 + 7);

	g.chunk_sectors = 8;
	g.member_sectors = sizes;
	assert_int_equal(rr_layout_check(&g), -EINVAL);	/* multi-zone, layout unknown */
	for (int l = 1; l <= 2; l++) {
		g.layout = l;
		assert_int_equal(rr_layout_array_sectors(&g), 56);
		for (unsigned i = 0; i < 7; i++) {
			unsigned disk = l == 1 ? orig[i].disk : alt[i].disk;
			uint64_t dc = l == 1 ? orig[i].devchunk : alt[i].devchunk;
			uint64_t a;

			assert_int_equal(rr_layout_map(&g, alt[i].chunk * 8 + 2, &m), 0);
			assert_int_equal(m.disk, disk);
			assert_int_equal(m.dev_sector, dc * 8 + 2);
			assert_int_equal(rr_layout_unmap(&g, disk, dc * 8 + 2, &a, NULL), 0);
			assert_int_equal(a, alt[i].chunk * 8 + 2);
		}
		assert_int_equal(rr_layout_map(&g, 56, &m), -ERANGE);
	}

	/* linear: concatenation, members rounded to the "rounding" */
	{
		uint64_t ls[3] = { 10, 20, 30 };
		struct rr_geom lg = { RR_LINEAR, 0, 0, 3, 0, ls };
		uint64_t a;

		assert_int_equal(rr_layout_array_sectors(&lg), 60);
		assert_int_equal(rr_layout_map(&lg, 15, &m), 0);
		assert_int_equal(m.disk, 1);
		assert_int_equal(m.dev_sector, 5);
		assert_int_equal(m.run_sectors, 15);
		lg.chunk_sectors = 8;
		assert_int_equal(rr_layout_array_sectors(&lg), 48);
		assert_int_equal(rr_layout_map(&lg, 15, &m), 0);
		assert_int_equal(m.disk, 1);
		assert_int_equal(m.dev_sector, 7);
		assert_int_equal(rr_layout_unmap(&lg, 2, 3, &a, NULL), 0);
		assert_int_equal(a, 27);
		assert_int_equal(rr_layout_unmap(&lg, 0, 8, &a, NULL), -ERANGE);
	}
}

/* ---- validation, names ---------------------------------------------------------- */

static void test_validation(void **state)
{
	struct { int level, layout; unsigned chunk, n; } bad[] = {
		{ RR_RAID5, 0, 4, 4 },		/* chunk below 4 KiB */
		{ RR_RAID5, 0, 24, 4 },		/* not a power of two */
		{ RR_RAID5, 6, 8, 4 },		/* no algorithm 6 */
		{ RR_RAID5, 0, 8, 1 },
		{ RR_RAID5, 16, 8, 4 },		/* -6 layouts are RAID6 only */
		{ RR_RAID6, 0, 8, 3 },
		{ RR_RAID6, 7, 8, 6 },
		{ RR_RAID6, 21, 8, 6 },
		{ RR_RAID6, 2, 8, 257 },
		{ RR_RAID6, 8, 8, 256 },	/* DDF Q needs distinct device powers */
		{ RR_RAID10, 0x102, 8, 1 },
		{ RR_RAID10, 0x101, 8, 4 },	/* one copy */
		{ RR_RAID10, 0x103, 8, 2 },	/* three copies on two disks */
		{ RR_RAID10, 0x202, 8, 3 },
		{ RR_RAID10, 0x102 | (3 << 17), 8, 4 },
		{ RR_RAID10, 0x102 | (1 << 19), 8, 4 },
		{ RR_RAID10, 0x102, 12, 4 },
		{ RR_RAID0, 0, 0, 2 },
		{ RR_RAID0, 3, 8, 2 },
		{ RR_RAID1, 1, 0, 2 },
		{ 3, 0, 8, 4 },
		{ RR_RAID0, 0, 8, 0 },
		{ RR_RAID0, 0, 8, RR_LAYOUT_MAX_DISKS + 1 },
		{ RR_RAID0, 0, RR_LAYOUT_MAX_CHUNK * 2, 2 },
	};
	struct rr_geom g = { RR_RAID5, 2, 128, 4, 1 << 20, NULL };
	struct rr_map m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rr_geom b = { bad[i].level, bad[i].layout, bad[i].chunk, bad[i].n, 1 << 20, NULL };

		assert_int_equal(rr_layout_check(&b), -EINVAL);
		assert_int_equal(rr_layout_map(&b, 0, &m), -EINVAL);
		assert_int_equal(rr_layout_array_sectors(&b), 0);
	}
	assert_int_equal(rr_layout_check(NULL), -EINVAL);
	assert_int_equal(rr_layout_check(&g), 0);
	/* array size: would overflow 2^63 bytes */
	g.dev_sectors = UINT64_MAX / 2;
	assert_int_equal(rr_layout_check(&g), -EINVAL);
	g.dev_sectors = (1ULL << 53);
	g.ndisks = 300;
	assert_int_equal(rr_layout_check(&g), -EINVAL);
	g.ndisks = 4;
	g.dev_sectors = 1000;	/* rounded down to 896 */
	assert_int_equal(rr_layout_array_sectors(&g), 3 * 896);
	assert_int_equal(rr_layout_map(&g, 3 * 896, &m), -ERANGE);
	assert_int_equal(rr_layout_map(&g, 3 * 896 - 1, &m), 0);
	{
		uint8_t b[16];

		assert_int_equal(rr_layout_read(&g, NULL, mem_rd, NULL, 3 * 896 * 512 - 8, b, 16), -ERANGE);
		assert_int_equal(rr_layout_read(&g, NULL, mem_rd, NULL, UINT64_MAX - 4, b, 16), -ERANGE);
		assert_int_equal(rr_layout_write(&g, mem_wr, NULL, 512, b, 16), -EINVAL);
	}
}

static void test_names(void **state)
{
	static const struct { int level, layout; const char *name; } t[] = {
		{ 5, 0, "left-asymmetric" }, { 5, 1, "right-asymmetric" },
		{ 5, 2, "left-symmetric" }, { 5, 3, "right-symmetric" },
		{ 5, 4, "parity-first" }, { 5, 5, "parity-last" },
		{ 6, 8, "ddf-zero-restart" }, { 6, 9, "ddf-N-restart" },
		{ 6, 10, "ddf-N-continue" }, { 6, 16, "left-asymmetric-6" },
		{ 6, 17, "right-asymmetric-6" }, { 6, 18, "left-symmetric-6" },
		{ 6, 19, "right-symmetric-6" }, { 6, 20, "parity-first-6" },
		{ 6, 2, "left-symmetric" },
		/* mdadm's print_r10_layout() */
		{ 10, 0x102, "near=2" }, { 10, 0x201, "far=2" },
		{ 10, 0x10201, "offset=2" }, { 10, 0x202, "near=2, far=2" },
		{ 10, 0x103, "near=3" }, { 10, 0x10302, "near=2, offset=3" },
		{ 0, 1, "original" }, { 0, 2, "alternate" },
	};
	char buf[64];
	int l;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_non_null(rr_layout_name(t[i].level, t[i].layout, buf, sizeof(buf)));
		assert_string_equal(buf, t[i].name);
		assert_int_equal(rr_layout_parse(t[i].level, t[i].name, &l), 0);
		assert_int_equal(l, t[i].layout);
	}
	/* mdadm --layout short forms (mdadm's parse_layout_10 values) */
	assert_int_equal(rr_layout_parse(10, "n2", &l), 0);
	assert_int_equal(l, 0x102);
	assert_int_equal(rr_layout_parse(10, "f3", &l), 0);
	assert_int_equal(l, 0x301);
	assert_int_equal(rr_layout_parse(10, "o2", &l), 0);
	assert_int_equal(l, 0x10201);
	assert_int_equal(rr_layout_parse(10, " near=2", &l), 0);	/* as --examine prints it */
	assert_int_equal(l, 0x102);
	assert_int_equal(rr_layout_parse(5, "ls", &l), 0);
	assert_int_equal(l, 2);
	assert_int_equal(rr_layout_parse(5, "default", &l), 0);
	assert_int_equal(l, 2);
	assert_int_equal(rr_layout_parse(5, "ddf-N-restart", &l), 0);
	assert_int_equal(l, 0);
	assert_int_equal(rr_layout_parse(5, "left-symmetric-6", &l), -EINVAL);
	assert_int_equal(rr_layout_parse(10, "near=1", &l), -EINVAL);
	assert_int_equal(rr_layout_parse(10, "x2", &l), -EINVAL);
	assert_int_equal(rr_layout_parse(10, "near=2, bogus=1", &l), -EINVAL);
	assert_int_equal(rr_layout_parse(1, "left-symmetric", &l), -EINVAL);
	assert_null(rr_layout_name(5, 7, buf, sizeof(buf)));
	assert_null(rr_layout_name(6, 11, buf, sizeof(buf)));
	assert_null(rr_layout_name(10, 0x101, buf, sizeof(buf)));
	assert_null(rr_layout_name(1, 0, buf, sizeof(buf)));
	/* truncation stays inside the buffer */
	assert_non_null(rr_layout_name(10, 0x202, buf, 5));
	assert_string_equal(buf, "near");
	assert_string_equal(rr_level_name(RR_LINEAR), "linear");
	assert_string_equal(rr_level_name(RR_RAID10), "raid10");
	assert_null(rr_level_name(2));
}

/* ---- round trips ------------------------------------------------------------------ */

/* Every array sector maps to a member block that maps back; every member
 * block of the used area is used exactly once per copy. */
static void check_bijection(const struct rr_geom *g)
{
	uint64_t as = rr_layout_array_sectors(g);
	unsigned n = g->ndisks;
	uint64_t ms = 0;
	uint8_t *used;

	for (unsigned d = 0; d < n; d++)
		if (rr_layout_member_sectors(g, d) > ms)
			ms = rr_layout_member_sectors(g, d);
	used = calloc(n, ms + 1);

	assert_non_null(used);
	for (uint64_t s = 0; s < as; s++) {
		struct rr_map m;
		uint64_t back;
		enum rr_role role;

		assert_int_equal(rr_layout_map(g, s, &m), 0);
		for (unsigned c = 0; c < m.ncopies; c++) {
			unsigned d;
			uint64_t ds;

			assert_int_equal(rr_layout_map_copy(g, s, c, &d, &ds), 0);
			assert_true(d < n);
			assert_true(ds < ms);
			assert_int_equal(used[d * (ms + 1) + ds], 0);
			used[d * (ms + 1) + ds] = 1;
			assert_int_equal(rr_layout_unmap(g, d, ds, &back, &role), 0);
			assert_int_equal(role, RR_ROLE_DATA);
			assert_int_equal(back, s);
		}
		if (m.p_disk >= 0) {
			assert_int_equal(rr_layout_unmap(g, (unsigned)m.p_disk, m.dev_sector, &back, &role), 0);
			assert_int_equal(role, RR_ROLE_P);
		}
		if (m.q_disk >= 0) {
			assert_int_equal(rr_layout_unmap(g, (unsigned)m.q_disk, m.dev_sector, &back, &role), 0);
			assert_int_equal(role, RR_ROLE_Q);
			assert_int_not_equal(m.q_disk, m.p_disk);
		}
	}
	free(used);
}

/* Writes random data, reads it back whole and in odd pieces, with the
 * given members missing. */
static void roundtrip(const struct rr_geom *g, unsigned seed, const bool *const *missing_sets,
		      size_t nsets)
{
	uint64_t as = rr_layout_array_sectors(g) * 512;
	uint8_t *data = random_bytes(as, seed), *back = malloc(as);
	struct mem *m = mem_new(g->ndisks, rr_layout_member_sectors(g, 0) * 512);

	assert_int_equal(rr_layout_write(g, mem_wr, m, 0, data, as), 0);
	for (size_t i = 0; i < nsets; i++) {
		uint64_t off;

		memset(back, 0, as);
		assert_int_equal(rr_layout_read(g, missing_sets[i], mem_rd, m, 0, back, as), 0);
		assert_memory_equal(back, data, as);
		/* unaligned pieces straddling chunks and stripes */
		for (off = 7; off < as; off += 12345) {
			size_t len = (size_t)((off * 31) % 70000) + 1;

			if (len > as - off)
				len = as - off;
			assert_int_equal(rr_layout_read(g, missing_sets[i], mem_rd, m, off, back, len), 0);
			assert_memory_equal(back, data + off, len);
		}
	}
	free(data);
	free(back);
	mem_free(m);
}

static void test_parity_roundtrip(void **state)
{
	static const int r5[] = { 0, 1, 2, 3, 4, 5 };
	static const int r6[] = { 0, 1, 2, 3, 4, 5, 8, 9, 10, 16, 17, 18, 19, 20 };
	bool sets[40][8];
	const bool *ptrs[40];

	for (unsigned n = 2; n <= 6; n++)
		for (size_t i = 0; i < 6; i++) {
			struct rr_geom g = { RR_RAID5, r5[i], 8, n, 8 * 7 + 3, NULL };
			size_t ns = 0;

			check_bijection(&g);
			memset(sets, 0, sizeof(sets));
			ptrs[ns++] = NULL;
			for (unsigned d = 0; d < n; d++) {
				sets[d][d] = true;
				ptrs[ns++] = sets[d];
			}
			roundtrip(&g, n * 10 + (unsigned)i, ptrs, ns);
		}
	{
		struct rr_geom g = { RR_RAID4, 0, 16, 3, 16 * 5, NULL };

		check_bijection(&g);
	}
	for (unsigned n = 4; n <= 7; n += 3)
		for (size_t i = 0; i < sizeof(r6) / sizeof(r6[0]); i++) {
			struct rr_geom g = { RR_RAID6, r6[i], 8, n, 8 * 11, NULL };
			size_t ns = 0;

			check_bijection(&g);
			memset(sets, 0, sizeof(sets));
			ptrs[ns++] = NULL;
			/* every single member and every pair of members lost */
			for (unsigned a = 0; a < n; a++)
				for (unsigned b = a; b < n; b++) {
					sets[ns][a] = sets[ns][b] = true;
					ptrs[ns] = sets[ns];
					ns++;
				}
			roundtrip(&g, 700 + n * 30 + (unsigned)i, ptrs, ns);
		}
}

static void test_too_many_lost(void **state)
{
	struct rr_geom g = { RR_RAID6, 2, 8, 5, 8 * 4, NULL };
	struct rr_geom g5 = { RR_RAID5, 2, 8, 4, 8 * 4, NULL };
	struct mem *m = mem_new(5, 8 * 4 * 512);
	bool miss[5] = { true, true, true, false, false };
	uint8_t buf[4096];

	/* three of five RAID6 members: only stripes whose wanted data survive
	 * can be read; a stripe needing a rebuild fails */
	assert_int_equal(rr_layout_read(&g, miss, mem_rd, m, 0, buf, sizeof(buf)), -ENODEV);
	assert_int_equal(rr_layout_read(&g5, miss, mem_rd, m, 0, buf, sizeof(buf)), -ENODEV);
	/* an I/O error on a missing-member rebuild is reported as that error */
	miss[1] = miss[2] = false;
	m->fail_disk = 1;
	m->fail_lo = 0;
	m->fail_hi = 4096;
	assert_int_equal(rr_layout_read(&g5, miss, mem_rd, m, 0, buf, sizeof(buf)), -EIO);
	mem_free(m);
}

/* Member read errors are rebuilt around like missing members. */
static void test_read_errors(void **state)
{
	struct rr_geom g = { RR_RAID6, 2, 16, 6, 16 * 6, NULL };
	uint64_t as = rr_layout_array_sectors(&g) * 512;
	uint8_t *data = random_bytes(as, 5), *back = malloc(as);
	struct mem *m = mem_new(6, 16 * 6 * 512);
	bool miss[6] = { false, false, false, false, true, false };

	assert_int_equal(rr_layout_write(&g, mem_wr, m, 0, data, as), 0);
	for (int d = 0; d < 6; d++) {
		if (d == 4)
			continue;
		m->fail_disk = d;
		m->fail_lo = 5000;
		m->fail_hi = 30000;
		memset(back, 0, as);
		assert_int_equal(rr_layout_read(&g, miss, mem_rd, m, 0, back, as), 0);
		assert_memory_equal(back, data, as);
		assert_int_equal(rr_layout_read(&g, miss, mem_rd, m, 4097, back, 20000), 0);
		assert_memory_equal(back, data + 4097, 20000);
	}
	free(data);
	free(back);
	mem_free(m);

	/* RAID10: a bad copy falls back to the other */
	{
		struct rr_geom r = { RR_RAID10, 0x201, 8, 4, 8 * 8, NULL };
		uint64_t rs = rr_layout_array_sectors(&r) * 512;
		uint8_t *d2 = random_bytes(rs, 9), *b2 = malloc(rs);
		struct mem *m2 = mem_new(4, rr_layout_member_sectors(&r, 0) * 512);

		assert_int_equal(rr_layout_write(&r, mem_wr, m2, 0, d2, rs), 0);
		m2->fail_disk = 2;
		m2->fail_lo = 0;
		m2->fail_hi = 8192;
		assert_int_equal(rr_layout_read(&r, NULL, mem_rd, m2, 0, b2, rs), 0);
		assert_memory_equal(b2, d2, rs);
		free(d2);
		free(b2);
		mem_free(m2);
	}
}

static void test_mirror_roundtrip(void **state)
{
	static const int r10[] = { 0x102, 0x103, 0x201, 0x301, 0x10201, 0x10301, 0x202,
				   0x102 | (2 << 17), 0x201 | (2 << 17), 0x201 | (1 << 17),
				   0x10201 | (2 << 17) };
	bool sets[64][8];
	const bool *ptrs[64];

	for (unsigned n = 2; n <= 7; n++)
		for (size_t i = 0; i < sizeof(r10) / sizeof(r10[0]); i++) {
			struct rr_geom g = { RR_RAID10, r10[i], 8, n, 8 * 12 + 5, NULL };
			unsigned copies = RR_R10_NEAR(r10[i]) * RR_R10_FAR(r10[i]);
			size_t ns = 0;

			if (copies > n) {
				assert_int_equal(rr_layout_check(&g), -EINVAL);
				continue;
			}
			assert_int_equal(rr_layout_check(&g), 0);
			check_bijection(&g);
			memset(sets, 0, sizeof(sets));
			ptrs[ns++] = NULL;
			/* any one member lost: every layout keeps a copy, but
			 * for the buggy far-set mode 1 with fewer than far
			 * sets (the kernel warns it "does not provide data
			 * safety") */
			for (unsigned d = 0; d < n; d++) {
				if (RR_R10_FARSET(r10[i]) == 1 &&
				    n / RR_R10_FAR(r10[i]) < RR_R10_FAR(r10[i]))
					break;
				sets[ns][d] = true;
				ptrs[ns] = sets[ns];
				ns++;
			}
			roundtrip(&g, 300 + n * 20 + (unsigned)i, ptrs, ns);
		}
	/* raid1, raid0, linear */
	{
		bool miss[3] = { true, false, true };
		const bool *p1[] = { NULL, miss };
		struct rr_geom g1 = { RR_RAID1, 0, 0, 3, 77, NULL };
		struct rr_geom g0 = { RR_RAID0, 0, 8, 3, 8 * 5, NULL };
		uint64_t sz[3] = { 24, 40, 16 };
		struct rr_geom gz = { RR_RAID0, 2, 8, 3, 0, sz };
		struct rr_geom gl = { RR_LINEAR, 0, 8, 3, 0, sz };
		uint8_t b[512];

		roundtrip(&g1, 1, p1, 2);
		check_bijection(&g1);
		roundtrip(&g0, 2, p1, 1);
		check_bijection(&g0);
		check_bijection(&gz);
		gz.layout = 1;
		check_bijection(&gz);
		check_bijection(&gl);
		/* striped data on a missing member is gone */
		assert_int_equal(rr_layout_read(&g0, miss, mem_rd, NULL, 0, b, sizeof(b)), -ENODEV);
	}
}

struct swapped {
	struct mem *m;
	unsigned a, b;
};

static int swapped_rd(void *ctx, unsigned disk, uint64_t off, void *buf, size_t len)
{
	struct swapped *s = ctx;

	disk = disk == s->a ? s->b : disk == s->b ? s->a : disk;
	return mem_rd(s->m, disk, off, buf, len);
}

static void test_parity_check(void **state)
{
	struct rr_geom g = { RR_RAID6, RR_ALG_LEFT_ASYMMETRIC, 8, 6, 8 * 10, NULL };
	uint64_t as = rr_layout_array_sectors(&g) * 512;
	uint8_t *data = random_bytes(as, 77);
	struct mem *m = mem_new(6, 8 * 10 * 512);
	struct swapped sw = { m, 1, 4 };
	struct rr_parity_stats st;

	assert_int_equal(rr_layout_write(&g, mem_wr, m, 0, data, as), 0);
	assert_int_equal(rr_layout_check_parity(&g, mem_rd, m, 0, 10, 0, &st), 0);
	assert_int_equal(st.ok, 10);
	assert_int_equal(st.bad_p + st.bad_q + st.unreadable, 0);
	/* one flipped byte: that stripe's P and Q both disagree */
	m->d[0][3 * 4096 + 17] ^= 1;
	assert_int_equal(rr_layout_check_parity(&g, mem_rd, m, 0, 10, 0, &st), 0);
	assert_int_equal(st.ok, 9);
	assert_int_equal(st.bad_p, 1);
	assert_int_equal(st.bad_q, 1);
	/* ...unless only the first 16 bytes of each chunk are compared */
	assert_int_equal(rr_layout_check_parity(&g, mem_rd, m, 0, 10, 16, &st), 0);
	assert_int_equal(st.ok, 10);
	m->d[0][3 * 4096 + 17] ^= 1;
	/* members swapped: Q catches every stripe */
	assert_int_equal(rr_layout_check_parity(&g, swapped_rd, &sw, 0, 10, 0, &st), 0);
	assert_int_equal(st.ok, 0);
	assert_int_equal(st.bad_q, 10);
	/* while RAID5 parity is blind to order: XOR of the whole row is zero */
	{
		struct rr_geom g5 = { RR_RAID5, RR_ALG_LEFT_SYMMETRIC, 8, 6, 8 * 10, NULL };
		uint64_t s5 = rr_layout_array_sectors(&g5) * 512;

		uint8_t *d5 = random_bytes(s5, 78);
		struct mem *m5 = mem_new(6, 8 * 10 * 512);
		struct swapped sw5 = { m5, 0, 3 };

		assert_int_equal(rr_layout_write(&g5, mem_wr, m5, 0, d5, s5), 0);
		assert_int_equal(rr_layout_check_parity(&g5, swapped_rd, &sw5, 0, 10, 0, &st), 0);
		assert_int_equal(st.ok, 10);
		assert_int_equal(st.bad_p, 0);
		free(d5);
		mem_free(m5);
	}
	/* wrong layout likewise */
	g.layout = RR_ALG_RIGHT_ASYMMETRIC;
	assert_int_equal(rr_layout_check_parity(&g, mem_rd, m, 0, 10, 0, &st), 0);
	assert_true(st.bad_q > 0);
	g.layout = RR_ALG_LEFT_ASYMMETRIC;
	/* unreadable member, range checks */
	m->fail_disk = 5;
	m->fail_lo = 0;
	m->fail_hi = 4096;
	assert_int_equal(rr_layout_check_parity(&g, mem_rd, m, 0, 10, 0, &st), 0);
	assert_int_equal(st.unreadable, 1);
	assert_int_equal(st.ok, 9);
	assert_int_equal(rr_layout_check_parity(&g, mem_rd, m, 5, 6, 0, &st), -ERANGE);
	g.level = RR_RAID10;
	g.layout = 0x102;
	assert_int_equal(rr_layout_check_parity(&g, mem_rd, m, 0, 1, 0, &st), -EINVAL);
	free(data);
	mem_free(m);
}

/* ---- the kernel-written RAID5 fixtures --------------------------------------------- */

struct fxmember {
	int fd;
	uint64_t data_offset;	/* bytes */
};

struct fxarray {
	struct rr_geom g;
	struct fxmember m[4];	/* by role */
	uint64_t array_sectors;	/* as mdadm reported */
	int map[4];		/* role -> fixture member used for it */
};

static int fx_rd(void *ctx, unsigned disk, uint64_t off, void *buf, size_t len)
{
	struct fxarray *a = ctx;
	struct fxmember *m = &a->m[a->map[disk]];
	ssize_t r = pread(m->fd, buf, len, (off_t)(m->data_offset + off));

	if (r < 0)
		return -errno;
	return (size_t)r == len ? 0 : -ERANGE;
}

/* Value after "key :" in mdadm --examine text, or NULL. */
static const char *ex_field(const char *text, const char *key)
{
	const char *p = text;
	size_t kl = strlen(key);

	while ((p = strstr(p, key))) {
		const char *q = p + kl;

		while (*q == ' ')
			q++;
		if (*q == ':' && (p == text || p[-1] == ' ' || p[-1] == '\n')) {
			q++;
			while (*q == ' ')
				q++;
			return q;
		}
		p += kl;
	}
	return NULL;
}

static void fx_load(const char *ver, struct fxarray *a)
{
	int raid_devices = 0;

	memset(a, 0, sizeof(*a));
	for (int i = 0; i < 4; i++) {
		char rel[128], *path, *text, *img;
		const char *v;
		int role = -1;
		unsigned long long n;

		snprintf(rel, sizeof(rel), "kernel/md-%s/member%d.examine.txt", ver, i);
		path = fx_shared(rel);
		text = fx_slurp(path, NULL);
		free(path);

		v = ex_field(text, "Raid Level");
		assert_non_null(v);
		assert_int_equal(strncmp(v, "raid5", 5), 0);
		a->g.level = RR_RAID5;
		v = ex_field(text, "Raid Devices");
		assert_non_null(v);
		raid_devices = atoi(v);
		assert_int_equal(raid_devices, 4);
		a->g.ndisks = 4;
		v = ex_field(text, "Chunk Size");
		assert_non_null(v);
		a->g.chunk_sectors = (unsigned)strtoul(v, NULL, 10) * 2;	/* "64K" */
		v = ex_field(text, "Layout");
		assert_non_null(v);
		{
			char name[64];

			sscanf(v, "%63s", name);
			assert_int_equal(rr_layout_parse(5, name, &a->g.layout), 0);
		}
		/* 0.90 prints sizes in KiB, 1.x in sectors */
		if ((v = ex_field(text, "Used Dev Size")) || (v = ex_field(text, "Avail Dev Size"))) {
			n = strtoull(v, NULL, 10);
			a->g.dev_sectors = strstr(v, "sectors") && strstr(v, "sectors") < strchr(v, '\n') ? n : n * 2;
		}
		v = ex_field(text, "Array Size");
		assert_non_null(v);
		a->array_sectors = strtoull(v, NULL, 10) * 2;	/* KiB in both */
		v = ex_field(text, "Data Offset");
		n = v ? strtoull(v, NULL, 10) : 0;

		if ((v = ex_field(text, "Device Role")))
			assert_int_equal(sscanf(v, "Active device %d", &role), 1);
		else if ((v = strstr(text, "\nthis ")))
			/* "this  Number Major Minor RaidDevice State" */
			assert_int_equal(sscanf(v, "\nthis %*d %*d %*d %d", &role), 1);
		assert_true(role >= 0 && role < 4);

		snprintf(rel, sizeof(rel), "kernel/md-%s/member%d.img.xz", ver, i);
		path = fx_shared(rel);
		img = fx_unxz(path);
		a->m[role].fd = open(img, O_RDONLY);
		assert_true(a->m[role].fd >= 0);
		a->m[role].data_offset = n * 512;
		a->map[role] = role;
		free(img);
		free(path);
		free(text);
	}
}

static void fx_close(struct fxarray *a)
{
	for (int i = 0; i < 4; i++)
		close(a->m[i].fd);
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void check_fixture(const char *ver)
{
	struct fxarray a;
	uint64_t bytes;
	uint8_t *full, *piece;
	char img[512], cmd[1200], label[64], want[64];
	FILE *p;
	const size_t step = 1 << 20;

	fx_load(ver, &a);
	/* the array size md reported is what the layout computes */
	assert_int_equal(rr_layout_array_sectors(&a.g), a.array_sectors);
	bytes = a.array_sectors * 512;
	full = malloc(bytes);
	piece = malloc(step + 4096);
	assert_non_null(full);
	assert_int_equal(rr_layout_read(&a.g, NULL, fx_rd, &a, 0, full, bytes), 0);
	snprintf(img, sizeof(img), "%s/array-%s.img", fx_tmpdir(), ver);
	write_file(img, full, bytes);

	snprintf(cmd, sizeof(cmd), "e2fsck -fn '%s' >/dev/null 2>&1", img);
	assert_int_equal(run(cmd), 0);
	snprintf(cmd, sizeof(cmd), "blkid -p -o value -s LABEL '%s'", img);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(label, sizeof(label), p));
	pclose(p);
	label[strcspn(label, "\n")] = '\0';
	snprintf(want, sizeof(want), "fx%s", ver);
	assert_string_equal(label, want);

	/* the kernel kept every stripe's parity consistent */
	{
		struct rr_parity_stats st;
		uint64_t stripes = a.g.dev_sectors / a.g.chunk_sectors;

		assert_int_equal(rr_layout_check_parity(&a.g, fx_rd, &a, 0, stripes, 0, &st), 0);
		assert_int_equal(st.ok, stripes);
	}

	/* each member missing in turn: rebuilt from parity, same bytes */
	for (int miss = 0; miss < 4; miss++) {
		bool missing[4] = { false };

		missing[miss] = true;
		for (uint64_t off = 0; off < bytes; off += step) {
			size_t n = bytes - off < step ? (size_t)(bytes - off) : step;

			assert_int_equal(rr_layout_read(&a.g, missing, fx_rd, &a, off, piece, n), 0);
			assert_memory_equal(piece, full + off, n);
		}
		/* odd, unaligned pieces too */
		for (uint64_t off = 511; off + 70001 < bytes; off += 3333331) {
			assert_int_equal(rr_layout_read(&a.g, missing, fx_rd, &a, off, piece, 70001), 0);
			assert_memory_equal(piece, full + off, 70001);
		}
	}

	/* members in the wrong order: e2fsck must object */
	a.map[2] = 3;
	a.map[3] = 2;
	assert_int_equal(rr_layout_read(&a.g, NULL, fx_rd, &a, 0, full, bytes), 0);
	write_file(img, full, bytes);
	snprintf(cmd, sizeof(cmd), "e2fsck -fn '%s' >/dev/null 2>&1", img);
	assert_int_not_equal(run(cmd), 0);
	/* and the wrong layout as well */
	a.map[2] = 2;
	a.map[3] = 3;
	a.g.layout = RR_ALG_LEFT_ASYMMETRIC;
	assert_int_equal(rr_layout_read(&a.g, NULL, fx_rd, &a, 0, full, bytes), 0);
	write_file(img, full, bytes);
	assert_int_not_equal(run(cmd), 0);

	unlink(img);
	free(full);
	free(piece);
	fx_close(&a);
	/* fx_unxz() reuses a decompressed copy by file name, and every
	 * version names its members member0..3.img: start afresh */
	fx_cleanup();
}

static void test_fixture_090(void **state) { check_fixture("0.90"); }
static void test_fixture_10(void **state) { check_fixture("1.0"); }
static void test_fixture_11(void **state) { check_fixture("1.1"); }
static void test_fixture_12(void **state) { check_fixture("1.2"); }

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gf_field),
		cmocka_unit_test(test_gf_syndrome),
		cmocka_unit_test(test_raid5_tables),
		cmocka_unit_test(test_raid6_tables),
		cmocka_unit_test(test_raid6_q_by_hand),
		cmocka_unit_test(test_raid10_tables),
		cmocka_unit_test(test_raid0_linear_tables),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parity_roundtrip),
		cmocka_unit_test(test_too_many_lost),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_mirror_roundtrip),
		cmocka_unit_test(test_parity_check),
		cmocka_unit_test(test_fixture_090),
		cmocka_unit_test(test_fixture_10),
		cmocka_unit_test(test_fixture_11),
		cmocka_unit_test(test_fixture_12),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, teardown);
}
