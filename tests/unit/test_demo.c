/* The demo generator and its writers, judged by the real tools, all on
 * plain files (no kernel md, dm or loop devices needed):
 *  - md_write: re-encoding every field our probe decodes from the kernel
 *    fixtures (superblocks written by mdadm 4.2 + Linux 6.1) gives the
 *    very same bytes, checksum included;
 *  - lvm_write: the label sector equals the one real pvcreate wrote in
 *    tests/fixtures/lvm2/pv1.img for the same uuid and size;
 *  - the demo: `mdadm --examine` accepts every member (checksum correct,
 *    roles, events, update times and array states as md leaves them after
 *    two ejections) and our probe says the same; the array rebuilt in
 *    userspace with core/layout from the right members holds an LVM2 PV
 *    that `pvck --dump` and (through tests/fixtures/lvm2/fakeblk.c, when a
 *    C compiler is there) `vgck`/`lvs` accept, with three ext4 volumes
 *    that `e2fsck -fn` finds clean, labelled, and whose files match their
 *    SHA256SUMS (`debugfs rdump` + `sha256sum -c`); with the
 *    first-ejected member taken instead of the later one, they do not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actions/demo.h"
#include "actions/lvm_write.h"
#include "actions/md_write.h"
#include "probes/md1_format.h"
#include "actions/run.h"
#include "core/layout.h"
#include "core/member.h"
#include "fixture.h"
#include "probes/lvm2.h"
#include "probes/md.h"
#include "probes/probe.h"

#define NMEM RR_DEMO_MEMBERS
#define DATA_OFFSET_BYTES (2048u * 512)

static struct rr_demo demo;
static bool demo_built;

/* ---- helpers ------------------------------------------------------------------ */

static char *tool(const char *name)
{
	const char *env = getenv("PATH");
	char *path, *save = NULL, *found = NULL;

	assert_true(asprintf(&path, "%s:/usr/sbin:/sbin:/usr/bin:/bin", env ? env : "") > 0);
	for (char *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *c;

		assert_true(asprintf(&c, "%s/%s", d, name) > 0);
		if (access(c, X_OK) == 0) {
			found = c;
			break;
		}
		free(c);
	}
	free(path);
	return found;
}

/* Run argv (argv[0] resolved with tool()), capture stdout+stderr into
 * *out (may be NULL); returns the exit status, -1 if it did not exit. */
static int run(char **out, char **argv)
{
	struct rr_run_result r;
	char *o = NULL, *exe = tool(argv[0]), *a0 = argv[0];
	int rc;

	assert_non_null(exe);
	argv[0] = exe;
	assert_int_equal(rr_run_capture(argv, 600, &r, &o), 0);
	argv[0] = a0;
	free(exe);
	rc = (r.signaled || r.timed_out || r.exec_errno) ? -1 : r.exit_status;
	if (out)
		*out = o;
	else
		free(o);
	return rc;
}

/* Value after "Label : " in mdadm --examine output (static copy). */
static const char *field(const char *txt, const char *label)
{
	static char val[256];
	const char *p = txt;
	size_t ll = strlen(label);

	while ((p = strstr(p, label))) {
		if ((p == txt || p[-1] == ' ') && !strncmp(p + ll, " : ", 3)) {
			size_t n = strcspn(p + ll + 3, "\n");

			assert_true(n < sizeof(val));
			memcpy(val, p + ll + 3, n);
			val[n] = '\0';
			return val;
		}
		p += ll;
	}
	return NULL;
}

static void need(const char *name)
{
	char *t = tool(name);

	if (!t) {
		print_message("%s is not installed: skipped\n", name);
		skip();
	}
	free(t);
}

static char *tmp_path(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", fx_tmpdir(), name) > 0);
	return p;
}

/* ---- md_write against the kernel's own superblocks ---------------------------------- */

