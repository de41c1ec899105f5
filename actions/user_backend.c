/* The userspace backend's actions: overlay = a COW store per member
 * (actions/cow_store.h), assemble = a FUSE server exporting the array
 * (actions/fuse_serve.h), layers = files added to that export.  Journaled
 * like the kernel's: every name is in the intent record before it exists;
 * undo, replay and cleanup use the same resources ("file", "fuse"). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "actions/backend.h"
#include "actions/cow_store.h"
#include "actions/dm.h"
#include "actions/fuse_serve.h"
#include "actions/teardown.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/layout.h"
#include "core/msg.h"
#include "probes/devread.h"
#include "probes/fingerprint.h"

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return o && json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

static void names(struct rr_session *s, struct rr_overlay *ov)
{
	snprintf(ov->name, sizeof(ov->name), "rr-%s-m%u", s->id, ov->index);
	snprintf(ov->dev, sizeof(ov->dev), "%s", ov->name);
	ov->uuid[0] = '\0';
	snprintf(ov->cow, sizeof(ov->cow), "%s/m%u.rrcow", s->dir, ov->index);
}

static int make_store(const char *path, unsigned chunk, uint64_t bytes, char *msg, size_t n)
{
	struct rr_cow_store *cs;
	struct statvfs sv;
	struct stat st;
	int r;

	if (statvfs(path[0] ? path : ".", &sv) < 0) {
		char *dir = rr_xstrdup(path), *slash = strrchr(dir, '/');

		if (slash)
			*slash = '\0';
		if (statvfs(dir, &sv) < 0)
			memset(&sv, 0, sizeof(sv));
		free(dir);
	}
	if (sv.f_frsize && (uint64_t)sv.f_bavail * sv.f_frsize < bytes) {
		snprintf(msg, n, _("the filesystem of %s has %" PRIu64 " MiB free, the COW file needs up to %" PRIu64
				   " MiB (use --cow-size, or a session directory on a larger filesystem)"),
			 path, (uint64_t)sv.f_bavail * sv.f_frsize >> 20, bytes >> 20);
		return -ENOSPC;
	}
	r = rr_cow_store_create(path, chunk * 2, bytes, &cs);
	if (r < 0) {
		snprintf(msg, n, _("cannot create the COW file %s: %s"), path, strerror(-r));
		return r;
	}
	rr_cow_store_close(cs);
	if (stat(path, &st) == 0 && (uint64_t)st.st_blocks * 512 > bytes / 2 && bytes >= (1u << 20)) {
		snprintf(msg, n, _("the filesystem of %s does not support sparse files; put the session on another filesystem"),
			 path);
		unlink(path);
		return -EOPNOTSUPP;
	}
	return 0;
}

int rr_user_overlay_member(struct rr_session *s, const char *member, const struct rr_overlay_opts *o,
			   struct rr_overlay *ov, char *msg, size_t n)
{
	struct rr_fingerprint fp;
	json_object *args, *planned, *script, *undo;
	struct stat st;
	unsigned chunk = o && o->chunk_kib ? o->chunk_kib : RR_OVERLAY_DEFAULT_CHUNK_KIB;
	uint64_t cow_bytes, seq = 0;
	char real[PATH_MAX];
	int r;

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
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(msg, n, "%s", _("not a block device or an image file"));
		return -ENOTBLK;
	}
	r = rr_fingerprint_compute(member, &fp);
	if (r < 0) {
		snprintf(msg, n, _("cannot read: %s"), strerror(-r));
		return r;
	}
	if (fp.size_bytes < 1024 * 1024) {
		snprintf(msg, n, "%s", _("smaller than 1 MiB; not a plausible member"));
		return -EINVAL;
	}
	ov->backend = RR_BACKEND_USERSPACE;
	ov->index = (unsigned)rr_overlay_next_index(s);
	snprintf(ov->member, sizeof(ov->member), "%s", member);
	names(s, ov);
	ov->sectors = fp.size_bytes / 512;
	cow_bytes = rr_overlay_cow_bytes(o, fp.size_bytes);

	args = json_object_new_object();
	json_object_object_add(args, "backend", json_object_new_string("userspace"));
	json_object_object_add(args, "member", json_object_new_string(member));
	json_object_object_add(args, "member_realpath", json_object_new_string(real));
	json_object_object_add(args, "index", json_object_new_int((int)ov->index));
	json_object_object_add(args, "chunk_kib", json_object_new_int((int)chunk));
	json_object_object_add(args, "cow_bytes", json_object_new_uint64(cow_bytes));
	json_object_object_add(args, "cow", json_object_new_string(ov->cow));
	json_object_object_add(args, "fingerprint", rr_fingerprint_to_json(&fp));
	/* No command makes a userspace snapshot; what the kernel would do
	 * with the same store is given as a comment (the store loads there). */
	script = json_object_new_array();
	rr_json_add_linef(script, "# userspace snapshot of '%s': raidrescue writes the dm-snapshot persistent COW store '%s' "
		 "(%" PRIu64 " bytes, chunk %u sectors) itself; no device is made", real, ov->cow, cow_bytes, chunk * 2);
	rr_json_add_linef(script, "# the kernel can load the same store: dmsetup create %s --table \"0 $(blockdev --getsz ORIGIN) "
		 "snapshot ORIGIN $(losetup --find --show '%s') P %u\"", ov->name, ov->cow, chunk * 2);
	json_object_object_add(args, "script", script);
	undo = json_object_new_array();
	rr_json_add_linef(undo, "rm -f '%s'", ov->cow);
	json_object_object_add(args, "undo_script", undo);
	planned = json_object_new_array();
	json_object_array_add(planned, rr_res_file(ov->cow));
	r = rr_journal_intent(s, "overlay", args, planned, &seq);
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		return r;
	}
	rr_failpoint("overlay.intent");
	r = make_store(ov->cow, chunk, cow_bytes, msg, n);
	if (r < 0) {
		rr_journal_failed(s, seq, msg, NULL);
		return r;
	}
	rr_failpoint("overlay.cow-store");
	{
		json_object *done = json_object_new_array();

		json_object_array_add(done, rr_res_file(ov->cow));
		r = rr_journal_done(s, seq, done);
	}
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		return r;
	}
	rr_session_log(s, "overlay %s: userspace snapshot (COW store %s, %u KiB chunks, %" PRIu64 " MiB)", member,
		       ov->cow, chunk, cow_bytes >> 20);
	return 0;
}

