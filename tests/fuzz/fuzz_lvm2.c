/* libFuzzer target for the LVM2 PV probe (label, PV header, metadata area
 * headers, circular buffer, scanning fallback, text parser, PV map).
 *   bytes 0..1  size knob (little-endian): the device is at least
 *               knob * 512 bytes (up to 8 MiB, sparse), so metadata
 *               areas can be large while the input stays small
 *   the rest    the first bytes of the device
 * The image is a sparse memfd read through the normal read layer, and
 * every output path (text, JSON, verdict, release) runs on the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/member.h"
#include "probes/lvm2.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t dev;
	struct rr_member *m;
	struct rr_dev *d;
	json_object *o;
	char path[64];
	int fd;

	if (size < 2)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	dev = ((uint64_t)data[0] | (uint64_t)(data[1] & 0x3f) << 8) * 512;
	data += 2;
	size -= 2;
	if (dev < size)
		dev = size;
	fd = memfd_create("fuzz_lvm2", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)dev) < 0)
		abort();
	if (size && pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	m = rr_member_new(path);
	if (rr_dev_open(path, &d) == 0) {
		m->size_bytes = rr_dev_size(d);
		(void)rr_probe_lvm2.probe(d, m);
		rr_dev_close(d);
	}
	rr_probe_lvm2.print(devnull, m);
	o = json_object_new_object();
	rr_probe_lvm2.to_json(o, m);
	(void)json_object_to_json_string(o);
	json_object_put(o);
	free(rr_probe_lvm2.summary(m));
	rr_member_free(m);
	close(fd);
	return 0;
}
