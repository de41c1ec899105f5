#include <errno.h>
#include <libdevmapper.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "actions/dm.h"
#include "core/i18n.h"

/* Keep udev rules (disk, subsystem: md/LVM, other: blkid scans) off our
 * devices; the dm rules still make the /dev/mapper node when udev runs. */
#define RR_UDEV_FLAGS (DM_UDEV_DISABLE_SUBSYSTEM_RULES_FLAG | DM_UDEV_DISABLE_DISK_RULES_FLAG | \
		       DM_UDEV_DISABLE_OTHER_RULES_FLAG)

static int udev_running = -1;
static char last_error[512];

__attribute__((format(printf, 5, 6)))
static void dm_logger(int level, const char *file, int line, int dm_errno, const char *fmt, ...)
{
	va_list ap;

	if ((level & 7) > 3)	/* keep errors (3) and worse only */
		return;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	if (getenv("RAIDRESCUE_DEBUG"))
		fprintf(stderr, "libdevmapper: %s\n", last_error);
}

const char *rr_dm_last_error(void)
{
	return last_error;
}

/* udevd listens on /run/udev/control.  The socket file outlives a udevd
 * that crashed or was stopped by hand, so a connection is what tells. */
int rr_dm_udev_running(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/run/udev/control" };
	int fd;

	if (udev_running >= 0)
		return udev_running;
	udev_running = 0;
	if (access(sa.sun_path, F_OK) < 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		udev_running = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
	}
	return udev_running;
}

void rr_dm_init(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	dm_log_with_errno_init(dm_logger);
	/* Rescue consoles and containers often run no udev: then
	 * libdevmapper must create and remove the nodes itself. */
	if (!rr_dm_udev_running()) {
		setenv("DM_DISABLE_UDEV", "1", 1);
		dm_udev_set_sync_support(0);
	}
}

const char *rr_dm_path(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", dm_dir(), name);
	return buf;
}

static int task_errno(struct dm_task *dmt)
{
	int e = dm_task_get_errno(dmt);

	return e > 0 ? -e : -EIO;
}

static int add_targets(struct dm_task *dmt, const struct rr_dm_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!dm_task_add_target(dmt, t[i].start, t[i].len, t[i].type, t[i].params))
			return -ENOMEM;
	return 0;
}

int rr_dm_create(const char *name, const char *uuid, const struct rr_dm_target *t,
		 size_t ntargets, int read_only)
{
	struct dm_task *dmt;
	uint32_t cookie = 0;
	int r = -ENOMEM;

	rr_dm_init();
	if (strlen(name) > RR_DM_NAME_MAX || strncmp(uuid, RR_DM_UUID_PREFIX, strlen(RR_DM_UUID_PREFIX)))
		return -EINVAL;
	dmt = dm_task_create(DM_DEVICE_CREATE);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name) || !dm_task_set_uuid(dmt, uuid))
		goto out;
	if (read_only && !dm_task_set_ro(dmt))
		goto out;
	r = add_targets(dmt, t, ntargets);
	if (r < 0)
		goto out;
	if (!dm_task_set_cookie(dmt, &cookie, RR_UDEV_FLAGS)) {
		r = -EIO;
		goto out;
	}
	r = dm_task_run(dmt) ? 0 : task_errno(dmt);
	dm_udev_wait(cookie);
out:
	dm_task_destroy(dmt);
	return r;
}

static int simple_task(int type, const char *name, int *err_out)
{
	struct dm_task *dmt;
	uint32_t cookie = 0;
	int r = -ENOMEM, need_cookie = type == DM_DEVICE_REMOVE || type == DM_DEVICE_RESUME;

	rr_dm_init();
	dmt = dm_task_create(type);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name))
		goto out;
	if (type == DM_DEVICE_REMOVE)
		dm_task_retry_remove(dmt);
	if (need_cookie && !dm_task_set_cookie(dmt, &cookie, RR_UDEV_FLAGS)) {
		r = -EIO;
		goto out;
	}
	r = dm_task_run(dmt) ? 0 : task_errno(dmt);
	if (need_cookie)
		dm_udev_wait(cookie);
out:
	if (err_out)
		*err_out = r;
	dm_task_destroy(dmt);
	return r;
}

int rr_dm_remove(const char *name)
{
	struct rr_dm_info info;
	int r;

	r = rr_dm_get_info(name, &info);
	if (r < 0)
		return r;
	/* A suspended device would make the remove hang its openers. */
	if (info.suspended)
		(void)rr_dm_resume(name);
	for (int tries = 0; tries < 20; tries++) {
		r = simple_task(DM_DEVICE_REMOVE, name, NULL);
		if (r != -EBUSY)
			break;
		usleep(100000);
	}
	return r;
}

int rr_dm_suspend(const char *name)
{
	return simple_task(DM_DEVICE_SUSPEND, name, NULL);
}

int rr_dm_resume(const char *name)
{
	return simple_task(DM_DEVICE_RESUME, name, NULL);
}

int rr_dm_reload(const char *name, const struct rr_dm_target *t, size_t ntargets)
{
	struct dm_task *dmt;
	int r = -ENOMEM;

	rr_dm_init();
	dmt = dm_task_create(DM_DEVICE_RELOAD);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name))
		goto out;
	r = add_targets(dmt, t, ntargets);
	if (r < 0)
		goto out;
	r = dm_task_run(dmt) ? 0 : task_errno(dmt);
out:
	dm_task_destroy(dmt);
	if (r == 0) {
		r = rr_dm_suspend(name);
		if (r == 0)
			r = rr_dm_resume(name);
	}
	return r;
}

