/* Backend choice and the per-backend dispatch of the actions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/backend.h"
#include "actions/dm.h"
#include "core/journal.h"
#include "core/i18n.h"
#include "core/msg.h"

const char *rr_backend_name(enum rr_backend b)
{
	switch (b) {
	case RR_BACKEND_KERNEL: return "kernel";
	case RR_BACKEND_USERSPACE: return "userspace";
	default: return "auto";
	}
}

const char *rr_backend_describe(enum rr_backend b)
{
	switch (b) {
	case RR_BACKEND_KERNEL: return _("kernel (device-mapper)");
	case RR_BACKEND_USERSPACE: return _("userspace (COW stores, FUSE export)");
	default: return _("not chosen yet");
	}
}

int rr_backend_parse(const char *word, enum rr_backend *b)
{
	if (!strcmp(word, "kernel"))
		*b = RR_BACKEND_KERNEL;
	else if (!strcmp(word, "userspace"))
		*b = RR_BACKEND_USERSPACE;
	else if (!strcmp(word, "auto"))
		*b = RR_BACKEND_NONE;
	else
		return -EINVAL;
	return 0;
}

static int in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save;
	int found = 0;

	copy = rr_xstrdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *p = rr_xasprintf("%s/%s", dir, prog);

		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

int rr_backend_usable(enum rr_backend b, char *why, size_t n)
{
	why[0] = '\0';
	if (b == RR_BACKEND_KERNEL)
		return rr_dm_available(why, n);
	if (access("/dev/fuse", R_OK | W_OK) < 0) {
		snprintf(why, n, _("the userspace backend needs FUSE: /dev/fuse cannot be opened (%s); "
				   "in a container, pass --device /dev/fuse"), strerror(errno));
		return -ENODEV;
	}
	if (geteuid() != 0 && !in_path("fusermount3")) {
		snprintf(why, n, "%s", _("the userspace backend needs fusermount3 (package fuse3) to mount as a normal user"));
		return -ENOENT;
	}
	return 0;
}

enum rr_backend rr_backend_auto(char *why, size_t n)
{
	return rr_dm_available(why, n) == 0 ? RR_BACKEND_KERNEL : RR_BACKEND_USERSPACE;
}

int rr_backend_choose(struct rr_session *s, enum rr_backend want, char *msg, size_t n)
{
	enum rr_backend b = s->backend;
	char why[256] = "";
	int r;

	msg[0] = '\0';
	if (b != RR_BACKEND_NONE && want != RR_BACKEND_NONE && want != b) {
		snprintf(msg, n, _("this session was made with the %s backend; it cannot switch to %s (start a new session)"),
			 rr_backend_name(b), rr_backend_name(want));
		return -EEXIST;
	}
	if (b == RR_BACKEND_NONE)
		b = want != RR_BACKEND_NONE ? want : rr_backend_auto(why, sizeof(why));
	r = rr_backend_usable(b, msg, n);
	if (r < 0)
		return r;
	r = rr_session_record_backend(s, b);
	if (r < 0) {
		snprintf(msg, n, _("cannot write session.json: %s"), strerror(-r));
		return r;
	}
	return 0;
}

/* --- dispatch --- */

int rr_overlay_member(struct rr_session *s, const char *member, const struct rr_overlay_opts *o,
		      struct rr_overlay *out, char *msg, size_t n)
{
	if (s->backend == RR_BACKEND_USERSPACE)
		return rr_user_overlay_member(s, member, o, out, msg, n);
	return rr_kernel_overlay_member(s, member, o, out, msg, n);
}

int rr_overlay_next_index(struct rr_session *s)
{
	return rr_session_count_steps(s, "overlay");
}

/* The overlays are the done "overlay" steps of the journal; each backend
 * completes what it derives (names, paths, the size now). */
int rr_overlay_list(struct rr_session *s, struct rr_overlay **out, size_t *n)
{
	struct rr_journal_view v;
	int r;

	*out = NULL;
	*n = 0;
	r = rr_session_journal(s, &v);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (size_t i = 0; i < v.nsteps; i++) {
		struct rr_step *st = &v.steps[i];
		struct rr_overlay *ov;
		json_object *x;

		if (strcmp(st->action, "overlay") || st->state != RR_STEP_DONE)
			continue;
		*out = rr_xrealloc(*out, (*n + 1) * sizeof(**out));
		ov = &(*out)[(*n)++];
		memset(ov, 0, sizeof(*ov));
		ov->backend = s->backend == RR_BACKEND_USERSPACE ? RR_BACKEND_USERSPACE : RR_BACKEND_KERNEL;
		if (json_object_object_get_ex(st->args, "member", &x))
			snprintf(ov->member, sizeof(ov->member), "%s", json_object_get_string(x));
		if (json_object_object_get_ex(st->args, "index", &x))
			ov->index = (unsigned)json_object_get_int(x);
		if (ov->backend == RR_BACKEND_USERSPACE)
			rr_user_overlay_complete(s, st->args, ov);
		else
			rr_kernel_overlay_complete(s, st->args, ov);
	}
	rr_journal_view_free(&v);
	return 0;
}

int rr_overlay_fill(const struct rr_overlay *ov, uint64_t *used, uint64_t *total)
{
	if (ov->backend == RR_BACKEND_USERSPACE)
		return rr_user_overlay_fill(ov, used, total);
	return rr_kernel_overlay_fill(ov, used, total);
}

int rr_assemble(struct rr_session *s, const struct rr_overlay *ovs, size_t nov, const struct rr_candidate *c,
		enum rr_via via, struct rr_assembly *out, char *msg, size_t n)
{
	if (s->backend == RR_BACKEND_USERSPACE)
		return rr_user_assemble(s, ovs, nov, c, out, msg, n);
	return rr_kernel_assemble(s, ovs, nov, c, via, out, msg, n);
}
