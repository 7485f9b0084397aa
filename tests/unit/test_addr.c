/* Unit tests for addr: parsing, formatting and ordering of IPv4/IPv6 addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/addr.h"

static void parse_ipv4_with_prefix(void **state)
{
	struct vip_addr a;
	char buf[ADDR_STRLEN];

	(void)state;
	assert_int_equal(addr_parse("198.18.0.100/24", true, &a), 0);
	assert_int_equal(a.af, AF_INET);
	assert_int_equal(a.plen, 24);
	assert_string_equal(addr_format(&a, true, buf, sizeof(buf)), "198.18.0.100/24");
	assert_string_equal(addr_format(&a, false, buf, sizeof(buf)), "198.18.0.100");
}

static void parse_default_prefix_is_host(void **state)
{
	struct vip_addr a;

	(void)state;
	assert_int_equal(addr_parse("198.18.0.1", true, &a), 0);
	assert_int_equal(a.plen, 32);
	assert_int_equal(addr_parse("fd00::1", true, &a), 0);
	assert_int_equal(a.af, AF_INET6);
	assert_int_equal(a.plen, 128);
}

static void parse_rejects_garbage(void **state)
{
	struct vip_addr a = {.af = 99};
	static const char *bad[] = {"",
	                            "/24",
	                            "198.18.0.1/33",
	                            "fd00::1/129",
	                            "198.18.0.1/-1",
	                            "198.18.0.1/ 2",
	                            "198.18.0.1/24x",
	                            "198.18.0",
	                            "hello",
	                            "198.18.0.256",
	                            "198.18.0.1/"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(addr_parse(bad[i], true, &a), -1);
		assert_int_equal(a.af, 99); /* untouched on error */
	}
	assert_int_equal(addr_parse("198.18.0.1/24", false, &a), -1);
}

static void compare_is_numeric_big_endian(void **state)
{
	struct vip_addr lo, hi;

	(void)state;
	assert_int_equal(addr_parse("198.18.0.9", false, &lo), 0);
	assert_int_equal(addr_parse("198.18.0.10", false, &hi), 0);
	assert_true(addr_cmp_in(AF_INET, &lo.in, &hi.in) < 0);
	assert_true(addr_cmp_in(AF_INET, &hi.in, &lo.in) > 0);
	assert_false(addr_equal(&lo, &hi));
	hi = lo;
	hi.plen = 24;
	assert_true(addr_equal(&lo, &hi));
}

static void linklocal_detection(void **state)
{
	struct vip_addr a;

	(void)state;
	assert_int_equal(addr_parse("fe80::1", false, &a), 0);
	assert_true(addr_is_linklocal6(&a.in.v6));
	assert_int_equal(addr_parse("febf::1", false, &a), 0);
	assert_true(addr_is_linklocal6(&a.in.v6));
	assert_int_equal(addr_parse("fec0::1", false, &a), 0);
	assert_false(addr_is_linklocal6(&a.in.v6));
	assert_int_equal(addr_parse("fd00::1", false, &a), 0);
	assert_false(addr_is_linklocal6(&a.in.v6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_ipv4_with_prefix),
	    cmocka_unit_test(parse_default_prefix_is_host),
	    cmocka_unit_test(parse_rejects_garbage),
	    cmocka_unit_test(compare_is_numeric_big_endian),
	    cmocka_unit_test(linklocal_detection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
