/* The built-in demo: the two-ejections incident, made entirely in
 * userspace as sparse image files in a fresh session directory.
 *
 * Five 64 MiB members of an md RAID5 (metadata 1.2, left-symmetric,
 * 64 KiB chunk, data offset 2048 sectors) holding an LVM2 PV with the VG
 * "demovg" and three ext4 volumes (home, srv, log) full of real files,
 * each volume with a SHA256SUMS a user can check after recovering it.
 *
 * What happened to the array, as md leaves it on disk:
 *  1. the member in role 3 was ejected first: its superblock is the last
 *     one md wrote to it (events E1, update time T1, every role active,
 *     array active);
 *  2. more writes (files changed in home and srv) went to the four others
 *     only, so its data is stale too;
 *  3. the member in role 1 was ejected later (events E2 > E1, T2 > T1,
 *     its superblock shows role 3 faulty: "AAA.A");
 *  4. with two members gone RAID5 cannot write any more: no data reached
 *     the disks after that, only md's superblock updates; the array was
 *     stopped, the three fresh members say events E3 > E2, update time T3,
 *     roles 1 and 3 faulty ("A.A.A"), clean.
 * The member files are named disk-a.img .. disk-e.img in an order that
 * is not the role order.  The right answer: roles 0,1,2,4 with role 3
 * missing (every volume fsck-clean, every SHA256SUMS matches); taking the
 * first-ejected member instead of the later one damages home and srv.
 * truth.json in the directory says all of this in machine form.
 *
 * Needs mkfs.ext4 (with -d) and debugfs from e2fsprogs; no root, no
 * kernel md or dm, no LVM tools. */
#ifndef RR_DEMO_H
#define RR_DEMO_H

#include <stddef.h>

#define RR_DEMO_MEMBERS 5

struct rr_demo {
	char *dir;			/* absolute session directory */
	char *truth;			/* dir/truth.json */
	/* The member images in name order (disk-a.img .. disk-e.img),
	 * absolute paths, and the role each one has in the array. */
	char *members[RR_DEMO_MEMBERS];
	int role[RR_DEMO_MEMBERS];
	int first_ejected;		/* index in members[]: ejected first (stale data) */
	int second_ejected;		/* index in members[]: ejected later (needed) */
};

/* Build the demo in dir (NULL: a new ./raidrescue-YYYYmmdd-HHMMSS), which
 * must not exist or be empty; it becomes a session directory.  On
 * success fills *out (free with rr_demo_free).  0, or -errno with one
 * translated sentence in msg.  A failed build removes what it made. */
int rr_demo_build(const char *dir, struct rr_demo *out, char *msg, size_t n);
void rr_demo_free(struct rr_demo *d);

#endif
