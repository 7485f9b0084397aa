/* Unit tests for vrrp_pkt: real keepalived 2.2.7 adverts decoded and re-encoded byte for byte,
 * round trips, and every receive check triggered by a minimal change of a good packet. */
#include "build_config.h"

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

#include "keepalived_vectors.h"

#define IP4_HLEN 20
#define IP6_HLEN 40

static union vip_in in(int af, const char *s)
{
	union vip_in a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(inet_pton(af, s, a.bytes), 1);
	return a;
}

static void assert_in_equal(int af, const union vip_in *a, const char *text)
{
	union vip_in b = in(af, text);

	assert_memory_equal(a->bytes, b.bytes, addr_size(af));
}

static struct vrrp_rx_meta meta4(const char *src, const char *dst)
{
	struct vrrp_rx_meta m = {.af = AF_INET, .ttl = 255};

	m.src = in(AF_INET, src);
	m.dst = in(AF_INET, dst);
	return m;
}

/* What a raw IPv6 socket reports (hop limit, addresses), taken from a captured IPv6 header. */
static struct vrrp_rx_meta meta6_from(const uint8_t *ip6)
{
	struct vrrp_rx_meta m = {.af = AF_INET6, .ttl = ip6[7]};

	memcpy(m.src.bytes, ip6 + 8, 16);
	memcpy(m.dst.bytes, ip6 + 24, 16);
	return m;
}

/* Reference checksum, written independently of the module: the plain RFC 1071 loop over a
 * buffer holding the pseudo-header (if any), then the message with its checksum field zeroed. */
static uint16_t ref_csum(const uint8_t *msg, size_t len, const struct vrrp_rx_meta *m, bool pseudo)
{
	uint8_t buf[40 + VRRP_MSG_MAX + 2] = {0};
	size_t n = 0, a = addr_size(m->af);
	uint64_t sum = 0;

	if (pseudo) {
		memcpy(buf, m->src.bytes, a);
		memcpy(buf + a, m->dst.bytes, a);
		n = 2 * a;
		if (m->af == AF_INET) /* zero, protocol, 16-bit length */
			buf[n + 1] = VRRP_IPPROTO, buf[n + 2] = (uint8_t)(len >> 8);
		else /* 32-bit length, three zeros, next header */
			buf[n + 2] = (uint8_t)(len >> 8), buf[n + 7] = VRRP_IPPROTO;
		buf[n + 3] = (uint8_t)len;
		n += m->af == AF_INET ? 4 : 8;
	}
	memcpy(buf + n, msg, len);
	if (len >= 8)
		buf[n + 6] = buf[n + 7] = 0;
	n += len;
	for (size_t i = 0; i < n; i += 2) /* an odd length reads the zero pad */
		sum += (uint64_t)(buf[i] << 8 | buf[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Rewrite the checksum field after an edit, so the check under test is the one that fires. */
static void fix_csum(uint8_t *msg, size_t len, const struct vrrp_rx_meta *m, bool pseudo)
{
	uint16_t c = ref_csum(msg, len, m, pseudo);

	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
}

static bool message_only_verifies(const uint8_t *msg, size_t len)
{
	return vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, msg, len)) == 0;
}

/* Decode a captured IPv4 packet through both layers. */
static enum vrrp_reason decode4(const uint8_t *pkt, size_t len, struct vrrp_rx_meta *m,
                                struct vrrp_adv *adv, enum vrrp_csum_form *form)
{
	const uint8_t *msg;
	size_t mlen;
	enum vrrp_reason r = vrrp_pkt_decode_ipv4(pkt, len, m, &msg, &mlen);

	return r != VRRP_RX_OK ? r : vrrp_pkt_decode(msg, mlen, m, adv, form);
}

/* Re-encode adv and compare with the expected message. */
static void assert_reencodes(const struct vrrp_adv *adv, const struct vrrp_rx_meta *m,
                             enum vrrp_csum_form form, const uint8_t *msg, size_t len)
{
	uint8_t out[VRRP_MSG_MAX];

	assert_int_equal(vrrp_pkt_encode(out, sizeof(out), adv, &m->src, &m->dst, form),
	                 (ssize_t)len);
	assert_memory_equal(out, msg, len);
}

static void reason_names_are_stable_and_distinct(void **state)
{
	/* clang-format off */
	static const char *const want[VRRP_RX__COUNT] = {
		"ok", "ip-header", "ttl", "truncated", "version", "type", "length", "checksum",
		"interval-zero", "vrid", "owner", "auth", "interval-mismatch", "addr-mismatch",
		"not-peer", "no-linklocal", "own", "bad-address", "no-hop-limit", "ah-icv",
		"ah-replay"};
	/* clang-format on */

	(void)state;
	assert_int_equal(VRRP_RX_AH_REPLAY, 20); /* the table above follows the enum */
	for (int i = 0; i < VRRP_RX__COUNT; i++)
		assert_string_equal(vrrp_pkt_reason_name((enum vrrp_reason)i), want[i]);
	assert_string_equal(vrrp_pkt_reason_name(VRRP_RX__COUNT), "unknown");
	assert_string_equal(vrrp_pkt_reason_name((enum vrrp_reason)100), "unknown");
}

static void checksum_arithmetic(void **state)
{
	/* RFC 1071 section 3 example: the words sum to 0x2ddf0, folded 0xddf2, checksum 0x220d. */
	static const uint8_t ex[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	static uint8_t big[1 << 20];
	struct vrrp_rx_meta none = {.af = AF_INET};
	uint16_t c;
	uint8_t wire[2];

	(void)state;
	assert_int_equal(vrrp_pkt_csum_add(0, ex, sizeof(ex)), 0x2ddf0);
	c = vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, ex, sizeof(ex)));
	memcpy(wire, &c, 2); /* network order: stored as is, it reads 22 0d */
	assert_int_equal(wire[0], 0x22);
	assert_int_equal(wire[1], 0x0d);
	/* Even chunks then an odd last one give the same sum as one buffer; an odd byte is the
	 * high half of a word. */
	assert_int_equal(vrrp_pkt_csum_add(vrrp_pkt_csum_add(0, ex, 4), ex + 4, 3),
	                 vrrp_pkt_csum_add(0, ex, 7));
	assert_int_equal(vrrp_pkt_csum_add(0, ex + 1, 1), 0x0100);
	assert_int_equal(vrrp_pkt_csum_add(0, ex, 0), 0);

	/* Odd and even lengths in exact-size heap buffers: ASan catches a read past the end. The
	 * reference skips bytes 6-7 (a checksum field), so compare from offset 8 on. */
	for (size_t len = 1; len <= 64; len++) {
		uint8_t *b = malloc(len + 8);

		assert_non_null(b);
		for (size_t i = 0; i < len + 8; i++)
			b[i] = (uint8_t)(0xa5 ^ (i * 37));
		b[6] = b[7] = 0;
		c = ntohs(vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, b, len + 8)));
		assert_int_equal(c, ref_csum(b, len + 8, &none, false));
		free(b);
	}

	/* A megabyte of words does not overflow the running sum: the 0xffff words are one's
	 * complement zeros, so the sum is the one 0xff12 word and the checksum 0x00ed. */
	memset(big, 0xff, sizeof(big));
	big[5] = 0x12;
	c = ntohs(vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, big, sizeof(big))));
	assert_int_equal(c, 0x00ed);
}

