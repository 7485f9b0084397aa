/* Unit tests for what a netlink resync and an interface rename do to an instance: a re-read view
 * (nl_view) that lists the same addresses, in whatever order and after interrupted dumps, makes
 * no transition and no kernel call; an interface renamed away releases through its old index
 * (priority 0, the VIPs deleted on ifindex 2) before FAULT. Driven through the fake kernel of
 * instance_fixture.h. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"
#include "vipd/nl_view.h"

static size_t addrs_cap; /* the room in ifc.addrs (the daemon keeps it in struct daemon_iface) */

static void add_link(struct nl_view *v, const char *name, unsigned ifindex)
{
	struct nl_event ev = {.type = NL_EV_LINK};

	ev.link.ifindex = ifindex;
	ev.link.running = true;
	snprintf(ev.link.name, sizeof(ev.link.name), "%s", name);
	nl_view_collect(v, &ev);
}

static void add_addr(struct nl_view *v, unsigned ifindex, const char *a, uint32_t flags)
{
	struct nl_event ev = {.type = NL_EV_ADDR_NEW, .ifindex = ifindex, .ifa_flags = flags};

	ev.addr = pfx(a);
	nl_view_collect(v, &ev);
}

static void restart(struct nl_view *v, enum nl_event_type what)
{
	struct nl_event ev = {.type = NL_EV_DUMP_RESTART, .restart = what};

	nl_view_collect(v, &ev);
}

/* ifc's addresses on the heap (nl_view_addrs may grow them), starting as n of list. */
static void heap_addrs(const char *const *list, size_t n)
{
	ifc.addrs = calloc(n, sizeof(*ifc.addrs));
	assert_non_null(ifc.addrs);
	for (size_t i = 0; i < n; i++)
		ifc.addrs[i] = pfx(list[i]);
	ifc.naddrs = addrs_cap = n;
}

static void assert_addrs(const char *const *list, size_t n)
{
	assert_int_equal(ifc.naddrs, n);
	for (size_t i = 0; i < n; i++) {
		struct vip_addr want = pfx(list[i]);

		assert_true(addr_equal(&ifc.addrs[i], &want));
	}
}

/* The kernel lists the VIP first, a new address in between; the interrupted first reads (links,
 * then addresses) are forgotten. Kept addresses keep their order, the primary stays, the
 * instance neither changes state nor calls the kernel. */
static void same_view_no_transition(void **state)
{
	static const char *const before[] = {"198.18.0.1/24", "198.18.0.100/24"};
	static const char *const after[] = {"198.18.0.1/24", "198.18.0.100/24", "198.18.0.7/24"};
	struct nl_view v = {0};
	size_t n0, links, addrs;
	uint64_t trans = 0, trans0 = 0;

	(void)state;
	heap_addrs(before, 2);
	become_master();
	n0 = fk.n;
	for (int s = 0; s < VRRP_STATE__COUNT; s++)
		trans0 += inst.stats.transitions[s];

	add_link(&v, "eth0", 9); /* a read the kernel interrupted */
	restart(&v, NL_EV_LINK);
	add_link(&v, "lo", 1);
	add_link(&v, "eth0", 2);
	add_addr(&v, 2, "198.18.0.1/24", 0); /* interrupted again */
	restart(&v, NL_EV_ADDR_NEW);
	add_addr(&v, 2, "198.18.0.100/24", 0);
	add_addr(&v, 1, "127.0.0.1/8", 0);
	add_addr(&v, 2, "198.18.0.7/24", 0);
	add_addr(&v, 2, "198.18.0.1/24", 0);
	assert_false(v.oom);
	nl_view_counts(&v, &links, &addrs);
	assert_int_equal(links, 2);
	assert_int_equal(addrs, 4);
	assert_int_equal(nl_view_link(&v, "eth0", 0)->ifindex, 2);
	assert_string_equal(nl_view_link(&v, NULL, 1)->name, "lo");
	assert_null(nl_view_link(&v, "eth1", 0));

	assert_int_equal(nl_view_addrs(&v, 2, &ifc.addrs, &ifc.meta, &ifc.naddrs, &addrs_cap), 0);
	assert_addrs(after, 3);
	instance_iface_changed(&inst, now_ns);
	nl_view_free(&v);

	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	for (int s = 0; s < VRRP_STATE__COUNT; s++)
		trans += inst.stats.transitions[s];
	assert_int_equal(trans, trans0);
	assert_int_equal(fk.n, n0);
	assert_memory_equal(&inst.primary, &me, sizeof(me));
	free(ifc.addrs);
	free(ifc.meta);
	ifc.meta = NULL;
}

/* An address gone from the view leaves the table; IPv6 ones under DAD or that failed it are not
 * usable sources and stay out; another link's addresses are not ours. */
