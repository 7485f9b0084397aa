/* nl: rtnetlink through libmnl. Two sockets: a request socket for address and route
 * changes (batched, acknowledged, with extended-ack messages) and dumps, and a
 * monitor socket subscribed to link and address events. Never logs. */
#include "build_config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "vipd/nl.h"
#include "vipd/nl_msg.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h; glibc's net/if.h lacks it */
#endif

/* Send buffer: one RTM_NEWADDR for IPv6 is 16 + 8 + 2 * 20 + 8 = 72 bytes, an IPv6 RTM_NEWROUTE
 * 16 + 12 + 2 * 20 + 3 * 8 = 92, so 64 KiB holds a batch of ~700 changes; longer lists go out in
 * several batches. */
#define NL_SEND_BUF (64 * 1024)
/* Room for one datagram: the kernel sizes dump messages to the reader's buffer, at most 32 KiB. */
#define NL_RECV_BUF (32 * 1024)
/* Receive buffers. A batch queues all its acks at once, each costing ~830 bytes of rmem: with the
 * default buffer, acks beyond ~512 are dropped (measured); 4 MiB holds ~5000. An event storm must
 * not overrun the monitor either. */
#define NL_REQ_RCVBUF (4 * 1024 * 1024)
#define NL_MON_RCVBUF (4 * 1024 * 1024)
/* How long nl_apply and nl_dump wait for the kernel's answer in total. */
#define NL_TIMEOUT_MS 1000
/* Acks read per recvmmsg call, and the room for one ack (an ack is < 300 bytes with CAP_ACK). */
#define NL_ACK_VLEN 32
#define NL_ACK_LEN 1024
/* Messages nl_monitor_read takes per call; the level-triggered loop calls again for the rest. */
#define NL_MON_MAX_READS 256
/* Messages nl_monitor_drain discards at most (the re-dump after an overrun must not be followed
 * by events older than it). Also bounds drain_req. */
#define NL_MON_MAX_DRAIN 65536
/* Times nl_dump restarts a dump the kernel marked as interrupted (NLM_F_DUMP_INTR). */
#define NL_DUMP_RETRIES 3

struct nl {
	struct mnl_socket *req;
	struct mnl_socket *mon;
	uint32_t seq;
	uint8_t sbuf[NL_SEND_BUF]; /* the buffers hold netlink messages: keep them 4-aligned */
	uint8_t rbuf[NL_RECV_BUF];
	uint8_t abuf[NL_ACK_VLEN][NL_ACK_LEN];
	bool proto_seen; /* an address event carried IFA_PROTO */
};

static void set_rcvbuf(int fd, int size)
{
	/* SO_RCVBUFFORCE needs CAP_NET_ADMIN; SO_RCVBUF is capped by net.core.rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static struct mnl_socket *open_sock(unsigned groups, int rcvbuf, const char *what, char *err,
                                    size_t errlen)
{
	struct mnl_socket *s = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (!s) {
		snprintf(err, errlen, "netlink %s socket: %s", what, strerror(errno));
		return NULL;
	}
	set_rcvbuf(mnl_socket_get_fd(s), rcvbuf);
	if (mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "netlink %s bind: %s", what, strerror(errno));
		mnl_socket_close(s);
		return NULL;
	}
	return s;
}

struct nl *nl_open(char *err, size_t errlen)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl) {
		snprintf(err, errlen, "netlink: %s", strerror(errno));
		return NULL;
	}
	nl->req = open_sock(0, NL_REQ_RCVBUF, "request", err, errlen);
	if (!nl->req)
		goto fail;
	/* Both are best effort: the ack parser copes with uncapped acks and acks without TLVs. */
	(void)mnl_socket_setsockopt(nl->req, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(nl->req, NETLINK_CAP_ACK, &one, sizeof(one));

	nl->mon = open_sock(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, NL_MON_RCVBUF,
	                    "monitor", err, errlen);
	if (!nl->mon)
		goto fail;
	nl->seq = (uint32_t)time(NULL);
	return nl;
fail:
	nl_close(nl);
	return NULL;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->req)
		mnl_socket_close(nl->req);
	if (nl->mon)
		mnl_socket_close(nl->mon);
	free(nl);
}

