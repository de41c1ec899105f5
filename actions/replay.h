/* Replay: re-create a saved session's stack (the steps done and not
 * undone) in a new session, finding each member by its fingerprint on
 * this machine -- /dev names change between boots.  Refuses, creating
 * nothing, when a member is missing or differs. */
#ifndef RR_REPLAY_H
#define RR_REPLAY_H

#include <stdio.h>

#include "actions/session.h"

/* dst NULL: dry run (only find the members and print the plan).
 * Progress and the plan go to out.  0, or -errno after printing why. */
int rr_replay(const char *journal, struct rr_session *dst, FILE *out);

#endif
