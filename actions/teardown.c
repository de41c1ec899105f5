#include <errno.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "actions/cowmerge.h"
#include "actions/dm.h"
#include "actions/fuse_serve.h"
#include "actions/loop.h"
#include "actions/run.h"
#include "actions/snapshot_live.h"
#include "actions/teardown.h"
#include "actions/zfs_rewind.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"

#define RR_COW_SUFFIX ".rrcow"

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

static int is_mounted(const char *path)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mp[4096];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && !strcmp(mp, path))
			found = 1;
	fclose(f);
	return found;
}

/* --- the userspace backend's FUSE exports --- */

/* Is path the mount point of one of our FUSE exports (fuse.raidrescue)? */
static int fuse_mounted(const char *path)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mp[4096], type[256];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - ");

		if (dash && sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && sscanf(dash + 3, "%255s", type) == 1 &&
		    !strcmp(mp, path) && !strcmp(type, RR_FUSE_TYPE))
			found = 1;
	}
	fclose(f);
	return found;
}

/* Is pid a raidrescue FUSE server (still running)?  A zombie is gone. */
static int fuse_server_alive(long pid)
{
	char p[64], buf[512], st[512];
	FILE *f;
	size_t len;
	int alive = 0;

	if (pid <= 0)
		return 0;
	if (waitpid((pid_t)pid, NULL, WNOHANG) == (pid_t)pid)
		return 0;	/* our child, just reaped */
	snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
	f = fopen(p, "re");
	if (!f)
		return 0;
	if (!fgets(st, sizeof(st), f))
		st[0] = '\0';
	fclose(f);
	if (strrchr(st, ')') && strrchr(st, ')')[1] == ' ' && strrchr(st, ')')[2] == 'Z')
		return 0;
	snprintf(p, sizeof(p), "/proc/%ld/cmdline", pid);
	f = fopen(p, "re");
	if (!f)
		return 0;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* argv is NUL-separated: look at the second word */
	if (len > strlen(buf) + 1 && !strcmp(buf + strlen(buf) + 1, "fuse-serve"))
		alive = 1;
	return alive;
}

static void wait_server(long pid)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	/* It exits by itself once unmounted; 10 s, then it is told to. */
	for (int i = 0; i < 400 && fuse_server_alive(pid); i++) {
		if (i == 200)
			kill((pid_t)pid, SIGTERM);
		nanosleep(&ts, NULL);
	}
}

static int unmount_fuse(const char *path, char *msg, size_t n)
{
	char *argv[] = { "fusermount3", "-u", (char *)path, NULL };
	struct rr_run_result rr;
	char *out = NULL;
	int r;

	if (geteuid() == 0) {
		if (umount2(path, 0) == 0)
			return 0;
		r = -errno;
		snprintf(msg, n, _("cannot unmount %s: %s%s"), path, strerror(-r),
			 r == -EBUSY ? _(" (still in use: a file is open, or mounted)") : "");
		return r;
	}
	r = rr_run_capture(argv, 60, &rr, &out);
	if (r == 0 && (rr.exit_status || rr.signaled || rr.timed_out || rr.exec_errno)) {
		snprintf(msg, n, _("fusermount3 -u %s failed: %s"), path,
			 rr.exec_errno ? strerror(rr.exec_errno) : out ? out : "");
		r = -EBUSY;
	}
	free(out);
	return r;
}

static long jpid(json_object *res)
{
	json_object *x;

	return json_object_object_get_ex(res, "pid", &x) ? (long)json_object_get_int64(x) : 0;
}

static int remove_fuse(json_object *res, char *msg, size_t n)
{
	const char *path = jstr(res, "path");
	long pid = jpid(res);
	int r, was = 0;

	if (!path)
		return 1;
	if (fuse_mounted(path)) {
		r = unmount_fuse(path, msg, n);
		if (r < 0)
			return r;
		was = 1;
	}
	if (fuse_server_alive(pid)) {
		wait_server(pid);
		was = 1;
	}
	/* the empty mount point goes with it */
	if (rmdir(path) == 0)
		was = 1;
	return was ? 0 : 1;
}

