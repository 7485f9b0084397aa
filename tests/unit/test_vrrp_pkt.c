/* Unit tests for vrrp_pkt: real keepalived 2.2.7 adverts decoded and re-encoded byte for byte,
 * round trips, and every receive check triggered by a minimal change of a good packet. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/vrrp_pkt.h"

/* Raw IP packets copied from the keepalived captures (tshark -x, Ethernet header removed).
 * keepalived: VRID 51, priority 150, advert_int 1 s, from 198.18.0.1 or fe80::68d0:e3ff:fe22:bf1d.
 */

/* keepalived-v3-ipv4.pcap frame 1: v3, two VIPs, checksum 0x04d1 with the IPv4 pseudo-header. */
static const uint8_t cap_v3_ipv4[] = {
    0x45, 0xc0, 0x00, 0x24, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x14, 0x83,
    0xc6, 0x12, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x12, 0x31, 0x33, 0x96, 0x02,
    0x00, 0x64, 0x04, 0xd1, 0xc6, 0x12, 0x00, 0x64, 0xc6, 0x12, 0x00, 0x65,
};

/* keepalived-v3-ipv4.pcap frame 13: the same router leaving, priority 0, checksum 0x9ad1. */
static const uint8_t cap_v3_ipv4_prio0[] = {
    0x45, 0xc0, 0x00, 0x24, 0x00, 0x03, 0x00, 0x00, 0xff, 0x70, 0x14, 0x81,
    0xc6, 0x12, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x12, 0x31, 0x33, 0x00, 0x02,
    0x00, 0x64, 0x9a, 0xd1, 0xc6, 0x12, 0x00, 0x64, 0xc6, 0x12, 0x00, 0x65,
};

/* keepalived-v3-ipv4-vmac.pcap frame 1: v3, one VIP, sent from 00:00:5e:00:01:33, csum 0xcb4d. */
static const uint8_t cap_vmac[] = {
    0x45, 0xc0, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x14, 0x87, 0xc6, 0x12, 0x00, 0x01,
    0xe0, 0x00, 0x00, 0x12, 0x31, 0x33, 0x96, 0x01, 0x00, 0x64, 0xcb, 0x4d, 0xc6, 0x12, 0x00, 0x64,
};

/* keepalived-v3-ipv4-vmac.pcap frame 8: priority 0, checksum 0x614e. */
static const uint8_t cap_vmac_prio0[] = {
    0x45, 0xc0, 0x00, 0x20, 0x00, 0x03, 0x00, 0x00, 0xff, 0x70, 0x14, 0x85, 0xc6, 0x12, 0x00, 0x01,
    0xe0, 0x00, 0x00, 0x12, 0x31, 0x33, 0x00, 0x01, 0x00, 0x64, 0x61, 0x4e, 0xc6, 0x12, 0x00, 0x64,
};

/* keepalived-v2-ipv4-pass.pcap frame 1: v2, auth type 1 "s3cret", Adver Int 1, csum 0x4539. */
static const uint8_t cap_v2_pass[] = {
    0x45, 0xc0, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x14, 0x7f, 0xc6, 0x12,
    0x00, 0x01, 0xe0, 0x00, 0x00, 0x12, 0x21, 0x33, 0x96, 0x01, 0x01, 0x01, 0x45, 0x39,
    0xc6, 0x12, 0x00, 0x64, 0x73, 0x33, 0x63, 0x72, 0x65, 0x74, 0x00, 0x00,
};

/* keepalived-v2-ipv4-pass.pcap frame 8: priority 0, checksum 0xdb39. */
static const uint8_t cap_v2_pass_prio0[] = {
    0x45, 0xc0, 0x00, 0x28, 0x00, 0x03, 0x00, 0x00, 0xff, 0x70, 0x14, 0x7d, 0xc6, 0x12,
    0x00, 0x01, 0xe0, 0x00, 0x00, 0x12, 0x21, 0x33, 0x00, 0x01, 0x01, 0x01, 0xdb, 0x39,
    0xc6, 0x12, 0x00, 0x64, 0x73, 0x33, 0x63, 0x72, 0x65, 0x74, 0x00, 0x00,
};

/* keepalived-v3-ipv6.pcap frame 1: IPv6 header (hop limit 255) + v3, fe80::51 then
 * fd00:18::100, checksum 0x333c with the IPv6 pseudo-header. */
static const uint8_t cap_v3_ipv6[] = {
    0x6c, 0x01, 0x9d, 0x49, 0x00, 0x28, 0x70, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x68, 0xd0, 0xe3, 0xff, 0xfe, 0x22, 0xbf, 0x1d, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x31, 0x33, 0x96, 0x02, 0x00, 0x64, 0x33, 0x3c,
    0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x51,
    0xfd, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
};

/* keepalived-v3-ipv6.pcap frame 13: priority 0, checksum 0xc93c. */
static const uint8_t cap_v3_ipv6_prio0[] = {
    0x6c, 0x01, 0x9d, 0x49, 0x00, 0x28, 0x70, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x68, 0xd0, 0xe3, 0xff, 0xfe, 0x22, 0xbf, 0x1d, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x31, 0x33, 0x00, 0x02, 0x00, 0x64, 0xc9, 0x3c,
    0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x51,
    0xfd, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
};

#define IP4_HLEN 20
#define IP6_HLEN 40

static union vip_in in4(const char *s)
{
	union vip_in a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(inet_pton(AF_INET, s, &a.v4), 1);
	return a;
}

static union vip_in in6(const char *s)
{
	union vip_in a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(inet_pton(AF_INET6, s, &a.v6), 1);
	return a;
}

static void assert_in_equal(int af, const union vip_in *a, const char *text)
{
	union vip_in b = af == AF_INET ? in4(text) : in6(text);

	assert_memory_equal(a->bytes, b.bytes, addr_size(af));
}

static struct vrrp_rx_meta meta4(const char *src, const char *dst, int ttl)
{
	struct vrrp_rx_meta m = {.af = AF_INET, .ttl = ttl};

	m.src = in4(src);
	m.dst = in4(dst);
	return m;
}

/* What a raw IPv6 socket reports (hop limit, addresses) taken from a captured IPv6 header. */
static struct vrrp_rx_meta meta6_from(const uint8_t *ip6)
{
	struct vrrp_rx_meta m = {.af = AF_INET6, .ttl = ip6[7]};

	memcpy(m.src.bytes, ip6 + 8, 16);
	memcpy(m.dst.bytes, ip6 + 24, 16);
	return m;
}

/* Reference checksum, written independently of the module: the classic RFC 1071 loop over a
 * buffer that holds the pseudo-header (if any) followed by the message. */
