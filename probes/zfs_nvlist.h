/* A bounded decoder for packed nvlists in XDR encoding, as ZFS writes its
 * vdev labels (libnvpair's nvlist_pack(NV_ENCODE_XDR)).  Nothing in the
 * stream is trusted: every size, count, string length and the nesting
 * depth is bounded, and decoding never reads outside the buffer. */
#ifndef RR_ZFS_NVLIST_H
#define RR_ZFS_NVLIST_H

#include <stddef.h>
#include <stdint.h>

/* Data types, numbered as libnvpair's data_type_t (on disk). */
enum rr_nv_type {
	RR_NV_BOOLEAN = 1,	/* presence only, no value */
	RR_NV_BYTE = 2,
	RR_NV_INT16 = 3,
	RR_NV_UINT16 = 4,
	RR_NV_INT32 = 5,
	RR_NV_UINT32 = 6,
	RR_NV_INT64 = 7,
	RR_NV_UINT64 = 8,
	RR_NV_STRING = 9,
	RR_NV_BYTE_ARRAY = 10,
	RR_NV_INT16_ARRAY = 11,
	RR_NV_UINT16_ARRAY = 12,
	RR_NV_INT32_ARRAY = 13,
	RR_NV_UINT32_ARRAY = 14,
	RR_NV_INT64_ARRAY = 15,
	RR_NV_UINT64_ARRAY = 16,
	RR_NV_STRING_ARRAY = 17,
	RR_NV_HRTIME = 18,
	RR_NV_NVLIST = 19,
	RR_NV_NVLIST_ARRAY = 20,
	RR_NV_BOOLEAN_VALUE = 21,
	RR_NV_INT8 = 22,
	RR_NV_UINT8 = 23,
	RR_NV_BOOLEAN_ARRAY = 24,
	RR_NV_INT8_ARRAY = 25,
	RR_NV_UINT8_ARRAY = 26,
	RR_NV_DOUBLE = 27,
};

/* Bounds.  A real label holds a few hundred pairs at most, nested
 * root > top-level vdev > (replacing/spare) > leaf, and a pool of a few
 * hundred disks; these leave ample room and cap the work a hostile label
 * can cause. */
#define RR_NV_MAX_DEPTH 8	/* nvlists inside nvlists */
#define RR_NV_MAX_PAIRS 16384	/* pairs in the whole stream, all levels */
#define RR_NV_MAX_NAME 1024	/* bytes of one pair name */
#define RR_NV_MAX_STRING 4096	/* bytes of one string value */
#define RR_NV_MAX_ARRAY 4096	/* elements of one array */

struct rr_nvlist;

struct rr_nvpair {
	char *name;
	uint32_t type;		/* enum rr_nv_type, or an unknown number */
	uint32_t nelem;
	int decoded;		/* 0: unknown or unhandled type, skipped by its encoded size */
	union {
		/* every integer scalar, boolean_value (0/1), hrtime; signed
		 * types are sign-extended; double: its IEEE bits */
		uint64_t u64;
		char *str;			/* RR_NV_STRING */
		struct rr_nvlist *nvl;		/* RR_NV_NVLIST */
		struct rr_nvlist **nvl_array;	/* RR_NV_NVLIST_ARRAY, nelem of them */
		uint64_t *u64_array;		/* every integer array (sign-extended), nelem */
		char **str_array;		/* RR_NV_STRING_ARRAY, nelem */
		uint8_t *bytes;			/* RR_NV_BYTE_ARRAY, nelem bytes */
	} v;
};

struct rr_nvlist {
	uint32_t version;
	uint32_t flags;		/* NV_UNIQUE_NAME = 1, NV_UNIQUE_NAME_TYPE = 2 */
	size_t npairs;
	struct rr_nvpair *pairs;
};

/* Decode a packed nvlist (starting with its 4-byte stream header) from
 * buf[0..len).  Trailing bytes after the list are ignored (a label's
 * nvlist area is zero-padded).  0 and *out set, or -errno with *why set
 * to a static untranslated N_() sentence naming the problem:
 * -ENOMSG (no XDR nvlist header), -ENOTSUP (native encoding),
 * -EBADMSG (malformed or truncated), -E2BIG (a bound was exceeded). */
int rr_nvlist_unpack(const uint8_t *buf, size_t len, struct rr_nvlist **out, const char **why);

void rr_nvlist_free(struct rr_nvlist *nvl);

/* Lookups: the first pair of that name and type, decoded. */
const struct rr_nvpair *rr_nvlist_find(const struct rr_nvlist *nvl, const char *name, uint32_t type);
/* Any integer scalar type (uint64, uint32, boolean_value, ...): 0 or -ENOENT. */
int rr_nvlist_u64(const struct rr_nvlist *nvl, const char *name, uint64_t *out);
const char *rr_nvlist_str(const struct rr_nvlist *nvl, const char *name);
const struct rr_nvlist *rr_nvlist_nvl(const struct rr_nvlist *nvl, const char *name);
/* The array's elements and *n, or NULL. */
struct rr_nvlist *const *rr_nvlist_nvl_array(const struct rr_nvlist *nvl, const char *name, size_t *n);

/* "uint64", "string", ... for printing; "type 99" style for unknown ones
 * is left to the caller (NULL). */
const char *rr_nv_type_name(uint32_t type);

#endif
