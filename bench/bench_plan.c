/* Benchmark: the planner.  Prints figures only.
 *
 * 1. Lost superblocks: a 6-member RAID5 (64 KiB chunk, left-symmetric,
 *    data offset 2048 sectors) holding an ext4 made by mkfs.ext4 -d from a
 *    populated directory, laid out onto member files by the layout map,
 *    with no superblocks at all, members given in a shuffled order.  The
 *    full search runs (orders x levels x layouts x chunks 4K..4M x data
 *    offsets); printed: time, the size of the space it covered,
 *    candidates/second, candidates actually scored by reading, MiB read
 *    per member, and whether the true geometry came first.
 * 2. Superblocks on huge members: the 8 members of the md-1.2 and md-1.1
 *    fixture arrays (real mdadm) copied into sparse files of 4 TiB each;
 *    planning from the superblocks, time and bytes read per member, next
 *    to the same members at their real 40 MiB size. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/layout.h"
#include "core/plan.h"
#include "probes/devread.h"
#include "probes/probe.h"

#define N 6
#define CHUNK_KIB 64
#define DOFF_SECTORS 2048
#define FS_MIB 1024
#define DEV_MIB 210		/* data area per member: 5 x 210 MiB >= the fs */

static char tmp[] = "/tmp/rr-bench-plan-XXXXXX";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

struct members {
	int fd[N];
};

static int wr(void *ctx, unsigned disk, uint64_t off, const void *buf, size_t len)
{
	struct members *m = ctx;

	return pwrite(m->fd[disk], buf, len, (off_t)(off + DOFF_SECTORS * 512ull)) == (ssize_t)len ? 0 : -EIO;
}

struct devs {
	struct rr_dev **d;
	size_t n;
};

static int rd(void *ctx, size_t member, uint64_t off, void *buf, size_t len)
{
	struct devs *d = ctx;

	return member < d->n ? rr_dev_pread(d->d[member], buf, len, off) : -ENXIO;
}

/* Plan over paths; prints and returns the best candidate's match. */
static double plan_paths(char **paths, size_t n, struct rr_plan *p, int search)
{
	struct rr_member **m = calloc(n, sizeof(*m));
	struct devs d = { calloc(n, sizeof(*d.d)), n };
	struct rr_plan_opts o = { .top = 10, .read = rd, .read_ctx = &d, .threads = 2,
				  .search = search ? RR_PLAN_SEARCH_AUTO : RR_PLAN_SEARCH_NEVER };
	double t0, t1;

	for (size_t i = 0; i < n; i++) {
		m[i] = rr_examine_path(paths[i]);
		if (rr_dev_open(paths[i], &d.d[i]))
			exit(1);
	}
	t0 = now();
	rr_plan(m, n, &o, p);
	t1 = now();
	for (size_t i = 0; i < n; i++) {
		rr_dev_close(d.d[i]);
		rr_member_free(m[i]);
	}
	free(m);
	free(d.d);
	return t1 - t0;
}

