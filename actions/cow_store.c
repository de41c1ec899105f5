/* The dm-snapshot persistent store, written as the kernel writes it
 * (drivers/md/dm-snap-persistent.c: persistent_prepare_exception,
 * persistent_commit_exception, skip_metadata).  Reading an existing store
 * goes through the decoder in probes/cow.c, so the two sides cannot drift
 * apart. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actions/cow_store.h"
#include "core/failpoint.h"
#include "core/msg.h"
#include "probes/cow.h"
#include "probes/devread.h"
#include "actions/fileio.h"
#include "probes/endian.h"

#define SECTOR 512u
#define EXC_SIZE 16u
#define HDR_CHUNKS 1u

struct rr_cow_store {
	int fd;
	int writable;
	int deferred;		/* no flush until close (rr_cow_store_defer) */
	uint32_t valid;
	unsigned chunk_sectors;
	uint64_t chunk_bytes;
	uint64_t epa;			/* exceptions per area */
	uint64_t size;			/* bytes of the file */
	uint64_t next_free;		/* chunk the next exception gets */
	uint64_t current_area;
	uint64_t committed;		/* entries of the current area on disk */
	uint64_t filled;		/* entries in the area buffer (>= committed) */
	uint8_t *area;			/* the current area, as on disk + pending */
	/* old chunk -> new chunk, open addressing */
	uint64_t *keys, *vals;
	uint8_t *used;
	uint64_t cap, count;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static void map_put(struct rr_cow_store *cs, uint64_t old_chunk, uint64_t new_chunk);

static void map_grow(struct rr_cow_store *cs)
{
	uint64_t ocap = cs->cap, *ok = cs->keys, *ov = cs->vals;
	uint8_t *ou = cs->used;

	cs->cap = ocap ? ocap * 2 : 1024;
	cs->keys = rr_xcalloc(cs->cap, sizeof(*cs->keys));
	cs->vals = rr_xcalloc(cs->cap, sizeof(*cs->vals));
	cs->used = rr_xcalloc(cs->cap, 1);
	cs->count = 0;
	for (uint64_t i = 0; i < ocap; i++)
		if (ou[i])
			map_put(cs, ok[i], ov[i]);
	free(ok);
	free(ov);
	free(ou);
}

static void map_put(struct rr_cow_store *cs, uint64_t old_chunk, uint64_t new_chunk)
{
	uint64_t i;

	if ((cs->count + 1) * 2 > cs->cap)
		map_grow(cs);
	for (i = mix(old_chunk) & (cs->cap - 1); cs->used[i]; i = (i + 1) & (cs->cap - 1))
		if (cs->keys[i] == old_chunk) {
			cs->vals[i] = new_chunk;
			return;
		}
	cs->used[i] = 1;
	cs->keys[i] = old_chunk;
	cs->vals[i] = new_chunk;
	cs->count++;
}

int rr_cow_store_lookup(const struct rr_cow_store *cs, uint64_t old_chunk, uint64_t *new_chunk)
{
	if (!cs->cap)
		return 0;
	for (uint64_t i = mix(old_chunk) & (cs->cap - 1); cs->used[i]; i = (i + 1) & (cs->cap - 1))
		if (cs->keys[i] == old_chunk) {
			*new_chunk = cs->vals[i];
			return 1;
		}
	return 0;
}

static uint64_t area_location(const struct rr_cow_store *cs, uint64_t area)
{
	return HDR_CHUNKS + (cs->epa + 1) * area;
}

static int write_header(struct rr_cow_store *cs)
{
	uint8_t h[SECTOR];

	memset(h, 0, sizeof(h));
	rr_put_le32(h, RR_COW_MAGIC);
	rr_put_le32(h + 4, cs->valid);
	rr_put_le32(h + 8, RR_COW_VERSION);
	rr_put_le32(h + 12, cs->chunk_sectors);
	return rr_pwrite_exact(cs->fd, h, sizeof(h), 0);
}

static struct rr_cow_store *alloc_store(unsigned chunk_sectors)
{
	struct rr_cow_store *cs = rr_xcalloc(1, sizeof(*cs));

	cs->fd = -1;
	cs->chunk_sectors = chunk_sectors;
	cs->chunk_bytes = (uint64_t)chunk_sectors * SECTOR;
	cs->epa = cs->chunk_bytes / EXC_SIZE;
	cs->area = rr_xcalloc(1, cs->chunk_bytes);
	return cs;
}

static void free_store(struct rr_cow_store *cs)
{
	if (cs->fd >= 0)
		close(cs->fd);
	free(cs->area);
	free(cs->keys);
	free(cs->vals);
	free(cs->used);
	free(cs);
}

