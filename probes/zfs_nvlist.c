/* Packed XDR nvlists (libnvpair's NV_ENCODE_XDR), as found in ZFS vdev
 * labels.  Layout, all integers big-endian (XDR):
 *   stream header: encoding (1 = XDR), endian, 2 reserved bytes
 *   nvlist: version (0), flags, pairs..., terminator (two zero int32)
 *   nvpair: encoded size, decoded size, name (XDR string: length, bytes
 *           padded to 4), type, nelem, value
 * An nvlist value (NVLIST, NVLIST_ARRAY) is the embedded nvlist(s) right
 * after the pair header.  libnvpair decodes sequentially by type and so do
 * we; the encoded size is used only to skip types we do not know (for
 * embedded nvlists it is not exact in real labels, so it is not checked).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/endian.h"
#include "probes/zfs_nvlist.h"

struct cur {
	const uint8_t *buf;
	size_t len, pos;
	size_t npairs;		/* pairs decoded so far, all levels */
	const char *why;
};

static int fail(struct cur *c, int err, const char *why)
{
	if (!c->why)
		c->why = why;
	return err;
}

static int need(struct cur *c, size_t n)
{
	if (n > c->len - c->pos)
		return fail(c, -EBADMSG, N_("the nvlist is truncated"));
	return 0;
}

static int get32(struct cur *c, uint32_t *v)
{
	if (need(c, 4))
		return -EBADMSG;
	*v = rr_be32(c->buf + c->pos);
	c->pos += 4;
	return 0;
}

static int get64(struct cur *c, uint64_t *v)
{
	if (need(c, 8))
		return -EBADMSG;
	*v = rr_be64(c->buf + c->pos);
	c->pos += 8;
	return 0;
}

/* XDR string: length, bytes, zero padding to 4.  A NUL inside ends the
 * C string early (libnvpair would do the same with strlen). */
static int get_string(struct cur *c, size_t max, char **out)
{
	uint32_t n;
	size_t padded;

	if (get32(c, &n))
		return -EBADMSG;
	if (n > max)
		return fail(c, -E2BIG, N_("a string in the nvlist is longer than allowed"));
	padded = ((size_t)n + 3) & ~(size_t)3;
	if (need(c, padded))
		return -EBADMSG;
	*out = rr_xmalloc((size_t)n + 1);
	memcpy(*out, c->buf + c->pos, n);
	(*out)[n] = '\0';
	c->pos += padded;
	return 0;
}

static int decode_list(struct cur *c, struct rr_nvlist *nvl, unsigned depth);

static void free_pair(struct rr_nvpair *p)
{
	free(p->name);
	if (!p->decoded)
		return;
	switch (p->type) {
	case RR_NV_STRING:
		free(p->v.str);
		break;
	case RR_NV_NVLIST:
		rr_nvlist_free(p->v.nvl);
		break;
	case RR_NV_NVLIST_ARRAY:
		if (p->v.nvl_array)
			for (uint32_t i = 0; i < p->nelem; i++)
				rr_nvlist_free(p->v.nvl_array[i]);
		free(p->v.nvl_array);
		break;
	case RR_NV_STRING_ARRAY:
		if (p->v.str_array)
			for (uint32_t i = 0; i < p->nelem; i++)
				free(p->v.str_array[i]);
		free(p->v.str_array);
		break;
	case RR_NV_BYTE_ARRAY:
	case RR_NV_INT8_ARRAY:
	case RR_NV_UINT8_ARRAY:
		free(p->v.bytes);
		break;
	case RR_NV_INT16_ARRAY:
	case RR_NV_UINT16_ARRAY:
	case RR_NV_INT32_ARRAY:
	case RR_NV_UINT32_ARRAY:
	case RR_NV_INT64_ARRAY:
	case RR_NV_UINT64_ARRAY:
	case RR_NV_BOOLEAN_ARRAY:
		free(p->v.u64_array);
		break;
	default:
		break;
	}
}

void rr_nvlist_free(struct rr_nvlist *nvl)
{
	if (!nvl)
		return;
	for (size_t i = 0; i < nvl->npairs; i++)
		free_pair(&nvl->pairs[i]);
	free(nvl->pairs);
	free(nvl);
}

