/* ZFS rewind on overlays (see actions/zfs_rewind.h).
 *
 * Side file (the saved slots), all integers little-endian:
 *   "RRZFSUB1"  le64 count
 *   count x { le64 offset, le32 len, le32 0, len bytes }
 *   32-byte SHA-256 of everything before it
 * written as NAME.partial, flushed, renamed: the rename is the commit. */
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
#include <unistd.h>

#include "actions/overlay.h"
#include "actions/zfs_rewind.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/member.h"
#include "core/msg.h"
#include "core/sha256.h"
#include "probes/devread.h"
#include "probes/endian.h"
#include "probes/zfs.h"

#define SAVE_MAGIC "RRZFSUB1"
#define ACTION "zfs-rewind"

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static struct rr_zfs_info *read_zfs(const char *path, int *err)
{
	struct rr_member *m = rr_member_new(path);
	struct rr_zfs_info *zi = NULL;
	struct rr_dev *dev;

	*err = rr_dev_open(path, &dev);
	if (*err == 0) {
		zi = rr_zfs_read(dev, m);
		rr_dev_close(dev);
	}
	rr_member_free(m);
	return zi;
}

void rr_zfs_rewind_target_free(struct rr_zfs_rewind_target *t)
{
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
}

int rr_zfs_rewind_scan(const char *path, uint64_t txg, struct rr_zfs_rewind_target *t, char *msg, size_t n)
{
	struct rr_zfs_info *zi;
	size_t cap = 0;
	int r;

	memset(t, 0, sizeof(*t));
	msg[0] = '\0';
	snprintf(t->path, sizeof(t->path), "%s", path);
	zi = read_zfs(path, &r);
	if (r < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), path, strerror(-r));
		return r;
	}
	if (!zi) {
		snprintf(msg, n, _("%s carries no ZFS labels"), path);
		return -ENOMSG;
	}
	if (zi->config && (zi->config->have & RR_ZFS_CFG_POOL_GUID))
		t->pool_guid = zi->config->pool_guid;
	if (zi->have_active)
		t->active_txg = zi->active.txg;
	for (int l = 0; l < RR_ZFS_LABELS; l++) {
		const struct rr_zfs_label *lab = &zi->labels[l];

		for (size_t i = 0; i < lab->nubs; i++) {
			const struct rr_zfs_uberblock *ub = &lab->ubs[i];

			if (ub->txg == txg && ub->cksum == RR_ZFS_CKSUM_OK)
				t->has_txg = 1;
			/* Newer ones go, valid or not: a bad-checksum slot
			 * is ignored by ZFS today, but leave nothing newer
			 * behind that a later repair could revive. */
			if (ub->txg <= txg)
				continue;
			if (t->nslots == cap) {
				cap = cap ? cap * 2 : 32;
				t->slots = rr_xrealloc(t->slots, cap * sizeof(*t->slots));
			}
			t->slots[t->nslots++] = (struct rr_zfs_slot){
				.label = (unsigned)l, .slot = ub->slot, .offset = ub->offset,
				.len = lab->ub_slot_size, .txg = ub->txg, .cksum_ok = ub->cksum == RR_ZFS_CKSUM_OK,
			};
		}
	}
	rr_zfs_info_free(zi);
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char *d = rr_xstrdup(path), *slash = strrchr(d, '/');
	int fd, r = 0;

	if (slash)
		*(slash == d ? slash + 1 : slash) = '\0';
	fd = open(slash ? d : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	free(d);
	return r;
}

/* The device for writing: a block device exclusively (not while a pool
 * is imported from it), a file under an flock. */
