/* instance: one configured virtual router wired to the world. It feeds the
 * FSM with adverts and timers and carries out its actions (adverts, VIPs,
 * announcements) through a small I/O interface, so tests can use fakes. */
#ifndef VIPD_INSTANCE_H
#define VIPD_INSTANCE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vipd/avail.h"
#include "vipd/config.h"
#include "vipd/events.h"
#include "vipd/loop.h"
#include "vipd/nl.h"
#include "vipd/peers_anomaly.h"
#include "vipd/vrrp_fsm.h"
#include "vipd/vrrp_pkt.h"

struct instance;

/* A network interface named by the config as netlink last described it: what an instance reads
 * of it. The daemon owns and writes it (struct daemon_iface, daemon_iface.h, which also holds
 * the interface's MAC, VRRP sockets and VRID demux table); instances only read it. */
/* The VRRP sockets an interface may have: IPv4, IPv6, and IPv4 AH (IFACE_SOCK_AH). */
#define IFACE_NSOCKS 3
#define IFACE_SOCK_AH 2

struct iface {
	char name[IF_NAMESIZE];
	unsigned ifindex;       /* 0 while the interface does not exist */
	bool running;           /* up with carrier */
	struct vip_addr *addrs; /* addresses on it now (from netlink) */
	size_t naddrs;
	struct nl_addr_meta *meta; /* meta[i] describes addrs[i]; NULL: all primary, proto 0 */
	/* Every VIP of every configured instance, sorted by instance_vip_addr_cmp: never an advert
	 * source of another instance (only an owner's own VIPs are, RFC 9568 4.1). Set by the
	 * daemon. */
	const struct vip_addr *all_vips;
	size_t nall_vips;
	/* Why the VRRP socket of a family cannot serve, "" when it can (set by the daemon, retried
	 * on a timer): it could not be opened (FAULT for every instance of the family), or it could
	 * not join the group (FAULT for the multicast ones: deaf, they would become master). */
	char sock_error[IFACE_NSOCKS][128]; /* by iface_sock_index */
	char join_error[IFACE_NSOCKS][128];
};

/* Index of a family in iface arrays: 0 for IPv4, 1 for IPv6. */
static inline int iface_af_index(int af)
{
	return af == AF_INET6 ? 1 : 0;
}

/* Index of an instance's VRRP socket in iface socket arrays (iface_af_index, or IFACE_SOCK_AH
 * for auth_type = "ah", whose adverts are IP protocol 51). */
static inline int iface_sock_index(int af, bool ah)
{
	return ah ? IFACE_SOCK_AH : iface_af_index(af);
}

/* Total order of addresses (family, then bytes; the prefix length is ignored), for the sorted
 * ifc->all_vips. */
int instance_vip_addr_cmp(const void *a, const void *b);

/* The source address adverts of family af leave with: an IPv4 address, or an IPv6 link-local,
 * that is neither one of vips nor in ifc->all_vips (but one of vips when owner), preferring a
 * primary (not IFA_F_SECONDARY) address, then a non-VIP, then the first listed. Returns false
 * when there is none. */
bool instance_iface_primary(const struct iface *ifc, int af, const struct vip_addr *vips,
                            size_t nvips, bool owner, union vip_in *out);

/* Where a VIP on the interface came from, as far as its instance knows (instance->vip_origin). */
enum vip_origin {
	VIP_ABSENT,  /* not added by us, not seen before us */
	VIP_ADDED,   /* our add created it: ours to delete */
	VIP_FOREIGN, /* it was there before vipd (add said EEXIST, or found at start without
	                vipd's mark): never deleted */
};

/* The enum vip_origin of up to VRRP_MAX_ADDRS + VIPD_EXCLUDED_MAX addresses, two bits each:
 * a byte each was 510 bytes of every instance (issue 13, RSS). All zero: every one VIP_ABSENT. */
struct instance_origins {
	uint8_t bits[(VRRP_MAX_ADDRS + VIPD_EXCLUDED_MAX + 3) / 4];
};

/* What an instance needs from the kernel. Return 0 or -1 (errno set). */
/* The rate limit of the late-timer line (instance_late.c): when it was last written and the
 * late runs not logged since. */
