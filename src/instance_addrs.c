/* instance_addrs: every address an instance adds and removes with the master state: its VIPs
 * (in the adverts) and its excluded addresses (not), each on its own interface (dev) with its
 * options. Index i < nvips names cfg->vips[i], the rest cfg->excluded[i - nvips]; in->vip_origin
 * is indexed the same way. */
#include "build_config.h"

#include <net/if.h>
#include <string.h>

#include "vipd/config_addr.h"
#include "vipd/instance_int.h"
#include "vipd/log.h"

size_t instance_addrs_count(const struct instance *in)
{
	return in->cfg->nvips + in->cfg->nexcluded;
}

const struct vip_addr *instance_addrs_get(const struct instance *in, size_t i)
{
	return i < in->cfg->nvips ? &in->cfg->vips[i] : &in->cfg->excluded[i - in->cfg->nvips];
}

const struct vipd_addr_opts *instance_addrs_opts(const struct instance *in, size_t i)
{
	static const struct vipd_addr_opts none = {.scope = -1};

	if (i < in->cfg->nvips)
		return in->cfg->vip_opts ? &in->cfg->vip_opts[i] : &none;
	return in->cfg->excluded_opts ? &in->cfg->excluded_opts[i - in->cfg->nvips] : &none;
}

const char *instance_addrs_dev(const struct instance *in, size_t i)
{
	const struct vipd_addr_opts *o = instance_addrs_opts(in, i);

	return o->dev[0] ? o->dev : instance_vip_iface(in)->name;
}

/* The ifindex of dev (an address's or a route's): "" is the VIPs' interface; another interface
 * is looked up by name at each apply (the daemon watches an address's dev: down or missing puts
 * the instance in FAULT). 0 when missing. */
unsigned instance_addrs_dev_ifindex(const struct instance *in, const char *dev)
{
	if (!dev[0])
		return instance_vip_iface(in)->ifindex;
	if (strcmp(dev, in->iface->name) == 0)
		return in->iface->ifindex;
	if (in->vmac && strcmp(dev, in->vmac->name) == 0)
		return in->vmac->ifindex;
	return if_nametoindex(dev);
}

unsigned instance_addrs_ifindex(const struct instance *in, size_t i)
{
	return instance_addrs_dev_ifindex(in, instance_addrs_opts(in, i)->dev);
}

size_t instance_addrs_put(struct instance *in, bool add, struct nl_change *ch, size_t n,
                          int *missing)
{
	char buf[ADDR_STRLEN];

	for (size_t i = 0; i < instance_addrs_count(in); i++) {
		const struct vip_addr *a = instance_addrs_get(in, i);
		unsigned ifindex;

		if (!add && instance_origin(&in->vip_origin, i) == VIP_FOREIGN)
			continue;
		ifindex = instance_addrs_ifindex(in, i);
		if (!ifindex) {
			/* Gone with its interface on delete; on add one failure, retried. */
			if (add) {
				(*missing)++;
				in->stats.nl_errors++;
				instance_log(in, LOG_WARNING, "add %s: interface %s missing",
				             addr_format(a, true, buf, sizeof(buf)),
				             instance_addrs_dev(in, i));
			}
			continue;
		}
		memset(&ch[n], 0, sizeof(ch[n]));
		ch[n].op = add ? NL_ADDR_ADD : NL_ADDR_DEL;
		ch[n].ifindex = ifindex;
		ch[n].addr = *a;
		ch[n].nodad = a->af == AF_INET6;
		ch[n].opts = *instance_addrs_opts(in, i);
		n++;
	}
	return n;
}

ssize_t instance_addrs_find(const struct instance *in, unsigned ifindex,
                            const struct vip_addr *addr)
{
	for (size_t i = 0; i < instance_addrs_count(in); i++)
		if (addr_equal(instance_addrs_get(in, i), addr) &&
		    (!ifindex || instance_addrs_ifindex(in, i) == ifindex))
			return (ssize_t)i;
	return -1;
}