int rr_cow_store_create(const char *path, unsigned chunk_sectors, uint64_t size_bytes,
			struct rr_cow_store **out)
{
	struct rr_cow_store *cs;
	int r;

	*out = NULL;
	if (chunk_sectors < RR_COW_STORE_MIN_CHUNK || chunk_sectors > RR_COW_STORE_MAX_CHUNK ||
	    (chunk_sectors & (chunk_sectors - 1)))
		return -EINVAL;
	if (size_bytes / ((uint64_t)chunk_sectors * SECTOR) < HDR_CHUNKS + 2 || size_bytes > (uint64_t)INT64_MAX)
		return -EINVAL;
	cs = alloc_store(chunk_sectors);
	cs->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (cs->fd < 0) {
		r = -errno;
		free_store(cs);
		return r;
	}
	cs->writable = 1;
	cs->valid = 1;
	cs->size = size_bytes;
	cs->next_free = HDR_CHUNKS + 1;	/* the header and area 0 */
	/* A new file is all zeros: area 0 is already empty, as the
	 * kernel's zero_disk_area(0) would leave it. */
	if (ftruncate(cs->fd, (off_t)size_bytes) < 0) {
		r = -errno;
		goto fail;
	}
	r = write_header(cs);
	if (r < 0)
		goto fail;
	if (fdatasync(cs->fd) < 0) {
		r = -errno;
		goto fail;
	}
	r = rr_fsync_dir_of(path);
	if (r < 0)
		goto fail;
	*out = cs;
	return 0;
fail:
	free_store(cs);
	unlink(path);
	return r;
}

int rr_cow_store_open(const char *path, int writable, struct rr_cow_store **out)
{
	struct rr_cow_store *cs;
	struct rr_cow_info *info = NULL;
	struct rr_dev *dev;
	uint64_t in_last;
	int r;

	*out = NULL;
	r = rr_dev_open(path, &dev);
	if (r < 0)
		return r;
	r = rr_cow_read(dev, NULL, &info);
	if (r == RR_PROBE_NONE) {
		rr_dev_close(dev);
		return -ENOMSG;
	}
	if (r < 0) {
		rr_dev_close(dev);
		return r;
	}
	cs = alloc_store(info->chunk_size);
	cs->size = rr_dev_size(dev);
	rr_dev_close(dev);
	cs->valid = info->valid;
	cs->writable = writable;
	r = -EINVAL;
	if (info->truncated)
		goto fail;
	r = -ESTALE;
	if (writable && !info->valid)
		goto fail;
	cs->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (cs->fd < 0) {
		r = -errno;
		goto fail;
	}
	for (uint64_t i = 0; i < info->nmap; i++)
		map_put(cs, info->map[i].old_chunk, info->map[i].new_chunk);
	cs->next_free = info->next_free;
	cs->current_area = info->areas ? info->areas - 1 : 0;
	/* entries in the last (not full) area, bad ones included: they
	 * stay on disk where they are and new ones go after them */
	in_last = info->nexceptions - cs->current_area * cs->epa;
	if (in_last >= cs->epa) {
		r = -EINVAL;
		goto fail;
	}
	cs->committed = cs->filled = in_last;
	r = rr_pread_exact(cs->fd, cs->area, cs->chunk_bytes, area_location(cs, cs->current_area) * cs->chunk_bytes, 1);
	if (r < 0)
		goto fail;
	rr_cow_info_free(info);
	*out = cs;
	return 0;
fail:
	rr_cow_info_free(info);
	free_store(cs);
	return r;
}

unsigned rr_cow_store_chunk_sectors(const struct rr_cow_store *cs) { return cs->chunk_sectors; }
uint64_t rr_cow_store_chunk_bytes(const struct rr_cow_store *cs) { return cs->chunk_bytes; }
uint64_t rr_cow_store_nexceptions(const struct rr_cow_store *cs) { return cs->count; }
int rr_cow_store_valid(const struct rr_cow_store *cs) { return cs->valid != 0; }

void rr_cow_store_usage(const struct rr_cow_store *cs, uint64_t *used, uint64_t *total, uint64_t *metadata)
{
	/* persistent_usage() */
	*used = cs->next_free * cs->chunk_sectors;
	*total = cs->size / SECTOR;
	*metadata = (cs->current_area + 1 + HDR_CHUNKS) * cs->chunk_sectors;
}

int rr_cow_store_read(struct rr_cow_store *cs, uint64_t new_chunk, uint64_t within, void *buf, size_t len)
{
	if (within > cs->chunk_bytes || len > cs->chunk_bytes - within)
		return -EINVAL;
	return rr_pread_exact(cs->fd, buf, len, new_chunk * cs->chunk_bytes + within, 1);
}

