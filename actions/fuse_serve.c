#define FUSE_USE_VERSION 312
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "actions/fuse_serve.h"
#include "actions/uarray.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/layout.h"
#include "core/msg.h"

#define MAX_VOLS 1024
#define MAX_AREAS 64

/* A piece of a volume: [start, start+len) of the volume maps onto its
 * areas (one for linear, N round-robin stripes for striped). */
struct area {
	int parent;		/* volume index */
	uint64_t off;		/* bytes in the parent */
};

struct seg {
	uint64_t start, len;	/* bytes in the volume */
	uint64_t stripe;	/* bytes per stripe; 0 for linear */
	unsigned nareas;
	struct area *areas;
};

struct vol {
	char *name;
	uint64_t size;
	struct seg *segs;
	size_t nsegs;
	int gone;
};

static struct {
	struct rr_uarray *array;
	struct vol vols[MAX_VOLS];	/* vols[0] is the array */
	size_t nvols;
	pthread_rwlock_t lock;		/* the table of volumes */
	char *mountpoint;
	uid_t uid;
	gid_t gid;
} srv;

#define FH_CONTROL ((uint64_t)MAX_VOLS)

static int find_vol(const char *name)
{
	for (size_t i = 0; i < srv.nvols; i++)
		if (!srv.vols[i].gone && !strcmp(srv.vols[i].name, name))
			return (int)i;
	return -1;
}

/* "/name" -> volume index, FH_CONTROL, or -1. */
static int64_t lookup_path(const char *path)
{
	if (path[0] != '/' || strchr(path + 1, '/'))
		return -1;
	if (!strcmp(path + 1, RR_FUSE_CONTROL))
		return (int64_t)FH_CONTROL;
	return find_vol(path + 1);
}

static int vol_io(int v, uint8_t *buf, size_t len, uint64_t off, int write, int depth);

/* One run of a segment: where in which parent, and how long. */
static void seg_map(const struct seg *sg, uint64_t x, size_t len, int *parent, uint64_t *poff, size_t *run)
{
	if (!sg->stripe) {
		*parent = sg->areas[0].parent;
		*poff = sg->areas[0].off + x;
		*run = len;
		return;
	}
	/* dm-stripe: chunk c of the segment is on stripe c % n, row c / n */
	uint64_t c = x / sg->stripe, in = x % sg->stripe;
	const struct area *a = &sg->areas[c % sg->nareas];

	*parent = a->parent;
	*poff = a->off + (c / sg->nareas) * sg->stripe + in;
	*run = sg->stripe - in < len ? (size_t)(sg->stripe - in) : len;
}

