/* Unit tests for the virtual_rules grammar (rule.c): every keyword, the family rule, each error
 * text, printing back to an equal rule, and comparing. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/rule.h"

#define G "[not] [from P] [to P] [iif IF] [oif IF] [fwmark M[/MASK]] table N priority N"

static struct vipd_rule ok(const char *s, int af)
{
	struct vipd_rule r;
	char why[256] = "";

	if (rule_parse(s, af, &r, why, sizeof(why)) < 0)
		fail_msg("\"%s\": %s", s, why);
	return r;
}

static void rejected(const char *s, int af, const char *want)
{
	struct vipd_rule r;
	char why[256] = "";

	if (rule_parse(s, af, &r, why, sizeof(why)) == 0)
		fail_msg("\"%s\" was accepted", s);
	if (strcmp(why, want) != 0)
		fail_msg("\"%s\"\n  got:  %s\n  want: %s", s, why, want);
}

/* s parses, prints as want, and want parses back to an equal rule. */
static void prints(const char *s, int af, const char *want)
{
	struct vipd_rule a = ok(s, af), b;
	char buf[RULE_STRLEN];

	rule_format(&a, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("\"%s\"\n  printed: %s\n  want:    %s", s, buf, want);
	b = ok(buf, af);
	assert_true(rule_equal(&a, &b));
}

static void fields(void **state)
{
	struct vipd_rule r;

	(void)state;
	r = ok("from 198.18.0.0/24 to 198.19.0.1 iif eth0 oif vrrp.51 fwmark 0x10/0xf0 table 100 "
	       "priority 1000",
	       0);
	assert_int_equal(r.af, AF_INET);
	assert_false(r.invert);
	assert_true(r.has_from && r.has_to);
	assert_int_equal(r.from.plen, 24);
	assert_int_equal(r.to.plen, 32);
	assert_string_equal(r.iif, "eth0");
	assert_string_equal(r.oif, "vrrp.51");
	assert_true(r.has_fwmark);
	assert_int_equal(r.fwmark, 0x10);
	assert_int_equal(r.fwmask, 0xf0);
	assert_int_equal(r.table, 100);
	assert_int_equal(r.priority, 1000);

	r = ok("not\tpref 7  table main fwmark 42 ", AF_INET6);
	assert_true(r.invert);
	assert_int_equal(r.af, AF_INET6); /* no selector: the caller's family */
	assert_false(r.has_from || r.has_to);
	assert_int_equal(r.fwmark, 42);
	assert_int_equal(r.fwmask, UINT32_MAX);
	assert_int_equal(r.table, 254);
	assert_int_equal(ok("to fd00::/8 table 4294967295 preference 4294967295", AF_INET).af,
	                 AF_INET6);
	assert_false(ok("from all table 1 priority 1", AF_INET).has_from);
	assert_true(ok("from 0.0.0.0/0 table 1 priority 1", 0).has_from);
}

static void errors(void **state)
{
	(void)state;
	rejected("", AF_INET, "empty (" G ")");
	rejected("table 100", AF_INET,
	         "priority is required (without one the kernel numbers the rule and a retry would "
	         "add it twice)");
	rejected("priority 100", AF_INET, "table is required");
	rejected("table 1 priority 1", 0, "no from or to to tell the family");
	rejected("from 198.18.0.0/24 to fd00::/8 table 1 priority 1", 0,
	         "from and to are of two families");
	rejected("from 198.18.0.1/24 table 1 priority 1", 0,
	         "from 198.18.0.1/24 has host bits set (the network is 198.18.0.0/24)");
	rejected("to fd00::1/64 table 1 priority 1", 0,
	         "to fd00::1/64 has host bits set (the network is fd00::/64)");
	rejected("from any table 1 priority 1", 0,
	         "from \"any\" is not a prefix (ADDR/PLEN, ADDR or all)");
	rejected("table 0 priority 1", AF_INET,
	         "table \"0\" is not main, a number 1..4294967295 or a name of rt_tables");
	rejected("table 255 priority 1", AF_INET, "table 255 is the kernel's \"local\" table");
	rejected("table 253 priority 1", AF_INET, "table 253 is the kernel's \"default\" table");
	rejected("table 1 priority 0", AF_INET, "priority \"0\" is not a number 1..4294967295");
	rejected("table 1 priority 4294967296", AF_INET,
	         "priority \"4294967296\" is not a number 1..4294967295");
	rejected("table 1 priority 1 fwmark 0x1g", AF_INET,
	         "fwmark \"0x1g\" is not M or M/MASK (0..4294967295, decimal or 0x hex)");
	rejected("table 1 priority 1 fwmark 1/", AF_INET,
	         "fwmark \"1/\" is not M or M/MASK (0..4294967295, decimal or 0x hex)");
	rejected("table 1 priority 1 fwmark 0x100000000", AF_INET,
	         "fwmark \"0x100000000\" is not M or M/MASK (0..4294967295, decimal or 0x hex)");
	rejected("table 1 priority 1 iif 0123456789abcdef", AF_INET,
	         "iif \"0123456789abcde...\" is longer than 15 characters");
	rejected("table 1 priority 1 oif a:b", AF_INET, "oif \"a:b\" is not an interface name");
	rejected(
	    "table 1 priority 1 lookup 2", AF_INET,
	    "unknown word \"lookup\" (expected from, to, iif, oif, fwmark, table or priority)");
	rejected("table 1 not priority 1", AF_INET,
	         "unknown word \"not\" (expected from, to, iif, oif, fwmark, table or priority)");
	rejected("table 1 table 2 priority 1", AF_INET, "table given twice");
	rejected("table 1 pref 1 priority 2", AF_INET, "priority given twice");
	rejected("table 1 priority", AF_INET, "priority needs a value");
	rejected("table 1 priority 1\n", AF_INET, "contains a control character");
	rejected("not from 1.2.3.0/24 to 1.2.3.0/24 iif a oif b fwmark 1 table 1 priority 1 x y", 0,
	         "too many words (" G ")");
}

static void round_trip(void **state)
{
	(void)state;
	prints("priority 5 table 100 from 198.18.0.0/24", 0,
	       "from 198.18.0.0/24 table 100 priority 5");
	prints("not to FD00::/8 oif eth1 iif eth0 fwmark 16/255 table main pref 9", 0,
	       "not to fd00::/8 iif eth0 oif eth1 fwmark 0x10/0xff table 254 priority 9");
	prints("from all fwmark 0xffffffff/0xffffffff table 7 priority 4294967295", AF_INET6,
	       "fwmark 0xffffffff table 7 priority 4294967295");
	/* ::/0 names the family where the instance's is the other one. */
	prints("from ::/0 table 7 priority 1", AF_INET, "from ::/0 table 7 priority 1");
}

static void equal(void **state)
{
	struct vipd_rule a, b;

	(void)state;
	a = ok("from 198.18.0.0/24 table 100 priority 5", 0);
	b = ok("priority 5 from 198.18.0.0/24 table 100", 0);
	assert_true(rule_equal(&a, &b));
	b = ok("from 198.18.0.0/24 table 101 priority 5", 0);
	assert_false(rule_equal(&a, &b));
	b = ok("from 198.18.0.0/24 table 100 priority 6", 0);
	assert_false(rule_equal(&a, &b));
	b = ok("not from 198.18.0.0/24 table 100 priority 5", 0);
	assert_false(rule_equal(&a, &b));
	b = ok("from 198.18.0.0/25 table 100 priority 5", 0);
	assert_false(rule_equal(&a, &b));
	b = ok("from 198.18.0.0/24 iif a table 100 priority 5", 0);
	assert_false(rule_equal(&a, &b));
	a = ok("fwmark 1 table 100 priority 5", AF_INET);
	b = ok("fwmark 1 table 100 priority 5", AF_INET6);
	assert_false(rule_equal(&a, &b));
	b = ok("fwmark 1/1 table 100 priority 5", AF_INET);
	assert_false(rule_equal(&a, &b));
}

static void short_buffers(void **state)
{
	struct vipd_rule r;
	char buf[RULE_STRLEN], cut[8];

	(void)state;
	assert_int_equal(rule_parse("nonsense", AF_INET, &r, NULL, 0), -1);
	r = ok("not from fd00:1:2:3:4:5:6:0/112 to fd00:1:2:3:4:5:7:0/112 iif 0123456789abcde "
	       "oif 0123456789abcde fwmark 0xffffffff/0xfffffffe table 4294967295 priority "
	       "4294967295",
	       0);
	rule_format(&r, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf) - 1);
	for (size_t n = 1; n <= sizeof(cut); n++) {
		rule_format(&r, cut, n);
		assert_true(strlen(cut) < n && strncmp(cut, buf, strlen(cut)) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fields), cmocka_unit_test(errors),        cmocka_unit_test(round_trip),
	    cmocka_unit_test(equal),  cmocka_unit_test(short_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
