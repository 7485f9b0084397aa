/* Unit tests for the vmac and vmac_xmit_base keys: default, parsing, type errors with their line,
 * printing and comparing, and the VMAC name rules (names, not VRIDs, must differ). */
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

/* An instance group on one line: NAME on IFACE with VRID, its VIP (family from it) and EXTRA
 * keys. Two of them make a file whose instance k (0 or 1) sits on line k + 2. */
#define INST(name, iface, vrid, vip, extra)                                                        \
	"  { name = \"" name "\"; interface = \"" iface "\"; vrid = " #vrid                        \
	"; virtual_addresses = [ \"" vip "\" ]; " extra " }"

/* Load text; returns the config or NULL, with the errors (without the file name) joined by
 * newlines in got (at least 1024 bytes). */
static struct vipd_config *load(const char *text, char *got)
{
	char path[] = "/tmp/vipd-test-vmac-XXXXXX";
	struct config_errors errs = {0};
	struct vipd_config *cfg;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cfg = config_load(path, &errs);
	got[0] = '\0';
	for (size_t i = 0; i < errs.n; i++) {
		assert_memory_equal(errs.lines[i], path, strlen(path));
		snprintf(got + strlen(got), 1024 - strlen(got), "%s%s", i ? "\n" : "",
		         errs.lines[i] + strlen(path) + 1);
	}
	config_errors_clear(&errs);
	unlink(path);
	assert_true((cfg == NULL) == (got[0] != '\0'));
	return cfg;
}

static void test_default_off(void **state)
{
	char got[1024];
	struct vipd_config *cfg =
	    load("instances = (\n" INST("web", "eth0", 51, "198.18.0.100/24", "") "\n);\n", got);

	(void)state;
	assert_non_null(cfg);
	assert_false(cfg->instances[0].vmac);
	config_free(cfg);
}

static void test_on_both_families(void **state)
{
	char got[1024];
	/* One VRID per family may share the number: their VMACs are vrrp.51 and vrrp6.51. */
	struct vipd_config *cfg = load(
	    "instances = (\n" INST("v4", "eth0", 51, "198.18.0.100/24", "vmac = true;") ",\n" INST(
	        "v6", "eth0", 51, "fe80::51", "vmac = true;") "\n);\n",
	    got);

	(void)state;
	assert_non_null(cfg);
	assert_true(cfg->instances[0].vmac);
	assert_true(cfg->instances[1].vmac);
	config_free(cfg);
}

static void test_type_error(void **state)
{
	char got[1024];

	(void)state;
	assert_null(load("instances = (\n" INST("web", "eth0", 51, "198.18.0.100/24",
	                                        "vmac = [ \"yes\" ];") "\n);\n",
	                 got));
	assert_string_equal(got, "2: instances[0].vmac: expected a boolean or an interface name, "
	                         "got an array");
	assert_null(
	    load("instances = (\n" INST("web", "eth0", 51, "198.18.0.100/24", "vmac = 1;") "\n);\n",
	         got));
	assert_non_null(strstr(got, "vmac"));
}

/* What --dump-config writes of cfg; the caller frees it. */
static char *print_text(const struct vipd_config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	config_print(cfg, out);
	fclose(out);
	return text;
}

static void test_print_round_trip(void **state)
{
	char got[1024], *text;
	struct vipd_config *a, *b;

	(void)state;
	a = load("instances = (\n" INST("web", "eth0", 51, "198.18.0.100/24",
	                                "vmac = true;") ",\n" INST("api", "eth0", 52,
	                                                           "198.18.0.101/24", "") "\n);\n",
	         got);
	assert_non_null(a);
	text = print_text(a);
	assert_non_null(strstr(text, "vmac = true;"));
	assert_non_null(strstr(text, "vmac = false;"));
	b = load(text, got);
	assert_non_null(b);
	assert_true(config_instance_equal(&a->instances[0], &b->instances[0]));
	assert_true(config_instance_equal(&a->instances[1], &b->instances[1]));
	/* A reload that turns vmac on or off restarts the instance. */
	b->instances[0].vmac = false;
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	free(text);
	config_free(a);
	config_free(b);
}

static void test_same_vmac_twice(void **state)
{
	char got[1024];

	(void)state;
	assert_null(load(
	    "instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24", "vmac = true;") ",\n" INST(
	        "b", "eth1", 51, "198.19.0.100/24", "vmac = true;") "\n);\n",
	    got));
	assert_string_equal(got, "3: instances[1].vmac: VMAC vrrp.51 is also used by instance "
	                         "\"a\" at line 2 (on eth0): give one of them another name "
	                         "(vmac = \"NAME\")");
}

