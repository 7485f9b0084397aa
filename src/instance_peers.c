/* instance_peers: an instance's side of vipctl peers and of the anomalies. The table and the
 * rules are pure (peers.c, peers_anomaly.c); here they are fed from the receive path, their
 * findings counted and logged rate-limited, and shown as JSON. */
#include "build_config.h"

#include <stdio.h>
#include <string.h>

#include "vipd/instance_int.h"
#include "vipd/log.h"

static bool src_is_vip(const struct instance *in, const union vip_in *src)
{
	for (size_t i = 0; i < in->cfg->nvips; i++)
		if (in->cfg->vips[i].af == in->cfg->af &&
		    addr_cmp_in(in->cfg->af, &in->cfg->vips[i].in, src) == 0)
			return true;
	return false;
}

void instance_peers_heard(struct instance *in, const struct vrrp_adv *adv,
                          const struct vrrp_rx_meta *meta, enum vrrp_csum_form form,
                          bool addrs_differ, bool master_before, monotime now)
{
	struct peers_advert a = {
	    .af = meta->af,
	    .src = meta->src,
	    .priority = adv->priority,
	    .version = adv->version,
	    .interval_cs = adv->version == 3 ? adv->interval : (uint16_t)(adv->interval * 100),
	    .csum_form = adv->version == 3 && adv->af == AF_INET ? (int8_t)form : -1,
	    .addrs_differ = addrs_differ,
	};
	struct peers_self self = {
	    .master_before = master_before,
	    .master_after = in->fsm.state == VRRP_STATE_MASTER,
	    .master_since = in->since,
	    .interval_cs = in->cfg->adver_int_cs,
	    .owner = in->cfg->priority == VRRP_PRIO_OWNER,
	    .src_is_vip = src_is_vip(in, &meta->src),
	};
	struct peers_anomaly found[PEERS_ANOMALY__COUNT];
	struct peer before;
	bool is_new;
	const struct peer *p = peers_heard(&in->peers, &a, now, &before, &is_new);
	size_t n;

	if (!p) {
		/* Only the table and its anomalies miss this advert: the FSM had it already. */
		instance_log(in, LOG_WARNING, "peers: out of memory; the router is not listed");
		return;
	}
	n = peers_anomaly_advert(&in->watch.split, &self, p, &before, is_new, now, found);
	for (size_t i = 0; i < n; i++)
		instance_anomaly(in, &found[i], now);
}

void instance_peers_free(struct instance *in)
{
	peers_free(&in->peers);
}

void instance_peers_tick(struct instance *in, monotime now)
{
	struct peers_anomaly a;

	if (peers_anomaly_tick(&in->watch.split, in->fsm.state == VRRP_STATE_MASTER, now, &a))
		instance_anomaly(in, &a, now);
	peers_age(&in->peers, now);
}

void instance_peers_drop(struct instance *in, enum vrrp_reason r, monotime now)
{
	struct peers_anomaly a = {.kind = PEERS_ANOMALY_DROPS, .reason = (int)r};

	if (!peers_anomaly_drops_crossed(in->stats.drops[r]))
		return;
	a.count = in->stats.drops[r];
	instance_anomaly(in, &a, now);
}

/* --- JSON --- */

static struct json_object *seconds(double s, int decimals)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.*f", decimals, s);
	return json_object_new_double_s(s, buf);
}

static struct json_object *address(int af, const union vip_in *a)
{
	char buf[ADDR_STRLEN];

	return json_object_new_string(addr_format_in(af, a, buf, sizeof(buf)));
}

/* Who in takes for the master: itself, the master it heard (Backup), or null. */
static struct json_object *master_json(const struct instance *in)
{
	struct json_object *o;

	if (in->fsm.state != VRRP_STATE_MASTER &&
	    !(in->fsm.state == VRRP_STATE_BACKUP && in->fsm.master_known))
		return NULL;
	o = json_object_new_object();
	if (!o)
		return NULL;
	if (in->fsm.state == VRRP_STATE_MASTER) {
		json_object_object_add(o, "address", address(in->cfg->af, &in->primary));
		json_object_object_add(o, "priority", json_object_new_int(in->fsm.priority));
		json_object_object_add(o, "self", json_object_new_boolean(true));
	} else {
		json_object_object_add(o, "address", address(in->cfg->af, &in->fsm.master_addr));
		json_object_object_add(o, "priority", json_object_new_int(in->fsm.master_priority));
		json_object_object_add(o, "self", json_object_new_boolean(false));
	}
	return o;
}

