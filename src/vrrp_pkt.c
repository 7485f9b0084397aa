/* vrrp_pkt: encode, decode and validate VRRP v2 (RFC 3768) and v3 (RFC 9568)
 * advertisements. Pure: no system calls, no logging, no allocation. Every check
 * returns the reason of the first failure, in the order of the receive rules. */
#include "build_config.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/vrrp_ah.h"
#include "vipd/vrrp_pkt.h"

/* Offsets in the fixed 8-byte VRRP header (RFC 9568 5.1, RFC 3768 5.1). */
#define OFF_VER_TYPE 0
#define OFF_VRID 1
#define OFF_PRIO 2
#define OFF_COUNT 3
#define OFF_AUTH_TYPE 4 /* v2 */
#define OFF_ADVER_INT 5 /* v2: seconds, 8 bits */
#define OFF_MAX_ADVER 4 /* v3: 4 reserved bits + 12 bits of centiseconds */
#define OFF_CSUM 6

#define V3_INTERVAL_MAX 0x0fff

void vrrp_pkt_group(int af, union vip_in *group)
{
	memset(group, 0, sizeof(*group));
	if (af == AF_INET) {
		group->v4.s_addr = htonl(0xe0000012); /* 224.0.0.18 */
	} else {
		group->v6.s6_addr[0] = 0xff; /* ff02::12 */
		group->v6.s6_addr[1] = 0x02;
		group->v6.s6_addr[15] = 0x12;
	}
}

/* Fixed part of the IPv4 header. */
#define IP4_HDR_MIN 20
#define IP4_MF 0x2000
#define IP4_OFFMASK 0x1fff

static const char *const reason_names[VRRP_RX__COUNT] = {
    [VRRP_RX_OK] = "ok",
    [VRRP_RX_IP_HEADER] = "ip-header",
    [VRRP_RX_TTL] = "ttl",
    [VRRP_RX_TRUNCATED] = "truncated",
    [VRRP_RX_VERSION] = "version",
    [VRRP_RX_TYPE] = "type",
    [VRRP_RX_LENGTH] = "length",
    [VRRP_RX_CHECKSUM] = "checksum",
    [VRRP_RX_INTERVAL_ZERO] = "interval-zero",
    [VRRP_RX_VRID] = "vrid",
    [VRRP_RX_OWNER] = "owner",
    [VRRP_RX_AUTH] = "auth",
    [VRRP_RX_INTERVAL_MISMATCH] = "interval-mismatch",
    [VRRP_RX_ADDR_MISMATCH] = "addr-mismatch",
    [VRRP_RX_NOT_PEER] = "not-peer",
    [VRRP_RX_NO_LINKLOCAL] = "no-linklocal",
    [VRRP_RX_OWN] = "own",
    [VRRP_RX_BAD_ADDR] = "bad-address",
    [VRRP_RX_NO_HOPLIMIT] = "no-hop-limit",
    [VRRP_RX_AH_ICV] = "ah-icv",
    [VRRP_RX_AH_REPLAY] = "ah-replay",
};

const char *vrrp_pkt_reason_name(enum vrrp_reason r)
{
	if ((unsigned)r >= VRRP_RX__COUNT || !reason_names[r])
		return "unknown";
	return reason_names[r];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Keep the running sum from overflowing: fold once the top bit is set. */
static uint32_t csum_reduce(uint32_t sum)
{
	if (sum & 0x80000000u)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* Words are read big-endian byte by byte, so any alignment and either host order work. An odd
 * last byte counts as the high half of a word padded with zero (RFC 1071); so only the last
 * chunk added to one sum may have an odd length. */
uint32_t vrrp_pkt_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len >= 2) {
		sum = csum_reduce(sum + get16(p));
		p += 2;
		len -= 2;
	}
	if (len)
		sum = csum_reduce(sum + ((uint32_t)p[0] << 8));
	return sum;
}

/* The result, stored as is in a uint16_t on the wire (or memcpy'd), gives the right bytes. */
uint16_t vrrp_pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Sum of the pseudo-header: IPv4 (RFC 768 form: src, dst, zero, protocol, 16-bit length) or
 * IPv6 (RFC 8200 8.1: src, dst, 32-bit upper-layer length, 3 zero bytes, next header). Only the
 * sum matters, so the zero bytes are left out and the fields are added as words. */
