/* Unit tests for route.c: the virtual_routes grammar, every rejection with its reason, the
 * printed form and the round trip, and which routes the kernel would take for one. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/route.h"

#define G                                                                                          \
	"[TYPE] PREFIX [via GW] [dev IF] [src ADDR] [scope S] [onlink] [metric N] [table N] "      \
	"[proto P] [nexthop via GW [dev IF] [weight W] [onlink]]..."

/* Parse s (family hint af) or fail the test. */
static struct vipd_route ok(const char *s, int af)
{
	struct vipd_route r;
	char why[256] = "";

	if (route_parse(s, af, &r, why, sizeof(why)) != 0)
		fail_msg("\"%s\": %s", s, why);
	return r;
}

/* s must be rejected with exactly want, leaving the route untouched. */
static void rejected(const char *s, int af, const char *want)
{
	struct vipd_route r, before;
	char why[256] = "";

	memset(&r, 0xa5, sizeof(r));
	before = r;
	if (route_parse(s, af, &r, why, sizeof(why)) == 0)
		fail_msg("\"%s\" was accepted", s);
	if (strcmp(why, want) != 0)
		fail_msg("\"%s\"\n  got:  %s\n  want: %s", s, why, want);
	assert_memory_equal(&r, &before, sizeof(r));
}

