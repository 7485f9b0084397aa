/* instance: glue between one virtual router's FSM and the world. Every FSM
 * call goes through run_fsm(), which carries out the actions in the order the
 * FSM documents and re-arms the one protocol timer. */
#include "build_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/instance.h"
#include "vipd/instance_int.h"
#include "vipd/instance_late.h"
#include "vipd/instance_stats.h"
#include "vipd/nl_msg.h"
#include "vipd/track.h"
#include "vipd/vrrp_ah.h"
#include "vipd/log.h"

static void fsm_timer_cb(void *arg, monotime now);
static void retry_timer_cb(void *arg, monotime now);

int instance_vip_addr_cmp(const void *a, const void *b)
{
	const struct vip_addr *x = a, *y = b;

	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	return addr_cmp_in(x->af, &x->in, &y->in);
}

static bool in_list(const struct vip_addr *a, const struct vip_addr *list, size_t n)
{
	for (size_t j = 0; j < n; j++)
		if (addr_equal(a, &list[j]))
			return true;
	return false;
}

bool instance_iface_primary(const struct iface *ifc, int af, const struct vip_addr *vips,
                            size_t nvips, bool owner, union vip_in *out)
{
	int best = -1, best_rank = -1; /* 0 is the best there is */

	for (size_t i = 0; i < ifc->naddrs && best_rank != 0; i++) {
		const struct vip_addr *a = &ifc->addrs[i];
		bool own, vip;
		int rank;

		if (a->af != af)
			continue;
		/* RFC 9568 5.1.2.1: IPv6 adverts come from the interface's link-local. */
		if (af == AF_INET6 && !addr_is_linklocal6(&a->in.v6))
			continue;
		own = in_list(a, vips, nvips);
		vip = own || (ifc->nall_vips && bsearch(a, ifc->all_vips, ifc->nall_vips,
		                                        sizeof(*a), instance_vip_addr_cmp));
		/* A VIP comes and goes with its instance's state (IPv6: the link-local VIP lives on
		 * the interface while master); the owner's are its own addresses (RFC 9568 4.1). */
		if (vip && !(owner && own))
			continue;
		/* A secondary goes with the primary of its prefix; IPv4 only has them. */
		rank =
		    (ifc->meta && (ifc->meta[i].flags & IFA_F_SECONDARY) ? 2 : 0) + (vip ? 1 : 0);
		if (best < 0 || rank < best_rank) {
			best = (int)i;
			best_rank = rank;
		}
	}
	if (best < 0)
		return false;
	*out = ifc->addrs[best].in;
	return true;
}

struct vrrp_fsm_config instance_fsm_config(const struct vipd_instance_config *cfg)
{
	return (struct vrrp_fsm_config){
	    .version = cfg->version == VIPD_V2 ? 2 : 3,
	    .priority = cfg->priority,
	    .adver_int_cs = cfg->adver_int_cs,
	    .preempt = cfg->preempt,
	    .preempt_delay = cfg->preempt_delay,
	    .af = cfg->af,
	    .advert_grid = true,
	    .advert_phase = vrrp_fsm_advert_phase(cfg->vrid, cfg->adver_int_cs),
	};
}

void instance_release(struct instance *in)
{
	instance_accept_free(in);
	instance_peers_free(in);
}

void instance_init(struct instance *in, const struct vipd_instance_config *cfg,
                   const struct iface *ifc, struct loop *loop, const struct instance_io *io)
{
	struct vrrp_fsm_config fc = instance_fsm_config(cfg);

	memset(in, 0, sizeof(*in));
	in->cfg = cfg;
	in->iface = ifc;
	in->loop = loop;
	in->io = io;
	vrrp_fsm_init(&in->fsm, &fc);
	in->last_state = VRRP_STATE_INIT;
	in->told_priority = in->fsm.priority;
	in->event_priority = in->fsm.priority;
	in->demote_uid = -1;
	events_cause_init(&in->cause, EVENTS_KIND_NONE);
	/* The daemon deleted its nftables table at start: an empty list is what it holds. */
	in->drop_synced = true;
	loop_timer_init(&in->fsm_timer, fsm_timer_cb, in);
	loop_timer_init(&in->garp_timer, instance_announce_timer_cb, in);
	loop_timer_init(&in->retry_timer, retry_timer_cb, in);
}

/* --- actions --- */

