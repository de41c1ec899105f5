/* The two backends behind the same actions:
 *  - kernel: device-mapper snapshots over the members, dm-raid or mdadm for
 *    the array, dm linear/striped devices for partitions and LVs;
 *  - userspace: the same persistent COW stores written by this program
 *    (actions/cow_store.h, actions/usnap.h), the array rebuilt by
 *    core/layout (actions/uarray.h), everything exported as files over FUSE
 *    (actions/fuse_serve.h) -- for containers, non-root users and kernels
 *    without device-mapper.
 * A session is made with one backend and keeps it (session.json).  The
 * public actions (rr_overlay_member, rr_overlay_list, rr_overlay_fill,
 * rr_assemble) choose the implementation here, in one place; resources,
 * undo, replay and cleanup are shared. */
#ifndef RR_BACKEND_H
#define RR_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "actions/assemble.h"
#include "actions/overlay.h"
#include "actions/session.h"
#include "core/layout.h"

/* "kernel", "userspace" (journal and JSON words; not translated). */
const char *rr_backend_name(enum rr_backend b);
/* For people: "kernel (device-mapper)", "userspace (FUSE)" (translated). */
const char *rr_backend_describe(enum rr_backend b);
/* "kernel", "userspace" or "auto" (RR_BACKEND_NONE).  0 or -EINVAL. */
int rr_backend_parse(const char *word, enum rr_backend *b);
/* 0 when b can run on this machine, else -errno and a sentence in why. */
int rr_backend_usable(enum rr_backend b, char *why, size_t n);
/* kernel when device-mapper is usable, else userspace; why gets the
 * reason device-mapper is not (or ""). */
enum rr_backend rr_backend_auto(char *why, size_t n);
/* The session's backend: the recorded one, else want (RR_BACKEND_NONE:
 * automatic), recorded now; refuses a forced one that differs from the
 * recorded one, or one that cannot run here.  0 or -errno with msg. */
int rr_backend_choose(struct rr_session *s, enum rr_backend want, char *msg, size_t n);

/* The implementations (kernel: actions/overlay.c and assemble.c;
 * userspace: actions/user_backend.c).  Callers use the public names. */
int rr_kernel_overlay_member(struct rr_session *s, const char *member, const struct rr_overlay_opts *o,
			     struct rr_overlay *out, char *msg, size_t n);
/* The index of the next overlay of the session (both backends). */
int rr_overlay_next_index(struct rr_session *s);
/* Names, paths and size of an overlay listed from its journal step. */
void rr_kernel_overlay_complete(struct rr_session *s, json_object *args, struct rr_overlay *ov);
int rr_kernel_overlay_fill(const struct rr_overlay *ov, uint64_t *used, uint64_t *total);
int rr_kernel_assemble(struct rr_session *s, const struct rr_overlay *ovs, size_t nov,
		       const struct rr_candidate *cand, enum rr_via via, struct rr_assembly *out,
		       char *msg, size_t n);

int rr_user_overlay_member(struct rr_session *s, const char *member, const struct rr_overlay_opts *o,
			   struct rr_overlay *out, char *msg, size_t n);
void rr_user_overlay_complete(struct rr_session *s, json_object *args, struct rr_overlay *ov);
int rr_user_overlay_fill(const struct rr_overlay *ov, uint64_t *used, uint64_t *total);
int rr_user_assemble(struct rr_session *s, const struct rr_overlay *ovs, size_t nov,
		     const struct rr_candidate *cand, struct rr_assembly *out, char *msg, size_t n);

/* Used size per member for a candidate (both backends): the candidate's,
 * or the largest every present member gives, in whole chunks.  Checks the
 * members are there.  0 or -errno with msg. */
int rr_assembly_member_sectors(const struct rr_overlay *ovs, const struct rr_candidate *c, uint64_t *out,
			       char *msg, size_t n);
/* Both backends: the slots name overlays, the members are there, and the
 * kernel would run the geometry; g gets it (dev_sectors: used per member).
 * 0 or -EINVAL with msg. */
/* The journal arguments of an assembly step (both backends): route,
 * geometry, and each slot's member and data offset. */
json_object *rr_assembly_args(const struct rr_overlay *ovs, const struct rr_candidate *c, const char *via,
			      uint64_t devsz);
int rr_assembly_geometry(const struct rr_overlay *ovs, size_t nov, const struct rr_candidate *c, struct rr_geom *g,
			 char *msg, size_t n);

/* Userspace layers: a partition or LV as a file of the FUSE export that
 * holds array (the export's "array" file), from dm-style targets whose
 * device parameters name files of the same export.  *path gets the new
 * file.  0 or -errno. */
struct rr_dm_target;
int rr_user_volume_create(const char *array, const char *name, const struct rr_dm_target *t, size_t nt,
			  char *path, size_t pn);
/* Allow (or refuse) writes through the export that holds this file. */
int rr_user_set_writable(const char *file, int writable);
/* 0 when a loop device may be attached here (for a read-only mount of an
 * exported file): root, /dev/loop-control, and RAIDRESCUE_NO_LOOP unset
 * (the build machines set it: they must never attach loop devices). */
int rr_user_loop_allowed(char *why, size_t n);

#endif
