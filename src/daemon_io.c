/* daemon_io: the instance_io the daemon gives every instance: adverts and announcements queued
 * on the real sockets, VIP changes through netlink, and what a state or priority change sets
 * off (notify scripts, sync groups, systemd's STATUS line). */
#include "build_config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vipd/announce_tx.h"
#include "vipd/daemon_int.h"
#include "vipd/daemon_vmac.h"
#include "vipd/instance.h"
#include "vipd/log.h"
#include "vipd/net_vrrp.h"
#include "vipd/notify.h"
#include "vipd/sdnotify.h"
#include "vipd/sync_group.h"
#include "vipd/vrrp_ah.h"

/* The result of an advert queued by io_send; tag is its instance (NULL: gone since). */
static void io_sent(void *arg, void *tag, const uint8_t *msg, size_t len, int err)
{
	(void)arg;
	if (tag)
		instance_sent(tag, msg, len, err);
}

static int io_send(void *ctx, struct instance *in, const union vip_in *src, const union vip_in *dst,
                   const uint8_t *msg, size_t len)
{
	struct daemon *d = ctx;
	/* With a VMAC, adverts leave from it (source MAC = virtual MAC), as keepalived's default.
	 * Without it (deleted or down: the priority 0 advert of the FAULT that follows), or with
	 * vmac_xmit_base (keepalived's, for unicast peers), from the parent. */
	struct vrrp_sock *s = in->vmac && in->vmac->running && !in->cfg->vmac_xmit_base
	                          ? daemon_vmac_sock(d->vmacs, in)
	                          : NULL;
	int rc;

	if (!s)
		s = in->cfg->auth_ah ? daemon_iface_ah_sock(in->iface)
		                     : daemon_iface_sock(in->iface, in->cfg->af);
	if (!s) {
		errno = ENOTCONN;
		rc = -1;
	} else {
		/* unicast_ttl: only when it is not the socket's own 255. Queued: the tick's
		 * adverts of a socket leave in one sendmmsg at the end of the loop iteration
		 * (daemon_end_cb), each result told to its instance (io_sent). */
		rc = net_vrrp_queue(
		    s, src, dst, msg, len,
		    /* an AH datagram carries its TTL in the header vipd wrote (IP_HDRINCL) */
		    !in->cfg->auth_ah && in->cfg->npeers && in->cfg->unicast_ttl != VRRP_TTL
		        ? in->cfg->unicast_ttl
		        : 0,
		    in, io_sent, d);
		if (rc == 0)
			rc = 1;
	}
	/* An AH datagram: the VRRP message follows its IPv4 and AH headers. */
	if (in->cfg->auth_ah) {
		size_t vlen;
		const uint8_t *vmsg = vrrp_ah_payload(msg, len, &vlen);

		if (vmsg) {
			msg = vmsg;
			len = vlen;
		}
	}
	if (log_cats_on & LOG_CAT_PACKETS)
		daemon_debug_tx(in, src, dst, msg, len, rc);
	return rc;
}

static int io_apply(void *ctx, struct nl_change *changes, size_t n)
{
	return daemon_nl_apply(ctx, changes, n);
}

void daemon_io_announced(void *arg, void *tag, int err)
{
	(void)arg;
	if (tag)
		instance_announce_sent(tag, err);
}

static int io_announce(void *ctx, struct instance *in, const struct vip_addr *vip, const char *dev)
{
	static const uint8_t no_mac[6];
	struct daemon *d = ctx;
	int rc;
	const struct iface *out = dev[0] ? daemon_iface_by_name(d, dev) : instance_vip_iface(in);
	const uint8_t *mac = out ? daemon_iface_mac(out) : NULL;

	if (!out) {
		errno = ENODEV;
		return -1;
	}
	/* An address on lo (or a tunnel) of a dev has no neighbour to tell. */
	if (dev[0] && out->ifindex && (!mac || memcmp(mac, no_mac, sizeof(no_mac)) == 0))
		return 1;
	if (!mac || !out->ifindex) {
		errno = out->ifindex ? EAFNOSUPPORT : ENODEV;
		return -1;
	}
	/* Gratuitous ARP for IPv4, unsolicited Neighbor Advertisement for IPv6. */
	/* Queued: the iteration's announcements leave in one sendmmsg (end_cb), each result told
	 * to its instance (daemon_io_announced). The pace counts from now, when it was decided. */
	if (vip->af == AF_INET6)
		rc = announce_tx_na(d->announce_tx, out->ifindex, mac, &vip->in.v6, in);
	else
		rc = announce_tx_garp(d->announce_tx, out->ifindex, mac, vip->in.v4, in);
	if (rc < 0)
		return -1;
	daemon_garp_sent(d, in, vip, dev, monotime_now());
	return 2;
}

