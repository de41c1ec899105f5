/* raidrescue zfs list|rewind: the uberblocks of a pool's members, and
 * taking the pool's overlays back to an older txg (actions/zfs_rewind.h). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/session.h"
#include "actions/zfs_rewind.h"
#include "core/i18n.h"
#include "core/member.h"
#include "core/msg.h"
#include "probes/devread.h"
#include "probes/zfs.h"
#include "ui/cli.h"

static void fmt_time(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > (uint64_t)INT32_MAX * 64 || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "%" PRIu64, t);
}

static int cmp_u64_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Distinct txgs of the uberblocks of zi, newest first (*n of them). */
static uint64_t *txgs_of(const struct rr_zfs_info *zi, size_t *n)
{
	uint64_t *v = NULL;
	size_t nv = 0;

	for (int l = 0; l < RR_ZFS_LABELS; l++)
		for (size_t i = 0; i < zi->labels[l].nubs; i++) {
			uint64_t t = zi->labels[l].ubs[i].txg;
			size_t k;

			for (k = 0; k < nv && v[k] != t; k++)
				;
			if (k < nv)
				continue;
			v = rr_xrealloc(v, (nv + 1) * sizeof(*v));
			v[nv++] = t;
		}
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_u64_desc);
	*n = nv;
	return v;
}

static const struct rr_zfs_uberblock *find_ub(const struct rr_zfs_label *l, uint64_t txg)
{
	const struct rr_zfs_uberblock *best = NULL;

	for (size_t i = 0; i < l->nubs; i++)
		if (l->ubs[i].txg == txg && (!best || (l->ubs[i].cksum == RR_ZFS_CKSUM_OK && best->cksum != RR_ZFS_CKSUM_OK)))
			best = &l->ubs[i];
	return best;
}

/* Print s left-aligned in width columns (characters, not UTF-8 bytes). */
static void pad(const char *s, int width)
{
	int n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xc0) != 0x80;
	fputs(s, stdout);
	printf("%*s", width > n ? width - n : 0, "");
}

static const char *label_state(enum rr_zfs_label_state s)
{
	switch (s) {
	case RR_ZFS_LABEL_VALID: return _("valid");
	case RR_ZFS_LABEL_UNREADABLE: return _("unreadable");
	case RR_ZFS_LABEL_BLANK: return _("blank");
	case RR_ZFS_LABEL_BAD_CHECKSUM: return _("checksum mismatch");
	case RR_ZFS_LABEL_BAD_NVLIST: return _("undecodable configuration");
	}
	return "?";
}

static void print_device(const char *path, const struct rr_zfs_info *zi)
{
	uint64_t *txgs;
	size_t nt;
	char when[64];

	printf("%s:", path);
	if (zi->config && zi->config->name)
		printf(_(" pool '%s'"), zi->config->name);
	if (zi->config && (zi->config->have & RR_ZFS_CFG_POOL_GUID))
		printf(_(" (guid %" PRIu64 ")"), zi->config->pool_guid);
	if (zi->have_active)
		printf(_(", active uberblock txg %" PRIu64 " (label %d, slot %u)"), zi->active.txg, zi->active_label,
		       zi->active.slot);
	else
		printf("%s", _(", no valid uberblock"));
	putchar('\n');
	printf("  %s", _("labels:"));
	for (int l = 0; l < RR_ZFS_LABELS; l++) {
		printf("%s L%d %s", l ? "," : "", l, label_state(zi->labels[l].state));
		if (zi->labels[l].config.have & RR_ZFS_CFG_TXG)
			printf(_(" (config txg %" PRIu64 ")"), zi->labels[l].config.txg);
	}
	putchar('\n');
	if (zi->disagree)
		printf("  %s%s%s%s%s%s%s\n", _("the labels disagree on:"),
		       zi->disagree & 1 ? " txg" : "", zi->disagree & 2 ? " pool_guid" : "",
		       zi->disagree & 4 ? " guid" : "", zi->disagree & 8 ? " top_guid" : "",
		       zi->disagree & 16 ? " name" : "", zi->disagree & 32 ? " vdev_tree" : "");
	txgs = txgs_of(zi, &nt);
	/* One row per txg; per label the slot that holds it ('!': bad
	 * checksum, '-': not in that label's ring). */
	printf("  %-10s ", "txg");
	pad(_("time"), 24);
	printf(" %-7s %-7s %-7s %-7s\n", "L0", "L1", "L2", "L3");
	for (size_t i = 0; i < nt; i++) {
		const struct rr_zfs_uberblock *any = NULL;
		int newest_label_mismatch = 0;

		for (int l = 0; l < RR_ZFS_LABELS && !any; l++)
			any = find_ub(&zi->labels[l], txgs[i]);
		fmt_time(any ? any->timestamp : 0, when, sizeof(when));
		printf("  %-10" PRIu64 " %-24s", txgs[i], when);
		for (int l = 0; l < RR_ZFS_LABELS; l++) {
			const struct rr_zfs_uberblock *u = find_ub(&zi->labels[l], txgs[i]);
			char cell[16];

			if (u)
				snprintf(cell, sizeof(cell), "%u%s", u->slot, u->cksum == RR_ZFS_CKSUM_OK ? "" : "!");
			else
				snprintf(cell, sizeof(cell), "-");
			if (!u && zi->labels[l].nubs && i == 0)
				newest_label_mismatch = 1;
			printf(" %-7s", cell);
		}
		if (zi->have_active && txgs[i] == zi->active.txg)
			printf(" %s", _("<- active"));
		if (newest_label_mismatch)
			printf(" %s", _("(not in every label)"));
		putchar('\n');
	}
	free(txgs);
}

