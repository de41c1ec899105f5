#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/cow_store.h"
#include "actions/usnap.h"
#include "core/msg.h"
#include "probes/devread.h"

struct rr_usnap {
	struct rr_dev *origin;
	int ofd;			/* the read layer's descriptor */
	uint64_t obase, size;
	struct rr_cow_store *cow;
	uint64_t chunk;
	pthread_rwlock_t lock;
};

int rr_usnap_open(const char *origin, const char *cow, int writable, struct rr_usnap **out)
{
	struct rr_usnap *u = rr_xcalloc(1, sizeof(*u));
	int r;

	*out = NULL;
	r = rr_dev_open(origin, &u->origin);
	if (r < 0)
		goto fail;
	r = rr_cow_store_open(cow, writable, &u->cow);
	if (r < 0)
		goto fail;
	if (!rr_cow_store_valid(u->cow)) {
		r = -ESTALE;
		goto fail;
	}
	/* Data reads go straight to the descriptor the read layer opened
	 * (O_RDONLY): its byte counter is not meant for parallel readers. */
	u->ofd = rr_dev_fd(u->origin);
	u->obase = rr_dev_base(u->origin);
	u->size = rr_dev_size(u->origin);
	u->chunk = rr_cow_store_chunk_bytes(u->cow);
	pthread_rwlock_init(&u->lock, NULL);
	*out = u;
	return 0;
fail:
	rr_cow_store_close(u->cow);
	rr_dev_close(u->origin);
	free(u);
	return r;
}

int rr_usnap_close(struct rr_usnap *u)
{
	int r;

	if (!u)
		return 0;
	r = rr_cow_store_close(u->cow);
	rr_dev_close(u->origin);
	pthread_rwlock_destroy(&u->lock);
	free(u);
	return r;
}

uint64_t rr_usnap_size(const struct rr_usnap *u) { return u->size; }
unsigned rr_usnap_chunk_bytes(const struct rr_usnap *u) { return (unsigned)u->chunk; }

static int origin_read(struct rr_usnap *u, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(u->ofd, p, len, (off_t)(u->obase + off));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;	/* the origin shrank */
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int read_locked(struct rr_usnap *u, uint8_t *out, size_t len, uint64_t off)
{
	/* Runs of chunks that are not remapped are read in one go. */
	uint64_t run_off = off;
	size_t run_len = 0;
	int r;

	if (rr_cow_store_nexceptions(u->cow) == 0)
		return origin_read(u, out, len, off);
	while (len) {
		uint64_t chunk = off / u->chunk, within = off % u->chunk, nc;
		size_t n = u->chunk - within < len ? (size_t)(u->chunk - within) : len;

		if (rr_cow_store_lookup(u->cow, chunk, &nc)) {
			if (run_len) {
				r = origin_read(u, out - run_len, run_len, run_off);
				if (r < 0)
					return r;
				run_len = 0;
			}
			r = rr_cow_store_read(u->cow, nc, within, out, n);
			if (r < 0)
				return r;
		} else {
			if (!run_len)
				run_off = off;
			run_len += n;
		}
		out += n;
		off += n;
		len -= n;
	}
	return run_len ? origin_read(u, out - run_len, run_len, run_off) : 0;
}

int rr_usnap_read(struct rr_usnap *u, void *buf, size_t len, uint64_t off)
{
	uint64_t end;
	int r;

	if (__builtin_add_overflow(off, len, &end) || end > u->size)
		return -ERANGE;
	pthread_rwlock_rdlock(&u->lock);
	r = read_locked(u, buf, len, off);
	pthread_rwlock_unlock(&u->lock);
	return r;
}

int rr_usnap_write(struct rr_usnap *u, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *in = buf;
	uint8_t *chunk_buf = NULL;
	uint64_t end;
	int r = 0, added = 0;

	if (__builtin_add_overflow(off, len, &end) || end > u->size)
		return -ERANGE;
	pthread_rwlock_wrlock(&u->lock);
	while (len && r == 0) {
		uint64_t chunk = off / u->chunk, within = off % u->chunk, nc, start = chunk * u->chunk;
		size_t n = u->chunk - within < len ? (size_t)(u->chunk - within) : len;

		if (rr_cow_store_lookup(u->cow, chunk, &nc)) {
			r = rr_cow_store_write(u->cow, nc, within, in, n);
		} else {
			/* Copy the origin's chunk (the last one may be
			 * short: the kernel copies up to the origin's end). */
			uint64_t have = u->size - start < u->chunk ? u->size - start : u->chunk;

			if (!chunk_buf)
				chunk_buf = rr_xmalloc(u->chunk);
			memset(chunk_buf, 0, u->chunk);
			if (n < u->chunk)
				r = origin_read(u, chunk_buf, have, start);
			if (r == 0) {
				memcpy(chunk_buf + within, in, n);
				r = rr_cow_store_add_exception_nosync(u->cow, chunk, chunk_buf);
				added = 1;
			}
		}
		in += n;
		off += n;
		len -= n;
	}
	/* Commit what was added, even after a later failure: those chunks
	 * hold the data the caller wrote. */
	if (added) {
		int r2 = rr_cow_store_sync(u->cow);

		if (r == 0)
			r = r2;
	}
	pthread_rwlock_unlock(&u->lock);
	free(chunk_buf);
	return r;
}

int rr_usnap_sync(struct rr_usnap *u)
{
	int r;

	pthread_rwlock_wrlock(&u->lock);
	r = rr_cow_store_sync(u->cow);
	pthread_rwlock_unlock(&u->lock);
	return r;
}

void rr_usnap_usage(struct rr_usnap *u, uint64_t *used, uint64_t *total, uint64_t *metadata)
{
	pthread_rwlock_rdlock(&u->lock);
	rr_cow_store_usage(u->cow, used, total, metadata);
	pthread_rwlock_unlock(&u->lock);
}
