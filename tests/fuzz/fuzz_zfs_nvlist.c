/* libFuzzer target for the XDR nvlist decoder alone: the input is a
 * packed nvlist (stream header first), decoded, walked and freed. */
#include <stdint.h>
#include <stdlib.h>

#include "probes/zfs_nvlist.h"

static size_t walk(const struct rr_nvlist *nvl)
{
	size_t n = 0;
	uint64_t v;
	size_t k;

	(void)rr_nvlist_u64(nvl, "txg", &v);
	(void)rr_nvlist_str(nvl, "name");
	(void)rr_nvlist_nvl_array(nvl, "children", &k);
	for (size_t i = 0; i < nvl->npairs; i++) {
		const struct rr_nvpair *p = &nvl->pairs[i];

		n += p->name[0] != 0;
		(void)rr_nv_type_name(p->type);
		if (!p->decoded)
			continue;
		if (p->type == RR_NV_NVLIST)
			n += walk(p->v.nvl);
		else if (p->type == RR_NV_NVLIST_ARRAY)
			for (uint32_t j = 0; j < p->nelem; j++)
				n += walk(p->v.nvl_array[j]);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rr_nvlist *nvl;
	const char *why;

	if (rr_nvlist_unpack(data, size, &nvl, &why) == 0) {
		(void)walk(nvl);
		rr_nvlist_free(nvl);
	} else if (!why || nvl) {
		abort();	/* a failure always says why and returns nothing */
	}
	return 0;
}
