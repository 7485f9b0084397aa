/* net_vrrp: raw IP protocol 112 sockets, one per (interface, family). The
 * IPv4 socket receives the IP header (parsed by vrrp_pkt_decode_ipv4); the IPv6
 * socket receives the payload, with hop limit and destination from cmsgs.
 * Sending sets the source address and interface per packet (IP_PKTINFO /
 * IPV6_PKTINFO) so the address in the IP header is the one the checksum was
 * computed with. The socket joins the VRRP groups only when asked to (the
 * groups of the multicast instances that use it); unicast adverts reach it
 * either way. An AH socket (protocol 51) sends whole datagrams (IP_HDRINCL: the
 * AH signature covers the IP header) and receives like the IPv4 one. Never logs. */
#include "build_config.h"

#include <errno.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vipd/net_vrrp.h"
#include "vipd/net_vrrp_md5.h"
#include "vipd/vrrp_ah.h"

/* keepalived sends its adverts with DSCP CS6 (network control), as routing protocols do. */
#define VRRP_TOS 0xc0
/* A raw socket bound to a device only sees that device; a packet arriving through another one
 * (pktinfo says) is skipped. Bound how many such packets one call skips. */
#define VRRP_RECV_SKIP 16

/* Room for the largest ancillary data we ask for: pktinfo, hop limit and the arrival time. */
union vrrp_cmsg_buf {
	uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
	            CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(struct timespec))];
	size_t align; /* a cmsghdr's alignment (its first member); cmsghdr itself, ending in a
	               * flexible array, may not sit inside a struct */
};

/* Packets taken from the kernel per recvmmsg: a backup of hundreds of instances reads a burst of
 * adverts in one system call instead of one each. */
#define VRRP_RX_BATCH 16
/* The largest advert read whole: IPv6 header + 8 + 255 IPv6 addresses, rounded up. Longer is
 * truncated and dropped. */
#define VRRP_RX_SLOT 4160
/* Receive buffer asked for (the kernel doubles it): room for the adverts while the daemon waits
 * for the CPU under a flood of junk, ~40 ms of 100k small packets/s. */
#define VRRP_RCVBUF (2 * 1024 * 1024)

struct vrrp_rx_slot {
	struct sockaddr_storage from;
	union vrrp_cmsg_buf cbuf;
	struct iovec iov;
	uint8_t data[VRRP_RX_SLOT];
};

struct vrrp_sock {
	int fd;
	int af;
	unsigned ifindex;
	union vip_in groups[NET_VRRP_GROUPS]; /* the groups it is a member of */
	size_t ngroups;
	/* Received, not yet handed out: slots[rx_next..rx_count) (allocated at the first read). */
	struct vrrp_rx_slot *slots;
	struct mmsghdr mm[VRRP_RX_BATCH];
	unsigned rx_next, rx_count;
	bool rx_drained; /* the last recvmmsg found the queue empty: report it before reading */
	/* Queued for the next net_vrrp_flush (allocated at the first net_vrrp_queue): the
	 * messages in tx_data, each slot's iov pointing into it. */
	struct vrrp_tx *tx;
	struct vrrp_sock *tx_next; /* in tx_pending while tx->n > 0 */
	unsigned long tx_calls;
};

/* Messages one sendmmsg takes, and the bytes they may hold: a tick's adverts of 250 instances of
 * one VIP each go in 4 calls, and a queue costs ~20 KiB only on a socket that sends. */
#define VRRP_TX_DATA 16384

struct vrrp_tx_slot {
	struct sockaddr_storage to;
	union vrrp_cmsg_buf cbuf;
	struct iovec iov;
	void *tag;
};

struct vrrp_tx {
	size_t n, used;
	net_vrrp_sent_cb cb;
	void *arg;
	struct vrrp_tx_slot slot[NET_VRRP_TX_BATCH];
	struct mmsghdr mm[NET_VRRP_TX_BATCH];
	uint8_t data[VRRP_TX_DATA];
};

