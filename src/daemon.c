/* daemon: wiring of loop, netlink, interfaces, VRRP sockets, instances and the
 * control socket. Work per packet is a table look-up: one socket per
 * (interface, family), demux by VRID. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vipd/announce.h"
#include "vipd/ctl.h"
#include "vipd/daemon.h"
#include "vipd/instance.h"
#include "vipd/log.h"
#include "vipd/net_vrrp.h"
#include "vipd/nl.h"

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
	int announce_fd;
	struct daemon_iface **ifaces;
	size_t nifaces;
	struct instance **instances; /* one allocation each: timers point into them */
	size_t ninstances;
	struct instance_io io;
	uint64_t drops[VRRP_RX__COUNT]; /* packets no instance could be charged with */
	bool stopping;
	uint8_t rxbuf[65536];
	struct vrrp_adv rxadv;
};

/* --- instance I/O through the real kernel --- */

static int io_send(void *ctx, struct instance *in, const union vip_in *src, const union vip_in *dst,
                   const uint8_t *msg, size_t len)
{
	struct vrrp_sock *s = in->iface->sock[iface_af_index(in->cfg->af)];

	(void)ctx;
	if (!s) {
		errno = ENOTCONN;
		return -1;
	}
	return vrrp_sock_send(s, src, dst, msg, len);
}

static int io_apply(void *ctx, struct nl_change *changes, size_t n)
{
	struct daemon *d = ctx;

	return nl_apply(d->nl, changes, n);
}

static int io_announce(void *ctx, struct instance *in, const struct vip_addr *vip)
{
	struct daemon *d = ctx;

	if (vip->af != AF_INET || !in->iface->has_mac || !in->iface->ifindex) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return announce_garp(d->announce_fd, in->iface->ifindex, in->iface->mac, vip->in.v4);
}

/* --- interfaces --- */

static struct iface *iface_by_name(struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->nifaces; i++)
		if (strcmp(d->ifaces[i]->ifc.name, name) == 0)
			return &d->ifaces[i]->ifc;
	return NULL;
}

static struct iface *iface_by_index(struct daemon *d, unsigned ifindex)
{
	for (size_t i = 0; i < d->nifaces; i++)
		if (ifindex && d->ifaces[i]->ifc.ifindex == ifindex)
			return &d->ifaces[i]->ifc;
	return NULL;
}

static bool iface_has_addr(const struct iface *ifc, const struct vip_addr *a)
{
	for (size_t i = 0; i < ifc->naddrs; i++)
		if (addr_equal(&ifc->addrs[i], a))
			return true;
	return false;
}

static void iface_add_addr(struct iface *ifc, const struct vip_addr *a)
{
	if (iface_has_addr(ifc, a))
		return;
	if (ifc->naddrs == ifc->addrs_cap) {
		size_t cap = ifc->addrs_cap ? 2 * ifc->addrs_cap : 8;
		struct vip_addr *n = realloc(ifc->addrs, cap * sizeof(*n));

		if (!n)
			fatal("iface address table");
		ifc->addrs = n;
		ifc->addrs_cap = cap;
	}
	ifc->addrs[ifc->naddrs++] = *a;
}

static void iface_del_addr(struct iface *ifc, const struct vip_addr *a)
{
	for (size_t i = 0; i < ifc->naddrs; i++) {
		if (addr_equal(&ifc->addrs[i], a)) {
			/* Keep the order: the first address is the primary. */
			memmove(&ifc->addrs[i], &ifc->addrs[i + 1],
			        (ifc->naddrs - i - 1) * sizeof(ifc->addrs[0]));
			ifc->naddrs--;
			return;
		}
	}
}

static void rx_cb(void *arg, int fd, unsigned events, monotime now);

static bool iface_uses_af(const struct iface *ifc, int af)
{
	for (int vrid = 1; vrid < 256; vrid++)
		if (ifc->by_vrid[iface_af_index(af)][vrid])
			return true;
	return false;
}