/* What tshark shows for each captured advert. */
static const struct capture {
	const char *name;
	const uint8_t *pkt;
	size_t len;
	uint8_t version, priority, naddr;
	uint16_t interval;
	enum vrrp_csum_form form;
	const char *addrs[2];
} captures[] = {
#define CAP(a) a, sizeof(a)
    /* clang-format off */
	{"v3-ipv4", CAP(cap_v3_ipv4), 3, 150, 2, 100, 0, {"198.18.0.100", "198.18.0.101"}},
	{"v3-ipv4-prio0", CAP(cap_v3_ipv4_prio0), 3, 0, 2, 100, 0, {"198.18.0.100", "198.18.0.101"}},
	{"vmac", CAP(cap_vmac), 3, 150, 1, 100, 0, {"198.18.0.100"}},
	/* v2 is message-only, which the RFC 9568 form (1) names. */
	{"v2-pass", CAP(cap_v2_pass), 2, 150, 1, 1, 1, {"198.18.0.100"}},
	{"v2-pass-prio0", CAP(cap_v2_pass_prio0), 2, 0, 1, 1, 1, {"198.18.0.100"}},
	/* IPv6 always has the pseudo-header, which the RFC 5798 form (0) names. */
	{"v3-ipv6", CAP(cap_v3_ipv6), 3, 150, 2, 100, 0, {"fe80::51", "fd00:18::100"}},
	{"v3-ipv6-prio0", CAP(cap_v3_ipv6_prio0), 3, 0, 2, 100, 0, {"fe80::51", "fd00:18::100"}},
/* clang-format on */
#undef CAP
};

static void keepalived_captures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(captures) / sizeof(captures[0]); i++) {
		const struct capture *c = &captures[i];
		int af = c->pkt[0] >> 4 == 6 ? AF_INET6 : AF_INET;
		size_t hlen = af == AF_INET ? IP4_HLEN : IP6_HLEN;
		const uint8_t *msg = c->pkt + hlen;
		size_t mlen = c->len - hlen;
		struct vrrp_rx_meta m;
		struct vrrp_adv adv;
		enum vrrp_csum_form form = !c->form;

		print_message("capture %s\n", c->name);
		if (af == AF_INET) {
			const uint8_t *got;

			assert_int_equal(vrrp_pkt_decode_ipv4(c->pkt, c->len, &m, &got, &mlen), 0);
			assert_ptr_equal(got, msg);
			assert_in_equal(AF_INET, &m.src, "198.18.0.1");
			assert_in_equal(AF_INET, &m.dst, "224.0.0.18");
		} else {
			m = meta6_from(c->pkt);
			assert_in_equal(AF_INET6, &m.src, "fe80::68d0:e3ff:fe22:bf1d");
			assert_in_equal(AF_INET6, &m.dst, "ff02::12");
		}
		assert_int_equal(m.af, af);
		assert_int_equal(m.ttl, 255);
		assert_int_equal(mlen, 8 + c->naddr * addr_size(af) + (c->version == 2 ? 8 : 0));

		assert_int_equal(vrrp_pkt_decode(msg, mlen, &m, &adv, &form), VRRP_RX_OK);
		assert_int_equal(form, c->form);
		assert_int_equal(adv.version, c->version);
		assert_int_equal(adv.type, 1);
		assert_int_equal(adv.vrid, 51);
		assert_int_equal(adv.priority, c->priority);
		assert_int_equal(adv.naddr, c->naddr);
		assert_int_equal(adv.interval, c->interval); /* v3 centiseconds, v2 seconds */
		assert_int_equal(adv.af, af);
		for (size_t j = 0; j < c->naddr; j++)
			assert_in_equal(af, &adv.addrs[j], c->addrs[j]);
		if (c->version == 2) {
			assert_int_equal(adv.auth_type, VRRP_AUTH_PASS);
			assert_memory_equal(adv.auth_data, "s3cret\0\0", VRRP_AUTH_LEN);
		}
		/* keepalived's v3 IPv4 default includes the pseudo-header: not message-only. */
		assert_int_equal(message_only_verifies(msg, mlen), c->version == 2);
		assert_reencodes(&adv, &m, form, msg, mlen);
		if (af == AF_INET6) /* the form argument does not matter for IPv6 */
			assert_reencodes(&adv, &m, VRRP_CSUM_RFC9568, msg, mlen);

		/* v3 sums the pseudo-header: another source breaks it; v2 does not care. */
		m.src.bytes[3] ^= 1;
		assert_int_equal(vrrp_pkt_decode(msg, mlen, &m, &adv, NULL),
		                 c->version == 3 ? VRRP_RX_CHECKSUM : VRRP_RX_OK);
	}
}

