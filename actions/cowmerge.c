/* Offline merge of a dm-snapshot store into its origin, with an undo store
 * (see actions/cowmerge.h for the order of writes and why). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "actions/cow_store.h"
#include "actions/cowmerge.h"
#include "actions/dm.h"
#include "actions/loop.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/msg.h"
#include "probes/devread.h"
#include "actions/fileio.h"

#define SECTOR 512u
/* Bytes moved per read/write: large enough that the copy runs at the
 * disk's streaming rate, small enough to stay well inside memory. */
#define BATCH (8u << 20)
#define ACTION "cow-merge"

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

static int file_size(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) < 0 ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -ENOTBLK;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

/* ---- plan ------------------------------------------------------------ */

void rr_cowmerge_plan_free(struct rr_cowmerge_plan *p)
{
	rr_cow_info_free(p->info);
	free(p->runs);
	memset(p, 0, sizeof(*p));
}

/* Bytes of origin chunk c that exist (the last chunk may be cut short by
 * an origin whose size is not a whole number of chunks). */
static uint64_t chunk_len(uint64_t c, uint64_t chunk_bytes, uint64_t origin_bytes)
{
	uint64_t off = c * chunk_bytes;

	return origin_bytes - off < chunk_bytes ? origin_bytes - off : chunk_bytes;
}

static void make_runs(struct rr_cowmerge_plan *p)
{
	const struct rr_cow_exception *m = p->info->map;
	size_t cap = 0;

	p->nruns = 0;
	p->nchunks = p->info->nmap;
	p->bytes = 0;
	for (uint64_t i = 0; i < p->info->nmap; i++) {
		p->bytes += chunk_len(m[i].old_chunk, p->chunk_bytes, p->origin_bytes);
		if (p->nruns && p->runs[p->nruns - 1].chunk + p->runs[p->nruns - 1].nchunks == m[i].old_chunk) {
			p->runs[p->nruns - 1].nchunks++;
			continue;
		}
		if (p->nruns == cap) {
			cap = cap ? cap * 2 : 64;
			p->runs = rr_xrealloc(p->runs, cap * sizeof(*p->runs));
		}
		p->runs[p->nruns].chunk = m[i].old_chunk;
		p->runs[p->nruns].nchunks = 1;
		p->nruns++;
	}
}

/* Decode a store at path; messages name what is wrong with it. */
static int read_store(const char *path, struct rr_cow_info **info, char *msg, size_t n)
{
	struct rr_dev *dev;
	int r;

	*info = NULL;
	r = rr_dev_open(path, &dev);
	if (r < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), path, strerror(-r));
		return r;
	}
	r = rr_cow_read(dev, NULL, info);
	rr_dev_close(dev);
	if (r == RR_PROBE_NONE) {
		snprintf(msg, n, _("%s is not a persistent dm-snapshot store (no SnAp header)"), path);
		return -EINVAL;
	}
	if (r < 0) {
		snprintf(msg, n, _("%s: unusable dm-snapshot store (unknown version or bad chunk size)"), path);
		return r;
	}
	if (!(*info)->valid) {
		snprintf(msg, n, _("%s: the snapshot is marked invalid (it overflowed or failed); its data is incomplete"), path);
		r = -EINVAL;
	} else if ((*info)->truncated) {
		snprintf(msg, n, _("%s: the store ends before its last metadata area (a truncated copy?)"), path);
		r = -EINVAL;
	} else if ((*info)->bad_new) {
		snprintf(msg, n, P_("%s: %" PRIu64 " exception points outside the store's data chunks (damaged store)",
				    "%s: %" PRIu64 " exceptions point outside the store's data chunks (damaged store)",
				    (*info)->bad_new), path, (*info)->bad_new);
		r = -EINVAL;
	}
	if (r < 0) {
		rr_cow_info_free(*info);
		*info = NULL;
	}
	return r;
}

