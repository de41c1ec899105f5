/* The libblkid probe: filesystems, other RAID metadata, partition tables
 * and the partitions examined as members of their own.
 * Oracles: util-linux's NAME.expected (libblkid's own ID_FS_* output),
 * and, at test time, sfdisk --json and blkid -p on the same images.
 * Partitioned images are built at test time with sfdisk on plain files
 * (no loop devices) and dd of real md members into a partition. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <blkid/blkid.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "probes/blk.h"
#include "probes/probe.h"

#define MiB (1024u * 1024u)

static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run a shell command, return its stdout (malloc'd); fails the test if it
 * exits non-zero. */
static char *run(const char *fmt, ...)
{
	char *cmd, *out = NULL;
	size_t len = 0;
	va_list ap;
	FILE *p, *o;
	int c;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	o = open_memstream(&out, &len);
	while ((c = fgetc(p)) != EOF)
		fputc(c, o);
	fclose(o);
	if (pclose(p) != 0)
		fail_msg("command failed: %s", cmd);
	free(cmd);
	return out;
}

static int have_tool(const char *name)
{
	char *cmd;
	int r;

	assert_true(asprintf(&cmd, "command -v %s >/dev/null 2>&1", name) > 0);
	r = system(cmd);
	free(cmd);
	return r == 0;
}

/* KEY=value from a blkid export / .expected text; NULL when absent. */
static char *kv(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == '=')
			return strndup(p + kl + 1, strcspn(p + kl + 1, "\n"));
	return NULL;
}

static char *expected(const char *name)
{
	char *rel, *path, *text;

	assert_true(asprintf(&rel, "util-linux/%s.expected", name) > 0);
	path = fx_shared(rel);
	text = fx_slurp(path, NULL);
	free(path);
	free(rel);
	return text;
}

static struct rr_member *examine_fixture(const char *name, char **img_out)
{
	char *rel, *xz, *img;
	struct rr_member *m;

	assert_true(asprintf(&rel, "util-linux/%s.img.xz", name) > 0);
	xz = fx_shared(rel);
	img = fx_unxz(xz);
	m = rr_examine_path(img);
	free(rel);
	free(xz);
	if (img_out)
		*img_out = img;
	else
		free(img);
	return m;
}

static void check_str(const char *what, const char *want, const char *got)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(want, got))
		fail_msg("%s: libblkid oracle '%s', probe '%s'", what, want ? want : "(none)",
			 got ? got : "(none)");
}

/* Each ID_FS_* value the .expected file names must be what we report. */
static void check_sig(const char *name, const struct rr_blk_sig *s)
{
	static const struct { const char *key; size_t off; } f[] = {
		{ "ID_FS_TYPE", offsetof(struct rr_blk_sig, type) },
		{ "ID_FS_USAGE", offsetof(struct rr_blk_sig, usage) },
		{ "ID_FS_LABEL", offsetof(struct rr_blk_sig, label) },
		{ "ID_FS_UUID", offsetof(struct rr_blk_sig, uuid) },
		{ "ID_FS_UUID_SUB", offsetof(struct rr_blk_sig, uuid_sub) },
		{ "ID_FS_VERSION", offsetof(struct rr_blk_sig, version) },
	};
	char *text = expected(name);

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char *want = kv(text, f[i].key);
		const char *got = *(char *const *)((const char *)s + f[i].off);
		char safe[512];

		/* the udev-style ID_FS_* values are blkid_safe_string()'d */
		if (got) {
			assert_int_equal(blkid_safe_string(got, safe, sizeof(safe)), 0);
			got = safe;
		}
		check_str(f[i].key, want, got);
		free(want);
	}
	free(text);
}