const union vip_in *instance_vip_in_list(const struct instance *in, union vip_in *buf)
{
	for (size_t i = 0; i < in->cfg->nvips; i++)
		buf[i] = in->cfg->vips[i].in;
	return buf;
}

/* Auth Type 1 with the password NUL-padded to 8 bytes (RFC 2338 5.3.6.1, as keepalived sends
 * it) when auth_pass is set, Auth Type 2 with it as the AH key for auth_type = "ah", else Auth
 * Type 0. */
void instance_auth_fill(const struct vipd_instance_config *c, uint8_t *type, uint8_t *data)
{
	size_t n = strnlen(c->auth_pass, VRRP_AUTH_LEN);

	memset(data, 0, VRRP_AUTH_LEN);
	memcpy(data, c->auth_pass, n);
	*type = !n ? VRRP_AUTH_NONE : c->auth_ah ? VRRP_AUTH_AH : VRRP_AUTH_PASS;
}

/* Send one advert of each configured version to the group, or to each unicast peer. */
static void send_advert(struct instance *in, uint8_t priority)
{
	static const uint8_t versions_v23[] = {3, 2};
	const uint8_t *versions = versions_v23;
	size_t nversions = 2;
	uint8_t v3only = 3, v2only = 2;
	union vip_in group;
	const union vip_in *dsts = &group;
	size_t ndsts = 1;
	struct vrrp_adv adv;
	uint8_t ah_key[VRRP_AUTH_LEN];

	if (in->cfg->version == VIPD_V3) {
		versions = &v3only;
		nversions = 1;
	} else if (in->cfg->version == VIPD_V2) {
		versions = &v2only;
		nversions = 1;
	}
	if (in->cfg->has_mcast_group)
		group = in->cfg->mcast_group;
	else
		vrrp_pkt_group(in->cfg->af, &group);
	if (in->cfg->npeers) {
		dsts = in->cfg->unicast_peers;
		ndsts = in->cfg->npeers;
	}
	/* the header only: 4 kB of addrs zeroed for every advert was 100 MB/s at 255 x 10 ms, and
	 * the encoder reads only the naddr filled in below */
	memset(&adv, 0, offsetof(struct vrrp_adv, addrs));
	adv.type = VRRP_TYPE_ADVERT;
	adv.vrid = in->cfg->vrid;
	adv.priority = priority;
	adv.af = in->cfg->af;
	adv.naddr = (uint8_t)in->cfg->nvips;
	instance_vip_in_list(in, adv.addrs);
	instance_auth_fill(in->cfg, &adv.auth_type, adv.auth_data);
	if (adv.auth_type == VRRP_AUTH_AH) {
		/* The key signs the datagram; the message's 8 bytes of auth data stay 0. */
		memcpy(ah_key, adv.auth_data, sizeof(ah_key));
		memset(adv.auth_data, 0, sizeof(adv.auth_data));
	}

	/* One message per version and destination: the v3 checksum covers the destination. */
	for (size_t k = 0; k < nversions * ndsts; k++) {
		const union vip_in *dst = &dsts[k % ndsts];
		uint8_t msg[VRRP_MSG_MAX], dgram[VRRP_AH_DGRAM_MAX];
		const uint8_t *out = msg;
		ssize_t len;

		adv.version = versions[k / ndsts];
		adv.interval = adv.version == 3 ? in->cfg->adver_int_cs
		                                : (uint16_t)(in->cfg->adver_int_cs / 100);
		len = vrrp_pkt_encode(msg, sizeof(msg), &adv, &in->primary, dst, in->cfg->checksum);
		if (len < 0) {
			instance_log(in, LOG_WARNING, "cannot encode advert");
			in->stats.send_errors++;
			continue;
		}
		if (adv.auth_type == VRRP_AUTH_AH) {
			len = instance_ah_wrap(in, dst, ah_key, msg, (size_t)len, dgram);
			out = dgram;
			if (len < 0) {
				instance_log(in, LOG_WARNING, "cannot encode advert");
				in->stats.send_errors++;
				continue;
			}
		}
		switch (in->io->send(in->io->ctx, in, &in->primary, dst, out, (size_t)len)) {
		case 0:
			instance_sent(in, out, (size_t)len, 0);
			break;
		case 1: /* queued: instance_sent is told at the flush */
			break;
		default:
			instance_sent(in, out, (size_t)len, errno);
			break;
		}
	}
}

