/* daemon_int: what the files of the daemon layer share: struct daemon, the one object that owns
 * everything living as long as the process (HACKING.md, "Who owns which state"), and the
 * functions each src/daemon_*.c file offers the others (daemon.c runs the lifecycle and wires
 * the instances; daemon_iface.c the interface table, daemon_resync.c its resync, daemon_reload.c,
 * daemon_track.c, daemon_stats.c, daemon_http.c, daemon_state.c, daemon_admin.c and
 * daemon_priv.c one concern each). The receive path's definitions are in daemon_iface.h, which
 * only daemon_iface.c and daemon_resync.c include. Not an API: nothing outside src/daemon*.c
 * includes it. */
#ifndef VIPD_DAEMON_INT_H
#define VIPD_DAEMON_INT_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "vipd/config.h"
#include "vipd/events.h"
#include "vipd/instance_batch.h"
#include "vipd/ctl.h"
#include "vipd/daemon_state.h"
#include "vipd/daemon_vmac.h"
#include "vipd/instance.h"
#include "vipd/instance_batch.h"
#include "vipd/loop.h"
#include "vipd/nl.h"
#include "vipd/sdnotify.h"

struct notifier;
struct sync_set;
struct metrics_http;
struct vrrp_sock;

struct daemon_iface;

struct announce_tx;

struct daemon {
	struct vipd_config *cfg;
	char socket_path[VIPD_PATH_MAX];
	struct loop *loop;
	struct nl *nl;
	struct ctl *ctl;
	struct vmac_mgr *vmacs;
	int announce_fd;
	struct announce_tx *announce_tx; /* the frames of announce_fd until the iteration ends */
	struct instance_batch nl_batch;  /* the instances' VIP changes until the iteration ends */
	struct daemon_iface **ifaces;
	size_t nifaces;
	/* The cause of the netlink event in hand while the monitor is read, NULL otherwise: an
	 * address that appears then is told to its interface's instances after the read. */
	const struct events_cause *nl_reading;
	struct instance **instances; /* one allocation each: timers point into them */
	size_t ninstances;
	struct instance_io io;
	struct instance_late_log late_log; /* one late-timer line for all instances (io.late_log) */
	uint64_t drops[VRRP_RX__COUNT];    /* packets no instance could be charged with */
	bool stopping;
	struct sdnotify sd;                /* systemd: READY, STATUS, WATCHDOG, STOPPING */
	struct loop_timer sd_status_timer; /* sends STATUS= once the current event is done */
	struct notifier *notifier;         /* notify scripts and notify_fifo (notify.c) */
	struct sync_set *syncs;            /* sync groups bound to the instances (sync_group.c) */
	struct loop_timer stop_timer;      /* at stop: waits for the notify scripts, bounded */
	struct loop_timer trim_timer;      /* returns freed heap to the kernel (daemon_trim_soon) */
	monotime stop_deadline;
	struct track *track;           /* the checks of cfg (track.c, daemon_track.c) */
	struct proc_user *script_user; /* who scripts run as, per config load; NULL: as vipd */
	monotime started;              /* daemon_run: when the instances started (stats uptime) */
	/* Where the instances' startup_delay counts from: daemon_new, or the boot with
	 * startup_delay_from_boot (of the config vipd started with) */
	monotime startup_origin;
	struct metrics_http *http;      /* GET /metrics (daemon_http.c); NULL when off */
	struct vipd_listen http_listen; /* where http listens */
	struct vrrp_adv rxadv;
	struct loop_timer sock_retry_timer; /* retries failed socket opens and joins */
	monotime sock_retry_delay;          /* the current wait between tries; 0 when none fails */
	struct daemon_state state; /* the state file of the demoted instances (daemon_state.c) */
	const struct vipd_config *vips_cfg; /* whose VIPs the interfaces exclude (all_vips) */
	struct loop_timer resync_timer;     /* re-reads links and addresses (daemon_resync.c) */
	const char *resync_why;             /* why, for the log */
	bool resync_lost; /* events were lost: the monitor queue is stale until then */
	struct nft *nft;  /* libnftables for table inet vipd (daemon_nft.c); NULL until used */
	struct events_ring events;             /* recent events (daemon_events.c) */
	char run_id[17];                       /* this run's id, shown with every event */
	const struct events_cause *events_ctx; /* the cause of what the daemon does now; NULL */
	int journal_fd;           /* under systemd: journald's socket for the events' entries; -1 */
	uint64_t journal_dropped; /* entries journald could not take at once */
};

/* instance_io.drop_sync: replace table inet vipd by one dropping every instance's drop list
 * (accept = false, daemon_nft.c). 0, or -1 with the reason in err. */