static void iface_close_sockets(struct daemon *d, struct iface *ifc)
{
	for (int i = 0; i < 2; i++) {
		if (!ifc->sock[i])
			continue;
		loop_del_fd(d->loop, vrrp_sock_fd(ifc->sock[i]));
		vrrp_sock_close(ifc->sock[i]);
		ifc->sock[i] = NULL;
	}
}

/* Open the sockets an existing interface needs; a failure leaves its instances in FAULT. */
static void iface_open_sockets(struct daemon *d, struct iface *ifc)
{
	static const int afs[2] = {AF_INET, AF_INET6};

	for (int i = 0; i < 2; i++) {
		char err[256];

		if (ifc->sock[i] || !ifc->ifindex || !iface_uses_af(ifc, afs[i]))
			continue;
		ifc->sock[i] = vrrp_sock_open(afs[i], ifc->ifindex, ifc->name, err, sizeof(err));
		if (!ifc->sock[i]) {
			log_warnx("%s: cannot open VRRP socket: %s", ifc->name, err);
			continue;
		}
		if (loop_add_fd(d->loop, vrrp_sock_fd(ifc->sock[i]), EPOLLIN, rx_cb,
		                &((struct daemon_iface *)ifc)->rx[i]) < 0) {
			log_warn("%s: watch VRRP socket", ifc->name);
			vrrp_sock_close(ifc->sock[i]);
			ifc->sock[i] = NULL;
		}
	}
}

/* Open the sockets an interface's instances need and close those no instance uses any more. */
static void iface_sync_sockets(struct daemon *d, struct iface *ifc)
{
	static const int afs[2] = {AF_INET, AF_INET6};

	for (int i = 0; i < 2; i++) {
		if (!ifc->sock[i] || iface_uses_af(ifc, afs[i]))
			continue;
		loop_del_fd(d->loop, vrrp_sock_fd(ifc->sock[i]));
		vrrp_sock_close(ifc->sock[i]);
		ifc->sock[i] = NULL;
	}
	iface_open_sockets(d, ifc);
}

static void iface_notify_instances(struct daemon *d, struct iface *ifc, monotime now)
{
	if (d->stopping)
		return;
	for (size_t i = 0; i < d->ninstances; i++)
		if (d->instances[i]->iface == ifc)
			instance_iface_changed(d->instances[i], now);
}

/* --- netlink events --- */

static void nl_event(void *arg, const struct nl_event *ev)
{
	struct daemon *d = arg;
	struct iface *ifc;
	monotime now = monotime_now();

	switch (ev->type) {
	case NL_EV_LINK:
		ifc = iface_by_name(d, ev->link.name);
		if (!ifc) {
			/* Renamed away from a name we use: as good as gone. */
			ifc = iface_by_index(d, ev->link.ifindex);
			if (!ifc)
				return;
			goto link_gone;
		}
		if (ifc->ifindex != ev->link.ifindex) {
			if (ifc->ifindex)
				log_info("%s: interface re-created (index %u -> %u)", ifc->name,
				         ifc->ifindex, ev->link.ifindex);
			iface_close_sockets(d, ifc);
			ifc->naddrs = 0;
			ifc->ifindex = ev->link.ifindex;
		}
		if (ifc->running != ev->link.running)
			log_info("%s: link %s", ifc->name, ev->link.running ? "up" : "down");
		ifc->running = ev->link.running;
		ifc->has_mac = ev->link.has_mac;
		memcpy(ifc->mac, ev->link.mac, sizeof(ifc->mac));
		iface_open_sockets(d, ifc);
		iface_notify_instances(d, ifc, now);
		return;
	case NL_EV_LINK_DEL:
		ifc = iface_by_index(d, ev->link.ifindex);
		if (!ifc)
			return;
	link_gone:
		log_info("%s: interface removed", ifc->name);
		iface_close_sockets(d, ifc);
		ifc->ifindex = 0;
		ifc->running = false;
		ifc->naddrs = 0;
		iface_notify_instances(d, ifc, now);
		return;
	case NL_EV_ADDR_NEW:
		ifc = iface_by_index(d, ev->ifindex);
		if (!ifc)
			return;
		iface_add_addr(ifc, &ev->addr);
		iface_notify_instances(d, ifc, now);
		return;
	case NL_EV_ADDR_DEL:
		ifc = iface_by_index(d, ev->ifindex);
		if (!ifc)
			return;
		iface_del_addr(ifc, &ev->addr);
		if (!d->stopping)
			for (size_t i = 0; i < d->ninstances; i++)
				if (d->instances[i]->iface == ifc)
					instance_addr_deleted(d->instances[i], &ev->addr, now);
		iface_notify_instances(d, ifc, now);
		return;
	}
}

