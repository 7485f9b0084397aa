/* Unit tests for script_user, checks, and an instance's checks and track_interfaces
 * (config_track.c): good configs with their defaults, every error with its line and key,
 * printing and comparing. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_fixture.h"
#include "vipd/config.h"
#include "vipd/config_track.h"

/* Line 1: script_user; line 2: checks = (; line 3: CHECK; line 4: );
 * lines 5-7: an instance whose line 7 is KEYS. */
static void compose(char *buf, size_t len, const char *check, const char *keys)
{
	snprintf(buf, len,
	         "script_user = \"nobody\";\n"
	         "checks = (\n"
	         "  %s\n"
	         ");\n"
	         "instances = ( { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	         "  virtual_addresses = [ \"198.18.0.100/24\" ];\n"
	         "  %s\n"
	         "} );\n",
	         check, keys);
}

static void expect_error(const char *check, const char *keys, const char *msg)
{
	char text[2048], *msgs;
	struct vipd_config *cfg;

	compose(text, sizeof(text), check, keys);
	cfg = config_fixture_load(text, &msgs);
	if (cfg || !strstr(msgs, msg))
		fail_msg("expected \"%s\", got \"%s\" for\n%s", msg, msgs, text);
	free(msgs);
}

/* What config_print writes for cfg (the caller frees it). */
static char *printed(const struct vipd_config *cfg)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	config_print(cfg, f);
	fclose(f);
	return out;
}

static void test_good(void **state)
{
	char text[2048], *msgs;
	struct vipd_config *cfg;
	const struct vipd_check_config *c;

	(void)state;
	compose(text, sizeof(text),
	        "{ name = \"nginx\"; type = \"exec\"; command = \"/usr/bin/pgrep -x 'ng inx'\";\n"
	        "    interval = 2.0; timeout = 1.0; rise = 2; fall = 3; weight = -30;\n"
	        "    recover = \"/usr/bin/systemctl restart nginx\"; recover_interval = 30; },\n"
	        "  { name = \"web-http\"; type = \"http\"; url = \"http://127.0.0.1/health\";\n"
	        "    expect_status = 204; expect_body = \"ok\"; weight = -50; },\n"
	        "  { name = \"db\"; type = \"tcp\"; host = \"::1\"; port = 5432; weight = 0; },\n"
	        "  { name = \"maint\"; type = \"file\"; path = \"/etc/vipd/weight\"; }",
	        "checks = [ \"nginx\", \"db\", \"maint\" ];\n"
	        "  track_interfaces = ( { name = \"eth1\"; weight = -20; },"
	        " { name = \"eth2\"; weight = 0; } );");
	cfg = config_fixture_load(text, &msgs);
	if (!cfg)
		fail_msg("%s", msgs);
	free(msgs);
	assert_string_equal(cfg->script_user, "nobody");
	assert_int_equal(cfg->nchecks, 4);
	c = config_track_check(cfg, "nginx");
	assert_non_null(c);
	assert_int_equal(c->type, VIPD_CHECK_EXEC);
	assert_int_equal(c->interval, 2 * MT_SEC);
	assert_int_equal(c->rise, 2);
	assert_int_equal(c->fall, 3);
	assert_int_equal(c->weight, -30);
	assert_int_equal(c->recover_interval, 30 * MT_SEC);
	assert_int_equal(c->line, 3);
	c = config_track_check(cfg, "web-http");
	assert_int_equal(c->expect_status, 204);
	assert_string_equal(c->expect_body, "ok");
	assert_int_equal(c->timeout, MT_SEC); /* defaults */
	assert_int_equal(c->rise, 1);
	assert_int_equal(c->recover_interval, 60 * MT_SEC);
	c = config_track_check(cfg, "db");
	assert_string_equal(c->host, "::1");
	assert_int_equal(c->port, 5432);
	c = config_track_check(cfg, "maint");
	assert_int_equal(c->weight, 1); /* file default */
	assert_int_equal(cfg->instances[0].nchecks, 3);
	assert_string_equal(cfg->instances[0].checks[1], "db");
	assert_int_equal(cfg->instances[0].ntrack_ifs, 2);
	assert_string_equal(cfg->instances[0].track_ifs[0].name, "eth1");
	assert_int_equal(cfg->instances[0].track_ifs[0].weight, -20);
	assert_int_equal(cfg->instances[0].track_ifs[1].weight, 0);
	config_fixture_round_trip(cfg);
	{
		char *out = printed(cfg);

		assert_non_null(strstr(out, "checks = [ \"nginx\", \"db\", \"maint\" ];"));
		assert_non_null(strstr(out, "recover = \"/usr/bin/systemctl restart nginx\";"));
		free(out);
	}
	config_free(cfg);
}

