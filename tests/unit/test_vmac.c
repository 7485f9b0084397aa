/* Unit tests for vmac.c without root or network: VMAC names and MACs (RFC 9568 7.3), and the
 * sysctl helpers and parent ARP settings against a fake /proc/sys tree in a temporary directory. */
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
#include <sys/stat.h>
#include <unistd.h>

#include "vipd/config.h"
#include "vipd/vmac.h"

static char root[64];

/* Write text to ROOT/net/TREE/conf/IF/KEY, making the directories. */
static void put(const char *tree, const char *ifname, const char *key, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/net", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/net/%s", root, tree);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/net/%s/conf", root, tree);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/net/%s/conf/%s", root, tree, ifname);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/net/%s/conf/%s/%s", root, tree, ifname, key);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The integer in ROOT/net/ipv4/conf/IF/KEY. */
static int get4(const char *ifname, const char *key)
{
	char err[256];
	int v = -42;

	assert_int_equal(vmac_sysctl_get(AF_INET, ifname, key, &v, err, sizeof(err)), 0);
	return v;
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vipd-test-vmac-XXXXXX");
	assert_non_null(mkdtemp(root));
	vmac_sysctl_root(root);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	vmac_sysctl_root(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void test_names(void **state)
{
	char name[IF_NAMESIZE];

	(void)state;
	config_vmac_name(AF_INET, 51, name);
	assert_string_equal(name, "vrrp.51");
	config_vmac_name(AF_INET6, 51, name);
	assert_string_equal(name, "vrrp6.51");
	config_vmac_name(AF_INET, 1, name);
	assert_string_equal(name, "vrrp.1");
	config_vmac_name(AF_INET6, 255, name);
	assert_string_equal(name, "vrrp6.255");
}

static void test_macs(void **state)
{
	static const uint8_t v4[6] = {0x00, 0x00, 0x5e, 0x00, 0x01, 0x33};
	static const uint8_t v6[6] = {0x00, 0x00, 0x5e, 0x00, 0x02, 0xff};
	uint8_t mac[6];

	(void)state;
	vmac_mac(AF_INET, 51, mac);
	assert_memory_equal(mac, v4, 6);
	vmac_mac(AF_INET6, 255, mac);
	assert_memory_equal(mac, v6, 6);
}

static void test_sysctl_get_set(void **state)
{
	char err[256];
	int v;

	(void)state;
	put("ipv4", "eth0", "arp_ignore", "0\n");
	put("ipv6", "eth0", "accept_ra", "1\n");
	assert_int_equal(get4("eth0", "arp_ignore"), 0);
	assert_int_equal(vmac_sysctl_set(AF_INET, "eth0", "arp_ignore", 1, err, sizeof(err)), 0);
	assert_int_equal(get4("eth0", "arp_ignore"), 1);
	/* af picks the tree. */
	assert_int_equal(vmac_sysctl_get(AF_INET6, "eth0", "accept_ra", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 1);
	assert_int_equal(vmac_sysctl_set(AF_INET6, "eth0", "accept_ra", 0, err, sizeof(err)), 0);
	assert_int_equal(vmac_sysctl_get(AF_INET6, "eth0", "accept_ra", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 0);
}

static void test_sysctl_errors(void **state)
{
	char err[256];
	int v;

	(void)state;
	/* A missing file names its path. */
	assert_int_equal(vmac_sysctl_get(AF_INET, "eth9", "arp_ignore", &v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/net/ipv4/conf/eth9/arp_ignore"));
	assert_int_equal(vmac_sysctl_set(AF_INET, "eth9", "arp_ignore", 1, err, sizeof(err)), -1);
	/* Not a number. */
	put("ipv4", "eth0", "junk", "abc\n");
	assert_int_equal(vmac_sysctl_get(AF_INET, "eth0", "junk", &v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a number"));
	/* A name that would leave the interface's directory. */
	assert_int_equal(vmac_sysctl_get(AF_INET, "../all", "arp_ignore", &v, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "bad name"));
}

static void test_parent_setup_restore(void **state)
{
	struct vmac_parent_saved saved;
	char err[256];

	(void)state;
	put("ipv4", "eth0", "arp_ignore", "0\n");
	put("ipv4", "eth0", "arp_filter", "0\n");
	put("ipv4", "eth0", "arp_announce", "1\n");
	assert_int_equal(vmac_parent_setup("eth0", &saved, err, sizeof(err)), 0);
	assert_int_equal(saved.arp_ignore, 0);
	assert_int_equal(saved.arp_filter, 0);
	assert_int_equal(saved.arp_announce, 1);
	assert_int_equal(get4("eth0", "arp_ignore"), 1);
	assert_int_equal(get4("eth0", "arp_filter"), 1);
	assert_int_equal(get4("eth0", "arp_announce"), 2);

	/* Again without saving (a parent that came back): the saved values stay the first ones. */
	assert_int_equal(vmac_parent_setup("eth0", NULL, err, sizeof(err)), 0);
	assert_int_equal(saved.arp_ignore, 0);

	assert_int_equal(vmac_parent_restore("eth0", &saved, err, sizeof(err)), 0);
	assert_int_equal(get4("eth0", "arp_ignore"), 0);
	assert_int_equal(get4("eth0", "arp_filter"), 0);
	assert_int_equal(get4("eth0", "arp_announce"), 1);
}

static void test_parent_missing(void **state)
{
	struct vmac_parent_saved saved = {7, 7, 7};
	char err[256];

	(void)state;
	put("ipv4", "eth0", "arp_ignore", "0\n");
	/* arp_filter is missing: an error, and nothing was changed. */
	assert_int_equal(vmac_parent_setup("eth0", &saved, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "arp_filter"));
	assert_int_equal(get4("eth0", "arp_ignore"), 0);
	assert_int_equal(saved.arp_ignore, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_macs),
	    cmocka_unit_test_setup_teardown(test_sysctl_get_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sysctl_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_parent_setup_restore, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_parent_missing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