int daemon_nft_sync(void *ctx, char *err, size_t errlen);

/* garp_groups: when the announcement of vip (of in, on dev, "" = the VIPs' interface) may go,
 * 0 when its interface is not paced (daemon_garp.c). */
monotime daemon_garp_due(struct daemon *d, struct instance *in, const struct vip_addr *vip,
                         const char *dev);

/* An announcement of vip left at now: its interface's next one of that family is one interval
 * later. */
void daemon_garp_sent(struct daemon *d, struct instance *in, const struct vip_addr *vip,
                      const char *dev, monotime now);

/* vipctl status: the garp_groups of the running config as a JSON array (a new reference), NULL
 * when out of memory. */
struct json_object *daemon_garp_status(const struct daemon *d);

/* Delete table inet vipd (a killed run's at start, ours at stop); a failure is logged when an
 * instance has accept = false (without nf_tables there can be no table to delete). */
void daemon_nft_clean(struct daemon *d, const char *when);

/* The event ring of size events (clamped), this run's id, and under systemd the journal's
 * socket (none when it cannot open: the log lines stay). 0, or -1 (ENOMEM). */
int daemon_events_init(struct daemon *d, size_t size);

/* Free the event ring, close the journal's socket. */
void daemon_events_free(struct daemon *d);

/* Make c the cause of the changes that follow (a check's change, an interface event, a ctl
 * command); returns the previous one, for daemon_events_leave. c must outlive the leave. */
const struct events_cause *daemon_events_enter(struct daemon *d, const struct events_cause *c);

/* Put back the cause daemon_events_enter returned. */
void daemon_events_leave(struct daemon *d, const struct events_cause *prev);

/* Record in's state change (io->state_changed) with its cause, which it also keeps in
 * in->cause (returned) and counts in in->stats.by_cause. */
const struct events_cause *daemon_events_state(struct daemon *d, struct instance *in);

/* Record a change of in's effective priority (io->priority_changed) and return its cause (valid
 * until the ring is next written or read); none and NULL when unchanged (or out of memory). */
const struct events_cause *daemon_events_priority(struct daemon *d, struct instance *in);

/* instance_io.nl_failed: record the failed change (text) of in with the kernel's message. */
void daemon_events_nl_failed(void *ctx, struct instance *in, const struct nl_change *c,
                             const char *text);

/* instance_io.anomaly: record anomaly a of in as an event (held: its kind's held back since). */
void daemon_events_anomaly(void *ctx, struct instance *in, const struct peers_anomaly *a,
                           uint64_t held);

/* The cause an interface event gives what it changes: the interface and what happened to it
 * (read before daemon_iface_nl_event applies ev). */
void daemon_events_nl_cause(struct daemon *d, const struct nl_event *ev, struct events_cause *c);

/* {"command":"events","since":SEQ,"names":[...]}: the events after since (at most 256 per
 * answer; "more" says to ask again from "last"), "lost" when some left the ring. */
struct json_object *daemon_events_ctl(struct daemon *d, struct json_object *req);

/* {"command":"history","name":N}: per instance its transitions, time in each state and
 * availability. */
struct json_object *daemon_events_history_ctl(struct daemon *d, struct json_object *req);

/* After the current event: hand the memory freed by a large answer back to the kernel. */
void daemon_trim_soon(struct daemon *d);

/* The interface named name in the daemon's table, created (unknown to netlink yet) if missing. */
struct iface *daemon_iface_get(struct daemon *d, const char *name);

/* The interface named name, or NULL. */
struct iface *daemon_iface_by_name(struct daemon *d, const char *name);

/* The interface with kernel index ifindex, or NULL. */
struct iface *daemon_iface_by_index(struct daemon *d, unsigned ifindex);

/* True when netlink last said a is on ifc. */
bool daemon_iface_has_addr(const struct iface *ifc, const struct vip_addr *a);

/* The IFA_PROTO netlink last gave for a on ifc (0: none), or -1 when a is not on ifc. */
int daemon_iface_addr_proto(const struct iface *ifc, const struct vip_addr *a);

/* Forget a on ifc (netlink said it left, or we removed it). */
void daemon_iface_del_addr(struct iface *ifc, const struct vip_addr *a);

/* ifc's link left: deleted, or renamed away (renamed: its instances release first, through the
 * index that still names the link). Then its index, sockets and addresses are forgotten. */
void daemon_iface_gone(struct daemon *d, struct iface *ifc, bool renamed, monotime now);

/* ifc's name now belongs to the link ifindex: sockets closed, addresses unknown until read. */
void daemon_iface_bind(struct daemon *d, struct iface *ifc, unsigned ifindex);

