/* instance: glue between one virtual router's FSM and the world. Every FSM
 * call goes through run_fsm(), which carries out the actions in the order the
 * FSM documents and re-arms the one protocol timer. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/instance.h"
#include "vipd/log.h"
#include "vipd/net_vrrp.h"

/* Gap between the announcements of one burst: back-to-back copies would all die in the same
 * congestion, and 10 ms keeps the whole burst well under one second. */
#define GARP_SPACING (10 * MT_MSEC)
/* Retry delay after a failed netlink call while master. */
#define NL_RETRY (200 * MT_MSEC)

static void fsm_timer_cb(void *arg, monotime now);
static void garp_timer_cb(void *arg, monotime now);
static void retry_timer_cb(void *arg, monotime now);

bool iface_primary(const struct iface *ifc, int af, const struct vip_addr *vips, size_t nvips,
                   union vip_in *out)
{
	for (size_t i = 0; i < ifc->naddrs; i++) {
		const struct vip_addr *a = &ifc->addrs[i];
		bool is_vip = false;

		if (a->af != af)
			continue;
		if (af == AF_INET6) {
			/* RFC 9568 5.1.2.1: IPv6 adverts come from the interface's link-local. */
			if (!addr_is_linklocal6(&a->in.v6))
				continue;
		} else {
			for (size_t j = 0; j < nvips && !is_vip; j++)
				is_vip = addr_equal(a, &vips[j]);
			if (is_vip)
				continue;
		}
		*out = a->in;
		return true;
	}
	return false;
}

void instance_init(struct instance *in, const struct vipd_instance_config *cfg, struct iface *ifc,
                   struct loop *loop, const struct instance_io *io)
{
	struct vrrp_fsm_config fc = {
	    .version = cfg->version == VIPD_V2 ? 2 : 3,
	    .priority = cfg->priority,
	    .adver_int_cs = cfg->adver_int_cs,
	    .preempt = cfg->preempt,
	    .preempt_delay = cfg->preempt_delay,
	    .af = cfg->af,
	};

	memset(in, 0, sizeof(*in));
	in->cfg = cfg;
	in->iface = ifc;
	in->loop = loop;
	in->io = io;
	vrrp_fsm_init(&in->fsm, &fc);
	in->last_state = VRRP_STATE_INIT;
	loop_timer_init(&in->fsm_timer, fsm_timer_cb, in);
	loop_timer_init(&in->garp_timer, garp_timer_cb, in);
	loop_timer_init(&in->retry_timer, retry_timer_cb, in);
}

/* --- actions --- */

static const union vip_in *vip_in_list(const struct instance *in, union vip_in *buf)
{
	for (size_t i = 0; i < in->cfg->nvips; i++)
		buf[i] = in->cfg->vips[i].in;
	return buf;
}

static void send_advert(struct instance *in, uint8_t priority)
{
	static const uint8_t versions_v23[] = {3, 2};
	const uint8_t *versions = versions_v23;
	size_t nversions = 2;
	uint8_t v3only = 3, v2only = 2;
	union vip_in dst;
	struct vrrp_adv adv;

	if (in->cfg->version == VIPD_V3) {
		versions = &v3only;
		nversions = 1;
	} else if (in->cfg->version == VIPD_V2) {
		versions = &v2only;
		nversions = 1;
	}
	vrrp_group(in->cfg->af, &dst);
	memset(&adv, 0, sizeof(adv));
	adv.type = VRRP_TYPE_ADVERT;
	adv.vrid = in->cfg->vrid;
	adv.priority = priority;
	adv.af = in->cfg->af;
	adv.naddr = (uint8_t)in->cfg->nvips;
	vip_in_list(in, adv.addrs);

	for (size_t i = 0; i < nversions; i++) {
		uint8_t msg[VRRP_MSG_MAX];
		ssize_t len;

		adv.version = versions[i];
		adv.interval = adv.version == 3 ? in->cfg->adver_int_cs
		                                : (uint16_t)(in->cfg->adver_int_cs / 100);
		adv.auth_type = VRRP_AUTH_NONE;
		len = vrrp_encode(msg, sizeof(msg), &adv, &in->primary, &dst, in->cfg->checksum);
		if (len < 0) {
			log_warnx("%s: cannot encode advert", in->cfg->name);
			in->stats.send_errors++;
			continue;
		}
		if (in->io->send(in->io->ctx, in, &in->primary, &dst, msg, (size_t)len) < 0) {
			/* Rate-limit: at 10 ms intervals a dead link would flood the log. */
			if (in->stats.send_errors++ % 100 == 0)
				log_warn("%s: send advert", in->cfg->name);
			continue;
		}
		in->stats.adverts_sent++;
		if (priority == VRRP_PRIO_STOP)
			in->stats.prio0_sent++;
	}
}

