/* daemon_iface: the daemon's interface table and its receive path (daemon_iface.c, and
 * daemon_resync.c that swaps a fresh dump in): the record of each interface with what instances
 * never see (MAC, VRRP sockets, the VRID demux table) and the limits of a socket's wakeup. Not an
 * API: only daemon_iface.c and daemon_resync.c include it; the other daemon files go through the
 * functions of daemon_int.h. */
#ifndef VIPD_DAEMON_IFACE_H
#define VIPD_DAEMON_IFACE_H

#include <stdbool.h>
#include <stdint.h>

#include "vipd/daemon_int.h"
#include "vipd/instance.h"
#include "vipd/loop.h"
#include "vipd/monotime.h"

struct vrrp_sock;

/* Packets read per wakeup of one socket: bounds the time a flood can hold the loop (~0.5 ms),
 * yet takes a whole interval of adverts of 255 instances, so that after a stall none of their
 * Master_Down_Timers is seen expired while its advert still waits in the queue. */
#define RX_BURST 256
/* Packets a burst may read when a backup's Master_Down_Timer is due meanwhile (daemon_iface.c
 * rx_cb): a flood queued ahead of the master's advert must not make the backup take over. */
#define RX_CATCHUP 16384

/* A failed VRRP socket open or group join is tried again after SOCK_RETRY_MIN, then after twice
 * the previous wait while it keeps failing, up to SOCK_RETRY_MAX. */
#define SOCK_RETRY_MIN (1 * MT_SEC)
#define SOCK_RETRY_MAX (8 * MT_SEC)

/* A socket woken again within this time of its last wakeup is busy: it is left unwatched for
 * this long, so a backup of hundreds of instances reads their adverts in a few batches per
 * interval instead of waking for every other packet. Adverts wait at most this long. */
#define RX_HOLD (500 * MT_USEC)
/* An advert counts as heard when the kernel received it (SO_TIMESTAMPNS), up to this long before
 * the loop read it: the wait (RX_HOLD, a busy loop) then does not delay a Master_Down_Timer.
 * The stamp is on the wall clock; a clock set meanwhile shifts it by no more than this, a
 * tenth of the shortest Master_Down_Interval. */
#define RX_HEARD_MAX (3 * MT_MSEC)

struct daemon_iface;

/* What a socket's readiness callback needs to know. */
struct rx_ctx {
	struct daemon *d;
	struct daemon_iface *di;
	int afi;                /* its socket: an iface_sock_index */
	int fam;                /* the family index (iface_af_index) of the demux table it uses */
	monotime last_wake;     /* the previous wakeup of this socket */
	struct loop_timer hold; /* watches the socket again after RX_HOLD */
	monotime err_logged;    /* the last receive error logged (at most one a second) */
	unsigned err_held;      /* receive errors not logged since */
};

/* The daemon's record of an interface: what instances read of it (ifc, first), what only the
 * daemon uses, and the contexts of its sockets. Allocated one by one and never moved:
 * instances and the loop hold pointers into it. */
struct daemon_iface {
	struct iface ifc;
	uint8_t mac[6]; /* the source MAC of gratuitous ARP and NA */
	bool has_mac;
	size_t addrs_cap;                     /* room in ifc.addrs and ifc.meta */
	struct vrrp_sock *sock[IFACE_NSOCKS]; /* [0] IPv4, [1] IPv6, [IFACE_SOCK_AH] IPv4 AH */
	struct instance *by_vrid[2][256];     /* demux: [family][vrid] (daemon_iface_demux_set) */
	struct rx_ctx rx[IFACE_NSOCKS];
	struct vip_addr *vips; /* ifc.all_vips */
	/* garp_groups: the earliest time of the next GARP [0] and NA [1] on it (daemon_garp.c) */
	monotime garp_next[2];
	/* An address appeared here in the netlink read under way: its instances are told once
	 * after the read (daemon_iface_nl_cb), under the cause of the last such event. */
	bool addr_pending;
	struct events_cause addr_cause;
};

/* The daemon's record of ifc: every struct iface is the first member of a daemon_iface made by
 * daemon_iface_get, and the daemon owns it (instances hold it const). */
static inline struct daemon_iface *daemon_iface_of(const struct iface *ifc)
{
	return (struct daemon_iface *)(uintptr_t)ifc;
}

#endif
