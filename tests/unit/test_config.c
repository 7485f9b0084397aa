/* Unit tests for config: parsing, defaults, every error class with its line, print round trip,
 * and the shipped configuration files. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

/* A temporary file holding text; path is filled with its name. */
static void write_tmp(char *path, size_t len, const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, len, "/tmp/vipd-test-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Load a file that must be valid. */
static struct vipd_config *load_path_ok(const char *path)
{
	struct config_errors errs = {0};
	struct vipd_config *cfg = config_load(path, &errs);

	for (size_t i = 0; i < errs.n; i++)
		print_message("unexpected: %s\n", errs.lines[i]);
	assert_int_equal(errs.n, 0);
	assert_non_null(cfg);
	assert_string_equal(cfg->file, path);
	assert_true(cfg->ninstances > 0);
	return cfg;
}

/* Load text that must be valid. */
static struct vipd_config *load_ok(const char *text)
{
	char path[64];
	struct vipd_config *cfg;

	write_tmp(path, sizeof(path), text);
	cfg = load_path_ok(path);
	unlink(path);
	return cfg;
}

/* Load text that must fail with exactly the errors want[] ("LINE: message", in order). */
static void check_errors(const char *text, const char *const *want, size_t nwant)
{
	char path[64];
	struct config_errors errs = {0};
	struct vipd_config *cfg;
	size_t plen;

	write_tmp(path, sizeof(path), text);
	plen = strlen(path);
	cfg = config_load(path, &errs);
	assert_null(cfg);
	if (errs.n != nwant) {
		for (size_t i = 0; i < errs.n; i++)
			print_message("got: %s\n", errs.lines[i]);
	}
	assert_int_equal(errs.n, nwant);
	for (size_t i = 0; i < nwant; i++) {
		assert_int_equal(strncmp(errs.lines[i], path, plen), 0);
		assert_int_equal(errs.lines[i][plen], ':');
		assert_string_equal(errs.lines[i] + plen + 1, want[i]);
	}
	config_errors_clear(&errs);
	assert_int_equal(errs.n, 0);
	assert_null(errs.lines);
	unlink(path);
}

#define EXPECT_ERRORS(text, ...)                                                                   \
	do {                                                                                       \
		static const char *const want_[] = {__VA_ARGS__};                                  \
		check_errors(text, want_, sizeof(want_) / sizeof(want_[0]));                       \
	} while (0)

/* A one-instance file whose line 4 is line; required keys it does not set are added after it:
 *   1 instances = (
 *   2   {
 *   3     name = "web";         (a comment when line sets the name)
 *   4     LINE
 *   5...  interface, vrid, virtual_addresses */
static void instance_file(char *buf, size_t len, const char *line)
{
	snprintf(buf, len, "instances = (\n  {\n    %s\n    %s\n%s%s%s  }\n);\n",
	         strstr(line, "name =") ? "# no name here" : "name = \"web\";", line,
	         strstr(line, "interface =") ? "" : "    interface = \"eth0\";\n",
	         strstr(line, "vrid =") ? "" : "    vrid = 51;\n",
	         strstr(line, "virtual_addresses =")
	             ? ""
	             : "    virtual_addresses = [ \"198.18.0.1\" ];\n");
}

/* Each t[i][0] as line 4 of a one-instance file gives exactly the error "4: " t[i][1]. */
static void check_table(const char *const (*t)[2], size_t n)
{
	char text[8192], want[512];
	const char *w[] = {want};

	for (size_t i = 0; i < n; i++) {
		instance_file(text, sizeof(text), t[i][0]);
		snprintf(want, sizeof(want), "4: %s", t[i][1]);
		check_errors(text, w, 1);
	}
}

static const char full_text[] =
    "router_id = \"lb1\";\n"                           /* 1 */
    "control_socket = \"/run/test/vipd.sock\";\n"      /* 2 */
    "instances = (\n"                                  /* 3 */
    "  {\n"                                            /* 4 */
    "    name = \"web\";\n"                            /* 5 */
    "    interface = \"eth0\";\n"                      /* 6 */
    "    vrid = 51;\n"                                 /* 7 */
    "    priority = 150;\n"                            /* 8 */
    "    version = 3;\n"                               /* 9 */
    "    advert_interval = 0.25;\n"                    /* 10 */
    "    preempt = false;\n"                           /* 11 */
    "    preempt_delay = 2.5;\n"                       /* 12 */
    "    accept = false;\n"                            /* 13 */
    "    checksum = \"rfc9568\";\n"                    /* 14 */
    "    garp_repeat = 3;\n"                           /* 15 */
    "    garp_delay = 2;\n"                            /* 16 */
    "    garp_refresh = 60.0;\n"                       /* 17 */
    "    virtual_addresses = [ \"198.18.0.100/24\",\n" /* 18 */
    "                          \"198.18.0.101\" ];\n"  /* 19 */
    "  },\n"                                           /* 20 */
    "  {\n"                                            /* 21 */
    "    name = \"api6\";\n"                           /* 22 */
    "    interface = \"eth0\";\n"                      /* 23 */
    "    vrid = 51;\n"                                 /* 24 */
    "    virtual_addresses = [ \"fe80::10/64\" ];\n"   /* 25 */
    "  },\n"                                           /* 26 */
    "  { name = \"old-v2.x\"; interface = \"eth1\"; vrid = 255; version = \"2+3\";"
    " advert_interval = 2; priority = 255; virtual_addresses = [ "
    "\"198.18.0.102\" ]; checksum = \"rfc5798\"; },\n" /* 27 */
    "  { name = \"v2\"; interface = \"eth1\"; vrid = 1; version = 2; "
    "advert_interval = 255.0; priority = 1; preempt = true; accept = true; "
    "virtual_addresses = ( \"198.18.0.103\" ); }\n" /* 28 */
    ");\n";

/* config_value_member finds what libconfig's config_setting_get_member finds (it reads the
 * group's list itself: libconfig's path compare was a third of a 1000-instance reload). */
static void member_lookup_as_libconfig(void **state)
{
	static const char *const keys[] = {"a", "ab",  "b",   "abc", "",   "b_c",     "x",
	                                   "g", "g.a", "g/a", "B",   "a*", "priority"};
	config_t lc;
	struct cv_loader ld = {0};

	(void)state;
	config_init(&lc);
	assert_true(config_read_string(&lc, "ab = 2; a = 1; b = \"s\"; b_c = [1]; priority = 7;\n"
	                                    "g = { a = 3; }; e = { };") == CONFIG_TRUE);
	for (int scope = 0; scope < 3; scope++) {
		const config_setting_t *grp =
		    scope == 0 ? config_root_setting(&lc)
		               : config_setting_get_member(config_root_setting(&lc),
		                                           scope == 1 ? "g" : "e");
		struct cv_scope sc = {.ld = &ld, .grp = grp, .pfx = "", .what = ""};

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			assert_ptr_equal(config_value_member(&sc, keys[k]),
			                 config_setting_get_member(grp, keys[k]));
	}
	config_destroy(&lc);
}

static void full_config_every_key(void **state)
{
	struct vipd_config *cfg = load_ok(full_text);
	const struct vipd_instance_config *w, *a, *o, *v2;
	char buf[ADDR_STRLEN];

	(void)state;
	assert_string_equal(cfg->router_id, "lb1");
	assert_string_equal(cfg->control_socket, "/run/test/vipd.sock");
	assert_int_equal(cfg->ninstances, 4);

	w = &cfg->instances[0];
	assert_string_equal(w->name, "web");
	assert_string_equal(w->interface, "eth0");
	assert_int_equal(w->vrid, 51);
	assert_int_equal(w->priority, 150);
	assert_int_equal(w->version, VIPD_V3);
	assert_int_equal(w->adver_int_cs, 25);
	assert_false(w->preempt);
	assert_int_equal(w->preempt_delay, 2500 * MT_MSEC);
	assert_false(w->accept);
	assert_int_equal(w->checksum, VRRP_CSUM_RFC9568);
	assert_int_equal(w->garp_repeat, 3);
	assert_int_equal(w->garp_delay, 2 * MT_SEC);
	assert_int_equal(w->garp_refresh, 60 * MT_SEC);
	assert_int_equal(w->af, AF_INET);
	assert_int_equal(w->nvips, 2);
	assert_string_equal(addr_format(&w->vips[0], true, buf, sizeof(buf)), "198.18.0.100/24");
	assert_string_equal(addr_format(&w->vips[1], true, buf, sizeof(buf)), "198.18.0.101/32");
	assert_int_equal(w->line, 4);

	/* every default */
	a = &cfg->instances[1];
	assert_string_equal(a->name, "api6");
	assert_string_equal(a->interface, "eth0");
	assert_int_equal(a->vrid, 51); /* same VRID and interface as "web", other family */
	assert_int_equal(a->priority, 100);
	assert_int_equal(a->version, VIPD_V3);
	assert_int_equal(a->adver_int_cs, 100);
	assert_true(a->preempt);
	assert_int_equal(a->preempt_delay, 0);
	assert_true(a->accept);
	assert_int_equal(a->checksum, VRRP_CSUM_RFC5798);
	assert_int_equal(a->garp_repeat, 5);
	assert_int_equal(a->garp_delay, 5 * MT_SEC);
	assert_int_equal(a->garp_refresh, 0);
	assert_int_equal(a->af, AF_INET6);
	assert_int_equal(a->nvips, 1);
	assert_string_equal(addr_format(&a->vips[0], true, buf, sizeof(buf)), "fe80::10/64");
	assert_int_equal(a->line, 21);

	o = &cfg->instances[2];
	assert_string_equal(o->name, "old-v2.x");
	assert_int_equal(o->vrid, 255);
	assert_int_equal(o->priority, 255);
	assert_int_equal(o->version, VIPD_V2_V3);
	assert_int_equal(o->adver_int_cs, 200);
	assert_int_equal(o->checksum, VRRP_CSUM_RFC5798);
	assert_int_equal(o->vips[0].plen, 32);
	assert_int_equal(o->line, 27);

	v2 = &cfg->instances[3];
	assert_int_equal(v2->version, VIPD_V2);
	assert_int_equal(v2->adver_int_cs, 25500);
	assert_int_equal(v2->vrid, 1);
	assert_int_equal(v2->priority, 1);
	assert_true(v2->preempt);
	assert_true(v2->accept);
	assert_int_equal(v2->nvips, 1); /* a list of strings is accepted too */

	assert_ptr_equal(config_instance(cfg, "api6"), a);
	assert_ptr_equal(config_instance(cfg, "v2"), v2);
	assert_null(config_instance(cfg, "nope"));
	config_free(cfg);
	config_free(NULL);
}

static void top_level_defaults(void **state)
{
	struct vipd_config *cfg =
	    load_ok("instances = ( { name = \"a\"; interface = \"eth0\"; "
	            "vrid = 1; virtual_addresses = [ \"198.18.0.1\" ]; } );\n");
	char host[HOST_NAME_MAX + 1] = "";

	(void)state;
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	host[VIPD_NAME_MAX - 1] = '\0';
	assert_string_equal(cfg->router_id, host);
	assert_string_equal(cfg->control_socket, VIPD_DEFAULT_SOCKET);
	assert_string_equal(cfg->state_dir, VIPD_DEFAULT_STATE_DIR);
	config_free(cfg);
}

static void seconds_accept_int_and_float(void **state)
{
	struct vipd_config *cfg = load_ok(
	    "instances = ( { name = \"a\"; interface = \"eth0\"; vrid = 1;\n"
	    "advert_interval = 2; preempt_delay = 3600; garp_delay = 0; garp_refresh = 0.5;\n"
	    "virtual_addresses = [ \"198.18.0.1\" ]; },\n"
	    "{ name = \"b\"; interface = \"eth0\"; vrid = 2; advert_interval = 40.95;\n"
	    "  preempt_delay = 0.000000001; virtual_addresses = [ \"198.18.0.2\" ]; },\n"
	    "{ name = \"c\"; interface = \"eth0\"; vrid = 3; advert_interval = 0.01;\n"
	    "  virtual_addresses = [ \"198.18.0.3\" ]; } );\n");

	(void)state;
	assert_int_equal(cfg->instances[0].adver_int_cs, 200);
	assert_int_equal(cfg->instances[0].preempt_delay, 3600 * MT_SEC);
	assert_int_equal(cfg->instances[0].garp_delay, 0);
	assert_int_equal(cfg->instances[0].garp_refresh, 500 * MT_MSEC);
	assert_int_equal(cfg->instances[1].adver_int_cs, 4095);
	assert_int_equal(cfg->instances[1].preempt_delay, 1);
	assert_int_equal(cfg->instances[2].adver_int_cs, 1);
	config_free(cfg);
}

static void syntax_error(void **state)
{
	(void)state;
	EXPECT_ERRORS("router_id = \"x\";\ninstances = (\n  { name = ; }\n);\n", "3: syntax error");
	EXPECT_ERRORS("router_id = \"x\";\n\nrouter_id = \"y\";\n", "3: duplicate setting name");
}

static void missing_file(void **state)
{
	struct config_errors errs = {0};

	(void)state;
	assert_null(config_load("/nonexistent/vipd.conf", &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.lines[0], "/nonexistent/vipd.conf: No such file or directory");
	/* errors accumulate until cleared; errs may be NULL */
	assert_null(config_load("/nonexistent/other.conf", &errs));
	assert_int_equal(errs.n, 2);
	assert_null(config_load("/nonexistent/vipd.conf", NULL));
	config_errors_clear(&errs);
	assert_int_equal(errs.n, 0);
	config_errors_clear(&errs);
}

static void unknown_keys(void **state)
{
	(void)state;
	EXPECT_ERRORS("router_id = \"lb1\";\n"
	              "scripts_user = \"vipd\";\n"
	              "instances = (\n"
	              "  { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	              "    prioriti = 150;\n"
	              "    virtual_addresses = [ \"198.18.0.1\" ]; },\n"
	              "  { use_vmac = true; name = \"bad name\"; interface = \"eth1\"; vrid = 51;"
	              " virtual_addresses = [ \"198.18.0.2\" ]; }\n"
	              ");\n",
	              "2: unknown key \"scripts_user\"",
	              "5: unknown key \"prioriti\" in instance \"web\"",
	              "7: instances[1].name: \"bad name\" may only hold A-Z a-z 0-9 _ . -",
	              "7: unknown key \"use_vmac\" in instances[1]");
}

static void wrong_types(void **state)
{
	static const char *const t[][2] = {
	    {"vrid = \"51\";", "instances[0].vrid: expected an integer, got a string"},
	    {"priority = 1.5;", "instances[0].priority: expected an integer, got a float"},
	    {"priority = 150.0;", "instances[0].priority: expected an integer, got a float"},
	    {"garp_repeat = true;", "instances[0].garp_repeat: expected an integer, got a boolean"},
	    {"version = 3.0;",
	     "instances[0].version: expected an integer or a string, got a float"},
	    {"advert_interval = \"1\";",
	     "instances[0].advert_interval: expected a number of seconds, got a string"},
	    {"preempt = 1;", "instances[0].preempt: expected a boolean, got an integer"},
	    {"accept = \"yes\";", "instances[0].accept: expected a boolean, got a string"},
	    {"preempt_delay = [ 1 ];",
	     "instances[0].preempt_delay: expected a number of seconds, got an array"},
	    {"garp_delay = { a = 1; };",
	     "instances[0].garp_delay: expected a number of seconds, got a group"},
	    {"garp_refresh = ( 1 );",
	     "instances[0].garp_refresh: expected a number of seconds, got a list"},
	    {"checksum = 5798;", "instances[0].checksum: expected a string, got an integer"},
	    {"name = 5;", "instances[0].name: expected a string, got an integer"},
	    {"interface = true;", "instances[0].interface: expected a string, got a boolean"},
	    {"virtual_addresses = \"198.18.0.1\";",
	     "instances[0].virtual_addresses: expected an array of strings, got a string"},
	    {"virtual_addresses = [ 1 ];",
	     "instances[0].virtual_addresses[0]: expected a string, got an integer"},
	};

	(void)state;
	check_table(t, sizeof(t) / sizeof(t[0]));
	EXPECT_ERRORS(
	    "router_id = 5;\ninstances = ( { name = \"a\"; interface = \"eth0\"; vrid = 1;"
	    " virtual_addresses = [ \"198.18.0.1\" ]; } );\n",
	    "1: router_id: expected a string, got an integer");
	EXPECT_ERRORS("control_socket = false;\n"
	              "instances = ( { name = \"a\"; interface = \"eth0\"; vrid = 1;"
	              " virtual_addresses = [ \"198.18.0.1\" ]; } );\n",
	              "1: control_socket: expected a string, got a boolean");
	EXPECT_ERRORS("instances = { name = \"a\"; };\n",
	              "1: instances: expected a list of groups, got a group");
	EXPECT_ERRORS("instances = [ \"a\" ];\n",
	              "1: instances: expected a list of groups, got an array");
	EXPECT_ERRORS("instances = (\n  { name = \"a\"; interface = \"eth0\"; vrid = 1;"
	              " virtual_addresses = [ \"198.18.0.1\" ]; },\n  \"web\", 5 );\n",
	              "3: instances[1]: expected a group, got a string",
	              "3: instances[2]: expected a group, got an integer");
}

static void out_of_range(void **state)
{
	static const char *const t[][2] = {
	    {"vrid = 0;", "instances[0].vrid: 0 is out of range 1..255"},
	    {"vrid = 256;", "instances[0].vrid: 256 is out of range 1..255"},
	    {"vrid = 300;", "instances[0].vrid: 300 is out of range 1..255"},
	    {"vrid = 5000000000L;", "instances[0].vrid: 5000000000 is out of range 1..255"},
	    {"priority = 0;", "instances[0].priority: 0 is out of range 1..255"},
	    {"priority = -1;", "instances[0].priority: -1 is out of range 1..255"},
	    {"priority = 256;", "instances[0].priority: 256 is out of range 1..255"},
	    {"garp_repeat = 0;", "instances[0].garp_repeat: 0 is out of range 1..100"},
	    {"garp_repeat = 101;", "instances[0].garp_repeat: 101 is out of range 1..100"},
	    {"preempt_delay = -0.5;", "instances[0].preempt_delay: -0.5 is out of range 0..3600"},
	    {"preempt_delay = 3601;", "instances[0].preempt_delay: 3601 is out of range 0..3600"},
	    {"garp_delay = 3600.5;", "instances[0].garp_delay: 3600.5 is out of range 0..3600"},
	    {"garp_delay = -1;", "instances[0].garp_delay: -1 is out of range 0..3600"},
	    {"garp_refresh = -1;", "instances[0].garp_refresh: -1 is out of range 0..86400"},
	    {"garp_refresh = 86401;", "instances[0].garp_refresh: 86401 is out of range 0..86400"},
	    {"garp_refresh = 1e400;", "instances[0].garp_refresh: inf is out of range 0..86400"},
	    {"version = 4;", "instances[0].version: 4 is not 2, 3 or \"2+3\""},
	    {"version = \"3\";", "instances[0].version: \"3\" is not 2, 3 or \"2+3\""},
	    {"checksum = \"rfc3768\";",
	     "instances[0].checksum: \"rfc3768\" is not \"rfc5798\" or \"rfc9568\""},
	};

	(void)state;
	check_table(t, sizeof(t) / sizeof(t[0]));
}

static void advert_interval_rules(void **state)
{
	static const char *const t[][2] = {
	    {"advert_interval = 0;", "instances[0].advert_interval: 0 is out of range 0.01..40.95"},
	    {"advert_interval = 0.005;",
	     "instances[0].advert_interval: 0.005 is out of range 0.01..40.95"},
	    {"advert_interval = 41;",
	     "instances[0].advert_interval: 41 is out of range 0.01..40.95"},
	    {"advert_interval = 40.96;",
	     "instances[0].advert_interval: 40.96 is out of range 0.01..40.95"},
	    {"advert_interval = 0.015;",
	     "instances[0].advert_interval: 0.015 is not a whole number of centiseconds"},
	    {"advert_interval = 1.001;",
	     "instances[0].advert_interval: 1.001 is not a whole number of centiseconds"},
	    {"version = 2; advert_interval = 1.5;",
	     "instances[0].advert_interval: 1.5 is not a whole number of seconds (version 2)"},
	    {"version = 2; advert_interval = 0.5;",
	     "instances[0].advert_interval: 0.5 is out of range 1..255 for version 2"},
	    {"version = 2; advert_interval = 256;",
	     "instances[0].advert_interval: 256 is out of range 1..255 for version 2"},
	    {"version = \"2+3\"; advert_interval = 41;",
	     "instances[0].advert_interval: 41 is out of range 1..40 for version \"2+3\""},
	    {"version = \"2+3\"; advert_interval = 2.5;",
	     "instances[0].advert_interval: 2.5 is not a whole number of seconds (version "
	     "\"2+3\")"},
	    /* a bad version is reported alone, not with a guess about the interval */
	    {"version = 5; advert_interval = 0.015;",
	     "instances[0].version: 5 is not 2, 3 or \"2+3\""},
	};

	(void)state;
	check_table(t, sizeof(t) / sizeof(t[0]));
}

static void bad_names(void **state)
{
	static const char *const t[][2] = {
	    {"name = \"we b\";", "instances[0].name: \"we b\" may only hold A-Z a-z 0-9 _ . -"},
	    {"name = \"web!\";", "instances[0].name: \"web!\" may only hold A-Z a-z 0-9 _ . -"},
	    {"name = \"a/b\";", "instances[0].name: \"a/b\" may only hold A-Z a-z 0-9 _ . -"},
	    {"name = \"\";", "instances[0].name: must not be empty"},
	    {"name = \"a\\nb\";", "instances[0].name: contains a control character"},
	    {"name = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";",
	     "instances[0].name: "
	     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is "
	     "longer than 63 characters"},
	    {"interface = \"\";", "instances[0].interface: must not be empty"},
	    {"interface = \"abcdefghijklmnop\";",
	     "instances[0].interface: \"abcdefghijklmnop\" is longer than 15 characters"},
	    {"interface = \"eth/0\";",
	     "instances[0].interface: \"eth/0\" is not a valid interface name"},
	    {"interface = \"eth 0\";",
	     "instances[0].interface: \"eth 0\" is not a valid interface name"},
	    {"interface = \"..\";", "instances[0].interface: \"..\" is not a valid interface name"},
	};
	struct vipd_config *cfg;
	char name[VIPD_NAME_MAX], text[512];

	(void)state;
	check_table(t, sizeof(t) / sizeof(t[0]));
	memset(name, 'a', 54);
	snprintf(name + 54, sizeof(name) - 54, "_.-Z9b.c-"); /* 63 characters */
	snprintf(text, sizeof(text),
	         "instances = ( { name = \"%s\"; interface = \"abcdefghijklmno\"; vrid = 1;"
	         " virtual_addresses = [ \"198.18.0.1\" ]; } );\n",
	         name);
	cfg = load_ok(text);
	assert_string_equal(cfg->instances[0].name, name);
	assert_string_equal(cfg->instances[0].interface, "abcdefghijklmno");
	config_free(cfg);
}

static void top_level_strings(void **state)
{
	static const char inst[] = "instances = ( { name = \"a\"; interface = \"eth0\"; vrid = 1;"
	                           " virtual_addresses = [ \"198.18.0.1\" ]; } );\n";
	char text[1024], want[512];
	const char *w[] = {want};
	char longpath[120];
	struct vipd_config *cfg;

	(void)state;
	snprintf(text, sizeof(text), "control_socket = \"vipd.sock\";\n%s", inst);
	EXPECT_ERRORS(text, "1: control_socket: \"vipd.sock\" is not an absolute path");
	snprintf(text, sizeof(text), "state_dir = \"var/lib/vipd\";\n%s", inst);
	EXPECT_ERRORS(text, "1: state_dir: \"var/lib/vipd\" is not an absolute path");
	snprintf(text, sizeof(text), "state_dir = \"/srv/vipd\";\n%s", inst);
	cfg = load_ok(text);
	assert_string_equal(cfg->state_dir, "/srv/vipd");
	config_free(cfg);
	snprintf(text, sizeof(text), "\nrouter_id = \"\";\n%s", inst);
	EXPECT_ERRORS(text, "2: router_id: must not be empty");

	memset(longpath, 'a', 108);
	longpath[0] = '/';
	longpath[108] = '\0';
	snprintf(text, sizeof(text), "control_socket = \"%s\";\n%s", longpath, inst);
	snprintf(want, sizeof(want), "1: control_socket: \"%s\" is longer than 107 characters",
	         longpath);
	check_errors(text, w, 1);
	longpath[107] = '\0'; /* 107 characters and the NUL fill sun_path */
	snprintf(text, sizeof(text), "control_socket = \"%s\";\n%s", longpath, inst);
	config_free(load_ok(text));

	EXPECT_ERRORS("router_id = \"lb1\";\n", "1: missing key \"instances\"");
	EXPECT_ERRORS("router_id = \"lb1\";\ninstances = ( );\n",
	              "2: instances: at least one instance is required");
}

/* control_socket_group: a group of this system; printed by --dump-config and read back. */
static void control_socket_group(void **state)
{
	static const char inst[] = "instances = ( { name = \"a\"; interface = \"eth0\"; vrid = 1;"
	                           " virtual_addresses = [ \"198.18.0.1\" ]; } );\n";
	char text[1024], printed[4096];
	struct vipd_config *cfg, *again;
	FILE *f;

	(void)state;
	cfg = load_ok(inst);
	assert_string_equal(cfg->control_socket_group, "");
	config_free(cfg);
	snprintf(text, sizeof(text), "control_socket_group = \"root\";\n%s", inst);
	cfg = load_ok(text);
	assert_string_equal(cfg->control_socket_group, "root");
	f = fmemopen(printed, sizeof(printed), "w");
	assert_non_null(f);
	config_print(cfg, f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(printed, "\ncontrol_socket_group = \"root\";\n"));
	again = load_ok(printed);
	assert_string_equal(again->control_socket_group, "root");
	config_free(again);
	config_free(cfg);
	snprintf(text, sizeof(text), "\ncontrol_socket_group = \"no-such-group-vipd-test\";\n%s",
	         inst);
	EXPECT_ERRORS(
	    text, "2: control_socket_group: no group \"no-such-group-vipd-test\" on this system");
	snprintf(text, sizeof(text), "control_socket_group = \"\";\n%s", inst);
	EXPECT_ERRORS(text, "1: control_socket_group: must not be empty");
}

static void bad_addresses(void **state)
{
	static const char *const t[][2] = {
	    {"virtual_addresses = [ ];", "instances[0].virtual_addresses: must not be empty"},
	    {"virtual_addresses = [ \"198.18.0.256\" ];",
	     "instances[0].virtual_addresses[0]: \"198.18.0.256\" is not an address (ADDR or "
	     "ADDR/PLEN)"},
	    {"virtual_addresses = [ \"198.18.0.1\", \"198.18.0.1/33\" ];",
	     "instances[0].virtual_addresses[1]: \"198.18.0.1/33\" is not an address (ADDR or "
	     "ADDR/PLEN)"},
	    {"virtual_addresses = [ \"hello\" ];",
	     "instances[0].virtual_addresses[0]: \"hello\" is not an address (ADDR or ADDR/PLEN)"},
	    {"virtual_addresses = [ \"198.18.0.1\", \"fd00::1\" ];",
	     "instances[0].virtual_addresses[1]: \"fd00::1\" is IPv6 but the instance is IPv4"},
	    {"virtual_addresses = [ \"fe80::1\", \"198.18.0.1/24\" ];",
	     "instances[0].virtual_addresses[1]: \"198.18.0.1/24\" is IPv4 but the instance is "
	     "IPv6"},
	    {"version = 2; virtual_addresses = [ \"fd00::1\" ];",
	     "instances[0].virtual_addresses[0]: \"fd00::1\" is IPv6 but VRRP version 2 is IPv4 "
	     "only"},
	    {"version = \"2+3\"; virtual_addresses = [ \"fd00::1\", \"fd00::2\" ];",
	     "instances[0].virtual_addresses[0]: \"fd00::1\" is IPv6 but VRRP version 2 is IPv4 "
	     "only"},
	    {"virtual_addresses = [ \"198.18.0.1/24\", \"198.18.0.1/32\" ];",
	     "instances[0].virtual_addresses[1]: duplicate address 198.18.0.1"},
	    {"virtual_addresses = [ \"fe80::1\", \"fe80:0::1/64\" ];",
	     "instances[0].virtual_addresses[1]: duplicate address fe80::1"},
	    {"virtual_addresses = [ \"224.0.0.18\" ];",
	     "instances[0].virtual_addresses[0]: \"224.0.0.18\" is not a unicast host address"},
	    {"virtual_addresses = [ \"0.0.0.0\" ];",
	     "instances[0].virtual_addresses[0]: \"0.0.0.0\" is not a unicast host address"},
	    {"virtual_addresses = [ \"255.255.255.255\" ];",
	     "instances[0].virtual_addresses[0]: \"255.255.255.255\" is not a unicast host "
	     "address"},
	    {"virtual_addresses = [ \"127.0.0.2\" ];",
	     "instances[0].virtual_addresses[0]: \"127.0.0.2\" is not a unicast host address"},
	    {"virtual_addresses = [ \"::1\" ];",
	     "instances[0].virtual_addresses[0]: \"::1\" is not a unicast host address"},
	    {"virtual_addresses = [ \"::\" ];",
	     "instances[0].virtual_addresses[0]: \"::\" is not a unicast host address"},
	    {"virtual_addresses = [ \"ff02::12\" ];",
	     "instances[0].virtual_addresses[0]: \"ff02::12\" is not a unicast host address"},
	};

	(void)state;
	check_table(t, sizeof(t) / sizeof(t[0]));
}

/* At most 255 addresses (the VRRP count field). */
static void address_count(void **state)
{
	char line[256 * 24], text[sizeof(line) + 512];
	size_t used;
	struct vipd_config *cfg;

	(void)state;
	for (int n = 255; n <= 256; n++) {
		used = (size_t)snprintf(line, sizeof(line), "virtual_addresses = [");
		for (int i = 0; i < n; i++)
			used += (size_t)snprintf(line + used, sizeof(line) - used,
			                         "%s \"198.18.%d.%d\"", i ? "," : "", i / 200,
			                         i % 200 + 1);
		snprintf(line + used, sizeof(line) - used, " ];");
		if (n == 256) {
			const char *const t[][2] = {
			    {line, "instances[0].virtual_addresses: 256 addresses, at most 255"}};

			check_table(t, 1);
		} else {
			instance_file(text, sizeof(text), line);
			cfg = load_ok(text);
			assert_int_equal(cfg->instances[0].nvips, 255);
			config_free(cfg);
		}
	}
}

static void missing_keys(void **state)
{
	(void)state;
	EXPECT_ERRORS(
	    "instances = (\n"
	    "  { interface = \"eth0\"; vrid = 1; virtual_addresses = [ \"198.18.0.1\" ]; },\n"
	    "  { name = \"b\"; vrid = 2; virtual_addresses = [ \"198.18.0.2\" ]; },\n"
	    "  { name = \"c\"; interface = \"eth0\"; virtual_addresses = [ \"198.18.0.3\" ]; },\n"
	    "  { name = \"d\"; interface = \"eth0\"; vrid = 4; },\n"
	    "  {\n"
	    "  }\n"
	    ");\n",
	    "2: instances[0]: missing key \"name\"", "3: instance \"b\": missing key \"interface\"",
	    "4: instance \"c\": missing key \"vrid\"", "6: instances[4]: missing key \"name\"",
	    "6: instances[4]: missing key \"interface\"", "6: instances[4]: missing key \"vrid\"");
}

/* Hundreds of instances (the index of names and VIPs grows several times): a duplicate name or
 * VIP far down the file still names the one instance it repeats, and a link-local VIP may repeat
 * on another interface only. */
static void duplicates_many(void **state)
{
	enum { N = 600 };
	size_t cap = (size_t)N * 160 + 1024, len = 0;
	char *text = malloc(cap), path[64];
	struct config_errors errs = {0};
	struct vipd_config *cfg;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len, "instances = (\n");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len,
		                        "  { name = \"i%d\"; interface = \"eth%d\"; vrid = %d; "
		                        "virtual_addresses = [ \"fd00::%x\"%s ]; },\n",
		                        i, i / 200, i % 200 + 1, (unsigned)i,
		                        i % 200 ? "" : ", \"fe80::1\"");
	/* lines: 1 "instances", instance i on line i + 2 */
	len += (size_t)snprintf(text + len, cap - len,
	                        "  { name = \"i300\"; interface = \"eth9\"; vrid = 1; "
	                        "virtual_addresses = [ \"fe80::1\" ]; },\n"
	                        "  { name = \"x\"; interface = \"eth9\"; vrid = 2; "
	                        "virtual_addresses = [ \"fd00::190\", \"fe80::1\" ]; }\n);\n");
	assert_true(len < cap);
	write_tmp(path, sizeof(path), text);
	cfg = config_load(path, &errs);
	unlink(path);
	assert_null(cfg);
	for (size_t i = 0; errs.n != 3 && i < errs.n; i++)
		print_message("got: %s\n", errs.lines[i]);
	assert_int_equal(errs.n, 3);
	/* instance 400 holds fd00::190; fe80::1 is on eth0 to eth2 once each, and on eth9 in the
	 * instance refused for its name */
	assert_non_null(strstr(errs.lines[0], ":602: instances[600].name: duplicate instance name "
	                                      "\"i300\" (also at line 302)"));
	assert_non_null(strstr(errs.lines[1],
	                       ":603: instances[601].virtual_addresses[0]: "
	                       "fd00::190 is also in instance \"i400\" at line 402"));
	assert_non_null(strstr(errs.lines[2], ":603: instances[601].virtual_addresses[1]: fe80::1 "
	                                      "is also in instances[600] at line 602"));
	config_errors_clear(&errs);
	free(text);
}