static struct vrrp_adv make_adv(uint8_t version, int af, uint8_t naddr)
{
	struct vrrp_adv a = {.version = version, .type = 1, .vrid = 7, .priority = 200};

	a.af = af;
	a.naddr = naddr;
	a.interval = version == 3 ? 5 : 3;
	for (unsigned i = 0; i < naddr; i++) {
		a.addrs[i] = in(af, af == AF_INET ? "198.18.0.0" : i == 0 ? "fe80::1" : "fd00::");
		a.addrs[i].bytes[af == AF_INET ? 2 : 14] = (uint8_t)(i >> 8);
		a.addrs[i].bytes[af == AF_INET ? 3 : 15] = (uint8_t)(i ^ 0x5a);
	}
	return a;
}

/* Encode, check the checksum field against the reference, decode, compare the whole struct. */
static void round_trip(const struct vrrp_adv *in_adv, const struct vrrp_rx_meta *m,
                       enum vrrp_csum_form form, enum vrrp_csum_form want_form)
{
	uint8_t buf[VRRP_MSG_MAX];
	struct vrrp_adv out;
	enum vrrp_csum_form got = !want_form;
	size_t len = 8 + in_adv->naddr * addr_size(in_adv->af) + (in_adv->version == 2 ? 8 : 0);
	bool pseudo = in_adv->version == 3 && (in_adv->af == AF_INET6 || form == VRRP_CSUM_RFC5798);

	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), in_adv, &m->src, &m->dst, form),
	                 (ssize_t)len);
	assert_int_equal(buf[0], in_adv->version << 4 | 1);
	assert_int_equal(buf[6] << 8 | buf[7], ref_csum(buf, len, m, pseudo));
	assert_int_equal(message_only_verifies(buf, len), !pseudo);
	memset(&out, 0, sizeof(out));
	assert_int_equal(vrrp_pkt_decode(buf, len, m, &out, &got), VRRP_RX_OK);
	assert_int_equal(got, want_form);
	/* make_adv zeroes what is not set, as decode does for fields the version lacks. */
	assert_memory_equal(&out, in_adv, sizeof(out));
}

static void round_trips(void **state)
{
	struct vrrp_rx_meta m4 = meta4("198.18.0.1", "224.0.0.18");
	struct vrrp_rx_meta m6 = {.af = AF_INET6, .ttl = 255};
	struct vrrp_adv a, out;
	uint8_t buf[VRRP_MSG_MAX];
	enum vrrp_csum_form f = VRRP_CSUM_RFC9568;

	(void)state;
	m6.src = in(AF_INET6, "fe80::1:2:3:4");
	m6.dst = in(AF_INET6, "ff02::12");
	for (unsigned naddr = 0; naddr <= VRRP_MAX_ADDRS; naddr += naddr < 4 ? 1 : 50) {
		a = make_adv(3, AF_INET, (uint8_t)naddr);
		round_trip(&a, &m4, VRRP_CSUM_RFC5798, VRRP_CSUM_RFC5798);
		round_trip(&a, &m4, VRRP_CSUM_RFC9568, VRRP_CSUM_RFC9568); /* message-only */
		a = make_adv(2, AF_INET, (uint8_t)naddr);
		a.auth_type = VRRP_AUTH_PASS;
		memcpy(a.auth_data, "pw\0\0\0\0\0\x01", 8);
		round_trip(&a, &m4, VRRP_CSUM_RFC5798, VRRP_CSUM_RFC9568); /* v2: form ignored */
		a = make_adv(3, AF_INET6, (uint8_t)(naddr ? naddr : 1));   /* IPv6: form ignored */
		round_trip(&a, &m6, VRRP_CSUM_RFC9568, VRRP_CSUM_RFC5798);
	}
	/* The largest messages. */
	a = make_adv(3, AF_INET6, VRRP_MAX_ADDRS);
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &a, &m6.src, &m6.dst, 0),
	                 VRRP_MSG_MAX - VRRP_AUTH_LEN);
	a = make_adv(2, AF_INET, VRRP_MAX_ADDRS);
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &a, NULL, NULL, 0), 8 + 255 * 4 + 8);
	/* Interval limits: 4095 cs (40.95 s) for v3, 255 s for v2. */
	a = make_adv(3, AF_INET, 1);
	a.interval = 4095;
	round_trip(&a, &m4, VRRP_CSUM_RFC9568, VRRP_CSUM_RFC9568);
	a = make_adv(2, AF_INET, 1);
	a.interval = 255;
	round_trip(&a, &m4, VRRP_CSUM_RFC9568, VRRP_CSUM_RFC9568);

	/* When the pseudo-header sums to 0xffff (one's complement zero) both forms verify: the
	 * RFC 5798 form is reported, and re-encoding in it gives the same bytes. */
	a = make_adv(3, AF_INET, 2);
	m4 = meta4("0.0.0.0", "255.127.0.0"); /* 0xff7f + 16 (length) + 112 = 0xffff */
	assert_int_equal(vrrp_pkt_encode(buf, sizeof(buf), &a, NULL, NULL, VRRP_CSUM_RFC9568), 16);
	assert_int_equal(vrrp_pkt_decode(buf, 16, &m4, &out, &f), VRRP_RX_OK);
	assert_int_equal(f, VRRP_CSUM_RFC5798);
	assert_reencodes(&out, &m4, f, buf, 16);
}