/* After lost events, ask the kernel again and make every master whole. */
static void nl_resync(struct daemon *d)
{
	monotime now;

	log_warnx("netlink: events were lost (ENOBUFS); resynchronising");
	for (size_t i = 0; i < d->nifaces; i++)
		d->ifaces[i]->ifc.naddrs = 0;
	if (nl_dump(d->nl, nl_event, d) < 0) {
		log_warn("netlink: resync dump");
		return;
	}
	now = monotime_now();
	for (size_t i = 0; i < d->ninstances; i++) {
		struct instance *in = d->instances[i];

		for (size_t j = 0; j < in->cfg->nvips; j++)
			if (!iface_has_addr(in->iface, &in->cfg->vips[j]))
				instance_addr_deleted(in, &in->cfg->vips[j], now);
	}
}

static void nl_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct daemon *d = arg;
	int r;

	(void)fd;
	(void)events;
	(void)now;
	r = nl_monitor_read(d->nl, nl_event, d);
	if (r == NL_RESYNC)
		nl_resync(d);
	else if (r < 0 && errno != EAGAIN)
		log_warn("netlink: monitor read");
}

/* --- receive path --- */

static void count_drop(struct daemon *d, struct iface *ifc, int afi, const uint8_t *msg, size_t len,
                       enum vrrp_reason r)
{
	/* Charge the instance the packet was meant for when its VRID byte is readable. */
	struct instance *in = msg && len >= 2 ? ifc->by_vrid[afi][msg[1]] : NULL;

	if (in)
		instance_count_drop(in, r);
	else
		d->drops[r]++;
}

static void rx_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct rx_ctx *rx = arg;
	struct daemon *d = rx->d;
	struct iface *ifc = rx->ifc;
	struct vrrp_sock *s = ifc->sock[rx->afi];

	(void)events;
	if (!s || vrrp_sock_fd(s) != fd)
		return;
	for (int n = 0; n < RX_BURST; n++) {
		struct vrrp_rx_meta meta;
		const uint8_t *msg = NULL;
		size_t len = 0;
		enum vrrp_reason r = VRRP_RX_OK;
		enum vrrp_csum_form form = VRRP_CSUM_RFC5798;
		struct instance *in;
		int got = vrrp_sock_recv(s, d->rxbuf, sizeof(d->rxbuf), &meta, &msg, &len, &r);

		if (got <= 0) {
			if (got < 0 && errno != EAGAIN && errno != EINTR)
				log_warn("%s: receive", ifc->name);
			return;
		}
		if (r == VRRP_RX_OK)
			r = vrrp_decode(msg, len, &meta, &d->rxadv, &form);
		if (r != VRRP_RX_OK) {
			count_drop(d, ifc, rx->afi, msg, len, r);
			continue;
		}
		in = ifc->by_vrid[rx->afi][d->rxadv.vrid];
		if (!in) {
			d->drops[VRRP_RX_VRID]++;
			continue;
		}
		if (addr_cmp_in(meta.af, &in->primary, &meta.src) == 0) {
			instance_count_drop(in, VRRP_RX_OWN);
			continue;
		}
		instance_receive(in, &d->rxadv, &meta, form, now);
		now = monotime_now();
	}
}

/* --- start-up and shutdown --- */

