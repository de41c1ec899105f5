/* LVM2 on disk: label, PV header, metadata area headers and the circular
 * buffer holding the VG metadata text (lvm2 lib/label/label.c,
 * lib/format_text/text_label.c, format-text.c, layout.h).  Every offset,
 * size and count read here is bounded by the device and by the 512-byte
 * sector it lives in before it is used. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/endian.h"
#include "probes/lvm2.h"

#define SECTOR 512u
#define LABEL_ID "LABELONE"
#define LABEL_TYPE "LVM2 001"
#define LABEL_CRC_FROM 20	/* offset_xl: the CRC covers the rest */
#define PVH_FIXED 40		/* uuid + device_size */
#define DISK_LOCN 16
#define MDA_MAGIC "\040\114\126\115\062\040\170\133\065\101\045\162\060\116\052\076"
#define MDA_VERSION 1
#define MDA_RLOCN0 40		/* raw_locn[0] in the mda header */
#define RLOCN_SIZE 24
#define RAW_LOCN_IGNORED 1u
/* Total text parsed while scanning one area (hostile areas could hold a
 * candidate in every sector). */
#define SCAN_PARSE_BUDGET (64u << 20)

static uint32_t crc_table[256];

uint32_t rr_lvm_crc(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

void rr_lvm_uuid_dashed(const char *id, char out[RR_LVM_ID_DASHED + 1])
{
	static const int groups[] = { 6, 4, 4, 4, 4, 4, 6 };
	char *o = out;

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		if (g)
			*o++ = '-';
		for (int i = 0; i < groups[g]; i++)
			*o++ = *id++;
	}
	*o = '\0';
}

const char *rr_lvm_text_state_name(enum rr_lvm_text_state s)
{
	switch (s) {
	case RR_LVM_TEXT_NONE: return "none";
	case RR_LVM_TEXT_OK: return "ok";
	case RR_LVM_TEXT_BAD_LOCATION: return "bad-location";
	case RR_LVM_TEXT_UNREADABLE: return "unreadable";
	case RR_LVM_TEXT_BAD_CHECKSUM: return "bad-checksum";
	case RR_LVM_TEXT_BAD_TEXT: return "bad-text";
	}
	return "?";
}

void rr_lvm_info_free(struct rr_lvm_info *info)
{
	if (!info)
		return;
	free(info->data_areas);
	free(info->mdas);
	free(info->ba_areas);
	free(info->meta_text);
	rr_lvm_vg_free(&info->vg);
	free(info->map);
	free(info);
}

/* A zero-offset-ended list of disk_locn starting at *pos in the sector;
 * every entry (and the terminator) must lie within the sector. */
static int read_locn_list(const uint8_t *sec, size_t *pos, struct rr_lvm_disk_area **out,
			  size_t *count)
{
	size_t p = *pos;

	*out = NULL;
	*count = 0;
	for (;;) {
		uint64_t off;

		if (p + DISK_LOCN > SECTOR)
			return -1;
		off = rr_le64(sec + p);
		if (!off) {
			*pos = p + DISK_LOCN;
			return 0;
		}
		if (*count >= RR_LVM_MAX_DISK_AREAS)
			return -1;
		*out = rr_xrealloc(*out, (*count + 1) * sizeof(**out));
		(*out)[*count].offset = off;
		(*out)[*count].size = rr_le64(sec + p + 8);
		(*count)++;
		p += DISK_LOCN;
	}
}

