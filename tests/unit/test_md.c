/* md superblock probe, checked against what real tools say about images
 * real tools wrote: the saved mdadm --examine of every kernel fixture
 * member, the installed mdadm run on the same images, and libblkid's
 * view of the util-linux md images.  Damaged and byte-swapped variants
 * are made at test time from those real images. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "probes/md.h"

static const char *const versions[] = { "0.90", "1.0", "1.1", "1.2" };

/* ---- helpers -------------------------------------------------------- */

/* fx_shared() returns a malloc'd path. */
static char *shared_slurp(const char *rel)
{
	char *p = fx_shared(rel), *t = fx_slurp(p, NULL);

	free(p);
	return t;
}

/* A decompressed util-linux image, named "mdraid.img" etc. (freed by
 * the group teardown through ul_img). */
static char *ul_img[2];

static const char *util_linux_image(int which)
{
	if (!ul_img[which]) {
		char *p = fx_shared(which ? "util-linux/mdraid-1.img.xz" : "util-linux/mdraid.img.xz");

		ul_img[which] = fx_unxz(p);
		free(p);
	}
	return ul_img[which];
}

/* Decompressed fixture images, cached for the whole group. */
static char *kernel_img[4][4];

static const char *kernel_image(int v, int i)
{
	char rel[128];

	if (!kernel_img[v][i]) {
		snprintf(rel, sizeof(rel), "kernel/md-%s/member%d.img.xz", versions[v], i);
		char *xz = fx_shared(rel), *tmp = fx_unxz(xz);

		/* fx_unxz names the copy after the file's basename, and every
		 * set has a member0.img: give each its own name. */
		assert_true(asprintf(&kernel_img[v][i], "%s/md-%s-member%d.img", fx_tmpdir(),
				     versions[v], i) > 0);
		assert_int_equal(rename(tmp, kernel_img[v][i]), 0);
		free(tmp);
		free(xz);
	}
	return kernel_img[v][i];
}

static char *kernel_examine(int v, int i)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "kernel/md-%s/member%d.examine.txt", versions[v], i);
	return shared_slurp(rel);
}

static struct rr_member *examine(const char *path)
{
	struct rr_member *m = rr_member_new(path);
	struct rr_dev *d;

	assert_int_equal(rr_dev_open(path, &d), 0);
	m->size_bytes = rr_dev_size(d);
	(void)rr_probe_md.probe(d, m);
	rr_dev_close(d);
	return m;
}

static char *md_text(const struct rr_member *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	rr_probe_md.print(f, m);
	fclose(f);
	return buf;
}

static int has_error(const struct rr_member *m, const char *needle)
{
	for (size_t i = 0; i < m->nerrors; i++)
		if (strstr(m->errors[i], needle))
			return 1;
	return 0;
}

/* Value of "Label : value" in mdadm --examine output (first match), or
 * NULL; malloc'd. */
static char *field(const char *text, const char *label)
{
	size_t ll = strlen(label);

	for (const char *line = text; line && *line; ) {
		const char *p = line, *nl = strchr(line, '\n');

		line = nl ? nl + 1 : NULL;
		while (*p == ' ')
			p++;
		if (strncmp(p, label, ll) == 0 && strncmp(p + ll, " : ", 3) == 0) {
			const char *v = p + ll + 3, *e = strchr(v, '\n');

			return strndup(v, e ? (size_t)(e - v) : strlen(v));
		}
	}
	return NULL;
}

static uint64_t num_field(const char *text, const char *label)
{
	char *v = field(text, label);
	uint64_t n;

	assert_non_null(v);
	n = strtoull(v, NULL, 0);
	free(v);
	return n;
}

/* Seconds since the epoch of mdadm's ctime()-style string, read as UTC
 * (the fixtures were made with TZ=UTC). */
static uint64_t parse_ctime(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%a %b %d %H:%M:%S %Y", &tm);
	assert_non_null(end);
	return (uint64_t)timegm(&tm);
}

/* Make the two texts comparable: drop mdadm's first line (the device
 * name it was given), its "(local to host X)" remarks (they depend on
 * the examining host's name), and the host device names at the end of
 * 0.90 disk-table rows (they depend on the examining host's /dev). */
static char *normalise(const char *text, int drop_first)
{
	char *out = calloc(1, strlen(text) + 1), *o = out;
	const char *line = text;

	if (drop_first && strchr(line, '\n'))
		line = strchr(line, '\n') + 1;
	while (*line) {
		const char *e = strchr(line, '\n');
		size_t len = e ? (size_t)(e - line) : strlen(line);
		char *l = strndup(line, len), *p;

		if ((p = strstr(l, "  (local to host")) || (p = strstr(l, " (local to host")))
			*p = '\0';
		if ((p = strstr(l, "   /dev/")))
			*p = '\0';
		o += sprintf(o, "%s\n", l);
		free(l);
		line += len + (e ? 1 : 0);
	}
	return out;
}

static void copy_file(const char *from, const char *to, uint64_t len)
{
	size_t n;
	char *data = fx_slurp(from, &n);
	int fd = open(to, O_CREAT | O_TRUNC | O_WRONLY, 0600);

	assert_true(fd >= 0);
	if (len > n)
		len = n;
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(data);
}