void rr_user_overlay_complete(struct rr_session *s, json_object *args, struct rr_overlay *ov)
{
	struct stat cst;
	struct rr_dev *d;

	names(s, ov);
	if (jstr(args, "cow"))
		snprintf(ov->cow, sizeof(ov->cow), "%s", jstr(args, "cow"));
	/* 0 when the store or the member is gone: callers refuse */
	if (stat(ov->cow, &cst) == 0 &&
	    rr_dev_open(jstr(args, "member_realpath") ? jstr(args, "member_realpath") : ov->member, &d) == 0) {
		ov->sectors = rr_dev_size(d) / 512;
		rr_dev_close(d);
	}
}

int rr_user_overlay_fill(const struct rr_overlay *ov, uint64_t *used, uint64_t *total)
{
	struct rr_cow_store *cs;
	uint64_t meta;
	int r = rr_cow_store_open(ov->cow, 0, &cs);

	if (r < 0)
		return r;
	rr_cow_store_usage(cs, used, total, &meta);
	r = rr_cow_store_valid(cs) ? 0 : -EOVERFLOW;
	rr_cow_store_close(cs);
	return r;
}

/* Start the server: fork, exec this program's hidden fuse-serve command
 * (a new session, stdio to a log in the session), wait for its "ready". */
static int spawn_server(struct rr_session *s, uint64_t seq, const char *mnt, pid_t *pid, char *msg, size_t n)
{
	char exe[PATH_MAX], seqs[32], line[1200] = "";
	char *log = rr_xasprintf("%s/fuse-a%" PRIu64 ".log", s->dir, seq);
	const char *env_exe = getenv("RAIDRESCUE_EXE");
	ssize_t len;
	size_t got = 0;
	int p[2], r = 0;

	*pid = 0;
	if (env_exe && *env_exe) {
		snprintf(exe, sizeof(exe), "%s", env_exe);
	} else {
		len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (len < 0) {
			snprintf(msg, n, _("cannot find this program to start the FUSE server: %s"), strerror(errno));
			free(log);
			return -errno;
		}
		exe[len] = '\0';
	}
	snprintf(seqs, sizeof(seqs), "%" PRIu64, seq);
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(log);
		return -errno;
	}
	*pid = fork();
	if (*pid < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		free(log);
		*pid = 0;
		return r;
	}
	if (*pid == 0) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), lf;

		/* Its own session: a Ctrl-C at the terminal of the command
		 * that started it must not take the export down. */
		setsid();
		if (fd >= 0)
			dup2(fd, 0);
		lf = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (lf >= 0) {
			dup2(lf, 1);
			dup2(lf, 2);
		}
		if (dup2(p[1], 3) < 0)
			_exit(127);
		execl(exe, "raidrescue", "fuse-serve", "--session", s->dir, "--step", seqs, "--mountpoint", mnt,
		      "--ready-fd", "3", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	free(log);
	/* Wait for one line: "ready" or "error: ..." (60 s: a slow disk
	 * has to give up its exception tables first). */
	for (;;) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		int pr = poll(&pf, 1, 60000);

		if (pr <= 0) {
			snprintf(msg, n, "%s", _("the FUSE server did not start within 60 s"));
			r = -ETIMEDOUT;
			break;
		}
		len = read(p[0], line + got, sizeof(line) - 1 - got);
		if (len <= 0) {
			snprintf(msg, n, "%s", _("the FUSE server exited before mounting; see its log in the session"));
			r = -EIO;
			break;
		}
		got += (size_t)len;
		line[got] = '\0';
		if (strchr(line, '\n') || got >= sizeof(line) - 1)
			break;
	}
	close(p[0]);
	if (r == 0 && strncmp(line, "ready", 5)) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		snprintf(msg, n, "%s", !strncmp(line, "error: ", 7) ? line + 7 : line);
		r = -EIO;
	}
	if (r < 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
		*pid = 0;
	}
	return r;
}