static void read_mda_header(struct rr_dev *dev, struct rr_lvm_mda *mda)
{
	const uint8_t *h;

	if (mda->size < SECTOR || rr_dev_get(dev, mda->offset, SECTOR, &h) < 0)
		return;
	mda->header_read = 1;
	mda->checksum = rr_le32(h);
	mda->checksum_calc = rr_lvm_crc(RR_LVM_INITIAL_CRC, h + 4, SECTOR - 4);
	mda->magic_ok = !memcmp(h + 4, MDA_MAGIC, 16);
	mda->version = rr_le32(h + 20);
	mda->start = rr_le64(h + 24);
	mda->hsize = rr_le64(h + 32);
	mda->committed.offset = rr_le64(h + MDA_RLOCN0);
	mda->committed.size = rr_le64(h + MDA_RLOCN0 + 8);
	mda->committed.checksum = rr_le32(h + MDA_RLOCN0 + 16);
	mda->committed.flags = rr_le32(h + MDA_RLOCN0 + 20);
	/* The list ends at a zero offset: slot 1 only counts after slot 0. */
	if (mda->committed.offset) {
		const uint8_t *r1 = h + MDA_RLOCN0 + RLOCN_SIZE;

		mda->precommitted.offset = rr_le64(r1);
		mda->precommitted.size = rr_le64(r1 + 8);
		mda->precommitted.checksum = rr_le32(r1 + 16);
		mda->precommitted.flags = rr_le32(r1 + 20);
	}
	mda->ignored = !!(mda->committed.flags & RAW_LOCN_IGNORED);
	mda->header_valid = mda->checksum == mda->checksum_calc && mda->magic_ok &&
			    mda->version == MDA_VERSION && mda->start == mda->offset &&
			    mda->hsize == mda->size && mda->size >= 2 * SECTOR;
}