static void patch(const char *path, uint64_t off, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void read_at(const char *path, uint64_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static char *tmp_path(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", fx_tmpdir(), name) > 0);
	return p;
}

static const char *find_mdadm(void)
{
	static const char *const c[] = { "/usr/sbin/mdadm", "/sbin/mdadm", "/usr/bin/mdadm" };

	for (size_t i = 0; i < 3; i++)
		if (access(c[i], X_OK) == 0)
			return c[i];
	return NULL;
}

/* mdadm --examine output (TZ=UTC, like the fixtures), or NULL. */
static char *run_mdadm(const char *img, const char *extra)
{
	const char *mdadm = find_mdadm();
	char *cmd, *out = NULL;
	size_t len = 0, n;
	char buf[4096];
	FILE *p, *o;

	if (!mdadm)
		return NULL;
	assert_true(asprintf(&cmd, "TZ=UTC %s --examine %s '%s' 2>/dev/null", mdadm, extra, img) > 0);
	p = popen(cmd, "r");
	assert_non_null(p);
	o = open_memstream(&out, &len);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, o);
	fclose(o);
	pclose(p);
	free(cmd);
	return out;
}

/* ---- the kernel fixtures against their saved mdadm --examine --------- */

static void check_fields(const struct rr_md_sb *s, const char *ex)
{
	char uuid[36], t[64], b[64], *v;
	uint64_t n;

	/* Version */
	v = field(ex, "Version");
	if (s->version == RR_MD_V0_90) {
		snprintf(b, sizeof(b), "%u.%02u.%02u", s->major_version, s->minor_version,
			 s->patch_version);
		assert_string_equal(v, b);
	} else {
		assert_string_equal(v, rr_md_version_name(s->version));
	}
	free(v);

	/* UUID (0.90) / Array UUID (1.x) */
	v = field(ex, s->version == RR_MD_V0_90 ? "UUID" : "Array UUID");
	rr_md_format_uuid(s->array_uuid, uuid);
	assert_memory_equal(v, uuid, 35);
	free(v);

	if (s->version != RR_MD_V0_90) {
		char *p;

		v = field(ex, "Name");
		if ((p = strstr(v, "  (local to host")))
			*p = '\0';
		assert_string_equal(v, s->name);
		free(v);
		v = field(ex, "Device UUID");
		rr_md_format_uuid(s->device_uuid, uuid);
		assert_string_equal(v, uuid);
		free(v);
		/* "81888 sectors (39.98 MiB 41.93 MB)" */
		assert_int_equal(num_field(ex, "Avail Dev Size"), s->data_size);
		v = field(ex, "Used Dev Size");
		assert_int_equal(v ? strtoull(v, NULL, 10) : s->data_size, s->component_size);
		free(v);
		/* Data Offset is printed only when it is not 0. */
		v = field(ex, "Data Offset");
		assert_int_equal(v ? strtoull(v, NULL, 10) : 0, s->data_offset);
		free(v);
		/* "Active device 2" */
		v = field(ex, "Device Role");
		assert_true(strncmp(v, "Active device ", 14) == 0);
		assert_int_equal(s->role_kind, RR_MD_ROLE_ACTIVE);
		assert_int_equal(strtoul(v + 14, NULL, 10), s->slot);
		free(v);
		v = field(ex, "Array State");
		assert_true(strncmp(v, s->array_state, strlen(s->array_state)) == 0);
		assert_int_equal(v[strlen(s->array_state)], ' ');
		free(v);
		/* "119808 KiB (...)": RAID5 keeps raid_disks - 1 data copies. */
		n = num_field(ex, "Array Size");
		assert_int_equal(n, s->component_size / 2 * (s->raid_disks - 1));
	} else {
		/* "40896 (39.94 MiB 41.88 MB)", KiB */
		assert_int_equal(num_field(ex, "Used Dev Size") * 2, s->component_size);
		n = num_field(ex, "Array Size");
		assert_int_equal(n, s->component_size / 2 * (s->raid_disks - 1));
		assert_int_equal(num_field(ex, "Total Devices"), s->nr_disks);
		assert_int_equal(num_field(ex, "Preferred Minor"), s->md_minor);
		/* "this     2       7        2        2      active sync" */
		v = strstr(ex, "\nthis ");
		assert_non_null(v);
		{
			unsigned num, maj, min, rd;

			assert_int_equal(sscanf(v + 5, "%u %u %u %u", &num, &maj, &min, &rd), 4);
			assert_int_equal(num, s->this_disk.number);
			assert_int_equal(maj, s->this_disk.major);
			assert_int_equal(min, s->this_disk.minor);
			assert_int_equal(rd, s->this_disk.raid_disk);
			assert_int_equal(s->role_kind, RR_MD_ROLE_ACTIVE);
			assert_int_equal(rd, s->slot);
		}
		/* The table rows "   0     0       7        0        0      active sync" */
		for (unsigned d = 0; d < s->raid_disks; d++) {
			char key[16];
			unsigned idx, num, maj, min, rd;

			snprintf(key, sizeof(key), "\n%4u ", d);
			v = strstr(ex, key);
			assert_non_null(v);
			assert_int_equal(sscanf(v + 1, "%u %u %u %u %u", &idx, &num, &maj, &min, &rd), 5);
			assert_int_equal(num, s->disks[d].number);
			assert_int_equal(maj, s->disks[d].major);
			assert_int_equal(min, s->disks[d].minor);
			assert_int_equal(rd, s->disks[d].raid_disk);
		}
	}

	v = field(ex, "Raid Level");
	assert_string_equal(v, rr_md_level_name(s->level));
	free(v);
	assert_int_equal(num_field(ex, "Raid Devices"), s->raid_disks);
	/* "64K" */
	assert_int_equal(num_field(ex, "Chunk Size") * 1024, s->chunk_bytes);
	v = field(ex, "Layout");
	assert_string_equal(v, rr_md_layout_name(s->level, s->layout, false, b, sizeof(b)));
	free(v);
	v = field(ex, "Super Offset");
	if (v)
		assert_int_equal(strtoull(v, NULL, 10), s->super_offset);
	free(v);
	assert_int_equal(num_field(ex, "Events"), s->events);

	/* Times: the text and, independently, the epoch seconds. */
	v = field(ex, "Update Time");
	rr_md_format_ctime(s->utime, t, sizeof(t));
	assert_string_equal(v, t);
	assert_int_equal(parse_ctime(v), s->utime);
	free(v);
	v = field(ex, "Creation Time");
	rr_md_format_ctime(s->ctime, t, sizeof(t));
	assert_string_equal(v, t);
	assert_int_equal(parse_ctime(v), s->ctime);
	free(v);

	/* "a2096b06 - correct" */
	v = field(ex, "Checksum");
	assert_int_equal(strtoul(v, NULL, 16), s->csum_stored);
	assert_non_null(strstr(v, "- correct"));
	assert_true(s->checksum_ok);
	free(v);
	v = field(ex, "State");
	assert_string_equal(v, s->clean ? "clean" : "active");
	free(v);
}

static void test_kernel_fixtures(void **state)
{
	for (int v = 0; v < 4; v++)
		for (int i = 0; i < 4; i++) {
			struct rr_member *m = examine(kernel_image(v, i));
			const struct rr_md_sb *s = rr_md_primary(m->md);
			char *ex = kernel_examine(v, i), *txt, *a, *b;

			assert_non_null(s);
			assert_int_equal(m->md->nsb, 1);
			assert_int_equal(m->nerrors, 0);
			assert_string_equal(rr_md_version_name(s->version), versions[v]);
			assert_false(s->big_endian);
			check_fields(s, ex);

			/* The whole text, line for line. */
			txt = md_text(m);
			a = normalise(ex, 1);
			b = normalise(txt, 0);
			assert_string_equal(a, b);
			free(a);
			free(b);
			free(txt);
			free(ex);
			rr_member_free(m);
		}
}

/* The times are printed in UTC whatever the operator's TZ. */
static void test_times_tz_independent(void **state)
{
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	struct rr_member *m;
	char *ex = kernel_examine(3, 0), *v, t[64];

	setenv("TZ", "America/New_York", 1);
	tzset();
	m = examine(kernel_image(3, 0));
	v = field(ex, "Update Time");
	rr_md_format_ctime(m->md->sb[0].utime, t, sizeof(t));
	assert_string_equal(v, t);
	free(v);
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
	free(ex);
	rr_member_free(m);
}

/* ---- differential: the installed mdadm on the same images ----------- */

static void differential(const char *img, const char *extra)
{
	char *theirs = run_mdadm(img, extra), *ours, *a, *b;
	struct rr_member *m;

	if (!theirs || !*theirs) {
		free(theirs);
		print_message("mdadm not available or silent on %s; differential skipped\n", img);
		skip();
	}
	m = examine(img);
	ours = md_text(m);
	a = normalise(theirs, 1);
	b = normalise(ours, 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(ours);
	free(theirs);
	rr_member_free(m);
}

static void test_differential_mdadm(void **state)
{
	if (!find_mdadm())
		skip();
	for (int v = 0; v < 4; v++)
		for (int i = 0; i < 4; i++)
			differential(kernel_image(v, i), "");
	differential(util_linux_image(0), "");
	differential(util_linux_image(1), "");
}

/* ---- util-linux images against libblkid's view ---------------------- */

static char *expected(const char *file, const char *key)
{
	char *text = shared_slurp(file), *v;
	char k[64];

	snprintf(k, sizeof(k), "%s=", key);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, k, strlen(k)) == 0) {
			v = strdup(line + strlen(k));
			free(text);
			return v;
		}
	free(text);
	return NULL;
}

