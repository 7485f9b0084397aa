/* daemon_resync: re-read every link and address from the kernel (after lost netlink events, at a
 * reload, or when an interface index is bound again) without a transition for anything that did
 * not change. The dump is collected aside, so no instance acts (and no netlink request shares the
 * socket) while it is read; then the new view is swapped in and each instance is evaluated once.
 * A failed dump changes nothing and is retried on a timer. */
#include "config.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/daemon_int.h"
#include "vipd/log.h"

/* Wait before a failed dump is tried again. */
#define RESYNC_RETRY (100 * MT_MSEC)

/* The links and addresses of one dump, in the kernel's order. */
struct resync_view {
	struct nl_event *ev;
	size_t n, cap;
	bool oom;
};

static bool is_link(const struct nl_event *ev)
{
	return ev->type == NL_EV_LINK || ev->type == NL_EV_LINK_DEL;
}

static void view_add(void *arg, const struct nl_event *ev)
{
	struct resync_view *v = arg;

	if (ev->type == NL_EV_DUMP_RESTART) {
		/* Forget what the interrupted dump gave: links come first, addresses after. */
		size_t keep = 0;

		while (ev->restart != NL_EV_LINK && keep < v->n && is_link(&v->ev[keep]))
			keep++;
		v->n = keep;
		return;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 64;
		struct nl_event *e = realloc(v->ev, cap * sizeof(*e));

		if (!e) {
			v->oom = true;
			return;
		}
		v->ev = e;
		v->cap = cap;
	}
	v->ev[v->n++] = *ev;
}

static const struct nl_link *view_link(const struct resync_view *v, const char *name,
                                       unsigned ifindex)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct nl_link *l = &v->ev[i].link;

		if (v->ev[i].type == NL_EV_LINK &&
		    (name ? strcmp(l->name, name) == 0 : l->ifindex == ifindex))
			return l;
	}
	return NULL;
}

/* Is a, an address of the view, usable (IPv6: neither tentative nor failed DAD)? */
static bool view_addr_usable(const struct nl_event *e)
{
	return e->type == NL_EV_ADDR_NEW &&
	       !(e->addr.af == AF_INET6 && (e->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)));
}

static bool view_has_addr(const struct resync_view *v, unsigned ifindex, const struct vip_addr *a)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->ev[i].ifindex == ifindex && view_addr_usable(&v->ev[i]) &&
		    addr_equal(&v->ev[i].addr, a))
			return true;
	return false;
}

/* The addresses of ifc become those of the view: the ones it had keep their order (the first is
 * the primary), new ones follow in the kernel's order. */
static void swap_addrs(struct iface *ifc, const struct resync_view *v)
{
	for (size_t i = 0; i < ifc->naddrs;) {
		if (view_has_addr(v, ifc->ifindex, &ifc->addrs[i]))
			i++;
		else
			iface_del_addr(ifc, &ifc->addrs[i]);
	}
	for (size_t i = 0; i < v->n; i++)
		if (v->ev[i].ifindex == ifc->ifindex && view_addr_usable(&v->ev[i]))
			iface_add_addr(ifc, &v->ev[i].addr);
}

static void swap_iface(struct daemon *d, struct iface *ifc, const struct resync_view *v,
                       monotime now)
{
	const struct nl_link *l = view_link(v, ifc->name, 0);

	if (ifc->ifindex && (!l || l->ifindex != ifc->ifindex)) {
		/* Its link was deleted or renamed while events were lost. */
		const struct nl_link *old = view_link(v, NULL, ifc->ifindex);

		if (old)
			log_info("%s: interface renamed to %s", ifc->name, old->name);
		else
			log_info("%s: interface removed", ifc->name);
		iface_gone(d, ifc, old != NULL, now);
	}
	if (!l)
		return;
	if (l->ifindex != ifc->ifindex)
		iface_bind(d, ifc, l->ifindex);
	if (ifc->running != l->running)
		log_info("%s: link %s", ifc->name, l->running ? "up" : "down");
	ifc->running = l->running;
	ifc->has_mac = l->has_mac;
	memcpy(ifc->mac, l->mac, sizeof(ifc->mac));
	swap_addrs(ifc, v);
	iface_sync_sockets(d, ifc);
}

int daemon_resync(struct daemon *d, const char *why)
{
	struct resync_view v = {0};
	size_t naddrs = 0, nlinks = 0;
	monotime now;

	loop_timer_cancel(d->loop, &d->resync_timer);
	if (nl_dump(d->nl, view_add, &v) < 0 || v.oom) {
		if (v.oom)
			errno = ENOMEM;
		log_warn("netlink: %s: dump (nothing changed; again in %d ms)", why,
		         (int)(RESYNC_RETRY / MT_MSEC));
		free(v.ev);
		d->resync_why = why;
		loop_timer_set(d->loop, &d->resync_timer, monotime_now() + RESYNC_RETRY);
		return -1;
	}
	now = monotime_now();
	for (size_t i = 0; i < d->nifaces; i++)
		swap_iface(d, &d->ifaces[i]->ifc, &v, now);
	vmac_mgr_check(d->vmacs);
	for (size_t i = 0; i < v.n; i++) {
		nlinks += is_link(&v.ev[i]);
		naddrs += v.ev[i].type == NL_EV_ADDR_NEW;
	}
	free(v.ev);
	if (!d->stopping) {
		for (size_t i = 0; i < d->ninstances; i++) {
			struct instance *in = d->instances[i];
			const struct iface *vif = instance_vip_iface(in);

			instance_iface_changed(in, now);
			for (size_t j = 0; j < in->cfg->nvips; j++)
				if (!iface_has_addr(vif, &in->cfg->vips[j]))
					instance_addr_deleted(in, &in->cfg->vips[j], now);
		}
		daemon_track_update(d, now);
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
	d->resync_why = why;
	if (!loop_timer_armed(&d->resync_timer))
		loop_timer_set(d->loop, &d->resync_timer, monotime_now());
}
