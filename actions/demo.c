/* The built-in demo scenario (see demo.h): a RAID5 of five sparse image
 * files, made without the kernel's md, dm or the LVM tools.
 *
 * The array's content is first built as one flat image (the "array"):
 * the LVM2 PV header and metadata (actions/lvm_write.c) at offset 0, each
 * LV an ext4 filesystem made by the real mkfs.ext4 -d on a flat file and
 * copied in at its extents.  core/layout then stripes the flat image with
 * parity onto the members' data areas; the later history is replayed the
 * way md would have written it (changes after the first ejection reach
 * only the members still in), and last each member gets the superblock
 * md last wrote to it (actions/md_write.c). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "actions/demo.h"
#include "actions/lvm_write.h"
#include "actions/md_write.h"
#include "actions/run.h"
#include "actions/session.h"
#include "core/i18n.h"
#include "core/layout.h"
#include "core/msg.h"
#include "core/sha256.h"
#include "actions/fileio.h"
#include "probes/devread.h"

#define SECTOR 512u
#define NMEM RR_DEMO_MEMBERS
#define MEMBER_BYTES (64ull << 20)
#define CHUNK_SECTORS 128u		/* 64 KiB */
#define DATA_OFFSET 2048u		/* sectors, mdadm's default */
#define PE_START 2048u			/* sectors: 1 MiB, pvcreate's default */
#define EXTENT_SECTORS 8192u		/* 4 MiB */
#define ROLE_FIRST 3			/* ejected first: stale data */
#define ROLE_SECOND 1			/* ejected later: still needed */
#define TOOL_TIMEOUT 300

/* Event counts and times md would have left (events grow by one per
 * superblock update; a degraded array counts every clean/active switch). */
#define EVENTS_FIRST 1204ull		/* last superblock of the first-ejected */
#define EVENTS_SECOND 1371ull		/* last superblock of the later-ejected */
#define EVENTS_FRESH 1373ull		/* +1 marking it faulty, +1 the final stop */

static const char *const member_names[NMEM] = {
	"disk-a.img", "disk-b.img", "disk-c.img", "disk-d.img", "disk-e.img",
};
/* Role of each file: not the name order, as in a real incident. */
static const int member_role[NMEM] = { 2, ROLE_FIRST, 0, 4, ROLE_SECOND };

struct lvspec {
	const char *name;	/* LV name and filesystem label */
	unsigned extents;
	unsigned pv_start;	/* first extent on the PV */
};

static const struct lvspec lvspecs[] = {
	{ "home", 16, 0 },	/* 64 MiB */
	{ "srv", 12, 16 },	/* 48 MiB */
	{ "log", 4, 28 },	/* 16 MiB */
};
#define NLV (sizeof(lvspecs) / sizeof(lvspecs[0]))

/* The files: path in the volume, size, and the version (0: made with the
 * volume; 1: written between the two ejections). */
struct fspec {
	unsigned lv;
	const char *path;
	unsigned kib;
	unsigned version;
};

static const struct fspec fspecs[] = {
	{ 0, "documents/letter-to-insurance.txt", 6, 0 },
	{ 0, "documents/notes.txt", 40, 0 },
	{ 0, "documents/recipes/bread.txt", 3, 0 },
	{ 0, "documents/recipes/curry.txt", 4, 0 },
	{ 0, "documents/recipes/pancakes.txt", 2, 0 },
	{ 0, "documents/thesis-draft.txt", 2400, 0 },
	{ 0, "photos/index.csv", 900, 0 },
	{ 1, "backups/db-dump.sql", 4000, 0 },
	{ 1, "data/customers.csv", 700, 0 },
	{ 1, "data/inventory.csv", 3000, 0 },
	{ 1, "www/about.html", 5, 0 },
	{ 1, "www/index.html", 8, 0 },
	{ 2, "auth.log", 120, 0 },
	{ 2, "kern.log", 300, 0 },
	{ 2, "messages", 1200, 0 },
};
#define NFILES (sizeof(fspecs) / sizeof(fspecs[0]))

/* Written after the first ejection (new versions and new files). */
static const struct fspec changes[] = {
	{ 0, "documents/notes.txt", 64, 1 },
	{ 0, "documents/thesis-draft.txt", 2650, 1 },
	{ 1, "data/inventory.csv", 3100, 1 },
};
#define NCHANGES (sizeof(changes) / sizeof(changes[0]))
#define NEW_DIR "documents/2026"	/* in home, with NEW_FILES files */
#define NEW_FILES 24

/* One file of a volume as it is now: its path and digest. */
struct vfile {
	char *path;
	char hex[2 * RR_SHA256_LEN + 1];
};

struct vol {
	struct vfile *files;
	size_t nfiles;
	char *img;		/* the flat filesystem image */
	char *stage;		/* the directory mkfs.ext4 -d copies */
};

struct build {
	char *dir, *work, *log;
	char *mkfs, *debugfs, *e2fsck;
	char *array;		/* the flat array image */
	int array_fd;
	int fd[NMEM];		/* by role */
	bool skip[NMEM];	/* by role: ejected, md no longer writes it */
	struct rr_geom g;
	uint64_t array_bytes, stripe_bytes;
	bool *written;		/* per stripe: ever written to the members */
	struct vol vol[NLV];
	char *msg;
	size_t n;
	time_t now;
	uint64_t ctime, t_first, t_second, t_fresh;
	uint8_t array_uuid[16], dev_uuid[NMEM][16];
	struct rr_lvm_wid vg_id, pv_id, lv_id[NLV];
};