static int open_target(const char *path, int *fd, char *msg, size_t n)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), path, strerror(errno));
		return -errno;
	}
	*fd = open(path, O_RDWR | O_CLOEXEC | (S_ISBLK(st.st_mode) ? O_EXCL : 0));
	if (*fd < 0) {
		int e = errno;

		if (e == EBUSY)
			snprintf(msg, n, _("%s is in use (an imported pool?); export it first"), path);
		else
			snprintf(msg, n, _("cannot open %s for writing: %s"), path, strerror(e));
		return -e;
	}
	if (S_ISREG(st.st_mode) && flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(msg, n, _("%s is in use by another program (locked)"), path);
		close(*fd);
		*fd = -1;
		return -EBUSY;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t k = write(fd, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

int rr_zfs_rewind_apply(const struct rr_zfs_rewind_target *t, const char *save_path, char *msg, size_t n)
{
	char *partial = rr_xasprintf("%s.partial", save_path);
	struct rr_sha256 h;
	uint8_t hdr[16], ent[16], digest[RR_SHA256_LEN], *buf = NULL, *zero = NULL;
	int fd = -1, sfd = -1, r;

	msg[0] = '\0';
	r = open_target(t->path, &fd, msg, n);
	if (r < 0)
		goto out;
	unlink(partial);
	sfd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (sfd < 0) {
		r = -errno;
		snprintf(msg, n, _("cannot create %s: %s"), partial, strerror(errno));
		goto out;
	}
	rr_sha256_init(&h);
	memcpy(hdr, SAVE_MAGIC, 8);
	put_le64(hdr + 8, t->nslots);
	rr_sha256_update(&h, hdr, sizeof(hdr));
	r = write_all(sfd, hdr, sizeof(hdr));
	for (size_t i = 0; i < t->nslots && r == 0; i++) {
		const struct rr_zfs_slot *sl = &t->slots[i];
		ssize_t k;

		buf = rr_xrealloc(buf, sl->len);
		k = pread(fd, buf, sl->len, (off_t)sl->offset);
		if (k != (ssize_t)sl->len) {
			r = k < 0 ? -errno : -EIO;
			break;
		}
		put_le64(ent, sl->offset);
		put_le32(ent + 8, sl->len);
		put_le32(ent + 12, 0);
		rr_sha256_update(&h, ent, sizeof(ent));
		rr_sha256_update(&h, buf, sl->len);
		r = write_all(sfd, ent, sizeof(ent));
		if (r == 0)
			r = write_all(sfd, buf, sl->len);
	}
	if (r == 0) {
		rr_sha256_final(&h, digest);
		r = write_all(sfd, digest, sizeof(digest));
	}
	if (r == 0 && fsync(sfd) < 0)
		r = -errno;
	if (r < 0) {
		snprintf(msg, n, _("cannot save the uberblocks of %s into %s: %s"), t->path, partial, strerror(-r));
		goto out;
	}
	close(sfd);
	sfd = -1;
	if (rename(partial, save_path) < 0) {
		r = -errno;
		snprintf(msg, n, _("cannot rename %s: %s"), partial, strerror(errno));
		goto out;
	}
	fsync_dir_of(save_path);
	rr_failpoint("zfsrewind.saved");
	/* Now the slots may go. */
	for (size_t i = 0; i < t->nslots && r == 0; i++) {
		zero = rr_xrealloc(zero, t->slots[i].len);
		memset(zero, 0, t->slots[i].len);
		if (pwrite(fd, zero, t->slots[i].len, (off_t)t->slots[i].offset) != (ssize_t)t->slots[i].len)
			r = errno ? -errno : -EIO;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r < 0)
		snprintf(msg, n, _("cannot write %s: %s (undo restores what was written)"), t->path, strerror(-r));
out:
	if (sfd >= 0) {
		close(sfd);
		unlink(partial);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	free(zero);
	free(partial);
	return r;
}

/* Read and check a whole side file. */
static int load_saved(const char *save_path, uint8_t **data, size_t *len, char *msg, size_t n)
{
	struct stat st;
	uint8_t digest[RR_SHA256_LEN];
	int fd = open(save_path, O_RDONLY | O_CLOEXEC);
	ssize_t k;

	*data = NULL;
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(msg, n, _("cannot open %s: %s"), save_path, strerror(errno));
		return -errno;
	}
	/* 4 labels x 128 slots of at most 128 KiB bound a real file. */
	if (fstat(fd, &st) < 0 || st.st_size < 16 + RR_SHA256_LEN || st.st_size > (64 << 20)) {
		close(fd);
		snprintf(msg, n, _("%s is not a saved-uberblocks file"), save_path);
		return -EINVAL;
	}
	*len = (size_t)st.st_size;
	*data = rr_xmalloc(*len);
	k = pread(fd, *data, *len, 0);
	close(fd);
	rr_sha256(*data, *len - RR_SHA256_LEN, digest);
	if (k != (ssize_t)*len || memcmp(*data, SAVE_MAGIC, 8) ||
	    memcmp(digest, *data + *len - RR_SHA256_LEN, RR_SHA256_LEN)) {
		snprintf(msg, n, _("%s is damaged (checksum mismatch); not restoring from it"), save_path);
		free(*data);
		*data = NULL;
		return -EINVAL;
	}
	return 0;
}

int rr_zfs_rewind_restore(const char *path, const char *save_path, char *msg, size_t n)
{
	uint8_t *d;
	size_t len, pos = 16;
	uint64_t count;
	int fd = -1, r;

	msg[0] = '\0';
	r = load_saved(save_path, &d, &len, msg, n);
	if (r)
		return r;
	count = rr_le64(d + 8);
	r = open_target(path, &fd, msg, n);
	if (r < 0)
		goto out;
	for (uint64_t i = 0; i < count && r == 0; i++) {
		uint64_t off;
		uint32_t l;

		if (len - RR_SHA256_LEN - pos < 16) {
			r = -EINVAL;
			break;
		}
		off = rr_le64(d + pos);
		l = rr_le32(d + pos + 8);
		pos += 16;
		if (len - RR_SHA256_LEN - pos < l) {
			r = -EINVAL;
			break;
		}
		if (pwrite(fd, d + pos, l, (off_t)off) != (ssize_t)l)
			r = errno ? -errno : -EIO;
		pos += l;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r < 0) {
		snprintf(msg, n, _("cannot restore the uberblocks of %s: %s"), path, strerror(-r));
		goto out;
	}
	rr_failpoint("zfsrewind.restored");
	if (unlink(save_path) < 0) {
		r = -errno;
		snprintf(msg, n, _("cannot remove %s: %s"), save_path, strerror(errno));
		goto out;
	}
	fsync_dir_of(save_path);
out:
	if (fd >= 0)
		close(fd);
	free(d);
	return r;
}

int rr_zfs_rewind_verify(const char *path, uint64_t txg, char *msg, size_t n)
{
	struct rr_zfs_info *zi;
	int r;

	msg[0] = '\0';
	zi = read_zfs(path, &r);
	if (!zi) {
		snprintf(msg, n, _("%s: no ZFS labels left after the rewind"), path);
		return -EPROTO;
	}
	r = 0;
	if (!zi->have_active || zi->active.txg != txg) {
		snprintf(msg, n, _("%s: the active uberblock is txg %" PRIu64 ", not %" PRIu64), path,
			 zi->have_active ? zi->active.txg : 0, txg);
		r = -EPROTO;
	}
	for (int l = 0; l < RR_ZFS_LABELS && r == 0; l++) {
		const struct rr_zfs_label *lab = &zi->labels[l];

		for (size_t i = 0; i < lab->nubs; i++)
			if (lab->ubs[i].txg > txg) {
				snprintf(msg, n, _("%s: label %d still holds txg %" PRIu64 " in slot %u"), path, l,
					 lab->ubs[i].txg, lab->ubs[i].slot);
				r = -EPROTO;
				break;
			}
	}
	rr_zfs_info_free(zi);
	return r;
}

/* ---- the session step ------------------------------------------------- */

static json_object *res_slots(const char *dev, const char *saved)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("zfs_slots"));
	json_object_object_add(o, "device", json_object_new_string(dev));
	json_object_object_add(o, "saved", json_object_new_string(saved));
	return o;
}

