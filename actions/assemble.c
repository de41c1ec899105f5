#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/assemble.h"
#include "actions/backend.h"
#include "actions/dm.h"
#include "actions/run.h"
#include "actions/teardown.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/layout.h"
#include "core/msg.h"

const char *rr_dmraid_type(int level, int layout, char *extra, size_t n)
{
	extra[0] = '\0';
	switch (level) {
	case RR_RAID0: return "raid0";
	case RR_RAID1: return "raid1";
	case RR_RAID4: return "raid4";
	case RR_RAID5:
		switch (layout) {
		case RR_ALG_LEFT_ASYMMETRIC: return "raid5_la";
		case RR_ALG_RIGHT_ASYMMETRIC: return "raid5_ra";
		case RR_ALG_LEFT_SYMMETRIC: return "raid5_ls";
		case RR_ALG_RIGHT_SYMMETRIC: return "raid5_rs";
		case RR_ALG_PARITY_N: return "raid5_n";
		default: return NULL;
		}
	case RR_RAID6:
		/* dm-raid has no plain left/right-symmetric RAID6 (mdadm's
		 * default): those go through mdadm. */
		switch (layout) {
		case RR_ALG_ROTATING_ZERO_RESTART: return "raid6_zr";
		case RR_ALG_ROTATING_N_RESTART: return "raid6_nr";
		case RR_ALG_ROTATING_N_CONTINUE: return "raid6_nc";
		case RR_ALG_PARITY_N: return "raid6_n_6";
		case RR_ALG_LEFT_ASYMMETRIC_6: return "raid6_la_6";
		case RR_ALG_RIGHT_ASYMMETRIC_6: return "raid6_ra_6";
		case RR_ALG_LEFT_SYMMETRIC_6: return "raid6_ls_6";
		case RR_ALG_RIGHT_SYMMETRIC_6: return "raid6_rs_6";
		default: return NULL;
		}
	case RR_RAID10: {
		unsigned near = RR_R10_NEAR(layout), far = RR_R10_FAR(layout);

		if (RR_R10_FARSET(layout))
			return NULL;
		if (near > 1 && far > 1)
			return NULL;
		if (far > 1)
			snprintf(extra, n, "raid10_copies %u raid10_format %s", far,
				 (layout & RR_R10_OFFSET) ? "offset" : "far");
		else
			snprintf(extra, n, "raid10_copies %u raid10_format near", near);
		return "raid10";
	}
	default:
		return NULL;
	}
}

static int pick_md_minor(char *dev, size_t n)
{
	for (int i = 200; i < 256; i++) {
		char p[64];

		snprintf(p, sizeof(p), "/sys/block/md%d", i);
		if (access(p, F_OK) < 0) {
			snprintf(dev, n, "/dev/md%d", i);
			return 0;
		}
	}
	return -EBUSY;
}

/* Used size per member: the candidate's, or the largest every present
 * member can give, rounded down to whole chunks as md does. */
int rr_assembly_member_sectors(const struct rr_overlay *ovs, const struct rr_candidate *c, uint64_t *out,
			       char *msg, size_t n)
{
	uint64_t best = UINT64_MAX, chunk = (uint64_t)c->chunk_kib * 2;

	for (unsigned i = 0; i < c->ndisks; i++) {
		const struct rr_overlay *ov;
		uint64_t avail;

		if (c->slot[i] == RR_CAND_MISSING)
			continue;
		ov = &ovs[c->slot[i]];
		if (ov->sectors == 0) {
			snprintf(msg, n, _("the snapshot of %s is not there any more (rebooted?); replay the session's journal"),
				 ov->member);
			return -ENXIO;
		}
		if (c->data_offset[i] >= ov->sectors) {
			snprintf(msg, n, _("slot %u: data offset %" PRIu64 " sectors is past the end of %s"), i,
				 c->data_offset[i], ov->member);
			return -EINVAL;
		}
		avail = ov->sectors - c->data_offset[i];
		if (c->dev_sectors && c->dev_sectors > avail) {
			snprintf(msg, n, _("slot %u: %s has %" PRIu64 " sectors after its data offset, the array needs %" PRIu64),
				 i, ov->member, avail, c->dev_sectors);
			return -EINVAL;
		}
		if (avail < best)
			best = avail;
	}
	if (best == UINT64_MAX) {
		snprintf(msg, n, "%s", _("every slot is missing"));
		return -EINVAL;
	}
	if (c->dev_sectors)
		best = c->dev_sectors;
	else if (chunk && c->level != RR_RAID1 && c->level != RR_LINEAR)
		best -= best % chunk;
	*out = best;
	return 0;
}