struct instance_late_log {
	monotime logged; /* 0: never */
	uint64_t unlogged;
};

struct instance_batch;

struct instance_io {
	void *ctx;
	/* Optional (may be NULL: each instance applies its changes at once): where a state
	 * change queues its VIP changes until instance_batch_flush, one batch for all. */
	struct instance_batch *batch;
	/* Send a VRRP message of the instance's family from src to dst: 0 sent, -1 (errno) not,
	 * 1 queued, its result told later through instance_sent. */
	int (*send)(void *ctx, struct instance *in, const union vip_in *src,
	            const union vip_in *dst, const uint8_t *msg, size_t len);
	/* Apply address changes in one batch; each change's error is filled. Returns failures. */
	int (*apply)(void *ctx, struct nl_change *changes, size_t n);
	/* Announce one address (gratuitous ARP / unsolicited NA) on dev, "" being the VIPs'
	 * interface: 0 sent, 1 nothing to send there (no link layer, as lo), 2 queued (its result
	 * told later through instance_announce_sent), -1 (errno) failed. */
	int (*announce)(void *ctx, struct instance *in, const struct vip_addr *vip,
	                const char *dev);
	/* Optional (may be NULL: no pacing): the earliest time the announcement of vip on dev may
	 * go, for the pacing of its interface shared by every instance (garp_groups); 0 = now. */
	monotime (*announce_due)(void *ctx, struct instance *in, const struct vip_addr *vip,
	                         const char *dev);
	/* Optional (may be NULL): told after each logged state change of in. */
	void (*state_changed)(void *ctx, struct instance *in);
	/* Optional (may be NULL): told when in's effective priority (fsm.priority) changed. */
	void (*priority_changed)(void *ctx, struct instance *in);
	/* Optional (may be NULL: always ready): whether the kernel announced every VIP of in as
	 * present (netlink RTM_NEWADDR), i.e. traffic to them is delivered. */
	bool (*vips_ready)(void *ctx, struct instance *in);
	/* Optional (may be NULL): drop every IPv6 address of in's VMAC without a packet, before an
	 * IPv6 instance deletes its VIPs (a VIP deleted from an up interface makes the kernel send
	 * MLD reports, here from the virtual MAC of a node no longer master). */
	int (*vmac_flush)(void *ctx, struct instance *in);
	/* Optional (may be NULL: no instance has accept = false): rebuild vipd's nftables table
	 * from every instance's drop list (in->drop). 0, or -1 with the reason in err. */
	int (*drop_sync)(void *ctx, char *err, size_t errlen);
	/* Optional (may be NULL): in, Master, heard a lower priority and its
	 * notify_master_rx_lower_pri is due (instance_receive_rx_lower_due). */
	void (*master_rx_lower)(void *ctx, struct instance *in);
	/* Optional (may be NULL): a change of in's VIPs, routes or rules failed (c->error,
	 * c->msg); it is logged, counted and retried. text: the change as the log names it. */
	void (*nl_failed)(void *ctx, struct instance *in, const struct nl_change *c,
	                  const char *text);
	/* Optional (may be NULL): an anomaly of in (instance_anomaly) passed its rate limit, held
	 * the number of its kind held back since the last one; the log line is written. */
	void (*anomaly)(void *ctx, struct instance *in, const struct peers_anomaly *a,
	                uint64_t held);
	/* Optional (may be NULL: each instance limits its own lines): the late-timer line's rate
	 * limit shared by every instance, so a starved host logs one line, not one per instance. */
	struct instance_late_log *late_log;
};

/* Per-instance counters, shown by status and stats. */
/* Buckets of the protocol timer's lateness histogram (instance_late.h). */
#define INSTANCE_LATE_NBUCKETS 8

