/* Unit tests for rttab.c (iproute2's rt_tables format: numbers, hex, comments, a malformed line
 * ending the file, the first entry of a name winning) and for config_rttab.c (the files read in
 * ip(8)'s order from folders the test makes; `table NAME` in virtual_routes and virtual_rules,
 * an unknown name an error at its line, a malformed line named in it; read again at each load). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_fixture.h"
#include "vipd/config_rttab.h"
#include "vipd/rttab.h"

static char root[64];

static uint32_t find(const struct rttab *t, const char *name)
{
	uint32_t id = 0xdeadbeef;

	assert_true(rttab_find(t, name, strlen(name), &id));
	return id;
}

static void parse(void **state)
{
	static const char text[] = "#\n# reserved values\n255\tlocal\n254 main\n  0x65 vpn # VPN\n"
	                           "\n100\tcustomers extra words\n4294967295 max\n7 vpn\n";
	struct rttab t = {0};
	uint32_t id;
	int bad;

	(void)state;
	assert_int_equal(rttab_parse(&t, text, strlen(text), &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(t.n, 6);
	assert_int_equal(find(&t, "local"), 255);
	assert_int_equal(find(&t, "vpn"), 0x65); /* the first of the name */
	assert_int_equal(find(&t, "customers"), 100);
	assert_int_equal(find(&t, "max"), 4294967295u);
	assert_false(rttab_find(&t, "extra", 5, &id));
	assert_false(rttab_find(&t, "cust", 4, &id));
	/* len bytes of a longer buffer */
	assert_true(rttab_find(&t, "vpnX", 3, &id));
	rttab_free(&t);
	assert_int_equal(t.n, 0);
}

static void malformed(void **state)
{
	static const char *const bad_lines[] = {"x 1\n", "4294967296 over\n", "-1 neg\n",
	                                        "12\n",  "0x zz\n",           "1a b\n"};
	struct rttab t = {0};
	char text[128];
	int bad;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		snprintf(text, sizeof(text), "1 one\n# c\n%s3 three\n", bad_lines[i]);
		assert_int_equal(rttab_parse(&t, text, strlen(text), &bad), 0);
		assert_int_equal(bad, 3);
		assert_int_equal(t.n, 1); /* nothing after it, as ip(8) */
		rttab_free(&t);
	}
	/* a NUL ends the line; no newline at the end; a name of 64 bytes is too long */
	assert_int_equal(rttab_parse(&t, "5 five\0junk\n6 six", 17, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(find(&t, "six"), 6);
	rttab_free(&t);
	memset(text, 'n', sizeof(text));
	memcpy(text, "9 ", 2);
	text[2 + RTTAB_NAME_MAX] = '\0';
	assert_int_equal(rttab_parse(&t, text, strlen(text), &bad), 0);
	assert_int_equal(bad, 1);
	rttab_free(&t);
}

static void put(const char *rel, const char *text)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int dirs_setup(void **state)
{
	static char etc[160], usr[160];
	char path[160];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/vipd-rttab-XXXXXX");
	assert_non_null(mkdtemp(root));
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", root,
		         (const char *[]){"etc", "usr", "etc/rt_tables.d", "usr/rt_tables.d"}[i]);
		assert_int_equal(mkdir(path, 0700), 0);
	}
	/* config_rttab keeps the pointers */
	snprintf(etc, sizeof(etc), "%s/etc", root);
	snprintf(usr, sizeof(usr), "%s/usr", root);
	config_rttab_set_dirs(etc, usr);
	return 0;
}

