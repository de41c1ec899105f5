/* The LVM2 PV probe's face: descriptor, text (pvck/pvdisplay-like field
 * names, kept literal so operators can compare them with lvm2's tools),
 * JSON, summary.  Decoding lives in lvm2_label.c and lvm2_meta.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/lvm2.h"

static int lvm2_probe(struct rr_dev *dev, struct rr_member *m)
{
	struct rr_lvm_info *info;
	int r = rr_lvm_read_label(dev, m, &info);

	if (r != RR_PROBE_FOUND)
		return r;
	m->lvm = info;
	r = rr_lvm_read_metadata(dev, m, info);
	return r < 0 ? r : RR_PROBE_FOUND;
}

static void lvm2_release(struct rr_member *m)
{
	rr_lvm_info_free(m->lvm);
	m->lvm = NULL;
}

/* lvm2 ignores every area (vgmetadatacopies / pvchange --metadataignore):
 * the text there is stale, the VG lives on other PVs. */
static int all_ignored(const struct rr_lvm_info *info)
{
	size_t n = 0;

	for (size_t i = 0; i < info->nmdas; i++)
		n += info->mdas[i].header_valid && info->mdas[i].ignored;
	return info->nmdas && n == info->nmdas;
}

static void print_list(FILE *out, char **l, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : "", l[i]);
	fputc(']', out);
}

static uint64_t lv_extents_used(const struct rr_lvm_info *info)
{
	uint64_t n = 0;

	for (size_t i = 0; i < info->nmap; i++)
		n += info->map[i].count;
	return n;
}

static void print_lvs(FILE *out, const struct rr_lvm_vg *vg)
{
	fprintf(out, "  --- Logical volumes (%zu) ---\n", vg->nlvs);
	fprintf(out, "    %-24s %-10s %10s  %s\n", "LV", "Attr", "Extents", "Segments");
	for (size_t l = 0; l < vg->nlvs; l++) {
		const struct rr_lvm_lv *lv = &vg->lvs[l];

		fprintf(out, "    %-24s %-10s %10" PRIu64 "  ", lv->name,
			lv->visible ? "visible" : "hidden", lv->extent_count);
		for (size_t s = 0; s < lv->nsegs; s++) {
			const struct rr_lvm_seg *seg = &lv->segs[s];

			if (s)
				fputs("; ", out);
			fprintf(out, "%" PRIu64 "+%" PRIu64 " %s", seg->start_extent,
				seg->extent_count,
				seg->handled && seg->stripe_count == 1 ? "linear" : seg->type);
			if (seg->handled && seg->stripe_count > 1)
				fprintf(out, " x%" PRIu32 " %" PRIu64 "s", seg->stripe_count,
					seg->stripe_size);
			for (size_t a = 0; seg->handled && a < seg->nareas; a++) {
				const struct rr_lvm_area *ar = &seg->areas[a];

				fprintf(out, "%s%s:%" PRIu64, a ? "," : " ",
					ar->kind == RR_LVM_AREA_PV ? vg->pvs[ar->index].name :
					vg->lvs[ar->index].name, ar->start);
			}
			if (!seg->handled)
				fputs(_(" (not handled)"), out);
		}
		fputc('\n', out);
	}
}