static int assemble_dmraid(struct rr_session *s, const struct rr_overlay *ovs, const struct rr_candidate *c,
			   const char *type, const char *extra, uint64_t seq, uint64_t devsz, uint64_t array_sectors,
			   json_object *done, json_object *script, struct rr_assembly *out, char *msg, size_t n)
{
	char name[128], uuid[128], path[200];
	size_t cap = 256 + (size_t)c->ndisks * 200;
	char *table = rr_xmalloc(cap);
	struct rr_dm_target t;
	int r, off, nparams;

	/* Members first: each a linear view of its data area. */
	for (unsigned i = 0; i < c->ndisks; i++) {
		const struct rr_overlay *ov;

		if (c->slot[i] == RR_CAND_MISSING)
			continue;
		ov = &ovs[c->slot[i]];
		snprintf(name, sizeof(name), "rr-%s-a%" PRIu64 "-s%u", s->id, seq, i);
		snprintf(uuid, sizeof(uuid), RR_DM_UUID_PREFIX "%s-a%" PRIu64 "-s%u", s->id, seq, i);
		{
			char lp[512];

			snprintf(lp, sizeof(lp), "%s %" PRIu64, ov->dev, c->data_offset[i]);
			t = (struct rr_dm_target){ 0, devsz, "linear", lp };
			rr_json_add_linef(script, "dmsetup create %s --uuid %s --table \"0 %" PRIu64 " linear %s %" PRIu64 "\"",
				 name, uuid, devsz, ov->dev, c->data_offset[i]);
			r = rr_dm_create(name, uuid, &t, 1, 1);
		}
		if (r < 0) {
			snprintf(msg, n, _("cannot create %s: %s %s"), name, strerror(-r), rr_dm_last_error());
			goto out;
		}
		json_object_array_add(done, rr_res_dm(name, uuid));
		rr_failpoint("assemble.linear");
	}
	/* Then the raid table: nosync, because a resync would write. */
	nparams = 2 + (extra[0] ? 4 : 0);
	off = snprintf(table, cap, "%s %d %u nosync%s%s %u", type, nparams,
		       c->level == RR_RAID1 ? 0 : c->chunk_kib * 2, extra[0] ? " " : "", extra, c->ndisks);
	for (unsigned i = 0; i < c->ndisks && off > 0 && (size_t)off < cap; i++) {
		if (c->slot[i] == RR_CAND_MISSING) {
			off += snprintf(table + off, cap - (size_t)off, " - -");
		} else {
			snprintf(name, sizeof(name), "rr-%s-a%" PRIu64 "-s%u", s->id, seq, i);
			off += snprintf(table + off, cap - (size_t)off, " - %s", rr_dm_path(name, path, sizeof(path)));
		}
	}
	snprintf(name, sizeof(name), "rr-%s-a%" PRIu64, s->id, seq);
	snprintf(uuid, sizeof(uuid), RR_DM_UUID_PREFIX "%s-a%" PRIu64, s->id, seq);
	/* "raid" is the target type; the table text starts at the raid type. */
	t = (struct rr_dm_target){ 0, array_sectors, "raid", table };
	rr_json_add_linef(script, "dmsetup create %s --uuid %s --readonly --table \"0 %" PRIu64 " raid %s\"", name, uuid,
		 array_sectors, table);
	r = rr_dm_create(name, uuid, &t, 1, 1);
	if (r < 0) {
		snprintf(msg, n, _("the kernel refused the raid table (%s): %s %s"), table, strerror(-r),
			 rr_dm_last_error());
		goto out;
	}
	json_object_array_add(done, rr_res_dm(name, uuid));
	rr_failpoint("assemble.raid");
	rr_dm_path(name, out->dev, sizeof(out->dev));
	out->sectors = array_sectors;
out:
	free(table);
	return r;
}

