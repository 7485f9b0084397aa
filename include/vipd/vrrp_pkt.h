/* vrrp_pkt: encode, decode and validate VRRP v2 (RFC 3768) and v3 (RFC 9568)
 * advertisements for IPv4 and IPv6. Pure: no system calls, no logging; every
 * rejection returns a reason code that the caller counts. Fuzzed. */
#ifndef VIPD_VRRP_PKT_H
#define VIPD_VRRP_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vipd/addr.h"

#define VRRP_IPPROTO 112
#define VRRP_TTL 255
#define VRRP_TYPE_ADVERT 1
#define VRRP_HDR_LEN 8
#define VRRP_AUTH_LEN 8
#define VRRP_MAX_ADDRS 255
#define VRRP_PRIO_OWNER 255
#define VRRP_PRIO_STOP 0
#define VRRP_AUTH_NONE 0
#define VRRP_AUTH_PASS 1
#define VRRP_AUTH_AH 2 /* the message rides in an IPsec AH header (vrrp_ah.h) */
/* Largest VRRP message: header, 255 IPv6 addresses, v2 auth data. */
#define VRRP_MSG_MAX (VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16 + VRRP_AUTH_LEN)

/* How a v3 IPv4 checksum is computed (v2 is always message-only, v3 IPv6 always has the
 * pseudo-header). */
enum vrrp_csum_form {
	VRRP_CSUM_RFC5798 =
	    0, /* with the IPv4 pseudo-header: RFC 5798 wording, keepalived default */
	VRRP_CSUM_RFC9568 = 1, /* VRRP message only, as in v2: RFC 9568, Cisco */
};

/* A decoded advertisement. */
struct vrrp_adv {
	uint8_t version;   /* 2 or 3 */
	uint8_t type;      /* 1 */
	uint8_t vrid;      /* 1..255 */
	uint8_t priority;  /* 0..255 */
	uint8_t naddr;     /* address count */
	uint8_t auth_type; /* v2 only */
	uint16_t interval; /* v3: Max Adver Int in centiseconds; v2: Adver Int in seconds */
	uint8_t auth_data[VRRP_AUTH_LEN];   /* v2 only, as on the wire */
	int af;                             /* AF_INET or AF_INET6 */
	union vip_in addrs[VRRP_MAX_ADDRS]; /* naddr entries of family af */
};

/* What the IP layer told us about a received message. */
struct vrrp_rx_meta {
	int af;
	union vip_in src;   /* IP source address */
	union vip_in dst;   /* IP destination address */
	int ttl;            /* IPv4 TTL or IPv6 hop limit; -1 if unknown */
	int64_t arrival_ns; /* the kernel's receive time, CLOCK_REALTIME ns; 0 if unknown */
	/* IPv4 protocol 51 (vrrp_ah_decode): the whole datagram, for the ICV; else NULL. */
	const uint8_t *ah_pkt;
	size_t ah_pkt_len; /* its total length */
	size_t ah_hlen;    /* its IP header length; the AH header follows */
	uint32_t ah_seq;   /* the AH sequence number (host order) */
};

/* Why a packet was dropped. VRRP_RX_OK means accepted. Keep vrrp_pkt_reason_name in step. */
enum vrrp_reason {
	VRRP_RX_OK = 0,
	VRRP_RX_IP_HEADER,     /* IPv4 header malformed, not protocol 112, or length mismatch */
	VRRP_RX_TTL,           /* TTL / hop limit is not 255 */
	VRRP_RX_TRUNCATED,     /* shorter than the fixed header */
	VRRP_RX_VERSION,       /* version is not 2 or 3 (or not the one configured) */
	VRRP_RX_TYPE,          /* type is not 1 (advertisement) */
	VRRP_RX_LENGTH,        /* length does not match the address count (and v2 auth) */
	VRRP_RX_CHECKSUM,      /* checksum wrong in every accepted form */
	VRRP_RX_INTERVAL_ZERO, /* advertisement interval 0 */
	VRRP_RX_VRID,          /* no instance for this VRID on this interface and family */
	VRRP_RX_OWNER,         /* we are the address owner: a second owner is a misconfiguration */
	VRRP_RX_AUTH,          /* v2 auth type or password does not match; AH or not, unlike us */
	VRRP_RX_INTERVAL_MISMATCH, /* v2 Adver Int differs from ours */
	VRRP_RX_ADDR_MISMATCH,     /* v2 address list differs and the sender is not the owner */
	VRRP_RX_NOT_PEER,          /* unicast: source is not a listed peer */
	VRRP_RX_NO_LINKLOCAL,      /* v3 IPv6: none, or (RFC form) first not link-local */
	VRRP_RX_OWN,               /* our own packet looped back */
	VRRP_RX_BAD_ADDR,    /* an address no router can hold: multicast, loopback, unspecified,
	                      * broadcast; in IPv6 also IPv4-mapped or IPv4-compatible (::a.b.c.d) */
	VRRP_RX_NO_HOPLIMIT, /* IPv6: the kernel gave no hop limit (IPV6_HOPLIMIT cmsg) to check */
	VRRP_RX_AH_ICV,      /* auth_type ah: wrong ICV (password), or SPI not the source */
	VRRP_RX_AH_REPLAY,   /* auth_type ah: sequence number not above the last one taken */
	VRRP_RX__COUNT
};