static int is_signed(uint32_t type)
{
	switch (type) {
	case RR_NV_INT8: case RR_NV_INT16: case RR_NV_INT32: case RR_NV_INT64:
	case RR_NV_INT16_ARRAY: case RR_NV_INT32_ARRAY: case RR_NV_INT64_ARRAY:
		return 1;
	default:
		return 0;
	}
}

/* XDR encodes everything narrower than 64 bits as a 4-byte int. */
static uint64_t widen32(uint32_t type, uint32_t v)
{
	return is_signed(type) ? (uint64_t)(int64_t)(int32_t)v : v;
}

static int elem_size(uint32_t type)
{
	switch (type) {
	case RR_NV_INT16_ARRAY: case RR_NV_UINT16_ARRAY:
	case RR_NV_INT32_ARRAY: case RR_NV_UINT32_ARRAY:
	case RR_NV_BOOLEAN_ARRAY:
		return 4;
	case RR_NV_INT64_ARRAY: case RR_NV_UINT64_ARRAY:
		return 8;
	default:
		return 0;
	}
}

static int new_list(struct cur *c, unsigned depth, struct rr_nvlist **out)
{
	struct rr_nvlist *nvl;
	int r;

	if (depth >= RR_NV_MAX_DEPTH)
		return fail(c, -E2BIG, N_("the nvlist is nested too deeply"));
	nvl = rr_xcalloc(1, sizeof(*nvl));
	r = decode_list(c, nvl, depth);
	if (r < 0) {
		rr_nvlist_free(nvl);
		return r;
	}
	*out = nvl;
	return 0;
}

static int decode_value(struct cur *c, struct rr_nvpair *p, size_t pair_end, unsigned depth)
{
	uint32_t v32, count;
	uint64_t v64;
	int es;

	switch (p->type) {
	case RR_NV_BOOLEAN:
		break;
	case RR_NV_BYTE: case RR_NV_INT8: case RR_NV_UINT8:
	case RR_NV_INT16: case RR_NV_UINT16: case RR_NV_INT32: case RR_NV_UINT32:
	case RR_NV_BOOLEAN_VALUE:
		if (p->nelem != 1)
			return fail(c, -EBADMSG, N_("an nvlist scalar has an element count other than 1"));
		if (get32(c, &v32))
			return -EBADMSG;
		p->v.u64 = widen32(p->type, v32);
		break;
	case RR_NV_INT64: case RR_NV_UINT64: case RR_NV_HRTIME: case RR_NV_DOUBLE:
		if (p->nelem != 1)
			return fail(c, -EBADMSG, N_("an nvlist scalar has an element count other than 1"));
		if (get64(c, &v64))
			return -EBADMSG;
		p->v.u64 = v64;
		break;
	case RR_NV_STRING:
		if (p->nelem != 1)
			return fail(c, -EBADMSG, N_("an nvlist scalar has an element count other than 1"));
		return get_string(c, RR_NV_MAX_STRING, &p->v.str);
	case RR_NV_BYTE_ARRAY: case RR_NV_INT8_ARRAY: case RR_NV_UINT8_ARRAY: {
		/* xdr_opaque: nelem bytes, padded to 4, no count */
		size_t padded = ((size_t)p->nelem + 3) & ~(size_t)3;

		if (p->nelem > RR_NV_MAX_ARRAY)
			return fail(c, -E2BIG, N_("an nvlist array has more elements than allowed"));
		if (need(c, padded))
			return -EBADMSG;
		p->v.bytes = rr_xmalloc(p->nelem ? p->nelem : 1);
		memcpy(p->v.bytes, c->buf + c->pos, p->nelem);
		c->pos += padded;
		break;
	}
	case RR_NV_INT16_ARRAY: case RR_NV_UINT16_ARRAY: case RR_NV_INT32_ARRAY:
	case RR_NV_UINT32_ARRAY: case RR_NV_INT64_ARRAY: case RR_NV_UINT64_ARRAY:
	case RR_NV_BOOLEAN_ARRAY:
		/* xdr_array: a count, then the elements */
		es = elem_size(p->type);
		if (p->nelem > RR_NV_MAX_ARRAY)
			return fail(c, -E2BIG, N_("an nvlist array has more elements than allowed"));
		if (get32(c, &count))
			return -EBADMSG;
		if (count != p->nelem)
			return fail(c, -EBADMSG, N_("an nvlist array's count does not match its element count"));
		if (need(c, (size_t)count * es))
			return -EBADMSG;
		p->v.u64_array = rr_xcalloc(count ? count : 1, sizeof(uint64_t));
		for (uint32_t i = 0; i < count; i++) {
			if (es == 8) {
				(void)get64(c, &v64);
				p->v.u64_array[i] = v64;
			} else {
				(void)get32(c, &v32);
				p->v.u64_array[i] = widen32(p->type, v32);
			}
		}
		break;
	case RR_NV_STRING_ARRAY:
		/* nelem XDR strings, no count; each takes at least 4 bytes */
		if (p->nelem > RR_NV_MAX_ARRAY)
			return fail(c, -E2BIG, N_("an nvlist array has more elements than allowed"));
		if (need(c, (size_t)p->nelem * 4))
			return -EBADMSG;
		p->v.str_array = rr_xcalloc(p->nelem ? p->nelem : 1, sizeof(char *));
		for (uint32_t i = 0; i < p->nelem; i++) {
			int r = get_string(c, RR_NV_MAX_STRING, &p->v.str_array[i]);

			if (r)
				return r;
		}
		break;
	case RR_NV_NVLIST:
		if (p->nelem != 1)
			return fail(c, -EBADMSG, N_("an nvlist scalar has an element count other than 1"));
		return new_list(c, depth + 1, &p->v.nvl);
	case RR_NV_NVLIST_ARRAY:
		/* each embedded nvlist takes at least 16 bytes: bound the
		 * allocation by what the buffer can hold */
		if (p->nelem > RR_NV_MAX_ARRAY)
			return fail(c, -E2BIG, N_("an nvlist array has more elements than allowed"));
		if (need(c, (size_t)p->nelem * 16))
			return -EBADMSG;
		p->v.nvl_array = rr_xcalloc(p->nelem ? p->nelem : 1, sizeof(*p->v.nvl_array));
		for (uint32_t i = 0; i < p->nelem; i++) {
			int r = new_list(c, depth + 1, &p->v.nvl_array[i]);

			if (r < 0)
				return r;
		}
		break;
	default:
		/* unknown type: skip it by its encoded size */
		p->decoded = 0;
		if (pair_end < c->pos || pair_end > c->len)
			return fail(c, -EBADMSG, N_("an nvpair of unknown type has an impossible size"));
		c->pos = pair_end;
		return 0;
	}
	return 0;
}

