#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/candidate.h"
#include "core/msg.h"

void rr_candidate_add_reason(struct rr_candidate *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rr_strv_vaddf(&c->reasons, &c->nreasons, fmt, ap);
	va_end(ap);
}

void rr_candidate_clear(struct rr_candidate *c)
{
	for (size_t i = 0; i < c->nreasons; i++)
		free(c->reasons[i]);
	free(c->reasons);
	c->reasons = NULL;
	c->nreasons = 0;
}

unsigned rr_candidate_missing(const struct rr_candidate *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->ndisks && i < RR_CAND_MAX_SLOTS; i++)
		n += c->slot[i] == RR_CAND_MISSING;
	return n;
}
