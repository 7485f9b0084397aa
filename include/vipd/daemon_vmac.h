/* daemon_vmac: the VMACs of a daemon's instances (vmac = true). A VMAC exists
 * from its instance's start to its stop, on a backup as on a master; one that
 * vanishes while wanted (deleted by someone, or its parent went and came back)
 * is re-created from a timer. The parent's ARP sysctls change with its first
 * IPv4 VMAC and are restored with its last. Part of the daemon layer: logs. */
#ifndef VIPD_DAEMON_VMAC_H
#define VIPD_DAEMON_VMAC_H

#include "vipd/instance.h"
#include "vipd/loop.h"

struct vmac_mgr;

/* Called after the manager changed links: process the queued netlink events now, so the
 * interface table knows the new VMAC before anything relies on it. */
typedef void (*vmac_mgr_sync_cb)(void *arg);

/* A manager using loop for its repair timer. NULL on allocation failure. */
struct vmac_mgr *daemon_vmac_new(struct loop *loop, vmac_mgr_sync_cb sync, void *arg);

/* Free the manager (the VMACs stay: stop each instance first). NULL is fine. */
void daemon_vmac_free(struct vmac_mgr *m);

/* Create the VMAC of in (in->vmac names it, in->iface is its parent) and keep it until
 * daemon_vmac_stop. Without the parent it is created when the parent appears. The caller syncs the
 * netlink events before starting the instance. */
void daemon_vmac_start(struct vmac_mgr *m, struct instance *in);

/* At start, before the instances' VMACs: delete every macvlan vipd created (its ifalias) that
 * none of the n instances ins wants, left by a killed run with another config. Logs. When no
 * macvlan was seen (daemon_vmac_note_link) and no instance has a VMAC it does nothing, and
 * libnl, which it would load (vmac_dl.h), stays unloaded. */
void daemon_vmac_sweep(struct vmac_mgr *m, struct instance *const *ins, size_t n);

/* Note a link netlink reported (the start's dump, every event): whether a macvlan exists. */
void daemon_vmac_note_link(struct vmac_mgr *m, const struct nl_link *l);

/* Delete the VMAC of in; the parent gets its ARP sysctls back with its last IPv4 VMAC. */
void daemon_vmac_stop(struct vmac_mgr *m, struct instance *in);

/* Links changed: rebind the send sockets to the VMACs' current indexes, and re-create, shortly,
 * every wanted VMAC that is missing while its parent exists. Call before the instances hear of
 * the change. */
void daemon_vmac_check(struct vmac_mgr *m);

/* Drop the IPv6 addresses of in's VMAC silently (vmac_flush): an IPv6 VIP deleted from an up
 * interface makes the kernel send MLD reports, here from the virtual MAC of a node that has just
 * stopped being master. 0 or -1 (logged). */
int daemon_vmac_flush(struct vmac_mgr *m, struct instance *in);

/* The send-only socket on in's VMAC that its adverts leave by; NULL while there is none. */
struct vrrp_sock *daemon_vmac_sock(const struct vmac_mgr *m, const struct instance *in);

#endif
