/* Reading planning units for the planner: a unit is a device or image
 * the operator named, or a partition of one (rr_plan_units). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/msg.h"
#include "probes/devread.h"
#include "ui/cli.h"

int rr_plan_io_read(void *ctx, size_t member, uint64_t off, void *buf, size_t len)
{
	struct rr_plan_io *io = ctx;
	struct rr_plan_unit_io *u;

	if (member >= io->n || !io->u[member].dev)
		return -ENXIO;
	u = &io->u[member];
	if (off > u->size || len > u->size - off)
		return -ERANGE;
	return rr_dev_pread(u->dev, buf, len, u->base + off);
}

/* Where unit lives among the top-level members (and its offset there). */
static int locate(struct rr_member *const *tops, size_t ntops, const struct rr_member *unit,
		  size_t *top, uint64_t *base)
{
	for (size_t t = 0; t < ntops; t++) {
		if (tops[t] == unit) {
			*top = t;
			*base = 0;
			return 0;
		}
		for (size_t p = 0; p < tops[t]->nparts; p++) {
			const struct rr_member *pm = tops[t]->parts[p];

			if (pm == unit) {
				*top = t;
				*base = pm->part_offset;
				return 0;
			}
			for (size_t q = 0; q < pm->nparts; q++)
				if (pm->parts[q] == unit) {
					*top = t;
					*base = pm->part_offset + pm->parts[q]->part_offset;
					return 0;
				}
		}
	}
	return -ENOENT;
}

void rr_plan_io_open(struct rr_plan_io *io, struct rr_member *const *tops, size_t ntops,
		     struct rr_member *const *units, size_t nunits)
{
	io->n = nunits;
	io->ntops = ntops;
	io->u = rr_xcalloc(nunits ? nunits : 1, sizeof(*io->u));
	io->devs = rr_xcalloc(ntops ? ntops : 1, sizeof(*io->devs));
	for (size_t i = 0; i < nunits; i++) {
		size_t t;
		uint64_t base;

		if (units[i]->open_errno || locate(tops, ntops, units[i], &t, &base))
			continue;
		if (!io->devs[t] && rr_dev_open(tops[t]->path, &io->devs[t]) < 0)
			continue;
		io->u[i] = (struct rr_plan_unit_io){ .dev = io->devs[t], .base = base, .size = units[i]->size_bytes };
	}
}

void rr_plan_io_close(struct rr_plan_io *io)
{
	for (size_t t = 0; t < io->ntops; t++)
		if (io->devs[t])
			rr_dev_close(io->devs[t]);
	free(io->devs);
	free(io->u);
	memset(io, 0, sizeof(*io));
}