__attribute__((format(printf, 3, 4)))
static int fail(struct build *b, int err, const char *fmt, ...)
{
	va_list ap;

	if (b->msg && b->n) {
		va_start(ap, fmt);
		vsnprintf(b->msg, b->n, fmt, ap);
		va_end(ap);
	}
	return err < 0 ? err : -EIO;
}

/* ---- small file helpers ---------------------------------------------------- */

static bool all_zero(const uint8_t *p, size_t len)
{
	return !len || (p[0] == 0 && !memcmp(p, p + 1, len - 1));
}

/* Write only where the content differs: unwritten parts of the sparse
 * files stay holes, and rewriting an unchanged block changes nothing. */
static int write_changed(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
	uint8_t *old = rr_xmalloc(len);
	int err = rr_pread_exact(fd, old, len, off, 1);

	if (!err && memcmp(old, buf, len))
		err = rr_pwrite_exact(fd, buf, len, off);
	free(old);
	return err;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), err;

	if (fd < 0)
		return -errno;
	err = rr_pwrite_exact(fd, buf, len, 0);
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

/* mkdir -p of the directories in path (not its last component). */
static int mkdirs_for(const char *path)
{
	char *p = rr_xstrdup(path);
	int err = 0;

	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			err = -errno;
			break;
		}
		*s = '/';
	}
	free(p);
	return err;
}

static char *find_tool(const char *name)
{
	const char *env = getenv("PATH");
	char *path = rr_xasprintf("%s:/usr/sbin:/sbin:/usr/bin:/bin", env && *env ? env : "");
	char *save = NULL, *found = NULL;

	for (char *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *c = rr_xasprintf("%s/%s", *d ? d : ".", name);

		if (access(c, X_OK) == 0) {
			found = c;
			break;
		}
		free(c);
	}
	free(path);
	return found;
}

/* ---- file contents ----------------------------------------------------------- */

static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static const char *const words[] = {
	"array", "backup", "bicycle", "candle", "chapter", "coffee", "copper",
	"disk", "evening", "garden", "harbour", "invoice", "kettle", "ladder",
	"lantern", "letter", "marble", "meadow", "member", "morning", "orchard",
	"parity", "pepper", "planet", "quartz", "recovery", "river", "saddle",
	"station", "stripe", "summer", "thunder", "timber", "valley", "velvet",
	"volume", "walnut", "window", "winter", "yellow",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

struct tbuf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void tb_printf(struct tbuf *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->s = rr_xrealloc(t->s, t->cap);
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* Deterministic, position-unique content of about kib KiB for a file:
 * every line carries its number, so a block from the wrong place or an
 * old version shows.  The kind of text follows the file name. */
static char *gen_content(const char *path, unsigned version, unsigned kib, size_t *len)
{
	struct tbuf t = { 0 };
	uint64_t s = fnv1a(path, 0xcbf29ce484222325ull) ^ (0x9e3779b97f4a7c15ull * (version + 1));
	size_t want = (size_t)kib * 1024;
	unsigned line = 0;

	if (!s)
		s = 1;
	if (ends_with(path, ".csv"))
		tb_printf(&t, "id,item,colour,quantity,price\n");
	else if (ends_with(path, ".html"))
		tb_printf(&t, "<!DOCTYPE html>\n<html><head><title>%s</title></head><body>\n", path);
	else if (ends_with(path, ".sql"))
		tb_printf(&t, "-- dump of the shop database (version %u)\nBEGIN;\n", version + 1);
	else if (!strchr(path, '.') || ends_with(path, ".log"))
		;
	else
		tb_printf(&t, "%s -- version %u\n\n", path, version + 1);
	while (t.len < want) {
		const char *w1 = words[rnd(&s) % NWORDS], *w2 = words[rnd(&s) % NWORDS];
		const char *w3 = words[rnd(&s) % NWORDS];

		line++;
		if (ends_with(path, ".csv"))
			tb_printf(&t, "%u,%s %s,%s,%" PRIu64 ",%" PRIu64 ".%02" PRIu64 "\n", line, w1, w2,
				  w3, rnd(&s) % 500, rnd(&s) % 300, rnd(&s) % 100);
		else if (ends_with(path, ".html"))
			tb_printf(&t, "<p id=\"p%u\">The %s %s by the %s.</p>\n", line, w1, w2, w3);
		else if (ends_with(path, ".sql"))
			tb_printf(&t, "INSERT INTO orders VALUES (%u, '%s', '%s %s', %" PRIu64 ");\n", line,
				  w1, w2, w3, rnd(&s) % 10000);
		else if (!strchr(path, '.') || ends_with(path, ".log"))
			tb_printf(&t, "Nov %2u %02u:%02u:%02u nas01 %s[%" PRIu64 "]: %s %s %s (line %u)\n",
				  1 + line / 4000 % 28, line / 150 % 24, line / 3 % 60, line % 60,
				  ends_with(path, "kern.log") ? "kernel" :
				  ends_with(path, "auth.log") ? "sshd" : "cron",
				  1000 + rnd(&s) % 30000, w1, w2, w3, line);
		else
			tb_printf(&t, "%06u  The %s %s of the %s %s near the %s.\n", line, w1,
				  words[rnd(&s) % NWORDS], w2, words[rnd(&s) % NWORDS], w3);
	}
	if (ends_with(path, ".html"))
		tb_printf(&t, "</body></html>\n");
	else if (ends_with(path, ".sql"))
		tb_printf(&t, "COMMIT;\n");
	*len = t.len;
	return t.s;
}

static char *readme_text(unsigned lv, size_t *len)
{
	struct tbuf t = { 0 };

	tb_printf(&t,
		  "raidrescue demo -- volume \"%s\" of the volume group \"demovg\"\n"
		  "\n"
		  "This filesystem lives on an LVM2 logical volume on a Linux md RAID5 of\n"
		  "five members.  Two members were ejected from the array at different\n"
		  "times: first one (its data is now out of date), later a second one,\n"
		  "after which the array could not run any more.\n"
		  "\n"
		  "If you can read this file and `sha256sum -c SHA256SUMS` (run in the\n"
		  "root of this filesystem) reports every file OK, the array was put back\n"
		  "together the right way: the later-ejected member in, the first-ejected\n"
		  "one left out.\n"
		  "\n"
		  "Everything here was written by `raidrescue demo`: the ext4 filesystem\n"
		  "by mkfs.ext4 and debugfs, the LVM2 metadata and md superblocks by the\n"
		  "program itself, in ordinary files -- no disk was harmed.\n",
		  lvspecs[lv].name);
	*len = t.len;
	return t.s;
}

static void vol_set(struct vol *v, const char *path, const void *data, size_t len)
{
	uint8_t d[RR_SHA256_LEN];
	struct vfile *f = NULL;

	rr_sha256(data, len, d);
	for (size_t i = 0; i < v->nfiles; i++)
		if (!strcmp(v->files[i].path, path))
			f = &v->files[i];
	if (!f) {
		v->files = rr_xrealloc(v->files, (v->nfiles + 1) * sizeof(*v->files));
		f = &v->files[v->nfiles++];
		f->path = rr_xstrdup(path);
	}
	for (size_t i = 0; i < RR_SHA256_LEN; i++)
		snprintf(f->hex + 2 * i, 3, "%02x", d[i]);
}

static int vfile_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vfile *)a)->path, ((const struct vfile *)b)->path);
}