static void test_filesystems(void **state)
{
	static const char *const names[] = { "ext4", "xfs", "btrfs" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct rr_member *m = examine_fixture(names[i], NULL);
		json_object *o = json_object_new_object(), *fs, *v;
		char *text = expected(names[i]), *uuid = kv(text, "ID_FS_UUID");

		assert_non_null(m->blk);
		assert_true(m->blk->have_fs);
		assert_false(m->blk->have_other_raid);
		assert_false(m->blk->fs_on_raid_member);
		assert_null(m->blk->pt_type);
		check_sig(names[i], &m->blk->fs);
		assert_int_equal(m->nerrors, 0);
		rr_probe_blkid.to_json(o, m);
		assert_true(json_object_object_get_ex(o, "filesystem", &fs));
		assert_true(json_object_object_get_ex(fs, "uuid", &v));
		assert_string_equal(json_object_get_string(v), uuid);
		assert_false(json_object_object_get_ex(o, "other_raid", &v));
		json_object_put(o);
		free(uuid);
		free(text);
		rr_member_free(m);
	}
}

static void test_other_raid(void **state)
{
	static const char *const names[] = { "isw-raid", "ddf-raid" };

	for (size_t i = 0; i < 2; i++) {
		struct rr_member *m = examine_fixture(names[i], NULL);
		json_object *o = json_object_new_object(), *r, *v;
		char *text = expected(names[i]), *uuid_enc = kv(text, "ID_FS_UUID_ENC");
		char *sum;

		assert_non_null(m->blk);
		assert_true(m->blk->have_other_raid);
		assert_false(m->blk->have_fs);
		check_sig(names[i], &m->blk->other_raid);
		rr_probe_blkid.to_json(o, m);
		assert_false(json_object_object_get_ex(o, "filesystem", &v));
		assert_true(json_object_object_get_ex(o, "other_raid", &r));
		assert_true(json_object_object_get_ex(r, "remark", &v));
		assert_non_null(strstr(json_object_get_string(v), "not handled by this tool"));
		/* values in JSON are libblkid-encoded, as its *_ENC properties */
		if (uuid_enc) {
			assert_true(json_object_object_get_ex(r, "uuid", &v));
			assert_string_equal(json_object_get_string(v), uuid_enc);
		}
		sum = rr_probe_blkid.summary(m);
		assert_non_null(strstr(sum, "not handled"));
		free(sum);
		json_object_put(o);
		free(uuid_enc);
		free(text);
		rr_member_free(m);
	}
}

/* md, LVM and ZFS signatures are our own probes' business: recorded as
 * claimed, never reported as a filesystem. */
static void test_claimed(void **state)
{
	static const struct { const char *name; enum rr_blk_claim claim; } t[] = {
		{ "mdraid", RR_BLK_CLAIM_MD }, { "mdraid-1", RR_BLK_CLAIM_MD },
		{ "lvm2", RR_BLK_CLAIM_LVM2 }, { "zfs", RR_BLK_CLAIM_ZFS },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rr_member *m = examine_fixture(t[i].name, NULL);
		json_object *o = json_object_new_object(), *v;
		char *text = expected(t[i].name), *type = kv(text, "ID_FS_TYPE");

		assert_non_null(m->blk);
		assert_true(m->blk->have_claimed);
		assert_int_equal(m->blk->claim, t[i].claim);
		assert_string_equal(m->blk->claimed.type, type);
		assert_false(m->blk->have_other_raid);
		rr_probe_blkid.to_json(o, m);
		assert_false(json_object_object_get_ex(o, "other_raid", &v));
		if (!m->blk->have_fs)
			assert_false(json_object_object_get_ex(o, "filesystem", &v));
		json_object_put(o);
		free(type);
		free(text);
		rr_member_free(m);
	}
}

/* md 0.90 keeps its superblock at the end: member 0 of the kernel-made
 * array shows the array's ext4 from byte 0 (label fx0.90); an md 1.2
 * member does not. */