static int vol_io(int v, uint8_t *buf, size_t len, uint64_t off, int write, int depth)
{
	const struct vol *vo = &srv.vols[v];

	if (depth > 8)
		return -ELOOP;
	if (v == 0)
		return write ? rr_uarray_write(srv.array, buf, len, off) : rr_uarray_read(srv.array, buf, len, off);
	while (len) {
		const struct seg *sg = NULL;
		size_t run;
		int r;

		for (size_t i = 0; i < vo->nsegs; i++)
			if (off >= vo->segs[i].start && off - vo->segs[i].start < vo->segs[i].len)
				sg = &vo->segs[i];
		if (!sg) {
			/* a hole between segments reads as zeros */
			uint64_t next = vo->size;

			for (size_t i = 0; i < vo->nsegs; i++)
				if (vo->segs[i].start > off && vo->segs[i].start < next)
					next = vo->segs[i].start;
			run = next - off < len ? (size_t)(next - off) : len;
			if (write)
				return -EIO;
			memset(buf, 0, run);
		} else {
			int parent;
			uint64_t poff, x = off - sg->start;
			size_t l = sg->len - x < len ? (size_t)(sg->len - x) : len;

			seg_map(sg, x, l, &parent, &poff, &run);
			r = vol_io(parent, buf, run, poff, write, depth + 1);
			if (r < 0)
				return r;
		}
		buf += run;
		off += run;
		len -= run;
	}
	return 0;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	int64_t v;

	memset(st, 0, sizeof(*st));
	st->st_uid = srv.uid;
	st->st_gid = srv.gid;
	if (!strcmp(path, "/")) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	pthread_rwlock_rdlock(&srv.lock);
	v = lookup_path(path);
	if (v == (int64_t)FH_CONTROL) {
		st->st_mode = S_IFREG | 0200;
		st->st_nlink = 1;
	} else if (v >= 0) {
		st->st_mode = S_IFREG | (rr_uarray_writable(srv.array) ? 0644 : 0444);
		st->st_nlink = 1;
		st->st_size = (off_t)srv.vols[v].size;
		st->st_blksize = 4096;
		st->st_blocks = (blkcnt_t)(srv.vols[v].size / 512);
	}
	pthread_rwlock_unlock(&srv.lock);
	return v < 0 ? -ENOENT : 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	if (strcmp(path, "/"))
		return -ENOTDIR;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	pthread_rwlock_rdlock(&srv.lock);
	for (size_t i = 0; i < srv.nvols; i++)
		if (!srv.vols[i].gone)
			fill(buf, srv.vols[i].name, NULL, 0, 0);
	pthread_rwlock_unlock(&srv.lock);
	fill(buf, RR_FUSE_CONTROL, NULL, 0, 0);
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	int64_t v;
	int wr = (fi->flags & O_ACCMODE) != O_RDONLY;

	pthread_rwlock_rdlock(&srv.lock);
	v = lookup_path(path);
	pthread_rwlock_unlock(&srv.lock);
	if (v < 0)
		return -ENOENT;
	if (v == (int64_t)FH_CONTROL) {
		if ((fi->flags & O_ACCMODE) != O_WRONLY)
			return -EACCES;
	} else if (wr && !rr_uarray_writable(srv.array)) {
		return -EROFS;
	}
	fi->fh = (uint64_t)v;
	return 0;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	uint64_t sz;
	int r;

	if (fi->fh == FH_CONTROL)
		return -EACCES;
	pthread_rwlock_rdlock(&srv.lock);
	if (fi->fh >= srv.nvols || srv.vols[fi->fh].gone) {
		r = -ENOENT;
		goto out;
	}
	sz = srv.vols[fi->fh].size;
	if (off < 0 || (uint64_t)off >= sz) {
		r = 0;
		goto out;
	}
	if (size > sz - (uint64_t)off)
		size = (size_t)(sz - (uint64_t)off);
	r = vol_io((int)fi->fh, (uint8_t *)buf, size, (uint64_t)off, 0, 0);
	if (r == 0)
		r = (int)size;
	else if (r != -ENOMEM && r != -EROFS && r != -ENOSPC)
		r = -EIO;
out:
	pthread_rwlock_unlock(&srv.lock);
	return r;
}

/* --- the control file --- */

static int parse_area(char **save, struct area *a)
{
	char *dev = strtok_r(NULL, " \t", save), *offs = strtok_r(NULL, " \t", save), *end, *base;
	unsigned long long o;

	if (!dev || !offs)
		return -EINVAL;
	base = strrchr(dev, '/');
	base = base ? base + 1 : dev;
	a->parent = find_vol(base);
	o = strtoull(offs, &end, 10);
	if (a->parent < 0 || *end || o > UINT64_MAX / 512)
		return -EINVAL;
	a->off = o * 512;
	return 0;
}

static void free_vol(struct vol *v)
{
	for (size_t i = 0; i < v->nsegs; i++)
		free(v->segs[i].areas);
	free(v->segs);
	free(v->name);
	memset(v, 0, sizeof(*v));
}