static void duplicates(void **state)
{
	(void)state;
	EXPECT_ERRORS("instances = (\n"
	              "  { name = \"web\"; interface = \"eth0\"; vrid = 51; virtual_addresses = [ "
	              "\"198.18.0.1\" ]; },\n"
	              "  { name = \"web\"; interface = \"eth1\"; vrid = 52; virtual_addresses = [ "
	              "\"198.18.0.2\" ]; },\n"
	              "  { name = \"api\"; interface = \"eth0\";\n"
	              "    vrid = 51; virtual_addresses = [ \"198.18.0.3\" ]; },\n"
	              "  { name = \"api6\"; interface = \"eth0\"; vrid = 51; virtual_addresses = [ "
	              "\"fe80::3\", \"fd00::3\" ]; },\n"
	              "  { name = \"other\"; interface = \"eth1\"; vrid = 51; virtual_addresses = "
	              "[ \"198.18.0.4\" ]; },\n"
	              "  { name = \"api6b\"; interface = \"eth0\"; vrid = 51; virtual_addresses = "
	              "[ \"fe80::4\" ]; },\n"
	              "  { name = \"vipdup\"; interface = \"eth2\"; vrid = 9; virtual_addresses = "
	              "[ \"198.18.0.9\",\n"
	              "      \"198.18.0.1/24\" ]; },\n"
	              "  { name = \"vipdup6\"; interface = \"eth2\"; vrid = 9; virtual_addresses = "
	              "[ \"fe80::9\", \"fd00::3/64\" ]; }\n"
	              ");\n",
	              "3: instances[1].name: duplicate instance name \"web\" (also at line 2)",
	              "5: duplicate vrid 51 on interface eth0 (also instance \"web\" at line 2)",
	              "8: duplicate vrid 51 on interface eth0 (also instance \"api6\" at line 6)",
	              "10: instances[6].virtual_addresses[1]: 198.18.0.1 is also in instance "
	              "\"web\" at line 2",
	              "11: instances[7].virtual_addresses[1]: fd00::3 is also in instance \"api6\" "
	              "at line 6");
	/* the message of the contract */
	EXPECT_ERRORS("router_id = \"lb1\";\n"
	              "instances = (\n"
	              "  { name = \"web\"; interface = \"eth0\"; vrid = 51; virtual_addresses = [ "
	              "\"198.18.0.1\" ]; },\n"
	              "  { name = \"api\"; interface = \"eth0\"; vrid = 51; virtual_addresses = [ "
	              "\"198.18.0.2\" ]; }\n"
	              ");\n",
	              "4: duplicate vrid 51 on interface eth0 (also instance \"web\" at line 3)");
}

