/* instance_status: the "status" object of one instance (vipctl status), built from its config,
 * its FSM and its counters. It is written as text (jsonw) rather than built as a json-c tree:
 * `vipctl --json status` of 1000 instances spent most of its time allocating, hashing and
 * freeing the tree (callgrind); the few who need a tree parse the text. */
#include "build_config.h"

#include <stdio.h>
#include <stdlib.h>

#include "vipd/instance.h"
#include "vipd/instance_int.h"
#include "vipd/jsonw.h"

/* An address of the instance's family as a string value. */
static void addr_value(const struct instance *in, struct jsonw *w, const union vip_in *a)
{
	char buf[ADDR_STRLEN];

	jsonw_str(w, addr_format_in(in->cfg->af, a, buf, sizeof(buf)));
}

/* The receive side: checksum forms of the v3 IPv4 adverts accepted, drops by reason (only the
 * reasons seen), and the unicast peers when there are any. */
static void rx_status(const struct instance *in, struct jsonw *w)
{
	jsonw_key(w, "checksum_forms");
	jsonw_object_open(w);
	jsonw_kuint(w, "rfc5798", in->stats.csum_forms[VRRP_CSUM_RFC5798]);
	jsonw_kuint(w, "rfc9568", in->stats.csum_forms[VRRP_CSUM_RFC9568]);
	jsonw_object_close(w);
	jsonw_key(w, "drops");
	jsonw_object_open(w);
	for (int r = VRRP_RX_OK + 1; r < VRRP_RX__COUNT; r++)
		if (in->stats.drops[r])
			jsonw_kuint(w, vrrp_pkt_reason_name((enum vrrp_reason)r),
			            in->stats.drops[r]);
	jsonw_object_close(w);
	/* auth_type = "ah": both nodes must say so, and a replay drop is told by the counter */
	if (in->cfg->auth_ah) {
		jsonw_kstr(w, "auth_type", "ah");
		jsonw_kuint(w, "ah_sequence", in->ah_seq);
	}
	if (!in->cfg->npeers) {
		/* a multicast instance away from the IANA group can only talk to nodes told the
		 * same group: the operator checks it here */
		if (in->cfg->has_mcast_group) {
			jsonw_key(w, "mcast_group");
			addr_value(in, w, &in->cfg->mcast_group);
		}
		return;
	}
	jsonw_key(w, "unicast_peers");
	jsonw_array_open(w);
	for (size_t i = 0; i < in->cfg->npeers; i++)
		addr_value(in, w, &in->cfg->unicast_peers[i]);
	jsonw_array_close(w);
}

/* The lists of addresses, routes and rules, each with its options as the config writes them. */
static void lists_status(const struct instance *in, struct jsonw *w)
{
	char buf[CONFIG_ADDR_STRLEN > ROUTE_STRLEN ? CONFIG_ADDR_STRLEN : ROUTE_STRLEN];
	char rbuf[RULE_STRLEN];

	jsonw_key(w, "virtual_addresses");
	jsonw_array_open(w);
	/* Each with its options as the config writes them: "A/N dev eth1 label ...". */
	for (size_t i = 0; i < instance_addrs_count(in); i++) {
		if (i == in->cfg->nvips) {
			jsonw_array_close(w);
			jsonw_key(w, "excluded_addresses");
			jsonw_array_open(w);
		}
		jsonw_str(w, config_addr_format(instance_addrs_get(in, i),
		                                instance_addrs_opts(in, i), buf, sizeof(buf)));
	}
	jsonw_array_close(w);
	if (in->cfg->nroutes) {
		jsonw_key(w, "virtual_routes");
		jsonw_array_open(w);
		for (size_t i = 0; i < in->cfg->nroutes; i++)
			jsonw_str(w, route_format(&in->cfg->routes[i], buf, sizeof(buf)));
		jsonw_array_close(w);
	}
	if (!in->cfg->accept) {
		/* Whether table inet vipd drops traffic to the VIPs now (a master, not the owner).
		 */
		jsonw_kbool(w, "accept", false);
		jsonw_kbool(w, "accept_drop", in->ndrop && in->drop_synced);
	}
	/* keepalived's IPv6 list form (config_keepalived_list): the peers must list alike. */
	if (config_keepalived_list(in->cfg))
		jsonw_kstr(w, "address_list", "as written");
	if (in->cfg->nrules) {
		jsonw_key(w, "virtual_rules");
		jsonw_array_open(w);
		for (size_t i = 0; i < in->cfg->nrules; i++)
			jsonw_str(w, rule_format(&in->cfg->rules[i], rbuf, sizeof(rbuf)));
		jsonw_array_close(w);
	}
}

