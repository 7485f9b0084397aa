/* Unit tests for the IPv6 rules of the config: the first virtual address of an IPv6 instance is
 * its link-local address (RFC 9568 5.2.9) or, as keepalived writes it, not (a warning), and a
 * link-local address may repeat on other links. */
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
#include <unistd.h>

#include "vipd/config.h"

/* Load text; returns the config or NULL, and the errors as "LINE: message" joined by '\n' in
 * out (empty when none). */
static struct vipd_config *load(const char *text, char *out, size_t outlen)
{
	char path[] = "/tmp/vipd-test-v6-XXXXXX";
	struct config_errors errs = {0};
	struct vipd_config *cfg;
	size_t used = 0;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cfg = config_load(path, &errs);
	out[0] = '\0';
	for (size_t i = 0; i < errs.n && used < outlen; i++) {
		const char *line = errs.lines[i];

		/* "PATH:LINE: message" -> "LINE: message" */
		assert_memory_equal(line, path, strlen(path));
		used += (size_t)snprintf(out + used, outlen - used, "%s%s", i ? "\n" : "",
		                         line + strlen(path) + 1);
	}
	config_errors_clear(&errs);
	unlink(path);
	assert_true((cfg == NULL) == (out[0] != '\0'));
	return cfg;
}

/* One instance on eth0 whose virtual_addresses (on line 3) are vips. */
static struct vipd_config *load_vips(const char *vips, char *out, size_t outlen)
{
	char text[512];

	snprintf(text, sizeof(text),
	         "instances = (\n"
	         "  { name = \"v6\"; interface = \"eth0\"; vrid = 51;\n"
	         "    virtual_addresses = [ %s ];\n"
	         "  }\n"
	         ");\n",
	         vips);
	return load(text, out, outlen);
}

static void linklocal_first_loads(void **state)
{
	static const char *const good[] = {
	    "\"fe80::51\", \"fd00::100/64\"", "\"fe80::51/64\"",
	    "\"fe80::200:5eff:fe00:233/64\", \"fd00::100/64\", \"fe80::52\"",
	    "\"febf:ffff::1\", \"fd00::100\"", /* the last /10 block is still link-local */
	};
	char err[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct vipd_config *cfg = load_vips(good[i], err, sizeof(err));

		if (!cfg)
			print_message("%s: %s\n", good[i], err);
		assert_non_null(cfg);
		assert_int_equal(cfg->instances[0].af, AF_INET6);
		config_free(cfg);
	}
}

/* config_warnings of cfg as "LINE: message" joined by '\n' in out (empty when none). */
static void warnings(const struct vipd_config *cfg, char *out, size_t outlen)
{
	struct config_errors w = {0};
	size_t used = 0;

	config_warnings(cfg, &w);
	out[0] = '\0';
	for (size_t i = 0; i < w.n && used < outlen; i++) {
		assert_memory_equal(w.lines[i], cfg->file, strlen(cfg->file));
		used += (size_t)snprintf(out + used, outlen - used, "%s%s", i ? "\n" : "",
		                         w.lines[i] + strlen(cfg->file) + 1);
	}
	config_errors_clear(&w);
}

/* keepalived's form (no link-local first) loads with a warning that says what adverts carry;
 * the RFC form loads without one. */
static void linklocal_not_first_warns(void **state)
{
	static const char *const t[][2] = {
	    {"\"fd00::100/64\"",
	     "3: warning: instance \"v6\": virtual_addresses[0] is not link-local: adverts will "
	     "list fd00::100 as written, as keepalived does (RFC 9568 5.2.9 puts a link-local "
	     "virtual address first)"},
	    {"\"fd00::100/64\", \"fe80::51\"",
	     "3: warning: instance \"v6\": virtual_addresses[0] is not link-local: adverts will "
	     "list fd00::100, fe80::51 as written, as keepalived does (RFC 9568 5.2.9 puts a "
	     "link-local virtual address first)"},
	    {"\"fec0::1\", \"fd00::2\", \"fd00::3\", \"fd00::4\", \"fd00::5\"",
	     "3: warning: instance \"v6\": virtual_addresses[0] is not link-local: adverts will "
	     "list fec0::1, fd00::2, fd00::3, fd00::4, ... as written, as keepalived does (RFC "
	     "9568 5.2.9 puts a link-local virtual address first)"},
	    {"\"fe80::51\", \"fd00::100/64\"", ""},
	    {"\"198.18.0.1\"", ""},
	};
	char err[1024], warn[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct vipd_config *cfg = load_vips(t[i][0], err, sizeof(err));

		assert_non_null(cfg);
		assert_int_equal(config_keepalived_list(&cfg->instances[0]), t[i][1][0] != '\0');
		warnings(cfg, warn, sizeof(warn));
		assert_string_equal(warn, t[i][1]);
		config_free(cfg);
	}
}