static void many_errors_all_reported(void **state)
{
	(void)state;
	EXPECT_ERRORS(
	    "router_id = \"lb1\";\n"
	    "bogus = 1;\n"
	    "instances = (\n"
	    "  {\n"
	    "    name = \"web\";\n"
	    "    interface = \"eth0\";\n"
	    "    vrid = 300;\n"
	    "    priority = \"high\";\n"
	    "    advert_interval = 0.015;\n"
	    "    virtual_addresses = [ \"198.18.0.1\", \"fd00::1\", \"nonsense\" ];\n"
	    "  },\n"
	    "  {\n"
	    "    name = \"web\";\n"
	    "    vrid = 0;\n"
	    "    virtual_addresses = [ ];\n"
	    "  }\n"
	    ");\n",
	    "2: unknown key \"bogus\"", "7: instances[0].vrid: 300 is out of range 1..255",
	    "8: instances[0].priority: expected an integer, got a string",
	    "9: instances[0].advert_interval: 0.015 is not a whole number of centiseconds",
	    "10: instances[0].virtual_addresses[1]: \"fd00::1\" is IPv6 but the instance is IPv4",
	    "10: instances[0].virtual_addresses[2]: \"nonsense\" is not an address (ADDR or "
	    "ADDR/PLEN)",
	    "12: instances[1]: missing key \"interface\"",
	    "13: instances[1].name: duplicate instance name \"web\" (also at line 4)",
	    "14: instances[1].vrid: 0 is out of range 1..255",
	    "15: instances[1].virtual_addresses: must not be empty");
}

