/* Unit tests for instance_admin (vipctl demote / promote) through the fake kernel and clock of
 * instance_fixture.h: what a demoted master sends and when its VIPs go, the status fields, the
 * refusals, and promote bringing the instance back by preemption. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "instance_fixture.h"

/* Status field key of the instance, as an int (booleans 0/1); fails when missing. */
static int status_int(const char *key)
{
	struct json_object *v;

	if (st)
		json_object_put(st);
	st = instance_status(&inst, now_ns);
	assert_true(json_object_object_get_ex(st, key, &v));
	return json_object_get_int(v);
}

/* The new master (peer_hi, priority prio) advertises every IV until end; timers run between. */
static void new_master_until(uint8_t prio, monotime end)
{
	while (now_ns + IV <= end) {
		run_until(now_ns + IV);
		rx(3, prio, &peer_hi);
	}
	run_until(end);
}

static const char *status_state(void)
{
	struct json_object *v;

	if (st)
		json_object_put(st);
	st = instance_status(&inst, now_ns);
	assert_true(json_object_object_get_ex(st, "state", &v));
	return json_object_get_string(v);
}

/* 1. Demote a master: priority 0 at once and each interval with the VIPs in place; the new
 * master's advert makes it Backup, and the VIPs go one grace (100 ms) later, not before. */
static void demoted_master_releases_after_new_master(void **state)
{
	const char *why = NULL;
	monotime t, heard;
	size_t base, k;

	(void)state;
	cfg.nvips = 2;
	t = become_master();
	run_until(t + 210 * MT_MSEC); /* the first announcement burst is over */
	base = fk.n;
	assert_int_equal(instance_admin_demote(&inst, now_ns, &why), 0);
	assert_int_equal(fk.n, base + 1);
	assert_advert(base, 0);
	assert_int_equal(inst.stats.prio0_sent, 1);
	assert_int_equal(status_int("demoted"), 1);
	assert_int_equal(status_int("effective_priority"), 1);
	assert_int_equal(status_int("priority"), 150);
	assert_string_equal(status_state(), "MASTER");

	run_until(now_ns + 2 * IV);
	assert_int_equal(count_kind(IO_SEND, base), 3);
	for (k = base; k < fk.n; k++)
		assert_advert(k, 0);
	assert_int_equal(count_kind(IO_APPLY, base), 0);

	now_ns += 30 * MT_MSEC;
	rx(3, 120, &peer_hi);
	heard = now_ns;
	assert_string_equal(status_state(), "BACKUP");
	assert_int_equal(count_kind(IO_APPLY, base), 0);
	assert_true(inst.vips_held);
	assert_int_equal(status_int("demoted"), 1);

	base = fk.n;
	new_master_until(120, heard + 100 * MT_MSEC - 1);
	assert_int_equal(fk.n, base);
	run_until(heard + 100 * MT_MSEC);
	assert_int_equal(fk.n, base + 1);
	assert_apply(base, NL_ADDR_DEL);
	assert_int_equal(fk.log[base].at, heard + 100 * MT_MSEC);
	assert_false(inst.vips_held);
	new_master_until(120, now_ns + 10 * IV);
	assert_int_equal(count_kind(IO_SEND, base), 0);
	assert_string_equal(status_state(), "BACKUP");
}

/* 2. Promote: priority 150 again; the 120 master is now lower, so the instance preempts at its
 * Master_Down_Interval and adds its VIPs back. */
static void promote_preempts_back(void **state)
{
	const char *why = NULL;
	monotime heard;
	size_t base;

	(void)state;
	become_master();
	instance_admin_demote(&inst, now_ns, &why);
	rx(3, 120, &peer_hi);
	new_master_until(120, now_ns + 200 * MT_MSEC);
	assert_string_equal(status_state(), "BACKUP");

	assert_int_equal(instance_admin_promote(&inst, now_ns, &why), 0);
	assert_int_equal(status_int("demoted"), 0);
	assert_int_equal(status_int("effective_priority"), 150);
	heard = now_ns; /* the last advert accepted: the Master_Down_Timer runs from it */
	base = fk.n;
	new_master_until(120, heard + vrrp_fsm_master_down_interval(3, 1, 5));
	assert_string_equal(status_state(), "MASTER");
	assert_int_equal(inst.fsm.cause, VRRP_CAUSE_PREEMPT);
	/* make before break: the LAN is told before the advert that makes node 2 drop the VIPs */
	assert_apply(base, NL_ADDR_ADD);
	assert_announce_round(base + 1);
	assert_advert(base + 2, 150);
}

