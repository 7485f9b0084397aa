/* tests/netns/vrrp_flood.c — send one VRRPv3 IPv4 advert over and over, as fast as asked, from
 * a packet socket (built and run by tests/netns/51-flood.sh; scapy cannot reach 100k packets/s).
 *
 *   vrrp_flood IFACE SRC VRID PRIO good|bad RATE SECONDS ADDR...
 *
 * The advert goes to 224.0.0.18 with TTL 255, interval 0.1 s, the addresses ADDR..., its
 * checksum in the RFC 5798 form ("good") or wrong in both forms ("bad"). RATE packets per second
 * are paced in batches (sendmmsg) for SECONDS; at the end one line: "sent N in S s: R pps". */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_ADDRS 16

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (; n >= 2; n -= 2, p += 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint8_t f[14 + 20 + 8 + 4 * MAX_ADDRS] = {0};
	uint8_t *ip = f + 14, *v = f + 34;
	struct in_addr src, dst = {0};
	struct ifreq ifr = {0};
	struct sockaddr_ll sll = {0};
	struct mmsghdr mm[BATCH];
	struct iovec iov;
	uint32_t s;
	uint16_t c;
	size_t naddr, vlen, flen;
	double rate, secs, t0, el;
	unsigned long long sent = 0, errs = 0;
	int fd;

	if (argc < 9 || argc - 8 > MAX_ADDRS) {
		fprintf(stderr, "usage: %s IFACE SRC VRID PRIO good|bad RATE SECONDS ADDR...\n",
		        argv[0]);
		return 2;
	}
	naddr = (size_t)(argc - 8);
	vlen = 8 + 4 * naddr;
	flen = 34 + vlen;
	rate = atof(argv[6]);
	secs = atof(argv[7]);
	if (inet_pton(AF_INET, argv[2], &src) != 1 || inet_pton(AF_INET, "224.0.0.18", &dst) != 1 ||
	    rate <= 0 || secs <= 0) {
		fprintf(stderr, "vrrp_flood: bad SRC, RATE or SECONDS\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (fd < 0 || ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		perror("vrrp_flood: socket/interface");
		return 1;
	}
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifr.ifr_ifindex;
	sll.sll_protocol = htons(ETH_P_IP);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("vrrp_flood: bind");
		return 1;
	}

	/* Ethernet: to the group's MAC 01:00:5e:00:00:12, from the interface */
	memcpy(f, "\x01\x00\x5e\x00\x00\x12", 6);
	memcpy(f + 6, ifr.ifr_hwaddr.sa_data, 6);
	f[12] = 0x08;
	/* IPv4: no options, TTL 255, protocol 112 */
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + vlen) >> 8);
	ip[3] = (uint8_t)(20 + vlen);
	ip[8] = 255;
	ip[9] = 112;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	c = htons(fold(sum16(0, ip, 20)));
	memcpy(ip + 10, &c, 2);
	/* VRRPv3 advert, interval 10 cs */
	v[0] = 0x31;
	v[1] = (uint8_t)atoi(argv[3]);
	v[2] = (uint8_t)atoi(argv[4]);
	v[3] = (uint8_t)naddr;
	v[5] = 10;
	for (size_t i = 0; i < naddr; i++)
		if (inet_pton(AF_INET, argv[8 + i], v + 8 + 4 * i) != 1) {
			fprintf(stderr, "vrrp_flood: bad address %s\n", argv[8 + i]);
			return 2;
		}
	s = sum16(0, ip + 12, 8) + 112 + (uint32_t)vlen; /* the pseudo-header */
	c = fold(sum16(s, v, vlen));
	if (strcmp(argv[5], "bad") == 0)
		c ^= 0x5a5a; /* wrong with and without the pseudo-header alike */
	c = htons(c);
	memcpy(v + 6, &c, 2);

	iov.iov_base = f;
	iov.iov_len = flen;
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < BATCH; i++) {
		mm[i].msg_hdr.msg_iov = &iov;
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_s();
	while ((el = now_s() - t0) < secs) {
		double due = rate * el - (double)sent;
		int n, r;

		if (due < 1) {
			struct timespec ts = {0, 100000}; /* 0.1 ms */

			nanosleep(&ts, NULL);
			continue;
		}
		n = due > BATCH ? BATCH : (int)due;
		r = sendmmsg(fd, mm, (unsigned)n, 0);
		if (r < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
				perror("vrrp_flood: sendmmsg");
				return 1;
			}
			errs++;
			continue;
		}
		sent += (unsigned long long)r;
	}
	el = now_s() - t0;
	printf("sent %llu in %.3f s: %.0f pps (%llu send errors)\n", sent, el, (double)sent / el,
	       errs);
	close(fd);
	return 0;
}
