/* Text in terminal columns: Cyrillic takes one column a letter but two
 * bytes, CJK two columns; tables must line up by columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <string.h>

#include "core/text.h"

static int setup(void **state)
{
	(void)state;
	/* C.UTF-8 is always there on Debian; the tests need a UTF-8 locale */
	return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(rr_text_width(""), 0);
	assert_int_equal(rr_text_width("Volume"), 6);
	assert_int_equal(rr_text_width("Результат"), 9);	/* 18 bytes */
	assert_int_equal(strlen("Результат"), 18);
	assert_int_equal(rr_text_width("日本"), 4);
	/* an invalid byte counts as one column */
	assert_int_equal(rr_text_width("a\xff" "b"), 3);
}

static void test_pad(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(rr_text_pad("Тип", 6, buf, sizeof(buf)), "Тип   ");
	assert_int_equal(rr_text_width(buf), 6);
	assert_string_equal(rr_text_pad("Результат", 5, buf, sizeof(buf)), "Резу~");
	assert_string_equal(rr_text_pad("abc", 0, buf, sizeof(buf)), "");
	/* a wide character that does not fit whole is left out, then padded */
	assert_string_equal(rr_text_pad("日本語", 5, buf, sizeof(buf)), "日本~");
	assert_int_equal(rr_text_width(buf), 5);
	/* a small buffer is never overrun */
	rr_text_pad("Результат", 20, buf, 8);
	assert_true(strlen(buf) < 8);
}

static void test_mid(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(rr_text_mid("short", 10, buf, sizeof(buf)), "short");
	rr_text_mid("/very/long/path/to/v10-member3.img", 16, buf, sizeof(buf));
	assert_int_equal(rr_text_width(buf), 16);
	assert_non_null(strchr(buf, '~'));
	/* the end (the file name) is kept */
	assert_string_equal(buf + strlen(buf) - 10, "member3.img" + 1);
	assert_memory_equal(buf, "/very", 5);
	rr_text_mid("/данные/массив/диск-три.img", 15, buf, sizeof(buf));
	assert_int_equal(rr_text_width(buf), 15);
}

static void test_cols(void **state)
{
	char en[128], ru[128];
	const char *e[4] = { "#", "Volume", "Type", "Result" };
	const char *r[4] = { "#", "Том", "Тип", "Результат" };
	const int w[4] = { 4, 12, 8, 0 };

	(void)state;
	rr_text_cols(en, sizeof(en), e, w, 4);
	rr_text_cols(ru, sizeof(ru), r, w, 4);
	assert_string_equal(en, "#    Volume       Type     Result");
	/* same columns, different bytes: the last cell starts at column 27 */
	assert_string_equal(ru, "#    Том          Тип      Результат");
	assert_int_equal(rr_text_width(strstr(en, "Result")), rr_text_width(en) - 27);
	assert_int_equal(rr_text_width(strstr(ru, "Результат")), rr_text_width(ru) - 27);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_pad),
		cmocka_unit_test(test_mid),
		cmocka_unit_test(test_cols),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
