/* nl_msg: the rtnetlink requests of nl_apply's changes (addresses, routes, rules) built with
 * libmnl, checked and described. No socket: nl.c sends them; the unit tests read them back. */
#include "build_config.h"

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/nl_msg.h"

size_t nl_msg_max(void)
{
	size_t addr = MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct ifaddrmsg)) +
	              2 * MNL_ALIGN(sizeof(struct nlattr) + sizeof(struct in6_addr)) +
	              2 * MNL_ALIGN(sizeof(struct nlattr) + sizeof(uint32_t)) + /* flags, brd */
	              MNL_ALIGN(sizeof(struct nlattr) + IF_NAMESIZE) +           /* label */
	              MNL_ALIGN(sizeof(struct nlattr) + sizeof(uint8_t));
	size_t route = MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct rtmsg)) +
	               3 * MNL_ALIGN(sizeof(struct nlattr) + sizeof(struct in6_addr)) +
	               3 * MNL_ALIGN(sizeof(struct nlattr) + sizeof(uint32_t));
	size_t rule = MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct fib_rule_hdr)) +
	              2 * MNL_ALIGN(sizeof(struct nlattr) + sizeof(struct in6_addr)) +
	              2 * MNL_ALIGN(sizeof(struct nlattr) + IF_NAMESIZE) +
	              4 * MNL_ALIGN(sizeof(struct nlattr) + sizeof(uint32_t)) +
	              MNL_ALIGN(sizeof(struct nlattr) + sizeof(uint8_t));
	size_t most;

	/* RTA_MULTIPATH: a nest of an rtnexthop and an RTA_GATEWAY per nexthop. */
	route += MNL_ALIGN(sizeof(struct nlattr)) +
	         ROUTE_NEXTHOPS_MAX * (MNL_ALIGN(sizeof(struct rtnexthop)) +
	                               MNL_ALIGN(sizeof(struct nlattr) + sizeof(struct in6_addr)));
	most = addr > route ? addr : route;

	return most > rule ? most : rule;
}

/* RTA_MULTIPATH: a struct rtnexthop (weight - 1, interface, onlink) and its RTA_GATEWAY per
 * nexthop. */
static void put_multipath(struct nlmsghdr *nlh, const struct nl_change *c)
{
	const struct vipd_route *r = &c->route;
	struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

	for (size_t i = 0; i < r->nnh; i++) {
		struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(nlh);

		nlh->nlmsg_len += MNL_ALIGN(sizeof(*rtnh));
		memset(rtnh, 0, sizeof(*rtnh));
		rtnh->rtnh_flags = r->nh[i].onlink ? RTNH_F_ONLINK : 0;
		rtnh->rtnh_hops = (uint8_t)(r->nh[i].weight - 1);
		rtnh->rtnh_ifindex = (int)c->nh_ifindex[i];
		mnl_attr_put(nlh, RTA_GATEWAY, addr_size(r->dst.af), &r->nh[i].gw);
		rtnh->rtnh_len =
		    (unsigned short)((uint8_t *)mnl_nlmsg_get_payload_tail(nlh) - (uint8_t *)rtnh);
	}
	mnl_attr_nest_end(nlh, mp);
}

/* Append the RTM_NEWROUTE / RTM_DELROUTE of a route change at buf. Returns its length. The
 * delete carries everything the add did, so it matches only the route vipd added. */
static size_t put_route(void *buf, const struct nl_change *c, uint32_t seq)
{
	static const uint8_t types[] = {[ROUTE_UNICAST] = RTN_UNICAST,
	                                [ROUTE_BLACKHOLE] = RTN_BLACKHOLE,
	                                [ROUTE_UNREACHABLE] = RTN_UNREACHABLE,
	                                [ROUTE_PROHIBIT] = RTN_PROHIBIT};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	const struct vipd_route *r = &c->route;
	size_t alen = addr_size(r->dst.af);
	struct rtmsg *rtm;
	uint32_t metric = r->metric;

	nlh->nlmsg_type = c->op == NL_ROUTE_ADD ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (c->op == NL_ROUTE_ADD)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = seq;

	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)r->dst.af;
	rtm->rtm_dst_len = r->dst.plen;
	/* Tables above 255 exist only as RTA_TABLE; rtm_table then says "see the attribute". */
	rtm->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->proto ? r->proto : NL_RTPROT_VIPD;
	rtm->rtm_scope = route_scope(r);
	rtm->rtm_type = types[r->type];
	if (r->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;

	if (r->dst.plen)
		mnl_attr_put(nlh, RTA_DST, alen, &r->dst.in);
	if (r->has_gw)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, &r->gw);
	if (r->has_src)
		mnl_attr_put(nlh, RTA_PREFSRC, alen, &r->src);
	/* blackhole, unreachable and prohibit have no output interface; a multipath route has
	 * one per nexthop. */
	if (r->type == ROUTE_UNICAST && !r->nnh)
		mnl_attr_put_u32(nlh, RTA_OIF, c->ifindex);
	if (r->nnh)
		put_multipath(nlh, c);
	/* IPv6 stores metric 0 as 1024: name that, so a delete cannot match another metric. */
	if (r->dst.af == AF_INET6 && metric == 0)
		metric = 1024;
	if (metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	return nlh->nlmsg_len;
}

/* Append the RTM_NEWRULE / RTM_DELRULE of a rule change at buf. Returns its length. The rule
 * carries FRA_PROTOCOL 112 (Linux >= 4.17), and the delete names it and every selector, so it
 * removes only vipd's rule, never an administrator's with the same priority. */
