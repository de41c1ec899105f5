/* Snapshot of a live dm device in place (see actions/snapshot_live.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "actions/dm.h"
#include "actions/loop.h"
#include "actions/snapshot_live.h"
#include "actions/teardown.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"

#define ACTION "snapshot-live"

struct tline {
	uint64_t start, len;
	char *type, *params;
};

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

static void table_free(struct tline *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].type);
		free(v[i].params);
	}
	free(v);
}

/* Every target of name's live table, as the kernel prints them back. */
static int table_get(const char *name, struct tline **out, size_t *nout)
{
	struct dm_task *dmt;
	void *next = NULL;
	uint64_t start, len;
	char *type, *params;
	struct tline *v = NULL;
	size_t n = 0;
	int r = -ENOMEM;

	rr_dm_init();
	*out = NULL;
	*nout = 0;
	dmt = dm_task_create(DM_DEVICE_TABLE);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name))
		goto out;
	if (!dm_task_run(dmt)) {
		r = dm_task_get_errno(dmt) > 0 ? -dm_task_get_errno(dmt) : -EIO;
		goto out;
	}
	do {
		type = params = NULL;
		next = dm_get_next_target(dmt, next, &start, &len, &type, &params);
		if (!type)
			break;
		v = rr_xrealloc(v, (n + 1) * sizeof(*v));
		v[n].start = start;
		v[n].len = len;
		v[n].type = rr_xstrdup(type);
		v[n].params = rr_xstrdup(params ? params : "");
		n++;
	} while (next);
	*out = v;
	*nout = n;
	r = n ? 0 : -ENXIO;
out:
	dm_task_destroy(dmt);
	return r;
}

static json_object *table_json(const struct tline *v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "start", json_object_new_uint64(v[i].start));
		json_object_object_add(o, "len", json_object_new_uint64(v[i].len));
		json_object_object_add(o, "type", json_object_new_string(v[i].type));
		json_object_object_add(o, "params", json_object_new_string(v[i].params));
		json_object_array_add(a, o);
	}
	return a;
}

static int table_from_json(json_object *a, struct tline **out, size_t *nout)
{
	size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
	struct tline *v;

	*out = NULL;
	*nout = 0;
	if (!n)
		return -EINVAL;
	v = rr_xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(a, i), *x;
		const char *t = jstr(o, "type"), *p = jstr(o, "params");

		if (!t || !p || !json_object_object_get_ex(o, "start", &x))
			goto bad;
		v[i].start = (uint64_t)json_object_get_uint64(x);
		if (!json_object_object_get_ex(o, "len", &x))
			goto bad;
		v[i].len = (uint64_t)json_object_get_uint64(x);
		v[i].type = rr_xstrdup(t);
		v[i].params = rr_xstrdup(p);
	}
	*out = v;
	*nout = n;
	return 0;
bad:
	table_free(v, n);
	return -EINVAL;
}

static int tables_equal(const struct tline *a, size_t na, const struct tline *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (a[i].start != b[i].start || a[i].len != b[i].len || strcmp(a[i].type, b[i].type) ||
		    strcmp(a[i].params, b[i].params))
			return 0;
	return 1;
}

static struct rr_dm_target *as_targets(const struct tline *v, size_t n)
{
	struct rr_dm_target *t = rr_xcalloc(n, sizeof(*t));

	for (size_t i = 0; i < n; i++)
		t[i] = (struct rr_dm_target){ v[i].start, v[i].len, v[i].type, v[i].params };
	return t;
}

/* Load an inactive table (the next resume makes it live). */
static int load_inactive(const char *name, const char *type, const char *params, uint64_t sectors)
{
	struct dm_task *dmt;
	int r = -ENOMEM;

	rr_dm_init();
	dmt = dm_task_create(DM_DEVICE_RELOAD);
	if (!dmt)
		return -ENOMEM;
	if (dm_task_set_name(dmt, name) && dm_task_add_target(dmt, 0, sectors, type, params))
		r = dm_task_run(dmt) ? 0 : dm_task_get_errno(dmt) > 0 ? -dm_task_get_errno(dmt) : -EIO;
	dm_task_destroy(dmt);
	return r;
}

