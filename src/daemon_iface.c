/* daemon_iface: the interfaces named by the config, kept in step with netlink
 * (links, addresses, resync after lost events), their VRRP sockets, and the
 * receive path: one socket per (interface, family), demux by VRID. */
#include "build_config.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "vipd/daemon_iface.h"
#include "vipd/daemon_int.h"
#include "vipd/log.h"
#include "vipd/net_vrrp.h"
#include "vipd/vmac.h"

/* --- interfaces --- */

struct iface *daemon_iface_by_name(struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->nifaces; i++)
		if (strcmp(d->ifaces[i]->ifc.name, name) == 0)
			return &d->ifaces[i]->ifc;
	return NULL;
}

struct iface *daemon_iface_by_index(struct daemon *d, unsigned ifindex)
{
	for (size_t i = 0; i < d->nifaces; i++)
		if (ifindex && d->ifaces[i]->ifc.ifindex == ifindex)
			return &d->ifaces[i]->ifc;
	return NULL;
}

static size_t iface_addr_index(const struct iface *ifc, const struct vip_addr *a)
{
	for (size_t i = 0; i < ifc->naddrs; i++)
		if (addr_equal(&ifc->addrs[i], a))
			return i;
	return ifc->naddrs;
}

bool daemon_iface_has_addr(const struct iface *ifc, const struct vip_addr *a)
{
	return iface_addr_index(ifc, a) < ifc->naddrs;
}

int daemon_iface_addr_proto(const struct iface *ifc, const struct vip_addr *a)
{
	size_t i = iface_addr_index(ifc, a);

	if (i == ifc->naddrs)
		return -1;
	return ifc->meta ? ifc->meta[i].proto : 0;
}

/* Add a to ifc, or update what netlink says of it (a promoted secondary loses the flag). */
static void iface_add_addr(struct iface *ifc, const struct vip_addr *a, uint32_t flags,
                           uint8_t proto)
{
	struct daemon_iface *di = daemon_iface_of(ifc);
	size_t i = iface_addr_index(ifc, a);

	if (i == ifc->naddrs && ifc->naddrs == di->addrs_cap) {
		size_t cap = di->addrs_cap ? 2 * di->addrs_cap : 8;
		struct vip_addr *n = realloc(ifc->addrs, cap * sizeof(*n));
		struct nl_addr_meta *m;

		if (!n)
			log_oom_fatal("iface address table");
		ifc->addrs = n;
		m = realloc(ifc->meta, cap * sizeof(*m));
		if (!m)
			log_oom_fatal("iface address table");
		ifc->meta = m;
		di->addrs_cap = cap;
	}
	if (i == ifc->naddrs)
		ifc->addrs[ifc->naddrs++] = *a;
	ifc->meta[i] = (struct nl_addr_meta){.flags = flags, .proto = proto};
}

void daemon_iface_del_addr(struct iface *ifc, const struct vip_addr *a)
{
	size_t i = iface_addr_index(ifc, a);

	if (i == ifc->naddrs)
		return;
	/* Keep the order: the kernel lists an interface's primary addresses first. */
	memmove(&ifc->addrs[i], &ifc->addrs[i + 1], (ifc->naddrs - i - 1) * sizeof(ifc->addrs[0]));
	memmove(&ifc->meta[i], &ifc->meta[i + 1], (ifc->naddrs - i - 1) * sizeof(ifc->meta[0]));
	ifc->naddrs--;
}

static void rx_cb(void *arg, int fd, unsigned events, monotime now);
static void iface_notify_instances(struct daemon *d, struct iface *ifc, monotime now);

/* The family of each socket index, and its name in messages. */
static const int sock_afs[IFACE_NSOCKS] = {AF_INET, AF_INET6, AF_INET};
static const char *const af_names[IFACE_NSOCKS] = {"IPv4", "IPv6", "IPv4 AH"};

