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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actions/backend.h"
#include "actions/overlay.h"
#include "actions/usnap.h"
#include "actions/zfs_rewind.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/member.h"
#include "core/msg.h"
#include "core/sha256.h"
#include "probes/devread.h"
#include "probes/endian.h"
#include "probes/zfs.h"
#include "actions/fileio.h"

#define SAVE_MAGIC "RRZFSUB1"
#define ACTION "zfs-rewind"

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;

	return json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

static struct rr_zfs_info *read_zfs(const char *path, const char *cow, int *err);

void rr_zfs_rewind_target_free(struct rr_zfs_rewind_target *t)
{
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
}

int rr_zfs_rewind_scan(const char *path, const char *cow, uint64_t txg, struct rr_zfs_rewind_target *t,
		       char *msg, size_t n)
{
	struct rr_zfs_info *zi;
	size_t cap = 0;
	int r;

	memset(t, 0, sizeof(*t));
	msg[0] = '\0';
	snprintf(t->path, sizeof(t->path), "%s", path);
	snprintf(t->cow, sizeof(t->cow), "%s", cow ? cow : "");
	zi = read_zfs(path, cow, &r);
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

/* ---- the target: a device or file, or a userspace overlay ------------ */

/* A block device or file (fd), or a userspace snapshot (u: the member
 * with its COW store, writes go into the store only). */
struct zt {
	int fd;
	struct rr_usnap *u;
	uint64_t size;
};

static int zt_open(const char *path, const char *cow, int writable, struct zt *t, char *msg, size_t n)
{
	struct stat st;
	int r;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (cow && *cow) {
		r = rr_usnap_open(path, cow, writable, &t->u);
		if (r < 0) {
			snprintf(msg, n, _("cannot open the overlay of %s (%s): %s"), path, cow, strerror(-r));
			return r;
		}
		t->size = rr_usnap_size(t->u);
		return 0;
	}
	if (stat(path, &st) < 0) {
		snprintf(msg, n, _("cannot open %s: %s"), path, strerror(errno));
		return -errno;
	}
	/* A block device exclusively (not while a pool is imported from
	 * it), a file under an flock. */
	t->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | (writable && S_ISBLK(st.st_mode) ? O_EXCL : 0));
	if (t->fd < 0) {
		int e = errno;

		if (e == EBUSY)
			snprintf(msg, n, _("%s is in use (an imported pool?); export it first"), path);
		else
			snprintf(msg, n, _("cannot open %s for writing: %s"), path, strerror(e));
		return -e;
	}
	if (writable && S_ISREG(st.st_mode) && flock(t->fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(msg, n, _("%s is in use by another program (locked)"), path);
		close(t->fd);
		t->fd = -1;
		return -EBUSY;
	}
	t->size = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode) && ioctl(t->fd, BLKGETSIZE64, &t->size) < 0)
		return -errno;	/* the caller closes */
	return 0;
}

static int zt_pread(struct zt *t, void *buf, size_t len, uint64_t off)
{
	ssize_t k;

	if (t->u)
		return rr_usnap_read(t->u, buf, len, off);
	k = pread(t->fd, buf, len, (off_t)off);
	return k == (ssize_t)len ? 0 : k < 0 ? -errno : -EIO;
}

static int zt_pwrite(struct zt *t, const void *buf, size_t len, uint64_t off)
{
	ssize_t k;

	if (t->u)
		return rr_usnap_write(t->u, buf, len, off);
	k = pwrite(t->fd, buf, len, (off_t)off);
	return k == (ssize_t)len ? 0 : k < 0 ? -errno : -EIO;
}

static int zt_sync(struct zt *t)
{
	if (t->u)
		return rr_usnap_sync(t->u);
	return fsync(t->fd) < 0 ? -errno : 0;
}

static int zt_close(struct zt *t)
{
	int r = 0;

	if (t->u)
		r = rr_usnap_close(t->u);
	if (t->fd >= 0)
		close(t->fd);
	t->u = NULL;
	t->fd = -1;
	return r;
}

/* Decode the labels of path (with cow: of its userspace overlay).  The
 * probe reads through the read layer, which opens paths: a userspace
 * overlay's four label areas are copied into a sparse memory file of the
 * same size for it. */
static struct rr_zfs_info *read_zfs(const char *path, const char *cow, int *err)
{
	struct rr_member *m = rr_member_new(path);
	struct rr_zfs_info *zi = NULL;
	struct rr_dev *dev = NULL;
	struct zt t;
	char msg[256], fdpath[64];
	int mfd = -1;