static void md_roundtrip(const char *set, int member)
{
	char rel[128], *xz, *img;
	struct rr_member *m;
	const struct rr_md_sb *s;
	struct rr_md1_super *w = calloc(1, sizeof(*w));
	uint8_t enc[RR_MD1_WRITE_BYTES], disk[RR_MD1_WRITE_BYTES];
	int fd;

	snprintf(rel, sizeof(rel), "kernel/%s/member%d.img.xz", set, member);
	xz = fx_shared(rel);
	img = fx_unxz(xz);
	m = rr_examine_path(img);
	s = rr_md_primary(m->md);
	assert_non_null(s);
	assert_true(s->checksum_ok);

	w->minor_version = s->minor_version;
	w->feature_map = s->feature_map;
	memcpy(w->set_uuid, s->array_uuid, 16);
	memcpy(w->set_name, s->name, sizeof(w->set_name));
	w->ctime = s->ctime;
	w->ctime_usec = s->ctime_usec;
	w->level = s->level;
	w->layout = s->layout;
	w->size = s->component_size;
	w->chunksize = (uint32_t)(s->chunk_bytes / 512);
	w->raid_disks = s->raid_disks;
	w->bitmap_offset = (int32_t)s->bitmap.offset_sectors;
	w->data_offset = s->data_offset;
	w->data_size = s->data_size;
	w->super_offset = s->super_offset;
	w->recovery_offset = s->recovery_offset;
	w->dev_number = s->dev_number;
	w->cnt_corrected_read = s->cnt_corrected_read;
	memcpy(w->device_uuid, s->device_uuid, 16);
	w->devflags = s->devflags;
	w->bblog_shift = s->bblog_shift;
	w->bblog_size = s->bblog_size;
	w->bblog_offset = s->bblog_offset;
	w->utime = s->utime;
	w->utime_usec = s->utime_usec;
	w->events = s->events;
	w->resync_offset = s->resync_offset;
	w->max_dev = s->max_dev;
	assert_int_equal(s->nroles, s->max_dev);
	for (uint32_t i = 0; i < s->nroles; i++)
		w->dev_roles[i] = s->roles[i];
	assert_int_equal(rr_md1_encode(w, enc), 0);

	fd = open(img, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, disk, sizeof(disk), (off_t)s->sb_offset_bytes), (ssize_t)sizeof(disk));
	close(fd);
	/* every byte the checksum covers, and the checksum itself */
	assert_memory_equal(enc, disk, 256 + 2 * s->max_dev);
	assert_int_equal(rr_md1_csum(enc, w->max_dev), s->csum_stored);

	rr_member_free(m);
	free(w);
	free(img);
	free(xz);
}

static void test_md_write_matches_kernel(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++)
		md_roundtrip("md-1.2", i);
	md_roundtrip("md-1.1", 0);
	md_roundtrip("md-1.0", 1);
}

/* rr_md1_init gives mdadm 4.2's layout: compare with the 1.2 fixture. */
static void test_md_init_like_mdadm(void **state)
{
	struct rr_md1_super *w = calloc(1, sizeof(*w));
	char *xz = fx_shared("kernel/md-1.2/member0.img.xz"), *img = fx_unxz(xz);
	struct rr_member *m = rr_examine_path(img);
	const struct rr_md_sb *s = rr_md_primary(m->md);

	(void)state;
	assert_int_equal(rr_md1_init(w, 2, m->size_bytes / 512), 0);
	assert_int_equal(w->super_offset, s->super_offset);
	assert_int_equal(w->data_offset, s->data_offset);
	assert_int_equal(w->data_size, s->data_size);
	assert_int_equal(w->bblog_size, s->bblog_size);
	assert_int_equal(w->bblog_offset, s->bblog_offset);
	assert_int_equal(w->max_dev, s->max_dev);
	assert_true(w->resync_offset == UINT64_MAX && s->clean);
	assert_int_equal(rr_md1_init(w, 3, 1 << 20), -EINVAL);
	assert_int_equal(rr_md1_init(w, 2, 2048), -EINVAL);
	w->max_dev = RR_MD1_MAX_DEVS + 1;
	{
		uint8_t buf[RR_MD1_WRITE_BYTES];

		assert_int_equal(rr_md1_encode(w, buf), -EINVAL);
	}
	rr_member_free(m);
	free(img);
	free(xz);
	free(w);
}

/* ---- lvm_write against real pvcreate -------------------------------------------------- */