void instance_sent(struct instance *in, const uint8_t *msg, size_t len, int err)
{
	if (err) {
		/* Rate-limit: at 10 ms intervals a dead link would flood the log. */
		if (in->stats.send_errors++ % 100 == 0) {
			errno = err;
			instance_log_errno(in, LOG_WARNING, "send advert");
		}
		return;
	}
	in->stats.adverts_sent++;
	/* An AH datagram carries the VRRP message after its IPv4 and AH headers. */
	if (in->cfg->auth_ah && !(msg = vrrp_ah_payload(msg, len, &len)))
		return;
	/* The priority is the third byte in both versions of the header. */
	if (len > 2 && msg[2] == VRRP_PRIO_STOP)
		in->stats.prio0_sent++;
}

/* One change's outcome: already there on add, already gone on delete reach the goal too. */
bool instance_change_done(const struct nl_change *c)
{
	switch (c->op) {
	case NL_ADDR_ADD:
	case NL_ROUTE_ADD:
	case NL_RULE_ADD:
		return c->error == 0 || c->error == -EEXIST;
	case NL_RULE_DEL:
		return c->error == 0 || c->error == -ENOENT;
	case NL_ADDR_DEL:
		return c->error == 0 || c->error == -EADDRNOTAVAIL;
	case NL_ROUTE_DEL:
	default:
		return c->error == 0 || c->error == -ESRCH || c->error == -ENODEV;
	}
}

void instance_vip_foreign(struct instance *in, size_t i)
{
	char buf[ADDR_STRLEN];

	if (instance_origin(&in->vip_origin, i) == VIP_FOREIGN)
		return;
	instance_origin_set(&in->vip_origin, i, VIP_FOREIGN);
	addr_format(instance_addrs_get(in, i), true, buf, sizeof(buf));
	/* A backup holding it answers for it too: likely a mistake, unless it is the owner's. */
	if (in->cfg->priority == VRRP_PRIO_OWNER)
		instance_log(in, LOG_NOTICE,
		             "%s was on %s before vipd: it stays there, whatever the state", buf,
		             instance_addrs_dev(in, i));
	else
		instance_log(in, LOG_WARNING,
		             "%s was on %s before vipd: it stays there, whatever the state", buf,
		             instance_addrs_dev(in, i));
}

void instance_vip_note_result(struct instance *in, const struct nl_change *c)
{
	for (size_t i = 0; i < instance_addrs_count(in); i++) {
		if (!addr_equal(instance_addrs_get(in, i), &c->addr) ||
		    instance_addrs_ifindex(in, i) != c->ifindex)
			continue;
		if (c->op == NL_ADDR_DEL && instance_change_done(c)) {
			instance_origin_set(&in->vip_origin, i, VIP_ABSENT);
		} else if (c->op == NL_ADDR_ADD && c->error == 0) {
			instance_origin_set(&in->vip_origin, i, VIP_ADDED);
		} else if (c->op == NL_ADDR_ADD && c->error == -EEXIST &&
		           instance_origin(&in->vip_origin, i) != VIP_ADDED) {
			instance_vip_foreign(in, i);
		}
		return;
	}
}

/* The changes that add or remove every VIP, excluded address and virtual route, for one netlink
 * batch: on add the addresses first (a gateway may be reachable only through a VIP's prefix),
 * on delete the routes first. */
struct nl_change *instance_changes_build(struct instance *in, bool add, size_t *n, size_t *max,
                                         int *failed)
{
	struct nl_change *ch;
	const struct iface *vif = instance_vip_iface(in);

	*n = 0;
	*failed = 0;
	*max = instance_addrs_count(in) + in->cfg->nroutes + in->cfg->nrules +
	       2 * instance_export_count(in);
	/* Without the interface its addresses are gone too: only an add can fail (a delete still
	 * goes to the other interfaces: routes, addresses with a dev). */
	if (!vif->ifindex && add) {
		*failed = (int)*max;
		return NULL;
	}
	ch = calloc(*max ? *max : 1, sizeof(*ch));
	if (!ch) {
		instance_log(in, LOG_WARNING, "netlink batch: out of memory; retried");
		in->stats.nl_errors++;
		*failed = (int)*max;
		return NULL;
	}
	/* The deletes below then find nothing to do (EADDRNOTAVAIL counts as done). */
	if (!add && in->vmac && in->cfg->af == AF_INET6 && in->io->vmac_flush)
		in->io->vmac_flush(in->io->ctx, in);
	if (add) {
		*n = instance_addrs_put(in, add, ch, *n, failed);
		*n = instance_route_put(in, add, ch, *n, failed);
		*n = instance_route_put_rules(in, add, ch, *n);
		/* announce_table: the master's path replaces the standby one, deleted first: FRR's
		 * zebra keeps one route per prefix of a table and would take the delete of the
		 * other metric for the delete of the route it holds. */
		*n = instance_export_put(in, true, false, ch, *n, failed);
		*n = instance_export_put(in, false, true, ch, *n, failed);
	} else {
		*n = instance_export_put(in, false, false, ch, *n, failed);
		*n = instance_export_put(in, true, instance_export_standby_wanted(in), ch, *n,
		                         failed);
		*n = instance_route_put_rules(in, add, ch, *n);
		*n = instance_route_put(in, add, ch, *n, failed);
		*n = instance_addrs_put(in, add, ch, *n, failed);
	}
	return ch;
}

