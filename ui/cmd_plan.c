/* raidrescue plan: the planner's face on the command line. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/i18n.h"
#include "core/layout.h"
#include "core/msg.h"
#include "core/plan.h"
#include "probes/devread.h"
#include "probes/md.h"
#include "probes/probe.h"
#include "ui/cli.h"

/* ---- text ---------------------------------------------------------------------- */

static void cell(char *buf, size_t n, bool differs, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void cell(char *buf, size_t n, bool differs, const char *fmt, ...)
{
	va_list ap;
	size_t l;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	l = strlen(buf);
	if (differs && l + 1 < n) {
		buf[l] = '*';
		buf[l + 1] = '\0';
	}
}

static void role_text(const struct rr_md_sb *s, char *buf, size_t n)
{
	switch (s->role_kind) {
	case RR_MD_ROLE_ACTIVE: snprintf(buf, n, "%u", s->slot); break;
	case RR_MD_ROLE_KIND_SPARE: snprintf(buf, n, "%s", _("spare")); break;
	case RR_MD_ROLE_KIND_FAULTY: snprintf(buf, n, "%s", _("faulty")); break;
	default: snprintf(buf, n, "%s", _("journal")); break;
	}
}

static void print_group(struct rr_member *const *units, const struct rr_plan_group *g)
{
	size_t w = strlen(_("DEVICE"));
	char geo[64], lay[48];
	const char *ln = rr_md_layout_name(g->ref->level, g->ref->layout, false, lay, sizeof(lay));
	const char *lv = rr_md_level_name(g->ref->level);

	for (size_t i = 0; i < g->nrows; i++)
		if (strlen(units[g->rows[i].member]->path) > w)
			w = strlen(units[g->rows[i].member]->path);
	snprintf(geo, sizeof(geo), "%s%s%s, %" PRIu64 "K, %u", lv ? lv : "?", ln ? " " : "", ln ? ln : "",
		 g->ref->chunk_bytes / 1024, g->ref->raid_disks);
	printf(_("Array %s%s (%s devices, metadata %s):\n"), g->uuid_text, g->main ? "" : _(" [another array]"),
	       geo, rr_md_version_name(g->ref->version));
	printf("  %-*s  %-6s  %-8s  %-20s  %-12s  %s\n", (int)w, _("DEVICE"), _("ROLE"), _("EVENTS"),
	       _("UPDATE TIME"), _("DATA OFFSET"), _("ARRAY STATE"));
	for (size_t i = 0; i < g->nrows; i++) {
		const struct rr_plan_row *r = &g->rows[i];
		const struct rr_md_sb *s = r->sb;
		char role[24], ev[32], ut[40], off[32], st[64], rt[16];

		role_text(s, rt, sizeof(rt));
		cell(role, sizeof(role), r->diff & RR_PLAN_DIFF_ROLE, "%s", rt);
		cell(ev, sizeof(ev), r->diff & RR_PLAN_DIFF_EVENTS, "%" PRIu64, s->events);
		rr_md_format_iso(s->utime, ut, sizeof(ut));
		if (r->diff & RR_PLAN_DIFF_UTIME)
			strcat(ut, "*");
		cell(off, sizeof(off), r->diff & RR_PLAN_DIFF_OFFSET, "%" PRIu64, s->data_offset);
		cell(st, sizeof(st), r->diff & RR_PLAN_DIFF_STATE, "%s", s->array_state ? s->array_state : "-");
		printf("  %-*s  %-6s  %-8s  %-20s  %-12s  %s%s%s\n", (int)w, units[r->member]->path, role, ev, ut, off, st,
		       (r->diff & RR_PLAN_DIFF_GEOMETRY) ? _("  (other geometry)") : "",
		       (r->diff & RR_PLAN_DIFF_RESHAPE) ? _("  (reshape)") : "");
	}
	for (size_t i = 0; i < g->nconflicts; i++)
		printf("  - %s\n", g->conflicts[i]);
}

static void order_text(struct rr_member *const *units, const struct rr_candidate *c)
{
	for (unsigned s = 0; s < c->ndisks; s++)
		printf("%s%s", s ? " " : "", c->slot[s] == RR_CAND_MISSING ? "missing" : units[c->slot[s]]->path);
}

static bool one_offset(const struct rr_candidate *c, uint64_t *off)
{
	bool have = false;

	*off = 0;
	for (unsigned s = 0; s < c->ndisks; s++) {
		if (!have) {
			*off = c->data_offset[s];
			have = true;
		} else if (c->data_offset[s] != *off) {
			return false;
		}
	}
	return true;
}

static void print_text(struct rr_member *const *units, size_t n, const struct rr_plan *p)
{
	bool marks = false;

	for (size_t k = 0; k < p->ngroups; k++) {
		print_group(units, &p->groups[k]);
		for (size_t i = 0; i < p->groups[k].nrows; i++)
			marks |= p->groups[k].rows[i].diff != 0;
		putchar('\n');
	}
	if (marks)
		printf("%s\n\n", _("(* marks a value that differs from the freshest member's)"));
	if (p->nloose) {
		printf("%s", _("Without an md superblock:"));
		for (size_t i = 0; i < p->nloose; i++)
			printf(" %s", units[p->loose[i]]->path);
		printf("\n\n");
	}
	for (size_t i = 0; i < p->nremarks; i++)
		printf(_("Note: %s\n"), p->remarks[i]);
	if (p->nremarks)
		putchar('\n');
	if (!p->ncands) {
		printf("%s\n", _("No candidate."));
		return;
	}
	printf(P_("%zu candidate, best first:\n", "%zu candidates, best first:\n", p->ncands), p->ncands);
	for (size_t i = 0; i < p->ncands; i++) {
		const struct rr_candidate *c = &p->cands[i];
		char desc[96];
		uint64_t off;

		rr_plan_describe(c, desc, sizeof(desc));
		printf("\n#%zu  %s, metadata %s, ", i + 1, desc, c->metadata);
		if (one_offset(c, &off)) {
			printf(_("data offset %" PRIu64 " sectors"), off);
		} else {
			printf("%s", _("data offsets"));
			for (unsigned s = 0; s < c->ndisks; s++)
				printf("%s%" PRIu64, s ? "," : " ", c->data_offset[s]);
		}
		printf(_(", score %.1f\n"), c->score);
		printf("    %s: ", _("order"));
		order_text(units, c);
		putchar('\n');
		for (size_t r = 0; r < c->nreasons; r++)
			printf("    - %s\n", c->reasons[r]);
	}
	(void)n;
}

/* ---- JSON ---------------------------------------------------------------------- */

json_object *rr_candidate_json(struct rr_member *const *units, const struct rr_candidate *c)
{
	json_object *o = json_object_new_object(), *order = json_object_new_array(),
		    *reasons = json_object_new_array();
	char lay[48];
	const char *ln = rr_layout_name(c->level, c->layout, lay, sizeof(lay));
	uint64_t off;

	json_object_object_add(o, "level", json_object_new_int(c->level));
	json_object_object_add(o, "layout", ln ? json_object_new_string(ln) : NULL);
	json_object_object_add(o, "layout_num", json_object_new_int(c->layout));
	json_object_object_add(o, "chunk_kib", json_object_new_int64(c->chunk_kib));
	json_object_object_add(o, "metadata", json_object_new_string(c->metadata));
	json_object_object_add(o, "raid_devices", json_object_new_int64(c->ndisks));
	if (one_offset(c, &off)) {
		json_object_object_add(o, "data_offset_sectors", json_object_new_uint64(off));
	} else {
		json_object *a = json_object_new_array();

		for (unsigned s = 0; s < c->ndisks; s++)
			json_object_array_add(a, json_object_new_uint64(c->data_offset[s]));
		json_object_object_add(o, "data_offset_sectors", a);
	}
	if (c->dev_sectors)
		json_object_object_add(o, "dev_sectors", json_object_new_uint64(c->dev_sectors));
	for (unsigned s = 0; s < c->ndisks; s++)
		json_object_array_add(order, c->slot[s] == RR_CAND_MISSING ? NULL
					     : json_object_new_string(units[c->slot[s]]->path));
	json_object_object_add(o, "order", order);
	json_object_object_add(o, "score", json_object_new_double(c->score));
	for (size_t r = 0; r < c->nreasons; r++)
		json_object_array_add(reasons, json_object_new_string(c->reasons[r]));
	json_object_object_add(o, "reasons", reasons);
	return o;
}

static json_object *group_json(struct rr_member *const *units, const struct rr_plan_group *g)
{
	static const struct { unsigned bit; const char *name; } diffs[] = {
		{ RR_PLAN_DIFF_EVENTS, "events" }, { RR_PLAN_DIFF_UTIME, "update_time" },
		{ RR_PLAN_DIFF_STATE, "array_state" }, { RR_PLAN_DIFF_ROLE, "role" },
		{ RR_PLAN_DIFF_OFFSET, "data_offset" }, { RR_PLAN_DIFF_GEOMETRY, "geometry" },
		{ RR_PLAN_DIFF_RESHAPE, "reshape" },
	};
	json_object *o = json_object_new_object(), *rows = json_object_new_array(),
		    *conf = json_object_new_array();

	json_object_object_add(o, "array_uuid", json_object_new_string(g->uuid_text));
	json_object_object_add(o, "main", json_object_new_boolean(g->main));
	json_object_object_add(o, "metadata", json_object_new_string(rr_md_version_name(g->ref->version)));
	for (size_t i = 0; i < g->nrows; i++) {
		const struct rr_plan_row *r = &g->rows[i];
		json_object *m = json_object_new_object(), *d = json_object_new_array();
		char t[40], role[16];

		json_object_object_add(m, "path", json_object_new_string(units[r->member]->path));
		role_text(r->sb, role, sizeof(role));
		json_object_object_add(m, "role", r->sb->role_kind == RR_MD_ROLE_ACTIVE ? json_object_new_int64(r->sb->slot)
										: json_object_new_string(role));
		json_object_object_add(m, "events", json_object_new_uint64(r->sb->events));
		rr_md_format_iso(r->sb->utime, t, sizeof(t));
		json_object_object_add(m, "update_time", json_object_new_string(t));
		json_object_object_add(m, "data_offset_sectors", json_object_new_uint64(r->sb->data_offset));
		json_object_object_add(m, "array_state", r->sb->array_state ? json_object_new_string(r->sb->array_state) : NULL);
		json_object_object_add(m, "fresh", json_object_new_boolean(r->fresh));
		for (size_t k = 0; k < sizeof(diffs) / sizeof(diffs[0]); k++)
			if (r->diff & diffs[k].bit)
				json_object_array_add(d, json_object_new_string(diffs[k].name));
		json_object_object_add(m, "differs", d);
		json_object_array_add(rows, m);
	}
	json_object_object_add(o, "members", rows);
	for (size_t i = 0; i < g->nconflicts; i++)
		json_object_array_add(conf, json_object_new_string(g->conflicts[i]));
	json_object_object_add(o, "conflicts", conf);
	return o;
}

static void print_json(struct rr_member *const *units, const struct rr_plan *p)
{
	json_object *root = json_object_new_object(), *groups = json_object_new_array(),
		    *cands = json_object_new_array(), *rem = json_object_new_array(), *loose = json_object_new_array();

	for (size_t k = 0; k < p->ngroups; k++)
		json_object_array_add(groups, group_json(units, &p->groups[k]));
	for (size_t i = 0; i < p->nloose; i++)
		json_object_array_add(loose, json_object_new_string(units[p->loose[i]]->path));
	for (size_t i = 0; i < p->ncands; i++)
		json_object_array_add(cands, rr_candidate_json(units, &p->cands[i]));
	for (size_t i = 0; i < p->nremarks; i++)
		json_object_array_add(rem, json_object_new_string(p->remarks[i]));
	json_object_object_add(root, "groups", groups);
	json_object_object_add(root, "without_superblock", loose);
	json_object_object_add(root, "searched", json_object_new_boolean(p->searched));
	json_object_object_add(root, "candidates", cands);
	json_object_object_add(root, "remarks", rem);
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

int rr_cmd_plan(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "top", required_argument, NULL, 't' },
		{ "search", no_argument, NULL, 's' },
		{ "no-search", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_plan_opts po = { .top = 10 };
	struct rr_member **tops = NULL, **units = NULL;
	struct rr_plan plan;
	struct rr_plan_io io;
	size_t ntops, nunits;
	int json = 0, c, rc = RR_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jt:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 't': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !v || v > 1000)
				return rr_cmd_usage_error(cmd, _("--top takes a number from 1 to 1000, not '%s'"), optarg);
			po.top = (unsigned)v;
			break;
		}
		case 's': po.search = RR_PLAN_SEARCH_ALWAYS; break;
		case 'S': po.search = RR_PLAN_SEARCH_NEVER; break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (optind >= argc)
		return rr_cmd_usage_error(cmd, "%s", _("name at least one device or image"));
	ntops = (size_t)(argc - optind);
	tops = rr_xcalloc(ntops, sizeof(*tops));
	for (size_t i = 0; i < ntops; i++) {
		tops[i] = rr_examine_path(argv[optind + (int)i]);
		for (size_t e = 0; e < tops[i]->nerrors; e++)
			rr_err(tops[i]->path, "%s", tops[i]->errors[e]);
		if (tops[i]->open_errno)
			rc = RR_EXIT_FAIL;
	}
	nunits = rr_plan_units(tops, ntops, &units);
	rr_plan_io_open(&io, tops, ntops, units, nunits);
	po.read = rr_plan_io_read;
	po.read_ctx = &io;
	if (rr_plan(units, nunits, &po, &plan) < 0 && !plan.nremarks)
		rc = RR_EXIT_FAIL;
	if (json)
		print_json(units, &plan);
	else
		print_text(units, nunits, &plan);
	if (!plan.ncands && rc == RR_EXIT_OK)
		rc = RR_EXIT_FAIL;
	rr_plan_free(&plan);
	rr_plan_io_close(&io);
	free(units);
	for (size_t i = 0; i < ntops; i++)
		rr_member_free(tops[i]);
	free(tops);
	return rc;
}
