/* Sizes as operators type them: 512, 64K, 100M, 2G, 1T (powers of 1024;
 * a trailing "iB"/"B" is accepted). */
#ifndef RR_UNITS_H
#define RR_UNITS_H

#include <stdint.h>

/* 0 or -EINVAL / -ERANGE. */
int rr_parse_size(const char *s, uint64_t *bytes);
/* "1.5 GiB" style into buf. */
const char *rr_format_size(uint64_t bytes, char *buf, unsigned n);

#endif