struct instance_stats {
	uint64_t adverts_sent;
	uint64_t adverts_received;
	uint64_t prio0_sent;
	uint64_t prio0_received;
	uint64_t send_errors;
	uint64_t drops[VRRP_RX__COUNT];
	uint64_t csum_forms[2];      /* v3 IPv4 adverts received in each checksum form */
	uint64_t addr_list_mismatch; /* v3 adverts whose address list differs from ours */
	uint64_t transitions[VRRP_STATE__COUNT]; /* entries into each state */
	uint64_t announcements;                  /* GARPs and NAs sent */
	uint64_t nl_errors;
	uint64_t vip_restored; /* VIPs put back after someone removed them */
	/* [from][to]: each logged state change (src/instance_stats.c) */
	uint64_t trans[VRRP_STATE__COUNT][VRRP_STATE__COUNT];
	struct avail avail; /* availability from this node's own history */
	/* time spent in each state, closed periods only (the current one: now - since) */
	monotime in_state[VRRP_STATE__COUNT];
	/* state changes by the kind of their cause (counted by the daemon, daemon_events.c) */
	uint64_t by_cause[EVENTS_KIND__COUNT];
	/* How late fsm_timer ran (instance_late.c): runs per bucket of instance_late_bounds, the
	 * last for later ones; their sum in ns; the runs more than half an advert interval late. */
	uint64_t late[INSTANCE_LATE_NBUCKETS + 1];
	uint64_t late_sum_ns;
	uint64_t late_over_half;
};

struct instance {
	const struct vipd_instance_config *cfg;
	const struct iface *iface;
	/* vmac = true: the VMAC (set by the daemon after instance_init). The VIPs live on it and
	 * adverts, GARP and NA leave from it; receiving stays on iface, its parent. */
	const struct iface *vmac;
	struct loop *loop;
	const struct instance_io *io;
	struct vrrp_fsm fsm;
	struct loop_timer fsm_timer;
	struct loop_timer garp_timer;
	struct loop_timer retry_timer; /* re-applies the VIPs after a failed netlink call */
	unsigned garp_left;            /* announcements left in the current burst */
	size_t garp_vip;               /* garp_interval: the next VIP of the current round */
	bool garp_second_burst_done;
	bool garp_refreshing;       /* the current or next burst is a garp_refresh one */
	monotime garp_since;        /* when the announcements (re)started: the takeover */
	monotime garp_burst_start;  /* start of the current or last burst */
	monotime garp_wait_until;   /* IPv6: first burst waits for the kernel's VIPs; 0 if not */
	bool vips_held;             /* we added the VIPs and have not removed them */
	const char *fault_reason;   /* why FAULT: interface missing, down, no source address */
	bool track_fault;           /* a weight-0 check or tracked interface is down */
	char track_why[128];        /* what tracking says is wrong (FAULT reason) */
	enum vrrp_state last_state; /* last state logged */
	monotime since;             /* time of the last state change */
	union vip_in primary;       /* advert source address */
	uint8_t told_priority;      /* effective priority last given to io->priority_changed */
	/* The cause of the last state change and the priority the last event named; the daemon
	 * writes them (daemon_events.c), instance_status shows the cause. */
	struct events_cause cause;
	uint8_t event_priority;
	long demote_uid; /* uid of the vipctl client of the last demote (-1: none) */
	/* vipctl demote (maintenance): effective priority 1, no preemption; a master hands over
	 * (make before break, src/instance_admin.c). Set before instance_start, the instance
	 * starts demoted (a reload restarting it keeps the flag by instance name). */
	bool demoted;
	/* Where startup_delay counts from (vipd's start, or the boot with startup_delay_from_boot),
	 * on the monotonic clock; set by the daemon before instance_start. */
	monotime startup_origin;
	monotime rx_lower_last;            /* last notify_master_rx_lower_pri run; 0: never */
	struct instance_late_log late_log; /* its own, when io->late_log is NULL */
	/* auth_type = "ah": the VRID's AH sequence number, the highest sent or taken (as
	 * keepalived, one counter for both, so a new master counts on from its predecessor), and
	 * the IP Identification of the last AH advert (never 0: the kernel would choose one). */
	uint32_t ah_seq;
	uint16_t ah_ip_id;
	/* The enum vip_origin of each address: cfg->vips[i], then cfg->excluded[i - nvips]
	 * (instance_addrs.c); read and set with instance_origin / instance_origin_set. */
	struct instance_origins vip_origin;
	/* accept = false (src/instance_accept.c): the addresses whose packets vipd's nftables
	 * table must drop for this instance, and whether the table last built holds them. On the
	 * heap, only while not empty (drop_cap of them): most instances never fill one, and a
	 * fixed array of VRRP_MAX_ADDRS would be 6 kB of every instance. */
	struct vip_addr *drop;
	size_t ndrop, drop_cap;
	bool drop_synced;
	struct instance_stats stats;
	/* vipctl peers (instance_peers.c): the routers heard on the VRID and the anomalies seen. */
	struct peers peers;
	struct peers_watch watch;
};