static json_object *device_json(const char *path, const struct rr_zfs_info *zi)
{
	json_object *o = json_object_new_object(), *labels = json_object_new_array();
	char g[24];

	json_object_object_add(o, "path", json_object_new_string(path));
	if (zi->config && zi->config->name)
		json_object_object_add(o, "pool", json_object_new_string(zi->config->name));
	if (zi->config && (zi->config->have & RR_ZFS_CFG_POOL_GUID)) {
		snprintf(g, sizeof(g), "%" PRIu64, zi->config->pool_guid);
		json_object_object_add(o, "pool_guid", json_object_new_string(g));
	}
	json_object_object_add(o, "active_txg", zi->have_active ? json_object_new_uint64(zi->active.txg) : NULL);
	json_object_object_add(o, "active_label", json_object_new_int(zi->have_active ? zi->active_label : -1));
	json_object_object_add(o, "labels_agree", json_object_new_boolean(!zi->disagree));
	for (int l = 0; l < RR_ZFS_LABELS; l++) {
		const struct rr_zfs_label *lab = &zi->labels[l];
		json_object *lo = json_object_new_object(), *ubs = json_object_new_array();

		json_object_object_add(lo, "index", json_object_new_int(l));
		json_object_object_add(lo, "valid", json_object_new_boolean(lab->state == RR_ZFS_LABEL_VALID));
		if (lab->config.have & RR_ZFS_CFG_TXG)
			json_object_object_add(lo, "config_txg", json_object_new_uint64(lab->config.txg));
		json_object_object_add(lo, "newest_txg",
				       lab->best_ub >= 0 ? json_object_new_uint64(lab->ubs[lab->best_ub].txg) : NULL);
		for (size_t i = 0; i < lab->nubs; i++) {
			json_object *u = json_object_new_object();

			json_object_object_add(u, "slot", json_object_new_int((int)lab->ubs[i].slot));
			json_object_object_add(u, "txg", json_object_new_uint64(lab->ubs[i].txg));
			json_object_object_add(u, "timestamp", json_object_new_uint64(lab->ubs[i].timestamp));
			json_object_object_add(u, "checksum_ok", json_object_new_boolean(lab->ubs[i].cksum == RR_ZFS_CKSUM_OK));
			json_object_array_add(ubs, u);
		}
		json_object_object_add(lo, "uberblocks", ubs);
		json_object_array_add(labels, lo);
	}
	json_object_object_add(o, "labels", labels);
	return o;
}

/* A txg with a valid uberblock in some label of zi. */
static int has_valid(const struct rr_zfs_info *zi, uint64_t txg)
{
	for (int l = 0; l < RR_ZFS_LABELS; l++) {
		const struct rr_zfs_uberblock *u = find_ub(&zi->labels[l], txg);

		if (u && u->cksum == RR_ZFS_CKSUM_OK)
			return 1;
	}
	return 0;
}

