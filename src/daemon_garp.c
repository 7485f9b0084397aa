/* daemon_garp: the pacing of announcements per interface that garp_groups asks for (keepalived's
 * garp_group). A switch that rate-limits ARP counts the frames of its port, whichever VRRP
 * instance sends them, so the pace belongs to the interface: each announcement sent there moves
 * the interface's next slot one interval on, and an instance whose slot is not due yet waits. */
#include "build_config.h"

#include <string.h>

#include "vipd/config_garp.h"
#include "vipd/daemon_iface.h"
#include "vipd/daemon_int.h"

/* The interface whose pace applies to an address of in on dev ("" = the VIPs'): a VMAC's frames
 * leave through the port of its base interface, so they count there. */
static const struct iface *pace_iface(struct daemon *d, struct instance *in, const char *dev)
{
	if (!dev[0])
		return in->iface;
	return daemon_iface_by_name(d, dev);
}

monotime daemon_garp_due(struct daemon *d, struct instance *in, const struct vip_addr *vip,
                         const char *dev)
{
	const struct iface *ifc = pace_iface(d, in, dev);

	if (!ifc || !config_garp_interval(d->cfg, ifc->name, vip->af))
		return 0;
	return daemon_iface_of(ifc)->garp_next[iface_af_index(vip->af)];
}

void daemon_garp_sent(struct daemon *d, struct instance *in, const struct vip_addr *vip,
                      const char *dev, monotime now)
{
	const struct iface *ifc = pace_iface(d, in, dev);
	monotime gap;

	if (!ifc)
		return;
	gap = config_garp_interval(d->cfg, ifc->name, vip->af);
	if (gap)
		daemon_iface_of(ifc)->garp_next[iface_af_index(vip->af)] = now + gap;
}
