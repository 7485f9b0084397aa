/* libFuzzer harness for vrrp_pkt and vrrp_ah. The input is a raw IP packet: IPv4 goes through
 * vrrp_pkt_decode_ipv4, IPv6 (first nibble 6) has its fixed 40-byte header read here for the meta.
 * Anything vrrp_pkt_decode accepts must be re-encoded to the same bytes (bar the reserved bits and
 * the two forms of a zero checksum) and decode again to the same advert. An IPv4 AH datagram
 * (protocol 51) has its ICV checked with the seeds' keys; one that verifies is re-encoded by
 * vrrp_ah_encode to the same bytes (bar the fragment field and the IP header checksum, which
 * the ICV leaves out). */
#include "build_config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "vipd/net_vrrp_md5.h"
#include "vipd/vrrp_ah.h"
#include "vipd/vrrp_pkt.h"

static bool adv_equal(const struct vrrp_adv *a, const struct vrrp_adv *b)
{
	if (a->version != b->version || a->type != b->type || a->vrid != b->vrid ||
	    a->priority != b->priority || a->naddr != b->naddr || a->interval != b->interval ||
	    a->af != b->af)
		return false;
	for (size_t i = 0; i < a->naddr; i++)
		if (addr_cmp_in(a->af, &a->addrs[i], &b->addrs[i]) != 0)
			return false;
	if (a->version == 2 && (a->auth_type != b->auth_type ||
	                        memcmp(a->auth_data, b->auth_data, VRRP_AUTH_LEN) != 0))
		return false;
	return true;
}

/* Same message, up to what the encoder normalises. */
static bool msg_equal(const uint8_t *a, const uint8_t *b, size_t len, uint8_t version)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t x = a[i], y = b[i];

		if (version == 3 && i == 4) { /* reserved bits: sent 0, ignored on receive */
			x &= 0x0f;
			y &= 0x0f;
		}
		if (i == 6 || i == 7)
			continue;
		if (x != y)
			return false;
	}
	/* Other reserved bits change the checksum too; else 0x0000 and 0xffff both verify when
	 * the rest sums to 0xffff. */
	if (version == 3 && ((a[4] ^ b[4]) & 0xf0))
		return true;
	uint16_t ca = (uint16_t)(a[6] << 8 | a[7]), cb = (uint16_t)(b[6] << 8 | b[7]);
	return ca == cb || ((ca == 0 || ca == 0xffff) && (cb == 0 || cb == 0xffff));
}

/* Exercise vrrp_pkt_validate with policies derived from the advert and the input. */
static void validate_some(const struct vrrp_adv *adv, const struct vrrp_rx_meta *meta, uint8_t salt)
{
	struct vrrp_rx_policy pol = {
	    .accept_v2 = salt & 1,
	    .accept_v3 = salt & 2,
	    .owner = salt & 4,
	    .v2_interval = (uint8_t)adv->interval,
	    .auth_type = adv->auth_type,
	    .vips = adv->addrs,
	    .nvips = adv->naddr,
	};
	enum vrrp_reason r;

	memcpy(pol.auth_data, adv->auth_data, VRRP_AUTH_LEN);
	if (salt & 8) {
		pol.peers = &meta->src;
		pol.npeers = 1;
	}
	if (meta->ah_pkt) {
		/* The ICV decides: any reason, and never a read outside the datagram. */
		pol.auth_type = VRRP_AUTH_AH;
		memcpy(pol.auth_data, "s3cret\0\0", VRRP_AUTH_LEN);
		CHECK(vrrp_pkt_validate(adv, meta, &pol) < VRRP_RX__COUNT);
		return;
	}
	r = vrrp_pkt_validate(adv, meta, &pol);
	/* With a policy that mirrors the advert only version and owner can object; and Auth Type
	 * 2 (AH) outside an AH header, which no policy takes. */
	if (adv->version == 2 && pol.accept_v2 && adv->auth_type == VRRP_AUTH_AH)
		CHECK(r == VRRP_RX_AUTH);
	else if ((adv->version == 2 && pol.accept_v2) || (adv->version == 3 && pol.accept_v3))
		CHECK(r == (pol.owner ? VRRP_RX_OWNER : VRRP_RX_OK));
	else
		CHECK(r == VRRP_RX_VERSION);
	CHECK(vrrp_pkt_addrs_match(adv, adv->addrs, adv->naddr));
	CHECK(vrrp_pkt_reason_name(r) != NULL);

	pol.v2_interval ^= salt & 0x40;
	pol.nvips = salt & 0x10 ? salt % (adv->naddr + 1u) : pol.nvips;
	pol.auth_data[salt & 7] ^= salt & 0x20;
	pol.auth_type ^= salt & 0x08;
	pol.npeers = salt >> 7;
	CHECK(vrrp_pkt_validate(adv, meta, &pol) < VRRP_RX__COUNT);
}

