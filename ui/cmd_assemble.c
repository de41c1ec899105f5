/* raidrescue assemble: one candidate on the session's snapshots. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/assemble.h"
#include "actions/dm.h"
#include "actions/overlay.h"
#include "actions/session.h"
#include "core/i18n.h"
#include "core/layout.h"
#include "core/msg.h"
#include "probes/md.h"
#include "probes/probe.h"
#include "ui/cli.h"

int rr_parse_level(const char *s, int *level)
{
	static const struct { const char *name; int level; } names[] = {
		{ "linear", RR_LINEAR }, { "raid0", RR_RAID0 }, { "0", RR_RAID0 }, { "stripe", RR_RAID0 },
		{ "raid1", RR_RAID1 }, { "1", RR_RAID1 }, { "mirror", RR_RAID1 }, { "raid4", RR_RAID4 },
		{ "4", RR_RAID4 }, { "raid5", RR_RAID5 }, { "5", RR_RAID5 }, { "raid6", RR_RAID6 },
		{ "6", RR_RAID6 }, { "raid10", RR_RAID10 }, { "10", RR_RAID10 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*level = names[i].level;
			return 0;
		}
	return -EINVAL;
}

/* Index in ovs of the member the operator named (as given to overlay, or
 * the same file by its real path). */
static int find_overlay(const struct rr_overlay *ovs, size_t n, const char *name)
{
	char a[4096], b[4096];

	for (size_t i = 0; i < n; i++)
		if (!strcmp(ovs[i].member, name))
			return (int)i;
	if (!realpath(name, a))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (realpath(ovs[i].member, b) && !strcmp(a, b))
			return (int)i;
	return -1;
}

struct geom_opts {
	int level, layout, have_level, have_layout;
	unsigned chunk_kib;
	const char *metadata, *layout_name;
	int64_t data_offset;	/* -1: from the superblocks */
};

/* Fill what the operator did not say from the members' md superblocks. */
static int defaults_from_superblocks(const struct rr_overlay *ovs, struct rr_candidate *c,
				     const struct geom_opts *o)
{
	const struct rr_md_sb *ref = NULL;
	int r = 0;

	for (unsigned i = 0; i < c->ndisks; i++) {
		struct rr_member *m;
		const struct rr_md_sb *sb;

		if (c->slot[i] == RR_CAND_MISSING)
			continue;
		m = rr_examine_path(ovs[c->slot[i]].member);
		sb = rr_md_primary(m->md);
		if (sb) {
			if (!ref) {
				static struct rr_md_sb copy;

				copy = *sb;	/* the scalars only */
				copy.roles = NULL;
				copy.array_state = NULL;
				ref = &copy;
			}
			c->data_offset[i] = sb->data_offset;
			if (!c->dev_sectors && sb->component_size)
				c->dev_sectors = sb->component_size;
		}
		rr_member_free(m);
	}
	if (ref) {
		if (!o->have_level)
			c->level = ref->level;
		if (!o->have_layout)
			c->layout = (int)ref->layout;
		if (!o->chunk_kib)
			c->chunk_kib = (unsigned)(ref->chunk_bytes / 1024);
		if (!o->metadata)
			snprintf(c->metadata, sizeof(c->metadata), "%s", rr_md_version_name(ref->version));
		if (ref->raid_disks != c->ndisks)
			rr_warn(NULL, _("the superblocks say %u devices, the order names %u slots"), ref->raid_disks,
				c->ndisks);
		r = 1;
	} else if (!o->have_level) {
		rr_err(NULL, "%s", _("no md superblock on the members: say --level, --chunk, --layout and --data-offset"));
		r = -EINVAL;
	}
	return r;
}

