/* announce: gratuitous ARP for IPv4 VIPs and unsolicited Neighbor Advertisements for IPv6
 * VIPs through an AF_PACKET socket, so neighbours and switches learn the new master. */
#ifndef VIPD_ANNOUNCE_H
#define VIPD_ANNOUNCE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Build a gratuitous ARP request (sender = target = ip, from mac, to broadcast) as an Ethernet
 * frame into buf (at least 42 bytes). Returns the frame length. Pure, for tests. */
size_t announce_build_garp(uint8_t *buf, size_t cap, const uint8_t mac[6], struct in_addr ip);

/* Length of an unsolicited NA frame: Ethernet 14 + IPv6 40 + NA 24 + option 8. */
#define ANNOUNCE_NA_LEN 86

/* Build an unsolicited Neighbor Advertisement for ip as an Ethernet frame into buf (at least
 * ANNOUNCE_NA_LEN bytes): from mac and ip to ff02::1 (33:33:00:00:00:01), hop limit 255, S=0,
 * O=1, R=router, target ip, target link-layer address option mac. Returns the length. Pure. */
size_t announce_build_na(uint8_t *buf, size_t cap, const uint8_t mac[6], const struct in6_addr *ip,
                         bool router);

/* Open the AF_PACKET socket used for all announcements; -1 with errno on failure. */
int announce_open(void);

/* Send one gratuitous ARP for ip from mac on ifindex; 0 or -1 with errno. */
int announce_garp(int fd, unsigned ifindex, const uint8_t mac[6], struct in_addr ip);

/* Send one unsolicited NA (R=1, RFC 9568 6.4.2) for ip from mac on ifindex; 0 or -1 with errno. */
int announce_na(int fd, unsigned ifindex, const uint8_t mac[6], const struct in6_addr *ip);

#endif
