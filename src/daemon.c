/* daemon: wiring of loop, netlink, interfaces, VRRP sockets, instances and the
 * control socket. Work per packet is a table look-up: one socket per
 * (interface, family), demux by VRID. */
#include "build_config.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vipd/announce.h"
#include "vipd/announce_tx.h"
#include "vipd/ctl.h"
#include "vipd/daemon.h"
#include "vipd/daemon_int.h"
#include "vipd/daemon_vmac.h"
#include "vipd/instance.h"
#include "vipd/instance_batch.h"
#include "vipd/log.h"
#include "vipd/nft.h"
#include "vipd/netns.h"
#include "vipd/statefile.h"
#include "vipd/net_vrrp.h"
#include "vipd/nl.h"
#include "vipd/notify.h"
#include "vipd/daemon_priv.h"
#include "vipd/track.h"
#include "vipd/track_check.h"
#include "vipd/sdnotify.h"
#include "vipd/sync_group.h"
#include "vipd/vrrp_ah.h"

/* --- VIP changes through netlink --- */

/* Changes in one flush from which the heap they used is trimmed after (daemon_trim_soon). */
#define NL_BATCH_TRIM 64

/* One netlink batch to the kernel, as it goes (the instances' own, or the iteration's). */
static int nl_batch(void *ctx, struct nl_change *changes, size_t n)
{
	struct daemon *d = ctx;
	int rc = nl_apply(d->nl, changes, n);

	if (log_cats_on & LOG_CAT_NETLINK)
		daemon_debug_nl_batch(d, changes, n, rc);
	return rc;
}

void daemon_nl_flush(struct daemon *d)
{
	unsigned long before = d->nl_batch.flushes;

	instance_batch_flush(&d->nl_batch, nl_batch, d);
	/* A mass takeover's batch (~600 bytes a change) is freed now: give it back. */
	if (d->nl_batch.flushes != before && d->nl_batch.last >= NL_BATCH_TRIM)
		daemon_trim_soon(d);
}

int daemon_nl_apply(struct daemon *d, struct nl_change *changes, size_t n)
{
	/* What state changes queued goes first: the kernel sees the changes in their order. */
	daemon_nl_flush(d);
	return nl_batch(d, changes, n);
}

/* How a notify script run ended: failures are warnings, successes debug detail. */
static void on_notify_report(void *arg, const char *instance, bool ok, const char *what)
{
	(void)arg;
	if (!instance)
		log_warnx("notify_fifo: %s; events are not written to it", what);
	else if (ok)
		log_info("%s: notify script: %s", instance, what);
	else
		log_warnx("%s: notify script: %s", instance, what);
}

void daemon_notify_configure(struct daemon *d)
{
	char err[256];
	uid_t owner = geteuid();

	notify_set_user(d->notifier, d->script_user);
	notify_set_fifo_format(d->notifier, d->cfg->notify_fifo_format);
	notify_set_fifo_cause(d->notifier, d->cfg->notify_fifo_cause);
	if (daemon_priv_runs_as(d->cfg, &owner, err, sizeof(err)) < 0)
		owner = geteuid(); /* (refused at the load) */
	if (notify_set_fifo(d->notifier, d->cfg->notify_fifo, owner, err, sizeof(err)) < 0)
		log_warnx("notify_fifo: %s; events are not written to it", err);
	notify_set_fifo_script(d->notifier, d->cfg->notify_fifo_script);
}

void daemon_syncs_rebuild(struct daemon *d)
{
	sync_group_free(d->syncs);
	d->syncs = sync_group_new(d->cfg, d->instances, d->ninstances);
	if (!d->syncs)
		log_oom_fatal("sync groups");
	/* An instance that left its group (or whose group is gone) is held no longer. */
	for (size_t i = 0; i < d->ninstances; i++)
		instance_hold_backup(d->instances[i], false);
	sync_group_refresh(d->syncs, monotime_now());
}

/* --- start-up and shutdown --- */

static void stop_timer_cb(void *arg, monotime now);
static void trim_timer_cb(void *arg, monotime now);