static void test_same_vrid_one_vmac(void **state)
{
	char got[1024];
	/* Only one of them has a VMAC: no name clash. */
	struct vipd_config *cfg = load(
	    "instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24", "vmac = true;") ",\n" INST(
	        "b", "eth1", 51, "198.19.0.100/24", "") "\n);\n",
	    got);

	(void)state;
	assert_non_null(cfg);
	config_free(cfg);
}

static void test_runs_on_a_vmac(void **state)
{
	char got[1024];

	(void)state;
	/* A later instance on an earlier one's VMAC... */
	assert_null(load(
	    "instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24", "vmac = true;") ",\n" INST(
	        "b", "vrrp.51", 52, "198.19.0.100/24", "") "\n);\n",
	    got));
	assert_string_equal(got,
	                    "3: instances[1].interface: vrrp.51 is the VMAC of instance \"a\" at "
	                    "line 2");
	/* ...and an earlier instance on a later one's. */
	assert_null(
	    load("instances = (\n" INST("b", "vrrp6.7", 52, "198.19.0.100/24", "") ",\n" INST(
	             "a", "eth0", 7, "fe80::7", "vmac = true;") "\n);\n",
	         got));
	assert_string_equal(got, "3: instances[1].vmac: vrrp6.7 would be this instance's VMAC, "
	                         "but instance \"b\" at line 2 runs on it");
}

/* The clashes are found among many instances (the load looks earlier instances up by name):
 * fillers between the two of a clash, an instance that clashes with two earlier ones, and a
 * first candidate passed over (the same VRID on the same interface, reported by its vrid) for
 * a later one. Instance k sits on line k + 2. */
static void test_clash_among_many(void **state)
{
	char text[8192], got[1024];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(
	    text + n, sizeof(text) - n,
	    "instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24", "vmac = \"x1\";") ",\n");
	for (int k = 1; k <= 30; k++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		                      "  { name = \"f%d\"; interface = \"eth%d\"; vrid = %d; "
		                      "virtual_addresses = [ \"198.19.1.%d\" ]; %s },\n",
		                      k, k % 3 + 2, k, k, k % 2 ? "vmac = true;" : "");
	n += (size_t)snprintf(
	    text + n, sizeof(text) - n,
	    INST("b", "eth9", 9, "198.18.1.100/24", "vmac = \"x1\";") ",\n" INST(
	        "c", "eth0", 51, "198.18.2.100/24",
	        "vmac = \"x1\";") ",\n" INST("d", "x1", 60, "198.18.3.100/24",
	                                     "") ",\n" INST("e", "eth5", 61, "198.18.4.100/24",
	                                                    "vmac = \"eth4\";") "\n);\n");
	assert_true(n < sizeof(text));
	assert_null(load(text, got));
	assert_string_equal(
	    got, "33: instances[31].vmac: VMAC x1 is also used by instance \"a\" at line 2 (on "
	         "eth0): give one of them another name (vmac = \"NAME\")\n"
	         "34: duplicate vrid 51 on interface eth0 (also instance \"a\" at line 2)\n"
	         "34: instances[32].vmac: VMAC x1 is also used by instance \"b\" at line 33 (on "
	         "eth9): give one of them another name (vmac = \"NAME\")\n"
	         "35: instances[33].interface: x1 is the VMAC of instance \"a\" at line 2\n"
	         "36: instances[34].vmac: eth4 would be this instance's VMAC, but instance "
	         "\"f2\" at line 4 runs on it");
}

/* keepalived's use_vmac NAME: one VRID with a VMAC on each of two VLAN interfaces. */
static void test_named_per_vlan(void **state)
{
	char got[1024];
	struct vipd_config *cfg =
	    load("instances = (\n" INST(
	             "v5", "eth0.5", 51, "198.18.5.100/24",
	             "vmac = \"vrrp.eth0.5.51\";") ",\n" INST("v6", "eth0.6", 51, "198.18.6.100/24",
	                                                      "vmac = \"vrrp.eth0.6.51\"; "
	                                                      "vmac_xmit_base = true;") "\n);\n",
	         got);

	(void)state;
	assert_non_null(cfg);
	assert_true(cfg->instances[0].vmac);
	assert_string_equal(cfg->instances[0].vmac_name, "vrrp.eth0.5.51");
	assert_false(cfg->instances[0].vmac_xmit_base);
	assert_string_equal(cfg->instances[1].vmac_name, "vrrp.eth0.6.51");
	assert_true(cfg->instances[1].vmac_xmit_base);
	config_free(cfg);
	/* vmac = true keeps its old name. */
	cfg = load("instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24",
	                                  "vmac = true;") ",\n" INST("b", "eth0", 9, "fd00::9",
	                                                             "vmac = true;") "\n);\n",
	           got);
	assert_non_null(cfg);
	assert_string_equal(cfg->instances[0].vmac_name, "vrrp.51");
	assert_string_equal(cfg->instances[1].vmac_name, "vrrp6.9");
	config_free(cfg);
}