/* "37c76b91-011a-05c5-..." and "37c76b91:011a05c5:..." compare as hex. */
static void assert_same_uuid(const char *blkid, const uint8_t *u)
{
	char a[40], b[36], *o = a;

	for (const char *p = blkid; *p; p++)
		if (*p != '-')
			*o++ = *p;
	*o = '\0';
	for (int i = 0; i < 16; i++)
		sprintf(b + 2 * i, "%02x", u[i]);
	assert_string_equal(a, b);
}

static void test_util_linux(void **state)
{
	struct rr_member *m;
	const struct rr_md_sb *s;
	char *v, b[32];

	m = examine(util_linux_image(0));
	s = rr_md_primary(m->md);
	assert_non_null(s);
	assert_int_equal(s->version, RR_MD_V0_90);
	v = expected("util-linux/mdraid.expected", "ID_FS_UUID");
	assert_same_uuid(v, s->array_uuid);
	free(v);
	v = expected("util-linux/mdraid.expected", "ID_FS_VERSION");
	snprintf(b, sizeof(b), "%u.%u.%u", s->major_version, s->minor_version, s->patch_version);
	assert_string_equal(v, b);
	free(v);
	assert_true(s->checksum_ok);
	rr_member_free(m);

	m = examine(util_linux_image(1));
	s = rr_md_primary(m->md);
	assert_non_null(s);
	v = expected("util-linux/mdraid-1.expected", "ID_FS_UUID");
	assert_same_uuid(v, s->array_uuid);
	free(v);
	v = expected("util-linux/mdraid-1.expected", "ID_FS_UUID_SUB");
	assert_same_uuid(v, s->device_uuid);
	free(v);
	v = expected("util-linux/mdraid-1.expected", "ID_FS_LABEL");
	assert_string_equal(v, s->name);
	free(v);
	v = expected("util-linux/mdraid-1.expected", "ID_FS_VERSION");
	assert_string_equal(v, rr_md_version_name(s->version));
	free(v);
	assert_true(s->checksum_ok);
	rr_member_free(m);
}

