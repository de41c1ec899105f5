/* Explicit-endian field decoders.  Probes never cast on-disk bytes to
 * structs: every field is read with one of these from a byte pointer, so
 * alignment and host byte order never matter. */
#ifndef RR_ENDIAN_H
#define RR_ENDIAN_H

#include <stdint.h>

static inline uint16_t rr_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t rr_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t rr_le64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)rr_le32(b) | (uint64_t)rr_le32(b + 4) << 32;
}

static inline uint16_t rr_be16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t rr_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static inline uint64_t rr_be64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)rr_be32(b) << 32 | (uint64_t)rr_be32(b + 4);
}

/* Either order, chosen at run time (md 0.90 and ZFS are written in the
 * byte order of the machine that created them). */
static inline uint32_t rr_x32(const void *p, int big)
{
	return big ? rr_be32(p) : rr_le32(p);
}

static inline uint64_t rr_x64(const void *p, int big)
{
	return big ? rr_be64(p) : rr_le64(p);
}

/* The writers (actions/ encode what probes/ decode). */
static inline void rr_put_le16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void rr_put_le32(void *p, uint32_t v)
{
	rr_put_le16(p, (uint16_t)v);
	rr_put_le16((uint8_t *)p + 2, (uint16_t)(v >> 16));
}

static inline void rr_put_le64(void *p, uint64_t v)
{
	rr_put_le32(p, (uint32_t)v);
	rr_put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

static inline void rr_put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

#endif