static void test_fs_under_md(void **state)
{
	char *xz = fx_shared("kernel/md-0.90/member0.img.xz"), *img = fx_unxz(xz);
	struct rr_member *m = rr_examine_path(img);

	assert_non_null(m->blk);
	assert_true(m->blk->have_claimed);
	assert_int_equal(m->blk->claim, RR_BLK_CLAIM_MD);
	assert_true(m->blk->have_fs);
	assert_true(m->blk->fs_on_raid_member);
	assert_string_equal(m->blk->fs.type, "ext4");
	assert_string_equal(m->blk->fs.label, "fx0.90");
	rr_member_free(m);
	unlink(img);	/* fx_unxz names copies by basename: member0.img again below */
	free(img);
	free(xz);

	xz = fx_shared("kernel/md-1.2/member0.img.xz");
	img = fx_unxz(xz);
	m = rr_examine_path(img);
	assert_non_null(m->blk);
	assert_int_equal(m->blk->claim, RR_BLK_CLAIM_MD);
	assert_false(m->blk->have_fs);
	rr_member_free(m);
	unlink(img);
	free(img);
	free(xz);
}

/* Our partitions against sfdisk --json on the same file. */
static void check_against_sfdisk(const char *img, const struct rr_member *m)
{
	char *js = run("sfdisk --json '%s'", img), *bx = run("blkid -p -o export '%s'", img);
	json_object *root = json_tokener_parse(js), *pt, *parts, *v;
	char *pttype = kv(bx, "PTTYPE"), *ptuuid = kv(bx, "PTUUID");
	uint64_t sector;

	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "partitiontable", &pt));
	assert_true(json_object_object_get_ex(pt, "sectorsize", &v));
	sector = (uint64_t)json_object_get_int64(v);
	assert_true(json_object_object_get_ex(pt, "partitions", &parts));
	assert_non_null(m->blk);
	check_str("PTTYPE", pttype, m->blk->pt_type);
	check_str("PTUUID", ptuuid, m->blk->pt_uuid);
	assert_int_equal(m->blk->nparts, json_object_array_length(parts));
	for (size_t i = 0; i < m->blk->nparts; i++) {
		json_object *p = json_object_array_get_idx(parts, i);
		const struct rr_blk_part *bp = &m->blk->parts[i];
		const char *node;

		assert_true(json_object_object_get_ex(p, "node", &v));
		node = json_object_get_string(v);
		/* sfdisk names partition N of a file "<file>N" */
		assert_int_equal(bp->number, atoi(node + strlen(img)));
		assert_true(json_object_object_get_ex(p, "start", &v));
		assert_int_equal(bp->offset, (uint64_t)json_object_get_int64(v) * sector);
		assert_true(json_object_object_get_ex(p, "size", &v));
		assert_int_equal(bp->size, (uint64_t)json_object_get_int64(v) * sector);
		assert_true(json_object_object_get_ex(p, "type", &v));
		/* GPT type GUIDs: case differs; MBR types: "83" vs "0x83" */
		if (strlen(json_object_get_string(v)) > 8)
			assert_int_equal(strcasecmp(bp->type, json_object_get_string(v)), 0);
		else
			assert_int_equal(strtoul(bp->type, NULL, 16), strtoul(json_object_get_string(v), NULL, 16));
		if (json_object_object_get_ex(p, "uuid", &v))
			assert_int_equal(strcasecmp(bp->uuid, json_object_get_string(v)), 0);
		if (json_object_object_get_ex(p, "name", &v))
			assert_string_equal(bp->name, json_object_get_string(v));
	}
	json_object_put(root);
	free(pttype);
	free(ptuuid);
	free(js);
	free(bx);
}

static void test_gpt(void **state)
{
	char *img;
	struct rr_member *m;

	if (!have_tool("sfdisk"))
		skip();
	m = examine_fixture("gpt", &img);
	check_against_sfdisk(img, m);
	assert_int_equal(m->nparts, m->blk->nparts);
	for (size_t i = 0; i < m->nparts; i++) {
		char *want;

		assert_true(asprintf(&want, "%s:p%d", img, m->blk->parts[i].number) > 0);
		assert_string_equal(m->parts[i]->path, want);
		assert_int_equal(m->parts[i]->part_number, m->blk->parts[i].number);
		assert_int_equal(m->parts[i]->part_offset, m->blk->parts[i].offset);
		assert_int_equal(m->parts[i]->size_bytes, m->blk->parts[i].size);
		assert_true(m->blk->parts[i].examined);
		free(want);
	}
	rr_member_free(m);
	free(img);
}

