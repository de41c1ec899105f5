/* The md arrays of this machine, as the kernel reports them: a parser for
 * the text of /proc/mdstat (pure, so it can be tested on saved copies) and
 * a reader of /sys/block/mdN/md for the few values mdstat leaves out.
 * Read-only: nothing here changes the system. */
#ifndef RR_MDSTAT_H
#define RR_MDSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RR_MDSTAT_MAX_ARRAYS 256
#define RR_MDSTAT_MAX_MEMBERS 384

struct rr_mdstat_member {
	char name[64];		/* "sda1", "loop0" */
	int role;		/* the number in brackets (descriptor slot) */
	bool faulty;		/* (F) */
	bool spare;		/* (S) */
	bool write_mostly;	/* (W) */
	bool replacement;	/* (R) */
	bool journal;		/* (J) */
};

struct rr_mdstat_array {
	char name[32];		/* "md9" */
	bool active;		/* "active", else "inactive" */
	bool read_only;		/* (read-only) or (auto-read-only) */
	char level[16];		/* "raid5", "" when inactive */
	struct rr_mdstat_member *members;
	size_t nmembers;
	uint64_t blocks;	/* 1 KiB blocks */
	char super[16];		/* "1.2", "" for 0.90 (mdstat omits it) */
	unsigned raid_disks;	/* [n/m]: n */
	unsigned working;	/* m; 0 when not shown */
	char status[RR_MDSTAT_MAX_MEMBERS + 1]; /* "UU_U", "" when not shown */
	char sync_action[16];	/* "recovery", "resync", "reshape", "check", ... or "" */
	int sync_permille;	/* progress of sync_action, 0..1000, -1 none */
};

struct rr_mdstat {
	char personalities[256];	/* "[raid6] [raid5] [raid4]" */
	struct rr_mdstat_array *arrays;
	size_t narrays;
};

/* Parse the text of /proc/mdstat.  0, or -EINVAL when it is not mdstat
 * text at all.  Unknown lines are ignored (kernels add details). */
int rr_mdstat_parse(const char *text, struct rr_mdstat *out);
void rr_mdstat_free(struct rr_mdstat *st);
/* Read and parse /proc/mdstat (path, for tests).  -errno when unreadable. */
int rr_mdstat_read(const char *path, struct rr_mdstat *out);
/* True when the array runs with fewer working members than raid_disks. */
bool rr_mdstat_degraded(const struct rr_mdstat_array *a);

/* What /sys/block/NAME/md says; strings are "" when the file is absent. */
struct rr_md_sysfs {
	char level[16];
	char array_state[32];	/* "clean", "active", "inactive", "read-auto" ... */
	char sync_action[16];	/* "idle", "recover", ... */
	char metadata_version[32];
	unsigned raid_disks;
	int degraded;		/* -1 when unknown */
	uint64_t mismatch_cnt;
};

/* sysfs_root: "/sys" (or a copy for tests).  0 or -errno (-ENOENT: no
 * such md device). */
int rr_md_sysfs_read(const char *sysfs_root, const char *name, struct rr_md_sysfs *out);

#endif
