/* Unit tests for the announcement builders: the gratuitous ARP and the unsolicited Neighbor
 * Advertisement must equal keepalived's frames byte for byte (captured from keepalived 2.2.7 on a
 * netns bridge: VRID 51, MAC 6a:d0:e3:22:bf:1d, VIPs 198.18.0.100 and fe80::51 + fd00:18::100). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "vipd/announce.h"
#include "vipd/vrrp_pkt.h"

static const uint8_t ka_mac[6] = {0x6a, 0xd0, 0xe3, 0x22, 0xbf, 0x1d};

/* clang-format off */
/* keepalived-v3-ipv4.pcap frame 2: gratuitous ARP for 198.18.0.100. */
static const uint8_t cap_garp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x6a, 0xd0, 0xe3, 0x22, 0xbf, 0x1d, 0x08, 0x06, 0x00, 0x01,
	0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x6a, 0xd0, 0xe3, 0x22, 0xbf, 0x1d, 0xc6, 0x12, 0x00, 0x64,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc6, 0x12, 0x00, 0x64,
};

/* keepalived-v3-ipv6.pcap frame 2: unsolicited NA for fe80::51 (flags 0x20: O only, since
 * keepalived sets R only when the interface forwards IPv6), checksum 0x4beb. */
static const uint8_t cap_na_ll[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x6a, 0xd0, 0xe3, 0x22, 0xbf, 0x1d, 0x86, 0xdd, 0x60, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x51, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00, 0x4b, 0xeb, 0x20, 0x00, 0x00, 0x00, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x51, 0x02, 0x01,
	0x6a, 0xd0, 0xe3, 0x22, 0xbf, 0x1d,
};

/* keepalived-v3-ipv6.pcap frame 3: unsolicited NA for fd00:18::100, checksum 0x4d5d. */
static const uint8_t cap_na_ula[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x6a, 0xd0, 0xe3, 0x22, 0xbf, 0x1d, 0x86, 0xdd, 0x60, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfd, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00, 0x4d, 0x5d, 0x20, 0x00, 0x00, 0x00, 0xfd, 0x00,
	0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x01,
	0x6a, 0xd0, 0xe3, 0x22, 0xbf, 0x1d,
};
/* clang-format on */

#define OFF_ICMP 54     /* Ethernet 14 + IPv6 40 */
#define OFF_NA_FLAGS 58 /* first byte of the R/S/O flags word */
#define OFF_NA_CSUM 56

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* The ICMPv6 checksum of a built NA frame verifies: pseudo-header + message fold to 0. */
static void assert_na_checksum_good(const uint8_t *f)
{
	uint32_t sum = vrrp_pkt_csum_add(0, f + 22, 32); /* source and destination addresses */

	sum += 32 + 58; /* upper-layer length, next header */
	sum = vrrp_pkt_csum_add(sum, f + OFF_ICMP, 32);
	assert_int_equal(vrrp_pkt_csum_fold(sum), 0);
}

static void garp_equals_keepalived(void **state)
{
	uint8_t buf[64];
	struct in_addr ip;

	(void)state;
	assert_int_equal(inet_pton(AF_INET, "198.18.0.100", &ip), 1);
	assert_int_equal(announce_build_garp(buf, sizeof(buf), ka_mac, ip), sizeof(cap_garp));
	assert_memory_equal(buf, cap_garp, sizeof(cap_garp));
	assert_int_equal(announce_build_garp(buf, sizeof(cap_garp) - 1, ka_mac, ip), 0);
}

/* With R clear, as keepalived on a non-forwarding interface, our NA is its frame exactly. */
static void na_equals_keepalived(void **state)
{
	uint8_t buf[128];
	struct in6_addr ll = ip6("fe80::51"), ula = ip6("fd00:18::100");

	(void)state;
	assert_int_equal(sizeof(cap_na_ll), ANNOUNCE_NA_LEN);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(announce_build_na(buf, sizeof(buf), ka_mac, &ll, false), ANNOUNCE_NA_LEN);
	assert_memory_equal(buf, cap_na_ll, sizeof(cap_na_ll));
	assert_int_equal(buf[ANNOUNCE_NA_LEN], 0xaa); /* nothing written past the frame */
	assert_na_checksum_good(buf);

	assert_int_equal(announce_build_na(buf, sizeof(buf), ka_mac, &ula, false), ANNOUNCE_NA_LEN);
	assert_memory_equal(buf, cap_na_ula, sizeof(cap_na_ula));
	assert_na_checksum_good(buf);
}

/* What vipd sends (RFC 9568 6.4.2: R=1, S=0, O=1): keepalived's frame but for the flags byte and
 * the checksum, which still verifies. */
static void na_router_flag(void **state)
{
	uint8_t buf[ANNOUNCE_NA_LEN];
	struct in6_addr ula = ip6("fd00:18::100");

	(void)state;
	assert_int_equal(announce_build_na(buf, sizeof(buf), ka_mac, &ula, true), ANNOUNCE_NA_LEN);
	assert_int_equal(buf[OFF_NA_FLAGS], 0xa0);
	assert_na_checksum_good(buf);
	for (size_t i = 0; i < ANNOUNCE_NA_LEN; i++)
		if (i != OFF_NA_FLAGS && i != OFF_NA_CSUM && i != OFF_NA_CSUM + 1)
			assert_int_equal(buf[i], cap_na_ula[i]);
	/* Too small a buffer: nothing built. */
	assert_int_equal(announce_build_na(buf, ANNOUNCE_NA_LEN - 1, ka_mac, &ula, true), 0);
}

/* Other MACs and targets land in every place they belong. */
static void na_fields(void **state)
{
	static const uint8_t mac[6] = {0x00, 0x00, 0x5e, 0x00, 0x02, 0x33};
	uint8_t buf[ANNOUNCE_NA_LEN];
	struct in6_addr t = ip6("fd00::1:2:3:4");

	(void)state;
	assert_int_equal(announce_build_na(buf, sizeof(buf), mac, &t, true), ANNOUNCE_NA_LEN);
	assert_memory_equal(buf + 6, mac, 6);  /* Ethernet source */
	assert_int_equal(buf[20], 58);         /* next header ICMPv6 */
	assert_int_equal(buf[21], 255);        /* hop limit */
	assert_memory_equal(buf + 22, &t, 16); /* IPv6 source = the VIP */
	assert_int_equal(buf[OFF_ICMP], 136);  /* Neighbor Advertisement */
	assert_memory_equal(buf + 62, &t, 16); /* target */
	assert_int_equal(buf[78], 2);          /* target link-layer address option */
	assert_memory_equal(buf + 80, mac, 6);
	assert_na_checksum_good(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(garp_equals_keepalived),
	    cmocka_unit_test(na_equals_keepalived),
	    cmocka_unit_test(na_router_flag),
	    cmocka_unit_test(na_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