/* Close both VRRP sockets of ifc. */
void daemon_iface_close_sockets(struct daemon *d, struct iface *ifc);

/* At start, after the first netlink dump: warn of each interface missing, open the sockets each
 * one's instances need. */
void daemon_iface_start(struct daemon *d);

/* daemon_iface_sync_sockets for every interface (after a reload). */
void daemon_iface_sync_all(struct daemon *d);

/* At the end: close every VRRP socket and free the interface table. */
void daemon_iface_free_all(struct daemon *d);

/* Register in (NULL: none) as the instance of (af, vrid) on ifc, for the receive path's demux. */
void daemon_iface_demux_set(const struct iface *ifc, int af, uint8_t vrid, struct instance *in);

/* The VRRP socket of family af on ifc, NULL while it is not open. */
struct vrrp_sock *daemon_iface_sock(const struct iface *ifc, int af);
/* ifc's IPv4 AH socket (auth_type = "ah": whole datagrams), or NULL while it is not open. */
struct vrrp_sock *daemon_iface_ah_sock(const struct iface *ifc);

/* The MAC netlink gave for ifc, NULL when it gave none. */
const uint8_t *daemon_iface_mac(const struct iface *ifc);

/* True while a VRRP socket of ifc could not be opened or could not join its group. */
bool daemon_iface_sock_failed(const struct iface *ifc);

/* The retry timer of failed socket opens and joins (d->sock_retry_timer). */
void daemon_iface_sock_retry_cb(void *arg, monotime now);

/* Open the sockets ifc's instances need (joining the group for multicast ones), close the others.
 */
void daemon_iface_sync_sockets(struct daemon *d, struct iface *ifc);

/* The received packets no instance could be charged with (unknown VRID, no readable VRID), as a
 * new {"reason": N} object holding the nonzero counters only; NULL when out of memory. */
struct json_object *daemon_iface_unmatched_drops(const struct daemon *d);

/* Apply one netlink event (from a dump or the monitor) to the table and tell the instances. */
void daemon_iface_nl_event(void *arg, const struct nl_event *ev);

/* The monitor socket is readable: read the events, resync after ENOBUFS. */
void daemon_iface_nl_cb(void *arg, int fd, unsigned events, monotime now);

/* Set up the resync timer (daemon_resync.c); before the loop runs. */
void daemon_resync_init(struct daemon *d);

/* Dump every link and address aside, then swap the view in: each instance evaluated once, no
 * transition for what did not change. A failed dump changes nothing and is retried on a timer.
 * why (a static string) is for the log. 0, or -1 (logged). */
int daemon_resync(struct daemon *d, const char *why);

/* daemon_resync from the loop, as soon as the current event is done. */
void daemon_resync_soon(struct daemon *d, const char *why);

/* Build the checks of cfg (replacing d->track, whose equal checks keep their state; call before
 * the old config is freed) and put the tracked interfaces in the table. 0, or -1 (logged) with
 * no checks running at all. */
int daemon_track_setup(struct daemon *d, const struct vipd_config *cfg);

/* Start the checks built by daemon_track_setup (first runs now). */
void daemon_track_start(struct daemon *d, monotime now);

/* The answer to a vipctl command whose result was built (taken), or, when result is NULL (out of
 * memory), an error answer and a log line naming the command. */
struct json_object *daemon_ctl_reply(struct json_object *result, const char *command);

/* daemon_status.c: daemon_status's object as text (malloc'd, its length in *len, which may be
 * NULL), written without a json-c tree; NULL when out of memory. */
char *daemon_status_text(struct daemon *d, size_t *len);

/* The answer to the status command: that text as the result. */
struct json_object *daemon_status_ctl(struct daemon *d);

/* Give every instance its tracking result (checks and tracked interfaces). */
void daemon_track_update(struct daemon *d, monotime now);

/* Add "checks" and "track_interfaces" to the status object io of in; -1 when out of memory. */
int daemon_track_status(struct daemon *d, const struct instance *in, struct json_object *io);

/* Give every interface the VIPs of cfg it must never take as an advert source (iface->all_vips;
 * daemon_iface_get does it for the interfaces made later). */
void daemon_iface_vips_rebuild(struct daemon *d, const struct vipd_config *cfg);

/* Make an instance for ic and register it for demux; it starts with instance_start. */
struct instance *daemon_instance_add(struct daemon *d, const struct vipd_instance_config *ic);

/* Apply the notify settings of the config (script_user, notify_fifo). */
void daemon_notify_configure(struct daemon *d);

