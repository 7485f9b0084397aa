/* Unit tests for address options and excluded_addresses (config_addr.c): keepalived's syntax
 * in any order, each bad word or value with its FILE:LINE, excluded addresses and their
 * duplicates, instances without virtual addresses, printing and comparing. */
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
#include "vipd/config_addr.h"

/* Instance "web" whose line 3 is KEYS:
 *   1 instances = (
 *   2   { name = "web"; interface = "eth0"; vrid = 51;
 *   3     KEYS
 *   4   }
 *   5 ); */
static void compose(char *buf, size_t len, const char *keys)
{
	snprintf(buf, len,
	         "instances = (\n"
	         "  { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	         "    %s\n"
	         "  }\n"
	         ");\n",
	         keys);
}

static struct vipd_config *good(const char *keys)
{
	char text[4096], *msgs;
	struct vipd_config *cfg;

	compose(text, sizeof(text), keys);
	cfg = config_fixture_load(text, &msgs);
	if (!cfg)
		fail_msg("%s: %s", keys, msgs);
	free(msgs);
	config_fixture_round_trip(cfg);
	return cfg;
}

static void bad(const char *keys, const char *want)
{
	char text[4096], *msgs;

	compose(text, sizeof(text), keys);
	assert_null(config_fixture_load(text, &msgs));
	if (strcmp(msgs, want) != 0)
		fail_msg("%s\n  got:  %s\n  want: %s", keys, msgs, want);
	free(msgs);
}

static void options_read(void **state)
{
	struct vipd_config *cfg;
	const struct vipd_addr_opts *o;
	char buf[CONFIG_ADDR_STRLEN];

	(void)state;
	cfg = good("virtual_addresses = [ \"198.18.0.100/24 noprefixroute brd + scope link "
	           "label eth1:vip dev eth1\", \"198.18.0.101\" ];");
	assert_int_equal(cfg->instances[0].nvips, 2);
	o = &cfg->instances[0].vip_opts[0];
	assert_string_equal(o->dev, "eth1");
	assert_string_equal(o->label, "eth1:vip");
	assert_int_equal(o->scope, 253);
	assert_true(o->has_brd);
	assert_int_equal(ntohl(o->brd.s_addr), 0xc61200ff); /* 198.18.0.255 */
	assert_true(o->noprefixroute);
	/* Printed in one fixed order, as config_load reads it back. */
	assert_string_equal(config_addr_format(&cfg->instances[0].vips[0], o, buf, sizeof(buf)),
	                    "198.18.0.100/24 dev eth1 label eth1:vip scope link brd 198.18.0.255 "
	                    "noprefixroute");
	o = &cfg->instances[0].vip_opts[1];
	assert_string_equal(o->dev, "");
	assert_int_equal(o->scope, -1);
	assert_false(o->has_brd || o->noprefixroute || o->label[0]);
	assert_string_equal(config_addr_format(&cfg->instances[0].vips[1], o, buf, sizeof(buf)),
	                    "198.18.0.101/32");
	config_free(cfg);

	cfg = good("virtual_addresses = [ \"198.18.0.1/24 no_track scope 7 brd 198.18.0.9 dev "
	           "eth1\" ];");
	assert_true(cfg->instances[0].vip_opts[0].no_track);
	assert_int_equal(cfg->instances[0].vip_opts[0].scope, 7);
	assert_int_equal(ntohl(cfg->instances[0].vip_opts[0].brd.s_addr), 0xc6120009);
	config_free(cfg);
}

