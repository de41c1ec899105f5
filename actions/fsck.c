#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/backend.h"
#include "actions/dm.h"
#include "actions/fsck.h"
#include "actions/run.h"
#include "core/failpoint.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "probes/fstype.h"

static const char *const result_names[] = { "clean", "errors", "not-a-filesystem", "failed" };

const char *rr_fsck_result_name(enum rr_fsck_result r)
{
	return (unsigned)r < 4 ? result_names[r] : "failed";
}

/* The read-only checker of a type, and how to read its exit status. */
struct checker {
	const char *type;
	const char *argv[6];	/* device appended */
	int errors_status;	/* status meaning "errors found" (bit for e2fsck) */
	int errors_is_bit;
	const char *count_pattern;	/* lines counted as one error each */
};

static const struct checker checkers[] = {
	{ "ext2", { "e2fsck", "-f", "-n", NULL }, 4, 1, "? no" },
	{ "ext3", { "e2fsck", "-f", "-n", NULL }, 4, 1, "? no" },
	{ "ext4", { "e2fsck", "-f", "-n", NULL }, 4, 1, "? no" },
	{ "xfs", { "xfs_repair", "-n", NULL }, 1, 0, "would " },
	{ "btrfs", { "btrfs", "check", "--readonly", NULL }, 1, 0, "ERROR:" },
	{ "vfat", { "fsck.vfat", "-n", NULL }, 1, 0, NULL },
};

/* The repairing checkers (--write), on snapshots only. */
static const struct {
	const char *type;
	const char *argv[6];
} repairers[] = {
	{ "ext2", { "e2fsck", "-f", "-y", NULL } },
	{ "ext3", { "e2fsck", "-f", "-y", NULL } },
	{ "ext4", { "e2fsck", "-f", "-y", NULL } },
	{ "xfs", { "xfs_repair", NULL } },
	{ "btrfs", { "btrfs", "check", "--repair", "--force", NULL } },
	{ "vfat", { "fsck.vfat", "-a", NULL } },
};

