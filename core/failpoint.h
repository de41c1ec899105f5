/* Failpoints for the crash-safety tests: RAIDRESCUE_FAILPOINT=NAME in the
 * environment makes the program kill itself with SIGKILL when it reaches
 * rr_failpoint("NAME"), exactly as a power cut or a kill -9 would, so the
 * tests can prove that undo and cleanup recover from every point of every
 * step.  Without the variable it costs one getenv. */
#ifndef RR_FAILPOINT_H
#define RR_FAILPOINT_H

void rr_failpoint(const char *name);

#endif
