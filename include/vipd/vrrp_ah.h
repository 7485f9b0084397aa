/* vrrp_ah: VRRPv2 adverts inside an IPsec Authentication Header (RFC 2402), byte for byte as
 * keepalived sends them with `auth_type AH`: IP protocol 51, SPI = the source address, a
 * sequence number, and an HMAC-MD5-96 Integrity Check Value keyed with the password
 * NUL-padded to 8 bytes, over the IP header (TOS, fragment field and checksum zeroed; the TTL
 * too when the instance is unicast), the AH header (ICV zeroed) and the VRRP message. Pure:
 * no system call, no logging; the HMAC is nettle's, whose functions it is handed
 * (vrrp_ah_set_md5) by net_vrrp_md5_load: nettle is dlopened with the first AH socket, so a vipd
 * without auth_type = "ah" does not map its 0.25 MB (issue 13). Fuzzed with vrrp_pkt. */
#ifndef VIPD_VRRP_AH_H
#define VIPD_VRRP_AH_H

#include <nettle/hmac.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vipd/vrrp_pkt.h"

#define VRRP_AH_PROTO 51   /* IPPROTO_AH */
#define VRRP_AH_LEN 24     /* next header, length, reserved, SPI, sequence, 12-byte ICV */
#define VRRP_AH_ICV_LEN 12 /* HMAC-MD5 truncated to 96 bits (RFC 2403) */
#define VRRP_AH_KEY_LEN 8  /* keepalived's key: auth_pass NUL-padded (or cut) to 8 bytes */
#define VRRP_AH_IP_LEN 20  /* the IPv4 header vrrp_ah_encode writes: no options */
/* keepalived stops counting here (it then repeats the number); so does vrrp_ah_next_seq. */
#define VRRP_AH_SEQ_MAX 0xfffffffeu
/* The largest datagram vrrp_ah_encode writes: IPv4 header, AH, a v2 message of 255 addresses. */
#define VRRP_AH_DGRAM_MAX                                                                          \
	(VRRP_AH_IP_LEN + VRRP_AH_LEN + VRRP_HDR_LEN + VRRP_MAX_ADDRS * 4 + VRRP_AUTH_LEN)

/* nettle's HMAC-MD5 functions, as vrrp_ah calls them. */
struct vrrp_ah_md5 {
	__typeof__(nettle_hmac_md5_set_key) *set_key;
	__typeof__(nettle_hmac_md5_update) *update;
	__typeof__(nettle_hmac_md5_digest) *digest;
};

/* Compute the ICVs with m's functions (copied) from now on. Until then vrrp_ah_encode fails
 * and vrrp_ah_check says VRRP_RX_AH_ICV. */
void vrrp_ah_set_md5(const struct vrrp_ah_md5 *m);

/* What one AH datagram carries besides its VRRP message. */
struct vrrp_ah_tx {
	struct in_addr src, dst; /* IP source (also the SPI) and destination */
	uint16_t ip_id;          /* IP Identification: covered by the ICV, so chosen here */
	uint32_t seq;            /* AH sequence number */
	uint8_t ttl;             /* IP TTL: 255, or a unicast instance's unicast_ttl */
	bool unicast;            /* the sender has unicast peers: the TTL is left out of the ICV */
	uint8_t key[VRRP_AH_KEY_LEN];
};

/* Write the IPv4 datagram (20-byte header with TOS 0xc0, tx->ttl, protocol 51 and its checksum;
 * the AH header with its ICV; the VRRP message msg[0..len)) into buf. Its length, or -1 when
 * cap is too small or len is 0 or too long. msg must not overlap buf. */
ssize_t vrrp_ah_encode(uint8_t *buf, size_t cap, const struct vrrp_ah_tx *tx, const uint8_t *msg,
                       size_t len);

/* Read the AH header at pkt + hlen of a protocol-51 IPv4 datagram of tot bytes: it must be
 * keepalived's (next header 112, 24 bytes); records it in meta (ah_pkt...) and points *msg /
 * *msg_len at the VRRP message after it. VRRP_RX_IP_HEADER when it is not. */
enum vrrp_reason vrrp_ah_decode(const uint8_t *pkt, size_t hlen, size_t tot,
                                struct vrrp_rx_meta *meta, const uint8_t **msg, size_t *msg_len);

/* Check an AH advert recorded in meta by vrrp_ah_decode: the ICV with key (unicast: the
 * receiver has unicast peers), then SPI = source (VRRP_RX_AH_ICV for either), then the
 * sequence number above last_seq, the highest one taken so far (VRRP_RX_AH_REPLAY). */
enum vrrp_reason vrrp_ah_check(const struct vrrp_rx_meta *meta, const uint8_t *key, bool unicast,
                               uint32_t last_seq);

/* The VRRP message of a datagram vrrp_ah_encode wrote (dgram[0..len)): a pointer past its IPv4
 * and AH headers, its length in *msg_len; NULL when len is shorter than those headers. */
const uint8_t *vrrp_ah_payload(const uint8_t *dgram, size_t len, size_t *msg_len);

/* The sequence number to send after seq (saturates at VRRP_AH_SEQ_MAX, as keepalived). */
uint32_t vrrp_ah_next_seq(uint32_t seq);

#endif