/* accept = false needs libnftables at run time (src/nft.c loads it then): try it once. */
static int check_nft(const struct vipd_config *cfg, struct config_errors *errs)
{
	char why[256];
	struct nft *n;

	for (size_t i = 0; i < cfg->ninstances; i++) {
		const struct vipd_instance_config *ic = &cfg->instances[i];

		if (ic->accept || ic->priority == VRRP_PRIO_OWNER)
			continue;
		n = nft_open(why, sizeof(why));
		if (n) {
			nft_close(n);
			return 0;
		}
		config_errors_add(errs, "%s:%d: instance \"%s\": accept = false: %s", cfg->file,
		                  ic->line, ic->name, why);
		return 1;
	}
	return 0;
}

int daemon_check_supported(const struct vipd_config *cfg, struct config_errors *errs)
{
	int bad = 0;

	bad += check_nft(cfg, errs);
	bad += notify_check_config(cfg, errs);
	bad += track_check_config(cfg, errs);
	bad += daemon_priv_check_config(cfg, errs);
	if (cfg->net_namespace[0]) {
		char why[320];

		if (netns_check(cfg->net_namespace, why, sizeof(why)) < 0) {
			config_errors_add(errs, "%s:%d: net_namespace: %s", cfg->file,
			                  cfg->net_namespace_line, why);
			bad++;
		}
	}
	return bad ? -1 : 0;
}

struct instance *daemon_instance_add(struct daemon *d, const struct vipd_instance_config *ic)
{
	struct instance *in = calloc(1, sizeof(*in));
	struct instance **list = realloc(d->instances, (d->ninstances + 1) * sizeof(*list));
	struct iface *ifc;

	if (!in || !list)
		log_oom_fatal("instance table");
	d->instances = list;
	ifc = daemon_iface_get(d, ic->interface);
	instance_init(in, ic, ifc, d->loop, &d->io);
	in->startup_origin = d->startup_origin;
	/* In the table by name, so its link and address events reach the instance. */
	if (ic->vmac)
		in->vmac = daemon_iface_get(d, ic->vmac_name);
	daemon_iface_demux_set(ifc, ic->af, ic->vrid, in);
	d->instances[d->ninstances++] = in;
	return in;
}

/* An instance whose timer cannot be armed would stop advertising, unseen: better exit, and let
 * systemd restart vipd (HACKING.md "Error policy"). */
/* The end of a loop iteration: what the callbacks queued goes to the kernel, one sendmmsg per
 * socket and burst. */
static void end_cb(void *arg)
{
	struct daemon *d = arg;

	/* The iteration's VIP changes in one netlink batch, then the announcements (of addresses
	 * now in place), then the adverts: a master we preempt drops the VIPs when it hears our
	 * advert, so the LAN must already be sending to us (make before break). */
	daemon_nl_flush(d);
	if (d->announce_tx)
		announce_tx_flush(d->announce_tx);
	net_vrrp_flush_all();
}

static void loop_oom(void *arg, const char *what)
{
	(void)arg;
	log_oom_fatal(what);
}

