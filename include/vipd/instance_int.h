/* instance_int: what src/instance*.c share. Not an API: nothing else includes it. */
#ifndef VIPD_INSTANCE_INT_H
#define VIPD_INSTANCE_INT_H

#include <stdbool.h>

#include "vipd/instance.h"

/* Retry delay after a failed netlink call while master. */
#define NL_RETRY (200 * MT_MSEC)

/* What the FSM needs of an instance's config (the primary address is the instance's). */
struct vrrp_fsm_config instance_fsm_config(const struct vipd_instance_config *cfg);

/* The end of in's startup delay (in->startup_origin + cfg->startup_delay), 0 without one. */
monotime instance_startup_until(const struct instance *in);

/* Carry out the FSM's actions acts in their documented order, then re-arm the protocol timer. */
void instance_run_actions(struct instance *in, unsigned acts, monotime now);

/* (Re)start the announcements (GARP / NA bursts): a first burst now (IPv6: as soon as the
 * kernel announced the VIPs, at most 20 ms later). */
void instance_announce_start(struct instance *in, monotime now);

/* An address event on in's interfaces: a first burst waiting for the kernel's VIPs goes now if
 * they are all there. */
void instance_announce_vips_changed(struct instance *in, monotime now);

/* The loop timer of the announcements (instance_init arms nothing; instance_announce_start does).
 */
void instance_announce_timer_cb(void *arg, monotime now);

/* The output interface index of virtual route r of in (0 when its interface is missing). */
unsigned instance_route_ifindex(const struct instance *in, const struct vipd_route *r);

/* Append the address changes of in at ch[n..] (a delete leaves out the foreign ones, a missing
 * interface leaves one out: a failure on add, counted in *missing and logged); the new count. */
size_t instance_addrs_put(struct instance *in, bool add, struct nl_change *ch, size_t n,
                          int *missing);

/* The interfaces of route change c (its route set) into c->ifindex (instance_route_ifindex;
 * 0 for a route without a next hop, or with nexthops) and c->nh_ifindex (each nexthop's dev,
 * the VIPs' interface when none). False when one of them is missing. */
bool instance_route_oif(const struct instance *in, struct nl_change *c);

/* Append the route changes of in at ch[n..]; the new count. A route whose interface is missing
 * is left out: gone with its interface on delete, one failure (*missing, logged) on add. */
size_t instance_route_put(struct instance *in, bool add, struct nl_change *ch, size_t n,
                          int *missing);

/* Append a change per virtual rule of in at ch[n..] (rules name no interface); the new count. */
size_t instance_route_put_rules(const struct instance *in, bool add, struct nl_change *ch,
                                size_t n);

/* The changes that add (or remove) every VIP, excluded address, virtual route and rule of in,
 * in their batch order, in a new array (*n used of *max); *failed counts the ones left out (a
 * missing interface). NULL (nothing to apply, *failed = *max) without the VIPs' interface on
 * add or out of memory (logged, counted). */
struct nl_change *instance_changes_build(struct instance *in, bool add, size_t *n, size_t *max,
                                         int *failed);

/* Take the kernel's answers to ch[0..n) (built by instance_changes_build, with failed left out):
 * VIP origins noted, each failure counted, logged and told to io->nl_failed. The failures in
 * all (failed included). */
int instance_batch_changes_done(struct instance *in, bool add, const struct nl_change *ch, size_t n,
                                int failed);

/* Queue the VIP changes of a state change on the daemon's batch (io->batch), as apply_vips
 * does at once: the drop of Accept_Mode false is set first on add, cleared after a clean
 * delete. 0 queued or nothing to do, > 0 failures (the caller retries), -1 without a batch (the
 * caller applies at once). */
int instance_batch_vips(struct instance *in, bool add);

/* Whether a netlink change reached its goal (EEXIST on add, "not there" on delete count). */
bool instance_change_done(const struct nl_change *c);

/* Record in in->vip_origin what an address change of one of in's VIPs found: created (ours),
 * already there (EEXIST: foreign, unless ours), removed. Other changes are ignored. */
void instance_vip_note_result(struct instance *in, const struct nl_change *c);

/* Whether cfg filters (Accept_Mode false, RFC 9568 6.4.3): accept = false and not the address
 * owner, which always accepts. */
bool instance_accept_filters(const struct vipd_instance_config *cfg);