int nl_monitor_fd(const struct nl *nl)
{
	return mnl_socket_get_fd(nl->mon);
}

/* --- time ---------------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is readable or the deadline passes: 1 readable, 0 timeout, -1 error. */
static int wait_readable(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

/* --- address, route and rule changes (their messages: nl_msg.c) ------------ */

struct ack_tlv {
	char *msg;
	size_t len;
};

static int ack_attr_cb(const struct nlattr *attr, void *data)
{
	struct ack_tlv *t = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_get_payload_len(attr) > 0) {
		const char *s = mnl_attr_get_payload(attr);
		size_t n = strnlen(s, mnl_attr_get_payload_len(attr));

		if (n >= t->len)
			n = t->len - 1;
		memcpy(t->msg, s, n);
		t->msg[n] = '\0';
		/* The kernel's messages have no trailing newline, but be safe. */
		while (n > 0 && t->msg[n - 1] == '\n')
			t->msg[--n] = '\0';
	}
	return MNL_CB_OK;
}

/* Parse one NLMSG_ERROR (len bytes received, possibly truncated) into *error and msg. Returns
 * false if it is not a usable ack. */
static bool parse_ack(const struct nlmsghdr *nlh, size_t len, int *error, char *msg, size_t msglen)
{
	const struct nlmsgerr *e;
	size_t off;

	if (len < NLMSG_HDRLEN + sizeof(int) || nlh->nlmsg_type != NLMSG_ERROR)
		return false;
	e = mnl_nlmsg_get_payload(nlh);
	*error = e->error > 0 ? -e->error : e->error;
	msg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len < nlh->nlmsg_len ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return true;
	/* TLVs follow the nlmsgerr and, unless capped, the echoed request payload. */
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len > NLMSG_HDRLEN)
		off += MNL_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	if (NLMSG_HDRLEN + MNL_ALIGN(off) > nlh->nlmsg_len)
		return true;
	struct ack_tlv t = {msg, msglen};
	(void)mnl_attr_parse(nlh, (unsigned)off, ack_attr_cb, &t);
	return true;
}

/* Sentinel in nl_change.error while a change waits for its ack (never returned). */
#define NL_PENDING 1

/* Read acks for the changes ch[0..n) sent with seq base..base+n-1 until all arrived or the
 * deadline passed. Returns the number still waiting; *lost is set when the kernel reported that it
 * dropped messages for this socket (an ack may be among them). */
