/* core/sha256: FIPS 180-4 example vectors, and agreement with coreutils'
 * sha256sum on a real file (run at test time). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "fixture.h"

static void hex(const uint8_t *d, char *out)
{
	for (int i = 0; i < RR_SHA256_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check(const void *msg, size_t len, const char *want)
{
	uint8_t d[RR_SHA256_LEN];
	char h[65];

	rr_sha256(msg, len, d);
	hex(d, h);
	assert_string_equal(h, want);
}

static void test_vectors(void **state)
{
	struct rr_sha256 c;
	uint8_t d[RR_SHA256_LEN];
	char h[65], *a = malloc(1000000);

	check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* one million 'a', fed in uneven pieces to exercise buffering */
	assert_non_null(a);
	memset(a, 'a', 1000000);
	check(a, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	rr_sha256_init(&c);
	for (size_t off = 0, step = 1; off < 1000000; off += step, step = step * 3 % 1021 + 1)
		rr_sha256_update(&c, a + off, off + step > 1000000 ? 1000000 - off : step);
	rr_sha256_final(&c, d);
	hex(d, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

/* Differential: the whole of a real fixture image against sha256sum. */
static void test_sha256sum(void **state)
{
	char *xz = fx_shared("util-linux/btrfs.img.xz");
	char *img = fx_unxz(xz);
	char *cmd, want[65] = "", h[65];
	uint8_t d[RR_SHA256_LEN];
	size_t len;
	char *buf = fx_slurp(img, &len);
	FILE *p;

	assert_true(asprintf(&cmd, "sha256sum '%s'", img) > 0);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%64s", want), 1);
	pclose(p);
	rr_sha256(buf, len, d);
	hex(d, h);
	assert_string_equal(h, want);
	free(cmd);
	free(buf);
	free(img);
	free(xz);
}

static int teardown(void **state)
{
	fx_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_sha256sum),
	};

	return cmocka_run_group_tests_name("sha256", tests, NULL, teardown);
}
