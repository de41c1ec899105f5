#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/failpoint.h"

/* RAIDRESCUE_DELAY=NAME:MS[,NAME:MS...]: sleep there (races made wide). */
static void delay(const char *name)
{
	const char *d = getenv("RAIDRESCUE_DELAY");
	size_t len = strlen(name);

	for (const char *p = d; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (!strncmp(p, name, len) && p[len] == ':') {
			long ms = strtol(p + len + 1, NULL, 10);
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

			if (ms > 0)
				nanosleep(&ts, NULL);
			return;
		}
	}
}

void rr_failpoint(const char *name)
{
	const char *want = getenv("RAIDRESCUE_FAILPOINT");

	if (want && !strcmp(want, name))
		kill(getpid(), SIGKILL);
	delay(name);
}
