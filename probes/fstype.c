#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probes/fstype.h"

static void get(blkid_probe pr, const char *name, char *out, size_t n)
{
	const char *v = NULL;

	out[0] = '\0';
	if (blkid_probe_lookup_value(pr, name, &v, NULL) == 0 && v)
		snprintf(out, n, "%s", v);
}

int rr_fs_identify(const char *path, struct rr_fsid *id)
{
	blkid_probe pr;
	int fd, r;

	memset(id, 0, sizeof(*id));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	pr = blkid_new_probe();
	if (!pr) {
		close(fd);
		return -ENOMEM;
	}
	if (blkid_probe_set_device(pr, fd, 0, 0) < 0) {
		r = -EIO;
		goto out;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
					  BLKID_SUBLKS_USAGE);
	/* Ambivalent results (two signatures) are reported as none. */
	r = blkid_do_safeprobe(pr);
	if (r == 0) {
		get(pr, "TYPE", id->type, sizeof(id->type));
		get(pr, "USAGE", id->usage, sizeof(id->usage));
		get(pr, "LABEL", id->label, sizeof(id->label));
		get(pr, "UUID", id->uuid, sizeof(id->uuid));
	}
	r = r < 0 ? -EIO : 0;
out:
	blkid_free_probe(pr);
	close(fd);
	return r;
}
