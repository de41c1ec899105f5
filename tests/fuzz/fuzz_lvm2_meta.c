/* libFuzzer target for the LVM2 metadata text parser alone: the input is
 * the text (as read from a metadata area, NUL or not).  A parsed model is
 * walked completely, the way the planner will walk it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/lvm2.h"

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rr_lvm_vg vg;
	char *why = NULL;

	if (rr_lvm_meta_parse((const char *)data, size, &vg, &why) < 0) {
		if (!why)
			abort();	/* every failure says why */
		sink += strlen(why);
		free(why);
		return 0;
	}
	for (size_t i = 0; i < vg.npvs; i++)
		sink += strlen(vg.pvs[i].name) + strlen(vg.pvs[i].id) + vg.pvs[i].pe_count;
	for (size_t l = 0; l < vg.nlvs; l++) {
		const struct rr_lvm_lv *lv = &vg.lvs[l];

		for (size_t s = 0; s < lv->nsegs; s++) {
			const struct rr_lvm_seg *seg = &lv->segs[s];

			sink += strlen(seg->type);
			if (!seg->handled)
				continue;
			if (seg->nareas != seg->stripe_count || !seg->stripe_count ||
			    seg->extent_count % seg->stripe_count)
				abort();
			for (size_t a = 0; a < seg->nareas; a++) {
				const struct rr_lvm_area *ar = &seg->areas[a];
				uint64_t per = seg->extent_count / seg->stripe_count;

				/* the model promises every range is in bounds */
				if (ar->kind == RR_LVM_AREA_PV) {
					if (ar->index >= vg.npvs || ar->start + per > vg.pvs[ar->index].pe_count)
						abort();
				} else if (ar->index >= vg.nlvs ||
					   ar->start + per > vg.lvs[ar->index].extent_count) {
					abort();
				}
			}
		}
	}
	for (size_t i = 0; i < vg.nremarks; i++)
		sink += strlen(vg.remarks[i]);
	rr_lvm_vg_free(&vg);
	return 0;
}
