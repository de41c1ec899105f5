#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "actions/backend.h"
#include "actions/dm.h"
#include "actions/loop.h"
#include "actions/overlay.h"
#include "actions/teardown.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "probes/fingerprint.h"

static int dev_size(const char *path, uint64_t *bytes, dev_t *rdev)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode))
		r = -ENOTBLK;
	else if (ioctl(fd, BLKGETSIZE64, bytes) < 0)
		r = -errno;
	if (rdev)
		*rdev = st.st_rdev;
	close(fd);
	return r;
}

/* Is this member already under a snapshot of any raidrescue session?
 * The kernel's tables are the lock that survives our process. */
struct busy_ctx {
	dev_t member_rdev;	/* block-device member, or 0 */
	dev_t ino_dev;		/* image member: st_dev/st_ino */
	ino_t ino;
	char who[128];
};

static int busy_cb(void *ctx, const char *name, const char *uuid)
{
	struct busy_ctx *b = ctx;
	char table[512], lpath[64], backing[4096];
	unsigned oma, omi;
	struct stat st;

	if (strncmp(uuid, RR_DM_UUID_PREFIX, strlen(RR_DM_UUID_PREFIX)) ||
	    rr_dm_table(name, table, sizeof(table)) < 0 ||
	    sscanf(table, "snapshot %u:%u", &oma, &omi) != 2)
		return 0;
	if (b->member_rdev && makedev(oma, omi) == b->member_rdev)
		goto busy;
	if (!b->member_rdev && oma == 7) {	/* a loop: compare its backing file */
		snprintf(lpath, sizeof(lpath), "/dev/loop%u", omi);
		if (rr_loop_backing(lpath, backing, sizeof(backing)) == 0 && stat(backing, &st) == 0 &&
		    st.st_dev == b->ino_dev && st.st_ino == b->ino)
			goto busy;
	}
	return 0;
busy:
	snprintf(b->who, sizeof(b->who), "%s", name);
	return 1;
}

static int make_cow(const char *path, uint64_t bytes, char *msg, size_t n)
{
	struct statvfs sv;
	struct stat st;
	int fd, r = 0;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, n, _("cannot create the COW file %s: %s"), path, strerror(errno));
		return -errno;
	}
	if (fstatvfs(fd, &sv) == 0 && (uint64_t)sv.f_bavail * sv.f_frsize < bytes) {
		snprintf(msg, n, _("the filesystem of %s has %" PRIu64 " MiB free, the COW file needs up to %" PRIu64
				   " MiB (use --cow-size, or a session directory on a larger filesystem)"),
			 path, (uint64_t)sv.f_bavail * sv.f_frsize >> 20, bytes >> 20);
		r = -ENOSPC;
		goto out;
	}
	if (ftruncate(fd, (off_t)bytes) < 0) {
		snprintf(msg, n, _("cannot size the COW file %s: %s"), path, strerror(errno));
		r = -errno;
		goto out;
	}
	/* A filesystem without sparse files (vfat) would have allocated it
	 * all: refuse rather than fill the rescue medium. */
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_blocks * 512 > bytes / 2 && bytes >= (1u << 20)) {
		snprintf(msg, n, _("the filesystem of %s does not support sparse files; put the session on another filesystem"),
			 path);
		r = -EOPNOTSUPP;
	}
out:
	close(fd);
	if (r < 0)
		unlink(path);
	return r;
}

/* The same step as shell commands, for 'raidrescue journal --as-script'
 * (loop devices as variables: their numbers differ on every machine). */
static json_object *overlay_script(const struct rr_overlay *ov, const char *real, int is_file,
				   unsigned chunk, uint64_t cow_bytes)
{
	json_object *a = json_object_new_array();
	unsigned i = ov->index;

	rr_json_add_linef(a, "truncate -s %" PRIu64 " '%s'", cow_bytes, ov->cow);
	if (is_file)
		rr_json_add_linef(a, "O%u=$(losetup --find --show --read-only '%s')", i, real);
	else
		rr_json_add_linef(a, "O%u='%s'", i, real);
	rr_json_add_linef(a, "C%u=$(losetup --find --show '%s')", i, ov->cow);
	rr_json_add_linef(a, "dmsetup create %s --uuid %s --table \"0 $(blockdev --getsz $O%u) snapshot $O%u $C%u P %u\"",
		 ov->name, ov->uuid, i, i, i, chunk * 2);
	if (!is_file)
		rr_json_add_linef(a, "dmsetup create %s-orig --uuid %s-orig --table \"0 $(blockdev --getsz $O%u) snapshot-origin $O%u\"",
				  ov->name, ov->uuid, i, i);
	return a;
}

