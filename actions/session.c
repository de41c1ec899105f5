#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "actions/session.h"
#include "core/journal.h"
#include "core/msg.h"

char *rr_session_default_dir(void)
{
	char buf[64];
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "raidrescue-%Y%m%d-%H%M%S", &tm);
	return rr_xstrdup(buf);
}

char *rr_session_file(const struct rr_session *s, const char *name)
{
	return rr_xasprintf("%s/%s", s->dir, name);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

static const char *backend_word(enum rr_backend b)
{
	return b == RR_BACKEND_KERNEL ? "kernel" : b == RR_BACKEND_USERSPACE ? "userspace" : NULL;
}

/* session.json: the id and, once decided, the backend; replaced
 * atomically. */
static int write_session_json(struct rr_session *s)
{
	char *path = rr_session_file(s, "session.json"), *tmp = rr_xasprintf("%s.tmp", path);
	json_object *o = json_object_new_object();
	int fd, r = 0;

	json_object_object_add(o, "id", json_object_new_string(s->id));
	json_object_object_add(o, "format", json_object_new_int(1));
	if (backend_word(s->backend))
		json_object_object_add(o, "backend", json_object_new_string(backend_word(s->backend)));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	{
		const char *txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
		size_t len = strlen(txt);

		if (write(fd, txt, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) < 0)
			r = -EIO;
	}
	close(fd);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r == 0)
		r = fsync_dir(s->dir);
out:
	json_object_put(o);
	free(tmp);
	free(path);
	return r;
}

int rr_session_record_backend(struct rr_session *s, enum rr_backend b)
{
	if (s->backend == b)
		return 0;
	if (s->backend != RR_BACKEND_NONE)
		return -EEXIST;
	s->backend = b;
	return write_session_json(s);
}

/* session.json carries the id; written once, atomically. */
static int load_or_make_id(struct rr_session *s)
{
	char *path = rr_session_file(s, "session.json");
	json_object *o = json_object_from_file(path), *x;
	uint8_t rnd[4];
	int r = 0;

	if (o && json_object_object_get_ex(o, "id", &x) &&
	    strlen(json_object_get_string(x)) == 8) {
		snprintf(s->id, sizeof(s->id), "%s", json_object_get_string(x));
		if (json_object_object_get_ex(o, "backend", &x)) {
			const char *b = json_object_get_string(x);

			s->backend = !strcmp(b, "userspace") ? RR_BACKEND_USERSPACE
				   : !strcmp(b, "kernel") ? RR_BACKEND_KERNEL : RR_BACKEND_NONE;
		}
		goto out;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		r = -EIO;
		goto out;
	}
	snprintf(s->id, sizeof(s->id), "%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
	json_object_put(o);
	o = NULL;
	r = write_session_json(s);
out:
	json_object_put(o);
	free(path);
	return r;
}

int rr_session_open(const char *dir, int create, struct rr_session **out)
{
	struct rr_session *s;
	struct rr_journal_view v;
	char real[PATH_MAX], *p;
	int r;

	*out = NULL;
	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (!realpath(dir, real))
		return -errno;
	s = rr_xcalloc(1, sizeof(*s));
	s->dir = rr_xstrdup(real);
	s->journal_fd = -1;
	s->live_fd = -1;
	p = rr_session_file(s, ".lock");
	s->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(p);
	if (s->lock_fd < 0) {
		r = -errno;
		goto fail;
	}
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		goto fail;
	}
	p = rr_session_file(s, "session.json");
	if (!create && access(p, F_OK) < 0) {
		free(p);
		r = -ENOENT;
		goto fail;
	}
	free(p);
	r = load_or_make_id(s);
	if (r < 0)
		goto fail;
	/* Announce the session as live by its id too: its dm devices carry
	 * only the id, and cleanup must leave a running session's devices
	 * alone.  Best effort: no /run/raidrescue, no announcement. */
	mkdir("/run/raidrescue", 0700);
	{
		char lp[96];

		snprintf(lp, sizeof(lp), "/run/raidrescue/session-%s.lock", s->id);
		s->live_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (s->live_fd >= 0 && flock(s->live_fd, LOCK_SH | LOCK_NB) < 0) {
			close(s->live_fd);
			s->live_fd = -1;
		}
	}
	p = rr_session_file(s, "journal.jsonl");
	s->journal_fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (s->journal_fd < 0) {
		r = -errno;
		free(p);
		goto fail;
	}
	/* Continue the numbering of an existing journal. */
	s->next_seq = 1;
	if (rr_journal_read(p, &v) == 0) {
		for (size_t i = 0; i < v.nsteps; i++)
			if (v.steps[i].seq >= s->next_seq)
				s->next_seq = v.steps[i].seq + 1;
		rr_journal_view_free(&v);
	}
	free(p);
	p = rr_session_file(s, "session.log");
	s->log = fopen(p, "ae");
	free(p);
	*out = s;
	return 0;
fail:
	rr_session_close(s);
	return r;
}

void rr_session_close(struct rr_session *s)
{
	if (!s)
		return;
	if (s->log)
		fclose(s->log);
	if (s->journal_fd >= 0)
		close(s->journal_fd);
	if (s->lock_fd >= 0)
		close(s->lock_fd);	/* releases the flock */
	if (s->live_fd >= 0)
		close(s->live_fd);
	free(s->dir);
	free(s);
}