static void test_lvm_label_matches_pvcreate(void **state)
{
	char *xz = fx_local("lvm2/pv1.img.xz"), *img = fx_unxz(xz), *text;
	uint8_t *buf = malloc(2048 * 512), disk[4096 + 512];
	struct rr_lvm_wlv lv = { .name = "lin", .extent_count = 10, .pv_start_extent = 0,
				 .creation_time = 1795319483 };
	struct rr_lvm_wvg vg = {
		.name = "vg0", .seqno = 7, .extent_size = 2048, .pv_device = "/dev/x",
		.dev_size = 131072, .pe_start = 2048, .pe_count = 63, .lvs = &lv, .nlvs = 1,
		.creation_host = "vm", .creation_time = 1795319483, .description = "test",
	};
	struct rr_lvm_vg parsed;
	char *why = NULL;
	int fd;

	(void)state;
	fd = open(img, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, disk, sizeof(disk), 0), (ssize_t)sizeof(disk));
	close(fd);
	/* the PV uuid real pvcreate chose for pv1, at 512 + 32 */
	memcpy(vg.pv_id.s, disk + 544, 32);
	vg.pv_id.s[32] = '\0';
	assert_int_equal(rr_lvm_id_new(&vg.id), 0);
	assert_int_equal(rr_lvm_id_new(&lv.id), 0);
	text = rr_lvm_vg_text(&vg);
	assert_non_null(text);
	assert_int_equal(rr_lvm_pv_format(buf, 2048 * 512, &vg, text), 0);
	assert_int_equal(rr_lvm_pv_format(buf, 2047 * 512, &vg, text), -EINVAL);
	/* sectors 0..1: nothing, then label + PV header, byte for byte */
	assert_memory_equal(buf, disk, 1024);
	/* mda header: magic, version, start, size as pvcreate wrote them */
	assert_memory_equal(buf + 4096 + 4, disk + 4096 + 4, 36);

	/* our own parser takes the text; the real lvm2 tools are asked in
	 * test_array_right */
	assert_int_equal(rr_lvm_meta_parse(text, strlen(text), &parsed, &why), 0);
	assert_string_equal(parsed.name, "vg0");
	assert_int_equal(parsed.nlvs, 1);
	assert_int_equal(parsed.lvs[0].extent_count, 10);
	rr_lvm_vg_free(&parsed);
	lv.extent_count = 64;	/* past pe_count */
	assert_null(rr_lvm_vg_text(&vg));
	free(text);
	free(buf);
	free(img);
	free(xz);
}

/* ---- the demo -------------------------------------------------------------------- */