static size_t put_rule(void *buf, const struct nl_change *c, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	const struct vipd_rule *r = &c->rule;
	size_t alen = addr_size(r->af);
	struct fib_rule_hdr *frh;

	nlh->nlmsg_type = c->op == NL_RULE_ADD ? RTM_NEWRULE : RTM_DELRULE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (c->op == NL_RULE_ADD)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = seq;

	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = (uint8_t)r->af;
	frh->src_len = r->has_from ? r->from.plen : 0;
	frh->dst_len = r->has_to ? r->to.plen : 0;
	frh->table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	frh->action = FR_ACT_TO_TBL;
	frh->flags = r->invert ? FIB_RULE_INVERT : 0;
	if (frh->src_len)
		mnl_attr_put(nlh, FRA_SRC, alen, &r->from.in);
	if (frh->dst_len)
		mnl_attr_put(nlh, FRA_DST, alen, &r->to.in);
	if (r->iif[0])
		mnl_attr_put_strz(nlh, FRA_IIFNAME, r->iif);
	if (r->oif[0])
		mnl_attr_put_strz(nlh, FRA_OIFNAME, r->oif);
	if (r->has_fwmark) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, r->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, r->fwmask);
	}
	mnl_attr_put_u32(nlh, FRA_TABLE, r->table);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, r->priority);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, NL_RTPROT_VIPD);
	return nlh->nlmsg_len;
}

bool nl_msg_is_route(const struct nl_change *c)
{
	return c->op == NL_ROUTE_ADD || c->op == NL_ROUTE_DEL || c->op == NL_RULE_ADD ||
	       c->op == NL_RULE_DEL;
}

const char *nl_msg_format(const struct nl_change *c, bool kind, char *buf, size_t len)
{
	char what[NL_MSG_STRLEN];

	if (c->op == NL_ROUTE_ADD || c->op == NL_ROUTE_DEL)
		snprintf(buf, len, "%s%s", kind ? "route " : "",
		         route_format(&c->route, what, sizeof(what)));
	else if (c->op == NL_RULE_ADD || c->op == NL_RULE_DEL)
		snprintf(buf, len, "%s%s", kind ? "rule " : "",
		         rule_format(&c->rule, what, sizeof(what)));
	else
		addr_format(&c->addr, true, buf, len);
	return buf;
}

size_t nl_msg_build(void *buf, const struct nl_change *c, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	size_t alen = addr_size(c->addr.af);
	uint32_t flags = 0;

	if (c->op == NL_ROUTE_ADD || c->op == NL_ROUTE_DEL)
		return put_route(buf, c, seq);
	if (c->op == NL_RULE_ADD || c->op == NL_RULE_DEL)
		return put_rule(buf, c, seq);
	nlh->nlmsg_type = c->op == NL_ADDR_ADD ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (c->op == NL_ADDR_ADD)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = seq;

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)c->addr.af;
	ifa->ifa_prefixlen = c->addr.plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	if (c->op == NL_ADDR_ADD && c->opts.scope > 0)
		ifa->ifa_scope = (uint8_t)c->opts.scope;
	ifa->ifa_index = c->ifindex;
	if (c->op == NL_ADDR_ADD && c->nodad && c->addr.af == AF_INET6)
		flags |= IFA_F_NODAD;
	if (c->op == NL_ADDR_ADD && c->opts.noprefixroute)
		flags |= IFA_F_NOPREFIXROUTE; /* in IFA_FLAGS only: it does not fit the u8 */
	ifa->ifa_flags = (uint8_t)flags;

	/* IFA_ADDRESS with the prefix length makes a delete match exactly this address/prefix,
	 * like `ip addr del A/N`. */
	mnl_attr_put(nlh, IFA_LOCAL, alen, &c->addr.in);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, &c->addr.in);
	if (c->op == NL_ADDR_ADD) {
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
		if (c->opts.label[0])
			mnl_attr_put_strz(nlh, IFA_LABEL, c->opts.label);
		if (c->opts.has_brd && c->addr.af == AF_INET)
			mnl_attr_put(nlh, IFA_BROADCAST, sizeof(c->opts.brd), &c->opts.brd);
		/* Kernels before 5.18 ignore an attribute they do not know. */
		mnl_attr_put_u8(nlh, IFA_PROTO, NL_IFAPROT_VIPD);
	}
	return nlh->nlmsg_len;
}

static bool nexthops_valid(const struct nl_change *c)
{
	for (size_t i = 0; i < c->route.nnh && i < ROUTE_NEXTHOPS_MAX; i++)
		if (!c->nh_ifindex[i] || c->route.nh[i].weight < 1 || c->route.nh[i].weight > 256)
			return false;
	return true;
}

bool nl_msg_valid(const struct nl_change *c)
{
	size_t alen;

	if (c->op == NL_ROUTE_ADD || c->op == NL_ROUTE_DEL) {
		alen = addr_size(c->route.dst.af);
		return alen != 0 && c->route.dst.plen <= alen * 8 &&
		       (c->ifindex != 0 || c->route.type != ROUTE_UNICAST || c->route.nnh) &&
		       c->route.nnh <= ROUTE_NEXTHOPS_MAX && nexthops_valid(c) &&
		       c->route.table != 0 && c->route.type <= ROUTE_PROHIBIT;
	}
	if (c->op == NL_RULE_ADD || c->op == NL_RULE_DEL) {
		alen = addr_size(c->rule.af);
		return alen != 0 && (!c->rule.has_from || c->rule.from.plen <= alen * 8) &&
		       (!c->rule.has_to || c->rule.to.plen <= alen * 8) && c->rule.table != 0;
	}
	alen = addr_size(c->addr.af);
	return alen != 0 && c->addr.plen <= alen * 8 && c->ifindex != 0 &&
	       (c->op == NL_ADDR_ADD || c->op == NL_ADDR_DEL);
}
