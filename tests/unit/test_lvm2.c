/* LVM2 PV probe against images written by the real lvm2 tools:
 *  - util-linux's lvm2.img (libblkid's view in lvm2.expected);
 *  - tests/fixtures/lvm2 (mkfixtures.sh: real pvcreate/vgcreate/lvcreate on
 *    plain files), whose oracles are lvm2's own reports: `pvck --dump
 *    headers` (NAME.pvck.txt), `pvck --dump metadata` (NAME.meta.txt),
 *    `pvs` and `lvs -a` (vg0.*.txt, wrap.*.txt).
 * Damaged copies are made by overwriting bytes of those images. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/member.h"
#include "fixture.h"
#include "probes/devread.h"
#include "probes/lvm2.h"
#include "probes/probe.h"

/* ---- fixture helpers ---- */

static char *unxz_local(const char *rel)
{
	char *xz = fx_local(rel), *p = fx_unxz(xz);

	free(xz);
	return p;
}

static char *slurp_local(const char *rel, size_t *len)
{
	char *p = fx_local(rel), *t = fx_slurp(p, len);

	free(p);
	return t;
}

static char *copy_to(const char *src, const char *name)
{
	char *dst, *cmd;

	assert_true(asprintf(&dst, "%s/%s", fx_tmpdir(), name) > 0);
	assert_true(asprintf(&cmd, "cp '%s' '%s'", src, dst) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return dst;
}

static void poke(const char *path, uint64_t off, const void *data, size_t len)
{
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, (off_t)off), (ssize_t)len);
	close(fd);
}

/* Value of "  key value" in a pvck --dump headers report (static copy). */
static const char *pvck(const char *txt, const char *key)
{
	static char val[256];
	size_t kl = strlen(key);

	for (const char *l = txt; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *s = l;

		while (*s == ' ')
			s++;
		if (!strncmp(s, key, kl) && s[kl] == ' ') {
			size_t n = strcspn(s + kl + 1, "\n");

			assert_true(n < sizeof(val));
			memcpy(val, s + kl + 1, n);
			val[n] = '\0';
			return val;
		}
	}
	fail_msg("pvck report has no %s", key);
	return NULL;
}

static uint64_t pvck_u64(const char *txt, const char *key)
{
	return strtoull(pvck(txt, key), NULL, 0);
}

static int probe_path(const char *path, struct rr_member **mp)
{
	struct rr_dev *d;
	int r;

	*mp = rr_member_new(path);
	assert_int_equal(rr_dev_open(path, &d), 0);
	r = rr_probe_lvm2.probe(d, *mp);
	rr_dev_close(d);
	return r;
}

static int has_error(const struct rr_member *m, const char *needle)
{
	for (size_t i = 0; i < m->nerrors; i++)
		if (strstr(m->errors[i], needle))
			return 1;
	return 0;
}

static void dump_errors(const struct rr_member *m)
{
	for (size_t i = 0; i < m->nerrors; i++)
		print_message("error: %s\n", m->errors[i]);
}

/* Split a '|'-separated report line (leading blanks trimmed) in place. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (*line == ' ')
		line++;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '|') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

/* ---- util-linux fixture ---- */

static void test_util_linux(void **state)
{
	char *xz = fx_shared("util-linux/lvm2.img.xz"), *img = fx_unxz(xz);
	char *exp = fx_shared("util-linux/lvm2.expected"), *txt = fx_slurp(exp, NULL);
	struct rr_member *m;
	const struct rr_lvm_info *i;
	char uuid[64];

	assert_int_equal(sscanf(strstr(txt, "ID_FS_UUID="), "ID_FS_UUID=%63s", uuid), 1);
	assert_int_equal(probe_path(img, &m), RR_PROBE_FOUND);
	i = m->lvm;
	assert_string_equal(i->pv_uuid_dashed, uuid);
	/* ID_FS_VERSION=LVM2\x20001 */
	assert_non_null(strstr(txt, "ID_FS_VERSION=LVM2\\x20001"));
	assert_string_equal(i->label_type, "LVM2 001");
	/* freshly pvcreated: one metadata area, no VG text in it */
	assert_int_equal(i->nmdas, 1);
	assert_true(i->mdas[0].header_valid);
	assert_int_equal(i->mdas[0].text, RR_LVM_TEXT_NONE);
	assert_false(i->have_vg);
	assert_int_equal(m->nerrors, 0);
	rr_member_free(m);
	free(txt);
	free(exp);
	free(img);
	free(xz);
}