static void assert_config_equal(const struct vipd_config *a, const struct vipd_config *b)
{
	assert_string_equal(a->router_id, b->router_id);
	assert_string_equal(a->control_socket, b->control_socket);
	assert_int_equal(a->ninstances, b->ninstances);
	for (size_t i = 0; i < a->ninstances; i++) {
		const struct vipd_instance_config *x = &a->instances[i], *y = &b->instances[i];

		assert_string_equal(x->name, y->name);
		assert_string_equal(x->interface, y->interface);
		assert_int_equal(x->vrid, y->vrid);
		assert_int_equal(x->priority, y->priority);
		assert_int_equal(x->version, y->version);
		assert_int_equal(x->adver_int_cs, y->adver_int_cs);
		assert_int_equal(x->preempt, y->preempt);
		assert_int_equal(x->preempt_delay, y->preempt_delay);
		assert_int_equal(x->accept, y->accept);
		assert_int_equal(x->checksum, y->checksum);
		assert_int_equal(x->garp_repeat, y->garp_repeat);
		assert_int_equal(x->garp_delay, y->garp_delay);
		assert_int_equal(x->garp_refresh, y->garp_refresh);
		assert_int_equal(x->af, y->af);
		assert_int_equal(x->nvips, y->nvips);
		for (size_t j = 0; j < x->nvips; j++) {
			assert_int_equal(x->vips[j].af, y->vips[j].af);
			assert_int_equal(x->vips[j].plen, y->vips[j].plen);
			assert_memory_equal(x->vips[j].in.bytes, y->vips[j].in.bytes, 16);
		}
	}
}

