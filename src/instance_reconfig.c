/* instance_reconfig: a reload applied to a running instance in place. The state, the timers
 * and the addresses already held carry on; the FSM takes the new settings (a Master advertises
 * them at once), a Master's VIPs and routes change by difference only. */
#include "build_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/config_notify.h"
#include "vipd/config_route.h"
#include "vipd/config_track.h"
#include "vipd/config_wire.h"
#include "vipd/instance_int.h"
#include "vipd/instance_reconfig.h"
#include "vipd/log.h"
#include "vipd/track.h"

bool instance_reconfig_restarts(const struct instance *in, const struct vipd_instance_config *cfg)
{
	const struct vipd_instance_config *a = in->cfg;

	/* A demoted instance made the owner: the start clears the flag (an owner is never demoted).
	 */
	return strcmp(a->interface, cfg->interface) != 0 || a->vrid != cfg->vrid ||
	       a->af != cfg->af || a->vmac != cfg->vmac ||
	       (in->demoted && cfg->priority == VRRP_PRIO_OWNER);
}

static bool vip_same(const struct vip_addr *a, const struct vip_addr *b)
{
	return addr_equal(a, b) && a->plen == b->plen;
}

static bool has_vip(const struct vipd_instance_config *c, const struct vip_addr *a)
{
	for (size_t i = 0; i < c->nvips; i++)
		if (vip_same(&c->vips[i], a))
			return true;
	return false;
}

static bool has_route(const struct vipd_instance_config *c, const struct vipd_route *r)
{
	for (size_t i = 0; i < c->nroutes; i++)
		if (route_equal(&c->routes[i], r))
			return true;
	return false;
}

static bool vips_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b)
{
	if (a->nvips != b->nvips)
		return false;
	for (size_t i = 0; i < a->nvips; i++)
		if (!vip_same(&a->vips[i], &b->vips[i]))
			return false;
	return true;
}

const char *instance_reconfig_diff(const struct vipd_instance_config *a,
                                   const struct vipd_instance_config *b, char *buf, size_t len)
{
	const struct {
		bool differs;
		const char *name;
	} fields[] = {
	    {strcmp(a->interface, b->interface) != 0, "interface"},
	    {a->vrid != b->vrid, "vrid"},
	    {a->af != b->af, "family"},
	    {a->vmac != b->vmac, "vmac"},
	    {a->priority != b->priority, "priority"},
	    {a->version != b->version, "version"},
	    {a->adver_int_cs != b->adver_int_cs, "advert_interval"},
	    {a->preempt != b->preempt || a->preempt_delay != b->preempt_delay, "preempt"},
	    {a->accept != b->accept, "accept"},
	    {a->checksum != b->checksum, "checksum"},
	    {a->garp_repeat != b->garp_repeat || a->garp_delay != b->garp_delay ||
	         a->garp_refresh != b->garp_refresh || a->garp_interval != b->garp_interval,
	     "garp"},
	    {!vips_equal(a, b), "virtual_addresses"},
	    {!config_route_equal(a, b), "virtual_routes"},
	    {!config_wire_equal(a, b), "unicast/auth"},
	    {!config_notify_equal(a, b), "notify"},
	    {!config_track_instance_equal(a, b), "tracking"},
	    {a->startup_delay != b->startup_delay, "startup_delay"},
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		int n;

		if (!fields[i].differs || used >= len)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", fields[i].name);
		if (n > 0)
			used += (size_t)n;
	}
	return buf;
}

/* Append the changes that turn the addresses and routes of old into those of cur at ch[n..]:
 * dropped routes, dropped VIPs, new VIPs, new routes (a route may need a VIP's prefix). */
static size_t put_diff(struct instance *in, const struct vipd_instance_config *old,
                       const uint8_t *old_origin, struct nl_change *ch, size_t n, size_t *added,
                       bool *retry)
{
	char buf[ROUTE_STRLEN];

	const struct vipd_instance_config *cur = in->cfg;
	unsigned vif = instance_vip_iface(in)->ifindex;

	for (size_t i = 0; i < old->nroutes; i++) {
		const struct vipd_route *r = &old->routes[i];
		unsigned ifindex = instance_route_ifindex(in, r);

		if (has_route(cur, r) || !ifindex)
			continue;
		ch[n++] = (struct nl_change){.op = NL_ROUTE_DEL, .ifindex = ifindex, .route = *r};
	}
	for (size_t i = 0; i < old->nvips; i++)
		if (!has_vip(cur, &old->vips[i]) && old_origin[i] != VIP_FOREIGN)
			ch[n++] = (struct nl_change){
			    .op = NL_ADDR_DEL, .ifindex = vif, .addr = old->vips[i]};
	for (size_t i = 0; i < cur->nvips; i++)
		if (!has_vip(old, &cur->vips[i])) {
			ch[n++] = (struct nl_change){.op = NL_ADDR_ADD,
			                             .ifindex = vif,
			                             .addr = cur->vips[i],
			                             .nodad = cur->af == AF_INET6};
			(*added)++;
		}
	for (size_t i = 0; i < cur->nroutes; i++) {
		const struct vipd_route *r = &cur->routes[i];
		unsigned ifindex = instance_route_ifindex(in, r);

		if (has_route(old, r))
			continue;
		if (!ifindex) {
			/* A failure: the retry adds every route once the interface exists. */
			in->stats.nl_errors++;
			*retry = true;
			instance_log(in, LOG_WARNING, "reload: add route %s: interface %s missing",
			             route_format(r, buf, sizeof(buf)), r->dev);
			continue;
		}
		ch[n++] = (struct nl_change){.op = NL_ROUTE_ADD, .ifindex = ifindex, .route = *r};
	}
	return n;
}