static int cmd_list(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_zfs_info **zis;
	json_object *root = NULL, *devs = NULL, *common_j;
	uint64_t *common = NULL;
	size_t ncommon = 0;
	int c, json = 0, failed = 0, ndev;

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
	ndev = argc - optind;
	zis = rr_xcalloc((size_t)ndev, sizeof(*zis));
	if (json) {
		root = json_object_new_object();
		devs = json_object_new_array();
		json_object_object_add(root, "devices", devs);
	}
	for (int i = 0; i < ndev; i++) {
		const char *path = argv[optind + i];
		struct rr_member *m = rr_member_new(path);
		struct rr_dev *dev;
		int r = rr_dev_open(path, &dev);

		if (r < 0) {
			rr_err(path, _("cannot open: %s"), strerror(-r));
			failed = 1;
		} else {
			zis[i] = rr_zfs_read(dev, m);
			rr_dev_close(dev);
			if (!zis[i]) {
				rr_err(path, "%s", _("no ZFS labels"));
				failed = 1;
			} else if (json) {
				json_object_array_add(devs, device_json(path, zis[i]));
			} else {
				print_device(path, zis[i]);
				for (size_t k = 0; k < m->nerrors; k++)
					printf(_("  problem: %s\n"), m->errors[k]);
			}
		}
		rr_member_free(m);
	}
	/* The txgs every member can go back to. */
	for (int i = 0; i < ndev; i++) {
		size_t nt;
		uint64_t *t;

		if (!zis[i])
			continue;
		t = txgs_of(zis[i], &nt);
		for (size_t k = 0; k < nt; k++) {
			int all = 1;

			for (int j = 0; j < ndev && all; j++)
				all = zis[j] && has_valid(zis[j], t[k]);
			if (all) {
				common = rr_xrealloc(common, (ncommon + 1) * sizeof(*common));
				common[ncommon++] = t[k];
			}
		}
		free(t);
		break;
	}
	if (json) {
		common_j = json_object_new_array();
		for (size_t k = 0; k < ncommon; k++)
			json_object_array_add(common_j, json_object_new_uint64(common[k]));
		json_object_object_add(root, "rewind_txgs", common_j);
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	} else if (!failed) {
		printf("%s", _("txgs with a valid uberblock on every device (rewind --txg targets):"));
		for (size_t k = 0; k < ncommon; k++)
			printf(" %" PRIu64, common[k]);
		putchar('\n');
	}
	for (int i = 0; i < ndev; i++)
		rr_zfs_info_free(zis[i]);
	free(zis);
	free(common);
	return failed ? RR_EXIT_FAIL : RR_EXIT_OK;
}

static int cmd_rewind(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "txg", required_argument, NULL, 't' },
		{ "session", required_argument, NULL, 's' },
		{ "target-file", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rr_session *s;
	const char *dir = NULL;
	uint64_t txg = 0;
	int c, have_txg = 0, files = 0, r;
	char msg[1024], *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			txg = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg)
				return rr_cmd_usage_error(cmd, _("--txg %s: a transaction group number"), optarg);
			have_txg = 1;
			break;
		case 's': dir = optarg; break;
		case 'F': files = 1; break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (!have_txg || !dir)
		return rr_cmd_usage_error(cmd, "%s", _("--txg N and --session DIR are required"));
	r = rr_session_open(dir, 0, &s);
	if (r < 0) {
		if (r == -EBUSY)
			rr_err(dir, "%s", _("the session is in use by another raidrescue"));
		else if (r == -ENOENT)
			rr_err(dir, "%s", _("no session here (no session.json)"));
		else
			rr_err(dir, _("cannot open the session: %s"), strerror(-r));
		return RR_EXIT_FAIL;
	}
	r = rr_zfs_rewind(s, txg, argv + optind, (size_t)(argc - optind), files, stdout, msg, sizeof(msg));
	if (r < 0)
		rr_err(dir, "%s", msg);
	else
		printf(_("The pool's overlays now end at txg %" PRIu64 " (checked). Undo with: raidrescue undo --session %s\n"),
		       txg, s->dir);
	rr_session_close(s);
	return r < 0 ? RR_EXIT_FAIL : RR_EXIT_OK;
}

int rr_cmd_zfs(const struct rr_cmd *cmd, int argc, char **argv)
{
	if (argc < 2)
		return rr_cmd_usage_error(cmd, "%s", _("say list or rewind"));
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		rr_cmd_help(cmd);
		return RR_EXIT_OK;
	}
	if (!strcmp(argv[1], "list"))
		return cmd_list(cmd, argc - 1, argv + 1);
	if (!strcmp(argv[1], "rewind"))
		return cmd_rewind(cmd, argc - 1, argv + 1);
	return rr_cmd_usage_error(cmd, _("unknown subcommand: %s"), argv[1]);
}
