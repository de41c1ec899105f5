/* Benchmark: md layout reads.  A 6-member RAID5 (64 KiB chunk,
 * left-symmetric) and a 6-member RAID6 are laid out in memory; reads go
 * through rr_layout_read with a memcpy member callback, so the figures are
 * the layout's own cost (mapping, parity rebuild), not the disks'.
 * Prints figures only: MiB/s for sequential and random reads, full and
 * degraded, and rr_layout_map calls per second (candidate scoring). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/layout.h"

#define NDISKS 6
#define MEMBER_MIB 32
#define MIN_SECONDS 0.5

struct mem {
	uint8_t *d[NDISKS];
	uint64_t size;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int mem_rd(void *ctx, unsigned disk, uint64_t off, void *buf, size_t len)
{
	struct mem *m = ctx;

	if (off > m->size || len > m->size - off)
		return -34;	/* -ERANGE */
	memcpy(buf, m->d[disk] + off, len);
	return 0;
}

static int mem_wr(void *ctx, unsigned disk, uint64_t off, const void *buf, size_t len)
{
	struct mem *m = ctx;

	if (off > m->size || len > m->size - off)
		return -34;
	memcpy(m->d[disk] + off, buf, len);
	return 0;
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_layout: %s failed\n", what);
	exit(1);
}

/* Sequential reads of `io` bytes over the whole array, repeated until
 * MIN_SECONDS have passed; MiB/s. */
static double seq_read(const struct rr_geom *g, const bool *missing, struct mem *m,
		       uint8_t *buf, size_t io)
{
	uint64_t bytes = rr_layout_array_sectors(g) * 512, done = 0;
	double t0 = now(), t;

	do {
		for (uint64_t off = 0; off + io <= bytes; off += io) {
			if (rr_layout_read(g, missing, mem_rd, m, off, buf, io))
				die("sequential read");
			done += io;
		}
		t = now() - t0;
	} while (t < MIN_SECONDS);
	return done / t / (1 << 20);
}

static double rand_read(const struct rr_geom *g, const bool *missing, struct mem *m,
			uint8_t *buf, size_t io, double *iops)
{
	uint64_t bytes = rr_layout_array_sectors(g) * 512, done = 0, n = 0;
	double t0 = now(), t;

	do {
		for (int i = 0; i < 1000; i++) {
			uint64_t off = (next_rand() % ((bytes - io) / 4096)) * 4096;

			if (rr_layout_read(g, missing, mem_rd, m, off, buf, io))
				die("random read");
			done += io;
			n++;
		}
		t = now() - t0;
	} while (t < MIN_SECONDS);
	*iops = n / t;
	return done / t / (1 << 20);
}

static void report(const char *what, const struct rr_geom *g, const bool *missing,
		   struct mem *m, uint8_t *buf)
{
	double iops, mibs;

	printf("%-30s seq 1MiB  %8.0f MiB/s\n", what, seq_read(g, missing, m, buf, 1 << 20));
	printf("%-30s seq 128KiB %7.0f MiB/s\n", what, seq_read(g, missing, m, buf, 128 << 10));
	mibs = rand_read(g, missing, m, buf, 4096, &iops);
	printf("%-30s rand 4KiB %8.0f MiB/s  (%.0f reads/s)\n", what, mibs, iops);
	mibs = rand_read(g, missing, m, buf, 65536, &iops);
	printf("%-30s rand 64KiB %7.0f MiB/s  (%.0f reads/s)\n", what, mibs, iops);
}

int main(void)
{
	struct mem m = { .size = (uint64_t)MEMBER_MIB << 20 };
	struct rr_geom g5 = { RR_RAID5, RR_ALG_LEFT_SYMMETRIC, 128, NDISKS,
			      (uint64_t)MEMBER_MIB << 11, NULL };
	struct rr_geom g6 = g5;
	bool one[NDISKS] = { false, false, true, false, false, false };
	bool two[NDISKS] = { false, true, false, false, true, false };
	uint64_t bytes = rr_layout_array_sectors(&g5) * 512;
	uint8_t *data = malloc(bytes), *buf = malloc(1 << 20);
	double t0, t;
	uint64_t calls = 0, sink = 0;

	if (!data || !buf)
		die("malloc");
	for (int i = 0; i < NDISKS; i++)
		if (!(m.d[i] = malloc(m.size)))
			die("malloc");
	for (uint64_t i = 0; i < bytes / 8; i++) {
		uint64_t v = next_rand();

		memcpy(data + i * 8, &v, 8);
	}

	printf("bench_layout: %d members of %d MiB, 64 KiB chunk, in memory\n", NDISKS, MEMBER_MIB);
	t0 = now();
	if (rr_layout_write(&g5, mem_wr, &m, 0, data, bytes))
		die("raid5 write");
	t = now() - t0;
	printf("%-30s write    %8.0f MiB/s\n", "raid5 left-symmetric", bytes / t / (1 << 20));
	if (rr_layout_read(&g5, one, mem_rd, &m, 0, data, 1 << 20) ||
	    memcmp(data, m.d[0], 65536))
		die("raid5 self-check");
	report("raid5 full", &g5, NULL, &m, buf);
	report("raid5 degraded (1 missing)", &g5, one, &m, buf);

	g6.level = RR_RAID6;
	bytes = rr_layout_array_sectors(&g6) * 512;
	t0 = now();
	if (rr_layout_write(&g6, mem_wr, &m, 0, data, bytes))
		die("raid6 write");
	t = now() - t0;
	printf("%-30s write    %8.0f MiB/s\n", "raid6 left-symmetric", bytes / t / (1 << 20));
	report("raid6 full", &g6, NULL, &m, buf);
	report("raid6 degraded (1 missing)", &g6, one, &m, buf);
	report("raid6 degraded (2 missing)", &g6, two, &m, buf);

	/* candidate scoring: map calls over varying geometries */
	t0 = now();
	do {
		for (int i = 0; i < 100000; i++) {
			struct rr_geom c = g5;
			struct rr_map mp;

			c.layout = (int)(i & 3);
			c.chunk_sectors = 8u << (i % 7);
			c.ndisks = 3 + (unsigned)(i % 8);
			if (rr_layout_map(&c, next_rand() % (rr_layout_array_sectors(&c) - 1), &mp))
				die("map");
			sink += mp.disk;
			calls++;
		}
		t = now() - t0;
	} while (t < MIN_SECONDS);
	printf("%-30s %12.0f map calls/s (raid5, varying chunk/disks/layout; incl. array size)\n",
	       "candidate mapping", calls / t);
	calls = 0;
	t0 = now();
	do {
		for (int i = 0; i < 100000; i++) {
			struct rr_map mp;

			if (rr_layout_map(&g6, next_rand() % (rr_layout_array_sectors(&g6) - 1), &mp))
				die("map");
			sink += mp.disk;
			calls++;
		}
		t = now() - t0;
	} while (t < MIN_SECONDS);
	printf("%-30s %12.0f map calls/s (raid6 fixed geometry)\n", "candidate mapping", calls / t);
	if (sink == 42)
		printf("\n");
	for (int i = 0; i < NDISKS; i++)
		free(m.d[i]);
	free(data);
	free(buf);
	return 0;
}
