/* Unit tests for config_announce.c: announce_table and announce_backup_metric read, refused
 * with their line (the kernel's own tables, a standby metric not worse than the master's, a
 * route the table would hold twice), printed and read back, compared for a reload, and the
 * routes they stand for (config_announce_routes). */
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
#include "vipd/config_announce.h"

/* Instance "web" on line 2 with INST and the VIPs VIPS. */
static struct vipd_config *load(const char *inst, const char *vips, char **msgs)
{
	char text[1024];

	snprintf(text, sizeof(text),
	         "\ninstances = ( { name = \"web\"; interface = \"eth0\"; vrid = 51;\n%s\n"
	         "virtual_addresses = [ %s ]; } );\n",
	         inst, vips);
	return config_fixture_load(text, msgs);
}

static struct vipd_config *good(const char *inst, const char *vips)
{
	char *msgs;
	struct vipd_config *cfg = load(inst, vips, &msgs);

	if (!cfg)
		fail_msg("%s: %s", inst, msgs);
	free(msgs);
	config_fixture_round_trip(cfg);
	return cfg;
}

static void bad(const char *inst, const char *vips, const char *want)
{
	char *msgs;
	struct vipd_config *cfg = load(inst, vips, &msgs);

	assert_null(cfg);
	assert_string_equal(msgs, want);
	free(msgs);
}

static void defaults(void **state)
{
	struct vipd_config *cfg = good("", "\"198.18.0.100/24\"");

	(void)state;
	assert_int_equal(cfg->instances[0].announce_table, 0);
	assert_int_equal(cfg->instances[0].announce_backup_metric, 0);
	assert_int_equal(config_announce_count(&cfg->instances[0]), 0);
	config_free(cfg);
}

/* A host route per VIP on its dev, then the virtual routes, in the table; the standby set
 * with the backup metric. */
static void routes(void **state)
{
	struct vipd_config *cfg = good("announce_table = 100; announce_backup_metric = 50;\n"
	                               "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254\" ];",
	                               "\"198.18.0.100/24 dev lo\", \"198.18.0.101/24\"");
	const struct vipd_instance_config *in = &cfg->instances[0];
	struct vipd_route r[3];
	char buf[ROUTE_STRLEN];

	(void)state;
	assert_int_equal(in->announce_table, 100);
	assert_int_equal(in->announce_backup_metric, 50);
	assert_int_equal(config_announce_count(in), 3);
	assert_int_equal(config_announce_routes(in, false, r), 3);
	assert_string_equal(route_format(&r[0], buf, sizeof(buf)),
	                    "198.18.0.100/32 dev lo table 100");
	assert_string_equal(route_format(&r[1], buf, sizeof(buf)), "198.18.0.101/32 table 100");
	assert_string_equal(route_format(&r[2], buf, sizeof(buf)),
	                    "198.19.0.0/24 via 198.18.0.254 table 100");
	config_announce_routes(in, true, r);
	assert_string_equal(route_format(&r[0], buf, sizeof(buf)),
	                    "198.18.0.100/32 dev lo metric 50 table 100");
	assert_string_equal(route_format(&r[2], buf, sizeof(buf)),
	                    "198.19.0.0/24 via 198.18.0.254 metric 50 table 100");
	config_free(cfg);
}

static void errors(void **state)
{
	(void)state;
	bad("announce_table = 0;", "\"198.18.0.100\"",
	    "3: instances[0].announce_table: 0 is out of range 1..4294967295");
	bad("announce_table = 255;", "\"198.18.0.100\"",
	    "3: instances[0].announce_table: 255 is the kernel's local table; pick another");
	bad("announce_table = 253;", "\"198.18.0.100\"",
	    "3: instances[0].announce_table: 253 is the kernel's default table; pick another");
	bad("announce_table = \"bgp\";", "\"198.18.0.100\"",
	    "3: instances[0].announce_table: expected an integer, got a string");
	bad("announce_backup_metric = 50;", "\"198.18.0.100\"",
	    "3: instances[0].announce_backup_metric: needs announce_table");
	/* IPv6 routes of metric 0 get 1024 from the kernel */
	bad("announce_table = 100;\nannounce_backup_metric = 1024;", "\"fd00::100\"",
	    "4: instances[0].announce_backup_metric: 1024 is not worse than the master's metric "
	    "1024 of fd00::100/128 table 100: use more than 1024");
	bad("announce_table = 100;\nannounce_backup_metric = 10;\n"
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 metric 20\" ];",
	    "\"198.18.0.100\"",
	    "4: instances[0].announce_backup_metric: 10 is not worse than the master's metric 20 "
	    "of 198.19.0.0/24 via 198.18.0.254 metric 20 table 100: use more than 20");
	bad("announce_table = 100;\n"
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 table 100\" ];",
	    "\"198.18.0.100\"",
	    "3: instances[0].announce_table: 100 would hold 198.19.0.0/24 via 198.18.0.254 table "
	    "100 twice: virtual_routes has it already");
}

/* A different table or metric makes the instance differ (a reload applies it). */
static void compared(void **state)
{
	struct vipd_config *a = good("announce_table = 100;", "\"198.18.0.100\"");
	struct vipd_config *b = good("announce_table = 101;", "\"198.18.0.100\"");
	struct vipd_config *c =
	    good("announce_table = 100; announce_backup_metric = 9;", "\"198.18.0.100\"");
	struct vipd_config *d = good("announce_table = 100;", "\"198.18.0.100\"");

	(void)state;
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	assert_false(config_instance_equal(&a->instances[0], &c->instances[0]));
	assert_true(config_instance_equal(&a->instances[0], &d->instances[0]));
	config_free(a);
	config_free(b);
	config_free(c);
	config_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults),
	    cmocka_unit_test(routes),
	    cmocka_unit_test(errors),
	    cmocka_unit_test(compared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
