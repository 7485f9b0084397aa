/* instance_reconfig: a reload applied to a running instance in place. The state, the timers
 * and the addresses already held carry on; the FSM takes the new settings (a Master advertises
 * them at once), a Master's VIPs and routes change by difference only. */
#include "build_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/config_addr.h"
#include "vipd/config_announce.h"
#include "vipd/config_notify.h"
#include "vipd/config_route.h"
#include "vipd/config_rule.h"
#include "vipd/config_track.h"
#include "vipd/config_wire.h"
#include "vipd/instance_int.h"
#include "vipd/instance_reconfig.h"
#include "vipd/nl_msg.h"
#include "vipd/log.h"
#include "vipd/track.h"

bool instance_reconfig_restarts(const struct instance *in, const struct vipd_instance_config *cfg)
{
	const struct vipd_instance_config *a = in->cfg;

	/* A demoted instance made the owner: the start clears the flag (an owner is never demoted).
	 */
	/* auth_type changes the socket the adverts leave by (AH or not, the VMAC's too) and
	 * starts a new sequence counter: a restart, as a new VRID. */
	return strcmp(a->interface, cfg->interface) != 0 || a->vrid != cfg->vrid ||
	       a->af != cfg->af || a->vmac != cfg->vmac || a->auth_ah != cfg->auth_ah ||
	       strcmp(a->vmac_name, cfg->vmac_name) != 0 || /* a renamed VMAC is re-created */
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

/* Address i of c: its VIPs, then its excluded addresses (as instance_addrs_get). */
static size_t naddrs(const struct vipd_instance_config *c)
{
	return c->nvips + c->nexcluded;
}

static const struct vip_addr *addr_at(const struct vipd_instance_config *c, size_t i)
{
	return i < c->nvips ? &c->vips[i] : &c->excluded[i - c->nvips];
}

static struct vipd_addr_opts opts_at(const struct vipd_instance_config *c, size_t i)
{
	const struct vipd_addr_opts *o =
	    i < c->nvips ? (c->vip_opts ? &c->vip_opts[i] : NULL)
	                 : (c->excluded_opts ? &c->excluded_opts[i - c->nvips] : NULL);

	return o ? *o : CONFIG_ADDR_OPTS_NONE;
}

/* Address i of a is address j of b with the same options (a change of option is a delete and
 * an add: the kernel changes no label, scope or broadcast in place). */
static bool addr_same(const struct vipd_instance_config *a, size_t i,
                      const struct vipd_instance_config *b, size_t j)
{
	struct vipd_addr_opts oa = opts_at(a, i), ob = opts_at(b, j);

	oa.no_track = ob.no_track; /* tracking only: the daemon re-evaluates it after a reload */
	return vip_same(addr_at(a, i), addr_at(b, j)) && config_addr_opts_equal(&oa, &ob);
}

static bool has_addr(const struct vipd_instance_config *c, const struct vipd_instance_config *o,
                     size_t j)
{
	for (size_t i = 0; i < naddrs(c); i++)
		if (addr_same(c, i, o, j))
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
		if (!addr_same(a, i, b, i))
			return false;
	return true;
}

static bool excluded_equal(const struct vipd_instance_config *a,
                           const struct vipd_instance_config *b)
{
	if (a->nexcluded != b->nexcluded)
		return false;
	for (size_t i = 0; i < a->nexcluded; i++)
		if (!addr_same(a, a->nvips + i, b, b->nvips + i))
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
	    {a->vmac != b->vmac || strcmp(a->vmac_name, b->vmac_name) != 0, "vmac"},
	    {a->vmac_xmit_base != b->vmac_xmit_base, "vmac_xmit_base"},
	    {a->priority != b->priority, "priority"},
	    {a->version != b->version, "version"},
	    {a->adver_int_cs != b->adver_int_cs, "advert_interval"},
	    {a->preempt != b->preempt || a->preempt_delay != b->preempt_delay, "preempt"},
	    {a->accept != b->accept, "accept"},
	    {a->checksum != b->checksum, "checksum"},
	    {a->garp_repeat != b->garp_repeat || a->garp_delay != b->garp_delay ||
	         a->garp_refresh != b->garp_refresh || a->garp_interval != b->garp_interval ||
	         a->garp_refresh_repeat != b->garp_refresh_repeat,
	     "garp"},
	    {!vips_equal(a, b), "virtual_addresses"},
	    {!excluded_equal(a, b), "excluded_addresses"},
	    {!config_route_equal(a, b), "virtual_routes"},
	    {!config_rule_equal(a, b), "virtual_rules"},
	    {!config_wire_equal(a, b), "unicast/multicast/auth"},
	    {!config_notify_equal(a, b), "notify"},
	    {!config_track_instance_equal(a, b), "tracking"},
	    {a->startup_delay != b->startup_delay, "startup_delay"},
	    {!config_announce_equal(a, b), "announce"},
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

/* Is r one of c's rules? */
static bool has_rule(const struct vipd_instance_config *c, const struct vipd_rule *r)
{
	for (size_t i = 0; i < c->nrules; i++)
		if (rule_equal(&c->rules[i], r))
			return true;
	return false;
}

/* Append a change per rule of from that to lacks at ch[n..] (op); returns the new count. */
static size_t put_rule_diff(const struct vipd_instance_config *from,
                            const struct vipd_instance_config *to, enum nl_change_op op,
                            struct nl_change *ch, size_t n)
{
	for (size_t i = 0; i < from->nrules; i++)
		if (!has_rule(to, &from->rules[i]))
			ch[n++] = (struct nl_change){.op = op, .rule = from->rules[i]};
	return n;
}

/* Append the changes that turn the addresses, routes and rules of old into those of cur at
 * ch[n..]: dropped rules and routes, dropped VIPs, new VIPs, new routes (a route may need a
 * VIP's prefix), new rules. */
static size_t put_diff(struct instance *in, const struct vipd_instance_config *old,
                       const struct instance_origins *old_origin, struct nl_change *ch, size_t n,
                       size_t *added, bool *retry)
{
	char buf[ROUTE_STRLEN];

	const struct vipd_instance_config *cur = in->cfg;

	n = put_rule_diff(old, cur, NL_RULE_DEL, ch, n);
	for (size_t i = 0; i < old->nroutes; i++) {
		const struct vipd_route *r = &old->routes[i];

		ch[n] = (struct nl_change){.op = NL_ROUTE_DEL, .route = *r};
		if (!has_route(cur, r) && instance_route_oif(in, &ch[n]))
			n++;
	}
	for (size_t i = 0; i < naddrs(old); i++) {
		struct vipd_addr_opts o = opts_at(old, i);
		unsigned ifindex = instance_addrs_dev_ifindex(in, o.dev);

		if (!has_addr(cur, old, i) && instance_origin(old_origin, i) != VIP_FOREIGN &&
		    ifindex)
			ch[n++] = (struct nl_change){
			    .op = NL_ADDR_DEL, .ifindex = ifindex, .addr = *addr_at(old, i)};
	}
	for (size_t i = 0; i < naddrs(cur); i++) {
		struct vipd_addr_opts o = opts_at(cur, i);
		unsigned ifindex = instance_addrs_dev_ifindex(in, o.dev);

		if (has_addr(old, cur, i))
			continue;
		if (!ifindex) {
			in->stats.nl_errors++;
			*retry = true;
			instance_log(in, LOG_WARNING, "reload: add %s: interface %s missing",
			             addr_format(addr_at(cur, i), true, buf, sizeof(buf)), o.dev);
			continue;
		}
		ch[n++] = (struct nl_change){.op = NL_ADDR_ADD,
		                             .ifindex = ifindex,
		                             .addr = *addr_at(cur, i),
		                             .nodad = addr_at(cur, i)->af == AF_INET6,
		                             .opts = o};
		(*added)++;
	}
	for (size_t i = 0; i < cur->nroutes; i++) {
		const struct vipd_route *r = &cur->routes[i];

		if (has_route(old, r))
			continue;
		ch[n] = (struct nl_change){.op = NL_ROUTE_ADD, .route = *r};
		if (!instance_route_oif(in, &ch[n])) {
			/* A failure: the retry adds every route once the interface exists. */
			in->stats.nl_errors++;
			*retry = true;
			instance_log(in, LOG_WARNING, "reload: add route %s: interface %s missing",
			             route_format(r, buf, sizeof(buf)), r->dev);
			continue;
		}
		n++;
	}
	return put_rule_diff(cur, old, NL_RULE_ADD, ch, n);
}

/* A Master's addresses and routes follow the new config by difference: what stays is not
 * touched. A failed add arms the retry (which adds every VIP and route of the new config).
 * Returns the number of VIPs added. */
static size_t apply_diff(struct instance *in, const struct vipd_instance_config *old,
                         const struct instance_origins *old_origin, monotime now)
{
	size_t max = naddrs(old) + old->nroutes + old->nrules + naddrs(in->cfg) + in->cfg->nroutes +
	             in->cfg->nrules;
	size_t added = 0, applied;
	struct nl_change *ch = calloc(max ? max : 1, sizeof(*ch));
	char buf[NL_MSG_STRLEN];
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
		bool add = c->op == NL_ADDR_ADD || c->op == NL_ROUTE_ADD || c->op == NL_RULE_ADD;

		if (!nl_msg_is_route(c))
			instance_vip_note_result(in, c);
		if (instance_change_done(c)) {
			instance_log(in, LOG_INFO, "reload: %s %s", add ? "added" : "removed",
			             nl_msg_format(c, true, buf, sizeof(buf)));
			continue;
		}
		in->stats.nl_errors++;
		retry = retry || add;
		instance_log(in, LOG_WARNING, "reload: %s %s: %s%s%s", add ? "add" : "delete",
		             nl_msg_format(c, true, buf, sizeof(buf)), strerror(-c->error),
		             c->msg[0] ? ": " : "", c->msg);
	}
	free(ch);
	if (retry)
		loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	return added;
}

/* accept = false on a Master across a reload: while the difference is applied the drop covers
 * the new VIPs (about to be added) and the old ones (still there until deleted). Past
 * VRRP_MAX_ADDRS in all, an old VIP left out is deleted right after, in the same call. */
static void accept_before(struct instance *in, const struct vipd_instance_config *old)
{
	const struct vipd_instance_config *cur = in->cfg;
	struct vip_addr both[VRRP_MAX_ADDRS];
	size_t n = 0;

	if (!instance_accept_filters(cur))
		return;
	for (size_t i = 0; i < cur->nvips && n < VRRP_MAX_ADDRS; i++)
		both[n++] = cur->vips[i];
	for (size_t i = 0; i < old->nvips && n < VRRP_MAX_ADDRS; i++)
		if (!has_vip(cur, &old->vips[i]))
			both[n++] = old->vips[i];
	instance_accept_set(in, both, n);
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
	struct instance_origins old_origin = in->vip_origin;

	/* The origin of each address follows it to its index in the new lists. */
	memset(&in->vip_origin, 0, sizeof(in->vip_origin)); /* VIP_ABSENT */
	for (size_t i = 0; i < naddrs(cfg); i++)
		for (size_t j = 0; j < naddrs(old); j++)
			if (addr_same(cfg, i, old, j))
				instance_origin_set(&in->vip_origin, i,
				                    instance_origin(&old_origin, j));
	in->cfg = cfg;
	if (master) {
		accept_before(in, old);
		added = apply_diff(in, old, &old_origin, now);
		/* A failure arms the retry, which installs the drop before adding anything. */
		if (instance_accept_set(in, cfg->vips,
		                        instance_accept_filters(cfg) ? cfg->nvips : 0) < 0)
			loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	}
	/* announce_table: the routes in the table follow by difference, master or standby. */
	if (instance_export_reload(in, old) > 0)
		loop_timer_set(in->loop, &in->retry_timer, now + NL_RETRY);
	/* A changed startup_delay still counts from the same origin. */
	vrrp_fsm_startup_hold(&in->fsm, now, instance_startup_until(in));
	instance_run_actions(in, vrrp_fsm_reconfigure(&in->fsm, now, &fc, prio), now);
	if (master && in->fsm.state == VRRP_STATE_MASTER) {
		/* The neighbours learn the new addresses now; a new refresh period starts. */
		if (added)
			instance_announce_start(in, now);
		else if (cfg->garp_refresh && !loop_timer_armed(&in->garp_timer)) {
			in->garp_refreshing = true;
			loop_timer_set(in->loop, &in->garp_timer,
			               in->garp_burst_start + cfg->garp_refresh > now
			                   ? in->garp_burst_start + cfg->garp_refresh
			                   : now);
		}
	}
	/* The advert source may follow (unicast_source, a VIP no longer a candidate). */
	instance_iface_changed(in, now);
}