/* Does an instance of ifc use its socket si (an iface_sock_index)? */
static bool iface_uses_sock(const struct iface *ifc, int si)
{
	struct daemon_iface *di = daemon_iface_of(ifc);
	struct instance *const *tab = di->by_vrid[iface_af_index(sock_afs[si])];

	for (int vrid = 1; vrid < 256; vrid++)
		if (tab[vrid] &&
		    iface_sock_index(tab[vrid]->cfg->af, tab[vrid]->cfg->auth_ah) == si)
			return true;
	return false;
}

/* The groups of the multicast instances (those without unicast_peers) of socket si on ifc, each
 * once, into out (room for NET_VRRP_GROUPS + 1: one more says too many); their number. */
static size_t iface_groups(const struct iface *ifc, int si, union vip_in *out)
{
	struct daemon_iface *di = daemon_iface_of(ifc);
	int af = sock_afs[si];
	struct instance *const *tab = di->by_vrid[iface_af_index(af)];
	size_t n = 0, len = af == AF_INET ? 4 : 16;

	for (int vrid = 1; vrid < 256 && n <= NET_VRRP_GROUPS; vrid++) {
		const struct vipd_instance_config *c = tab[vrid] ? tab[vrid]->cfg : NULL;
		union vip_in g;
		size_t k = 0;

		if (!c || c->npeers || iface_sock_index(c->af, c->auth_ah) != si)
			continue;
		if (c->has_mcast_group)
			g = c->mcast_group;
		else
			vrrp_pkt_group(af, &g);
		while (k < n && memcmp(out[k].bytes, g.bytes, len) != 0)
			k++;
		if (k == n)
			out[n++] = g;
	}
	return n;
}

void daemon_iface_close_sockets(struct daemon *d, struct iface *ifc)
{
	struct daemon_iface *di = daemon_iface_of(ifc);

	for (int i = 0; i < IFACE_NSOCKS; i++) {
		ifc->sock_error[i][0] = ifc->join_error[i][0] = '\0';
		if (!di->sock[i])
			continue;
		loop_del_fd(d->loop, net_vrrp_fd(di->sock[i]));
		net_vrrp_close(di->sock[i]);
		di->sock[i] = NULL;
	}
}

/* Record the outcome of one socket step in slot (an error text, "" when it worked): a new
 * failure is a warning, the same one again (a retry) debug detail, a repair (fixed says what
 * works now) a notice. */
static void note_sock_error(const struct iface *ifc, char *slot, size_t len, const char *err,
                            const char *fixed)
{
	if (!*err) {
		if (*slot)
			log_notice("%s: %s (was: %s)", ifc->name, fixed, slot);
		*slot = '\0';
		return;
	}
	if (strcmp(slot, err) == 0)
		log_debug("%s: still: %s", ifc->name, err);
	else
		log_warnx("%s: %s; its instances are in FAULT until a retry works", ifc->name, err);
	snprintf(slot, len, "%s", err);
}

/* Open the sockets an existing interface needs and join the group where a multicast instance
 * runs; a failure is a FAULT reason of the instances it concerns (iface.sock_error,
 * join_error), retried by daemon_iface_sock_retry_cb. */
