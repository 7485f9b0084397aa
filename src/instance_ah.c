/* instance_ah: the per-instance state of auth_type = "ah" (keepalived's IPsec AH): the sequence
 * number and IP Identification an advert is sent with. The format is vrrp_ah.c's; the counter
 * also moves on what instance_receive takes (keepalived shares one counter between both
 * directions, so after a failover the new master's numbers stay above the old one's). */
#include "build_config.h"

#include <string.h>

#include "vipd/instance.h"
#include "vipd/instance_int.h"
#include "vipd/vrrp_ah.h"

ssize_t instance_ah_wrap(struct instance *in, const union vip_in *dst, const uint8_t *key,
                         const uint8_t *msg, size_t len, uint8_t *out)
{
	struct vrrp_ah_tx tx = {
	    .src = in->primary.v4,
	    .dst = dst->v4,
	    .unicast = in->cfg->npeers != 0,
	    /* the header is ours (IP_HDRINCL): unicast_ttl goes in it, not in a cmsg */
	    .ttl = in->cfg->npeers ? in->cfg->unicast_ttl : VRRP_TTL,
	};

	/* Identification 0 lets the kernel pick one after the ICV was computed over it. */
	if (++in->ah_ip_id == 0)
		in->ah_ip_id = 1;
	in->ah_seq = vrrp_ah_next_seq(in->ah_seq);
	tx.ip_id = in->ah_ip_id;
	tx.seq = in->ah_seq;
	memcpy(tx.key, key, sizeof(tx.key));
	return vrrp_ah_encode(out, VRRP_AH_DGRAM_MAX, &tx, msg, len);
}
