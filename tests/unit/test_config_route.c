/* Unit tests for the virtual_routes key (config_route.c): good lists, every error with its
 * FILE:LINE, key and index, the family rule, duplicates within and across instances, printing
 * and comparing. */
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

/* Instance "web" of family v6 (or IPv4) whose line 4 is KEYS:
 *   1 instances = (
 *   2   { name = "web"; interface = "eth0"; vrid = 51;
 *   3     virtual_addresses = [ "198.18.0.100/24" ];   (IPv6: "fe80::51", "fd00::100/64")
 *   4     KEYS
 *   5   }
 *   6 ); */
static void compose(char *buf, size_t len, bool v6, const char *keys)
{
	snprintf(buf, len,
	         "instances = (\n"
	         "  { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	         "    virtual_addresses = [ %s ];\n"
	         "    %s\n"
	         "  }\n"
	         ");\n",
	         v6 ? "\"fe80::51\", \"fd00::100/64\"" : "\"198.18.0.100/24\"", keys);
}

static struct vipd_config *good(bool v6, const char *keys)
{
	char text[16384], *msgs;
	struct vipd_config *cfg;

	compose(text, sizeof(text), v6, keys);
	cfg = config_fixture_load(text, &msgs);
	if (!cfg)
		fail_msg("%s: %s", keys, msgs);
	free(msgs);
	config_fixture_round_trip(cfg);
	return cfg;
}

/* The text must fail with exactly want (lines joined by \n). */
static void bad_text(const char *text, const char *want)
{
	char *msgs;

	assert_null(config_fixture_load(text, &msgs));
	if (strcmp(msgs, want) != 0)
		fail_msg("%s\n  got:  %s\n  want: %s", text, msgs, want);
	free(msgs);
}

static void bad(bool v6, const char *keys, const char *want)
{
	char text[16384];

	compose(text, sizeof(text), v6, keys);
	bad_text(text, want);
}

static void route_text(const struct vipd_instance_config *in, size_t i, const char *want)
{
	char buf[ROUTE_STRLEN];

	assert_true(i < in->nroutes);
	assert_string_equal(route_format(&in->routes[i], buf, sizeof(buf)), want);
}

static void good_lists(void **state)
{
	struct vipd_config *c;

	(void)state;
	c = good(false, "");
	assert_int_equal(c->instances[0].nroutes, 0);
	assert_null(c->instances[0].routes);
	config_free(c);
	c = good(false, "virtual_routes = [ ];");
	assert_int_equal(c->instances[0].nroutes, 0);
	config_free(c);

	c = good(false, "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254\", \"default via "
	                "198.18.0.1 table 100\", \"198.19.1.0/24 dev eth1 metric 5\" ];");
	assert_int_equal(c->instances[0].nroutes, 3);
	route_text(&c->instances[0], 0, "198.19.0.0/24 via 198.18.0.254");
	route_text(&c->instances[0], 1, "0.0.0.0/0 via 198.18.0.1 table 100");
	route_text(&c->instances[0], 2, "198.19.1.0/24 dev eth1 metric 5");
	config_free(c);

	/* A list ( ... ) works as well as an array; "default" takes the instance's family. */
	c = good(false, "virtual_routes = ( \"default dev eth1\" );");
	route_text(&c->instances[0], 0, "0.0.0.0/0 dev eth1");
	config_free(c);
	c = good(true, "virtual_routes = [ \"default dev eth1\", \"fd00:1::/48 via fe80::1\" ];");
	route_text(&c->instances[0], 0, "::/0 dev eth1");
	route_text(&c->instances[0], 1, "fd00:1::/48 via fe80::1");
	config_free(c);

	/* The same prefix in two tables, or with two metrics, is two routes. */
	c = good(false, "virtual_routes = [ \"198.19.0.0/24\", \"198.19.0.0/24 table 7\", "
	                "\"198.19.0.0/24 metric 9\" ];");
	assert_int_equal(c->instances[0].nroutes, 3);
	config_free(c);
}