/* ---- headers vs pvck --dump headers ---- */

static void check_headers(const char *name)
{
	char rel[64], key[96];
	char *img, *txt;
	struct rr_member *m;
	const struct rr_lvm_info *i;

	snprintf(rel, sizeof(rel), "lvm2/%s.img.xz", name);
	img = unxz_local(rel);
	snprintf(rel, sizeof(rel), "lvm2/%s.pvck.txt", name);
	txt = slurp_local(rel, NULL);
	assert_int_equal(probe_path(img, &m), RR_PROBE_FOUND);
	dump_errors(m);
	assert_int_equal(m->nerrors, 0);
	i = m->lvm;
	assert_int_equal(i->label_sector, pvck_u64(txt, "label_header.sector"));
	assert_int_equal(i->label_crc, pvck_u64(txt, "label_header.crc"));
	assert_int_equal(i->pvh_offset, pvck_u64(txt, "label_header.offset"));
	assert_string_equal(i->label_type, pvck(txt, "label_header.type"));
	assert_string_equal(i->pv_uuid, pvck(txt, "pv_header.pv_uuid"));
	assert_int_equal(i->device_size, pvck_u64(txt, "pv_header.device_size"));
	/* pvck numbers the two lists together: data areas, end, mdas, end */
	assert_int_equal(i->ndata_areas, 1);
	assert_int_equal(i->data_areas[0].offset, pvck_u64(txt, "pv_header.disk_locn[0].offset"));
	assert_int_equal(i->data_areas[0].size, pvck_u64(txt, "pv_header.disk_locn[0].size"));
	for (size_t k = 0; k < i->nmdas; k++) {
		const struct rr_lvm_mda *a = &i->mdas[k];

		snprintf(key, sizeof(key), "pv_header.disk_locn[%zu].offset", k + 2);
		assert_int_equal(a->offset, pvck_u64(txt, key));
		snprintf(key, sizeof(key), "pv_header.disk_locn[%zu].size", k + 2);
		assert_int_equal(a->size, pvck_u64(txt, key));
		snprintf(key, sizeof(key), "mda_header_%zu.checksum", k + 1);
		assert_int_equal(a->checksum, pvck_u64(txt, key));
		assert_int_equal(a->checksum_calc, a->checksum);
		snprintf(key, sizeof(key), "mda_header_%zu.start", k + 1);
		assert_int_equal(a->start, pvck_u64(txt, key));
		snprintf(key, sizeof(key), "mda_header_%zu.raw_locn[0].offset", k + 1);
		assert_int_equal(a->committed.offset, pvck_u64(txt, key));
		snprintf(key, sizeof(key), "mda_header_%zu.raw_locn[0].size", k + 1);
		assert_int_equal(a->committed.size, pvck_u64(txt, key));
		snprintf(key, sizeof(key), "mda_header_%zu.raw_locn[0].checksum", k + 1);
		assert_int_equal(a->committed.checksum, pvck_u64(txt, key));
		/* the checksum lvm2 recorded is the one computed here */
		assert_int_equal(a->text, RR_LVM_TEXT_OK);
		assert_int_equal(a->text_crc, a->committed.checksum);
	}
	assert_int_equal(i->ext_version, pvck_u64(txt, "pv_header_extension.version"));
	assert_int_equal(i->ext_flags, pvck_u64(txt, "pv_header_extension.flags"));
	/* "metadata text at N crc 0x... # vgname X seqno N" */
	{
		const char *l = strstr(txt, "metadata text at ");
		uint64_t at, seq;
		unsigned crc;
		char vgname[64];

		assert_non_null(l);
		assert_int_equal(sscanf(l, "metadata text at %" SCNu64 " crc %x # vgname %63s seqno %" SCNu64,
					&at, &crc, vgname, &seq), 4);
		assert_true(i->have_vg);
		assert_int_equal(i->meta_offset, at);
		assert_int_equal(i->meta_crc, crc);
		assert_string_equal(i->vg.name, vgname);
		assert_int_equal(i->vg.seqno, seq);
	}
	/* the text read from the circular buffer is what pvck dumps */
	snprintf(rel, sizeof(rel), "lvm2/%s.meta.txt", name);
	{
		size_t len;
		char *meta = slurp_local(rel, &len);

		assert_int_equal(i->meta_len, len);
		assert_memory_equal(i->meta_text, meta, len);
		free(meta);
	}
	rr_member_free(m);
	free(txt);
	free(img);
}

