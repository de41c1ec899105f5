/* A member's identity that survives reboots and other machines, where
 * /dev names do not: size, hashes of the first and last MiB (they hold
 * the md 1.x / 0.90 superblocks with the per-device UUID), and the disk's
 * serial when udev knows it. */
#ifndef RR_FINGERPRINT_H
#define RR_FINGERPRINT_H

#include <json-c/json.h>
#include <stdint.h>

struct rr_fingerprint {
	uint64_t size_bytes;
	char head_sha256[65];	/* first MiB (or all of a smaller device) */
	char tail_sha256[65];	/* last MiB */
	char serial[128];	/* "" when unknown */
	unsigned unreadable_blocks;	/* 4 KiB blocks hashed as zeros (read errors) */
};

/* Read path (read-only) and fill fp.  0 or -errno. */
int rr_fingerprint_compute(const char *path, struct rr_fingerprint *fp);
json_object *rr_fingerprint_to_json(const struct rr_fingerprint *fp);
int rr_fingerprint_from_json(json_object *o, struct rr_fingerprint *fp);
/* NULL when a and b are the same member, else why not (translated). */
const char *rr_fingerprint_mismatch(const struct rr_fingerprint *a, const struct rr_fingerprint *b);


/* Find the member with this fingerprint on this machine: first the hints
 * (the paths it had), then every block device of the same size.  Returns
 * 0 with the path in out, -ENOENT when none matches; why_not gets the
 * reason the first hint did not match (when it exists). */
int rr_fingerprint_find(const struct rr_fingerprint *fp, const char *const *hints, size_t nhints,
			char *out, size_t n, char *why_not, size_t wn);
#endif