int rr_lvm_read_label(struct rr_dev *dev, struct rr_member *m, struct rr_lvm_info **out)
{
	const uint8_t *sec = NULL;
	struct rr_lvm_info *info;
	struct rr_lvm_disk_area *mlist = NULL;
	int bad_sector = -1, bad_crc = -1, found = -1;
	size_t pos;
	uint64_t devsize = rr_dev_size(dev);

	*out = NULL;
	for (unsigned s = 0; s < RR_LVM_LABEL_SCAN_SECTORS; s++) {
		const uint8_t *p;

		if (rr_dev_get(dev, (uint64_t)s * SECTOR, SECTOR, &p) < 0)
			break;
		if (memcmp(p, LABEL_ID, 8))
			continue;
		/* lvm2 skips a label that names another sector (a copy of
		 * a label shifted by a partition table) or fails its CRC. */
		if (rr_le64(p + 8) != s) {
			if (bad_sector < 0)
				bad_sector = (int)s;
			continue;
		}
		if (rr_le32(p + 16) != rr_lvm_crc(RR_LVM_INITIAL_CRC, p + LABEL_CRC_FROM,
						  SECTOR - LABEL_CRC_FROM)) {
			if (bad_crc < 0)
				bad_crc = (int)s;
			continue;
		}
		found = (int)s;
		sec = p;
		break;
	}
	if (found < 0) {
		if (bad_crc >= 0) {
			rr_member_error(m, _("LVM2 label in sector %d has a wrong checksum"), bad_crc);
			return -EINVAL;
		}
		if (bad_sector >= 0) {
			rr_member_error(m, _("LVM2 label in sector %d says it belongs in another sector"),
					bad_sector);
			return -EINVAL;
		}
		return RR_PROBE_NONE;
	}
	if (memcmp(sec + 24, LABEL_TYPE, 8)) {
		rr_member_error(m, _("LVM2 label in sector %d has the unknown type \"%.8s\""), found,
				(const char *)sec + 24);
		return -EINVAL;
	}
	info = rr_xcalloc(1, sizeof(*info));
	info->self = -1;
	info->label_sector = (unsigned)found;
	info->label_crc = rr_le32(sec + 16);
	info->pvh_offset = rr_le32(sec + 20);
	memcpy(info->label_type, sec + 24, 8);
	pos = info->pvh_offset;
	/* The PV header and its lists must lie within the label sector. */
	if (pos < 32 || pos > SECTOR - PVH_FIXED - 2 * DISK_LOCN) {
		rr_member_error(m, _("LVM2 label: PV header offset %u is outside the label sector"),
				info->pvh_offset);
		rr_lvm_info_free(info);
		return -EINVAL;
	}
	for (size_t i = 0; i < RR_LVM_ID_LEN; i++) {
		char c = (char)sec[pos + i];

		/* lvm2 uuids use [0-9a-zA-Z] only (lib/uuid/uuid.c) */
		info->pv_uuid[i] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
				   (c >= 'A' && c <= 'Z') ? c : '?';
	}
	rr_lvm_uuid_dashed(info->pv_uuid, info->pv_uuid_dashed);
	if (strchr(info->pv_uuid, '?'))
		rr_member_error(m, "%s", _("LVM2 PV header: the PV UUID has characters lvm2 never writes"));
	info->device_size = rr_le64(sec + pos + 32);
	pos += PVH_FIXED;
	if (read_locn_list(sec, &pos, &info->data_areas, &info->ndata_areas) < 0 ||
	    read_locn_list(sec, &pos, &mlist, &info->nmdas) < 0) {
		rr_member_error(m, "%s", _("LVM2 PV header: the data or metadata area list does not end within the label sector"));
		free(mlist);
		rr_lvm_info_free(info);
		return -EINVAL;
	}
	if (info->nmdas) {
		info->mdas = rr_xcalloc(info->nmdas, sizeof(*info->mdas));
		for (size_t i = 0; i < info->nmdas; i++) {
			info->mdas[i].offset = mlist[i].offset;
			info->mdas[i].size = mlist[i].size;
		}
	}
	free(mlist);
	/* The extension follows when it fits (lvm2 >= 2.02.116 writes it). */
	if (pos + 8 <= SECTOR && (info->ext_version = rr_le32(sec + pos))) {
		info->has_ext = 1;
		info->ext_flags = rr_le32(sec + pos + 4);
		pos += 8;
		if (read_locn_list(sec, &pos, &info->ba_areas, &info->nba_areas) < 0)
			rr_member_error(m, "%s", _("LVM2 PV header: the bootloader area list does not end within the label sector"));
	}
	for (size_t i = 0; i < info->ndata_areas; i++)
		if (info->data_areas[i].offset >= devsize)
			rr_member_error(m, _("LVM2 PV header: data area %zu starts at byte %" PRIu64
					     ", past the end of the device"), i,
					info->data_areas[i].offset);
	for (size_t i = 0; i < info->nmdas; i++) {
		struct rr_lvm_mda *mda = &info->mdas[i];
		uint64_t end;

		if (__builtin_add_overflow(mda->offset, mda->size, &end) || end > devsize) {
			rr_member_error(m, _("LVM2 metadata area %zu (bytes %" PRIu64 "+%" PRIu64
					     ") does not fit in the device"), i, mda->offset, mda->size);
			continue;
		}
		read_mda_header(dev, mda);
		if (!mda->header_read)
			rr_member_error(m, _("LVM2 metadata area %zu: its header cannot be read"), i);
		else if (!mda->header_valid)
			rr_member_error(m, _("LVM2 metadata area %zu: the header at byte %" PRIu64
					     " is damaged (checksum, magic, version or location)"),
					i, mda->offset);
	}
	*out = info;
	return RR_PROBE_FOUND;
}

/* ---- metadata text ---- */

struct copy {
	enum rr_lvm_text_state state;
	char *text;		/* size bytes + NUL */
	uint64_t size;
	uint32_t crc;
	int wrapped;
	struct rr_lvm_vg vg;
	char *why;
};

static void copy_free(struct copy *c)
{
	free(c->text);
	free(c->why);
	rr_lvm_vg_free(&c->vg);
	memset(c, 0, sizeof(*c));
}

