/* The FUSE export of a userspace assembly (the userspace backend's
 * "device"): a server process that survives the command that started it,
 * mounted at SESSION/mnt-a<step>/ with fsname and subtype "raidrescue"
 * (type fuse.raidrescue in /proc/self/mountinfo, which is how cleanup
 * finds it without a journal).  It holds one regular file per volume:
 *
 *   array          the assembled md array (core/layout over the members'
 *                  userspace snapshots, missing slots rebuilt)
 *   p1, p2, ...    partitions, \ added by the layers step through the
 *   VG-LV          LVM LVs      / control file, removed by unlink
 *   .control       write-only: one command per write(2):
 *                    "rw" / "ro"   allow / refuse writes (starts "ro")
 *                    "add NAME\n" + one line per segment, as a dm table:
 *                    "START LEN linear FILE OFFSET" or
 *                    "START LEN striped N STRIPE FILE OFFSET ...",
 *                    in sectors, FILE a file of this mount (by path or
 *                    name), as actions/layers.c builds them for dm.
 *
 * Checkers run on the files (e2fsck, xfs_repair -n, btrfs check take
 * files); writes, when allowed, reach only the COW stores. */
#ifndef RR_FUSE_SERVE_H
#define RR_FUSE_SERVE_H

#include <stdint.h>

#define RR_FUSE_FSNAME "raidrescue"
#define RR_FUSE_TYPE "fuse.raidrescue"
#define RR_FUSE_CONTROL ".control"

/* Serve assembly step `step` of the session in dir (read from its
 * journal: geometry, order, and the overlays' members and COW stores) at
 * mountpoint.  ready_fd (>= 0): "ready\n" is written there once the mount
 * is up, or "error: <sentence>\n" when it cannot be, then closed.
 * Returns the process exit status when unmounted (0). */
int rr_fuse_serve(const char *dir, uint64_t step, const char *mountpoint, int ready_fd);

#endif