int rr_zfs_slots_resource_present(json_object *res)
{
	const char *saved = jstr(res, "saved");

	return saved && access(saved, F_OK) == 0;
}

int rr_zfs_slots_undo_resource(json_object *res, char *msg, size_t n)
{
	const char *dev = jstr(res, "device"), *saved = jstr(res, "saved");
	char *partial;

	msg[0] = '\0';
	if (!dev || !saved)
		return 1;
	partial = rr_xasprintf("%s.partial", saved);
	unlink(partial);	/* never committed: nothing was zeroed */
	free(partial);
	return rr_zfs_rewind_restore(dev, saved, msg, n);
}

/* Is path inside dir (both real)? */
static int inside(const char *dir, const char *path)
{
	size_t l = strlen(dir);

	return !strncmp(path, dir, l) && path[l] == '/';
}

/* The targets, checked: overlays of the session (or, for tests, files
 * inside its directory). */
static int resolve_targets(struct rr_session *s, char *const *targets, size_t ntargets, int test_files,
			   char ***out, size_t *nout, char *msg, size_t n)
{
	struct rr_overlay *ovs = NULL;
	size_t novs = 0;
	char **v = NULL;
	size_t nv = 0;
	int r = 0;

	*out = NULL;
	*nout = 0;
	if (!test_files && rr_overlay_list(s, &ovs, &novs) < 0)
		novs = 0;
	if (!ntargets) {
		if (test_files) {
			snprintf(msg, n, "%s", _("name the test files"));
			return -EINVAL;
		}
		/* Every live overlay that carries ZFS labels. */
		for (size_t i = 0; i < novs; i++) {
			struct rr_zfs_rewind_target t;
			char m2[256];

			if (rr_zfs_rewind_scan(ovs[i].dev, 0, &t, m2, sizeof(m2)) == 0) {
				v = rr_xrealloc(v, (nv + 1) * sizeof(*v));
				v[nv++] = rr_xstrdup(ovs[i].dev);
			}
			rr_zfs_rewind_target_free(&t);
		}
		if (!nv) {
			snprintf(msg, n, "%s", _("the session has no overlay that carries ZFS labels (stack overlays over the pool's members first: raidrescue overlay)"));
			r = -ENOENT;
		}
		goto out;
	}
	for (size_t i = 0; i < ntargets; i++) {
		char real[PATH_MAX];
		struct stat st, so;
		int ok = 0;

		if (!realpath(targets[i], real) || stat(real, &st) < 0) {
			snprintf(msg, n, _("cannot open %s: %s"), targets[i], strerror(errno));
			r = -errno;
			goto out;
		}
		if (test_files) {
			ok = S_ISREG(st.st_mode) && inside(s->dir, real);
		} else {
			for (size_t k = 0; k < novs && !ok; k++)
				ok = S_ISBLK(st.st_mode) && stat(ovs[k].dev, &so) == 0 && S_ISBLK(so.st_mode) &&
				     so.st_rdev == st.st_rdev;
		}
		if (!ok) {
			snprintf(msg, n, test_files ? _("%s is not a file inside the session directory")
					 : _("%s is not one of this session's overlays: raidrescue never rewinds an original (stack an overlay first: raidrescue overlay)"),
				 targets[i]);
			r = -EPERM;
			goto out;
		}
		v = rr_xrealloc(v, (nv + 1) * sizeof(*v));
		v[nv++] = rr_xstrdup(test_files ? real : targets[i]);
	}
out:
	free(ovs);
	if (r < 0) {
		for (size_t i = 0; i < nv; i++)
			free(v[i]);
		free(v);
		return r;
	}
	*out = v;
	*nout = nv;
	return 0;
}