static void test_headers_vs_pvck(void **state)
{
	check_headers("pv1");
	check_headers("pv2");	/* two metadata areas */
	check_headers("wrap");	/* the text wraps round the buffer */
}

static void test_wrapped(void **state)
{
	char *img = unxz_local("lvm2/wrap.img.xz");
	struct rr_member *m;
	const struct rr_lvm_mda *a;

	assert_int_equal(probe_path(img, &m), RR_PROBE_FOUND);
	a = &m->lvm->mdas[0];
	/* the generator stopped once the live copy crossed the end */
	assert_true(a->committed.offset + a->committed.size > a->size);
	assert_true(a->wrapped);
	assert_false(m->lvm->meta_from_scan);
	rr_member_free(m);
	free(img);
}

/* ---- the VG model vs pvs / lvs ---- */

struct pvs_row {
	char path[128], uuid[64];
};

static void check_vg(const char *vgfile, const char *const *images, size_t nimg)
{
	char rel[64], *pvs_txt, *lvs_txt;
	struct rr_member *m[4];
	struct pvs_row rows[4];
	size_t nrows = 0, nlvlines = 0;
	uint64_t mapped[4] = { 0 };

	assert_true(nimg <= 4);
	for (size_t k = 0; k < nimg; k++) {
		char *img;

		snprintf(rel, sizeof(rel), "lvm2/%s.img.xz", images[k]);
		img = unxz_local(rel);
		assert_int_equal(probe_path(img, &m[k]), RR_PROBE_FOUND);
		assert_true(m[k]->lvm->have_vg);
		assert_true(m[k]->lvm->self >= 0);
		free(img);
	}
	/* pv_name|pv_uuid|dev_size|pe_start|pv_pe_count|pv_mda_count|vg_name|vg_uuid|vg_seqno|vg_extent_size */
	snprintf(rel, sizeof(rel), "lvm2/%s.pvs.txt", vgfile);
	pvs_txt = slurp_local(rel, NULL);
	for (char *l = strtok(pvs_txt, "\n"); l; l = strtok(NULL, "\n")) {
		char *f[16];
		const struct rr_lvm_info *i = NULL;
		const struct rr_lvm_pv *pv;

		assert_int_equal(split(l, f, 16), 10);
		/* the image whose own label has this uuid */
		for (size_t k = 0; k < nimg; k++)
			if (!strcmp(m[k]->lvm->pv_uuid_dashed, f[1]))
				i = m[k]->lvm;
		assert_non_null(i);
		pv = &i->vg.pvs[i->self];
		assert_string_equal(pv->id, f[1]);
		assert_string_equal(pv->device, f[0]);
		assert_int_equal(pv->dev_size, strtoull(f[2], NULL, 10));
		assert_int_equal(pv->pe_start, strtoull(f[3], NULL, 10));
		assert_int_equal(pv->pe_count, strtoull(f[4], NULL, 10));
		assert_int_equal(i->nmdas, strtoull(f[5], NULL, 10));
		assert_string_equal(i->vg.name, f[6]);
		assert_string_equal(i->vg.id, f[7]);
		assert_int_equal(i->vg.seqno, strtoull(f[8], NULL, 10));
		assert_int_equal(i->vg.extent_size, strtoull(f[9], NULL, 10));
		snprintf(rows[nrows].path, sizeof(rows[nrows].path), "%s", f[0]);
		snprintf(rows[nrows].uuid, sizeof(rows[nrows].uuid), "%s", f[1]);
		nrows++;
	}
	assert_int_equal(nrows, nimg);
	/* lv_name|lv_uuid|seg_start_pe|seg_size_pe|segtype|stripes|stripe_size|seg_pe_ranges */
	snprintf(rel, sizeof(rel), "lvm2/%s.lvs.txt", vgfile);
	lvs_txt = slurp_local(rel, NULL);
	for (char *l = strtok(lvs_txt, "\n"); l; l = strtok(NULL, "\n")) {
		char *f[16], *name, *range, *save = NULL;
		const struct rr_lvm_vg *vg = &m[0]->lvm->vg;
		const struct rr_lvm_lv *lv = NULL;
		const struct rr_lvm_seg *seg = NULL;
		long li;
		uint64_t start, size, stripes;
		size_t a = 0;

		assert_int_equal(split(l, f, 16), 8);
		nlvlines++;
		name = f[0];
		if (*name == '[') {	/* hidden LV */
			name++;
			name[strlen(name) - 1] = '\0';
		}
		li = rr_lvm_vg_find_lv(vg, name);
		assert_true(li >= 0);
		lv = &vg->lvs[li];
		assert_string_equal(lv->id, f[1]);
		assert_int_equal(lv->visible, f[0][0] != '[');
		start = strtoull(f[2], NULL, 10);
		size = strtoull(f[3], NULL, 10);
		for (size_t s = 0; s < lv->nsegs; s++)
			if (lv->segs[s].start_extent == start)
				seg = &lv->segs[s];
		assert_non_null(seg);
		assert_int_equal(seg->extent_count, size);
		stripes = strtoull(f[5], NULL, 10);
		if (strcmp(f[4], "linear") && strcmp(f[4], "striped")) {
			/* kept by name, refused later */
			assert_false(seg->handled);
			assert_false(lv->handled);
			assert_string_equal(seg->type, f[4]);
			continue;
		}
		assert_true(seg->handled);
		assert_int_equal(seg->stripe_count, stripes);
		assert_int_equal(seg->stripe_size, strtoull(f[6], NULL, 10));
		/* "path:first-last path:first-last" */
		for (range = strtok_r(f[7], " ", &save); range; range = strtok_r(NULL, " ", &save), a++) {
			char *colon = strrchr(range, ':');
			uint64_t first, last;
			const char *uuid = NULL;
			long pvi;

			assert_non_null(colon);
			*colon = '\0';
			assert_int_equal(sscanf(colon + 1, "%" SCNu64 "-%" SCNu64, &first, &last), 2);
			for (size_t r = 0; r < nrows; r++)
				if (!strcmp(rows[r].path, range))
					uuid = rows[r].uuid;
			assert_non_null(uuid);
			pvi = rr_lvm_vg_find_pv_by_id(vg, uuid);
			assert_true(pvi >= 0);
			assert_true(a < seg->nareas);
			assert_int_equal(seg->areas[a].kind, RR_LVM_AREA_PV);
			assert_int_equal(seg->areas[a].index, (size_t)pvi);
			assert_int_equal(seg->areas[a].start, first);
			assert_int_equal(last - first + 1, size / stripes);
			/* the PV that holds these extents has them in its map,
			 * at the sectors lvm2 would give dm */
			for (size_t k = 0; k < nimg; k++) {
				const struct rr_lvm_info *i = m[k]->lvm;
				const struct rr_lvm_pv *pv = &i->vg.pvs[i->self];
				int found = 0;

				if (strcmp(i->pv_uuid_dashed, uuid))
					continue;
				for (size_t e = 0; e < i->nmap; e++)
					if (i->map[e].pv_extent == first &&
					    !strcmp(i->vg.lvs[i->map[e].lv].name, name)) {
						assert_int_equal(i->map[e].count, last - first + 1);
						assert_int_equal(i->map[e].stripe, a);
						assert_int_equal(i->map[e].dev_sector,
								 pv->pe_start + first * i->vg.extent_size);
						assert_int_equal(i->map[e].sectors,
								 (last - first + 1) * i->vg.extent_size);
						found = 1;
					}
				assert_true(found);
				mapped[k] += last - first + 1;
			}
		}
		assert_int_equal(a, seg->nareas);
	}
	/* every map entry was accounted for by some lvs range */
	for (size_t k = 0; k < nimg; k++) {
		uint64_t n = 0;

		for (size_t e = 0; e < m[k]->lvm->nmap; e++)
			n += m[k]->lvm->map[e].count;
		assert_int_equal(n, mapped[k]);
		for (size_t e = 1; e < m[k]->lvm->nmap; e++)
			assert_true(m[k]->lvm->map[e - 1].pv_extent < m[k]->lvm->map[e].pv_extent);
	}
	/* lvs -a lists one line per segment */
	{
		size_t nseg = 0;

		for (size_t l = 0; l < m[0]->lvm->vg.nlvs; l++)
			nseg += m[0]->lvm->vg.lvs[l].nsegs;
		assert_int_equal(nseg, nlvlines);
	}
	for (size_t k = 0; k < nimg; k++)
		rr_member_free(m[k]);
	free(pvs_txt);
	free(lvs_txt);
}