	if (!cow || !*cow) {
		*err = rr_dev_open(path, &dev);
		goto decode;
	}
	*err = zt_open(path, cow, 0, &t, msg, sizeof(msg));
	if (*err < 0)
		goto out;
	mfd = memfd_create("rr-zfs-labels", MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, (off_t)t.size) < 0) {
		*err = -errno;
	} else {
		uint64_t psize = t.size & ~(uint64_t)(RR_ZFS_LABEL_SIZE - 1);
		uint8_t *buf = rr_xmalloc(RR_ZFS_LABEL_SIZE);

		for (int l = 0; l < RR_ZFS_LABELS && *err == 0 && psize >= 4 * (uint64_t)RR_ZFS_LABEL_SIZE; l++) {
			uint64_t off = (uint64_t)l * RR_ZFS_LABEL_SIZE +
				       (l < 2 ? 0 : psize - RR_ZFS_LABELS * (uint64_t)RR_ZFS_LABEL_SIZE);

			*err = zt_pread(&t, buf, RR_ZFS_LABEL_SIZE, off);
			if (*err == 0 && pwrite(mfd, buf, RR_ZFS_LABEL_SIZE, (off_t)off) != RR_ZFS_LABEL_SIZE)
				*err = -EIO;
		}
		free(buf);
	}
	zt_close(&t);
	if (*err == 0) {
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mfd);
		*err = rr_dev_open(fdpath, &dev);
	}
decode:
	if (*err == 0) {
		zi = rr_zfs_read(dev, m);
		rr_dev_close(dev);
	}
out:
	if (mfd >= 0)
		close(mfd);
	rr_member_free(m);
	return zi;
}

int rr_zfs_rewind_apply(const struct rr_zfs_rewind_target *t, const char *save_path, char *msg, size_t n)
{
	char *partial = rr_xasprintf("%s.partial", save_path);
	struct rr_sha256 h;
	uint8_t hdr[16], ent[16], digest[RR_SHA256_LEN], *buf = NULL, *zero = NULL;
	struct zt zt = { .fd = -1 };
	int sfd = -1, r;

	msg[0] = '\0';
	r = zt_open(t->path, t->cow, 1, &zt, msg, n);
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
	rr_put_le64(hdr + 8, t->nslots);
	rr_sha256_update(&h, hdr, sizeof(hdr));
	r = rr_write_exact(sfd, hdr, sizeof(hdr));
	for (size_t i = 0; i < t->nslots && r == 0; i++) {
		const struct rr_zfs_slot *sl = &t->slots[i];

		buf = rr_xrealloc(buf, sl->len);
		r = zt_pread(&zt, buf, sl->len, sl->offset);
		if (r < 0)
			break;
		rr_put_le64(ent, sl->offset);
		rr_put_le32(ent + 8, sl->len);
		rr_put_le32(ent + 12, 0);
		rr_sha256_update(&h, ent, sizeof(ent));
		rr_sha256_update(&h, buf, sl->len);
		r = rr_write_exact(sfd, ent, sizeof(ent));
		if (r == 0)
			r = rr_write_exact(sfd, buf, sl->len);
	}
	if (r == 0) {
		rr_sha256_final(&h, digest);
		r = rr_write_exact(sfd, digest, sizeof(digest));
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
	rr_fsync_dir_of(save_path);
	rr_failpoint("zfsrewind.saved");
	/* Now the slots may go. */
	for (size_t i = 0; i < t->nslots && r == 0; i++) {
		zero = rr_xrealloc(zero, t->slots[i].len);
		memset(zero, 0, t->slots[i].len);
		r = zt_pwrite(&zt, zero, t->slots[i].len, t->slots[i].offset);
	}
	if (r == 0)
		r = zt_sync(&zt);
	if (r < 0)
		snprintf(msg, n, _("cannot write %s: %s (undo restores what was written)"), t->path, strerror(-r));
out:
	if (sfd >= 0) {
		close(sfd);
		unlink(partial);
	}
	if (zt_close(&zt) < 0 && r == 0)
		r = -EIO;
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

int rr_zfs_rewind_restore(const char *path, const char *cow, const char *save_path, char *msg, size_t n)
{
	uint8_t *d;
	size_t len, pos = 16;
	uint64_t count;
	struct zt zt = { .fd = -1 };
	int r;

	msg[0] = '\0';
	r = load_saved(save_path, &d, &len, msg, n);
	if (r)
		return r;
	count = rr_le64(d + 8);
	r = zt_open(path, cow, 1, &zt, msg, n);
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
		r = zt_pwrite(&zt, d + pos, l, off);
		pos += l;
	}
	if (r == 0)
		r = zt_sync(&zt);
	if (zt_close(&zt) < 0 && r == 0)
		r = -EIO;
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
	rr_fsync_dir_of(save_path);
out:
	zt_close(&zt);
	free(d);
	return r;
}

int rr_zfs_rewind_verify(const char *path, const char *cow, uint64_t txg, char *msg, size_t n)
{
	struct rr_zfs_info *zi;
	int r;

	msg[0] = '\0';
	zi = read_zfs(path, cow, &r);
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

/* One thing to rewind: a dm overlay or test file (path), or a userspace
 * overlay (its member path and COW store); label is what messages and the
 * journal call it. */
struct tgt {
	char *label, *path, *cow;
};

static void tgts_free(struct tgt *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].label);
		free(v[i].path);
		free(v[i].cow);
	}
	free(v);
}