static uint16_t ref_csum(const uint8_t *msg, size_t len, const struct vrrp_rx_meta *m, bool pseudo)
{
	uint8_t buf[40 + VRRP_MSG_MAX + 1];
	size_t n = 0;
	uint64_t sum = 0;

	if (pseudo && m->af == AF_INET) {
		memcpy(buf, m->src.bytes, 4);
		memcpy(buf + 4, m->dst.bytes, 4);
		buf[8] = 0;
		buf[9] = VRRP_IPPROTO;
		buf[10] = (uint8_t)(len >> 8);
		buf[11] = (uint8_t)len;
		n = 12;
	} else if (pseudo) {
		memcpy(buf, m->src.bytes, 16);
		memcpy(buf + 16, m->dst.bytes, 16);
		buf[32] = buf[33] = 0;
		buf[34] = (uint8_t)(len >> 8);
		buf[35] = (uint8_t)len;
		buf[36] = buf[37] = buf[38] = 0;
		buf[39] = VRRP_IPPROTO;
		n = 40;
	}
	memcpy(buf + n, msg, len);
	n += len;
	buf[n] = 0; /* pad an odd length */
	for (size_t i = 0; i < n; i += 2)
		sum += (uint64_t)(buf[i] << 8 | buf[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Rewrite the checksum field of a test message after an edit, so the check under test is the
 * one that fires. */
static void fix_csum(uint8_t *msg, size_t len, const struct vrrp_rx_meta *m, bool pseudo)
{
	uint16_t c;

	msg[6] = msg[7] = 0;
	c = ref_csum(msg, len, m, pseudo);
	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
}

static bool message_only_verifies(const uint8_t *msg, size_t len)
{
	return vrrp_csum_fold(vrrp_csum_add(0, msg, len)) == 0;
}

/* Decode a captured IPv4 packet through both layers. */
static enum vrrp_reason decode4(const uint8_t *pkt, size_t len, struct vrrp_rx_meta *m,
                                struct vrrp_adv *adv, enum vrrp_csum_form *form)
{
	const uint8_t *msg;
	size_t mlen;
	enum vrrp_reason r = vrrp_decode_ipv4(pkt, len, m, &msg, &mlen);

	if (r != VRRP_RX_OK)
		return r;
	return vrrp_decode(msg, mlen, m, adv, form);
}

/* Re-encode adv and compare with the captured message. */
static void assert_reencodes(const struct vrrp_adv *adv, const struct vrrp_rx_meta *m,
                             enum vrrp_csum_form form, const uint8_t *msg, size_t len)
{
	uint8_t out[VRRP_MSG_MAX];

	assert_int_equal(vrrp_encode(out, sizeof(out), adv, &m->src, &m->dst, form), (ssize_t)len);
	assert_memory_equal(out, msg, len);
}

static void reason_names_are_stable_and_distinct(void **state)
{
	(void)state;
	assert_string_equal(vrrp_reason_name(VRRP_RX_OK), "ok");
	assert_string_equal(vrrp_reason_name(VRRP_RX_IP_HEADER), "ip-header");
	assert_string_equal(vrrp_reason_name(VRRP_RX_TTL), "ttl");
	assert_string_equal(vrrp_reason_name(VRRP_RX_TRUNCATED), "truncated");
	assert_string_equal(vrrp_reason_name(VRRP_RX_VERSION), "version");
	assert_string_equal(vrrp_reason_name(VRRP_RX_TYPE), "type");
	assert_string_equal(vrrp_reason_name(VRRP_RX_LENGTH), "length");
	assert_string_equal(vrrp_reason_name(VRRP_RX_CHECKSUM), "checksum");
	assert_string_equal(vrrp_reason_name(VRRP_RX_INTERVAL_ZERO), "interval-zero");
	assert_string_equal(vrrp_reason_name(VRRP_RX_VRID), "vrid");
	assert_string_equal(vrrp_reason_name(VRRP_RX_OWNER), "owner");
	assert_string_equal(vrrp_reason_name(VRRP_RX_AUTH), "auth");
	assert_string_equal(vrrp_reason_name(VRRP_RX_INTERVAL_MISMATCH), "interval-mismatch");
	assert_string_equal(vrrp_reason_name(VRRP_RX_ADDR_MISMATCH), "addr-mismatch");
	assert_string_equal(vrrp_reason_name(VRRP_RX_NOT_PEER), "not-peer");
	assert_string_equal(vrrp_reason_name(VRRP_RX_NO_LINKLOCAL), "no-linklocal");
	assert_string_equal(vrrp_reason_name(VRRP_RX_OWN), "own");
	for (int i = 0; i < VRRP_RX__COUNT; i++)
		for (int j = i + 1; j < VRRP_RX__COUNT; j++)
			assert_string_not_equal(vrrp_reason_name((enum vrrp_reason)i),
			                        vrrp_reason_name((enum vrrp_reason)j));
	assert_string_equal(vrrp_reason_name(VRRP_RX__COUNT), "unknown");
	assert_string_equal(vrrp_reason_name((enum vrrp_reason) - 1), "unknown");
}

static void checksum_rfc1071(void **state)
{
	/* RFC 1071 section 3 example: the words sum to 0x2ddf0, folded 0xddf2, checksum 0x220d. */
	static const uint8_t ex[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint16_t c;
	uint8_t wire[2];

	(void)state;
	assert_int_equal(vrrp_csum_add(0, ex, sizeof(ex)), 0x2ddf0);
	c = vrrp_csum_fold(vrrp_csum_add(0, ex, sizeof(ex)));
	memcpy(wire, &c, 2); /* network order: stored as is it reads 22 0d */
	assert_int_equal(wire[0], 0x22);
	assert_int_equal(wire[1], 0x0d);

	/* Chunks: even chunks then an odd last one give the same sum as one buffer. */
	assert_int_equal(vrrp_csum_add(vrrp_csum_add(0, ex, 4), ex + 4, 3),
	                 vrrp_csum_add(0, ex, 7));
	/* An odd byte is the high half of a word: 0x01 counts as 0x0100. */
	assert_int_equal(vrrp_csum_add(0, ex + 1, 1), 0x0100);
	assert_int_equal(vrrp_csum_add(0, ex, 0), 0);
}

static void checksum_odd_lengths_in_bounds(void **state)
{
	(void)state;
	/* Exact-size heap buffers: ASan catches a read past the end. */
	for (size_t len = 1; len <= 64; len++) {
		uint8_t *b = malloc(len);
		struct vrrp_rx_meta none = {.af = AF_INET};
		uint16_t c, want;

		assert_non_null(b);
		for (size_t i = 0; i < len; i++)
			b[i] = (uint8_t)(0xa5 ^ (i * 37));
		c = ntohs(vrrp_csum_fold(vrrp_csum_add(0, b, len)));
		want = ref_csum(b, len, &none, false);
		assert_int_equal(c, want);
		free(b);
	}
}

static void checksum_large_sum_does_not_overflow(void **state)
{
	static uint8_t big[1 << 20];
	uint64_t sum = 0;
	uint16_t c;

	(void)state;
	memset(big, 0xff, sizeof(big));
	big[5] = 0x12;
	for (size_t i = 0; i < sizeof(big); i += 2)
		sum += (uint64_t)(big[i] << 8 | big[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c = ntohs(vrrp_csum_fold(vrrp_csum_add(0, big, sizeof(big))));
	assert_int_equal(c, (uint16_t)~sum);
}

static void keepalived_v3_ipv4(void **state)
{
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	enum vrrp_csum_form form = VRRP_CSUM_RFC9568;
	const uint8_t *msg;
	size_t mlen;

	(void)state;
	assert_int_equal(vrrp_decode_ipv4(cap_v3_ipv4, sizeof(cap_v3_ipv4), &m, &msg, &mlen),
	                 VRRP_RX_OK);
	assert_int_equal(m.af, AF_INET);
	assert_int_equal(m.ttl, 255);
	assert_in_equal(AF_INET, &m.src, "198.18.0.1");
	assert_in_equal(AF_INET, &m.dst, "224.0.0.18");
	assert_ptr_equal(msg, cap_v3_ipv4 + IP4_HLEN);
	assert_int_equal(mlen, 16);

	assert_int_equal(vrrp_decode(msg, mlen, &m, &adv, &form), VRRP_RX_OK);
	assert_int_equal(form, VRRP_CSUM_RFC5798); /* keepalived's default */
	assert_false(message_only_verifies(msg, mlen));
	assert_int_equal(adv.version, 3);
	assert_int_equal(adv.type, 1);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.naddr, 2);
	assert_int_equal(adv.interval, 100); /* centiseconds */
	assert_int_equal(adv.af, AF_INET);
	assert_in_equal(AF_INET, &adv.addrs[0], "198.18.0.100");
	assert_in_equal(AF_INET, &adv.addrs[1], "198.18.0.101");
	assert_reencodes(&adv, &m, form, msg, mlen);

	/* The pseudo-header really is in the sum: another source breaks it. */
	m.src = in4("198.18.0.2");
	assert_int_equal(vrrp_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_CHECKSUM);
}

static void keepalived_v3_ipv4_prio0(void **state)
{
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	enum vrrp_csum_form form;

	(void)state;
	assert_int_equal(decode4(cap_v3_ipv4_prio0, sizeof(cap_v3_ipv4_prio0), &m, &adv, &form),
	                 VRRP_RX_OK);
	assert_int_equal(form, VRRP_CSUM_RFC5798);
	assert_int_equal(adv.priority, VRRP_PRIO_STOP);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.naddr, 2);
	assert_int_equal(adv.interval, 100);
	assert_in_equal(AF_INET, &adv.addrs[0], "198.18.0.100");
	assert_in_equal(AF_INET, &adv.addrs[1], "198.18.0.101");
	assert_reencodes(&adv, &m, form, cap_v3_ipv4_prio0 + IP4_HLEN, 16);
}

static void keepalived_vmac(void **state)
{
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	enum vrrp_csum_form form;

	(void)state;
	assert_int_equal(decode4(cap_vmac, sizeof(cap_vmac), &m, &adv, &form), VRRP_RX_OK);
	assert_in_equal(AF_INET, &m.src, "198.18.0.1");
	assert_int_equal(form, VRRP_CSUM_RFC5798);
	assert_int_equal(adv.version, 3);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.naddr, 1);
	assert_int_equal(adv.interval, 100);
	assert_in_equal(AF_INET, &adv.addrs[0], "198.18.0.100");
	assert_reencodes(&adv, &m, form, cap_vmac + IP4_HLEN, 12);

	assert_int_equal(decode4(cap_vmac_prio0, sizeof(cap_vmac_prio0), &m, &adv, &form),
	                 VRRP_RX_OK);
	assert_int_equal(adv.priority, 0);
	assert_int_equal(adv.naddr, 1);
	assert_reencodes(&adv, &m, form, cap_vmac_prio0 + IP4_HLEN, 12);
}

static void keepalived_v2_pass(void **state)
{
	static const uint8_t pass[VRRP_AUTH_LEN] = "s3cret";
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	enum vrrp_csum_form form = VRRP_CSUM_RFC5798;
	union vip_in vip = in4("198.18.0.100");
	struct vrrp_rx_policy pol = {.accept_v2 = true,
	                             .v2_interval = 1,
	                             .auth_type = VRRP_AUTH_PASS,
	                             .vips = &vip,
	                             .nvips = 1};

	(void)state;
	memcpy(pol.auth_data, pass, sizeof(pass));
	assert_int_equal(decode4(cap_v2_pass, sizeof(cap_v2_pass), &m, &adv, &form), VRRP_RX_OK);
	assert_int_equal(form, VRRP_CSUM_RFC9568); /* v2: message only */
	assert_true(message_only_verifies(cap_v2_pass + IP4_HLEN, 20));
	assert_int_equal(adv.version, 2);
	assert_int_equal(adv.type, 1);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.naddr, 1);
	assert_int_equal(adv.auth_type, VRRP_AUTH_PASS);
	assert_int_equal(adv.interval, 1); /* seconds */
	assert_in_equal(AF_INET, &adv.addrs[0], "198.18.0.100");
	assert_memory_equal(adv.auth_data, pass, VRRP_AUTH_LEN);
	assert_reencodes(&adv, &m, form, cap_v2_pass + IP4_HLEN, 20);
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);

	assert_int_equal(decode4(cap_v2_pass_prio0, sizeof(cap_v2_pass_prio0), &m, &adv, &form),
	                 VRRP_RX_OK);
	assert_int_equal(adv.priority, 0);
	assert_memory_equal(adv.auth_data, pass, VRRP_AUTH_LEN);
	assert_reencodes(&adv, &m, form, cap_v2_pass_prio0 + IP4_HLEN, 20);
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);
}