/* Add or remove every VIP, excluded address and virtual route in one netlink batch, waiting for
 * the kernel. Returns the number of failures. */
static int apply_addrs(struct instance *in, bool add)
{
	size_t n, max;
	int failed;
	struct nl_change *ch = instance_changes_build(in, add, &n, &max, &failed);

	if (!ch)
		return failed;
	if (n && in->io->apply(in->io->ctx, ch, n) < 0) {
		instance_log_errno(in, LOG_WARNING, "netlink batch");
		in->stats.nl_errors++;
		free(ch);
		return (int)max;
	}
	failed = instance_batch_changes_done(in, add, ch, n, failed);
	free(ch);
	return failed;
}

/* apply_addrs, with Accept_Mode false around it: the drop is in place before the VIPs are
 * added (without it they are not added: the retry tries both again) and goes once every VIP and
 * route is gone. Returns the number of failures. */
static int apply_vips(struct instance *in, bool add)
{
	int failed;

	if (add && instance_accept_set(in, in->cfg->vips,
	                               instance_accept_filters(in->cfg) ? in->cfg->nvips : 0) < 0)
		return (int)(in->cfg->nvips + in->cfg->nroutes);
	failed = apply_addrs(in, add);
	if (!add && !failed && instance_accept_set(in, NULL, 0) < 0)
		failed++;
	return failed;
}

/* A netlink call failed: try again until the addresses match the state (present on a master,
 * absent otherwise), so a failed delete cannot leave a VIP on a backup. */
static void retry_timer_cb(void *arg, monotime now)
{
	struct instance *in = arg;
	bool want = in->fsm.state == VRRP_STATE_MASTER;

	if (apply_vips(in, want) > 0) {
		loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
		return;
	}
	in->vips_held = want;
	instance_log(in, LOG_INFO, "virtual addresses %s after a retry",
	             want ? "added" : "removed");
	/* The first announcements went out before the addresses were there. */
	if (want)
		instance_announce_start(in, now);
}

static void log_transition(struct instance *in, monotime now, const char *why)
{
	char master[ADDR_STRLEN] = "-";

	if (in->fsm.state == VRRP_STATE_MASTER)
		addr_format_in(in->cfg->af, &in->primary, master, sizeof(master));
	else if (in->fsm.master_known)
		addr_format_in(in->cfg->af, &in->fsm.master_addr, master, sizeof(master));
	instance_log(in, LOG_NOTICE, "%s -> %s (%s), priority %u/%u, master %s",
	             vrrp_fsm_state_name(in->last_state), vrrp_fsm_state_name(in->fsm.state), why,
	             in->cfg->priority, in->fsm.priority, master);
	instance_stats_transition(in, now);
	in->last_state = in->fsm.state;
	in->since = now;
	in->stats.transitions[in->fsm.state]++;
	if (in->io->state_changed)
		in->io->state_changed(in->io->ctx, in);
}