static int clear_inactive(const char *name)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_CLEAR);
	int r = -ENOMEM;

	if (dmt && dm_task_set_name(dmt, name))
		r = dm_task_run(dmt) ? 0 : -EIO;
	if (dmt)
		dm_task_destroy(dmt);
	return r;
}

/* ---- which device ------------------------------------------------------ */

static int read_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)n, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The dm name of dev, or -ENOTSUP with the reason. */
static int dm_name_of(const char *dev, char *name, size_t nn, dev_t *rdev, char *msg, size_t n)
{
	char p[256], path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s", dev);
	if (!strchr(dev, '/'))
		snprintf(path, sizeof(path), "/dev/mapper/%s", dev);
	if (stat(path, &st) < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), dev, strerror(errno));
		return -errno;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(msg, n, _("%s is not a block device"), dev);
		return -ENOTBLK;
	}
	*rdev = st.st_rdev;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/dm/name", major(st.st_rdev), minor(st.st_rdev));
	if (read_line(p, name, nn) == 0 && name[0])
		return 0;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/md", major(st.st_rdev), minor(st.st_rdev));
	if (access(p, F_OK) == 0)
		snprintf(msg, n, "%s", _("this is an md array: an md device has no table that could be swapped for a snapshot-origin, "
					 "so it cannot be snapshotted in place (stop it, or snapshot the device-mapper volumes on top of it)"));
	else
		snprintf(msg, n, "%s", _("not a device-mapper device: only a device-mapper device's table can be swapped "
					 "for a snapshot-origin while it stays in use"));
	return -ENOTSUP;
}

/* Is devt, or something stacked on it (holders, recursively), this? */
static int stacked_on(dev_t top, dev_t what, int depth)
{
	char p[128];
	DIR *d;
	struct dirent *e;
	int found = 0;

	if (top == what)
		return 1;
	if (depth > 16)
		return 0;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/holders", major(top), minor(top));
	d = opendir(p);
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		char dp[512], v[32];
		unsigned ma, mi;

		if (e->d_name[0] == '.')
			continue;
		snprintf(dp, sizeof(dp), "/sys/class/block/%s/dev", e->d_name);
		if (read_line(dp, v, sizeof(v)) == 0 && sscanf(v, "%u:%u", &ma, &mi) == 2)
			found = stacked_on(makedev(ma, mi), what, depth + 1);
	}
	closedir(d);
	return found;
}

static int step_index(struct rr_session *s)
{
	return rr_session_count_steps(s, ACTION);
}

static int make_cow(const char *path, uint64_t bytes, char *msg, size_t n)
{
	struct statvfs sv;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600), r = 0;

	if (fd < 0) {
		snprintf(msg, n, _("cannot create the COW file %s: %s"), path, strerror(errno));
		return -errno;
	}
	if (fstatvfs(fd, &sv) == 0 && (uint64_t)sv.f_bavail * sv.f_frsize < bytes) {
		snprintf(msg, n, _("the filesystem of %s has %" PRIu64 " MiB free, the COW file needs up to %" PRIu64 " MiB (use --cow-size)"),
			 path, (uint64_t)sv.f_bavail * sv.f_frsize >> 20, bytes >> 20);
		r = -ENOSPC;
	} else if (ftruncate(fd, (off_t)bytes) < 0) {
		snprintf(msg, n, _("cannot size the COW file %s: %s"), path, strerror(errno));
		r = -errno;
	}
	close(fd);
	if (r < 0)
		unlink(path);
	return r;
}

static json_object *res_table(const char *name, const char *base, const struct tline *v, size_t n)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("dm_table"));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "base", json_object_new_string(base));
	json_object_object_add(o, "table", table_json(v, n));
	return o;
}

static char *table_text(const struct tline *v, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return rr_xstrdup("");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%" PRIu64 " %" PRIu64 " %s %s", i ? "\\n" : "", v[i].start, v[i].len, v[i].type,
			v[i].params);
	fclose(f);
	return buf ? buf : rr_xstrdup("");
}

static void add_line(json_object *a, char *line)
{
	json_object_array_add(a, json_object_new_string(line));
	free(line);
}