static void keepalived_v3_ipv6(void **state)
{
	const uint8_t *caps[] = {cap_v3_ipv6, cap_v3_ipv6_prio0};
	const uint8_t prios[] = {150, 0};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct vrrp_rx_meta m = meta6_from(caps[i]);
		struct vrrp_adv adv;
		enum vrrp_csum_form form = VRRP_CSUM_RFC9568;
		const uint8_t *msg = caps[i] + IP6_HLEN;

		assert_int_equal(vrrp_decode(msg, 40, &m, &adv, &form), VRRP_RX_OK);
		assert_int_equal(form, VRRP_CSUM_RFC5798); /* pseudo-header, always for IPv6 */
		assert_int_equal(adv.version, 3);
		assert_int_equal(adv.type, 1);
		assert_int_equal(adv.vrid, 51);
		assert_int_equal(adv.priority, prios[i]);
		assert_int_equal(adv.naddr, 2);
		assert_int_equal(adv.interval, 100);
		assert_int_equal(adv.af, AF_INET6);
		assert_in_equal(AF_INET6, &adv.addrs[0], "fe80::51");
		assert_in_equal(AF_INET6, &adv.addrs[1], "fd00:18::100");
		assert_in_equal(AF_INET6, &m.src, "fe80::68d0:e3ff:fe22:bf1d");
		assert_reencodes(&adv, &m, form, msg, 40);
		/* The form argument does not matter for IPv6. */
		assert_reencodes(&adv, &m, VRRP_CSUM_RFC9568, msg, 40);

		m.dst = in6("ff02::1");
		assert_int_equal(vrrp_decode(msg, 40, &m, &adv, NULL), VRRP_RX_CHECKSUM);
	}
}

