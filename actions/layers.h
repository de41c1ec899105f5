/* The layers above an assembled array: partitions become dm linear
 * devices, LVM2 logical volumes become dm linear/striped devices built from
 * the decoded metadata -- never through the host's LVM tools, so nothing
 * on the host's LVM is touched and nothing is auto-activated. */
#ifndef RR_LAYERS_H
#define RR_LAYERS_H

#include <stddef.h>
#include <stdint.h>

#include "actions/session.h"

/* One block device a filesystem may live on. */
struct rr_volume {
	char dev[200];		/* path */
	char what[256];		/* "array", "partition 1", "LV vg0/home" */
	char label_hint[64];	/* LV name, partition name */
};

struct rr_layers {
	struct rr_volume *vols;
	size_t nvols;
	char **remarks;		/* what could not be mapped, and why */
	size_t nremarks;
	uint64_t seq;		/* journal step, 0 when nothing was created */
};

/* Map the layers above array (created devices journaled as one step
 * "layers" on top of assembly step aseq).  The array itself is always the
 * first volume.  0 or -errno with msg. */
int rr_layers_map(struct rr_session *s, const char *array, uint64_t aseq, struct rr_layers *out,
		  char *msg, size_t n);
void rr_layers_free(struct rr_layers *l);
json_object *rr_layers_volumes_json(const struct rr_layers *l);
/* The volumes of a layers step already done over assembly step aseq;
 * -ENOENT when there is none. */
int rr_layers_from_journal(struct rr_session *s, uint64_t aseq, struct rr_layers *l);

#endif