/* And its undo. */
static json_object *overlay_undo_script(const struct rr_overlay *ov, int is_file)
{
	json_object *a = json_object_new_array();

	if (!is_file)
		rr_json_add_linef(a, "dmsetup remove %s-orig", ov->name);
	rr_json_add_linef(a, "dmsetup remove %s", ov->name);
	rr_json_add_linef(a, "losetup -d $C%u", ov->index);
	if (is_file)
		rr_json_add_linef(a, "losetup -d $O%u", ov->index);
	rr_json_add_linef(a, "rm -f '%s'", ov->cow);
	return a;
}

/* Who else holds a block device: an md array (often auto-assembled at
 * boot from the very members an operator wants to rescue), a
 * device-mapper device (LVM, dm-crypt, a snapshot), or a mount.  A
 * snapshot over a device in use would fail to load, or worse, show a
 * member that is being written.  1 with why, 0 when nobody. */
static int in_use(dev_t rdev, char *why, size_t n)
{
	char path[320], name[256], line[4096];
	struct dirent *e;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/holders", major(rdev), minor(rdev));
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!strncmp(e->d_name, "md", 2)) {
			snprintf(why, n, _("in use by the md array /dev/%s (perhaps assembled at boot): stop it first "
					   "with 'mdadm --stop /dev/%s'; raidrescue never stops an array itself"),
				 e->d_name, e->d_name);
		} else {
			snprintf(path, sizeof(path), "/sys/block/%s/dm/name", e->d_name);
			f = fopen(path, "re");
			if (!f || !fgets(name, sizeof(name), f))
				snprintf(name, sizeof(name), "%s", e->d_name);
			if (f)
				fclose(f);
			name[strcspn(name, "\n")] = '\0';
			snprintf(why, n, _("in use by %s (a device-mapper device: LVM, dm-crypt or a snapshot): "
					   "deactivate it first"), name);
		}
		closedir(d);
		return 1;
	}
	if (d)
		closedir(d);
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned ma, mi;
		char mp[4096];

		if (sscanf(line, "%*s %*s %u:%u %*s %4095s", &ma, &mi, mp) == 3 && ma == major(rdev) &&
		    mi == minor(rdev)) {
			snprintf(why, n, _("mounted at %s: unmount it first"), mp);
			fclose(f);
			return 1;
		}
	}
	if (f)
		fclose(f);
	return 0;
}

struct loop_use_ctx {
	const char *real;
	char *why;
	size_t n;
	int used;
};

/* An image another loop device serves: in use when that loop is. */
static int loop_use_cb(void *ctx, const char *dev, const char *backing)
{
	struct loop_use_ctx *c = ctx;
	char inner[600];
	struct stat st;

	if (strcmp(backing, c->real) || stat(dev, &st) < 0 || !in_use(st.st_rdev, inner, sizeof(inner)))
		return 0;
	snprintf(c->why, c->n, _("attached as %s, which is %s"), dev, inner);
	c->used = 1;
	return 1;
}

int rr_kernel_overlay_member(struct rr_session *s, const char *member, const struct rr_overlay_opts *o,
			     struct rr_overlay *ov, char *msg, size_t n)
{
	struct rr_loop origin = { .fd = -1 }, cowl = { .fd = -1 };
	struct rr_fingerprint fp;
	struct busy_ctx busy = { 0 };
	json_object *args, *planned, *done;
	struct stat st;
	unsigned chunk = o && o->chunk_kib ? o->chunk_kib : RR_OVERLAY_DEFAULT_CHUNK_KIB;
	uint64_t bytes, cow_bytes, seq = 0;
	char table[8400], origin_dev[4096], real[4096], lockp[256], oname[160] = "", ouuid[160] = "";
	struct rr_dm_target t;
	int r, is_file, lockfd = -1;