static void test_equal(void **state)
{
	char text[2048], *msgs;
	struct vipd_config *a, *b;

	(void)state;
	compose(text, sizeof(text), "{ name = \"x\"; type = \"exec\"; command = \"true\"; }",
	        "checks = [ \"x\" ];");
	a = config_fixture_load(text, &msgs);
	free(msgs);
	compose(text, sizeof(text), "{ name = \"x\"; type = \"exec\"; command = \"true\"; }",
	        "checks = [ \"x\" ]; track_interfaces = ( { name = \"eth1\"; weight = -5; } );");
	b = config_fixture_load(text, &msgs);
	free(msgs);
	assert_non_null(a);
	assert_non_null(b);
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	assert_true(config_track_check_equal(&a->checks[0], &b->checks[0]));
	config_free(a);
	config_free(b);
}

/* A check's own `user` (issue 11): read with its line, printed, compared; on an exec check or one
 * with recover only; whether it may be used is daemon_priv's (test_privdrop.c). */
static void test_user(void **state)
{
	char text[2048], *msgs, *out;
	struct vipd_config *a, *b;

	(void)state;
	compose(text, sizeof(text),
	        "{ name = \"x\"; type = \"exec\"; command = \"true\"; user = \"daemon\"; },\n"
	        "  { name = \"y\"; type = \"tcp\"; host = \"::1\"; port = 1; recover = \"true\";\n"
	        "    user = \"root\"; }",
	        "checks = [ \"x\" ];");
	a = config_fixture_load(text, &msgs);
	if (!a)
		fail_msg("%s", msgs);
	free(msgs);
	assert_string_equal(a->checks[0].user, "daemon");
	assert_int_equal(a->checks[0].user_line, 3);
	assert_string_equal(a->checks[1].user, "root");
	assert_int_equal(a->checks[1].user_line, 5);
	config_fixture_round_trip(a);
	out = printed(a);
	assert_non_null(strstr(out, "command = \"true\"; user = \"daemon\";"));
	free(out);
	compose(text, sizeof(text), "{ name = \"x\"; type = \"exec\"; command = \"true\"; }",
	        "checks = [ \"x\" ];");
	b = config_fixture_load(text, &msgs);
	free(msgs);
	assert_non_null(b);
	assert_string_equal(b->checks[0].user, "");
	/* another user: the check restarts at a reload */
	assert_false(config_track_check_equal(&a->checks[0], &b->checks[0]));
	config_free(a);
	config_free(b);
	expect_error("{ name = \"x\"; type = \"tcp\"; host = \"::1\"; port = 1; user = \"root\"; }",
	             "", "3: checks[0].user: only for an exec check or one with recover");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; user = \"\"; }", "",
	             "3: checks[0].user");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; user = 0; }", "",
	             "3: checks[0].user");
}

/* missing (a file check): "fail" by default and printed so, "zero" read, printed and compared (a
 * changed one restarts the check at a reload); a wrong value or type, or the key on another
 * type, named at its line */
static void test_missing(void **state)
{
	char text[2048], *msgs, *out;
	struct vipd_config *a, *b;

	(void)state;
	compose(text, sizeof(text), "{ name = \"m\"; type = \"file\"; path = \"/run/m\"; }", "");
	a = config_fixture_load(text, &msgs);
	free(msgs);
	compose(text, sizeof(text),
	        "{ name = \"m\"; type = \"file\"; path = \"/run/m\";\n"
	        "    missing = \"zero\"; }",
	        "");
	b = config_fixture_load(text, &msgs);
	free(msgs);
	assert_non_null(a);
	assert_non_null(b);
	assert_false(a->checks[0].missing_zero);
	assert_true(b->checks[0].missing_zero);
	assert_false(config_track_check_equal(&a->checks[0], &b->checks[0]));
	config_fixture_round_trip(a);
	config_fixture_round_trip(b);
	out = printed(a);
	assert_non_null(strstr(out, "path = \"/run/m\"; missing = \"fail\";"));
	free(out);
	out = printed(b);
	assert_non_null(strstr(out, "path = \"/run/m\"; missing = \"zero\";"));
	free(out);
	config_free(a);
	config_free(b);
	compose(text, sizeof(text),
	        "{ name = \"m\"; type = \"file\"; path = \"/run/m\"; missing = \"fail\"; }", "");
	a = config_fixture_load(text, &msgs);
	free(msgs);
	assert_non_null(a);
	assert_false(a->checks[0].missing_zero);
	config_free(a);
	expect_error("{ name = \"m\"; type = \"file\"; path = \"/run/m\";\n"
	             "    missing = \"ignore\"; }",
	             "", "4: checks[0].missing: \"ignore\": expected \"fail\" or \"zero\"");
	expect_error("{ name = \"m\"; type = \"file\"; path = \"/run/m\"; missing = 0; }", "",
	             "3: checks[0].missing: expected a string");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\";\n"
	             "    missing = \"zero\"; }",
	             "", "4: checks[0].missing: only for type \"file\", this check is \"exec\"");
}

