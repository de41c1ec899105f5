/* libFuzzer target for the ZFS label probe.  The input is a compact
 * label, expanded into a 1 MiB image (labels at 0, 256, 512, 768 KiB):
 *   byte 0      flags: bit 0 seal the nvlist block with a valid label
 *               checksum, bit 1 seal every uberblock slot whose magic
 *               matches, bit 2 seal big-endian, bits 3-4 uberblock slot
 *               shift - 10, bit 5 copy the label to all four places
 *               (else L0 and L2 only)
 *   bytes 1..2  n, length of the nvlist part (little-endian)
 *   n bytes     the packed nvlist, at label offset 16 KiB
 *   the rest    the uberblock ring, at label offset 128 KiB
 * Sealing lets the fuzzer reach the "valid label" paths. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/member.h"
#include "core/sha256.h"
#include "probes/endian.h"
#include "probes/zfs.h"

#define LABEL (256u << 10)
#define IMAGE (4 * LABEL)

static FILE *devnull;

static void put64(uint8_t *p, uint64_t v, int big)
{
	for (int i = 0; i < 8; i++)
		p[big ? 7 - i : i] = (uint8_t)(v >> (8 * i));
}

static void seal(uint8_t *blk, size_t len, uint64_t off, int big)
{
	uint8_t *eck = blk + len - 40, d[RR_SHA256_LEN];

	put64(eck, RR_ZFS_ECK_MAGIC, big);
	memset(eck + 8, 0, 32);
	put64(eck + 8, off, big);
	rr_sha256(blk, len, d);
	for (int i = 0; i < 4; i++)
		put64(eck + 8 + 8 * i, rr_be64(d + 8 * i), big);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t img[IMAGE], lab[LABEL];
	unsigned flags, shift;
	size_t n, ring;
	struct rr_member *m;
	struct rr_dev *d;
	char path[64];
	int fd, big;

	if (size < 3)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	flags = data[0];
	n = (size_t)data[1] | (size_t)data[2] << 8;
	data += 3;
	size -= 3;
	if (n > size)
		n = size;
	if (n > RR_ZFS_NVLIST_SIZE - 40)
		n = RR_ZFS_NVLIST_SIZE - 40;
	ring = size - n > RR_ZFS_RING_SIZE ? RR_ZFS_RING_SIZE : size - n;
	big = (flags >> 2) & 1;
	shift = 10 + ((flags >> 3) & 3);

	memset(img, 0, sizeof(img));
	for (unsigned l = 0; l < 4; l++) {
		uint64_t off = (uint64_t)l * LABEL;

		if (!(flags & 0x20) && (l & 1))
			continue;
		memset(lab, 0, sizeof(lab));
		memcpy(lab + RR_ZFS_NVLIST_OFFSET, data, n);
		memcpy(lab + RR_ZFS_RING_OFFSET, data + n, ring);
		if (flags & 1)
			seal(lab + RR_ZFS_NVLIST_OFFSET, RR_ZFS_NVLIST_SIZE, off + RR_ZFS_NVLIST_OFFSET, big);
		if (flags & 2)
			for (size_t s = 0; s < RR_ZFS_RING_SIZE >> shift; s++) {
				uint8_t *ub = lab + RR_ZFS_RING_OFFSET + (s << shift);

				if (rr_le64(ub) == RR_ZFS_UB_MAGIC || rr_be64(ub) == RR_ZFS_UB_MAGIC)
					seal(ub, (size_t)1 << shift, off + RR_ZFS_RING_OFFSET + (s << shift), big);
			}
		memcpy(img + off, lab, LABEL);
	}

	fd = memfd_create("fuzz_zfs", MFD_CLOEXEC);
	if (fd < 0 || pwrite(fd, img, IMAGE, 0) != (ssize_t)IMAGE)
		abort();
	sprintf(path, "/proc/self/fd/%d", fd);
	m = rr_member_new(path);
	if (rr_dev_open(path, &d) == 0) {
		m->size_bytes = rr_dev_size(d);
		if (rr_probe_zfs.probe(d, m) == RR_PROBE_FOUND) {
			json_object *o = json_object_new_object();
			char *s;

			rr_probe_zfs.print(devnull, m);
			rr_probe_zfs.to_json(o, m);
			(void)json_object_to_json_string(o);
			json_object_put(o);
			s = rr_probe_zfs.summary(m);
			free(s);
		}
		rr_dev_close(d);
	}
	rr_member_free(m);
	close(fd);
	return 0;
}