/* ---- big-endian 0.90 ------------------------------------------------ */

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* What a big-endian host would have written: every 32-bit word in its
 * order, the 64-bit counters (events, cp_events, reshape_position at
 * words 39, 41, 44) as big-endian 64-bit numbers, and the checksum summed
 * over the big-endian words (mdadm calc_sb0_csum on that host). */
static void make_big_endian(const char *from, const char *to)
{
	uint64_t size, off;
	uint8_t le[4096], be[4096];
	uint64_t sum = 0;
	uint32_t w[1024];
	struct stat st;

	assert_int_equal(stat(from, &st), 0);
	size = (uint64_t)st.st_size;
	off = (size & ~(uint64_t)65535) - 65536;
	copy_file(from, to, size);
	read_at(from, off, le, sizeof(le));
	for (int i = 0; i < 1024; i++)
		w[i] = get_le32(le + 4 * i);
	for (int i = 0; i < 1024; i++)
		put_be32(be + 4 * i, w[i]);
	for (int i = 39; i <= 44; i += (i == 41 ? 3 : 2)) {
		put_be32(be + 4 * i, w[i + 1]);		/* high word first */
		put_be32(be + 4 * (i + 1), w[i]);
	}
	put_be32(be + 152, 0);
	for (int i = 0; i < 1024; i++)
		sum += (uint32_t)be[4 * i] << 24 | (uint32_t)be[4 * i + 1] << 16 |
		       (uint32_t)be[4 * i + 2] << 8 | be[4 * i + 3];
	put_be32(be + 152, (uint32_t)((sum & 0xffffffff) + (sum >> 32)));
	patch(to, off, be, sizeof(be));
}

static void test_big_endian_090(void **state)
{
	char *be = tmp_path("be090.img");
	struct rr_member *ml, *mb;
	const struct rr_md_sb *l, *b;
	char *tl, *tb, *theirs;

	make_big_endian(kernel_image(0, 2), be);
	ml = examine(kernel_image(0, 2));
	mb = examine(be);
	l = rr_md_primary(ml->md);
	b = rr_md_primary(mb->md);
	assert_non_null(b);
	assert_true(b->big_endian);
	assert_false(l->big_endian);
	assert_true(b->checksum_ok);
	assert_int_equal(mb->nerrors, 0);
	assert_memory_equal(l->array_uuid, b->array_uuid, 16);
	assert_int_equal(l->events, b->events);
	assert_int_equal(l->utime, b->utime);
	assert_int_equal(l->ctime, b->ctime);
	assert_int_equal(l->level, b->level);
	assert_int_equal(l->layout, b->layout);
	assert_int_equal(l->chunk_bytes, b->chunk_bytes);
	assert_int_equal(l->component_size, b->component_size);
	assert_int_equal(l->slot, b->slot);
	assert_int_equal(l->reshape_active, b->reshape_active);
	assert_memory_equal(l->disks, b->disks, sizeof(l->disks));
	assert_string_equal(l->array_state, b->array_state);
	/* The printed text is the same except nothing: same checksum value,
	 * since the sum of the same numbers does not depend on byte order. */
	tl = md_text(ml);
	tb = md_text(mb);
	assert_string_equal(tl, tb);
	/* mdadm reads a byte-swapped 0.90 block with -e 0.swap. */
	theirs = run_mdadm(be, "-e 0.swap");
	if (theirs && *theirs) {
		char *a = normalise(theirs, 1), *c = normalise(tb, 0);

		assert_string_equal(a, c);
		free(a);
		free(c);
	}
	free(theirs);
	free(tl);
	free(tb);
	rr_member_free(ml);
	rr_member_free(mb);
	free(be);
}