struct daemon *daemon_new(struct vipd_config *cfg, const char *socket_path, char *err,
                          size_t errlen)
{
	struct daemon *d;

	/* First of all: every socket, netlink handle and sysctl below is the namespace's. */
	if (cfg->net_namespace[0]) {
		if (netns_enter(cfg->net_namespace, err, errlen) < 0) {
			config_free(cfg);
			return NULL;
		}
		log_notice("running in network namespace %s", cfg->net_namespace);
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		config_free(cfg);
		return NULL;
	}
	d->cfg = cfg;
	d->announce_fd = -1;
	if (daemon_events_init(d, cfg->events_ring_size) < 0) {
		snprintf(err, errlen, "out of memory");
		free(d);
		config_free(cfg);
		return NULL;
	}
	snprintf(d->socket_path, sizeof(d->socket_path), "%s",
	         socket_path ? socket_path : cfg->control_socket);
	statefile_path(cfg->state_dir, d->state.path, sizeof(d->state.path));
	daemon_io_init(d);
	d->sd.fd = -1;
	loop_timer_init(&d->stop_timer, stop_timer_cb, d);
	loop_timer_init(&d->trim_timer, trim_timer_cb, d);
	loop_timer_init(&d->sock_retry_timer, daemon_iface_sock_retry_cb, d);
	daemon_resync_init(d);
	d->loop = loop_new();
	if (!d->loop) {
		snprintf(err, errlen, "cannot set up the event loop: %s", strerror(errno));
		daemon_free(d);
		return NULL;
	}
	loop_set_oom_cb(d->loop, loop_oom, d);
	loop_set_end_cb(d->loop, end_cb, d);
	d->vmacs = daemon_vmac_new(d->loop, daemon_iface_nl_sync, d);
	d->notifier = notify_new(d->loop, NOTIFY_TIMEOUT, on_notify_report, d);
	if (!d->vmacs || !d->notifier) {
		snprintf(err, errlen, "out of memory");
		daemon_free(d);
		return NULL;
	}
	/* Who vipd runs as is decided by now (daemon_priv.h): scripts run as that user, or as
	 * script_user when it stays root. */
	if (daemon_priv_script_identity(cfg, &d->script_user, err, errlen) < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "script_user: %s", why);
		daemon_free(d);
		return NULL;
	}
	if (notify_set_users(d->notifier, cfg, err, errlen) < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "notify_user: %s", why);
		daemon_free(d);
		return NULL;
	}
	daemon_iface_vips_rebuild(d, cfg);
	d->startup_origin = monotime_now();
	if (cfg->startup_delay_from_boot)
		d->startup_origin = monotime_boot_origin(d->startup_origin, monotime_since_boot());
	for (size_t i = 0; i < cfg->ninstances; i++)
		daemon_instance_add(d, &cfg->instances[i]);
	d->syncs = sync_group_new(d->cfg, d->instances, d->ninstances);
	if (!d->syncs || daemon_track_setup(d, d->cfg) < 0) {
		snprintf(err, errlen, "out of memory");
		daemon_free(d);
		return NULL;
	}
	return d;
}

/* Is address j of in, found on its interface ifc at start, one a killed earlier run added? The
 * kernel keeps the IFA_PROTO vipd adds with (Linux >= 5.18): the administrator's addresses, the
 * owner's real one, lack it. An older kernel keeps no mark, and a record of vipd's own would need
 * a file outliving the process that every add rewrites: there a non-owner's VIP found at start is
 * taken for a leftover (a backup holding it would be a duplicate address), an owner's for its
 * own. */
static bool stale_vip(struct daemon *d, const struct instance *in, const struct iface *ifc,
                      size_t j)
{
	if (nl_addr_proto_known(d->nl))
		return daemon_iface_addr_proto(ifc, instance_addrs_get(in, j)) == NL_IFAPROT_VIPD;
	return in->cfg->priority != VRRP_PRIO_OWNER;
}

/* The interface address j of in lives on at start: its dev, else the instance's interface (a
 * VMAC is made afresh: nothing is left on it). NULL when unknown. */
static struct iface *stale_iface(struct daemon *d, const struct instance *in, size_t j)
{
	const char *dev = instance_addrs_opts(in, j)->dev;

	if (!dev[0])
		return in->iface->ifindex ? daemon_iface_by_index(d, in->iface->ifindex) : NULL;
	return daemon_iface_by_name(d, dev);
}

/* A crashed (kill -9) earlier run leaves its VIPs and excluded addresses configured: remove them
 * before anyone could see two holders. An owner keeps its leftovers: it is master at once. An
 * address that was there before vipd is never removed, now or later (instance->vip_origin). */
