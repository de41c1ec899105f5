/* libblkid on the read layer's file descriptor and window: filesystems,
 * other RAID metadata and partition tables.  libblkid is the authority on
 * signatures; this file only sorts its answers and walks partitions. */
#include <blkid/blkid.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/blk.h"

/* fprintf for translated formats.  gcc's -Wformat-overflow misreads
 * gettext's format_arg under -fsanitize=undefined ("null format string")
 * on some direct fprintf calls; the format is still type-checked here. */
static void outf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void outf(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
}

/* How deep rr_probe_all has recursed into partitions, and how many
 * partitions have been examined under the current top-level device (the
 * program is single-threaded).  Depth bounds disk > partition >
 * partition; the budget stops a hostile table whose entries all hold the
 * same table again from multiplying the work. */
static unsigned blk_depth;
static unsigned blk_examined;

static const struct {
	const char *type;
	enum rr_blk_claim claim;
} claimed_types[] = {
	{ "linux_raid_member", RR_BLK_CLAIM_MD },
	{ "LVM2_member", RR_BLK_CLAIM_LVM2 },
	{ "zfs_member", RR_BLK_CLAIM_ZFS },
};

/* Display names of libblkid's RAID types (the signatures are libblkid's). */
static const struct {
	const char *type;
	const char *name;
} raid_names[] = {
	{ "isw_raid_member", "Intel Matrix Storage (IMSM)" },
	{ "ddf_raid_member", "SNIA DDF" },
	{ "adaptec_raid_member", "Adaptec HostRAID" },
	{ "hpt37x_raid_member", "HighPoint 37x" },
	{ "hpt45x_raid_member", "HighPoint 45x" },
	{ "jmicron_raid_member", "JMicron" },
	{ "lsi_mega_raid_member", "LSI MegaRAID" },
	{ "nvidia_raid_member", "NVIDIA MediaShield" },
	{ "promise_fasttrack_raid_member", "Promise FastTrack" },
	{ "silicon_medley_raid_member", "Silicon Image Medley" },
	{ "via_raid_member", "VIA" },
	{ "LVM1_member", "LVM1" },
	{ "drbd", "DRBD" },
};

static char *lookup(blkid_probe pr, const char *name)
{
	const char *data;
	size_t len;

	if (blkid_probe_lookup_value(pr, name, &data, &len) != 0 || !data)
		return NULL;
	(void)len;	/* values are NUL-terminated */
	return rr_xstrdup(data);
}

static uint64_t lookup_u64(blkid_probe pr, const char *name)
{
	char *s = lookup(pr, name), *end;
	unsigned long long v;

	if (!s)
		return 0;
	v = strtoull(s, &end, 10);
	if (*end)
		v = 0;
	free(s);
	return v;
}

static void sig_read(blkid_probe pr, struct rr_blk_sig *s)
{
	s->type = lookup(pr, "TYPE");
	s->usage = lookup(pr, "USAGE");
	s->label = lookup(pr, "LABEL");
	s->uuid = lookup(pr, "UUID");
	s->uuid_sub = lookup(pr, "UUID_SUB");
	s->version = lookup(pr, "VERSION");
	s->block_size = lookup_u64(pr, "BLOCK_SIZE");
	s->size_bytes = lookup_u64(pr, "FSSIZE");
}

static void sig_free(struct rr_blk_sig *s)
{
	free(s->type);
	free(s->usage);
	free(s->label);
	free(s->uuid);
	free(s->uuid_sub);
	free(s->version);
	memset(s, 0, sizeof(*s));
}

static blkid_probe new_probe(struct rr_dev *dev, struct rr_member *m)
{
	blkid_probe pr = blkid_new_probe();

	if (!pr) {
		rr_member_error(m, "%s", _("libblkid could not start a probe"));
		return NULL;
	}
	if (blkid_probe_set_device(pr, rr_dev_fd(dev), (blkid_loff_t)rr_dev_base(dev),
				   (blkid_loff_t)rr_dev_size(dev)) != 0) {
		rr_member_error(m, "%s", _("libblkid could not read the device"));
		blkid_free_probe(pr);
		return NULL;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
					  BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE |
					  BLKID_SUBLKS_VERSION);
	return pr;
}