static int setup(void **state)
{
	char msg[512], *dir;
	int r;

	(void)state;
	dir = tmp_path("demo");
	r = rr_demo_build(dir, &demo, msg, sizeof(msg));
	if (r < 0)
		print_error("rr_demo_build: %s (%s)\n", msg, strerror(-r));
	demo_built = r == 0;
	free(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rr_demo_free(&demo);
	fx_cleanup();
	return 0;
}

static void test_built(void **state)
{
	struct stat st;

	(void)state;
	assert_true(demo_built);
	for (int i = 0; i < NMEM; i++) {
		assert_int_equal(stat(demo.members[i], &st), 0);
		assert_int_equal(st.st_size, 64 << 20);
		/* sparse: well under the 64 MiB of each file */
		assert_true((uint64_t)st.st_blocks * 512 < (24u << 20));
	}
	assert_int_equal(stat(demo.truth, &st), 0);
	assert_int_equal(demo.role[demo.first_ejected], 3);
	assert_int_equal(demo.role[demo.second_ejected], 1);
	/* the file order is not the role order */
	assert_true(demo.role[0] != 0 || demo.role[1] != 1);
}

/* What real mdadm --examine says about each member, and our probe agrees. */
static void test_mdadm_examine(void **state)
{
	char uuid0[64] = "";
	long ev[NMEM];

	(void)state;
	assert_true(demo_built);
	need("mdadm");
	for (int i = 0; i < NMEM; i++) {
		char *argv[] = { "mdadm", "--examine", demo.members[i], NULL }, *out, want[64];
		char v[128];
		struct rr_member *m;
		const struct rr_md_sb *s;
		int role = demo.role[i];

		assert_int_equal(run(&out, argv), 0);
		assert_string_equal(field(out, "Version"), "1.2");
		assert_string_equal(field(out, "Raid Level"), "raid5");
		assert_string_equal(field(out, "Raid Devices"), "5");
		assert_string_equal(field(out, "Layout"), "left-symmetric");
		assert_string_equal(field(out, "Chunk Size"), "64K");
		assert_string_equal(field(out, "Data Offset"), "2048 sectors");
		assert_string_equal(field(out, "Feature Map"), "0x0");
		assert_non_null(strstr(field(out, "Checksum"), " - correct"));
		snprintf(want, sizeof(want), "Active device %d", role);
		assert_string_equal(field(out, "Device Role"), want);
		if (!uuid0[0])
			snprintf(uuid0, sizeof(uuid0), "%s", field(out, "Array UUID"));
		assert_string_equal(field(out, "Array UUID"), uuid0);
		ev[i] = strtol(field(out, "Events"), NULL, 10);
		snprintf(v, sizeof(v), "%s", field(out, "Array State"));
		if (role == 3) {		/* first ejected: the array as it last saw it */
			assert_true(!strncmp(v, "AAAAA ", 6));
			assert_string_equal(field(out, "State"), "active");
		} else if (role == 1) {		/* later: role 3 gone */
			assert_true(!strncmp(v, "AAA.A ", 6));
			assert_string_equal(field(out, "State"), "active");
		} else {			/* fresh: both gone, stopped cleanly */
			assert_true(!strncmp(v, "A.A.A ", 6));
			assert_string_equal(field(out, "State"), "clean");
		}

		/* our probe: same checksum verdict, role, events, state */
		m = rr_examine_path(demo.members[i]);
		s = rr_md_primary(m->md);
		assert_non_null(s);
		assert_true(s->checksum_ok);
		assert_int_equal(s->role_kind, RR_MD_ROLE_ACTIVE);
		assert_int_equal(s->slot, role);
		assert_int_equal(s->events, ev[i]);
		assert_true(!strncmp(v, s->array_state, strlen(s->array_state)));
		assert_int_equal(m->nerrors, 0);
		rr_member_free(m);
		free(out);
	}
	/* events: first-ejected < later-ejected < the three fresh (equal) */
	{
		long f = ev[demo.first_ejected], l = ev[demo.second_ejected], fresh = -1;

		for (int i = 0; i < NMEM; i++) {
			if (i == demo.first_ejected || i == demo.second_ejected)
				continue;
			if (fresh < 0)
				fresh = ev[i];
			assert_int_equal(ev[i], fresh);
		}
		assert_true(f < l && l < fresh);
	}
}

/* The update times, through our probe (mdadm prints them in local time). */
static void test_update_times(void **state)
{
	uint64_t t[NMEM];

	(void)state;
	assert_true(demo_built);
	for (int i = 0; i < NMEM; i++) {
		struct rr_member *m = rr_examine_path(demo.members[i]);

		t[i] = rr_md_primary(m->md)->utime;
		rr_member_free(m);
	}
	for (int i = 0; i < NMEM; i++)
		if (i != demo.first_ejected && i != demo.second_ejected)
			assert_true(t[demo.first_ejected] < t[demo.second_ejected] &&
				    t[demo.second_ejected] < t[i]);
}

struct members {
	int fd[NMEM];	/* by role */
};

static int member_read(void *ctx, unsigned disk, uint64_t off, void *buf, size_t len)
{
	struct members *ms = ctx;
	ssize_t r = pread(ms->fd[disk], buf, len, (off_t)(DATA_OFFSET_BYTES + off));

	return r == (ssize_t)len ? 0 : -EIO;
}

/* Rebuild the array from every member but the one in role leave_out,
 * in userspace, into a sparse flat file. */
static char *rebuild(int leave_out, const char *name)
{
	struct rr_geom g = { .level = RR_RAID5, .layout = RR_ALG_LEFT_SYMMETRIC,
			     .chunk_sectors = 128, .ndisks = NMEM, .dev_sectors = 129024 };
	bool missing[NMEM] = { false };
	struct members ms;
	uint64_t size = rr_layout_array_sectors(&g) * 512, step = 1 << 20;
	uint8_t *buf = malloc(step), zero[65536] = { 0 };
	char *out = tmp_path(name);
	int fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	for (int i = 0; i < NMEM; i++) {
		ms.fd[demo.role[i]] = open(demo.members[i], O_RDONLY);
		assert_true(ms.fd[demo.role[i]] >= 0);
	}
	missing[leave_out] = true;
	for (uint64_t o = 0; o < size; o += step) {
		assert_int_equal(rr_layout_read(&g, missing, member_read, &ms, o, buf, step), 0);
		for (uint64_t b = 0; b < step; b += sizeof(zero))
			if (memcmp(buf + b, zero, sizeof(zero)))
				assert_int_equal(pwrite(fd, buf + b, sizeof(zero), (off_t)(o + b)),
						 (ssize_t)sizeof(zero));
	}
	for (int i = 0; i < NMEM; i++)
		close(ms.fd[i]);
	close(fd);
	free(buf);
	return out;
}

/* An empty (sparse) file of bytes bytes for one LV. */
static char *lv_file(const char *lvname, const char *prefix, uint64_t bytes)
{
	char name[64], *out;
	int fd;

	snprintf(name, sizeof(name), "%s-%s.ext4", prefix, lvname);
	out = tmp_path(name);
	fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)bytes), 0);
	close(fd);
	return out;
}

