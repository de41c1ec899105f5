/* Benchmark: cow-merge rate against a plain dd on the same machine.
 *
 * A 512 MiB origin and a persistent store (4 KiB chunks, written with
 * actions/cow_store.h) remapping half of it, in runs of 1..128 chunks
 * allocated in random order (as a snapshot fills up under real writes).
 * Measured, median of RUNS, warm cache, on files in $TMPDIR (default
 * /var/tmp, a disk, not tmpfs):
 *   - merge: copying the store's chunks onto the origin, with the final
 *     flush (the phase after the undo store is committed);
 *   - save: writing and committing the undo store first;
 *   - dd: `dd bs=1M conv=notrunc,fdatasync` copying the same number of
 *     bytes in one sequential stream (the best case for dd).
 * Prints the merge rate, dd's rate and the ratio merge/dd (the goal is at
 * least 0.80), and the whole operation (save + merge) against dd too. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions/cow_store.h"
#include "actions/cowmerge.h"
#include "actions/session.h"

#define RUNS 5
#define ORIGIN (512u << 20)
#define CHUNK 4096u

static char dir[256];
static double t_save_end;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_cowmerge: failed: %s\n", cmd);
		exit(1);
	}
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void progress(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	(void)ctx;
	if (!strcmp(what, "save") && done == total)
		t_save_end = now_s();
}

/* xorshift, for a fixed layout across runs */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

struct run {
	uint64_t chunk, n;
};

/* The origin (random bytes) and the store; returns the bytes remapped. */
static uint64_t make_inputs(const char *origin, const char *cow, size_t *nruns_out)
{
	uint64_t nchunks = ORIGIN / CHUNK, remapped = 0;
	struct run *runs = NULL;
	size_t nruns = 0;
	struct rr_cow_store *cs;
	uint8_t buf[CHUNK];

	sh("head -c %u /dev/urandom > '%s'", ORIGIN, origin);
	/* alternate remapped and untouched stretches over the origin */
	for (uint64_t c = 0; c < nchunks;) {
		uint64_t n = 1 + rnd() % 128, gap = 1 + rnd() % 128;

		if (c + n > nchunks)
			n = nchunks - c;
		runs = realloc(runs, (nruns + 1) * sizeof(*runs));
		runs[nruns++] = (struct run){ c, n };
		c += n + gap;
	}
	/* allocation order: the runs shuffled */
	for (size_t i = nruns; i > 1; i--) {
		size_t j = rnd() % i;
		struct run t = runs[i - 1];

		runs[i - 1] = runs[j];
		runs[j] = t;
	}
	if (rr_cow_store_create(cow, CHUNK / 512, (uint64_t)ORIGIN + (32u << 20), &cs) < 0) {
		fprintf(stderr, "bench_cowmerge: cannot create %s\n", cow);
		exit(1);
	}
	for (size_t i = 0; i < nruns; i++)
		for (uint64_t k = 0; k < runs[i].n; k++) {
			for (size_t b = 0; b < CHUNK; b += 8) {
				uint64_t v = rnd();

				memcpy(buf + b, &v, 8);
			}
			if (rr_cow_store_add_exception_nosync(cs, runs[i].chunk + k, buf) < 0) {
				fprintf(stderr, "bench_cowmerge: store full\n");
				exit(1);
			}
			remapped += CHUNK;
		}
	rr_cow_store_close(cs);
	free(runs);
	*nruns_out = nruns;
	return remapped;
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	char origin[512], cow[512], pristine[512], scratch[512], sess[512], msg[1024];
	double merge[RUNS], save[RUNS], whole[RUNS], dd[RUNS];
	uint64_t bytes;
	size_t nruns;

	snprintf(dir, sizeof(dir), "%s/rr-bench-cowmerge-XXXXXX", base && *base ? base : "/var/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(origin, sizeof(origin), "%s/origin.img", dir);
	snprintf(pristine, sizeof(pristine), "%s/pristine.img", dir);
	snprintf(cow, sizeof(cow), "%s/cow.img", dir);
	snprintf(scratch, sizeof(scratch), "%s/scratch.img", dir);
	bytes = make_inputs(pristine, cow, &nruns);
	sh("cp '%s' '%s'", pristine, scratch);
	for (int i = 0; i < RUNS; i++) {
		struct rr_cowmerge_plan p;
		struct rr_session *s;
		int resumed;
		double t0;

		sh("cp '%s' '%s'", pristine, origin);
		snprintf(sess, sizeof(sess), "%s/session%d", dir, i);
		if (rr_session_open(sess, 1, &s) < 0 || rr_cowmerge_plan(origin, cow, 0, &p, msg, sizeof(msg)) < 0) {
			fprintf(stderr, "bench_cowmerge: %s\n", msg);
			return 1;
		}
		sync();
		t0 = now_s();
		if (rr_cowmerge(s, &p, &(struct rr_cowmerge_opts){ .progress = progress }, &resumed, msg, sizeof(msg)) < 0) {
			fprintf(stderr, "bench_cowmerge: %s\n", msg);
			return 1;
		}
		whole[i] = now_s() - t0;
		save[i] = t_save_end - t0;
		merge[i] = whole[i] - save[i];
		rr_cowmerge_plan_free(&p);
		rr_session_close(s);
		/* dd: the same number of bytes, one sequential stream out of
		 * the store's data area onto a copy of the origin */
		sync();
		t0 = now_s();
		sh("dd if='%s' of='%s' bs=1M skip=1 count=%" PRIu64 " iflag=count_bytes conv=notrunc,fdatasync status=none",
		   cow, scratch, bytes);
		dd[i] = now_s() - t0;
	}
	qsort(merge, RUNS, sizeof(double), cmp_d);
	qsort(save, RUNS, sizeof(double), cmp_d);
	qsort(whole, RUNS, sizeof(double), cmp_d);
	qsort(dd, RUNS, sizeof(double), cmp_d);
	printf("cow-merge: %" PRIu64 " MiB in %zu runs of 4 KiB chunks (random allocation order), %s\n",
	       bytes >> 20, nruns, dir);
	printf("  merge phase  %7.1f MiB/s  (%.3f s, median of %d)\n", bytes / 1048576.0 / merge[RUNS / 2],
	       merge[RUNS / 2], RUNS);
	printf("  undo store   %7.1f MiB/s  (%.3f s)\n", bytes / 1048576.0 / save[RUNS / 2], save[RUNS / 2]);
	printf("  dd           %7.1f MiB/s  (%.3f s, one sequential stream, bs=1M, fdatasync)\n",
	       bytes / 1048576.0 / dd[RUNS / 2], dd[RUNS / 2]);
	printf("  ratio merge/dd        %.2f  (goal >= 0.80)\n", dd[RUNS / 2] / merge[RUNS / 2]);
	printf("  ratio (save+merge)/dd %.2f  (the whole operation writes twice the bytes)\n",
	       dd[RUNS / 2] / whole[RUNS / 2]);
	sh("rm -rf '%s'", dir);
	return 0;
}