/* ---- damaged images ------------------------------------------------- */

static void test_bad_checksum(void **state)
{
	char *img = tmp_path("badsum.img"), *theirs;
	struct rr_member *m, *good;
	uint8_t b;

	copy_file(kernel_image(3, 1), img, UINT64_MAX);
	/* a byte of pad3 (covered by the checksum, meaning nothing) */
	read_at(img, 4096 + 230, &b, 1);
	b ^= 0x5a;
	patch(img, 4096 + 230, &b, 1);
	m = examine(img);
	good = examine(kernel_image(3, 1));
	assert_non_null(m->md);
	assert_false(m->md->sb[0].checksum_ok);
	assert_true(m->md->sb[0].csum_computed);
	assert_int_equal(m->md->sb[0].csum_stored, good->md->sb[0].csum_stored);
	assert_int_not_equal(m->md->sb[0].csum_expected, m->md->sb[0].csum_stored);
	assert_true(has_error(m, "checksum"));
	assert_int_equal(m->md->sb[0].events, good->md->sb[0].events);
	assert_int_equal(m->md->sb[0].slot, good->md->sb[0].slot);
	/* mdadm says "- expected <value>": the same value we computed. */
	theirs = run_mdadm(img, "");
	if (theirs && *theirs) {
		char *ours = md_text(m), *a = normalise(theirs, 1), *c = normalise(ours, 0);

		assert_non_null(strstr(theirs, "- expected"));
		assert_string_equal(a, c);
		free(a);
		free(c);
		free(ours);
	}
	free(theirs);
	rr_member_free(m);
	rr_member_free(good);

	/* 0.90: the same, at the end of the device. */
	copy_file(kernel_image(0, 1), img, UINT64_MAX);
	{
		uint64_t off = (41943040ull & ~65535ull) - 65536 + 200;

		read_at(img, off, &b, 1);
		b ^= 0x01;
		patch(img, off, &b, 1);
	}
	m = examine(img);
	assert_non_null(m->md);
	assert_false(m->md->sb[0].checksum_ok);
	/* a 1 flipped in one word changes the fold as well */
	assert_false(m->md->sb[0].checksum_kernel_ok);
	assert_true(has_error(m, "checksum"));
	rr_member_free(m);
	free(img);
}

static void test_truncated(void **state)
{
	char *img = tmp_path("trunc.img");
	struct rr_member *m;

	/* 1.2 superblock still there, the data area it describes is not. */
	copy_file(kernel_image(3, 0), img, 2u << 20);
	m = examine(img);
	assert_non_null(m->md);
	assert_int_equal(m->md->sb[0].version, RR_MD_V1_2);
	assert_true(has_error(m, "past the end"));
	rr_member_free(m);

	/* Cut inside the 1.2 superblock, and below mdadm's 24 sectors. */
	copy_file(kernel_image(3, 0), img, 4096 + 100);
	m = examine(img);
	assert_null(m->md);
	rr_member_free(m);
	copy_file(kernel_image(3, 0), img, 12000);
	m = examine(img);
	assert_null(m->md);
	rr_member_free(m);

	/* A 1.0 or 0.90 member without its tail has no superblock where it
	 * should be: nothing, not a crash. */
	copy_file(kernel_image(1, 0), img, 20u << 20);
	m = examine(img);
	assert_null(m->md);
	rr_member_free(m);
	copy_file(kernel_image(0, 0), img, (40u << 20) - 4096);
	m = examine(img);
	assert_null(m->md);
	rr_member_free(m);

	/* Zero length. */
	copy_file(kernel_image(3, 0), img, 0);
	m = examine(img);
	assert_null(m->md);
	assert_int_equal(m->nerrors, 0);
	rr_member_free(m);
	free(img);
}

static void test_huge_max_dev(void **state)
{
	char *img = tmp_path("maxdev.img");
	uint8_t v[4] = { 0xff, 0xff, 0xff, 0xff };
	struct rr_member *m;
	char *txt;

	copy_file(kernel_image(2, 3), img, UINT64_MAX);
	patch(img, 220, v, 4);	/* 1.1: superblock at 0, max_dev at 220 */
	m = examine(img);
	assert_non_null(m->md);
	assert_false(m->md->sb[0].csum_computed);
	assert_false(m->md->sb[0].checksum_ok);
	assert_int_equal(m->md->sb[0].nroles, RR_MD1_MAX_DEVS);
	assert_true(has_error(m, "max_dev"));
	assert_int_equal(m->md->sb[0].slot, 3);
	txt = md_text(m);
	assert_non_null(strstr(txt, "Checksum"));
	free(txt);
	rr_member_free(m);

	/* raid_disks absurd too: the array state is bounded. */
	patch(img, 92, v, 4);
	m = examine(img);
	assert_non_null(m->md);
	assert_true(strlen(m->md->sb[0].array_state) <= RR_MD1_MAX_DEVS);
	assert_true(has_error(m, "slots"));
	rr_member_free(m);
	free(img);
}