static void view_drops_what_left(void **state)
{
	static const char *const before[] = {"198.18.0.1/24", "198.18.0.5/24", "fe80::1/64"};
	static const char *const after[] = {"198.18.0.1/24", "fe80::1/64"};
	struct nl_view v = {0};

	(void)state;
	heap_addrs(before, 3);
	add_link(&v, "eth0", 2);
	add_addr(&v, 2, "fe80::1/64", 0);
	add_addr(&v, 2, "fe80::2/64", IFA_F_TENTATIVE);
	add_addr(&v, 2, "fd00::2/64", IFA_F_DADFAILED);
	add_addr(&v, 3, "198.18.0.5/24", 0);
	add_addr(&v, 2, "198.18.0.1/24", 0);
	assert_int_equal(nl_view_addrs(&v, 2, &ifc.addrs, &ifc.meta, &ifc.naddrs, &addrs_cap), 0);
	assert_addrs(after, 2);
	nl_view_free(&v);
	assert_null(v.ev);
	free(ifc.addrs);
	free(ifc.meta);
	ifc.meta = NULL;
}

/* What the view says of each address (secondary, added by vipd) lands beside it, in the order
 * the table keeps, also when the table grows: the primary choice and the start-up clean-up read
 * it. */
static void view_keeps_meta(void **state)
{
	static const char *const before[] = {"198.18.0.1/24", "198.18.0.100/24"};
	struct nl_view v = {0};
	struct nl_event ev = {.type = NL_EV_ADDR_NEW, .ifindex = 2};
	char a[32];

	(void)state;
	heap_addrs(before, 2);
	add_link(&v, "eth0", 2);
	for (int i = 0; i < 20; i++) {
		snprintf(a, sizeof(a), "198.18.1.%d/24", i + 1);
		add_addr(&v, 2, a, i ? IFA_F_SECONDARY : 0);
	}
	ev.addr = pfx("198.18.0.100/24");
	ev.ifa_flags = IFA_F_SECONDARY;
	ev.ifa_proto = NL_IFAPROT_VIPD;
	nl_view_collect(&v, &ev);
	add_addr(&v, 2, "198.18.0.1/24", 0);
	assert_int_equal(nl_view_addrs(&v, 2, &ifc.addrs, &ifc.meta, &ifc.naddrs, &addrs_cap), 0);
	assert_int_equal(ifc.naddrs, 22);
	assert_true(addrs_cap >= 22);
	assert_int_equal(ifc.meta[0].flags, 0);
	assert_int_equal(ifc.meta[0].proto, 0);
	assert_int_equal(ifc.meta[1].flags, IFA_F_SECONDARY);
	assert_int_equal(ifc.meta[1].proto, NL_IFAPROT_VIPD);
	assert_int_equal(ifc.meta[2].flags, 0); /* 198.18.1.1 */
	for (size_t i = 3; i < ifc.naddrs; i++) {
		assert_int_equal(ifc.meta[i].flags, IFA_F_SECONDARY);
		assert_int_equal(ifc.meta[i].proto, 0);
	}
	nl_view_free(&v);
	free(ifc.addrs);
	free(ifc.meta);
	ifc.meta = NULL;
}

/* Renamed away while Master: priority 0 and the VIPs deleted on the old index (2), then FAULT. */
static void rename_releases_through_old_index(void **state)
{
	size_t n0;

	(void)state;
	become_master();
	n0 = fk.n;
	instance_iface_lost(&inst, "interface renamed", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_string_equal(inst.fault_reason, "interface renamed");
	assert_int_equal(count_kind(IO_SEND, n0), 1);
	for (size_t i = n0; i < fk.n; i++) {
		if (fk.log[i].kind == IO_SEND)
			assert_advert(i, 0);
		else if (fk.log[i].kind == IO_APPLY)
			assert_apply(i, NL_ADDR_DEL);
	}
	assert_int_equal(count_kind(IO_APPLY, n0), 1);
	assert_false(inst.vips_held);
	/* The daemon forgets the index next: nothing more to do, FAULT stays. */
	ifc.ifindex = 0;
	n0 = fk.n;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(fk.n, n0);
}

/* A Backup (or an instance already in FAULT) has nothing to release. */
static void rename_on_backup(void **state)
{
	size_t n0;

	(void)state;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	n0 = fk.n;
	instance_iface_lost(&inst, "interface renamed", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(fk.n, n0);
	instance_iface_lost(&inst, "interface renamed", now_ns);
	assert_int_equal(inst.stats.transitions[VRRP_STATE_FAULT], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(same_view_no_transition, setup, teardown),
	    cmocka_unit_test_setup_teardown(view_drops_what_left, setup, teardown),
	    cmocka_unit_test_setup_teardown(view_keeps_meta, setup, teardown),
	    cmocka_unit_test_setup_teardown(rename_releases_through_old_index, setup, teardown),
	    cmocka_unit_test_setup_teardown(rename_on_backup, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
