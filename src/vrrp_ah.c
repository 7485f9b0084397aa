/* vrrp_ah: the IPsec AH wrapping of VRRPv2 adverts that keepalived uses for `auth_type AH`
 * (see vrrp_ah.h for the format). One shared sequence: a keepalived node takes the highest
 * number it heard and counts on from it when it becomes master, so the numbers of a VRID keep
 * growing across failovers; vipd does the same (the instance keeps the counter). Pure. */
#include "build_config.h"

#include <string.h>

#include "vipd/vrrp_ah.h"

/* Handed over by net_vrrp_md5_load (vrrp_ah.h); NULL until then. */
static struct vrrp_ah_md5 md5;

void vrrp_ah_set_md5(const struct vrrp_ah_md5 *m)
{
	md5 = *m;
}

/* Offsets in the IPv4 header and the AH header. */
#define OFF_TOS 1
#define OFF_LEN 2
#define OFF_ID 4
#define OFF_FRAG 6
#define OFF_TTL 8
#define OFF_PROTO 9
#define OFF_CSUM 10
#define AH_NEXT 0
#define AH_PLEN 1 /* (AH length in 32-bit words) - 2 */
#define AH_SPI 4
#define AH_SEQ 8
#define AH_ICV 12

/* Largest header the ICV covers: IPv4 with options (60) and AH. */
#define HDR_MAX (60 + VRRP_AH_LEN)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* HMAC-MD5 of hdr[0..hlen) (IP header and AH, unmasked) then msg[0..len), as RFC 2402 3.3.3.1:
 * the fields a router may change on the way are zeroed, the ICV field too. keepalived zeroes
 * the TTL only for unicast (a multicast advert keeps 255), and keeps the Identification. False
 * when nettle was not handed over (vrrp_ah_set_md5). */
static bool icv(const uint8_t *hdr, size_t hlen, size_t iphlen, const uint8_t *msg, size_t len,
                const uint8_t *key, bool unicast, uint8_t out[MD5_DIGEST_SIZE])
{
	struct hmac_md5_ctx ctx;
	uint8_t h[HDR_MAX];

	if (!md5.set_key || !md5.update || !md5.digest)
		return false;
	memcpy(h, hdr, hlen);
	h[OFF_TOS] = 0;
	put16(h + OFF_FRAG, 0);
	put16(h + OFF_CSUM, 0);
	if (unicast)
		h[OFF_TTL] = 0;
	memset(h + iphlen + AH_ICV, 0, VRRP_AH_ICV_LEN);
	md5.set_key(&ctx, VRRP_AH_KEY_LEN, key);
	md5.update(&ctx, hlen, h);
	md5.update(&ctx, len, msg);
	md5.digest(&ctx, MD5_DIGEST_SIZE, out);
	return true;
}

ssize_t vrrp_ah_encode(uint8_t *buf, size_t cap, const struct vrrp_ah_tx *tx, const uint8_t *msg,
                       size_t len)
{
	size_t tot = VRRP_AH_IP_LEN + VRRP_AH_LEN + len;
	uint8_t digest[MD5_DIGEST_SIZE];
	uint16_t csum;

	if (len == 0 || tot > VRRP_AH_DGRAM_MAX || tot > cap)
		return -1;
	memset(buf, 0, VRRP_AH_IP_LEN + VRRP_AH_LEN);
	buf[0] = 0x45;
	buf[OFF_TOS] = 0xc0; /* DSCP CS6, as keepalived (and net_vrrp's other sockets) */
	put16(buf + OFF_LEN, (uint16_t)tot);
	put16(buf + OFF_ID, tx->ip_id);
	buf[OFF_TTL] = tx->ttl;
	buf[OFF_PROTO] = VRRP_AH_PROTO;
	memcpy(buf + 12, &tx->src, 4);
	memcpy(buf + 16, &tx->dst, 4);

	uint8_t *ah = buf + VRRP_AH_IP_LEN;
	ah[AH_NEXT] = VRRP_IPPROTO;
	ah[AH_PLEN] = VRRP_AH_LEN / 4 - 2;
	memcpy(ah + AH_SPI, &tx->src, 4); /* SPI: the sender's address, keepalived's choice */
	put32(ah + AH_SEQ, tx->seq);
	memcpy(buf + VRRP_AH_IP_LEN + VRRP_AH_LEN, msg, len);

	if (!icv(buf, VRRP_AH_IP_LEN + VRRP_AH_LEN, VRRP_AH_IP_LEN,
	         buf + VRRP_AH_IP_LEN + VRRP_AH_LEN, len, tx->key, tx->unicast, digest))
		return -1;
	memcpy(ah + AH_ICV, digest, VRRP_AH_ICV_LEN);
	/* The kernel fills the header checksum of an IP_HDRINCL datagram anyway; computed here
	 * too so that the bytes are those on the wire. */
	csum = vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, buf, VRRP_AH_IP_LEN));
	memcpy(buf + OFF_CSUM, &csum, sizeof(csum));
	return (ssize_t)tot;
}

