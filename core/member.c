#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/member.h"
#include "core/msg.h"

struct rr_member *rr_member_new(const char *path)
{
	struct rr_member *m = rr_xcalloc(1, sizeof(*m));

	m->path = rr_xstrdup(path);
	return m;
}

void rr_member_error(struct rr_member *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rr_strv_vaddf(&m->errors, &m->nerrors, fmt, ap);
	va_end(ap);
}

void rr_member_add_part(struct rr_member *m, struct rr_member *part)
{
	m->parts = rr_xrealloc(m->parts, (m->nparts + 1) * sizeof(*m->parts));
	m->parts[m->nparts++] = part;
}

/* The decoded structures are released by their probes (rr_probe_release
 * in probes/probe.c); this frees what the member itself owns. */
void rr_member_free_shell(struct rr_member *m);
void rr_member_free_shell(struct rr_member *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nparts; i++)
		rr_member_free(m->parts[i]);
	free(m->parts);
	for (size_t i = 0; i < m->nerrors; i++)
		free(m->errors[i]);
	free(m->errors);
	free(m->path);
	free(m);
}