/* Carry out the FSM's actions in its documented order, then re-arm the protocol timer. */
void instance_run_actions(struct instance *in, unsigned acts, monotime now)
{
	if (acts & VRRP_ACT_STATE) {
		log_transition(in, now,
		               in->fsm.state == VRRP_STATE_FAULT
		                   ? in->fault_reason
		                   : vrrp_fsm_cause_name(in->fsm.cause));
		/* A pending retry aimed at the old state; a failure below re-arms it. */
		loop_timer_cancel(in->loop, &in->retry_timer);
		if (in->fsm.state != VRRP_STATE_MASTER)
			loop_timer_cancel(in->loop, &in->garp_timer);
	}
	/* Not on a link without carrier (unless track_link = false): it cannot leave now, and the
	 * kernel would keep it (unicast: in the peer's unresolved neighbour entry, which the link
	 * down has just flushed) and send it after a replug within the 3 s before that entry fails,
	 * stale (we may be Backup then). The backups take over at Master_Down_Interval instead. */
	if ((acts & VRRP_ACT_SEND_PRIO0) && (in->iface->running || in->cfg->ignore_link))
		send_advert(in, VRRP_PRIO_STOP);
	/* Queued for the iteration's one netlink batch when the daemon batches (a mass takeover
	 * is one round trip, not one per instance), else applied at once. */
	if (acts & VRRP_ACT_DEL_VIPS) {
		int failed;

		in->vips_held = false;
		failed = instance_batch_vips(in, false);
		if ((failed < 0 ? apply_vips(in, false) : failed) > 0)
			loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	}
	if (acts & VRRP_ACT_ADD_VIPS) {
		int failed;

		in->vips_held = true;
		failed = instance_batch_vips(in, true);
		if ((failed < 0 ? apply_vips(in, true) : failed) > 0)
			loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	}
	/* A change that moves no VIP may still move the standby announcements (announce_table). */
	if ((acts & VRRP_ACT_STATE) && !(acts & (VRRP_ACT_DEL_VIPS | VRRP_ACT_ADD_VIPS)) &&
	    instance_export_standby_apply(in) > 0)
		loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	/* Announce before the advert: a master we preempt drops the VIPs when it hears the
	 * advert, so the LAN must already be sending to us then (make before break). */
	if (acts & VRRP_ACT_ANNOUNCE)
		instance_announce_start(in, now);
	if (acts & VRRP_ACT_SEND_ADVERT)
		send_advert(in, in->fsm.priority);
	if (acts & (VRRP_ACT_HANDOVER_END | VRRP_ACT_DEL_VIPS))
		instance_admin_note(in, acts);

	monotime next = vrrp_fsm_next_deadline(&in->fsm);
	if (next && next != in->fsm_timer.deadline && (log_cats_on & LOG_CAT_TIMERS))
		instance_debug_armed(in, next, now);
	if (next)
		loop_timer_set(in->loop, &in->fsm_timer, next);
	else
		loop_timer_cancel(in->loop, &in->fsm_timer);
	if (in->fsm.priority != in->told_priority) {
		in->told_priority = in->fsm.priority;
		if (in->io->priority_changed)
			in->io->priority_changed(in->io->ctx, in);
	}
	instance_peers_tick(in, now);
}

static void fsm_timer_cb(void *arg, monotime now)
{
	struct instance *in = arg;
	bool lost = instance_stats_master_due(in, now);
	unsigned acts;

	/* The FSM's next deadline is what the timer was armed for (instance_run_actions). */
	instance_late_note(in, vrrp_fsm_next_deadline(&in->fsm), now);
	if (log_cats_on & LOG_CAT_TIMERS)
		instance_debug_fired(in, now);
	acts = vrrp_fsm_expire(&in->fsm, now);

	if (lost)
		avail_master_lost(&in->stats.avail, now);
	instance_run_actions(in, acts, now);
}

/* --- events --- */

/* The configured unicast_source (mcast_source) is the advert source, and must be an address of
 * the interface: the kernel would refuse to send from it otherwise. */
static const char *unicast_source_problem(struct instance *in)
{
	for (size_t i = 0; i < in->iface->naddrs; i++) {
		const struct vip_addr *a = &in->iface->addrs[i];

		if (a->af == in->cfg->af &&
		    addr_cmp_in(a->af, &a->in, &in->cfg->unicast_source) == 0) {
			in->primary = in->cfg->unicast_source;
			return NULL;
		}
	}
	return in->cfg->npeers ? "unicast_source is not an address of the interface"
	                       : "mcast_source is not an address of the interface";
}

/* IPv6: is the link-local adverts leave from now still on the interface? The kernel lists newer
 * addresses first, so a re-read (resync) could put another instance's link-local VIP in front;
 * keeping the current one spares the peers a change of master address. */
