/* Loop devices through the kernel's ioctls (no losetup).  Images are
 * attached read-only; COW files read-write.  Every loop is attached with
 * autoclear: it disappears by itself once the last user (our file
 * descriptor, then the dm table over it) lets go, so a crash between
 * attaching and stacking cannot leave a loop behind. */
#ifndef RR_LOOP_H
#define RR_LOOP_H

#include <stddef.h>

struct rr_loop {
	char dev[64];	/* /dev/loopN */
	int fd;		/* held open until the caller has stacked on it */
};

/* Attach backing (a regular file) and keep the loop open in lp->fd. */
int rr_loop_attach(const char *backing, int read_only, struct rr_loop *lp);
/* Close our handle (with autoclear the loop goes once nothing uses it). */
void rr_loop_release(struct rr_loop *lp);
/* Detach explicitly (LOOP_CLR_FD); -ENXIO when not attached. */
int rr_loop_detach(const char *dev);
/* The backing file of /dev/loopN from sysfs, or -ENXIO. */
int rr_loop_backing(const char *dev, char *buf, size_t n);

typedef int (*rr_loop_list_fn)(void *ctx, const char *dev, const char *backing);
/* Every attached loop device with its backing file. */
int rr_loop_list(rr_loop_list_fn fn, void *ctx);

#endif