static size_t read_acks(struct nl *nl, struct nl_change *ch, size_t n, size_t pending,
                        uint32_t base, int64_t deadline, bool *lost)
{
	int fd = mnl_socket_get_fd(nl->req);
	struct mmsghdr mm[NL_ACK_VLEN];
	struct iovec iov[NL_ACK_VLEN];

	while (pending > 0) {
		memset(mm, 0, sizeof(mm));
		for (size_t i = 0; i < NL_ACK_VLEN; i++) {
			iov[i].iov_base = nl->abuf[i];
			iov[i].iov_len = NL_ACK_LEN;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		int r = recvmmsg(fd, mm, NL_ACK_VLEN, MSG_DONTWAIT, NULL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				*lost = true;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				break;
			/* rtnetlink queues every ack before sendmsg returns: once acks were
			 * dropped, waiting cannot bring them back. */
			if (*lost || wait_readable(fd, deadline) <= 0)
				break;
			continue;
		}
		for (int i = 0; i < r; i++) {
			const struct nlmsghdr *nlh = (const void *)nl->abuf[i];
			size_t len = mm[i].msg_len;

			/* One ack per datagram, but walk in case several are packed. A truncated
			 * datagram still carries the error code at its start. */
			while (len >= NLMSG_HDRLEN && nlh->nlmsg_len >= NLMSG_HDRLEN) {
				uint32_t idx = nlh->nlmsg_seq - base;

				if (idx < n && ch[idx].error == NL_PENDING &&
				    parse_ack(nlh, len, &ch[idx].error, ch[idx].msg,
				              sizeof(ch[idx].msg)))
					pending--;
				if (MNL_ALIGN(nlh->nlmsg_len) >= len)
					break;
				len -= MNL_ALIGN(nlh->nlmsg_len);
				nlh = (const void *)((const uint8_t *)nlh +
				                     MNL_ALIGN(nlh->nlmsg_len));
			}
		}
	}
	return pending;
}

/* Send ch[0..n) as one batch and collect the acks. 0, or -1 with errno if sendmsg failed. */
static int apply_batch(struct nl *nl, struct nl_change *ch, size_t n)
{
	uint32_t base = nl->seq;
	size_t len = 0, pending = 0;
	bool lost = false;

	nl->seq += (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		if (ch[i].error != NL_PENDING)
			continue;
		len += nl_msg_build(nl->sbuf + len, &ch[i], base + (uint32_t)i);
		pending++;
	}
	if (pending == 0)
		return 0;
	if (mnl_socket_sendto(nl->req, nl->sbuf, len) < 0)
		return -1;
	pending = read_acks(nl, ch, n, pending, base, now_ms() + NL_TIMEOUT_MS, &lost);
	for (size_t i = 0; pending > 0 && i < n; i++) {
		if (ch[i].error != NL_PENDING)
			continue;
		ch[i].error = lost ? -ENOBUFS : -ETIMEDOUT;
		snprintf(ch[i].msg, sizeof(ch[i].msg), "%s",
		         lost ? "acknowledgement dropped by the kernel, outcome unknown"
		              : "no acknowledgement from the kernel");
		pending--;
	}
	return 0;
}

int nl_apply(struct nl *nl, struct nl_change *changes, size_t n)
{
	size_t per = NL_SEND_BUF / nl_msg_max();
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		changes[i].msg[0] = '\0';
		changes[i].error = NL_PENDING;
		if (!nl_msg_valid(&changes[i])) {
			changes[i].error = -EINVAL;
			snprintf(changes[i].msg, sizeof(changes[i].msg), "invalid change");
		}
	}
	for (size_t start = 0; start < n; start += per) {
		size_t cnt = n - start < per ? n - start : per;

		if (apply_batch(nl, changes + start, cnt) < 0) {
			int e = errno;

			for (size_t i = start; i < n; i++)
				if (changes[i].error == NL_PENDING)
					changes[i].error = -e;
			if (start == 0) {
				errno = e;
				return -1;
			}
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (changes[i].error != 0)
			failed++;
	return failed;
}

/* --- parsing links and addresses ------------------------------------------ */

struct attr_tab {
	const struct nlattr **tb;
	unsigned max;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attr_tab *t = data;
	unsigned type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

static bool parse_link(const struct nlmsghdr *nlh, struct nl_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {0};
	struct attr_tab t = {tb, IFLA_MAX};
	const struct ifinfomsg *ifi;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return false;
	ifi = mnl_nlmsg_get_payload(nlh);
	/* The bridge reports its ports as AF_BRIDGE link messages in the same group: skip those,
	 * a port leaving a bridge is not a deleted interface. */
	if (ifi->ifi_family != AF_UNSPEC || ifi->ifi_index <= 0)
		return false;
	if (mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, &t) < 0)
		return false;
	memset(l, 0, sizeof(*l));
	l->ifindex = (unsigned)ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	/* IFF_RUNNING: operationally up (carrier and no dormancy); IFF_LOWER_UP: carrier. */
	l->running = (l->flags & IFF_UP) && (l->flags & IFF_RUNNING) && (l->flags & IFF_LOWER_UP);
	if (tb[IFLA_IFNAME]) {
		const char *name = mnl_attr_get_payload(tb[IFLA_IFNAME]);
		size_t len = strnlen(name, mnl_attr_get_payload_len(tb[IFLA_IFNAME]));

		if (len >= sizeof(l->name))
			len = sizeof(l->name) - 1;
		memcpy(l->name, name, len);
	}
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == sizeof(l->mac)) {
		memcpy(l->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), sizeof(l->mac));
		l->has_mac = true;
	}
	if (tb[IFLA_LINKINFO]) {
		const struct nlattr *info[IFLA_INFO_MAX + 1] = {0};
		struct attr_tab it = {info, IFLA_INFO_MAX};

		if (mnl_attr_parse_nested(tb[IFLA_LINKINFO], attr_cb, &it) >= 0 &&
		    info[IFLA_INFO_KIND] &&
		    strncmp(mnl_attr_get_payload(info[IFLA_INFO_KIND]), "macvlan",
		            mnl_attr_get_payload_len(info[IFLA_INFO_KIND])) == 0)
			l->macvlan = true;
	}
	return true;
}

