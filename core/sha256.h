/* SHA-256 (FIPS 180-4), small and dependency-free.  ZFS seals its labels
 * and uberblocks with it (the "label" checksum), and fixture checks use
 * it to compare device contents with recorded digests. */
#ifndef RR_SHA256_H
#define RR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define RR_SHA256_LEN 32

struct rr_sha256 {
	uint32_t h[8];
	uint64_t total;		/* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
};

void rr_sha256_init(struct rr_sha256 *c);
void rr_sha256_update(struct rr_sha256 *c, const void *data, size_t len);
void rr_sha256_final(struct rr_sha256 *c, uint8_t out[RR_SHA256_LEN]);
/* One call for a whole buffer. */
void rr_sha256(const void *data, size_t len, uint8_t out[RR_SHA256_LEN]);

#endif