static json_object *res_slots(const struct tgt *t, const char *saved)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("zfs_slots"));
	json_object_object_add(o, "device", json_object_new_string(t->path));
	if (t->cow) {
		json_object_object_add(o, "cow", json_object_new_string(t->cow));
		json_object_object_add(o, "name", json_object_new_string(t->label));
	}
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
	return rr_zfs_rewind_restore(dev, jstr(res, "cow"), saved, msg, n);
}

/* Is path inside dir (both real)? */
static int inside(const char *dir, const char *path)
{
	size_t l = strlen(dir);

	return !strncmp(path, dir, l) && path[l] == '/';
}

static void tgt_add(struct tgt **v, size_t *nv, const char *label, const char *path, const char *cow)
{
	*v = rr_xrealloc(*v, (*nv + 1) * sizeof(**v));
	(*v)[*nv].label = rr_xstrdup(label);
	(*v)[*nv].path = rr_xstrdup(path);
	(*v)[*nv].cow = cow ? rr_xstrdup(cow) : NULL;
	(*nv)++;
}

static void tgt_of_overlay(const struct rr_overlay *ov, struct tgt **v, size_t *nv)
{
	char real[PATH_MAX];

	/* the journal must find the member again from any directory */
	if (ov->backend == RR_BACKEND_USERSPACE)
		tgt_add(v, nv, ov->name, realpath(ov->member, real) ? real : ov->member, ov->cow);
	else
		tgt_add(v, nv, ov->dev, ov->dev, NULL);
}

/* The targets, checked: overlays of the session (or, for tests, files
 * inside its directory).  Nothing else is ever written. */
static int resolve_targets(struct rr_session *s, char *const *targets, size_t ntargets, int test_files,
			   struct tgt **out, size_t *nout, char *msg, size_t n)
{
	struct rr_overlay *ovs = NULL;
	size_t novs = 0, nv = 0;
	struct tgt *v = NULL;
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
			struct tgt *one = NULL;
			size_t none = 0;
			struct rr_zfs_rewind_target t;
			char m2[256];

			if (!ovs[i].sectors)
				continue;	/* gone (rebooted, or its store lost) */
			tgt_of_overlay(&ovs[i], &one, &none);
			if (rr_zfs_rewind_scan(one->path, one->cow, 0, &t, m2, sizeof(m2)) == 0)
				tgt_of_overlay(&ovs[i], &v, &nv);
			rr_zfs_rewind_target_free(&t);
			tgts_free(one, none);
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

		/* a userspace overlay, by the name raidrescue overlay gave it */
		for (size_t k = 0; k < novs && !test_files && !ok; k++)
			if (ovs[k].backend == RR_BACKEND_USERSPACE && !strcmp(targets[i], ovs[k].name)) {
				tgt_of_overlay(&ovs[k], &v, &nv);
				ok = 1;
			}
		if (ok)
			continue;
		if (!realpath(targets[i], real) || stat(real, &st) < 0) {
			snprintf(msg, n, _("cannot open %s: %s"), targets[i], strerror(errno));
			r = -errno;
			goto out;
		}
		if (test_files) {
			ok = S_ISREG(st.st_mode) && inside(s->dir, real);
		} else {
			for (size_t k = 0; k < novs && !ok; k++)
				ok = ovs[k].backend != RR_BACKEND_USERSPACE && S_ISBLK(st.st_mode) &&
				     stat(ovs[k].dev, &so) == 0 && S_ISBLK(so.st_mode) && so.st_rdev == st.st_rdev;
		}
		if (!ok) {
			if (test_files)
				snprintf(msg, n, _("%s is not a file inside the session directory"), targets[i]);
			else
				snprintf(msg, n, _("%s is not one of this session's overlays: raidrescue never rewinds an original (stack an overlay first: raidrescue overlay)"),
					 targets[i]);
			r = -EPERM;
			goto out;
		}
		tgt_add(&v, &nv, test_files ? real : targets[i], test_files ? real : targets[i], NULL);
	}