int rr_cmd_assemble(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "session", required_argument, NULL, 's' },
		{ "via", required_argument, NULL, 'v' },
		{ "order", required_argument, NULL, 'o' },
		{ "level", required_argument, NULL, 'l' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "layout", required_argument, NULL, 'p' },
		{ "metadata", required_argument, NULL, 'e' },
		{ "data-offset", required_argument, NULL, 'd' },
		{ "backend", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct geom_opts o = { .data_offset = -1 };
	struct rr_candidate cand;
	struct rr_overlay *ovs = NULL;
	struct rr_assembly a;
	struct rr_session *s = NULL;
	enum rr_via via = RR_VIA_AUTO;
	const char *dir = NULL, *order = NULL;
	char msg[1024], *list, *tok, *save;
	size_t nov = 0;
	int c, r, rc = RR_EXIT_FAIL, backend = 0;
	char *end;

	memset(&cand, 0, sizeof(cand));
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:v:o:l:c:p:e:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': dir = optarg; break;
		case 'o': order = optarg; break;
		case 'B':
			if (rr_cli_parse_backend(optarg, &backend) < 0)
				return rr_cmd_usage_error(cmd, _("--backend %s: say kernel, userspace or auto"), optarg);
			break;
		case 'v':
			if (rr_cli_parse_via(optarg, &via) < 0)
				return rr_cmd_usage_error(cmd, _("--via %s: say dm-raid, mdadm or auto"), optarg);
			break;
		case 'l':
			if (rr_parse_level(optarg, &o.level) < 0)
				return rr_cmd_usage_error(cmd, _("--level %s: not an md level (linear, 0, 1, 4, 5, 6, 10)"), optarg);
			o.have_level = 1;
			break;
		case 'c':
			if (rr_cli_parse_kib(optarg, 4, 1u << 20, &o.chunk_kib) < 0)
				return rr_cmd_usage_error(cmd, _("--chunk %s: a power of two, in KiB"), optarg);
			break;
		case 'p': o.layout_name = optarg; break;
		case 'e': o.metadata = optarg; break;
		case 'd':
			o.data_offset = (int64_t)strtoull(optarg, &end, 10);
			if (*end || o.data_offset < 0)
				return rr_cmd_usage_error(cmd, _("--data-offset %s: a number of 512-byte sectors"), optarg);
			break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (!dir || !order)
		return rr_cmd_usage_error(cmd, "%s", _("--session DIR and --order A,B,missing,D are required"));
	if (optind < argc)
		return rr_cmd_usage_error(cmd, _("unexpected argument: %s"), argv[optind]);
	r = rr_session_open(dir, 0, &s);
	if (r < 0) {
		rr_err(dir, _("cannot open the session: %s"), r == -EBUSY ? _("in use by another raidrescue") : strerror(-r));
		return RR_EXIT_FAIL;
	}
	if (rr_cli_session_backend(s, backend) < 0)
		goto out;
	r = rr_overlay_list(s, &ovs, &nov);
	if (r < 0 || nov == 0) {
		rr_err(dir, "%s", _("the session has no snapshots; run 'raidrescue overlay' first"));
		goto out;
	}
	list = rr_xstrdup(order);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int idx = -1;

		if (cand.ndisks >= RR_CAND_MAX_SLOTS)
			break;
		if (strcmp(tok, "missing")) {
			idx = find_overlay(ovs, nov, tok);
			if (idx < 0) {
				rr_err(tok, "%s", _("not a member overlaid in this session"));
				free(list);
				goto out;
			}
		}
		cand.slot[cand.ndisks++] = idx;
	}
	free(list);
	cand.level = o.level;
	cand.chunk_kib = o.chunk_kib;
	if (o.metadata)
		snprintf(cand.metadata, sizeof(cand.metadata), "%s", o.metadata);
	r = defaults_from_superblocks(ovs, &cand, &o);
	if (r < 0)
		goto out;
	if (o.layout_name) {
		if (rr_layout_parse(cand.level, o.layout_name, &cand.layout) < 0) {
			rr_err(NULL, _("--layout %s: not a layout of this level"), o.layout_name);
			goto out;
		}
	} else if (r == 0) {
		/* No superblock and no --layout: mdadm's defaults. */
		if (cand.level == RR_RAID5 || cand.level == RR_RAID6)
			cand.layout = RR_ALG_LEFT_SYMMETRIC;
		else if (cand.level == RR_RAID10)
			cand.layout = RR_R10_LAYOUT(2, 1, 0);
	}
	if (!cand.chunk_kib)
		cand.chunk_kib = 512;
	if (o.data_offset >= 0)
		for (unsigned i = 0; i < cand.ndisks; i++)
			cand.data_offset[i] = (uint64_t)o.data_offset;
	if (!cand.metadata[0])
		snprintf(cand.metadata, sizeof(cand.metadata), "1.2");
	r = rr_assemble(s, ovs, nov, &cand, via, &a, msg, sizeof(msg));
	if (r < 0) {
		rr_err(dir, "%s", msg);
		goto out;
	}
	printf(_("assembled %s (%s) on the snapshots; check it with: raidrescue fsck --session %s\n"), a.dev,
	       rr_via_name(a.via), dir);
	rc = RR_EXIT_OK;
out:
	free(ovs);
	rr_session_close(s);
	return rc;
}