static void test_vg_vs_pvs_lvs(void **state)
{
	static const char *const vg0[] = { "pv1", "pv2" };
	static const char *const wrap[] = { "wrap" };

	check_vg("vg0", vg0, 2);
	check_vg("wrap", wrap, 1);
}

static void test_summary(void **state)
{
	char *img = unxz_local("lvm2/pv1.img.xz"), *s;
	struct rr_member *m;

	assert_int_equal(probe_path(img, &m), RR_PROBE_FOUND);
	s = rr_probe_lvm2.summary(m);
	/* lin, str, multi, cpool visible; cpool is a cache pool */
	assert_string_equal(s, "LVM2 PV of VG vg0 (seqno 7), 4 LVs, 1 LV with segment types not handled");
	free(s);
	assert_true(m->lvm->vg.nremarks >= 1);
	assert_non_null(strstr(m->lvm->vg.remarks[0], "cache-pool"));
	rr_member_free(m);
	free(img);
}

/* vgmetadatacopies 1: lvm2 ignores one PV's area and stops updating it */
static void test_ignored_mda(void **state)
{
	char *img[2] = { unxz_local("lvm2/ign1.img.xz"), unxz_local("lvm2/ign2.img.xz") };
	char *pvs = slurp_local("lvm2/ign.pvs.txt", NULL), *s;
	struct rr_member *m[2];
	int ignored = 0, with_vg = 0;

	for (int k = 0; k < 2; k++) {
		const struct rr_lvm_info *i;

		assert_int_equal(probe_path(img[k], &m[k]), RR_PROBE_FOUND);
		assert_int_equal(m[k]->nerrors, 0);
		i = m[k]->lvm;
		assert_non_null(strstr(pvs, i->pv_uuid_dashed));
		if (i->mdas[0].ignored) {
			ignored++;
			assert_false(i->have_vg);
			s = rr_probe_lvm2.summary(m[k]);
			assert_non_null(strstr(s, "ignored"));
			free(s);
		} else {
			with_vg++;
			assert_true(i->have_vg);
			assert_string_equal(i->vg.name, "ignvg");
			/* pvs: ...|vg_name|vg_uuid|vg_seqno|vg_extent_size */
			{
				char *line = strdup(strstr(pvs, i->pv_uuid_dashed)), *f[16];

				assert_non_null(line);
				line[strcspn(line, "\n")] = '\0';
				assert_int_equal(split(line, f, 16), 9);
				assert_string_equal(f[5], i->vg.name);
				assert_string_equal(f[6], i->vg.id);
				assert_int_equal(i->vg.seqno, strtoull(f[7], NULL, 10));
				free(line);
			}
		}
	}
	assert_int_equal(ignored, 1);
	assert_int_equal(with_vg, 1);
	for (int k = 0; k < 2; k++) {
		rr_member_free(m[k]);
		free(img[k]);
	}
	free(pvs);
}

