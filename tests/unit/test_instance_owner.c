/* Unit tests for the addresses an instance must not take: VIPs that were on the interface before
 * vipd (an add that found them, EEXIST) are never deleted, the owner may use its VIP as its only
 * address, and the advert source is never another instance's VIP and prefers a primary address.
 * Driven through the fake kernel of instance_fixture.h. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/if_addr.h>
#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"
#include "vipd/instance_reconfig.h"

/* The address deletes in the log from index from on; returns how many, the addresses at out. */
static size_t deletes(size_t from, struct vip_addr *out, size_t max)
{
	size_t n = 0;

	for (size_t i = from; i < fk.n; i++)
		for (size_t k = 0; fk.log[i].kind == IO_APPLY && k < fk.log[i].n; k++)
			if (fk.log[i].op[k] == NL_ADDR_DEL && n < max)
				out[n++] = fk.log[i].addr[k];
	return n;
}

/* A VIP the add found there (EEXIST) is left alone at FAULT and at stop; one it created is
 * deleted. */
static void eexist_vip_never_deleted(void **state)
{
	struct vip_addr del[MAXV];
	size_t from;

	(void)state;
	cfg.nvips = 2;
	fk.add_err[0] = -EEXIST;
	become_master();
	assert_int_equal(instance_origin(&inst.vip_origin, 0), VIP_FOREIGN);
	assert_int_equal(instance_origin(&inst.vip_origin, 1), VIP_ADDED);
	assert_false(loop_timer_armed(&inst.retry_timer));

	from = fk.n;
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(deletes(from, del, MAXV), 1);
	assert_true(addr_equal(&del[0], &vips[1]));

	/* Back as master, then a stop: the same. */
	ifc.running = true;
	instance_iface_changed(&inst, now_ns);
	run_until(now_ns + 10 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	from = fk.n;
	instance_stop(&inst, now_ns);
	assert_int_equal(deletes(from, del, MAXV), 1);
	assert_true(addr_equal(&del[0], &vips[1]));
}

/* An EEXIST on the retry of a batch whose add had created the VIP is still ours. */
static void eexist_after_own_add_is_ours(void **state)
{
	struct vip_addr del[MAXV];
	size_t from;

	(void)state;
	cfg.nvips = 2;
	fk.add_err[1] = -EPERM;
	become_master();
	assert_true(loop_timer_armed(&inst.retry_timer));
	fk.add_err[0] = -EEXIST;
	fk.add_err[1] = 0;
	run_until(inst.retry_timer.deadline);
	assert_false(loop_timer_armed(&inst.retry_timer));
	assert_int_equal(instance_origin(&inst.vip_origin, 0), VIP_ADDED);
	from = fk.n;
	instance_stop(&inst, now_ns);
	assert_int_equal(deletes(from, del, MAXV), 2);
}

/* A reload that puts a new VIP in front keeps the mark with its address. */
static void foreign_mark_follows_reload(void **state)
{
	struct vipd_instance_config cfg2;
	struct vip_addr vips2[2];
	struct vip_addr del[MAXV];
	size_t from;

	(void)state;
	fk.add_err[0] = -EEXIST;
	become_master();
	fk.add_err[0] = 0;
	vips2[0] = pfx("198.18.0.102/24");
	vips2[1] = vips[0];
	cfg2 = cfg;
	cfg2.vips = vips2;
	cfg2.nvips = 2;
	instance_reconfig_apply(&inst, &cfg2, now_ns);
	assert_int_equal(instance_origin(&inst.vip_origin, 0), VIP_ADDED);
	assert_int_equal(instance_origin(&inst.vip_origin, 1), VIP_FOREIGN);
	from = fk.n;
	instance_stop(&inst, now_ns);
	assert_int_equal(deletes(from, del, MAXV), 1);
	assert_true(addr_equal(&del[0], &vips2[0]));
	/* Dropped from the config by a reload: still not deleted. */
	fk.add_err[0] = -EEXIST;
	become_master();
	fk.add_err[0] = 0;
	from = fk.n;
	cfg2.nvips = 1;
	instance_reconfig_apply(&inst, &cfg2, now_ns);
	assert_int_equal(deletes(from, del, MAXV), 0);
}

/* RFC 9568 4.1: the owner's VIP is its own address; the only one is enough to run. */
static void owner_runs_on_its_vip_alone(void **state)
{
	(void)state;
	cfg.priority = 255;
	vips[0] = ifaddrs[0];
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_memory_equal(&inst.primary, &ifaddrs[0].in, 4);
	assert_advert(first_kind(IO_SEND, 0), 255);
	/* A non-owner with the same list has no source: FAULT. */
	instance_stop(&inst, now_ns);
	cfg.priority = 150;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
}

/* Another instance's VIP listed before the real address is never the advert source. */
static void primary_skips_other_instances_vips(void **state)
{
	struct vip_addr all[2];

	(void)state;
	ifaddrs[1] = ifaddrs[0];
	ifaddrs[0] = pfx("198.18.0.200/24"); /* the VIP of another instance, now master */
	ifc.naddrs = 2;
	all[0] = vips[0];
	all[1] = ifaddrs[0];
	ifc.all_vips = all;
	ifc.nall_vips = 2;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_memory_equal(&inst.primary, &me, 4);
	/* The real address gone, that VIP is no source either. */
	ifc.naddrs = 1;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
}

/* A primary address is preferred to a secondary listed first (it goes with its primary). */
static void primary_prefers_primary_addresses(void **state)
{
	struct nl_addr_meta meta[3] = {{.flags = IFA_F_SECONDARY}, {.flags = 0}, {.flags = 0}};

	(void)state;
	ifaddrs[1] = pfx("198.18.1.1/24");
	ifaddrs[0] = pfx("198.18.0.7/24");
	ifc.naddrs = 2;
	ifc.meta = meta;
	start();
	assert_memory_equal(&inst.primary, &ifaddrs[1].in, 4);
	/* Promoted (the flag cleared), the first listed wins again. */
	meta[0].flags = 0;
	instance_iface_changed(&inst, now_ns);
	assert_memory_equal(&inst.fsm.cfg.primary, &ifaddrs[0].in, 4);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(eexist_vip_never_deleted),           T(eexist_after_own_add_is_ours),
	    T(foreign_mark_follows_reload),        T(owner_runs_on_its_vip_alone),
	    T(primary_skips_other_instances_vips), T(primary_prefers_primary_addresses),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
