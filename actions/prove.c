#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "actions/backend.h"
#include "actions/layers.h"
#include "actions/prove.h"
#include "actions/run.h"
#include "actions/teardown.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "probes/fstype.h"

/* Read-only and no journal replay: replay would write, and the stack
 * under the mount is read-only anyway; a refused replay must not look
 * like "no data". */
static const struct {
	const char *type;
	const char *opts;
} mount_opts[] = {
	{ "ext2", "ro,nodev,nosuid,noexec" },
	{ "ext3", "ro,noload,nodev,nosuid,noexec" },
	{ "ext4", "ro,noload,nodev,nosuid,noexec" },
	{ "xfs", "ro,norecovery,nodev,nosuid,noexec" },
	{ "btrfs", "ro,nologreplay,nodev,nosuid,noexec" },
	{ "vfat", "ro,nodev,nosuid,noexec" },
};

static const char *opts_of(const char *type)
{
	for (size_t i = 0; i < sizeof(mount_opts) / sizeof(mount_opts[0]); i++)
		if (!strcmp(mount_opts[i].type, type))
			return mount_opts[i].opts;
	return NULL;
}

static int is_ext(const char *type)
{
	return !strcmp(type, "ext2") || !strcmp(type, "ext3") || !strcmp(type, "ext4");
}

static void fmt_when(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M", &tm))
		buf[0] = '\0';
}

static int cmp_entry(const void *a, const void *b)
{
	const struct rr_proof_entry *x = a, *y = b;

	/* directories first, as an operator scans a listing */
	if ((x->kind == 'd') != (y->kind == 'd'))
		return x->kind == 'd' ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void add_entry(struct rr_proof_vol *v, const struct rr_proof_entry *e)
{
	if (v->nentries >= RR_PROOF_MAX_ENTRIES) {
		v->more++;
		free(e->name);
		return;
	}
	v->entries = rr_xrealloc(v->entries, (v->nentries + 1) * sizeof(*v->entries));
	v->entries[v->nentries++] = *e;
}

/* Through a mount ---------------------------------------------------------- */

static long count_dir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;
	long n = 0;

	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)) && n < RR_PROOF_MAX_COUNT)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void list_mounted(const char *mp, struct rr_proof_vol *v)
{
	struct statvfs sv;
	struct dirent *e;
	DIR *d = opendir(mp);

	if (statvfs(mp, &sv) == 0) {
		v->bytes = (uint64_t)sv.f_blocks * sv.f_frsize;
		v->used = (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
	}
	if (!d) {
		snprintf(v->note, sizeof(v->note), _("mounted, but the top level cannot be read: %s"), strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		struct rr_proof_entry pe = { .children = -1 };
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		pe.name = rr_xstrdup(e->d_name);
		pe.kind = 'o';
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			pe.kind = S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : S_ISLNK(st.st_mode) ? 'l' : 'o';
			pe.size = (uint64_t)st.st_size;
			fmt_when(st.st_mtime, pe.when, sizeof(pe.when));
			if (pe.kind == 'd' && v->nentries < RR_PROOF_MAX_ENTRIES)
				pe.children = count_dir(dirfd(d), e->d_name);
		}
		add_entry(v, &pe);
	}
	closedir(d);
}

static int prove_by_mount(struct rr_session *s, uint64_t seq, const char *dev, const char *opts, unsigned idx,
			  struct rr_proof_vol *v)
{
	char *mp = rr_xasprintf("%s/proof-%02u", s->dir, idx);
	char *mopts = rr_xasprintf("%s%s", opts, s->backend == RR_BACKEND_USERSPACE ? ",loop" : "");
	char *argv[] = { "mount", "-o", mopts, "-t", v->type, (char *)dev, mp, NULL };
	char *umnt[] = { "umount", mp, NULL };
	json_object *planned;
	struct rr_run_result rr;
	char *out = NULL;
	int r;

	if (mkdir(mp, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(v->note, sizeof(v->note), _("cannot make the mount point %s: %s"), mp, strerror(errno));
		goto out;
	}
	/* journaled before the mount: a crash leaves it findable for undo */
	planned = json_object_new_array();
	json_object_array_add(planned, rr_res_mount(mp));
	r = rr_journal_progress(s, seq, planned);
	if (r < 0) {
		snprintf(v->note, sizeof(v->note), _("cannot write the journal: %s"), strerror(-r));
		goto out;
	}
	rr_failpoint("prove.mount");
	r = rr_run_capture(argv, 120, &rr, &out);
	if (r < 0 || rr.exec_errno || rr.timed_out || rr.signaled || rr.exit_status) {
		char *nl;

		if (out && (nl = strchr(out, '\n')))
			*nl = '\0';
		snprintf(v->note, sizeof(v->note), _("does not mount read-only: %s"),
			 out && out[0] ? out : r < 0 ? strerror(-r) : _("mount failed"));
		r = -EIO;
		goto out;
	}
	v->method = "mount";
	rr_failpoint("prove.mounted");
	list_mounted(mp, v);
	r = rr_run(umnt, NULL, 120, &rr);
	if (r < 0 || rr.exit_status) {
		/* undo finds it through the journal */
		snprintf(v->note, sizeof(v->note), _("listed, but %s could not be unmounted"), mp);
		r = -EBUSY;
		goto out_keep;
	}
	r = 0;
out:
	rmdir(mp);
out_keep:
	free(out);
	free(mopts);
	free(mp);
	return r;
}

/* Through debugfs (ext2/3/4, no mount) -------------------------------------- */

/* "  12   40755 (2)   0   0   1024 22-Nov-2026 06:30 name" */
static int parse_debugfs_line(const char *line, struct rr_proof_entry *e)
{
	unsigned long ino, uid, gid;
	unsigned long long size;
	unsigned mode, ft;
	int day, year, hh, mm, off = 0;
	char mon[4];
	static const char *const months = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p;
	struct tm tm;

	if (sscanf(line, " %lu %o (%u) %lu %lu %llu %d-%3[A-Za-z]-%d %d:%d %n", &ino, &mode, &ft, &uid, &gid, &size,
		   &day, mon, &year, &hh, &mm, &off) < 11 || !off || !line[off])
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->children = -1;
	switch (mode & 0170000) {
	case 0040000: e->kind = 'd'; break;
	case 0100000: e->kind = 'f'; break;
	case 0120000: e->kind = 'l'; break;
	default: e->kind = 'o'; break;
	}
	e->size = size;
	p = strstr(months, mon);
	if (p && strlen(mon) == 3 && (p - months) % 3 == 0 && day >= 1 && day <= 31 && hh >= 0 && hh < 24 &&
	    mm >= 0 && mm < 60) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = year - 1900;
		tm.tm_mon = (int)((p - months) / 3);
		tm.tm_mday = day;
		tm.tm_hour = hh;
		tm.tm_min = mm;
		strftime(e->when, sizeof(e->when), "%Y-%m-%d %H:%M", &tm);
	}
	e->name = rr_xstrdup(line + off);
	return 0;
}

static const char *next_line(const char *p, char *buf, size_t n)
{
	size_t len = strcspn(p, "\n");

	if (!*p)
		return NULL;
	snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), p);
	return p[len] ? p + len + 1 : p + len;
}