int rr_cowmerge_plan(const char *origin, const char *cow, unsigned want_chunk_sectors,
		     struct rr_cowmerge_plan *p, char *msg, size_t n)
{
	struct stat so, sc;
	int fd, r;

	memset(p, 0, sizeof(*p));
	msg[0] = '\0';
	if (!realpath(origin, p->origin) || stat(p->origin, &so) < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), origin, strerror(errno));
		return -errno;
	}
	if (!realpath(cow, p->cow) || stat(p->cow, &sc) < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), cow, strerror(errno));
		return -errno;
	}
	if ((S_ISBLK(so.st_mode) && S_ISBLK(sc.st_mode) && so.st_rdev == sc.st_rdev) ||
	    (so.st_dev == sc.st_dev && so.st_ino == sc.st_ino)) {
		snprintf(msg, n, "%s", _("the origin and the snapshot store are the same device"));
		return -EINVAL;
	}
	fd = open(p->origin, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), p->origin, strerror(errno));
		return -errno;
	}
	r = file_size(fd, &p->origin_bytes);
	close(fd);
	if (r < 0) {
		snprintf(msg, n, _("%s: not a block device or an image file"), p->origin);
		return r;
	}
	r = read_store(p->cow, &p->info, msg, n);
	if (r < 0)
		return r;
	p->chunk_sectors = p->info->chunk_size;
	p->chunk_bytes = (uint64_t)p->chunk_sectors * SECTOR;
	if (want_chunk_sectors && want_chunk_sectors != p->chunk_sectors) {
		snprintf(msg, n, _("the store has %u-sector chunks, not the %u sectors asked for"),
			 p->chunk_sectors, want_chunk_sectors);
		rr_cowmerge_plan_free(p);
		return -EINVAL;
	}
	/* The map is sorted: its last entry is the highest origin chunk. */
	if (p->info->nmap) {
		uint64_t last = p->info->map[p->info->nmap - 1].old_chunk;

		if (last >= p->origin_bytes / p->chunk_bytes + (p->origin_bytes % p->chunk_bytes != 0)) {
			snprintf(msg, n, _("the store remaps origin chunk %" PRIu64 " (byte %" PRIu64 "), past the end of %s (%"
					   PRIu64 " bytes): this is not the origin of this snapshot"),
				 last, last * p->chunk_bytes, p->origin, p->origin_bytes);
			rr_cowmerge_plan_free(p);
			return -EINVAL;
		}
	}
	make_runs(p);
	return 0;
}

/* ---- exclusive use --------------------------------------------------- */

struct loop_match {
	dev_t dev;
	ino_t ino;
	char loop[64];
};

static int loop_match_cb(void *ctx, const char *dev, const char *backing)
{
	struct loop_match *lm = ctx;
	struct stat st;

	if (stat(backing, &st) < 0 || st.st_dev != lm->dev || st.st_ino != lm->ino)
		return 0;
	snprintf(lm->loop, sizeof(lm->loop), "%s", dev);
	return 1;
}

/* A dm device whose table is snapshot-origin (an LVM origin with an
 * active snapshot): every write through it copies the old chunk into the
 * snapshot first, which would fill the very store being merged. */
static int origin_of_live_snapshot(dev_t rdev, char *msg, size_t n)
{
	char p[128], name[256] = "", table[256];
	FILE *f;

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/dm/name", major(rdev), minor(rdev));
	f = fopen(p, "re");
	if (!f)
		return 0;
	if (!fgets(name, sizeof(name), f))
		name[0] = '\0';
	fclose(f);
	name[strcspn(name, "\n")] = '\0';
	if (!name[0] || rr_dm_table(name, table, sizeof(table)) < 0 || strncmp(table, "snapshot-origin ", 16))
		return 0;
	snprintf(msg, n, "%s", _("the origin has an active snapshot (its table is snapshot-origin): every write through it "
				 "would copy a chunk into the snapshot; take the snapshot down first and name the device "
				 "that holds the origin's data"));
	return 1;
}