static unsigned count_lines(const char *text, const char *pat)
{
	unsigned n = 0;

	if (!pat)
		return 0;
	for (const char *p = text; (p = strstr(p, pat)); p += strlen(pat))
		n++;
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long len;

	if (!f)
		return rr_xstrdup("");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	if (len < 0 || len > (64l << 20))
		len = 0;
	fseek(f, 0, SEEK_SET);
	buf = rr_xmalloc((size_t)len + 1);
	len = (long)fread(buf, 1, (size_t)len, f);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static void check_one(struct rr_session *s, const struct rr_volume *v, unsigned idx, unsigned timeout_s,
		      struct rr_fsck_item *it, int repair)
{
	const struct checker *ck = NULL;
	struct rr_fsid id;
	struct rr_run_result rr;
	char *argv[8], *text, *name;
	int r, k = 0, is_errors;

	memset(it, 0, sizeof(*it));
	snprintf(it->device, sizeof(it->device), "%s", v->dev);
	snprintf(it->what, sizeof(it->what), "%s", v->what);
	r = rr_fs_identify(v->dev, &id);
	if (r < 0) {
		it->result = RR_FSCK_FAILED;
		snprintf(it->note, sizeof(it->note), _("cannot read: %s"), strerror(-r));
		return;
	}
	snprintf(it->type, sizeof(it->type), "%s", id.type);
	snprintf(it->label, sizeof(it->label), "%s", id.label);
	for (size_t i = 0; i < sizeof(checkers) / sizeof(checkers[0]); i++)
		if (!strcmp(checkers[i].type, id.type))
			ck = &checkers[i];
	if (!ck) {
		it->result = RR_FSCK_NOT_FS;
		if (id.type[0])
			snprintf(it->note, sizeof(it->note), _("%s (%s): no checker for it here"), id.type,
				 id.usage[0] ? id.usage : "?");
		else
			snprintf(it->note, sizeof(it->note), "%s", _("no filesystem signature"));
		return;
	}
	if (repair) {
		for (size_t i = 0; i < sizeof(repairers) / sizeof(repairers[0]); i++)
			if (!strcmp(repairers[i].type, id.type))
				for (int j = 0; repairers[i].argv[j]; j++)
					argv[k++] = (char *)repairers[i].argv[j];
	} else {
		for (int i = 0; ck->argv[i]; i++)
			argv[k++] = (char *)ck->argv[i];
	}
	argv[k++] = (char *)v->dev;
	argv[k] = NULL;
	name = rr_xasprintf("%s-%02u-%s.log", repair ? "repair" : "fsck", idx, id.type);
	text = rr_session_file(s, name);
	free(name);
	snprintf(it->log, sizeof(it->log), "%s", text);
	free(text);
	{
		char *cmd = rr_run_cmdline(argv);
		FILE *f = fopen(it->log, "we");

		if (f) {
			fprintf(f, "# %s\n", cmd);
			fclose(f);
		}
		free(cmd);
	}
	r = rr_run(argv, it->log, timeout_s, &rr);
	if (r < 0 || rr.exec_errno) {
		it->result = RR_FSCK_FAILED;
		snprintf(it->note, sizeof(it->note), _("cannot run %s: %s"), argv[0],
			 strerror(r < 0 ? -r : rr.exec_errno));
		return;
	}
	if (rr.timed_out || rr.signaled) {
		it->result = RR_FSCK_FAILED;
		snprintf(it->note, sizeof(it->note), rr.timed_out ? _("%s timed out after %u s") : _("%s was killed"),
			 argv[0], timeout_s);
		return;
	}
	text = slurp(it->log);
	if (repair) {
		/* After a repair: 0 nothing to fix, e2fsck 1/2 fixed, xfs 0;
		 * anything with the "uncorrected" bit is still broken. */
		int fixed = ck->errors_is_bit ? !(rr.exit_status & ~3) : rr.exit_status == 0;

		it->result = fixed ? RR_FSCK_CLEAN : RR_FSCK_ERRORS;
		it->errors = fixed ? 0 : 1;
		if (!fixed)
			snprintf(it->note, sizeof(it->note), _("%s exited with status %d"), argv[0], rr.exit_status);
		else if (rr.exit_status)
			snprintf(it->note, sizeof(it->note), "%s", _("repaired (on the snapshot)"));
		free(text);
		return;
	}
	is_errors = ck->errors_is_bit ? (rr.exit_status & ck->errors_status) != 0 : rr.exit_status == ck->errors_status;
	if (rr.exit_status == 0) {
		it->result = RR_FSCK_CLEAN;
	} else if (is_errors && !(ck->errors_is_bit && (rr.exit_status & 8))) {
		it->result = RR_FSCK_ERRORS;
		it->errors = count_lines(text, ck->count_pattern);
		if (!it->errors)
			it->errors = 1;
	} else {
		/* e2fsck 8: operational error, e.g. no superblock at all */
		it->result = RR_FSCK_FAILED;
		snprintf(it->note, sizeof(it->note), _("%s exited with status %d"), argv[0], rr.exit_status);
	}
	free(text);
}

int rr_fsck_volumes(struct rr_session *s, const struct rr_layers *l, unsigned timeout_s,
		    struct rr_fsck_report *rep)
{
	json_object *args, *vols;
	uint64_t seq;
	int r;

	memset(rep, 0, sizeof(*rep));
	args = json_object_new_object();
	vols = json_object_new_array();
	for (size_t i = 0; i < l->nvols; i++)
		json_object_array_add(vols, json_object_new_string(l->vols[i].dev));
	json_object_object_add(args, "volumes", vols);
	r = rr_journal_intent(s, "fsck", args, NULL, &seq);
	if (r < 0)
		return r;
	rr_failpoint("fsck.intent");
	rep->items = rr_xcalloc(l->nvols, sizeof(*rep->items));
	for (size_t i = 0; i < l->nvols; i++) {
		check_one(s, &l->vols[i], (unsigned)i, timeout_s, &rep->items[i], 0);
		rep->nitems++;
	}
	{
		json_object *more = json_object_new_object();

		json_object_object_add(more, "results", rr_fsck_report_json(rep));
		r = rr_journal_done_args(s, seq, NULL, more);
	}
	for (size_t i = 0; i < rep->nitems; i++)
		rr_session_log(s, "fsck %s (%s %s): %s, %u errors%s%s", rep->items[i].device, rep->items[i].type,
			       rep->items[i].label, rr_fsck_result_name(rep->items[i].result), rep->items[i].errors,
			       rep->items[i].note[0] ? ": " : "", rep->items[i].note);
	return r;
}

json_object *rr_fsck_report_json(const struct rr_fsck_report *rep)
{
	json_object *fss = json_object_new_array();

	for (size_t i = 0; i < rep->nitems; i++) {
		const struct rr_fsck_item *it = &rep->items[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "device", json_object_new_string(it->device));
		json_object_object_add(o, "what", json_object_new_string(it->what));
		json_object_object_add(o, "type", it->type[0] ? json_object_new_string(it->type) : NULL);
		json_object_object_add(o, "label", it->label[0] ? json_object_new_string(it->label) : NULL);
		json_object_object_add(o, "result", json_object_new_string(rr_fsck_result_name(it->result)));
		json_object_object_add(o, "errors", json_object_new_int((int)it->errors));
		json_object_object_add(o, "log", it->log[0] ? json_object_new_string(it->log) : NULL);
		if (it->note[0])
			json_object_object_add(o, "note", json_object_new_string(it->note));
		if (it->proof.method) {
			json_object *ents = json_object_new_array();

			for (size_t k = 0; k < it->proof.nentries; k++)
				json_object_array_add(ents, json_object_new_string(it->proof.entries[k].name));
			json_object_object_add(o, "top_level", ents);
			json_object_object_add(o, "proof", rr_proof_vol_json(&it->proof));
		}
		json_object_array_add(fss, o);
	}
	return fss;
}

double rr_fsck_score(const struct rr_fsck_report *rep)
{
	double score = 0;

	for (size_t i = 0; i < rep->nitems; i++) {
		switch (rep->items[i].result) {
		case RR_FSCK_CLEAN: score += 100; break;
		case RR_FSCK_ERRORS: score += 10.0 / (1 + rep->items[i].errors); break;
		default: break;
		}
	}
	return score;
}

void rr_fsck_report_free(struct rr_fsck_report *rep)
{
	for (size_t i = 0; i < rep->nitems; i++)
		rr_proof_vol_free(&rep->items[i].proof);
	free(rep->items);
	memset(rep, 0, sizeof(*rep));
}

int rr_fsck_repair(struct rr_session *s, const struct rr_layers *l, char *const *dm_names, size_t ndm,
		   unsigned timeout_s, struct rr_fsck_report *rep)
{
	json_object *args, *vols;
	uint64_t seq;
	int r;

	memset(rep, 0, sizeof(*rep));
	args = json_object_new_object();
	vols = json_object_new_array();
	for (size_t i = 0; i < l->nvols; i++)
		json_object_array_add(vols, json_object_new_string(l->vols[i].dev));
	json_object_object_add(args, "volumes", vols);
	json_object_object_add(args, "write", json_object_new_boolean(1));
	r = rr_journal_intent(s, "repair", args, NULL, &seq);
	if (r < 0)
		return r;
	/* userspace: the FUSE export of the array takes writes from now on */
	if (s->backend == RR_BACKEND_USERSPACE && l->nvols) {
		r = rr_user_set_writable(l->vols[0].dev, 1);
		if (r < 0) {
			rr_journal_failed(s, seq, "cannot make the assembly writable", NULL);
			return r;
		}
	}
	for (size_t i = 0; i < ndm; i++) {
		r = rr_dm_set_writable(dm_names[i]);
		if (r < 0) {
			rr_journal_failed(s, seq, "cannot make the assembly writable", NULL);
			return r;
		}
	}
	rep->items = rr_xcalloc(l->nvols, sizeof(*rep->items));
	for (size_t i = 0; i < l->nvols; i++) {
		struct rr_fsck_item *it = &rep->items[i];

		check_one(s, &l->vols[i], (unsigned)i, timeout_s, it, 1);
		rep->nitems++;
		if (it->result == RR_FSCK_CLEAN) {
			snprintf(it->proof.what, sizeof(it->proof.what), "%s", it->what);
			snprintf(it->proof.label, sizeof(it->proof.label), "%s", it->label);
			if (rr_prove_volume(s, seq, it->device, it->type, (unsigned)i, &it->proof) < 0 && !it->note[0])
				snprintf(it->note, sizeof(it->note), "%s", it->proof.note);
		}
	}
	{
		json_object *more = json_object_new_object();

		json_object_object_add(more, "results", rr_fsck_report_json(rep));
		r = rr_journal_done_args(s, seq, NULL, more);
	}
	return r;
}