/* Errors in the address list stay errors. */
static void bad_first_address_fails(void **state)
{
	static const char *const t[][2] = {
	    /* Only the first address is judged, and only when it is an address at all. */
	    {"\"nonsense\", \"fd00::1\"",
	     "3: instances[0].virtual_addresses[0]: \"nonsense\" is not an address (ADDR or "
	     "ADDR/PLEN)"},
	    {"\"198.18.0.1\", \"fd00::1\"",
	     "3: instances[0].virtual_addresses[1]: \"fd00::1\" is IPv6 but the instance is IPv4"},
	};
	char err[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_null(load_vips(t[i][0], err, sizeof(err)));
		assert_string_equal(err, t[i][1]);
	}
}

/* The warning names the file's line of the address, not of the instance. */
static void warning_line_is_the_address_line(void **state)
{
	char err[1024], warn[1024];
	struct vipd_config *cfg;

	(void)state;
	cfg = load("instances = (\n"
	           "  { name = \"v6\"; interface = \"eth0\"; vrid = 51;\n"
	           "    virtual_addresses = [\n"
	           "      \"fd00::100/64\",\n"
	           "      \"fd00::101/64\" ];\n"
	           "  }\n"
	           ");\n",
	           err, sizeof(err));
	assert_non_null(cfg);
	warnings(cfg, warn, sizeof(warn));
	assert_string_equal(warn, "4: warning: instance \"v6\": virtual_addresses[0] is not "
	                          "link-local: adverts will list fd00::100, fd00::101 as written, "
	                          "as keepalived does (RFC 9568 5.2.9 puts a link-local virtual "
	                          "address first)");
	config_free(cfg);
}

/* A link-local address belongs to its link: two interfaces may both use fe80::51, one may not
 * have it twice; global addresses stay unique everywhere. */
static void linklocal_scoped_to_interface(void **state)
{
	char err[1024];
	struct vipd_config *cfg;

	(void)state;
	cfg = load("instances = (\n"
	           "  { name = \"a\"; interface = \"eth0\"; vrid = 1; virtual_addresses = [ "
	           "\"fe80::51\", \"fd00::1\" ]; },\n"
	           "  { name = \"b\"; interface = \"eth0.10\"; vrid = 1; virtual_addresses = [ "
	           "\"fe80::51\", \"fd00:10::1\" ]; }\n"
	           ");\n",
	           err, sizeof(err));
	assert_non_null(cfg);
	config_free(cfg);

	assert_null(load("instances = (\n"
	                 "  { name = \"a\"; interface = \"eth0\"; vrid = 1; virtual_addresses = [ "
	                 "\"fe80::51\", \"fd00::1\" ]; },\n"
	                 "  { name = \"b\"; interface = \"eth0\"; vrid = 2; virtual_addresses = [ "
	                 "\"fe80::51\" ]; },\n"
	                 "  { name = \"c\"; interface = \"eth1\"; vrid = 3; virtual_addresses = [ "
	                 "\"fe80::53\", \"fd00::1\" ]; }\n"
	                 ");\n",
	                 err, sizeof(err)));
	assert_string_equal(err, "3: instances[1].virtual_addresses[0]: fe80::51 is also in "
	                         "instance \"a\" at line 2\n"
	                         "4: instances[2].virtual_addresses[1]: fd00::1 is also in "
	                         "instance \"a\" at line 2");
}

/* The printed config of an IPv6 instance reads back the same (link-local first kept). */
static void print_keeps_order(void **state)
{
	static const char *const forms[] = {
	    "\"fe80::51/64\", \"fd00::100/64\"", /* the RFC form */
	    "\"fd00::100/64\", \"fe80::51/64\"", /* keepalived's: the list as written */
	};
	struct vipd_config *cfgs[2];

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		char err[1024], *text = NULL;
		size_t len = 0;
		struct vipd_config *b;
		FILE *f;

		cfgs[k] = load_vips(forms[k], err, sizeof(err));
		assert_non_null(cfgs[k]);
		f = open_memstream(&text, &len);
		assert_non_null(f);
		config_print(cfgs[k], f);
		fclose(f);
		b = load(text, err, sizeof(err));
		assert_non_null(b);
		assert_true(config_instance_equal(&cfgs[k]->instances[0], &b->instances[0]));
		assert_int_equal(config_keepalived_list(&b->instances[0]), k == 1);
		free(text);
		config_free(b);
	}
	/* A reload from one form to the other is a change of the instance. */
	assert_false(config_instance_equal(&cfgs[0]->instances[0], &cfgs[1]->instances[0]));
	config_free(cfgs[0]);
	config_free(cfgs[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(linklocal_first_loads),
	    cmocka_unit_test(linklocal_not_first_warns),
	    cmocka_unit_test(bad_first_address_fails),
	    cmocka_unit_test(warning_line_is_the_address_line),
	    cmocka_unit_test(linklocal_scoped_to_interface),
	    cmocka_unit_test(print_keeps_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
