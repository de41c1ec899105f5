#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <linux/loop.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "actions/dm.h"
#include "actions/loop.h"
#include "core/i18n.h"
#include "core/msg.h"

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

/* Where udev runs, the uevent of a new loop makes the distribution's rules
 * act on what the backing file holds: `mdadm --incremental` takes an md
 * member into an array, `pvscan --autoactivation` activates the volumes
 * of an LVM PV -- each claiming the loop before our snapshot can.  So the
 * loop is configured through an exclusive open, which those tools cannot
 * break, and held so until udev has announced the processed event (its
 * rules have run, and failed to claim); then the hold becomes a plain
 * read-only open that our device-mapper table can stack on. */
static struct udev_monitor *udev_watch(struct udev **udev)
{
	struct udev_monitor *mon;

	*udev = NULL;
	if (!rr_dm_udev_running())
		return NULL;
	*udev = udev_new();
	if (!*udev)
		return NULL;
	mon = udev_monitor_new_from_netlink(*udev, "udev");
	if (mon && (udev_monitor_filter_add_match_subsystem_devtype(mon, "block", "disk") < 0 ||
		    udev_monitor_enable_receiving(mon) < 0)) {
		udev_monitor_unref(mon);
		mon = NULL;
	}
	if (!mon) {
		udev_unref(*udev);
		*udev = NULL;
	}
	return mon;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Wait (at most timeout_ms) for udev's processed "change" of devnum. */
static void udev_wait_change(struct udev_monitor *mon, dev_t devnum, int timeout_ms)
{
	double end = now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = udev_monitor_get_fd(mon), .events = POLLIN };

	for (;;) {
		int left = (int)(end - now_ms());
		struct udev_device *d;

		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			rr_warn(NULL, _("udev has not processed loop %u:%u within %d s; going on"), major(devnum),
				minor(devnum), timeout_ms / 1000);
			return;
		}
		d = udev_monitor_receive_device(mon);
		if (!d)
			continue;
		if (udev_device_get_devnum(d) == devnum && udev_device_get_action(d) &&
		    !strcmp(udev_device_get_action(d), "change")) {
			udev_device_unref(d);
			return;
		}
		udev_device_unref(d);
	}
}

int rr_loop_attach(const char *backing, int read_only, struct rr_loop *lp)
{
	int ctl, bfd, lfd = -1, r = -EBUSY;
	int mode = (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct udev_monitor *mon;
	struct udev *udev;

	memset(lp, 0, sizeof(*lp));
	lp->fd = -1;
	bfd = open(backing, mode);
	if (bfd < 0)
		return -errno;
	mon = udev_watch(&udev);
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
		lfd = open(lp->dev, mode | O_EXCL);
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
	if (r == 0) {
		struct stat st;
		int plain;

		if (mon && fstat(lfd, &st) == 0)
			udev_wait_change(mon, st.st_rdev, 10000);
		/* keep the loop open (autoclear) without the exclusive claim;
		 * read-only, so closing it raises no synthetic change event */
		plain = open(lp->dev, O_RDONLY | O_CLOEXEC);
		if (plain < 0) {
			r = -errno;
			ioctl(lfd, LOOP_CLR_FD, 0);
			close(lfd);
			lfd = -1;
		} else {
			close(lfd);
			lfd = plain;
		}
	}
out:
	close(bfd);	/* the loop holds its own reference to the file */
	if (mon)
		udev_monitor_unref(mon);
	if (udev)
		udev_unref(udev);
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
