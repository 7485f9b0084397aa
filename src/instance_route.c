/* instance_route: the virtual routes and rules of an instance as netlink changes, and the
 * interfaces a route goes out of (declared in instance_int.h). */
#include "build_config.h"

#include "vipd/instance.h"
#include "vipd/instance_int.h"
#include "vipd/log.h"

/* As an address's dev (instance_addrs_dev_ifindex). */
unsigned instance_route_ifindex(const struct instance *in, const struct vipd_route *r)
{
	return instance_addrs_dev_ifindex(in, r->dev);
}

bool instance_route_oif(const struct instance *in, struct nl_change *c)
{
	const struct vipd_route *r = &c->route;
	bool ok = true;

	c->ifindex = 0;
	if (r->type != ROUTE_UNICAST)
		return true;
	for (size_t i = 0; i < r->nnh; i++) {
		c->nh_ifindex[i] = instance_addrs_dev_ifindex(in, r->nh[i].dev);
		ok = ok && c->nh_ifindex[i] != 0;
	}
	if (r->nnh)
		return ok;
	c->ifindex = instance_route_ifindex(in, r);
	return c->ifindex != 0;
}

size_t instance_route_put(struct instance *in, bool add, struct nl_change *ch, size_t n,
                          int *missing)
{
	char buf[ROUTE_STRLEN];

	for (size_t i = 0; i < in->cfg->nroutes; i++) {
		const struct vipd_route *r = &in->cfg->routes[i];

		ch[n].route = *r;
		if (!instance_route_oif(in, &ch[n])) {
			if (add) {
				(*missing)++;
				in->stats.nl_errors++;
				instance_log(in, LOG_WARNING, "add route %s: interface %s missing",
				             route_format(r, buf, sizeof(buf)),
				             r->dev[0] ? r->dev : instance_vip_iface(in)->name);
			}
			continue;
		}
		ch[n].op = add ? NL_ROUTE_ADD : NL_ROUTE_DEL;
		n++;
	}
	return n;
}

size_t instance_route_put_rules(const struct instance *in, bool add, struct nl_change *ch, size_t n)
{
	for (size_t i = 0; i < in->cfg->nrules; i++) {
		ch[n].op = add ? NL_RULE_ADD : NL_RULE_DEL;
		ch[n].rule = in->cfg->rules[i];
		n++;
	}
	return n;
}
