/* instance_status: the "status" object of one instance (vipctl status), built from its config,
 * its FSM and its counters. */
#include "build_config.h"

#include <stdio.h>

#include "vipd/instance.h"
#include "vipd/instance_int.h"

static struct json_object *version_json(enum vipd_version v)
{
	return v == VIPD_V2_V3 ? json_object_new_string("2+3") : json_object_new_int((int)v);
}

/* Add a new container under key to o: NULL when out of memory (o then has a null there, and
 * is dropped by the caller). */
static struct json_object *add_new(struct json_object *o, const char *key, bool array)
{
	struct json_object *c = array ? json_object_new_array() : json_object_new_object();

	json_object_object_add(o, key, c);
	return c;
}

/* The receive side: checksum forms of the v3 IPv4 adverts accepted, drops by reason (only the
 * reasons seen), and the unicast peers when there are any. -1 when out of memory. */
static int rx_status(const struct instance *in, struct json_object *o)
{
	struct json_object *forms = add_new(o, "checksum_forms", false), *drops, *peers;
	char buf[ADDR_STRLEN];

	if (!forms)
		return -1;
	json_object_object_add(forms, "rfc5798",
	                       json_object_new_uint64(in->stats.csum_forms[VRRP_CSUM_RFC5798]));
	json_object_object_add(forms, "rfc9568",
	                       json_object_new_uint64(in->stats.csum_forms[VRRP_CSUM_RFC9568]));
	drops = add_new(o, "drops", false);
	if (!drops)
		return -1;
	for (int r = VRRP_RX_OK + 1; r < VRRP_RX__COUNT; r++)
		if (in->stats.drops[r])
			json_object_object_add(drops, vrrp_pkt_reason_name((enum vrrp_reason)r),
			                       json_object_new_uint64(in->stats.drops[r]));
	/* auth_type = "ah": both nodes must say so, and a replay drop is told by the counter */
	if (in->cfg->auth_ah) {
		json_object_object_add(o, "auth_type", json_object_new_string("ah"));
		json_object_object_add(o, "ah_sequence", json_object_new_uint64(in->ah_seq));
	}
	if (!in->cfg->npeers) {
		/* a multicast instance away from the IANA group can only talk to nodes told the
		 * same group: the operator checks it here */
		if (in->cfg->has_mcast_group)
			json_object_object_add(
			    o, "mcast_group",
			    json_object_new_string(addr_format_in(
			        in->cfg->af, &in->cfg->mcast_group, buf, sizeof(buf))));
		return 0;
	}
	peers = add_new(o, "unicast_peers", true);
	if (!peers)
		return -1;
	for (size_t i = 0; i < in->cfg->npeers; i++)
		json_object_array_add(
		    peers, json_object_new_string(addr_format_in(
		               in->cfg->af, &in->cfg->unicast_peers[i], buf, sizeof(buf))));
	return 0;
}

