/* announce_tx: announcement frames queued during a loop iteration and sent in one sendmmsg per
 * batch at its end (see announce_tx.h). The frames are built by announce.c's pure builders. */
#include "build_config.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/announce.h"
#include "vipd/announce_tx.h"

/* The longer of the two frames: a gratuitous ARP is 42 bytes. */
#define FRAME_MAX ANNOUNCE_NA_LEN

struct announce_slot {
	struct sockaddr_ll to;
	struct iovec iov;
	void *tag;
	uint8_t frame[FRAME_MAX];
};

struct announce_tx {
	int fd;
	announce_tx_cb cb;
	void *arg;
	size_t n;
	unsigned long calls;
	struct announce_slot slot[ANNOUNCE_TX_BATCH];
	struct mmsghdr mm[ANNOUNCE_TX_BATCH];
};

struct announce_tx *announce_tx_new(int fd, announce_tx_cb cb, void *arg)
{
	struct announce_tx *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->fd = fd;
	q->cb = cb;
	q->arg = arg;
	return q;
}

void announce_tx_free(struct announce_tx *q)
{
	if (!q)
		return;
	announce_tx_flush(q);
	free(q);
}

/* The next free slot for a frame of proto to dst on ifindex (the queue flushed if full). */
static struct announce_slot *take(struct announce_tx *q, unsigned ifindex, uint16_t proto,
                                  const uint8_t dst[6], void *tag)
{
	struct announce_slot *sl;

	if (q->n == ANNOUNCE_TX_BATCH)
		announce_tx_flush(q);
	sl = &q->slot[q->n];
	memset(&sl->to, 0, sizeof(sl->to));
	sl->to.sll_family = AF_PACKET;
	sl->to.sll_protocol = htons(proto);
	sl->to.sll_ifindex = (int)ifindex;
	sl->to.sll_halen = 6;
	memcpy(sl->to.sll_addr, dst, 6);
	sl->tag = tag;
	return sl;
}

/* Queue the frame built in sl (len bytes). */
static int put(struct announce_tx *q, struct announce_slot *sl, size_t len)
{
	struct mmsghdr *m = &q->mm[q->n];

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	sl->iov.iov_base = sl->frame;
	sl->iov.iov_len = len;
	memset(m, 0, sizeof(*m));
	m->msg_hdr.msg_name = &sl->to;
	m->msg_hdr.msg_namelen = sizeof(sl->to);
	m->msg_hdr.msg_iov = &sl->iov;
	m->msg_hdr.msg_iovlen = 1;
	q->n++;
	return 0;
}

int announce_tx_garp(struct announce_tx *q, unsigned ifindex, const uint8_t mac[6],
                     struct in_addr ip, void *tag)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct announce_slot *sl = take(q, ifindex, ETH_P_ARP, bcast, tag);

	return put(q, sl, announce_build_garp(sl->frame, sizeof(sl->frame), mac, ip));
}

int announce_tx_na(struct announce_tx *q, unsigned ifindex, const uint8_t mac[6],
                   const struct in6_addr *ip, void *tag)
{
	/* ff02::1 on Ethernet (RFC 2464 7) */
	static const uint8_t all_nodes[6] = {0x33, 0x33, 0, 0, 0, 1};
	struct announce_slot *sl = take(q, ifindex, ETH_P_IPV6, all_nodes, tag);

	return put(q, sl, announce_build_na(sl->frame, sizeof(sl->frame), mac, ip, true));
}

/* Tell the sender of frame i its result. */
static void told(struct announce_tx *q, size_t i, int err)
{
	if (q->cb)
		q->cb(q->arg, q->slot[i].tag, err);
}

void announce_tx_flush(struct announce_tx *q)
{
	size_t i = 0;

	/* As net_vrrp_flush: sendmmsg stops before a frame that fails, the next call reports
	 * its errno to that frame's sender, and the calls go on with the rest. */
	while (i < q->n) {
		int r = sendmmsg(q->fd, q->mm + i, (unsigned)(q->n - i), MSG_DONTWAIT);

		q->calls++;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			told(q, i++, errno);
			continue;
		}
		for (int k = 0; k < r; k++, i++)
			told(q, i, q->mm[i].msg_len == q->slot[i].iov.iov_len ? 0 : EMSGSIZE);
	}
	q->n = 0;
}

void announce_tx_forget(struct announce_tx *q, void *tag)
{
	for (size_t i = 0; q && i < q->n; i++)
		if (q->slot[i].tag == tag)
			q->slot[i].tag = NULL;
}

size_t announce_tx_queued(const struct announce_tx *q)
{
	return q->n;
}

unsigned long announce_tx_calls(const struct announce_tx *q)
{
	return q->calls;
}