static void errors(void **state)
{
	(void)state;
	bad(false, "virtual_routes = \"198.19.0.0/24\";",
	    "4: instances[0].virtual_routes: expected an array of strings, got a string");
	bad(false, "virtual_routes = ( 1, \"198.19.0.0/24\", [ \"x\" ] );",
	    "4: instances[0].virtual_routes[0]: expected a string, got an integer\n"
	    "4: instances[0].virtual_routes[2]: expected a string, got an array");
	bad(false, "virtual_routes = [ \"198.19.0.1/24\" ];",
	    "4: instances[0].virtual_routes[0]: \"198.19.0.1/24\": 198.19.0.1/24 has host bits "
	    "set (the network is 198.19.0.0/24)");
	bad(false, "virtual_routes = [ \"198.19.0.0/24 gw 198.18.0.1\" ];",
	    "4: instances[0].virtual_routes[0]: \"198.19.0.0/24 gw 198.18.0.1\": unknown word "
	    "\"gw\" (expected via, dev, src, scope, onlink, metric, table, proto or nexthop)");
	bad(false, "virtual_routes = [ \"\" ];",
	    "4: instances[0].virtual_routes[0]: \"\": empty ([TYPE] PREFIX [via GW] [dev IF] "
	    "[src ADDR] [scope S] [onlink] [metric N] [table N] [proto P] [nexthop via GW [dev IF] "
	    "[weight W] [onlink]]...)");
	bad(false,
	    "virtual_routes = [ \"198.19.0.0/24\",\n  \"blackhole 198.19.1.0/24 via 198.18.0.1\" "
	    "];",
	    "5: instances[0].virtual_routes[1]: \"blackhole 198.19.1.0/24 via 198.18.0.1\": "
	    "blackhole takes no via (no next hop)");
	/* A control character is not echoed into the message. */
	bad(false, "virtual_routes = [ \"198.19.0.0/24\\n\" ];",
	    "4: instances[0].virtual_routes[0]: contains a control character");
}

/* IPv4 and IPv6 routes mix in one instance (as keepalived's); "default" without a gateway
 * takes the instance's family; a gateway or src of the other family is refused. */
static void family(void **state)
{
	struct vipd_config *c;

	(void)state;
	c = good(false, "virtual_routes = [ \"fd00::/8\", \"default via fd00::1\", \"default\", "
	                "\"198.19.9.0/24 src 198.18.0.100\", \"unreachable fd00:9::/64\" ];");
	assert_int_equal(c->instances[0].nroutes, 5);
	route_text(&c->instances[0], 0, "fd00::/8");
	route_text(&c->instances[0], 1, "::/0 via fd00::1");
	route_text(&c->instances[0], 2, "0.0.0.0/0");
	route_text(&c->instances[0], 4, "unreachable fd00:9::/64");
	config_free(c);
	c = good(true, "virtual_routes = [ \"198.19.9.0/24\", \"fd00:9::/64 src fd00::100\" ];");
	assert_int_equal(c->instances[0].routes[0].dst.af, AF_INET);
	assert_int_equal(c->instances[0].routes[1].dst.af, AF_INET6);
	config_free(c);
	bad(true, "virtual_routes = [ \"fd00:2::/64 src 198.18.0.1\" ];",
	    "4: instances[0].virtual_routes[0]: \"fd00:2::/64 src 198.18.0.1\": src 198.18.0.1 is "
	    "IPv4 but the prefix is IPv6");
	bad(true, "virtual_routes = [ \"fd00:2::/64 via 198.18.0.1\" ];",
	    "4: instances[0].virtual_routes[0]: \"fd00:2::/64 via 198.18.0.1\": via 198.18.0.1 is "
	    "IPv4 but the prefix is IPv6");
}