/* A v3 IPv4 advert and its meta, built here for the round trips. */
static struct vrrp_adv make_adv(uint8_t version, int af, uint8_t naddr)
{
	struct vrrp_adv a;

	memset(&a, 0, sizeof(a));
	a.version = version;
	a.type = 1;
	a.vrid = 7;
	a.priority = 200;
	a.af = af;
	a.naddr = naddr;
	a.interval = version == 3 ? 5 : 3;
	for (unsigned i = 0; i < naddr; i++) {
		if (af == AF_INET) {
			a.addrs[i].bytes[0] = 198;
			a.addrs[i].bytes[1] = 18;
			a.addrs[i].bytes[2] = (uint8_t)(i >> 8);
			a.addrs[i].bytes[3] = (uint8_t)i;
		} else {
			a.addrs[i] = in6(i == 0 ? "fe80::1" : "fd00::");
			a.addrs[i].bytes[14] = (uint8_t)(i >> 8);
			a.addrs[i].bytes[15] = (uint8_t)(i ^ 0x5a);
		}
	}
	return a;
}

static void assert_adv_equal(const struct vrrp_adv *a, const struct vrrp_adv *b)
{
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->vrid, b->vrid);
	assert_int_equal(a->priority, b->priority);
	assert_int_equal(a->naddr, b->naddr);
	assert_int_equal(a->interval, b->interval);
	assert_int_equal(a->af, b->af);
	for (unsigned i = 0; i < a->naddr; i++)
		assert_memory_equal(a->addrs[i].bytes, b->addrs[i].bytes, addr_size(a->af));
	if (a->version == 2) {
		assert_int_equal(a->auth_type, b->auth_type);
		assert_memory_equal(a->auth_data, b->auth_data, VRRP_AUTH_LEN);
	}
}

static void round_trip(const struct vrrp_adv *in, const struct vrrp_rx_meta *m,
                       enum vrrp_csum_form form, enum vrrp_csum_form want_form)
{
	uint8_t buf[VRRP_MSG_MAX];
	struct vrrp_adv out;
	enum vrrp_csum_form got =
	    want_form == VRRP_CSUM_RFC5798 ? VRRP_CSUM_RFC9568 : VRRP_CSUM_RFC5798;
	ssize_t n = vrrp_encode(buf, sizeof(buf), in, &m->src, &m->dst, form);
	size_t want_len = 8 + in->naddr * addr_size(in->af) + (in->version == 2 ? 8 : 0);

	assert_int_equal(n, (ssize_t)want_len);
	assert_int_equal(buf[0], in->version << 4 | 1);
	assert_int_equal(vrrp_decode(buf, (size_t)n, m, &out, &got), VRRP_RX_OK);
	assert_int_equal(got, want_form);
	assert_adv_equal(in, &out);
}

static void round_trips(void **state)
{
	struct vrrp_rx_meta m4 = meta4("198.18.0.1", "224.0.0.18", 255);
	struct vrrp_rx_meta m6 = {.af = AF_INET6, .ttl = 255};
	struct vrrp_adv a;
	uint8_t buf[VRRP_MSG_MAX];
	ssize_t n;

	(void)state;
	m6.src = in6("fe80::1:2:3:4");
	m6.dst = in6("ff02::12");

	for (unsigned naddr = 0; naddr <= VRRP_MAX_ADDRS; naddr += naddr < 4 ? 1 : 50) {
		a = make_adv(3, AF_INET, (uint8_t)naddr);
		round_trip(&a, &m4, VRRP_CSUM_RFC5798, VRRP_CSUM_RFC5798);
		round_trip(&a, &m4, VRRP_CSUM_RFC9568, VRRP_CSUM_RFC9568);
		a = make_adv(2, AF_INET, (uint8_t)naddr);
		a.auth_type = VRRP_AUTH_PASS;
		memcpy(a.auth_data, "pw\0\0\0\0\0\x01", 8);
		round_trip(&a, &m4, VRRP_CSUM_RFC5798, VRRP_CSUM_RFC9568);
		if (naddr > 0) {
			a = make_adv(3, AF_INET6, (uint8_t)naddr);
			round_trip(&a, &m6, VRRP_CSUM_RFC9568, VRRP_CSUM_RFC5798);
		}
	}
	/* The largest messages. */
	a = make_adv(3, AF_INET6, VRRP_MAX_ADDRS);
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &m6.src, &m6.dst, 0),
	                 VRRP_MSG_MAX - VRRP_AUTH_LEN);
	a = make_adv(2, AF_INET, VRRP_MAX_ADDRS);
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, NULL, NULL, 0), 8 + 255 * 4 + 8);

	/* Interval limits: 4095 cs (40.95 s) for v3, 255 s for v2. */
	a = make_adv(3, AF_INET, 1);
	a.interval = 4095;
	round_trip(&a, &m4, VRRP_CSUM_RFC9568, VRRP_CSUM_RFC9568);
	a = make_adv(2, AF_INET, 1);
	a.interval = 255;
	round_trip(&a, &m4, VRRP_CSUM_RFC9568, VRRP_CSUM_RFC9568);

	/* RFC 9568 form is message-only: it verifies without any pseudo-header, and the
	 * RFC 5798 form of the same advert does not. */
	a = make_adv(3, AF_INET, 2);
	n = vrrp_encode(buf, sizeof(buf), &a, NULL, NULL, VRRP_CSUM_RFC9568);
	assert_int_equal(n, 16);
	assert_true(message_only_verifies(buf, (size_t)n));
	n = vrrp_encode(buf, sizeof(buf), &a, &m4.src, &m4.dst, VRRP_CSUM_RFC5798);
	assert_int_equal(n, 16);
	assert_false(message_only_verifies(buf, (size_t)n));

	/* When the pseudo-header sums to 0xffff (one's complement zero) both forms verify: the
	 * RFC 5798 form is reported, and re-encoding in it gives the same bytes. */
	m4 = meta4("0.0.0.0", "255.127.0.0", 255); /* 0xff7f + 16 (length) + 112 = 0xffff */
	n = vrrp_encode(buf, sizeof(buf), &a, NULL, NULL, VRRP_CSUM_RFC9568);
	assert_int_equal(n, 16);
	round_trip(&a, &m4, VRRP_CSUM_RFC9568, VRRP_CSUM_RFC5798);
	{
		struct vrrp_adv out;
		enum vrrp_csum_form f = VRRP_CSUM_RFC9568;

		assert_int_equal(vrrp_decode(buf, 16, &m4, &out, &f), VRRP_RX_OK);
		assert_int_equal(f, VRRP_CSUM_RFC5798);
		assert_reencodes(&out, &m4, f, buf, 16);
	}
}