/* Names the kernel refuses (IFNAMSIZ, charset), a clash and vmac_xmit_base alone, each at its
 * line. */
static void test_name_errors(void **state)
{
	char got[1024];

	(void)state;
	assert_null(load("instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24",
	                                        "vmac = \"vrrp.eth0.123.51\";") "\n);\n",
	                 got));
	assert_string_equal(got, "2: instances[0].vmac: \"vrrp.eth0.123.51\" is longer than 15 "
	                         "characters");
	assert_null(load("instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24",
	                                        "vmac = \"vrrp 51\";") "\n);\n",
	                 got));
	assert_string_equal(got, "2: instances[0].vmac: \"vrrp 51\": an interface name of letters, "
	                         "digits, '_', '.' and '-'");
	assert_null(load(
	    "instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24", "vmac = \"..\";") "\n);\n",
	    got));
	assert_non_null(strstr(got, "2: instances[0].vmac: \"..\": an interface name"));
	assert_null(load(
	    "instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24", "vmac = \"\";") "\n);\n",
	    got));
	assert_string_equal(got, "2: instances[0].vmac: must not be empty");
	assert_null(load(
	    "instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24", "vmac = \"eth0\";") "\n);\n",
	    got));
	assert_string_equal(got, "2: instances[0].vmac: eth0 is the instance's own interface");
	/* The same name on two interfaces (one written, one the default). */
	assert_null(load(
	    "instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24", "vmac = true;") ",\n" INST(
	        "b", "eth1", 52, "198.19.0.100/24", "vmac = \"vrrp.51\";") "\n);\n",
	    got));
	assert_string_equal(got, "3: instances[1].vmac: VMAC vrrp.51 is also used by instance "
	                         "\"a\" at line 2 (on eth0): give one of them another name "
	                         "(vmac = \"NAME\")");
	assert_null(load("instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24",
	                                        "vmac_xmit_base = true;") "\n);\n",
	                 got));
	assert_string_equal(got,
	                    "2: instances[0].vmac_xmit_base: needs vmac (adverts leave from the "
	                    "interface anyway)");
	assert_null(load("instances = (\n" INST("a", "eth0", 51, "198.18.0.100/24",
	                                        "vmac = true; vmac_xmit_base = 1;") "\n);\n",
	                 got));
	assert_string_equal(got,
	                    "2: instances[0].vmac_xmit_base: expected a boolean, got an integer");
}

/* A name prints as a string and reads back equal; a rename or vmac_xmit_base is a difference. */
static void test_named_round_trip(void **state)
{
	char got[1024], *text;
	struct vipd_config *a, *b;

	(void)state;
	a = load(
	    "instances = (\n" INST("web", "eth0.5", 51, "198.18.0.100/24",
	                           "vmac = \"vrrp.eth0.5.51\"; vmac_xmit_base = true;") "\n);\n",
	    got);
	assert_non_null(a);
	text = print_text(a);
	assert_non_null(strstr(text, "vmac = \"vrrp.eth0.5.51\";"));
	assert_non_null(strstr(text, "vmac_xmit_base = true;"));
	b = load(text, got);
	assert_non_null(b);
	assert_true(config_instance_equal(&a->instances[0], &b->instances[0]));
	strcpy(b->instances[0].vmac_name, "vrrp.51");
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	strcpy(b->instances[0].vmac_name, "vrrp.eth0.5.51");
	b->instances[0].vmac_xmit_base = false;
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	free(text);
	config_free(a);
	config_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_off),      cmocka_unit_test(test_on_both_families),
	    cmocka_unit_test(test_type_error),       cmocka_unit_test(test_print_round_trip),
	    cmocka_unit_test(test_same_vmac_twice),  cmocka_unit_test(test_same_vrid_one_vmac),
	    cmocka_unit_test(test_runs_on_a_vmac),   cmocka_unit_test(test_clash_among_many),
	    cmocka_unit_test(test_named_per_vlan),   cmocka_unit_test(test_name_errors),
	    cmocka_unit_test(test_named_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
