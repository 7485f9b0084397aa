/* announce: gratuitous ARP for IPv4 VIPs (and later unsolicited NA for IPv6)
 * through an AF_PACKET socket, so neighbours and switches learn the new master. */
#ifndef VIPD_ANNOUNCE_H
#define VIPD_ANNOUNCE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* Build a gratuitous ARP request (sender = target = ip, from mac, to broadcast) as an Ethernet
 * frame into buf (at least 42 bytes). Returns the frame length. Pure, for tests. */
size_t announce_build_garp(uint8_t *buf, size_t cap, const uint8_t mac[6], struct in_addr ip);

/* Open the AF_PACKET socket used for all announcements; -1 with errno on failure. */
int announce_open(void);

/* Send one gratuitous ARP for ip from mac on ifindex; 0 or -1 with errno. */
int announce_garp(int fd, unsigned ifindex, const uint8_t mac[6], struct in_addr ip);

#endif
