#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/msg.h"
#include "probes/devread.h"

#define ALIGN 4096u

struct cache_ent {
	uint64_t off;
	size_t len;
	uint8_t *data;
};

struct rr_dev {
	char *path;
	int fd;
	int own_fd;
	uint64_t base;	/* window start within fd */
	uint64_t size;
	unsigned sector;
	uint64_t bytes_read;
	size_t cached;
	struct cache_ent *ents;
	size_t nents, cap;
};

int rr_pread_exact(int fd, void *buf, size_t len, uint64_t off, int zero_past_end)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			if (!zero_past_end)
				return -EIO;	/* the device shrank under us */
			memset(p, 0, len);
			return 0;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int rr_dev_open(const char *path, struct rr_dev **out)
{
	struct rr_dev *d;
	struct stat st;
	int fd, r;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	d = rr_xcalloc(1, sizeof(*d));
	d->fd = fd;
	d->own_fd = 1;
	d->sector = 512;
	if (S_ISBLK(st.st_mode)) {
		uint64_t sz = 0;
		int ss = 0;

		if (ioctl(fd, BLKGETSIZE64, &sz) < 0) {
			r = -errno;
			free(d);
			goto fail;
		}
		if (ioctl(fd, BLKSSZGET, &ss) == 0 && ss >= 512 && ss <= 65536)
			d->sector = (unsigned)ss;
		d->size = sz;
	} else if (S_ISREG(st.st_mode)) {
		d->size = (uint64_t)st.st_size;
	} else {
		free(d);
		r = S_ISDIR(st.st_mode) ? -EISDIR : -ENOTBLK;
		goto fail;
	}
	d->path = rr_xstrdup(path);
	*out = d;
	return 0;
fail:
	close(fd);
	return r;
}

int rr_dev_open_window(struct rr_dev *parent, uint64_t off, uint64_t len,
		       const char *name, struct rr_dev **out)
{
	struct rr_dev *d;

	*out = NULL;
	if (off > parent->size || len > parent->size - off)
		return -ERANGE;
	d = rr_xcalloc(1, sizeof(*d));
	d->fd = parent->fd;
	d->base = parent->base + off;
	d->size = len;
	d->sector = parent->sector;
	d->path = rr_xstrdup(name);
	*out = d;
	return 0;
}

void rr_dev_close(struct rr_dev *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nents; i++)
		free(d->ents[i].data);
	free(d->ents);
	if (d->own_fd)
		close(d->fd);
	free(d->path);
	free(d);
}

const char *rr_dev_path(const struct rr_dev *d) { return d->path; }
uint64_t rr_dev_size(const struct rr_dev *d) { return d->size; }
unsigned rr_dev_sector_size(const struct rr_dev *d) { return d->sector; }
int rr_dev_fd(const struct rr_dev *d) { return d->fd; }
uint64_t rr_dev_base(const struct rr_dev *d) { return d->base; }
uint64_t rr_dev_bytes_read(const struct rr_dev *d) { return d->bytes_read; }

static int in_bounds(const struct rr_dev *d, uint64_t off, size_t len)
{
	return off <= d->size && (uint64_t)len <= d->size - off;
}

int rr_dev_get(struct rr_dev *d, uint64_t off, size_t len, const uint8_t **out)
{
	uint64_t a, e;
	struct cache_ent *ce;
	int r;

	*out = NULL;
	if (len == 0 || len > RR_DEV_MAX_GET)
		return -EINVAL;
	if (!in_bounds(d, off, len))
		return -ERANGE;
	for (size_t i = 0; i < d->nents; i++) {
		ce = &d->ents[i];
		if (off >= ce->off && off + len <= ce->off + ce->len) {
			*out = ce->data + (off - ce->off);
			return 0;
		}
	}
	/* Read whole aligned blocks: neighbouring structures (md 1.x
	 * superblock and bitmap, LVM label and PV header) then hit. */
	a = off & ~(uint64_t)(ALIGN - 1);
	e = (off + len + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
	if (e > d->size)
		e = d->size;
	if (d->cached + (e - a) > RR_DEV_CACHE_MAX)
		return -ENOBUFS;
	if (d->nents == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->ents = rr_xrealloc(d->ents, d->cap * sizeof(*d->ents));
	}
	ce = &d->ents[d->nents];
	ce->off = a;
	ce->len = (size_t)(e - a);
	ce->data = rr_xmalloc(ce->len);
	r = rr_pread_exact(d->fd, ce->data, ce->len, d->base + a, 0);
	if (r < 0) {
		free(ce->data);
		return r;
	}
	d->bytes_read += ce->len;
	d->cached += ce->len;
	d->nents++;
	*out = ce->data + (off - a);
	return 0;
}

int rr_dev_pread(struct rr_dev *d, void *buf, size_t len, uint64_t off)
{
	int r;

	if (!in_bounds(d, off, len))
		return -ERANGE;
	if (len == 0)
		return 0;
	r = rr_pread_exact(d->fd, buf, len, d->base + off, 0);
	if (r == 0)
		d->bytes_read += len;
	return r;
}