out:
	free(ovs);
	if (r < 0) {
		tgts_free(v, nv);
		return r;
	}
	*out = v;
	*nout = nv;
	return 0;
}

static json_object *all_res(const struct tgt *p, char **saved, size_t np)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < np; i++)
		json_object_array_add(a, res_slots(&p[i], saved[i]));
	return a;
}

int rr_zfs_rewind(struct rr_session *s, uint64_t txg, char *const *targets, size_t ntargets, int test_files,
		  FILE *out, char *msg, size_t n)
{
	struct rr_zfs_rewind_target *t = NULL;
	json_object *args, *done, *tl;
	struct tgt *p = NULL;
	char **saved = NULL;
	size_t np = 0, total = 0;
	uint64_t seq = 0, pool = 0;
	int r;

	msg[0] = '\0';
	r = resolve_targets(s, targets, ntargets, test_files, &p, &np, msg, n);
	if (r < 0)
		return r;
	t = rr_xcalloc(np, sizeof(*t));
	saved = rr_xcalloc(np, sizeof(*saved));
	for (size_t i = 0; i < np; i++) {
		r = rr_zfs_rewind_scan(p[i].path, p[i].cow, txg, &t[i], msg, n);
		if (r < 0)
			goto out;
		if (!t[i].has_txg) {
			snprintf(msg, n, _("%s has no uberblock of txg %" PRIu64 " with a valid checksum: the pool cannot be taken back there (see raidrescue zfs list)"),
				 p[i].label, txg);
			r = -ENOENT;
			goto out;
		}
		if (t[i].pool_guid && pool && t[i].pool_guid != pool) {
			snprintf(msg, n, _("%s belongs to another pool (guid %" PRIu64 ", not %" PRIu64 ")"), p[i].label,
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
	for (size_t i = 0; i < np; i++) {
		saved[i] = rr_xasprintf("%s/zfs-rewind-%" PRIu64 "-%zu.slots", s->dir, seq, i);
		json_object_array_add(tl, json_object_new_string(p[i].label));
	}
	json_object_object_add(args, "txg", json_object_new_uint64(txg));
	json_object_object_add(args, "targets", tl);
	json_object_object_add(args, "test_files", json_object_new_boolean(test_files));
	json_object_object_add(args, "slots", json_object_new_uint64(total));
	{
		json_object *sc = json_object_new_array(), *us = json_object_new_array();
		char *line = rr_xasprintf("raidrescue zfs rewind --txg %" PRIu64 " --session '%s'%s", txg, s->dir,
					  test_files ? " --target-file ..." : "");

		json_object_array_add(sc, json_object_new_string(line));
		free(line);
		line = rr_xasprintf("raidrescue undo --session '%s'    # writes the saved uberblocks back", s->dir);
		json_object_array_add(us, json_object_new_string(line));
		free(line);
		json_object_object_add(args, "script", sc);
		json_object_object_add(args, "undo_script", us);
	}
	r = rr_journal_intent(s, ACTION, args, all_res(p, saved, np), &seq);
	if (r < 0) {
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		goto out;
	}
	done = json_object_new_array();
	for (size_t i = 0; i < np; i++) {
		r = rr_zfs_rewind_apply(&t[i], saved[i], msg, n);
		if (r < 0)
			break;
		json_object_array_add(done, res_slots(&p[i], saved[i]));
		rr_session_log(s, "zfs rewind to txg %" PRIu64 ": %zu slots of %s neutralised (saved in %s)", txg,
			       t[i].nslots, p[i].label, saved[i]);
		fprintf(out, P_("%s: %zu uberblock newer than txg %" PRIu64 " neutralised (was at txg %" PRIu64 ")\n",
				"%s: %zu uberblocks newer than txg %" PRIu64 " neutralised (was at txg %" PRIu64 ")\n",
				t[i].nslots), p[i].label, t[i].nslots, txg, t[i].active_txg);
		rr_failpoint("zfsrewind.device");
	}
	for (size_t i = 0; i < np && r == 0; i++)
		r = rr_zfs_rewind_verify(p[i].path, p[i].cow, txg, msg, n);
	if (r < 0) {
		/* Every target is listed: a partly written one has its
		 * complete side file, the others have none (nothing to do). */
		json_object_put(done);
		rr_journal_failed(s, seq, msg, all_res(p, saved, np));
		goto out;
	}
	r = rr_journal_done(s, seq, done);
	if (r < 0)
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
out:
	for (size_t i = 0; i < np; i++) {
		rr_zfs_rewind_target_free(&t[i]);
		free(saved[i]);
	}
	tgts_free(p, np);
	free(t);
	free(saved);
	return r;
}
