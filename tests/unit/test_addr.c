/* Unit tests for addr: parsing, formatting and ordering of IPv4/IPv6 addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
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

/* IPv4 is formatted by hand (addr_format_in): the text inet_ntop gives, for every value of each
 * byte and a spread of whole addresses, with and without the prefix; a short buffer still gets
 * inet_ntop's answer. */
static void format_ipv4_as_inet_ntop(void **state)
{
	union vip_in in;
	char want[64], got[ADDR_STRLEN];
	uint32_t x = 2463534242u;

	(void)state;
	for (uint32_t k = 0; k < 256 * 4 + 20000; k++) {
		if (k < 256 * 4) {
			memset(&in, 0, sizeof(in));
			in.bytes[k / 256] = (uint8_t)k;
		} else {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			memcpy(in.bytes, &x, 4);
		}
		assert_non_null(inet_ntop(AF_INET, &in, want, sizeof(want)));
		assert_string_equal(addr_format_in(AF_INET, &in, got, sizeof(got)), want);
		{
			struct vip_addr a = {.af = AF_INET, .in = in, .plen = (uint8_t)(k % 33)};
			char full[80];

			snprintf(full, sizeof(full), "%s/%u", want, a.plen);
			assert_string_equal(addr_format(&a, true, got, sizeof(got)), full);
		}
	}
	memset(&in, 255, sizeof(in));
	assert_string_equal(addr_format_in(AF_INET, &in, got, 8), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_ipv4_with_prefix),
	    cmocka_unit_test(parse_default_prefix_is_host),
	    cmocka_unit_test(parse_rejects_garbage),
	    cmocka_unit_test(compare_is_numeric_big_endian),
	    cmocka_unit_test(linklocal_detection),
	    cmocka_unit_test(format_ipv4_as_inet_ntop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