static struct json_object *router_json(const struct instance *in, const struct peer *p,
                                       monotime now)
{
	struct json_object *o = json_object_new_object();
	const char *form = peers_csum_name(p->adv.csum_form);
	bool master = in->fsm.state == VRRP_STATE_BACKUP && in->fsm.master_known &&
	              addr_cmp_in(p->adv.af, &p->adv.src, &in->fsm.master_addr) == 0;

	if (!o)
		return NULL;
	json_object_object_add(o, "address", address(p->adv.af, &p->adv.src));
	json_object_object_add(o, "priority", json_object_new_int(p->adv.priority));
	json_object_object_add(o, "advert_interval", seconds(p->adv.interval_cs / 100.0, 2));
	json_object_object_add(o, "version", json_object_new_int(p->adv.version));
	json_object_object_add(o, "checksum_form", form ? json_object_new_string(form) : NULL);
	json_object_object_add(o, "checksum_form_changes", json_object_new_uint64(p->csum_changes));
	json_object_object_add(o, "addresses_differ", json_object_new_boolean(p->adv.addrs_differ));
	json_object_object_add(o, "adverts", json_object_new_uint64(p->adverts));
	json_object_object_add(o, "last_heard", seconds(monotime_to_sec(now - p->last), 3));
	json_object_object_add(o, "first_heard", seconds(monotime_to_sec(now - p->first), 3));
	json_object_object_add(o, "master", json_object_new_boolean(master));
	return o;
}

static struct json_object *split_json(const struct instance *in, monotime now)
{
	const struct peers_split *sb = &in->watch.split;
	struct json_object *o = json_object_new_object(), *w;

	if (!o)
		return NULL;
	json_object_object_add(o, "episodes", json_object_new_uint64(sb->episodes));
	json_object_object_add(o, "seconds",
	                       seconds(monotime_to_sec(peers_anomaly_split_total(sb)), 3));
	json_object_object_add(o, "active", json_object_new_boolean(sb->active));
	if (!sb->active)
		return o;
	w = json_object_new_object();
	if (!w) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(w, "address", address(sb->af, &sb->src));
	json_object_object_add(w, "priority", json_object_new_int(sb->priority));
	json_object_object_add(w, "since", seconds(monotime_to_sec(now - sb->start), 3));
	json_object_object_add(o, "with", w);
	return o;
}

static struct json_object *anomalies_json(const struct instance *in, monotime now)
{
	const struct peers_watch *w = &in->watch;
	struct json_object *o = json_object_new_object(), *last;

	if (!o)
		return NULL;
	for (int k = 0; k < PEERS_ANOMALY__COUNT; k++)
		json_object_object_add(o, peers_anomaly_kind_name((enum peers_anomaly_kind)k),
		                       json_object_new_uint64(w->count[k]));
	if (!w->last_at)
		return o;
	last = json_object_new_object();
	if (!last) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(last, "kind",
	                       json_object_new_string(peers_anomaly_kind_name(w->last.kind)));
	if (w->last.af)
		json_object_object_add(last, "address", address(w->last.af, &w->last.src));
	else
		json_object_object_add(
		    last, "reason",
		    json_object_new_string(vrrp_pkt_reason_name((enum vrrp_reason)w->last.reason)));
	json_object_object_add(last, "ago", seconds(monotime_to_sec(now - w->last_at), 3));
	json_object_object_add(o, "last", last);
	return o;
}

struct json_object *instance_peers_json(const struct instance *in, monotime now)
{
	struct json_object *o = json_object_new_object(), *routers = json_object_new_array(), *x;

	if (!o || !routers)
		goto oom;
	json_object_object_add(o, "name", json_object_new_string(in->cfg->name));
	json_object_object_add(o, "vrid", json_object_new_int(in->cfg->vrid));
	json_object_object_add(o, "state",
	                       json_object_new_string(vrrp_fsm_state_name(in->fsm.state)));
	json_object_object_add(o, "priority", json_object_new_int(in->fsm.priority));
	json_object_object_add(o, "advert_interval", seconds(in->cfg->adver_int_cs / 100.0, 2));
	json_object_object_add(o, "master", master_json(in));
	for (size_t i = 0; i < in->peers.n; i++) {
		if (peers_stale(&in->peers.e[i], now))
			continue;
		x = router_json(in, &in->peers.e[i], now);
		if (!x)
			goto oom;
		json_object_array_add(routers, x);
	}
	json_object_object_add(o, "routers", routers);
	routers = NULL;
	json_object_object_add(o, "evicted", json_object_new_uint64(in->peers.evicted));
	json_object_object_add(o, "aged", json_object_new_uint64(in->peers.aged));
	if (!(x = split_json(in, now)))
		goto oom;
	json_object_object_add(o, "split_brain", x);
	if (!(x = anomalies_json(in, now)))
		goto oom;
	json_object_object_add(o, "anomalies", x);
	return o;
oom:
	json_object_put(routers);
	json_object_put(o);
	return NULL;
}