size_t rr_proof_parse_debugfs(const char *text, struct rr_proof_entry **out, size_t max, size_t *more)
{
	char line[4096];
	size_t n = 0, listings = 0;
	const char *p = text;

	*out = NULL;
	*more = 0;
	while ((p = next_line(p, line, sizeof(line)))) {
		struct rr_proof_entry e;

		if (!strncmp(line, "debugfs: ", 9) && listings++)
			break;
		if (parse_debugfs_line(line, &e) < 0)
			continue;
		if (!strcmp(e.name, ".") || !strcmp(e.name, "..") || n >= max) {
			if (n >= max && strcmp(e.name, ".") && strcmp(e.name, ".."))
				(*more)++;
			free(e.name);
			continue;
		}
		*out = rr_xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = e;
	}
	return n;
}

size_t rr_proof_count_debugfs(const char *text, long *counts, size_t n)
{
	char line[4096];
	const char *p = text;
	size_t k = 0;
	int in = 0;

	while ((p = next_line(p, line, sizeof(line)))) {
		struct rr_proof_entry e;

		if (!strncmp(line, "debugfs: ", 9)) {
			if (k >= n)
				break;
			counts[k++] = 0;
			in = 1;
			continue;
		}
		if (!in || parse_debugfs_line(line, &e) < 0)
			continue;
		if (strcmp(e.name, ".") && strcmp(e.name, ".."))
			counts[k - 1]++;
		free(e.name);
	}
	return k;
}