	memset(ov, 0, sizeof(*ov));
	msg[0] = '\0';
	if (chunk < 4 || chunk > 512 || (chunk & (chunk - 1))) {
		snprintf(msg, n, _("chunk size %u KiB: must be a power of two from 4 to 512"), chunk);
		return -EINVAL;
	}
	if (stat(member, &st) < 0 || !realpath(member, real)) {
		snprintf(msg, n, _("cannot open: %s"), strerror(errno));
		return -errno;
	}
	is_file = S_ISREG(st.st_mode);
	if (!is_file && !S_ISBLK(st.st_mode)) {
		snprintf(msg, n, "%s", _("not a block device or an image file"));
		return -ENOTBLK;
	}
	/* Serialise the check-and-stack against another raidrescue. */
	mkdir("/run/raidrescue", 0700);
	snprintf(lockp, sizeof(lockp), "/run/raidrescue/member-%llx-%llx.lock",
		 (unsigned long long)(is_file ? st.st_dev : st.st_rdev), (unsigned long long)(is_file ? st.st_ino : 0));
	lockfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd >= 0 && flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(msg, n, "%s", _("another raidrescue is stacking on this member right now"));
		close(lockfd);
		return -EBUSY;
	}
	busy.member_rdev = is_file ? 0 : st.st_rdev;
	busy.ino_dev = st.st_dev;
	busy.ino = st.st_ino;
	if (rr_dm_list(busy_cb, &busy) == 1) {
		snprintf(msg, n, _("already under a snapshot of a raidrescue session (%s); undo that session first"),
			 busy.who);
		r = -EBUSY;
		goto unlock;
	}
	if (!is_file && in_use(st.st_rdev, msg, n)) {
		r = -EBUSY;
		goto unlock;
	}
	if (is_file) {
		struct loop_use_ctx lu = { real, msg, n, 0 };

		rr_loop_list(loop_use_cb, &lu);
		if (lu.used) {
			r = -EBUSY;
			goto unlock;
		}
	}
	r = rr_fingerprint_compute(member, &fp);
	if (r < 0) {
		snprintf(msg, n, _("cannot read: %s"), strerror(-r));
		goto unlock;
	}
	if (fp.size_bytes < 1024 * 1024) {
		snprintf(msg, n, "%s", _("smaller than 1 MiB; not a plausible member"));
		r = -EINVAL;
		goto unlock;
	}

	ov->backend = RR_BACKEND_KERNEL;
	ov->index = (unsigned)rr_overlay_next_index(s);
	snprintf(ov->member, sizeof(ov->member), "%s", member);
	snprintf(ov->name, sizeof(ov->name), "rr-%s-m%u", s->id, ov->index);
	snprintf(ov->uuid, sizeof(ov->uuid), RR_DM_UUID_PREFIX "%s-m%u-snap", s->id, ov->index);
	rr_dm_path(ov->name, ov->dev, sizeof(ov->dev));
	snprintf(ov->cow, sizeof(ov->cow), "%s/m%u.rrcow", s->dir, ov->index);
	cow_bytes = rr_overlay_cow_bytes(o, fp.size_bytes);

	/* The journal knows every name before anything exists. */
	args = json_object_new_object();
	json_object_object_add(args, "member", json_object_new_string(member));
	json_object_object_add(args, "member_realpath", json_object_new_string(real));
	json_object_object_add(args, "index", json_object_new_int((int)ov->index));
	json_object_object_add(args, "chunk_kib", json_object_new_int((int)chunk));
	json_object_object_add(args, "cow_bytes", json_object_new_uint64(cow_bytes));
	json_object_object_add(args, "fingerprint", rr_fingerprint_to_json(&fp));
	json_object_object_add(args, "script", overlay_script(ov, real, is_file, chunk, cow_bytes));
	json_object_object_add(args, "undo_script", overlay_undo_script(ov, is_file));
	planned = json_object_new_array();
	json_object_array_add(planned, rr_res_file(ov->cow));
	if (is_file)
		json_object_array_add(planned, rr_res_loop(NULL, real, 1));
	json_object_array_add(planned, rr_res_loop(NULL, ov->cow, 0));
	json_object_array_add(planned, rr_res_dm(ov->name, ov->uuid));
	if (!is_file) {
		snprintf(oname, sizeof(oname), "%s-orig", ov->name);
		snprintf(ouuid, sizeof(ouuid), "%s-orig", ov->uuid);
		json_object_array_add(planned, rr_res_dm(oname, ouuid));
	}
	r = rr_journal_intent(s, "overlay", args, planned, &seq);
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		goto unlock;
	}

	rr_failpoint("overlay.intent");
	done = json_object_new_array();
	r = make_cow(ov->cow, cow_bytes, msg, n);
	if (r < 0)
		goto fail;
	json_object_array_add(done, rr_res_file(ov->cow));
	if (is_file) {
		r = rr_loop_attach(real, 1, &origin);
		if (r < 0) {
			snprintf(msg, n, _("cannot attach a read-only loop device: %s"), strerror(-r));
			goto fail;
		}
		json_object_array_add(done, rr_res_loop(origin.dev, real, 1));
		rr_failpoint("overlay.origin-loop");
		snprintf(origin_dev, sizeof(origin_dev), "%s", origin.dev);
	} else {
		snprintf(origin_dev, sizeof(origin_dev), "%s", real);
	}
	r = dev_size(origin_dev, &bytes, NULL);
	if (r < 0) {
		snprintf(msg, n, _("cannot size %s: %s"), origin_dev, strerror(-r));
		goto fail;
	}
	r = rr_loop_attach(ov->cow, 0, &cowl);
	if (r < 0) {
		snprintf(msg, n, _("cannot attach the COW file: %s"), strerror(-r));
		goto fail;
	}
	json_object_array_add(done, rr_res_loop(cowl.dev, ov->cow, 0));
	rr_failpoint("overlay.cow-loop");
	ov->sectors = bytes / 512;
	snprintf(table, sizeof(table), "%s %s P %u", origin_dev, cowl.dev, chunk * 2);
	t = (struct rr_dm_target){ 0, ov->sectors, "snapshot", table };
	r = rr_dm_create(ov->name, ov->uuid, &t, 1, 0);
	if (r < 0) {
		snprintf(msg, n, _("cannot create the snapshot %s: %s %s"), ov->name, strerror(-r), rr_dm_last_error());
		goto fail;
	}
	json_object_array_add(done, rr_res_dm(ov->name, ov->uuid));
	rr_failpoint("overlay.snapshot");
	/* A member that is a device gets the snapshot-origin of the usual
	 * pair too: anything that must write to the member (a repair the
	 * operator decides on later) writes through rr-...-orig, and the
	 * snapshot keeps the old data.  Without it the snapshot is still
	 * whole: the member itself is never written by this program. */
	if (!is_file) {
		struct rr_dm_target ot = { 0, ov->sectors, "snapshot-origin", origin_dev };

		if (rr_dm_create(oname, ouuid, &ot, 1, 0) == 0)
			json_object_array_add(done, rr_res_dm(oname, ouuid));
		else
			rr_session_log(s, "overlay %s: no snapshot-origin (%s); the snapshot alone is in place", member,
				       rr_dm_last_error());
	}
	/* The snapshot now holds both loops; with autoclear they go with it. */
	rr_loop_release(&origin);
	rr_loop_release(&cowl);
	r = rr_journal_done(s, seq, done);
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		goto unlock;	/* the intent's planned names still find it */
	}
	rr_session_log(s, "overlay %s: snapshot %s (COW %s, %u KiB chunks, %" PRIu64 " MiB)", member, ov->name,
		       ov->cow, chunk, cow_bytes >> 20);
	goto unlock;