/* Like round_trip but checks the checksum field against the reference computation. */
static void encoded_checksums_match_reference(void **state)
{
	struct vrrp_rx_meta m4 = meta4("198.18.0.9", "224.0.0.18", 255);
	struct vrrp_rx_meta m6 = {.af = AF_INET6, .ttl = 255};
	uint8_t buf[VRRP_MSG_MAX];
	struct vrrp_adv a;
	ssize_t n;
	uint16_t field;

	(void)state;
	m6.src = in6("fe80::9");
	m6.dst = in6("ff02::12");

	a = make_adv(3, AF_INET, 3);
	n = vrrp_encode(buf, sizeof(buf), &a, &m4.src, &m4.dst, VRRP_CSUM_RFC5798);
	field = (uint16_t)(buf[6] << 8 | buf[7]);
	buf[6] = buf[7] = 0;
	assert_int_equal(field, ref_csum(buf, (size_t)n, &m4, true));

	n = vrrp_encode(buf, sizeof(buf), &a, &m4.src, &m4.dst, VRRP_CSUM_RFC9568);
	field = (uint16_t)(buf[6] << 8 | buf[7]);
	buf[6] = buf[7] = 0;
	assert_int_equal(field, ref_csum(buf, (size_t)n, &m4, false));

	a = make_adv(3, AF_INET6, 3);
	n = vrrp_encode(buf, sizeof(buf), &a, &m6.src, &m6.dst, VRRP_CSUM_RFC9568);
	field = (uint16_t)(buf[6] << 8 | buf[7]);
	buf[6] = buf[7] = 0;
	assert_int_equal(field, ref_csum(buf, (size_t)n, &m6, true));

	a = make_adv(2, AF_INET, 3);
	n = vrrp_encode(buf, sizeof(buf), &a, &m4.src, &m4.dst, VRRP_CSUM_RFC5798);
	field = (uint16_t)(buf[6] << 8 | buf[7]);
	buf[6] = buf[7] = 0;
	assert_int_equal(field, ref_csum(buf, (size_t)n, &m4, false));
}

static void encode_rejects(void **state)
{
	union vip_in s = in4("198.18.0.1"), d = in4("224.0.0.18");
	uint8_t buf[VRRP_MSG_MAX];
	struct vrrp_adv a;

	(void)state;
	a = make_adv(3, AF_INET, 2);
	assert_int_equal(vrrp_encode(buf, 16, &a, &s, &d, VRRP_CSUM_RFC5798), 16);
	assert_int_equal(vrrp_encode(buf, 15, &a, &s, &d, VRRP_CSUM_RFC5798), -1);
	assert_int_equal(vrrp_encode(buf, 0, &a, &s, &d, VRRP_CSUM_RFC5798), -1);
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, NULL, &d, VRRP_CSUM_RFC5798), -1);
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, NULL, NULL, VRRP_CSUM_RFC9568), 16);
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, (enum vrrp_csum_form)2), -1);
	for (unsigned v = 0; v < 16; v++) {
		a.version = (uint8_t)v;
		if (v != 2 && v != 3)
			assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1);
	}
	a = make_adv(3, AF_INET, 2);
	a.vrid = 0;
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1);
	a = make_adv(3, AF_INET, 2);
	a.interval = 0;
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1);
	a.interval = 4096;
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1);
	a = make_adv(3, 0, 2);
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1);
	a = make_adv(2, AF_INET, 1);
	a.interval = 0;
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1);
	a.interval = 256;
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1);
	a = make_adv(2, AF_INET, 1);
	assert_int_equal(vrrp_encode(buf, 8 + 4 + 7, &a, &s, &d, 0), -1); /* no room for auth */
	assert_int_equal(vrrp_encode(buf, 8 + 4 + 8, &a, &s, &d, 0), 20);
	a = make_adv(2, AF_INET6, 2);
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1); /* v2 is IPv4 only */
	/* v3 IPv6 without a link-local first address would be dropped by every receiver. */
	a = make_adv(3, AF_INET6, 2);
	a.addrs[0] = in6("fd00::1");
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1);
	a = make_adv(3, AF_INET6, 0);
	assert_int_equal(vrrp_encode(buf, sizeof(buf), &a, &s, &d, 0), -1);
}

static void reserved_bits_ignored_on_receive(void **state)
{
	struct vrrp_rx_meta m = meta4("198.18.0.1", "224.0.0.18", 255);
	uint8_t msg[16];
	struct vrrp_adv adv;

	(void)state;
	memcpy(msg, cap_v3_ipv4 + IP4_HLEN, 16);
	msg[4] |= 0xf0;
	fix_csum(msg, 16, &m, true);
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv, NULL), VRRP_RX_OK);
	assert_int_equal(adv.interval, 100);
}

static void reject_ttl(void **state)
{
	struct vrrp_rx_meta m;
	const uint8_t *msg;
	size_t mlen;
	struct vrrp_adv adv;
	uint8_t pkt[sizeof(cap_v3_ipv4)];

	(void)state;
	memcpy(pkt, cap_v3_ipv4, sizeof(pkt));
	pkt[8] = 254;
	assert_int_equal(vrrp_decode_ipv4(pkt, sizeof(pkt), &m, &msg, &mlen), VRRP_RX_OK);
	assert_int_equal(m.ttl, 254);
	assert_int_equal(vrrp_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_TTL);
	m.ttl = 0;
	assert_int_equal(vrrp_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_TTL);
	m.ttl = 256;
	assert_int_equal(vrrp_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_TTL);
	m.ttl = -1; /* unknown (unicast without ttl check): skipped */
	assert_int_equal(vrrp_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_OK);

	m = meta6_from(cap_v3_ipv6);
	m.ttl = 1;
	assert_int_equal(vrrp_decode(cap_v3_ipv6 + IP6_HLEN, 40, &m, &adv, NULL), VRRP_RX_TTL);
}

static void reject_version_and_type(void **state)
{
	struct vrrp_rx_meta m = meta4("198.18.0.1", "224.0.0.18", 255);
	struct vrrp_rx_meta m6 = meta6_from(cap_v3_ipv6);
	uint8_t msg[20];
	struct vrrp_adv adv;

	(void)state;
	for (unsigned v = 0; v < 16; v++) {
		if (v == 2 || v == 3)
			continue;
		memcpy(msg, cap_v3_ipv4 + IP4_HLEN, 16);
		msg[0] = (uint8_t)(v << 4 | 1);
		fix_csum(msg, 16, &m, true);
		assert_int_equal(vrrp_decode(msg, 16, &m, &adv, NULL), VRRP_RX_VERSION);
	}
	/* Type 2 (and any other) with a valid checksum. */
	for (unsigned t = 0; t < 16; t++) {
		if (t == 1)
			continue;
		memcpy(msg, cap_v3_ipv4 + IP4_HLEN, 16);
		msg[0] = (uint8_t)(3 << 4 | t);
		fix_csum(msg, 16, &m, true);
		assert_int_equal(vrrp_decode(msg, 16, &m, &adv, NULL), VRRP_RX_TYPE);
	}
	/* A v2 advert over IPv6 does not exist. */
	memcpy(msg, cap_v2_pass + IP4_HLEN, 20);
	m6.ttl = 255;
	assert_int_equal(vrrp_decode(msg, 20, &m6, &adv, NULL), VRRP_RX_VERSION);
	/* No usable family from the caller. */
	m.af = AF_UNSPEC;
	assert_int_equal(vrrp_decode(cap_v3_ipv4 + IP4_HLEN, 16, &m, &adv, NULL),
	                 VRRP_RX_IP_HEADER);
}