static void lvm2_print(FILE *out, const struct rr_member *m)
{
	const struct rr_lvm_info *info = m->lvm;
	const struct rr_lvm_vg *vg;

	if (!info)
		return;
	vg = &info->vg;
	fputs("  --- LVM2 physical volume ---\n", out);
	fprintf(out, "  label_header.sector   %u\n", info->label_sector);
	fprintf(out, "  label_header.crc      0x%" PRIx32 "\n", info->label_crc);
	fprintf(out, "  label_header.type     %s\n", info->label_type);
	fprintf(out, "  PV UUID               %s\n", info->pv_uuid_dashed);
	fprintf(out, "  pv_header.device_size %" PRIu64 "\n", info->device_size);
	for (size_t i = 0; i < info->ndata_areas; i++)
		fprintf(out, "  data area %zu           offset %" PRIu64 " size %" PRIu64 "\n", i,
			info->data_areas[i].offset, info->data_areas[i].size);
	for (size_t i = 0; i < info->nmdas; i++) {
		const struct rr_lvm_mda *a = &info->mdas[i];

		fprintf(out, "  metadata area %zu       offset %" PRIu64 " size %" PRIu64 " header %s",
			i, a->offset, a->size,
			!a->header_read ? "unreadable" : a->header_valid ? "ok" : "damaged");
		if (a->header_valid)
			fprintf(out, ", text %s", rr_lvm_text_state_name(a->text));
		if (a->text == RR_LVM_TEXT_OK)
			fprintf(out, " seqno %" PRIu64 "%s", a->seqno, a->wrapped ? " (wrapped)" : "");
		if (a->ignored)
			fputs(" (ignored)", out);
		if (a->scanned)
			fprintf(out, ", scanned: %zu copies, newest seqno %" PRIu64, a->scan_copies,
				a->scan_seqno);
		if (a->pre_text)
			fprintf(out, ", precommitted %s seqno %" PRIu64,
				rr_lvm_text_state_name(a->pre_text), a->pre_seqno);
		fputc('\n', out);
	}
	if (!info->have_vg) {
		fputs(!info->nmdas ? _("  This PV has no metadata areas: its VG is described on other PVs.\n") :
		      all_ignored(info) ? _("  Its metadata areas are ignored (metadataignore): the VG is described on other PVs.\n") :
		      _("  No volume group metadata on this PV (orphan, or not in a VG).\n"), out);
		return;
	}
	fprintf(out, "  metadata text         at %" PRIu64 " size %" PRIu64 " crc 0x%08" PRIx32 "%s\n",
		info->meta_offset, info->meta_size, info->meta_crc,
		info->meta_from_scan ? " (found by scanning)" : "");
	fprintf(out, "  VG Name               %s\n", vg->name);
	fprintf(out, "  VG UUID               %s\n", vg->id);
	fprintf(out, "  Metadata Sequence No  %" PRIu64 "\n", vg->seqno);
	fprintf(out, "  PE Size               %" PRIu64 " sectors\n", vg->extent_size);
	fprintf(out, "  VG Status             ");
	print_list(out, vg->status, vg->nstatus);
	fputc('\n', out);
	if (info->self >= 0) {
		const struct rr_lvm_pv *pv = &vg->pvs[info->self];
		uint64_t used = lv_extents_used(info);

		fprintf(out, "  PV Name (in VG)       %s (last seen as %s)\n", pv->name,
			pv->device ? pv->device : "?");
		fprintf(out, "  PV Size               %" PRIu64 " sectors\n", pv->dev_size);
		fprintf(out, "  PE Start              %" PRIu64 " sectors\n", pv->pe_start);
		fprintf(out, "  Total PE              %" PRIu64 "\n", pv->pe_count);
		fprintf(out, "  Free PE               %" PRIu64 "\n", pv->pe_count - (used < pv->pe_count ? used : pv->pe_count));
		fprintf(out, "  Allocated PE          %" PRIu64 "\n", used);
	}
	fprintf(out, "  --- Physical volumes of the VG (%zu) ---\n", vg->npvs);
	for (size_t i = 0; i < vg->npvs; i++) {
		const struct rr_lvm_pv *pv = &vg->pvs[i];

		fprintf(out, "    %-6s %s pe_start %" PRIu64 " pe_count %" PRIu64 " %s%s\n", pv->name,
			pv->id, pv->pe_start, pv->pe_count, pv->device ? pv->device : "",
			(long)i == info->self ? " (this device)" : pv->missing ? " MISSING" : "");
	}
	print_lvs(out, vg);
	if (info->nmap) {
		fputs("  --- Extents on this PV ---\n", out);
		for (size_t i = 0; i < info->nmap; i++) {
			const struct rr_lvm_pvmap *e = &info->map[i];
			const struct rr_lvm_seg *seg = &vg->lvs[e->lv].segs[e->seg];

			fprintf(out, "    PE %" PRIu64 "-%" PRIu64 "  sectors %" PRIu64 "+%" PRIu64
				"  %s segment %zu stripe %" PRIu32 " (LE %" PRIu64 "+%" PRIu64 ")\n",
				e->pv_extent, e->pv_extent + e->count - 1, e->dev_sector, e->sectors,
				vg->lvs[e->lv].name, e->seg, e->stripe, seg->start_extent,
				seg->extent_count);
		}
	}
	for (size_t i = 0; i < vg->nremarks; i++)
		fprintf(out, _("  Note    : %s\n"), vg->remarks[i]);
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *jlist(char **l, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(l[i]));
	return a;
}

