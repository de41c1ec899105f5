/* raidrescue examine: the probes' face on the command line. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/probe.h"
#include "ui/cli.h"

static json_object *member_json(const struct rr_member *m)
{
	json_object *o = json_object_new_object();
	json_object *errs = json_object_new_array();

	json_object_object_add(o, "path", json_object_new_string(m->path));
	if (!m->open_errno)
		json_object_object_add(o, "size_bytes", json_object_new_uint64(m->size_bytes));
	if (m->part_number) {
		json_object_object_add(o, "partition_number", json_object_new_int(m->part_number));
		json_object_object_add(o, "offset_bytes", json_object_new_uint64(m->part_offset));
	}
	for (size_t i = 0; rr_probes[i]; i++)
		if (rr_probes[i]->to_json)
			rr_probes[i]->to_json(o, m);
	if (m->nparts) {
		json_object *parts = json_object_new_array();

		for (size_t i = 0; i < m->nparts; i++)
			json_object_array_add(parts, member_json(m->parts[i]));
		json_object_object_add(o, "partitions", parts);
	}
	for (size_t i = 0; i < m->nerrors; i++)
		json_object_array_add(errs, json_object_new_string(m->errors[i]));
	json_object_object_add(o, "errors", errs);
	return o;
}

/* One line that says what the device is, from every probe's summary. */
static void print_verdict(FILE *out, const struct rr_member *m)
{
	int any = 0;

	fprintf(out, _("Verdict for %s: "), m->path);
	if (m->open_errno) {
		fprintf(out, _("unreadable (%s)\n"), strerror(m->open_errno));
		return;
	}
	for (size_t i = 0; rr_probes[i]; i++) {
		char *s = rr_probes[i]->summary ? rr_probes[i]->summary(m) : NULL;

		if (s) {
			fprintf(out, "%s%s", any ? "; " : "", s);
			any = 1;
			free(s);
		}
	}
	if (m->nparts) {
		fprintf(out, P_("%s%zu partition", "%s%zu partitions", m->nparts), any ? "; " : "",
			m->nparts);
		any = 1;
	}
	if (!any)
		fputs(_("nothing recognised"), out);
	if (m->nerrors)
		fprintf(out, P_(" (%zu problem)", " (%zu problems)", m->nerrors), m->nerrors);
	fputc('\n', out);
}

static void print_member(FILE *out, const struct rr_member *m)
{
	fprintf(out, "%s:\n", m->path);
	for (size_t i = 0; rr_probes[i]; i++)
		if (rr_probes[i]->print)
			rr_probes[i]->print(out, m);
	for (size_t i = 0; i < m->nerrors; i++)
		fprintf(out, _("  Problem : %s\n"), m->errors[i]);
	for (size_t i = 0; i < m->nparts; i++) {
		fputc('\n', out);
		print_member(out, m->parts[i]);
	}
}

int rr_cmd_examine(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	json_object *root = NULL, *devs = NULL;
	int json = 0, c, failed = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (optind >= argc)
		return rr_cmd_usage_error(cmd, "%s", _("name at least one device or image"));
	if (json) {
		root = json_object_new_object();
		devs = json_object_new_array();
		json_object_object_add(root, "devices", devs);
	}
	for (int i = optind; i < argc; i++) {
		struct rr_member *m = rr_examine_path(argv[i]);

		/* Every problem is reported on stderr naming the device, and
		 * the other devices are still examined. */
		for (size_t e = 0; e < m->nerrors; e++)
			rr_err(m->path, "%s", m->errors[e]);
		if (m->open_errno)
			failed = 1;
		if (json) {
			json_object_array_add(devs, member_json(m));
		} else {
			if (i > optind)
				putchar('\n');
			print_member(stdout, m);
			print_verdict(stdout, m);
		}
		rr_member_free(m);
	}
	if (json) {
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	}
	return failed ? RR_EXIT_FAIL : RR_EXIT_OK;
}
