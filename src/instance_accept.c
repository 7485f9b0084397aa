/* instance_accept: Accept_Mode false (RFC 9568 6.4.3). While master, an instance that is not
 * the address owner keeps its VIPs in its drop list, and the daemon's nftables table drops what
 * is addressed to them: the list is set before the VIPs are added and cleared after they are
 * gone, so no packet to a VIP is accepted in between. */
#include "build_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/instance_int.h"
#include "vipd/log.h"

bool instance_accept_filters(const struct vipd_instance_config *cfg)
{
	return !cfg->accept && cfg->priority != VRRP_PRIO_OWNER;
}

/* Whether in's drop list is the n addresses of vips (the prefix lengths do not matter). */
static bool same_list(const struct instance *in, const struct vip_addr *vips, size_t n)
{
	if (n != in->ndrop)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!addr_equal(&in->drop[i], &vips[i]))
			return false;
	return true;
}

int instance_accept_set(struct instance *in, const struct vip_addr *vips, size_t n)
{
	char err[256];

	if (n > VRRP_MAX_ADDRS)
		n = VRRP_MAX_ADDRS;
	if (in->drop_synced && same_list(in, vips, n))
		return 0;
	if (n > in->drop_cap) {
		struct vip_addr *grown = realloc(in->drop, n * sizeof(*grown));

		if (!grown) {
			/* The list and the table stay as they were; the caller retries. */
			in->stats.nl_errors++;
			instance_log(in, LOG_WARNING,
			             "accept = false: drop list: out of memory; retried");
			return -1;
		}
		in->drop = grown;
		in->drop_cap = n;
	}
	if (n)
		memcpy(in->drop, vips, n * sizeof(*vips));
	else
		instance_accept_free(in); /* empty: nothing kept on the heap */
	in->ndrop = n;
	in->drop_synced = false;
	if (!in->io->drop_sync) {
		in->drop_synced = !n;
		if (!n)
			return 0;
		snprintf(err, sizeof(err), "no nftables access");
	} else if (in->io->drop_sync(in->io->ctx, err, sizeof(err)) == 0) {
		in->drop_synced = true;
		return 0;
	}
	in->stats.nl_errors++;
	instance_log(in, LOG_WARNING,
	             "accept = false: %s the drop of the virtual addresses: %s; retried",
	             n ? "installing" : "removing", err);
	return -1;
}

void instance_accept_free(struct instance *in)
{
	free(in->drop);
	in->drop = NULL;
	in->drop_cap = 0;
	in->ndrop = 0;
}