static void encode_rejects(void **state)
{
	union vip_in s = in(AF_INET, "198.18.0.1"), d = in(AF_INET, "224.0.0.18");
	uint8_t buf[VRRP_MSG_MAX];
	struct vrrp_adv a = make_adv(3, AF_INET, 2);

	(void)state;
#define ENC(cap, src, form) vrrp_pkt_encode(buf, (cap), &a, (src), &d, (form))
	assert_int_equal(ENC(16, &s, VRRP_CSUM_RFC5798), 16);
	assert_int_equal(ENC(15, &s, VRRP_CSUM_RFC5798), -1); /* cap too small */
	assert_int_equal(ENC(0, &s, VRRP_CSUM_RFC5798), -1);
	assert_int_equal(ENC(16, NULL, VRRP_CSUM_RFC5798), -1); /* pseudo-header needs src */
	assert_int_equal(ENC(16, NULL, VRRP_CSUM_RFC9568), 16);
	assert_int_equal(ENC(16, &s, (enum vrrp_csum_form)2), -1);
	for (unsigned v = 0; v < 16; v++) {
		a.version = (uint8_t)v;
		assert_int_equal(ENC(sizeof(buf), &s, 0), v == 3 ? 16 : v == 2 ? 24 : -1);
	}
	a = make_adv(3, AF_INET, 2);
	a.vrid = 0;
	assert_int_equal(ENC(sizeof(buf), &s, 0), -1);
	a.vrid = 1;
	a.interval = 0;
	assert_int_equal(ENC(sizeof(buf), &s, 0), -1);
	a.interval = 4096;
	assert_int_equal(ENC(sizeof(buf), &s, 0), -1);
	a.interval = 4095;
	a.af = AF_UNSPEC;
	assert_int_equal(ENC(sizeof(buf), &s, 0), -1);
	a = make_adv(2, AF_INET, 1);
	assert_int_equal(ENC(8 + 4 + 7, &s, 0), -1); /* no room for the auth data */
	assert_int_equal(ENC(8 + 4 + 8, &s, 0), 20);
	a.interval = 0;
	assert_int_equal(ENC(sizeof(buf), &s, 0), -1);
	a.interval = 256;
	assert_int_equal(ENC(sizeof(buf), &s, 0), -1);
	a = make_adv(2, AF_INET6, 2);
	assert_int_equal(ENC(sizeof(buf), &s, 0), -1); /* v2 is IPv4 only */
	/* v3 IPv6 without a link-local first address: keepalived's form, sent as listed. */
	a = make_adv(3, AF_INET6, 2);
	a.addrs[0] = in(AF_INET6, "fd00::1");
	assert_int_equal(ENC(sizeof(buf), &s, 0), 8 + 2 * 16);
	a = make_adv(3, AF_INET6, 0);
	assert_int_equal(ENC(sizeof(buf), &s, 0), -1);
#undef ENC
}

/* The good messages the reject tests start from, with their meta. */
enum { GOOD_V3, GOOD_V2, GOOD_V6, GOOD_N };

static void good_msg(int which, uint8_t *msg, size_t *len, struct vrrp_rx_meta *m)
{
	if (which == GOOD_V6) {
		*m = meta6_from(cap_v3_ipv6);
		*len = sizeof(cap_v3_ipv6) - IP6_HLEN;
		memcpy(msg, cap_v3_ipv6 + IP6_HLEN, *len);
		return;
	}
	*m = meta4("198.18.0.1", "224.0.0.18");
	*len = which == GOOD_V3 ? 16 : 20;
	memcpy(msg, (which == GOOD_V3 ? cap_v3_ipv4 : cap_v2_pass) + IP4_HLEN, *len);
}

