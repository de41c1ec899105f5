/* The proof's debugfs reader, on what the real debugfs prints for an ext4
 * image made here by mkfs.ext4 -d (no mount, no loop device). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actions/prove.h"
#include "core/msg.h"

static char dir[] = "/tmp/rr-test-prove-XXXXXX";

/* Commands are built by the callers with literal formats (-Wformat=2). */
#define SH(...) do { char c_[4096]; snprintf(c_, sizeof(c_), __VA_ARGS__); assert_int_equal(system(c_), 0); } while (0)
#define CAPTURE(out, ...) do { char c_[4096]; snprintf(c_, sizeof(c_), __VA_ARGS__); (out) = capture(c_); } while (0)

static char *capture(const char *cmd)
{
	char *out = NULL;
	size_t len = 0, cap = 0;
	FILE *p;
	int c;

	p = popen(cmd, "r");
	assert_non_null(p);
	while ((c = fgetc(p)) != EOF) {
		if (len + 2 > cap)
			out = rr_xrealloc(out, cap = cap * 2 + 4096);
		out[len++] = (char)c;
	}
	assert_int_equal(pclose(p), 0);
	if (!out)
		out = rr_xstrdup("");
	out[len] = '\0';
	return out;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	/* a tree with what listings trip over: spaces, a symlink, an empty
	 * directory, a file with a known size */
	SH("mkdir -p %s/root/docs '%s/root/with space' %s/root/empty && "
	   "for i in 1 2 3; do echo $i > %s/root/docs/f$i; done", dir, dir, dir, dir);
	SH("head -c 12345 /dev/zero > %s/root/big.bin && ln -s big.bin %s/root/link && echo x > '%s/root/a b.txt'",
	   dir, dir, dir);
	SH("truncate -s 8M %s/img && mkfs.ext4 -q -F -d %s/root %s/img", dir, dir, dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	SH("rm -rf %s", dir);
	return 0;
}

static const struct rr_proof_entry *find(struct rr_proof_entry *e, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].name, name))
			return &e[i];
	return NULL;
}

static void test_listing(void **state)
{
	char *out;
	struct rr_proof_entry *e;
	size_t more, n;
	const struct rr_proof_entry *x;

	(void)state;
	CAPTURE(out, "TZ=GMT0 debugfs -c -R 'ls -l /' %s/img 2>&1", dir);
	n = rr_proof_parse_debugfs(out, &e, 100, &more);
	/* lost+found, docs, with space, empty, big.bin, link, a b.txt */
	assert_int_equal(n, 7);
	assert_int_equal(more, 0);
	assert_null(find(e, n, "."));
	assert_null(find(e, n, ".."));
	x = find(e, n, "big.bin");
	assert_non_null(x);
	assert_int_equal(x->kind, 'f');
	assert_int_equal(x->size, 12345);
	assert_int_equal(strlen(x->when), 16);	/* YYYY-MM-DD HH:MM */
	assert_int_equal(x->when[4], '-');
	x = find(e, n, "with space");
	assert_non_null(x);
	assert_int_equal(x->kind, 'd');
	assert_int_equal(find(e, n, "link")->kind, 'l');
	assert_non_null(find(e, n, "a b.txt"));
	for (size_t i = 0; i < n; i++)
		free(e[i].name);
	free(e);
	/* the cap: the rest is counted, not kept */
	n = rr_proof_parse_debugfs(out, &e, 3, &more);
	assert_int_equal(n, 3);
	assert_int_equal(more, 4);
	for (size_t i = 0; i < n; i++)
		free(e[i].name);
	free(e);
	free(out);
}

static void test_counts(void **state)
{
	char cmds[512], *out;
	long counts[4] = { -1, -1, -1, -1 };
	FILE *f;

	(void)state;
	snprintf(cmds, sizeof(cmds), "%s/cmds", dir);
	f = fopen(cmds, "w");
	assert_non_null(f);
	fprintf(f, "ls -l \"/docs\"\nls -l \"/with space\"\nls -l \"/empty\"\n");
	fclose(f);
	CAPTURE(out, "debugfs -c -f %s/cmds %s/img 2>/dev/null", dir, dir);
	assert_int_equal(rr_proof_count_debugfs(out, counts, 4), 3);
	assert_int_equal(counts[0], 3);
	assert_int_equal(counts[1], 0);
	assert_int_equal(counts[2], 0);
	assert_int_equal(counts[3], -1);
	free(out);
}

static void test_garbage(void **state)
{
	struct rr_proof_entry *e;
	size_t more, n;
	long c[2];

	(void)state;
	n = rr_proof_parse_debugfs("debugfs 1.47.0 (5-Feb-2023)\nls: Bad magic number\n"
				   "  12 40755 (2) 0 0 1024 99-Xyz-2026 06:30 x\n"
				   "  12 40755 (2) 0 0 1024 22-Nov-2026 06:30\n", &e, 10, &more);
	/* the bad date keeps the entry without a time; the nameless is dropped */
	assert_int_equal(n, 1);
	assert_string_equal(e[0].name, "x");
	assert_string_equal(e[0].when, "");
	free(e[0].name);
	free(e);
	assert_int_equal(rr_proof_parse_debugfs("", &e, 10, &more), 0);
	assert_int_equal(rr_proof_count_debugfs("no listing at all\n", c, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listing),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