/* libblkid refused to choose between signatures: name them all. */
static void report_ambivalent(struct rr_dev *dev, struct rr_member *m)
{
	blkid_probe pr = new_probe(dev, m);
	char *list = NULL;
	size_t len = 0;
	FILE *f;
	int n = 0;

	if (!pr)
		return;
	f = open_memstream(&list, &len);
	if (!f) {
		blkid_free_probe(pr);
		return;
	}
	while (n < 16 && blkid_do_probe(pr) == 0) {
		char *t = lookup(pr, "TYPE");

		if (t)
			fprintf(f, "%s%s", n++ ? ", " : "", t);
		free(t);
	}
	fclose(f);
	rr_member_error(m, _("libblkid found several conflicting signatures (%s) and trusts none of them"),
			list && *list ? list : "?");
	free(list);
	blkid_free_probe(pr);
}

static void sort_signature(struct rr_blk_info *bi, blkid_probe pr)
{
	struct rr_blk_sig s = { 0 };

	sig_read(pr, &s);
	if (!s.type) {
		sig_free(&s);
		return;
	}
	for (size_t i = 0; i < sizeof(claimed_types) / sizeof(claimed_types[0]); i++)
		if (!strcmp(s.type, claimed_types[i].type)) {
			bi->have_claimed = 1;
			bi->claim = claimed_types[i].claim;
			bi->claimed = s;
			return;
		}
	if (s.usage && !strcmp(s.usage, "raid")) {
		bi->have_other_raid = 1;
		bi->other_raid = s;
		bi->other_raid_name = s.type;
		for (size_t i = 0; i < sizeof(raid_names) / sizeof(raid_names[0]); i++)
			if (!strcmp(s.type, raid_names[i].type))
				bi->other_raid_name = raid_names[i].name;
		return;
	}
	bi->have_fs = 1;
	bi->fs = s;
}

/* md 0.90/1.0 keep their superblock at the end: look again past it. */
static void probe_under_md(struct rr_blk_info *bi, struct rr_dev *dev, struct rr_member *m)
{
	blkid_probe pr = new_probe(dev, m);

	if (!pr)
		return;
	blkid_probe_filter_superblocks_usage(pr, BLKID_FLTR_NOTIN, BLKID_USAGE_RAID);
	if (blkid_do_safeprobe(pr) == 0) {
		struct rr_blk_sig s = { 0 };

		sig_read(pr, &s);
		if (s.type) {
			bi->have_fs = 1;
			bi->fs_on_raid_member = 1;
			bi->fs = s;
		} else {
			sig_free(&s);
		}
	}
	blkid_free_probe(pr);
}

/* Make a member of partition p (window "<path>:p<N>") and examine it. */
static void examine_part(struct rr_dev *dev, struct rr_member *m, struct rr_blk_part *p)
{
	char *name = rr_xasprintf("%s:p%d", rr_dev_path(dev), p->number);
	struct rr_member *child;
	struct rr_dev *w;
	int r;

	r = rr_dev_open_window(dev, p->offset, p->size, name, &w);
	if (r < 0) {
		rr_member_error(m, _("partition %d cannot be opened: %s"), p->number, strerror(-r));
		free(name);
		return;
	}
	child = rr_member_new(name);
	child->part_offset = p->offset;
	child->part_number = p->number;
	blk_depth++;
	rr_probe_all(w, child);
	blk_depth--;
	rr_dev_close(w);
	rr_member_add_part(m, child);
	p->examined = 1;
	free(name);
}

static void read_partitions(struct rr_blk_info *bi, blkid_probe pr, struct rr_dev *dev,
			    struct rr_member *m)
{
	blkid_partlist ls = blkid_probe_get_partitions(pr);
	blkid_parttable tab;
	uint64_t devsize = rr_dev_size(dev);
	int n, budget_said = 0;