/* One minimal change of a good message, and the reason it must give. */
static const struct edit {
	const char *what;
	int good;
	uint8_t off, val, off2, val2; /* off2 0: one byte only */
	bool fix;                     /* recompute the checksum so it is not what fires */
	enum vrrp_reason want;
} edits[] = {
    {"none (v3)", GOOD_V3, 1, 0x33, 0, 0, false, VRRP_RX_OK},
    {"none (v2)", GOOD_V2, 1, 0x33, 0, 0, false, VRRP_RX_OK},
    {"none (v6)", GOOD_V6, 1, 0x33, 0, 0, false, VRRP_RX_OK},
    {"version 1", GOOD_V3, 0, 0x11, 0, 0, true, VRRP_RX_VERSION},
    {"version 4", GOOD_V3, 0, 0x41, 0, 0, true, VRRP_RX_VERSION},
    {"version 0", GOOD_V2, 0, 0x01, 0, 0, true, VRRP_RX_VERSION},
    {"type 2", GOOD_V3, 0, 0x32, 0, 0, true, VRRP_RX_TYPE},
    {"type 0 (v2)", GOOD_V2, 0, 0x20, 0, 0, true, VRRP_RX_TYPE},
    {"type 15 (v6)", GOOD_V6, 0, 0x3f, 0, 0, true, VRRP_RX_TYPE},
    {"count + 1", GOOD_V3, 3, 3, 0, 0, true, VRRP_RX_LENGTH},
    {"count - 1", GOOD_V3, 3, 1, 0, 0, true, VRRP_RX_LENGTH},
    {"count 255", GOOD_V3, 3, 255, 0, 0, true, VRRP_RX_LENGTH},
    {"count + 1 (v2)", GOOD_V2, 3, 2, 0, 0, true, VRRP_RX_LENGTH},
    {"count 0 (v2)", GOOD_V2, 3, 0, 0, 0, true, VRRP_RX_LENGTH},
    {"count - 1 (v6)", GOOD_V6, 3, 1, 0, 0, true, VRRP_RX_LENGTH},
    {"count + 1 (v6)", GOOD_V6, 3, 3, 0, 0, true, VRRP_RX_LENGTH},
    {"checksum (both forms)", GOOD_V3, 7, 0xd0, 0, 0, false, VRRP_RX_CHECKSUM},
    {"address bit (v3)", GOOD_V3, 15, 0xe4, 0, 0, false, VRRP_RX_CHECKSUM},
    {"checksum (v2)", GOOD_V2, 6, 0x55, 0, 0, false, VRRP_RX_CHECKSUM},
    {"auth data (v2)", GOOD_V2, 19, 0x01, 0, 0, false, VRRP_RX_CHECKSUM},
    {"checksum (v6)", GOOD_V6, 7, 0x3d, 0, 0, false, VRRP_RX_CHECKSUM},
    {"interval 0", GOOD_V3, 4, 0x00, 5, 0x00, true, VRRP_RX_INTERVAL_ZERO},
    {"interval 0, reserved set", GOOD_V3, 4, 0xf0, 5, 0x00, true, VRRP_RX_INTERVAL_ZERO},
    {"interval 0 (v2)", GOOD_V2, 5, 0x00, 0, 0, true, VRRP_RX_INTERVAL_ZERO},
    {"interval 0 (v6)", GOOD_V6, 5, 0x00, 0, 0, true, VRRP_RX_INTERVAL_ZERO},
    {"reserved bits ignored", GOOD_V3, 4, 0xf0, 0, 0, true, VRRP_RX_OK},
    /* keepalived's form: whether the first must be link-local is validate's business. */
    {"fec0:: first (v6)", GOOD_V6, 9, 0xc0, 0, 0, true, VRRP_RX_OK},
    {"fd00::51 first (v6)", GOOD_V6, 8, 0xfd, 9, 0x00, true, VRRP_RX_OK},
    {"febf:: first is fe80::/10 (v6)", GOOD_V6, 9, 0xbf, 0, 0, true, VRRP_RX_OK},
    {"auth type 0 (v2)", GOOD_V2, 4, 0x00, 0, 0, true, VRRP_RX_OK}, /* validate's business */
};

static void reject_minimal_edits(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const struct edit *e = &edits[i];
		uint8_t msg[64];
		size_t len;
		struct vrrp_rx_meta m;
		struct vrrp_adv adv, before;

		print_message("edit: %s\n", e->what);
		good_msg(e->good, msg, &len, &m);
		msg[e->off] = e->val;
		if (e->off2)
			msg[e->off2] = e->val2;
		if (e->fix)
			fix_csum(msg, len, &m, msg[0] >> 4 == 3);
		memset(&adv, 0xab, sizeof(adv));
		before = adv;
		assert_int_equal(vrrp_pkt_decode(msg, len, &m, &adv, NULL), e->want);
		if (e->want != VRRP_RX_OK) /* *adv is only written on success */
			assert_memory_equal(&adv, &before, sizeof(adv));
	}
}

static void reject_ttl_family_and_version_for_family(void **state)
{
	uint8_t msg[64];
	size_t len;
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	const int ttls[] = {254, 0, 1, 64, 256, -2};

	(void)state;
	for (int g = 0; g < GOOD_N; g++) {
		good_msg(g, msg, &len, &m);
		for (size_t i = 0; i < sizeof(ttls) / sizeof(ttls[0]); i++) {
			m.ttl = ttls[i];
			assert_int_equal(vrrp_pkt_decode(msg, len, &m, &adv, NULL), VRRP_RX_TTL);
		}
		m.ttl = -1; /* unknown (unicast without the TTL check): skipped */
		assert_int_equal(vrrp_pkt_decode(msg, len, &m, &adv, NULL), VRRP_RX_OK);
		m.af = AF_UNSPEC; /* the caller gave no usable family */
		assert_int_equal(vrrp_pkt_decode(msg, len, &m, &adv, NULL), VRRP_RX_IP_HEADER);
	}
	/* A v2 advert over IPv6 does not exist. */
	good_msg(GOOD_V2, msg, &len, &m);
	m = meta6_from(cap_v3_ipv6);
	assert_int_equal(vrrp_pkt_decode(msg, len, &m, &adv, NULL), VRRP_RX_VERSION);
}