void instance_status_write(const struct instance *in, monotime now, struct jsonw *w)
{
	char buf[32];

	jsonw_kstr(w, "name", in->cfg->name);
	jsonw_kstr(w, "state", vrrp_fsm_state_name(in->fsm.state));
	jsonw_kint(w, "vrid", in->cfg->vrid);
	jsonw_kstr(w, "interface", in->cfg->interface);
	if (in->cfg->vmac) {
		jsonw_kstr(w, "vmac", in->cfg->vmac_name);
		jsonw_kbool(w, "vmac_xmit_base", in->cfg->vmac_xmit_base);
	}
	if (in->cfg->version == VIPD_V2_V3)
		jsonw_kstr(w, "version", "2+3");
	else
		jsonw_kint(w, "version", (int)in->cfg->version);
	jsonw_kint(w, "priority", in->cfg->priority);
	jsonw_kint(w, "effective_priority", in->fsm.priority);
	jsonw_kbool(w, "demoted", in->demoted);
	jsonw_key(w, "master_address");
	if (in->fsm.state == VRRP_STATE_MASTER)
		addr_value(in, w, &in->primary);
	else if (in->fsm.state == VRRP_STATE_BACKUP && in->fsm.master_known)
		addr_value(in, w, &in->fsm.master_addr);
	else
		jsonw_null(w);
	if (in->fsm.state == VRRP_STATE_FAULT && in->fault_reason)
		jsonw_kstr(w, "fault_reason", in->fault_reason);
	/* why a master on a down link is not in FAULT */
	if (in->cfg->ignore_link)
		jsonw_kbool(w, "link_down", !in->iface->running);
	/* Print 0.05, not json-c's 0.050000000000000003: "%.2f" of centiseconds, by hand. */
	snprintf(buf, sizeof(buf), "%u.%02u", (unsigned)in->cfg->adver_int_cs / 100,
	         (unsigned)in->cfg->adver_int_cs % 100);
	jsonw_key(w, "advert_interval");
	jsonw_raw(w, buf);
	lists_status(in, w);
	if (in->cfg->announce_table) {
		/* announce_table: which set is in the table for the routing daemon to carry. */
		jsonw_key(w, "announce");
		jsonw_object_open(w);
		jsonw_kuint(w, "table", in->cfg->announce_table);
		if (in->cfg->announce_backup_metric)
			jsonw_kuint(w, "backup_metric", in->cfg->announce_backup_metric);
		jsonw_kstr(w, "announced", instance_export_held(in));
		jsonw_object_close(w);
	}
	rx_status(in, w);
	jsonw_key(w, "since");
	jsonw_double(w, monotime_to_sec(now - in->since));
	if (in->cause.kind != EVENTS_KIND_NONE) {
		jsonw_key(w, "last_cause");
		events_cause_write(&in->cause, w);
	}
	if (in->cfg->startup_delay) {
		/* How long the Master_Down_Timer is still held (0 once the delay is over). */
		monotime left = in->fsm.startup_until > now ? in->fsm.startup_until - now : 0;

		snprintf(buf, sizeof(buf), "%.3f", monotime_to_sec(left));
		jsonw_key(w, "startup_delay_remaining");
		jsonw_raw(w, buf);
	}
}

struct json_object *instance_status(const struct instance *in, monotime now)
{
	struct jsonw w;
	struct json_object *o;
	char *text;

	jsonw_init(&w);
	jsonw_object_open(&w);
	instance_status_write(in, now, &w);
	jsonw_object_close(&w);
	text = jsonw_take(&w, NULL);
	if (!text)
		return NULL;
	/* json-c keeps a number's text when it parses it: printed again, the tree is the text */
	o = json_tokener_parse(text);
	free(text);
	return o;
}
