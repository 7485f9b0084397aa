/* Unit tests for the virtual_rules key (config_rule.c): good lists, errors with FILE:LINE,
 * key and index, duplicates within and across instances, printing and comparing. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config_fixture.h"
#include "vipd/config.h"

/* An IPv4 instance "web" whose line 4 is KEYS, and a second one "api" with line 7 KEYS2. */
static char *compose(const char *keys, const char *keys2)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
	         "instances = (\n"
	         "  { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	         "    virtual_addresses = [ \"198.18.0.100/24\" ];\n"
	         "    %s\n"
	         "  },\n"
	         "  { name = \"api\"; interface = \"eth0\"; vrid = 52;\n"
	         "    virtual_addresses = [ \"198.18.0.101/24\" ]; %s }\n"
	         ");\n",
	         keys, keys2);
	return buf;
}

static struct vipd_config *good(const char *keys)
{
	char *msgs;
	struct vipd_config *cfg = config_fixture_load(compose(keys, ""), &msgs);

	if (!cfg)
		fail_msg("%s: %s", keys, msgs);
	free(msgs);
	config_fixture_round_trip(cfg);
	return cfg;
}

static void bad(const char *keys, const char *keys2, const char *want)
{
	char *msgs;

	assert_null(config_fixture_load(compose(keys, keys2), &msgs));
	if (strcmp(msgs, want) != 0)
		fail_msg("%s\n  got:  %s\n  want: %s", keys, msgs, want);
	free(msgs);
}

static void good_lists(void **state)
{
	struct vipd_config *c;
	char buf[RULE_STRLEN];

	(void)state;
	c = good("");
	assert_int_equal(c->instances[0].nrules, 0);
	assert_null(c->instances[0].rules);
	config_free(c);
	c = good("virtual_rules = [ \"from 198.18.0.0/24 table 100 priority 100\", "
	         "\"to fd00::/8 table 100 priority 100\", \"fwmark 3 table main pref 7\" ];");
	assert_int_equal(c->instances[0].nrules, 3);
	assert_int_equal(c->instances[0].rules[1].af, AF_INET6);
	assert_int_equal(c->instances[0].rules[2].af, AF_INET); /* the instance's */
	assert_string_equal(rule_format(&c->instances[0].rules[2], buf, sizeof(buf)),
	                    "fwmark 0x3 table 254 priority 7");
	config_free(c);
}

static void errors(void **state)
{
	(void)state;
	bad("virtual_rules = \"table 1 priority 1\";", "",
	    "4: instances[0].virtual_rules: expected an array of strings, got a string");
	bad("virtual_rules = ( \"table 1 priority 1\",\n 7 );", "",
	    "5: instances[0].virtual_rules[1]: expected a string, got an integer");
	bad("virtual_rules = [ \"from 198.18.0.1/24 table 1 priority 1\" ];", "",
	    "4: instances[0].virtual_rules[0]: \"from 198.18.0.1/24 table 1 priority 1\": from "
	    "198.18.0.1/24 has host bits set (the network is 198.18.0.0/24)");
	bad("virtual_rules = [ \"table 1\\n priority 1\" ];", "",
	    "4: instances[0].virtual_rules[0]: contains a control character");
	bad("virtual_rules = [ \"table 1 priority 1\", \"priority 1 table 1\" ];", "",
	    "4: instances[0].virtual_rules[1]: \"priority 1 table 1\" is given twice");
	bad("virtual_rules = [ \"table 1 priority 1\" ];",
	    "virtual_rules = [ \"table 1 pref 1\" ];",
	    "7: instances[1].virtual_rules[0]: \"table 1 pref 1\" is also a rule of instance "
	    "\"web\" at line 2");
}

/* Printed and read back equal; each difference in a rule, or in the order, counts. */
static void print_and_compare(void **state)
{
	static const char *const variants[] = {
	    "",
	    "virtual_rules = [ \"table 1 priority 1\" ];",
	    "virtual_rules = [ \"table 1 priority 2\" ];",
	    "virtual_rules = [ \"not table 1 priority 1\" ];",
	    "virtual_rules = [ \"from 198.18.0.0/24 iif eth0 table 1 priority 1\" ];",
	    "virtual_rules = [ \"table 1 priority 1\", \"table 2 priority 2\" ];",
	    "virtual_rules = [ \"table 2 priority 2\", \"table 1 priority 1\" ];",
	};
	enum { NV = sizeof(variants) / sizeof(variants[0]) };
	struct vipd_config *c[NV];

	(void)state;
	for (size_t i = 0; i < NV; i++)
		c[i] = good(variants[i]);
	for (size_t i = 0; i < NV; i++)
		for (size_t j = 0; j < NV; j++)
			assert_int_equal(
			    config_instance_equal(&c[i]->instances[0], &c[j]->instances[0]),
			    i == j);
	for (size_t i = 0; i < NV; i++)
		config_free(c[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_lists),
	    cmocka_unit_test(errors),
	    cmocka_unit_test(print_and_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