/* Read the copy rl points at from the circular buffer of mda. */
static void read_copy(struct rr_dev *dev, const struct rr_lvm_mda *mda,
		      const struct rr_lvm_rlocn *rl, struct copy *c)
{
	uint64_t buf_size = mda->size - RR_LVM_MDA_HEADER_SIZE;
	uint64_t first, wrap = 0;

	memset(c, 0, sizeof(*c));
	if (!rl->offset && !rl->size) {
		c->state = RR_LVM_TEXT_NONE;
		return;
	}
	c->state = RR_LVM_TEXT_BAD_LOCATION;
	if (rl->offset < RR_LVM_MDA_HEADER_SIZE || rl->offset >= mda->size || !rl->size ||
	    rl->size > buf_size || rl->size > RR_LVM_META_MAX + 1ull)
		return;
	first = mda->size - rl->offset;
	if (rl->size > first)
		wrap = rl->size - first;
	else
		first = rl->size;
	c->wrapped = wrap > 0;
	c->size = rl->size;
	c->text = rr_xmalloc(rl->size + 1);
	if (rr_dev_pread(dev, c->text, first, mda->offset + rl->offset) < 0 ||
	    (wrap && rr_dev_pread(dev, c->text + first, wrap,
				  mda->offset + RR_LVM_MDA_HEADER_SIZE) < 0)) {
		c->state = RR_LVM_TEXT_UNREADABLE;
		return;
	}
	c->text[rl->size] = '\0';
	c->crc = rr_lvm_crc(RR_LVM_INITIAL_CRC, c->text, rl->size);
	if (c->crc != rl->checksum) {
		c->state = RR_LVM_TEXT_BAD_CHECKSUM;
		return;
	}
	if (rr_lvm_meta_parse(c->text, rl->size, &c->vg, &c->why) < 0) {
		c->state = RR_LVM_TEXT_BAD_TEXT;
		return;
	}
	c->state = RR_LVM_TEXT_OK;
}

static int name_char(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '+' || c == '_' || c == '.' || c == '-';
}

/* lvm2 writes every copy at a 512-byte boundary of the buffer, starting
 * "<vgname> {\n".  Try each such boundary, follow the text (round the end
 * of the buffer) to its NUL, parse it, keep the newest that parses. */
static void scan_area(struct rr_dev *dev, struct rr_lvm_mda *mda, struct copy *best,
		      uint64_t *best_off)
{
	uint64_t n = mda->size - RR_LVM_MDA_HEADER_SIZE, budget = SCAN_PARSE_BUDGET;
	uint8_t *buf;
	char *text;

	memset(best, 0, sizeof(*best));
	mda->scanned = 1;
	if (n > RR_LVM_SCAN_MAX)
		n = RR_LVM_SCAN_MAX;
	n -= n % SECTOR;
	if (!n)
		return;
	buf = rr_xmalloc(n);
	if (rr_dev_pread(dev, buf, n, mda->offset + RR_LVM_MDA_HEADER_SIZE) < 0) {
		free(buf);
		return;
	}
	text = rr_xmalloc(n + 1);
	for (uint64_t p = 0; p < n && budget; p += SECTOR) {
		uint64_t k = 0, len;
		struct copy c = { 0 };

		while (k < 128 && name_char(buf[p + k]))
			k++;
		if (!k || k >= 128 || p + k + 3 > n || memcmp(buf + p + k, " {\n", 3))
			continue;
		for (len = 0; len < n && len <= RR_LVM_META_MAX; len++) {
			uint8_t ch = buf[(p + len) % n];

			if (!ch)
				break;
			text[len] = (char)ch;
		}
		if (len >= n || len > RR_LVM_META_MAX)
			continue;
		text[len] = '\0';
		budget = budget > len ? budget - len : 0;
		if (rr_lvm_meta_parse(text, len + 1, &c.vg, &c.why) < 0) {
			free(c.why);
			continue;
		}
		mda->scan_copies++;
		if (!best->text || c.vg.seqno > best->vg.seqno) {
			copy_free(best);
			c.state = RR_LVM_TEXT_OK;
			c.size = len + 1;
			c.text = rr_xmalloc(len + 1);
			memcpy(c.text, text, len + 1);
			c.crc = rr_lvm_crc(RR_LVM_INITIAL_CRC, c.text, len + 1);
			c.wrapped = p + len + 1 > n;
			*best = c;
			*best_off = p + RR_LVM_MDA_HEADER_SIZE;
		} else {
			rr_lvm_vg_free(&c.vg);
		}
		/* The next copy starts at a boundary after this one. */
		if (p + len < n)
			p += (len + SECTOR) / SECTOR * SECTOR - SECTOR;
	}
	if (best->text) {
		mda->scan_seqno = best->vg.seqno;
		mda->scan_offset = *best_off;
	}
	free(text);
	free(buf);
}