/* The same step as shell commands, for 'raidrescue journal --as-script'
 * (the loop device and the base's major:minor as variables). */
static json_object *live_script(const struct rr_snapshot_live *sl, const struct tline *v, size_t n,
				unsigned chunk, uint64_t cow_bytes)
{
	json_object *a = json_object_new_array();
	char *t = table_text(v, n);

	add_line(a, rr_xasprintf("printf '%s\\n' | dmsetup create %s --uuid %s", t, sl->base, sl->base_uuid));
	add_line(a, rr_xasprintf("B=$(dmsetup info -c --noheadings -o major,minor %s | tr -d ' ')", sl->base));
	add_line(a, rr_xasprintf("truncate -s %" PRIu64 " '%s'", cow_bytes, sl->cow));
	add_line(a, rr_xasprintf("C=$(losetup --find --show '%s')", sl->cow));
	add_line(a, rr_xasprintf("dmsetup suspend %s", sl->live));
	add_line(a, rr_xasprintf("dmsetup create %s --uuid %s --table \"0 %" PRIu64 " snapshot $B $C P %u\"", sl->snap,
				 sl->snap_uuid, sl->sectors, chunk * 2));
	add_line(a, rr_xasprintf("dmsetup load %s --table \"0 %" PRIu64 " snapshot-origin $B\"", sl->live, sl->sectors));
	add_line(a, rr_xasprintf("dmsetup resume %s", sl->live));
	free(t);
	return a;
}

static json_object *live_undo_script(const struct rr_snapshot_live *sl, const struct tline *v, size_t n)
{
	json_object *a = json_object_new_array();
	char *t = table_text(v, n);

	add_line(a, rr_xasprintf("printf '%s\\n' | dmsetup load %s; dmsetup suspend %s; dmsetup resume %s", t, sl->live,
				 sl->live, sl->live));
	add_line(a, rr_xasprintf("dmsetup remove %s; losetup -d $C; dmsetup remove %s; rm -f '%s'", sl->snap, sl->base,
				 sl->cow));
	free(t);
	return a;
}

int rr_snapshot_live(struct rr_session *s, const char *dev, const struct rr_snapshot_live_opts *o,
		     struct rr_snapshot_live *sl, char *msg, size_t n)
{
	struct rr_loop cowl = { .fd = -1 };
	struct rr_dm_info info, binfo;
	struct tline *orig = NULL;
	size_t norig = 0;
	unsigned chunk = o && o->chunk_kib ? o->chunk_kib : 4;
	uint64_t cow_bytes, seq = 0;
	json_object *args, *planned, *done = NULL;
	struct rr_dm_target *bt = NULL, st;
	char params[512], origin_params[64];
	struct stat sst;
	dev_t rdev = 0;
	int r, k, suspended = 0;

