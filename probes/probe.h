/* Probe descriptors, one const struct per on-disk format (the libblkid
 * way).  A probe only reads, through probes/devread.h, and never trusts a
 * size, offset or count it reads: everything is bounded before use. */
#ifndef RR_PROBE_H
#define RR_PROBE_H

#include <json-c/json.h>
#include <stdio.h>

#include "core/member.h"
#include "probes/devread.h"

enum {
	RR_PROBE_FOUND = 0,
	RR_PROBE_NONE = 1,	/* no such structure on this device */
	/* < 0: -errno; the probe has already said why with rr_member_error */
};

struct rr_probe {
	const char *name;	/* "md", "lvm2", "cow", "zfs", "blkid" */
	/* Decode into m (its own field of m).  RR_PROBE_FOUND,
	 * RR_PROBE_NONE, or -errno after rr_member_error(m, ...). */
	int (*probe)(struct rr_dev *dev, struct rr_member *m);
	/* Human text (for md: the wording and order of mdadm --examine);
	 * prints nothing when the structure was not found. */
	void (*print)(FILE *out, const struct rr_member *m);
	/* Add this format's key to the device's JSON object (nothing when
	 * the structure was not found). */
	void (*to_json)(json_object *dev, const struct rr_member *m);
	/* One line for the per-device verdict, malloc'd, or NULL. */
	char *(*summary)(const struct rr_member *m);
	/* Free this format's field of m and set it to NULL. */
	void (*release)(struct rr_member *m);
};

/* All probes, in the order they run and print; NULL-terminated. */
extern const struct rr_probe *const rr_probes[];

/* Open path read-only and run every probe on it (and on each partition of
 * a partitioned device).  Never fails: problems, including "cannot open",
 * are recorded in the member's errors. */
struct rr_member *rr_examine_path(const char *path);

/* Run every probe on an open device (used for partitions and by tests). */
void rr_probe_all(struct rr_dev *dev, struct rr_member *m);

#endif