static void iface_open_sockets(struct daemon *d, struct iface *ifc)
{
	struct daemon_iface *di = daemon_iface_of(ifc);

	for (int i = 0; i < IFACE_NSOCKS; i++) {
		char err[256] = "", msg[sizeof(ifc->sock_error[i])];
		union vip_in groups[NET_VRRP_GROUPS + 1];
		size_t ngroups;

		if (!ifc->ifindex || !iface_uses_sock(ifc, i)) {
			ifc->sock_error[i][0] = ifc->join_error[i][0] = '\0';
			continue;
		}
		if (!di->sock[i]) {
			di->sock[i] =
			    i == IFACE_SOCK_AH
			        ? net_vrrp_open_ah(ifc->ifindex, ifc->name, err, sizeof(err))
			        : net_vrrp_open(sock_afs[i], ifc->ifindex, ifc->name, err,
			                        sizeof(err));
			if (di->sock[i] &&
			    loop_add_fd(d->loop, net_vrrp_fd(di->sock[i]), EPOLLIN, rx_cb,
			                &((struct daemon_iface *)ifc)->rx[i]) < 0) {
				snprintf(err, sizeof(err), "vrrp socket (%s): watch: %s",
				         af_names[i], strerror(errno));
				net_vrrp_close(di->sock[i]);
				di->sock[i] = NULL;
			}
			snprintf(msg, sizeof(msg), "%s", err);
			snprintf(err, sizeof(err), "the %s VRRP socket is open", af_names[i]);
			note_sock_error(ifc, ifc->sock_error[i], sizeof(ifc->sock_error[i]), msg,
			                err);
		}
		if (!di->sock[i]) {
			ifc->join_error[i][0] = '\0';
			continue;
		}
		/* One socket serves unicast and multicast instances alike; only the latter need
		 * the group. */
		ngroups = iface_groups(ifc, i, groups);
		if (!ngroups) {
			/* No multicast instance left (reload): no join to wait for. */
			ifc->join_error[i][0] = '\0';
			(void)net_vrrp_join(di->sock[i], NULL, 0);
			continue;
		}
		msg[0] = '\0';
		if (net_vrrp_join(di->sock[i], groups, ngroups) < 0)
			snprintf(msg, sizeof(msg), "cannot join the %s VRRP group: %s", af_names[i],
			         strerror(errno));
		snprintf(err, sizeof(err), "joined the %s VRRP group", af_names[i]);
		note_sock_error(ifc, ifc->join_error[i], sizeof(ifc->join_error[i]), msg, err);
	}
	if (daemon_iface_sock_failed(ifc) && !loop_timer_armed(&d->sock_retry_timer)) {
		if (!d->sock_retry_delay)
			d->sock_retry_delay = SOCK_RETRY_MIN;
		loop_timer_set(d->loop, &d->sock_retry_timer, monotime_now() + d->sock_retry_delay);
	}
}

bool daemon_iface_sock_failed(const struct iface *ifc)
{
	for (int i = 0; i < IFACE_NSOCKS; i++)
		if (ifc->sock_error[i][0] || ifc->join_error[i][0])
			return true;
	return false;
}

/* iface_open_sockets, and the instances re-evaluate when a failure came, went or changed (a
 * reload may start the first multicast instance of a family: a failed join concerns the running
 * instances too; a retry may open the socket and fail the join). */
static void iface_retry_sockets(struct daemon *d, struct iface *ifc, monotime now)
{
	char before[2][sizeof(ifc->sock_error)];

	memcpy(before[0], ifc->sock_error, sizeof(before[0]));
	memcpy(before[1], ifc->join_error, sizeof(before[1]));
	iface_open_sockets(d, ifc);
	if (memcmp(before[0], ifc->sock_error, sizeof(before[0])) ||
	    memcmp(before[1], ifc->join_error, sizeof(before[1])))
		iface_notify_instances(d, ifc, now);
}

/* Open the sockets an interface's instances need and close those no instance uses any more. */
void daemon_iface_sync_sockets(struct daemon *d, struct iface *ifc)
{
	struct daemon_iface *di = daemon_iface_of(ifc);

	for (int i = 0; i < IFACE_NSOCKS; i++) {
		if (!di->sock[i] || iface_uses_sock(ifc, i))
			continue;
		loop_del_fd(d->loop, net_vrrp_fd(di->sock[i]));
		net_vrrp_close(di->sock[i]);
		di->sock[i] = NULL;
	}
	iface_retry_sockets(d, ifc, monotime_now());
}

static void iface_notify_instances(struct daemon *d, struct iface *ifc, monotime now)
{
	if (d->stopping)
		return;
	for (size_t i = 0; i < d->ninstances; i++)
		if (d->instances[i]->iface == ifc || d->instances[i]->vmac == ifc)
			instance_iface_changed(d->instances[i], now);
	daemon_track_update(d, now);
}

/* Try the failed socket opens and group joins again; while some still fail, the next try
 * waits twice as long, up to SOCK_RETRY_MAX (iface_open_sockets arms it). A setsockopt never
 * blocks the loop. */
