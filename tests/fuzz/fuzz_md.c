/* libFuzzer target for the md superblock probe.  md keeps its blocks at
 * 0 (1.1), 4 KiB (1.2) and near the end (1.0, 0.90), so the input is
 * placed where one of them lives instead of always at offset 0:
 *   byte 0      placement: 0 at 0, 1 at 4 KiB, 2 at the 0.90 place,
 *               3 at the 1.0 place, anything else: the input is the image
 *   bytes 1..4  size knob (little-endian): extra sectors of device
 *   the rest    the bytes placed there
 * The image is a sparse memfd read through the normal read layer, and
 * every output path (text, JSON, verdict, release) runs on the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/member.h"
#include "probes/md.h"

static FILE *devnull;

static void put(int fd, const uint8_t *data, size_t len, uint64_t off, uint64_t size)
{
	if (off >= size)
		return;
	if (len > size - off)
		len = (size_t)(size - off);
	if (len && pwrite(fd, data, len, (off_t)off) != (ssize_t)len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t dev, knob, off = 0;
	struct rr_member *m;
	struct rr_dev *d;
	json_object *o;
	char path[64];
	uint8_t mode;
	int fd;

	if (size < 5)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	mode = data[0];
	knob = (uint64_t)data[1] | (uint64_t)data[2] << 8 | (uint64_t)data[3] << 16 |
	       (uint64_t)(data[4] & 0x3f) << 24;	/* up to 2^30 sectors, sparse */
	data += 5;
	size -= 5;

	switch (mode) {
	case 0:
	case 1:
		off = mode ? 4096 : 0;
		dev = off + size + knob * 512;
		break;
	case 2:	/* the 0.90 block lands at 64 KiB */
		dev = 128 * 1024 + (knob & 0xffff);
		off = 64 * 1024;
		break;
	case 3: {
		uint64_t sectors = 24 + knob;

		dev = sectors * 512;
		off = ((sectors - 16) & ~(uint64_t)7) * 512;
		break;
	}
	default:
		dev = size;
		break;
	}

	fd = memfd_create("fuzz_md", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (ftruncate(fd, (off_t)dev) < 0)
		abort();
	put(fd, data, size, off, dev);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	m = rr_member_new(path);
	if (rr_dev_open(path, &d) == 0) {
		m->size_bytes = rr_dev_size(d);
		(void)rr_probe_md.probe(d, m);
		rr_dev_close(d);
	}
	rr_probe_md.print(devnull, m);
	o = json_object_new_object();
	rr_probe_md.to_json(o, m);
	(void)json_object_to_json_string(o);
	json_object_put(o);
	free(rr_probe_md.summary(m));
	rr_member_free(m);
	close(fd);
	return 0;
}
