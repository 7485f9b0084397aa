/* daemon_int: what the two halves of the daemon layer share. daemon.c runs the
 * lifecycle (start, reload, stop, control commands); daemon_iface.c keeps the
 * interface table in step with netlink and runs the receive path. Not an API:
 * nothing outside src/daemon*.c includes it. */
#ifndef VIPD_DAEMON_INT_H
#define VIPD_DAEMON_INT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "vipd/config.h"
#include "vipd/ctl.h"
#include "vipd/daemon_vmac.h"
#include "vipd/instance.h"
#include "vipd/loop.h"
#include "vipd/nl.h"
#include "vipd/sdnotify.h"

struct notifier;
struct sync_set;

/* Packets read per wakeup of one socket: bounds the time a flood can hold the loop (~0.5 ms),
 * yet takes a whole interval of adverts of 255 instances, so that after a stall none of their
 * Master_Down_Timers is seen expired while its advert still waits in the queue. */
#define RX_BURST 256

struct daemon;

/* A socket woken again within this time of its last wakeup is busy: it is left unwatched for
 * this long, so a backup of hundreds of instances reads their adverts in a few batches per
 * interval instead of waking for every other packet. Adverts wait at most this long. */
#define RX_HOLD (500 * MT_USEC)

/* What a socket's readiness callback needs to know. */
struct rx_ctx {
	struct daemon *d;
	struct iface *ifc;
	int afi;
	monotime last_wake;     /* the previous wakeup of this socket */
	struct loop_timer hold; /* watches the socket again after RX_HOLD */
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
	struct notifier *notifier;         /* notify scripts and notify_fifo (notify.c) */
	struct sync_set *syncs;            /* sync groups bound to the instances (sync_group.c) */
	struct loop_timer stop_timer;      /* at stop: waits for the notify scripts, bounded */
	monotime stop_deadline;
	struct track *track; /* the checks of cfg (track.c, daemon_track.c) */
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

/* Build the checks of cfg (replacing d->track, whose equal checks keep their state; call before
 * the old config is freed) and put the tracked interfaces in the table. 0, or -1 (logged) with
 * no checks running at all. */
int daemon_track_setup(struct daemon *d, const struct vipd_config *cfg);

/* Start the checks built by daemon_track_setup (first runs now). */
void daemon_track_start(struct daemon *d, monotime now);

/* Give every instance its tracking result (checks and tracked interfaces). */
void daemon_track_update(struct daemon *d, monotime now);

/* Add "checks" and "track_interfaces" to the status object io of in. */
void daemon_track_status(struct daemon *d, const struct instance *in, struct json_object *io);

/* Process the queued netlink events now (after we changed links ourselves). */
void nl_sync(void *arg);

#endif
