#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "core/text.h"
#include "core/units.h"
#include "ui/proof_text.h"

static void add(char ***lines, size_t *n, char *s)
{
	*lines = rr_xrealloc(*lines, (*n + 1) * sizeof(char *));
	(*lines)[(*n)++] = s;
}

static const char *kind_name(char k)
{
	switch (k) {
	case 'd': return _("dir");
	case 'f': return _("file");
	case 'l': return _("link");
	default: return _("other");
	}
}

void rr_proof_text(const struct rr_proof_vol *v, char ***lines, size_t *n)
{
	char used[32], total[32], what[600];

	if (v->label[0])
		snprintf(what, sizeof(what), "%s (%s \"%s\")", v->what, v->type[0] ? v->type : "?", v->label);
	else
		snprintf(what, sizeof(what), "%s (%s)", v->what, v->type[0] ? v->type : "?");
	if (!v->method) {
		add(lines, n, rr_xasprintf(_("%s: %s"), what, v->note[0] ? v->note : _("not listed")));
		return;
	}
	if (v->bytes)
		add(lines, n, rr_xasprintf(P_("%s, listed by %s: %zu entry at the top level, %s used of %s",
					      "%s, listed by %s: %zu entries at the top level, %s used of %s",
					      v->nentries + v->more),
					   what, v->method, v->nentries + v->more, rr_format_size(v->used, used, sizeof(used)),
					   rr_format_size(v->bytes, total, sizeof(total))));
	else
		add(lines, n, rr_xasprintf(P_("%s, listed by %s: %zu entry at the top level",
					      "%s, listed by %s: %zu entries at the top level", v->nentries + v->more),
					   what, v->method, v->nentries + v->more));
	if (v->note[0])
		add(lines, n, rr_xasprintf("  (%s)", v->note));
	for (size_t k = 0; k < v->nentries; k++) {
		const struct rr_proof_entry *e = &v->entries[k];
		char size[48], name[1100];
		const char *cells[4];
		static const int widths[4] = { 7, 16, 14, 0 };

		if (e->kind == 'd' && e->children >= 0)
			snprintf(size, sizeof(size), P_("%ld entry", "%ld entries", e->children), e->children);
		else if (e->kind == 'd')
			snprintf(size, sizeof(size), "-");
		else
			rr_format_size(e->size, size, sizeof(size));
		snprintf(name, sizeof(name), "%s%s", e->name, e->kind == 'd' ? "/" : e->kind == 'l' ? "@" : "");
		cells[0] = kind_name(e->kind);
		cells[1] = e->when[0] ? e->when : "-";
		cells[2] = size;
		cells[3] = name;
		{
			char line[1400];

			rr_text_cols(line, sizeof(line), cells, widths, 4);
			add(lines, n, rr_xasprintf("    %s", line));
		}
	}
	if (v->more)
		add(lines, n, rr_xasprintf(P_("    ... and %zu more", "    ... and %zu more", v->more), v->more));
}