void daemon_iface_sock_retry_cb(void *arg, monotime now)
{
	struct daemon *d = arg;
	bool failed = false;

	d->sock_retry_delay =
	    d->sock_retry_delay * 2 < SOCK_RETRY_MAX ? d->sock_retry_delay * 2 : SOCK_RETRY_MAX;
	for (size_t i = 0; i < d->nifaces; i++) {
		struct iface *ifc = &d->ifaces[i]->ifc;

		if (!daemon_iface_sock_failed(ifc))
			continue;
		iface_retry_sockets(d, ifc, now);
		failed = failed || daemon_iface_sock_failed(ifc);
	}
	if (!failed)
		d->sock_retry_delay = 0;
}

/* --- netlink events --- */

void daemon_iface_gone(struct daemon *d, struct iface *ifc, bool renamed, monotime now)
{
	/* A renamed link still holds the VIPs and can send: release while its index names it. */
	if (renamed && !d->stopping)
		for (size_t i = 0; i < d->ninstances; i++)
			if (d->instances[i]->iface == ifc || d->instances[i]->vmac == ifc)
				instance_iface_lost(d->instances[i], "interface renamed", now);
	daemon_iface_close_sockets(d, ifc);
	ifc->ifindex = 0;
	ifc->running = false;
	ifc->naddrs = 0;
}

void daemon_iface_bind(struct daemon *d, struct iface *ifc, unsigned ifindex)
{
	if (ifc->ifindex)
		log_info("%s: interface re-created (index %u -> %u)", ifc->name, ifc->ifindex,
		         ifindex);
	daemon_iface_close_sockets(d, ifc);
	ifc->naddrs = 0;
	ifc->ifindex = ifindex;
}