/* track_link: true by default and printed so, false read, printed and compared; a wrong type
 * named at its line */
static void test_track_link(void **state)
{
	static const char chk[] = "{ name = \"x\"; type = \"exec\"; command = \"true\"; }";
	char text[2048], *msgs, *out;
	struct vipd_config *a, *b;

	(void)state;
	compose(text, sizeof(text), chk, "");
	a = config_fixture_load(text, &msgs);
	free(msgs);
	compose(text, sizeof(text), chk, "track_link = false;");
	b = config_fixture_load(text, &msgs);
	free(msgs);
	assert_non_null(a);
	assert_non_null(b);
	assert_false(a->instances[0].ignore_link);
	assert_true(b->instances[0].ignore_link);
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	config_fixture_round_trip(a);
	config_fixture_round_trip(b);
	out = printed(a);
	assert_non_null(strstr(out, "    track_link = true;\n"));
	free(out);
	out = printed(b);
	assert_non_null(strstr(out, "    track_link = false;\n"));
	free(out);
	config_free(a);
	config_free(b);
	expect_error(chk, "track_link = 0;",
	             "7: instances[0].track_link: expected a boolean, got an integer");
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("{ type = \"exec\"; command = \"true\"; }", "",
	             "3: checks[0]: missing key \"name\"");
	expect_error("{ name = \"a b\"; type = \"exec\"; command = \"true\"; }", "",
	             "3: checks[0].name: \"a b\": only letters");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; },"
	             " { name = \"x\"; type = \"exec\"; command = \"true\"; }",
	             "", "3: checks[1].name: \"x\" is already the check at line 3");
	expect_error("{ name = \"x\"; type = \"ping\"; }", "",
	             "3: checks[0].type: \"ping\": expected \"exec\"");
	expect_error("{ name = \"x\"; command = \"true\"; }", "",
	             "3: check \"x\": missing key \"type\"");
	expect_error("{ name = \"x\"; type = \"exec\"; }", "",
	             "3: check \"x\": missing key \"command\"");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"sh -c 'x\"; }", "",
	             "checks[0].command: unterminated single quote");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; port = 80; }", "",
	             "checks[0].port: only for type \"tcp\", this check is \"exec\"");
	expect_error("{ name = \"x\"; type = \"tcp\"; host = \"db.example\"; port = 1; }", "",
	             "checks[0].host: \"db.example\" is not an IPv4 or IPv6 address");
	expect_error("{ name = \"x\"; type = \"tcp\"; host = \"127.0.0.1\"; port = 70000; }", "",
	             "checks[0].port");
	expect_error("{ name = \"x\"; type = \"tcp\"; host = \"127.0.0.1\"; }", "",
	             "missing key \"port\"");
	expect_error("{ name = \"x\"; type = \"http\"; url = \"ftp://x/\"; }", "",
	             "checks[0].url: \"ftp://x/\" does not start with http:// or https://");
	expect_error("{ name = \"x\"; type = \"file\"; path = \"weight\"; }", "",
	             "checks[0].path: \"weight\" is not an absolute path");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; weight = -255; }", "",
	             "checks[0].weight");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; rise = 0; }", "",
	             "checks[0].rise");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; colour = 1; }", "",
	             "3: unknown key \"colour\" in check \"x\"");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; }",
	             "checks = [ \"y\" ];", "7: instances[0].checks[0]: no check named \"y\"");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; }",
	             "checks = [ \"x\", \"x\" ];",
	             "7: instances[0].checks[1]: \"x\" is listed twice");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; }",
	             "track_interfaces = ( { name = \"eth1\"; } );",
	             "7: instances[0].track_interfaces[0]: missing key \"weight\"");
	expect_error("{ name = \"x\"; type = \"exec\"; command = \"true\"; }",
	             "track_interfaces = ( { name = \"eth1\"; weight = 1; },"
	             " { name = \"eth1\"; weight = 2; } );",
	             "\"eth1\" is tracked twice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),       cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_track_link), cmocka_unit_test(test_user),
	    cmocka_unit_test(test_errors),     cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
