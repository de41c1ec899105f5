/* A proof-of-data listing as text lines, for the command line and the
 * wizard's proof view alike. */
#ifndef RR_PROOF_TEXT_H
#define RR_PROOF_TEXT_H

#include <stddef.h>

#include "actions/prove.h"

/* Lines (malloc'd list of malloc'd strings, appended to *lines, counted in *n): a
 * heading for the volume, then one line per top-level entry, indented. */
void rr_proof_text(const struct rr_proof_vol *v, char ***lines, size_t *n);

#endif