static int md_registered(void)
{
	for (size_t i = 0; rr_probes[i]; i++)
		if (!strcmp(rr_probes[i]->name, "md"))
			return 1;
	return 0;
}

/* A whole-disk image: GPT, p1 holds a real md 1.2 member (made by the
 * kernel), so examine must find the md superblock inside img:p1.  A DOS
 * table with the md 0.90 member in p2 shows the ext4 under it as well. */
static void test_md_in_partition(void **state)
{
	char *xz, *member, *img, *want;
	struct rr_member *m;

	if (!have_tool("sfdisk"))
		skip();
	xz = fx_shared("kernel/md-1.2/member0.img.xz");
	member = fx_unxz(xz);
	assert_true(asprintf(&img, "%s/disk-gpt.img", fx_tmpdir()) > 0);
	free(run("truncate -s 48M '%s' && printf 'label: gpt\\nstart=2048, size=81920, type=A19D880F-05FC-4D3B-A006-743F0F84911E, name=raid\\n' | "
		 "sfdisk --no-reread --no-tell-kernel -q '%s' && "
		 "dd if='%s' of='%s' bs=1M seek=1 conv=notrunc,sparse status=none",
		 img, img, member, img));
	m = rr_examine_path(img);
	check_against_sfdisk(img, m);
	assert_int_equal(m->nparts, 1);
	assert_true(asprintf(&want, "%s:p1", img) > 0);
	assert_string_equal(m->parts[0]->path, want);
	assert_int_equal(m->parts[0]->part_offset, MiB);
	assert_int_equal(m->parts[0]->size_bytes, 81920 * 512);
	/* libblkid sees the md member in the partition */
	assert_non_null(m->parts[0]->blk);
	assert_int_equal(m->parts[0]->blk->claim, RR_BLK_CLAIM_MD);
	if (md_registered()) {
		assert_non_null(m->parts[0]->md);
		assert_int_equal(m->parts[0]->nerrors, 0);
	} else {
		print_message("rr_probe_md is not registered: only libblkid's view was checked\n");
	}
	/* nothing md on the whole disk itself */
	assert_null(m->md);
	rr_member_free(m);
	free(want);
	free(img);
	unlink(member);
	free(member);
	free(xz);

	xz = fx_shared("kernel/md-0.90/member0.img.xz");
	member = fx_unxz(xz);
	assert_true(asprintf(&img, "%s/disk-dos.img", fx_tmpdir()) > 0);
	free(run("truncate -s 48M '%s' && printf 'label: dos\\nstart=2048, size=2048, type=83\\nstart=4096, size=81920, type=fd\\n' | "
		 "sfdisk --no-reread --no-tell-kernel -q '%s' && "
		 "dd if='%s' of='%s' bs=1M seek=2 conv=notrunc,sparse status=none",
		 img, img, member, img));
	m = rr_examine_path(img);
	check_against_sfdisk(img, m);
	assert_int_equal(m->nparts, 2);
	assert_int_equal(m->parts[1]->part_number, 2);
	assert_int_equal(m->parts[1]->part_offset, 2 * MiB);
	assert_non_null(m->parts[1]->blk);
	assert_int_equal(m->parts[1]->blk->claim, RR_BLK_CLAIM_MD);
	assert_true(m->parts[1]->blk->fs_on_raid_member);
	assert_string_equal(m->parts[1]->blk->fs.label, "fx0.90");
	if (md_registered())
		assert_non_null(m->parts[1]->md);
	assert_null(m->parts[0]->blk);	/* an empty partition */
	rr_member_free(m);
	free(img);
	unlink(member);
	free(member);
	free(xz);
}

