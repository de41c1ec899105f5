/* Benchmark: the userspace backend's FUSE export.  A degraded RAID5 of 6
 * member images (64 KiB chunk, left-symmetric, data offset 1 MiB, slot 3
 * missing) is laid out with rr_layout_write, overlaid and assembled with
 * the userspace backend in a temporary session, and the exported array
 * file is read: sequentially (1 MiB reads) against reading the member
 * images directly in the same run (both from the page cache: each is read
 * once before it is timed), printed as MiB/s and as a ratio; and random
 * 4 KiB reads per second (member image vs exported array).  Figures only.
 * Needs /dev/fuse; the FUSE server is the raidrescue binary of the build. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions/assemble.h"
#include "actions/backend.h"
#include "actions/overlay.h"
#include "actions/session.h"
#include "actions/teardown.h"
#include "core/layout.h"
#include "core/msg.h"

#define NDISKS 6
#define MISSING 3
#define MEMBER_MIB 128
#define OFFSET_SECTORS 2048
#define IO (1u << 20)
#define RANDOM_SECONDS 2.0

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_fuse: %s failed: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int fds[NDISKS];

static int file_wr(void *ctx, unsigned disk, uint64_t off, const void *buf, size_t len)
{
	return pwrite(fds[disk], buf, len, (off_t)(off + OFFSET_SECTORS * 512ull)) == (ssize_t)len ? 0 : -EIO;
}

/* Drop the page cache of these files only (not the machine's: it is
 * shared), so the next read comes from the disk. */