/* An advertised address no router can hold is refused, in either position; an IPv6 advert
 * carrying IPv4 addresses (mapped or compatible) among them. Good neighbours stay accepted. */
static void reject_bad_addresses(void **state)
{
	static const struct {
		int af;
		const char *addr;
		enum vrrp_reason want;
	} cases[] = {
	    {AF_INET6, "::ffff:198.18.0.100", VRRP_RX_BAD_ADDR},
	    {AF_INET6, "::198.18.0.100", VRRP_RX_BAD_ADDR},
	    {AF_INET6, "::1", VRRP_RX_BAD_ADDR},
	    {AF_INET6, "::", VRRP_RX_BAD_ADDR},
	    {AF_INET6, "ff02::12", VRRP_RX_BAD_ADDR},
	    {AF_INET6, "fd00::ffff:c612:64", VRRP_RX_OK},
	    {AF_INET6, "2001:db8::1", VRRP_RX_OK},
	    {AF_INET, "224.0.0.18", VRRP_RX_BAD_ADDR},
	    {AF_INET, "127.0.0.1", VRRP_RX_BAD_ADDR},
	    {AF_INET, "0.0.0.0", VRRP_RX_BAD_ADDR},
	    {AF_INET, "255.255.255.255", VRRP_RX_BAD_ADDR},
	    {AF_INET, "198.18.0.255", VRRP_RX_OK},
	};
	union vip_in s6 = in(AF_INET6, "fe80::1"), d6 = in(AF_INET6, "ff02::12");
	union vip_in s4 = in(AF_INET, "198.18.0.1"), d4 = in(AF_INET, "224.0.0.18");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool six = cases[i].af == AF_INET6;
		/* IPv6: the link-local stays first, the address under test second. */
		for (unsigned pos = six ? 1 : 0; pos < 2; pos++) {
			struct vrrp_adv a = make_adv(3, cases[i].af, 2), out;
			struct vrrp_rx_meta m = {.af = cases[i].af,
			                         .ttl = 255,
			                         .src = six ? s6 : s4,
			                         .dst = six ? d6 : d4};
			uint8_t buf[VRRP_MSG_MAX];
			ssize_t len;

			print_message("address %s at %u\n", cases[i].addr, pos);
			a.addrs[pos] = in(cases[i].af, cases[i].addr);
			len = vrrp_pkt_encode(buf, sizeof(buf), &a, six ? &s6 : &s4,
			                      six ? &d6 : &d4, VRRP_CSUM_RFC5798);
			assert_true(len > 0);
			assert_int_equal(vrrp_pkt_decode(buf, (size_t)len, &m, &out, NULL),
			                 cases[i].want);
		}
	}
}

static void reject_truncated_trailing_and_carp(void **state)
{
	/* A CARP advert (OpenBSD ip_carp.h): version 2 type 1 = 0x21, vhid 51, advskew 0,
	 * authlen 7, demote 0, advbase 1, checksum, 8-byte counter, 20-byte SHA1 HMAC: 36 bytes to
	 * 224.0.0.18, TTL 255, protocol 112, checksum over the message like VRRPv2. */
	uint8_t carp[36] = {0x21, 0x33, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00};
	uint8_t msg[64];
	size_t len;
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;

	(void)state;
	for (int g = 0; g < GOOD_N; g++) {
		good_msg(g, msg, &len, &m);
		/* Every prefix is refused, on the reason for its length. */
		for (size_t l = 0; l < len; l++) {
			uint8_t *cut = malloc(l ? l : 1); /* exact size: ASan sees overreads */

			assert_non_null(cut);
			memcpy(cut, msg, l);
			assert_int_equal(vrrp_pkt_decode(cut, l, &m, &adv, NULL),
			                 l < VRRP_HDR_LEN ? VRRP_RX_TRUNCATED : VRRP_RX_LENGTH);
			free(cut);
		}
		/* One trailing zero byte (for v2 the checksum even stays right). */
		msg[len] = 0;
		assert_int_equal(vrrp_pkt_decode(msg, len + 1, &m, &adv, NULL), VRRP_RX_LENGTH);
	}

	/* IPv6 with no address at all: the bytes after the 8-byte message (a link-local here)
	 * must not be read. */
	good_msg(GOOD_V6, msg, &len, &m);
	msg[3] = 0;
	fix_csum(msg, 8, &m, true);
	assert_int_equal(vrrp_pkt_decode(msg, 8, &m, &adv, NULL), VRRP_RX_NO_LINKLOCAL);

	for (size_t i = 8; i < sizeof(carp); i++)
		carp[i] = (uint8_t)(i * 11 + 3);
	m = meta4("198.18.0.1", "224.0.0.18");
	fix_csum(carp, sizeof(carp), &m, false);
	assert_true(message_only_verifies(carp, sizeof(carp)));
	assert_int_equal(vrrp_pkt_decode(carp, sizeof(carp), &m, &adv, NULL), VRRP_RX_LENGTH);
}

