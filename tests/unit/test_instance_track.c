/* Unit tests for instance_set_tracking through the fake kernel: a priority drop while Master is
 * advertised at once, a tracking FAULT releases the VIPs with a priority-0 advert, leaving it
 * goes to Backup, and an owner keeps 255 but still faults; track_link = false (ignore_link):
 * the interface's link state puts the instance in no FAULT. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "instance_fixture.h"
#include "vipd/instance_reconfig.h"

static void priority_change_advertised_at_once(void **state)
{
	monotime t;
	size_t from;

	(void)state;
	t = become_master();
	now_ns = t + 10 * MT_MSEC; /* between two adverts */
	from = fk.n;
	instance_set_tracking(&inst, -60, false, "check svc down", now_ns);
	assert_int_equal(inst.fsm.priority, 90);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(count_kind(IO_SEND, from), 1);
	assert_advert(from, 90);
	assert_int_equal(fk.log[from].at, now_ns);
	/* back up: advertised at once again */
	from = fk.n;
	instance_set_tracking(&inst, 0, false, "", now_ns);
	assert_int_equal(inst.fsm.priority, 150);
	assert_advert(from, 150);
	/* clamps */
	instance_set_tracking(&inst, -500, false, "x", now_ns);
	assert_int_equal(inst.fsm.priority, 1);
	instance_set_tracking(&inst, 500, false, "x", now_ns);
	assert_int_equal(inst.fsm.priority, 254);
	/* no change, nothing sent */
	from = fk.n;
	instance_set_tracking(&inst, 500, false, "x", now_ns);
	assert_int_equal(fk.n, from);
}

static void fault_releases_and_returns_as_backup(void **state)
{
	size_t from;

	(void)state;
	become_master();
	from = fk.n;
	instance_set_tracking(&inst, 0, true, "check db down", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_string_equal(inst.fault_reason, "check db down");
	assert_advert(from, 0);
	assert_true(count_kind(IO_APPLY, from) >= 1);
	assert_false(inst.vips_held);
	/* still faulty: nothing happens */
	from = fk.n;
	instance_set_tracking(&inst, 0, true, "check db down", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(fk.n, from);
	/* cleared: Backup, then Master again when nobody else speaks */
	instance_set_tracking(&inst, 0, false, "", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	run_until(now_ns + 10 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
}

/* With unicast_source (on the interface) a weight-0 check down is a FAULT too: a good source
 * must not end the look at the tracking (the BGP recipe's servers set one). */
static void fault_with_unicast_source(void **state)
{
	(void)state;
	cfg.unicast_source = me;
	cfg.has_unicast_source = true;
	become_master();
	instance_set_tracking(&inst, 0, true, "check db down", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_string_equal(inst.fault_reason, "check db down");
	instance_set_tracking(&inst, 0, false, "", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
}

/* track_link = false: a master whose link goes down stays master, keeps its addresses and goes on
 * advertising (nothing said, nothing removed), the status says link_down; a backup starting on a
 * down link hears nothing and takes over, as keepalived's dont_track_primary. A reload to
 * track_link = true puts the master in FAULT at once. */
static void link_ignored(void **state)
{
	static struct vipd_instance_config tracked;
	struct json_object *v;
	size_t from;

	(void)state;
	cfg.ignore_link = true;
	become_master();
	from = fk.n;
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(fk.n, from);
	assert_true(inst.vips_held);
	run_until(now_ns + 3 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(count_kind(IO_APPLY, from), 0);
	assert_true(count_kind(IO_SEND, from) >= 2);
	st = instance_status(&inst, now_ns);
	assert_true(json_object_object_get_ex(st, "link_down", &v));
	assert_true(json_object_get_boolean(v));

	tracked = cfg;
	tracked.ignore_link = false;
	from = fk.n;
	instance_reconfig_apply(&inst, &tracked, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_string_equal(inst.fault_reason, "interface down");
	/* No priority 0 on the down link: it would leave after a replug, stale. */
	assert_int_equal(inst.stats.prio0_sent, 0);
	assert_int_equal(count_kind(IO_APPLY, from), 1);
	assert_false(inst.vips_held);
}

/* track_link = false on a down link: a master that stops still says priority 0 (the carrier may
 * lie, as with a cross-connect cable); only a tracked link that is down suppresses it. */
static void link_ignored_stop_says_prio0(void **state)
{
	size_t from;

	(void)state;
	cfg.ignore_link = true;
	become_master();
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	from = fk.n;
	instance_stop(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_INIT);
	assert_advert(first_kind(IO_SEND, from), 0);
	assert_int_equal(inst.stats.prio0_sent, 1);
}

static void link_ignored_backup_takes_over(void **state)
{
	(void)state;
	cfg.ignore_link = true;
	ifc.running = false;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	run_until(now_ns + 10 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
}

static void before_start(void **state)
{
	(void)state;
	/* tracking known before the start: the instance starts in FAULT at once */
	instance_init(&inst, &cfg, &ifc, lp, &fake_io);
	instance_set_tracking(&inst, -20, true, "interface eth1 down", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_INIT);
	instance_start(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(inst.fsm.priority, 130);
	instance_set_tracking(&inst, 0, false, "", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(inst.fsm.priority, 150);
}

static void owner_keeps_255(void **state)
{
	(void)state;
	cfg.priority = 255;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	instance_set_tracking(&inst, -100, false, "check x down", now_ns);
	assert_int_equal(inst.fsm.priority, 255);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	instance_set_tracking(&inst, 0, true, "check x down", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	instance_set_tracking(&inst, 0, false, "", now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(priority_change_advertised_at_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(fault_releases_and_returns_as_backup, setup, teardown),
	    cmocka_unit_test_setup_teardown(fault_with_unicast_source, setup, teardown),
	    cmocka_unit_test_setup_teardown(link_ignored, setup, teardown),
	    cmocka_unit_test_setup_teardown(link_ignored_backup_takes_over, setup, teardown),
	    cmocka_unit_test_setup_teardown(link_ignored_stop_says_prio0, setup, teardown),
	    cmocka_unit_test_setup_teardown(before_start, setup, teardown),
	    cmocka_unit_test_setup_teardown(owner_keeps_255, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
