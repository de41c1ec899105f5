/* raidrescue demo: build the two-ejections incident (actions/demo.c) in a
 * fresh session directory, then open the wizard on it.  With --no-wizard,
 * or without a terminal, it prints where the demo is and the next
 * commands instead. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/demo.h"
#include "core/i18n.h"
#include "core/msg.h"
#include "ui/cli.h"
#include "ui/tui/tui.h"

/* A path as one shell word (single quotes when it needs any). */
static void put_shell_word(const char *s)
{
	if (s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+:,@%")]) {
		putchar('\'');
		for (; *s; s++) {
			if (*s == '\'')
				fputs("'\\''", stdout);
			else
				putchar(*s);
		}
		putchar('\'');
	} else {
		fputs(s, stdout);
	}
}

static void print_next_steps(const struct rr_demo *d)
{
	printf(_("The demo is ready in %s\n\n"), d->dir);
	printf(_("Five members of a RAID5 array (64 MiB sparse image files, md metadata 1.2)\n"
		 "holding an LVM2 volume group with three ext4 volumes:\n"));
	for (int i = 0; i < RR_DEMO_MEMBERS; i++) {
		const char *base = strrchr(d->members[i], '/');

		printf("  %s\n", base ? base + 1 : d->members[i]);
	}
	printf(_("\nTwo members were ejected from the array at different times.  Find out\n"
		 "which, put the array back together the right way, and check the volumes\n"
		 "(each holds a SHA256SUMS).  The answer is in truth.json -- no peeking.\n\n"));
	printf(_("Next steps:\n"));
	printf("  %s examine ", RR_PROGNAME);
	put_shell_word(d->dir);
	printf("/*.img\n  %s plan ", RR_PROGNAME);
	put_shell_word(d->dir);
	printf("/*.img\n  %s overlay --session ", RR_PROGNAME);
	put_shell_word(d->dir);
	putchar(' ');
	put_shell_word(d->dir);
	printf("/*.img\n");
}

int rr_cmd_demo(const struct rr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "no-wizard", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL;
	bool wizard = true;
	struct rr_demo d;
	char msg[512];
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'W': wizard = false; break;
		case 'h': rr_cmd_help(cmd); return RR_EXIT_OK;
		default: return rr_cmd_usage_error(cmd, "%s", _("unknown option"));
		}
	}
	if (optind != argc)
		return rr_cmd_usage_error(cmd, "%s", _("the demo takes no arguments"));
	if (dir && !*dir)
		return rr_cmd_usage_error(cmd, "%s", _("--dir needs a directory name"));
	printf(_("Building the demo (mkfs.ext4, LVM2 metadata, md superblocks, parity)...\n"));
	fflush(stdout);
	r = rr_demo_build(dir, &d, msg, sizeof(msg));
	if (r < 0) {
		rr_err(cmd->name, "%s", msg[0] ? msg : strerror(-r));
		return RR_EXIT_FAIL;
	}
	/* the wizard's scripted mode (tests) runs without a terminal */
	if (wizard && !getenv("RAIDRESCUE_TUI_SCRIPT") && (!isatty(0) || !isatty(1))) {
		wizard = false;
		print_next_steps(&d);
		printf(_("\n(Not on a terminal: the wizard was not opened; run '%s --session %s %s/*.img'.)\n"),
		       RR_PROGNAME, d.dir, d.dir);
	} else if (!wizard) {
		print_next_steps(&d);
	}
	if (wizard) {
		struct rr_wizard_opts o = {
			.session_dir = d.dir,
			.members = (const char *const *)d.members,
			.nmembers = RR_DEMO_MEMBERS,
		};

		r = rr_wizard_run(&o);
		rr_demo_free(&d);
		return r;
	}
	rr_demo_free(&d);
	return RR_EXIT_OK;
}