void daemon_iface_nl_event(void *arg, const struct nl_event *ev)
{
	struct daemon *d = arg;
	struct daemon_iface *di;
	struct iface *ifc, *old;
	monotime now = monotime_now();

	switch (ev->type) {
	case NL_EV_LINK:
		daemon_vmac_note_link(d->vmacs, &ev->link);
		ifc = daemon_iface_by_name(d, ev->link.name);
		old = daemon_iface_by_index(d, ev->link.ifindex);
		if (old && old != ifc) {
			/* Renamed away from a name we use: released like a link that left. */
			log_info("%s: interface renamed to %s", old->name, ev->link.name);
			daemon_iface_gone(d, old, true, now);
			daemon_vmac_check(d->vmacs);
			iface_notify_instances(d, old, now);
		}
		if (!ifc)
			return;
		if (ifc->ifindex != ev->link.ifindex)
			daemon_iface_bind(d, ifc, ev->link.ifindex);
		if (ifc->running != ev->link.running)
			log_info("%s: link %s", ifc->name, ev->link.running ? "up" : "down");
		ifc->running = ev->link.running;
		di = daemon_iface_of(ifc);
		di->has_mac = ev->link.has_mac;
		memcpy(di->mac, ev->link.mac, sizeof(di->mac));
		iface_open_sockets(d, ifc);
		daemon_vmac_check(d->vmacs);
		iface_notify_instances(d, ifc, now);
		return;
	case NL_EV_LINK_DEL:
		ifc = daemon_iface_by_index(d, ev->link.ifindex);
		if (!ifc)
			return;
		log_info("%s: interface removed", ifc->name);
		daemon_iface_gone(d, ifc, false, now);
		daemon_vmac_check(d->vmacs);
		iface_notify_instances(d, ifc, now);
		return;
	case NL_EV_ADDR_NEW:
		ifc = daemon_iface_by_index(d, ev->ifindex);
		if (!ifc)
			return;
		/* An IPv6 address under DAD (or that failed it) cannot be a source: the kernel
		 * announces it again once DAD is done (a fresh link-local after a link flap). */
		if (ev->addr.af == AF_INET6 &&
		    (ev->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
			daemon_iface_del_addr(ifc, &ev->addr);
		else
			iface_add_addr(ifc, &ev->addr, ev->ifa_flags, ev->ifa_proto);
		if (d->nl_reading) {
			/* A new master's VIPs come back as one event each: telling every instance
			 * at each (and the checks of all of them) made 1000 VIPs O(n^2), the last
			 * GARP 35 ms late. The read takes them all in first. */
			di = daemon_iface_of(ifc);
			di->addr_pending = true;
			di->addr_cause = *d->nl_reading;
			return;
		}
		iface_notify_instances(d, ifc, now);
		return;
	case NL_EV_ADDR_DEL:
		ifc = daemon_iface_by_index(d, ev->ifindex);
		if (!ifc)
			return;
		daemon_iface_del_addr(ifc, &ev->addr);
		if (!d->stopping)
			for (size_t i = 0; i < d->ninstances; i++)
				instance_addr_deleted_on(d->instances[i], ifc->ifindex, &ev->addr,
				                         now);
		iface_notify_instances(d, ifc, now);
		return;
	case NL_EV_DUMP_RESTART:
		return; /* a dump read again only repeats what it said */
	}
}

/* A monitor event. The kernel does not repeat the addresses of a link renamed to a name we use
 * (or renamed back): re-read them whenever an index is bound. */
static void monitor_event(void *arg, const struct nl_event *ev)
{
	struct daemon *d = arg;
	struct iface *ifc = ev->type == NL_EV_LINK ? daemon_iface_by_name(d, ev->link.name) : NULL;
	unsigned before = ifc ? ifc->ifindex : 0;
	struct events_cause cause;
	const struct events_cause *prev;

	if (log_cats_on & LOG_CAT_NETLINK)
		daemon_debug_nl_event(ev);
	daemon_events_nl_cause(d, ev, &cause);
	prev = daemon_events_enter(d, &cause);
	d->nl_reading = &cause;
	daemon_iface_nl_event(d, ev);
	d->nl_reading = NULL;
	daemon_events_leave(d, prev);
	if (ifc && ifc->ifindex != before)
		daemon_resync_soon(d, "interface index bound");
}

/* Tell the instances of each interface that gained addresses in the read just done, once. */
static void addr_pending_flush(struct daemon *d)
{
	for (size_t i = 0; i < d->nifaces; i++) {
		struct daemon_iface *di = d->ifaces[i];
		const struct events_cause *prev;

		if (!di->addr_pending)
			continue;
		di->addr_pending = false;
		prev = daemon_events_enter(d, &di->addr_cause);
		iface_notify_instances(d, &di->ifc, monotime_now());
		daemon_events_leave(d, prev);
	}
}

void daemon_iface_nl_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct daemon *d = arg;
	int r;

	(void)fd;
	(void)events;
	(void)now;
	/* Events were lost and the re-read is due: what is queued meanwhile is older than it. */
	if (d->resync_lost) {
		nl_monitor_drain(d->nl);
		return;
	}
	r = nl_monitor_read(d->nl, monitor_event, d);
	addr_pending_flush(d);
	if (r == NL_RESYNC) {
		/* From the timers, after the protocol timers already due: a master frozen long
		 * enough to lose events has an advert to send first. */
		log_warnx("netlink: events were lost (ENOBUFS); resynchronising");
		d->resync_lost = true;
		daemon_resync_soon(d, "after lost events");
	} else if (r < 0 && errno != EAGAIN) {
		log_warn("netlink: monitor read");
	}
}

/* Take in the events queued now: the VMAC manager just changed links, and what it made must be
 * in the interface table before anything relies on it (after lost events, the re-read will).
 * Never from inside daemon_iface_nl_event. */
void daemon_iface_nl_sync(void *arg)
{
	struct daemon *d = arg;
	struct pollfd p = {.fd = nl_monitor_fd(d->nl), .events = POLLIN};

	for (int i = 0; i < 1024 && !d->resync_lost && poll(&p, 1, 0) == 1; i++)
		daemon_iface_nl_cb(d, p.fd, POLLIN, monotime_now());
}

/* --- receive path --- */

static void count_drop(struct daemon *d, struct iface *ifc, int afi, const uint8_t *msg, size_t len,
                       enum vrrp_reason r)
{
	struct daemon_iface *di = daemon_iface_of(ifc);

	/* Charge the instance the packet was meant for when its VRID byte is readable. After an
	 * IPv4 header error msg is that header, whose second byte (the TOS) is no VRID. */
	struct instance *in =
	    msg && len >= 2 && r != VRRP_RX_IP_HEADER ? di->by_vrid[afi][msg[1]] : NULL;

	if (in)
		instance_count_drop(in, r);
	else
		d->drops[r]++;
}

/* The hold is over: watch the socket again (at once readable if packets came meanwhile). */
static void rx_hold_cb(void *arg, monotime now)
{
	struct rx_ctx *rx = arg;
	struct vrrp_sock *s = rx->di->sock[rx->afi];

	(void)now;
	if (s && loop_mod_fd(rx->d->loop, net_vrrp_fd(s), EPOLLIN) < 0)
		log_warn("%s: watch VRRP socket", rx->di->ifc.name);
}

/* Interrupt moderation: a socket woken twice within RX_HOLD rests for RX_HOLD. A quiet socket
 * (one instance, adverts every second) is read the moment a packet arrives. */
static void rx_moderate(struct rx_ctx *rx, int fd, monotime now)
{
	bool busy = rx->last_wake && now - rx->last_wake < RX_HOLD;

	rx->last_wake = now;
	if (!busy || loop_mod_fd(rx->d->loop, fd, 0) < 0)
		return;
	loop_timer_set(rx->d->loop, &rx->hold, now + RX_HOLD);
}

/* Is the Master_Down_Timer of a backup on ifc (family index afi) due by now? */
static bool rx_backup_expiring(const struct iface *ifc, int afi, monotime now)
{
	struct daemon_iface *di = daemon_iface_of(ifc);

	for (int vrid = 1; vrid < 256; vrid++) {
		const struct instance *in = di->by_vrid[afi][vrid];

		if (in && in->fsm.state == VRRP_STATE_BACKUP && in->fsm.master_down_timer &&
		    in->fsm.master_down_timer <= now)
			return true;
	}
	return false;
}

static void rx_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct rx_ctx *rx = arg;
	struct daemon *d = rx->d;
	struct daemon_iface *di = rx->di;
	struct iface *ifc = &di->ifc;
	struct vrrp_sock *s = di->sock[rx->afi];
	int64_t real_minus_mono;

	(void)events;
	if (!s || net_vrrp_fd(s) != fd)
		return;
	rx_moderate(rx, fd, now);
	/* read together: the kernel stamps its arrivals on the wall clock */
	real_minus_mono = monotime_realtime_now() - monotime_now();
	/* A burst ends at RX_BURST packets, but never with packets left in the socket's batch, nor
	 * (up to RX_CATCHUP) while a backup's Master_Down_Timer is expiring: under a flood its
	 * master's advert may still wait in the queue behind the junk. */
	for (int n = 0, catchup = 0; n < RX_BURST || net_vrrp_buffered(s) || n < catchup; n++) {
		if (n == RX_BURST && rx_backup_expiring(ifc, rx->fam, monotime_now()))
			catchup = RX_CATCHUP;
		struct vrrp_rx_meta meta;
		const uint8_t *msg = NULL;
		size_t len = 0;
		enum vrrp_reason r = VRRP_RX_OK;
		enum vrrp_csum_form form = VRRP_CSUM_RFC5798;
		struct instance *in;
		int got = net_vrrp_recv(s, &meta, &msg, &len, &r);

		if (got <= 0) {
			if (got < 0 && errno != EAGAIN && errno != EINTR) {
				/* an error that persists (ENOMEM) comes back at every wakeup */
				if (rx->err_logged && now - rx->err_logged < MT_SEC) {
					rx->err_held++;
				} else {
					log_warn("%s: receive (%u more not logged)", ifc->name,
					         rx->err_held);
					rx->err_logged = now;
					rx->err_held = 0;
				}
			}
			return;
		}
		if (r == VRRP_RX_OK) {
			/* unicast_ttl_check = false: peek at the VRID to find whose it is. */
			in = len >= 2 ? di->by_vrid[rx->fam][msg[1]] : NULL;
			if (in && !instance_receive_ttl_checked(in->cfg, &meta))
				meta.ttl = -1;
			r = vrrp_pkt_decode(msg, len, &meta, &d->rxadv, &form);
		}
		if (r != VRRP_RX_OK) {
			count_drop(d, ifc, rx->fam, msg, len, r);
			if (log_cats_on & LOG_CAT_PACKETS)
				daemon_debug_rx_drop(ifc, &meta, msg, len, r);
			continue;
		}
		in = di->by_vrid[rx->fam][d->rxadv.vrid];
		if (!in || addr_cmp_in(meta.af, &in->primary, &meta.src) == 0) {
			r = in ? VRRP_RX_OWN : VRRP_RX_VRID;
			if (in)
				instance_count_drop(in, r);
			else
				d->drops[r]++;
			if (log_cats_on & LOG_CAT_PACKETS)
				daemon_debug_rx_drop(ifc, &meta, msg, len, r);
			continue;
		}
		instance_receive(
		    in, &d->rxadv, &meta, form,
		    monotime_of_realtime(meta.arrival_ns, real_minus_mono, now, RX_HEARD_MAX), now);
		now = monotime_now();
	}
}