	if (!ls)
		return;
	tab = blkid_partlist_get_table(ls);
	if (!tab)
		return;
	bi->pt_type = blkid_parttable_get_type(tab) ? rr_xstrdup(blkid_parttable_get_type(tab)) : NULL;
	bi->pt_uuid = blkid_parttable_get_id(tab) ? rr_xstrdup(blkid_parttable_get_id(tab)) : NULL;
	n = blkid_partlist_numof_partitions(ls);
	if (n < 0)
		n = 0;
	if (n > RR_BLK_MAX_PARTS) {
		rr_member_error(m, _("the partition table lists %d partitions; only the first %d are examined"),
				n, RR_BLK_MAX_PARTS);
		n = RR_BLK_MAX_PARTS;
	}
	bi->parts = rr_xcalloc(n ? (size_t)n : 1, sizeof(*bi->parts));
	if (bi->depth >= RR_BLK_MAX_DEPTH && n)
		rr_member_error(m, _("a partition table nested %u levels deep: its partitions are listed but not examined"),
				bi->depth + 1);
	for (int i = 0; i < n; i++) {
		blkid_partition par = blkid_partlist_get_partition(ls, i);
		struct rr_blk_part *p = &bi->parts[bi->nparts];
		blkid_loff_t start, size;
		const char *s;

		if (!par)
			continue;
		memset(p, 0, sizeof(*p));
		p->number = blkid_partition_get_partno(par);
		start = blkid_partition_get_start(par);
		size = blkid_partition_get_size(par);
		s = blkid_partition_get_type_string(par);
		p->type = s ? rr_xstrdup(s) : rr_xasprintf("0x%02x", blkid_partition_get_type(par));
		s = blkid_partition_get_uuid(par);
		p->uuid = s ? rr_xstrdup(s) : NULL;
		s = blkid_partition_get_name(par);
		p->name = s ? rr_xstrdup(s) : NULL;
		p->extended = blkid_partition_is_extended(par);
		p->logical = blkid_partition_is_logical(par);
		bi->nparts++;
		/* libblkid counts in 512-byte sectors whatever the device */
		if (start < 0 || size <= 0 || (uint64_t)start > UINT64_MAX / 512 ||
		    (uint64_t)size > UINT64_MAX / 512) {
			rr_member_error(m, _("partition %d has an impossible start or size; it is ignored"),
					p->number);
			continue;
		}
		p->offset = (uint64_t)start * 512;
		p->size = (uint64_t)size * 512;
		if (p->offset > devsize || p->size > devsize - p->offset) {
			rr_member_error(m, _("partition %d (bytes %" PRIu64 " to %" PRIu64 ") extends past the end of "
					     "the device (%" PRIu64 " bytes); it is ignored"),
					p->number, p->offset, p->offset + p->size, devsize);
			continue;
		}
		if (p->extended || bi->depth >= RR_BLK_MAX_DEPTH)
			continue;
		if (blk_examined >= RR_BLK_MAX_PARTS) {
			if (!budget_said++)
				rr_member_error(m, _("more than %d partitions in nested tables: the rest are listed but not examined"),
						RR_BLK_MAX_PARTS);
			continue;
		}
		blk_examined++;
		examine_part(dev, m, p);
	}
}

static void blk_release(struct rr_member *m)
{
	struct rr_blk_info *bi = m->blk;

	if (!bi)
		return;
	sig_free(&bi->fs);
	sig_free(&bi->claimed);
	sig_free(&bi->other_raid);
	for (size_t i = 0; i < bi->nparts; i++) {
		free(bi->parts[i].type);
		free(bi->parts[i].uuid);
		free(bi->parts[i].name);
	}
	free(bi->parts);
	free(bi->pt_type);
	free(bi->pt_uuid);
	free(bi);
	m->blk = NULL;
}

