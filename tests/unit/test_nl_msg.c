/* Unit tests for the route requests nl.c builds (nl_change_msg): the type, scope, flags,
 * protocol and attributes of each virtual_routes form, read back with libmnl as the kernel
 * would, so that a route attribute cannot be parsed and then left out of the message. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/nl.h"
#include "vipd/route.h"

/* More than one message needs (MNL_SOCKET_BUFFER_SIZE is not a constant). */
static uint8_t buf[8192] __attribute__((aligned(4)));

struct seen {
	const struct nlattr *a[RTA_MAX + 1];
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct seen *s = data;

	if (mnl_attr_get_type(a) <= RTA_MAX)
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
	len = nl_change_msg(buf, &c, 7);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_route),
	    cmocka_unit_test(attributes),
	    cmocka_unit_test(types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