int rr_user_assemble(struct rr_session *s, const struct rr_overlay *ovs, size_t nov,
		     const struct rr_candidate *c, struct rr_assembly *out, char *msg, size_t n)
{
	struct rr_geom g;
	json_object *args, *planned, *script, *undo, *more, *done;
	uint64_t seq, devsz;
	char mnt[PATH_MAX], arr[PATH_MAX + 16];
	pid_t pid = 0;
	int r;

	memset(out, 0, sizeof(*out));
	msg[0] = '\0';
	r = rr_assembly_geometry(ovs, nov, c, &g, msg, n);
	if (r < 0)
		return r;
	devsz = g.dev_sectors;
	out->via = RR_VIA_USERSPACE;
	seq = s->next_seq;
	snprintf(mnt, sizeof(mnt), "%s/mnt-a%" PRIu64, s->dir, seq);
	snprintf(arr, sizeof(arr), "%s/array", mnt);
	if (strlen(arr) + 64 >= sizeof(out->dev)) {
		snprintf(msg, n, "%s", _("the session directory's path is too long"));
		return -ENAMETOOLONG;
	}

	args = rr_assembly_args(ovs, c, "userspace", devsz);
	json_object_object_add(args, "backend", json_object_new_string("userspace"));
	json_object_object_add(args, "mountpoint", json_object_new_string(mnt));
	planned = json_object_new_array();
	json_object_array_add(planned, rr_res_fuse(mnt, 0));
	r = rr_journal_intent(s, "assemble", args, planned, &seq);
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		return r;
	}
	out->seq = seq;
	rr_failpoint("assemble.intent");
	if (mkdir(mnt, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(msg, n, _("cannot make the mount point %s: %s"), mnt, strerror(errno));
		goto fail;
	}
	r = spawn_server(s, seq, mnt, &pid, msg, n);
	if (r < 0) {
		rmdir(mnt);
		goto fail;
	}
	rr_failpoint("assemble.fuse");
	done = json_object_new_array();
	json_object_array_add(done, rr_res_fuse(mnt, (long)pid));
	more = json_object_new_object();
	script = json_object_new_array();
	{
		char lname[64];

		rr_json_add_linef(script, "# userspace assembly: raidrescue exports the array (%s, %s, %u KiB chunks, %u slots, "
			 "missing slots rebuilt from redundancy) as the file %s over FUSE:",
			 rr_level_name(c->level) ? rr_level_name(c->level) : "?",
			 rr_layout_name(c->level, c->layout, lname, sizeof(lname)) ? lname : "-", c->chunk_kib, c->ndisks, arr);
		rr_json_add_linef(script, "# raidrescue fuse-serve --session '%s' --step %" PRIu64 " --mountpoint '%s'", s->dir, seq, mnt);
	}
	undo = json_object_new_array();
	rr_json_add_linef(undo, "fusermount3 -u '%s' && rmdir '%s'", mnt, mnt);
	json_object_object_add(more, "script", script);
	json_object_object_add(more, "undo_script", undo);
	json_object_object_add(more, "device", json_object_new_string(arr));
	r = rr_journal_done_args(s, seq, done, more);
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		return r;	/* the intent's mount point still finds it */
	}
	memcpy(out->dev, arr, strlen(arr) + 1);
	out->sectors = rr_layout_array_sectors(&g);
	rr_session_log(s, "assemble (userspace): %s, FUSE server pid %ld", arr, (long)pid);
	return 0;