int rr_cowmerge_open_excl(const char *path, int writable, int *fd, char *msg, size_t n)
{
	struct loop_match lm = { 0 };
	struct stat st;
	int flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;

	*fd = -1;
	if (stat(path, &st) < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), path, strerror(errno));
		return -errno;
	}
	if (S_ISBLK(st.st_mode) && writable && origin_of_live_snapshot(st.st_rdev, msg, n)) {
		snprintf(msg + strlen(msg), n - strlen(msg), " (%s)", path);
		return -EBUSY;
	}
	if (S_ISBLK(st.st_mode)) {
		/* O_EXCL on a block device fails while the kernel or another
		 * program holds it: mounted, in an md array, under a dm
		 * device, or opened exclusively. */
		*fd = open(path, flags | O_EXCL);
		if (*fd < 0) {
			int e = errno;

			if (e == EBUSY)
				snprintf(msg, n, _("%s is in use (mounted, part of an array, under a device-mapper device, or held by another program)"),
					 path);
			else
				snprintf(msg, n, _("cannot open %s: %s"), path, strerror(e));
			return -e;
		}
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, n, _("%s: not a block device or an image file"), path);
		return -ENOTBLK;
	}
	lm.dev = st.st_dev;
	lm.ino = st.st_ino;
	if (rr_loop_list(loop_match_cb, &lm) == 1) {
		snprintf(msg, n, _("%s is in use: %s is attached to it (detach it first)"), path, lm.loop);
		return -EBUSY;
	}
	*fd = open(path, flags);
	if (*fd < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), path, strerror(errno));
		return -errno;
	}
	if (flock(*fd, (writable ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
		snprintf(msg, n, _("%s is in use by another program (locked)"), path);
		close(*fd);
		*fd = -1;
		return -EBUSY;
	}
	return 0;
}

/* ---- moving chunks ----------------------------------------------------- */

/* Read the data chunks of map[i..j) of a store (fd) into buf, coalescing
 * consecutive data chunks into one read. */
static int read_store_chunks(int fd, const struct rr_cow_exception *map, uint64_t i, uint64_t j,
			     uint64_t chunk_bytes, uint8_t *buf)
{
	while (i < j) {
		uint64_t k = i + 1;
		int r;

		while (k < j && map[k].new_chunk == map[k - 1].new_chunk + 1)
			k++;
		r = rr_pread_exact(fd, buf, (size_t)((k - i) * chunk_bytes), map[i].new_chunk * chunk_bytes, 0);
		if (r < 0)
			return r;
		buf += (k - i) * chunk_bytes;
		i = k;
	}
	return 0;
}

/* End of the batch that starts at map[i]: consecutive origin chunks, at
 * most BATCH bytes. */
static uint64_t batch_end(const struct rr_cow_exception *map, uint64_t i, uint64_t nmap, uint64_t chunk_bytes)
{
	uint64_t j = i + 1, max = BATCH / chunk_bytes ? BATCH / chunk_bytes : 1;

	while (j < nmap && j - i < max && map[j].old_chunk == map[j - 1].old_chunk + 1)
		j++;
	return j;
}

static void fail_after_run(uint64_t run)
{
	char name[64];

	if (!getenv("RAIDRESCUE_FAILPOINT"))
		return;
	snprintf(name, sizeof(name), "cowmerge.run.%" PRIu64, run);
	rr_failpoint(name);
	rr_failpoint("cowmerge.run");
}

/* Copy every chunk of a store (src_fd, map) onto the origin. */
static int copy_chunks(int src_fd, const struct rr_cow_exception *map, uint64_t nmap, uint64_t chunk_bytes,
		       int dst_fd, uint64_t origin_bytes, const char *what, rr_cowmerge_progress_fn progress,
		       void *ctx, uint64_t total)
{
	uint8_t *buf = rr_xmalloc(BATCH > chunk_bytes ? BATCH : chunk_bytes);
	uint64_t done = 0, run = 0;
	int r = 0;

	for (uint64_t i = 0; i < nmap;) {
		uint64_t j = batch_end(map, i, nmap, chunk_bytes), off = map[i].old_chunk * chunk_bytes, len;

		len = (j - i) * chunk_bytes;
		if (off + len > origin_bytes)
			len = origin_bytes - off;
		r = read_store_chunks(src_fd, map, i, j, chunk_bytes, buf);
		if (r == 0)
			r = rr_pwrite_exact(dst_fd, buf, (size_t)len, off);
		if (r < 0)
			break;
		done += len;
		if (progress)
			progress(ctx, what, done, total);
		/* a run ends where the next origin chunk is not adjacent */
		if (j == nmap || map[j].old_chunk != map[j - 1].old_chunk + 1)
			fail_after_run(++run);
		i = j;
	}
	free(buf);
	return r;
}

/* Save the origin's data of every chunk in the plan into a new undo store
 * at final (written as final.partial, renamed when durable). */
static int write_undo(int origin_fd, const struct rr_cowmerge_plan *p, const char *final,
		      rr_cowmerge_progress_fn progress, void *ctx, char *msg, size_t n)
{
	const struct rr_cow_exception *map = p->info->map;
	uint64_t per_area = p->chunk_bytes / 16, areas, size, done = 0;
	char *partial = rr_xasprintf("%s.partial", final);
	struct rr_cow_store *cs = NULL;
	uint8_t *buf = NULL;
	int r;

	areas = p->nchunks / per_area + 1;
	/* header + areas + data + one spare: the writer keeps a chunk free
	 * as the kernel does */
	size = (1 + areas + p->nchunks + 2) * p->chunk_bytes;
	unlink(partial);	/* a crash before the rename: never used */
	r = rr_cow_store_create(partial, p->chunk_sectors, size, &cs);
	if (r < 0) {
		snprintf(msg, n, _("cannot create the undo store %s: %s"), partial, strerror(-r));
		goto out;
	}
	/* renamed into place only once complete and flushed */
	rr_cow_store_defer(cs);
	buf = rr_xmalloc(BATCH > p->chunk_bytes ? BATCH : p->chunk_bytes);
	for (uint64_t i = 0; i < p->nchunks;) {
		uint64_t j = batch_end(map, i, p->nchunks, p->chunk_bytes), off = map[i].old_chunk * p->chunk_bytes;
		uint64_t len = (j - i) * p->chunk_bytes;

		if (off + len > p->origin_bytes) {
			len = p->origin_bytes - off;
			/* the part of the last chunk past the origin's end */
			memset(buf + len, 0, (size_t)((j - i) * p->chunk_bytes - len));
		}
		r = rr_pread_exact(origin_fd, buf, (size_t)len, off, 0);
		if (r < 0) {
			snprintf(msg, n, _("cannot read %s at byte %" PRIu64 ": %s"), p->origin, off, strerror(-r));
			goto out;
		}
		for (uint64_t k = i; k < j; k++) {
			r = rr_cow_store_add_exception_nosync(cs, map[k].old_chunk, buf + (k - i) * p->chunk_bytes);
			if (r < 0) {
				snprintf(msg, n, _("cannot write the undo store %s: %s"), partial, strerror(-r));
				goto out;
			}
		}
		done += len;
		if (progress)
			progress(ctx, "save", done, p->bytes);
		i = j;
	}
	r = rr_cow_store_close(cs);
	cs = NULL;
	if (r < 0) {
		snprintf(msg, n, _("cannot write the undo store %s: %s"), partial, strerror(-r));
		goto out;
	}
	/* The rename is the commit point: from here on the origin may be
	 * written, and undo knows it can restore. */
	if (rename(partial, final) < 0) {
		r = -errno;
		snprintf(msg, n, _("cannot rename %s: %s"), partial, strerror(errno));
		goto out;
	}
	r = rr_fsync_dir_of(final);
	if (r < 0)
		snprintf(msg, n, _("cannot make the undo store durable: %s"), strerror(-r));
out:
	if (cs)
		rr_cow_store_close(cs);
	free(buf);
	free(partial);
	return r;
}

/* Every chunk of the origin must hold the snapshot's data (merged) or the
 * saved data (not yet merged).  cow_fd/cmap may be absent (cow_fd < 0).
 * *merged counts chunks already equal to the snapshot.  0, or -ESTALE
 * with the first chunk that holds neither. */
static int verify_state(int origin_fd, uint64_t origin_bytes, uint64_t chunk_bytes,
			int cow_fd, const struct rr_cow_exception *cmap,
			int undo_fd, const struct rr_cow_exception *umap, uint64_t nmap,
			uint64_t *merged, uint64_t *bad_chunk,
			rr_cowmerge_progress_fn progress, void *ctx, uint64_t total)
{
	size_t bsz = BATCH > chunk_bytes ? BATCH : chunk_bytes;
	uint8_t *o = rr_xmalloc(bsz), *c = rr_xmalloc(bsz), *u = rr_xmalloc(bsz);
	uint64_t done = 0;
	int r = 0;

	*merged = 0;
	for (uint64_t i = 0; i < nmap && r == 0;) {
		uint64_t j = batch_end(umap, i, nmap, chunk_bytes), off = umap[i].old_chunk * chunk_bytes;
		uint64_t len = (j - i) * chunk_bytes;

		if (off + len > origin_bytes)
			len = origin_bytes - off;
		r = rr_pread_exact(origin_fd, o, (size_t)len, off, 0);
		if (r == 0)
			r = read_store_chunks(undo_fd, umap, i, j, chunk_bytes, u);
		if (r == 0 && cow_fd >= 0)
			r = read_store_chunks(cow_fd, cmap, i, j, chunk_bytes, c);
		for (uint64_t k = i; k < j && r == 0; k++) {
			uint64_t at = (k - i) * chunk_bytes, l = len - at < chunk_bytes ? len - at : chunk_bytes;

			if (cow_fd >= 0 && !memcmp(o + at, c + at, (size_t)l))
				(*merged)++;
			else if (memcmp(o + at, u + at, (size_t)l)) {
				*bad_chunk = umap[k].old_chunk;
				r = -ESTALE;
			}
		}
		done += len;
		if (progress && r == 0)
			progress(ctx, "verify", done, total);
		i = j;
	}
	free(o);
	free(c);
	free(u);
	return r;
}

/* The undo store must hold exactly the merge's origin chunks. */
static int same_chunks(const struct rr_cow_info *a, const struct rr_cow_info *b)
{
	if (a->nmap != b->nmap || a->chunk_size != b->chunk_size)
		return 0;
	for (uint64_t i = 0; i < a->nmap; i++)
		if (a->map[i].old_chunk != b->map[i].old_chunk)
			return 0;
	return 1;
}

/* ---- the journaled step ----------------------------------------------- */

json_object *rr_res_cowmerge(const char *origin, const char *cow, const char *undo_store)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("cowmerge"));
	json_object_object_add(o, "origin", json_object_new_string(origin));
	json_object_object_add(o, "cow", json_object_new_string(cow));
	json_object_object_add(o, "undo_store", json_object_new_string(undo_store));
	/* what undo messages call it */
	json_object_object_add(o, "device", json_object_new_string(origin));
	return o;
}