struct json_object *instance_status(const struct instance *in, monotime now)
{
	struct json_object *o = json_object_new_object(), *vips;
	char buf[ADDR_STRLEN];

	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(in->cfg->name));
	json_object_object_add(o, "state",
	                       json_object_new_string(vrrp_fsm_state_name(in->fsm.state)));
	json_object_object_add(o, "vrid", json_object_new_int(in->cfg->vrid));
	json_object_object_add(o, "interface", json_object_new_string(in->cfg->interface));
	if (in->cfg->vmac) {
		json_object_object_add(o, "vmac", json_object_new_string(in->cfg->vmac_name));
		json_object_object_add(o, "vmac_xmit_base",
		                       json_object_new_boolean(in->cfg->vmac_xmit_base));
	}
	json_object_object_add(o, "version", version_json(in->cfg->version));
	json_object_object_add(o, "priority", json_object_new_int(in->cfg->priority));
	json_object_object_add(o, "effective_priority", json_object_new_int(in->fsm.priority));
	json_object_object_add(o, "demoted", json_object_new_boolean(in->demoted));
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
	if (in->fsm.state == VRRP_STATE_FAULT && in->fault_reason)
		json_object_object_add(o, "fault_reason", json_object_new_string(in->fault_reason));
	/* why a master on a down link is not in FAULT */
	if (in->cfg->ignore_link)
		json_object_object_add(o, "link_down",
		                       json_object_new_boolean(!in->iface->running));
	/* Print 0.05, not json-c's 0.050000000000000003. */
	snprintf(buf, sizeof(buf), "%.2f", in->cfg->adver_int_cs / 100.0);
	json_object_object_add(o, "advert_interval",
	                       json_object_new_double_s(in->cfg->adver_int_cs / 100.0, buf));
	vips = add_new(o, "virtual_addresses", true);
	if (!vips)
		goto oom;
	/* Each with its options as the config writes them: "A/N dev eth1 label ...". */
	for (size_t i = 0; i < instance_addrs_count(in); i++) {
		char abuf[CONFIG_ADDR_STRLEN];

		if (i == in->cfg->nvips) {
			vips = add_new(o, "excluded_addresses", true);
			if (!vips)
				goto oom;
		}
		json_object_array_add(vips, json_object_new_string(config_addr_format(
		                                instance_addrs_get(in, i),
		                                instance_addrs_opts(in, i), abuf, sizeof(abuf))));
	}
	if (in->cfg->nroutes) {
		struct json_object *routes = add_new(o, "virtual_routes", true);
		char rbuf[ROUTE_STRLEN];

		if (!routes)
			goto oom;
		for (size_t i = 0; i < in->cfg->nroutes; i++)
			json_object_array_add(
			    routes, json_object_new_string(
			                route_format(&in->cfg->routes[i], rbuf, sizeof(rbuf))));
	}
	if (!in->cfg->accept) {
		/* Whether table inet vipd drops traffic to the VIPs now (a master, not the owner).
		 */
		json_object_object_add(o, "accept", json_object_new_boolean(false));
		json_object_object_add(o, "accept_drop",
		                       json_object_new_boolean(in->ndrop && in->drop_synced));
	}
	/* keepalived's IPv6 list form (config_keepalived_list): the peers must list alike. */
	if (config_keepalived_list(in->cfg))
		json_object_object_add(o, "address_list", json_object_new_string("as written"));
	if (in->cfg->nrules) {
		struct json_object *rules = add_new(o, "virtual_rules", true);
		char rbuf[RULE_STRLEN];

		if (!rules)
			goto oom;
		for (size_t i = 0; i < in->cfg->nrules; i++)
			json_object_array_add(rules, json_object_new_string(rule_format(
			                                 &in->cfg->rules[i], rbuf, sizeof(rbuf))));
	}
	if (in->cfg->announce_table) {
		/* announce_table: which set is in the table for the routing daemon to carry. */
		struct json_object *a = add_new(o, "announce", false);

		if (!a)
			goto oom;
		json_object_object_add(a, "table", json_object_new_uint64(in->cfg->announce_table));
		if (in->cfg->announce_backup_metric)
			json_object_object_add(
			    a, "backup_metric",
			    json_object_new_uint64(in->cfg->announce_backup_metric));
		json_object_object_add(a, "announced",
		                       json_object_new_string(instance_export_held(in)));
	}
	if (rx_status(in, o) < 0)
		goto oom;
	json_object_object_add(o, "since",
	                       json_object_new_double(monotime_to_sec(now - in->since)));
	if (in->cause.kind != EVENTS_KIND_NONE) {
		struct json_object *cause = events_cause_json(&in->cause);

		if (!cause)
			goto oom;
		json_object_object_add(o, "last_cause", cause);
	}
	if (in->cfg->startup_delay) {
		/* How long the Master_Down_Timer is still held (0 once the delay is over). */
		monotime left = in->fsm.startup_until > now ? in->fsm.startup_until - now : 0;

		snprintf(buf, sizeof(buf), "%.3f", monotime_to_sec(left));
		json_object_object_add(o, "startup_delay_remaining",
		                       json_object_new_double_s(monotime_to_sec(left), buf));
	}
	return o;
oom:
	json_object_put(o);
	return NULL;
}