fail:
	rr_journal_failed(s, seq, msg, NULL);
	return r;
}

static char *control_of(const char *file)
{
	char *dir = rr_xstrdup(file), *slash = strrchr(dir, '/'), *p;

	if (slash)
		*slash = '\0';
	p = rr_xasprintf("%s/" RR_FUSE_CONTROL, slash ? dir : ".");
	free(dir);
	return p;
}

static int control(const char *file, const char *text)
{
	char *p = control_of(file);
	int fd = open(p, O_WRONLY | O_CLOEXEC), r = 0;
	size_t len = strlen(text);

	free(p);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		r = errno ? -errno : -EIO;
	close(fd);
	return r;
}

int rr_user_volume_create(const char *array, const char *name, const struct rr_dm_target *t, size_t nt,
			  char *path, size_t pn)
{
	char *text = rr_xasprintf("add %s\n", name), *dir;
	int r;

	for (size_t i = 0; i < nt; i++) {
		char *line = rr_xasprintf("%s%" PRIu64 " %" PRIu64 " %s %s\n", text, t[i].start, t[i].len, t[i].type,
					  t[i].params);

		free(text);
		text = line;
	}
	r = control(array, text);
	free(text);
	dir = rr_xstrdup(array);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	snprintf(path, pn, "%s/%s", dir, name);
	free(dir);
	return r;
}

int rr_user_set_writable(const char *file, int writable)
{
	return control(file, writable ? "rw" : "ro");
}

int rr_user_loop_allowed(char *why, size_t n)
{
	const char *no = getenv("RAIDRESCUE_NO_LOOP");

	why[0] = '\0';
	if (no && *no && strcmp(no, "0")) {
		snprintf(why, n, "%s", _("loop devices are not to be used on this machine (RAIDRESCUE_NO_LOOP is set)"));
		return -EPERM;
	}
	if (geteuid() != 0) {
		snprintf(why, n, "%s", _("a loop device needs root"));
		return -EPERM;
	}
	if (access("/dev/loop-control", W_OK) < 0) {
		snprintf(why, n, "%s", _("this machine has no loop devices (/dev/loop-control)"));
		return -ENODEV;
	}
	return 0;
}