static json_object *jareas(const struct rr_lvm_disk_area *a, size_t n)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "offset", json_object_new_uint64(a[i].offset));
		json_object_object_add(o, "size", json_object_new_uint64(a[i].size));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *jvg(const struct rr_lvm_vg *vg)
{
	json_object *o = json_object_new_object(), *pvs = json_object_new_array(),
		    *lvs = json_object_new_array();

	json_object_object_add(o, "name", jstr(vg->name));
	json_object_object_add(o, "uuid", jstr(vg->id));
	json_object_object_add(o, "seqno", json_object_new_uint64(vg->seqno));
	json_object_object_add(o, "extent_size_sectors", json_object_new_uint64(vg->extent_size));
	json_object_object_add(o, "status", jlist(vg->status, vg->nstatus));
	json_object_object_add(o, "flags", jlist(vg->flags, vg->nflags));
	if (vg->system_id)
		json_object_object_add(o, "system_id", jstr(vg->system_id));
	if (vg->lock_type)
		json_object_object_add(o, "lock_type", jstr(vg->lock_type));
	for (size_t i = 0; i < vg->npvs; i++) {
		const struct rr_lvm_pv *pv = &vg->pvs[i];
		json_object *p = json_object_new_object();

		json_object_object_add(p, "name", jstr(pv->name));
		json_object_object_add(p, "uuid", jstr(pv->id));
		json_object_object_add(p, "device", jstr(pv->device));
		json_object_object_add(p, "status", jlist(pv->status, pv->nstatus));
		json_object_object_add(p, "dev_size_sectors", json_object_new_uint64(pv->dev_size));
		json_object_object_add(p, "pe_start_sectors", json_object_new_uint64(pv->pe_start));
		json_object_object_add(p, "pe_count", json_object_new_uint64(pv->pe_count));
		json_object_object_add(p, "missing", json_object_new_boolean(pv->missing));
		json_object_array_add(pvs, p);
	}
	json_object_object_add(o, "pvs", pvs);
	for (size_t l = 0; l < vg->nlvs; l++) {
		const struct rr_lvm_lv *lv = &vg->lvs[l];
		json_object *j = json_object_new_object(), *segs = json_object_new_array();

		json_object_object_add(j, "name", jstr(lv->name));
		json_object_object_add(j, "uuid", jstr(lv->id));
		json_object_object_add(j, "status", jlist(lv->status, lv->nstatus));
		json_object_object_add(j, "flags", jlist(lv->flags, lv->nflags));
		json_object_object_add(j, "visible", json_object_new_boolean(lv->visible));
		json_object_object_add(j, "extent_count", json_object_new_uint64(lv->extent_count));
		json_object_object_add(j, "handled", json_object_new_boolean(lv->handled));
		for (size_t s = 0; s < lv->nsegs; s++) {
			const struct rr_lvm_seg *seg = &lv->segs[s];
			json_object *so = json_object_new_object(), *st = json_object_new_array();

			json_object_object_add(so, "start_extent", json_object_new_uint64(seg->start_extent));
			json_object_object_add(so, "extent_count", json_object_new_uint64(seg->extent_count));
			json_object_object_add(so, "type", jstr(seg->type));
			json_object_object_add(so, "handled", json_object_new_boolean(seg->handled));
			if (seg->handled) {
				json_object_object_add(so, "stripe_count", json_object_new_uint64(seg->stripe_count));
				json_object_object_add(so, "stripe_size_sectors", json_object_new_uint64(seg->stripe_size));
			}
			for (size_t a = 0; a < seg->nareas; a++) {
				const struct rr_lvm_area *ar = &seg->areas[a];
				json_object *ao = json_object_new_object();

				json_object_object_add(ao, ar->kind == RR_LVM_AREA_PV ? "pv" : "lv",
						       jstr(ar->kind == RR_LVM_AREA_PV ? vg->pvs[ar->index].name :
							    vg->lvs[ar->index].name));
				json_object_object_add(ao, "start_extent", json_object_new_uint64(ar->start));
				json_object_array_add(st, ao);
			}
			json_object_object_add(so, "stripes", st);
			json_object_array_add(segs, so);
		}
		json_object_object_add(j, "segments", segs);
		json_object_array_add(lvs, j);
	}
	json_object_object_add(o, "lvs", lvs);
	json_object_object_add(o, "remarks", jlist(vg->remarks, vg->nremarks));
	return o;
}