/* A partition table inside a partition inside a partition: two levels
 * are examined, the third is listed only. */
static void test_nesting_bounded(void **state)
{
	const char *d;
	char *img;
	struct rr_member *m, *p1, *p11;

	if (!have_tool("sfdisk"))
		skip();
	d = fx_tmpdir();
	free(run("cd '%s' && truncate -s 2M l3.img && truncate -s 4M l2.img && truncate -s 6M l1.img && "
		 "echo 'start=2048, size=2048, type=83' | sfdisk --no-reread --no-tell-kernel -q l3.img && "
		 "echo 'start=2048, size=4096, type=83' | sfdisk --no-reread --no-tell-kernel -q l2.img && "
		 "echo 'start=2048, size=8192, type=83' | sfdisk --no-reread --no-tell-kernel -q l1.img && "
		 "dd if=l3.img of=l2.img bs=1M seek=1 conv=notrunc status=none && "
		 "dd if=l2.img of=l1.img bs=1M seek=1 conv=notrunc status=none", d));
	assert_true(asprintf(&img, "%s/l1.img", d) > 0);
	m = rr_examine_path(img);
	assert_int_equal(m->nparts, 1);
	p1 = m->parts[0];
	assert_int_equal(p1->nparts, 1);
	p11 = p1->parts[0];
	assert_non_null(strstr(p11->path, "l1.img:p1:p1"));
	assert_int_equal(p11->part_offset, MiB);
	/* the third table is seen, its partition not examined */
	assert_non_null(p11->blk);
	assert_string_equal(p11->blk->pt_type, "dos");
	assert_int_equal(p11->blk->nparts, 1);
	assert_false(p11->blk->parts[0].examined);
	assert_int_equal(p11->nparts, 0);
	assert_true(p11->nerrors > 0);
	rr_member_free(m);
	free(img);
}

/* Entries outside the device are ignored with a clear error; a table
 * with more entries than the bound examines only the first ones. */
static void test_bad_tables(void **state)
{
	const char *d;
	char *img, *script;
	struct rr_member *m;
	FILE *f;

	if (!have_tool("sfdisk"))
		skip();
	d = fx_tmpdir();
	free(run("cd '%s' && truncate -s 8M cut.img && "
		 "printf 'start=2048, size=2048, type=83\\nstart=4096, size=12288, type=83\\n' | "
		 "sfdisk --no-reread --no-tell-kernel -q cut.img && truncate -s 4M cut.img", d));
	assert_true(asprintf(&img, "%s/cut.img", d) > 0);
	m = rr_examine_path(img);
	assert_non_null(m->blk);
	assert_int_equal(m->blk->nparts, 2);
	assert_true(m->blk->parts[0].examined);
	assert_false(m->blk->parts[1].examined);
	assert_int_equal(m->nparts, 1);
	assert_true(m->nerrors >= 1);
	assert_non_null(strstr(m->errors[m->nerrors - 1], "past the end"));
	rr_member_free(m);
	free(img);

	/* 140 tiny GPT partitions */
	assert_true(asprintf(&script, "%s/many.sfdisk", d) > 0);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "label: gpt\ntable-length: 160\n");
	for (int i = 0; i < 140; i++)
		fprintf(f, "start=%d, size=8, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n", 2048 + 8 * i);
	fclose(f);
	free(run("cd '%s' && truncate -s 4M many.img && sfdisk --no-reread --no-tell-kernel -q many.img < '%s'",
		 d, script));
	assert_true(asprintf(&img, "%s/many.img", d) > 0);
	m = rr_examine_path(img);
	assert_non_null(m->blk);
	assert_int_equal(m->blk->nparts, RR_BLK_MAX_PARTS);
	assert_int_equal(m->nparts, RR_BLK_MAX_PARTS);
	assert_non_null(strstr(m->errors[0], "140"));
	rr_member_free(m);
	free(img);
	free(script);
}