/* Loops whose backing file is this path; used when the journal has the
 * intent of a loop but not yet its device name. */
struct loop_find {
	const char *backing;
	char dev[64];
};

static int loop_find_cb(void *ctx, const char *dev, const char *backing)
{
	struct loop_find *lf = ctx;

	if (strcmp(backing, lf->backing))
		return 0;
	snprintf(lf->dev, sizeof(lf->dev), "%s", dev);
	return 1;
}

static int is_cow_file(const char *path)
{
	size_t l = strlen(path), sl = strlen(RR_COW_SUFFIX);

	return l > sl && !strcmp(path + l - sl, RR_COW_SUFFIX);
}

/* Every loop this program attaches has autoclear set; losetup's default
 * and most others' do not. */
static int loop_autoclear(const char *dev)
{
	const char *base = strrchr(dev, '/');
	char p[128], v[8] = "";
	FILE *f;

	base = base ? base + 1 : dev;
	snprintf(p, sizeof(p), "/sys/block/%s/loop/autoclear", base);
	f = fopen(p, "re");
	if (!f)
		return 0;
	if (!fgets(v, sizeof(v), f))
		v[0] = '\0';
	fclose(f);
	return v[0] == '1';
}

static int md_name_ok(const char *dev)
{
	return !strncmp(dev, "/dev/md", 7) && !strchr(dev + 5, '.') && strlen(dev) < 64;
}

static int md_present(const char *dev)
{
	char p[128];
	const char *b = strrchr(dev, '/') + 1;

	snprintf(p, sizeof(p), "/sys/block/%s/md/array_state", b);
	if (access(p, F_OK) < 0)
		return 0;
	/* A stopped array leaves an inactive node behind ("clear"). */
	FILE *f = fopen(p, "re");
	char st[32] = "";

	if (f) {
		if (!fgets(st, sizeof(st), f))
			st[0] = '\0';
		fclose(f);
	}
	return strncmp(st, "clear", 5) != 0;
}

int rr_resource_present(json_object *res)
{
	const char *type = jstr(res, "type");
	struct rr_dm_info info;
	char b[4096];

	if (!type)
		return 0;
	if (!strcmp(type, "dm"))
		return jstr(res, "name") && rr_dm_get_info(jstr(res, "name"), &info) == 0 &&
		       !strcmp(info.uuid, jstr(res, "uuid") ? jstr(res, "uuid") : "");
	if (!strcmp(type, "loop")) {
		const char *dev = jstr(res, "device"), *bk = jstr(res, "backing");
		struct loop_find lf = { .backing = bk };

		if (!bk)
			return 0;
		if (dev)
			return rr_loop_backing(dev, b, sizeof(b)) == 0 && !strcmp(b, bk) && loop_autoclear(dev);
		return is_cow_file(bk) && rr_loop_list(loop_find_cb, &lf) == 1;
	}
	if (!strcmp(type, "md"))
		return jstr(res, "device") && md_name_ok(jstr(res, "device")) && md_present(jstr(res, "device"));
	if (!strcmp(type, "file"))
		return jstr(res, "path") && access(jstr(res, "path"), F_OK) == 0;
	if (!strcmp(type, "mount"))
		return jstr(res, "path") && is_mounted(jstr(res, "path"));
	if (!strcmp(type, "fuse"))
		return jstr(res, "path") && (fuse_mounted(jstr(res, "path")) || fuse_server_alive(jpid(res)));
	if (!strcmp(type, "cowmerge"))
		return rr_cowmerge_resource_present(res);
	if (!strcmp(type, "zfs_slots"))
		return rr_zfs_slots_resource_present(res);
	if (!strcmp(type, "dm_table"))
		return rr_dm_table_resource_present(res);
	return 0;
}