/* Add or remove every VIP in one netlink batch. Returns the number of failures. */
static int apply_vips(struct instance *in, bool add)
{
	struct nl_change ch[VRRP_MAX_ADDRS];
	size_t n = in->cfg->nvips;
	int failed = 0;
	char buf[ADDR_STRLEN];

	/* Without the interface its addresses are gone too: only an add can fail. */
	if (!in->iface->ifindex)
		return add ? (int)n : 0;
	for (size_t i = 0; i < n; i++) {
		memset(&ch[i], 0, sizeof(ch[i]));
		ch[i].op = add ? NL_ADDR_ADD : NL_ADDR_DEL;
		ch[i].ifindex = in->iface->ifindex;
		ch[i].addr = in->cfg->vips[i];
		ch[i].nodad = in->cfg->af == AF_INET6;
	}
	if (in->io->apply(in->io->ctx, ch, n) < 0) {
		log_warn("%s: netlink batch", in->cfg->name);
		in->stats.nl_errors++;
		return (int)n;
	}
	for (size_t i = 0; i < n; i++) {
		/* Already there on add, already gone on delete: the goal is reached. */
		if (ch[i].error == 0 || (add && ch[i].error == -EEXIST) ||
		    (!add && ch[i].error == -EADDRNOTAVAIL))
			continue;
		failed++;
		in->stats.nl_errors++;
		log_warnx("%s: %s %s on %s: %s%s%s", in->cfg->name, add ? "add" : "delete",
		          addr_format(&in->cfg->vips[i], true, buf, sizeof(buf)), in->iface->name,
		          strerror(-ch[i].error), ch[i].msg[0] ? ": " : "", ch[i].msg);
	}
	return failed;
}

static void garp_round(struct instance *in)
{
	for (size_t i = 0; i < in->cfg->nvips; i++) {
		if (in->io->announce(in->io->ctx, in, &in->cfg->vips[i]) < 0) {
			in->stats.send_errors++;
			continue;
		}
		in->stats.announcements++;
	}
}

/* One round of announcements, then the rest of the burst GARP_SPACING apart. When a burst is
 * done: the second burst comes garp_delay after the takeover (as keepalived's
 * garp_master_delay), then one burst every garp_refresh. */
static void garp_step(struct instance *in, monotime now)
{
	monotime next;

	if (in->garp_left == 0) {
		in->garp_left = in->cfg->garp_repeat;
		in->garp_burst_start = now;
	}
	garp_round(in);
	if (--in->garp_left) {
		loop_timer_set(in->loop, &in->garp_timer, now + GARP_SPACING);
		return;
	}
	if (!in->garp_second_burst_done && in->cfg->garp_delay) {
		in->garp_second_burst_done = true;
		next = in->garp_since + in->cfg->garp_delay;
	} else if (in->cfg->garp_refresh) {
		next = in->garp_burst_start + in->cfg->garp_refresh;
	} else {
		return;
	}
	loop_timer_set(in->loop, &in->garp_timer, next > now ? next : now);
}

/* (Re)start the announcements: a first burst now. */
static void garp_start(struct instance *in, monotime now)
{
	in->garp_since = now;
	in->garp_left = 0;
	in->garp_second_burst_done = false;
	garp_step(in, now);
}

static void garp_timer_cb(void *arg, monotime now)
{
	struct instance *in = arg;

	if (in->fsm.state == VRRP_STATE_MASTER)
		garp_step(in, now);
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
	log_info("%s: virtual addresses %s after a retry", in->cfg->name,
	         want ? "added" : "removed");
	/* The first announcements went out before the addresses were there. */
	if (want)
		garp_start(in, now);
}

static void log_transition(struct instance *in, monotime now, const char *why)
{
	char master[ADDR_STRLEN] = "-";

	if (in->fsm.state == VRRP_STATE_MASTER)
		addr_format_in(in->cfg->af, &in->primary, master, sizeof(master));
	else if (in->fsm.master_known)
		addr_format_in(in->cfg->af, &in->fsm.master_addr, master, sizeof(master));
	log_notice("%s: %s -> %s (%s), priority %u/%u, master %s", in->cfg->name,
	           vrrp_state_name(in->last_state), vrrp_state_name(in->fsm.state), why,
	           in->cfg->priority, in->fsm.priority, master);
	in->last_state = in->fsm.state;
	in->since = now;
	in->stats.transitions[in->fsm.state]++;
}