static bool primary6_kept(const struct instance *in)
{
	if (in->cfg->af != AF_INET6)
		return false;
	for (size_t i = 0; i < in->iface->naddrs; i++) {
		const struct vip_addr *a = &in->iface->addrs[i];

		if (a->af == AF_INET6 && addr_is_linklocal6(&a->in.v6) &&
		    addr_cmp_in(AF_INET6, &a->in, &in->primary) == 0)
			return true;
	}
	return false;
}

/* Can the instance run on its interface? Sets in->primary when it can. */
static const char *iface_problem(struct instance *in)
{
	if (!in->iface->ifindex)
		return "interface missing";
	/* track_link = false (keepalived's dont_track_primary): a cross-connect cable or a link
	 * whose carrier lies must not decide; sends to a down link just fail and are counted. */
	if (!in->iface->running && !in->cfg->ignore_link)
		return "interface down";
	/* The daemon creates the VMAC at start, re-creates it when it vanishes and brings it up
	 * when someone sets it down. */
	if (in->vmac && !in->vmac->ifindex)
		return "VMAC interface missing";
	if (in->vmac && !in->vmac->running)
		return "VMAC interface down";
	int si = iface_sock_index(in->cfg->af, in->cfg->auth_ah);

	if (in->iface->sock_error[si][0])
		return in->iface->sock_error[si];
	if (!in->cfg->npeers && in->iface->join_error[si][0])
		return in->iface->join_error[si];
	if (in->cfg->has_unicast_source) {
		/* a good source still leaves the tracking to decide */
		const char *why = unicast_source_problem(in);

		if (why)
			return why;
	} else if (!primary6_kept(in) &&
	           !instance_iface_primary(in->iface, in->cfg->af, in->cfg->vips, in->cfg->nvips,
	                                   in->cfg->priority == VRRP_PRIO_OWNER, &in->primary))
		return in->cfg->af == AF_INET ? "no IPv4 address on the interface"
		                              : "no IPv6 link-local address on the interface";
	if (in->track_fault)
		return in->track_why;
	return NULL;
}

static void enter_fault(struct instance *in, const char *why, monotime now)
{
	in->fault_reason = why;
	instance_run_actions(in, vrrp_fsm_fault(&in->fsm, now), now);
}

monotime instance_startup_until(const struct instance *in)
{
	return in->cfg->startup_delay ? in->startup_origin + in->cfg->startup_delay : 0;
}

void instance_start(struct instance *in, monotime now)
{
	const char *why = iface_problem(in);

	in->fsm.cfg.primary = in->primary;
	vrrp_fsm_startup_hold(&in->fsm, now, instance_startup_until(in));
	instance_admin_start(in, now);
	if (why) {
		enter_fault(in, why, now);
		return;
	}
	instance_run_actions(in, vrrp_fsm_startup(&in->fsm, now), now);
}

int instance_remove_stale_routes(struct instance *in)
{
	struct nl_change *ch;
	size_t n;
	int missing = 0;
	char buf[NL_MSG_STRLEN];

	size_t max = in->cfg->nroutes + in->cfg->nrules + 2 * instance_export_count(in);

	if (!max || in->cfg->priority == VRRP_PRIO_OWNER)
		return 0;
	ch = calloc(max, sizeof(*ch));
	if (!ch)
		return -1;
	n = instance_route_put_rules(in, false, ch, 0);
	n = instance_route_put(in, false, ch, n, &missing);
	/* announce_table: a killed master's routes would keep attracting the traffic. */
	n = instance_export_put(in, false, false, ch, n, &missing);
	n = instance_export_put(in, true, false, ch, n, &missing);
	if (n && in->io->apply(in->io->ctx, ch, n) < 0)
		instance_log_errno(in, LOG_WARNING, "netlink batch");
	else
		for (size_t i = 0; i < n; i++) {
			nl_msg_format(&ch[i], true, buf, sizeof(buf));
			if (ch[i].error == 0)
				instance_log(in, LOG_NOTICE, "removed %s, left by an earlier run",
				             buf);
			else if (!instance_change_done(&ch[i]))
				instance_log(in, LOG_WARNING, "removing stale %s: %s%s%s", buf,
				             strerror(-ch[i].error), ch[i].msg[0] ? ": " : "",
				             ch[i].msg);
		}
	free(ch);
	return 0;
}

void instance_stop(struct instance *in, monotime now)
{
	instance_run_actions(in, vrrp_fsm_shutdown(&in->fsm, now), now);
	if (in->vips_held) {
		apply_vips(in, false);
		in->vips_held = false;
	}
	loop_timer_cancel(in->loop, &in->fsm_timer);
	loop_timer_cancel(in->loop, &in->garp_timer);
	loop_timer_cancel(in->loop, &in->retry_timer);
}