/* ---- damage ---- */

static void test_damaged_header_scans(void **state)
{
	char *src = unxz_local("lvm2/wrap.img.xz"), *img = copy_to(src, "wrap-badhdr.img");
	size_t len;
	char *meta = slurp_local("lvm2/wrap.meta.txt", &len);
	struct rr_member *m;
	const struct rr_lvm_info *i;
	uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	/* raw_locn[0] of the only mda: header checksum now wrong */
	poke(img, 4096 + 40, junk, sizeof(junk));
	assert_int_equal(probe_path(img, &m), RR_PROBE_FOUND);
	i = m->lvm;
	assert_false(i->mdas[0].header_valid);
	assert_true(i->mdas[0].scanned);
	assert_true(i->mdas[0].scan_copies > 1);	/* older copies too */
	assert_true(i->have_vg);
	assert_true(i->meta_from_scan);
	assert_int_equal(i->vg.seqno, 40);
	/* the newest copy, which wraps, was found whole */
	assert_int_equal(i->meta_len, len);
	assert_memory_equal(i->meta_text, meta, len);
	assert_true(has_error(m, "damaged"));
	assert_true(has_error(m, "scanning"));
	rr_member_free(m);
	free(meta);
	free(img);
	free(src);
}

static void test_bad_text_checksum_scans(void **state)
{
	char *src = unxz_local("lvm2/pv1.img.xz"), *img = copy_to(src, "pv1-badtext.img");
	struct rr_member *m;
	const struct rr_lvm_info *i;
	uint64_t off;

	assert_int_equal(probe_path(src, &m), RR_PROBE_FOUND);
	off = m->lvm->meta_offset;
	rr_member_free(m);
	/* break the live copy's first line: its checksum no longer holds
	 * and it no longer starts like a VG */
	poke(img, off, "#", 1);
	assert_int_equal(probe_path(img, &m), RR_PROBE_FOUND);
	i = m->lvm;
	assert_int_equal(i->mdas[0].text, RR_LVM_TEXT_BAD_CHECKSUM);
	assert_true(i->mdas[0].scanned);
	assert_true(has_error(m, "checksum"));
	/* the previous copy (seqno 6) is what is left */
	assert_true(i->have_vg);
	assert_int_equal(i->vg.seqno, 6);
	rr_member_free(m);
	free(img);
	free(src);
}