/* "add NAME\n" + dm-style segment lines.  Called with the lock held. */
static int control_add(char *text)
{
	char *line, *lsave, *name;
	struct vol v = { 0 };
	int r = -EINVAL;

	line = strtok_r(text, "\n", &lsave);
	name = line + 4;
	if (!*name || strchr(name, '/') || name[0] == '.' || strlen(name) > 200 || find_vol(name) >= 0 ||
	    srv.nvols >= MAX_VOLS)
		return name[0] && find_vol(name) >= 0 ? -EEXIST : -EINVAL;
	v.name = rr_xstrdup(name);
	while ((line = strtok_r(NULL, "\n", &lsave))) {
		char *save, *t[3], *end;
		unsigned long long start, len;
		struct seg sg = { 0 };

		t[0] = strtok_r(line, " \t", &save);
		t[1] = strtok_r(NULL, " \t", &save);
		t[2] = strtok_r(NULL, " \t", &save);
		if (!t[0] || !t[1] || !t[2])
			goto bad;
		start = strtoull(t[0], &end, 10);
		if (*end)
			goto bad;
		len = strtoull(t[1], &end, 10);
		if (*end || !len || start > UINT64_MAX / 1024 || len > UINT64_MAX / 1024)
			goto bad;
		sg.start = start * 512;
		sg.len = len * 512;
		if (!strcmp(t[2], "linear")) {
			sg.nareas = 1;
			sg.areas = rr_xcalloc(1, sizeof(*sg.areas));
			if (parse_area(&save, &sg.areas[0]) < 0)
				goto bad_seg;
		} else if (!strcmp(t[2], "striped")) {
			char *ns = strtok_r(NULL, " \t", &save), *ss = strtok_r(NULL, " \t", &save);
			unsigned long n, stripe;

			if (!ns || !ss)
				goto bad;
			n = strtoul(ns, &end, 10);
			if (*end || !n || n > MAX_AREAS)
				goto bad;
			stripe = strtoul(ss, &end, 10);
			if (*end || !stripe || stripe > (1ul << 21))
				goto bad;
			sg.stripe = (uint64_t)stripe * 512;
			sg.nareas = (unsigned)n;
			sg.areas = rr_xcalloc(n, sizeof(*sg.areas));
			for (unsigned long i = 0; i < n; i++)
				if (parse_area(&save, &sg.areas[i]) < 0)
					goto bad_seg;
		} else {
			goto bad;
		}
		v.segs = rr_xrealloc(v.segs, (v.nsegs + 1) * sizeof(*v.segs));
		v.segs[v.nsegs++] = sg;
		if (sg.start + sg.len > v.size)
			v.size = sg.start + sg.len;
		continue;
bad_seg:
		free(sg.areas);
		goto bad;
	}
	if (!v.nsegs)
		goto bad;
	srv.vols[srv.nvols++] = v;
	return 0;
bad:
	free_vol(&v);
	return r;
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	uint64_t sz;
	int r;

	if (fi->fh == FH_CONTROL) {
		char *text = rr_xmalloc(size + 1);
		size_t l = size;

		memcpy(text, buf, size);
		text[size] = '\0';
		while (l && (text[l - 1] == '\n' || text[l - 1] == ' '))
			text[--l] = '\0';
		r = 0;
		pthread_rwlock_wrlock(&srv.lock);
		if (!strcmp(text, "rw"))
			rr_uarray_set_writable(srv.array, 1);
		else if (!strcmp(text, "ro"))
			rr_uarray_set_writable(srv.array, 0);
		else if (!strncmp(text, "add ", 4))
			r = control_add(text);
		else
			r = -EINVAL;
		pthread_rwlock_unlock(&srv.lock);
		free(text);
		return r < 0 ? r : (int)size;
	}
	pthread_rwlock_rdlock(&srv.lock);
	if (fi->fh >= srv.nvols || srv.vols[fi->fh].gone) {
		r = -ENOENT;
		goto out;
	}
	sz = srv.vols[fi->fh].size;
	if (off < 0 || (uint64_t)off >= sz || size > sz - (uint64_t)off) {
		r = -ENOSPC;	/* a block device's end */
		goto out;
	}
	r = vol_io((int)fi->fh, (uint8_t *)buf, size, (uint64_t)off, 1, 0);
	if (r == 0)
		r = (int)size;
	else if (r != -EROFS && r != -ENOSPC)
		r = -EIO;
out:
	pthread_rwlock_unlock(&srv.lock);
	return r;
}