static void uncache(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die(paths[i]);
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

/* Bytes read per second over whole files, 1 MiB at a time. */
static double seq_files(char **paths, size_t n, uint64_t *bytes_out)
{
	uint8_t *buf = rr_xmalloc(IO);
	uint64_t bytes = 0;
	double t0 = now(), t;

	for (size_t i = 0; i < n; i++) {
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		ssize_t r;

		if (fd < 0)
			die(paths[i]);
		while ((r = read(fd, buf, IO)) > 0)
			bytes += (uint64_t)r;
		if (r < 0)
			die("read");
		close(fd);
	}
	t = now() - t0;
	free(buf);
	*bytes_out = bytes;
	return bytes / t;
}

static double random_4k(const char *path, uint64_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t buf[4096];
	uint64_t n = 0;
	double t0 = now(), t;

	if (fd < 0)
		die(path);
	/* drop what the sequential pass left cached, where allowed */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	do {
		for (int k = 0; k < 256; k++, n++)
			if (pread(fd, buf, sizeof(buf), (off_t)((next_rand() % (size / 4096)) * 4096)) != sizeof(buf))
				die("random read");
		t = now() - t0;
	} while (t < RANDOM_SECONDS);
	close(fd);
	return n / t;
}

int main(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *dir = rr_xasprintf("%s/bench_fuse.XXXXXX", base), *paths[NDISKS], *sess, msg[1024];
	struct rr_geom g = { .level = RR_RAID5, .layout = RR_ALG_LEFT_SYMMETRIC, .chunk_sectors = 128,
			     .ndisks = NDISKS, .dev_sectors = (MEMBER_MIB << 11) - OFFSET_SECTORS };
	struct rr_overlay ovs[NDISKS];
	struct rr_candidate c;
	struct rr_assembly a;
	struct rr_session *s;
	uint64_t stripe = rr_layout_stripe_bytes(&g), asize = rr_layout_array_sectors(&g) * 512, mbytes, abytes;
	uint8_t *buf;
	double dseq, fseq, drnd, frnd;
	char *present[NDISKS - 1];
	size_t np = 0, nov = 0;

	if (access("/dev/fuse", R_OK | W_OK) < 0) {
		printf("bench_fuse: no /dev/fuse here; skipped\n");
		return 0;
	}
	if (!mkdtemp(dir))
		die("mkdtemp");
	for (unsigned i = 0; i < NDISKS; i++) {
		paths[i] = rr_xasprintf("%s/member%u.img", dir, i);
		fds[i] = open(paths[i], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fds[i] < 0 || ftruncate(fds[i], (off_t)MEMBER_MIB << 20) < 0)
			die("member image");
	}
	/* The array's data, whole stripes at a time, P included. */
	buf = rr_xmalloc(stripe * 16);
	for (uint64_t off = 0; off < asize; off += stripe * 16) {
		size_t len = asize - off < stripe * 16 ? (size_t)(asize - off) : stripe * 16;

		for (size_t k = 0; k < len; k += 8) {
			uint64_t v = next_rand();

			memcpy(buf + k, &v, 8);
		}
		if (rr_layout_write(&g, file_wr, NULL, off, buf, len) < 0)
			die("layout write");
	}
	free(buf);
	for (unsigned i = 0; i < NDISKS; i++)
		close(fds[i]);

	sess = rr_xasprintf("%s/session", dir);
	setenv("RAIDRESCUE_EXE", RR_BIN, 0);
	if (rr_session_open(sess, 1, &s) < 0 || rr_session_record_backend(s, RR_BACKEND_USERSPACE) < 0)
		die("session");
	memset(&c, 0, sizeof(c));
	c.level = g.level;
	c.layout = g.layout;
	c.chunk_kib = 64;
	c.ndisks = NDISKS;
	snprintf(c.metadata, sizeof(c.metadata), "1.2");
	for (unsigned i = 0; i < NDISKS; i++) {
		c.data_offset[i] = OFFSET_SECTORS;
		if (i == MISSING) {
			c.slot[i] = RR_CAND_MISSING;
			continue;
		}
		if (rr_overlay_member(s, paths[i], NULL, &ovs[nov], msg, sizeof(msg)) < 0) {
			fprintf(stderr, "bench_fuse: %s\n", msg);
			return 1;
		}
		present[np++] = paths[i];
		c.slot[i] = (int)nov++;
	}
	if (rr_assemble(s, ovs, nov, &c, RR_VIA_AUTO, &a, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "bench_fuse: %s\n", msg);
		return 1;
	}

	printf("degraded RAID5, %u members of %u MiB (slot %u missing), 64 KiB chunk, userspace backend over FUSE\n",
	       NDISKS, MEMBER_MIB, MISSING);
	/* From the disk: the members' cache dropped before each pass (the
	 * case of a rescue: the members are read once). */
	uncache(paths, NDISKS);
	dseq = seq_files(paths, NDISKS, &mbytes);
	uncache(paths, NDISKS);
	fseq = seq_files((char *[]){ a.dev }, 1, &abytes);
	printf("  from the disk (members' page cache dropped before each pass):\n");
	printf("  sequential read, member images directly : %8.1f MiB/s (%" PRIu64 " MiB)\n", dseq / 1048576,
	       mbytes >> 20);
	printf("  sequential read, exported array file    : %8.1f MiB/s (%" PRIu64 " MiB)\n", fseq / 1048576,
	       abytes >> 20);
	printf("  ratio exported / direct                 : %8.2f\n", fseq / dseq);
	/* From memory: both read once before they are timed; this is the
	 * FUSE round trip and the parity rebuild against a memcpy. */
	seq_files(paths, NDISKS, &mbytes);
	dseq = seq_files(paths, NDISKS, &mbytes);
	seq_files((char *[]){ a.dev }, 1, &abytes);
	fseq = seq_files((char *[]){ a.dev }, 1, &abytes);
	printf("  from the page cache (each read once before it is timed):\n");
	printf("  sequential read, member images directly : %8.1f MiB/s\n", dseq / 1048576);
	printf("  sequential read, exported array file    : %8.1f MiB/s\n", fseq / 1048576);
	printf("  ratio exported / direct                 : %8.2f\n", fseq / dseq);
	uncache(paths, NDISKS);
	drnd = random_4k(present[0], (uint64_t)MEMBER_MIB << 20);
	uncache(paths, NDISKS);
	frnd = random_4k(a.dev, asize);
	printf("  random 4 KiB reads, member image        : %8.0f reads/s\n", drnd);
	printf("  random 4 KiB reads, exported array file : %8.0f reads/s\n", frnd);

	if (rr_undo(s, 0, 0) < 0)
		fprintf(stderr, "bench_fuse: undo failed; run raidrescue cleanup\n");
	rr_session_close(s);
	for (unsigned i = 0; i < NDISKS; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
	{
		char *cmd = rr_xasprintf("rm -rf '%s'", dir);

		if (system(cmd) != 0)
			fprintf(stderr, "bench_fuse: could not remove %s\n", dir);
		free(cmd);
	}
	free(sess);
	free(dir);
	return 0;
}
