/* Unit tests for config_metrics.c: the top-level `metrics_listen` key (IPv4 and IPv6 forms, a
 * bare port meaning loopback, every error with its line and key, printing and reading back). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config_fixture.h"
#include "vipd/config.h"
#include "vipd/config_metrics.h"

/* The key loads to want (as formatted) and survives config_print. */
static void good(const char *top, const char *want)
{
	char *msgs, buf[LISTEN_STRLEN];
	struct vipd_config *cfg = config_fixture_load_top(top, &msgs), *again;

	if (!cfg)
		fail_msg("%s: %s", top, msgs);
	free(msgs);
	assert_string_equal(config_metrics_listen_format(&cfg->metrics_listen, buf, sizeof(buf)),
	                    want);
	again = config_fixture_reprint(cfg);
	assert_true(config_metrics_listen_equal(&again->metrics_listen, &cfg->metrics_listen));
	config_free(again);
	config_free(cfg);
}

static void test_absent(void **state)
{
	char *msgs;
	struct vipd_config *cfg = config_fixture_load_top("", &msgs);

	(void)state;
	assert_non_null(cfg);
	free(msgs);
	assert_int_equal(cfg->metrics_listen.af, 0);
	config_free(cfg);
}

static void test_good(void **state)
{
	(void)state;
	good("metrics_listen = \"127.0.0.1:9650\";", "127.0.0.1:9650");
	good("metrics_listen = \"198.18.0.1:1\";", "198.18.0.1:1");
	good("metrics_listen = \"0.0.0.0:65535\";", "0.0.0.0:65535");
	good("metrics_listen = \"[::1]:9650\";", "[::1]:9650");
	good("metrics_listen = \"[fd00:0::1]:80\";", "[fd00::1]:80");
	good("metrics_listen = 9650;", "127.0.0.1:9650");
}

static void test_bad(void **state)
{
	(void)state;
	config_fixture_bad_top(
	    "metrics_listen = \"127.0.0.1\";",
	    "1: metrics_listen: \"127.0.0.1\": expected \"ADDRESS:PORT\" or \"[IPV6]:PORT\"");
	config_fixture_bad_top("metrics_listen = \"127.0.0.1:0\";",
	                       "1: metrics_listen: \"127.0.0.1:0\": the port must be 1 to 65535");
	config_fixture_bad_top(
	    "metrics_listen = \"127.0.0.1:65536\";",
	    "1: metrics_listen: \"127.0.0.1:65536\": the port must be 1 to 65535");
	config_fixture_bad_top("metrics_listen = \"127.0.0.1:+80\";",
	                       "1: metrics_listen: \"127.0.0.1:+80\": the port must be 1 to 65535");
	config_fixture_bad_top("metrics_listen = \"127.0.0.1:080\";",
	                       "1: metrics_listen: \"127.0.0.1:080\": the port must be 1 to 65535");
	config_fixture_bad_top(
	    "metrics_listen = \"localhost:80\";",
	    "1: metrics_listen: \"localhost:80\": \"localhost\" is not an IPv4 address");
	config_fixture_bad_top(
	    "metrics_listen = \"::1:80\";",
	    "1: metrics_listen: \"::1:80\": an IPv6 address is written \"[ADDRESS]:PORT\"");
	config_fixture_bad_top(
	    "metrics_listen = \"[::1]80\";",
	    "1: metrics_listen: \"[::1]80\": an IPv6 address is written \"[ADDRESS]:PORT\"");
	config_fixture_bad_top(
	    "metrics_listen = \"[127.0.0.1]:80\";",
	    "1: metrics_listen: \"[127.0.0.1]:80\": \"127.0.0.1\" is not an IPv6 address");
	config_fixture_bad_top("metrics_listen = 0;",
	                       "1: metrics_listen: 0 is out of range 1..65535");
	config_fixture_bad_top(
	    "metrics_listen = true;",
	    "1: metrics_listen: expected a string \"ADDRESS:PORT\" or a port number, got a "
	    "boolean");
	config_fixture_bad_top(
	    "\n\nmetrics_listen = \"\";",
	    "3: metrics_listen: \"\": expected \"ADDRESS:PORT\" or \"[IPV6]:PORT\"");
}

static void test_parse_equal(void **state)
{
	struct vipd_listen a = {0}, b = {0};
	char why[128];

	(void)state;
	assert_true(config_metrics_listen_equal(&a, &b));
	assert_int_equal(config_metrics_listen_parse("127.0.0.1:9650", &a, why, sizeof(why)), 0);
	assert_false(config_metrics_listen_equal(&a, &b));
	assert_int_equal(config_metrics_listen_parse("127.0.0.1:9651", &b, why, sizeof(why)), 0);
	assert_false(config_metrics_listen_equal(&a, &b));
	assert_int_equal(config_metrics_listen_parse("127.0.0.2:9650", &b, why, sizeof(why)), 0);
	assert_false(config_metrics_listen_equal(&a, &b));
	assert_int_equal(config_metrics_listen_parse("127.0.0.1:9650", &b, why, sizeof(why)), 0);
	assert_true(config_metrics_listen_equal(&a, &b));
	/* a failed parse leaves the target alone */
	assert_int_equal(config_metrics_listen_parse("[::1]:x", &b, why, sizeof(why)), -1);
	assert_true(config_metrics_listen_equal(&a, &b));
	assert_int_equal(b.af, AF_INET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_absent),
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_parse_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
