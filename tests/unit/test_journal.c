/* The session and its journal: records written, folded back by step,
 * intent/done/failed/undone, args merged from later records, torn lines
 * tolerated, numbering continued, one process per session. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actions/run.h"
#include "actions/session.h"
#include "core/journal.h"
#include "core/units.h"
#include "fixture.h"

static char *session_dir(const char *name)
{
	char *d;

	assert_true(asprintf(&d, "%s/%s", fx_tmpdir(), name) > 0);
	return d;
}

static void test_journal_roundtrip(void **state)
{
	char *dir = session_dir("s1"), *jp;
	struct rr_session *s;
	struct rr_journal_view v;
	json_object *args, *planned, *done, *more, *x;
	uint64_t a, b, c;

	assert_int_equal(rr_session_open(dir, 1, &s), 0);
	assert_int_equal(strlen(s->id), 8);
	args = json_object_new_object();
	json_object_object_add(args, "member", json_object_new_string("/dev/sdb"));
	planned = json_object_new_array();
	json_object_array_add(planned, rr_res_dm("rr-x-m0", "RAIDRESCUE-x-m0-snap"));
	assert_int_equal(rr_journal_intent(s, "overlay", args, planned, &a), 0);
	assert_int_equal(a, 1);
	done = json_object_new_array();
	json_object_array_add(done, rr_res_file("/tmp/cow"));
	json_object_array_add(done, rr_res_dm("rr-x-m0", "RAIDRESCUE-x-m0-snap"));
	more = json_object_new_object();
	json_object_object_add(more, "device", json_object_new_string("/dev/mapper/rr-x-m0"));
	assert_int_equal(rr_journal_done_args(s, a, done, more), 0);
	assert_int_equal(rr_journal_intent(s, "assemble", NULL, NULL, &b), 0);
	assert_int_equal(rr_journal_failed(s, b, "the kernel refused", NULL), 0);
	assert_int_equal(rr_journal_intent(s, "fsck", NULL, NULL, &c), 0);
	assert_int_equal(rr_journal_done(s, c, NULL), 0);
	assert_int_equal(rr_journal_undone(s, c), 0);
	rr_session_close(s);

	assert_true(asprintf(&jp, "%s/journal.jsonl", dir) > 0);
	assert_int_equal(rr_journal_read(jp, &v), 0);
	assert_int_equal(v.nsteps, 3);
	assert_int_equal(v.bad_lines, 0);
	assert_string_equal(v.steps[0].action, "overlay");
	assert_int_equal(v.steps[0].state, RR_STEP_DONE);
	/* done's resources replace the intent's plan; its args merge in */
	assert_int_equal(json_object_array_length(v.steps[0].resources), 2);
	assert_true(json_object_object_get_ex(v.steps[0].args, "member", &x));
	assert_true(json_object_object_get_ex(v.steps[0].args, "device", &x));
	assert_string_equal(json_object_get_string(x), "/dev/mapper/rr-x-m0");
	assert_int_equal(v.steps[1].state, RR_STEP_FAILED);
	assert_string_equal(v.steps[1].error, "the kernel refused");
	assert_int_equal(v.steps[2].state, RR_STEP_UNDONE);
	rr_journal_view_free(&v);

	/* A torn last line (crash mid-write) is skipped, counted. */
	{
		FILE *f = fopen(jp, "a");

		assert_non_null(f);
		fputs("{\"seq\":4,\"time\":\"2026", f);
		fclose(f);
	}
	assert_int_equal(rr_journal_read(jp, &v), 0);
	assert_int_equal(v.nsteps, 3);
	assert_int_equal(v.bad_lines, 1);
	rr_journal_view_free(&v);

	/* Reopening continues the numbering and keeps the id. */
	{
		char id[9];

		assert_int_equal(rr_session_open(dir, 0, &s), 0);
		memcpy(id, s->id, sizeof(id));
		assert_int_equal(rr_journal_intent(s, "overlay", NULL, NULL, &a), 0);
		assert_int_equal(a, 4);
		rr_session_close(s);
		assert_int_equal(rr_session_open(dir, 0, &s), 0);
		assert_string_equal(s->id, id);
		rr_session_close(s);
	}
	free(jp);
	free(dir);
}

static void test_session_lock(void **state)
{
	char *dir = session_dir("s2");
	struct rr_session *s, *t;
	pid_t pid;
	int st;

	assert_int_equal(rr_session_open(dir, 1, &s), 0);
	/* flock is per open file: another process is refused */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(rr_session_open(dir, 0, &t) == -EBUSY ? 0 : 1);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	rr_session_close(s);
	assert_int_equal(rr_session_open(dir, 0, &s), 0);
	rr_session_close(s);
	/* no session here */
	free(dir);
	dir = session_dir("nothing");
	assert_int_equal(rr_session_open(dir, 0, &s), -ENOENT);
	free(dir);
}

static void test_units(void **state)
{
	uint64_t v;
	char buf[32];

	assert_int_equal(rr_parse_size("512", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(rr_parse_size("64K", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(rr_parse_size("2GiB", &v), 0);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(rr_parse_size("1t", &v), 0);
	assert_int_equal(v, 1ull << 40);
	assert_int_equal(rr_parse_size("", &v), -EINVAL);
	assert_int_equal(rr_parse_size("-1", &v), -EINVAL);
	assert_int_equal(rr_parse_size("12Q", &v), -EINVAL);
	assert_int_equal(rr_parse_size("99999999999E", &v), -ERANGE);
	assert_string_equal(rr_format_size(1536, buf, sizeof(buf)), "1.5 KiB");
	assert_string_equal(rr_format_size(64ull << 20, buf, sizeof(buf)), "64 MiB");
}

static void test_run(void **state)
{
	char *const ok[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	char *const slow[] = { "sleep", "30", NULL };
	char *const none[] = { "raidrescue-no-such-program", NULL };
	char *const quote[] = { "echo", "a b", "it's", "$x", NULL };
	struct rr_run_result r;
	char *out, *line;

	assert_int_equal(rr_run_capture(ok, 10, &r, &out), 0);
	assert_int_equal(r.exit_status, 3);
	assert_non_null(strstr(out, "out\n"));
	assert_non_null(strstr(out, "err\n"));
	free(out);
	assert_int_equal(rr_run(slow, NULL, 1, &r), 0);
	assert_true(r.timed_out);
	assert_int_equal(rr_run(none, NULL, 5, &r), 0);
	assert_int_equal(r.exec_errno, ENOENT);
	line = rr_run_cmdline(quote);
	assert_string_equal(line, "echo 'a b' 'it'\\''s' '$x'");
	free(line);
}

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_roundtrip),
		cmocka_unit_test(test_session_lock),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_run),
	};

	return cmocka_run_group_tests_name("journal", tests, NULL, teardown);
}
