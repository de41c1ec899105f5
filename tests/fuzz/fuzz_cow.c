/* libFuzzer target for the dm-snapshot COW store probe and the overlay
 * reader.
 *   bytes 0..1  size knob (little-endian): the COW device is at least
 *               knob * 4096 bytes (up to 256 MiB, sparse)
 *   the rest    the first bytes of the COW device
 * The origin is a 1 MiB memfd; after the probe, every chunk of the view
 * is read through rr_cow_read_view and every mapped chunk looked up. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/member.h"
#include "probes/cow.h"

static FILE *devnull;

static int memfd(const char *name, uint64_t size, const uint8_t *data, size_t len, char *path)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		abort();
	if (len && pwrite(fd, data, len, 0) != (ssize_t)len)
		abort();
	sprintf(path, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[65536];
	uint64_t dev;
	struct rr_member *m;
	struct rr_dev *d, *od;
	json_object *o;
	char path[64], opath[64];
	int fd, ofd;

	if (size < 2)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	dev = ((uint64_t)data[0] | (uint64_t)data[1] << 8) * 4096;
	data += 2;
	size -= 2;
	if (dev < size)
		dev = size;
	fd = memfd("fuzz_cow", dev, data, size, path);
	ofd = memfd("fuzz_cow_origin", 1 << 20, NULL, 0, opath);

	m = rr_member_new(path);
	if (rr_dev_open(path, &d) == 0) {
		m->size_bytes = rr_dev_size(d);
		(void)rr_probe_cow.probe(d, m);
		if (m->cow && rr_dev_open(opath, &od) == 0) {
			uint64_t nc;

			for (uint64_t off = 0; off < (1 << 20); off += sizeof(buf) - 512)
				(void)rr_cow_read_view(od, d, m->cow, buf,
						       off + sizeof(buf) <= (1 << 20) ? sizeof(buf) : (1 << 20) - off,
						       off);
			for (uint64_t i = 0; i < m->cow->nmap; i++)
				if (!rr_cow_lookup(m->cow, m->cow->map[i].old_chunk, &nc) ||
				    nc != m->cow->map[i].new_chunk || nc >= m->cow->cow_chunks)
					abort();
			rr_dev_close(od);
		}
		rr_dev_close(d);
	}
	rr_probe_cow.print(devnull, m);
	o = json_object_new_object();
	rr_probe_cow.to_json(o, m);
	(void)json_object_to_json_string(o);
	json_object_put(o);
	free(rr_probe_cow.summary(m));
	rr_member_free(m);
	close(ofd);
	close(fd);
	return 0;
}