static int decode_list(struct cur *c, struct rr_nvlist *nvl, unsigned depth)
{
	size_t cap = 0;

	if (get32(c, &nvl->version) || get32(c, &nvl->flags))
		return -EBADMSG;
	if (nvl->version != 0)
		return fail(c, -ENOTSUP, N_("the nvlist has an unsupported version"));
	for (;;) {
		uint32_t encsize, decsize;
		size_t start = c->pos;
		struct rr_nvpair *p;
		int r;

		if (get32(c, &encsize) || get32(c, &decsize))
			return -EBADMSG;
		if (encsize == 0)
			return 0;	/* terminator */
		if (++c->npairs > RR_NV_MAX_PAIRS)
			return fail(c, -E2BIG, N_("the nvlist has more pairs than allowed"));
		if (nvl->npairs == cap) {
			cap = cap ? cap * 2 : 16;
			nvl->pairs = rr_xrealloc(nvl->pairs, cap * sizeof(*nvl->pairs));
		}
		p = &nvl->pairs[nvl->npairs++];
		memset(p, 0, sizeof(*p));
		r = get_string(c, RR_NV_MAX_NAME, &p->name);
		if (r)
			return r;
		if (get32(c, &p->type) || get32(c, &p->nelem))
			return -EBADMSG;
		p->decoded = 1;
		/* encsize came from disk: compare without overflow */
		r = decode_value(c, p, encsize > c->len - start ? c->len + 1 : start + encsize, depth);
		if (r < 0)
			return r;
	}
}