static bool parse_addr(const struct nlmsghdr *nlh, struct nl_event *ev)
{
	const struct nlattr *tb[IFA_MAX + 1] = {0};
	struct attr_tab t = {tb, IFA_MAX};
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	size_t alen;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return false;
	ifa = mnl_nlmsg_get_payload(nlh);
	alen = addr_size(ifa->ifa_family);
	if (alen == 0 || mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &t) < 0)
		return false;
	/* IFA_LOCAL is the address itself; IFA_ADDRESS is the peer on point-to-point links. */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != alen)
		return false;
	ev->ifindex = ifa->ifa_index;
	ev->addr.af = ifa->ifa_family;
	ev->addr.plen = ifa->ifa_prefixlen;
	memcpy(&ev->addr.in, mnl_attr_get_payload(a), alen);
	ev->ifa_flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] && mnl_attr_get_payload_len(tb[IFA_FLAGS]) == sizeof(uint32_t))
		ev->ifa_flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
	if (tb[IFA_PROTO] && mnl_attr_get_payload_len(tb[IFA_PROTO]) == sizeof(uint8_t))
		ev->ifa_proto = mnl_attr_get_u8(tb[IFA_PROTO]);
	return true;
}

/* Turn a link or address message into an event. False for anything else. */
static bool msg_to_event(const struct nlmsghdr *nlh, struct nl_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		ev->type = NL_EV_LINK;
		return parse_link(nlh, &ev->link);
	case RTM_DELLINK:
		ev->type = NL_EV_LINK_DEL;
		return parse_link(nlh, &ev->link);
	case RTM_NEWADDR:
		ev->type = NL_EV_ADDR_NEW;
		return parse_addr(nlh, ev);
	case RTM_DELADDR:
		ev->type = NL_EV_ADDR_DEL;
		return parse_addr(nlh, ev);
	default:
		return false;
	}
}

/* Hand an event to the caller, noting whether the kernel reports address protocols. */
static void deliver(struct nl *nl, const struct nl_event *ev, nl_event_cb cb, void *arg)
{
	if (ev->ifa_proto)
		nl->proto_seen = true;
	cb(arg, ev);
}

bool nl_addr_proto_known(const struct nl *nl)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	/* The kernel sets one on loopback and IPv6 link-local addresses: usually seen at the
	 * first dump. Else the version: a backport left unseen only costs the fallback. */
	if (nl->proto_seen)
		return true;
	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 5 || (major == 5 && minor >= 18);
}

/* Receive one datagram from the kernel into nl->rbuf. Returns its length, or -1 with errno
 * (ENOSPC when it was truncated, EAGAIN when nothing is pending). Messages not sent by the
 * kernel are skipped. */
static ssize_t recv_kernel(struct nl *nl, struct mnl_socket *s)
{
	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov = {nl->rbuf, sizeof(nl->rbuf)};
		struct msghdr mh = {
		    .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1};
		ssize_t r = recvmsg(mnl_socket_get_fd(s), &mh, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (mh.msg_flags & MSG_TRUNC) {
			errno = ENOSPC;
			return -1;
		}
		if (mh.msg_namelen != sizeof(sa) || sa.nl_pid != 0)
			continue;
		return r;
	}
}

/* --- dumps ------------------------------------------------------------------ */