static int fs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	return rr_uarray_sync(srv.array) < 0 ? -EIO : 0;
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	int64_t v;

	pthread_rwlock_rdlock(&srv.lock);
	v = lookup_path(path);
	pthread_rwlock_unlock(&srv.lock);
	if (v == (int64_t)FH_CONTROL)
		return 0;	/* "echo rw > .control" opens with O_TRUNC */
	return v < 0 ? -ENOENT : -EPERM;
}

static int fs_unlink(const char *path)
{
	int64_t v;
	int r = 0;

	pthread_rwlock_wrlock(&srv.lock);
	v = lookup_path(path);
	if (v < 0) {
		r = -ENOENT;
	} else if (v == 0 || v == (int64_t)FH_CONTROL) {
		r = -EPERM;
	} else {
		/* not while another volume lies on it */
		for (size_t i = 1; i < srv.nvols && !r; i++)
			for (size_t k = 0; !srv.vols[i].gone && k < srv.vols[i].nsegs && !r; k++)
				for (unsigned a = 0; a < srv.vols[i].segs[k].nareas; a++)
					if (srv.vols[i].segs[k].areas[a].parent == (int)v)
						r = -EBUSY;
		if (!r)
			srv.vols[v].gone = 1;	/* open handles keep their index */
	}
	pthread_rwlock_unlock(&srv.lock);
	return r;
}

static int fs_statfs(const char *path, struct statvfs *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = 4096;
	sv->f_frsize = 4096;
	sv->f_blocks = rr_uarray_size(srv.array) / 4096;
	sv->f_files = srv.nvols + 1;
	sv->f_namemax = 255;
	return 0;
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* The files alias each other (p1 is part of array): no page
	 * cache kept across opens, no cached attributes for long. */
	cfg->kernel_cache = 0;
	cfg->attr_timeout = 1;
	cfg->entry_timeout = 1;
	cfg->negative_timeout = 0;
	cfg->use_ino = 0;
	conn->max_readahead = 1u << 20;
	return NULL;
}

static const struct fuse_operations ops = {
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.fsync = fs_fsync,
	.truncate = fs_truncate,
	.unlink = fs_unlink,
	.statfs = fs_statfs,
	.init = fs_init,
};

/* --- setting up from the journal --- */

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return o && json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

static int64_t jint(json_object *o, const char *k, int64_t dflt)
{
	json_object *x;

	return o && json_object_object_get_ex(o, k, &x) ? json_object_get_int64(x) : dflt;
}

