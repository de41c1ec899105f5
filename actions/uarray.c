#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/uarray.h"
#include "actions/usnap.h"
#include "core/i18n.h"
#include "core/msg.h"

struct rr_uarray {
	struct rr_geom g;
	struct rr_usnap **snap;		/* per slot, NULL when missing */
	uint64_t *off;			/* data offset per slot, bytes */
	bool *missing;
	uint64_t size, stripe;
	int parity, writable;
	pthread_rwlock_t lock;
};

static int member_read(void *ctx, unsigned disk, uint64_t off, void *buf, size_t len)
{
	struct rr_uarray *a = ctx;

	if (!a->snap[disk])
		return -ENXIO;
	return rr_usnap_read(a->snap[disk], buf, len, a->off[disk] + off);
}

static int member_write(void *ctx, unsigned disk, uint64_t off, const void *buf, size_t len)
{
	struct rr_uarray *a = ctx;

	/* A missing member's blocks are what parity says they are. */
	if (!a->snap[disk])
		return 0;
	return rr_usnap_write(a->snap[disk], buf, len, a->off[disk] + off);
}

int rr_uarray_open(const struct rr_geom *g, const struct rr_uarray_slot *slots, struct rr_uarray **out,
		   char *msg, size_t n)
{
	struct rr_uarray *a;
	int r;

	*out = NULL;
	if (rr_layout_check(g) < 0) {
		snprintf(msg, n, "%s", _("the kernel would not run this geometry (level, layout, chunk and member count do not fit)"));
		return -EINVAL;
	}
	a = rr_xcalloc(1, sizeof(*a));
	a->g = *g;
	a->g.member_sectors = NULL;
	a->snap = rr_xcalloc(g->ndisks, sizeof(*a->snap));
	a->off = rr_xcalloc(g->ndisks, sizeof(*a->off));
	a->missing = rr_xcalloc(g->ndisks, sizeof(*a->missing));
	pthread_rwlock_init(&a->lock, NULL);
	for (unsigned i = 0; i < g->ndisks; i++) {
		if (!slots[i].origin) {
			a->missing[i] = true;
			continue;
		}
		r = rr_usnap_open(slots[i].origin, slots[i].cow, 1, &a->snap[i]);
		if (r < 0) {
			snprintf(msg, n, _("slot %u: cannot open the snapshot of %s (%s): %s"), i, slots[i].origin,
				 slots[i].cow, strerror(-r));
			rr_uarray_close(a);
			return r;
		}
		a->off[i] = slots[i].data_offset * 512;
		if (a->off[i] + g->dev_sectors * 512 > rr_usnap_size(a->snap[i])) {
			snprintf(msg, n, _("slot %u: %s is too small for the array (data offset %" PRIu64
					   " sectors + %" PRIu64 " sectors)"), i, slots[i].origin,
				 slots[i].data_offset, g->dev_sectors);
			rr_uarray_close(a);
			return -EINVAL;
		}
	}
	a->size = rr_layout_array_sectors(&a->g) * 512;
	a->stripe = rr_layout_stripe_bytes(&a->g);
	a->parity = g->level == RR_RAID4 || g->level == RR_RAID5 || g->level == RR_RAID6;
	*out = a;
	return 0;
}

int rr_uarray_close(struct rr_uarray *a)
{
	int r = 0;

	if (!a)
		return 0;
	for (unsigned i = 0; i < a->g.ndisks; i++) {
		int r2 = rr_usnap_close(a->snap[i]);

		if (r == 0)
			r = r2;
	}
	pthread_rwlock_destroy(&a->lock);
	free(a->snap);
	free(a->off);
	free(a->missing);
	free(a);
	return r;
}

uint64_t rr_uarray_size(const struct rr_uarray *a) { return a->size; }
void rr_uarray_set_writable(struct rr_uarray *a, int w) { a->writable = w; }
int rr_uarray_writable(const struct rr_uarray *a) { return a->writable; }

int rr_uarray_read(struct rr_uarray *a, void *buf, size_t len, uint64_t off)
{
	int r;

	pthread_rwlock_rdlock(&a->lock);
	r = rr_layout_read(&a->g, a->missing, member_read, a, off, buf, len);
	pthread_rwlock_unlock(&a->lock);
	return r;
}

int rr_uarray_write(struct rr_uarray *a, const void *buf, size_t len, uint64_t off)
{
	uint64_t end, s0, s1;
	uint8_t *stripes;
	int r;

	if (!a->writable)
		return -EROFS;
	if (__builtin_add_overflow(off, len, &end) || end > a->size)
		return -ERANGE;
	if (!len)
		return 0;
	pthread_rwlock_wrlock(&a->lock);
	if (!a->parity) {
		r = rr_layout_write(&a->g, member_write, a, off, buf, len);
		goto out;
	}
	/* Read-modify-write of the whole stripes the range touches. */
	s0 = off / a->stripe * a->stripe;
	s1 = (end + a->stripe - 1) / a->stripe * a->stripe;
	stripes = rr_xmalloc(s1 - s0);
	r = rr_layout_read(&a->g, a->missing, member_read, a, s0, stripes, s1 - s0);
	if (r == 0) {
		memcpy(stripes + (off - s0), buf, len);
		r = rr_layout_write(&a->g, member_write, a, s0, stripes, s1 - s0);
	}
	free(stripes);
out:
	pthread_rwlock_unlock(&a->lock);
	return r;
}

int rr_uarray_sync(struct rr_uarray *a)
{
	int r = 0;

	for (unsigned i = 0; i < a->g.ndisks; i++) {
		int r2 = a->snap[i] ? rr_usnap_sync(a->snap[i]) : 0;

		if (r == 0)
			r = r2;
	}
	return r;
}
