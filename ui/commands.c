/* The subcommand table.  Commands whose issue has not landed yet are
 * described in full but answer "not implemented yet" (exit status 2). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "ui/cli.h"

const struct rr_cmd rr_cmds[] = {
	{ NULL, N_("[--session DIR] [DEV|IMAGE...]"),
	  N_("the wizard, in a new session directory ./raidrescue-DATE-TIME/"),
	  N_("Opens the interactive wizard: pick members, review their superblocks,\n"
	     "choose an order, stack snapshots, try assemblies, check filesystems.\n\n"
	     "  --session DIR   use (or resume) this session directory\n"
	     "  DEV|IMAGE...    preselect these members\n"),
	  rr_cmd_wizard },
	{ "demo", N_("[--no-wizard] [--dir DIR]"),
	  N_("build the demo scenario (a failed RAID5) and open the wizard on it"),
	  N_("Creates, in a fresh session directory, five sparse member images of a\n"
	     "RAID5 array with md 1.2 superblocks, LVM2 and ext4 volumes, two of them\n"
	     "ejected at different times, then opens the wizard on them.  Everything is\n"
	     "made in ordinary files (mkfs.ext4 and debugfs for the volumes); it needs\n"
	     "neither root nor the kernel's md or device-mapper.  truth.json in the\n"
	     "directory tells the real order and what happened.\n\n"
	     "  --dir DIR       build it in DIR (new or empty; default\n"
	     "                  ./raidrescue-YYYYmmdd-HHMMSS)\n"
	     "  --no-wizard     only build it and print the next commands\n"),
	  rr_cmd_demo },
	{ "examine", N_("[--json] DEV|IMAGE..."),
	  N_("decode the superblocks and volume structures of devices or images"),
	  N_("For each device or image: md 0.90/1.x superblocks (in the wording and order\n"
	     "of mdadm --examine), LVM2 physical volume labels and metadata, dm-snapshot\n"
	     "copy-on-write stores, ZFS labels and uberblocks, filesystems and partition\n"
	     "tables; then a one-line verdict.  Nothing is ever written.\n\n"
	     "  --json          print the decoded model as JSON\n"),
	  rr_cmd_examine },
	{ "plan", N_("[--json] [--top N] DEV|IMAGE..."),
	  N_("propose member orders and geometries, ranked, with reasons"),
	  N_("Groups the members by array, shows the conflicts that matter (events,\n"
	     "update times, roles) and proposes orders with 'missing' slots, best first.\n"
	     "When superblocks are lost, searches orders, levels, layouts, chunk sizes\n"
	     "and data offsets, scoring each by the structures it finds.\n\n"
	     "  --json          print the candidates as JSON\n"
	     "  --top N         show the N best candidates (default 10)\n"
	     "  --search        search by evidence even when the superblocks agree\n"
	     "  --no-search     propose from the superblocks only\n"),
	  rr_cmd_plan },
	{ "overlay", N_("--session DIR DEV|IMAGE..."),
	  N_("stack a copy-on-write snapshot over every member"),
	  N_("Creates, per member, a device-mapper snapshot whose copy-on-write store is\n"
	     "a sparse file in the session directory.  Every later step writes only\n"
	     "there; the members themselves are opened read-only.\n\n"
	     "  --session DIR   the session directory (created if needed)\n"
	     "  --chunk KiB     snapshot chunk size (default 4)\n"
	     "  --cow-size SIZE size of each copy-on-write file (default: a tenth of the member)\n"
	     "  --backend B     kernel (device-mapper), userspace (FUSE) or auto (default)\n"),
	  rr_cmd_overlay },
	{ "assemble", N_("--session DIR [--via dm-raid|mdadm] --order A,B,missing,D [geometry options]"),
	  N_("assemble one candidate array on the session's snapshots"),
	  N_("Assembles the array on the snapshot devices only.\n\n"
	     "  --via dm-raid   a device-mapper raid table; writes nothing at all\n"
	     "  --via mdadm     mdadm --create --assume-clean on the snapshots\n"
	     "  --via auto      dm-raid when it can express the layout, else mdadm (default)\n"
	     "  --order LIST    comma-separated member paths as given to overlay, or 'missing'\n"
	     "  --level N, --chunk KiB, --layout NAME, --metadata VER, --data-offset SECTORS\n"
	     "                  geometry; by default taken from the superblocks\n"
	     "  --backend B     kernel (device-mapper), userspace (FUSE) or auto (default)\n"),
	  rr_cmd_assemble },
	{ "fsck", N_("--session DIR [--write]"),
	  N_("run read-only checkers on every filesystem of the assembled array"),
	  N_("Finds the filesystems on the assembled array (through partitions and LVM)\n"
	     "and runs the matching read-only checker on each; logs go to the session.\n\n"
	     "  --json          print the results as JSON\n"
	     "  --timeout S     give each checker S seconds (default 900)\n"
	     "  --write         run the repairing checker, on the snapshots only\n"
	     "  --backend B     kernel (device-mapper), userspace (FUSE) or auto (default)\n"),
	  rr_cmd_fsck },
	{ "trial", N_("[--json] [--prove] --session DIR [--top N] DEV|IMAGE..."),
	  N_("assemble and check each candidate in turn, best first"),
	  N_("For each candidate geometry: assemble on the snapshots, map partitions and\n"
	     "logical volumes, check every filesystem, tear the assembly down.  Prints a\n"
	     "results table, best first.\n\n"
	     "  --json          print the results as JSON\n"
	     "  --top N         try the N best candidates (default 3)\n"
	     "  --via ROUTE     dm-raid, mdadm or auto (default)\n"
	     "  --timeout S     give each checker S seconds (default 900)\n"
	     "  --backend B     kernel (device-mapper), userspace (FUSE) or auto (default)\n"
	     "  --prove         then assemble the best candidate again and list the top\n"
	     "                  level of each filesystem, mounted read-only, as proof\n"),
	  rr_cmd_trial },
	{ "undo", N_("--session DIR [--all | --steps N]"),
	  N_("undo the last steps of a session (tear down its devices)"),
	  N_("Tears down, in reverse order, what the last steps of the session created\n"
	     "and marks them undone in the journal.\n\n"
	     "  --all           undo every step\n"
	     "  --steps N       undo the last N steps (default 1)\n"),
	  rr_cmd_undo },
	{ "replay", N_("[--dry-run] JOURNAL"),
	  N_("rebuild a saved session's stack in a new session"),
	  N_("Re-creates the steps of a saved journal in a new session, finding the\n"
	     "members by their fingerprints (not by /dev names).\n\n"
	     "  --dry-run       only find the members and say what would be done\n"
	     "  --session DIR   the new session (default ./raidrescue-YYYYmmdd-HHMMSS/)\n"
	     "  --backend B     kernel (device-mapper), userspace (FUSE) or auto (default)\n"),
	  rr_cmd_replay },
	{ "journal", N_("--as-script JOURNAL"),
	  N_("print a journal as the equivalent shell commands"),
	  N_("Prints the losetup, dmsetup and mdadm commands equivalent to a journal,\n"
	     "for the operator's notes or another machine.\n"),
	  rr_cmd_journal },
	{ "cleanup", "",
	  N_("remove every device this program created, even without a journal"),
	  N_("Removes every device-mapper device whose UUID starts with RAIDRESCUE-,\n"
	     "every loop device backed by a session's copy-on-write file and every FUSE\n"
	     "export of the userspace backend (with what is mounted from it); never\n"
	     "anything else.  A session open in a running raidrescue (the wizard, or a\n"
	     "command still at work) is not a leftover: it is named and left alone.\n"),
	  rr_cmd_cleanup },
	{ "cow-merge", N_("[--dry-run] [--yes] [--session DIR] --cow FILE --origin DEV|IMAGE"),
	  N_("revert an origin to its snapshot's state, offline, undoably"),
	  N_("Puts the origin of a persistent dm-snapshot (an LVM snapshot's origin, or\n"
	     "any snapshot ... P N) back to the snapshot's state, offline, without a\n"
	     "second disk: copies every chunk recorded in the store onto the origin.\n"
	     "THIS WRITES TO THE ORIGIN.  First the origin's current data of those chunks\n"
	     "is saved in an undo store (a COW store in the kernel's format, in the\n"
	     "session) and made durable; only then is the origin written.  Refuses when\n"
	     "the store is invalid, damaged or of another chunk size, when it remaps\n"
	     "chunks past the origin's end, or when either is in use (mounted, in an\n"
	     "array, under a device-mapper device, attached to a loop device).\n"
	     "Interrupted, it is completed by running it again with the same session,\n"
	     "or undone with 'raidrescue undo --session DIR' (which copies the undo\n"
	     "store back, after checking that the origin holds nothing else).\n\n"
	     "  --cow FILE      the snapshot's store (the -cow device or an image of it)\n"
	     "  --origin DEV    the origin (device or image file), offline\n"
	     "  --dry-run       list the runs of chunks that would be copied, with totals\n"
	     "  --chunk-size N  refuse unless the store's chunks are N sectors\n"
	     "  --session DIR   journal and undo store here (default\n"
	     "                  ./raidrescue-YYYYmmdd-HHMMSS)\n"
	     "  --yes           do not ask for confirmation (required off a terminal)\n"),
	  rr_cmd_cowmerge },
	{ "zfs", N_("list [--json] DEV... | rewind --txg N --session DIR [DEV...]"),
	  N_("list ZFS uberblocks; rewind a pool's overlays to an older txg"),
	  N_("  list [--json] DEV...\n"
	     "                  per device and label: every uberblock with its txg, time\n"
	     "                  and slot, the active one, where the labels disagree, and\n"
	     "                  the txgs every device can go back to.  Reads only; needs\n"
	     "                  no session.\n"
	     "  rewind --txg N --session DIR [DEV...]\n"
	     "                  on the session's overlays only (all that carry ZFS labels,\n"
	     "                  or the ones named: /dev/mapper/rr-... devices, or the\n"
	     "                  names of userspace overlays), zero every uberblock newer\n"
	     "                  than N in every label, so the pool imports at txg N.  The\n"
	     "                  slots are saved in the session first; 'raidrescue undo'\n"
	     "                  writes them back byte for byte.  Refuses anything that is\n"
	     "                  not an overlay of the session, and a txg that has no\n"
	     "                  valid uberblock on every device.  The labels'\n"
	     "                  configuration is left as it is: when its txg is newer\n"
	     "                  than N, import with 'zpool import -T N'.\n"
	     "  --json          (list) print JSON\n"
	     "  --target-file   (rewind, for tests only) the DEVs are plain files inside\n"
	     "                  the session directory instead of overlays\n"),
	  rr_cmd_zfs },
	{ "snapshot-live", N_("--session DIR [--cow-size SIZE] [--chunk KiB] DEV"),
	  N_("snapshot a mounted device-mapper volume in place, for a consistent backup"),
	  N_("Puts a snapshot-origin under the live device's own name and a snapshot\n"
	     "beside it: the device's table is copied into a new device\n"
	     "rr-ID-liveK-base, the device is suspended (its filesystem flushed and\n"
	     "frozen), the snapshot rr-ID-liveK-snap is created over the base and the\n"
	     "device's table becomes 'snapshot-origin <base>', then it is resumed.  The\n"
	     "mounted filesystem goes on working; the snapshot keeps its state of that\n"
	     "instant, for a backup or a check.  'raidrescue undo' loads the original\n"
	     "table back exactly and removes the snapshot.  md arrays and plain disks\n"
	     "cannot be done in place (they have no table to swap).  The session must\n"
	     "not be on the device itself.\n\n"
	     "  --session DIR   the session directory (created if needed)\n"
	     "  --cow-size SIZE copy-on-write space (default: a tenth of the device, at\n"
	     "                  least 64 MiB; a full COW invalidates the snapshot)\n"
	     "  --chunk KiB     snapshot chunk size (default 4)\n"),
	  rr_cmd_snapshot_live },
	{ "status", N_("[--json]"),
	  N_("md arrays of this machine and their health"),
	  N_("Reads /proc/mdstat and /sys/block/md*/md: each array's level, state and\n"
	     "members (in sync, faulty, spare, rebuilding), degraded or not.\n"
	     "Exit status 1 when an array is degraded or not running.\n\n"
	     "  --json          print the arrays as JSON\n"
	     "  --mdstat FILE   read this instead of /proc/mdstat (a saved copy)\n"
	     "  --sysfs DIR     read md attributes under DIR instead of /sys\n"),
	  rr_cmd_status },
	{ NULL, NULL, NULL, NULL, NULL }
};

void rr_cmd_help(const struct rr_cmd *cmd)
{
	printf(_("Usage: %s%s%s %s\n\n"), RR_PROGNAME, cmd->name ? " " : "",
	       cmd->name ? cmd->name : "", _(cmd->synopsis));
	printf("%s.\n\n", _(cmd->summary));
	fputs(_(cmd->help), stdout);
	fputs(_("  -h, --help      show this help\n"), stdout);
}

int rr_cmd_usage_error(const struct rr_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rr_verr(cmd->name, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("Try '%s%s%s --help'.\n"), RR_PROGNAME, cmd->name ? " " : "",
		cmd->name ? cmd->name : "");
	return RR_EXIT_USAGE;
}

int rr_cmd_not_implemented(const struct rr_cmd *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			rr_cmd_help(cmd);
			return RR_EXIT_OK;
		}
	}
	rr_err(cmd->name ? cmd->name : NULL, "%s", _("not implemented yet"));
	return RR_EXIT_USAGE;
}