/* Append "FILE:LINE: instance "NAME": what" to errs. */
static void add_error(struct config_errors *errs, const struct vipd_config *cfg,
                      const struct vipd_instance_config *ic, const char *what)
{
	char *text;
	char **lines;

	if (!errs)
		return;
	if (asprintf(&text, "%s:%d: instance \"%s\": %s", cfg->file, ic->line, ic->name, what) < 0)
		return;
	lines = realloc(errs->lines, (errs->n + 1) * sizeof(*lines));
	if (!lines) {
		free(text);
		return;
	}
	errs->lines = lines;
	errs->lines[errs->n++] = text;
}

int daemon_check_supported(const struct vipd_config *cfg, struct config_errors *errs)
{
	int bad = 0;

	for (size_t i = 0; i < cfg->ninstances; i++) {
		const struct vipd_instance_config *ic = &cfg->instances[i];

		if (ic->af == AF_INET6) {
			add_error(errs, cfg, ic,
			          "IPv6 instances are not supported by this vipd version yet");
			bad++;
		}
		if (!ic->accept) {
			add_error(
			    errs, cfg, ic,
			    "accept = false is not supported by this vipd version yet (a master "
			    "always accepts traffic for its addresses)");
			bad++;
		}
	}
	return bad ? -1 : 0;
}

/* The interface named name, created (not yet known to netlink) when missing. */
static struct iface *iface_get(struct daemon *d, const char *name)
{
	struct iface *ifc = iface_by_name(d, name);
	struct daemon_iface *di, **list;

	if (ifc)
		return ifc;
	di = calloc(1, sizeof(*di));
	list = realloc(d->ifaces, (d->nifaces + 1) * sizeof(*list));
	if (!di || !list)
		fatal("interface table");
	d->ifaces = list;
	snprintf(di->ifc.name, sizeof(di->ifc.name), "%s", name);
	for (int afi = 0; afi < 2; afi++)
		di->rx[afi] = (struct rx_ctx){.d = d, .ifc = &di->ifc, .afi = afi};
	d->ifaces[d->nifaces++] = di;
	return &di->ifc;
}

/* Make an instance for ic and register it for demux; it starts with instance_start. */
static struct instance *instance_add(struct daemon *d, const struct vipd_instance_config *ic)
{
	struct instance *in = calloc(1, sizeof(*in));
	struct instance **list = realloc(d->instances, (d->ninstances + 1) * sizeof(*list));
	struct iface *ifc;

	if (!in || !list)
		fatal("instance table");
	d->instances = list;
	ifc = iface_get(d, ic->interface);
	instance_init(in, ic, ifc, d->loop, &d->io);
	ifc->by_vrid[iface_af_index(ic->af)][ic->vrid] = in;
	d->instances[d->ninstances++] = in;
	return in;
}

struct daemon *daemon_new(struct vipd_config *cfg, const char *socket_path, char *err,
                          size_t errlen)
{
	struct daemon *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, errlen, "out of memory");
		config_free(cfg);
		return NULL;
	}
	d->cfg = cfg;
	d->announce_fd = -1;
	snprintf(d->socket_path, sizeof(d->socket_path), "%s",
	         socket_path ? socket_path : cfg->control_socket);
	d->io = (struct instance_io){
	    .ctx = d, .send = io_send, .apply = io_apply, .announce = io_announce};
	d->loop = loop_new();
	if (!d->loop) {
		snprintf(err, errlen, "cannot set up the event loop: %s", strerror(errno));
		daemon_free(d);
		return NULL;
	}
	for (size_t i = 0; i < cfg->ninstances; i++)
		instance_add(d, &cfg->instances[i]);
	return d;
}

/* A crashed (kill -9) earlier run leaves its VIPs configured: remove them before anyone could
 * see two holders. An owner's addresses are its own and stay. */