static uint32_t pseudo_sum(int af, const union vip_in *src, const union vip_in *dst, size_t len)
{
	size_t asize = addr_size(af);
	uint32_t sum = 0;

	sum = vrrp_pkt_csum_add(sum, src->bytes, asize);
	sum = vrrp_pkt_csum_add(sum, dst->bytes, asize);
	/* len <= VRRP_MSG_MAX, so the high 16 bits of the IPv6 32-bit length are 0. */
	sum += (uint32_t)len + VRRP_IPPROTO;
	return sum;
}

enum vrrp_reason vrrp_pkt_decode_ipv4(const uint8_t *pkt, size_t len, struct vrrp_rx_meta *meta,
                                      const uint8_t **msg, size_t *msg_len)
{
	size_t hlen, tot;

	if (len < IP4_HDR_MIN || pkt[0] >> 4 != 4)
		return VRRP_RX_IP_HEADER;
	hlen = (size_t)(pkt[0] & 0x0f) * 4;
	tot = get16(pkt + 2);
	if (hlen < IP4_HDR_MIN || hlen > len || tot < hlen)
		return VRRP_RX_IP_HEADER;
	/* A raw socket delivers exactly the datagram. A longer buffer (link-layer padding from a
	 * packet socket or a capture) is cut to the total length; a shorter one is a lost tail. */
	if (tot > len)
		return VRRP_RX_IP_HEADER;
	if ((get16(pkt + 6) & (IP4_MF | IP4_OFFMASK)) != 0)
		return VRRP_RX_IP_HEADER; /* a fragment: the kernel hands reassembled datagrams */
	if (pkt[9] != VRRP_IPPROTO && pkt[9] != VRRP_AH_PROTO)
		return VRRP_RX_IP_HEADER;
	/* The header checksum is not checked: the kernel has dropped bad ones already. */

	memset(meta, 0, sizeof(*meta));
	meta->af = AF_INET;
	meta->ttl = pkt[8];
	memcpy(&meta->src.v4, pkt + 12, 4);
	memcpy(&meta->dst.v4, pkt + 16, 4);
	if (pkt[9] == VRRP_AH_PROTO)
		return vrrp_ah_decode(pkt, hlen, tot, meta, msg, msg_len);
	*msg = pkt + hlen;
	*msg_len = tot - hlen;
	return VRRP_RX_OK;
}

/* Length of a message with count addresses of size asize. */
static size_t msg_len_for(uint8_t version, size_t asize, size_t count)
{
	return VRRP_HDR_LEN + count * asize + (version == 2 ? VRRP_AUTH_LEN : 0);
}

/* Checksum verification: a message whose checksum field is right sums to 0xffff, so the folded
 * complement is 0. Returns the form that verifies, or -1. v2 is message-only (reported as the
 * RFC 9568 form), v3 IPv6 always has the pseudo-header (reported as the RFC 5798 form). */
static int csum_verify(const uint8_t *msg, size_t len, const struct vrrp_rx_meta *meta,
                       uint8_t version)
{
	uint32_t msum = vrrp_pkt_csum_add(0, msg, len);

	if (version == 2)
		return vrrp_pkt_csum_fold(msum) == 0 ? VRRP_CSUM_RFC9568 : -1;
	if (vrrp_pkt_csum_fold(msum + pseudo_sum(meta->af, &meta->src, &meta->dst, len)) == 0)
		return VRRP_CSUM_RFC5798;
	if (meta->af == AF_INET && vrrp_pkt_csum_fold(msum) == 0)
		return VRRP_CSUM_RFC9568;
	return -1;
}

/* Can a router hold the advertised address a (asize bytes of family af, any alignment)? An
 * IPv6 advert carrying IPv4 addresses (mapped ::ffff:a.b.c.d or compatible ::a.b.c.d) cannot. */
static bool addr_wire_usable(int af, const uint8_t *a)
{
	static const uint8_t zero10[10];
	struct vip_addr va = {.af = af};

	memcpy(va.in.bytes, a, addr_size(af));
	if (!addr_is_unicast_host(&va))
		return false;
	if (af == AF_INET6 && memcmp(a, zero10, sizeof(zero10)) == 0 &&
	    ((a[10] == 0 && a[11] == 0) || (a[10] == 0xff && a[11] == 0xff)))
		return false;
	return true;
}

enum vrrp_reason vrrp_pkt_decode(const uint8_t *msg, size_t len, const struct vrrp_rx_meta *meta,
                                 struct vrrp_adv *adv, enum vrrp_csum_form *form)
{
	size_t asize = addr_size(meta->af);
	uint8_t version, type, count;
	uint16_t interval;
	int f;