static void now_iso(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char sec[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%.20s.%03dZ", sec, (int)(ts.tv_nsec / 1000000) % 1000);
}

void rr_session_log(struct rr_session *s, const char *fmt, ...)
{
	char t[40];
	va_list ap;

	if (!s->log)
		return;
	now_iso(t, sizeof(t));
	fprintf(s->log, "%s ", t);
	va_start(ap, fmt);
	vfprintf(s->log, fmt, ap);
	va_end(ap);
	fputc('\n', s->log);
	fflush(s->log);
}

static int append(struct rr_session *s, json_object *rec)
{
	const char *txt = json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *line = rr_xasprintf("%s\n", txt);
	size_t len = strlen(line);
	ssize_t n = write(s->journal_fd, line, len);
	int r = 0;

	free(line);
	if (n != (ssize_t)len)
		r = n < 0 ? -errno : -EIO;
	/* The record must be on disk before the step touches the system. */
	else if (fdatasync(s->journal_fd) < 0)
		r = -errno;
	json_object_put(rec);
	return r;
}

static json_object *record(uint64_t seq, const char *state)
{
	json_object *o = json_object_new_object();
	char t[40];

	now_iso(t, sizeof(t));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)seq));
	json_object_object_add(o, "time", json_object_new_string(t));
	json_object_object_add(o, "state", json_object_new_string(state));
	return o;
}

int rr_journal_intent(struct rr_session *s, const char *action, json_object *args,
		      json_object *planned, uint64_t *seq)
{
	json_object *o = record(s->next_seq, "intent");
	int r;

	json_object_object_add(o, "action", json_object_new_string(action));
	json_object_object_add(o, "args", args ? args : json_object_new_object());
	json_object_object_add(o, "resources", planned ? planned : json_object_new_array());
	r = append(s, o);
	if (r == 0)
		*seq = s->next_seq++;
	return r;
}

int rr_journal_done(struct rr_session *s, uint64_t seq, json_object *resources)
{
	json_object *o = record(seq, "done");

	json_object_object_add(o, "resources", resources ? resources : json_object_new_array());
	return append(s, o);
}

int rr_journal_progress(struct rr_session *s, uint64_t seq, json_object *planned)
{
	json_object *o = record(seq, "intent");

	json_object_object_add(o, "resources", planned);
	return append(s, o);
}

int rr_journal_done_args(struct rr_session *s, uint64_t seq, json_object *resources, json_object *more)
{
	json_object *o = record(seq, "done");

	json_object_object_add(o, "resources", resources ? resources : json_object_new_array());
	if (more)
		json_object_object_add(o, "args", more);
	return append(s, o);
}

int rr_journal_failed(struct rr_session *s, uint64_t seq, const char *error, json_object *resources)
{
	json_object *o = record(seq, "failed");

	json_object_object_add(o, "error", json_object_new_string(error ? error : ""));
	/* What is still left after the step cleaned up after itself
	 * (normally nothing). */
	json_object_object_add(o, "resources", resources ? resources : json_object_new_array());
	return append(s, o);
}

int rr_journal_undone(struct rr_session *s, uint64_t seq)
{
	return append(s, record(seq, "undone"));
}

static json_object *res(const char *type)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(type));
	return o;
}

static void add_str(json_object *o, const char *k, const char *v)
{
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

json_object *rr_res_loop(const char *dev, const char *backing, int read_only)
{
	json_object *o = res("loop");

	add_str(o, "device", dev);
	add_str(o, "backing", backing);
	json_object_object_add(o, "read_only", json_object_new_boolean(read_only));
	return o;
}

json_object *rr_res_dm(const char *name, const char *uuid)
{
	json_object *o = res("dm");

	add_str(o, "name", name);
	add_str(o, "uuid", uuid);
	return o;
}

json_object *rr_res_md(const char *dev, const char *uuid)
{
	json_object *o = res("md");

	add_str(o, "device", dev);
	add_str(o, "uuid", uuid);
	return o;
}

json_object *rr_res_file(const char *path)
{
	json_object *o = res("file");

	add_str(o, "path", path);
	return o;
}

json_object *rr_res_mount(const char *path)
{
	json_object *o = res("mount");

	add_str(o, "path", path);
	return o;
}

json_object *rr_res_fuse(const char *path, long pid)
{
	json_object *o = res("fuse");

	add_str(o, "path", path);
	if (pid > 0)
		json_object_object_add(o, "pid", json_object_new_int64(pid));
	return o;
}

void rr_json_add_linef(json_object *a, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (line)
		json_object_array_add(a, json_object_new_string(line));
	free(line);
}

int rr_session_journal(const struct rr_session *s, struct rr_journal_view *v)
{
	char *p = rr_session_file(s, "journal.jsonl");
	int r = rr_journal_read(p, v);

	free(p);
	return r;
}

int rr_session_count_steps(const struct rr_session *s, const char *action)
{
	struct rr_journal_view v;
	int n = 0;

	if (rr_session_journal(s, &v) < 0)
		return 0;
	for (size_t i = 0; i < v.nsteps; i++)
		if (!strcmp(v.steps[i].action, action))
			n++;
	rr_journal_view_free(&v);
	return n;
}

/* A lock file is "in use" when someone holds a flock on it: taking an
 * exclusive one without waiting fails then. */
static int lock_held(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), held = 0;

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		held = errno == EWOULDBLOCK;
	close(fd);
	return held;
}

int rr_session_in_use(const char *id, const char *dir)
{
	char p[4200];

	if (id) {
		snprintf(p, sizeof(p), "/run/raidrescue/session-%s.lock", id);
		if (lock_held(p))
			return 1;
	}
	if (dir) {
		snprintf(p, sizeof(p), "%s/.lock", dir);
		if (lock_held(p))
			return 1;
	}
	return 0;
}