static void reject_truncated_and_length(void **state)
{
	struct {
		const uint8_t *pkt;
		size_t len;
		size_t hlen;
		struct vrrp_rx_meta m;
	} good[] = {
	    {cap_v3_ipv4, sizeof(cap_v3_ipv4), IP4_HLEN, meta4("198.18.0.1", "224.0.0.18", 255)},
	    {cap_v2_pass, sizeof(cap_v2_pass), IP4_HLEN, meta4("198.18.0.1", "224.0.0.18", 255)},
	    {cap_v3_ipv6, sizeof(cap_v3_ipv6), IP6_HLEN, meta6_from(cap_v3_ipv6)},
	};
	struct vrrp_adv adv;

	(void)state;
	for (size_t g = 0; g < sizeof(good) / sizeof(good[0]); g++) {
		size_t len = good[g].len - good[g].hlen;
		uint8_t msg[64];

		memcpy(msg, good[g].pkt + good[g].hlen, len);
		assert_int_equal(vrrp_decode(msg, len, &good[g].m, &adv, NULL), VRRP_RX_OK);
		/* Every prefix is refused, exactly on the reason for its length. */
		for (size_t l = 0; l < len; l++) {
			uint8_t *cut = malloc(l ? l : 1);
			enum vrrp_reason r;

			assert_non_null(cut);
			memcpy(cut, msg, l);
			r = vrrp_decode(cut, l, &good[g].m, &adv, NULL);
			assert_int_not_equal(r, VRRP_RX_OK);
			assert_int_equal(r, l < VRRP_HDR_LEN ? VRRP_RX_TRUNCATED : VRRP_RX_LENGTH);
			free(cut);
		}
		/* One trailing zero byte (for v2 even the checksum stays right): only the length
		 * check catches it. */
		msg[len] = 0;
		assert_int_equal(vrrp_decode(msg, len + 1, &good[g].m, &adv, NULL), VRRP_RX_LENGTH);
		/* Count one more and one fewer than the payload holds. */
		msg[3]++;
		fix_csum(msg, len, &good[g].m, msg[0] >> 4 == 3);
		assert_int_equal(vrrp_decode(msg, len, &good[g].m, &adv, NULL), VRRP_RX_LENGTH);
		msg[3] -= 2;
		fix_csum(msg, len, &good[g].m, msg[0] >> 4 == 3);
		assert_int_equal(vrrp_decode(msg, len, &good[g].m, &adv, NULL), VRRP_RX_LENGTH);
		msg[3] = 255;
		fix_csum(msg, len, &good[g].m, msg[0] >> 4 == 3);
		assert_int_equal(vrrp_decode(msg, len, &good[g].m, &adv, NULL), VRRP_RX_LENGTH);
	}
}

static void reject_carp(void **state)
{
	/* A CARP advert (OpenBSD ip_carp.h): version 2 type 1 = 0x21, vhid 51, advskew 0,
	 * authlen 7, demote 0, advbase 1, checksum, 8-byte counter, 20-byte SHA1 HMAC: 36 bytes,
	 * to 224.0.0.18 with TTL 255 and protocol 112, checksum over the message like VRRPv2. */
	uint8_t carp[36] = {0x21, 0x33, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00};
	struct vrrp_rx_meta m = meta4("198.18.0.1", "224.0.0.18", 255);
	struct vrrp_adv adv;

	(void)state;
	for (size_t i = 8; i < sizeof(carp); i++)
		carp[i] = (uint8_t)(i * 11 + 3);
	fix_csum(carp, sizeof(carp), &m, false);
	assert_true(message_only_verifies(carp, sizeof(carp)));
	assert_int_equal(vrrp_decode(carp, sizeof(carp), &m, &adv, NULL), VRRP_RX_LENGTH);
}

static void reject_checksum(void **state)
{
	struct vrrp_rx_meta m = meta4("198.18.0.1", "224.0.0.18", 255);
	struct vrrp_rx_meta m6 = meta6_from(cap_v3_ipv6);
	uint8_t msg[40];
	struct vrrp_adv adv;
	enum vrrp_csum_form form = VRRP_CSUM_RFC5798;

	(void)state;
	/* v3 IPv4: wrong in both forms. */
	memcpy(msg, cap_v3_ipv4 + IP4_HLEN, 16);
	msg[7] ^= 0x01;
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv, NULL), VRRP_RX_CHECKSUM);
	/* Right in the message-only form: accepted and reported. */
	fix_csum(msg, 16, &m, false);
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv, &form), VRRP_RX_OK);
	assert_int_equal(form, VRRP_CSUM_RFC9568);
	/* A flipped address bit breaks either form. */
	msg[15] ^= 0x80;
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv, NULL), VRRP_RX_CHECKSUM);

	/* v2 is message-only: a v2 checksum with a pseudo-header is wrong. */
	memcpy(msg, cap_v2_pass + IP4_HLEN, 20);
	msg[6] ^= 0x10;
	assert_int_equal(vrrp_decode(msg, 20, &m, &adv, NULL), VRRP_RX_CHECKSUM);
	fix_csum(msg, 20, &m, true);
	assert_int_equal(vrrp_decode(msg, 20, &m, &adv, NULL), VRRP_RX_CHECKSUM);

	/* v3 IPv6 needs the pseudo-header: the message-only form is refused. */
	memcpy(msg, cap_v3_ipv6 + IP6_HLEN, 40);
	fix_csum(msg, 40, &m6, false);
	assert_int_equal(vrrp_decode(msg, 40, &m6, &adv, NULL), VRRP_RX_CHECKSUM);
	msg[20] ^= 0x01;
	fix_csum(msg, 40, &m6, true);
	assert_int_equal(vrrp_decode(msg, 40, &m6, &adv, NULL), VRRP_RX_OK);
}

static void reject_interval_zero(void **state)
{
	struct vrrp_rx_meta m = meta4("198.18.0.1", "224.0.0.18", 255);
	uint8_t msg[20];
	struct vrrp_adv adv;

	(void)state;
	memcpy(msg, cap_v3_ipv4 + IP4_HLEN, 16);
	msg[4] = 0x00;
	msg[5] = 0x00;
	fix_csum(msg, 16, &m, true);
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv, NULL), VRRP_RX_INTERVAL_ZERO);
	/* Reserved bits set, interval still zero. */
	msg[4] = 0xf0;
	fix_csum(msg, 16, &m, true);
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv, NULL), VRRP_RX_INTERVAL_ZERO);

	memcpy(msg, cap_v2_pass + IP4_HLEN, 20);
	msg[5] = 0;
	fix_csum(msg, 20, &m, false);
	assert_int_equal(vrrp_decode(msg, 20, &m, &adv, NULL), VRRP_RX_INTERVAL_ZERO);
}