int rr_dm_get_info(const char *name, struct rr_dm_info *info)
{
	struct dm_task *dmt;
	struct dm_info di;
	const char *uuid;
	int r = -ENOMEM;

	rr_dm_init();
	memset(info, 0, sizeof(*info));
	dmt = dm_task_create(DM_DEVICE_INFO);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name))
		goto out;
	if (!dm_task_run(dmt) || !dm_task_get_info(dmt, &di)) {
		r = task_errno(dmt);
		goto out;
	}
	if (!di.exists) {
		r = -ENXIO;
		goto out;
	}
	info->exists = 1;
	info->suspended = di.suspended;
	info->read_only = di.read_only;
	info->open_count = di.open_count;
	info->major = di.major;
	info->minor = di.minor;
	uuid = dm_task_get_uuid(dmt);
	snprintf(info->uuid, sizeof(info->uuid), "%s", uuid ? uuid : "");
	r = 0;
out:
	dm_task_destroy(dmt);
	return r;
}

/* Run a query task (table, status) on the device called name; on success
 * *out is the task, for the caller to read and destroy. */
static int run_query(int type, const char *name, struct dm_task **out)
{
	struct dm_task *dmt;
	int r;

	rr_dm_init();
	*out = NULL;
	dmt = dm_task_create(type);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name)) {
		dm_task_destroy(dmt);
		return -ENOMEM;
	}
	if (!dm_task_run(dmt)) {
		r = task_errno(dmt);
		dm_task_destroy(dmt);
		return r;
	}
	*out = dmt;
	return 0;
}

static int first_target(int type, const char *name, char *buf, size_t n)
{
	struct dm_task *dmt;
	uint64_t start, len;
	char *ttype = NULL, *params = NULL;
	int r;

	if (n)
		buf[0] = '\0';
	r = run_query(type, name, &dmt);
	if (r < 0)
		return r;
	dm_get_next_target(dmt, NULL, &start, &len, &ttype, &params);
	if (ttype)
		snprintf(buf, n, "%s %s", ttype, params ? params : "");
	else
		r = -ENXIO;
	dm_task_destroy(dmt);
	return r;
}

int rr_dm_status(const char *name, char *buf, size_t n)
{
	return first_target(DM_DEVICE_STATUS, name, buf, n);
}

int rr_dm_table(const char *name, char *buf, size_t n)
{
	return first_target(DM_DEVICE_TABLE, name, buf, n);
}

int rr_dm_list(rr_dm_list_fn fn, void *ctx)
{
	struct dm_task *dmt;
	struct dm_names *nm;
	unsigned next = 0;
	int r = 0;

	rr_dm_init();
	dmt = dm_task_create(DM_DEVICE_LIST);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_run(dmt)) {
		r = task_errno(dmt);
		goto out;
	}
	nm = dm_task_get_names(dmt);
	if (!nm || !nm->dev)
		goto out;
	do {
		struct rr_dm_info info;

		nm = (struct dm_names *)((char *)nm + next);
		/* The list carries no UUIDs on every kernel: ask each. */
		if (rr_dm_get_info(nm->name, &info) == 0) {
			r = fn(ctx, nm->name, info.uuid);
			if (r)
				break;
		}
		next = nm->next;
	} while (next);
out:
	dm_task_destroy(dmt);
	return r;
}

int rr_dm_available(char *why, size_t n)
{
	char ver[64];

	if (geteuid() != 0) {
		snprintf(why, n, "%s", _("device-mapper needs root; run as root"));
		return -EPERM;
	}
	rr_dm_init();
	if (access("/dev/mapper/control", F_OK) < 0 || !dm_driver_version(ver, sizeof(ver))) {
		snprintf(why, n, "%s", _("this kernel has no device-mapper (no /dev/mapper/control; try 'modprobe dm-mod dm-snapshot')"));
		return -ENODEV;
	}
	return 0;
}

int rr_dm_set_writable(const char *name)
{
	struct dm_task *tab, *dmt = NULL;
	void *next = NULL;
	uint64_t start, len;
	char *type, *params;
	int r;

	r = run_query(DM_DEVICE_TABLE, name, &tab);
	if (r < 0)
		return r;
	r = -ENOMEM;
	dmt = dm_task_create(DM_DEVICE_RELOAD);
	if (!dmt || !dm_task_set_name(dmt, name))
		goto out;
	/* The same table, loaded again without the read-only flag. */
	do {
		next = dm_get_next_target(tab, next, &start, &len, &type, &params);
		if (type && !dm_task_add_target(dmt, start, len, type, params ? params : ""))
			goto out;
	} while (next);
	if (!dm_task_run(dmt)) {
		r = task_errno(dmt);
		goto out;
	}
	r = rr_dm_suspend(name);
	if (r == 0)
		r = rr_dm_resume(name);
out:
	if (dmt)
		dm_task_destroy(dmt);
	dm_task_destroy(tab);
	return r;
}

int rr_dm_sectors(const char *name, uint64_t *sectors)
{
	struct dm_task *dmt;
	void *next = NULL;
	uint64_t start, len;
	char *type, *params;
	int r;

	*sectors = 0;
	r = run_query(DM_DEVICE_TABLE, name, &dmt);
	if (r < 0)
		return r;
	do {
		next = dm_get_next_target(dmt, next, &start, &len, &type, &params);
		if (type && start + len > *sectors)
			*sectors = start + len;
	} while (next);
	dm_task_destroy(dmt);
	return *sectors ? 0 : -ENXIO;
}