/* Make in's drop list the n addresses of vips (n = 0: none) and have the daemon rebuild the
 * table unless it already holds them. 0, or -1 (logged, counted in nl_errors; the caller
 * retries). */
int instance_accept_set(struct instance *in, const struct vip_addr *vips, size_t n);

/* Log what the FSM's actions acts mean for a demoted instance (handover ran out, VIPs released
 * after the grace); called by instance_run_actions. */
void instance_admin_note(struct instance *in, unsigned acts);

/* At instance_start: an instance flagged in->demoted before it started (restarted by a reload)
 * starts demoted; an address owner cannot be, its flag is cleared (logged). */
void instance_admin_start(struct instance *in, monotime now);

/* Debug lines (instance_debug.c), each called only when its category is on: an advert in
 * looked at and its verdict r (packets: accepted, dropped with the reason, or ignored in INIT or
 * FAULT); the protocol timer fired at now, with the deadlines that were due, and armed for next
 * (timers). */
void instance_debug_rx(const struct instance *in, const struct vrrp_adv *adv,
                       const struct vrrp_rx_meta *meta, enum vrrp_reason r);
void instance_debug_fired(const struct instance *in, monotime now);
void instance_debug_armed(const struct instance *in, monotime next, monotime now);

/* The addresses of in's VIPs in buf (room for VRRP_MAX_ADDRS), as the adverts list them; buf. */
const union vip_in *instance_vip_in_list(const struct instance *in, union vip_in *buf);

/* The VRRPv2 authentication of c: *type and the 8 bytes of data: the password (for AH the key,
 * which the advert itself carries as 8 zero bytes). */
void instance_auth_fill(const struct vipd_instance_config *c, uint8_t *type, uint8_t *data);

/* auth_type = "ah" (instance_ah.c): wrap the VRRP message msg[0..len) for dst in its IPv4 and AH
 * headers into out (room for VRRP_AH_DGRAM_MAX), with the next sequence number and IP
 * Identification and key; the datagram's length, or -1. */
ssize_t instance_ah_wrap(struct instance *in, const union vip_in *dst, const uint8_t *key,
                         const uint8_t *msg, size_t len, uint8_t *out);

/* Every anomaly of in goes through here (instance_anomaly.c): counted by kind, kept as the last
 * one, logged as "anomaly KIND: ..." at most once per INSTANCE_ANOMALY_LOG_GAP per kind. */
void instance_anomaly(struct instance *in, const struct peers_anomaly *a, monotime now);
#define INSTANCE_ANOMALY_LOG_GAP (10 * MT_SEC)

/* An advert that passed the receive checks was handled by the FSM (master_before: in was Master
 * when it came): its router's entry in in->peers, and the anomalies it shows. */
void instance_peers_heard(struct instance *in, const struct vrrp_adv *adv,
                          const struct vrrp_rx_meta *meta, enum vrrp_csum_form form,
                          bool addrs_differ, bool master_before, monotime now);

/* After the actions of any event: a split-brain episode ends when in left Master or the other
 * master fell silent; routers past their age leave in->peers. */
void instance_peers_tick(struct instance *in, monotime now);

/* A drop of reason r was counted on in: an anomaly when its count crossed a threshold. */
void instance_peers_drop(struct instance *in, enum vrrp_reason r, monotime now);
/* instance_export.c: the routes announced into announce_table. How many routes one set holds
 * (0 without announce_table). */
size_t instance_export_count(const struct instance *in);

/* Whether in wants its standby set in the table now: announce_backup_metric, BACKUP and the VIPs
 * not held (a handover holds them). */
bool instance_export_standby_wanted(const struct instance *in);

/* Append the changes of the master set (standby false) or the standby set at ch[n..], as
 * instance_addrs_put does (room: instance_export_count); the new count. */
size_t instance_export_put(struct instance *in, bool standby, bool add, struct nl_change *ch,
                           size_t n, int *missing);

/* A state change that moves no VIP: add the standby set when BACKUP, else delete it, in a
 * batch of its own. The number of failures (logged, counted; the caller retries). */
int instance_export_standby_apply(struct instance *in);

/* A reload from old to in->cfg: the set in the table follows by difference (a route kept is
 * not touched). The number of failures (logged, counted; the caller retries). */
int instance_export_reload(struct instance *in, const struct vipd_instance_config *old);

/* What is in announce_table for vipctl status: "master", "standby", "none"; NULL without one. */
const char *instance_export_held(const struct instance *in);

#endif