/* Carry out the FSM's actions in its documented order, then re-arm the protocol timer. */
static void run_actions(struct instance *in, unsigned acts, monotime now)
{
	if (acts & VRRP_ACT_STATE) {
		log_transition(in, now,
		               in->fsm.state == VRRP_STATE_FAULT ? in->fault_reason
		                                                 : vrrp_cause_name(in->fsm.cause));
		/* A pending retry aimed at the old state; a failure below re-arms it. */
		loop_timer_cancel(in->loop, &in->retry_timer);
		if (in->fsm.state != VRRP_STATE_MASTER)
			loop_timer_cancel(in->loop, &in->garp_timer);
	}
	if (acts & VRRP_ACT_SEND_PRIO0)
		send_advert(in, VRRP_PRIO_STOP);
	if (acts & VRRP_ACT_DEL_VIPS) {
		in->vips_held = false;
		if (apply_vips(in, false) > 0)
			loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	}
	if (acts & VRRP_ACT_ADD_VIPS) {
		in->vips_held = true;
		if (apply_vips(in, true) > 0)
			loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	}
	if (acts & VRRP_ACT_SEND_ADVERT)
		send_advert(in, in->fsm.priority);
	if (acts & VRRP_ACT_ANNOUNCE)
		garp_start(in, now);

	monotime next = vrrp_fsm_next_deadline(&in->fsm);
	if (next)
		loop_timer_set(in->loop, &in->fsm_timer, next);
	else
		loop_timer_cancel(in->loop, &in->fsm_timer);
}

static void fsm_timer_cb(void *arg, monotime now)
{
	struct instance *in = arg;

	run_actions(in, vrrp_fsm_expire(&in->fsm, now), now);
}

/* --- events --- */

/* Can the instance run on its interface? Sets in->primary when it can. */
static const char *iface_problem(struct instance *in)
{
	if (!in->iface->ifindex)
		return "interface missing";
	if (!in->iface->running)
		return "interface down";
	if (!iface_primary(in->iface, in->cfg->af, in->cfg->vips, in->cfg->nvips, &in->primary))
		return in->cfg->af == AF_INET ? "no IPv4 address on the interface"
		                              : "no IPv6 link-local address on the interface";
	return NULL;
}

static void enter_fault(struct instance *in, const char *why, monotime now)
{
	in->fault_reason = why;
	run_actions(in, vrrp_fsm_fault(&in->fsm, now), now);
}

void instance_start(struct instance *in, monotime now)
{
	const char *why = iface_problem(in);

	in->fsm.cfg.primary = in->primary;
	if (why) {
		enter_fault(in, why, now);
		return;
	}
	run_actions(in, vrrp_fsm_startup(&in->fsm, now), now);
}

void instance_stop(struct instance *in, monotime now)
{
	run_actions(in, vrrp_fsm_shutdown(&in->fsm, now), now);
	if (in->vips_held) {
		apply_vips(in, false);
		in->vips_held = false;
	}
	loop_timer_cancel(in->loop, &in->fsm_timer);
	loop_timer_cancel(in->loop, &in->garp_timer);
	loop_timer_cancel(in->loop, &in->retry_timer);
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
	} else if (!why && in->fsm.state == VRRP_STATE_FAULT) {
		instance_start(in, now);
	} else if (!why && addr_cmp_in(in->cfg->af, &in->fsm.cfg.primary, &in->primary) != 0) {
		/* The primary address changed under us: adverts now leave from the new one. */
		in->fsm.cfg.primary = in->primary;
	}
}

void instance_count_drop(struct instance *in, enum vrrp_reason reason)
{
	in->stats.drops[reason]++;
}