/* Print cfg to a file and load it back; returns the reloaded config and the printed text. */
static struct vipd_config *reprint(const struct vipd_config *cfg, char *text, size_t len)
{
	FILE *f = fmemopen(text, len, "w");

	assert_non_null(f);
	config_print(cfg, f);
	assert_int_equal(ferror(f), 0);
	assert_int_equal(fclose(f), 0);
	assert_true(strlen(text) < len - 1);
	return load_ok(text);
}

static void print_round_trip(void **state)
{
	static const char extra[] =
	    "router_id = \"odd \\\"id\\\" \\\\ x\";\n"
	    "instances = (\n"
	    "  { name = \"x\"; interface = \"eth9\"; vrid = 7; advert_interval = 0.07;\n"
	    "    preempt_delay = 0.123456789; garp_delay = 3600; garp_refresh = 86399.999999999;\n"
	    "    virtual_addresses = [ \"fe80::1/64\", \"fd00::2\", \"fd00:1:2:3:4:5:6:7/127\" ]; "
	    "},\n"
	    "  { name = \"y\"; interface = \"eth9\"; vrid = 8; version = 2; advert_interval = 3;\n"
	    "    garp_delay = 0.000000001; virtual_addresses = [ \"198.19.255.254/15\" ]; }\n"
	    ");\n";
	const char *texts[] = {full_text, extra};
	static char out1[16384], out2[16384];

	(void)state;
	for (size_t t = 0; t < 2; t++) {
		struct vipd_config *a = load_ok(texts[t]);
		struct vipd_config *b = reprint(a, out1, sizeof(out1));
		struct vipd_config *c = reprint(b, out2, sizeof(out2));

		assert_config_equal(a, b);
		assert_config_equal(a, c);
		assert_string_equal(out1, out2); /* printing is stable */
		config_free(a);
		config_free(b);
		config_free(c);
	}
	/* the defaults are written out */
	assert_non_null(strstr(out1, "garp_repeat = 5;"));
	assert_non_null(strstr(out1, "preempt = true;"));
	assert_non_null(strstr(out1, "checksum = \"rfc5798\";"));
	assert_non_null(strstr(out1, "advert_interval = 3.0;"));
	assert_non_null(strstr(out1, "garp_delay = 0.000000001;"));
	assert_non_null(strstr(out1, "advert_interval = 0.07;"));
}