/* The SHA256SUMS of a volume, in sha256sum's format, sorted by path. */
static char *sums_text(struct vol *v, size_t *len)
{
	struct tbuf t = { 0 };

	qsort(v->files, v->nfiles, sizeof(*v->files), vfile_cmp);
	for (size_t i = 0; i < v->nfiles; i++)
		tb_printf(&t, "%s  %s\n", v->files[i].hex, v->files[i].path);
	*len = t.len;
	return t.s;
}

/* Write a file under root, recording its digest in the volume. */
static int stage_file(struct build *b, struct vol *v, const char *root, const char *path,
		      const char *data, size_t len, bool record)
{
	char *full = rr_xasprintf("%s/%s", root, path);
	int err = mkdirs_for(full);

	if (!err)
		err = write_file(full, data, len);
	if (err)
		err = fail(b, err, _("cannot write %s: %s"), full, strerror(-err));
	else if (record)
		vol_set(v, path, data, len);
	free(full);
	return err;
}

/* ---- running e2fsprogs ----------------------------------------------------------- */

static int run_tool(struct build *b, char *const argv[], const char *what)
{
	struct rr_run_result res;
	int err = rr_run(argv, b->log, TOOL_TIMEOUT, &res);

	if (err < 0)
		return fail(b, err, _("cannot run %s: %s"), argv[0], strerror(-err));
	if (res.exec_errno)
		return fail(b, -res.exec_errno, _("cannot run %s: %s"), argv[0],
			    strerror(res.exec_errno));
	if (res.timed_out || res.signaled || res.exit_status)
		return fail(b, -EIO, _("%s failed while %s (see %s)"), argv[0], what, b->log);
	return 0;
}

/* ---- the members -------------------------------------------------------------- */

static int member_write(void *ctx, unsigned disk, uint64_t off, const void *buf, size_t len)
{
	struct build *b = ctx;

	if (disk >= NMEM)
		return -EINVAL;
	if (b->skip[disk])	/* ejected: md does not write it any more */
		return 0;
	return write_changed(b->fd[disk], buf, len, (uint64_t)DATA_OFFSET * SECTOR + off);
}

/* Stripe [off, off+len) of the flat array onto the members still in.
 * Stripes never written and still all zero are skipped: their parity is
 * zero too, and the members' holes already read as zeros. */
static int restripe(struct build *b, uint64_t off, uint64_t len)
{
	uint8_t *buf = rr_xmalloc((size_t)b->stripe_bytes);
	uint64_t first = off / b->stripe_bytes;
	uint64_t last = (off + len + b->stripe_bytes - 1) / b->stripe_bytes;
	int err = 0;

	for (uint64_t s = first; s < last && !err; s++) {
		uint64_t o = s * b->stripe_bytes;

		if ((err = rr_pread_exact(b->array_fd, buf, (size_t)b->stripe_bytes, o, 1)))
			break;
		if (!b->written[s] && all_zero(buf, (size_t)b->stripe_bytes))
			continue;
		err = rr_layout_write(&b->g, member_write, b, o, buf, (size_t)b->stripe_bytes);
		b->written[s] = true;
	}
	free(buf);
	if (err)
		return fail(b, err, _("cannot write the demo members: %s"), strerror(-err));
	return 0;
}