void daemon_iface_demux_set(const struct iface *ifc, int af, uint8_t vrid, struct instance *in)
{
	daemon_iface_of(ifc)->by_vrid[iface_af_index(af)][vrid] = in;
}

struct vrrp_sock *daemon_iface_sock(const struct iface *ifc, int af)
{
	return daemon_iface_of(ifc)->sock[iface_af_index(af)];
}

struct vrrp_sock *daemon_iface_ah_sock(const struct iface *ifc)
{
	return daemon_iface_of(ifc)->sock[IFACE_SOCK_AH];
}

const uint8_t *daemon_iface_mac(const struct iface *ifc)
{
	const struct daemon_iface *di = daemon_iface_of(ifc);

	return di->has_mac ? di->mac : NULL;
}

struct json_object *daemon_iface_unmatched_drops(const struct daemon *d)
{
	struct json_object *o = json_object_new_object();

	for (int r = VRRP_RX_OK + 1; o && r < VRRP_RX__COUNT; r++)
		if (d->drops[r])
			json_object_object_add(o, vrrp_pkt_reason_name((enum vrrp_reason)r),
			                       json_object_new_uint64(d->drops[r]));
	return o;
}

/* The VIPs and excluded addresses of cfg (they come and go with the state alike) that are
 * never di's advert source: all but the IPv6 link-local ones of instances on other interfaces
 * (a link-local address belongs to its link). */
