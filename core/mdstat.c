/* /proc/mdstat text and /sys/block/mdN/md, read only.  The mdstat format
 * is drivers/md/md.c md_seq_show(): one "mdN : ..." line per array, then
 * indented lines with the size/status and, while syncing, a progress line. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mdstat.h"
#include "core/msg.h"

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Copy the next blank-separated word of the line into buf; returns the
 * position after it. */
static const char *word(const char *p, char *buf, size_t n)
{
	size_t k = 0;

	p = skip_ws(p);
	while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
		if (k + 1 < n)
			buf[k++] = *p;
		p++;
	}
	buf[k] = 0;
	return p;
}

/* "sda1[2](F)(W)" */
static int parse_member(const char *w, struct rr_mdstat_member *m)
{
	const char *b = strchr(w, '[');
	char *end;
	long role;

	memset(m, 0, sizeof(*m));
	if (!b || b == w || (size_t)(b - w) >= sizeof(m->name))
		return -EINVAL;
	memcpy(m->name, w, (size_t)(b - w));
	role = strtol(b + 1, &end, 10);
	if (end == b + 1 || *end != ']' || role < 0 || role > 65535)
		return -EINVAL;
	m->role = (int)role;
	for (const char *f = end + 1; *f == '('; f += 3) {
		if (!f[1] || f[2] != ')')
			break;
		switch (f[1]) {
		case 'F': m->faulty = true; break;
		case 'S': m->spare = true; break;
		case 'W': m->write_mostly = true; break;
		case 'R': m->replacement = true; break;
		case 'J': m->journal = true; break;
		}
	}
	return 0;
}

static void parse_head(const char *p, struct rr_mdstat_array *a)
{
	char w[128];

	p = word(p, w, sizeof(w));	/* "active" / "inactive" */
	a->active = !strcmp(w, "active");
	for (;;) {
		p = word(p, w, sizeof(w));
		if (!w[0])
			break;
		if (w[0] == '(') {
			if (strstr(w, "read-only"))
				a->read_only = true;
			continue;
		}
		if (!strchr(w, '[')) {
			if (a->active && !a->level[0] && strlen(w) < sizeof(a->level))
				memcpy(a->level, w, strlen(w) + 1);
			continue;
		}
		if (a->nmembers >= RR_MDSTAT_MAX_MEMBERS)
			continue;
		a->members = rr_xrealloc(a->members, (a->nmembers + 1) * sizeof(*a->members));
		if (parse_member(w, &a->members[a->nmembers]) == 0)
			a->nmembers++;
	}
}

/* "122688 blocks super 1.2 level 5, 64k chunk, algorithm 2 [4/4] [UUUU]" */
static void parse_status(const char *p, struct rr_mdstat_array *a)
{
	const char *q;
	char *end;

	a->blocks = strtoull(skip_ws(p), &end, 10);
	q = strstr(p, " super ");
	if (q)
		word(q + 7, a->super, sizeof(a->super));
	for (q = strchr(p, '['); q; q = strchr(q + 1, '[')) {
		unsigned n, m;
		const char *e;

		if (sscanf(q, "[%u/%u]", &n, &m) == 2) {
			a->raid_disks = n;
			a->working = m;
			continue;
		}
		e = q + 1;
		while (*e == 'U' || *e == '_')
			e++;
		if (*e == ']' && e > q + 1 && (size_t)(e - q - 1) < sizeof(a->status)) {
			memcpy(a->status, q + 1, (size_t)(e - q - 1));
			a->status[e - q - 1] = 0;
		}
	}
}

/* "[=>....]  recovery =  8.5% (...)", "resync=DELAYED" */
static void parse_progress(const char *p, struct rr_mdstat_array *a)
{
	static const char *const acts[] = { "recovery", "resync", "reshape", "check", "repair" };

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		const char *q = strstr(p, acts[i]);
		double pct;

		if (!q)
			continue;
		snprintf(a->sync_action, sizeof(a->sync_action), "%s", acts[i]);
		q = skip_ws(q + strlen(acts[i]));
		if (*q == '=' && sscanf(q + 1, " %lf%%", &pct) == 1 && pct >= 0 && pct <= 100)
			a->sync_permille = (int)(pct * 10 + 0.5);
		return;
	}
}