static size_t count_members(const struct rr_member *m)
{
	size_t n = 1;

	for (size_t i = 0; i < m->nparts; i++)
		n += count_members(m->parts[i]);
	return n;
}

/* A hostile MBR (no tool writes one: patched at test time) whose four
 * entries all start at sector 0, so every partition holds the same table
 * again.  Examining stops two levels down. */
static void test_self_containing_table(void **state)
{
	const char *d;
	char *img;
	struct rr_member *m;
	uint8_t ent[16] = { 0, 0, 0, 0, 0x83, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0, 0 };
	FILE *f;

	if (!have_tool("sfdisk"))
		skip();
	d = fx_tmpdir();
	free(run("cd '%s' && truncate -s 2M self.img && echo 'start=2048, size=2048, type=83' | "
		 "sfdisk --no-reread --no-tell-kernel -q self.img && truncate -s 1M self.img", d));
	assert_true(asprintf(&img, "%s/self.img", d) > 0);
	f = fopen(img, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0x1be, SEEK_SET), 0);
	for (int i = 0; i < 4; i++)	/* start 0, 2048 sectors, type 0x83 */
		assert_int_equal(fwrite(ent, 1, sizeof(ent), f), sizeof(ent));
	fclose(f);
	m = rr_examine_path(img);
	assert_non_null(m->blk);
	assert_int_equal(m->blk->nparts, 4);
	assert_int_equal(count_members(m), 1 + 4 + 16);
	assert_true(m->parts[3]->parts[3]->nerrors > 0);
	rr_member_free(m);
	free(img);
}

/* A ZFS member later overwritten at the start by ext4: libblkid itself
 * (blkid -p, exit status 8) refuses to choose; the probe names both. */
static void test_ambivalent(void **state)
{
	char *zxz = fx_local("zfs/rz0.img.xz"), *exz = fx_shared("util-linux/ext4.img.xz");
	char *zimg = fx_unxz(zxz), *eimg = fx_unxz(exz), *img, *cmd;
	struct rr_member *m;
	int found = 0, st;

	assert_true(asprintf(&img, "%s/ambivalent.img", fx_tmpdir()) > 0);
	free(run("cp --sparse=always '%s' '%s' && dd if='%s' of='%s' bs=64K count=1 conv=notrunc status=none",
		 zimg, img, eimg, img));
	assert_true(asprintf(&cmd, "blkid -p '%s' >/dev/null 2>&1", img) > 0);
	st = system(cmd);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 8);	/* BLKID_EXIT_AMBIVAL */
	m = rr_examine_path(img);
	assert_non_null(m->blk);
	assert_false(m->blk->have_fs);
	for (size_t i = 0; i < m->nerrors; i++)
		found |= strstr(m->errors[i], "ext4") && strstr(m->errors[i], "zfs_member");
	assert_true(found);
	/* the ZFS probe still reads the three labels ext4 did not reach */
	assert_non_null(m->zfs);
	rr_member_free(m);
	free(cmd);
	free(img);
	free(zimg);
	free(eimg);
	free(zxz);
	free(exz);
}

static void test_nothing(void **state)
{
	char *img;
	struct rr_member *m;
	FILE *f;

	assert_true(asprintf(&img, "%s/zero.img", fx_tmpdir()) > 0);
	f = fopen(img, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), 4 * MiB), 0);
	fclose(f);
	m = rr_examine_path(img);
	assert_null(m->blk);
	assert_int_equal(m->nerrors, 0);
	rr_member_free(m);
	free(img);
}

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filesystems),
		cmocka_unit_test(test_other_raid),
		cmocka_unit_test(test_claimed),
		cmocka_unit_test(test_fs_under_md),
		cmocka_unit_test(test_gpt),
		cmocka_unit_test(test_md_in_partition),
		cmocka_unit_test(test_nesting_bounded),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_self_containing_table),
		cmocka_unit_test(test_ambivalent),
		cmocka_unit_test(test_nothing),
	};

	return cmocka_run_group_tests_name("blk", tests, NULL, teardown);
}