int rr_cow_store_write(struct rr_cow_store *cs, uint64_t new_chunk, uint64_t within, const void *buf,
		       size_t len)
{
	if (!cs->writable)
		return -EROFS;
	if (within > cs->chunk_bytes || len > cs->chunk_bytes - within)
		return -EINVAL;
	return rr_pwrite_exact(cs->fd, buf, len, new_chunk * cs->chunk_bytes + within);
}

/* persistent_commit_exception(): the data first, then the area. */
static int commit(struct rr_cow_store *cs)
{
	int r, full = cs->filled == cs->epa;

	if (cs->filled == cs->committed && !full)
		return !cs->deferred && fdatasync(cs->fd) < 0 ? -errno : 0;
	if (!cs->deferred && fdatasync(cs->fd) < 0)
		return -errno;
	rr_failpoint("cow-store.data-synced");
	if (full) {
		/* the next area must read as empty before this one is
		 * complete, or a reader would run on into old bytes */
		uint64_t next = area_location(cs, cs->current_area + 1);

		if ((next + 1) * cs->chunk_bytes <= cs->size) {
			uint8_t *zero = rr_xcalloc(1, cs->chunk_bytes);

			r = rr_pwrite_exact(cs->fd, zero, cs->chunk_bytes, next * cs->chunk_bytes);
			free(zero);
			if (r < 0)
				return r;
		}
	}
	r = rr_pwrite_exact(cs->fd, cs->area, cs->chunk_bytes, area_location(cs, cs->current_area) * cs->chunk_bytes);
	if (r < 0)
		return r;
	if (!cs->deferred && fdatasync(cs->fd) < 0)
		return -errno;
	rr_failpoint("cow-store.area-synced");
	cs->committed = cs->filled;
	if (full) {
		cs->current_area++;
		cs->committed = cs->filled = 0;
		memset(cs->area, 0, cs->chunk_bytes);
	}
	return 0;
}

int rr_cow_store_sync(struct rr_cow_store *cs)
{
	if (!cs->writable)
		return 0;
	return commit(cs);
}

static int add(struct rr_cow_store *cs, uint64_t old_chunk, const void *data, int sync)
{
	uint64_t nc, stride = cs->epa + 1;
	int r;

	if (!cs->writable)
		return -EROFS;
	if (!cs->valid)
		return -ESTALE;
	if (rr_cow_store_lookup(cs, old_chunk, &nc)) {
		r = rr_pwrite_exact(cs->fd, data, cs->chunk_bytes, nc * cs->chunk_bytes);
		if (r == 0 && sync && fdatasync(cs->fd) < 0)
			r = -errno;
		return r;
	}
	/* persistent_prepare_exception(): is there room for the chunk? */
	if (cs->size / SECTOR < (cs->next_free + 1) * cs->chunk_sectors)
		return -ENOSPC;
	nc = cs->next_free;
	r = rr_pwrite_exact(cs->fd, data, cs->chunk_bytes, nc * cs->chunk_bytes);
	if (r < 0)
		return r;
	rr_failpoint("cow-store.data-written");
	cs->next_free++;
	if (cs->next_free % stride == HDR_CHUNKS)	/* skip_metadata() */
		cs->next_free++;
	rr_put_le64(cs->area + cs->filled * EXC_SIZE, old_chunk);
	rr_put_le64(cs->area + cs->filled * EXC_SIZE + 8, nc);
	cs->filled++;
	map_put(cs, old_chunk, nc);
	if (sync || cs->filled == cs->epa)
		return commit(cs);
	return 0;
}

int rr_cow_store_add_exception(struct rr_cow_store *cs, uint64_t old_chunk, const void *data)
{
	return add(cs, old_chunk, data, 1);
}

int rr_cow_store_add_exception_nosync(struct rr_cow_store *cs, uint64_t old_chunk, const void *data)
{
	return add(cs, old_chunk, data, 0);
}

int rr_cow_store_invalidate(struct rr_cow_store *cs)
{
	int r;

	if (!cs->writable)
		return -EROFS;
	cs->valid = 0;
	r = write_header(cs);
	if (r == 0 && fdatasync(cs->fd) < 0)
		r = -errno;
	return r;
}

int rr_cow_store_close(struct rr_cow_store *cs)
{
	int r = 0;

	if (!cs)
		return 0;
	if (cs->writable && cs->valid)
		r = commit(cs);
	if (r == 0 && cs->writable && cs->deferred && fdatasync(cs->fd) < 0)
		r = -errno;
	free_store(cs);
	return r;
}

void rr_cow_store_defer(struct rr_cow_store *cs)
{
	cs->deferred = 1;
}