static int blk_probe(struct rr_dev *dev, struct rr_member *m)
{
	struct rr_blk_info *bi;
	blkid_probe pr = new_probe(dev, m);
	int rc;

	if (!pr)
		return -EIO;
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	rc = blkid_do_safeprobe(pr);
	if (rc == 1 || rc == -1) {
		if (rc == -1)
			rr_member_error(m, "%s", _("libblkid could not probe the device"));
		blkid_free_probe(pr);
		return rc == 1 ? RR_PROBE_NONE : -EIO;
	}
	bi = rr_xcalloc(1, sizeof(*bi));
	bi->depth = blk_depth;
	if (blk_depth == 0)
		blk_examined = 0;
	m->blk = bi;
	if (rc == -2)
		report_ambivalent(dev, m);
	else
		sort_signature(bi, pr);
	read_partitions(bi, pr, dev, m);
	blkid_free_probe(pr);
	if (bi->have_claimed && bi->claim == RR_BLK_CLAIM_MD)
		probe_under_md(bi, dev, m);
	/* our own probes ran before this one: cross-check them */
	if (bi->have_claimed &&
	    ((bi->claim == RR_BLK_CLAIM_MD && !m->md) || (bi->claim == RR_BLK_CLAIM_LVM2 && !m->lvm) ||
	     (bi->claim == RR_BLK_CLAIM_ZFS && !m->zfs)))
		rr_member_error(m, _("libblkid recognises %s here, but this tool could not decode it "
				     "(see the other problems reported for this device)"),
				bi->claimed.type);
	if (!bi->have_fs && !bi->have_claimed && !bi->have_other_raid && !bi->pt_type && rc != -2) {
		blk_release(m);
		return RR_PROBE_NONE;
	}
	return RR_PROBE_FOUND;
}

/* Values come from disk: libblkid's own encoding turns anything unsafe
 * (control bytes, invalid UTF-8) into \xNN, as in ID_FS_*_ENC. */
static char *enc(const char *s)
{
	size_t n = strlen(s) * 4 + 1;
	char *buf = rr_xmalloc(n);

	if (blkid_encode_string(s, buf, n) != 0)
		snprintf(buf, n, "?");
	return buf;
}

static void put_safe(FILE *out, const char *s)
{
	char *e = enc(s);

	fputs(e, out);
	free(e);
}

static void json_str(json_object *o, const char *key, const char *val)
{
	char *e;

	if (!val)
		return;
	e = enc(val);
	json_object_object_add(o, key, json_object_new_string(e));
	free(e);
}

static void print_sig_details(FILE *out, const struct rr_blk_sig *s)
{
	if (s->label) {
		fputs(_(", label '"), out);
		put_safe(out, s->label);
		fputc('\'', out);
	}
	if (s->uuid) {
		fputs(", UUID ", out);
		put_safe(out, s->uuid);
	}
	if (s->version) {
		fputs(_(", version "), out);
		put_safe(out, s->version);
	}
	if (s->size_bytes)
		outf(out, _(", %" PRIu64 " bytes"), s->size_bytes);
	fputc('\n', out);
}

static void blk_print(FILE *out, const struct rr_member *m)
{
	const struct rr_blk_info *bi = m->blk;

	if (!bi)
		return;
	if (bi->have_fs) {
		fputs(_("  Filesystem : "), out);
		put_safe(out, bi->fs.type);
		if (bi->fs.usage && strcmp(bi->fs.usage, "filesystem")) {
			fputs(" (", out);
			put_safe(out, bi->fs.usage);
			fputc(')', out);
		}
		print_sig_details(out, &bi->fs);
		if (bi->fs_on_raid_member)
			fprintf(out, "    %s\n", _("(found under md metadata kept at the end of the device: the array's "
						"data starts at byte 0 here; complete only on a RAID1 member)"));
	}
	if (bi->have_other_raid) {
		fputs(_("  Other RAID : "), out);
		put_safe(out, bi->other_raid.type);
		fprintf(out, " (%s)", bi->other_raid_name);
		print_sig_details(out, &bi->other_raid);
		fprintf(out, "    %s\n", _("not handled by this tool"));
	}
	if (bi->pt_type) {
		fputs(_("  Partition table : "), out);
		put_safe(out, bi->pt_type);
		if (bi->pt_uuid) {
			fputs(", ", out);
			put_safe(out, bi->pt_uuid);
		}
		fputc('\n', out);
		for (size_t i = 0; i < bi->nparts; i++) {
			const struct rr_blk_part *p = &bi->parts[i];

			outf(out, _("    p%d: offset %" PRIu64 ", %" PRIu64 " bytes, type "),
				p->number, p->offset, p->size);
			put_safe(out, p->type);
			if (p->name) {
				fputs(_(", name '"), out);
				put_safe(out, p->name);
				fputc('\'', out);
			}
			if (p->extended)
				fputs(_(" (extended)"), out);
			fputc('\n', out);
		}
	}
}