static json_object *one_res(const char *origin, const char *cow, const char *undo)
{
	json_object *a = json_object_new_array();

	json_object_array_add(a, rr_res_cowmerge(origin, cow, undo));
	return a;
}

/* The latest step of this merge that is not undone, or NULL. */
static struct rr_step *find_step(struct rr_journal_view *v, const struct rr_cowmerge_plan *p)
{
	for (size_t i = v->nsteps; i-- > 0;) {
		struct rr_step *st = &v->steps[i];
		const char *o = jstr(st->args, "origin"), *c = jstr(st->args, "cow");

		if (strcmp(st->action, ACTION) || st->state == RR_STEP_UNDONE || !o || !c)
			continue;
		if (!strcmp(o, p->origin) && !strcmp(c, p->cow))
			return st;
	}
	return NULL;
}

static int finish(struct rr_session *s, struct rr_cowmerge_plan *p, int origin_fd, int cow_fd,
		  const struct rr_cowmerge_opts *o, char *msg, size_t n)
{
	int r = copy_chunks(cow_fd, p->info->map, p->nchunks, p->chunk_bytes, origin_fd, p->origin_bytes,
			    "merge", o ? o->progress : NULL, o ? o->ctx : NULL, p->bytes);

	if (r < 0) {
		snprintf(msg, n, _("copying onto %s failed: %s (the merge can be completed by running it again, or undone)"),
			 p->origin, strerror(-r));
		return r;
	}
	if (fdatasync(origin_fd) < 0) {
		r = -errno;
		snprintf(msg, n, _("cannot flush %s: %s"), p->origin, strerror(errno));
		return r;
	}
	rr_session_log(s, "cow-merge: %" PRIu64 " chunks copied onto %s", p->nchunks, p->origin);
	rr_failpoint("cowmerge.before-done");
	return 0;
}