fail:
	/* Take down what this step made, newest first, then say so. */
	rr_loop_release(&origin);
	rr_loop_release(&cowl);
	for (size_t i = json_object_array_length(done); i-- > 0;) {
		char m2[256];

		rr_resource_remove(json_object_array_get_idx(done, i), m2, sizeof(m2));
	}
	json_object_put(done);
	rr_journal_failed(s, seq, msg, NULL);
unlock:
	if (lockfd >= 0)
		close(lockfd);
	return r;
}

void rr_kernel_overlay_complete(struct rr_session *s, json_object *args, struct rr_overlay *ov)
{
	(void)args;
	snprintf(ov->name, sizeof(ov->name), "rr-%s-m%u", s->id, ov->index);
	snprintf(ov->uuid, sizeof(ov->uuid), RR_DM_UUID_PREFIX "%s-m%u-snap", s->id, ov->index);
	rr_dm_path(ov->name, ov->dev, sizeof(ov->dev));
	snprintf(ov->cow, sizeof(ov->cow), "%s/m%u.rrcow", s->dir, ov->index);
	/* 0 when the snapshot is gone (rebooted): callers refuse */
	if (rr_dm_sectors(ov->name, &ov->sectors) < 0)
		ov->sectors = 0;
}

int rr_kernel_overlay_fill(const struct rr_overlay *ov, uint64_t *used, uint64_t *total)
{
	char st[256];
	uint64_t meta;
	int r = rr_dm_status(ov->name, st, sizeof(st));

	if (r < 0)
		return r;
	if (strstr(st, "Invalid") || strstr(st, "Overflow"))
		return -EOVERFLOW;
	if (sscanf(st, "snapshot %" SCNu64 "/%" SCNu64 " %" SCNu64, used, total, &meta) < 2)
		return -EINVAL;
	return 0;
}

uint64_t rr_overlay_cow_bytes(const struct rr_overlay_opts *o, uint64_t member_bytes)
{
	uint64_t b;

	if (o && o->cow_bytes) {
		/* what the operator asked for, but room for the header, one
		 * metadata area and a few chunks */
		b = o->cow_bytes < (256u << 10) ? (256u << 10) : o->cow_bytes;
	} else {
		b = member_bytes / 10;
		if (b < RR_OVERLAY_MIN_COW)
			b = RR_OVERLAY_MIN_COW;
	}
	return (b + 4095) & ~4095ull;
}