	if (asize == 0)
		return VRRP_RX_IP_HEADER; /* the caller gave no usable family */
	if (meta->ttl != -1 && meta->ttl != VRRP_TTL)
		return VRRP_RX_TTL;
	if (len < VRRP_HDR_LEN)
		return VRRP_RX_TRUNCATED;

	version = msg[OFF_VER_TYPE] >> 4;
	type = msg[OFF_VER_TYPE] & 0x0f;
	if (version != 3 && (version != 2 || meta->af != AF_INET))
		return VRRP_RX_VERSION; /* v2 is IPv4 only */
	if (type != VRRP_TYPE_ADVERT)
		return VRRP_RX_TYPE;

	/* Exact length: trailing bytes are refused too, as they are how a CARP packet (same
	 * protocol, same first byte 0x21) differs from a VRRPv2 advert. */
	count = msg[OFF_COUNT];
	if (len != msg_len_for(version, asize, count))
		return VRRP_RX_LENGTH;

	f = csum_verify(msg, len, meta, version);
	if (f < 0)
		return VRRP_RX_CHECKSUM;

	if (version == 3)
		interval = get16(msg + OFF_MAX_ADVER) & V3_INTERVAL_MAX; /* reserved bits ignored */
	else
		interval = msg[OFF_ADVER_INT];
	if (interval == 0)
		return VRRP_RX_INTERVAL_ZERO;

	/* RFC 9568 5.2.9 / 7.1 (erratum 8300): an IPv6 advert lists at least its link-local.
	 * Whether it must come first is the instance's question (vrrp_pkt_validate): keepalived
	 * sends its list as written, often global addresses only. */
	if (meta->af == AF_INET6 && count == 0)
		return VRRP_RX_NO_LINKLOCAL;

	for (size_t i = 0; i < count; i++)
		if (!addr_wire_usable(meta->af, msg + VRRP_HDR_LEN + i * asize))
			return VRRP_RX_BAD_ADDR;

	memset(adv, 0, offsetof(struct vrrp_adv, addrs));
	adv->version = version;
	adv->type = type;
	adv->vrid = msg[OFF_VRID];
	adv->priority = msg[OFF_PRIO];
	adv->naddr = count;
	adv->interval = interval;
	adv->af = meta->af;
	for (size_t i = 0; i < count; i++)
		memcpy(adv->addrs[i].bytes, msg + VRRP_HDR_LEN + i * asize, asize);
	if (version == 2) {
		adv->auth_type = msg[OFF_AUTH_TYPE];
		memcpy(adv->auth_data, msg + VRRP_HDR_LEN + count * asize, VRRP_AUTH_LEN);
	}
	if (form)
		*form = (enum vrrp_csum_form)f;
	return VRRP_RX_OK;
}

bool vrrp_pkt_addrs_match(const struct vrrp_adv *adv, const union vip_in *vips, size_t nvips)
{
	bool used[VRRP_MAX_ADDRS] = {false};

	if (nvips != adv->naddr)
		return false;
	/* Match as multisets: each configured address takes one advertised address. */
	for (size_t i = 0; i < nvips; i++) {
		size_t j;

		for (j = 0; j < adv->naddr; j++)
			if (!used[j] && addr_cmp_in(adv->af, &adv->addrs[j], &vips[i]) == 0)
				break;
		if (j == adv->naddr)
			return false;
		used[j] = true;
	}
	return true;
}

static bool is_peer(const struct vrrp_rx_meta *meta, const struct vrrp_rx_policy *pol)
{
	for (size_t i = 0; i < pol->npeers; i++)
		if (addr_cmp_in(meta->af, &meta->src, &pol->peers[i]) == 0)
			return true;
	return false;
}

/* RFC 3768 7.1 for v2, RFC 9568 7.1 for v3. The owner check comes last: when every other check
 * passed, VRRP_RX_OWNER means "only the owner rule objects", so a caller that follows RFC 9568
 * erratum 8298 (log, then process the advert normally) can do so without losing the others. */