/* s parses, prints as want, and want parses back to the same route. */
static void prints(const char *s, int af, const char *want)
{
	struct vipd_route r = ok(s, af), back;
	char buf[ROUTE_STRLEN];

	route_format(&r, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("\"%s\"\n  printed: %s\n  want:    %s", s, buf, want);
	back = ok(buf, 0);
	assert_true(route_equal(&r, &back));
}

static void in4(const char *s, union vip_in *out)
{
	memset(out, 0, sizeof(*out));
	assert_int_equal(inet_pton(AF_INET, s, &out->v4), 1);
}

static void in6(const char *s, union vip_in *out)
{
	memset(out, 0, sizeof(*out));
	assert_int_equal(inet_pton(AF_INET6, s, &out->v6), 1);
}

static void fields(void **state)
{
	struct vipd_route r;
	union vip_in want;

	(void)state;
	r = ok("198.19.0.0/24 via 198.18.0.254", 0);
	assert_int_equal(r.dst.af, AF_INET);
	assert_int_equal(r.dst.plen, 24);
	in4("198.19.0.0", &want);
	assert_memory_equal(&r.dst.in.v4, &want.v4, 4);
	assert_true(r.has_gw);
	in4("198.18.0.254", &want);
	assert_memory_equal(&r.gw.v4, &want.v4, 4);
	assert_string_equal(r.dev, "");
	assert_int_equal(r.metric, 0);
	assert_int_equal(r.table, ROUTE_TABLE_MAIN);

	/* Every keyword, in another order, with blanks and tabs around. */
	r = ok("\t fd00:1::/48  table 100\tmetric 4294967295 dev veth-a.100 via fd00::1 ", 0);
	assert_int_equal(r.dst.af, AF_INET6);
	assert_int_equal(r.dst.plen, 48);
	in6("fd00:1::", &want);
	assert_memory_equal(&r.dst.in.v6, &want.v6, 16);
	in6("fd00::1", &want);
	assert_true(r.has_gw);
	assert_memory_equal(&r.gw.v6, &want.v6, 16);
	assert_string_equal(r.dev, "veth-a.100");
	assert_int_equal(r.metric, UINT32_MAX);
	assert_int_equal(r.table, 100);

	/* A bare address is a host route; no gateway is a directly connected route. */
	r = ok("198.19.1.7", 0);
	assert_int_equal(r.dst.plen, 32);
	assert_false(r.has_gw);
	r = ok("fd00::7 dev eth1", 0);
	assert_int_equal(r.dst.plen, 128);
	assert_string_equal(r.dev, "eth1");
	r = ok("fd00::/8 via fe80::1", 0); /* a link-local next hop (on the instance's dev) */
	assert_true(r.has_gw);
	r = ok("198.19.0.0/16 table main", 0);
	assert_int_equal(r.table, ROUTE_TABLE_MAIN);
	r = ok("198.19.0.0/16 table 254", 0);
	assert_int_equal(r.table, ROUTE_TABLE_MAIN);
	r = ok("198.19.0.0/16 table 1 metric 0", 0);
	assert_int_equal(r.table, 1);
	assert_int_equal(r.metric, 0);
	r = ok("198.19.0.0/16 table 256", 0);
	assert_int_equal(r.table, 256);
	r = ok("198.19.0.0/16 metric 007", 0);
	assert_int_equal(r.metric, 7);
}

static void default_route(void **state)
{
	struct vipd_route r;

	(void)state;
	/* The family comes from the gateway, else from the caller. */
	r = ok("default via 198.18.0.254", 0);
	assert_int_equal(r.dst.af, AF_INET);
	assert_int_equal(r.dst.plen, 0);
	r = ok("default via fd00::1", AF_INET); /* the gateway wins; config_load then objects */
	assert_int_equal(r.dst.af, AF_INET6);
	r = ok("default dev eth1", AF_INET6);
	assert_int_equal(r.dst.af, AF_INET6);
	assert_int_equal(r.dst.plen, 0);
	assert_false(r.has_gw);
	r = ok("0.0.0.0/0 via 198.18.0.254", 0);
	assert_int_equal(r.dst.plen, 0);
	rejected("default", 0, "default needs a gateway to tell its family");
	rejected("default dev eth0", 0, "default needs a gateway to tell its family");
}

static void prefix_errors(void **state)
{
	(void)state;
	rejected("", AF_INET, "empty (" G ")");
	rejected(" \t ", AF_INET, "empty (" G ")");
	rejected("198.19.0.1/24", 0,
	         "198.19.0.1/24 has host bits set (the network is 198.19.0.0/24)");
	rejected("198.19.0.129/25", 0,
	         "198.19.0.129/25 has host bits set (the network is 198.19.0.128/25)");
	rejected("198.18.0.0/0", 0, "198.18.0.0/0 has host bits set (the network is 0.0.0.0/0)");
	rejected("fd00::1/64", 0, "fd00::1/64 has host bits set (the network is fd00::/64)");
	rejected("fd00:0:0:1::/63", 0,
	         "fd00:0:0:1::/63 has host bits set (the network is fd00::/63)");
	rejected("198.19.0.0/33", 0,
	         "\"198.19.0.0/33\" is not a prefix (ADDR/PLEN, ADDR or default)");
	rejected("198.19.0.0/-1", 0,
	         "\"198.19.0.0/-1\" is not a prefix (ADDR/PLEN, ADDR or default)");
	rejected("198.19.0.0/", 0, "\"198.19.0.0/\" is not a prefix (ADDR/PLEN, ADDR or default)");
	rejected("fd00::/129", 0, "\"fd00::/129\" is not a prefix (ADDR/PLEN, ADDR or default)");
	rejected("via 198.18.0.1", 0, "\"via\" is not a prefix (ADDR/PLEN, ADDR or default)");
	rejected("Default via 198.18.0.1", 0,
	         "\"Default\" is not a prefix (ADDR/PLEN, ADDR or default)");
	rejected("198.19.0.0/24,", 0,
	         "\"198.19.0.0/24,\" is not a prefix (ADDR/PLEN, ADDR or default)");
	/* A long word is quoted cut at 64 bytes. */
	rejected("0123456789012345678901234567890123456789012345678901234567890123456789", 0,
	         "\"0123456789012345678901234567890123456789012345678901234567890123\" is not a "
	         "prefix (ADDR/PLEN, ADDR or default)");
}

static void keyword_errors(void **state)
{
	(void)state;
	rejected("198.19.0.0/24 gw 198.18.0.1", 0,
	         "unknown word \"gw\" (expected via, dev, src, scope, onlink, metric, table, proto "
	         "or nexthop)");
	rejected("198.19.0.0/24 VIA 198.18.0.1", 0,
	         "unknown word \"VIA\" (expected via, dev, src, scope, onlink, metric, table, "
	         "proto or nexthop)");
	rejected("198.19.0.0/24 via", 0, "via needs a value");
	rejected("198.19.0.0/24 via 198.18.0.1 dev", 0, "dev needs a value");
	rejected("198.19.0.0/24 via 198.18.0.1 via 198.18.0.2", 0, "via given twice");
	rejected("198.19.0.0/24 metric 1 dev a metric 2", 0, "metric given twice");
	rejected("198.19.0.0/24 table 1 table 1", 0, "table given twice");
	rejected("198.19.0.0/24 dev a dev a", 0, "dev given twice");
	rejected("198.19.0.0/24 x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x "
	         "x x x x "
	         "x x x x x x x x x x x x x",
	         0, "too many words (" G ")");
	rejected("198.19.0.0/24\nvia 198.18.0.1", 0, "contains a control character");
	rejected("198.19.0.0/24 dev a\x7f", 0, "contains a control character");
}

static void value_errors(void **state)
{
	char longest[ROUTE_TEXT_MAX + 1];

	(void)state;
	rejected("198.19.0.0/24 via 198.18.0", 0, "via \"198.18.0\" is not an address");
	rejected("198.19.0.0/24 via 198.18.0.1/24", 0, "via \"198.18.0.1/24\" is not an address");
	rejected("198.19.0.0/24 via 0.0.0.0", 0, "via 0.0.0.0 is not a unicast address");
	rejected("198.19.0.0/24 via 255.255.255.255", 0,
	         "via 255.255.255.255 is not a unicast address");
	rejected("198.19.0.0/24 via 127.0.0.1", 0, "via 127.0.0.1 is not a unicast address");
	rejected("198.19.0.0/24 via 224.0.0.18", 0, "via 224.0.0.18 is not a unicast address");
	rejected("fd00::/8 via ::", 0, "via :: is not a unicast address");
	rejected("fd00::/8 via ::1", 0, "via ::1 is not a unicast address");
	rejected("fd00::/8 via ff02::12", 0, "via ff02::12 is not a unicast address");
	rejected("198.19.0.0/24 via fd00::1", 0, "via fd00::1 is IPv6 but the prefix is IPv4");
	rejected("fd00::/8 via 198.18.0.1", 0, "via 198.18.0.1 is IPv4 but the prefix is IPv6");

	rejected("198.19.0.0/24 dev 0123456789abcdef", 0,
	         "dev \"0123456789abcde...\" is longer than 15 characters");
	rejected("198.19.0.0/24 dev .", 0, "dev \".\" is not an interface name");
	rejected("198.19.0.0/24 dev ..", 0, "dev \"..\" is not an interface name");
	rejected("198.19.0.0/24 dev a/b", 0, "dev \"a/b\" is not an interface name");
	rejected("198.19.0.0/24 dev eth0:1", 0, "dev \"eth0:1\" is not an interface name");
	assert_string_equal(ok("198.19.0.0/24 dev 0123456789abcde", 0).dev, "0123456789abcde");

	rejected("198.19.0.0/24 metric 4294967296", 0,
	         "metric \"4294967296\" is not a number 0..4294967295");
	rejected("198.19.0.0/24 metric 99999999999", 0,
	         "metric \"99999999999\" is not a number 0..4294967295");
	rejected("198.19.0.0/24 metric -1", 0, "metric \"-1\" is not a number 0..4294967295");
	rejected("198.19.0.0/24 metric +1", 0, "metric \"+1\" is not a number 0..4294967295");
	rejected("198.19.0.0/24 metric 0x10", 0, "metric \"0x10\" is not a number 0..4294967295");
	rejected("198.19.0.0/24 metric high", 0, "metric \"high\" is not a number 0..4294967295");

	rejected("198.19.0.0/24 table 0", 0, "table \"0\" is not main, a number 1..4294967295 or a name of rt_tables");
	rejected("198.19.0.0/24 table 4294967296", 0,
	         "table \"4294967296\" is not main, a number 1..4294967295 or a name of rt_tables");
	rejected("198.19.0.0/24 table local", 0,
	         "table \"local\" is not main, a number 1..4294967295 or a name of rt_tables");
	rejected("198.19.0.0/24 table 253", 0, "table 253 is the kernel's \"default\" table");
	rejected("198.19.0.0/24 table 255", 0, "table 255 is the kernel's \"local\" table");
	assert_int_equal(ok("198.19.0.0/24 table 4294967295", 0).table, UINT32_MAX);

	memset(longest, ' ', sizeof(longest));
	memcpy(longest, "198.19.0.0/24", 13);
	longest[ROUTE_TEXT_MAX - 1] = '\0';
	(void)ok(longest, 0); /* 255 characters: fine */
	longest[ROUTE_TEXT_MAX - 1] = ' ';
	longest[ROUTE_TEXT_MAX] = '\0';
	rejected(longest, 0, "longer than 255 characters");
}

/* The attributes keepalived's virtual_routes take: type, src, scope, onlink, proto. */
static void attributes(void **state)
{
	struct vipd_route r;
	union vip_in want;

	(void)state;
	r = ok("198.19.0.0/24 via 198.18.0.254 src 198.18.0.100 scope link onlink proto static", 0);
	in4("198.18.0.100", &want);
	assert_true(r.has_src);
	assert_memory_equal(&r.src, &want, sizeof(want));
	assert_true(r.has_scope);
	assert_int_equal(r.scope, 253);
	assert_true(r.onlink);
	assert_int_equal(r.proto, 4);
	assert_int_equal(r.type, ROUTE_UNICAST);
	assert_int_equal(route_scope(&r), 253);
	r = ok("198.19.0.0/24", 0);
	assert_int_equal(route_scope(&r), 253); /* IPv4 without gateway: link */
	r = ok("198.19.0.0/24 via 198.18.0.1", 0);
	assert_int_equal(route_scope(&r), 0);
	r = ok("fd00::/8", 0);
	assert_int_equal(route_scope(&r), 0);
	r = ok("198.19.0.0/24 scope 77 proto 112", 0);
	assert_int_equal(route_scope(&r), 77);
	assert_int_equal(r.proto, 0); /* vipd's own: the default */
	r = ok("blackhole 198.19.0.0/24", 0);
	assert_int_equal(r.type, ROUTE_BLACKHOLE);
	assert_int_equal(route_scope(&r), 0);
	assert_int_equal(ok("unreachable fd00::/8 metric 5 table 9", 0).type, ROUTE_UNREACHABLE);
	assert_int_equal(ok("prohibit default", AF_INET6).type, ROUTE_PROHIBIT);
	r = ok("default src fd00::1", AF_INET);
	assert_int_equal(r.dst.af, AF_INET6); /* src tells the family as via does */

	prints("blackhole 198.19.0.0/24 proto 18 table 7", 0,
	       "blackhole 198.19.0.0/24 table 7 proto keepalived");
	prints("fd00::/8 proto 200 scope host src fd00::1", 0,
	       "fd00::/8 src fd00::1 scope host proto 200");
	prints("198.19.0.0/24 onlink via 198.18.0.1 scope 0", 0,
	       "198.19.0.0/24 via 198.18.0.1 scope global onlink");
	prints("198.19.0.0/24 scope 7", 0, "198.19.0.0/24 scope 7");

	rejected("blackhole", 0, "blackhole needs a prefix");
	rejected("blackhole 198.19.0.0/24 via 198.18.0.1", 0,
	         "blackhole takes no via (no next hop)");
	rejected("unreachable 198.19.0.0/24 dev eth0", 0, "unreachable takes no dev (no next hop)");
	rejected("prohibit 198.19.0.0/24 src 198.18.0.1", 0, "prohibit takes no src (no next hop)");
	rejected("198.19.0.0/24 blackhole", 0,
	         "unknown word \"blackhole\" (expected via, dev, src, scope, onlink, metric, "
	         "table, proto "
	         "or nexthop)");
	rejected("unicast 198.19.0.0/24", 0,
	         "\"unicast\" is not a prefix (ADDR/PLEN, ADDR or default)");
	rejected("198.19.0.0/24 onlink", 0, "onlink needs via");
	rejected("198.19.0.0/24 via 198.18.0.1 onlink onlink", 0, "onlink given twice");
	rejected("198.19.0.0/24 src 198.18.0", 0, "src \"198.18.0\" is not an address");
	rejected("198.19.0.0/24 src 224.0.0.1", 0, "src 224.0.0.1 is not a unicast address");
	rejected("198.19.0.0/24 src fd00::1", 0, "src fd00::1 is IPv6 but the prefix is IPv4");
	rejected("198.19.0.0/24 src", 0, "src needs a value");
	rejected("198.19.0.0/24 scope 256", 0,
	         "scope \"256\" is not global, site, link, host, nowhere, or a number 0..255");
	rejected("198.19.0.0/24 scope universe", 0,
	         "scope \"universe\" is not global, site, link, host, nowhere, or a number 0..255");
	rejected(
	    "198.19.0.0/24 proto 0", 0,
	    "proto \"0\" is not kernel, boot, static, ra, dhcp, keepalived, or a number 1..255");
	rejected("198.19.0.0/24 proto zebra", 0,
	         "proto \"zebra\" is not kernel, boot, static, ra, dhcp, keepalived, or a number "
	         "1..255");
}

/* Multipath: nexthop groups after the other keywords, each with via and its options. */
static void multipath(void **state)
{
	struct vipd_route r;
	union vip_in want;

	(void)state;
	r = ok("198.19.0.0/24 metric 5 nexthop via 198.18.0.254 dev eth1 weight 3 onlink nexthop "
	       "via 198.18.0.253",
	       0);
	assert_int_equal(r.nnh, 2);
	assert_false(r.has_gw);
	in4("198.18.0.254", &want);
	assert_memory_equal(&r.nh[0].gw, &want, sizeof(want));
	assert_string_equal(r.nh[0].dev, "eth1");
	assert_int_equal(r.nh[0].weight, 3);
	assert_true(r.nh[0].onlink);
	assert_int_equal(r.nh[1].weight, 1);
	assert_string_equal(r.nh[1].dev, "");
	assert_int_equal(route_scope(&r), 0); /* gateways: universe */
	assert_int_equal(ok("default nexthop via fd00::1 nexthop via fd00::2", AF_INET).dst.af,
	                 AF_INET6);
	prints("fd00::/8 nexthop weight 256 via fd00::1 nexthop onlink dev e via fd00::2", 0,
	       "fd00::/8 nexthop via fd00::1 weight 256 nexthop via fd00::2 dev e onlink");

	rejected("198.19.0.0/24 nexthop dev eth0", 0, "a nexthop needs via");
	rejected("198.19.0.0/24 nexthop", 0, "a nexthop needs via");
	rejected("198.19.0.0/24 nexthop via 198.18.0.1 metric 5", 0,
	         "nexthop: unexpected \"metric\" (via GW [dev IF] [weight W] [onlink], each once)");
	rejected("198.19.0.0/24 nexthop via 198.18.0.1 via 198.18.0.2", 0,
	         "nexthop: unexpected \"via\" (via GW [dev IF] [weight W] [onlink], each once)");
	rejected("198.19.0.0/24 nexthop via 198.18.0.1 weight 0", 0,
	         "nexthop weight \"0\" is not a number 1..256");
	rejected("198.19.0.0/24 nexthop via 198.18.0.1 weight 257", 0,
	         "nexthop weight \"257\" is not a number 1..256");
	rejected("198.19.0.0/24 nexthop via 198.18.0.1 weight", 0, "nexthop weight needs a value");
	rejected("198.19.0.0/24 nexthop via fd00::1", 0,
	         "nexthop via fd00::1 is IPv6 but the prefix is IPv4");
	rejected("198.19.0.0/24 via 198.18.0.1 nexthop via 198.18.0.2", 0,
	         "a route with nexthops takes no via, dev or onlink of its own");
	rejected("blackhole 198.19.0.0/24 nexthop via 198.18.0.2", 0, "blackhole takes no nexthop");
	rejected("198.19.0.0/24 nexthop via 198.18.0.1 nexthop via 198.18.0.2 nexthop via "
	         "198.18.0.3 nexthop via 198.18.0.4 nexthop via 198.18.0.5",
	         0, "more than 4 nexthops");
}

static void no_reason_buffer(void **state)
{
	struct vipd_route r;

	(void)state;
	assert_int_equal(route_parse("nonsense", 0, &r, NULL, 0), -1);
	assert_int_equal(route_parse("198.19.0.0/24", 0, &r, NULL, 0), 0);
}

static void print_round_trip(void **state)
{
	(void)state;
	prints("198.19.0.0/24 via 198.18.0.254", 0, "198.19.0.0/24 via 198.18.0.254");
	prints("198.19.0.0/24 table 100 metric 5 dev eth1 via 198.18.0.254", 0,
	       "198.19.0.0/24 via 198.18.0.254 dev eth1 metric 5 table 100");
	prints("default via 198.18.0.254 table main metric 0", 0, "0.0.0.0/0 via 198.18.0.254");
	prints("default dev vrrp6.51", AF_INET6, "::/0 dev vrrp6.51");
	prints("198.19.0.9", 0, "198.19.0.9/32");
	prints("FD00:0::A:0/112 via FE80::1", 0, "fd00::a:0/112 via fe80::1");
	prints("fd00::/8 metric 4294967295 table 4294967295", 0,
	       "fd00::/8 metric 4294967295 table 4294967295");
}

static void equal_and_key(void **state)
{
	struct vipd_route a, b;

	(void)state;
	a = ok("198.19.0.0/24 via 198.18.0.254", 0);
	b = ok("198.19.0.0/24  via  198.18.0.254", 0);
	assert_true(route_equal(&a, &b));
	assert_true(route_same_key(&a, &b));
	b = ok("198.19.0.0/24 via 198.18.0.253", 0); /* another next hop: still one route */
	assert_false(route_equal(&a, &b));
	assert_true(route_same_key(&a, &b));
	b = ok("198.19.0.0/24 via 198.18.0.254 dev eth1", 0);
	assert_false(route_equal(&a, &b));
	assert_true(route_same_key(&a, &b));
	b = ok("198.19.0.0/24 via 198.18.0.254 metric 1", 0);
	assert_false(route_equal(&a, &b));
	assert_false(route_same_key(&a, &b));
	b = ok("198.19.0.0/24 via 198.18.0.254 table 7", 0);
	assert_false(route_same_key(&a, &b));
	b = ok("198.19.0.0/25 via 198.18.0.254", 0);
	assert_false(route_same_key(&a, &b));
	b = ok("198.19.1.0/24 via 198.18.0.254", 0);
	assert_false(route_same_key(&a, &b));
	b = ok("198.19.0.0/24", 0);
	assert_false(route_equal(&a, &b));
	assert_true(route_same_key(&a, &b));

	/* IPv6 metric 0 is the kernel's 1024; IPv4 0 is 0. */
	a = ok("fd00:1::/64", 0);
	b = ok("fd00:1::/64 metric 1024", 0);
	assert_false(route_equal(&a, &b));
	assert_true(route_same_key(&a, &b));
	a = ok("198.19.0.0/24", 0);
	b = ok("198.19.0.0/24 metric 1024", 0);
	assert_false(route_same_key(&a, &b));
	/* ::/0 and 0.0.0.0/0 differ by family. */
	a = ok("default", AF_INET);
	b = ok("default", AF_INET6);
	assert_false(route_same_key(&a, &b));
}

/* The formatter cuts at len, always terminated. */
static void format_short_buffer(void **state)
{
	struct vipd_route r = ok("fd00::/8 via fd00::1 dev eth1 metric 5 table 9", 0);
	char buf[12];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	route_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::/8 vi");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fields),
	    cmocka_unit_test(default_route),
	    cmocka_unit_test(prefix_errors),
	    cmocka_unit_test(keyword_errors),
	    cmocka_unit_test(value_errors),
	    cmocka_unit_test(attributes),
	    cmocka_unit_test(multipath),
	    cmocka_unit_test(no_reason_buffer),
	    cmocka_unit_test(print_round_trip),
	    cmocka_unit_test(equal_and_key),
	    cmocka_unit_test(format_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