/* Discard what a request that was given up on (timeout) left queued on the request socket: late
 * acks are harmless, but an unfinished dump makes the next one fail with EBUSY until it is read. */
static void drain_req(struct nl *nl)
{
	for (int i = 0; i < NL_MON_MAX_DRAIN; i++)
		if (recv_kernel(nl, nl->req) < 0 && errno != ENOBUFS && errno != ENOSPC)
			break;
}

/* Run one dump (RTM_GETLINK or RTM_GETADDR). 0 or -1 with errno; *intr when the kernel flagged
 * the dump as inconsistent (the table changed during it). */
static int dump_one(struct nl *nl, uint16_t type, nl_event_cb cb, void *arg, bool *intr)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->sbuf);
	int fd = mnl_socket_get_fd(nl->req);
	uint32_t seq = nl->seq++;
	int64_t deadline;

	drain_req(nl);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

		ifi->ifi_family = AF_UNSPEC;
		/* Statistics are most of a link message and of no use here. */
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	} else {
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

		ifa->ifa_family = AF_UNSPEC;
	}
	if (mnl_socket_sendto(nl->req, nlh, nlh->nlmsg_len) < 0)
		return -1;

	deadline = now_ms() + NL_TIMEOUT_MS;
	for (;;) {
		ssize_t r = recv_kernel(nl, nl->req);

		if (r < 0) {
			if (errno == ENOBUFS) {
				*intr = true; /* an overrun: start again to be sure */
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			int w = wait_readable(fd, deadline);
			if (w < 0)
				return -1;
			if (w == 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			continue;
		}
		int left = (int)r;

		for (const struct nlmsghdr *m = (const void *)nl->rbuf; mnl_nlmsg_ok(m, left);
		     m = mnl_nlmsg_next(m, &left)) {
			struct nl_event ev;

			if (m->nlmsg_seq != seq)
				continue; /* a late ack of an earlier batch */
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				if (mnl_nlmsg_get_payload_len(m) < sizeof(int))
					continue;
				if (e->error == 0)
					continue;
				errno = -e->error;
				return -1;
			}
			if (msg_to_event(m, &ev))
				deliver(nl, &ev, cb, arg);
		}
	}
}

int nl_dump(struct nl *nl, nl_event_cb cb, void *arg)
{
	static const uint16_t types[] = {RTM_GETLINK, RTM_GETADDR};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		bool intr = true;

		for (int tries = 0; intr; tries++) {
			if (tries > NL_DUMP_RETRIES) {
				errno = EINTR;
				return -1;
			}
			if (tries > 0) {
				struct nl_event ev = {.type = NL_EV_DUMP_RESTART,
				                      .restart = i ? NL_EV_ADDR_NEW : NL_EV_LINK};

				cb(arg, &ev);
			}
			intr = false;
			if (dump_one(nl, types[i], cb, arg, &intr) < 0)
				return -1;
		}
	}
	return 0;
}

/* --- monitor ---------------------------------------------------------------- */

int nl_monitor_read(struct nl *nl, nl_event_cb cb, void *arg)
{
	for (int i = 0; i < NL_MON_MAX_READS; i++) {
		ssize_t r = recv_kernel(nl, nl->mon);

		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* Events were lost: what is queued is stale once the caller re-reads. */
			if (errno == ENOBUFS || errno == ENOSPC)
				return NL_RESYNC;
			return -1;
		}
		int left = (int)r;

		for (const struct nlmsghdr *m = (const void *)nl->rbuf; mnl_nlmsg_ok(m, left);
		     m = mnl_nlmsg_next(m, &left)) {
			struct nl_event ev;

			if (msg_to_event(m, &ev))
				deliver(nl, &ev, cb, arg);
		}
	}
	return 0;
}

void nl_monitor_drain(struct nl *nl)
{
	for (int i = 0; i < NL_MON_MAX_DRAIN; i++)
		if (recv_kernel(nl, nl->mon) < 0 && errno != ENOBUFS && errno != ENOSPC)
			break;
}
