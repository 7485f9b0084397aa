/* daemon_garp: the pacing of announcements per interface that garp_groups asks for (keepalived's
 * garp_group). A switch that rate-limits ARP counts the frames of its port, whichever VRRP
 * instance sends them, so the pace belongs to the interface: each announcement sent there moves
 * the interface's next slot one interval on, and an instance whose slot is not due yet waits. */
#include "build_config.h"

#include <json-c/json.h>
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

struct json_object *daemon_garp_status(const struct daemon *d)
{
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; list && i < d->cfg->ngarp_groups; i++) {
		const struct vipd_garp_group *g = &d->cfg->garp_groups[i];
		struct json_object *o = json_object_new_object(), *ifs = json_object_new_array();

		if (!o || !ifs) {
			json_object_put(o);
			json_object_put(ifs);
			json_object_put(list);
			return NULL;
		}
		for (size_t k = 0; k < g->nifaces; k++)
			json_object_array_add(ifs, json_object_new_string(g->ifaces[k]));
		json_object_object_add(o, "interfaces", ifs);
		json_object_object_add(o, "garp_interval",
		                       json_object_new_double(monotime_to_sec(g->garp_interval)));
		json_object_object_add(o, "gna_interval",
		                       json_object_new_double(monotime_to_sec(g->gna_interval)));
		json_object_array_add(list, o);
	}
	return list;
}
