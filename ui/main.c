#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "ui/cli.h"

static void overview(FILE *out)
{
	fprintf(out, _("Usage: %s [COMMAND] [OPTIONS]\n"), RR_PROGNAME);
	fputs(_("Recover a failed Linux software RAID (md) array without writing to its disks.\n"
		"Every experiment runs on copy-on-write snapshots of the members; every step\n"
		"is journaled and can be undone.\n\n"), out);
	fputs(_("Commands:\n"), out);
	for (const struct rr_cmd *c = rr_cmds; c->run; c++) {
		char line[128];

		snprintf(line, sizeof(line), "%s %s", RR_PROGNAME, c->name ? c->name : "");
		fprintf(out, "  %-22s %s\n", line, _(c->summary));
	}
	fputs(_("\nGeneral options:\n"
		"  -h, --help      show this help, or a command's help after its name\n"
		"  -V, --version   show the version\n\n"), out);
	fprintf(out, _("Exit status: 0 success, 1 the operation failed, 2 usage error.\n"
		       "Run '%s COMMAND --help' for the options of one command.\n"), RR_PROGNAME);
}

static void setup_i18n(void)
{
	const char *dir = getenv("RAIDRESCUE_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
}

static const struct rr_cmd *find_cmd(const char *name)
{
	for (const struct rr_cmd *c = rr_cmds; c->run; c++)
		if (c->name && strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int main(int argc, char **argv)
{
	const struct rr_cmd *cmd;

	setup_i18n();
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
			overview(stdout);
			return RR_EXIT_OK;
		}
		if (argc >= 2 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
			printf("%s %s\n", RR_PROGNAME, RR_VERSION);
			return RR_EXIT_OK;
		}
		/* No command: the wizard, with its own options. */
		return rr_cmds[0].run(&rr_cmds[0], argc, argv);
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			overview(stdout);
			return RR_EXIT_OK;
		}
		cmd = find_cmd(argv[2]);
		if (!cmd) {
			rr_err(argv[2], "%s", _("no such command"));
			return RR_EXIT_USAGE;
		}
		rr_cmd_help(cmd);
		return RR_EXIT_OK;
	}
	/* Internal, not listed: the userspace backend's FUSE server. */
	if (!strcmp(argv[1], "fuse-serve"))
		return rr_cmd_fuse_serve(argc - 1, argv + 1);
	cmd = find_cmd(argv[1]);
	/* "raidrescue /dev/sdb1 /dev/sdc1": the wizard on those members. */
	if (!cmd && strchr(argv[1], '/') && access(argv[1], F_OK) == 0)
		return rr_cmds[0].run(&rr_cmds[0], argc, argv);
	if (!cmd) {
		rr_err(argv[1], _("no such command; run '%s --help' for the list"), RR_PROGNAME);
		return RR_EXIT_USAGE;
	}
	return cmd->run(cmd, argc - 1, argv + 1);
}