static void lvm2_to_json(json_object *dev, const struct rr_member *m)
{
	const struct rr_lvm_info *info = m->lvm;
	json_object *o, *mdas;

	if (!info)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "label_sector", json_object_new_int((int)info->label_sector));
	json_object_object_add(o, "label_type", jstr(info->label_type));
	json_object_object_add(o, "pv_uuid", jstr(info->pv_uuid_dashed));
	json_object_object_add(o, "device_size_bytes", json_object_new_uint64(info->device_size));
	json_object_object_add(o, "data_areas", jareas(info->data_areas, info->ndata_areas));
	mdas = json_object_new_array();
	for (size_t i = 0; i < info->nmdas; i++) {
		const struct rr_lvm_mda *a = &info->mdas[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "offset", json_object_new_uint64(a->offset));
		json_object_object_add(j, "size", json_object_new_uint64(a->size));
		json_object_object_add(j, "header_valid", json_object_new_boolean(a->header_valid));
		json_object_object_add(j, "text", jstr(rr_lvm_text_state_name(a->text)));
		if (a->text == RR_LVM_TEXT_OK)
			json_object_object_add(j, "seqno", json_object_new_uint64(a->seqno));
		json_object_object_add(j, "wrapped", json_object_new_boolean(a->wrapped));
		json_object_object_add(j, "ignored", json_object_new_boolean(a->ignored));
		json_object_object_add(j, "scanned", json_object_new_boolean(a->scanned));
		json_object_array_add(mdas, j);
	}
	json_object_object_add(o, "metadata_areas", mdas);
	if (info->has_ext) {
		json_object_object_add(o, "ext_version", json_object_new_uint64(info->ext_version));
		json_object_object_add(o, "ext_flags", json_object_new_uint64(info->ext_flags));
	}
	if (info->have_vg) {
		json_object *md = json_object_new_object(), *map = json_object_new_array();

		json_object_object_add(md, "area", json_object_new_uint64(info->meta_mda));
		json_object_object_add(md, "offset", json_object_new_uint64(info->meta_offset));
		json_object_object_add(md, "size", json_object_new_uint64(info->meta_size));
		json_object_object_add(md, "crc", json_object_new_uint64(info->meta_crc));
		json_object_object_add(md, "found_by_scanning", json_object_new_boolean(info->meta_from_scan));
		json_object_object_add(md, "areas_disagree", json_object_new_boolean(info->meta_disagree));
		json_object_object_add(o, "metadata", md);
		json_object_object_add(o, "vg", jvg(&info->vg));
		if (info->self >= 0)
			json_object_object_add(o, "this_pv", jstr(info->vg.pvs[info->self].name));
		for (size_t i = 0; i < info->nmap; i++) {
			const struct rr_lvm_pvmap *e = &info->map[i];
			json_object *j = json_object_new_object();

			json_object_object_add(j, "pv_extent", json_object_new_uint64(e->pv_extent));
			json_object_object_add(j, "count", json_object_new_uint64(e->count));
			json_object_object_add(j, "lv", jstr(info->vg.lvs[e->lv].name));
			json_object_object_add(j, "segment", json_object_new_uint64(e->seg));
			json_object_object_add(j, "stripe", json_object_new_uint64(e->stripe));
			json_object_object_add(j, "dev_sector", json_object_new_uint64(e->dev_sector));
			json_object_object_add(j, "sectors", json_object_new_uint64(e->sectors));
			json_object_array_add(map, j);
		}
		json_object_object_add(o, "pv_map", map);
	}
	json_object_object_add(dev, "lvm", o);
}

static char *lvm2_summary(const struct rr_member *m)
{
	const struct rr_lvm_info *info = m->lvm;
	size_t visible = 0, unhandled = 0;
	char *s, *t;

	if (!info)
		return NULL;
	if (!info->have_vg)
		return rr_xstrdup(!info->nmdas ? _("LVM2 PV without metadata areas") :
				  all_ignored(info) ? _("LVM2 PV, metadata areas ignored (VG on other PVs)") :
				  _("LVM2 PV, no VG metadata"));
	for (size_t i = 0; i < info->vg.nlvs; i++) {
		visible += info->vg.lvs[i].visible;
		unhandled += !info->vg.lvs[i].handled;
	}
	s = rr_xasprintf(P_("LVM2 PV of VG %s (seqno %" PRIu64 "), %zu LV",
			    "LVM2 PV of VG %s (seqno %" PRIu64 "), %zu LVs", visible),
			 info->vg.name, info->vg.seqno, visible);
	if (!unhandled)
		return s;
	t = rr_xasprintf(P_("%s, %zu LV with segment types not handled",
			    "%s, %zu LVs with segment types not handled", unhandled), s, unhandled);
	free(s);
	return t;
}

const struct rr_probe rr_probe_lvm2 = {
	.name = "lvm2",
	.probe = lvm2_probe,
	.print = lvm2_print,
	.to_json = lvm2_to_json,
	.summary = lvm2_summary,
	.release = lvm2_release,
};