static int pvmap_cmp(const void *a, const void *b)
{
	const struct rr_lvm_pvmap *x = a, *y = b;

	return x->pv_extent < y->pv_extent ? -1 : x->pv_extent > y->pv_extent;
}

static void build_map(struct rr_dev *dev, struct rr_member *m, struct rr_lvm_info *info)
{
	const struct rr_lvm_vg *vg = &info->vg;
	const struct rr_lvm_pv *pv;
	uint64_t dev_sectors = rr_dev_size(dev) / SECTOR, last = 0;

	info->self = rr_lvm_vg_find_pv_by_id(vg, info->pv_uuid);
	if (info->self < 0) {
		rr_member_error(m, _("LVM2: this PV (%s) is not listed in the metadata of VG %s"),
				info->pv_uuid_dashed, vg->name);
		return;
	}
	pv = &vg->pvs[info->self];
	if (info->ndata_areas && info->data_areas[0].offset != pv->pe_start * SECTOR)
		rr_member_error(m, _("LVM2: the PV header puts the data area at byte %" PRIu64
				     " but the metadata says pe_start is sector %" PRIu64),
				info->data_areas[0].offset, pv->pe_start);
	for (size_t l = 0; l < vg->nlvs; l++) {
		const struct rr_lvm_lv *lv = &vg->lvs[l];

		for (size_t s = 0; s < lv->nsegs; s++) {
			const struct rr_lvm_seg *seg = &lv->segs[s];

			if (!seg->handled)
				continue;
			for (size_t a = 0; a < seg->nareas; a++) {
				struct rr_lvm_pvmap *e;

				if (seg->areas[a].kind != RR_LVM_AREA_PV ||
				    seg->areas[a].index != (size_t)info->self)
					continue;
				info->map = rr_xrealloc(info->map, (info->nmap + 1) * sizeof(*info->map));
				e = &info->map[info->nmap++];
				e->pv_extent = seg->areas[a].start;
				e->count = seg->extent_count / seg->stripe_count;
				e->lv = l;
				e->seg = s;
				e->stripe = (uint32_t)a;
				/* bounded by the parser: pe_start +
				 * pe_count * extent_size fits */
				e->dev_sector = pv->pe_start + e->pv_extent * vg->extent_size;
				e->sectors = e->count * vg->extent_size;
				if (e->dev_sector + e->sectors > last)
					last = e->dev_sector + e->sectors;
			}
		}
	}
	if (info->nmap)
		qsort(info->map, info->nmap, sizeof(*info->map), pvmap_cmp);
	if (last > dev_sectors)
		rr_member_error(m, _("LVM2: LV extents on this PV reach sector %" PRIu64
				     " but the device has only %" PRIu64 " sectors (truncated copy?)"),
				last, dev_sectors);
}

