/* Unit tests for config_garp.c: the top-level `garp_groups` (announcement pacing per interface),
 * the values read and the interval looked up per interface and family, their errors with line
 * and key, printing and reading back, and what a reload compares. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config_fixture.h"
#include "vipd/config.h"
#include "vipd/config_garp.h"

static struct vipd_config *good(const char *top)
{
	char *msgs;
	struct vipd_config *cfg = config_fixture_load_top(top, &msgs);

	if (!cfg)
		fail_msg("%s: %s", top, msgs);
	free(msgs);
	config_fixture_round_trip(cfg);
	return cfg;
}

static void none(void **state)
{
	struct vipd_config *cfg = good("");

	(void)state;
	assert_int_equal(cfg->ngarp_groups, 0);
	assert_int_equal(config_garp_interval(cfg, "eth0", AF_INET), 0);
	config_free(cfg);
}

static void read_and_looked_up(void **state)
{
	struct vipd_config *cfg =
	    good("garp_groups = ( { interfaces = [ \"eth0\", \"eth1\" ]; garp_interval = 0.05; "
	         "gna_interval = 0.1; }, { interfaces = [ \"eth2\" ]; gna_interval = 1; } );");

	(void)state;
	assert_int_equal(cfg->ngarp_groups, 2);
	assert_int_equal(cfg->garp_groups[0].nifaces, 2);
	assert_string_equal(cfg->garp_groups[0].ifaces[1], "eth1");
	assert_int_equal(cfg->garp_groups[0].line, 1);
	assert_int_equal(config_garp_interval(cfg, "eth1", AF_INET), 50 * MT_MSEC);
	assert_int_equal(config_garp_interval(cfg, "eth0", AF_INET6), 100 * MT_MSEC);
	/* IPv4 not paced on eth2: garp_interval defaults to 0 */
	assert_int_equal(config_garp_interval(cfg, "eth2", AF_INET), 0);
	assert_int_equal(config_garp_interval(cfg, "eth2", AF_INET6), MT_SEC);
	assert_int_equal(config_garp_interval(cfg, "eth3", AF_INET), 0);
	config_free(cfg);
}

static void errors(void **state)
{
	(void)state;
	config_fixture_bad_top("garp_groups = 1;",
	                       "1: garp_groups: expected a list of groups, got an integer");
	config_fixture_bad_top("garp_groups = ( 1 );",
	                       "1: garp_groups[0]: expected a group, got an integer");
	config_fixture_bad_top("garp_groups = ( { garp_interval = 0.1; } );",
	                       "1: garp_groups[0]: missing key \"interfaces\"");
	config_fixture_bad_top("garp_groups = ( { interfaces = [ ]; garp_interval = 0.1; } );",
	                       "1: garp_groups[0].interfaces: must not be empty");
	config_fixture_bad_top("garp_groups = ( { interfaces = [ \"eth0\" ]; } );",
	                       "1: garp_groups[0]: needs garp_interval or gna_interval (or both)");
	config_fixture_bad_top(
	    "garp_groups = ( { interfaces = [ \"eth0\" ]; garp_interval = 11; } );",
	    "1: garp_groups[0].garp_interval: 11 is out of range 0..10");
	config_fixture_bad_top(
	    "garp_groups = ( { interfaces = [ \"eth0\" ]; gna_interval = \"x\"; } );",
	    "1: garp_groups[0].gna_interval: expected a number of seconds, got a string");
	config_fixture_bad_top(
	    "garp_groups = ( { interfaces = [ \"a/b\" ]; garp_interval = 1; } );",
	    "1: garp_groups[0].interfaces[0]: not an interface name");
	config_fixture_bad_top(
	    "garp_groups = ( { interfaces = [ \"eth0\", \"eth0\" ]; garp_interval = 1; } );",
	    "1: garp_groups[0].interfaces[1]: listed twice");
	config_fixture_bad_top(
	    "garp_groups = ( { interfaces = [ \"eth0\" ]; garp_interval = 1; },\n"
	    "{ interfaces = [ \"eth0\" ]; garp_interval = 2; } );",
	    "2: garp_groups[1].interfaces[0]: \"eth0\" is already in the garp group at line 1");
	config_fixture_bad_top("garp_groups = ( { interfaces = [ \"eth0\" ]; interval = 1; } );",
	                       "1: unknown key \"interval\" in garp_groups[0]\n"
	                       "1: garp_groups[0]: needs garp_interval or gna_interval (or both)");
}

static void equal(void **state)
{
	const char *a = "garp_groups = ( { interfaces = [ \"eth0\" ]; garp_interval = 0.05; } );";
	struct vipd_config *x = good(a), *y = good(a), *z = good(""),
	                   *w = good("garp_groups = ( { interfaces = [ \"eth0\" ]; "
	                             "garp_interval = 0.06; } );"),
	                   *v = good("garp_groups = ( { interfaces = [ \"eth1\" ]; "
	                             "garp_interval = 0.05; } );");

	(void)state;
	assert_true(config_garp_equal(x, y));
	assert_false(config_garp_equal(x, z));
	assert_false(config_garp_equal(x, w));
	assert_false(config_garp_equal(x, v));
	config_free(x);
	config_free(y);
	config_free(z);
	config_free(w);
	config_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(none),
	    cmocka_unit_test(read_and_looked_up),
	    cmocka_unit_test(errors),
	    cmocka_unit_test(equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
