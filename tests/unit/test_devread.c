/* The read layer: bounds, caching, windows, accounting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "probes/devread.h"

#define IMG_SIZE (1u << 20)

static char *make_image(void)
{
	char *path;
	uint8_t *buf = malloc(IMG_SIZE);
	int fd;

	assert_non_null(buf);
	for (size_t i = 0; i < IMG_SIZE; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 12));
	assert_true(asprintf(&path, "%s/img", fx_tmpdir()) > 0);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, IMG_SIZE), IMG_SIZE);
	close(fd);
	free(buf);
	return path;
}

static void test_bounds_and_cache(void **state)
{
	char *path = make_image();
	struct rr_dev *d;
	const uint8_t *p, *q;
	uint8_t b[16];

	assert_int_equal(rr_dev_open(path, &d), 0);
	assert_int_equal(rr_dev_size(d), IMG_SIZE);
	assert_int_equal(rr_dev_get(d, 5000, 16, &p), 0);
	assert_int_equal(p[0], (uint8_t)(5000 * 7 + 1));
	/* one aligned 4 KiB block was read */
	assert_int_equal(rr_dev_bytes_read(d), 4096);
	/* a read inside the same block is served from cache */
	assert_int_equal(rr_dev_get(d, 4096, 100, &q), 0);
	assert_int_equal(rr_dev_bytes_read(d), 4096);
	assert_ptr_equal(q + (5000 - 4096), p);
	/* past the end, straddling the end, too large, zero length */
	assert_int_equal(rr_dev_get(d, IMG_SIZE, 1, &p), -ERANGE);
	assert_int_equal(rr_dev_get(d, IMG_SIZE - 8, 16, &p), -ERANGE);
	assert_int_equal(rr_dev_get(d, UINT64_MAX - 4, 16, &p), -ERANGE);
	assert_int_equal(rr_dev_get(d, 0, RR_DEV_MAX_GET + 1, &p), -EINVAL);
	assert_int_equal(rr_dev_get(d, 0, 0, &p), -EINVAL);
	/* the last bytes are reachable */
	assert_int_equal(rr_dev_get(d, IMG_SIZE - 16, 16, &p), 0);
	assert_int_equal(rr_dev_pread(d, b, sizeof(b), IMG_SIZE - 16), 0);
	assert_memory_equal(b, p, 16);
	assert_int_equal(rr_dev_pread(d, b, sizeof(b), IMG_SIZE - 15), -ERANGE);
	rr_dev_close(d);
	free(path);
}

static void test_window(void **state)
{
	char *path = make_image();
	struct rr_dev *d, *w;
	const uint8_t *p;

	assert_int_equal(rr_dev_open(path, &d), 0);
	assert_int_equal(rr_dev_open_window(d, 65536, 8192, "img:p1", &w), 0);
	assert_string_equal(rr_dev_path(w), "img:p1");
	assert_int_equal(rr_dev_size(w), 8192);
	assert_int_equal(rr_dev_get(w, 0, 4, &p), 0);
	assert_int_equal(p[0], (uint8_t)(65536 * 7 + 16));
	assert_int_equal(rr_dev_get(w, 8190, 4, &p), -ERANGE);
	{
		struct rr_dev *bad = (struct rr_dev *)1;

		assert_int_equal(rr_dev_open_window(d, IMG_SIZE - 10, 11, "x", &bad), -ERANGE);
		assert_null(bad);
	}
	rr_dev_close(w);
	rr_dev_close(d);
	free(path);
}

static void test_open_errors(void **state)
{
	struct rr_dev *d;

	assert_int_equal(rr_dev_open("/nonexistent/raidrescue", &d), -ENOENT);
	assert_null(d);
	assert_int_equal(rr_dev_open(fx_tmpdir(), &d), -EISDIR);
	assert_int_equal(rr_dev_open("/dev/null", &d), -ENOTBLK);
}

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds_and_cache),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests_name("devread", tests, NULL, teardown);
}
