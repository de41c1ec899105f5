/* GF(2^8) arithmetic and the P/Q syndrome of Linux md RAID-6.
 *
 * The field is the one the kernel uses (lib/raid6, H. Peter Anvin, "The
 * mathematics of RAID-6"): polynomial x^8+x^4+x^3+x^2+1 (0x11d), generator
 * g = {02}.  For data blocks D_i sitting in syndrome slot i:
 *     P = D_0 + D_1 + ... + D_{n-1}
 *     Q = g^0 D_0 + g^1 D_1 + ... + g^{n-1} D_{n-1}
 * ("+" is XOR).  Which block sits in which slot is a property of the md
 * layout, worked out by core/layout.c.
 *
 * Pure arithmetic: no allocation, no I/O, thread-safe (tables are built once
 * under pthread_once).
 */
#ifndef RR_RAID6_H
#define RR_RAID6_H

#include <stddef.h>
#include <stdint.h>

uint8_t rr_gf_mul(uint8_t a, uint8_t b);
/* a^-1; 0 has no inverse and maps to 0. */
uint8_t rr_gf_inv(uint8_t a);
/* g^e for any integer e (taken modulo 255). */
uint8_t rr_gf_exp(int e);
/* discrete log base g of a != 0, in [0, 254]; -1 for 0. */
int rr_gf_log(uint8_t a);

/* dst ^= src over len bytes. */
void rr_xor_into(uint8_t *dst, const uint8_t *src, size_t len);
/* dst = c * dst over len bytes (table multiply). */
void rr_gf_scale(uint8_t *dst, uint8_t c, size_t len);

/* P and Q of nslots slots; src[i] == NULL means slot i is all zeroes
 * (used for the missing blocks during recovery and for the P/Q holes of the
 * DDF layouts).  p or q may be NULL when not wanted. */
void rr_raid6_gen_pq(unsigned nslots, const uint8_t *const *src,
		     uint8_t *p, uint8_t *q, size_t len);

/* Two data blocks in slots a != b are lost.  pd = P xor P', qd = Q xor Q'
 * where P', Q' are the syndromes computed with the lost slots as zeroes.
 * Writes D_a into da and D_b into db (they may alias pd and qd). */
void rr_raid6_solve_2data(unsigned a, unsigned b, const uint8_t *pd,
			  const uint8_t *qd, uint8_t *da, uint8_t *db,
			  size_t len);
/* One data block in slot a is lost and P with it: qd = Q xor Q' gives
 * D_a = g^-a qd, written into da (may alias qd). */
void rr_raid6_solve_data_q(unsigned a, const uint8_t *qd, uint8_t *da,
			   size_t len);

#endif