/* One kernel route (prefix, table, metric) once: within an instance and across instances. */
static void duplicates(void **state)
{
	(void)state;
	bad(false,
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254\",\n"
	    "      \"198.19.0.0/24 dev eth1\" ];",
	    "5: instances[0].virtual_routes[1]: \"198.19.0.0/24 dev eth1\" is the same route as "
	    "\"198.19.0.0/24 via 198.18.0.254\" (same prefix, table and metric)");
	bad(true, "virtual_routes = [ \"fd00:1::/64\", \"fd00:1::/64 metric 1024\" ];",
	    "4: instances[0].virtual_routes[1]: \"fd00:1::/64 metric 1024\" is the same route as "
	    "\"fd00:1::/64\" (same prefix, table and metric)");
	bad_text("instances = (\n"
	         "  { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	         "    virtual_addresses = [ \"198.18.0.100/24\" ];\n"
	         "    virtual_routes = [ \"default via 198.18.0.1\" ]; },\n"
	         "  { name = \"api\"; interface = \"eth0\"; vrid = 52;\n"
	         "    virtual_addresses = [ \"198.18.0.101/24\" ];\n"
	         "    virtual_routes = [ \"198.19.0.0/24\", \"0.0.0.0/0 via 198.18.0.2\" ]; }\n"
	         ");\n",
	         "7: instances[1].virtual_routes[1]: \"0.0.0.0/0 via 198.18.0.2\" is also a route "
	         "of instance \"web\" at line 2");
}

static void too_many(void **state)
{
	char keys[8192];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(keys + n, sizeof(keys) - n, "virtual_routes = [");
	for (int i = 0; i < 256; i++)
		n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s\"198.19.%d.0/24\"",
		                      i ? "," : "", i);
	snprintf(keys + n, sizeof(keys) - n, "];");
	bad(false, keys, "4: instances[0].virtual_routes: 256 routes, at most 255");
	/* 255 load. */
	n = (size_t)snprintf(keys, sizeof(keys), "virtual_routes = [");
	for (int i = 0; i < 255; i++)
		n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s\"198.19.%d.0/24\"",
		                      i ? "," : "", i);
	snprintf(keys + n, sizeof(keys) - n, "];");
	config_free(good(false, keys));
}

/* Printed and read back equal; each difference in a route, or in the order, counts. */
static void print_and_compare(void **state)
{
	static const char *const variants[] = {
	    "",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.253\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 dev eth1\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 dev \\\"q\\\\\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 metric 3\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 table 300\" ];",
	    "virtual_routes = [ \"198.19.0.0/24\", \"default via 198.18.0.1\" ];",
	    "virtual_routes = [ \"default via 198.18.0.1\", \"198.19.0.0/24\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 src 198.18.0.100\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 scope link\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 onlink\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254 proto static\" ];",
	    "virtual_routes = [ \"blackhole 198.19.0.0/24\" ];",
	    "virtual_routes = [ \"prohibit 198.19.0.0/24\" ];",
	    "virtual_routes = [ \"198.19.0.0/24 nexthop via 198.18.0.1 nexthop via 198.18.0.2\" ];",
	    ("virtual_routes = [ \"198.19.0.0/24 nexthop via 198.18.0.1 nexthop via 198.18.0.2 "
	     "weight 2\" ];"),
	    "virtual_routes = [ \"198.19.0.0/24\", \"fd00:1::/64\" ];",
	};
	enum { NV = sizeof(variants) / sizeof(variants[0]) };
	struct vipd_config *c[NV];

	(void)state;
	for (size_t i = 0; i < NV; i++)
		c[i] = good(false, variants[i]); /* good() checks the round trip */
	assert_string_equal(c[4]->instances[0].routes[0].dev, "\"q\\");
	for (size_t i = 0; i < NV; i++)
		for (size_t j = 0; j < NV; j++)
			assert_int_equal(
			    config_instance_equal(&c[i]->instances[0], &c[j]->instances[0]),
			    i == j);
	for (size_t i = 0; i < NV; i++)
		config_free(c[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_lists), cmocka_unit_test(errors),
	    cmocka_unit_test(family),     cmocka_unit_test(duplicates),
	    cmocka_unit_test(too_many),   cmocka_unit_test(print_and_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