/* The sockets with queued messages, for net_vrrp_flush_all: one list for the process, as there
 * is one loop whose iteration ends with the flush. */
static struct vrrp_sock *tx_pending;

static int setopt_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

/* Set the options of an IPv4 socket; NULL or the name of the option that failed. */
static const char *setup_ipv4(const struct vrrp_sock *s)
{
	struct ip_mreqn mr = {.imr_ifindex = (int)s->ifindex};

	if (setopt_int(s->fd, IPPROTO_IP, IP_TTL, VRRP_TTL) < 0)
		return "IP_TTL";
	if (setopt_int(s->fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL) < 0)
		return "IP_MULTICAST_TTL";
	if (setopt_int(s->fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0)
		return "IP_MULTICAST_LOOP";
	if (setopt_int(s->fd, IPPROTO_IP, IP_TOS, VRRP_TOS) < 0)
		return "IP_TOS";
	if (setopt_int(s->fd, IPPROTO_IP, IP_PKTINFO, 1) < 0)
		return "IP_PKTINFO";
	if (setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0)
		return "IP_MULTICAST_IF";
	return NULL;
}

/* Set the options of an IPv6 socket; NULL or the name of the option that failed. */
static const char *setup_ipv6(const struct vrrp_sock *s)
{
	/* Off is the kernel's default for protocols other than ICMPv6 and MH; say so anyway: the
	 * checksum (with the pseudo-header) is computed by vrrp_pkt_encode. */
	if (setopt_int(s->fd, IPPROTO_IPV6, IPV6_CHECKSUM, -1) < 0)
		return "IPV6_CHECKSUM";
	if (setopt_int(s->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL) < 0)
		return "IPV6_UNICAST_HOPS";
	if (setopt_int(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL) < 0)
		return "IPV6_MULTICAST_HOPS";
	if (setopt_int(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0)
		return "IPV6_MULTICAST_LOOP";
	if (setopt_int(s->fd, IPPROTO_IPV6, IPV6_TCLASS, VRRP_TOS) < 0)
		return "IPV6_TCLASS";
	if (setopt_int(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0)
		return "IPV6_RECVHOPLIMIT";
	if (setopt_int(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0)
		return "IPV6_RECVPKTINFO";
	if (setopt_int(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, (int)s->ifindex) < 0)
		return "IPV6_MULTICAST_IF";
	return NULL;
}

/* A raw socket of protocol proto (VRRP, or AH with ah) on the interface; see net_vrrp_open. */
static struct vrrp_sock *open_proto(int af, bool ah, unsigned ifindex, const char *ifname,
                                    char *err, size_t errlen)
{
	struct vrrp_sock *s;
	const char *what;

	if ((af != AF_INET && af != AF_INET6) || ifindex == 0 || !ifname ||
	    strlen(ifname) >= IF_NAMESIZE) {
		snprintf(err, errlen, "vrrp socket: invalid family or interface");
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "vrrp socket: %s", strerror(errno));
		return NULL;
	}
	s->af = af;
	s->ifindex = ifindex;
	s->fd =
	    socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, ah ? VRRP_AH_PROTO : VRRP_IPPROTO);
	if (s->fd < 0) {
		snprintf(err, errlen, "vrrp socket (%s): %s",
		         ah              ? "IPv4 AH"
		         : af == AF_INET ? "IPv4"
		                         : "IPv6",
		         strerror(errno));
		free(s);
		return NULL;
	}
	if (setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) <
	    0)
		what = "SO_BINDTODEVICE";
	else
		what = af == AF_INET ? setup_ipv4(s) : setup_ipv6(s);
	/* The ICV covers the IP header's Identification: vrrp_ah_encode writes the header. */
	if (!what && ah && setopt_int(s->fd, IPPROTO_IP, IP_HDRINCL, 1) < 0)
		what = "IP_HDRINCL";
	/* The kernel's arrival time: a Master_Down_Timer runs from when the advert came, not from
	 * when a busy or resting loop got to it. */
	if (!what && setopt_int(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, 1) < 0)
		what = "SO_TIMESTAMPNS";
	/* Best effort: without CAP_NET_ADMIN the size is capped at net.core.rmem_max. */
	if (!what && setopt_int(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, VRRP_RCVBUF) < 0)
		(void)setopt_int(s->fd, SOL_SOCKET, SO_RCVBUF, VRRP_RCVBUF);
	if (what) {
		int e = errno;

		snprintf(err, errlen, "vrrp socket on %s: %s: %s", ifname, what, strerror(e));
		close(s->fd);
		free(s);
		errno = e;
		return NULL;
	}
	return s;
}

struct vrrp_sock *net_vrrp_open(int af, unsigned ifindex, const char *ifname, char *err,
                                size_t errlen)
{
	return open_proto(af, false, ifindex, ifname, err, errlen);
}

struct vrrp_sock *net_vrrp_open_ah(unsigned ifindex, const char *ifname, char *err, size_t errlen)
{
	/* The ICVs need nettle: loaded here, with the first AH socket (net_vrrp_md5.h). */
	if (net_vrrp_md5_load(err, errlen) < 0)
		return NULL;
	return open_proto(AF_INET, true, ifindex, ifname, err, errlen);
}

/* Join (join true) or leave group g on the socket's interface. 0 or -1 with errno. */
static int membership(const struct vrrp_sock *s, const union vip_in *g, bool join)
{
	if (s->af == AF_INET) {
		struct ip_mreqn mr = {.imr_multiaddr = g->v4, .imr_ifindex = (int)s->ifindex};

		return setsockopt(s->fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
		                  &mr, sizeof(mr));
	}
	struct ipv6_mreq mr = {.ipv6mr_multiaddr = g->v6, .ipv6mr_interface = s->ifindex};

	return setsockopt(s->fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &mr,
	                  sizeof(mr));
}

static bool in_set(const struct vrrp_sock *s, const union vip_in *set, size_t n,
                   const union vip_in *g)
{
	size_t len = s->af == AF_INET ? 4 : 16;

	for (size_t i = 0; i < n; i++)
		if (memcmp(set[i].bytes, g->bytes, len) == 0)
			return true;
	return false;
}

int net_vrrp_join(struct vrrp_sock *s, const union vip_in *groups, size_t n)
{
	int rc = 0, err = 0;
	size_t k = 0;

	if (n > NET_VRRP_GROUPS) {
		errno = ENOBUFS;
		return -1;
	}
	/* Leave first: a reload that moves to another group stays within the kernel's limit. */
	for (size_t i = 0; i < s->ngroups; i++) {
		if (in_set(s, groups, n, &s->groups[i]))
			s->groups[k++] = s->groups[i];
		else
			(void)membership(s, &s->groups[i], false);
	}
	s->ngroups = k;
	for (size_t i = 0; i < n; i++) {
		if (in_set(s, s->groups, s->ngroups, &groups[i]))
			continue;
		if (membership(s, &groups[i], true) < 0) {
			rc = -1;
			err = errno;
			continue;
		}
		s->groups[s->ngroups++] = groups[i];
	}
	errno = err;
	return rc;
}

bool net_vrrp_joined(const struct vrrp_sock *s)
{
	return s->ngroups > 0;
}

int net_vrrp_send_only(struct vrrp_sock *s)
{
	/* Classic BPF "return 0": every packet is dropped before it is queued. */
	static struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = {.len = 1, .filter = &drop};

	if (setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return -1;
	/* IPv6 adverts from a VMAC carry the parent's link-local, which the VMAC does not hold. */
	if (s->af == AF_INET6 && setopt_int(s->fd, IPPROTO_IPV6, IPV6_FREEBIND, 1) < 0)
		return -1;
	return 0;
}

void net_vrrp_close(struct vrrp_sock *s)
{
	if (!s)
		return;
	/* Closing leaves the groups too; leave explicitly so the report goes out now. */
	(void)net_vrrp_join(s, NULL, 0);
	/* What was queued goes now: each result is still told to its sender. */
	net_vrrp_flush(s);
	free(s->tx);
	close(s->fd);
	free(s->slots);
	free(s);
}

int net_vrrp_fd(const struct vrrp_sock *s)
{
	return s->fd;
}

enum vrrp_reason net_vrrp_cmsgs(struct msghdr *mh, int af, struct vrrp_rx_meta *meta,
                                unsigned *ifindex)
{
	bool hops_seen = false;

	*ifindex = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*ifindex = (unsigned)pi.ipi_ifindex;
			meta->dst.v4 = pi.ipi_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
		           c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*ifindex = pi.ipi6_ifindex;
			meta->dst.v6 = pi.ipi6_addr;
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
		           c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			meta->arrival_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
		           c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int hops;

			memcpy(&hops, CMSG_DATA(c), sizeof(hops));
			meta->ttl = hops;
			hops_seen = true;
		}
	}
	/* The IPv6 header is not ours to read: without the kernel's word on the hop limit (a
	 * truncated control buffer) the 255 rule cannot be checked, so the packet goes. */
	if (af == AF_INET6 && !hops_seen)
		return VRRP_RX_NO_HOPLIMIT;
	return VRRP_RX_OK;
}

