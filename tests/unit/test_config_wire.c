/* Unit tests for the wire keys of an instance (config_wire.c): auth_pass, unicast_source,
 * unicast_peers and unicast_ttl_check — good values, every error with its line, printing and
 * comparing. */
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

/* An IPv4 instance whose line 4 is KEYS (and line 5 MORE):
 *   1 instances = (
 *   2   { name = "web"; interface = "eth0"; vrid = 51;
 *   3     virtual_addresses = [ "198.18.0.100/24" ];
 *   4     KEYS
 *   5     MORE
 *   6   }
 *   7 ); */
/* An IPv4 (or IPv6) instance whose line 4 is KEYS and line 5 MORE:
 *   1 instances = (
 *   2   { name = "web"; interface = "eth0"; vrid = 51;
 *   3     virtual_addresses = [ "198.18.0.100/24" ];   (IPv6: "fe80::51", "fd00::100/64")
 *   4     KEYS
 *   5     MORE
 *   6   }
 *   7 ); */
enum family { V4, V6 };

static void compose(char *buf, size_t len, enum family f, const char *keys, const char *more)
{
	snprintf(buf, len,
	         "instances = (\n"
	         "  { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	         "    virtual_addresses = [ %s ];\n"
	         "    %s\n"
	         "    %s\n"
	         "  }\n"
	         ");\n",
	         f == V6 ? "\"fe80::51\", \"fd00::100/64\"" : "\"198.18.0.100/24\"", keys, more);
}

/* The instance of family f with keys on lines 4 and 5; it must load. */
static struct vipd_config *good(enum family f, const char *keys, const char *more)
{
	char text[4096], *msgs;
	struct vipd_config *cfg;

	compose(text, sizeof(text), f, keys, more);
	cfg = config_fixture_load(text, &msgs);
	if (!cfg)
		fail_msg("%s: %s", keys, msgs);
	free(msgs);
	return cfg;
}

/* The instance of family f with keys on lines 4 and 5 must fail with exactly want (lines
 * joined by \n). */
static void bad(enum family f, const char *keys, const char *more, const char *want)
{
	char text[16384], *msgs;

	compose(text, sizeof(text), f, keys, more);
	assert_null(config_fixture_load(text, &msgs));
	if (strcmp(msgs, want) != 0)
		fail_msg("%s\n  got:  %s\n  want: %s", keys, msgs, want);
	free(msgs);
}

static void auth_pass_good(void **state)
{
	struct vipd_config *c;

	(void)state;
	c = good(V4, "version = 2; auth_pass = \"s3cret\";", "");
	assert_string_equal(c->instances[0].auth_pass, "s3cret");
	config_free(c);
	c = good(V4, "version = \"2+3\";", "auth_pass = \"8 chars!\";");
	assert_string_equal(c->instances[0].auth_pass, "8 chars!");
	config_free(c);
	c = good(V4, "version = 2;", "");
	assert_string_equal(c->instances[0].auth_pass, ""); /* Auth Type 0 */
	config_free(c);
}