	memset(sl, 0, sizeof(*sl));
	msg[0] = '\0';
	if (chunk < 4 || chunk > 512 || (chunk & (chunk - 1))) {
		snprintf(msg, n, _("chunk size %u KiB: must be a power of two from 4 to 512"), chunk);
		return -EINVAL;
	}
	r = dm_name_of(dev, sl->live, sizeof(sl->live), &rdev, msg, n);
	if (r < 0)
		return r;
	r = rr_dm_get_info(sl->live, &info);
	if (r < 0) {
		snprintf(msg, n, _("cannot query device-mapper: %s"), strerror(-r));
		return r;
	}
	if (!strncmp(info.uuid, RR_DM_UUID_PREFIX, strlen(RR_DM_UUID_PREFIX))) {
		snprintf(msg, n, "%s", _("this device was made by raidrescue; snapshot the volume it stands for instead"));
		return -EINVAL;
	}
	if (info.suspended) {
		snprintf(msg, n, "%s", _("the device is suspended; resume it first"));
		return -EBUSY;
	}
	r = table_get(sl->live, &orig, &norig);
	if (r < 0) {
		snprintf(msg, n, _("cannot read the table of %s: %s"), sl->live, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < norig; i++) {
		if (!strncmp(orig[i].type, "snapshot", 8)) {
			snprintf(msg, n, _("the device already has a %s target; a snapshot cannot be wrapped in another"),
				 orig[i].type);
			r = -EINVAL;
			goto out;
		}
		if (orig[i].start + orig[i].len > sl->sectors)
			sl->sectors = orig[i].start + orig[i].len;
	}
	/* While the device is suspended, nothing may write to it: the
	 * session (journal, COW file) must live elsewhere. */
	if (stat(s->dir, &sst) == 0 && stacked_on(rdev, sst.st_dev, 0)) {
		snprintf(msg, n, "%s", _("the session directory is on this device (or on a device stacked on it): "
					 "put the session on another filesystem"));
		r = -EINVAL;
		goto out;
	}
	k = step_index(s);
	snprintf(sl->base, sizeof(sl->base), "rr-%s-live%d-base", s->id, k);
	snprintf(sl->base_uuid, sizeof(sl->base_uuid), RR_DM_UUID_PREFIX "%s-live%d-base", s->id, k);
	snprintf(sl->snap, sizeof(sl->snap), "rr-%s-live%d-snap", s->id, k);
	snprintf(sl->snap_uuid, sizeof(sl->snap_uuid), RR_DM_UUID_PREFIX "%s-live%d-snap", s->id, k);
	rr_dm_path(sl->snap, sl->snap_dev, sizeof(sl->snap_dev));
	snprintf(sl->cow, sizeof(sl->cow), "%s/live%d.rrcow", s->dir, k);
	cow_bytes = o && o->cow_bytes ? o->cow_bytes : sl->sectors * 512 / 10;
	if (cow_bytes < (64ull << 20))
		cow_bytes = 64ull << 20;
	cow_bytes = (cow_bytes + 4095) & ~4095ull;

	args = json_object_new_object();
	json_object_object_add(args, "device", json_object_new_string(dev));
	json_object_object_add(args, "name", json_object_new_string(sl->live));
	json_object_object_add(args, "uuid", json_object_new_string(info.uuid));
	json_object_object_add(args, "table", table_json(orig, norig));
	json_object_object_add(args, "chunk_kib", json_object_new_int((int)chunk));
	json_object_object_add(args, "cow_bytes", json_object_new_uint64(cow_bytes));
	json_object_object_add(args, "snapshot", json_object_new_string(sl->snap_dev));
	json_object_object_add(args, "script", live_script(sl, orig, norig, chunk, cow_bytes));
	json_object_object_add(args, "undo_script", live_undo_script(sl, orig, norig));
	planned = json_object_new_array();
	json_object_array_add(planned, rr_res_file(sl->cow));
	json_object_array_add(planned, rr_res_dm(sl->base, sl->base_uuid));
	json_object_array_add(planned, rr_res_loop(NULL, sl->cow, 0));
	json_object_array_add(planned, rr_res_dm(sl->snap, sl->snap_uuid));
	json_object_array_add(planned, res_table(sl->live, sl->base, orig, norig));
	r = rr_journal_intent(s, ACTION, args, planned, &seq);
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		goto out;
	}
	rr_failpoint("snaplive.intent");
	done = json_object_new_array();
	r = make_cow(sl->cow, cow_bytes, msg, n);
	if (r < 0)
		goto fail;
	json_object_array_add(done, rr_res_file(sl->cow));
	/* The base: the live device's own targets under a new name. */
	bt = as_targets(orig, norig);
	r = rr_dm_create(sl->base, sl->base_uuid, bt, norig, 0);
	if (r < 0) {
		snprintf(msg, n, _("cannot create %s: %s %s"), sl->base, strerror(-r), rr_dm_last_error());
		goto fail;
	}
	json_object_array_add(done, rr_res_dm(sl->base, sl->base_uuid));
	rr_failpoint("snaplive.base");
	r = rr_dm_get_info(sl->base, &binfo);
	if (r < 0) {
		snprintf(msg, n, _("cannot query device-mapper: %s"), strerror(-r));
		goto fail;
	}
	r = rr_loop_attach(sl->cow, 0, &cowl);
	if (r < 0) {
		snprintf(msg, n, _("cannot attach the COW file: %s"), strerror(-r));
		goto fail;
	}
	json_object_array_add(done, rr_res_loop(cowl.dev, sl->cow, 0));
	snprintf(origin_params, sizeof(origin_params), "%u:%u", binfo.major, binfo.minor);
	snprintf(params, sizeof(params), "%u:%u %s P %u", binfo.major, binfo.minor, cowl.dev, chunk * 2);