/* The origin of address i in o. */
static inline enum vip_origin instance_origin(const struct instance_origins *o, size_t i)
{
	return (enum vip_origin)((o->bits[i / 4] >> (i % 4 * 2)) & 3u);
}

/* Set the origin of address i in o to v. */
static inline void instance_origin_set(struct instance_origins *o, size_t i, enum vip_origin v)
{
	unsigned shift = (unsigned)(i % 4 * 2);

	o->bits[i / 4] = (uint8_t)((o->bits[i / 4] & ~(3u << shift)) | ((unsigned)v << shift));
}

/* The interface the VIPs of in live on: its VMAC if it has one, else its interface. */
static inline const struct iface *instance_vip_iface(const struct instance *in)
{
	return in->vmac ? in->vmac : in->iface;
}

/* notify_master_rx_lower_pri runs at most once per this, however often a lower priority is
 * heard (a peer that stays master advertises every interval). */
#define INSTANCE_RX_LOWER_GAP MT_SEC

/* Whether an instance in state st with effective priority own that heard priority heard at now
 * runs notify_master_rx_lower_pri, its last run at last (0: never): a Master hearing a lower
 * non-zero priority, at most once per INSTANCE_RX_LOWER_GAP. Pure. */
bool instance_receive_rx_lower_due(enum vrrp_state st, unsigned own, unsigned heard, monotime last,
                                   monotime now);

/* Set up an instance for cfg on ifc; it stays in INIT until instance_start. */
void instance_init(struct instance *in, const struct vipd_instance_config *cfg,
                   const struct iface *ifc, struct loop *loop, const struct instance_io *io);

/* Start the protocol (Startup event), or FAULT when the interface cannot be used. */
void instance_start(struct instance *in, monotime now);

/* Free what in holds on the heap (its drop list), before in itself goes; in can be started
 * again only after instance_init. */
void instance_accept_free(struct instance *in);

/* Free in's table of routers heard (instance_peers.c), before in itself goes. */
void instance_peers_free(struct instance *in);

/* Free all that in holds on the heap (drop list, routers heard) before in itself goes: what
 * the daemon calls when an instance is dropped or vipd stops. */
void instance_release(struct instance *in);

/* Stop: a Master sends priority 0 and removes its VIPs; timers stop; state INIT. */
void instance_stop(struct instance *in, monotime now);

/* The result of one advert of in sent as msg (len bytes): err 0 counts it sent (and a priority
 * 0 one), else a send error (logged, rate-limited). For io->send's queued messages. */
void instance_sent(struct instance *in, const uint8_t *msg, size_t len, int err);

/* The result of one queued announcement of in (io->announce returned 2): err 0 counts it made,
 * else a send error. */
void instance_announce_sent(struct instance *in, int err);

/* Before the start: delete the virtual rules and routes a killed earlier run may have left
 * (vipd's own only: the delete names their protocol), unless the instance is the owner. 0 (a
 * netlink failure is logged), or -1 (ENOMEM) with nothing done. */
int instance_remove_stale_routes(struct instance *in);

/* Sync group: a Master leaves (priority 0, VIPs released) and becomes Backup; else nothing. */
void instance_resign(struct instance *in, monotime now);

/* Sync group: while hold is true the instance stays Backup when its Master_Down_Timer fires. */
void instance_hold_backup(struct instance *in, bool hold);

/* Tracking result (checks, track_interfaces): FAULT when fault (combined with the interface
 * reasons; why names the culprit), else the effective priority is the configured one plus delta,
 * clamped (track_priority); a Master advertises a change at once. Logs what changed. */
void instance_set_tracking(struct instance *in, int delta, bool fault, const char *why,
                           monotime now);

/* Re-evaluate the interface (link change, address change): enter or leave FAULT; a new IPv6
 * master waiting for the kernel to announce its VIPs sends its first Neighbor Advertisements. */
void instance_iface_changed(struct instance *in, monotime now);