static void test_second_mda_preferred(void **state)
{
	char *src = unxz_local("lvm2/pv2.img.xz"), *img = copy_to(src, "pv2-badmda1.img");
	struct rr_member *m;
	const struct rr_lvm_info *i;

	poke(img, 4096 + 8, "XXXX", 4);	/* magic of mda 0 */
	assert_int_equal(probe_path(img, &m), RR_PROBE_FOUND);
	i = m->lvm;
	assert_false(i->mdas[0].header_valid);
	assert_true(i->mdas[1].header_valid);
	assert_true(i->have_vg);
	/* same seqno found both ways: the copy its header vouches for wins */
	assert_int_equal(i->meta_mda, 1);
	assert_false(i->meta_from_scan);
	assert_int_equal(i->vg.seqno, 7);
	assert_false(i->meta_disagree);
	rr_member_free(m);
	free(img);
	free(src);
}

static void test_label_damage(void **state)
{
	char *src = unxz_local("lvm2/pv1.img.xz"), *img = copy_to(src, "pv1-badlabel.img");
	struct rr_member *m;

	poke(img, 512 + 100, "\xff", 1);	/* inside the CRC-covered range */
	assert_int_equal(probe_path(img, &m), -EINVAL);
	assert_null(m->lvm);
	assert_true(has_error(m, "checksum"));
	rr_member_free(m);
	free(img);
	img = copy_to(src, "pv1-nolabel.img");
	poke(img, 512, "LABELTWO", 8);
	assert_int_equal(probe_path(img, &m), RR_PROBE_NONE);
	assert_int_equal(m->nerrors, 0);
	rr_member_free(m);
	free(img);
	free(src);
}

/* ---- the text parser ---- */

static char *replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	char *out;

	assert_non_null(p);
	assert_true(asprintf(&out, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from)) > 0);
	return out;
}

