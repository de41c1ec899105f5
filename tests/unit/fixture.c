#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

static char tmpdir[256];

const char *fx_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/rr-test-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir))
			fail_msg("mkdtemp %s failed", tmpdir);
	}
	return tmpdir;
}

static char *join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		fail_msg("oom");
	return p;
}

char *fx_shared(const char *rel)
{
	return join(RR_SHARED_FIXTURES, rel);
}

char *fx_local(const char *rel)
{
	return join(RR_LOCAL_FIXTURES, rel);
}

char *fx_unxz(const char *xz_path)
{
	const char *base = strrchr(xz_path, '/'), *dir = base;
	char *out, *cmd, *name;
	size_t n;

	base = base ? base + 1 : xz_path;
	/* the folder name too: every set has a member0.img */
	while (dir && dir > xz_path && dir[-1] != '/')
		dir--;
	if (dir && dir != base) {
		if (asprintf(&name, "%.*s_%s", (int)(base - dir - 1), dir, base) < 0)
			fail_msg("oom");
	} else {
		name = strdup(base);
	}
	out = join(fx_tmpdir(), name);
	free(name);
	n = strlen(out);
	if (n > 3 && strcmp(out + n - 3, ".xz") == 0)
		out[n - 3] = '\0';
	if (access(out, R_OK) == 0)
		return out;
	if (asprintf(&cmd, "xz -dc '%s' > '%s'", xz_path, out) < 0)
		fail_msg("oom");
	if (system(cmd) != 0)
		fail_msg("cannot decompress %s", xz_path);
	free(cmd);
	return out;
}

char *fx_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		fail_msg("cannot open %s", path);
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				fail_msg("oom");
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void fx_cleanup(void)
{
	char *cmd;

	if (!tmpdir[0])
		return;
	if (asprintf(&cmd, "rm -rf '%s'", tmpdir) >= 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", tmpdir);
		free(cmd);
	}
	tmpdir[0] = '\0';
}