/* A Master's addresses and routes follow the new config by difference: what stays is not
 * touched. A failed add arms the retry (which adds every VIP and route of the new config).
 * Returns the number of VIPs added. */
static size_t apply_diff(struct instance *in, const struct vipd_instance_config *old,
                         const uint8_t *old_origin, monotime now)
{
	size_t max = old->nvips + old->nroutes + in->cfg->nvips + in->cfg->nroutes;
	size_t added = 0, applied;
	struct nl_change *ch = calloc(max ? max : 1, sizeof(*ch));
	char buf[ROUTE_STRLEN > ADDR_STRLEN ? ROUTE_STRLEN : ADDR_STRLEN];
	bool retry = false;

	if (!ch) {
		instance_log(in, LOG_WARNING, "netlink batch: out of memory; retried");
		in->stats.nl_errors++;
		loop_timer_set(in->loop, &in->retry_timer, now);
		return 0;
	}
	applied = put_diff(in, old, old_origin, ch, 0, &added, &retry);
	if (applied && in->io->apply(in->io->ctx, ch, applied) < 0) {
		instance_log_errno(in, LOG_WARNING, "netlink batch");
		in->stats.nl_errors++;
		retry = true;
		applied = 0;
	}
	for (size_t i = 0; i < applied; i++) {
		const struct nl_change *c = &ch[i];
		bool route = c->op == NL_ROUTE_ADD || c->op == NL_ROUTE_DEL;
		bool add = c->op == NL_ADDR_ADD || c->op == NL_ROUTE_ADD;

		if (!route)
			instance_vip_note_result(in, c);
		if (instance_change_done(c)) {
			instance_log(in, LOG_INFO, "reload: %s %s%s", add ? "added" : "removed",
			             route ? "route " : "",
			             route ? route_format(&c->route, buf, sizeof(buf))
			                   : addr_format(&c->addr, true, buf, sizeof(buf)));
			continue;
		}
		in->stats.nl_errors++;
		retry = retry || add;
		instance_log(in, LOG_WARNING, "reload: %s %s%s: %s%s%s", add ? "add" : "delete",
		             route ? "route " : "",
		             route ? route_format(&c->route, buf, sizeof(buf))
		                   : addr_format(&c->addr, true, buf, sizeof(buf)),
		             strerror(-c->error), c->msg[0] ? ": " : "", c->msg);
	}
	free(ch);
	if (retry)
		loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	return added;
}

/* The effective priority under cfg: the tracking offset of the running one carries over (the
 * daemon re-applies the exact tracking result right after). Demoted: the one promote restores. */
static uint8_t new_priority(const struct instance *in, const struct vipd_instance_config *old,
                            const struct vipd_instance_config *cfg)
{
	uint8_t cur = in->fsm.demoted ? in->fsm.undemoted_priority : in->fsm.priority;
	int delta = 0;
	bool fault;

	if (old->priority != VRRP_PRIO_OWNER)
		delta = (int)cur - (int)old->priority;
	return track_priority(cfg->priority, delta, in->track_fault, &fault);
}

void instance_reconfig_apply(struct instance *in, const struct vipd_instance_config *cfg,
                             monotime now)
{
	const struct vipd_instance_config *old = in->cfg;
	struct vrrp_fsm_config fc = instance_fsm_config(cfg);
	uint8_t prio = new_priority(in, old, cfg);
	bool master = in->fsm.state == VRRP_STATE_MASTER;
	size_t added = 0;
	uint8_t old_origin[VRRP_MAX_ADDRS];

	/* The origin of each VIP follows it to its index in the new list. */
	memcpy(old_origin, in->vip_origin, sizeof(old_origin));
	memset(in->vip_origin, VIP_ABSENT, sizeof(in->vip_origin));
	for (size_t i = 0; i < cfg->nvips; i++)
		for (size_t j = 0; j < old->nvips; j++)
			if (vip_same(&cfg->vips[i], &old->vips[j]))
				in->vip_origin[i] = old_origin[j];
	in->cfg = cfg;
	if (master)
		added = apply_diff(in, old, old_origin, now);
	/* A changed startup_delay still counts from the same origin. */
	vrrp_fsm_startup_hold(&in->fsm, now, instance_startup_until(in));
	instance_run_actions(in, vrrp_fsm_reconfigure(&in->fsm, now, &fc, prio), now);
	if (master && in->fsm.state == VRRP_STATE_MASTER) {
		/* The neighbours learn the new addresses now; a new refresh period starts. */
		if (added)
			instance_announce_start(in, now);
		else if (cfg->garp_refresh && !loop_timer_armed(&in->garp_timer))
			loop_timer_set(in->loop, &in->garp_timer,
			               in->garp_burst_start + cfg->garp_refresh > now
			                   ? in->garp_burst_start + cfg->garp_refresh
			                   : now);
	}
	/* The advert source may follow (unicast_source, a VIP no longer a candidate). */
	instance_iface_changed(in, now);
}