void instance_receive(struct instance *in, const struct vrrp_adv *adv,
                      const struct vrrp_rx_meta *meta, enum vrrp_csum_form form, monotime now)
{
	union vip_in vips[VRRP_MAX_ADDRS];
	struct vrrp_rx_policy pol = {
	    .accept_v2 = in->cfg->version != VIPD_V3,
	    .accept_v3 = in->cfg->version != VIPD_V2,
	    .owner = in->cfg->priority == VRRP_PRIO_OWNER,
	    .v2_interval = (uint8_t)(in->cfg->adver_int_cs / 100),
	    .auth_type = VRRP_AUTH_NONE,
	    .vips = vip_in_list(in, vips),
	    .nvips = in->cfg->nvips,
	};
	enum vrrp_reason r;
	uint16_t interval_cs;

	if (in->fsm.state == VRRP_STATE_FAULT || in->fsm.state == VRRP_STATE_INIT)
		return;
	r = vrrp_validate(adv, meta, &pol);
	if (r != VRRP_RX_OK) {
		in->stats.drops[r]++;
		return;
	}
	in->stats.adverts_received++;
	if (adv->priority == VRRP_PRIO_STOP)
		in->stats.prio0_received++;
	if (adv->version == 3 && adv->af == AF_INET)
		in->stats.csum_forms[form]++;
	if (adv->version == 3 && !vrrp_addrs_match(adv, pol.vips, pol.nvips)) {
		/* RFC 9568 7.1: a mismatch is logged, not dropped; log the first of a run only. */
		if (in->stats.addr_list_mismatch++ == 0) {
			char src[ADDR_STRLEN];
			log_warnx("%s: advert from %s lists other addresses than ours",
			          in->cfg->name,
			          addr_format_in(meta->af, &meta->src, src, sizeof(src)));
		}
	}
	interval_cs = adv->version == 3 ? adv->interval : (uint16_t)(adv->interval * 100);
	run_actions(in, vrrp_fsm_advert(&in->fsm, now, adv->priority, interval_cs, &meta->src),
	            now);
}

void instance_addr_deleted(struct instance *in, const struct vip_addr *addr, monotime now)
{
	char buf[ADDR_STRLEN];

	if (in->fsm.state != VRRP_STATE_MASTER || !in->vips_held)
		return;
	for (size_t i = 0; i < in->cfg->nvips; i++) {
		if (!addr_equal(&in->cfg->vips[i], addr))
			continue;
		log_warnx("%s: %s was removed from %s by someone else; putting it back",
		          in->cfg->name, addr_format(addr, true, buf, sizeof(buf)),
		          in->iface->name);
		in->stats.vip_restored++;
		if (apply_vips(in, true) > 0)
			loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
		/* Neighbours may have dropped it: announce again. */
		garp_start(in, now);
		return;
	}
}

/* --- status --- */

static struct json_object *version_json(enum vipd_version v)
{
	return v == VIPD_V2_V3 ? json_object_new_string("2+3") : json_object_new_int((int)v);
}

struct json_object *instance_status(const struct instance *in, monotime now)
{
	struct json_object *o = json_object_new_object();
	struct json_object *vips = json_object_new_array();
	char buf[ADDR_STRLEN];

	json_object_object_add(o, "name", json_object_new_string(in->cfg->name));
	json_object_object_add(o, "state", json_object_new_string(vrrp_state_name(in->fsm.state)));
	json_object_object_add(o, "vrid", json_object_new_int(in->cfg->vrid));
	json_object_object_add(o, "interface", json_object_new_string(in->cfg->interface));
	json_object_object_add(o, "version", version_json(in->cfg->version));
	json_object_object_add(o, "priority", json_object_new_int(in->cfg->priority));
	json_object_object_add(o, "effective_priority", json_object_new_int(in->fsm.priority));
	if (in->fsm.state == VRRP_STATE_MASTER)
		json_object_object_add(o, "master_address",
		                       json_object_new_string(addr_format_in(
		                           in->cfg->af, &in->primary, buf, sizeof(buf))));
	else if (in->fsm.state == VRRP_STATE_BACKUP && in->fsm.master_known)
		json_object_object_add(o, "master_address",
		                       json_object_new_string(addr_format_in(
		                           in->cfg->af, &in->fsm.master_addr, buf, sizeof(buf))));
	else
		json_object_object_add(o, "master_address", NULL);
	/* Print 0.05, not json-c's 0.050000000000000003. */
	snprintf(buf, sizeof(buf), "%.2f", in->cfg->adver_int_cs / 100.0);
	json_object_object_add(o, "advert_interval",
	                       json_object_new_double_s(in->cfg->adver_int_cs / 100.0, buf));
	for (size_t i = 0; i < in->cfg->nvips; i++)
		json_object_array_add(vips, json_object_new_string(addr_format(
		                                &in->cfg->vips[i], true, buf, sizeof(buf))));
	json_object_object_add(o, "virtual_addresses", vips);
	json_object_object_add(o, "since",
	                       json_object_new_double(monotime_to_sec(now - in->since)));
	return o;
}
