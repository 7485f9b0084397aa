/* net_vrrp: what the receive path makes of the ancillary data of a message (net_vrrp_cmsgs),
 * and then of the advert (vrrp_pkt_decode), as rx_cb does. An IPv6 advert whose hop limit the
 * kernel did not give is dropped as no-hop-limit, never accepted unchecked. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "vipd/net_vrrp.h"

/* Room for pktinfo, hop limit and a timestamp, aligned as a cmsghdr. */
union cbuf {
	uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
	            CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(struct timespec))];
	size_t align;
};

struct rx {
	union cbuf cb;
	struct msghdr mh;
	size_t used;
};

static void rx_init(struct rx *r)
{
	memset(r, 0, sizeof(*r));
	r->mh.msg_control = r->cb.buf;
	r->mh.msg_controllen = sizeof(r->cb.buf);
}

/* Append a cmsg of level/type whose data is len bytes of data (cmsg_len = CMSG_LEN(len)). */
static void rx_add(struct rx *r, int level, int type, const void *data, size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)(r->cb.buf + r->used);

	assert_true(r->used + CMSG_SPACE(len) <= sizeof(r->cb.buf));
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
	r->used += CMSG_SPACE(len);
	r->mh.msg_controllen = r->used;
}

static void add_pktinfo6(struct rx *r)
{
	struct in6_pktinfo pi = {.ipi6_ifindex = 7};

	inet_pton(AF_INET6, "ff02::12", &pi.ipi6_addr);
	rx_add(r, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
}

static void add_hops(struct rx *r, int hops)
{
	rx_add(r, IPPROTO_IPV6, IPV6_HOPLIMIT, &hops, sizeof(hops));
}

/* A valid v3 IPv6 advert (vrid 51, priority 100, 1 s, one link-local address) from fe80::2 to
 * ff02::12, its checksum with the pseudo-header. */
static size_t advert6(uint8_t *msg, struct vrrp_rx_meta *meta)
{
	struct vrrp_adv adv = {.version = 3,
	                       .type = VRRP_TYPE_ADVERT,
	                       .vrid = 51,
	                       .priority = 100,
	                       .naddr = 1,
	                       .interval = 100,
	                       .af = AF_INET6};
	ssize_t n;

	inet_pton(AF_INET6, "fe80::64", &adv.addrs[0].v6);
	inet_pton(AF_INET6, "fe80::2", &meta->src.v6);
	inet_pton(AF_INET6, "ff02::12", &meta->dst.v6);
	n = vrrp_pkt_encode(msg, VRRP_MSG_MAX, &adv, &meta->src, &meta->dst, VRRP_CSUM_RFC5798);
	assert_true(n > 0);
	return (size_t)n;
}

/* The verdict of the receive path on an advert that came with r's cmsgs. */
static enum vrrp_reason verdict6(struct rx *r, struct vrrp_rx_meta *meta, unsigned *ifindex)
{
	uint8_t msg[VRRP_MSG_MAX];
	struct vrrp_adv adv;
	size_t len;
	enum vrrp_reason why;

	memset(meta, 0, sizeof(*meta));
	meta->af = AF_INET6;
	meta->ttl = -1;
	len = advert6(msg, meta);
	why = net_vrrp_cmsgs(&r->mh, AF_INET6, meta, ifindex);
	if (why != VRRP_RX_OK)
		return why;
	return vrrp_pkt_decode(msg, len, meta, &adv, NULL);
}

static void ipv6_with_hop_limit(void **state)
{
	struct rx r;
	struct vrrp_rx_meta meta;
	unsigned ifindex;

	(void)state;
	rx_init(&r);
	add_pktinfo6(&r);
	add_hops(&r, 255);
	assert_int_equal(verdict6(&r, &meta, &ifindex), VRRP_RX_OK);
	assert_int_equal(ifindex, 7);
	assert_int_equal(meta.ttl, 255);

	rx_init(&r);
	add_hops(&r, 254); /* forwarded once: the usual ttl drop */
	add_pktinfo6(&r);
	assert_int_equal(verdict6(&r, &meta, &ifindex), VRRP_RX_TTL);
}

/* No hop limit from the kernel: dropped, whatever else came. */
static void ipv6_without_hop_limit(void **state)
{
	struct rx r;
	struct vrrp_rx_meta meta;
	unsigned ifindex;
	int hops = 255;

	(void)state;
	rx_init(&r);
	add_pktinfo6(&r);
	assert_int_equal(verdict6(&r, &meta, &ifindex), VRRP_RX_NO_HOPLIMIT);
	assert_int_equal(ifindex, 7); /* still known: the packet is charged on its interface */

	rx_init(&r);
	r.mh.msg_controllen = 0; /* no ancillary data at all */
	assert_int_equal(verdict6(&r, &meta, &ifindex), VRRP_RX_NO_HOPLIMIT);
	assert_int_equal(ifindex, 0);

	rx_init(&r);
	add_pktinfo6(&r);
	rx_add(&r, IPPROTO_IPV6, IPV6_HOPLIMIT, &hops, 2); /* too short to hold an int */
	assert_int_equal(verdict6(&r, &meta, &ifindex), VRRP_RX_NO_HOPLIMIT);

	assert_string_equal(vrrp_pkt_reason_name(VRRP_RX_NO_HOPLIMIT), "no-hop-limit");
}

/* IPv4 takes its TTL from the IP header: pktinfo alone is all it needs. */
static void ipv4_needs_no_hop_limit(void **state)
{
	struct rx r;
	struct vrrp_rx_meta meta = {.af = AF_INET, .ttl = -1};
	struct in_pktinfo pi = {.ipi_ifindex = 3};
	unsigned ifindex;

	(void)state;
	inet_pton(AF_INET, "224.0.0.18", &pi.ipi_addr);
	rx_init(&r);
	rx_add(&r, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	assert_int_equal(net_vrrp_cmsgs(&r.mh, AF_INET, &meta, &ifindex), VRRP_RX_OK);
	assert_int_equal(ifindex, 3);
	assert_int_equal(meta.dst.v4.s_addr, htonl(0xe0000012));
}

/* The kernel's receive time (SO_TIMESTAMPNS) becomes meta.arrival_ns; without it, 0. */
static void arrival_time_from_timestamp(void **state)
{
	struct rx r;
	struct vrrp_rx_meta meta = {.af = AF_INET, .ttl = -1};
	struct in_pktinfo pi = {.ipi_ifindex = 3};
	struct timespec ts = {.tv_sec = 1796567736, .tv_nsec = 738331123};
	unsigned ifindex;

	(void)state;
	rx_init(&r);
	rx_add(&r, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	assert_int_equal(net_vrrp_cmsgs(&r.mh, AF_INET, &meta, &ifindex), VRRP_RX_OK);
	assert_int_equal(meta.arrival_ns, 0);

	rx_init(&r);
	rx_add(&r, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	rx_add(&r, SOL_SOCKET, SCM_TIMESTAMPNS, &ts, sizeof(ts));
	assert_int_equal(net_vrrp_cmsgs(&r.mh, AF_INET, &meta, &ifindex), VRRP_RX_OK);
	assert_int_equal(meta.arrival_ns, INT64_C(1796567736738331123));
	assert_int_equal(ifindex, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ipv6_with_hop_limit),
	    cmocka_unit_test(ipv6_without_hop_limit),
	    cmocka_unit_test(ipv4_needs_no_hop_limit),
	    cmocka_unit_test(arrival_time_from_timestamp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
