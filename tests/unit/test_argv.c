/* Unit tests for argv.c: command lines split like a shell without expansion. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vipd/argv.h"

static void test_argv_split(void **state)
{
	char **argv, err[64];

	(void)state;
	assert_int_equal(
	    argv_split("  /bin/echo a\\ b 'c d' \"e \\\"f\\\"\" ''  ", &argv, err, sizeof(err)), 0);
	assert_string_equal(argv[0], "/bin/echo");
	assert_string_equal(argv[1], "a b");
	assert_string_equal(argv[2], "c d");
	assert_string_equal(argv[3], "e \"f\"");
	assert_string_equal(argv[4], "");
	assert_null(argv[5]);
	argv_free(argv);
	assert_int_equal(argv_split("sh -c 'x", &argv, err, sizeof(err)), -1);
	assert_string_equal(err, "unterminated single quote");
	assert_int_equal(argv_split("a \"b", &argv, err, sizeof(err)), -1);
	assert_string_equal(err, "unterminated double quote");
	assert_int_equal(argv_split("a \\", &argv, err, sizeof(err)), -1);
	assert_int_equal(argv_split("   ", &argv, err, sizeof(err)), -1);
	assert_string_equal(err, "empty command");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_argv_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