static void reject_ipv6_without_linklocal(void **state)
{
	struct vrrp_rx_meta m = meta6_from(cap_v3_ipv6);
	uint8_t msg[40];
	struct vrrp_adv adv;

	(void)state;
	/* Swap the two addresses: fd00:18::100 first. */
	memcpy(msg, cap_v3_ipv6 + IP6_HLEN, 8);
	memcpy(msg + 8, cap_v3_ipv6 + IP6_HLEN + 24, 16);
	memcpy(msg + 24, cap_v3_ipv6 + IP6_HLEN + 8, 16);
	fix_csum(msg, 40, &m, true);
	assert_int_equal(vrrp_decode(msg, 40, &m, &adv, NULL), VRRP_RX_NO_LINKLOCAL);

	/* No address at all: the bytes after the 8-byte message (a link-local here) must not be
	 * read; the exact-size heap copy lets ASan check that too. */
	memcpy(msg, cap_v3_ipv6 + IP6_HLEN, 40);
	msg[3] = 0;
	fix_csum(msg, 8, &m, true);
	assert_int_equal(vrrp_decode(msg, 8, &m, &adv, NULL), VRRP_RX_NO_LINKLOCAL);
	{
		uint8_t *exact = malloc(8);

		assert_non_null(exact);
		memcpy(exact, msg, 8);
		assert_int_equal(vrrp_decode(exact, 8, &m, &adv, NULL), VRRP_RX_NO_LINKLOCAL);
		free(exact);
	}

	/* fe80::/10 includes febf::, the first byte alone is not enough. */
	memcpy(msg, cap_v3_ipv6 + IP6_HLEN, 40);
	msg[9] = 0xc0; /* fec0::51, site-local */
	fix_csum(msg, 40, &m, true);
	assert_int_equal(vrrp_decode(msg, 40, &m, &adv, NULL), VRRP_RX_NO_LINKLOCAL);
	msg[9] = 0xbf; /* febf::51 */
	fix_csum(msg, 40, &m, true);
	assert_int_equal(vrrp_decode(msg, 40, &m, &adv, NULL), VRRP_RX_OK);
}

static void adv_untouched_on_reject(void **state)
{
	struct vrrp_rx_meta m = meta4("198.18.0.1", "224.0.0.18", 255);
	struct vrrp_adv adv, before;
	uint8_t msg[16];

	(void)state;
	memset(&adv, 0xab, sizeof(adv));
	before = adv;
	memcpy(msg, cap_v3_ipv4 + IP4_HLEN, 16);
	msg[7] ^= 0xff;
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv, NULL), VRRP_RX_CHECKSUM);
	assert_memory_equal(&adv, &before, sizeof(adv));
}

/* v2 policy matching the captured advert. */
static struct vrrp_rx_policy v2_policy(const union vip_in *vips, size_t nvips)
{
	struct vrrp_rx_policy pol = {.accept_v2 = true,
	                             .v2_interval = 1,
	                             .auth_type = VRRP_AUTH_PASS,
	                             .vips = vips,
	                             .nvips = nvips};

	memcpy(pol.auth_data, "s3cret\0\0", VRRP_AUTH_LEN);
	return pol;
}

static void validate_v2(void **state)
{
	union vip_in vip = in4("198.18.0.100"), other = in4("198.18.0.101");
	union vip_in two[2] = {in4("198.18.0.100"), in4("198.18.0.101")};
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	struct vrrp_rx_policy pol;

	(void)state;
	assert_int_equal(decode4(cap_v2_pass, sizeof(cap_v2_pass), &m, &adv, NULL), VRRP_RX_OK);
	pol = v2_policy(&vip, 1);
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);

	pol.accept_v2 = false;
	pol.accept_v3 = true;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_VERSION);

	/* Auth: type and password. */
	pol = v2_policy(&vip, 1);
	pol.auth_type = VRRP_AUTH_NONE;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_AUTH);
	pol = v2_policy(&vip, 1);
	pol.auth_data[5] = 'T';
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_AUTH);
	pol = v2_policy(&vip, 1);
	pol.auth_data[6] = 'x'; /* "s3cretx": the advert's NUL padding must match too */
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_AUTH);
	/* Auth type none on both sides: the auth data is not compared. */
	pol = v2_policy(&vip, 1);
	pol.auth_type = VRRP_AUTH_NONE;
	adv.auth_type = VRRP_AUTH_NONE;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);
	adv.auth_type = VRRP_AUTH_PASS;

	/* Adver Int must equal ours. */
	pol = v2_policy(&vip, 1);
	pol.v2_interval = 2;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_INTERVAL_MISMATCH);

	/* Address list: a non-owner with another list is dropped, the owner is accepted. */
	pol = v2_policy(&other, 1);
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_ADDR_MISMATCH);
	pol = v2_policy(two, 2);
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_ADDR_MISMATCH);
	pol = v2_policy(NULL, 0);
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_ADDR_MISMATCH);
	adv.priority = VRRP_PRIO_OWNER;
	pol = v2_policy(&other, 1);
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);
	adv.priority = 254;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_ADDR_MISMATCH);
}

static void validate_v3(void **state)
{
	union vip_in vips[2] = {in4("198.18.0.101"), in4("198.18.0.100")};
	union vip_in other = in4("198.18.0.200");
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	struct vrrp_rx_policy pol = {.accept_v3 = true, .vips = &other, .nvips = 1};

	(void)state;
	assert_int_equal(decode4(cap_v3_ipv4, sizeof(cap_v3_ipv4), &m, &adv, NULL), VRRP_RX_OK);
	/* v3: an address mismatch is not a drop; the caller logs it. */
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);
	assert_false(vrrp_addrs_match(&adv, &other, 1));
	assert_true(vrrp_addrs_match(&adv, vips, 2));
	/* v2-only fields are not checked for v3. */
	pol.auth_type = VRRP_AUTH_PASS;
	pol.v2_interval = 9;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);

	pol.accept_v3 = false;
	pol.accept_v2 = true;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_VERSION);
	adv.version = 4;
	pol.accept_v3 = true;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_VERSION);
}

static void validate_unicast_peers(void **state)
{
	union vip_in peers[2] = {in4("198.18.0.2"), in4("198.18.0.1")};
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	struct vrrp_rx_policy pol = {.accept_v3 = true, .peers = peers, .npeers = 1};

	(void)state;
	assert_int_equal(decode4(cap_v3_ipv4, sizeof(cap_v3_ipv4), &m, &adv, NULL), VRRP_RX_OK);
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_NOT_PEER);
	pol.npeers = 2;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);
	pol.npeers = 0; /* a list that names nobody admits nobody */
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_NOT_PEER);
	pol.peers = NULL; /* multicast */
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);
}

static void validate_owner(void **state)
{
	union vip_in vip = in4("198.18.0.100");
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	struct vrrp_rx_policy pol = {.accept_v3 = true, .owner = true};

	(void)state;
	assert_int_equal(decode4(cap_v3_ipv4, sizeof(cap_v3_ipv4), &m, &adv, NULL), VRRP_RX_OK);
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OWNER);
	pol.owner = false;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OK);

	/* Owner is the last check: another failure is reported first. */
	assert_int_equal(decode4(cap_v2_pass, sizeof(cap_v2_pass), &m, &adv, NULL), VRRP_RX_OK);
	pol = v2_policy(&vip, 1);
	pol.owner = true;
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_OWNER);
	pol.auth_data[0] = 'S';
	assert_int_equal(vrrp_validate(&adv, &m, &pol), VRRP_RX_AUTH);
}

