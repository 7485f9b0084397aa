/* Unit tests for nft_rules_build: the exact text of table inet vipd for no address (the table
 * deleted), IPv4 only, IPv6 only (Neighbor Discovery to the VIP still accepted) and both. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/nft_rules.h"

static struct vip_addr parse(const char *s)
{
	struct vip_addr a;

	assert_int_equal(addr_parse(s, true, &a), 0);
	return a;
}

static void expect(const struct vip_addr *v, size_t n, const char *want)
{
	char *got = nft_rules_build(v, n);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_empty_deletes(void **state)
{
	(void)state;
	expect(NULL, 0,
	       "table inet vipd\n"
	       "delete table inet vipd\n");
}

static void test_ipv4(void **state)
{
	struct vip_addr v[2];

	(void)state;
	v[0] = parse("198.18.0.100/24");
	v[1] = parse("198.18.0.101/32");
	expect(v, 2,
	       "table inet vipd\n"
	       "delete table inet vipd\n"
	       "table inet vipd {\n"
	       "\tset vip4 {\n"
	       "\t\ttype ipv4_addr\n"
	       "\t\telements = { 198.18.0.100, 198.18.0.101 }\n"
	       "\t}\n"
	       "\tchain input {\n"
	       "\t\ttype filter hook input priority filter; policy accept;\n"
	       "\t\tip daddr @vip4 drop\n"
	       "\t}\n"
	       "}\n");
}

static void test_ipv6_keeps_nd(void **state)
{
	struct vip_addr v[1];

	(void)state;
	v[0] = parse("fd00::100/64");
	expect(
	    v, 1,
	    "table inet vipd\n"
	    "delete table inet vipd\n"
	    "table inet vipd {\n"
	    "\tset vip6 {\n"
	    "\t\ttype ipv6_addr\n"
	    "\t\telements = { fd00::100 }\n"
	    "\t}\n"
	    "\tchain input {\n"
	    "\t\ttype filter hook input priority filter; policy accept;\n"
	    "\t\tip6 daddr @vip6 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
	    "\t\tip6 daddr @vip6 drop\n"
	    "\t}\n"
	    "}\n");
}

static void test_both_families(void **state)
{
	struct vip_addr v[3];

	(void)state;
	v[0] = parse("fe80::51/64");
	v[1] = parse("198.18.0.100");
	v[2] = parse("fd00::100/64");
	expect(
	    v, 3,
	    "table inet vipd\n"
	    "delete table inet vipd\n"
	    "table inet vipd {\n"
	    "\tset vip4 {\n"
	    "\t\ttype ipv4_addr\n"
	    "\t\telements = { 198.18.0.100 }\n"
	    "\t}\n"
	    "\tset vip6 {\n"
	    "\t\ttype ipv6_addr\n"
	    "\t\telements = { fe80::51, fd00::100 }\n"
	    "\t}\n"
	    "\tchain input {\n"
	    "\t\ttype filter hook input priority filter; policy accept;\n"
	    "\t\tip daddr @vip4 drop\n"
	    "\t\tip6 daddr @vip6 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
	    "\t\tip6 daddr @vip6 drop\n"
	    "\t}\n"
	    "}\n");
}

/* 255 IPv6 addresses of the longest form fit the buffer. */
static void test_long_list(void **state)
{
	struct vip_addr v[255];
	char *got;

	(void)state;
	for (size_t i = 0; i < 255; i++) {
		char s[64];

		snprintf(s, sizeof(s), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:%zx", 0xff00 + i);
		v[i] = parse(s);
	}
	got = nft_rules_build(v, 255);
	assert_non_null(got);
	assert_non_null(strstr(got, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe }\n"));
	assert_non_null(strstr(got, "\t}\n}\n"));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_deletes), cmocka_unit_test(test_ipv4),
	    cmocka_unit_test(test_ipv6_keeps_nd), cmocka_unit_test(test_both_families),
	    cmocka_unit_test(test_long_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