static void remove_stale_vips(struct daemon *d)
{
	struct nl_change *ch;
	size_t n = 0, max = 0;
	char buf[ADDR_STRLEN];

	for (size_t i = 0; i < d->ninstances; i++)
		max += instance_addrs_count(d->instances[i]);
	ch = calloc(max ? max : 1, sizeof(*ch));
	if (!ch)
		log_oom_fatal("stale address list");
	for (size_t i = 0; i < d->ninstances; i++) {
		struct instance *in = d->instances[i];

		for (size_t j = 0; j < instance_addrs_count(in); j++) {
			const struct vip_addr *a = instance_addrs_get(in, j);
			struct iface *ifc = stale_iface(d, in, j);

			if (!ifc || !ifc->ifindex || !daemon_iface_has_addr(ifc, a))
				continue;
			if (!stale_vip(d, in, ifc, j)) {
				/* A VMAC instance's VIPs live on the VMAC, made afresh. */
				if (!in->vmac || instance_addrs_opts(in, j)->dev[0])
					instance_vip_foreign(in, j);
				continue;
			}
			if (in->cfg->priority == VRRP_PRIO_OWNER) {
				/* ours, and master at once */
				instance_origin_set(&in->vip_origin, j, VIP_ADDED);
				continue;
			}
			instance_log(in, LOG_NOTICE, "removing %s from %s, left by an earlier run",
			             addr_format(a, true, buf, sizeof(buf)), ifc->name);
			ch[n].op = NL_ADDR_DEL;
			ch[n].ifindex = ifc->ifindex;
			ch[n].addr = *a;
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
			struct iface *ifc = daemon_iface_by_index(d, ch[i].ifindex);
			if (ifc)
				daemon_iface_del_addr(ifc, &ch[i].addr);
		}
	free(ch);
}

void daemon_start_vmacs(struct daemon *d, size_t first)
{
	bool any = false;

	for (size_t i = first; i < d->ninstances; i++) {
		if (!d->instances[i]->vmac)
			continue;
		daemon_vmac_start(d->vmacs, d->instances[i]);
		any = true;
	}
	if (any)
		daemon_iface_nl_sync(d);
}

/* How long a stop waits for the queued notify scripts (the INIT events) to finish. */
#define STOP_NOTIFY_WAIT (2 * MT_SEC)

static void stop_timer_cb(void *arg, monotime now)
{
	struct daemon *d = arg;

	if (!notify_busy(d->notifier) || now >= d->stop_deadline) {
		if (notify_busy(d->notifier))
			log_warnx("notify scripts still running at exit: killed");
		loop_stop(d->loop);
		return;
	}
	loop_timer_set(d->loop, &d->stop_timer, now + 10 * MT_MSEC);
}

static void stop_all(struct daemon *d)
{
	monotime now = monotime_now();

	if (d->stopping) {
		/* A second signal: stop now. */
		loop_stop(d->loop);
		return;
	}
	d->stopping = true;
	for (size_t i = 0; i < d->ninstances; i++)
		instance_stop(d->instances[i], now);
	/* Their deletes in one batch, before the table and the VMACs go. */
	daemon_nl_flush(d);
	/* An instance whose removal failed would leave its drop: the table goes whole. */
	daemon_nft_clean(d, "at stop");
	/* Every priority 0 advert is out before the VMACs go: deleting one takes ~20 ms. */
	for (size_t i = 0; i < d->ninstances; i++)
		daemon_vmac_stop(d->vmacs, d->instances[i]);
	/* The notify scripts of the last transitions run before we exit (bounded). */
	d->stop_deadline = now + STOP_NOTIFY_WAIT;
	loop_timer_set(d->loop, &d->stop_timer, now);
}

static void signal_cb(void *arg, int signo, monotime now)
{
	struct daemon *d = arg;

	(void)now;
	if (signo == SIGHUP) {
		struct config_errors errs = {0};
		struct events_cause admin;
		const struct events_cause *prev;

		if (d->stopping) {
			log_warnx("SIGHUP: vipd is stopping; reload ignored");
			return;
		}
		log_notice("SIGHUP: reloading %s", d->cfg->file);
		sdnotify_send(&d->sd, "RELOADING=1");
		events_cause_init(&admin, EVENTS_KIND_ADMIN);
		snprintf(admin.name, sizeof(admin.name), "reload");
		snprintf(admin.detail, sizeof(admin.detail), "SIGHUP");
		prev = daemon_events_enter(d, &admin);
		daemon_reload(d, &errs);
		daemon_events_leave(d, prev);
		sdnotify_send(&d->sd, "READY=1");
		daemon_io_status_now(d);
		config_errors_clear(&errs);
		return;
	}
	log_notice("%s: stopping", strsignal(signo));
	sdnotify_send(&d->sd, "STOPPING=1");
	stop_all(d);
}

/* {"command":"garp","name":NAME}: the master NAME announces its addresses again now. */
static struct json_object *ctl_garp(struct daemon *d, struct json_object *req)
{
	struct json_object *name;

	if (!json_object_object_get_ex(req, "name", &name) ||
	    !json_object_is_type(name, json_type_string))
		return ctl_reply_error("garp needs a \"name\" string");
	for (size_t i = 0; i < d->ninstances; i++) {
		if (strcmp(d->instances[i]->cfg->name, json_object_get_string(name)) != 0)
			continue;
		if (instance_announce(d->instances[i], monotime_now()) < 0)
			return ctl_reply_error("not master");
		return ctl_reply_ok(NULL);
	}
	return ctl_reply_error("no such instance");
}

/* Give the heap the big answers (status, stats, metrics of hundreds of instances) used back to
 * the kernel once they are freed: glibc keeps freed memory, and vipd's resident size would grow
 * to its largest answer ever. Cheap next to building such an answer. */
static void trim_timer_cb(void *arg, monotime now)
{
	(void)arg;
	(void)now;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

void daemon_trim_soon(struct daemon *d)
{
	if (!loop_timer_armed(&d->trim_timer))
		loop_timer_set(d->loop, &d->trim_timer, monotime_now());
}

struct json_object *daemon_ctl_reply(struct json_object *result, const char *command)
{
	char what[64];

	if (result)
		return ctl_reply_ok(result);
	snprintf(what, sizeof(what), "vipctl %s", command);
	log_oom(what, "answered with an error");
	return ctl_reply_error("out of memory");
}

static struct json_object *dispatch_ctl_request(struct daemon *d, struct json_object *req)
{
	struct json_object *cmd;
	const char *name;

	if (!json_object_object_get_ex(req, "command", &cmd) ||
	    !json_object_is_type(cmd, json_type_string))
		return ctl_reply_error("request needs a \"command\" string");
	name = json_object_get_string(cmd);
	if (strcmp(name, "status") == 0)
		return daemon_status_ctl(d);
	if (strcmp(name, "garp") == 0)
		return ctl_garp(d, req);
	if (strcmp(name, "demote") == 0 || strcmp(name, "promote") == 0)
		return daemon_admin_ctl(d, req, name[0] == 'd');
	if (strcmp(name, "reload") == 0)
		return daemon_reload_ctl(d);
	if (strcmp(name, "stats") == 0 || strcmp(name, "metrics") == 0)
		return daemon_stats_ctl(d, name);
	if (strcmp(name, "debug") == 0)
		return daemon_debug_command(req);
	if (strcmp(name, "peers") == 0)
		return daemon_peers_ctl(d, req);
	if (strcmp(name, "events") == 0)
		return daemon_events_ctl(d, req);
	if (strcmp(name, "history") == 0)
		return daemon_events_history_ctl(d, req);
	return ctl_reply_error("unknown command");
}

static struct json_object *on_ctl_request(void *arg, struct json_object *req)
{
	struct daemon *d = arg;
	struct json_object *reply;

	daemon_trim_soon(d);
	reply = dispatch_ctl_request(d, req);
	if (log_cats_on & LOG_CAT_CTL)
		daemon_debug_ctl(d, req, reply);
	return reply;
}

int daemon_run(struct daemon *d)
{
	char err[256];
	static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP};
	monotime now;
	struct events_cause start;
	const struct events_cause *prev;

	/* A peer that closes the control socket must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	sdnotify_init(&d->sd);
	sdnotify_watchdog_start(&d->sd, d->loop, monotime_now());
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (loop_add_signal(d->loop, stop_signals[i], signal_cb, d) < 0)
			log_fatal("signalfd");
	d->nl = nl_open(err, sizeof(err));
	if (!d->nl)
		log_fatalx("netlink: %s", err);
	if (loop_add_fd(d->loop, nl_monitor_fd(d->nl), EPOLLIN, daemon_iface_nl_cb, d) < 0)
		log_fatal("watch netlink");
	if (nl_dump(d->nl, daemon_iface_nl_event, d) < 0)
		log_fatal("netlink dump");
	d->announce_fd = announce_open();
	if (d->announce_fd < 0)
		log_fatal("announcement socket");
	d->announce_tx = announce_tx_new(d->announce_fd, daemon_io_announced, d);
	if (!d->announce_tx)
		log_oom_fatal("announcement queue");
	daemon_vmac_sweep(d->vmacs, d->instances, d->ninstances);
	daemon_start_vmacs(d, 0);
	daemon_iface_start(d);
	remove_stale_vips(d);
	daemon_nft_clean(d, "at start");
	for (size_t i = 0; i < d->ninstances; i++)
		if (instance_remove_stale_routes(d->instances[i]) < 0)
			log_oom_fatal("stale route list");
	d->ctl = ctl_open(d->loop, d->socket_path, on_ctl_request, d, err, sizeof(err));
	if (!d->ctl)
		log_fatalx("control socket %s: %s", d->socket_path, err);
	if (ctl_set_group(d->ctl, d->cfg->control_socket_group, err, sizeof(err)) < 0)
		log_fatalx("control_socket_group: %s", err);
	daemon_http_apply(d); /* metrics_listen: before the privileges go (a port < 1024) */

	daemon_notify_configure(d);
	daemon_rt_apply(d->cfg); /* while root: nothing is kept for it after the drop */
	/* Everything privileged is open: from here on an unprivileged user (privdrop.h). */
	daemon_priv_drop(d);
	sync_group_refresh(d->syncs, monotime_now());
	now = monotime_now();
	d->started = now;
	log_notice("vipd %s started: %zu instance(s), router id %s", PACKAGE_VERSION, d->ninstances,
	           d->cfg->router_id);
	events_cause_init(&start, EVENTS_KIND_STARTUP);
	prev = daemon_events_enter(d, &start);
	daemon_track_start(d, now);
	daemon_track_update(d, now);
	daemon_state_load(&d->state, d->instances, d->ninstances);
	for (size_t i = 0; i < d->ninstances; i++)
		instance_start(d->instances[i], now);
	daemon_events_leave(d, prev);
	daemon_state_save(&d->state, d->instances, d->ninstances);
	sdnotify_send(&d->sd, "READY=1");
	daemon_io_status_now(d);

	if (loop_run(d->loop) < 0)
		log_fatal("event loop");
	log_notice("vipd stopped");
	return 0;
}

void daemon_free(struct daemon *d)
{
	if (!d)
		return;
	/* Nothing queued may outlive the instances it would be told to (loop_run flushed). */
	end_cb(d);
	if (d->ctl)
		ctl_close(d->ctl);
	daemon_http_close(d);
	track_free(d->track);
	d->track = NULL;
	daemon_iface_free_all(d);
	announce_tx_free(d->announce_tx);
	d->announce_tx = NULL;
	instance_batch_free(&d->nl_batch);
	for (size_t i = 0; i < d->ninstances; i++) {
		instance_release(d->instances[i]);
		free(d->instances[i]);
	}
	if (d->announce_fd >= 0)
		close(d->announce_fd);
	if (d->nl) {
		loop_del_fd(d->loop, nl_monitor_fd(d->nl));
		nl_close(d->nl);
	}
	sdnotify_close(&d->sd);
	sync_group_free(d->syncs);
	notify_free(d->notifier);
	proc_user_free(d->script_user);
	daemon_vmac_free(d->vmacs);
	nft_close(d->nft);
	loop_free(d->loop);
	free(d->ifaces);
	free(d->instances);
	config_free(d->cfg);
	free(d->state.saved);
	daemon_events_free(d);
	free(d);
}
