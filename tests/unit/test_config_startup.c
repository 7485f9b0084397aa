/* Unit tests for config_startup.c: the top-level `startup_delay`, `startup_delay_from_boot` and
 * `net_namespace` and the instance's `startup_delay` (inherited from the top level), their
 * errors with line and key, printing and reading back, and what a reload compares. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_fixture.h"
#include "vipd/config.h"

/* TOP on line 1, instance "web" (with INST) on line 2, instance "api" on line 3. */
static struct vipd_config *load(const char *top, const char *inst, char **msgs)
{
	char text[1024];

	snprintf(text, sizeof(text),
	         "%s\ninstances = ( { name = \"web\"; interface = \"eth0\"; vrid = 51; %s "
	         "virtual_addresses = [ \"198.18.0.100\" ]; },\n"
	         "{ name = \"api\"; interface = \"eth0\"; vrid = 52; "
	         "virtual_addresses = [ \"198.18.0.101\" ]; } );\n",
	         top, inst);
	return config_fixture_load(text, msgs);
}

static struct vipd_config *good(const char *top, const char *inst)
{
	char *msgs;
	struct vipd_config *cfg = load(top, inst, &msgs);

	if (!cfg)
		fail_msg("%s / %s: %s", top, inst, msgs);
	free(msgs);
	config_fixture_round_trip(cfg);
	return cfg;
}

static void bad(const char *top, const char *inst, const char *want)
{
	char *msgs;
	struct vipd_config *cfg = load(top, inst, &msgs);

	assert_null(cfg);
	assert_string_equal(msgs, want);
	free(msgs);
}

static void defaults(void **state)
{
	struct vipd_config *cfg = good("", "");

	(void)state;
	assert_int_equal(cfg->startup_delay, 0);
	assert_false(cfg->startup_delay_from_boot);
	assert_int_equal(cfg->instances[0].startup_delay, 0);
	assert_int_equal(cfg->realtime_priority, 0);
	assert_false(cfg->lock_memory);
	config_free(cfg);
}

/* cfg as --dump-config prints it (malloc'd). */
static char *printed(const struct vipd_config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	config_print(cfg, f);
	fclose(f);
	return text;
}

/* realtime_priority and lock_memory: read with their lines, printed and read back; their defaults
 * (off) are not printed. */
static void realtime(void **state)
{
	struct vipd_config *cfg =
	    good("router_id = \"a\";\nrealtime_priority = 99;\nlock_memory = true;", "");
	struct vipd_config *again;
	char *text = printed(cfg);

	(void)state;
	assert_int_equal(cfg->realtime_priority, 99);
	assert_int_equal(cfg->realtime_priority_line, 2);
	assert_true(cfg->lock_memory);
	assert_int_equal(cfg->lock_memory_line, 3);
	assert_non_null(strstr(text, "realtime_priority = 99;\n"));
	assert_non_null(strstr(text, "lock_memory = true;\n"));
	again = config_fixture_reprint(cfg);
	assert_int_equal(again->realtime_priority, 99);
	assert_true(again->lock_memory);
	free(text);
	config_free(again);
	config_free(cfg);
	cfg = good("realtime_priority = 0; lock_memory = false;", "");
	text = printed(cfg);
	assert_null(strstr(text, "realtime_priority"));
	assert_null(strstr(text, "lock_memory"));
	free(text);
	config_free(cfg);
}

static void inherited(void **state)
{
	struct vipd_config *cfg =
	    good("startup_delay = 30; startup_delay_from_boot = true;", "startup_delay = 2.5;");
	struct vipd_config *again;

	(void)state;
	assert_int_equal(cfg->startup_delay, 30 * MT_SEC);
	assert_true(cfg->startup_delay_from_boot);
	assert_int_equal(cfg->instances[0].startup_delay, 2500 * MT_MSEC);
	assert_int_equal(cfg->instances[1].startup_delay, 30 * MT_SEC);
	again = config_fixture_reprint(cfg);
	assert_int_equal(again->startup_delay, 30 * MT_SEC);
	assert_true(again->startup_delay_from_boot);
	assert_int_equal(again->instances[0].startup_delay, 2500 * MT_MSEC);
	assert_int_equal(again->instances[1].startup_delay, 30 * MT_SEC);
	config_free(again);
	config_free(cfg);
	/* an instance may turn the top-level delay off */
	cfg = good("startup_delay = 30;", "startup_delay = 0;");
	assert_int_equal(cfg->instances[0].startup_delay, 0);
	config_free(cfg);
}

/* A different delay makes the instance differ (a reload applies it). */
static void compared(void **state)
{
	struct vipd_config *a = good("", "startup_delay = 10;"), *b = good("", "");

	(void)state;
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	assert_true(config_instance_equal(&a->instances[1], &b->instances[1]));
	config_free(a);
	config_free(b);
}

/* net_namespace: a name ip netns makes, printed and read back */
static void net_namespace(void **state)
{
	struct vipd_config *cfg = good("net_namespace = \"blue-1\";", ""), *again;

	(void)state;
	assert_string_equal(cfg->net_namespace, "blue-1");
	assert_int_equal(cfg->net_namespace_line, 1);
	again = config_fixture_reprint(cfg);
	assert_string_equal(again->net_namespace, "blue-1");
	config_free(again);
	config_free(cfg);
	cfg = good("", "");
	assert_string_equal(cfg->net_namespace, "");
	config_free(cfg);
	bad("net_namespace = \"../x\";", "",
	    "1: net_namespace: \"../x\": only letters, digits, '_', '.' and '-'");
	bad("net_namespace = \"..\";", "",
	    "1: net_namespace: \"..\": only letters, digits, '_', '.' and '-'");
	bad("net_namespace = 5;", "", "1: net_namespace: expected a string, got an integer");
}

static void errors(void **state)
{
	(void)state;
	bad("startup_delay = -1;", "", "1: startup_delay: -1 is out of range 0..3600");
	bad("startup_delay = \"soon\";", "",
	    "1: startup_delay: expected a number of seconds, got a string");
	bad("startup_delay_from_boot = 1;", "",
	    "1: startup_delay_from_boot: expected a boolean, got an integer");
	bad("realtime_priority = 100;", "", "1: realtime_priority: 100 is out of range 0..99");
	bad("realtime_priority = -1;", "", "1: realtime_priority: -1 is out of range 0..99");
	bad("realtime_priority = \"rr\";", "",
	    "1: realtime_priority: expected an integer, got a string");
	bad("lock_memory = 1;", "", "1: lock_memory: expected a boolean, got an integer");
	bad("", "startup_delay = 3601;",
	    "2: instances[0].startup_delay: 3601 is out of range 0..3600");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults), cmocka_unit_test(inherited),
	    cmocka_unit_test(compared), cmocka_unit_test(net_namespace),
	    cmocka_unit_test(realtime), cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