static void addrs_match_is_a_multiset_compare(void **state)
{
	struct vrrp_adv adv = make_adv(3, AF_INET, 3);
	union vip_in v[3];

	(void)state;
	v[0] = adv.addrs[2];
	v[1] = adv.addrs[0];
	v[2] = adv.addrs[1];
	assert_true(vrrp_addrs_match(&adv, v, 3));
	assert_false(vrrp_addrs_match(&adv, v, 2));
	v[2] = adv.addrs[0];
	assert_false(vrrp_addrs_match(&adv, v, 3)); /* duplicate instead of addrs[1] */
	adv.addrs[1] = adv.addrs[2];                /* {0, 2, 2} against {2, 0, 0} */
	assert_false(vrrp_addrs_match(&adv, v, 3));
	adv.naddr = 0;
	assert_true(vrrp_addrs_match(&adv, NULL, 0));
}

static void decode_ipv4_header(void **state)
{
	uint8_t pkt[64];
	struct vrrp_rx_meta m;
	const uint8_t *msg;
	size_t mlen;
	struct vrrp_adv adv;
	const size_t n = sizeof(cap_v3_ipv4);

	(void)state;
	/* Shorter than a header at all. */
	for (size_t l = 0; l < IP4_HLEN; l++)
		assert_int_equal(vrrp_decode_ipv4(cap_v3_ipv4, l, &m, &msg, &mlen),
		                 VRRP_RX_IP_HEADER);
	/* A missing tail: total length says more than we have. */
	for (size_t l = IP4_HLEN; l < n; l++)
		assert_int_equal(vrrp_decode_ipv4(cap_v3_ipv4, l, &m, &msg, &mlen),
		                 VRRP_RX_IP_HEADER);

#define MUTATE(off, val, want)                                                                     \
	do {                                                                                       \
		memcpy(pkt, cap_v3_ipv4, n);                                                       \
		pkt[off] = (val);                                                                  \
		assert_int_equal(vrrp_decode_ipv4(pkt, n, &m, &msg, &mlen), (want));               \
	} while (0)
	MUTATE(0, 0x65, VRRP_RX_IP_HEADER); /* version 6 */
	MUTATE(0, 0x44, VRRP_RX_IP_HEADER); /* IHL 4 */
	MUTATE(0, 0x4f, VRRP_RX_IP_HEADER); /* IHL 15: 60 bytes > 36 */
	MUTATE(3, 19, VRRP_RX_IP_HEADER);   /* total length below the header */
	MUTATE(9, 17, VRRP_RX_IP_HEADER);   /* UDP */
	MUTATE(6, 0x20, VRRP_RX_IP_HEADER); /* more fragments */
	MUTATE(7, 0x01, VRRP_RX_IP_HEADER); /* fragment offset 1 */
	MUTATE(6, 0x01, VRRP_RX_IP_HEADER); /* fragment offset 256 */
	MUTATE(6, 0x40, VRRP_RX_OK);        /* don't fragment is fine */
	MUTATE(6, 0x80, VRRP_RX_OK);        /* reserved flag: not a fragment */
#undef MUTATE

	/* IHL 9: a 36-byte header and an empty payload; the VRRP layer finds it truncated. */
	memcpy(pkt, cap_v3_ipv4, n);
	pkt[0] = 0x49;
	assert_int_equal(vrrp_decode_ipv4(pkt, n, &m, &msg, &mlen), VRRP_RX_OK);
	assert_int_equal(mlen, 0);
	assert_int_equal(vrrp_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_TRUNCATED);

	/* Link-layer padding after the datagram is cut off (a 46-byte frame padded to 60). */
	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, cap_vmac, sizeof(cap_vmac));
	assert_int_equal(vrrp_decode_ipv4(pkt, 46, &m, &msg, &mlen), VRRP_RX_OK);
	assert_int_equal(mlen, 12);
	assert_int_equal(vrrp_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_OK);

	/* IP options (IHL 6): the message starts after them. */
	memcpy(pkt, cap_v3_ipv4, IP4_HLEN);
	pkt[0] = 0x46;
	pkt[3] = 40;
	memcpy(pkt + 20, "\x94\x04\x00\x00", 4); /* router alert */
	memcpy(pkt + 24, cap_v3_ipv4 + IP4_HLEN, 16);
	assert_int_equal(vrrp_decode_ipv4(pkt, 40, &m, &msg, &mlen), VRRP_RX_OK);
	assert_ptr_equal(msg, pkt + 24);
	assert_int_equal(mlen, 16);
	assert_int_equal(m.ttl, 255);
	assert_int_equal(vrrp_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_OK);
	assert_int_equal(adv.naddr, 2);

	/* TTL and addresses come from the header. */
	memcpy(pkt, cap_v2_pass, sizeof(cap_v2_pass));
	pkt[8] = 64;
	assert_int_equal(vrrp_decode_ipv4(pkt, sizeof(cap_v2_pass), &m, &msg, &mlen), VRRP_RX_OK);
	assert_int_equal(m.af, AF_INET);
	assert_int_equal(m.ttl, 64);
	assert_in_equal(AF_INET, &m.src, "198.18.0.1");
	assert_in_equal(AF_INET, &m.dst, "224.0.0.18");
	assert_int_equal(mlen, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reason_names_are_stable_and_distinct),
	    cmocka_unit_test(checksum_rfc1071),
	    cmocka_unit_test(checksum_odd_lengths_in_bounds),
	    cmocka_unit_test(checksum_large_sum_does_not_overflow),
	    cmocka_unit_test(keepalived_v3_ipv4),
	    cmocka_unit_test(keepalived_v3_ipv4_prio0),
	    cmocka_unit_test(keepalived_vmac),
	    cmocka_unit_test(keepalived_v2_pass),
	    cmocka_unit_test(keepalived_v3_ipv6),
	    cmocka_unit_test(round_trips),
	    cmocka_unit_test(encoded_checksums_match_reference),
	    cmocka_unit_test(encode_rejects),
	    cmocka_unit_test(reserved_bits_ignored_on_receive),
	    cmocka_unit_test(reject_ttl),
	    cmocka_unit_test(reject_version_and_type),
	    cmocka_unit_test(reject_truncated_and_length),
	    cmocka_unit_test(reject_carp),
	    cmocka_unit_test(reject_checksum),
	    cmocka_unit_test(reject_interval_zero),
	    cmocka_unit_test(reject_ipv6_without_linklocal),
	    cmocka_unit_test(adv_untouched_on_reject),
	    cmocka_unit_test(validate_v2),
	    cmocka_unit_test(validate_v3),
	    cmocka_unit_test(validate_unicast_peers),
	    cmocka_unit_test(validate_owner),
	    cmocka_unit_test(addrs_match_is_a_multiset_compare),
	    cmocka_unit_test(decode_ipv4_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