static void sig_json(json_object *o, const struct rr_blk_sig *s)
{
	json_str(o, "type", s->type);
	json_str(o, "label", s->label);
	json_str(o, "uuid", s->uuid);
	json_str(o, "uuid_sub", s->uuid_sub);
	json_str(o, "version", s->version);
	json_str(o, "usage", s->usage);
	if (s->block_size)
		json_object_object_add(o, "block_size", json_object_new_uint64(s->block_size));
	if (s->size_bytes)
		json_object_object_add(o, "size_bytes", json_object_new_uint64(s->size_bytes));
}

static char *other_raid_remark(const struct rr_blk_info *bi)
{
	return rr_xasprintf(_("%s RAID metadata: not handled by this tool. Copy the disks and recover "
			      "the set with tools made for that format (mdadm --examine reads IMSM and DDF)."),
			    bi->other_raid_name);
}

static void blk_to_json(json_object *dev, const struct rr_member *m)
{
	const struct rr_blk_info *bi = m->blk;

	if (!bi)
		return;
	if (bi->have_fs) {
		json_object *o = json_object_new_object();

		sig_json(o, &bi->fs);
		json_object_object_add(o, "on_raid_member", json_object_new_boolean(bi->fs_on_raid_member));
		json_object_object_add(dev, "filesystem", o);
	}
	if (bi->have_other_raid) {
		json_object *o = json_object_new_object();
		char *remark = other_raid_remark(bi);

		sig_json(o, &bi->other_raid);
		json_object_object_add(o, "name", json_object_new_string(bi->other_raid_name));
		json_object_object_add(o, "remark", json_object_new_string(remark));
		json_object_object_add(dev, "other_raid", o);
		free(remark);
	}
	if (bi->pt_type) {
		json_object *o = json_object_new_object(), *a = json_object_new_array();

		json_str(o, "type", bi->pt_type);
		json_str(o, "uuid", bi->pt_uuid);
		for (size_t i = 0; i < bi->nparts; i++) {
			const struct rr_blk_part *p = &bi->parts[i];
			json_object *po = json_object_new_object();

			json_object_object_add(po, "number", json_object_new_int(p->number));
			json_object_object_add(po, "offset_bytes", json_object_new_uint64(p->offset));
			json_object_object_add(po, "size_bytes", json_object_new_uint64(p->size));
			json_str(po, "type", p->type);
			json_str(po, "uuid", p->uuid);
			json_str(po, "name", p->name);
			if (p->extended)
				json_object_object_add(po, "extended", json_object_new_boolean(1));
			json_object_object_add(po, "examined", json_object_new_boolean(p->examined));
			json_object_array_add(a, po);
		}
		json_object_object_add(o, "entries", a);
		json_object_object_add(dev, "partition_table", o);
	}
}

static char *blk_summary(const struct rr_member *m)
{
	const struct rr_blk_info *bi = m->blk;
	char *s = NULL, *t;

	if (!bi)
		return NULL;
	if (bi->have_fs) {
		char *type = enc(bi->fs.type), *label = bi->fs.label ? enc(bi->fs.label) : NULL;

		if (label)
			s = rr_xasprintf(_("%s filesystem labelled '%s'"), type, label);
		else
			s = rr_xasprintf(_("%s filesystem"), type);
		free(type);
		free(label);
		if (bi->fs_on_raid_member) {
			t = rr_xasprintf(_("%s (seen through md metadata at the end)"), s);
			free(s);
			s = t;
		}
	}
	if (bi->have_other_raid) {
		t = rr_xasprintf(_("%s%s%s RAID member, not handled by this tool"), s ? s : "", s ? "; " : "",
				 bi->other_raid_name);
		free(s);
		s = t;
	}
	if (bi->pt_type) {
		t = rr_xasprintf(_("%s%s%s partition table"), s ? s : "", s ? "; " : "", bi->pt_type);
		free(s);
		s = t;
	}
	return s;
}

const struct rr_probe rr_probe_blkid = {
	.name = "blkid",
	.probe = blk_probe,
	.print = blk_print,
	.to_json = blk_to_json,
	.summary = blk_summary,
	.release = blk_release,
};