/* Refill the batch with one recvmmsg. The count, or -1 with errno. */
static int rx_fill(struct vrrp_sock *s)
{
	int n;

	if (!s->slots) {
		s->slots = calloc(VRRP_RX_BATCH, sizeof(*s->slots));
		if (!s->slots)
			return -1;
	}
	for (int i = 0; i < VRRP_RX_BATCH; i++) {
		struct vrrp_rx_slot *sl = &s->slots[i];

		sl->iov = (struct iovec){.iov_base = sl->data, .iov_len = sizeof(sl->data)};
		s->mm[i].msg_hdr = (struct msghdr){.msg_name = &sl->from,
		                                   .msg_namelen = sizeof(sl->from),
		                                   .msg_iov = &sl->iov,
		                                   .msg_iovlen = 1,
		                                   .msg_control = sl->cbuf.buf,
		                                   .msg_controllen = sizeof(sl->cbuf.buf)};
		s->mm[i].msg_len = 0;
	}
	n = recvmmsg(s->fd, s->mm, VRRP_RX_BATCH, MSG_DONTWAIT, NULL);
	s->rx_next = 0;
	s->rx_count = n > 0 ? (unsigned)n : 0;
	s->rx_drained = n >= 0 && n < VRRP_RX_BATCH;
	return n;
}