static int prove_by_debugfs(struct rr_session *s, const char *dev, unsigned idx, struct rr_proof_vol *v)
{
	char *argv[] = { "env", "TZ=GMT0", "debugfs", "-c", "-R", "ls -l /", (char *)dev, NULL };
	char *cmdfile = NULL, *out = NULL;
	struct rr_run_result rr;
	struct rr_proof_entry *e;
	size_t n, ndirs = 0;
	FILE *f;
	int r;

	r = rr_run_capture(argv, 120, &rr, &out);
	if (r < 0 || rr.exec_errno || rr.timed_out || rr.signaled || rr.exit_status) {
		snprintf(v->note, sizeof(v->note), _("debugfs cannot list it (%s)"),
			 r < 0 ? strerror(-r) : rr.exec_errno ? strerror(rr.exec_errno) : _("it failed"));
		free(out);
		return -EIO;
	}
	n = rr_proof_parse_debugfs(out, &e, RR_PROOF_MAX_ENTRIES, &v->more);
	free(out);
	out = NULL;
	if (!n) {
		snprintf(v->note, sizeof(v->note), "%s", _("debugfs lists nothing at the top level"));
		return -ENOENT;
	}
	v->method = "debugfs";
	v->entries = e;
	v->nentries = n;
	/* One more run counts what each directory holds. */
	cmdfile = rr_xasprintf("%s/proof-%02u.cmds", s->dir, idx);
	f = fopen(cmdfile, "we");
	for (size_t i = 0; f && i < n; i++)
		if (e[i].kind == 'd' && !strpbrk(e[i].name, "\"\n\\")) {
			fprintf(f, "ls -l \"/%s\"\n", e[i].name);
			ndirs++;
		}
	if (f && fclose(f) == 0 && ndirs) {
		char *argv2[] = { "env", "TZ=GMT0", "debugfs", "-c", "-f", cmdfile, (char *)dev, NULL };
		long *counts = rr_xcalloc(ndirs, sizeof(long));

		if (rr_run_capture(argv2, 120, &rr, &out) == 0 && !rr.exit_status &&
		    rr_proof_count_debugfs(out, counts, ndirs) == ndirs) {
			size_t k = 0;

			for (size_t i = 0; i < n; i++)
				if (e[i].kind == 'd' && !strpbrk(e[i].name, "\"\n\\"))
					e[i].children = counts[k++];
		}
		free(counts);
		free(out);
	}
	unlink(cmdfile);
	free(cmdfile);
	return 0;
}

/* One volume ------------------------------------------------------------------ */

int rr_prove_volume(struct rr_session *s, uint64_t seq, const char *dev, const char *type, unsigned idx,
		    struct rr_proof_vol *v)
{
	const char *opts = opts_of(type);
	char why[sizeof(v->note)] = "";
	int r;

	snprintf(v->device, sizeof(v->device), "%s", dev);
	snprintf(v->type, sizeof(v->type), "%s", type);
	if (!opts) {
		snprintf(v->note, sizeof(v->note), type[0] ? _("%s: not listed (no read-only mount for it here)")
			 : _("no filesystem"), type);
		return -ENOTSUP;
	}
	if (s->backend != RR_BACKEND_USERSPACE || rr_user_loop_allowed(why, sizeof(why)) == 0) {
		r = prove_by_mount(s, seq, dev, opts, idx, v);
		/* ext: a failed mount may still be listed by debugfs */
		if (r == 0 || r == -EBUSY || !is_ext(type))
			goto done;
		snprintf(why, sizeof(why), "%s", v->note);
	} else if (!is_ext(type)) {
		snprintf(v->note, sizeof(v->note), _("not mounted: %s"), why);
		return -EPERM;
	}
	v->note[0] = '\0';
	r = prove_by_debugfs(s, dev, idx, v);
	if (r == 0 && why[0])
		snprintf(v->note, sizeof(v->note), _("not mounted: %s"), why);
done:
	if (v->nentries)
		qsort(v->entries, v->nentries, sizeof(*v->entries), cmp_entry);
	return r;
}

/* A whole candidate -------------------------------------------------------------- */

