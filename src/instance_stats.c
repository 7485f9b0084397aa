/* instance_stats: transitions by kind, the availability hooks and the "stats" object of one
 * instance. */
#include "build_config.h"

#include <stdio.h>

#include "vipd/instance_stats.h"

void instance_stats_transition(struct instance *in, monotime now)
{
	if ((unsigned)in->last_state < VRRP_STATE__COUNT &&
	    (unsigned)in->fsm.state < VRRP_STATE__COUNT)
		in->stats.trans[in->last_state][in->fsm.state]++;
	if (in->since != 0 && (unsigned)in->last_state < VRRP_STATE__COUNT)
		in->stats.in_state[in->last_state] += now - in->since;
	avail_state(&in->stats.avail, now, in->fsm.state);
}

bool instance_stats_master_due(const struct instance *in, monotime now)
{
	const struct vrrp_fsm *f = &in->fsm;

	return f->state == VRRP_STATE_BACKUP && f->master_down_timer != 0 &&
	       now >= f->master_down_timer && !f->lower_ignored;
}

void instance_stats_heard(struct instance *in, uint8_t prio, const union vip_in *src, monotime now)
{
	if (in->fsm.state == VRRP_STATE_BACKUP)
		avail_heard(&in->stats.avail, now, prio, in->cfg->af, src);
}

const char *instance_stats_transition_name(enum vrrp_state from, enum vrrp_state to, char *buf,
                                           size_t len)
{
	snprintf(buf, len, "%s->%s", vrrp_fsm_state_name(from), vrrp_fsm_state_name(to));
	return buf;
}

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/* Seconds with a readable representation (6 decimals), or null. */
static struct json_object *seconds(bool has, double v)
{
	char buf[64];

	if (!has)
		return NULL;
	snprintf(buf, sizeof(buf), "%.6f", v);
	return json_object_new_double_s(v, buf);
}

static struct json_object *counters_json(const struct instance *in)
{
	const struct instance_stats *s = &in->stats;
	struct json_object *c = json_object_new_object();
	struct json_object *drops = json_object_new_object();
	struct json_object *trans = json_object_new_object();
	char buf[32];

	if (!c || !drops || !trans) {
		json_object_put(c);
		json_object_put(drops);
		json_object_put(trans);
		return NULL;
	}
	add_u64(c, "adverts_sent", s->adverts_sent);
	add_u64(c, "adverts_received", s->adverts_received);
	add_u64(c, "prio0_sent", s->prio0_sent);
	add_u64(c, "prio0_received", s->prio0_received);
	add_u64(c, "send_errors", s->send_errors);
	add_u64(c, "announcements", s->announcements);
	add_u64(c, "nl_errors", s->nl_errors);
	add_u64(c, "vip_restored", s->vip_restored);
	add_u64(c, "addr_list_mismatch", s->addr_list_mismatch);
	for (int r = VRRP_RX_OK + 1; r < VRRP_RX__COUNT; r++)
		if (s->drops[r])
			add_u64(drops, vrrp_pkt_reason_name((enum vrrp_reason)r), s->drops[r]);
	json_object_object_add(c, "drops", drops);
	for (int f = 0; f < VRRP_STATE__COUNT; f++)
		for (int t = 0; t < VRRP_STATE__COUNT; t++)
			if (s->trans[f][t])
				add_u64(trans,
				        instance_stats_transition_name((enum vrrp_state)f,
				                                       (enum vrrp_state)t, buf,
				                                       sizeof(buf)),
				        s->trans[f][t]);
	json_object_object_add(c, "transitions", trans);
	return c;
}

static struct json_object *availability_json(const struct instance *in, monotime now)
{
	struct json_object *a = json_object_new_object();
	struct avail_figures f;
	char buf[64];

	if (!a)
		return NULL;
	avail_figures(&in->stats.avail, now, &f);
	json_object_object_add(a, "observed", seconds(true, f.observed));
	json_object_object_add(a, "up", seconds(true, f.up));
	json_object_object_add(a, "down", seconds(true, f.down));
	if (f.has_ratio) {
		snprintf(buf, sizeof(buf), "%.9f", f.ratio);
		json_object_object_add(a, "ratio", json_object_new_double_s(f.ratio, buf));
	} else {
		json_object_object_add(a, "ratio", NULL);
	}
	add_u64(a, "failures", f.failures);
	add_u64(a, "failovers", f.failovers);
	json_object_object_add(a, "mtbf", seconds(f.has_mtbf, f.mtbf));
	json_object_object_add(a, "mttr", seconds(f.has_mttr, f.mttr));
	return a;
}

struct json_object *instance_stats_json(const struct instance *in, monotime now)
{
	struct json_object *o = json_object_new_object();
	struct json_object *counters = counters_json(in), *avail = availability_json(in, now);

	if (!o || !counters || !avail) {
		json_object_put(o);
		json_object_put(counters);
		json_object_put(avail);
		return NULL;
	}
	json_object_object_add(o, "name", json_object_new_string(in->cfg->name));
	json_object_object_add(o, "state",
	                       json_object_new_string(vrrp_fsm_state_name(in->fsm.state)));
	json_object_object_add(o, "counters", counters);
	json_object_object_add(o, "availability", avail);
	return o;
}