void instance_resign(struct instance *in, monotime now)
{
	instance_run_actions(in, vrrp_fsm_resign(&in->fsm, now), now);
}

void instance_hold_backup(struct instance *in, bool hold)
{
	in->fsm.hold_backup = hold;
}

void instance_iface_changed(struct instance *in, monotime now)
{
	const char *why;

	/* Not started yet, or stopped: start-up looks at the interface itself. */
	if (in->fsm.state == VRRP_STATE_INIT)
		return;
	why = iface_problem(in);

	if (why && in->fsm.state != VRRP_STATE_FAULT) {
		enter_fault(in, why, now);
	} else if (why && (!in->fault_reason || strcmp(in->fault_reason, why) != 0)) {
		/* Still FAULT, for another reason now (the link came back, the join still fails).
		 */
		instance_log(in, LOG_NOTICE, "FAULT (%s)", why);
		in->fault_reason = why;
	} else if (!why && in->fsm.state == VRRP_STATE_FAULT) {
		instance_start(in, now);
	} else if (!why && addr_cmp_in(in->cfg->af, &in->fsm.cfg.primary, &in->primary) != 0) {
		/* The primary address changed under us: adverts now leave from the new one. */
		in->fsm.cfg.primary = in->primary;
	}
	instance_announce_vips_changed(in, now);
}

void instance_iface_lost(struct instance *in, const char *why, monotime now)
{
	if (in->fsm.state != VRRP_STATE_INIT && in->fsm.state != VRRP_STATE_FAULT)
		enter_fault(in, why, now);
}

void instance_set_tracking(struct instance *in, int delta, bool fault, const char *why,
                           monotime now)
{
	bool f;
	uint8_t prio = track_priority(in->cfg->priority, delta, fault, &f);

	/* Before the start (the first netlink dump) the state is not news yet. */
	if (f != in->track_fault && in->fsm.state != VRRP_STATE_INIT) {
		if (f)
			instance_log(in, LOG_NOTICE, "tracking fault: %s", why && *why ? why : "?");
		else
			instance_log(in, LOG_NOTICE, "tracking fault cleared");
	}
	in->track_fault = f;
	snprintf(in->track_why, sizeof(in->track_why), "%s", why && *why ? why : "tracking");
	if (prio != (in->fsm.demoted ? in->fsm.undemoted_priority : in->fsm.priority)) {
		instance_log(in, LOG_NOTICE, "effective priority %u -> %u (%s)%s",
		             in->fsm.demoted ? in->fsm.undemoted_priority : in->fsm.priority, prio,
		             why && *why ? why : "all tracked up",
		             in->fsm.demoted ? "; applies at promote (demoted)" : "");
		instance_run_actions(in, vrrp_fsm_set_priority(&in->fsm, now, prio), now);
	}
	instance_iface_changed(in, now);
}

void instance_count_drop(struct instance *in, enum vrrp_reason reason)
{
	in->stats.drops[reason]++;
	instance_peers_drop(in, reason, monotime_now());
}

void instance_addr_deleted(struct instance *in, const struct vip_addr *addr, monotime now)
{
	instance_addr_deleted_on(in, instance_vip_iface(in)->ifindex, addr, now);
}

void instance_addr_deleted_on(struct instance *in, unsigned ifindex, const struct vip_addr *addr,
                              monotime now)
{
	char buf[ADDR_STRLEN];
	ssize_t i;

	if (in->fsm.state != VRRP_STATE_MASTER || !in->vips_held || !ifindex)
		return;
	i = instance_addrs_find(in, ifindex, addr);
	if (i < 0)
		return;
	instance_log(in, LOG_WARNING, "%s was removed from %s by someone else; putting it back",
	             addr_format(addr, true, buf, sizeof(buf)), instance_addrs_dev(in, (size_t)i));
	in->stats.vip_restored++;
	if (apply_vips(in, true) > 0)
		loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	/* Neighbours may have dropped it: announce again. */
	instance_announce_start(in, now);
}

int instance_announce(struct instance *in, monotime now)
{
	if (in->fsm.state != VRRP_STATE_MASTER)
		return -1;
	instance_log(in, LOG_INFO, "announcing the virtual addresses again on request");
	instance_announce_start(in, now);
	return 0;
}
