/* Unit tests for the route and rule requests nl_msg.c builds (nl_msg_build): the type, scope,
 * flags, protocol and attributes of each virtual_routes form, read back with libmnl as the kernel
 * would, so that a route attribute cannot be parsed and then left out of the message. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/nl.h"
#include "vipd/nl_msg.h"
#include "vipd/rule.h"
#include "vipd/nl_msg.h"
#include "vipd/route.h"

/* More than one message needs (MNL_SOCKET_BUFFER_SIZE is not a constant). */
static uint8_t buf[8192] __attribute__((aligned(4)));

struct seen {
	const struct nlattr *a[RTA_MAX > FRA_MAX ? RTA_MAX + 1 : FRA_MAX + 1];
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct seen *s = data;

	if (mnl_attr_get_type(a) < sizeof(s->a) / sizeof(s->a[0]))
		s->a[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* Build the change for route text s (ifindex 2) and parse the message into *s. */
static const struct rtmsg *build(const char *text, enum nl_change_op op, struct seen *s)
{
	struct nl_change c = {.op = op, .ifindex = 2};
	char why[128];
	const struct nlmsghdr *nlh = (const void *)buf;
	size_t len;

	if (route_parse(text, AF_INET, &c.route, why, sizeof(why)) < 0)
		fail_msg("%s: %s", text, why);
	if (c.route.type != ROUTE_UNICAST)
		c.ifindex = 0;
	memset(buf, 0, sizeof(buf));
	memset(s, 0, sizeof(*s));
	len = nl_msg_build(buf, &c, 7);
	assert_int_equal(len, nlh->nlmsg_len);
	assert_true(mnl_nlmsg_ok(nlh, (int)len));
	assert_int_equal(nlh->nlmsg_type, op == NL_ROUTE_ADD ? RTM_NEWROUTE : RTM_DELROUTE);
	assert_int_equal(mnl_attr_parse(nlh, sizeof(struct rtmsg), attr_cb, s), MNL_CB_OK);
	return mnl_nlmsg_get_payload(nlh);
}

static void plain_route(void **state)
{
	struct seen s;
	const struct rtmsg *rtm;

	(void)state;
	rtm = build("198.19.0.0/24", NL_ROUTE_ADD, &s);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	assert_int_equal(rtm->rtm_protocol, 112);
	assert_int_equal(rtm->rtm_flags, 0);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(mnl_attr_get_u32(s.a[RTA_OIF]), 2);
	assert_null(s.a[RTA_PREFSRC]);
	assert_null(s.a[RTA_GATEWAY]);
}

static void attributes(void **state)
{
	struct seen s;
	const struct rtmsg *rtm;
	const uint8_t src[4] = {198, 18, 0, 100}, gw[4] = {198, 18, 0, 254};

	(void)state;
	rtm = build("198.19.0.0/24 via 198.18.0.254 src 198.18.0.100 scope host onlink metric 9 "
	            "table 300 proto static",
	            NL_ROUTE_DEL, &s);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_HOST);
	assert_int_equal(rtm->rtm_protocol, RTPROT_STATIC);
	assert_int_equal(rtm->rtm_flags, RTNH_F_ONLINK);
	assert_int_equal(rtm->rtm_dst_len, 24);
	assert_int_equal(rtm->rtm_table, RT_TABLE_UNSPEC);
	assert_int_equal(mnl_attr_get_u32(s.a[RTA_TABLE]), 300);
	assert_int_equal(mnl_attr_get_u32(s.a[RTA_PRIORITY]), 9);
	assert_non_null(s.a[RTA_PREFSRC]);
	assert_memory_equal(mnl_attr_get_payload(s.a[RTA_PREFSRC]), src, 4);
	assert_memory_equal(mnl_attr_get_payload(s.a[RTA_GATEWAY]), gw, 4);

	rtm = build("fd00:9::/64 via fe80::1 src fd00::100", NL_ROUTE_ADD, &s);
	assert_int_equal(rtm->rtm_family, AF_INET6);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(mnl_attr_get_payload_len(s.a[RTA_PREFSRC]), 16);
	assert_int_equal(mnl_attr_get_u32(s.a[RTA_PRIORITY]), 1024);
}

/* blackhole, unreachable and prohibit: their rtm_type, no interface, no gateway. */
static void types(void **state)
{
	static const struct {
		const char *text;
		uint8_t type;
	} t[] = {{"blackhole 198.19.0.0/24", RTN_BLACKHOLE},
	         {"unreachable fd00:9::/64", RTN_UNREACHABLE},
	         {"prohibit default", RTN_PROHIBIT}};
	struct seen s;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct rtmsg *rtm = build(t[i].text, NL_ROUTE_ADD, &s);

		assert_int_equal(rtm->rtm_type, t[i].type);
		assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
		assert_null(s.a[RTA_OIF]);
		assert_null(s.a[RTA_GATEWAY]);
	}
}

/* Multipath: RTA_MULTIPATH with an rtnexthop (weight - 1, interface, onlink) and its gateway
 * per nexthop; no RTA_OIF, no RTA_GATEWAY of the route's own. */