	/* The switch.  Suspending flushes and freezes the filesystem; while
	 * suspended nothing reaches the disk, so the snapshot created now
	 * is the volume at this instant, and every write after the resume
	 * goes through snapshot-origin, which copies first. */
	r = rr_dm_suspend(sl->live);
	if (r < 0) {
		snprintf(msg, n, _("cannot suspend %s: %s"), sl->live, strerror(-r));
		goto fail;
	}
	suspended = 1;
	rr_failpoint("snaplive.suspended");
	st = (struct rr_dm_target){ 0, sl->sectors, "snapshot", params };
	r = rr_dm_create(sl->snap, sl->snap_uuid, &st, 1, 0);
	if (r < 0) {
		snprintf(msg, n, _("cannot create the snapshot %s: %s %s"), sl->snap, strerror(-r), rr_dm_last_error());
		goto fail;
	}
	json_object_array_add(done, rr_res_dm(sl->snap, sl->snap_uuid));
	r = load_inactive(sl->live, "snapshot-origin", origin_params, sl->sectors);
	if (r < 0) {
		snprintf(msg, n, _("cannot load snapshot-origin into %s: %s %s"), sl->live, strerror(-r), rr_dm_last_error());
		clear_inactive(sl->live);
		goto fail;
	}
	json_object_array_add(done, res_table(sl->live, sl->base, orig, norig));
	r = rr_dm_resume(sl->live);
	if (r < 0) {
		snprintf(msg, n, _("cannot resume %s: %s"), sl->live, strerror(-r));
		goto fail;
	}
	suspended = 0;
	rr_failpoint("snaplive.switched");
	rr_loop_release(&cowl);
	r = rr_journal_done(s, seq, done);
	done = NULL;
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		goto out;
	}
	rr_session_log(s, "snapshot-live %s: snapshot %s over %s (COW %s)", sl->live, sl->snap, sl->base, sl->cow);
	goto out;

fail:
	rr_loop_release(&cowl);
	if (suspended) {
		/* never let a resume swap in a half-made switch */
		clear_inactive(sl->live);
		rr_dm_resume(sl->live);
	}
	for (size_t i = json_object_array_length(done); i-- > 0;) {
		char m2[256];

		rr_resource_remove(json_object_array_get_idx(done, i), m2, sizeof(m2));
	}
	json_object_put(done);
	done = NULL;
	rr_journal_failed(s, seq, msg, NULL);
out:
	json_object_put(done);
	free(bt);
	table_free(orig, norig);
	return r;
}

/* ---- undo --------------------------------------------------------------- */

/* 1 when name's table is one snapshot-origin target over the device base. */
static int wrapped_by(const struct tline *cur, size_t ncur, const char *base)
{
	struct rr_dm_info bi;
	char want[64];

	if (ncur != 1 || strcmp(cur[0].type, "snapshot-origin") || rr_dm_get_info(base, &bi) < 0)
		return 0;
	snprintf(want, sizeof(want), "%u:%u", bi.major, bi.minor);
	return !strcmp(cur[0].params, want);
}

int rr_dm_table_resource_present(json_object *res)
{
	const char *name = jstr(res, "name"), *base = jstr(res, "base");
	struct tline *cur;
	size_t ncur;
	int p;

	if (!name || !base || table_get(name, &cur, &ncur) < 0)
		return 0;
	p = wrapped_by(cur, ncur, base);
	table_free(cur, ncur);
	return p;
}