static int remove_dm(json_object *res, char *msg, size_t n)
{
	const char *name = jstr(res, "name"), *uuid = jstr(res, "uuid");
	struct rr_dm_info info;
	int r;

	if (!name || !uuid)
		return 1;
	r = rr_dm_get_info(name, &info);
	if (r == -ENXIO)
		return 1;
	if (r < 0) {
		snprintf(msg, n, _("cannot query device-mapper: %s"), strerror(-r));
		return r;
	}
	if (strcmp(info.uuid, uuid)) {
		snprintf(msg, n, _("a device named %s exists but is not the one this session made (UUID %s); left alone"),
			 name, info.uuid[0] ? info.uuid : "-");
		return -EEXIST;
	}
	r = rr_dm_remove(name);
	if (r < 0)
		snprintf(msg, n, _("cannot remove %s: %s%s%s"), name, strerror(-r),
			 r == -EBUSY ? _(" (still in use: mounted, or another device on top)") : "",
			 "");
	return r;
}

static int remove_loop(json_object *res, char *msg, size_t n)
{
	const char *dev = jstr(res, "device"), *bk = jstr(res, "backing");
	struct loop_find lf = { .backing = bk };
	char b[4096];
	int r;

	if (!bk)
		return 1;
	if (!dev) {
		/* A crash before the device was journaled: only a COW file's
		 * name is ours alone; a member image may have other loops
		 * (the operator's own) and ours clears itself (autoclear). */
		if (!is_cow_file(bk) || rr_loop_list(loop_find_cb, &lf) != 1)
			return 1;
		dev = lf.dev;
	}
	if (rr_loop_backing(dev, b, sizeof(b)) < 0 || strcmp(b, bk) || !loop_autoclear(dev))
		return 1;	/* gone (autoclear), or not one of ours */
	r = rr_loop_detach(dev);
	if (r == -ENXIO)
		return 1;
	if (r < 0)
		snprintf(msg, n, _("cannot detach %s: %s"), dev, strerror(-r));
	return r;
}

/* Every member of the md array is one of our dm devices (an md device
 * number journaled before a crash may since belong to someone else). */
static int md_is_ours(const char *dev)
{
	char p[300];
	DIR *d;
	struct dirent *e;
	int ours = 1;

	snprintf(p, sizeof(p), "/sys/block/%s/slaves", strrchr(dev, '/') + 1);
	d = opendir(p);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char up[600], uuid[160] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(up, sizeof(up), "/sys/block/%s/dm/uuid", e->d_name);
		f = fopen(up, "re");
		if (!f || !fgets(uuid, sizeof(uuid), f) ||
		    strncmp(uuid, RR_DM_UUID_PREFIX, strlen(RR_DM_UUID_PREFIX)))
			ours = 0;
		if (f)
			fclose(f);
	}
	closedir(d);
	return ours;
}

static int remove_md(json_object *res, char *msg, size_t n)
{
	const char *dev = jstr(res, "device");
	char *argv[] = { "mdadm", "--stop", (char *)dev, NULL };
	struct rr_run_result rr;
	char *out = NULL;
	int r;

	if (!dev || !md_name_ok(dev) || !md_present(dev))
		return 1;
	if (!md_is_ours(dev)) {
		snprintf(msg, n, _("%s is not built on this program's snapshots; left alone"), dev);
		return 1;
	}
	r = rr_run_capture(argv, 60, &rr, &out);
	if (r == 0 && (rr.exit_status || rr.signaled || rr.timed_out || rr.exec_errno)) {
		snprintf(msg, n, _("mdadm --stop %s failed: %s"), dev,
			 rr.exec_errno ? strerror(rr.exec_errno) : out ? out : "");
		r = -EBUSY;
	}
	free(out);
	return r;
}