enum vrrp_reason vrrp_ah_decode(const uint8_t *pkt, size_t hlen, size_t tot,
                                struct vrrp_rx_meta *meta, const uint8_t **msg, size_t *msg_len)
{
	const uint8_t *ah = pkt + hlen;

	if (tot < hlen + VRRP_AH_LEN || ah[AH_NEXT] != VRRP_IPPROTO ||
	    ah[AH_PLEN] != VRRP_AH_LEN / 4 - 2)
		return VRRP_RX_IP_HEADER;
	meta->ah_pkt = pkt;
	meta->ah_pkt_len = tot;
	meta->ah_hlen = hlen;
	meta->ah_seq = get32(ah + AH_SEQ);
	*msg = ah + VRRP_AH_LEN;
	*msg_len = tot - hlen - VRRP_AH_LEN;
	return VRRP_RX_OK;
}

enum vrrp_reason vrrp_ah_check(const struct vrrp_rx_meta *meta, const uint8_t *key, bool unicast,
                               uint32_t last_seq)
{
	uint8_t digest[MD5_DIGEST_SIZE], diff = 0;
	size_t hlen = meta->ah_hlen + VRRP_AH_LEN;
	const uint8_t *ah = meta->ah_pkt + meta->ah_hlen;

	if (hlen > HDR_MAX || meta->ah_pkt_len < hlen)
		return VRRP_RX_AH_ICV;
	if (!icv(meta->ah_pkt, hlen, meta->ah_hlen, meta->ah_pkt + hlen, meta->ah_pkt_len - hlen,
	         key, unicast, digest))
		return VRRP_RX_AH_ICV;
	/* Constant time: the time taken tells nothing of how many bytes matched. */
	for (size_t i = 0; i < VRRP_AH_ICV_LEN; i++)
		diff |= (uint8_t)(digest[i] ^ ah[AH_ICV + i]);
	if (diff || memcmp(ah + AH_SPI, meta->ah_pkt + 12, 4) != 0)
		return VRRP_RX_AH_ICV;
	if (meta->ah_seq <= last_seq)
		return VRRP_RX_AH_REPLAY;
	return VRRP_RX_OK;
}

const uint8_t *vrrp_ah_payload(const uint8_t *dgram, size_t len, size_t *msg_len)
{
	/* vrrp_ah_encode writes a fixed-size IPv4 header: no options to skip. */
	if (len < VRRP_AH_IP_LEN + VRRP_AH_LEN)
		return NULL;
	*msg_len = len - VRRP_AH_IP_LEN - VRRP_AH_LEN;
	return dgram + VRRP_AH_IP_LEN + VRRP_AH_LEN;
}

uint32_t vrrp_ah_next_seq(uint32_t seq)
{
	return seq < VRRP_AH_SEQ_MAX ? seq + 1 : seq;
}