int rr_dm_table_undo_resource(json_object *res, char *msg, size_t n)
{
	const char *name = jstr(res, "name"), *base = jstr(res, "base");
	struct tline *cur = NULL, *orig = NULL;
	size_t ncur = 0, norig = 0;
	json_object *t = NULL;
	struct rr_dm_target *tt;
	int r;

	msg[0] = '\0';
	if (!name || !base || !json_object_object_get_ex(res, "table", &t) || table_from_json(t, &orig, &norig) < 0)
		return 1;
	r = table_get(name, &cur, &ncur);
	if (r == -ENXIO || r == -ENODEV) {
		r = 1;
		goto out;
	}
	if (r < 0) {
		snprintf(msg, n, _("cannot read the table of %s: %s"), name, strerror(-r));
		goto out;
	}
	if (tables_equal(cur, ncur, orig, norig)) {
		struct rr_dm_info info;

		/* a crash while suspended: the original table, still frozen */
		if (rr_dm_get_info(name, &info) == 0 && info.suspended)
			rr_dm_resume(name);
		r = 1;
		goto out;
	}
	if (!wrapped_by(cur, ncur, base)) {
		snprintf(msg, n, _("the table of %s is neither its original one nor the snapshot-origin this session loaded; left alone"),
			 name);
		r = -EEXIST;
		goto out;
	}
	tt = as_targets(orig, norig);
	r = rr_dm_reload(name, tt, norig);
	free(tt);
	if (r < 0)
		snprintf(msg, n, _("cannot load the original table back into %s: %s %s"), name, strerror(-r),
			 rr_dm_last_error());
out:
	table_free(cur, ncur);
	table_free(orig, norig);
	return r;
}

/* ---- cleanup without a journal ----------------------------------------- */

struct devlist {
	char **names;
	size_t n;
};

static int collect_all(void *ctx, const char *name, const char *uuid)
{
	struct devlist *d = ctx;

	(void)uuid;
	d->names = rr_xrealloc(d->names, (d->n + 1) * sizeof(*d->names));
	d->names[d->n++] = rr_xstrdup(name);
	return 0;
}

int rr_snapshot_live_cleanup(int verbose)
{
	struct devlist d = { 0 };
	int count = 0;

	if (rr_dm_list(collect_all, &d) < 0)
		return 0;
	for (size_t i = 0; i < d.n; i++) {
		struct rr_dm_info info;
		struct tline *cur = NULL, *base = NULL;
		size_t ncur = 0, nbase = 0;

		if (rr_dm_get_info(d.names[i], &info) < 0 ||
		    !strncmp(info.uuid, RR_DM_UUID_PREFIX, strlen(RR_DM_UUID_PREFIX)) ||
		    table_get(d.names[i], &cur, &ncur) < 0)
			continue;
		/* Which of our -live*-base devices does it wrap? */
		for (size_t k = 0; k < d.n && ncur == 1 && !strcmp(cur[0].type, "snapshot-origin"); k++) {
			struct rr_dm_info bi;
			size_t l = strlen(d.names[k]);

			char id[9];

			if (l < 5 || strcmp(d.names[k] + l - 5, "-base") || rr_dm_get_info(d.names[k], &bi) < 0 ||
			    strncmp(bi.uuid, RR_DM_UUID_PREFIX, strlen(RR_DM_UUID_PREFIX)) ||
			    !wrapped_by(cur, ncur, d.names[k]) || table_get(d.names[k], &base, &nbase) < 0)
				continue;
			/* a session open in a running raidrescue is no leftover */
			snprintf(id, sizeof(id), "%.8s", bi.uuid + strlen(RR_DM_UUID_PREFIX));
			if (rr_session_in_use(id, NULL)) {
				table_free(base, nbase);
				base = NULL;
				nbase = 0;
				break;
			}
			{
				struct rr_dm_target *tt = as_targets(base, nbase);

				if (rr_dm_reload(d.names[i], tt, nbase) == 0) {
					count++;
					if (verbose)
						printf(_("restored the table of %s\n"), d.names[i]);
				} else {
					rr_err(d.names[i], _("cannot load its original table back: %s"), rr_dm_last_error());
				}
				free(tt);
			}
			table_free(base, nbase);
			base = NULL;
			nbase = 0;
			break;
		}
		table_free(cur, ncur);
	}
	for (size_t i = 0; i < d.n; i++)
		free(d.names[i]);
	free(d.names);
	return count;
}