int rr_cowmerge(struct rr_session *s, struct rr_cowmerge_plan *p, const struct rr_cowmerge_opts *o,
		int *resumed, char *msg, size_t n)
{
	struct rr_journal_view v = { 0 };
	struct rr_step *st;
	char *jpath = rr_session_file(s, "journal.jsonl"), *undo = NULL;
	int origin_fd = -1, cow_fd = -1, undo_fd = -1, r;
	uint64_t seq = 0;

	msg[0] = '\0';
	*resumed = 0;
	r = rr_cowmerge_open_excl(p->origin, 1, &origin_fd, msg, n);
	if (r < 0)
		goto out;
	r = rr_cowmerge_open_excl(p->cow, 0, &cow_fd, msg, n);
	if (r < 0)
		goto out;
	if (rr_journal_read(jpath, &v) < 0)
		memset(&v, 0, sizeof(v));
	st = find_step(&v, p);
	if (st && st->state == RR_STEP_DONE) {
		snprintf(msg, n, _("step %" PRIu64 " of this session already merged this store into %s (undo it first to merge again)"),
			 st->seq, p->origin);
		r = -EALREADY;
		goto out;
	}
	if (st && st->resources && json_object_array_length(st->resources) == 1) {
		const char *u = jstr(json_object_array_get_idx(st->resources, 0), "undo_store");

		if (u && access(u, F_OK) == 0) {
			undo = rr_xstrdup(u);
			seq = st->seq;
		} else {
			/* Interrupted before the undo store was committed:
			 * the origin was never written.  Start afresh. */
			char *partial = rr_xasprintf("%s.partial", u ? u : "");

			if (u)
				unlink(partial);
			free(partial);
			rr_journal_failed(s, st->seq, "interrupted before the origin was written", NULL);
		}
	}
	if (undo) {
		/* Resume: the undo store is complete; the origin may be
		 * partly merged.  Check that it is still ours to write. */
		struct rr_cow_info *ui = NULL;
		uint64_t merged = 0, bad = 0;

		*resumed = 1;
		r = read_store(undo, &ui, msg, n);
		if (r < 0)
			goto out;
		if (!same_chunks(ui, p->info)) {
			snprintf(msg, n, _("the undo store %s does not hold the chunks of this merge"), undo);
			rr_cow_info_free(ui);
			r = -EINVAL;
			goto out;
		}
		undo_fd = open(undo, O_RDONLY | O_CLOEXEC);
		if (undo_fd < 0) {
			r = -errno;
			snprintf(msg, n, _("cannot open %s: %s"), undo, strerror(errno));
			rr_cow_info_free(ui);
			goto out;
		}
		r = verify_state(origin_fd, p->origin_bytes, p->chunk_bytes, cow_fd, p->info->map, undo_fd, ui->map,
				 ui->nmap, &merged, &bad, o ? o->progress : NULL, o ? o->ctx : NULL, p->bytes);
		rr_cow_info_free(ui);
		if (r == -ESTALE) {
			snprintf(msg, n, _("origin chunk %" PRIu64 " of %s holds neither the snapshot's data nor the saved data: "
					   "the origin changed since the merge began; refusing to continue"), bad, p->origin);
			goto out;
		}
		if (r < 0) {
			snprintf(msg, n, _("cannot read while checking the interrupted merge: %s"), strerror(-r));
			goto out;
		}
		rr_session_log(s, "cow-merge: resuming step %" PRIu64 " (%" PRIu64 " of %" PRIu64 " chunks already merged)",
			       seq, merged, p->nchunks);
	} else {
		json_object *args = json_object_new_object();

		seq = s->next_seq;
		undo = rr_xasprintf("%s/cowmerge-%" PRIu64 ".rrundo", s->dir, seq);
		json_object_object_add(args, "origin", json_object_new_string(p->origin));
		json_object_object_add(args, "cow", json_object_new_string(p->cow));
		json_object_object_add(args, "undo_store", json_object_new_string(undo));
		json_object_object_add(args, "chunk_sectors", json_object_new_int((int)p->chunk_sectors));
		json_object_object_add(args, "chunks", json_object_new_uint64(p->nchunks));
		json_object_object_add(args, "runs", json_object_new_uint64(p->nruns));
		json_object_object_add(args, "bytes", json_object_new_uint64(p->bytes));
		json_object_object_add(args, "origin_bytes", json_object_new_uint64(p->origin_bytes));
		/* for 'raidrescue journal --as-script': the undo store has no
		 * plain shell equivalent, so the step is the command itself */
		{
			json_object *sc = json_object_new_array(), *us = json_object_new_array();
			char *line = rr_xasprintf("raidrescue cow-merge --yes --session '%s' --cow '%s' --origin '%s'",
						  s->dir, p->cow, p->origin);

			json_object_array_add(sc, json_object_new_string(line));
			free(line);
			line = rr_xasprintf("raidrescue undo --session '%s'    # restores %s from %s", s->dir, p->origin, undo);
			json_object_array_add(us, json_object_new_string(line));
			free(line);
			json_object_object_add(args, "script", sc);
			json_object_object_add(args, "undo_script", us);
		}
		r = rr_journal_intent(s, ACTION, args, one_res(p->origin, p->cow, undo), &seq);
		if (r < 0) {
			snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
			goto out;
		}
		r = write_undo(origin_fd, p, undo, o ? o->progress : NULL, o ? o->ctx : NULL, msg, n);
		if (r < 0) {
			char *partial = rr_xasprintf("%s.partial", undo);

			unlink(partial);
			free(partial);
			rr_journal_failed(s, seq, msg, NULL);
			goto out;
		}
		rr_session_log(s, "cow-merge: undo store %s written (%" PRIu64 " chunks)", undo, p->nchunks);
		rr_failpoint("cowmerge.undo-written");
	}
	r = finish(s, p, origin_fd, cow_fd, o, msg, n);
	if (r < 0) {
		rr_journal_failed(s, seq, msg, one_res(p->origin, p->cow, undo));
		goto out;
	}
	r = rr_journal_done(s, seq, one_res(p->origin, p->cow, undo));
	if (r < 0)
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
out:
	rr_journal_view_free(&v);
	if (origin_fd >= 0)
		close(origin_fd);
	if (cow_fd >= 0)
		close(cow_fd);
	if (undo_fd >= 0)
		close(undo_fd);
	free(undo);
	free(jpath);
	return r;
}

