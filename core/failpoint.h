/* Failpoints for the crash-safety tests: RAIDRESCUE_FAILPOINT=NAME in the
 * environment makes the program kill itself with SIGKILL when it reaches
 * rr_failpoint("NAME"), exactly as a power cut or a kill -9 would, so the
 * tests can prove that undo and cleanup recover from every point of every
 * step.  RAIDRESCUE_DELAY=NAME:MS[,NAME:MS...] makes it sleep there
 * instead, to widen a race for a test.  Without the variables it costs
 * two getenv calls. */
#ifndef RR_FAILPOINT_H
#define RR_FAILPOINT_H

void rr_failpoint(const char *name);

#endif
