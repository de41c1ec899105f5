#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "actions/loop.h"

#ifndef LOOP_CONFIGURE
#define LOOP_CONFIGURE 0x4C0A
struct loop_config {
	__u32 fd;
	__u32 block_size;
	struct loop_info64 info;
	__u64 __reserved[8];
};
#endif

static int configure(int lfd, int bfd, const char *backing, int read_only)
{
	struct loop_config cfg;
	struct loop_info64 info;

	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (__u32)bfd;
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (read_only ? LO_FLAGS_READ_ONLY : 0);
	snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", backing);
	if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOTTY)
		return -errno;
	/* Kernels before 5.8: the two-step way. */
	if (ioctl(lfd, LOOP_SET_FD, bfd) < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	info.lo_flags = LO_FLAGS_AUTOCLEAR | (read_only ? LO_FLAGS_READ_ONLY : 0);
	snprintf((char *)info.lo_file_name, sizeof(info.lo_file_name), "%s", backing);
	if (ioctl(lfd, LOOP_SET_STATUS64, &info) < 0) {
		int e = -errno;

		ioctl(lfd, LOOP_CLR_FD, 0);
		return e;
	}
	return 0;
}

int rr_loop_attach(const char *backing, int read_only, struct rr_loop *lp)
{
	int ctl, bfd, lfd = -1, r = -EBUSY;
	int mode = (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;

	memset(lp, 0, sizeof(*lp));
	lp->fd = -1;
	bfd = open(backing, mode);
	if (bfd < 0)
		return -errno;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		r = -errno;
		goto out;
	}
	/* Another process may take the free device between GET_FREE and
	 * CONFIGURE: then try the next one. */
	for (int tries = 0; tries < 16; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (n < 0) {
			r = -errno;
			break;
		}
		snprintf(lp->dev, sizeof(lp->dev), "/dev/loop%d", n);
		lfd = open(lp->dev, mode);
		if (lfd < 0) {
			r = -errno;
			if (r == -ENOENT) {	/* node not made yet */
				usleep(20000);
				continue;
			}
			break;
		}
		r = configure(lfd, bfd, backing, read_only);
		if (r == 0)
			break;
		close(lfd);
		lfd = -1;
		if (r != -EBUSY)
			break;
	}
	close(ctl);
out:
	close(bfd);	/* the loop holds its own reference to the file */
	if (r == 0)
		lp->fd = lfd;
	else
		lp->dev[0] = '\0';
	return r;
}

void rr_loop_release(struct rr_loop *lp)
{
	if (lp->fd >= 0)
		close(lp->fd);
	lp->fd = -1;
}

int rr_loop_detach(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return errno == ENOENT ? -ENXIO : -errno;
	if (ioctl(fd, LOOP_CLR_FD, 0) < 0)
		r = errno == ENXIO ? -ENXIO : -errno;
	close(fd);
	return r;
}

int rr_loop_backing(const char *dev, char *buf, size_t n)
{
	const char *base = strrchr(dev, '/');
	char path[128];
	FILE *f;
	size_t len;

	base = base ? base + 1 : dev;
	snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", base);
	f = fopen(path, "r");
	if (!f)
		return -ENXIO;
	if (!fgets(buf, (int)n, f)) {
		fclose(f);
		return -ENXIO;
	}
	fclose(f);
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return 0;
}

int rr_loop_list(rr_loop_list_fn fn, void *ctx)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	int r = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char dev[300], backing[4096];

		if (strncmp(e->d_name, "loop", 4))
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		if (rr_loop_backing(dev, backing, sizeof(backing)) < 0)
			continue;
		r = fn(ctx, dev, backing);
		if (r)
			break;
	}
	closedir(d);
	return r;
}