static void lost_superblocks(void)
{
	static const int role_of_file[N] = { 4, 1, 5, 0, 3, 2 };	/* file i holds role */
	char fs[300], *paths[N];
	struct members mem;
	struct rr_geom g = { .level = RR_RAID5, .layout = RR_ALG_LEFT_SYMMETRIC,
			     .chunk_sectors = CHUNK_KIB * 2, .ndisks = N,
			     .dev_sectors = DEV_MIB * 2048ull };
	uint64_t stripe = rr_layout_stripe_bytes(&g);
	uint8_t *buf = malloc(stripe);
	struct rr_plan p;
	int fsfd, ok = 1;
	double t;
	uint64_t maxread = 0;

	/* content: 96 directories of 6 files of 48 KiB */
	run("mkdir -p %s/content", tmp);
	for (int dnum = 0; dnum < 96; dnum++) {
		run("mkdir -p %s/content/d%02d", tmp, dnum);
		for (int f = 0; f < 6; f++) {
			char path[400];
			FILE *o;

			snprintf(path, sizeof(path), "%s/content/d%02d/f%d", tmp, dnum, f);
			o = fopen(path, "w");
			for (int k = 0; o && k < 48 * 1024 / 8; k++)
				fprintf(o, "%07d\n", dnum * 100000 + f * 10000 + k);
			if (o)
				fclose(o);
		}
	}
	snprintf(fs, sizeof(fs), "%s/fs.img", tmp);
	if (run("truncate -s %dM %s && mkfs.ext4 -q -F -L benchfs -d %s/content %s >/dev/null 2>&1",
		FS_MIB, fs, tmp, fs)) {
		printf("lost superblocks: mkfs.ext4 failed, skipped\n");
		free(buf);
		return;
	}
	for (int i = 0; i < N; i++) {
		char name[300];

		snprintf(name, sizeof(name), "%s/member%d.img", tmp, i);
		paths[i] = strdup(name);
		mem.fd[role_of_file[i]] = open(name, O_CREAT | O_TRUNC | O_RDWR, 0600);
		if (mem.fd[role_of_file[i]] < 0 ||
		    ftruncate(mem.fd[role_of_file[i]], (off_t)((DEV_MIB + 1) << 20)))
			exit(1);
	}
	fsfd = open(fs, O_RDONLY);
	for (uint64_t off = 0; off + stripe <= rr_layout_array_sectors(&g) * 512; off += stripe) {
		ssize_t got = pread(fsfd, buf, stripe, (off_t)off);
		bool zero = true;

		if (got < 0)
			exit(1);
		memset(buf + (got > 0 ? got : 0), 0, stripe - (size_t)(got > 0 ? got : 0));
		for (uint64_t k = 0; k < stripe && zero; k++)
			zero = !buf[k];
		if (!zero && rr_layout_write(&g, wr, &mem, off, buf, stripe))
			exit(1);
	}
	close(fsfd);
	for (int i = 0; i < N; i++)
		close(mem.fd[i]);
	free(buf);

	t = plan_paths(paths, N, &p, 1);
	if (!p.ncands) {
		ok = 0;
	} else {
		const struct rr_candidate *c = &p.cands[0];

		ok = c->level == RR_RAID5 && c->layout == RR_ALG_LEFT_SYMMETRIC && c->chunk_kib == CHUNK_KIB &&
		     c->ndisks == N && c->data_offset[0] == DOFF_SECTORS;
		for (int i = 0; i < N && ok; i++)
			ok = c->slot[role_of_file[i]] == i;
	}
	for (size_t i = 0; i < N; i++)
		if (p.stats.bytes_read[i] > maxread)
			maxread = p.stats.bytes_read[i];
	printf("lost superblocks, RAID5 of %d members (%d MiB each, ext4 %d MiB from mkfs.ext4 -d), 2 threads:\n",
	       N, DEV_MIB + 1, FS_MIB);
	printf("  time                      %.2f s\n", t);
	printf("  true geometry ranked      %s\n", ok ? "first" : "NOT first");
	printf("  shapes voted              %" PRIu64 " (levels 0/5/6/10 x layouts x chunks 4K..4M x 0..2 missing x data offsets)\n",
	       p.stats.shapes);
	printf("  candidates covered        %" PRIu64 " (every order of the members in each shape)\n", p.stats.space);
	printf("  candidates/second         %.0f\n", t > 0 ? (double)p.stats.space / t : 0);
	printf("  hypotheses after the vote %" PRIu64 "\n", p.stats.pinned);
	printf("  candidates read-scored    %" PRIu64 " (%.0f/s)\n", p.stats.scored, t > 0 ? p.stats.scored / t : 0);
	printf("  read per member           %.1f MiB max\n", maxread / 1048576.0);
	if (p.ncands) {
		char desc[96];

		printf("  best: %s, data offset %" PRIu64 ", score %.1f\n", rr_plan_describe(&p.cands[0], desc, sizeof(desc)),
		       p.cands[0].data_offset[0], p.cands[0].score);
	}
	rr_plan_free(&p);
	for (int i = 0; i < N; i++)
		free(paths[i]);
}

static void huge_members(void)
{
	static const char *const vers[] = { "1.2", "1.1" };
	char *small[8], *big[8];
	struct rr_plan p;
	double ts, tb;
	uint64_t rs = 0, rb = 0;
	size_t k = 0;

	for (int v = 0; v < 2; v++)
		for (int i = 0; i < 4; i++, k++) {
			char s[300], b[300];

			snprintf(s, sizeof(s), "%s/s-%s-%d.img", tmp, vers[v], i);
			snprintf(b, sizeof(b), "%s/b-%s-%d.img", tmp, vers[v], i);
			if (run("xz -dc %s/kernel/md-%s/member%d.img.xz > %s && cp --sparse=always %s %s && truncate -s 4T %s",
				RR_SHARED_FIXTURES, vers[v], i, s, s, b, b)) {
				printf("huge members: fixtures unavailable, skipped\n");
				return;
			}
			small[k] = strdup(s);
			big[k] = strdup(b);
		}
	ts = plan_paths(small, 8, &p, 0);
	for (size_t i = 0; i < 8; i++)
		rs = p.stats.bytes_read[i] > rs ? p.stats.bytes_read[i] : rs;
	rr_plan_free(&p);
	tb = plan_paths(big, 8, &p, 0);
	for (size_t i = 0; i < 8; i++)
		rb = p.stats.bytes_read[i] > rb ? p.stats.bytes_read[i] : rb;
	printf("from superblocks, 8 members (md-1.2 + md-1.1 fixtures, 2 arrays):\n");
	printf("  40 MiB members            %.3f s, %.1f KiB read per member (max, planner only)\n", ts, rs / 1024.0);
	printf("  4 TiB sparse members      %.3f s, %.1f KiB read per member (max, planner only)\n", tb, rb / 1024.0);
	printf("  candidates                %zu, groups %zu\n", p.ncands, p.ngroups);
	rr_plan_free(&p);
	for (size_t i = 0; i < 8; i++) {
		free(small[i]);
		free(big[i]);
	}
}

int main(void)
{
	if (!mkdtemp(tmp))
		return 1;
	lost_superblocks();
	huge_members();
	if (!getenv("RR_BENCH_KEEP"))
		run("rm -rf %s", tmp);
	else
		printf("kept %s\n", tmp);
	return 0;
}