static void options_bad(void **state)
{
	(void)state;
	bad("virtual_addresses = [ \"198.18.0.1 home\" ];",
	    "3: instances[0].virtual_addresses[0]: \"198.18.0.1 home\": unknown option "
	    "\"home\" (expected dev, label, scope, brd, noprefixroute or no_track)");
	bad("virtual_addresses = [ \"198.18.0.1 dev\" ];",
	    "3: instances[0].virtual_addresses[0]: \"198.18.0.1 dev\": \"dev\" needs a value");
	bad("virtual_addresses = [ \"198.18.0.1 dev eth1 dev eth2\" ];",
	    "3: instances[0].virtual_addresses[0]: \"198.18.0.1 dev eth1 dev eth2\": \"dev\" "
	    "given twice");
	bad("virtual_addresses = [ \"198.18.0.1 dev a/b\" ];",
	    "3: instances[0].virtual_addresses[0]: \"198.18.0.1 dev a/b\": dev \"a/b\" is not "
	    "an interface name");
	bad("virtual_addresses = [ \"198.18.0.1 scope galaxy\" ];",
	    "3: instances[0].virtual_addresses[0]: \"198.18.0.1 scope galaxy\": scope "
	    "\"galaxy\" is not global, site, link, host, nowhere or 0..255");
	bad("virtual_addresses = [ \"198.18.0.1 brd 1.2.3\" ];",
	    "3: instances[0].virtual_addresses[0]: \"198.18.0.1 brd 1.2.3\": brd \"1.2.3\" is "
	    "not an IPv4 address or +");
	bad("virtual_addresses = [ \"198.18.0.1 label waytoolonglabel0\" ];",
	    "3: instances[0].virtual_addresses[0]: \"198.18.0.1 label waytoolonglabel0\": label "
	    "\"waytoolonglabel0\" is not a label (1 to 15 characters)");
	bad("virtual_addresses = [ \"fe80::1\", \"fd00::1/64 brd +\" ];",
	    "3: instances[0].virtual_addresses[1]: \"fd00::1/64 brd +\": brd is for IPv4 "
	    "addresses only");
	bad("virtual_addresses = [ \"fe80::1 label eth0:1\" ];",
	    "3: instances[0].virtual_addresses[0]: \"fe80::1 label eth0:1\": label is for IPv4 "
	    "addresses only");
	bad("virtual_addresses = [ \"nonsense dev eth1\" ];",
	    "3: instances[0].virtual_addresses[0]: \"nonsense dev eth1\" is not an address "
	    "(ADDR or ADDR/PLEN)");
	bad("excluded_addresses = [ \"198.18.0.1 noprefixroute noprefixroute\" ];",
	    "3: instances[0].excluded_addresses[0]: \"198.18.0.1 noprefixroute noprefixroute\": "
	    "\"noprefixroute\" given twice");
}

static void excluded_read(void **state)
{
	struct vipd_config *cfg;
	const struct vipd_instance_config *in;

	(void)state;
	/* Either family next to an IPv4 instance, as Neutron writes them; options too. */
	cfg = good("virtual_addresses = [ \"198.18.0.100/24\" ];\n"
	           "    excluded_addresses = [ \"198.18.1.1/24 dev eth2\", \"fd00::1/64 "
	           "noprefixroute\" ];");
	in = &cfg->instances[0];
	assert_int_equal(in->nvips, 1);
	assert_int_equal(in->nexcluded, 2);
	assert_int_equal(in->excluded[1].af, AF_INET6);
	assert_string_equal(in->excluded_opts[0].dev, "eth2");
	assert_true(in->excluded_opts[1].noprefixroute);
	config_free(cfg);
}

static void excluded_bad(void **state)
{
	(void)state;
	bad("virtual_addresses = [ \"198.18.0.1\" ]; excluded_addresses = [ \"198.18.0.1/24\" ];",
	    "3: instances[0].excluded_addresses[0]: duplicate address 198.18.0.1");
	bad("excluded_addresses = [ \"198.18.0.2\", \"198.18.0.2 dev eth1\" ];",
	    "3: instances[0].excluded_addresses[1]: duplicate address 198.18.0.2");
	bad("excluded_addresses = [ \"224.0.0.1\" ];",
	    "3: instances[0].excluded_addresses[0]: \"224.0.0.1\" is not a unicast host "
	    "address");
	bad("excluded_addresses = \"198.18.0.2\";",
	    "3: instances[0].excluded_addresses: expected an array of strings, got a string");

	/* Across instances, both ways. */
	char *msgs;

	assert_null(config_fixture_load(
	    "instances = (\n"
	    "  { name = \"a\"; interface = \"eth0\"; vrid = 1; excluded_addresses = [ "
	    "\"198.18.0.9\" ]; },\n"
	    "  { name = \"b\"; interface = \"eth0\"; vrid = 2; virtual_addresses = [ "
	    "\"198.18.0.9\" ]; },\n"
	    "  { name = \"c\"; interface = \"eth0\"; vrid = 3; excluded_addresses = [ "
	    "\"198.18.0.9/24\" ]; }\n"
	    ");\n",
	    &msgs));
	assert_string_equal(msgs, "3: instances[1].virtual_addresses[0]: 198.18.0.9 is also an "
	                          "excluded address of the instance at line 2\n"
	                          "4: instances[2].excluded_addresses[0]: 198.18.0.9 is also in "
	                          "the instance at line 2");
	free(msgs);
}

