/* Unit tests for vrrp_ah: real keepalived 2.2.7 AH adverts decoded and verified, vipd's encoder
 * writing the same bytes for the same inputs, and the drops: a wrong password, a changed byte,
 * an old sequence number, AH where none is expected and the reverse. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/net_vrrp_md5.h"
#include "vipd/vrrp_ah.h"
#include "vipd/vrrp_pkt.h"

#include "keepalived_ah_vectors.h"

struct vec {
	const uint8_t *pkt;
	size_t len;
	const char *key; /* NUL-padded to 8 by the reader */
	bool unicast;
	const char *dst;
	uint16_t ip_id;
	uint32_t seq;
	uint8_t prio;
};

static const struct vec vecs[] = {
    {cap_ah_mcast_seq1, sizeof(cap_ah_mcast_seq1), "s3cret", false, "224.0.0.18", 1, 1, 150},
    {cap_ah_mcast_seq2, sizeof(cap_ah_mcast_seq2), "s3cret", false, "224.0.0.18", 2, 2, 150},
    {cap_ah_mcast_prio0, sizeof(cap_ah_mcast_prio0), "s3cret", false, "224.0.0.18", 4, 4, 0},
    {cap_ah_ucast_1, sizeof(cap_ah_ucast_1), "abcdefgh", true, "198.18.0.2", 1, 1, 150},
    {cap_ah_ucast_2, sizeof(cap_ah_ucast_2), "abcdefgh", true, "198.18.0.2", 2, 2, 0},
};

static void key_of(const char *text, uint8_t key[VRRP_AH_KEY_LEN])
{
	memset(key, 0, VRRP_AH_KEY_LEN);
	memcpy(key, text, strnlen(text, VRRP_AH_KEY_LEN));
}

/* Decode a datagram down to the advert; the reason of the first failure. */
static enum vrrp_reason decode(const uint8_t *pkt, size_t len, struct vrrp_rx_meta *m,
                               struct vrrp_adv *adv)
{
	const uint8_t *msg;
	size_t mlen;
	enum vrrp_reason r = vrrp_pkt_decode_ipv4(pkt, len, m, &msg, &mlen);

	return r != VRRP_RX_OK ? r : vrrp_pkt_decode(msg, mlen, m, adv, NULL);
}

/* Before nettle is handed over (net_vrrp_md5_load, with the first AH socket) nothing is
 * computed: the encoder fails and every ICV is wrong; after, keepalived's captures verify.
 * First in the list: the other tests run with nettle loaded. */
static void md5_loaded_on_demand(void **state)
{
	const struct vec *v = &vecs[0];
	struct vrrp_ah_tx tx = {.ttl = VRRP_TTL};
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	uint8_t key[VRRP_AH_KEY_LEN], out[VRRP_AH_DGRAM_MAX], msg[24] = {0x21};
	char err[160];

	(void)state;
	key_of(v->key, key);
	assert_int_equal(decode(v->pkt, v->len, &m, &adv), VRRP_RX_OK);
	assert_int_equal(vrrp_ah_check(&m, key, v->unicast, 0), VRRP_RX_AH_ICV);
	assert_int_equal(vrrp_ah_encode(out, sizeof(out), &tx, msg, sizeof(msg)), -1);
	assert_int_equal(net_vrrp_md5_load(err, sizeof(err)), 0);
	assert_int_equal(vrrp_ah_check(&m, key, v->unicast, 0), VRRP_RX_OK);
	assert_true(vrrp_ah_encode(out, sizeof(out), &tx, msg, sizeof(msg)) > 0);
}

static void keepalived_captures_verify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		struct vrrp_rx_meta m;
		struct vrrp_adv adv;
		uint8_t key[VRRP_AH_KEY_LEN], bad[VRRP_AH_KEY_LEN];

		key_of(v->key, key);
		key_of("s3cre7", bad);
		assert_int_equal(decode(v->pkt, v->len, &m, &adv), VRRP_RX_OK);
		assert_ptr_equal(m.ah_pkt, v->pkt);
		assert_int_equal(m.ah_pkt_len, v->len);
		assert_int_equal(m.ah_hlen, 20);
		assert_int_equal(m.ah_seq, v->seq);
		assert_int_equal(adv.version, 2);
		assert_int_equal(adv.vrid, 51);
		assert_int_equal(adv.priority, v->prio);
		assert_int_equal(adv.auth_type, VRRP_AUTH_AH);
		assert_int_equal(adv.naddr, 2);
		assert_int_equal(vrrp_ah_check(&m, key, v->unicast, 0), VRRP_RX_OK);
		assert_int_equal(vrrp_ah_check(&m, key, v->unicast, v->seq - 1), VRRP_RX_OK);
		/* Replayed or old: the counter already reached it. */
		assert_int_equal(vrrp_ah_check(&m, key, v->unicast, v->seq), VRRP_RX_AH_REPLAY);
		assert_int_equal(vrrp_ah_check(&m, key, v->unicast, 0xffffffffu),
		                 VRRP_RX_AH_REPLAY);
		assert_int_equal(vrrp_ah_check(&m, bad, v->unicast, 0), VRRP_RX_AH_ICV);
		/* The TTL is in the multicast ICV and out of the unicast one: a receiver of the
		 * other kind cannot verify it (keepalived behaves the same). */
		assert_int_equal(vrrp_ah_check(&m, key, !v->unicast, 0), VRRP_RX_AH_ICV);
	}
}

