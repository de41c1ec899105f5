/* libdevmapper, wrapped in short functions that return 0 or -errno.
 * Every device this program creates carries a DM UUID starting with
 * RR_DM_UUID_PREFIX, so cleanup can find it without a journal, and the
 * udev flags that keep udev rules, md auto-assembly and LVM
 * auto-activation away from it.  Works with udev running and without
 * (then libdevmapper makes the /dev/mapper nodes itself). */
#ifndef RR_DM_H
#define RR_DM_H

#include <stddef.h>
#include <stdint.h>

#define RR_DM_UUID_PREFIX "RAIDRESCUE-"
#define RR_DM_NAME_MAX 127

struct rr_dm_target {
	uint64_t start;		/* sectors */
	uint64_t len;		/* sectors */
	const char *type;	/* "snapshot", "linear", "raid", ... */
	const char *params;
};

struct rr_dm_info {
	int exists;
	int suspended;
	int read_only;
	int open_count;
	unsigned major, minor;
	char uuid[129];
};

/* Decide once how device nodes are made (udev or libdevmapper itself). */
void rr_dm_init(void);
/* 1 when udev is running on this machine. */
int rr_dm_udev_running(void);

int rr_dm_create(const char *name, const char *uuid, const struct rr_dm_target *t,
		 size_t ntargets, int read_only);
/* Remove; retries while the device is briefly busy (udev probes). */
int rr_dm_remove(const char *name);
/* -ENXIO when there is no such device. */
int rr_dm_get_info(const char *name, struct rr_dm_info *info);
/* Status / table line of the first target ("<type> <params>"). */
int rr_dm_status(const char *name, char *buf, size_t n);
int rr_dm_table(const char *name, char *buf, size_t n);
int rr_dm_suspend(const char *name);
int rr_dm_resume(const char *name);
/* Replace the table of an existing device (suspend, load, resume). */
int rr_dm_reload(const char *name, const struct rr_dm_target *t, size_t ntargets);

typedef int (*rr_dm_list_fn)(void *ctx, const char *name, const char *uuid);
/* Calls fn for every dm device of the machine (name, DM UUID or "").
 * Stops early when fn returns non-zero and returns that value. */
int rr_dm_list(rr_dm_list_fn fn, void *ctx);

/* /dev/mapper/NAME into buf. */
const char *rr_dm_path(const char *name, char *buf, size_t n);
/* The last message libdevmapper logged (for error reports). */
const char *rr_dm_last_error(void);



/* Size of a dm device in sectors (end of its last target). */
int rr_dm_sectors(const char *name, uint64_t *sectors);
/* Load the same table again without the read-only flag (for a repairing
 * check on the snapshots). */
int rr_dm_set_writable(const char *name);

/* 0 when device-mapper can be used here (root, the dm driver present);
 * else -errno and a sentence in why. */
int rr_dm_available(char *why, size_t n);
#endif
