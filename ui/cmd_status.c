/* raidrescue status: the md arrays of this machine and their health. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/mdstat.h"
#include "core/msg.h"
#include "core/units.h"
#include "ui/cli.h"

static const char *member_state(const struct rr_mdstat_array *a, const struct rr_mdstat_member *m)
{
	if (m->faulty)
		return _("faulty");
	if (m->journal)
		return _("journal");
	if (m->spare)
		return a->sync_action[0] && !strcmp(a->sync_action, "recovery") ? _("rebuilding") : _("spare");
	if (m->replacement)
		return _("replacement");
	return _("in sync");
}

static json_object *array_json(const struct rr_mdstat_array *a, const struct rr_md_sysfs *sys, int have_sys)
{
	json_object *o = json_object_new_object(), *mem = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "active", json_object_new_boolean(a->active));
	json_object_object_add(o, "level", a->level[0] ? json_object_new_string(a->level) : NULL);
	json_object_object_add(o, "raid_devices", json_object_new_int((int)a->raid_disks));
	json_object_object_add(o, "working", json_object_new_int((int)a->working));
	json_object_object_add(o, "degraded", json_object_new_boolean(rr_mdstat_degraded(a)));
	json_object_object_add(o, "status", a->status[0] ? json_object_new_string(a->status) : NULL);
	json_object_object_add(o, "size_kib", json_object_new_uint64(a->blocks));
	if (a->sync_action[0]) {
		json_object_object_add(o, "sync_action", json_object_new_string(a->sync_action));
		json_object_object_add(o, "sync_percent", json_object_new_double(a->sync_permille / 10.0));
	}
	if (have_sys) {
		json_object_object_add(o, "array_state", json_object_new_string(sys->array_state));
		json_object_object_add(o, "mismatch_cnt", json_object_new_uint64(sys->mismatch_cnt));
	}
	for (size_t i = 0; i < a->nmembers; i++) {
		json_object *m = json_object_new_object();

		json_object_object_add(m, "device", json_object_new_string(a->members[i].name));
		json_object_object_add(m, "slot", json_object_new_int(a->members[i].role));
		json_object_object_add(m, "state", json_object_new_string(
			a->members[i].faulty ? "faulty" : a->members[i].spare ? "spare" :
			a->members[i].journal ? "journal" : a->members[i].replacement ? "replacement" : "in_sync"));
		json_object_array_add(mem, m);
	}
	json_object_object_add(o, "members", mem);
	return o;
}

int rr_cmd_status(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "mdstat", required_argument, NULL, 'm' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *mdstat = "/proc/mdstat", *sysfs = "/sys";
	struct rr_mdstat st;
	json_object *root = NULL, *arr = NULL;
	int c, json = 0, r, bad = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'm': mdstat = optarg; break;
		case 's': sysfs = optarg; break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (optind < argc)
		return rr_cmd_usage_error(cmd, _("unexpected argument: %s"), argv[optind]);
	r = rr_mdstat_read(mdstat, &st);
	if (r == -ENOENT) {
		/* No md driver: no arrays, and that is not an error. */
		memset(&st, 0, sizeof(st));
		if (!json)
			printf(_("No md driver in this kernel (%s is absent): no arrays.\n"), mdstat);
	} else if (r < 0) {
		rr_err(mdstat, _("cannot read: %s"), strerror(-r));
		return RR_EXIT_FAIL;
	}
	if (json) {
		root = json_object_new_object();
		arr = json_object_new_array();
		json_object_object_add(root, "arrays", arr);
	} else if (r == 0 && st.narrays == 0) {
		printf("%s\n", _("No md arrays on this machine."));
	}
	for (size_t i = 0; i < st.narrays; i++) {
		const struct rr_mdstat_array *a = &st.arrays[i];
		struct rr_md_sysfs sys;
		int have_sys = rr_md_sysfs_read(sysfs, a->name, &sys) == 0;
		char size[32];

		if (!a->active || rr_mdstat_degraded(a))
			bad = 1;
		if (json) {
			json_object_array_add(arr, array_json(a, &sys, have_sys));
			continue;
		}
		printf("%s: %s %s", a->name, a->active ? _("active") : _("inactive"), a->level[0] ? a->level : "-");
		if (a->raid_disks)
			printf(_(", %u of %u devices working"), a->working, a->raid_disks);
		if (a->status[0])
			printf(" [%s]", a->status);
		printf(", %s", rr_format_size(a->blocks * 1024, size, sizeof(size)));
		if (!a->active)
			printf(_(" — NOT RUNNING"));
		else if (rr_mdstat_degraded(a))
			printf(_(" — DEGRADED"));
		if (a->sync_action[0] && a->sync_permille >= 0)
			printf(_(", %s %.1f%%"), a->sync_action, a->sync_permille / 10.0);
		if (have_sys && sys.array_state[0])
			printf(_(", state %s"), sys.array_state);
		putchar('\n');
		for (size_t k = 0; k < a->nmembers; k++)
			printf(_("  %-12s slot %-3d %s\n"), a->members[k].name, a->members[k].role,
			       member_state(a, &a->members[k]));
	}
	if (json) {
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	}
	rr_mdstat_free(&st);
	/* 0 all healthy; 1 when an array is degraded or not running, so
	 * scripts and monitors can act on it. */
	return bad ? RR_EXIT_FAIL : RR_EXIT_OK;
}