static void copy_range(const char *from, uint64_t off, uint64_t len, const char *to)
{
	int in = open(from, O_RDONLY), out = open(to, O_RDWR);
	uint8_t *buf = malloc(1 << 20), zero[4096] = { 0 };

	assert_true(in >= 0 && out >= 0);
	for (uint64_t o = 0; o < len; o += 1 << 20) {
		size_t n = len - o < (1u << 20) ? (size_t)(len - o) : 1u << 20;

		assert_int_equal(pread(in, buf, n, (off_t)(off + o)), (ssize_t)n);
		for (size_t b = 0; b < n; b += sizeof(zero))
			if (memcmp(buf + b, zero, sizeof(zero)))
				assert_int_equal(pwrite(out, buf + b, sizeof(zero), (off_t)(o + b)),
						 (ssize_t)sizeof(zero));
	}
	close(in);
	close(out);
	free(buf);
}

struct lv_verdict {
	int fsck;		/* e2fsck -fn exit status */
	int sums;		/* sh -c 'sha256sum -c' exit status */
	char label[32];
};

/* Rebuild with role leave_out missing, check the LVM2 PV with the real
 * tools, then fsck and verify every volume. */
static void judge(int leave_out, const char *prefix, struct lv_verdict v[3], bool lvm_tools)
{
	static const char *const lvs[3] = { "home", "srv", "log" };
	char *flat = rebuild(leave_out, prefix), name[64];
	struct rr_member *m = rr_examine_path(flat);
	const struct rr_lvm_info *info = m->lvm;

	assert_non_null(info);
	assert_true(info->have_vg);
	assert_string_equal(info->vg.name, "demovg");
	assert_int_equal(info->vg.nlvs, 3);
	assert_int_equal(info->vg.extent_size, 8192);
	assert_int_equal(m->nerrors, 0);

	if (lvm_tools) {
		char *argv[] = { "pvck", "--dump", "headers", flat, NULL }, *out, *meta;
		char *argv2[] = { "pvck", "--dump", "metadata", "-f", NULL, flat, NULL };
		char want[128];

		assert_int_equal(run(&out, argv), 0);
		/* pvck says CHECK: for every checksum or value it rejects */
		assert_null(strstr(out, "CHECK"));
		snprintf(want, sizeof(want), "# vgname demovg seqno %" PRIu64, info->vg.seqno);
		assert_non_null(strstr(out, want));
		free(out);
		meta = tmp_path("pvck-meta.txt");
		argv2[4] = meta;
		unlink(meta);
		assert_int_equal(run(NULL, argv2), 0);
		out = fx_slurp(meta, NULL);
		/* lvm2's dump of the committed text is the text our probe read */
		assert_string_equal(out, info->meta_text);
		free(out);
		free(meta);
	}

	for (int i = 0; i < 3; i++) {
		long lv = rr_lvm_vg_find_lv(&info->vg, lvs[i]);
		char *img, *out, *dump;
		char *fsck[] = { "e2fsck", "-fn", NULL, NULL };
		char *dumpe2fs[] = { "dumpe2fs", "-h", NULL, NULL };
		char *rdump[] = { "debugfs", "-R", NULL, NULL, NULL };
		char *sums[] = { "sh", "-c", "cd \"$1\" && sha256sum -c --quiet SHA256SUMS", "sh", NULL, NULL };
		const struct rr_lvm_pvmap *e = NULL;
		const char *l;

		/* where the LVM2 metadata (as our probe decodes it) puts
		 * the LV: one linear segment */
		assert_true(lv >= 0);
		for (size_t k = 0; k < info->nmap; k++) {
			if (info->map[k].lv != (size_t)lv)
				continue;
			assert_null(e);
			e = &info->map[k];
		}
		assert_non_null(e);
		img = lv_file(lvs[i], prefix, e->sectors * 512);
		fsck[2] = dumpe2fs[2] = rdump[3] = img;
		copy_range(flat, e->dev_sector * 512, e->sectors * 512, img);

		v[i].fsck = run(NULL, fsck);
		v[i].label[0] = '\0';
		if (run(&out, dumpe2fs) == 0 && (l = strstr(out, "Filesystem volume name:"))) {
			l += strlen("Filesystem volume name:");
			l += strspn(l, " ");
			snprintf(v[i].label, sizeof(v[i].label), "%.*s", (int)strcspn(l, "\n"), l);
		}
		free(out);
		snprintf(name, sizeof(name), "%s-%s-files", prefix, lvs[i]);
		dump = tmp_path(name);
		assert_int_equal(mkdir(dump, 0755), 0);
		assert_true(asprintf(&rdump[2], "rdump / %s", dump) > 0);
		run(NULL, rdump);
		free(rdump[2]);
		sums[4] = dump;
		v[i].sums = run(NULL, sums);
		free(dump);
		free(img);
	}
	rr_member_free(m);
	free(flat);
}

