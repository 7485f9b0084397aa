/* announce: gratuitous ARP and unsolicited NA through an AF_PACKET socket.
 * The ARP frame is the request form keepalived sends (checked against its
 * capture): broadcast, opcode 1, sender IP = target IP = the VIP, target MAC
 * ff:ff:ff:ff:ff:ff, 42 bytes (the driver pads short frames on the wire).
 * The NA matches keepalived's field by field (source = the VIP itself) except
 * the R flag, which RFC 9568 wants set. Never logs. */
#include "build_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vipd/announce.h"
#include "vipd/vrrp_pkt.h"

#define ETH_HDR 14
#define ARP_LEN 28
#define GARP_LEN (ETH_HDR + ARP_LEN)
#define IP6_HDR 40
#define NA_ICMP_LEN 32 /* NA header 24 + target link-layer address option 8 */

#define ICMP6_NA 136 /* RFC 4861 4.4 */
#define NA_FLAG_R 0x80
#define NA_FLAG_O 0x20
#define ND_OPT_TLLA 2 /* target link-layer address */
#define ND_HOP_LIMIT 255

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
/* ff02::1 and its Ethernet mapping (RFC 2464 7). */
static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put_bytes(uint8_t *p, const void *src, size_t len)
{
	memcpy(p, src, len);
	return p + len;
}

size_t announce_build_garp(uint8_t *buf, size_t cap, const uint8_t mac[6], struct in_addr ip)
{
	uint8_t *p = buf;

	if (cap < GARP_LEN)
		return 0;
	/* Ethernet: to broadcast, from our MAC, ARP. */
	p = put_bytes(p, bcast, 6);
	p = put_bytes(p, mac, 6);
	p = put16(p, ETH_P_ARP);
	/* ARP (RFC 826): Ethernet / IPv4, request; RFC 5227 "ARP Announcement" with sender IP =
	 * target IP. The target MAC is the broadcast address, as keepalived sends it. */
	p = put16(p, 1);        /* hardware type: Ethernet */
	p = put16(p, ETH_P_IP); /* protocol type: IPv4 */
	*p++ = 6;               /* hardware size */
	*p++ = 4;               /* protocol size */
	p = put16(p, 1);        /* opcode: request */
	p = put_bytes(p, mac, 6);
	p = put_bytes(p, &ip, 4);
	p = put_bytes(p, bcast, 6);
	p = put_bytes(p, &ip, 4);
	return (size_t)(p - buf);
}

size_t announce_build_na(uint8_t *buf, size_t cap, const uint8_t mac[6], const struct in6_addr *ip,
                         bool router)
{
	uint8_t *p = buf, *icmp;
	uint32_t sum;
	uint16_t csum;

	if (cap < ANNOUNCE_NA_LEN)
		return 0;
	/* Ethernet: to the all-nodes group, from our MAC, IPv6. */
	p = put_bytes(p, all_nodes_mac, 6);
	p = put_bytes(p, mac, 6);
	p = put16(p, ETH_P_IPV6);
	/* IPv6: version 6, traffic class and flow label 0; ND wants hop limit 255 (RFC 4861 7.1.2).
	 */
	*p++ = 0x60;
	memset(p, 0, 3);
	p += 3;
	p = put16(p, NA_ICMP_LEN);
	*p++ = IPPROTO_ICMPV6;
	*p++ = ND_HOP_LIMIT;
	p = put_bytes(p, ip, 16);
	p = put_bytes(p, all_nodes, 16);
	/* ICMPv6 NA: S=0 (unsolicited), O=1 (replace cached MACs), R as told. */
	icmp = p;
	*p++ = ICMP6_NA;
	*p++ = 0; /* code */
	p = put16(p, 0);
	*p++ = (uint8_t)(NA_FLAG_O | (router ? NA_FLAG_R : 0));
	memset(p, 0, 3);
	p += 3;
	p = put_bytes(p, ip, 16);
	*p++ = ND_OPT_TLLA;
	*p++ = 1; /* option length in units of 8 bytes */
	p = put_bytes(p, mac, 6);
	/* Checksum over the IPv6 pseudo-header (RFC 8200 8.1) and the message. */
	sum = vrrp_pkt_csum_add(0, ip, 16);
	sum = vrrp_pkt_csum_add(sum, all_nodes, 16);
	sum += NA_ICMP_LEN + IPPROTO_ICMPV6;
	sum = vrrp_pkt_csum_add(sum, icmp, NA_ICMP_LEN);
	csum = vrrp_pkt_csum_fold(sum);
	memcpy(icmp + 2, &csum, sizeof(csum));
	return (size_t)(p - buf);
}

int announce_open(void)
{
	/* Protocol 0: send only, nothing is ever queued for reading. */
	return socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

/* Send one frame of protocol proto to dst on ifindex. */
static int send_frame(int fd, unsigned ifindex, uint16_t proto, const uint8_t dst[6],
                      const uint8_t *frame, size_t len)
{
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = htons(proto),
	    .sll_ifindex = (int)ifindex,
	    .sll_halen = 6,
	};

	memcpy(sll.sll_addr, dst, 6);
	for (;;) {
		ssize_t n =
		    sendto(fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&sll, sizeof(sll));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if ((size_t)n != len) {
			errno = EMSGSIZE;
			return -1;
		}
		return 0;
	}
}

int announce_garp(int fd, unsigned ifindex, const uint8_t mac[6], struct in_addr ip)
{
	uint8_t frame[GARP_LEN];
	size_t len = announce_build_garp(frame, sizeof(frame), mac, ip);

	return send_frame(fd, ifindex, ETH_P_ARP, bcast, frame, len);
}

int announce_na(int fd, unsigned ifindex, const uint8_t mac[6], const struct in6_addr *ip)
{
	uint8_t frame[ANNOUNCE_NA_LEN];
	size_t len = announce_build_na(frame, sizeof(frame), mac, ip, true);

	return send_frame(fd, ifindex, ETH_P_IPV6, all_nodes_mac, frame, len);
}
