/* announce: gratuitous ARP through an AF_PACKET socket. The frame is the
 * request form keepalived sends (checked against its capture): broadcast,
 * opcode 1, sender IP = target IP = the VIP, target MAC ff:ff:ff:ff:ff:ff,
 * 42 bytes (the driver pads short frames on the wire). Never logs. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vipd/announce.h"

#define ETH_HDR 14
#define ARP_LEN 28
#define GARP_LEN (ETH_HDR + ARP_LEN)

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

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

int announce_open(void)
{
	/* Protocol 0: send only, nothing is ever queued for reading. */
	return socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int announce_garp(int fd, unsigned ifindex, const uint8_t mac[6], struct in_addr ip)
{
	uint8_t frame[GARP_LEN];
	size_t len = announce_build_garp(frame, sizeof(frame), mac, ip);
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ARP),
	    .sll_ifindex = (int)ifindex,
	    .sll_halen = 6,
	};

	memcpy(sll.sll_addr, bcast, 6);
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