static void multipath(void **state)
{
	struct nl_change c = {.op = NL_ROUTE_ADD, .nh_ifindex = {2, 7}};
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct rtnexthop *rtnh;
	const uint8_t gw2[16] = {0xfd, [15] = 2};
	char why[128];
	struct seen s;
	size_t len;
	int left;

	(void)state;
	assert_int_equal(route_parse("fd00:9::/64 nexthop via fd00::1 nexthop via fd00::2 weight 5 "
	                             "onlink",
	                             0, &c.route, why, sizeof(why)),
	                 0);
	assert_true(nl_msg_valid(&c));
	memset(buf, 0, sizeof(buf));
	memset(&s, 0, sizeof(s));
	len = nl_msg_build(buf, &c, 3);
	assert_true(len <= nl_msg_max());
	assert_int_equal(mnl_attr_parse(nlh, sizeof(struct rtmsg), attr_cb, &s), MNL_CB_OK);
	assert_null(s.a[RTA_OIF]);
	assert_null(s.a[RTA_GATEWAY]);
	assert_non_null(s.a[RTA_MULTIPATH]);
	rtnh = mnl_attr_get_payload(s.a[RTA_MULTIPATH]);
	left = (int)mnl_attr_get_payload_len(s.a[RTA_MULTIPATH]);
	assert_int_equal(rtnh->rtnh_ifindex, 2);
	assert_int_equal(rtnh->rtnh_hops, 0);
	assert_int_equal(rtnh->rtnh_flags, 0);
	left -= RTNH_ALIGN(rtnh->rtnh_len);
	rtnh = (const void *)((const uint8_t *)rtnh + RTNH_ALIGN(rtnh->rtnh_len));
	assert_int_equal(left, RTNH_ALIGN(rtnh->rtnh_len));
	assert_int_equal(rtnh->rtnh_ifindex, 7);
	assert_int_equal(rtnh->rtnh_hops, 4);
	assert_int_equal(rtnh->rtnh_flags, RTNH_F_ONLINK);
	assert_int_equal(rtnh->rtnh_len, RTNH_LENGTH(0) + MNL_ALIGN(sizeof(struct nlattr) + 16));
	assert_memory_equal((const uint8_t *)RTNH_DATA(rtnh) + sizeof(struct nlattr), gw2, 16);
	c.nh_ifindex[1] = 0;
	assert_false(nl_msg_valid(&c));
}

/* A rule: fib_rule_hdr, every selector, FRA_TABLE, FRA_PRIORITY and FRA_PROTOCOL 112. */
static void rule(void **state)
{
	struct nl_change c = {.op = NL_RULE_DEL};
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct fib_rule_hdr *frh;
	const uint8_t from[4] = {198, 18, 0, 0};
	char why[128];
	struct seen s;
	size_t len;

	(void)state;
	assert_int_equal(rule_parse("not from 198.18.0.0/24 iif eth0 oif eth1 fwmark 0x10/0xff "
	                            "table 300 priority 77",
	                            AF_INET, &c.rule, why, sizeof(why)),
	                 0);
	memset(buf, 0, sizeof(buf));
	memset(&s, 0, sizeof(s));
	len = nl_msg_build(buf, &c, 9);
	assert_int_equal(len, nlh->nlmsg_len);
	assert_true(len <= nl_msg_max());
	assert_int_equal(nlh->nlmsg_type, RTM_DELRULE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	frh = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(frh->family, AF_INET);
	assert_int_equal(frh->src_len, 24);
	assert_int_equal(frh->dst_len, 0);
	assert_int_equal(frh->action, FR_ACT_TO_TBL);
	assert_int_equal(frh->flags, FIB_RULE_INVERT);
	assert_int_equal(frh->table, RT_TABLE_UNSPEC);
	assert_int_equal(mnl_attr_parse(nlh, sizeof(*frh), attr_cb, &s), MNL_CB_OK);
	assert_memory_equal(mnl_attr_get_payload(s.a[FRA_SRC]), from, 4);
	assert_null(s.a[FRA_DST]);
	assert_string_equal(mnl_attr_get_str(s.a[FRA_IIFNAME]), "eth0");
	assert_string_equal(mnl_attr_get_str(s.a[FRA_OIFNAME]), "eth1");
	assert_int_equal(mnl_attr_get_u32(s.a[FRA_FWMARK]), 0x10);
	assert_int_equal(mnl_attr_get_u32(s.a[FRA_FWMASK]), 0xff);
	assert_int_equal(mnl_attr_get_u32(s.a[FRA_TABLE]), 300);
	assert_int_equal(mnl_attr_get_u32(s.a[FRA_PRIORITY]), 77);
	assert_int_equal(mnl_attr_get_u8(s.a[FRA_PROTOCOL]), 112);
	assert_true(nl_msg_valid(&c));
	assert_true(nl_msg_is_route(&c));
	c.op = NL_RULE_ADD;
	nl_msg_build(buf, &c, 9);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_route), cmocka_unit_test(attributes), cmocka_unit_test(types),
	    cmocka_unit_test(rule),        cmocka_unit_test(multipath),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