static void test_parser_variants(void **state)
{
	size_t len;
	char *meta = slurp_local("lvm2/wrap.meta.txt", &len), *t, *why;
	struct rr_lvm_vg vg;
	long b;

	assert_int_equal(rr_lvm_meta_parse(meta, len, &vg, &why), 0);
	assert_string_equal(vg.name, "wrapvg");
	assert_int_equal(vg.nlvs, 2);
	assert_non_null(vg.creation_host);
	rr_lvm_vg_free(&vg);

	/* another segment type: kept by name, not mapped */
	t = replace(meta, "type = \"striped\"\nstripe_count = 1\n\nstripes = [\n\"pv0\", 2\n]",
		    "type = \"raid1\"\nregion_size = 1024\nraid_count = 2\nraids = [\n\"b_rmeta_0\", \"b_rimage_0\"]");
	assert_int_equal(rr_lvm_meta_parse(t, strlen(t), &vg, &why), 0);
	b = rr_lvm_vg_find_lv(&vg, "b");
	assert_true(b >= 0);
	assert_false(vg.lvs[b].handled);
	assert_string_equal(vg.lvs[b].segs[0].type, "raid1");
	assert_int_equal(vg.nremarks, 1);
	assert_non_null(strstr(vg.remarks[0], "raid1"));
	rr_lvm_vg_free(&vg);
	free(t);

	/* escapes in strings */
	t = replace(meta, "creation_host = \"vm\"\t", "creation_host = \"a\\\"b\\\\c\"\t");
	assert_int_equal(rr_lvm_meta_parse(t, strlen(t), &vg, &why), 0);
	assert_string_equal(vg.creation_host, "a\"b\\c");
	rr_lvm_vg_free(&vg);
	free(t);

	/* two LVs on the same extents */
	t = replace(meta, "\"pv0\", 2\n", "\"pv0\", 1\n");
	assert_int_equal(rr_lvm_meta_parse(t, strlen(t), &vg, &why), 0);
	assert_false(vg.lvs[0].handled);
	assert_false(vg.lvs[1].handled);
	assert_non_null(strstr(vg.remarks[0], "extent 1"));
	rr_lvm_vg_free(&vg);
	free(t);

	/* extents past the PV */
	t = replace(meta, "\"pv0\", 2\n", "\"pv0\", 7\n");
	assert_int_equal(rr_lvm_meta_parse(t, strlen(t), &vg, &why), 0);
	assert_false(vg.lvs[rr_lvm_vg_find_lv(&vg, "b")].handled);
	rr_lvm_vg_free(&vg);
	free(t);

	/* a stripe naming nothing */
	t = replace(meta, "\"pv0\", 2\n", "\"pv9\", 2\n");
	assert_int_equal(rr_lvm_meta_parse(t, strlen(t), &vg, &why), 0);
	assert_non_null(strstr(vg.remarks[0], "pv9"));
	rr_lvm_vg_free(&vg);
	free(t);

	/* syntax errors: a clear sentence, nothing kept */
	t = replace(meta, "seqno = 40", "seqno = 99999999999999999999");
	assert_int_equal(rr_lvm_meta_parse(t, strlen(t), &vg, &why), -EINVAL);
	assert_non_null(strstr(why, "line 3"));
	assert_null(vg.name);
	free(why);
	free(t);
	t = replace(meta, "format = \"lvm2\"", "format = \"lvm2");
	assert_int_equal(rr_lvm_meta_parse(t, strlen(t), &vg, &why), -EINVAL);
	free(why);
	free(t);
	/* text cut short (the buffer of a damaged copy) */
	assert_int_equal(rr_lvm_meta_parse(meta, len / 2, &vg, &why), -EINVAL);
	free(why);
	/* not metadata at all */
	assert_int_equal(rr_lvm_meta_parse("a = 1\n", 6, &vg, &why), -EINVAL);
	free(why);
	free(meta);
}

static void test_parser_bounds(void **state)
{
	size_t n = 100000;
	char *t = malloc(4 * n + 1), *why;
	struct rr_lvm_vg vg;

	assert_non_null(t);
	/* nesting far deeper than lvm2 ever writes */
	for (size_t i = 0; i < n; i++)
		memcpy(t + 2 * i, "a{", 2);
	assert_int_equal(rr_lvm_meta_parse(t, 2 * n, &vg, &why), -EINVAL);
	assert_non_null(strstr(why, "deep"));
	free(why);
	/* a huge flat list */
	strcpy(t, "x = [");
	for (size_t i = 0; i < n; i++)
		memcpy(t + 5 + 2 * i, "1,", 2);
	memcpy(t + 5 + 2 * n - 1, "]", 2);
	assert_int_equal(rr_lvm_meta_parse(t, strlen(t), &vg, &why), -EINVAL);
	free(why);
	/* NUL ends the text; bytes after it are not looked at */
	assert_int_equal(rr_lvm_meta_parse("x = \"a\0\"", 8, &vg, &why), -EINVAL);
	free(why);
	free(t);
}

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_linux),
		cmocka_unit_test(test_headers_vs_pvck),
		cmocka_unit_test(test_wrapped),
		cmocka_unit_test(test_vg_vs_pvs_lvs),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_ignored_mda),
		cmocka_unit_test(test_damaged_header_scans),
		cmocka_unit_test(test_bad_text_checksum_scans),
		cmocka_unit_test(test_second_mda_preferred),
		cmocka_unit_test(test_label_damage),
		cmocka_unit_test(test_parser_variants),
		cmocka_unit_test(test_parser_bounds),
	};

	return cmocka_run_group_tests_name("lvm2", tests, NULL, teardown);
}
