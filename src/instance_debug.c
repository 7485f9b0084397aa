/* instance_debug: the debug lines of an instance (log.h debug categories, vipd(8) DEBUG
 * CATEGORIES): each advert it looked at with its verdict (packets), its protocol timer fired
 * and armed (timers). Called only while the category is on: nothing here runs per packet
 * otherwise. */
#include "build_config.h"

#include <stdio.h>

#include "vipd/instance_int.h"
#include "vipd/log.h"

void instance_debug_rx(const struct instance *in, const struct vrrp_adv *adv,
                       const struct vrrp_rx_meta *meta, enum vrrp_reason r)
{
	char src[ADDR_STRLEN], verdict[64];
	const char *state = vrrp_fsm_state_name(in->fsm.state);

	if (in->fsm.state == VRRP_STATE_FAULT || in->fsm.state == VRRP_STATE_INIT)
		snprintf(verdict, sizeof(verdict), "ignored in %s", state);
	else if (r != VRRP_RX_OK)
		snprintf(verdict, sizeof(verdict), "dropped (%s)", vrrp_pkt_reason_name(r));
	else
		snprintf(verdict, sizeof(verdict), "accepted in %s", state);
	/* v2 carries the interval in seconds, v3 in centiseconds: shown in centiseconds. */
	log_cat_write(LOG_CAT_PACKETS,
	              "%s: %s: advert from %s v%u vrid %u prio %u interval %ucs: %s", in->cfg->name,
	              in->iface->name, addr_format_in(meta->af, &meta->src, src, sizeof(src)),
	              adv->version, adv->vrid, adv->priority,
	              adv->version == 3 ? adv->interval : adv->interval * 100u, verdict);
}

/* The names of the FSM's deadlines that are set and at most t ("" when none), in buf. */
static const char *deadlines_by(const struct vrrp_fsm *f, monotime t, char *buf, size_t len)
{
	const struct {
		const char *name;
		monotime at;
	} d[] = {
	    {"advert", f->adver_timer},      {"master-down", f->master_down_timer},
	    {"handover", f->handover_timer}, {"release", f->release_timer},
	    {"yield", f->yield_timer},
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (d[i].at && d[i].at <= t && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			                         d[i].name);
	return buf;
}

void instance_debug_fired(const struct instance *in, monotime now)
{
	char due[64];

	log_cat_write(LOG_CAT_TIMERS, "%s: protocol timer fired in %s, due: %s", in->cfg->name,
	              vrrp_fsm_state_name(in->fsm.state),
	              deadlines_by(&in->fsm, now, due, sizeof(due)));
}

void instance_debug_armed(const struct instance *in, monotime next, monotime now)
{
	char what[64];

	log_cat_write(LOG_CAT_TIMERS, "%s: protocol timer armed in %s: %s in %.3f ms",
	              in->cfg->name, vrrp_fsm_state_name(in->fsm.state),
	              deadlines_by(&in->fsm, next, what, sizeof(what)),
	              next > now ? (double)(next - now) / MT_MSEC : 0.0);
}
