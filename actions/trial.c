#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/layers.h"
#include "actions/teardown.h"
#include "actions/trial.h"
#include "core/i18n.h"
#include "core/msg.h"

int rr_overlay_watch(const struct rr_overlay *ovs, size_t nov, char ***warnings, size_t *nw)
{
	int worst = 0;

	*warnings = NULL;
	*nw = 0;
	for (size_t i = 0; i < nov; i++) {
		uint64_t used, total;
		int r = rr_overlay_fill(&ovs[i], &used, &total), pct;
		char *w = NULL;

		if (r == -EOVERFLOW) {
			w = rr_xasprintf(_("%s: the snapshot overflowed and is invalid; its trials are lost (undo and overlay again with a larger --cow-size)"),
					 ovs[i].member);
			worst = -1;
		} else if (r == 0 && total) {
			pct = (int)(used * 100 / total);
			if (pct >= 80)
				w = rr_xasprintf(_("%s: the copy-on-write store is %d%% full"), ovs[i].member, pct);
			if (worst >= 0 && pct > worst)
				worst = pct;
		}
		if (w) {
			*warnings = rr_xrealloc(*warnings, (*nw + 1) * sizeof(char *));
			(*warnings)[(*nw)++] = w;
		}
	}
	return worst;
}

int rr_trial_run(struct rr_session *s, const struct rr_overlay *ovs, size_t nov,
		 const struct rr_candidate *cands, size_t n, enum rr_via via, unsigned fsck_timeout,
		 struct rr_trial *trials, rr_trial_progress_fn progress, void *ctx)
{
	size_t done = 0;

	for (size_t i = 0; i < n; i++) {
		struct rr_trial *t = &trials[i];
		struct rr_assembly a;
		struct rr_layers l;
		char msg[1000], **warn;
		size_t nwarn;
		int r, fill;

		memset(t, 0, sizeof(*t));
		t->cand = &cands[i];
		t->score = -1;
		if (progress && progress(ctx, i, n, &cands[i]))
			break;
		/* Never start a step that could overflow a snapshot. */
		fill = rr_overlay_watch(ovs, nov, &warn, &nwarn);
		for (size_t k = 0; k < nwarn; k++) {
			rr_warn(NULL, "%s", warn[k]);
			free(warn[k]);
		}
		free(warn);
		if (fill < 0 || fill >= 95) {
			snprintf(t->error, sizeof(t->error), "%s",
				 _("a copy-on-write store is (nearly) full; trials stopped"));
			done++;
			break;
		}
		r = rr_assemble(s, ovs, nov, &cands[i], via, &a, t->error, sizeof(t->error));
		done++;
		if (r < 0)
			continue;
		t->assembled = 1;
		t->via = a.via;
		r = rr_layers_map(s, a.dev, a.seq, &l, msg, sizeof(msg));
		if (r == 0) {
			if (rr_fsck_volumes(s, &l, fsck_timeout, &t->fsck) == 0)
				t->score = rr_fsck_score(&t->fsck);
			if (l.seq)
				r = rr_undo_seq(s, l.seq, 0);
			rr_layers_free(&l);
		} else {
			snprintf(t->error, sizeof(t->error), "%s", msg);
		}
		/* The assembly goes; the overlays stay for the next one. */
		if (r == 0)
			r = rr_undo_seq(s, a.seq, 0);
		if (r < 0) {
			snprintf(t->error, sizeof(t->error), _("could not tear the assembly down (%s); stopping"),
				 strerror(-r));
			return r;
		}
	}
	return (int)done;
}

void rr_trial_free(struct rr_trial *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rr_fsck_report_free(&t[i].fsck);
}
