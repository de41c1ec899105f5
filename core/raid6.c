/* GF(2^8) arithmetic and the P/Q syndrome of Linux md RAID-6 (see raid6.h). */
#include <pthread.h>
#include <string.h>

#include "core/raid6.h"

#define GF_POLY 0x11d

static uint8_t gf_exp[512];	/* g^i, doubled so exp[log a + log b] needs no modulo */
static int gf_logt[256];
static uint8_t gf_mult[256][256];
static pthread_once_t gf_once = PTHREAD_ONCE_INIT;

static void gf_build(void)
{
	unsigned x = 1;

	for (int i = 0; i < 255; i++) {
		gf_exp[i] = (uint8_t)x;
		gf_exp[i + 255] = (uint8_t)x;
		gf_logt[x] = i;
		x <<= 1;
		if (x & 0x100)
			x ^= GF_POLY;
	}
	gf_exp[510] = gf_exp[0];
	gf_exp[511] = gf_exp[1];
	gf_logt[0] = -1;
	for (int a = 0; a < 256; a++)
		for (int b = 0; b < 256; b++)
			gf_mult[a][b] = (a && b) ?
				gf_exp[gf_logt[a] + gf_logt[b]] : 0;
}

static inline void gf_init(void)
{
	pthread_once(&gf_once, gf_build);
}

uint8_t rr_gf_mul(uint8_t a, uint8_t b)
{
	gf_init();
	return gf_mult[a][b];
}

uint8_t rr_gf_inv(uint8_t a)
{
	gf_init();
	return a ? gf_exp[255 - gf_logt[a]] : 0;
}

uint8_t rr_gf_exp(int e)
{
	gf_init();
	e %= 255;
	if (e < 0)
		e += 255;
	return gf_exp[e];
}

int rr_gf_log(uint8_t a)
{
	gf_init();
	return gf_logt[a];
}

/* Unaligned-safe 64-bit word access; compilers turn these into plain moves. */
static inline uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline void st64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Multiply eight field elements packed in a word by g = {02}: shift each byte
 * left and fold the carried-out top bit back in as 0x1d (the kernel's int64
 * syndrome code does the same with a MASK() helper). */
static inline uint64_t gf_mul2_64(uint64_t v)
{
	uint64_t hi = v & 0x8080808080808080ULL;
	uint64_t mask = (hi << 1) - (hi >> 7);	/* 0xff in every byte whose top bit was set */

	return ((v << 1) & 0xfefefefefefefefeULL) ^ (mask & 0x1d1d1d1d1d1d1d1dULL);
}

static inline uint8_t gf_mul2(uint8_t v)
{
	return (uint8_t)((v << 1) ^ ((v & 0x80) ? 0x1d : 0));
}

void rr_xor_into(uint8_t *dst, const uint8_t *src, size_t len)
{
	size_t i = 0;

	for (; i + 32 <= len; i += 32) {
		st64(dst + i, ld64(dst + i) ^ ld64(src + i));
		st64(dst + i + 8, ld64(dst + i + 8) ^ ld64(src + i + 8));
		st64(dst + i + 16, ld64(dst + i + 16) ^ ld64(src + i + 16));
		st64(dst + i + 24, ld64(dst + i + 24) ^ ld64(src + i + 24));
	}
	for (; i + 8 <= len; i += 8)
		st64(dst + i, ld64(dst + i) ^ ld64(src + i));
	for (; i < len; i++)
		dst[i] ^= src[i];
}

void rr_gf_scale(uint8_t *dst, uint8_t c, size_t len)
{
	const uint8_t *t;

	gf_init();
	t = gf_mult[c];
	for (size_t i = 0; i < len; i++)
		dst[i] = t[dst[i]];
}

void rr_raid6_gen_pq(unsigned nslots, const uint8_t *const *src,
		     uint8_t *p, uint8_t *q, size_t len)
{
	size_t i = 0;
	int top = (int)nslots - 1;

	/* Horner's rule from the highest slot down: q = q*g + D_i.  Empty
	 * slots still multiply by g so every block keeps its own power. */
	for (; i + 8 <= len; i += 8) {
		uint64_t wp = 0, wq = 0;

		for (int z = top; z >= 0; z--) {
			uint64_t d = src[z] ? ld64(src[z] + i) : 0;

			wp ^= d;
			wq = gf_mul2_64(wq) ^ d;
		}
		if (p)
			st64(p + i, wp);
		if (q)
			st64(q + i, wq);
	}
	for (; i < len; i++) {
		uint8_t bp = 0, bq = 0;

		for (int z = top; z >= 0; z--) {
			uint8_t d = src[z] ? src[z][i] : 0;

			bp ^= d;
			bq = gf_mul2(bq) ^ d;
		}
		if (p)
			p[i] = bp;
		if (q)
			q[i] = bq;
	}
}

void rr_raid6_solve_2data(unsigned a, unsigned b, const uint8_t *pd,
			  const uint8_t *qd, uint8_t *da, uint8_t *db,
			  size_t len)
{
	const uint8_t *pmul, *qmul;
	uint8_t ga, gb;

	gf_init();
	/* D_a + D_b = pd and g^a D_a + g^b D_b = qd, so
	 *   D_b = (qd + g^a pd) / (g^a + g^b)
	 *       = pd / (1 + g^(b-a)) + qd / (g^a + g^b)
	 *   D_a = pd + D_b                                  (Anvin, sec. 4) */
	ga = gf_exp[a % 255];
	gb = gf_exp[b % 255];
	pmul = gf_mult[rr_gf_inv((uint8_t)(1 ^ rr_gf_exp((int)b - (int)a)))];
	qmul = gf_mult[rr_gf_inv((uint8_t)(ga ^ gb))];
	for (size_t i = 0; i < len; i++) {
		uint8_t px = pd[i], qx = qd[i];
		uint8_t vb = pmul[px] ^ qmul[qx];

		db[i] = vb;
		da[i] = vb ^ px;
	}
}

void rr_raid6_solve_data_q(unsigned a, const uint8_t *qd, uint8_t *da,
			   size_t len)
{
	const uint8_t *t;

	gf_init();
	t = gf_mult[rr_gf_exp(-(int)a)];
	for (size_t i = 0; i < len; i++)
		da[i] = t[qd[i]];
}