static void remove_stale_vips(struct daemon *d)
{
	struct nl_change *ch;
	size_t n = 0, max = 0;
	char buf[ADDR_STRLEN];

	for (size_t i = 0; i < d->ninstances; i++)
		max += d->instances[i]->cfg->nvips;
	ch = calloc(max ? max : 1, sizeof(*ch));
	if (!ch)
		fatal("stale address list");
	for (size_t i = 0; i < d->ninstances; i++) {
		const struct instance *in = d->instances[i];

		if (in->cfg->priority == VRRP_PRIO_OWNER || !in->iface->ifindex)
			continue;
		for (size_t j = 0; j < in->cfg->nvips; j++) {
			if (!iface_has_addr(in->iface, &in->cfg->vips[j]))
				continue;
			log_notice("%s: removing %s from %s, left by an earlier run", in->cfg->name,
			           addr_format(&in->cfg->vips[j], true, buf, sizeof(buf)),
			           in->iface->name);
			ch[n].op = NL_ADDR_DEL;
			ch[n].ifindex = in->iface->ifindex;
			ch[n].addr = in->cfg->vips[j];
			n++;
		}
	}
	if (n && nl_apply(d->nl, ch, n) != 0)
		for (size_t i = 0; i < n; i++)
			if (ch[i].error && ch[i].error != -EADDRNOTAVAIL)
				log_warnx("removing stale %s: %s %s",
				          addr_format(&ch[i].addr, true, buf, sizeof(buf)),
				          strerror(-ch[i].error), ch[i].msg);
	for (size_t i = 0; i < n; i++)
		if (ch[i].error == 0 || ch[i].error == -EADDRNOTAVAIL) {
			struct iface *ifc = iface_by_index(d, ch[i].ifindex);
			if (ifc)
				iface_del_addr(ifc, &ch[i].addr);
		}
	free(ch);
}

static void stop_all(struct daemon *d)
{
	monotime now = monotime_now();

	d->stopping = true;
	for (size_t i = 0; i < d->ninstances; i++)
		instance_stop(d->instances[i], now);
	loop_stop(d->loop);
}

int daemon_reload(struct daemon *d, struct config_errors *errs)
{
	struct vipd_config *ncfg = config_load(d->cfg->file, errs);
	struct instance **kept;

	if (ncfg && daemon_check_supported(ncfg, errs) < 0) {
		config_free(ncfg);
		ncfg = NULL;
	}
	size_t nkept = 0, first_new, nstopped = 0;
	monotime now;

	if (!ncfg) {
		log_warnx("reload: %s has errors; the running config stays", d->cfg->file);
		for (size_t i = 0; errs && i < errs->n; i++)
			log_warnx("reload: %s", errs->lines[i]);
		return -1;
	}
	kept = calloc(ncfg->ninstances ? ncfg->ninstances : 1, sizeof(*kept));
	if (!kept) {
		config_free(ncfg);
		return -1;
	}
	if (strcmp(ncfg->control_socket, d->cfg->control_socket) != 0)
		log_warnx("reload: control_socket changed; it takes effect at the next start");

	/* Unchanged instances keep their state, timers and addresses; the others stop cleanly. */
	now = monotime_now();
	for (size_t i = 0; i < d->ninstances; i++) {
		struct instance *in = d->instances[i];
		const struct vipd_instance_config *nic = config_instance(ncfg, in->cfg->name);

		if (nic && config_instance_equal(in->cfg, nic)) {
			in->cfg = nic;
			kept[nic - ncfg->instances] = in;
			d->instances[nkept++] = in;
			continue;
		}
		log_notice("reload: %s %s", in->cfg->name,
		           nic ? "changed; restarting it" : "removed; stopping it");
		instance_stop(in, now);
		in->iface->by_vrid[iface_af_index(in->cfg->af)][in->cfg->vrid] = NULL;
		free(in);
		nstopped++;
	}
	d->ninstances = nkept;
	first_new = d->ninstances;
	for (size_t i = 0; i < ncfg->ninstances; i++)
		if (!kept[i])
			instance_add(d, &ncfg->instances[i]);
	free(kept);
	config_free(d->cfg);
	d->cfg = ncfg;

	/* New interfaces need their index, link state and addresses. */
	if (nl_dump(d->nl, nl_event, d) < 0)
		log_warn("reload: netlink dump");
	for (size_t i = 0; i < d->nifaces; i++)
		iface_sync_sockets(d, &d->ifaces[i]->ifc);
	now = monotime_now();
	for (size_t i = first_new; i < d->ninstances; i++)
		instance_start(d->instances[i], now);
	log_notice("reloaded %s: %zu instance(s) kept, %zu started, %zu stopped", d->cfg->file,
	           nkept, d->ninstances - first_new, nstopped);
	return 0;
}