static void shipped_configs_load(void **state)
{
	const char *top = getenv("top_srcdir");
	char path[PATH_MAX];
	struct vipd_config *cfg;
	glob_t g;

	(void)state;
	if (!top || !top[0])
		top = ".";
	snprintf(path, sizeof(path), "%s/conf/vipd.conf", top);
	cfg = load_path_ok(path);
	assert_string_equal(cfg->instances[0].name, "web");
	assert_string_equal(cfg->instances[0].interface, "eth0");
	assert_int_equal(cfg->instances[0].vrid, 51);
	assert_int_equal(cfg->instances[0].priority, 150);
	config_free(cfg);

	snprintf(path, sizeof(path), "%s/conf/examples/*.conf", top);
	assert_int_equal(glob(path, 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 3);
	for (size_t i = 0; i < g.gl_pathc; i++)
		config_free(load_path_ok(g.gl_pathv[i]));
	globfree(&g);

	/* the BGP recipe's two servers (README, "Beyond one LAN: BGP") */
	snprintf(path, sizeof(path), "%s/conf/examples/bgp/*.vipd.conf", top);
	assert_int_equal(glob(path, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 2);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		cfg = load_path_ok(g.gl_pathv[i]);
		assert_int_equal(cfg->instances[0].announce_table, 100);
		assert_int_equal(cfg->instances[0].unicast_ttl, 2);
		config_free(cfg);
	}
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(member_lookup_as_libconfig),
	    cmocka_unit_test(full_config_every_key),
	    cmocka_unit_test(top_level_defaults),
	    cmocka_unit_test(seconds_accept_int_and_float),
	    cmocka_unit_test(syntax_error),
	    cmocka_unit_test(missing_file),
	    cmocka_unit_test(unknown_keys),
	    cmocka_unit_test(wrong_types),
	    cmocka_unit_test(out_of_range),
	    cmocka_unit_test(advert_interval_rules),
	    cmocka_unit_test(bad_names),
	    cmocka_unit_test(top_level_strings),
	    cmocka_unit_test(control_socket_group),
	    cmocka_unit_test(bad_addresses),
	    cmocka_unit_test(address_count),
	    cmocka_unit_test(missing_keys),
	    cmocka_unit_test(duplicates),
	    cmocka_unit_test(duplicates_many),
	    cmocka_unit_test(many_errors_all_reported),
	    cmocka_unit_test(print_round_trip),
	    cmocka_unit_test(shipped_configs_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