static int assemble_mdadm(struct rr_session *s, const struct rr_overlay *ovs, const struct rr_candidate *c,
			  uint64_t devsz, const char *md, json_object *done, json_object *script, struct rr_assembly *out,
			  char *msg, size_t n)
{
	char *argv[64 + RR_CAND_MAX_SLOTS], layout[64], *log, *cmd;
	char a_level[32], a_n[32], a_chunk[32], a_meta[32], a_layout[80], a_size[48], a_off[48];
	int variable = 0, k = 0, r;
	struct rr_run_result rr;
	char **owned = rr_xcalloc(c->ndisks + 1, sizeof(char *));

	for (unsigned i = 1; i < c->ndisks; i++)
		if (c->data_offset[i] != c->data_offset[0])
			variable = 1;
	for (unsigned i = 0; i < c->ndisks; i++) {
		struct rr_dm_info info;
		const struct rr_overlay *ov;

		if (c->slot[i] == RR_CAND_MISSING)
			continue;
		ov = &ovs[c->slot[i]];
		/* mdadm writes superblocks: only ever onto our snapshots. */
		if (rr_dm_get_info(ov->name, &info) < 0 || strcmp(info.uuid, ov->uuid)) {
			snprintf(msg, n, _("%s is not a snapshot of this session; mdadm is not run on it"), ov->dev);
			r = -EPERM;
			goto out;
		}
	}
	if (strcmp(c->metadata, "0.90") && strcmp(c->metadata, "1.0") && strcmp(c->metadata, "1.1") &&
	    strcmp(c->metadata, "1.2")) {
		snprintf(msg, n, _("metadata version '%s': say 0.90, 1.0, 1.1 or 1.2"), c->metadata);
		r = -EINVAL;
		goto out;
	}
	argv[k++] = "mdadm";
	argv[k++] = "--create";
	argv[k++] = (char *)md;
	argv[k++] = "--run";
	argv[k++] = "--assume-clean";
	snprintf(a_level, sizeof(a_level), "--level=%d", c->level);
	argv[k++] = a_level;
	snprintf(a_n, sizeof(a_n), "--raid-devices=%u", c->ndisks);
	argv[k++] = a_n;
	snprintf(a_meta, sizeof(a_meta), "--metadata=%s", c->metadata);
	argv[k++] = a_meta;
	if (c->level != RR_RAID1) {
		argv[k++] = "--bitmap=none";
		snprintf(a_chunk, sizeof(a_chunk), "--chunk=%u", c->chunk_kib);
		argv[k++] = a_chunk;
	} else {
		argv[k++] = "--bitmap=none";
	}
	if (rr_layout_name(c->level, c->layout, layout, sizeof(layout)) && c->level != RR_RAID0) {
		/* mdadm spells RAID10 layouts n2/f2/o2 on the command line */
		if (c->level == RR_RAID10)
			snprintf(layout, sizeof(layout), "%c%u", (c->layout & RR_R10_OFFSET) ? 'o' :
				 RR_R10_FAR(c->layout) > 1 ? 'f' : 'n',
				 RR_R10_FAR(c->layout) > 1 ? RR_R10_FAR(c->layout) : RR_R10_NEAR(c->layout));
		snprintf(a_layout, sizeof(a_layout), "--layout=%s", layout);
		argv[k++] = a_layout;
	}
	snprintf(a_size, sizeof(a_size), "--size=%" PRIu64, devsz / 2);
	argv[k++] = a_size;
	if (c->metadata[0] == '1' && strcmp(c->metadata, "1.0")) {
		if (variable)
			snprintf(a_off, sizeof(a_off), "--data-offset=variable");
		else
			snprintf(a_off, sizeof(a_off), "--data-offset=%" PRIu64, c->data_offset[0] / 2);
		argv[k++] = a_off;
	}
	for (unsigned i = 0; i < c->ndisks; i++) {
		if (c->slot[i] == RR_CAND_MISSING) {
			argv[k++] = "missing";
			continue;
		}
		owned[i] = variable ? rr_xasprintf("%s:%" PRIu64 "K", ovs[c->slot[i]].dev, c->data_offset[i] / 2)
				    : rr_xstrdup(ovs[c->slot[i]].dev);
		argv[k++] = owned[i];
	}
	argv[k] = NULL;
	cmd = rr_run_cmdline(argv);
	rr_json_add_linef(script, "%s", cmd);
	log = rr_session_file(s, "mdadm.log");
	{
		FILE *f = fopen(log, "ae");

		if (f) {
			fprintf(f, "# %s\n", cmd);
			fclose(f);
		}
	}
	free(cmd);
	r = rr_run(argv, log, 120, &rr);
	free(log);
	if (r < 0 || rr.exec_errno || rr.signaled || rr.timed_out || rr.exit_status) {
		snprintf(msg, n, _("mdadm --create failed (status %d%s); see mdadm.log in the session"),
			 rr.exit_status, rr.timed_out ? _(", timed out") : "");
		r = r < 0 ? r : -EIO;
		/* A half-made array is still ours to stop. */
		json_object_array_add(done, rr_res_md(md, NULL));
		goto out;
	}
	json_object_array_add(done, rr_res_md(md, NULL));
	rr_failpoint("assemble.mdadm");
	snprintf(out->dev, sizeof(out->dev), "%s", md);
	out->sectors = 0;
	r = 0;
out:
	for (unsigned i = 0; i <= c->ndisks; i++)
		free(owned[i]);
	free(owned);
	return r;
}