static void test_super_offset_wrong(void **state)
{
	char *img = tmp_path("wrongoff.img");
	uint8_t four[8] = { 4, 0, 0, 0, 0, 0, 0, 0 };
	struct rr_member *m;

	copy_file(kernel_image(3, 0), img, UINT64_MAX);
	patch(img, 4096 + 144, four, 8);
	m = examine(img);
	assert_null(m->md);
	assert_true(has_error(m, "ignored"));
	rr_member_free(m);
	free(img);
}

/* A 1.2 member that still carries a stale 0.90 block at its end (the
 * 0.90 block of a real member, put where 0.90 keeps it). */
static void test_two_superblocks(void **state)
{
	char *img = tmp_path("two.img");
	uint64_t off = (41943040ull & ~65535ull) - 65536;
	uint8_t sb[4096];
	struct rr_member *m;
	json_object *dev, *md, *others;
	char *txt;

	copy_file(kernel_image(3, 2), img, UINT64_MAX);
	read_at(kernel_image(0, 2), off, sb, sizeof(sb));
	patch(img, off, sb, sizeof(sb));
	m = examine(img);
	assert_non_null(m->md);
	assert_int_equal(m->md->nsb, 2);
	assert_int_equal(m->md->sb[0].version, RR_MD_V1_2);
	assert_int_equal(m->md->sb[1].version, RR_MD_V0_90);
	assert_true(has_error(m, "stale"));
	txt = md_text(m);
	assert_non_null(strstr(txt, "0.90.00"));
	assert_true(strstr(txt, "1.2") < strstr(txt, "0.90.00"));
	free(txt);
	dev = json_object_new_object();
	rr_probe_md.to_json(dev, m);
	assert_true(json_object_object_get_ex(dev, "md", &md));
	assert_string_equal(json_object_get_string(json_object_object_get(md, "version")), "1.2");
	assert_true(json_object_object_get_ex(md, "other_superblocks", &others));
	assert_int_equal(json_object_array_length(others), 1);
	assert_string_equal(json_object_get_string(json_object_object_get(
		json_object_array_get_idx(others, 0), "version")), "0.90");
	json_object_put(dev);
	rr_member_free(m);
	free(img);
}


/* ---- exotic superblocks, judged by mdadm ---------------------------- */

/* One change to a real superblock: width bytes (1, 2, 4 or 8) of value,
 * little-endian, at off within the block. */
struct poke {
	unsigned off, width;
	uint64_t value;
};

struct variant {
	const char *what;
	struct poke pokes[8];
};

static void poke_le(uint8_t *b, const struct poke *p)
{
	for (unsigned i = 0; i < p->width; i++)
		b[p->off + i] = (uint8_t)(p->value >> (8 * i));
}