/* Across many instances (the load looks earlier ones up by address): the clashes are found
 * with fillers between, and IPv6 link-local addresses only on the same interface. */
static void excluded_among_many(void **state)
{
	char text[8192], *msgs;
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n,
	                      "instances = (\n"
	                      "  { name = \"a\"; interface = \"eth0\"; vrid = 1; "
	                      "excluded_addresses = [ \"198.18.0.9\", \"fe80::9\" ]; },\n");
	for (int k = 1; k <= 30; k++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		                      "  { name = \"f%d\"; interface = \"eth1\"; vrid = %d; "
		                      "virtual_addresses = [ \"198.19.1.%d\" ]; },\n",
		                      k, k + 1, k);
	n += (size_t)snprintf(text + n, sizeof(text) - n,
	                      "  { name = \"b\"; interface = \"eth2\"; vrid = 40; "
	                      "virtual_addresses = [ \"198.18.0.9\" ]; },\n"
	                      "  { name = \"c\"; interface = \"eth0\"; vrid = 41; "
	                      "virtual_addresses = [ \"fe80::9\" ]; },\n"
	                      "  { name = \"e\"; interface = \"eth2\"; vrid = 43; "
	                      "virtual_addresses = [ \"fe80::9\" ]; },\n"
	                      "  { name = \"d\"; interface = \"eth3\"; vrid = 42; "
	                      "excluded_addresses = [ \"198.19.1.17\", \"198.18.0.9\" ]; }\n"
	                      ");\n");
	assert_true(n < sizeof(text));
	assert_null(config_fixture_load(text, &msgs));
	assert_string_equal(msgs, "33: instances[31].virtual_addresses[0]: 198.18.0.9 is also an "
	                          "excluded address of the instance at line 2\n"
	                          "34: instances[32].virtual_addresses[0]: fe80::9 is also an "
	                          "excluded address of the instance at line 2\n"
	                          "36: instances[34].excluded_addresses[0]: 198.19.1.17 is also in "
	                          "the instance at line 19\n"
	                          "36: instances[34].excluded_addresses[1]: 198.18.0.9 is also in "
	                          "the instance at line 2");
	free(msgs);
}

static void no_vips(void **state)
{
	struct vipd_config *cfg;

	(void)state;
	/* Failover driven by notify scripts or an API: adverts carry no address, over IPv4. */
	cfg = good("priority = 150;");
	assert_int_equal(cfg->instances[0].nvips, 0);
	assert_int_equal(cfg->instances[0].af, AF_INET);
	config_free(cfg);
	cfg =
	    good("excluded_addresses = [ \"198.18.0.7/24\" ]; unicast_peers = [ \"198.18.0.2\" ];");
	assert_int_equal(cfg->instances[0].nexcluded, 1);
	config_free(cfg);
	bad("unicast_peers = [ \"fd00::2\" ];",
	    "3: instances[0].unicast_peers[0]: \"fd00::2\" is IPv6 but the instance is IPv4");
}

static void compare(void **state)
{
	struct vipd_config *a, *b;

	(void)state;
	a = good("virtual_addresses = [ \"198.18.0.1/24 dev eth1\" ];");
	b = good("virtual_addresses = [ \"198.18.0.1/24 dev eth2\" ];");
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	config_free(b);
	b = good("virtual_addresses = [ \"198.18.0.1/24 dev eth1\" ]; excluded_addresses = [ "
	         "\"198.18.0.2\" ];");
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	config_free(b);
	b = good("virtual_addresses = [ \"198.18.0.1/24 dev eth1 noprefixroute\" ];");
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	config_free(b);
	b = good("virtual_addresses = [ \"198.18.0.1/24  dev   eth1\" ];");
	assert_true(config_instance_equal(&a->instances[0], &b->instances[0]));
	config_free(b);
	config_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(options_read),
	    cmocka_unit_test(options_bad),
	    cmocka_unit_test(excluded_read),
	    cmocka_unit_test(excluded_bad),
	    cmocka_unit_test(excluded_among_many),
	    cmocka_unit_test(no_vips),
	    cmocka_unit_test(compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