int rr_resource_remove(json_object *res, char *msg, size_t n)
{
	const char *type = jstr(res, "type"), *p;

	msg[0] = '\0';
	if (!type)
		return 1;
	if (!strcmp(type, "dm"))
		return remove_dm(res, msg, n);
	if (!strcmp(type, "loop"))
		return remove_loop(res, msg, n);
	if (!strcmp(type, "md"))
		return remove_md(res, msg, n);
	/* Undo of writes: the origin of a cow-merge restored from its undo
	 * store, ZFS uberblock slots written back, a live device's table
	 * loaded back. */
	if (!strcmp(type, "cowmerge"))
		return rr_cowmerge_undo_resource(res, msg, n);
	if (!strcmp(type, "zfs_slots"))
		return rr_zfs_slots_undo_resource(res, msg, n);
	if (!strcmp(type, "dm_table"))
		return rr_dm_table_undo_resource(res, msg, n);
	if (!strcmp(type, "file")) {
		p = jstr(res, "path");
		if (!p || access(p, F_OK) < 0)
			return 1;
		if (unlink(p) < 0) {
			snprintf(msg, n, _("cannot remove %s: %s"), p, strerror(errno));
			return -errno;
		}
		return 0;
	}
	if (!strcmp(type, "mount")) {
		p = jstr(res, "path");
		if (!p || !is_mounted(p))
			return 1;
		if (umount2(p, 0) < 0) {
			snprintf(msg, n, _("cannot unmount %s: %s"), p, strerror(errno));
			return -errno;
		}
		rmdir(p);
		return 0;
	}
	if (!strcmp(type, "fuse"))
		return remove_fuse(res, msg, n);
	return 1;
}

static const char *res_label(json_object *res, char *buf, size_t n)
{
	const char *t = jstr(res, "type"), *a = jstr(res, "name");

	if (!a)
		a = jstr(res, "device");
	if (!a)
		a = jstr(res, "path");
	if (!a)
		a = jstr(res, "backing");
	snprintf(buf, n, "%s %s", t ? t : "?", a ? a : "?");
	return buf;
}

static int undo_step(struct rr_session *s, struct rr_step *st, int verbose)
{
	size_t n = st->resources ? json_object_array_length(st->resources) : 0;
	char msg[1024], label[512];
	int failed = 0;

	for (size_t i = n; i-- > 0;) {
		json_object *res = json_object_array_get_idx(st->resources, i);
		int r = rr_resource_remove(res, msg, sizeof(msg));

		res_label(res, label, sizeof(label));
		if (r < 0) {
			rr_err(label, "%s", msg);
			failed = 1;
			break;
		}
		if (verbose && r == 0)
			printf(_("  removed %s\n"), label);
		rr_session_log(s, "undo step %llu: %s %s", (unsigned long long)st->seq, label,
			       r == 0 ? "removed" : "already gone");
	}
	if (failed)
		return -EBUSY;
	return rr_journal_undone(s, st->seq);
}

int rr_undo(struct rr_session *s, size_t nsteps, int verbose)
{
	struct rr_journal_view v;
	int r, undone = 0;

	r = rr_session_journal(s, &v);
	if (r < 0)
		return r;
	for (size_t i = v.nsteps; i-- > 0;) {
		struct rr_step *st = &v.steps[i];

		if (st->state == RR_STEP_UNDONE)
			continue;
		if (nsteps && (size_t)undone >= nsteps)
			break;
		if (verbose)
			printf(_("undoing step %llu (%s, %s)\n"), (unsigned long long)st->seq, st->action,
			       rr_step_state_name(st->state));
		r = undo_step(s, st, verbose);
		if (r < 0)
			goto out;
		undone++;
	}
	r = undone;
out:
	rr_journal_view_free(&v);
	return r;
}

int rr_undo_seq(struct rr_session *s, uint64_t seq, int verbose)
{
	struct rr_journal_view v;
	struct rr_step *st;
	int r;

	r = rr_session_journal(s, &v);
	if (r < 0)
		return r;
	st = rr_journal_find(&v, seq);
	r = !st ? -ENOENT : st->state == RR_STEP_UNDONE ? 0 : undo_step(s, st, verbose);
	rr_journal_view_free(&v);
	return r;
}