static bool have_cc_fakeblk(char **so)
{
	char *cc = tool("cc"), *src = fx_local("lvm2/fakeblk.c");
	bool ok = false;

	*so = tmp_path("fakeblk.so");
	if (cc && access(src, R_OK) == 0) {
		char *argv[] = { "cc", "-shared", "-fPIC", "-O2", "-o", *so, src, "-ldl", NULL };

		ok = run(NULL, argv) == 0;
	}
	free(cc);
	free(src);
	return ok;
}

/* lvm2's own vgck and lvs on the rebuilt PV, as the lvm2 fixtures are
 * made: fakeblk.so presents the file as a block device, activation off. */
static void lvm_vgck(const char *flat)
{
	char *so, *dir = tmp_path("lvmconf"), *conf, *lock, *out;
	char env_sys[512], env_pre[512], env_fb[512];
	FILE *f;

	if (!have_cc_fakeblk(&so)) {
		print_message("no C compiler for fakeblk.so: vgck/lvs not run\n");
		free(so);
		free(dir);
		return;
	}
	mkdir(dir, 0755);
	assert_true(asprintf(&conf, "%s/lvm.conf", dir) > 0);
	assert_true(asprintf(&lock, "%s/lock", dir) > 0);
	mkdir(lock, 0755);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "devices {\n obtain_device_list_from_udev = 0\n external_device_info_source = \"none\"\n"
		" use_devicesfile = 0\n filter = [ \"a|^%s$|\", \"r|.*|\" ]\n sysfs_scan = 0\n"
		" multipath_component_detection = 0\n md_component_detection = 0\n"
		" write_cache_state = 0\n hints = \"none\"\n scan = [ \"%s\" ]\n}\n"
		"global {\n activation = 0\n use_lvmpolld = 0\n locking_dir = \"%s\"\n event_activation = 0\n}\n"
		"activation {\n udev_sync = 0\n udev_rules = 0\n monitoring = 0\n}\n"
		"backup {\n backup = 0\n archive = 0\n}\n", flat, fx_tmpdir(), lock);
	fclose(f);
	snprintf(env_sys, sizeof(env_sys), "LVM_SYSTEM_DIR=%s", dir);
	snprintf(env_pre, sizeof(env_pre), "LD_PRELOAD=%s", so);
	snprintf(env_fb, sizeof(env_fb), "FAKEBLK=%s", flat);
	{
		char *vgck[] = { "env", env_sys, env_pre, env_fb, "LVM_SUPPRESS_FD_WARNINGS=1",
				 "vgck", "demovg", NULL };
		char *lvs[] = { "env", env_sys, env_pre, env_fb, "LVM_SUPPRESS_FD_WARNINGS=1",
				"lvs", "--noheadings", "--separator", "|", "--units", "s", "--nosuffix",
				"-o", "lv_name,lv_size,seg_pe_ranges", "demovg", NULL };
		char want[512];

		assert_int_equal(run(&out, vgck), 0);
		free(out);
		assert_int_equal(run(&out, lvs), 0);
		snprintf(want, sizeof(want), "home|131072|%s:0-15", flat);
		assert_non_null(strstr(out, want));
		snprintf(want, sizeof(want), "srv|98304|%s:16-27", flat);
		assert_non_null(strstr(out, want));
		snprintf(want, sizeof(want), "log|32768|%s:28-31", flat);
		assert_non_null(strstr(out, want));
		free(out);
	}
	free(conf);
	free(lock);
	free(dir);
	free(so);
}