int rr_prove_candidate(struct rr_session *s, const struct rr_overlay *ovs, size_t nov,
		       const struct rr_candidate *c, enum rr_via via, struct rr_proof *p)
{
	struct rr_assembly a;
	struct rr_layers l;
	json_object *args;
	uint64_t seq = 0;
	char msg[1024];
	int r, rt, stuck = 0;

	memset(p, 0, sizeof(*p));
	r = rr_assemble(s, ovs, nov, c, via, &a, p->error, sizeof(p->error));
	if (r < 0)
		return 0;
	p->assembled = 1;
	p->via = a.via;
	r = rr_layers_map(s, a.dev, a.seq, &l, msg, sizeof(msg));
	if (r < 0) {
		snprintf(p->error, sizeof(p->error), "%s", msg);
		goto teardown;
	}
	args = json_object_new_object();
	json_object_object_add(args, "volumes", rr_layers_volumes_json(&l));
	r = rr_journal_intent(s, "prove", args, NULL, &seq);
	if (r == 0) {
		json_object *more = json_object_new_object();

		p->vols = rr_xcalloc(l.nvols, sizeof(*p->vols));
		for (size_t i = 0; i < l.nvols; i++) {
			struct rr_proof_vol *v = &p->vols[p->nvols++];
			struct rr_fsid id;

			snprintf(v->what, sizeof(v->what), "%s", l.vols[i].what);
			if (rr_fs_identify(l.vols[i].dev, &id) < 0) {
				snprintf(v->device, sizeof(v->device), "%s", l.vols[i].dev);
				snprintf(v->note, sizeof(v->note), "%s", _("cannot read it"));
				continue;
			}
			snprintf(v->label, sizeof(v->label), "%s", id.label);
			/* what is not a filesystem (an LVM PV, a partition
			 * table) is listed through the layers above it */
			if (strcmp(id.usage, "filesystem")) {
				snprintf(v->device, sizeof(v->device), "%s", l.vols[i].dev);
				snprintf(v->type, sizeof(v->type), "%s", id.type);
				snprintf(v->note, sizeof(v->note), "%s", id.type[0] ?
					 _("not a filesystem; what it holds is listed below") : _("no filesystem signature"));
				continue;
			}
			if (rr_prove_volume(s, seq, l.vols[i].dev, id.type, (unsigned)i, v) == -EBUSY)
				stuck = 1;
			rr_session_log(s, "prove %s (%s): %s, %zu entries%s%s", v->device, v->type,
				       v->method ? v->method : "not listed", v->nentries, v->note[0] ? ": " : "", v->note);
		}
		json_object_object_add(more, "proof", rr_proof_json(p));
		rr_journal_done_args(s, seq, NULL, more);
	} else {
		snprintf(p->error, sizeof(p->error), _("cannot write the journal: %s"), strerror(-r));
	}
	/* A mount that would not go keeps the stack up: undo says why. */
	if (stuck) {
		rr_layers_free(&l);
		return -EBUSY;
	}
	rt = seq ? rr_undo_seq(s, seq, 0) : 0;
	if (rt == 0 && l.seq)
		rt = rr_undo_seq(s, l.seq, 0);
	rr_layers_free(&l);
	if (rt < 0)
		return rt;
teardown:
	rt = rr_undo_seq(s, a.seq, 0);
	return rt < 0 ? rt : 0;
}

/* Results ---------------------------------------------------------------------- */

void rr_proof_vol_free(struct rr_proof_vol *v)
{
	for (size_t k = 0; k < v->nentries; k++)
		free(v->entries[k].name);
	free(v->entries);
	v->entries = NULL;
	v->nentries = 0;
}

void rr_proof_free(struct rr_proof *p)
{
	for (size_t i = 0; i < p->nvols; i++)
		rr_proof_vol_free(&p->vols[i]);
	free(p->vols);
	memset(p, 0, sizeof(*p));
}

json_object *rr_proof_vol_json(const struct rr_proof_vol *v)
{
	json_object *o = json_object_new_object(), *ents = json_object_new_array();
	static const char *const kinds = "dflo";
	static const char *const kind_names[] = { "directory", "file", "symlink", "other" };

	json_object_object_add(o, "device", json_object_new_string(v->device));
	json_object_object_add(o, "what", json_object_new_string(v->what));
	json_object_object_add(o, "type", v->type[0] ? json_object_new_string(v->type) : NULL);
	json_object_object_add(o, "label", v->label[0] ? json_object_new_string(v->label) : NULL);
	json_object_object_add(o, "method", v->method ? json_object_new_string(v->method) : NULL);
	if (v->note[0])
		json_object_object_add(o, "note", json_object_new_string(v->note));
	if (v->bytes) {
		json_object_object_add(o, "bytes", json_object_new_uint64(v->bytes));
		json_object_object_add(o, "used", json_object_new_uint64(v->used));
	}
	for (size_t k = 0; k < v->nentries; k++) {
		const struct rr_proof_entry *e = &v->entries[k];
		json_object *x = json_object_new_object();
		const char *kp = strchr(kinds, e->kind);

		json_object_object_add(x, "name", json_object_new_string(e->name));
		json_object_object_add(x, "kind", json_object_new_string(kind_names[kp ? kp - kinds : 3]));
		json_object_object_add(x, "size", json_object_new_uint64(e->size));
		if (e->when[0])
			json_object_object_add(x, "mtime", json_object_new_string(e->when));
		if (e->children >= 0)
			json_object_object_add(x, "entries", json_object_new_int64(e->children));
		json_object_array_add(ents, x);
	}
	json_object_object_add(o, "top_level", ents);
	if (v->more)
		json_object_object_add(o, "more", json_object_new_uint64(v->more));
	return o;
}

json_object *rr_proof_json(const struct rr_proof *p)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < p->nvols; i++)
		json_object_array_add(arr, rr_proof_vol_json(&p->vols[i]));
	return arr;
}