int rr_assembly_geometry(const struct rr_overlay *ovs, size_t nov, const struct rr_candidate *c, struct rr_geom *g,
			 char *msg, size_t n)
{
	uint64_t devsz;
	int r;

	if (c->ndisks == 0 || c->ndisks > RR_CAND_MAX_SLOTS) {
		snprintf(msg, n, "%s", _("the candidate has no slots"));
		return -EINVAL;
	}
	for (unsigned i = 0; i < c->ndisks; i++)
		if (c->slot[i] != RR_CAND_MISSING && (c->slot[i] < 0 || (size_t)c->slot[i] >= nov)) {
			snprintf(msg, n, _("slot %u names no overlaid member"), i);
			return -EINVAL;
		}
	r = rr_assembly_member_sectors(ovs, c, &devsz, msg, n);
	if (r < 0)
		return r;
	*g = (struct rr_geom){ .level = c->level, .layout = c->layout, .chunk_sectors = c->chunk_kib * 2,
			       .ndisks = c->ndisks, .dev_sectors = devsz };
	if (rr_layout_check(g) < 0) {
		snprintf(msg, n, "%s", _("the kernel would not run this geometry (level, layout, chunk and member count do not fit)"));
		return -EINVAL;
	}
	return 0;
}

json_object *rr_assembly_args(const struct rr_overlay *ovs, const struct rr_candidate *c, const char *via,
			      uint64_t devsz)
{
	json_object *args = json_object_new_object(), *order;

	json_object_object_add(args, "via", json_object_new_string(via));
	json_object_object_add(args, "level", json_object_new_int(c->level));
	json_object_object_add(args, "layout", json_object_new_int(c->layout));
	json_object_object_add(args, "chunk_kib", json_object_new_int((int)c->chunk_kib));
	json_object_object_add(args, "metadata", json_object_new_string(c->metadata));
	json_object_object_add(args, "dev_sectors", json_object_new_uint64(devsz));
	order = json_object_new_array();
	for (unsigned i = 0; i < c->ndisks; i++) {
		json_object *slot = json_object_new_object();

		json_object_object_add(slot, "member", c->slot[i] == RR_CAND_MISSING ? NULL
				       : json_object_new_string(ovs[c->slot[i]].member));
		json_object_object_add(slot, "data_offset_sectors", json_object_new_uint64(c->data_offset[i]));
		json_object_array_add(order, slot);
	}
	json_object_object_add(args, "order", order);
	return args;
}

const char *rr_via_name(enum rr_via via)
{
	switch (via) {
	case RR_VIA_DMRAID: return "dm-raid";
	case RR_VIA_MDADM: return "mdadm";
	case RR_VIA_USERSPACE: return "userspace";
	default: return "auto";
	}
}

int rr_kernel_assemble(struct rr_session *s, const struct rr_overlay *ovs, size_t nov, const struct rr_candidate *c,
		       enum rr_via via, struct rr_assembly *out, char *msg, size_t n)
{
	struct rr_geom g;
	json_object *args, *planned, *done, *script;
	char extra[96], name[128], uuid[128], lname[64], md[64] = "";
	const char *type;
	uint64_t seq, devsz, array_sectors;
	int r;

