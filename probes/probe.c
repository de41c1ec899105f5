#include <errno.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/blk.h"
#include "probes/cow.h"
#include "probes/lvm2.h"
#include "probes/md.h"
#include "probes/probe.h"
#include "probes/zfs.h"

/* Formats register here (each file defines its const descriptor). */
const struct rr_probe *const rr_probes[] = {
	&rr_probe_md,
	&rr_probe_lvm2,
	&rr_probe_cow,
	&rr_probe_zfs,
	&rr_probe_blkid,
	NULL
};

void rr_member_free_shell(struct rr_member *m);

void rr_member_free(struct rr_member *m)
{
	if (!m)
		return;
	for (size_t i = 0; rr_probes[i]; i++)
		if (rr_probes[i]->release)
			rr_probes[i]->release(m);
	rr_member_free_shell(m);
}

void rr_probe_all(struct rr_dev *dev, struct rr_member *m)
{
	m->size_bytes = rr_dev_size(dev);
	if (m->size_bytes == 0) {
		rr_member_error(m, "%s", _("the device is empty (0 bytes)"));
		return;
	}
	for (size_t i = 0; rr_probes[i]; i++)
		(void)rr_probes[i]->probe(dev, m);
}

struct rr_member *rr_examine_path(const char *path)
{
	struct rr_member *m = rr_member_new(path);
	struct rr_dev *dev;
	int r;

	r = rr_dev_open(path, &dev);
	if (r < 0) {
		m->open_errno = -r;
		rr_member_error(m, _("cannot open: %s"), strerror(-r));
		return m;
	}
	rr_probe_all(dev, m);
	m->bytes_read = rr_dev_bytes_read(dev);
	rr_dev_close(dev);
	return m;
}
