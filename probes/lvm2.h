/* LVM2 physical volumes: the label, the PV header, the metadata areas and
 * the VG metadata text they hold, decoded into a model complete enough to
 * build device-mapper linear/striped tables from it without ever asking
 * the host's LVM tools (the planner does that, later).
 *
 * Units: every "offset"/"size" named *_bytes or documented as bytes is in
 * bytes; the VG model keeps LVM2's own units (extents, 512-byte sectors),
 * exactly as the metadata text says, so nothing is lost to rounding.
 *
 * On-disk layout (lvm2 lib/format_text/layout.h, lib/label/label.h):
 *   sector 0..3: one "LABELONE" label (512 bytes, CRC-32 over bytes 20..511)
 *   PV header right after the label header: uuid, size, two zero-ended
 *   lists of {offset, size} (data areas, then metadata areas), extension;
 *   each metadata area: a 512-byte mda header, then a circular buffer that
 *   holds the VG metadata text (committed copy located by raw_locn[0]). */
#ifndef RR_LVM2_H
#define RR_LVM2_H

#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

#define RR_LVM_ID_LEN 32		/* uuid characters, without dashes */
#define RR_LVM_ID_DASHED 38		/* 6-4-4-4-4-4-6 form */
#define RR_LVM_LABEL_SCAN_SECTORS 4
#define RR_LVM_MDA_HEADER_SIZE 512
#define RR_LVM_MAX_DISK_AREAS 16	/* per list in the PV header */
#define RR_LVM_META_MAX (8u << 20)	/* largest metadata text accepted */
#define RR_LVM_SCAN_MAX (64u << 20)	/* largest metadata area scanned */

/* ---- the VG metadata text, parsed (probes/lvm2_meta.c) ---- */

struct rr_lvm_pv {
	char *name;		/* "pv0": the key segments refer to */
	char *id;		/* PV uuid as written, dashed */
	char *device;		/* hint only: the path when last written */
	char **status;		/* "ALLOCATABLE", "MISSING", ... */
	size_t nstatus;
	char **flags;
	size_t nflags;
	uint64_t dev_size;	/* sectors; 0 when absent */
	uint64_t pe_start;	/* sectors from the start of the PV */
	uint64_t pe_count;	/* extents */
	uint64_t ba_start, ba_size;	/* bootloader area, sectors (0 = none) */
	int missing;		/* status or flags say MISSING */
};

enum rr_lvm_area_kind {
	RR_LVM_AREA_PV,		/* extents of a physical volume */
	RR_LVM_AREA_LV,		/* extents of another (sub-)LV (layered) */
};

/* One stripe of a striped segment: where its extents start. */
struct rr_lvm_area {
	enum rr_lvm_area_kind kind;
	size_t index;		/* into vg.pvs or vg.lvs */
	uint64_t start;		/* first extent on that PV / LV */
};

struct rr_lvm_seg {
	uint64_t start_extent;	/* in the LV */
	uint64_t extent_count;	/* in the LV, all stripes together */
	char *type;		/* as written: "striped", "raid1", "thin", ... */
	/* 1 for linear/striped, which this model maps exactly; 0 for every
	 * other type: only the type name is kept, later steps refuse. */
	int handled;
	uint32_t stripe_count;	/* handled segments: number of areas */
	uint64_t stripe_size;	/* sectors; 0 when stripe_count == 1 */
	struct rr_lvm_area *areas;	/* stripe_count entries (handled) */
	size_t nareas;
};

struct rr_lvm_lv {
	char *name;
	char *id;
	char **status;		/* "READ", "WRITE", "VISIBLE", ... */
	size_t nstatus;
	char **flags;
	size_t nflags;
	int visible;		/* status has VISIBLE: not a hidden sub-LV */
	uint64_t extent_count;	/* sum over segments */
	struct rr_lvm_seg *segs;	/* sorted by start_extent, contiguous */
	size_t nsegs;
	int handled;		/* every segment is handled */
};