static void iface_set_vips(struct daemon_iface *di, const struct vipd_config *cfg)
{
	size_t n = 0;
	struct vip_addr *all;

	for (size_t i = 0; i < cfg->ninstances; i++)
		n += cfg->instances[i].nvips + cfg->instances[i].nexcluded;
	all = malloc((n ? n : 1) * sizeof(*all));
	if (!all)
		log_oom_fatal("address list");
	n = 0;
	for (size_t i = 0; i < cfg->ninstances; i++) {
		const struct vipd_instance_config *ic = &cfg->instances[i];

		for (size_t j = 0; j < ic->nvips + ic->nexcluded; j++) {
			const struct vip_addr *a =
			    j < ic->nvips ? &ic->vips[j] : &ic->excluded[j - ic->nvips];

			if (a->af != AF_INET6 || !addr_is_linklocal6(&a->in.v6) ||
			    strcmp(ic->interface, di->ifc.name) == 0)
				all[n++] = *a;
		}
	}
	qsort(all, n, sizeof(*all), instance_vip_addr_cmp);
	free(di->vips);
	di->vips = all;
	di->ifc.all_vips = all;
	di->ifc.nall_vips = n;
}

/* Does cfg have an IPv6 link-local VIP or excluded address (whose list differs by interface)? */
static bool has_linklocal6(const struct vipd_config *cfg)
{
	for (size_t i = 0; i < cfg->ninstances; i++) {
		const struct vipd_instance_config *ic = &cfg->instances[i];

		for (size_t j = 0; j < ic->nvips + ic->nexcluded; j++) {
			const struct vip_addr *a =
			    j < ic->nvips ? &ic->vips[j] : &ic->excluded[j - ic->nvips];

			if (a->af == AF_INET6 && addr_is_linklocal6(&a->in.v6))
				return true;
		}
	}
	return false;
}