/* 3. Nobody takes over: priority 0 until Master_Down_Interval (at priority 1), then the master
 * stays, advertising priority 1, and never drops its VIPs. */
static void handover_runs_out_stays_master(void **state)
{
	const char *why = NULL;
	monotime t, end;
	size_t base, sent;

	(void)state;
	become_master();
	t = now_ns;
	base = fk.n;
	instance_admin_demote(&inst, now_ns, &why);
	end = t + vrrp_fsm_master_down_interval(3, 1, 5);
	run_until(end - 1);
	/* at +0, then on the instance's grid every 50 ms until the handover runs out */
	sent = 1;
	for (monotime at = advert_due(t, IV); at < end; at += IV)
		sent++;
	assert_true(sent == 4 || sent == 5);
	assert_int_equal(count_kind(IO_SEND, base), sent);
	run_until(end + IV);
	assert_int_equal(count_kind(IO_SEND, base), sent + 2);
	assert_advert(fk.n - 2, 1);
	assert_int_equal(fk.log[fk.n - 2].at, end);
	assert_advert(fk.n - 1, 1);
	assert_int_equal(count_kind(IO_APPLY, base), 0);
	assert_string_equal(status_state(), "MASTER");
	assert_int_equal(status_int("demoted"), 1);
}

/* 4. Refusals: the owner cannot be demoted; promote needs a demoted instance. A Backup demoted
 * twice stays demoted; tracking changes while demoted come back with promote. */
static void refusals_and_backup(void **state)
{
	const char *why = NULL;
	size_t base;

	(void)state;
	cfg.priority = 255;
	start();
	assert_int_equal(instance_admin_demote(&inst, now_ns, &why), -1);
	assert_string_equal(why, "address owner (priority 255) cannot be demoted");
	assert_false(inst.demoted);
	assert_int_equal(instance_admin_promote(&inst, now_ns, &why), -1);
	assert_string_equal(why, "not demoted");
	instance_stop(&inst, now_ns);

	cfg.priority = 150;
	start();
	base = fk.n;
	assert_int_equal(instance_admin_demote(&inst, now_ns, &why), 0);
	assert_int_equal(instance_admin_demote(&inst, now_ns, &why), 0);
	assert_int_equal(fk.n, base); /* a Backup sends nothing */
	instance_set_tracking(&inst, -20, false, "check x down", now_ns);
	assert_int_equal(status_int("effective_priority"), 1);
	assert_int_equal(instance_admin_promote(&inst, now_ns, &why), 0);
	assert_int_equal(status_int("effective_priority"), 130);
}

/* A new instance flagged demoted before its start, as a reload restarts one. */
static void start_flagged(void)
{
	instance_init(&inst, &cfg, &ifc, lp, &fake_io);
	inst.demoted = true;
	instance_start(&inst, now_ns);
}

/* 5. A reload restarts a demoted instance: flagged before instance_start, it starts demoted
 * (priority 1, Master_Down_Interval of priority 1); an instance that became the owner is not. */
static void flagged_before_start(void **state)
{
	const char *why = NULL;

	(void)state;
	start_flagged();
	assert_string_equal(status_state(), "BACKUP");
	assert_int_equal(status_int("demoted"), 1);
	assert_int_equal(status_int("effective_priority"), 1);
	assert_int_equal(inst.fsm_timer.deadline, now_ns + vrrp_fsm_master_down_interval(3, 1, 5));
	assert_int_equal(instance_admin_promote(&inst, now_ns, &why), 0);
	assert_int_equal(status_int("effective_priority"), 150);
	instance_stop(&inst, now_ns);

	cfg.priority = 255;
	start_flagged();
	assert_string_equal(status_state(), "MASTER");
	assert_int_equal(status_int("demoted"), 0);
	assert_int_equal(status_int("effective_priority"), 255);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(demoted_master_releases_after_new_master, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(promote_preempts_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(handover_runs_out_stays_master, setup, teardown),
	    cmocka_unit_test_setup_teardown(refusals_and_backup, setup, teardown),
	    cmocka_unit_test_setup_teardown(flagged_before_start, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