struct rr_lvm_vg {
	char *name;
	char *id;
	uint64_t seqno;
	char *format;		/* "lvm2" (optional in the text) */
	char **status;
	size_t nstatus;
	char **flags;
	size_t nflags;
	char *system_id;	/* NULL when absent */
	char *lock_type;	/* NULL when absent (not a shared VG) */
	uint64_t extent_size;	/* sectors */
	struct rr_lvm_pv *pvs;
	size_t npvs;
	struct rr_lvm_lv *lvs;
	size_t nlvs;
	/* "not handled" remarks and consistency findings, one translated
	 * sentence each (segment types other than linear/striped, ...). */
	char **remarks;
	size_t nremarks;
	/* Top-level fields after the VG section. */
	char *creation_host;
	uint64_t creation_time;
	char *description;
};

/* Parse LVM2 text metadata (the format of the on-disk circular buffer and
 * of /etc/lvm/backup files) into vg.  text need not be NUL-terminated and
 * may hold anything: bounded depth, sizes and counts.  0, or -EINVAL with
 * *why set to one malloc'd translated sentence.  On error vg is empty. */
int rr_lvm_meta_parse(const char *text, size_t len, struct rr_lvm_vg *vg, char **why);
void rr_lvm_vg_free(struct rr_lvm_vg *vg);
/* Index of the LV / PV named name, or -1. */
long rr_lvm_vg_find_lv(const struct rr_lvm_vg *vg, const char *name);
long rr_lvm_vg_find_pv_by_id(const struct rr_lvm_vg *vg, const char *dashed_id);

/* ---- the label, PV header and metadata areas (probes/lvm2_label.c) ---- */

/* lvm2's calc_crc: reflected CRC-32 (0xEDB88320), no final inversion,
 * chained by passing the previous value; lvm2 starts from this. */
#define RR_LVM_INITIAL_CRC 0xf597a6cfu
uint32_t rr_lvm_crc(uint32_t crc, const void *buf, size_t len);

/* "Vynv4kAPH8xQ..." (32) -> "Vynv4k-APH8-...-PB5O1U" (38 + NUL) */
void rr_lvm_uuid_dashed(const char *id32, char out[RR_LVM_ID_DASHED + 1]);

struct rr_lvm_disk_area {
	uint64_t offset;	/* bytes from the start of the device */
	uint64_t size;		/* bytes; 0 for a data area = up to the end */
};

/* One raw_locn slot of an mda header: where a copy of the text lies. */
struct rr_lvm_rlocn {
	uint64_t offset;	/* bytes from the start of the metadata area */
	uint64_t size;		/* bytes, including the trailing NUL */
	uint32_t checksum;	/* rr_lvm_crc over the text */
	uint32_t flags;		/* bit 0: RAW_LOCN_IGNORED */
};

enum rr_lvm_text_state {
	RR_LVM_TEXT_NONE = 0,	/* the slot is empty: no metadata there */
	RR_LVM_TEXT_OK,
	RR_LVM_TEXT_BAD_LOCATION,	/* offset/size outside the area */
	RR_LVM_TEXT_UNREADABLE,	/* read error */
	RR_LVM_TEXT_BAD_CHECKSUM,
	RR_LVM_TEXT_BAD_TEXT,	/* checksum right, text does not parse */
};