bool net_vrrp_buffered(const struct vrrp_sock *s)
{
	return s->rx_next < s->rx_count;
}

int net_vrrp_recv(struct vrrp_sock *s, struct vrrp_rx_meta *meta, const uint8_t **msg,
                  size_t *msg_len, enum vrrp_reason *reason)
{
	for (int skipped = 0; skipped < VRRP_RECV_SKIP; skipped++) {
		struct vrrp_rx_slot *sl;
		struct msghdr *mh;
		size_t n;
		unsigned ifindex;

		if (s->rx_next == s->rx_count) {
			int got;

			/* The queue was empty at the last read: say so, read next time. */
			if (s->rx_drained) {
				s->rx_drained = false;
				return 0;
			}
			got = rx_fill(s);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
			}
			if (got == 0)
				return 0;
		}
		sl = &s->slots[s->rx_next];
		mh = &s->mm[s->rx_next].msg_hdr;
		n = s->mm[s->rx_next].msg_len;
		s->rx_next++;
		memset(meta, 0, sizeof(*meta));
		meta->af = s->af;
		meta->ttl = -1;
		if (s->af == AF_INET && sl->from.ss_family == AF_INET)
			meta->src.v4 = ((const struct sockaddr_in *)&sl->from)->sin_addr;
		else if (s->af == AF_INET6 && sl->from.ss_family == AF_INET6)
			meta->src.v6 = ((const struct sockaddr_in6 *)&sl->from)->sin6_addr;
		*reason = net_vrrp_cmsgs(mh, s->af, meta, &ifindex);
		if (ifindex != 0 && ifindex != s->ifindex)
			continue;

		*msg = sl->data;
		*msg_len = n;
		/* A cmsg failure is charged to the VRID byte of the IPv6 payload. */
		if (*reason != VRRP_RX_OK)
			return 1;
		if (s->af == AF_INET) {
			/* The IPv4 raw socket hands the IP header too: TTL, addresses, length. A
			 * truncated datagram fails its total-length check there. */
			struct vrrp_rx_meta m = *meta;

			*reason = vrrp_pkt_decode_ipv4(sl->data, n, &m, msg, msg_len);
			if (*reason == VRRP_RX_OK) {
				m.arrival_ns = meta->arrival_ns; /* the header does not carry it */
				*meta = m;
			}
		} else if (mh->msg_flags & MSG_TRUNC) {
			*reason = VRRP_RX_LENGTH;
		}
		return 1;
	}
	return 0;
}