/* Copy a volume's flat image into the flat array at its extents. */
static int place_volume(struct build *b, unsigned lv)
{
	uint64_t base = ((uint64_t)PE_START + (uint64_t)lvspecs[lv].pv_start * EXTENT_SECTORS) * SECTOR;
	uint64_t size = (uint64_t)lvspecs[lv].extents * EXTENT_SECTORS * SECTOR;
	size_t blk = 1u << 20;
	uint8_t *buf = rr_xmalloc(blk);
	int fd = open(b->vol[lv].img, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0) {
		free(buf);
		return fail(b, -errno, _("cannot open %s: %s"), b->vol[lv].img, strerror(errno));
	}
	for (uint64_t o = 0; o < size && !err; o += blk) {
		err = rr_pread_exact(fd, buf, blk, o, 1);
		if (!err)
			err = write_changed(b->array_fd, buf, blk, base + o);
	}
	close(fd);
	free(buf);
	if (err)
		return fail(b, err, _("cannot copy volume %s into the array image: %s"),
			    lvspecs[lv].name, strerror(-err));
	return 0;
}

/* ---- building the volumes ----------------------------------------------------- */

static int make_volume(struct build *b, unsigned lv)
{
	struct vol *v = &b->vol[lv];
	char *data, *sums;
	size_t len;
	int err, fd;

	v->stage = rr_xasprintf("%s/stage-%s", b->work, lvspecs[lv].name);
	v->img = rr_xasprintf("%s/%s.ext4", b->work, lvspecs[lv].name);
	if (mkdir(v->stage, 0755) < 0)
		return fail(b, -errno, _("cannot create %s: %s"), v->stage, strerror(errno));
	data = readme_text(lv, &len);
	err = stage_file(b, v, v->stage, "README.txt", data, len, true);
	free(data);
	for (size_t i = 0; i < NFILES && !err; i++) {
		if (fspecs[i].lv != lv)
			continue;
		data = gen_content(fspecs[i].path, fspecs[i].version, fspecs[i].kib, &len);
		err = stage_file(b, v, v->stage, fspecs[i].path, data, len, true);
		free(data);
	}
	if (err)
		return err;
	sums = sums_text(v, &len);
	err = stage_file(b, v, v->stage, "SHA256SUMS", sums, len, false);
	free(sums);
	if (err)
		return err;

	fd = open(v->img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(b, -errno, _("cannot create %s: %s"), v->img, strerror(errno));
	if (ftruncate(fd, (off_t)((uint64_t)lvspecs[lv].extents * EXTENT_SECTORS * SECTOR)) < 0)
		err = -errno;
	close(fd);
	if (err)
		return fail(b, err, _("cannot create %s: %s"), v->img, strerror(-err));
	{
		char *argv[] = { b->mkfs, "-q", "-F", "-d", v->stage, "-L", (char *)lvspecs[lv].name,
				 v->img, NULL };

		return run_tool(b, argv, _("making a demo filesystem"));
	}
}

/* The writes between the two ejections: new versions of some files and a
 * new directory, written into the volumes' images with debugfs (as a
 * mounted filesystem would: new blocks, bitmaps, inodes, directories). */
static int change_volume(struct build *b, unsigned lv)
{
	struct vol *v = &b->vol[lv];
	char *src = rr_xasprintf("%s/change-%s", b->work, lvspecs[lv].name);
	char *cmdf = rr_xasprintf("%s/change-%s.debugfs", b->work, lvspecs[lv].name);
	struct tbuf cmds = { 0 };
	char *data, *name;
	size_t len;
	int err = 0, n = 0;
	bool any = false;

	if (strchr(b->work, '"'))
		err = fail(b, -EINVAL, _("the directory name must not contain '\"'"));
	else if (mkdir(src, 0755) < 0)
		err = fail(b, -errno, _("cannot create %s: %s"), src, strerror(errno));
	for (size_t i = 0; i < NCHANGES && !err; i++) {
		const char *slash;

		if (changes[i].lv != lv)
			continue;
		any = true;
		slash = strrchr(changes[i].path, '/');
		name = rr_xasprintf("f%d", n++);
		data = gen_content(changes[i].path, changes[i].version, changes[i].kib, &len);
		err = stage_file(b, v, src, name, data, len, false);
		if (!err)
			vol_set(v, changes[i].path, data, len);
		free(data);
		/* debugfs "write" makes a new file in the current directory */
		tb_printf(&cmds, "cd \"/%.*s\"\nrm \"%s\"\nwrite \"%s/%s\" \"%s\"\n",
			  slash ? (int)(slash - changes[i].path) : 0, changes[i].path,
			  slash ? slash + 1 : changes[i].path, src, name,
			  slash ? slash + 1 : changes[i].path);
		free(name);
	}
	if (!err && lv == 0) {
		any = true;
		tb_printf(&cmds, "cd /\nmkdir \"%s\"\ncd \"/%s\"\n", NEW_DIR, NEW_DIR);
		for (int i = 0; i < NEW_FILES && !err; i++) {
			char *path = rr_xasprintf("%s/scan-%02d.txt", NEW_DIR, i + 1);

			name = rr_xasprintf("f%d", n++);
			data = gen_content(path, 1, 4 + (unsigned)(i * 37 % 60), &len);
			err = stage_file(b, v, src, name, data, len, false);
			if (!err)
				vol_set(v, path, data, len);
			tb_printf(&cmds, "write \"%s/%s\" \"scan-%02d.txt\"\n", src, name, i + 1);
			free(data);
			free(path);
			free(name);
		}
	}
	if (!err && any) {
		data = sums_text(v, &len);
		err = stage_file(b, v, src, "SHA256SUMS", data, len, false);
		free(data);
		tb_printf(&cmds, "cd /\nrm SHA256SUMS\nwrite \"%s/SHA256SUMS\" SHA256SUMS\n", src);
	}
	if (!err && any)
		err = write_file(cmdf, cmds.s, cmds.len) ?
			fail(b, -EIO, _("cannot write %s"), cmdf) : 0;
	if (!err && any) {
		char *argv[] = { b->debugfs, "-w", "-f", cmdf, v->img, NULL };

		err = run_tool(b, argv, _("changing a demo filesystem"));
	}
	free(cmds.s);
	free(src);
	free(cmdf);
	return err;
}

/* The volumes must come out clean: a demo whose right answer does not
 * check clean would teach the wrong thing. */
static int check_volume(struct build *b, unsigned lv)
{
	char *argv[] = { b->e2fsck, "-fn", b->vol[lv].img, NULL };

	return run_tool(b, argv, _("checking a demo filesystem"));
}

/* ---- LVM2 ----------------------------------------------------------------------- */

static int write_lvm(struct build *b)
{
	struct rr_lvm_wlv lvs[NLV];
	struct rr_lvm_wvg vg = {
		.name = "demovg",
		.id = b->vg_id,
		.seqno = 1 + NLV,	/* vgcreate, then one lvcreate each */
		.extent_size = EXTENT_SECTORS,
		.pv_id = b->pv_id,
		.pv_device = "/dev/md127",
		.dev_size = b->array_bytes / SECTOR,
		.pe_start = PE_START,
		.pe_count = (b->array_bytes / SECTOR - PE_START) / EXTENT_SECTORS,
		.lvs = lvs,
		.nlvs = NLV,
		.creation_host = "nas01",
		.creation_time = b->ctime + 600 + 60 * NLV,
		.description = "Written by raidrescue demo (the state after: lvcreate -L 16M -n log demovg).",
	};
	size_t len = (size_t)PE_START * SECTOR;
	uint8_t *buf;
	char *text;
	int err;

	for (unsigned i = 0; i < NLV; i++) {
		lvs[i].name = lvspecs[i].name;
		lvs[i].id = b->lv_id[i];
		lvs[i].extent_count = lvspecs[i].extents;
		lvs[i].pv_start_extent = lvspecs[i].pv_start;
		lvs[i].creation_time = b->ctime + 600 + 60 * (i + 1);
	}
	text = rr_lvm_vg_text(&vg);
	if (!text)
		return fail(b, -EINVAL, _("the demo volumes do not fit in the array"));
	buf = rr_xmalloc(len);
	err = rr_lvm_pv_format(buf, len, &vg, text);
	if (!err)
		err = write_changed(b->array_fd, buf, len, 0);
	free(buf);
	free(text);
	if (err)
		return fail(b, err, _("cannot write the LVM2 metadata: %s"), strerror(-err));
	return 0;
}

/* ---- md superblocks ------------------------------------------------------------ */

static int write_superblocks(struct build *b)
{
	for (int role = 0; role < NMEM; role++) {
		struct rr_md1_super *sb = rr_xmalloc(sizeof(*sb));
		int err = rr_md1_init(sb, 2, MEMBER_BYTES / SECTOR);

		if (!err) {
			memcpy(sb->set_uuid, b->array_uuid, 16);
			snprintf(sb->set_name, sizeof(sb->set_name), "nas01:0");
			sb->ctime = b->ctime;
			sb->level = 5;
			sb->layout = RR_ALG_LEFT_SYMMETRIC;
			sb->size = b->g.dev_sectors;
			sb->chunksize = CHUNK_SECTORS;
			sb->raid_disks = NMEM;
			sb->dev_number = (uint32_t)role;	/* mdadm --create numbers them so */
			memcpy(sb->device_uuid, b->dev_uuid[role], 16);
			for (int r = 0; r < NMEM; r++)
				sb->dev_roles[r] = (uint16_t)r;
			if (role == ROLE_FIRST) {
				/* The last superblock written while it was in:
				 * all active, the array busy (not clean). */
				sb->events = EVENTS_FIRST;
				sb->utime = b->t_first;
				sb->resync_offset = 0;
			} else if (role == ROLE_SECOND) {
				/* Written while the first was already faulty
				 * (super_1_sync marks a Faulty rdev 0xfffe). */
				sb->events = EVENTS_SECOND;
				sb->utime = b->t_second;
				sb->resync_offset = 0;
				sb->dev_roles[ROLE_FIRST] = RR_MD_ROLE_FAULTY;
			} else {
				/* The stop: both faulty, shut down cleanly. */
				sb->events = EVENTS_FRESH;
				sb->utime = b->t_fresh;
				sb->resync_offset = UINT64_MAX;
				sb->dev_roles[ROLE_FIRST] = RR_MD_ROLE_FAULTY;
				sb->dev_roles[ROLE_SECOND] = RR_MD_ROLE_FAULTY;
			}
			err = rr_md1_write(b->fd[role], sb);
		}
		free(sb);
		if (err)
			return fail(b, err, _("cannot write an md superblock: %s"), strerror(-err));
	}
	return 0;
}

/* ---- truth.json ------------------------------------------------------------------ */

static json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static void iso_time(uint64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int name_of_role(int role)
{
	for (int i = 0; i < NMEM; i++)
		if (member_role[i] == role)
			return i;
	return -1;
}

static json_object *order_json(int leave_out)
{
	json_object *a = json_object_new_array();

	for (int r = 0; r < NMEM; r++)
		json_object_array_add(a, jstr(r == leave_out ? "missing" : member_names[name_of_role(r)]));
	return a;
}

static int write_truth(struct build *b, const char *path)
{
	json_object *o = json_object_new_object(), *a, *x, *fs;
	char buf[64], uuid[40];
	int err;

	json_object_object_add(o, "scenario", jstr("two-ejections"));
	json_object_object_add(o, "made_by", jstr("raidrescue demo"));
	json_object_object_add(o, "level", json_object_new_int(5));
	json_object_object_add(o, "metadata", jstr("1.2"));
	json_object_object_add(o, "chunk_kib", json_object_new_int(CHUNK_SECTORS / 2));
	json_object_object_add(o, "layout", jstr("left-symmetric"));
	json_object_object_add(o, "layout_num", json_object_new_int(RR_ALG_LEFT_SYMMETRIC));
	json_object_object_add(o, "raid_devices", json_object_new_int(NMEM));
	snprintf(uuid, sizeof(uuid), "%02x%02x%02x%02x:%02x%02x%02x%02x:%02x%02x%02x%02x:%02x%02x%02x%02x",
		 b->array_uuid[0], b->array_uuid[1], b->array_uuid[2], b->array_uuid[3],
		 b->array_uuid[4], b->array_uuid[5], b->array_uuid[6], b->array_uuid[7],
		 b->array_uuid[8], b->array_uuid[9], b->array_uuid[10], b->array_uuid[11],
		 b->array_uuid[12], b->array_uuid[13], b->array_uuid[14], b->array_uuid[15]);
	json_object_object_add(o, "array_uuid", jstr(uuid));
	json_object_object_add(o, "array_sectors", json_object_new_int64((int64_t)(b->array_bytes / SECTOR)));
	json_object_object_add(o, "component_sectors", json_object_new_int64((int64_t)b->g.dev_sectors));
	json_object_object_add(o, "member_bytes", json_object_new_int64((int64_t)MEMBER_BYTES));
	json_object_object_add(o, "data_offset", json_object_new_int(DATA_OFFSET));

	a = json_object_new_array();
	for (int r = 0; r < NMEM; r++) {
		x = json_object_new_object();
		json_object_object_add(x, "role", json_object_new_int(r));
		json_object_object_add(x, "image", jstr(member_names[name_of_role(r)]));
		json_object_object_add(x, "data_offset", json_object_new_int(DATA_OFFSET));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "order", a);

	a = json_object_new_array();
	for (int i = 0; i < NMEM; i++) {
		int r = member_role[i];
		uint64_t ev = r == ROLE_FIRST ? EVENTS_FIRST : r == ROLE_SECOND ? EVENTS_SECOND : EVENTS_FRESH;
		uint64_t t = r == ROLE_FIRST ? b->t_first : r == ROLE_SECOND ? b->t_second : b->t_fresh;

		x = json_object_new_object();
		json_object_object_add(x, "image", jstr(member_names[i]));
		json_object_object_add(x, "role", json_object_new_int(r));
		json_object_object_add(x, "state", jstr(r == ROLE_FIRST ? "ejected-first" :
							 r == ROLE_SECOND ? "ejected-second" : "fresh"));
		json_object_object_add(x, "events", json_object_new_int64((int64_t)ev));
		iso_time(t, buf, sizeof(buf));
		json_object_object_add(x, "update_time", jstr(buf));
		json_object_object_add(x, "array_state", jstr(r == ROLE_FIRST ? "AAAAA" :
							       r == ROLE_SECOND ? "AAA.A" : "A.A.A"));
		json_object_object_add(x, "data", jstr(r == ROLE_FIRST ? "stale: misses the writes made after it was ejected" :
						       "current"));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "members", a);

	a = json_object_new_array();
	json_object_array_add(a, jstr(member_names[name_of_role(ROLE_FIRST)]));
	json_object_array_add(a, jstr(member_names[name_of_role(ROLE_SECOND)]));
	json_object_object_add(o, "ejected", a);

	fs = json_object_new_array();
	for (unsigned lv = 0; lv < NLV; lv++) {
		x = json_object_new_object();
		json_object_object_add(x, "vg", jstr("demovg"));
		json_object_object_add(x, "lv", jstr(lvspecs[lv].name));
		json_object_object_add(x, "label", jstr(lvspecs[lv].name));
		json_object_object_add(x, "type", jstr("ext4"));
		json_object_object_add(x, "extents", json_object_new_int((int)lvspecs[lv].extents));
		json_object_object_add(x, "pv_start_extent", json_object_new_int((int)lvspecs[lv].pv_start));
		json_object_object_add(x, "array_offset_bytes", json_object_new_int64(
			(int64_t)(((uint64_t)PE_START + (uint64_t)lvspecs[lv].pv_start * EXTENT_SECTORS) * SECTOR)));
		json_object_object_add(x, "size_bytes", json_object_new_int64(
			(int64_t)((uint64_t)lvspecs[lv].extents * EXTENT_SECTORS * SECTOR)));
		json_object_object_add(x, "changed_between_ejections", json_object_new_boolean(lv != 2));
		json_object_object_add(x, "files", json_object_new_int((int)b->vol[lv].nfiles));
		json_object_array_add(fs, x);
	}
	json_object_object_add(o, "lvm", x = json_object_new_object());
	json_object_object_add(x, "vg", jstr("demovg"));
	json_object_object_add(x, "pv_array_offset", json_object_new_int(0));
	json_object_object_add(x, "pe_start_sectors", json_object_new_int(PE_START));
	json_object_object_add(x, "extent_sectors", json_object_new_int(EXTENT_SECTORS));
	json_object_object_add(o, "filesystems", fs);

	x = json_object_new_object();
	json_object_object_add(x, "order", order_json(ROLE_FIRST));
	json_object_object_add(x, "fsck", jstr("every volume clean, every SHA256SUMS matches"));
	json_object_object_add(o, "right_assembly", x);
	x = json_object_new_object();
	json_object_object_add(x, "order", order_json(ROLE_SECOND));
	json_object_object_add(x, "fsck", jstr("home and srv hold stale blocks: errors or wrong content; log clean"));
	json_object_object_add(o, "wrong_assembly", x);
	json_object_object_add(o, "notes", jstr(
		"After the second ejection RAID5 cannot write any more: md only updated the "
		"superblocks of the three fresh members (faulty marks, then the stop)."));

	err = json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
	json_object_put(o);
	if (err < 0)
		return fail(b, -EIO, _("cannot write %s"), path);
	return 0;
}

/* ---- setup and cleanup ----------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Remove what the demo put in dir: every entry (the directory was empty
 * or new), and the directory itself when we made it. */
static void rm_contents(const char *dir, bool made)
{
	DIR *d;
	struct dirent *e;

	if (made) {
		rm_tree(dir);
		return;
	}
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = rr_xasprintf("%s/%s", dir, e->d_name);
		rm_tree(p);
		free(p);
	}
	closedir(d);
}

/* 0 if dir does not exist (*made = true) or is an empty directory. */
static int check_fresh(const char *dir, bool *made)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	*made = false;
	if (!d) {
		if (errno == ENOENT) {
			*made = true;
			return 0;
		}
		return -errno;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n ? -EEXIST : 0;
}

static int setup(struct build *b)
{
	uint8_t rnd[16 * (NMEM + 1)];
	int err;

	b->now = time(NULL);
	/* The story's clock: made 400 days ago, first ejection three days
	 * ago, the second two hours ago, stopped 95 seconds later. */
	b->ctime = (uint64_t)b->now - 400 * 86400ull;
	b->t_first = (uint64_t)b->now - 3 * 86400ull - 6 * 3600;
	b->t_second = (uint64_t)b->now - 2 * 3600 - 15 * 60;
	b->t_fresh = b->t_second + 95;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return fail(b, -EIO, _("cannot get random numbers for the demo's UUIDs"));
	memcpy(b->array_uuid, rnd, 16);
	for (int i = 0; i < NMEM; i++)
		memcpy(b->dev_uuid[i], rnd + 16 * (i + 1), 16);
	if ((err = rr_lvm_id_new(&b->vg_id)) || (err = rr_lvm_id_new(&b->pv_id)))
		return fail(b, err, _("cannot get random numbers for the demo's UUIDs"));
	for (unsigned i = 0; i < NLV; i++)
		if ((err = rr_lvm_id_new(&b->lv_id[i])))
			return fail(b, err, _("cannot get random numbers for the demo's UUIDs"));

	b->mkfs = find_tool("mkfs.ext4");
	b->debugfs = find_tool("debugfs");
	b->e2fsck = find_tool("e2fsck");
	if (!b->mkfs || !b->debugfs || !b->e2fsck)
		return fail(b, -ENOENT, _("the demo needs mkfs.ext4, debugfs and e2fsck (e2fsprogs)"));

	b->g = (struct rr_geom){
		.level = RR_RAID5,
		.layout = RR_ALG_LEFT_SYMMETRIC,
		.chunk_sectors = CHUNK_SECTORS,
		.ndisks = NMEM,
		/* md rounds the member's data size down to the chunk */
		.dev_sectors = (MEMBER_BYTES / SECTOR - DATA_OFFSET) / CHUNK_SECTORS * CHUNK_SECTORS,
	};
	b->array_bytes = rr_layout_array_sectors(&b->g) * SECTOR;
	b->stripe_bytes = rr_layout_stripe_bytes(&b->g);
	if (!b->array_bytes || !b->stripe_bytes)
		return fail(b, -EINVAL, _("internal error: the demo geometry is invalid"));
	b->written = rr_xcalloc((size_t)(b->array_bytes / b->stripe_bytes), sizeof(bool));

	b->work = rr_xasprintf("%s/demo-work", b->dir);
	b->log = rr_xasprintf("%s/demo-build.log", b->dir);
	if (mkdir(b->work, 0700) < 0)
		return fail(b, -errno, _("cannot create %s: %s"), b->work, strerror(errno));
	b->array = rr_xasprintf("%s/array.img", b->work);
	b->array_fd = open(b->array, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (b->array_fd < 0 || ftruncate(b->array_fd, (off_t)b->array_bytes) < 0)
		return fail(b, -errno, _("cannot create %s: %s"), b->array, strerror(errno));
	for (int i = 0; i < NMEM; i++) {
		char *p = rr_xasprintf("%s/%s", b->dir, member_names[i]);
		int fd = open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

		if (fd < 0 || ftruncate(fd, (off_t)MEMBER_BYTES) < 0) {
			err = fail(b, -errno, _("cannot create %s: %s"), p, strerror(errno));
			if (fd >= 0)
				close(fd);
			free(p);
			return err;
		}
		b->fd[member_role[i]] = fd;
		free(p);
	}
	return 0;
}

static void build_free(struct build *b)
{
	for (int i = 0; i < NMEM; i++)
		if (b->fd[i] >= 0)
			close(b->fd[i]);
	if (b->array_fd >= 0)
		close(b->array_fd);
	for (unsigned lv = 0; lv < NLV; lv++) {
		for (size_t i = 0; i < b->vol[lv].nfiles; i++)
			free(b->vol[lv].files[i].path);
		free(b->vol[lv].files);
		free(b->vol[lv].img);
		free(b->vol[lv].stage);
	}
	free(b->written);
	free(b->work);
	free(b->log);
	free(b->array);
	free(b->mkfs);
	free(b->debugfs);
	free(b->e2fsck);
}

/* ---- the whole story ---------------------------------------------------------------- */

static int build(struct build *b)
{
	int err;

	if ((err = setup(b)))
		return err;
	/* 1. the volumes, the PV, the healthy array on all five */
	for (unsigned lv = 0; lv < NLV; lv++)
		if ((err = make_volume(b, lv)) || (err = place_volume(b, lv)))
			return err;
	if ((err = write_lvm(b)) || (err = restripe(b, 0, b->array_bytes)))
		return err;
	/* 2. the first ejection; the writes after it reach the other four */
	b->skip[ROLE_FIRST] = true;
	for (unsigned lv = 0; lv < NLV; lv++) {
		uint64_t base = ((uint64_t)PE_START + (uint64_t)lvspecs[lv].pv_start * EXTENT_SECTORS) * SECTOR;

		if (lv == 2)
			continue;	/* log is not written in between */
		if ((err = change_volume(b, lv)) || (err = place_volume(b, lv)) ||
		    (err = restripe(b, base, (uint64_t)lvspecs[lv].extents * EXTENT_SECTORS * SECTOR)))
			return err;
	}
	/* 3. the second ejection: RAID5 with two members gone writes no
	 * data at all; md only records it in the superblocks. */
	b->skip[ROLE_SECOND] = true;
	for (unsigned lv = 0; lv < NLV; lv++)
		if ((err = check_volume(b, lv)))
			return err;
	if ((err = write_superblocks(b)))
		return err;
	for (int i = 0; i < NMEM; i++)
		if (fsync(b->fd[i]) < 0)
			return fail(b, -errno, _("cannot write the demo members: %s"), strerror(errno));
	return 0;
}

int rr_demo_build(const char *dir, struct rr_demo *out, char *msg, size_t n)
{
	struct build b = { .msg = msg, .n = n, .array_fd = -1 };
	struct rr_session *s = NULL;
	char *def = NULL, *truth;
	bool made;
	int err;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < NMEM; i++)
		b.fd[i] = -1;
	if (msg && n)
		msg[0] = '\0';
	if (!dir)
		dir = def = rr_session_default_dir();
	err = check_fresh(dir, &made);
	if (err) {
		err = err == -EEXIST ?
			fail(&b, err, _("%s is not empty; the demo needs a new directory"), dir) :
			fail(&b, err, _("cannot use %s: %s"), dir, strerror(-err));
		free(def);
		return err;
	}
	err = rr_session_open(dir, 1, &s);
	if (err) {
		fail(&b, err, _("cannot create the session %s: %s"), dir, strerror(-err));
		if (made)
			rm_tree(dir);
		free(def);
		return err;
	}
	b.dir = s->dir;
	rr_session_log(s, "demo: building the two-ejections scenario");
	err = build(&b);
	truth = rr_xasprintf("%s/truth.json", s->dir);
	if (!err)
		err = write_truth(&b, truth);
	if (b.work)
		rm_tree(b.work);	/* the flat images only served the build */
	build_free(&b);
	if (err) {
		rr_session_log(s, "demo: failed: %s", msg ? msg : "");
		rr_session_close(s);
		rm_contents(dir, made);
		free(truth);
		free(def);
		return err;
	}
	rr_session_log(s, "demo: built; first ejected %s (role %d), later %s (role %d)",
		       member_names[name_of_role(ROLE_FIRST)], ROLE_FIRST,
		       member_names[name_of_role(ROLE_SECOND)], ROLE_SECOND);
	out->dir = rr_xstrdup(s->dir);
	out->truth = truth;
	for (int i = 0; i < NMEM; i++) {
		out->members[i] = rr_xasprintf("%s/%s", s->dir, member_names[i]);
		out->role[i] = member_role[i];
	}
	out->first_ejected = name_of_role(ROLE_FIRST);
	out->second_ejected = name_of_role(ROLE_SECOND);
	rr_session_close(s);
	free(def);
	return 0;
}

void rr_demo_free(struct rr_demo *d)
{
	if (!d)
		return;
	free(d->dir);
	free(d->truth);
	for (int i = 0; i < NMEM; i++)
		free(d->members[i]);
	memset(d, 0, sizeof(*d));
}