int rr_nvlist_unpack(const uint8_t *buf, size_t len, struct rr_nvlist **out, const char **why)
{
	struct cur c = { .buf = buf, .len = len };
	int r;

	*out = NULL;
	*why = NULL;
	if (len < 4 || buf[1] > 1) {
		*why = N_("no nvlist header");
		return -ENOMSG;
	}
	if (buf[0] == 0) {
		*why = N_("the nvlist uses the native encoding, not XDR");
		return -ENOTSUP;
	}
	if (buf[0] != 1) {
		*why = N_("no nvlist header");
		return -ENOMSG;
	}
	c.pos = 4;
	r = new_list(&c, 0, out);
	if (r < 0)
		*why = c.why ? c.why : N_("the nvlist is malformed");
	return r;
}

const struct rr_nvpair *rr_nvlist_find(const struct rr_nvlist *nvl, const char *name, uint32_t type)
{
	if (!nvl)
		return NULL;
	for (size_t i = 0; i < nvl->npairs; i++) {
		const struct rr_nvpair *p = &nvl->pairs[i];

		if (p->decoded && p->type == type && !strcmp(p->name, name))
			return p;
	}
	return NULL;
}

int rr_nvlist_u64(const struct rr_nvlist *nvl, const char *name, uint64_t *out)
{
	static const uint32_t types[] = {
		RR_NV_UINT64, RR_NV_INT64, RR_NV_UINT32, RR_NV_INT32, RR_NV_UINT16,
		RR_NV_INT16, RR_NV_UINT8, RR_NV_INT8, RR_NV_BYTE, RR_NV_BOOLEAN_VALUE,
		RR_NV_HRTIME,
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct rr_nvpair *p = rr_nvlist_find(nvl, name, types[i]);

		if (p) {
			*out = p->v.u64;
			return 0;
		}
	}
	return -ENOENT;
}

const char *rr_nvlist_str(const struct rr_nvlist *nvl, const char *name)
{
	const struct rr_nvpair *p = rr_nvlist_find(nvl, name, RR_NV_STRING);

	return p ? p->v.str : NULL;
}

const struct rr_nvlist *rr_nvlist_nvl(const struct rr_nvlist *nvl, const char *name)
{
	const struct rr_nvpair *p = rr_nvlist_find(nvl, name, RR_NV_NVLIST);

	return p ? p->v.nvl : NULL;
}

struct rr_nvlist *const *rr_nvlist_nvl_array(const struct rr_nvlist *nvl, const char *name, size_t *n)
{
	const struct rr_nvpair *p = rr_nvlist_find(nvl, name, RR_NV_NVLIST_ARRAY);

	*n = p ? p->nelem : 0;
	return p ? p->v.nvl_array : NULL;
}

const char *rr_nv_type_name(uint32_t type)
{
	static const char *const names[] = {
		[RR_NV_BOOLEAN] = "boolean", [RR_NV_BYTE] = "byte", [RR_NV_INT16] = "int16",
		[RR_NV_UINT16] = "uint16", [RR_NV_INT32] = "int32", [RR_NV_UINT32] = "uint32",
		[RR_NV_INT64] = "int64", [RR_NV_UINT64] = "uint64", [RR_NV_STRING] = "string",
		[RR_NV_BYTE_ARRAY] = "byte_array", [RR_NV_INT16_ARRAY] = "int16_array",
		[RR_NV_UINT16_ARRAY] = "uint16_array", [RR_NV_INT32_ARRAY] = "int32_array",
		[RR_NV_UINT32_ARRAY] = "uint32_array", [RR_NV_INT64_ARRAY] = "int64_array",
		[RR_NV_UINT64_ARRAY] = "uint64_array", [RR_NV_STRING_ARRAY] = "string_array",
		[RR_NV_HRTIME] = "hrtime", [RR_NV_NVLIST] = "nvlist",
		[RR_NV_NVLIST_ARRAY] = "nvlist_array", [RR_NV_BOOLEAN_VALUE] = "boolean_value",
		[RR_NV_INT8] = "int8", [RR_NV_UINT8] = "uint8", [RR_NV_BOOLEAN_ARRAY] = "boolean_array",
		[RR_NV_INT8_ARRAY] = "int8_array", [RR_NV_UINT8_ARRAY] = "uint8_array",
		[RR_NV_DOUBLE] = "double",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}