/* Short stable name of a reason, for logs, stats and metrics ("ttl", "checksum", ...). */
const char *vrrp_pkt_reason_name(enum vrrp_reason r);

/* The VRRP multicast group of a family (RFC 9568 5.1.1.2, 5.1.2.2): 224.0.0.18 or ff02::12. */
void vrrp_pkt_group(int af, union vip_in *group);

/* Parse an IPv4 packet as a raw socket delivers it: checks IHL, total length and protocol 112,
 * fills meta (af, src, dst, ttl) and points *msg / *msg_len at the VRRP message. */
enum vrrp_reason vrrp_pkt_decode_ipv4(const uint8_t *pkt, size_t len, struct vrrp_rx_meta *meta,
                                      const uint8_t **msg, size_t *msg_len);

/* Decode a VRRP message and apply the checks that need no configuration: TTL 255, version 2 or 3,
 * type 1, exact length, checksum (both forms for v3 IPv4; *form says which matched, may be NULL),
 * interval not 0 (v3), for v3 IPv6 at least one address, and every address a unicast host
 * address of the advert's family (VRRP_RX_BAD_ADDR). Fills *adv on VRRP_RX_OK. */
enum vrrp_reason vrrp_pkt_decode(const uint8_t *msg, size_t len, const struct vrrp_rx_meta *meta,
                                 struct vrrp_adv *adv, enum vrrp_csum_form *form);

/* What the receiving instance expects: the checks of RFC 9568 section 7.1 / RFC 3768 section 7.1
 * that depend on configuration. */
struct vrrp_rx_policy {
	bool accept_v2;                   /* v2 adverts are accepted */
	bool accept_v3;                   /* v3 adverts are accepted */
	bool owner;                       /* we are the address owner (priority 255) */
	bool linklocal_first;             /* IPv6: first must be link-local (RFC 9568 5.2.9) */
	uint8_t v2_interval;              /* v2: our Adver Int in seconds, must match */
	uint8_t auth_type;                /* v2: VRRP_AUTH_NONE, VRRP_AUTH_PASS or VRRP_AUTH_AH */
	uint8_t auth_data[VRRP_AUTH_LEN]; /* v2: password, NUL padded (AH: the HMAC key) */
	uint32_t ah_seq;                  /* AH: the highest sequence number taken so far */
	const union vip_in *vips;         /* our virtual addresses (family af of the advert) */
	size_t nvips;
	const union vip_in *peers; /* unicast peers; NULL for multicast */
	size_t npeers;
};

/* Apply the configuration-dependent checks to a decoded advert. */
enum vrrp_reason vrrp_pkt_validate(const struct vrrp_adv *adv, const struct vrrp_rx_meta *meta,
                                   const struct vrrp_rx_policy *pol);

/* True when the advert carries exactly the addresses vips[0..nvips) (in any order). */
bool vrrp_pkt_addrs_match(const struct vrrp_adv *adv, const union vip_in *vips, size_t nvips);

/* Encode adv (version, vrid, priority, interval, af, naddr, addrs, v2 auth) into buf; src and dst
 * are the IP addresses the packet will carry (for the pseudo-header). Returns the length or -1 if
 * cap is too small or a field is out of range. */
ssize_t vrrp_pkt_encode(uint8_t *buf, size_t cap, const struct vrrp_adv *adv,
                        const union vip_in *src, const union vip_in *dst, enum vrrp_csum_form form);

/* The Internet checksum (RFC 1071) of buf, continuing from sum (start with 0); not yet folded. */
uint32_t vrrp_pkt_csum_add(uint32_t sum, const void *buf, size_t len);

/* Fold a running sum into the 16-bit one's complement checksum (network order value). */
uint16_t vrrp_pkt_csum_fold(uint32_t sum);

#endif