enum vrrp_reason vrrp_pkt_validate(const struct vrrp_adv *adv, const struct vrrp_rx_meta *meta,
                                   const struct vrrp_rx_policy *pol)
{
	if ((adv->version == 2 && !pol->accept_v2) || (adv->version == 3 && !pol->accept_v3) ||
	    (adv->version != 2 && adv->version != 3))
		return VRRP_RX_VERSION;
	if (pol->peers && !is_peer(meta, pol))
		return VRRP_RX_NOT_PEER; /* an empty peer list admits nobody: fail closed */
	if (adv->af == AF_INET6 && pol->linklocal_first &&
	    (adv->naddr == 0 || !addr_is_linklocal6(&adv->addrs[0].v6)))
		return VRRP_RX_NO_LINKLOCAL;
	/* keepalived's rule: an AH header where none is expected, or none where one is, fails. */
	if ((meta->ah_pkt != NULL) != (pol->auth_type == VRRP_AUTH_AH))
		return VRRP_RX_AUTH;
	if (adv->version == 2) {
		if (adv->auth_type != pol->auth_type)
			return VRRP_RX_AUTH;
		if (adv->auth_type == VRRP_AUTH_PASS &&
		    memcmp(adv->auth_data, pol->auth_data, VRRP_AUTH_LEN) != 0)
			return VRRP_RX_AUTH;
		if (adv->auth_type == VRRP_AUTH_AH) {
			enum vrrp_reason r =
			    vrrp_ah_check(meta, pol->auth_data, pol->peers != NULL, pol->ah_seq);

			if (r != VRRP_RX_OK)
				return r;
		}
		if (adv->interval != pol->v2_interval)
			return VRRP_RX_INTERVAL_MISMATCH;
		if (adv->priority != VRRP_PRIO_OWNER &&
		    !vrrp_pkt_addrs_match(adv, pol->vips, pol->nvips))
			return VRRP_RX_ADDR_MISMATCH;
	}
	if (pol->owner)
		return VRRP_RX_OWNER;
	return VRRP_RX_OK;
}

ssize_t vrrp_pkt_encode(uint8_t *buf, size_t cap, const struct vrrp_adv *adv,
                        const union vip_in *src, const union vip_in *dst, enum vrrp_csum_form form)
{
	size_t asize = addr_size(adv->af);
	size_t len;
	uint32_t sum;
	uint16_t csum;

	if (asize == 0 || adv->vrid == 0)
		return -1;
	if (adv->version == 3) {
		if (adv->interval == 0 || adv->interval > V3_INTERVAL_MAX)
			return -1;
		if (form != VRRP_CSUM_RFC5798 && form != VRRP_CSUM_RFC9568)
			return -1;
		/* Peers drop an IPv6 advert without addresses; the first need not be link-local
		 * (keepalived's form, config_keepalived_list). */
		if (adv->af == AF_INET6 && adv->naddr == 0)
			return -1;
		if ((adv->af == AF_INET6 || form == VRRP_CSUM_RFC5798) && (!src || !dst))
			return -1;
	} else if (adv->version == 2) {
		if (adv->af != AF_INET || adv->interval == 0 || adv->interval > 0xff)
			return -1;
	} else {
		return -1;
	}
	len = msg_len_for(adv->version, asize, adv->naddr);
	if (len > cap)
		return -1;

	buf[OFF_VER_TYPE] = (uint8_t)(adv->version << 4 | VRRP_TYPE_ADVERT);
	buf[OFF_VRID] = adv->vrid;
	buf[OFF_PRIO] = adv->priority;
	buf[OFF_COUNT] = adv->naddr;
	if (adv->version == 3) {
		put16(buf + OFF_MAX_ADVER, adv->interval); /* reserved bits 0 */
	} else {
		buf[OFF_AUTH_TYPE] = adv->auth_type;
		buf[OFF_ADVER_INT] = (uint8_t)adv->interval;
	}
	put16(buf + OFF_CSUM, 0);
	for (size_t i = 0; i < adv->naddr; i++)
		memcpy(buf + VRRP_HDR_LEN + i * asize, adv->addrs[i].bytes, asize);
	if (adv->version == 2)
		memcpy(buf + VRRP_HDR_LEN + adv->naddr * asize, adv->auth_data, VRRP_AUTH_LEN);

	sum = vrrp_pkt_csum_add(0, buf, len);
	if (adv->version == 3 && (adv->af == AF_INET6 || form == VRRP_CSUM_RFC5798))
		sum += pseudo_sum(adv->af, src, dst, len);
	csum = vrrp_pkt_csum_fold(sum);
	memcpy(buf + OFF_CSUM, &csum, sizeof(csum));
	return (ssize_t)len;
}
