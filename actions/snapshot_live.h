/* A snapshot of a live device-mapper device, in place, for a consistent
 * backup of a mounted volume:
 *
 *   before:  LIVE = <its targets>
 *   after:   BASE = <the same targets>           rr-<sid>-live<k>-base
 *            LIVE = snapshot-origin BASE          (same name, same major:minor:
 *                                                  the mounted filesystem goes on)
 *            SNAP = snapshot BASE <COW loop> P N  rr-<sid>-live<k>-snap
 *
 * The switch happens while LIVE is suspended (its filesystem frozen and
 * flushed by the suspend), so SNAP holds the volume exactly as it was at
 * that instant.  Undo loads LIVE's original table text back (journaled
 * before anything changed), then removes SNAP, the loop, BASE and the COW
 * file.  md arrays cannot be done this way: an md device has no table to
 * swap. */
#ifndef RR_SNAPSHOT_LIVE_H
#define RR_SNAPSHOT_LIVE_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "actions/session.h"

struct rr_snapshot_live_opts {
	unsigned chunk_kib;	/* 4..512, power of two (default 4) */
	uint64_t cow_bytes;	/* 0: a tenth of the device, at least 64 MiB */
};

struct rr_snapshot_live {
	char live[128];		/* dm name of the live device */
	char base[128], base_uuid[160];
	char snap[128], snap_uuid[160];
	char snap_dev[192];	/* /dev/mapper/SNAP */
	char cow[4096];
	uint64_t sectors;
};

/* dev: /dev/mapper/NAME, /dev/dm-N, /dev/VG/LV, or a dm name.  0, or
 * -errno with a sentence in msg (md devices and plain disks: -ENOTSUP). */
int rr_snapshot_live(struct rr_session *s, const char *dev, const struct rr_snapshot_live_opts *o,
		     struct rr_snapshot_live *out, char *msg, size_t n);

/* Undo resource {"type":"dm_table","name","table":[{start,len,type,params}],
 * "expect"} (teardown.c): load the saved table back into the device when it
 * still has the table this program gave it ("expect"). */
int rr_dm_table_undo_resource(json_object *res, char *msg, size_t n);
int rr_dm_table_resource_present(json_object *res);

/* For cleanup without a journal: every device that is not ours and whose
 * table is "snapshot-origin <one of our -base devices>" gets the base's
 * table back.  Returns how many were restored. */
int rr_snapshot_live_cleanup(int verbose);

#endif