/* The interface (or VMAC) is leaving but its index still names it (renamed): FAULT for why now,
 * a Master sending priority 0 and deleting its VIPs through that index. */
void instance_iface_lost(struct instance *in, const char *why, monotime now);

/* Handle a decoded advert addressed to this instance's VRID, heard (received by the kernel) at
 * heard <= now: the protocol's timers run from then. */
void instance_receive(struct instance *in, const struct vrrp_adv *adv,
                      const struct vrrp_rx_meta *meta, enum vrrp_csum_form form, monotime heard,
                      monotime now);

/* Count a packet dropped before it reached an instance's FSM. */
void instance_count_drop(struct instance *in, enum vrrp_reason reason);

/* Whether a packet for an instance of cfg with meta must pass the TTL / hop limit 255 check:
 * always, except unicast adverts of an instance with unicast_ttl_check = false. The daemon
 * sets meta->ttl = -1 (unknown, not checked) before vrrp_pkt_decode when this is false. */
bool instance_receive_ttl_checked(const struct vipd_instance_config *cfg,
                                  const struct vrrp_rx_meta *meta);

/* An address left the interface: a Master puts its VIP back (someone deleted it). */
void instance_addr_deleted(struct instance *in, const struct vip_addr *addr, monotime now);

/* Like instance_addr_deleted for an address left the interface of index ifindex: a Master puts
 * back the VIP or excluded address of in that lives there. */
void instance_addr_deleted_on(struct instance *in, unsigned ifindex, const struct vip_addr *addr,
                              monotime now);

/* The addresses of in's master state (instance_addrs.c): the VIPs, then the excluded addresses
 * (index i >= cfg->nvips). Count; address i; its options; the name and index (0 when missing) of
 * the interface it lives on. */
size_t instance_addrs_count(const struct instance *in);
const struct vip_addr *instance_addrs_get(const struct instance *in, size_t i);
const struct vipd_addr_opts *instance_addrs_opts(const struct instance *in, size_t i);
const char *instance_addrs_dev(const struct instance *in, size_t i);
unsigned instance_addrs_ifindex(const struct instance *in, size_t i);
/* The index of interface dev for in's addresses ("" = its VIP interface); 0 when missing. */
unsigned instance_addrs_dev_ifindex(const struct instance *in, const char *dev);

/* The index of addr among in's addresses on the interface ifindex (0: any), or -1. */
ssize_t instance_addrs_find(const struct instance *in, unsigned ifindex,
                            const struct vip_addr *addr);

/* cfg->vips[i] of in was on the interface before vipd: never delete it (in->vip_origin). Logs
 * the first time. */
void instance_vip_foreign(struct instance *in, size_t i);

/* vipctl garp: a Master starts its announcements (GARP / NA bursts) again now; -1 otherwise. */
int instance_announce(struct instance *in, monotime now);

/* vipctl demote: maintenance mode (in->demoted), effective priority 1, no preemption; a Master
 * hands over make before break (vrrp_fsm_demote). 0, or -1 with *why for an address owner.
 * Logs. */
int instance_admin_demote(struct instance *in, monotime now, const char **why);

/* vipctl promote: leave maintenance mode, the priority comes back (a preempting Backup takes over
 * by preemption). 0, or -1 with *why = "not demoted". Logs. */
int instance_admin_promote(struct instance *in, monotime now, const char **why);

/* The instance's status object (its fields are listed under status in vipctl(8)), in
 * instance_status.c; NULL when out of memory. */
struct json_object *instance_status(const struct instance *in, monotime now);

struct jsonw;
/* The members of that object, written into the object w has open (the status of many
 * instances, without a tree); w records running out of memory. */
void instance_status_write(const struct instance *in, monotime now, struct jsonw *w);

/* The peers entry of in (vipctl(8), peers): its view of the master, every router heard on its
 * VRID and the anomalies seen (instance_peers.c); NULL when out of memory. */
struct json_object *instance_peers_json(const struct instance *in, monotime now);

/* Log "NAME: " and fmt at syslog priority pri (instance_log.c): the one prefix of an instance's
 * lines. The _errno variant appends ": strerror(errno)", as log_warn does. */
void instance_log(const struct instance *in, int pri, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void instance_log_errno(const struct instance *in, int pri, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