/* (Re)bind the sync groups to the instances now in the table. */
void daemon_syncs_rebuild(struct daemon *d);

/* Create the VMACs of instances[first..] (before they start), then take in their link events. */
void daemon_start_vmacs(struct daemon *d, size_t first);

/* {"command":"reload"} (daemon_reload.c): {"kept","changed","started","stopped"} counts, or the
 * error with "errors": ["FILE:LINE: ..."] when the file is bad (the running config stays). */
struct json_object *daemon_reload_ctl(struct daemon *d);

/* Render the running daemon d now as Prometheus text (daemon_stats.c, with metrics_render; the
 * ctl "metrics" command, GET /metrics): malloc'd, length in *len; NULL when out of memory. */
char *daemon_stats_metrics_text(struct daemon *d, size_t *len);

/* {"command":"stats"} and {"command":"metrics"} (daemon_stats.c): the reply for command. */
struct json_object *daemon_stats_ctl(struct daemon *d, const char *command);

/* {"command":"peers"} with an optional "name" (daemon_peers.c): {"instances":[...]}, one entry
 * per instance (instance_peers_json), or only NAME's. */
struct json_object *daemon_peers_ctl(struct daemon *d, struct json_object *req);

/* Process the queued netlink events now (after we changed links ourselves). */
void daemon_iface_nl_sync(void *arg);

/* Open, move or close the HTTP /metrics listener to match d->cfg->metrics_listen (daemon_http.c;
 * a failure is logged and retried at the next call). */
void daemon_http_apply(struct daemon *d);

/* Close the HTTP /metrics listener and its connections (harmless when off). */
void daemon_http_close(struct daemon *d);

/* ctl demote / promote (demote true / false) of the instance named by req's "name": its status
 * object, or an error ("no such instance", "address owner (priority 255) cannot be demoted",
 * "not demoted"). */
struct json_object *daemon_admin_ctl(struct daemon *d, struct json_object *req, bool demote);

/* {"command":"debug"} (daemon_debug.c), members "enable" and "disable" (arrays of category
 * names, "all" for every one; disable applies first): {"enabled":[NAME...]}, the categories on
 * after the change; an unknown name is an error naming the valid ones, and changes nothing. */
struct json_object *daemon_debug_command(struct json_object *req);

/* The debug lines of the daemon layer (daemon_debug.c), each called only when its category is
 * on: a control request and its answer (ctl); a packet dropped before any instance took it,
 * and an advert sent, rc the send's result with errno (packets); a netlink batch, rc
 * nl_apply's result, with each change's result, and a netlink event (netlink). */
void daemon_debug_ctl(struct daemon *d, struct json_object *req, struct json_object *reply);
void daemon_debug_rx_drop(const struct iface *ifc, const struct vrrp_rx_meta *meta,
                          const uint8_t *msg, size_t len, enum vrrp_reason r);
void daemon_debug_tx(const struct instance *in, const union vip_in *src, const union vip_in *dst,
                     const uint8_t *msg, size_t len, int rc);
void daemon_debug_nl_batch(struct daemon *d, const struct nl_change *ch, size_t n, int rc);
void daemon_debug_nl_event(const struct nl_event *ev);

/* At start, before the privilege drop: SCHED_RR (with SCHED_RESET_ON_FORK, which also goes on an
 * inherited real-time policy) and mlockall; a refusal is logged and vipd runs on. */
void daemon_rt_apply(const struct vipd_config *cfg);
/* The "scheduling" object of status: policy, priority, reset_on_fork, memory_locked; NULL when
 * out of memory. */
struct json_object *daemon_rt_status(void);

/* End of start-up (daemon_priv.c): become the configured user with CAP_NET_ADMIN and CAP_NET_RAW
 * only (fatal when that fails; nothing to do when not root or the user is root). */
void daemon_priv_drop(struct daemon *d);

/* Apply the VIP changes the instances queued (d->nl_batch) in one netlink batch now: at the end
 * of each loop iteration, and before an instance that queued some is freed. */
void daemon_nl_flush(struct daemon *d);

/* Apply changes now, after what the instances queued (the kernel sees them in order). nl_apply's
 * result. */
int daemon_nl_apply(struct daemon *d, struct nl_change *changes, size_t n);

/* Fill d->io, the instance_io of every instance, and the timer of the deferred STATUS line. */
void daemon_io_init(struct daemon *d);

/* announce_tx's callback: the result of an announcement io_announce queued, told to its
 * instance (tag; NULL: gone since). */
void daemon_io_announced(void *arg, void *tag, int err);

/* Send systemd the STATUS= line now (a pending deferred one is dropped). */
void daemon_io_status_now(struct daemon *d);

#endif
