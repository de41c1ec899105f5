/* Messages for the operator.  Errors always name the device (or file) they
 * are about, in one fixed shape, so a log of a long session stays greppable:
 *     raidrescue: /dev/sdc1: superblock checksum mismatch
 */
#ifndef RR_MSG_H
#define RR_MSG_H

#include <stdarg.h>

#define RR_PROGNAME "raidrescue"

/* Exit statuses of the command line. */
enum { RR_EXIT_OK = 0, RR_EXIT_FAIL = 1, RR_EXIT_USAGE = 2 };

/* "raidrescue: <what>: <message>" on stderr; what may be NULL. */
void rr_err(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rr_verr(const char *what, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Same shape, prefixed "warning:" (translated). */
void rr_warn(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Allocation that cannot fail quietly: aborts with a message on OOM. */
void *rr_xmalloc(size_t n);
void *rr_xcalloc(size_t n, size_t sz);
void *rr_xrealloc(void *p, size_t n);
char *rr_xstrdup(const char *s);
char *rr_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Append one formatted string to a growable vector of strings (problems,
 * reasons, remarks). */
void rr_strv_addf(char ***v, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rr_strv_vaddf(char ***v, size_t *n, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

#endif