int rr_zfs_rewind(struct rr_session *s, uint64_t txg, char *const *targets, size_t ntargets, int test_files,
		  FILE *out, char *msg, size_t n)
{
	struct rr_zfs_rewind_target *t = NULL;
	json_object *args, *planned, *done, *tl;
	char **paths = NULL, **saved = NULL;
	size_t np = 0, total = 0;
	uint64_t seq = 0, pool = 0;
	int r;

	msg[0] = '\0';
	r = resolve_targets(s, targets, ntargets, test_files, &paths, &np, msg, n);
	if (r < 0)
		return r;
	t = rr_xcalloc(np, sizeof(*t));
	saved = rr_xcalloc(np, sizeof(*saved));
	for (size_t i = 0; i < np; i++) {
		r = rr_zfs_rewind_scan(paths[i], txg, &t[i], msg, n);
		if (r < 0)
			goto out;
		if (!t[i].has_txg) {
			snprintf(msg, n, _("%s has no uberblock of txg %" PRIu64 " with a valid checksum: the pool cannot be taken back there (see raidrescue zfs list)"),
				 paths[i], txg);
			r = -ENOENT;
			goto out;
		}
		if (t[i].pool_guid && pool && t[i].pool_guid != pool) {
			snprintf(msg, n, _("%s belongs to another pool (guid %" PRIu64 ", not %" PRIu64 ")"), paths[i],
				 t[i].pool_guid, pool);
			r = -EINVAL;
			goto out;
		}
		if (t[i].pool_guid)
			pool = t[i].pool_guid;
		total += t[i].nslots;
	}
	if (!total) {
		snprintf(msg, n, _("no uberblock newer than txg %" PRIu64 ": the pool is already there"), txg);
		r = -EALREADY;
		goto out;
	}
	/* Names first, in the journal; then each device in turn. */
	seq = s->next_seq;
	args = json_object_new_object();
	tl = json_object_new_array();
	planned = json_object_new_array();
	for (size_t i = 0; i < np; i++) {
		saved[i] = rr_xasprintf("%s/zfs-rewind-%" PRIu64 "-%zu.slots", s->dir, seq, i);
		json_object_array_add(tl, json_object_new_string(paths[i]));
		json_object_array_add(planned, res_slots(paths[i], saved[i]));
	}
	json_object_object_add(args, "txg", json_object_new_uint64(txg));
	json_object_object_add(args, "targets", tl);
	json_object_object_add(args, "test_files", json_object_new_boolean(test_files));
	json_object_object_add(args, "slots", json_object_new_uint64(total));
	r = rr_journal_intent(s, ACTION, args, planned, &seq);
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		goto out;
	}
	done = json_object_new_array();
	for (size_t i = 0; i < np; i++) {
		r = rr_zfs_rewind_apply(&t[i], saved[i], msg, n);
		if (r < 0)
			break;
		json_object_array_add(done, res_slots(paths[i], saved[i]));
		rr_session_log(s, "zfs rewind to txg %" PRIu64 ": %zu slots of %s neutralised (saved in %s)", txg,
			       t[i].nslots, paths[i], saved[i]);
		fprintf(out, P_("%s: %zu uberblock newer than txg %" PRIu64 " neutralised (was at txg %" PRIu64 ")\n",
				"%s: %zu uberblocks newer than txg %" PRIu64 " neutralised (was at txg %" PRIu64 ")\n",
				t[i].nslots), paths[i], t[i].nslots, txg, t[i].active_txg);
		rr_failpoint("zfsrewind.device");
	}
	if (r < 0) {
		/* What was written is listed, and the partly written device
		 * too (its side file is complete if it exists). */
		json_object_put(done);
		planned = json_object_new_array();
		for (size_t i = 0; i < np; i++)
			json_object_array_add(planned, res_slots(paths[i], saved[i]));
		rr_journal_failed(s, seq, msg, planned);
		goto out;
	}
	for (size_t i = 0; i < np && r == 0; i++)
		r = rr_zfs_rewind_verify(paths[i], txg, msg, n);
	if (r < 0) {
		planned = json_object_new_array();
		for (size_t i = 0; i < np; i++)
			json_object_array_add(planned, res_slots(paths[i], saved[i]));
		rr_journal_failed(s, seq, msg, planned);
		json_object_put(done);
		goto out;
	}
	r = rr_journal_done(s, seq, done);
	if (r < 0)
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
out:
	for (size_t i = 0; i < np; i++) {
		rr_zfs_rewind_target_free(&t[i]);
		free(paths[i]);
		free(saved[i]);
	}
	free(t);
	free(paths);
	free(saved);
	return r;
}