__attribute__((format(printf, 2, 3)))
static void say(int fd, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s", buf);
	if (fd >= 0 && n > 0 && write(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
		fprintf(stderr, "cannot report to the starting process: %s\n", strerror(errno));
}

static int open_from_journal(const char *dir, uint64_t step, char *msg, size_t n)
{
	struct rr_journal_view v;
	struct rr_uarray_slot *slots = NULL;
	char **owned = NULL;
	struct rr_step *st;
	struct rr_geom g;
	json_object *order;
	char *jpath = rr_xasprintf("%s/journal.jsonl", dir);
	size_t nslots = 0;
	int r;

	r = rr_journal_read(jpath, &v);
	free(jpath);
	if (r < 0) {
		snprintf(msg, n, _("cannot read the journal: %s"), strerror(-r));
		return r;
	}
	st = rr_journal_find(&v, step);
	if (!st || strcmp(st->action, "assemble") || !json_object_object_get_ex(st->args, "order", &order) ||
	    !json_object_is_type(order, json_type_array)) {
		snprintf(msg, n, _("journal step %" PRIu64 " is not an assembly"), step);
		r = -EINVAL;
		goto out;
	}
	nslots = json_object_array_length(order);
	if (!nslots || nslots > RR_LAYOUT_MAX_DISKS) {
		snprintf(msg, n, "%s", _("the assembly has no slots"));
		r = -EINVAL;
		goto out;
	}
	g = (struct rr_geom){ .level = (int)jint(st->args, "level", 5), .layout = (int)jint(st->args, "layout", 2),
			      .chunk_sectors = (unsigned)jint(st->args, "chunk_kib", 64) * 2,
			      .ndisks = (unsigned)nslots, .dev_sectors = (uint64_t)jint(st->args, "dev_sectors", 0) };
	slots = rr_xcalloc(nslots, sizeof(*slots));
	owned = rr_xcalloc(nslots * 2, sizeof(*owned));
	for (size_t i = 0; i < nslots; i++) {
		json_object *slot = json_object_array_get_idx(order, i);
		const char *m = jstr(slot, "member");

		slots[i].data_offset = (uint64_t)jint(slot, "data_offset_sectors", 0);
		if (!m)
			continue;
		/* the overlay of this member: its real path and COW store */
		for (size_t k = 0; k < v.nsteps && !slots[i].origin; k++) {
			struct rr_step *o = &v.steps[k];
			const char *om = jstr(o->args, "member");

			if (strcmp(o->action, "overlay") || o->state != RR_STEP_DONE || !om || strcmp(om, m))
				continue;
			owned[2 * i] = rr_xstrdup(jstr(o->args, "member_realpath") ? jstr(o->args, "member_realpath") : om);
			owned[2 * i + 1] = jstr(o->args, "cow") ? rr_xstrdup(jstr(o->args, "cow"))
				: rr_xasprintf("%s/m%d.rrcow", dir, (int)jint(o->args, "index", 0));
			slots[i].origin = owned[2 * i];
			slots[i].cow = owned[2 * i + 1];
		}
		if (!slots[i].origin) {
			snprintf(msg, n, _("%s has no snapshot in this session"), m);
			r = -ENOENT;
			goto out;
		}
	}
	r = rr_uarray_open(&g, slots, &srv.array, msg, n);
out:
	for (size_t i = 0; owned && i < nslots * 2; i++)
		free(owned[i]);
	free(owned);
	free(slots);
	rr_journal_view_free(&v);
	return r;
}

int rr_fuse_serve(const char *dir, uint64_t step, const char *mountpoint, int ready_fd)
{
	char msg[1024] = "";
	char *argv[] = { "raidrescue", "-o", "fsname=" RR_FUSE_FSNAME ",subtype=" RR_FUSE_FSNAME, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct fuse_loop_config *lc;
	struct fuse *f;
	int r;

	pthread_rwlock_init(&srv.lock, NULL);
	srv.uid = getuid();
	srv.gid = getgid();
	r = open_from_journal(dir, step, msg, sizeof(msg));
	if (r < 0) {
		say(ready_fd, "error: %s\n", msg);
		return 1;
	}
	srv.vols[0].name = rr_xstrdup("array");
	srv.vols[0].size = rr_uarray_size(srv.array);
	srv.nvols = 1;
	srv.mountpoint = rr_xstrdup(mountpoint);
	f = fuse_new(&args, &ops, sizeof(ops), NULL);
	if (!f) {
		say(ready_fd, "error: %s\n", _("cannot start the FUSE server (libfuse refused the options)"));
		rr_uarray_close(srv.array);
		return 1;
	}
	if (fuse_mount(f, mountpoint) < 0) {
		say(ready_fd, "error: %s\n", _("cannot mount the FUSE export (no /dev/fuse, or fusermount3 refused)"));
		fuse_destroy(f);
		rr_uarray_close(srv.array);
		return 1;
	}
	fuse_set_signal_handlers(fuse_get_session(f));
	say(ready_fd, "ready\n");
	if (ready_fd >= 0)
		close(ready_fd);
	lc = fuse_loop_cfg_create();
	fuse_loop_cfg_set_max_threads(lc, 16);
	fuse_loop_cfg_set_idle_threads(lc, 4);
	r = fuse_loop_mt(f, lc);
	fuse_loop_cfg_destroy(lc);
	fuse_remove_signal_handlers(fuse_get_session(f));
	fuse_unmount(f);
	fuse_destroy(f);
	if (rr_uarray_close(srv.array) < 0)
		r = 1;
	for (size_t i = 0; i < srv.nvols; i++)
		free_vol(&srv.vols[i]);
	free(srv.mountpoint);
	return r ? 1 : 0;
}