static void encoder_writes_keepalived_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		struct vrrp_adv adv;
		struct vrrp_ah_tx tx = {
		    .ip_id = v->ip_id, .seq = v->seq, .unicast = v->unicast, .ttl = VRRP_TTL};
		union vip_in src, dst;
		uint8_t msg[VRRP_MSG_MAX], out[VRRP_AH_DGRAM_MAX];
		ssize_t mlen, n;

		memset(&adv, 0, sizeof(adv));
		adv.version = 2;
		adv.type = VRRP_TYPE_ADVERT;
		adv.vrid = 51;
		adv.priority = v->prio;
		adv.interval = 1;
		adv.af = AF_INET;
		adv.naddr = 2;
		adv.auth_type = VRRP_AUTH_AH; /* its 8 bytes of auth data stay 0 */
		assert_int_equal(inet_pton(AF_INET, "198.18.0.100", &adv.addrs[0].v4), 1);
		assert_int_equal(inet_pton(AF_INET, "198.18.0.101", &adv.addrs[1].v4), 1);
		assert_int_equal(inet_pton(AF_INET, "198.18.0.1", &src.v4), 1);
		assert_int_equal(inet_pton(AF_INET, v->dst, &dst.v4), 1);
		tx.src = src.v4;
		tx.dst = dst.v4;
		key_of(v->key, tx.key);
		mlen = vrrp_pkt_encode(msg, sizeof(msg), &adv, &src, &dst, VRRP_CSUM_RFC9568);
		assert_int_equal(mlen, 24);
		n = vrrp_ah_encode(out, sizeof(out), &tx, msg, (size_t)mlen);
		assert_int_equal(n, (ssize_t)v->len);
		assert_memory_equal(out, v->pkt, v->len);
		/* Too small a buffer, or nothing to carry. */
		assert_int_equal(vrrp_ah_encode(out, v->len - 1, &tx, msg, (size_t)mlen), -1);
		assert_int_equal(vrrp_ah_encode(out, sizeof(out), &tx, msg, 0), -1);
	}
}

/* Every byte the ICV covers, changed, fails it; the mutable IP fields (TOS, fragment field,
 * header checksum) do not. */
static void icv_covers_the_right_bytes(void **state)
{
	uint8_t key[VRRP_AH_KEY_LEN];

	(void)state;
	key_of("s3cret", key);
	for (size_t at = 0; at < sizeof(cap_ah_mcast_seq1); at++) {
		uint8_t p[sizeof(cap_ah_mcast_seq1)];
		struct vrrp_rx_meta m;
		const uint8_t *msg;
		size_t mlen;
		bool mutable_field = at == 1 || at == 6 || at == 7 || at == 10 || at == 11;

		memcpy(p, cap_ah_mcast_seq1, sizeof(p));
		p[at] ^= 0x01;
		if (vrrp_pkt_decode_ipv4(p, sizeof(p), &m, &msg, &mlen) != VRRP_RX_OK)
			continue; /* version, length, fragment, protocol, next header */
		if (mutable_field && at != 6 && at != 7)
			assert_int_equal(vrrp_ah_check(&m, key, false, 0), VRRP_RX_OK);
		else if (!mutable_field)
			assert_int_not_equal(vrrp_ah_check(&m, key, false, 0), VRRP_RX_OK);
	}
}

