/* Benchmark: examine of many members, and of huge sparse members.
 * Prints figures only: wall time (median of runs, warm cache) and bytes
 * read per member, both as the read layer counts them and as the kernel
 * counts them for the whole process (/proc/self/io rchar, which includes
 * libblkid's own reads). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probes/probe.h"

#define RUNS 7

static char tmp[] = "/tmp/rr-bench-XXXXXX";

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t rchar(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	uint64_t v = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "rchar: %" SCNu64, &v) == 1)
			break;
	fclose(f);
	return v;
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
		fprintf(stderr, "bench_examine: failed: %s\n", cmd);
		exit(1);
	}
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Examine every path RUNS times after one warm-up; print the figures. */
static void measure(const char *what, char **paths, int n)
{
	double t[RUNS];
	uint64_t layer = 0, r0, r1 = 0;
	int found = 0;

	for (int run = -1; run < RUNS; run++) {
		double t0 = now_ms();

		r0 = rchar();
		layer = 0;
		found = 0;
		for (int i = 0; i < n; i++) {
			struct rr_member *m = rr_examine_path(paths[i]);

			layer += m->bytes_read;
			found += m->md != NULL;
			rr_member_free(m);
		}
		r1 = rchar() - r0;
		if (run >= 0)
			t[run] = now_ms() - t0;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_d);
	printf("%-34s members %3d  md found %3d  median %8.2f ms  (min %.2f max %.2f)  "
	       "read/member: layer %6.1f KiB, process %7.1f KiB\n",
	       what, n, found, t[RUNS / 2], t[0], t[RUNS - 1],
	       layer / 1024.0 / n, r1 / 1024.0 / n);
}

int main(void)
{
	static const char *const vers[] = { "0.90", "1.0", "1.1", "1.2" };
	char *paths[64], *big[8], *small[8];
	char src[1024], dst[1024];
	int n = 0;

	if (!mkdtemp(tmp))
		return 1;
	for (int v = 0; v < 4; v++)
		for (int k = 0; k < 4; k++) {
			snprintf(src, sizeof(src), "%s/kernel/md-%s/member%d.img.xz", RR_SHARED_FIXTURES, vers[v], k);
			snprintf(dst, sizeof(dst), "%s/m%s-%d.img", tmp, vers[v], k);
			sh("xz -dc '%s' > '%s'", src, dst);
		}
	for (int c = 0; c < 4; c++)
		for (int v = 0; v < 4; v++)
			for (int k = 0; k < 4; k++) {
				snprintf(src, sizeof(src), "%s/m%s-%d.img", tmp, vers[v], k);
				snprintf(dst, sizeof(dst), "%s/copy%d-%s-%d.img", tmp, c, vers[v], k);
				sh("cp --sparse=always '%s' '%s'", src, dst);
				paths[n++] = strdup(dst);
			}
	measure("64 members of 40 MiB (md 0.90-1.2)", paths, n);

	/* 4 TiB sparse members carrying real superblocks where md puts them:
	 * the first MiB of a 1.2 member at the start (and of a 1.0/0.90
	 * member's last 128 KiB at the end, re-aligned by the probe). */
	for (int k = 0; k < 8; k++) {
		const char *v = k < 4 ? "1.2" : "0.90";

		snprintf(src, sizeof(src), "%s/m%s-%d.img", tmp, v, k % 4);
		snprintf(dst, sizeof(dst), "%s/big%d.img", tmp, k);
		small[k] = strdup(src);
		big[k] = strdup(dst);
		sh("truncate -s 4T '%s'", dst);
		sh("dd if='%s' of='%s' bs=1M count=1 conv=notrunc,sparse status=none", src, dst);
		if (k >= 4) {
			/* 0.90 lives at the end: move the member's last 64 KiB
			 * to the end of the 4 TiB file. */
			sh("tail -c 65536 '%s' | dd of='%s' bs=65536 seek=$(( (4*1024*1024*1024*1024 - 65536) / 65536 )) conv=notrunc status=none",
			   src, dst);
		}
	}
	measure("8 members of 40 MiB", small, 8);
	measure("8 sparse members of 4 TiB", big, 8);

	sh("rm -rf '%s'", tmp);
	return 0;
}
