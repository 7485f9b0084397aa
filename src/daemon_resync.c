/* daemon_resync: re-read every link and address from the kernel (after lost netlink events, at a
 * reload, or when an interface index is bound again) without a transition for anything that did
 * not change. The dump is collected aside, so no instance acts (and no netlink request shares the
 * socket) while it is read; then the new view is swapped in and each instance is evaluated once.
 * A failed dump changes nothing and is retried on a timer. */
#include "build_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/daemon_iface.h"
#include "vipd/daemon_int.h"
#include "vipd/log.h"
#include "vipd/nl_view.h"

/* Wait before a failed dump is tried again. */
#define RESYNC_RETRY (100 * MT_MSEC)

static void swap_iface(struct daemon *d, struct iface *ifc, const struct nl_view *v, monotime now)
{
	struct daemon_iface *di = daemon_iface_of(ifc);
	const struct nl_link *l = nl_view_link(v, ifc->name, 0);

	if (ifc->ifindex && (!l || l->ifindex != ifc->ifindex)) {
		/* Its link was deleted or renamed while events were lost. */
		const struct nl_link *old = nl_view_link(v, NULL, ifc->ifindex);

		if (old)
			log_info("%s: interface renamed to %s", ifc->name, old->name);
		else
			log_info("%s: interface removed", ifc->name);
		daemon_iface_gone(d, ifc, old != NULL, now);
	}
	if (!l)
		return;
	if (l->ifindex != ifc->ifindex)
		daemon_iface_bind(d, ifc, l->ifindex);
	if (ifc->running != l->running)
		log_info("%s: link %s", ifc->name, l->running ? "up" : "down");
	ifc->running = l->running;
	di->has_mac = l->has_mac;
	memcpy(di->mac, l->mac, sizeof(di->mac));
	/* The addresses it keeps keep their order: the primary stays. */
	if (nl_view_addrs(v, ifc->ifindex, &ifc->addrs, &ifc->meta, &ifc->naddrs, &di->addrs_cap) <
	    0)
		log_oom_fatal("iface address table");
	daemon_iface_sync_sockets(d, ifc);
}

int daemon_resync(struct daemon *d, const char *why)
{
	struct nl_view v = {0};
	size_t naddrs, nlinks;
	monotime now;

	log_debug_cat(LOG_CAT_NETLINK, "resync (%s): dumping links and addresses", why);
	loop_timer_cancel(d->loop, &d->resync_timer);
	/* Events queued now are older than the dump: it supersedes them. */
	nl_monitor_drain(d->nl);
	d->resync_lost = false;
	if (nl_dump(d->nl, nl_view_collect, &v) < 0 || v.oom) {
		if (v.oom)
			errno = ENOMEM;
		log_warn("netlink: %s: dump (nothing changed; again in %d ms)", why,
		         (int)(RESYNC_RETRY / MT_MSEC));
		nl_view_free(&v);
		d->resync_why = why;
		loop_timer_set(d->loop, &d->resync_timer, monotime_now() + RESYNC_RETRY);
		return -1;
	}
	now = monotime_now();
	for (size_t i = 0; i < d->nifaces; i++)
		swap_iface(d, &d->ifaces[i]->ifc, &v, now);
	daemon_vmac_check(d->vmacs);
	nl_view_counts(&v, &nlinks, &naddrs);
	nl_view_free(&v);
	if (!d->stopping) {
		struct events_cause cause;
		const struct events_cause *prev = d->events_ctx;

		/* Inside a reload the reload is the cause; else what the fresh dump showed. */
		if (!prev) {
			events_cause_init(&cause, EVENTS_KIND_INTERFACE);
			snprintf(cause.detail, sizeof(cause.detail), "netlink resync (%s)", why);
			daemon_events_enter(d, &cause);
		}
		for (size_t i = 0; i < d->ninstances; i++) {
			struct instance *in = d->instances[i];
			instance_iface_changed(in, now);
			for (size_t j = 0; j < instance_addrs_count(in); j++) {
				unsigned ix = instance_addrs_ifindex(in, j);
				const struct iface *ifc = daemon_iface_by_index(d, ix);

				if (ifc && !daemon_iface_has_addr(ifc, instance_addrs_get(in, j)))
					instance_addr_deleted_on(in, ix, instance_addrs_get(in, j),
					                         now);
			}
		}
		daemon_track_update(d, now);
		daemon_events_leave(d, prev);
	}
	log_info("netlink: %s: resynchronised (%zu links, %zu addresses)", why, nlinks, naddrs);
	return 0;
}

static void resync_timer_cb(void *arg, monotime now)
{
	struct daemon *d = arg;

	(void)now;
	(void)daemon_resync(d, d->resync_why ? d->resync_why : "retry");
}

void daemon_resync_init(struct daemon *d)
{
	loop_timer_init(&d->resync_timer, resync_timer_cb, d);
}

void daemon_resync_soon(struct daemon *d, const char *why)
{
	if (loop_timer_armed(&d->resync_timer) && d->resync_timer.deadline <= monotime_now())
		return; /* one re-read, due now already, serves both */
	log_debug_cat(LOG_CAT_NETLINK, "resync scheduled: %s", why);
	d->resync_why = why;
	loop_timer_set(d->loop, &d->resync_timer, monotime_now());
}
