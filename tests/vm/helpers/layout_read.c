/* Test helper for the VM bench: read a whole md array in userspace from
 * its member devices through core/layout (rebuilding missing members) and
 * print its size and sha256, to compare with the kernel's /dev/mdX.
 *   rr-layout-read LEVEL LAYOUT CHUNK_KIB DEV_SECTORS MEMBER:OFFSET|missing...
 * (OFFSET: data offset in sectors). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/layout.h"
#include "core/sha256.h"

struct members {
	int fd[RR_LAYOUT_MAX_DISKS];
	uint64_t off[RR_LAYOUT_MAX_DISKS];
};

static int rd(void *ctx, unsigned disk, uint64_t off, void *buf, size_t len)
{
	struct members *m = ctx;
	ssize_t n = pread(m->fd[disk], buf, len, (off_t)(m->off[disk] * 512 + off));

	return n == (ssize_t)len ? 0 : -EIO;
}

int main(int argc, char **argv)
{
	struct rr_geom g = { 0 };
	struct members m;
	bool missing[RR_LAYOUT_MAX_DISKS] = { false };
	struct rr_sha256 h;
	uint8_t dg[32];
	uint64_t size, pos;
	size_t bufsz = 4 << 20;
	char *buf;

	if (argc < 6) {
		fprintf(stderr, "usage: %s LEVEL LAYOUT CHUNK_KIB DEV_SECTORS MEMBER:OFFSET|missing...\n", argv[0]);
		return 2;
	}
	g.level = atoi(argv[1]);
	g.layout = atoi(argv[2]);
	g.chunk_sectors = (unsigned)atoi(argv[3]) * 2;
	g.dev_sectors = strtoull(argv[4], NULL, 10);
	g.ndisks = (unsigned)(argc - 5);
	for (unsigned i = 0; i < g.ndisks; i++) {
		char *spec = argv[5 + i], *colon = strrchr(spec, ':');

		if (!strcmp(spec, "missing")) {
			missing[i] = true;
			m.fd[i] = -1;
			continue;
		}
		if (!colon)
			return 2;
		*colon = '\0';
		m.off[i] = strtoull(colon + 1, NULL, 10);
		m.fd[i] = open(spec, O_RDONLY);
		if (m.fd[i] < 0) {
			perror(spec);
			return 1;
		}
	}
	if (rr_layout_check(&g) < 0) {
		fprintf(stderr, "invalid geometry: level %d layout %d chunk %u sectors, %u disks, %llu sectors each\n",
			g.level, g.layout, g.chunk_sectors, g.ndisks, (unsigned long long)g.dev_sectors);
		return 1;
	}
	size = rr_layout_array_sectors(&g) * 512;
	buf = malloc(bufsz);
	rr_sha256_init(&h);
	for (pos = 0; pos < size; pos += bufsz) {
		size_t len = size - pos < bufsz ? (size_t)(size - pos) : bufsz;
		int r = rr_layout_read(&g, missing, rd, &m, pos, buf, len);

		if (r < 0) {
			fprintf(stderr, "read at %" PRIu64 ": %s\n", pos, strerror(-r));
			return 1;
		}
		rr_sha256_update(&h, buf, len);
	}
	rr_sha256_final(&h, dg);
	printf("%" PRIu64 " ", size);
	for (int i = 0; i < 32; i++)
		printf("%02x", dg[i]);
	printf("\n");
	free(buf);
	return 0;
}