static void auth_pass_errors(void **state)
{
	static const char *const t[][2] = {
	    {"auth_pass = \"s3cret\";", "4: instances[0].auth_pass: applies to VRRP version 2 only "
	                                "(set version = 2 or \"2+3\")"},
	    {"version = 3; auth_pass = \"s3cret\";",
	     "4: instances[0].auth_pass: applies to VRRP version 2 only (set version = 2 or "
	     "\"2+3\")"},
	    {"version = 2; auth_pass = \"\";",
	     "4: instances[0].auth_pass: must not be empty (leave the key out for none)"},
	    /* the secret is not repeated in the message */
	    {"version = 2; auth_pass = \"123456789\";",
	     "4: instances[0].auth_pass: is longer than 8 characters"},
	    {"version = 2; auth_pass = 1234;",
	     "4: instances[0].auth_pass: expected a string, got an integer"},
	    {"version = 2; auth_pass = \"a\\tb\";",
	     "4: instances[0].auth_pass: contains a control character"},
	    /* a bad version is reported alone */
	    {"version = 4; auth_pass = \"x\";",
	     "4: instances[0].version: 4 is not 2, 3 or \"2+3\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		bad(V4, t[i][0], "", t[i][1]);
}

static void auth_type_good(void **state)
{
	struct vipd_config *c;

	(void)state;
	c = good(V4, "version = 2; auth_pass = \"s3cret\";", "auth_type = \"ah\";");
	assert_string_equal(c->instances[0].auth_pass, "s3cret");
	assert_true(c->instances[0].auth_ah);
	config_free(c);
	/* "pass" is the default, written or not; unicast AH as keepalived's */
	c = good(V4, "version = 2; auth_pass = \"s3cret\";", "auth_type = \"pass\";");
	assert_false(c->instances[0].auth_ah);
	config_free(c);
	c = good(V4, "version = 2; auth_pass = \"s3cret\"; auth_type = \"ah\";",
	         "unicast_peers = [ \"198.18.0.2\" ];");
	assert_true(c->instances[0].auth_ah);
	assert_int_equal(c->instances[0].npeers, 1);
	config_free(c);
	c = good(V4, "version = 2; auth_pass = \"s3cret\"; auth_type = \"ah\";", "vmac = true;");
	assert_true(c->instances[0].auth_ah && c->instances[0].vmac);
	config_free(c);
}

static void auth_type_errors(void **state)
{
	static const char *const t[][3] = {
	    {"version = 2; auth_pass = \"s3cret\";", "auth_type = \"AH\";",
	     "5: instances[0].auth_type: \"AH\" is not \"pass\" or \"ah\""},
	    {"version = 2; auth_pass = \"s3cret\";", "auth_type = 2;",
	     "5: instances[0].auth_type: expected a string, got an integer"},
	    {"version = 2;", "auth_type = \"ah\";",
	     "5: instances[0].auth_type: needs auth_pass (the password or key)"},
	    {"version = \"2+3\"; auth_pass = \"s3cret\";", "auth_type = \"ah\";",
	     "5: instances[0].auth_type: \"ah\" applies to version = 2 only (keepalived's AH is "
	     "VRRPv2)"},
	    /* a version 3 instance: auth_pass says so, alone */
	    {"version = 3; auth_pass = \"s3cret\";", "auth_type = \"ah\";",
	     "4: instances[0].auth_pass: applies to VRRP version 2 only (set version = 2 or "
	     "\"2+3\")"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		bad(V4, t[i][0], t[i][1], t[i][2]);
}

/* AH is keepalived's VRRPv2 and VRRPv2 is IPv4 only: an IPv6 instance asking for it (a VMAC
 * changes nothing) is refused at a line that says why, whatever its version. */
static void auth_type_ipv6(void **state)
{
	static const char *const t[][3] = {
	    {"auth_pass = \"s3cret\"; auth_type = \"ah\";", "vmac = true;",
	     "4: instances[0].auth_pass: applies to VRRP version 2 only (set version = 2 or "
	     "\"2+3\")"},
	    {"version = 3; auth_pass = \"s3cret\"; auth_type = \"ah\";",
	     "vmac = true; vmac_xmit_base = true;",
	     "4: instances[0].auth_pass: applies to VRRP version 2 only (set version = 2 or "
	     "\"2+3\")"},
	    {"version = \"2+3\"; auth_pass = \"s3cret\";", "auth_type = \"ah\"; vmac = true;",
	     "3: instances[0].virtual_addresses[0]: \"fe80::51\" is IPv6 but VRRP version 2 is "
	     "IPv4 only\n"
	     "5: instances[0].auth_type: \"ah\" applies to version = 2 only (keepalived's AH is "
	     "VRRPv2)"},
	    {"version = 2; auth_pass = \"s3cret\";", "auth_type = \"ah\"; vmac = true;",
	     "3: instances[0].virtual_addresses[0]: \"fe80::51\" is IPv6 but VRRP version 2 is "
	     "IPv4 only"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		bad(V6, t[i][0], t[i][1], t[i][2]);
}

static void unicast_good(void **state)
{
	struct vipd_config *c;
	const struct vipd_instance_config *in;
	char buf[ADDR_STRLEN];

	(void)state;
	c = good(V4, "unicast_peers = [ \"198.18.0.2\", \"198.18.0.3\" ];", "");
	in = &c->instances[0];
	assert_int_equal(in->npeers, 2);
	assert_string_equal(addr_format_in(AF_INET, &in->unicast_peers[1], buf, sizeof(buf)),
	                    "198.18.0.3");
	assert_false(in->has_unicast_source); /* the interface primary */
	assert_true(in->unicast_ttl_check);
	assert_int_equal(in->unicast_ttl, 255);
	config_free(c);

	/* unicast_ttl: what the adverts leave with, for a peer beyond routers */
	c = good(V4, "unicast_peers = [ \"198.18.0.2\" ]; unicast_ttl = 3;", "");
	assert_int_equal(c->instances[0].unicast_ttl, 3);
	config_fixture_round_trip(c);
	{
		struct vipd_config *d = good(V4, "unicast_peers = [ \"198.18.0.2\" ];", "");

		assert_false(config_instance_equal(&c->instances[0], &d->instances[0]));
		config_free(d);
	}
	config_free(c);

	c = good(V4, "unicast_source = \"198.18.0.1\"; unicast_ttl_check = false;",
	         "unicast_peers = ( \"198.18.0.2\" ); version = 2; auth_pass = \"pw\";");
	in = &c->instances[0];
	assert_true(in->has_unicast_source);
	assert_string_equal(addr_format_in(AF_INET, &in->unicast_source, buf, sizeof(buf)),
	                    "198.18.0.1");
	assert_int_equal(in->npeers, 1);
	assert_false(in->unicast_ttl_check);
	config_free(c);

	c = good(V6, "unicast_peers = [ \"fe80::2\", \"fd00::2\" ];",
	         "unicast_source = \"fd00::1\";");
	in = &c->instances[0];
	assert_int_equal(in->npeers, 2);
	assert_string_equal(addr_format_in(AF_INET6, &in->unicast_peers[0], buf, sizeof(buf)),
	                    "fe80::2");
	assert_string_equal(addr_format_in(AF_INET6, &in->unicast_source, buf, sizeof(buf)),
	                    "fd00::1");
	config_free(c);

	/* a peer written with its host prefix length, as keepalived configs do: the host */
	c = good(V4, "unicast_peers = [ \"198.18.0.2/32\", \"198.18.0.3\" ];", "");
	in = &c->instances[0];
	assert_int_equal(in->npeers, 2);
	assert_string_equal(addr_format_in(AF_INET, &in->unicast_peers[0], buf, sizeof(buf)),
	                    "198.18.0.2");
	config_free(c);
	{
		/* the same config as the plain form: a reload from one to the other is no change,
		 * and --dump-config writes the plain host */
		struct vipd_config *plain = good(V4, "unicast_peers = [ \"198.18.0.2\" ];", "");

		c = good(V4, "unicast_peers = [ \"198.18.0.2/32\" ];", "");
		assert_true(config_instance_equal(&c->instances[0], &plain->instances[0]));
		config_fixture_round_trip(c);
		config_free(plain);
		config_free(c);
	}
	c = good(V6, "unicast_peers = [ \"fd00::2/128\" ];", "");
	assert_string_equal(
	    addr_format_in(AF_INET6, &c->instances[0].unicast_peers[0], buf, sizeof(buf)),
	    "fd00::2");
	config_free(c);

	/* multicast: no peers, the TTL check on */
	c = good(V4, "", "");
	assert_null(c->instances[0].unicast_peers);
	assert_int_equal(c->instances[0].npeers, 0);
	assert_true(c->instances[0].unicast_ttl_check);
	config_free(c);
}

static void unicast_errors(void **state)
{
	static const char *const t[][2] = {
	    {"unicast_peers = [];",
	     "4: instances[0].unicast_peers: must not be empty (leave the key out for multicast)"},
	    {"unicast_peers = ();",
	     "4: instances[0].unicast_peers: must not be empty (leave the key out for multicast)"},
	    {"unicast_peers = \"198.18.0.2\";",
	     "4: instances[0].unicast_peers: expected an array of strings, got a string"},
	    {"unicast_peers = [ 1 ];",
	     "4: instances[0].unicast_peers[0]: expected a string, got an integer"},
	    {"unicast_peers = [ \"198.18.0.2\", \"nonsense\" ];",
	     "4: instances[0].unicast_peers[1]: \"nonsense\" is not an address"},
	    {"unicast_peers = [ \"198.18.0.2/24\" ];",
	     "4: instances[0].unicast_peers[0]: \"198.18.0.2/24\": a peer is one host, its prefix "
	     "length can only be /32"},
	    {"unicast_peers = [ \"198.18.0.2/0\" ];",
	     "4: instances[0].unicast_peers[0]: \"198.18.0.2/0\": a peer is one host, its prefix "
	     "length can only be /32"},
	    {"unicast_peers = [ \"198.18.0.2/33\" ];",
	     "4: instances[0].unicast_peers[0]: \"198.18.0.2/33\" is not an address"},
	    {"unicast_peers = [ \"198.18.0.2/\" ];",
	     "4: instances[0].unicast_peers[0]: \"198.18.0.2/\" is not an address"},
	    /* the same host with and without its /32 */
	    {"unicast_peers = [ \"198.18.0.2\", \"198.18.0.2/32\" ];",
	     "4: instances[0].unicast_peers[1]: duplicate peer \"198.18.0.2/32\""},
	    /* unicast_source takes no prefix length: it is an address of this node */
	    {"unicast_peers = [ \"198.18.0.2\" ]; unicast_source = \"198.18.0.1/32\";",
	     "4: instances[0].unicast_source: \"198.18.0.1/32\" is not an address"},
	    {"unicast_peers = [ \"224.0.0.18\" ];",
	     "4: instances[0].unicast_peers[0]: \"224.0.0.18\" is not a unicast host address"},
	    {"unicast_peers = [ \"fd00::2\" ];",
	     "4: instances[0].unicast_peers[0]: \"fd00::2\" is IPv6 but the instance is IPv4"},
	    {"unicast_peers = [ \"198.18.0.100\" ];",
	     "4: instances[0].unicast_peers[0]: \"198.18.0.100\" is a virtual address of this "
	     "instance"},
	    {"unicast_peers = [ \"198.18.0.2\", \"198.18.0.3\", \"198.18.0.2\" ];",
	     "4: instances[0].unicast_peers[2]: duplicate peer \"198.18.0.2\""},
	    {"unicast_source = \"198.18.0.1\";",
	     "4: instances[0].unicast_source: needs unicast_peers"},
	    {"unicast_ttl_check = false;",
	     "4: instances[0].unicast_ttl_check: needs unicast_peers"},
	    {"unicast_ttl_check = true;", "4: instances[0].unicast_ttl_check: needs unicast_peers"},
	    {"unicast_ttl = 2;", "4: instances[0].unicast_ttl: needs unicast_peers"},
	    {"unicast_peers = [ \"198.18.0.2\" ]; unicast_ttl = 0;",
	     "4: instances[0].unicast_ttl: 0 is out of range 1..255"},
	    {"unicast_peers = [ \"198.18.0.2\" ]; unicast_ttl = 256;",
	     "4: instances[0].unicast_ttl: 256 is out of range 1..255"},
	    {"unicast_peers = [ \"198.18.0.2\" ]; unicast_ttl_check = 1;",
	     "4: instances[0].unicast_ttl_check: expected a boolean, got an integer"},
	    {"unicast_peers = [ \"198.18.0.2\" ]; unicast_source = \"198.18.0.2\";",
	     "4: instances[0].unicast_source: \"198.18.0.2\" is also in unicast_peers"},
	    {"unicast_peers = [ \"198.18.0.2\" ]; unicast_source = \"fd00::1\";",
	     "4: instances[0].unicast_source: \"fd00::1\" is IPv6 but the instance is IPv4"},
	    {"unicast_peers = [ \"198.18.0.2\" ]; unicast_source = \"198.18.0.100\";",
	     "4: instances[0].unicast_source: \"198.18.0.100\" is a virtual address of this "
	     "instance"},
	    {"unicast_peers = [ \"198.18.0.2\" ]; unicast_source = \"0.0.0.0\";",
	     "4: instances[0].unicast_source: \"0.0.0.0\" is not a unicast host address"},
	    {"unicast_peers = [ \"198.18.0.2\" ]; unicast_source = [ \"198.18.0.1\" ];",
	     "4: instances[0].unicast_source: expected a string, got an array"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		bad(V4, t[i][0], "", t[i][1]);
	bad(V6, "unicast_peers = [ \"198.18.0.2\" ];", "",
	    "4: instances[0].unicast_peers[0]: \"198.18.0.2\" is IPv4 but the instance is IPv6");
	bad(V6, "unicast_peers = [ \"ff02::12\" ];", "",
	    "4: instances[0].unicast_peers[0]: \"ff02::12\" is not a unicast host address");
}

/* mcast_group and mcast_source of a multicast instance: read, printed, compared */
static void mcast_good(void **state)
{
	struct vipd_config *c, *d;
	const struct vipd_instance_config *in;
	char buf[ADDR_STRLEN], *text = NULL;
	size_t size = 0;
	FILE *f;

	(void)state;
	c = good(V4, "mcast_group = \"239.0.0.18\";", "mcast_source = \"198.18.0.1\";");
	in = &c->instances[0];
	assert_true(in->has_mcast_group);
	assert_string_equal(addr_format_in(AF_INET, &in->mcast_group, buf, sizeof(buf)),
	                    "239.0.0.18");
	assert_true(in->has_unicast_source);
	assert_string_equal(addr_format_in(AF_INET, &in->unicast_source, buf, sizeof(buf)),
	                    "198.18.0.1");
	config_fixture_round_trip(c);
	f = open_memstream(&text, &size);
	config_print(c, f);
	fclose(f);
	assert_non_null(strstr(text, "    mcast_group = \"239.0.0.18\";\n"));
	assert_non_null(strstr(text, "    mcast_source = \"198.18.0.1\";\n"));
	assert_null(strstr(text, "unicast_source"));
	free(text);

	/* the IANA group written out is the default: equal, and not printed */
	d = good(V4, "mcast_group = \"224.0.0.18\";", "mcast_source = \"198.18.0.1\";");
	assert_false(d->instances[0].has_mcast_group);
	{
		struct vipd_config *e = good(V4, "", "mcast_source = \"198.18.0.1\";");

		assert_true(config_instance_equal(&e->instances[0], &d->instances[0]));
		config_free(e);
	}
	assert_false(config_instance_equal(&c->instances[0], &d->instances[0]));
	config_free(d);
	d = good(V4, "mcast_group = \"239.0.0.19\";", "mcast_source = \"198.18.0.1\";");
	assert_false(config_instance_equal(&c->instances[0], &d->instances[0]));
	config_free(d);
	d = good(V4, "mcast_group = \"239.0.0.18\";", "mcast_source = \"198.18.0.1\";");
	assert_true(config_instance_equal(&c->instances[0], &d->instances[0]));
	config_free(d);
	d = good(V4, "mcast_group = \"239.0.0.18\";", "");
	assert_false(config_instance_equal(&c->instances[0], &d->instances[0]));
	assert_false(d->instances[0].has_unicast_source);
	config_free(d);
	config_free(c);

	c = good(V6, "mcast_group = \"ff05::12\";", "mcast_source = \"fe80::1\";");
	in = &c->instances[0];
	assert_string_equal(addr_format_in(AF_INET6, &in->mcast_group, buf, sizeof(buf)),
	                    "ff05::12");
	config_fixture_round_trip(c);
	config_free(c);

	/* by default neither */
	c = good(V4, "", "");
	assert_false(c->instances[0].has_mcast_group);
	assert_false(c->instances[0].has_unicast_source);
	config_free(c);
}

static void mcast_errors(void **state)
{
	static const char *const t[][2] = {
	    {"mcast_group = \"198.18.0.2\";",
	     "4: instances[0].mcast_group: \"198.18.0.2\" is not a multicast address"},
	    {"mcast_group = \"239.0.0.18/32\";",
	     "4: instances[0].mcast_group: \"239.0.0.18/32\" is not a multicast address"},
	    {"mcast_group = \"ff02::12\";",
	     "4: instances[0].mcast_group: \"ff02::12\" is IPv6 but the instance is IPv4"},
	    {"mcast_group = 1;", "4: instances[0].mcast_group: expected a string, got an integer"},
	    {"mcast_group = \"239.0.0.18\"; unicast_peers = [ \"198.18.0.2\" ];",
	     "4: instances[0].mcast_group: applies to multicast instances (leave out "
	     "unicast_peers)"},
	    {"mcast_source = \"198.18.0.1\"; unicast_peers = [ \"198.18.0.2\" ];",
	     "4: instances[0].mcast_source: applies to multicast instances (with unicast_peers, "
	     "use unicast_source)"},
	    {"mcast_source = \"224.0.0.18\";",
	     "4: instances[0].mcast_source: \"224.0.0.18\" is not a unicast host address"},
	    {"mcast_source = \"198.18.0.100\";",
	     "4: instances[0].mcast_source: \"198.18.0.100\" is a virtual address of this "
	     "instance"},
	    {"mcast_source = \"fd00::1\";",
	     "4: instances[0].mcast_source: \"fd00::1\" is IPv6 but the instance is IPv4"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		bad(V4, t[i][0], "", t[i][1]);
	bad(V6, "mcast_source = \"fd00::1\";", "",
	    "4: instances[0].mcast_source: \"fd00::1\": IPv6 adverts leave from a link-local "
	    "address");
	bad(V6, "mcast_group = \"224.0.0.18\";", "",
	    "4: instances[0].mcast_group: \"224.0.0.18\" is IPv4 but the instance is IPv6");
}

/* Several errors: each on its own line, in line order, every one reported. */
static void errors_carry_their_lines(void **state)
{
	(void)state;
	bad(V4, "unicast_peers = [ \"198.18.0.2\",\n      \"fd00::9\" ];",
	    "unicast_source = \"198.18.0.2\"; auth_pass = \"x\";",
	    "5: instances[0].unicast_peers[1]: \"fd00::9\" is IPv6 but the instance is IPv4\n"
	    "6: instances[0].auth_pass: applies to VRRP version 2 only (set version = 2 or "
	    "\"2+3\")\n"
	    "6: instances[0].unicast_source: \"198.18.0.2\" is also in unicast_peers");
}

static void too_many_peers(void **state)
{
	char keys[8192];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(keys + n, sizeof(keys) - n, "unicast_peers = [");
	for (int i = 0; i < 256; i++)
		n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s\"198.18.%d.%d\"",
		                      i ? "," : "", 1 + i / 200, 1 + i % 200);
	snprintf(keys + n, sizeof(keys) - n, "];");
	bad(V4, keys, "", "4: instances[0].unicast_peers: 256 peers, at most 255");
}

/* Print the config, load it back: equal. Each wire key on its own makes a difference. */
static void print_and_compare(void **state)
{
	static const char *const variants[][2] = {
	    {"version = 2; auth_pass = \"a\\\"b\\\\c\";", ""},
	    {"version = 2; auth_pass = \"a\\\"b\\\\d\";", ""},
	    {"version = 2; auth_pass = \"a\\\"b\\\\c\";", "auth_type = \"ah\";"},
	    {"unicast_peers = [ \"198.18.0.2\", \"198.18.0.3\" ];", ""},
	    {"unicast_peers = [ \"198.18.0.3\", \"198.18.0.2\" ];", ""},
	    {"unicast_peers = [ \"198.18.0.2\", \"198.18.0.3\" ];", "unicast_ttl_check = false;"},
	    {"unicast_peers = [ \"198.18.0.2\", \"198.18.0.3\" ];",
	     "unicast_source = \"198.18.0.1\";"},
	    {"unicast_peers = [ \"198.18.0.2\", \"198.18.0.3\" ];",
	     "unicast_source = \"198.18.0.9\";"},
	    {"", ""},
	};
	struct vipd_config *c[9];
	size_t nv = sizeof(variants) / sizeof(variants[0]);

	(void)state;
	for (size_t i = 0; i < nv; i++) {
		char *text = NULL;
		size_t size = 0;
		FILE *f = open_memstream(&text, &size);

		c[i] = good(V4, variants[i][0], variants[i][1]);
		config_fixture_round_trip(c[i]);
		config_print(c[i], f);
		fclose(f);
		if (i == 0)
			assert_non_null(strstr(text, "auth_pass = \"a\\\"b\\\\c\";"));
		if (i == 2)
			assert_non_null(strstr(text, "auth_type = \"ah\";"));
		if (i == 6) {
			assert_non_null(strstr(text, "unicast_source = \"198.18.0.1\";"));
			assert_non_null(
			    strstr(text, "unicast_peers = [ \"198.18.0.2\", \"198.18.0.3\" ];"));
			assert_non_null(strstr(text, "unicast_ttl_check = true;"));
		}
		if (i == nv - 1) /* a multicast instance prints no unicast key */
			assert_null(strstr(text, "unicast"));
		free(text);
	}
	for (size_t i = 0; i < nv; i++)
		for (size_t j = 0; j < nv; j++)
			assert_int_equal(
			    config_instance_equal(&c[i]->instances[0], &c[j]->instances[0]),
			    i == j);
	for (size_t i = 0; i < nv; i++)
		config_free(c[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(auth_pass_good),
	    cmocka_unit_test(auth_pass_errors),
	    cmocka_unit_test(auth_type_good),
	    cmocka_unit_test(auth_type_errors),
	    cmocka_unit_test(auth_type_ipv6), /* AH with IPv6 refused */
	    cmocka_unit_test(unicast_good),
	    cmocka_unit_test(unicast_errors),
	    cmocka_unit_test(mcast_good),
	    cmocka_unit_test(mcast_errors),
	    cmocka_unit_test(errors_carry_their_lines),
	    cmocka_unit_test(too_many_peers),
	    cmocka_unit_test(print_and_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