static void checksum_forms_on_receive(void **state)
{
	uint8_t msg[64];
	size_t len;
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	enum vrrp_csum_form form = VRRP_CSUM_RFC5798;

	(void)state;
	/* v3 IPv4 in the message-only form: accepted, and reported. */
	good_msg(GOOD_V3, msg, &len, &m);
	fix_csum(msg, len, &m, false);
	assert_int_equal(vrrp_pkt_decode(msg, len, &m, &adv, &form), VRRP_RX_OK);
	assert_int_equal(form, VRRP_CSUM_RFC9568);
	/* v2 is message-only: a v2 checksum with a pseudo-header is wrong. */
	good_msg(GOOD_V2, msg, &len, &m);
	fix_csum(msg, len, &m, true);
	assert_int_equal(vrrp_pkt_decode(msg, len, &m, &adv, NULL), VRRP_RX_CHECKSUM);
	/* v3 IPv6 needs the pseudo-header: the message-only form is refused. */
	good_msg(GOOD_V6, msg, &len, &m);
	fix_csum(msg, len, &m, false);
	assert_int_equal(vrrp_pkt_decode(msg, len, &m, &adv, NULL), VRRP_RX_CHECKSUM);
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
	union vip_in vip = in(AF_INET, "198.18.0.100"), other = in(AF_INET, "198.18.0.101");
	union vip_in two[2] = {vip, other};
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	struct vrrp_rx_policy pol = v2_policy(&vip, 1);

	(void)state;
	assert_int_equal(decode4(cap_v2_pass, sizeof(cap_v2_pass), &m, &adv, NULL), VRRP_RX_OK);
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OK);
	pol.accept_v2 = false;
	pol.accept_v3 = true;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_VERSION);

	/* Auth: type and all 8 bytes of the password (the NUL padding too). */
	pol = v2_policy(&vip, 1);
	pol.auth_type = VRRP_AUTH_NONE;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_AUTH);
	for (int i = 0; i < VRRP_AUTH_LEN; i++) {
		pol = v2_policy(&vip, 1);
		pol.auth_data[i] ^= 0x20;
		assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_AUTH);
	}
	/* Auth type none on both sides: the auth data is not compared. */
	pol = v2_policy(&vip, 1);
	pol.auth_type = VRRP_AUTH_NONE;
	adv.auth_type = VRRP_AUTH_NONE;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OK);
	adv.auth_type = VRRP_AUTH_PASS;

	pol = v2_policy(&vip, 1);
	pol.v2_interval = 2;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_INTERVAL_MISMATCH);

	/* Address list: a non-owner with another list is dropped, the owner is accepted. */
	pol = v2_policy(&other, 1);
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_ADDR_MISMATCH);
	pol = v2_policy(two, 2);
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_ADDR_MISMATCH);
	pol = v2_policy(NULL, 0);
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_ADDR_MISMATCH);
	pol = v2_policy(&other, 1);
	adv.priority = VRRP_PRIO_OWNER;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OK);
	adv.priority = 254;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_ADDR_MISMATCH);
}

static void validate_v3_peers_and_owner(void **state)
{
	union vip_in vips[2] = {in(AF_INET, "198.18.0.101"), in(AF_INET, "198.18.0.100")};
	union vip_in other = in(AF_INET, "198.18.0.200");
	union vip_in peers[2] = {in(AF_INET, "198.18.0.2"), in(AF_INET, "198.18.0.1")};
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	struct vrrp_rx_policy pol = {.accept_v3 = true, .vips = &other, .nvips = 1};

	(void)state;
	assert_int_equal(decode4(cap_v3_ipv4, sizeof(cap_v3_ipv4), &m, &adv, NULL), VRRP_RX_OK);
	/* v3: an address mismatch is not a drop (the caller logs it); v2 fields are ignored. */
	pol.auth_type = VRRP_AUTH_PASS;
	pol.v2_interval = 9;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OK);
	assert_false(vrrp_pkt_addrs_match(&adv, &other, 1));
	assert_true(vrrp_pkt_addrs_match(&adv, vips, 2));
	pol.accept_v3 = false;
	pol.accept_v2 = true;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_VERSION);
	pol.accept_v3 = true;
	adv.version = 4;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_VERSION);
	adv.version = 3;

	/* Unicast: the source must be a listed peer; a list naming nobody admits nobody. */
	pol.peers = peers;
	pol.npeers = 1;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_NOT_PEER);
	pol.npeers = 2;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OK);
	pol.npeers = 0;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_NOT_PEER);
	pol.peers = NULL; /* multicast */

	/* We are the owner: dropped (RFC 9568 / RFC 3768 section 7.1 as published). */
	pol.owner = true;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OWNER);
	/* The owner rule is checked last: any other failure is reported first. */
	pol.peers = peers;
	pol.npeers = 1;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_NOT_PEER);
}

/* RFC 9568 5.2.9 wants the link-local first; keepalived sends its list as written. An instance
 * in the RFC form drops the second, one in keepalived's form (config_keepalived_list) takes both.
 */
static void validate_v6_linklocal_first(void **state)
{
	struct vrrp_rx_meta m = meta6_from(cap_v3_ipv6);
	struct vrrp_adv adv = {.version = 3,
	                       .type = 1,
	                       .vrid = 51,
	                       .priority = 100,
	                       .naddr = 1,
	                       .interval = 100,
	                       .af = AF_INET6};
	struct vrrp_rx_policy pol = {.accept_v3 = true, .linklocal_first = true};

	(void)state;
	adv.addrs[0] = in(AF_INET6, "fd00::100");
	pol.vips = adv.addrs;
	pol.nvips = 1;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_NO_LINKLOCAL);
	pol.linklocal_first = false;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OK);
	adv.addrs[0] = in(AF_INET6, "fe80::51");
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OK);
	pol.linklocal_first = true;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OK);
	adv.naddr = 0;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_NO_LINKLOCAL);
}

