/* Writing an LVM2 physical volume header and its VG metadata the way
 * lvm2 2.03 does (lib/format_text/format-text.c, export.c, lib/label):
 *
 *   sector 1      "LABELONE" label header, CRC over bytes 20..511
 *   + 32          PV header: uuid, device size, data area list, metadata
 *                 area list, extension (version 2, flags PV_EXT_USED)
 *   4096          mda header (CRC over bytes 4..511, magic, version 1,
 *                 start, size, raw_locn[0] = the committed text)
 *   4096 + 512    the metadata text, NUL-terminated, its CRC in raw_locn[0]
 *   pe_start      the first extent
 *
 * One metadata area at 4 KiB up to pe_start, one data area from pe_start
 * to the end: what `pvcreate` gives by default.  Only linear LVs (one
 * "striped" segment with one stripe each) -- what the demo needs. */
#ifndef RR_LVM_WRITE_H
#define RR_LVM_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "probes/lvm2.h"

#define RR_LVM_WRITE_MDA_OFFSET 4096u	/* pvcreate's default */

/* An id as lvm2 makes them: 32 characters of [0-9a-zA-Z!#] (rr_lvm_id_new
 * uses only letters and digits), stored without dashes. */
struct rr_lvm_wid {
	char s[RR_LVM_ID_LEN + 1];
};

/* A fresh random id (getrandom()).  0 or -errno. */
int rr_lvm_id_new(struct rr_lvm_wid *id);

struct rr_lvm_wlv {
	const char *name;
	struct rr_lvm_wid id;
	uint64_t extent_count;
	uint64_t pv_start_extent;	/* one linear segment on pv0 */
	uint64_t creation_time;
};

struct rr_lvm_wvg {
	const char *name;
	struct rr_lvm_wid id;
	uint64_t seqno;
	uint64_t extent_size;		/* sectors */
	/* the single PV, "pv0" */
	struct rr_lvm_wid pv_id;
	const char *pv_device;		/* hint, e.g. "/dev/md127" */
	uint64_t dev_size;		/* sectors */
	uint64_t pe_start;		/* sectors */
	uint64_t pe_count;
	const struct rr_lvm_wlv *lvs;
	size_t nlvs;
	const char *creation_host;
	uint64_t creation_time;
	const char *description;
};

/* The metadata text of vg in lvm2 2.03's layout (no indentation, the
 * VG section, then contents/version/description/creation_*), malloc'd
 * and NUL-terminated.  NULL if an LV lies outside the PV's extents. */
char *rr_lvm_vg_text(const struct rr_lvm_wvg *vg);

/* Fill buf[0 .. pe_start * 512) -- the PV's header region -- with the
 * label, PV header, mda header and text (text as from rr_lvm_vg_text).
 * The rest of the region is zeroed.  0, or -EINVAL when len is not
 * pe_start * 512 or the text does not fit in the metadata area. */
int rr_lvm_pv_format(uint8_t *buf, size_t len, const struct rr_lvm_wvg *vg,
		     const char *text);

#endif
