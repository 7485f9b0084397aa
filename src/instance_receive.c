/* instance_receive: an advert heard by an instance, from the daemon's demux to its FSM. The
 * checks that need the configuration (vrrp_pkt_validate with the instance's policy), the counters,
 * the RFC 9568 7.1 address-list warning and notify_master_rx_lower_pri are decided here; the FSM
 * decides the rest. Every advert that passed the checks feeds the peers table
 * (instance_peers.c). */
#include "build_config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "vipd/instance_int.h"
#include "vipd/instance_stats.h"
#include "vipd/log.h"

bool instance_receive_ttl_checked(const struct vipd_instance_config *cfg,
                                  const struct vrrp_rx_meta *meta)
{
	bool multicast = meta->af == AF_INET6 ? IN6_IS_ADDR_MULTICAST(&meta->dst.v6)
	                                      : IN_MULTICAST(ntohl(meta->dst.v4.s_addr));

	/* A multicast advert is link-local and carries 255 whatever the mode. */
	return cfg->unicast_ttl_check || !cfg->npeers || multicast;
}

bool instance_receive_rx_lower_due(enum vrrp_state st, unsigned own, unsigned heard, monotime last,
                                   monotime now)
{
	if (st != VRRP_STATE_MASTER || heard == VRRP_PRIO_STOP || heard >= own)
		return false;
	return last == 0 || now - last >= INSTANCE_RX_LOWER_GAP;
}

void instance_receive(struct instance *in, const struct vrrp_adv *adv,
                      const struct vrrp_rx_meta *meta, enum vrrp_csum_form form, monotime heard,
                      monotime now)
{
	union vip_in vips[VRRP_MAX_ADDRS];
	struct vrrp_rx_policy pol = {
	    .accept_v2 = in->cfg->version != VIPD_V3,
	    .accept_v3 = in->cfg->version != VIPD_V2,
	    .owner = in->cfg->priority == VRRP_PRIO_OWNER,
	    .linklocal_first = !config_keepalived_list(in->cfg),
	    .v2_interval = (uint8_t)(in->cfg->adver_int_cs / 100),
	    .vips = instance_vip_in_list(in, vips),
	    .nvips = in->cfg->nvips,
	    .peers = in->cfg->npeers ? in->cfg->unicast_peers : NULL,
	    .npeers = in->cfg->npeers,
	};
	enum vrrp_reason r;
	uint16_t interval_cs;
	bool master_before, addrs_differ;

	instance_auth_fill(in->cfg, &pol.auth_type, pol.auth_data);
	pol.ah_seq = in->ah_seq;
	r = vrrp_pkt_validate(adv, meta, &pol);
	/* An AH advert taken moves the shared counter, whatever the state (keepalived's rule). */
	if (r == VRRP_RX_OK && meta->ah_pkt)
		in->ah_seq = meta->ah_seq;
	if (log_cats_on & LOG_CAT_PACKETS)
		instance_debug_rx(in, adv, meta, r);
	if (in->fsm.state == VRRP_STATE_FAULT || in->fsm.state == VRRP_STATE_INIT)
		return;
	if (r != VRRP_RX_OK) {
		in->stats.drops[r]++;
		instance_peers_drop(in, r, now);
		return;
	}
	in->stats.adverts_received++;
	if (adv->priority == VRRP_PRIO_STOP)
		in->stats.prio0_received++;
	if (adv->version == 3 && adv->af == AF_INET)
		in->stats.csum_forms[form]++;
	addrs_differ = !vrrp_pkt_addrs_match(adv, pol.vips, pol.nvips);
	if (adv->version == 3 && addrs_differ) {
		/* RFC 9568 7.1: a mismatch is logged, not dropped; log the first of a run only. */
		if (in->stats.addr_list_mismatch++ == 0) {
			char src[ADDR_STRLEN];
			instance_log(in, LOG_WARNING,
			             "advert from %s lists other addresses than ours",
			             addr_format_in(meta->af, &meta->src, src, sizeof(src)));
		}
	}
	interval_cs = adv->version == 3 ? adv->interval : (uint16_t)(adv->interval * 100);
	/* Decided before the FSM acts on the advert: the state it was heard in. */
	if (in->cfg->notify_master_rx_lower_pri && in->io->master_rx_lower &&
	    instance_receive_rx_lower_due(in->fsm.state, in->fsm.priority, adv->priority,
	                                  in->rx_lower_last, now)) {
		in->rx_lower_last = now;
		instance_log(in, LOG_NOTICE,
		             "master heard priority %u (ours %u): running "
		             "notify_master_rx_lower_pri",
		             adv->priority, in->fsm.priority);
		in->io->master_rx_lower(in->io->ctx, in);
	}
	master_before = in->fsm.state == VRRP_STATE_MASTER;
	instance_run_actions(
	    in, vrrp_fsm_advert(&in->fsm, heard, adv->priority, interval_cs, &meta->src), now);
	instance_stats_heard(in, adv->priority, &meta->src, now);
	instance_peers_heard(in, adv, meta, form, addrs_differ, master_before, now);
}