int net_vrrp_send(struct vrrp_sock *s, const union vip_in *src, const union vip_in *dst,
                  const uint8_t *msg, size_t len)
{
	return net_vrrp_send_ttl(s, src, dst, msg, len, 0);
}

/* Append a cmsg (level, type) holding the int v after the ones of mh (room: vrrp_cmsg_buf). */
static void put_int_cmsg(struct msghdr *mh, int level, int type, int v)
{
	struct cmsghdr *c = (struct cmsghdr *)((uint8_t *)mh->msg_control + mh->msg_controllen);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(sizeof(v));
	memcpy(CMSG_DATA(c), &v, sizeof(v));
	mh->msg_controllen += CMSG_SPACE(sizeof(v));
}

/* Fill mh (whose name, iov and control point at to, the message and cbuf) to send from src to
 * dst with TTL / hop limit ttl (0: the socket's 255). */
static void prepare(const struct vrrp_sock *s, const union vip_in *src, const union vip_in *dst,
                    int ttl, struct msghdr *mh, struct sockaddr_storage *to,
                    union vrrp_cmsg_buf *cbuf)
{
	socklen_t tolen;
	struct cmsghdr *c;

	memset(to, 0, sizeof(*to));
	memset(cbuf, 0, sizeof(*cbuf));
	mh->msg_name = to;
	mh->msg_control = cbuf->buf;
	c = (struct cmsghdr *)cbuf->buf;
	if (s->af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)to;
		struct in_pktinfo pi = {.ipi_ifindex = (int)s->ifindex, .ipi_spec_dst = src->v4};

		sin->sin_family = AF_INET;
		sin->sin_addr = dst->v4;
		tolen = sizeof(*sin);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)to;
		struct in6_pktinfo pi = {.ipi6_addr = src->v6, .ipi6_ifindex = s->ifindex};

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = dst->v6;
		/* Link-local unicast and link-scope multicast need the zone. */
		if (addr_is_linklocal6(&dst->v6) || IN6_IS_ADDR_MC_LINKLOCAL(&dst->v6))
			sin6->sin6_scope_id = s->ifindex;
		tolen = sizeof(*sin6);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	mh->msg_namelen = tolen;
	/* A routed peer's limit (unicast_ttl): the kernel takes it per message, the socket's 255
	 * stays for the other instances sharing it. */
	if (ttl > 0)
		put_int_cmsg(mh, s->af == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
		             s->af == AF_INET ? IP_TTL : IPV6_HOPLIMIT, ttl);
}

