/* daemon_int: what the two halves of the daemon layer share. daemon.c runs the
 * lifecycle (start, reload, stop, control commands); daemon_iface.c keeps the
 * interface table in step with netlink and runs the receive path. Not an API:
 * nothing outside src/daemon*.c includes it. */
#ifndef VIPD_DAEMON_INT_H
#define VIPD_DAEMON_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "vipd/config.h"
#include "vipd/ctl.h"
#include "vipd/daemon_vmac.h"
#include "vipd/instance.h"
#include "vipd/loop.h"
#include "vipd/nl.h"
#include "vipd/sdnotify.h"

/* Packets read per wakeup of one socket: bounds the time a flood can hold the loop. */
#define RX_BURST 64

struct daemon;

/* What a socket's readiness callback needs to know. */
struct rx_ctx {
	struct daemon *d;
	struct iface *ifc;
	int afi;
};

/* An interface and the contexts of its two sockets. Allocated one by one and never moved:
 * instances and the loop hold pointers into it. */
struct daemon_iface {
	struct iface ifc;
	struct rx_ctx rx[2];
};

struct daemon {
	struct vipd_config *cfg;
	char socket_path[VIPD_PATH_MAX];
	struct loop *loop;
	struct nl *nl;
	struct ctl *ctl;
	struct vmac_mgr *vmacs;
	int announce_fd;
	struct daemon_iface **ifaces;
	size_t nifaces;
	struct instance **instances; /* one allocation each: timers point into them */
	size_t ninstances;
	struct instance_io io;
	uint64_t drops[VRRP_RX__COUNT]; /* packets no instance could be charged with */
	bool stopping;
	struct sdnotify sd;                /* systemd: READY, STATUS, WATCHDOG, STOPPING */
	struct loop_timer sd_status_timer; /* sends STATUS= once the current event is done */
	uint8_t rxbuf[65536];
	struct vrrp_adv rxadv;
};

/* The interface named name in the daemon's table, created (unknown to netlink yet) if missing. */
struct iface *iface_get(struct daemon *d, const char *name);

/* The interface named name, or NULL. */
struct iface *iface_by_name(struct daemon *d, const char *name);

/* The interface with kernel index ifindex, or NULL. */
struct iface *iface_by_index(struct daemon *d, unsigned ifindex);

/* True when netlink last said a is on ifc. */
bool iface_has_addr(const struct iface *ifc, const struct vip_addr *a);

/* Forget a on ifc (netlink said it left, or we removed it). */
void iface_del_addr(struct iface *ifc, const struct vip_addr *a);

/* Close both VRRP sockets of ifc. */
void iface_close_sockets(struct daemon *d, struct iface *ifc);

/* Open the sockets ifc's instances need (joining the group for multicast ones), close the others.
 */
void iface_sync_sockets(struct daemon *d, struct iface *ifc);

/* Apply one netlink event (from a dump or the monitor) to the table and tell the instances. */
void nl_event(void *arg, const struct nl_event *ev);

/* The monitor socket is readable: read the events, resync after ENOBUFS. */
void nl_cb(void *arg, int fd, unsigned events, monotime now);

/* Process the queued netlink events now (after we changed links ourselves). */
void nl_sync(void *arg);

#endif