struct rr_lvm_mda {
	uint64_t offset;	/* bytes, from the PV header */
	uint64_t size;		/* bytes, header included */
	int header_read;	/* the 512-byte header could be read */
	int header_valid;	/* checksum, magic, version and start right */
	uint32_t checksum;	/* as stored */
	uint32_t checksum_calc;
	int magic_ok;
	uint32_t version;
	uint64_t start;		/* as stored (must equal offset) */
	uint64_t hsize;		/* as stored (must equal size) */
	struct rr_lvm_rlocn committed;	/* raw_locn[0] */
	struct rr_lvm_rlocn precommitted;	/* raw_locn[1] */
	int ignored;		/* committed slot has RAW_LOCN_IGNORED */
	/* The committed copy named by the header. */
	enum rr_lvm_text_state text;
	int wrapped;		/* it wraps round the end of the buffer */
	uint32_t text_crc;	/* computed */
	uint64_t seqno;		/* when text == OK */
	/* The precommitted copy, when its slot is used and differs. */
	enum rr_lvm_text_state pre_text;
	uint64_t pre_seqno;
	/* Fallback when the header or its committed copy is bad: the
	 * circular buffer was scanned for metadata copies. */
	int scanned;
	size_t scan_copies;	/* copies that parsed */
	uint64_t scan_seqno;	/* newest of them */
	uint64_t scan_offset;	/* its offset in the area, bytes */
};

/* The PV's extents seen from the PV: which LV extents live here.  One
 * entry per (segment, stripe) that uses this PV, sorted by pv_extent. */
struct rr_lvm_pvmap {
	uint64_t pv_extent;	/* first extent on this PV */
	uint64_t count;		/* extents on this PV */
	size_t lv;		/* index in vg.lvs */
	size_t seg;		/* index in that LV's segs */
	uint32_t stripe;	/* index in the segment's areas */
	/* Sectors from the start of this device: pe_start + pv_extent *
	 * extent_size, and the length count * extent_size. */
	uint64_t dev_sector;
	uint64_t sectors;
};

struct rr_lvm_info {
	/* label */
	unsigned label_sector;	/* 0..3 */
	uint32_t label_crc;	/* as stored (verified) */
	uint32_t pvh_offset;	/* PV header offset in the label sector */
	char label_type[9];	/* "LVM2 001" */
	/* PV header */
	char pv_uuid[RR_LVM_ID_LEN + 1];	/* raw, as on disk */
	char pv_uuid_dashed[RR_LVM_ID_DASHED + 1];
	uint64_t device_size;	/* bytes, as recorded when written */
	struct rr_lvm_disk_area *data_areas;
	size_t ndata_areas;
	struct rr_lvm_mda *mdas;
	size_t nmdas;
	int has_ext;		/* pv_header_extension present (version > 0) */
	uint32_t ext_version;
	uint32_t ext_flags;	/* bit 0: PV_EXT_USED (in a VG) */
	struct rr_lvm_disk_area *ba_areas;	/* bootloader areas */
	size_t nba_areas;

	/* The metadata in use: the newest valid copy over all areas. */
	int have_vg;
	size_t meta_mda;	/* index in mdas */
	int meta_from_scan;	/* located by scanning, not by the header */
	int meta_disagree;	/* the areas hold different seqnos */
	uint64_t meta_offset;	/* bytes from the start of the device */
	uint64_t meta_size;	/* bytes, NUL included */
	uint32_t meta_crc;
	char *meta_text;	/* NUL-terminated copy (without lvm's NUL) */
	size_t meta_len;
	struct rr_lvm_vg vg;
	long self;		/* this device in vg.pvs, -1 if not listed */
	struct rr_lvm_pvmap *map;
	size_t nmap;
};

extern const struct rr_probe rr_probe_lvm2;

/* Used by rr_probe_lvm2 and the tests: decode label + PV header + mdas
 * (no VG text) into a fresh info.  RR_PROBE_FOUND / RR_PROBE_NONE /
 * -errno after rr_member_error. */
int rr_lvm_read_label(struct rr_dev *dev, struct rr_member *m, struct rr_lvm_info **out);
/* Read the text of every metadata area, choose the newest valid copy,
 * parse it, build the PV map.  0 or -errno (problems recorded in m). */
int rr_lvm_read_metadata(struct rr_dev *dev, struct rr_member *m, struct rr_lvm_info *info);
void rr_lvm_info_free(struct rr_lvm_info *info);
/* "ok", "bad-checksum", ... (JSON and text output; not translated). */
const char *rr_lvm_text_state_name(enum rr_lvm_text_state s);

#endif
