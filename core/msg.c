#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"

void rr_verr(const char *what, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (what && *what)
		fprintf(stderr, "%s: %s: ", RR_PROGNAME, what);
	else
		fprintf(stderr, "%s: ", RR_PROGNAME);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void rr_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rr_verr(what, fmt, ap);
	va_end(ap);
}

void rr_warn(const char *what, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: %s", RR_PROGNAME, _("warning: "));
	if (what && *what)
		fprintf(stderr, "%s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void oom(void)
{
	fprintf(stderr, "%s: %s\n", RR_PROGNAME, _("out of memory"));
	abort();
}

void *rr_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *rr_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		oom();
	return p;
}

void *rr_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *rr_xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		oom();
	return p;
}

char *rr_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

void rr_strv_vaddf(char ***v, size_t *n, const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	*v = rr_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

void rr_strv_addf(char ***v, size_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rr_strv_vaddf(v, n, fmt, ap);
	va_end(ap);
}