/* ---- undo ------------------------------------------------------------- */

int rr_cowmerge_resource_present(json_object *res)
{
	const char *u = jstr(res, "undo_store");

	return u && access(u, F_OK) == 0;
}

int rr_cowmerge_undo_resource(json_object *res, char *msg, size_t n)
{
	const char *origin = jstr(res, "origin"), *cow = jstr(res, "cow"), *undo = jstr(res, "undo_store");
	struct rr_cow_info *ui = NULL, *ci = NULL;
	int origin_fd = -1, cow_fd = -1, undo_fd = -1, r;
	uint64_t origin_bytes = 0, merged = 0, bad = 0;
	char *partial;

	msg[0] = '\0';
	if (!origin || !undo)
		return 1;
	partial = rr_xasprintf("%s.partial", undo);
	unlink(partial);	/* never committed: the origin was not written */
	free(partial);
	if (access(undo, F_OK) < 0)
		return 1;
	r = read_store(undo, &ui, msg, n);
	if (r < 0)
		return r;
	r = rr_cowmerge_open_excl(origin, 1, &origin_fd, msg, n);
	if (r < 0)
		goto out;
	r = file_size(origin_fd, &origin_bytes);
	if (r < 0) {
		snprintf(msg, n, _("%s: not a block device or an image file"), origin);
		goto out;
	}
	if (ui->nmap && ui->map[ui->nmap - 1].old_chunk * ((uint64_t)ui->chunk_size * SECTOR) >= origin_bytes) {
		snprintf(msg, n, _("the undo store %s does not fit %s (the origin is smaller than it was)"), undo, origin);
		r = -EINVAL;
		goto out;
	}
	/* With the snapshot store at hand, make sure the origin holds only
	 * merged or saved data: a changed origin is not overwritten. */
	if (cow && read_store(cow, &ci, msg, n) == 0 && same_chunks(ci, ui) &&
	    rr_cowmerge_open_excl(cow, 0, &cow_fd, msg, n) == 0) {
		undo_fd = open(undo, O_RDONLY | O_CLOEXEC);
		if (undo_fd < 0) {
			r = -errno;
			snprintf(msg, n, _("cannot open %s: %s"), undo, strerror(errno));
			goto out;
		}
		r = verify_state(origin_fd, origin_bytes, (uint64_t)ui->chunk_size * SECTOR, cow_fd, ci->map, undo_fd,
				 ui->map, ui->nmap, &merged, &bad, NULL, NULL, 0);
		if (r == -ESTALE) {
			snprintf(msg, n, _("origin chunk %" PRIu64 " of %s holds neither the snapshot's data nor the saved data: "
					   "it changed after the merge; not restoring (the undo store %s is kept)"),
				 bad, origin, undo);
			goto out;
		}
		if (r < 0) {
			snprintf(msg, n, _("cannot read while checking %s: %s"), origin, strerror(-r));
			goto out;
		}
	}
	msg[0] = '\0';
	if (undo_fd < 0)
		undo_fd = open(undo, O_RDONLY | O_CLOEXEC);
	if (undo_fd < 0) {
		r = -errno;
		snprintf(msg, n, _("cannot open %s: %s"), undo, strerror(errno));
		goto out;
	}
	r = copy_chunks(undo_fd, ui->map, ui->nmap, (uint64_t)ui->chunk_size * SECTOR, origin_fd, origin_bytes,
			"restore", NULL, NULL, 0);
	if (r == 0 && fdatasync(origin_fd) < 0)
		r = -errno;
	if (r < 0) {
		snprintf(msg, n, _("restoring %s from %s failed: %s (run undo again)"), origin, undo, strerror(-r));
		goto out;
	}
	rr_failpoint("cowmerge.restored");
	/* Restored and durable: the undo store has done its work. */
	if (unlink(undo) < 0) {
		r = -errno;
		snprintf(msg, n, _("cannot remove %s: %s"), undo, strerror(errno));
		goto out;
	}
	rr_fsync_dir_of(undo);
	r = 0;
out:
	if (origin_fd >= 0)
		close(origin_fd);
	if (cow_fd >= 0)
		close(cow_fd);
	if (undo_fd >= 0)
		close(undo_fd);
	rr_cow_info_free(ui);
	rr_cow_info_free(ci);
	return r;
}