static void addrs_match_is_a_multiset_compare(void **state)
{
	struct vrrp_adv adv = make_adv(3, AF_INET, 3);
	union vip_in v[3] = {adv.addrs[2], adv.addrs[0], adv.addrs[1]};

	(void)state;
	assert_true(vrrp_pkt_addrs_match(&adv, v, 3));
	assert_false(vrrp_pkt_addrs_match(&adv, v, 2));
	v[2] = adv.addrs[0];
	assert_false(vrrp_pkt_addrs_match(&adv, v, 3)); /* a duplicate instead of addrs[1] */
	adv.addrs[1] = adv.addrs[2];                    /* {0, 2, 2} against {2, 0, 0} */
	assert_false(vrrp_pkt_addrs_match(&adv, v, 3));
	adv.naddr = 0;
	assert_true(vrrp_pkt_addrs_match(&adv, NULL, 0));
}

static void decode_ipv4_header(void **state)
{
	static const struct {
		uint8_t off, val;
		enum vrrp_reason want;
	} muts[] = {
	    {0, 0x65, VRRP_RX_IP_HEADER}, /* version 6 */
	    {0, 0x44, VRRP_RX_IP_HEADER}, /* IHL 4 */
	    {0, 0x4f, VRRP_RX_IP_HEADER}, /* IHL 15: 60 bytes > 36 */
	    {3, 19, VRRP_RX_IP_HEADER},   /* total length below the header */
	    {9, 17, VRRP_RX_IP_HEADER},   /* UDP */
	    {6, 0x20, VRRP_RX_IP_HEADER}, /* more fragments */
	    {7, 0x01, VRRP_RX_IP_HEADER}, /* fragment offset 1 */
	    {6, 0x01, VRRP_RX_IP_HEADER}, /* fragment offset 256 */
	    {6, 0x40, VRRP_RX_OK},        /* don't fragment */
	    {6, 0x80, VRRP_RX_OK},        /* reserved flag: not a fragment */
	    {8, 64, VRRP_RX_OK},          /* the TTL is vrrp_pkt_decode's business */
	};
	const size_t n = sizeof(cap_v3_ipv4);
	uint8_t pkt[64];
	struct vrrp_rx_meta m;
	const uint8_t *msg;
	size_t mlen;
	struct vrrp_adv adv;

	(void)state;
	/* Shorter than a header, or than the total length says (a lost tail). */
	for (size_t l = 0; l < n; l++)
		assert_int_equal(vrrp_pkt_decode_ipv4(cap_v3_ipv4, l, &m, &msg, &mlen),
		                 VRRP_RX_IP_HEADER);
	for (size_t i = 0; i < sizeof(muts) / sizeof(muts[0]); i++) {
		memcpy(pkt, cap_v3_ipv4, n);
		pkt[muts[i].off] = muts[i].val;
		assert_int_equal(vrrp_pkt_decode_ipv4(pkt, n, &m, &msg, &mlen), muts[i].want);
	}
	assert_int_equal(m.ttl, 64);

	/* IHL 9: a 36-byte header and an empty payload, which vrrp_pkt_decode finds truncated. */
	memcpy(pkt, cap_v3_ipv4, n);
	pkt[0] = 0x49;
	assert_int_equal(vrrp_pkt_decode_ipv4(pkt, n, &m, &msg, &mlen), VRRP_RX_OK);
	assert_int_equal(mlen, 0);
	assert_int_equal(vrrp_pkt_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_TRUNCATED);

	/* Link-layer padding after the datagram is cut off (a 46-byte frame padded to 60). */
	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, cap_vmac, sizeof(cap_vmac));
	assert_int_equal(vrrp_pkt_decode_ipv4(pkt, 46, &m, &msg, &mlen), VRRP_RX_OK);
	assert_int_equal(mlen, 12);
	assert_int_equal(vrrp_pkt_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_OK);

	/* IP options (IHL 6, router alert): the message starts after them. */
	memcpy(pkt, cap_v3_ipv4, IP4_HLEN);
	pkt[0] = 0x46;
	pkt[3] = 40;
	memcpy(pkt + 20, "\x94\x04\x00\x00", 4);
	memcpy(pkt + 24, cap_v3_ipv4 + IP4_HLEN, 16);
	assert_int_equal(vrrp_pkt_decode_ipv4(pkt, 40, &m, &msg, &mlen), VRRP_RX_OK);
	assert_ptr_equal(msg, pkt + 24);
	assert_int_equal(mlen, 16);
	assert_int_equal(vrrp_pkt_decode(msg, mlen, &m, &adv, NULL), VRRP_RX_OK);
	assert_int_equal(adv.naddr, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reason_names_are_stable_and_distinct),
	    cmocka_unit_test(checksum_arithmetic),
	    cmocka_unit_test(keepalived_captures),
	    cmocka_unit_test(round_trips),
	    cmocka_unit_test(encode_rejects),
	    cmocka_unit_test(reject_minimal_edits),
	    cmocka_unit_test(reject_ttl_family_and_version_for_family),
	    cmocka_unit_test(reject_truncated_trailing_and_carp),
	    cmocka_unit_test(reject_bad_addresses),
	    cmocka_unit_test(checksum_forms_on_receive),
	    cmocka_unit_test(validate_v2),
	    cmocka_unit_test(validate_v3_peers_and_owner),
	    cmocka_unit_test(validate_v6_linklocal_first),
	    cmocka_unit_test(addrs_match_is_a_multiset_compare),
	    cmocka_unit_test(decode_ipv4_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