/* The right answer: the later-ejected member in, the first-ejected out. */
static void test_array_right(void **state)
{
	struct lv_verdict v[3];
	static const char *const labels[3] = { "home", "srv", "log" };
	bool tools;
	char *t;

	(void)state;
	assert_true(demo_built);
	need("e2fsck");
	need("debugfs");
	need("dumpe2fs");
	need("sha256sum");
	t = tool("pvck");
	tools = t != NULL;
	free(t);
	judge(3, "right", v, tools);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(v[i].fsck, 0);
		assert_int_equal(v[i].sums, 0);
		assert_string_equal(v[i].label, labels[i]);
	}
	if (tools) {
		char *flat = tmp_path("right");

		lvm_vgck(flat);
		free(flat);
	}
}

/* The tempting wrong answer: the first-ejected member (stale data) in,
 * the later one out.  Something must be seen to be wrong. */
static void test_array_wrong(void **state)
{
	struct lv_verdict v[3];
	int unclean = 0, mismatched = 0;

	(void)state;
	assert_true(demo_built);
	need("e2fsck");
	need("debugfs");
	need("dumpe2fs");
	need("sha256sum");
	judge(1, "wrong", v, false);
	for (int i = 0; i < 3; i++) {
		unclean += v[i].fsck != 0;
		mismatched += v[i].sums != 0;
	}
	assert_true(unclean >= 1);
	assert_true(mismatched >= 1);
	/* log was not written between the ejections: it is fine either way */
	assert_int_equal(v[2].fsck, 0);
	assert_int_equal(v[2].sums, 0);
}

/* The members really are stale the way md leaves them: the first-ejected
 * member's data differs from what parity of the others says. */
static void test_stale_data(void **state)
{
	struct rr_geom g = { .level = RR_RAID5, .layout = RR_ALG_LEFT_SYMMETRIC,
			     .chunk_sectors = 128, .ndisks = NMEM, .dev_sectors = 129024 };
	struct members ms;
	uint64_t size = rr_layout_array_sectors(&g) * 512, step = 1 << 20, differ[2] = { 0, 0 };
	uint8_t *a = malloc(step), *b = malloc(step);
	bool miss_first[NMEM] = { false }, miss_second[NMEM] = { false }, none[NMEM] = { false };

	(void)state;
	assert_true(demo_built);
	for (int i = 0; i < NMEM; i++)
		ms.fd[demo.role[i]] = open(demo.members[i], O_RDONLY);
	miss_first[3] = true;
	miss_second[1] = true;
	for (uint64_t o = 0; o < size; o += step) {
		assert_int_equal(rr_layout_read(&g, miss_first, member_read, &ms, o, a, step), 0);
		assert_int_equal(rr_layout_read(&g, miss_second, member_read, &ms, o, b, step), 0);
		differ[0] += memcmp(a, b, step) != 0;
		/* all five read directly (no rebuild) is what the fresh
		 * members plus the stale ones hold */
		assert_int_equal(rr_layout_read(&g, none, member_read, &ms, o, b, step), 0);
		differ[1] += memcmp(a, b, step) != 0;
	}
	for (int i = 0; i < NMEM; i++)
		close(ms.fd[i]);
	assert_true(differ[0] > 0);
	assert_true(differ[1] > 0);
	free(a);
	free(b);
}

static void test_needs_fresh_dir(void **state)
{
	struct rr_demo d;
	char msg[256], *dir = tmp_path("notempty"), *f;
	struct stat st;

	(void)state;
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_true(asprintf(&f, "%s/keep.txt", dir) > 0);
	assert_int_equal(system("true"), 0);
	{
		FILE *fp = fopen(f, "w");

		assert_non_null(fp);
		fputs("mine\n", fp);
		fclose(fp);
	}
	assert_int_equal(rr_demo_build(dir, &d, msg, sizeof(msg)), -EEXIST);
	assert_true(msg[0] != '\0');
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 5);
	free(f);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md_write_matches_kernel),
		cmocka_unit_test(test_md_init_like_mdadm),
		cmocka_unit_test(test_lvm_label_matches_pvcreate),
		cmocka_unit_test(test_built),
		cmocka_unit_test(test_mdadm_examine),
		cmocka_unit_test(test_update_times),
		cmocka_unit_test(test_stale_data),
		cmocka_unit_test(test_array_right),
		cmocka_unit_test(test_array_wrong),
		cmocka_unit_test(test_needs_fresh_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