int rr_lvm_read_metadata(struct rr_dev *dev, struct rr_member *m, struct rr_lvm_info *info)
{
	struct copy *copies;
	long best = -1;

	if (!info->nmdas)
		return 0;
	copies = rr_xcalloc(info->nmdas, sizeof(*copies));
	for (size_t i = 0; i < info->nmdas; i++) {
		struct rr_lvm_mda *mda = &info->mdas[i];
		struct copy *c = &copies[i];
		uint64_t scan_off = 0;

		if (!mda->header_read)
			continue;
		/* metadataignore: lvm2 stops updating this area, so its text
		 * is stale by design; it takes no part in the choice. */
		if (mda->header_valid && mda->ignored)
			continue;
		if (mda->header_valid) {
			read_copy(dev, mda, &mda->committed, c);
			mda->text = c->state;
			mda->wrapped = c->wrapped;
			mda->text_crc = c->crc;
			if (c->state == RR_LVM_TEXT_OK)
				mda->seqno = c->vg.seqno;
			switch (c->state) {
			case RR_LVM_TEXT_NONE:
			case RR_LVM_TEXT_OK:
				break;
			case RR_LVM_TEXT_BAD_TEXT:
				rr_member_error(m, _("LVM2 metadata area %zu: the metadata text does not parse: %s"),
						i, c->why);
				break;
			default:
				rr_member_error(m, _("LVM2 metadata area %zu: the metadata copy the header points at is %s"),
						i, _(c->state == RR_LVM_TEXT_BAD_CHECKSUM ? N_("damaged (checksum)") :
						     c->state == RR_LVM_TEXT_UNREADABLE ? N_("unreadable") :
						     N_("outside the area")));
			}
			/* An uncommitted update (lvm2 was interrupted
			 * between precommit and commit): report it only. */
			if (mda->precommitted.size && mda->precommitted.offset != mda->committed.offset) {
				struct copy pc;

				read_copy(dev, mda, &mda->precommitted, &pc);
				mda->pre_text = pc.state;
				if (pc.state == RR_LVM_TEXT_OK)
					mda->pre_seqno = pc.vg.seqno;
				copy_free(&pc);
			}
			if (c->state == RR_LVM_TEXT_OK || c->state == RR_LVM_TEXT_NONE)
				continue;
		}
		/* The header or the copy it names is bad: look for copies. */
		copy_free(c);
		scan_area(dev, mda, c, &scan_off);
		if (c->text)
			rr_member_error(m, _("LVM2 metadata area %zu: used a metadata copy found by scanning (seqno %" PRIu64
					     " at byte %" PRIu64 " of the area); its checksum cannot be verified"),
					i, c->vg.seqno, scan_off);
		else
			rr_member_error(m, _("LVM2 metadata area %zu: no usable metadata copy found by scanning"), i);
	}
	for (size_t i = 0; i < info->nmdas; i++) {
		if (copies[i].state != RR_LVM_TEXT_OK)
			continue;
		/* the newest; on a tie, one the header vouches for */
		if (best < 0 || copies[i].vg.seqno > copies[best].vg.seqno ||
		    (copies[i].vg.seqno == copies[best].vg.seqno &&
		     info->mdas[best].scanned && !info->mdas[i].scanned))
			best = (long)i;
	}
	for (size_t i = 0; best >= 0 && i < info->nmdas; i++) {
		const struct copy *c = &copies[i], *b = &copies[best];

		if (c->state == RR_LVM_TEXT_OK &&
		    (c->vg.seqno != b->vg.seqno || c->crc != b->crc ||
		     strcmp(c->vg.name, b->vg.name))) {
			info->meta_disagree = 1;
			rr_member_error(m, _("LVM2 metadata areas disagree: area %zu holds %s seqno %" PRIu64
					     ", area %ld holds %s seqno %" PRIu64 " (the newest is used)"),
					i, c->vg.name, c->vg.seqno, best, b->vg.name, b->vg.seqno);
		}
	}
	if (best >= 0) {
		struct copy *b = &copies[best];
		const struct rr_lvm_mda *mda = &info->mdas[best];

		info->have_vg = 1;
		info->meta_mda = (size_t)best;
		info->meta_from_scan = mda->scanned;
		info->meta_offset = mda->offset + (mda->scanned ? mda->scan_offset : mda->committed.offset);
		info->meta_size = b->size;
		info->meta_crc = b->crc;
		info->meta_len = strnlen(b->text, b->size);
		info->meta_text = b->text;
		b->text = NULL;
		info->vg = b->vg;
		memset(&b->vg, 0, sizeof(b->vg));
		build_map(dev, m, info);
	}
	for (size_t i = 0; i < info->nmdas; i++)
		copy_free(&copies[i]);
	free(copies);
	return 0;
}