/* --- cleanup without a journal --- */

struct ours {
	char **names;
	size_t n;
	int verbose;
};

/* A session open in a running raidrescue is not a leftover: its devices,
 * exports and mounts are left alone (said once per session). */
static int live_session(const char *id, const char *dir, int verbose)
{
	static char **said;	/* once per run of cleanup: a small list */
	static size_t nsaid;
	const char *key = id ? id : dir;

	if (!rr_session_in_use(id, dir))
		return 0;
	for (size_t i = 0; i < nsaid; i++)
		if (!strcmp(said[i], key))
			return 1;
	said = rr_xrealloc(said, (nsaid + 1) * sizeof(*said));
	said[nsaid++] = rr_xstrdup(key);
	if (verbose)
		printf(_("session %s is open in a running raidrescue: left alone\n"), key);
	return 1;
}

/* The directory part of path, in buf. */
static const char *dir_of(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');

	snprintf(buf, n, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	return buf;
}

static int collect_ours(void *ctx, const char *name, const char *uuid)
{
	struct ours *o = ctx;
	char id[9];

	if (strncmp(uuid, RR_DM_UUID_PREFIX, strlen(RR_DM_UUID_PREFIX)))
		return 0;
	/* RAIDRESCUE-<8 hex id>-... */
	snprintf(id, sizeof(id), "%.8s", uuid + strlen(RR_DM_UUID_PREFIX));
	if (strlen(id) == 8 && live_session(id, NULL, o->verbose))
		return 0;
	o->names = rr_xrealloc(o->names, (o->n + 1) * sizeof(*o->names));
	o->names[o->n++] = rr_xstrdup(name);
	return 0;
}

/* "dm-N" kernel name of /dev/mapper/NAME's device. */
static int dm_kname(const char *name, char *out, size_t n)
{
	struct rr_dm_info info;
	char p[128], link[256];
	ssize_t len;

	if (rr_dm_get_info(name, &info) < 0)
		return -ENXIO;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u", info.major, info.minor);
	len = readlink(p, link, sizeof(link) - 1);
	if (len < 0)
		return -errno;
	link[len] = '\0';
	snprintf(out, n, "%s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	return 0;
}

/* md arrays that have one of our dm devices as a member. */
static int stop_md_over(struct ours *o, int verbose)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	int count = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char dir[300], kn[256];
		DIR *sd;
		struct dirent *se;
		int ours = 0;

		if (strncmp(e->d_name, "md", 2))
			continue;
		snprintf(dir, sizeof(dir), "/sys/block/%s/slaves", e->d_name);
		sd = opendir(dir);
		if (!sd)
			continue;
		while (!ours && (se = readdir(sd)))
			for (size_t i = 0; i < o->n; i++)
				if (dm_kname(o->names[i], kn, sizeof(kn)) == 0 && !strcmp(kn, se->d_name))
					ours = 1;
		closedir(sd);
		if (ours) {
			char dev[300], msg[512];
			json_object *res;

			snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
			res = rr_res_md(dev, NULL);
			if (rr_resource_remove(res, msg, sizeof(msg)) == 0) {
				count++;
				if (verbose)
					printf(_("stopped %s\n"), dev);
			} else if (msg[0]) {
				rr_err(dev, "%s", msg);
			}
			json_object_put(res);
		}
	}
	closedir(d);
	return count;
}

/* Mounts whose source is one of our dm devices. */
static int unmount_ours(struct ours *o, int verbose)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mp[4096], src[4096];
	int count = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(dash + 3, "%*s %4095s", src) != 1)
			continue;
		for (size_t i = 0; i < o->n; i++) {
			char p[300];

			rr_dm_path(o->names[i], p, sizeof(p));
			if (!strcmp(src, p) && umount2(mp, 0) == 0) {
				count++;
				if (verbose)
					printf(_("unmounted %s\n"), mp);
			}
		}
	}
	fclose(f);
	return count;
}