static void signal_cb(void *arg, int signo, monotime now)
{
	struct daemon *d = arg;

	(void)now;
	if (signo == SIGHUP) {
		struct config_errors errs = {0};

		log_notice("SIGHUP: reloading %s", d->cfg->file);
		daemon_reload(d, &errs);
		config_errors_clear(&errs);
		return;
	}
	log_notice("%s: stopping", strsignal(signo));
	stop_all(d);
}

static struct json_object *ctl_handle(void *arg, struct json_object *req)
{
	struct daemon *d = arg;
	struct json_object *cmd;
	const char *name;

	if (!json_object_object_get_ex(req, "command", &cmd) ||
	    !json_object_is_type(cmd, json_type_string))
		return ctl_reply_error("request needs a \"command\" string");
	name = json_object_get_string(cmd);
	if (strcmp(name, "status") == 0)
		return ctl_reply_ok(daemon_status(d));
	return ctl_reply_error("unknown command");
}

struct json_object *daemon_status(struct daemon *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array();
	monotime now = monotime_now();

	json_object_object_add(o, "router_id", json_object_new_string(d->cfg->router_id));
	for (size_t i = 0; i < d->ninstances; i++)
		json_object_array_add(list, instance_status(d->instances[i], now));
	json_object_object_add(o, "instances", list);
	return o;
}

int daemon_run(struct daemon *d)
{
	char err[256];
	static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP};
	monotime now;

	/* A peer that closes the control socket must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (loop_add_signal(d->loop, stop_signals[i], signal_cb, d) < 0)
			fatal("signalfd");
	d->nl = nl_open(err, sizeof(err));
	if (!d->nl)
		fatalx("netlink: %s", err);
	if (loop_add_fd(d->loop, nl_monitor_fd(d->nl), EPOLLIN, nl_cb, d) < 0)
		fatal("watch netlink");
	if (nl_dump(d->nl, nl_event, d) < 0)
		fatal("netlink dump");
	d->announce_fd = announce_open();
	if (d->announce_fd < 0)
		fatal("announcement socket");
	for (size_t i = 0; i < d->nifaces; i++) {
		if (!d->ifaces[i]->ifc.ifindex)
			log_warnx("%s: no such interface (yet); its instances wait in FAULT",
			          d->ifaces[i]->ifc.name);
		iface_sync_sockets(d, &d->ifaces[i]->ifc);
	}
	remove_stale_vips(d);
	d->ctl = ctl_open(d->loop, d->socket_path, ctl_handle, d, err, sizeof(err));
	if (!d->ctl)
		fatalx("control socket %s: %s", d->socket_path, err);

	now = monotime_now();
	log_notice("vipd %s started: %zu instance(s), router id %s", PACKAGE_VERSION, d->ninstances,
	           d->cfg->router_id);
	for (size_t i = 0; i < d->ninstances; i++)
		instance_start(d->instances[i], now);

	if (loop_run(d->loop) < 0)
		fatal("event loop");
	log_notice("vipd stopped");
	return 0;
}

void daemon_free(struct daemon *d)
{
	if (!d)
		return;
	if (d->ctl)
		ctl_close(d->ctl);
	for (size_t i = 0; i < d->nifaces; i++) {
		iface_close_sockets(d, &d->ifaces[i]->ifc);
		free(d->ifaces[i]->ifc.addrs);
		free(d->ifaces[i]);
	}
	for (size_t i = 0; i < d->ninstances; i++)
		free(d->instances[i]);
	if (d->announce_fd >= 0)
		close(d->announce_fd);
	if (d->nl) {
		loop_del_fd(d->loop, nl_monitor_fd(d->nl));
		nl_close(d->nl);
	}
	loop_free(d->loop);
	free(d->ifaces);
	free(d->instances);
	config_free(d->cfg);
	free(d);
}