static int dirs_teardown(void **state)
{
	char cmd[200];

	(void)state;
	config_rttab_set_dirs(NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* One instance with routes R and rules U (text inside the lists), on line 2. */
static struct vipd_config *load(const char *routes, const char *rules, char **msgs)
{
	char text[1024];

	snprintf(text, sizeof(text),
	         "instances = (\n{ name = \"web\"; interface = \"eth0\"; vrid = 51; "
	         "virtual_addresses = [ \"198.18.0.100\" ]; virtual_routes = [ %s ]; "
	         "virtual_rules = [ %s ]; } );\n",
	         routes, rules);
	return config_fixture_load(text, msgs);
}

static void names_in_config(void **state)
{
	struct vipd_config *c;
	char *msgs;

	(void)state;
	put("usr/rt_tables", "100 usronly\n");
	put("etc/rt_tables", "255 local\n254 main\n100 customers\n");
	put("etc/rt_tables.d/b.conf", "300 edge\n");
	put("etc/rt_tables.d/a.conf", "200 vpn\n");
	put("usr/rt_tables.d/a.conf", "201 vpn-usr\n"); /* /etc's a.conf wins */
	put("usr/rt_tables.d/c.conf", "400 fromusr\n");
	put("etc/rt_tables.d/ignored.txt", "500 txt\n"); /* not *.conf */
	c = load("\"198.19.0.0/24 table customers\", \"198.19.1.0/24 table edge\", "
	         "\"198.19.2.0/24 table fromusr\"",
	         "\"from 198.18.1.0/24 table vpn priority 10\"", &msgs);
	if (!c)
		fail_msg("%s", msgs);
	free(msgs);
	assert_int_equal(c->instances[0].routes[0].table, 100);
	assert_int_equal(c->instances[0].routes[1].table, 300);
	assert_int_equal(c->instances[0].routes[2].table, 400);
	assert_int_equal(c->instances[0].rules[0].table, 200);
	config_fixture_round_trip(c); /* printed as numbers */
	config_free(c);

	/* unknown names, the usr file not read when /etc's exists, a name of a .txt, local */
	assert_null(load("\"198.19.0.0/24 table usronly\", \"198.19.1.0/24 table local\"",
	                 "\"from 198.18.1.0/24 table vpn-usr priority 10\", "
	                 "\"from 198.18.2.0/24 table txt priority 11\"",
	                 &msgs));
	assert_string_equal(
	    msgs, "2: instances[0].virtual_routes[0]: \"198.19.0.0/24 table usronly\": table "
	          "\"usronly\" is not main, a number 1..4294967295 or a name of rt_tables\n"
	          "2: instances[0].virtual_routes[1]: \"198.19.1.0/24 table local\": table 255 is "
	          "the kernel's \"local\" table\n"
	          "2: instances[0].virtual_rules[0]: \"from 198.18.1.0/24 table vpn-usr priority "
	          "10\": table \"vpn-usr\" is not main, a number 1..4294967295 or a name of "
	          "rt_tables\n"
	          "2: instances[0].virtual_rules[1]: \"from 198.18.2.0/24 table txt priority 11\": "
	          "table \"txt\" is not main, a number 1..4294967295 or a name of rt_tables");
	free(msgs);

	/* the reload reads them again: a new name, and a malformed line named */
	put("etc/rt_tables", "100 customers\nbroken\n101 late\n");
	put("etc/rt_tables.d/b.conf", "300 edge\n301 new\n");
	assert_null(load("\"198.19.0.0/24 table late\"", "\"from 1.2.3.0/24 table new priority 1\"",
	                 &msgs));
	{
		char want[600];

		snprintf(want, sizeof(want),
		         "2: instances[0].virtual_routes[0]: \"198.19.0.0/24 table late\": table "
		         "\"late\" is not main, a number 1..4294967295 or a name of rt_tables "
		         "(%s/etc/rt_tables:2 is malformed: ip(8) and vipd read no further)",
		         root);
		assert_string_equal(msgs, want);
	}
	free(msgs);

	/* without /etc's rt_tables, /usr/share's */
	{
		char path[160];

		snprintf(path, sizeof(path), "%s/etc/rt_tables", root);
		assert_int_equal(unlink(path), 0);
	}
	c = load("\"198.19.0.0/24 table usronly\"", "", &msgs);
	assert_non_null(c);
	free(msgs);
	assert_int_equal(c->instances[0].routes[0].table, 100);
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse),
	    cmocka_unit_test(malformed),
	    cmocka_unit_test_setup_teardown(names_in_config, dirs_setup, dirs_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