int net_vrrp_send_ttl(struct vrrp_sock *s, const union vip_in *src, const union vip_in *dst,
                      const uint8_t *msg, size_t len, int ttl)
{
	union vrrp_cmsg_buf cbuf;
	struct sockaddr_storage to;
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	prepare(s, src, dst, ttl, &mh, &to, &cbuf);
	s->tx_calls++;
	for (;;) {
		ssize_t n = sendmsg(s->fd, &mh, MSG_DONTWAIT);

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

unsigned long net_vrrp_tx_calls(const struct vrrp_sock *s)
{
	return s->tx_calls;
}

size_t net_vrrp_queued(const struct vrrp_sock *s)
{
	return s->tx ? s->tx->n : 0;
}

int net_vrrp_queue(struct vrrp_sock *s, const union vip_in *src, const union vip_in *dst,
                   const uint8_t *msg, size_t len, int ttl, void *tag, net_vrrp_sent_cb cb,
                   void *arg)
{
	struct vrrp_tx *q = s->tx;
	struct vrrp_tx_slot *sl;

	if (len > VRRP_TX_DATA) {
		errno = EMSGSIZE;
		return -1;
	}
	if (!q) {
		q = s->tx = calloc(1, sizeof(*q));
		if (!q)
			return -1;
	}
	if (q->n == NET_VRRP_TX_BATCH || q->used + len > VRRP_TX_DATA)
		net_vrrp_flush(s);
	if (q->n == 0) {
		s->tx_next = tx_pending;
		tx_pending = s;
	}
	q->cb = cb;
	q->arg = arg;
	sl = &q->slot[q->n];
	memset(&q->mm[q->n], 0, sizeof(q->mm[q->n]));
	memcpy(q->data + q->used, msg, len);
	sl->iov.iov_base = q->data + q->used;
	sl->iov.iov_len = len;
	sl->tag = tag;
	q->mm[q->n].msg_hdr.msg_iov = &sl->iov;
	q->mm[q->n].msg_hdr.msg_iovlen = 1;
	prepare(s, src, dst, ttl, &q->mm[q->n].msg_hdr, &sl->to, &sl->cbuf);
	q->used += len;
	q->n++;
	return 0;
}

/* Take s off tx_pending. */
static void unlink_pending(struct vrrp_sock *s)
{
	for (struct vrrp_sock **p = &tx_pending; *p; p = &(*p)->tx_next)
		if (*p == s) {
			*p = s->tx_next;
			break;
		}
	s->tx_next = NULL;
}

/* Tell the sender the result of message i (0 or an errno). */
static void told(struct vrrp_tx *q, size_t i, int err)
{
	if (q->cb)
		q->cb(q->arg, q->slot[i].tag, q->slot[i].iov.iov_base, q->slot[i].iov.iov_len, err);
}

void net_vrrp_flush(struct vrrp_sock *s)
{
	struct vrrp_tx *q = s->tx;
	size_t i = 0;

	if (!q || q->n == 0)
		return;
	unlink_pending(s);
	/* sendmmsg stops before the first message that fails (returning how many went) and the
	 * next call reports its errno: it is told to that message's sender and the calls go on
	 * with the next, so one bad destination costs two more calls, not the rest. */
	while (i < q->n) {
		int r = sendmmsg(s->fd, q->mm + i, (unsigned)(q->n - i), MSG_DONTWAIT);

		s->tx_calls++;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			told(q, i, errno);
			i++;
			continue;
		}
		for (int k = 0; k < r; k++, i++)
			told(q, i, q->mm[i].msg_len == q->slot[i].iov.iov_len ? 0 : EMSGSIZE);
	}
	q->n = 0;
	q->used = 0;
}

void net_vrrp_flush_all(void)
{
	while (tx_pending)
		net_vrrp_flush(tx_pending);
}

void net_vrrp_forget(void *tag)
{
	for (struct vrrp_sock *s = tx_pending; s; s = s->tx_next)
		for (size_t i = 0; i < s->tx->n; i++)
			if (s->tx->slot[i].tag == tag)
				s->tx->slot[i].tag = NULL;
}