static void validate_ah_policy(void **state)
{
	struct vrrp_rx_policy pol = {
	    .accept_v2 = true, .v2_interval = 1, .auth_type = VRRP_AUTH_AH};
	struct vrrp_rx_meta m;
	struct vrrp_adv adv;
	union vip_in vips[2];

	(void)state;
	assert_int_equal(inet_pton(AF_INET, "198.18.0.100", &vips[0].v4), 1);
	assert_int_equal(inet_pton(AF_INET, "198.18.0.101", &vips[1].v4), 1);
	pol.vips = vips;
	pol.nvips = 2;
	key_of("s3cret", pol.auth_data);
	assert_int_equal(decode(cap_ah_mcast_seq2, sizeof(cap_ah_mcast_seq2), &m, &adv),
	                 VRRP_RX_OK);
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_OK);
	pol.ah_seq = 2;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_AH_REPLAY);
	pol.ah_seq = 1;
	pol.auth_data[0] = 'S';
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_AH_ICV);
	/* AH heard by an instance without it, and a plain advert by one with it. */
	pol.auth_type = VRRP_AUTH_NONE;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_AUTH);
	pol.auth_type = VRRP_AUTH_AH;
	m.ah_pkt = NULL;
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_AUTH);
	/* An AH header carrying a message whose Auth Type is not 2. */
	assert_int_equal(decode(cap_ah_mcast_seq2, sizeof(cap_ah_mcast_seq2), &m, &adv),
	                 VRRP_RX_OK);
	adv.auth_type = VRRP_AUTH_NONE;
	key_of("s3cret", pol.auth_data);
	assert_int_equal(vrrp_pkt_validate(&adv, &m, &pol), VRRP_RX_AUTH);
}

static void decode_rejects_foreign_ah(void **state)
{
	uint8_t p[sizeof(cap_ah_mcast_seq1)];
	struct vrrp_rx_meta m;
	const uint8_t *msg;
	size_t mlen;

	(void)state;
	memcpy(p, cap_ah_mcast_seq1, sizeof(p));
	p[20] = 6; /* AH over TCP: not ours */
	assert_int_equal(vrrp_pkt_decode_ipv4(p, sizeof(p), &m, &msg, &mlen), VRRP_RX_IP_HEADER);
	memcpy(p, cap_ah_mcast_seq1, sizeof(p));
	p[21] = 5; /* a longer ICV than HMAC-MD5-96 */
	assert_int_equal(vrrp_pkt_decode_ipv4(p, sizeof(p), &m, &msg, &mlen), VRRP_RX_IP_HEADER);
	/* Cut inside the AH header. */
	memcpy(p, cap_ah_mcast_seq1, sizeof(p));
	p[2] = 0;
	p[3] = 40;
	assert_int_equal(vrrp_pkt_decode_ipv4(p, 40, &m, &msg, &mlen), VRRP_RX_IP_HEADER);
}

/* The VRRP message of a datagram vipd wrote: the keepalived captures' 24-byte advert at 44,
 * the one byte priority 0 is read from (instance_sent's prio0 counter); nothing when cut. */
static void payload_skips_both_headers(void **state)
{
	const uint8_t *dgram = cap_ah_mcast_prio0, *msg;
	size_t len = sizeof(cap_ah_mcast_prio0), mlen = 99;

	(void)state;
	msg = vrrp_ah_payload(dgram, len, &mlen);
	assert_ptr_equal(msg, dgram + VRRP_AH_IP_LEN + VRRP_AH_LEN);
	assert_int_equal(mlen, len - 44);
	assert_int_equal(mlen, 24);
	assert_int_equal(msg[0], 0x21); /* version 2, advertisement */
	assert_int_equal(msg[2], VRRP_PRIO_STOP);
	/* Both headers and nothing after them: an empty message, not an error. */
	msg = vrrp_ah_payload(dgram, 44, &mlen);
	assert_ptr_equal(msg, dgram + 44);
	assert_int_equal(mlen, 0);
	/* Shorter than the headers (a send that failed to build, a cut capture). */
	mlen = 99;
	assert_null(vrrp_ah_payload(dgram, 43, &mlen));
	assert_null(vrrp_ah_payload(dgram, 0, &mlen));
	assert_int_equal(mlen, 99);
}

static void sequence_saturates(void **state)
{
	(void)state;
	assert_int_equal(vrrp_ah_next_seq(0), 1);
	assert_int_equal(vrrp_ah_next_seq(0xfffffffdu), 0xfffffffeu);
	assert_int_equal(vrrp_ah_next_seq(VRRP_AH_SEQ_MAX), VRRP_AH_SEQ_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(md5_loaded_on_demand),
	    cmocka_unit_test(keepalived_captures_verify),
	    cmocka_unit_test(encoder_writes_keepalived_bytes),
	    cmocka_unit_test(icv_covers_the_right_bytes),
	    cmocka_unit_test(validate_ah_policy),
	    cmocka_unit_test(decode_rejects_foreign_ah),
	    cmocka_unit_test(payload_skips_both_headers),
	    cmocka_unit_test(sequence_saturates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