int rr_mdstat_parse(const char *text, struct rr_mdstat *out)
{
	struct rr_mdstat_array *cur = NULL;
	const char *line = text;
	int seen = 0;

	memset(out, 0, sizeof(*out));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *l = rr_xmalloc(len + 1);

		memcpy(l, line, len);
		l[len] = 0;
		if (!strncmp(l, "Personalities :", 15)) {
			snprintf(out->personalities, sizeof(out->personalities), "%s", skip_ws(l + 15));
			seen = 1;
			/* strip the trailing blank mdstat leaves */
			for (size_t k = strlen(out->personalities); k && out->personalities[k - 1] == ' ';)
				out->personalities[--k] = 0;
		} else if (!strncmp(l, "unused devices:", 15)) {
			seen = 1;
			cur = NULL;
		} else if (!isspace((unsigned char)l[0]) && strstr(l, " : ")) {
			char name[32];
			const char *p = word(l, name, sizeof(name));

			if (out->narrays < RR_MDSTAT_MAX_ARRAYS && !strncmp(name, "md", 2)) {
				out->arrays = rr_xrealloc(out->arrays, (out->narrays + 1) * sizeof(*out->arrays));
				cur = &out->arrays[out->narrays++];
				memset(cur, 0, sizeof(*cur));
				cur->sync_permille = -1;
				snprintf(cur->name, sizeof(cur->name), "%s", name);
				parse_head(strstr(p, " : ") + 3, cur);
				seen = 1;
			}
		} else if (cur && isspace((unsigned char)l[0])) {
			const char *p = skip_ws(l);

			if (isdigit((unsigned char)*p) && strstr(p, " blocks"))
				parse_status(p, cur);
			else if (*p == '[' || strstr(p, "resync=") || strstr(p, " = "))
				parse_progress(p, cur);
		}
		free(l);
		line = nl ? nl + 1 : NULL;
	}
	if (!seen) {
		rr_mdstat_free(out);
		return -EINVAL;
	}
	return 0;
}

void rr_mdstat_free(struct rr_mdstat *st)
{
	for (size_t i = 0; i < st->narrays; i++)
		free(st->arrays[i].members);
	free(st->arrays);
	memset(st, 0, sizeof(*st));
}

static char *slurp(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	size_t len = 0;
	ssize_t r;

	if (fd < 0)
		return NULL;
	buf = rr_xmalloc(max + 1);
	while (len < max && (r = read(fd, buf + len, max - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = 0;
	return buf;
}

int rr_mdstat_read(const char *path, struct rr_mdstat *out)
{
	char *text = slurp(path, 1 << 20);
	int r;

	if (!text) {
		memset(out, 0, sizeof(*out));
		return -errno;
	}
	r = rr_mdstat_parse(text, out);
	free(text);
	return r;
}

bool rr_mdstat_degraded(const struct rr_mdstat_array *a)
{
	return a->active && a->raid_disks && a->working < a->raid_disks;
}

/* One sysfs attribute, first line, into buf ("" when absent). */
static int attr(const char *root, const char *name, const char *file, char *buf, size_t n)
{
	char path[512], *s, *nl;

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/block/%s/md/%s", root, name, file);
	s = slurp(path, 4096);
	if (!s)
		return -errno;
	nl = strchr(s, '\n');
	if (nl)
		*nl = 0;
	snprintf(buf, n, "%s", s);
	free(s);
	return 0;
}

int rr_md_sysfs_read(const char *sysfs_root, const char *name, struct rr_md_sysfs *out)
{
	char path[512], v[64];

	memset(out, 0, sizeof(*out));
	out->degraded = -1;
	if (strchr(name, '/') || strstr(name, ".."))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/block/%s/md", sysfs_root, name);
	if (access(path, F_OK) < 0)
		return -errno;
	attr(sysfs_root, name, "level", out->level, sizeof(out->level));
	attr(sysfs_root, name, "array_state", out->array_state, sizeof(out->array_state));
	attr(sysfs_root, name, "sync_action", out->sync_action, sizeof(out->sync_action));
	attr(sysfs_root, name, "metadata_version", out->metadata_version, sizeof(out->metadata_version));
	if (attr(sysfs_root, name, "raid_disks", v, sizeof(v)) == 0)
		out->raid_disks = (unsigned)strtoul(v, NULL, 10);
	if (attr(sysfs_root, name, "degraded", v, sizeof(v)) == 0 && v[0])
		out->degraded = atoi(v);
	if (attr(sysfs_root, name, "mismatch_cnt", v, sizeof(v)) == 0)
		out->mismatch_cnt = strtoull(v, NULL, 10);
	return 0;
}