static uint32_t le32_at(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Seal a modified 1.x block the way mdadm does (calc_sb_1_csum). */
static void seal_sb1(uint8_t *b)
{
	uint32_t max_dev = le32_at(b + 220);
	size_t size = 256 + (size_t)max_dev * 2, i;
	uint64_t sum = 0;

	memset(b + 216, 0, 4);
	for (i = 0; i + 4 <= size; i += 4)
		sum += le32_at(b + i);
	if (size - i == 2)
		sum += (uint32_t)b[i] | (uint32_t)b[i + 1] << 8;
	sum = (sum & 0xffffffff) + (sum >> 32);
	for (int k = 0; k < 4; k++)
		b[216 + k] = (uint8_t)(sum >> (8 * k));
}

/* ... and a 0.90 block (calc_sb0_csum, little-endian host). */
static void seal_sb0(uint8_t *b)
{
	uint64_t sum = 0;

	memset(b + 152, 0, 4);
	for (size_t i = 0; i < 4096; i += 4)
		sum += le32_at(b + i);
	sum = (sum & 0xffffffff) + (sum >> 32);
	for (int k = 0; k < 4; k++)
		b[152 + k] = (uint8_t)(sum >> (8 * k));
}

static void run_variants(const char *base, uint64_t sb_off, const struct variant *v, size_t n,
			 void (*seal)(uint8_t *))
{
	char *img = tmp_path("variant.img");
	uint8_t orig[4096], b[4096];

	if (!find_mdadm())
		skip();
	read_at(base, sb_off, orig, sizeof(orig));
	copy_file(base, img, UINT64_MAX);
	for (size_t i = 0; i < n; i++) {
		char *theirs, *ours, *a, *c;
		struct rr_member *m;

		memcpy(b, orig, sizeof(b));
		for (size_t k = 0; k < 8 && v[i].pokes[k].width; k++)
			poke_le(b, &v[i].pokes[k]);
		seal(b);
		patch(img, sb_off, b, sizeof(b));
		theirs = run_mdadm(img, "");
		assert_non_null(theirs);
		m = examine(img);
		assert_non_null(m->md);
		ours = md_text(m);
		a = normalise(theirs, 1);
		c = normalise(ours, 0);
		if (strcmp(a, c) != 0) {
			fflush(stdout);
			print_message("variant '%s' differs from mdadm:\n--- mdadm\n%s--- ours\n%s\n",
				      v[i].what, a, c);
			fflush(stdout);
		}
		assert_string_equal(a, c);
		free(a);
		free(c);
		free(ours);
		free(theirs);
		rr_member_free(m);
	}
	free(img);
}

static void test_variants_sb1(void **state)
{
	static const struct variant v[] = {
		{ "raid6 left-symmetric-6", { { 72, 4, 6 }, { 76, 4, 18 } } },
		{ "raid6 ddf-zero-restart", { { 72, 4, 6 }, { 76, 4, 8 } } },
		{ "raid5 unknown layout", { { 76, 4, 7 } } },
		{ "raid10 near=2", { { 72, 4, 10 }, { 76, 4, 0x102 } } },
		{ "raid10 offset=2", { { 72, 4, 10 }, { 76, 4, 0x10201 } } },
		{ "raid10 near=2,far=2", { { 72, 4, 10 }, { 76, 4, 0x202 } } },
		{ "raid10 no redundancy", { { 72, 4, 10 }, { 76, 4, 0x101 } } },
		{ "raid1", { { 72, 4, 1 } } },
		{ "raid4", { { 72, 4, 4 } } },
		{ "linear", { { 72, 4, 0xffffffff } } },
		{ "raid0 alternate", { { 72, 4, 0 }, { 8, 4, 4096 }, { 76, 4, 2 } } },
		{ "unknown level", { { 72, 4, 77 } } },
		{ "reshape shrink", { { 8, 4, 4 }, { 100, 4, 6 }, { 104, 8, 12345 }, { 112, 4, 0xffffffff },
				      { 116, 4, 3 }, { 120, 4, 256 } } },
		{ "reshape grow raid10", { { 72, 4, 10 }, { 76, 4, 0x102 }, { 8, 4, 4 }, { 100, 4, 10 },
					   { 104, 8, 99 }, { 112, 4, 2 }, { 116, 4, 0x201 } } },
		{ "faulty and missing", { { 256 + 2, 2, 0xfffe }, { 256 + 6, 2, 0xffff } } },
		{ "this device spare", { { 160, 4, 5 } } },
		{ "this device faulty", { { 256, 2, 0xfffe } } },
		{ "this device journal", { { 256, 2, 0xfffd }, { 8, 4, 512 } } },
		{ "beyond max_dev", { { 160, 4, 500 } } },
		{ "replacement", { { 8, 4, 16 | 2 }, { 152, 8, 100 }, { 160, 4, 4 }, { 256 + 8, 2, 1 } } },
		{ "inconsistent", { { 256 + 8, 2, 7 } } },
		{ "three in a slot", { { 256 + 8, 2, 1 }, { 256 + 10, 2, 1 } } },
		{ "bitmap without bitmap", { { 8, 4, 1 }, { 96, 4, 8 } } },
		{ "ppl", { { 8, 4, 1024 }, { 96, 2, 8 }, { 98, 2, 200 } } },
		{ "ppl negative", { { 8, 4, 2048 }, { 96, 2, 0xfff0 }, { 98, 2, 8 } } },
		{ "flags", { { 184, 1, 3 } } },
		{ "recovery offset", { { 8, 4, 2 }, { 152, 8, 4096 } } },
		{ "new offset", { { 8, 4, 64 }, { 124, 4, 0xfffffff0 } } },
		{ "active", { { 208, 8, 1000 } } },
		{ "bad blocks present", { { 8, 4, 8 } } },
		{ "no bblog", { { 186, 2, 0 } } },
		{ "odd max_dev", { { 220, 4, 5 } } },
		{ "max_dev 0", { { 220, 4, 0 } } },
		{ "used size differs", { { 80, 8, 70000 } } },
		{ "usec in times", { { 64 + 5, 3, 0xabcdef }, { 192 + 5, 3, 0x123456 } } },
		{ "name with host", { { 32, 8, 0x3a7473656874796dull } } },
	};

	run_variants(kernel_image(3, 0), 4096, v, sizeof(v) / sizeof(v[0]), seal_sb1);
}

static void test_variants_sb0(void **state)
{
	static const struct variant v[] = {
		/* disks[1] faulty; disks[4] a spare, counted in spare_disks */
		{ "faulty and spare", { { 512 + 128 + 16, 4, 1 }, { 512 + 4 * 128, 4, 4 },
					{ 512 + 4 * 128 + 4, 4, 7 }, { 512 + 4 * 128 + 8, 4, 4 },
					{ 512 + 4 * 128 + 12, 4, 4 }, { 148, 4, 1 } } },
		{ "removed, write-mostly, failfast", { { 512 + 2 * 128 + 16, 4, 8 },
						       { 512 + 3 * 128 + 16, 4, 6 | 512 | 1024 } } },
		{ "active, bitmap bit without bitmap", { { 132, 4, 0x100 } } },
		{ "reshape (0.91)", { { 8, 4, 91 }, { 176, 8, 2048 }, { 184, 4, 6 }, { 188, 4, 0xffffffff },
				      { 192, 4, 18 }, { 196, 4, 131072 } } },
		{ "raid10 near=2", { { 28, 4, 10 }, { 256, 4, 0x102 } } },
		{ "raid10 reshape layout", { { 28, 4, 10 }, { 256, 4, 0x102 }, { 8, 4, 91 },
					     { 176, 8, 10 }, { 184, 4, 10 }, { 192, 4, 0x10201 } } },
		{ "raid6", { { 28, 4, 6 }, { 256, 4, 9 } } },
		{ "linear", { { 28, 4, 0xffffffff } } },
		{ "raid1 no chunk", { { 28, 4, 1 } } },
		{ "this disk spare", { { 3968 + 16, 4, 0 } } },
		{ "big events", { { 156, 8, 0x123456789aull } } },
	};

	run_variants(kernel_image(0, 0), (41943040ull & ~65535ull) - 65536, v,
		     sizeof(v) / sizeof(v[0]), seal_sb0);
}

/* ---- JSON and summary ----------------------------------------------- */

static void test_json_keys(void **state)
{
	static const char *const keys[] = {
		"version", "array_uuid", "name", "level", "raid_devices", "layout", "chunk_kib",
		"data_offset_sectors", "super_offset_sectors", "events", "role", "update_time",
		"array_state", "checksum_ok", "creation_time", "data_size_sectors",
		"used_dev_size_sectors",
	};

	for (int v = 0; v < 4; v++) {
		struct rr_member *m = examine(kernel_image(v, 1));
		char *ex = kernel_examine(v, 1), *t, iso[32], *sum;
		json_object *dev = json_object_new_object(), *md, *x;
		struct tm tm;
		time_t tt;

		rr_probe_md.to_json(dev, m);
		assert_true(json_object_object_get_ex(dev, "md", &md));
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			assert_true(json_object_object_get_ex(md, keys[k], &x));
		assert_string_equal(json_object_get_string(json_object_object_get(md, "version")),
				    versions[v]);
		assert_int_equal(json_object_get_int(json_object_object_get(md, "role")), 1);
		assert_int_equal(json_object_get_int(json_object_object_get(md, "chunk_kib")),
				 num_field(ex, "Chunk Size"));
		assert_int_equal(json_object_get_int64(json_object_object_get(md, "events")),
				 num_field(ex, "Events"));
		t = field(ex, "Layout");
		assert_string_equal(json_object_get_string(json_object_object_get(md, "layout")), t);
		free(t);
		/* ISO time of the examine.txt's Update Time. */
		t = field(ex, "Update Time");
		tt = (time_t)parse_ctime(t);
		gmtime_r(&tt, &tm);
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		assert_string_equal(json_object_get_string(json_object_object_get(md, "update_time")), iso);
		free(t);
		if (v == 0) {
			assert_string_equal(json_object_get_string(json_object_object_get(md, "byte_order")),
					    "little");
			assert_true(json_object_object_get_ex(md, "disks", &x));
		} else {
			assert_true(json_object_object_get_ex(md, "feature_map", &x));
			assert_true(json_object_object_get_ex(md, "device_uuid", &x));
		}
		sum = rr_probe_md.summary(m);
		assert_non_null(strstr(sum, "raid5"));
		assert_non_null(strstr(sum, "events"));
		free(sum);
		json_object_put(dev);
		free(ex);
		rr_member_free(m);
	}
}

/* RAID10 layouts as mdadm's print_r10_layout names them (mdadm(8):
 * n2 = 0x102, f2 = 0x201, o2 = 0x10201). */
static void test_r10_layout(void **state)
{
	char b[64];

	assert_string_equal(rr_md_layout_name(10, 0x102, false, b, sizeof(b)), "near=2");
	assert_string_equal(rr_md_layout_name(10, 0x201, false, b, sizeof(b)), "far=2");
	assert_string_equal(rr_md_layout_name(10, 0x10201, false, b, sizeof(b)), "offset=2");
	assert_string_equal(rr_md_layout_name(10, 0x202, false, b, sizeof(b)), "near=2, far=2");
	assert_string_equal(rr_md_layout_name(10, 0x101, false, b, sizeof(b)), "NO REDUNDANCY");
	assert_null(rr_md_layout_name(1, 0, false, b, sizeof(b)));
	assert_null(rr_md_layout_name(0, 2, false, b, sizeof(b)));
}

static int teardown(void **state)
{
	for (int v = 0; v < 4; v++)
		for (int i = 0; i < 4; i++)
			free(kernel_img[v][i]);
	free(ul_img[0]);
	free(ul_img[1]);
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_fixtures),
		cmocka_unit_test(test_times_tz_independent),
		cmocka_unit_test(test_differential_mdadm),
		cmocka_unit_test(test_util_linux),
		cmocka_unit_test(test_big_endian_090),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_huge_max_dev),
		cmocka_unit_test(test_super_offset_wrong),
		cmocka_unit_test(test_two_superblocks),
		cmocka_unit_test(test_variants_sb1),
		cmocka_unit_test(test_variants_sb0),
		cmocka_unit_test(test_json_keys),
		cmocka_unit_test(test_r10_layout),
	};

	return cmocka_run_group_tests_name("md", tests, NULL, teardown);
}