void daemon_iface_vips_rebuild(struct daemon *d, const struct vipd_config *cfg)
{
	/* Without a link-local VIP every interface gets the same list: sorted once, copied to
	 * the others (a sort per interface was a tenth of a 1000-instance reload, callgrind). */
	bool same = d->nifaces > 1 && !has_linklocal6(cfg);

	d->vips_cfg = cfg;
	for (size_t i = 0; i < d->nifaces; i++) {
		struct daemon_iface *di = d->ifaces[i];
		const struct iface *first = &d->ifaces[0]->ifc;
		struct vip_addr *all;

		if (!same || i == 0) {
			iface_set_vips(di, cfg);
			continue;
		}
		all = malloc((first->nall_vips ? first->nall_vips : 1) * sizeof(*all));
		if (!all)
			log_oom_fatal("address list");
		memcpy(all, first->all_vips, first->nall_vips * sizeof(*all));
		free(di->vips);
		di->vips = all;
		di->ifc.all_vips = all;
		di->ifc.nall_vips = first->nall_vips;
	}
}

void daemon_iface_start(struct daemon *d)
{
	for (size_t i = 0; i < d->nifaces; i++) {
		if (!d->ifaces[i]->ifc.ifindex)
			log_warnx("%s: no such interface (yet); its instances wait in FAULT",
			          d->ifaces[i]->ifc.name);
		daemon_iface_sync_sockets(d, &d->ifaces[i]->ifc);
	}
}

void daemon_iface_sync_all(struct daemon *d)
{
	for (size_t i = 0; i < d->nifaces; i++)
		daemon_iface_sync_sockets(d, &d->ifaces[i]->ifc);
}

void daemon_iface_free_all(struct daemon *d)
{
	for (size_t i = 0; i < d->nifaces; i++) {
		daemon_iface_close_sockets(d, &d->ifaces[i]->ifc);
		free(d->ifaces[i]->ifc.addrs);
		free(d->ifaces[i]->ifc.meta);
		free(d->ifaces[i]->vips);
		free(d->ifaces[i]);
	}
}

/* The interface named name, created (not yet known to netlink) when missing. */
struct iface *daemon_iface_get(struct daemon *d, const char *name)
{
	struct iface *ifc = daemon_iface_by_name(d, name);
	struct daemon_iface *di, **list;

	if (ifc)
		return ifc;
	di = calloc(1, sizeof(*di));
	list = realloc(d->ifaces, (d->nifaces + 1) * sizeof(*list));
	if (!di || !list)
		log_oom_fatal("interface table");
	d->ifaces = list;
	snprintf(di->ifc.name, sizeof(di->ifc.name), "%s", name);
	if (d->vips_cfg)
		iface_set_vips(di, d->vips_cfg);
	for (int afi = 0; afi < IFACE_NSOCKS; afi++) {
		di->rx[afi] = (struct rx_ctx){
		    .d = d, .di = di, .afi = afi, .fam = iface_af_index(sock_afs[afi])};
		loop_timer_init(&di->rx[afi].hold, rx_hold_cb, &di->rx[afi]);
	}
	d->ifaces[d->nifaces++] = di;
	return &di->ifc;
}