	memset(out, 0, sizeof(*out));
	msg[0] = '\0';
	r = rr_assembly_geometry(ovs, nov, c, &g, msg, n);
	if (r < 0)
		return r;
	devsz = g.dev_sectors;
	array_sectors = rr_layout_array_sectors(&g);
	type = rr_dmraid_type(c->level, c->layout, extra, sizeof(extra));
	if (via == RR_VIA_AUTO)
		via = type ? RR_VIA_DMRAID : RR_VIA_MDADM;
	if (via == RR_VIA_DMRAID && !type) {
		snprintf(msg, n, _("dm-raid cannot express %s with layout %s; use --via mdadm"),
			 rr_level_name(c->level) ? rr_level_name(c->level) : "?",
			 rr_layout_name(c->level, c->layout, lname, sizeof(lname)) ? lname : "?");
		return -EOPNOTSUPP;
	}
	out->via = via;
	seq = s->next_seq;

	args = rr_assembly_args(ovs, c, via == RR_VIA_DMRAID ? "dm-raid" : "mdadm", devsz);
	script = json_object_new_array();
	planned = json_object_new_array();
	if (via == RR_VIA_DMRAID) {
		for (unsigned i = 0; i < c->ndisks; i++) {
			if (c->slot[i] == RR_CAND_MISSING)
				continue;
			snprintf(name, sizeof(name), "rr-%s-a%" PRIu64 "-s%u", s->id, seq, i);
			snprintf(uuid, sizeof(uuid), RR_DM_UUID_PREFIX "%s-a%" PRIu64 "-s%u", s->id, seq, i);
			json_object_array_add(planned, rr_res_dm(name, uuid));
		}
		snprintf(name, sizeof(name), "rr-%s-a%" PRIu64, s->id, seq);
		snprintf(uuid, sizeof(uuid), RR_DM_UUID_PREFIX "%s-a%" PRIu64, s->id, seq);
		json_object_array_add(planned, rr_res_dm(name, uuid));
	} else {
		if (pick_md_minor(md, sizeof(md)) < 0) {
			json_object_put(args);
			json_object_put(planned);
			json_object_put(script);
			snprintf(msg, n, "%s", _("no free md device number between 200 and 255"));
			return -EBUSY;
		}
		json_object_array_add(planned, rr_res_md(md, NULL));
	}
	r = rr_journal_intent(s, "assemble", args, planned, &seq);
	if (r < 0) {
		json_object_put(script);
		snprintf(msg, n, _("cannot write the journal: %s"), strerror(-r));
		return r;
	}
	out->seq = seq;
	rr_failpoint("assemble.intent");
	done = json_object_new_array();
	if (via == RR_VIA_DMRAID)
		r = assemble_dmraid(s, ovs, c, type, extra, seq, devsz, array_sectors, done, script, out, msg, n);
	else
		r = assemble_mdadm(s, ovs, c, devsz, md, done, script, out, msg, n);
	if (r < 0) {
		for (size_t i = json_object_array_length(done); i-- > 0;) {
			char m2[256];

			rr_resource_remove(json_object_array_get_idx(done, i), m2, sizeof(m2));
		}
		json_object_put(done);
		json_object_put(script);
		rr_journal_failed(s, seq, msg, NULL);
		return r;
	}
	/* The commands are known only now (device numbers): they go into
	 * the done record, merged into the step's args when read back. */
	{
		json_object *more = json_object_new_object(), *undo = json_object_new_array();

		json_object_object_add(more, "script", script);
		for (size_t i = json_object_array_length(done); i-- > 0;) {
			json_object *res = json_object_array_get_idx(done, i), *x;

			if (json_object_object_get_ex(res, "name", &x))
				rr_json_add_linef(undo, "dmsetup remove %s", json_object_get_string(x));
			else if (json_object_object_get_ex(res, "device", &x))
				rr_json_add_linef(undo, "mdadm --stop %s", json_object_get_string(x));
		}
		json_object_object_add(more, "undo_script", undo);
		json_object_object_add(more, "device", json_object_new_string(out->dev));
		r = rr_journal_done_args(s, seq, done, more);
	}
	rr_session_log(s, "assemble (%s): %s", via == RR_VIA_DMRAID ? "dm-raid" : "mdadm", out->dev);
	return r;
}