static int cow_loop_cb(void *ctx, const char *dev, const char *backing)
{
	int *count = ctx;
	char dir[4200];

	if (is_cow_file(backing) && !rr_session_in_use(NULL, dir_of(backing, dir, sizeof(dir))) &&
	    rr_loop_detach(dev) == 0)
		(*count)++;
	return 0;
}

/* Every fuse.raidrescue mount, and first whatever is mounted from a
 * loop device over one of its files (a proof-of-data mount). */
static int cleanup_fuse(int verbose, int *failed)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mp[4096], type[256], src[4096], **fuse = NULL;
	size_t nfuse = 0;
	int count = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - ");

		char dir[4200];

		if (dash && sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && sscanf(dash + 3, "%255s", type) == 1 &&
		    !strcmp(type, RR_FUSE_TYPE) && !live_session(NULL, dir_of(mp, dir, sizeof(dir)), verbose)) {
			fuse = rr_xrealloc(fuse, (nfuse + 1) * sizeof(*fuse));
			fuse[nfuse++] = rr_xstrdup(mp);
		}
	}
	rewind(f);
	while (nfuse && fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - "), backing[4096];

		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(dash + 3, "%*s %4095s", src) != 1 || strncmp(src, "/dev/loop", 9) ||
		    rr_loop_backing(src, backing, sizeof(backing)) < 0)
			continue;
		for (size_t i = 0; i < nfuse; i++)
			if (!strncmp(backing, fuse[i], strlen(fuse[i])) && backing[strlen(fuse[i])] == '/' &&
			    umount2(mp, 0) == 0) {
				count++;
				if (verbose)
					printf(_("unmounted %s\n"), mp);
			}
	}
	fclose(f);
	for (size_t i = 0; i < nfuse; i++) {
		char msg[1024];

		if (unmount_fuse(fuse[i], msg, sizeof(msg)) == 0) {
			count++;
			rmdir(fuse[i]);
			if (verbose)
				printf(_("unmounted %s\n"), fuse[i]);
		} else {
			rr_err(fuse[i], "%s", msg);
			*failed = 1;
		}
		free(fuse[i]);
	}
	free(fuse);
	return count;
}

int rr_cleanup_all(int verbose)
{
	struct ours o = { .verbose = verbose };
	int count = 0, progress, r, failed = 0;
	char why[256];

	count = cleanup_fuse(verbose, &failed);
	/* Without device-mapper there is nothing of the kernel's to look for. */
	if (rr_dm_available(why, sizeof(why)) < 0)
		return failed ? -EBUSY : count;
	r = rr_dm_list(collect_ours, &o);
	if (r < 0)
		return r;
	/* A live device wrapped by snapshot-live gets its table back from
	 * the base device first, so the base is free to go. */
	count += rr_snapshot_live_cleanup(verbose);
	count += unmount_ours(&o, verbose);
	count += stop_md_over(&o, verbose);
	/* Stacked devices first: remove whatever nothing holds open, and
	 * repeat until nothing more goes. */
	do {
		progress = 0;
		for (size_t i = 0; i < o.n; i++) {
			struct rr_dm_info info;

			if (!o.names[i] || rr_dm_get_info(o.names[i], &info) < 0) {
				free(o.names[i]);
				o.names[i] = NULL;
				continue;
			}
			if (info.open_count > 0)
				continue;
			if (rr_dm_remove(o.names[i]) == 0) {
				if (verbose)
					printf(_("removed %s\n"), o.names[i]);
				free(o.names[i]);
				o.names[i] = NULL;
				count++;
				progress = 1;
			}
		}
	} while (progress);
	r = 0;
	for (size_t i = 0; i < o.n; i++) {
		if (o.names[i]) {
			rr_err(o.names[i], "%s", _("still in use; not removed"));
			r = -EBUSY;
		}
		free(o.names[i]);
	}
	free(o.names);
	rr_loop_list(cow_loop_cb, &count);
	if (failed && r == 0)
		r = -EBUSY;
	return r < 0 ? r : count;
}