static monotime io_announce_due(void *ctx, struct instance *in, const struct vip_addr *vip,
                                const char *dev)
{
	return daemon_garp_due(ctx, in, vip, dev);
}

/* The kernel announced every VIP of in on its interface (IPv6: their local route is in). */
static bool io_vips_ready(void *ctx, struct instance *in)
{
	const struct iface *vif = instance_vip_iface(in);

	(void)ctx;
	for (size_t i = 0; i < instance_addrs_count(in); i++)
		if (!instance_addrs_opts(in, i)->dev[0] &&
		    !daemon_iface_has_addr(vif, instance_addrs_get(in, i)))
			return false;
	return true;
}

static int io_vmac_flush(void *ctx, struct instance *in)
{
	struct daemon *d = ctx;

	return daemon_vmac_flush(d->vmacs, in);
}

void daemon_io_status_now(struct daemon *d)
{
	struct sdnotify_counts c = {.instances = d->ninstances};

	loop_timer_cancel(d->loop, &d->sd_status_timer);
	for (size_t i = 0; i < d->ninstances; i++) {
		enum vrrp_state s = d->instances[i]->fsm.state;

		c.master += s == VRRP_STATE_MASTER;
		c.backup += s == VRRP_STATE_BACKUP;
		c.fault += s == VRRP_STATE_FAULT;
	}
	sdnotify_status(&d->sd, &c);
}

static void sd_status_cb(void *arg, monotime now)
{
	(void)now;
	daemon_io_status_now(arg);
}

/* A state change updates systemd's one-line STATUS, deferred to a timer: the instance table may
 * be mid-update (reload), and a burst of changes gives one message. */
static void io_state_changed(void *ctx, struct instance *in)
{
	struct daemon *d = ctx;
	const struct vipd_sync_group *g;
	enum vrrp_state gstate;
	const struct events_cause *cause = daemon_events_state(d, in), *prev;
	struct events_cause pulled;

	if (d->sd.fd >= 0 && !loop_timer_armed(&d->sd_status_timer))
		loop_timer_set(d->loop, &d->sd_status_timer, monotime_now());
	/* The notification first: a sync group's resignations below come after it. */
	notify_instance_state_cause(d->notifier, in->cfg, in->fsm.state, in->fsm.priority, cause);
	/* The members this move pulls along name it as their cause. */
	events_cause_init(&pulled, EVENTS_KIND_SYNC_GROUP);
	snprintf(pulled.name, sizeof(pulled.name), "%s", in->cfg->name);
	snprintf(pulled.detail, sizeof(pulled.detail), "%s %s", vrrp_fsm_state_name(in->fsm.state),
	         events_kind_name(cause->kind));
	prev = daemon_events_enter(d, &pulled);
	/* A group whose members no longer follow each other is a broken invariant. */
	if (!d->stopping && sync_group_state_changed(d->syncs, in, monotime_now()) < 0)
		log_oom_fatal("sync groups");
	daemon_events_leave(d, prev);
	/* The group's scripts once the members' moves are done (the resignations above came
	 * back here first): the group entered a state when its members all did. */
	g = sync_group_moved(d->syncs, in, &gstate);
	if (g) {
		log_info("sync group %s: %s", g->name, vrrp_fsm_state_name(gstate));
		notify_group_state(d->notifier, g, gstate);
	}
}

/* A Master heard a lower priority (the instance decided, rate-limited): run the script that
 * puts what a split brain moved (a cloud floating IP) back on this node. */
static void io_master_rx_lower(void *ctx, struct instance *in)
{
	struct daemon *d = ctx;

	notify_rx_lower(d->notifier, in->cfg, in->fsm.priority);
}

static void io_priority_changed(void *ctx, struct instance *in)
{
	struct daemon *d = ctx;

	notify_priority_state_cause(d->notifier, in->cfg->name, in->fsm.state, in->fsm.priority,
	                            daemon_events_priority(d, in));
}

void daemon_io_init(struct daemon *d)
{
	d->io = (struct instance_io){.ctx = d,
	                             .batch = &d->nl_batch,
	                             .send = io_send,
	                             .apply = io_apply,
	                             .announce = io_announce};
	d->io.state_changed = io_state_changed;
	d->io.priority_changed = io_priority_changed;
	d->io.master_rx_lower = io_master_rx_lower;
	d->io.nl_failed = daemon_events_nl_failed;
	d->io.anomaly = daemon_events_anomaly;
	d->io.vmac_flush = io_vmac_flush;
	d->io.vips_ready = io_vips_ready;
	d->io.announce_due = io_announce_due;
	d->io.drop_sync = daemon_nft_sync;
	d->io.late_log = &d->late_log;
	loop_timer_init(&d->sd_status_timer, sd_status_cb, d);
}