/* An AH datagram: check it with each seed key, both ways of treating the TTL; one that
 * verifies in keepalived's own header form is re-encoded to the same bytes. */
static void ah_some(const struct vrrp_rx_meta *meta, const uint8_t *msg, size_t len)
{
	static const char *const keys[] = {"s3cret", "abcdefgh"};
	static uint8_t out[VRRP_AH_DGRAM_MAX];
	const uint8_t *p = meta->ah_pkt;

	CHECK(meta->ah_hlen >= 20 && meta->ah_pkt_len == meta->ah_hlen + VRRP_AH_LEN + len);
	for (size_t k = 0; k < 4; k++) {
		struct vrrp_ah_tx tx = {.unicast = k & 1, .seq = meta->ah_seq, .ttl = VRRP_TTL};
		enum vrrp_reason r;
		ssize_t n;

		memset(tx.key, 0, sizeof(tx.key));
		memcpy(tx.key, keys[k / 2], strlen(keys[k / 2]));
		r = vrrp_ah_check(meta, tx.key, tx.unicast, 0);
		CHECK(r == VRRP_RX_OK || r == VRRP_RX_AH_ICV || r == VRRP_RX_AH_REPLAY);
		if (r != VRRP_RX_OK || meta->ah_hlen != 20 || p[1] != 0xc0 || len == 0)
			continue;
		tx.src = meta->src.v4;
		tx.dst = meta->dst.v4;
		tx.ip_id = (uint16_t)(p[4] << 8 | p[5]);
		tx.ttl = p[8];
		n = vrrp_ah_encode(out, sizeof(out), &tx, msg, len);
		CHECK(n >= 0 && (size_t)n == meta->ah_pkt_len);
		/* The fragment field and the header checksum are outside the ICV: the encoder
		 * writes 0 and the right checksum, the input may carry anything there. */
		CHECK(memcmp(out, p, 6) == 0 && memcmp(out + 8, p + 8, 2) == 0 &&
		      memcmp(out + 12, p + 12, (size_t)n - 12) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_rx_meta meta;
	const uint8_t *msg;
	size_t len;
	static struct vrrp_adv adv, again;
	static uint8_t out[VRRP_MSG_MAX];
	enum vrrp_csum_form form = VRRP_CSUM_RFC9568, form2;
	char err[160];
	ssize_t n;

	/* The ICVs need nettle, which the daemon loads with its first AH socket (once). */
	CHECK(net_vrrp_md5_load(err, sizeof(err)) == 0);
	if (size == 0)
		return 0;
	if (data[0] >> 4 == 6) {
		if (size < 40)
			return 0;
		memset(&meta, 0, sizeof(meta));
		meta.af = AF_INET6;
		meta.ttl = data[1] & 0x80 ? -1 : data[7]; /* sometimes "unknown" */
		memcpy(meta.src.bytes, data + 8, 16);
		memcpy(meta.dst.bytes, data + 24, 16);
		msg = data + 40;
		len = size - 40;
	} else if (vrrp_pkt_decode_ipv4(data, size, &meta, &msg, &len) != VRRP_RX_OK) {
		return 0;
	} else {
		CHECK(msg >= data && msg + len <= data + size);
		if (data[1] & 0x01) /* ECN bit of the TOS byte: pretend the TTL is unknown */
			meta.ttl = -1;
		if (meta.ah_pkt)
			ah_some(&meta, msg, len);
	}

	/* An exact-size copy so ASan sees any read past the message. */
	uint8_t *copy = malloc(len ? len : 1);
	CHECK(copy);
	memcpy(copy, msg, len);
	enum vrrp_reason r = vrrp_pkt_decode(copy, len, &meta, &adv, &form);
	CHECK(r < VRRP_RX__COUNT);
	if (r != VRRP_RX_OK) {
		free(copy);
		return 0;
	}

	CHECK(adv.version == 2 || adv.version == 3);
	CHECK(adv.type == VRRP_TYPE_ADVERT && adv.interval != 0 && adv.af == meta.af);
	validate_some(&adv, &meta, data[size - 1]);

	n = vrrp_pkt_encode(out, sizeof(out), &adv, &meta.src, &meta.dst, form);
	if (adv.vrid == 0) {
		/* Decodes (the caller's VRID lookup drops it) but is never sent. */
		CHECK(n == -1);
		free(copy);
		return 0;
	}
	CHECK(n >= 0 && (size_t)n == len);
	CHECK(msg_equal(out, copy, len, adv.version));
	/* Too small a buffer is refused, never overrun. */
	CHECK(vrrp_pkt_encode(out, len - 1, &adv, &meta.src, &meta.dst, form) == -1);

	CHECK(vrrp_pkt_decode(out, (size_t)n, &meta, &again, &form2) == VRRP_RX_OK);
	CHECK(form2 == form);
	CHECK(adv_equal(&adv, &again));
	free(copy);
	return 0;
}
