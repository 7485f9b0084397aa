/* Unit tests for the startup delay of an instance (startup_delay) on the fake kernel: no
 * takeover by timeout before the delay, counted from in->startup_origin (vipd's start or the
 * boot), the time left in the status, and a reload that changes the delay. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "instance_fixture.h"
#include "vipd/instance_reconfig.h"

#define DELAY (1 * MT_SEC) /* 20 advert intervals, far beyond Master_Down_Interval */

/* Start "web" (no master on the link) with the delay counted from origin. */
static void start_from(monotime origin)
{
	cfg.startup_delay = DELAY;
	instance_init(&inst, &cfg, &ifc, lp, &fake_io);
	inst.startup_origin = origin;
	instance_start(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
}

static double remaining(void)
{
	struct json_object *v;

	if (st)
		json_object_put(st);
	st = instance_status(&inst, now_ns);
	assert_true(json_object_object_get_ex(st, "startup_delay_remaining", &v));
	return json_object_get_double(v);
}

/* No master: Backup (hearing nothing) until the delay ends, then Master at once. */
static void takes_over_at_end(void **state)
{
	(void)state;
	start_from(now_ns);
	run_until(T0 + DELAY / 2);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(count_kind(IO_APPLY, 0), 0);
	assert_int_equal(count_kind(IO_SEND, 0), 0);
	assert_float_equal(remaining(), 0.5, 1e-9);
	run_until(T0 + DELAY);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(fk.log[0].at, T0 + DELAY);
	assert_float_equal(remaining(), 0, 1e-9);
}

/* A master heard during the delay is followed as usual; it stays Backup after the delay. */
static void follows_master(void **state)
{
	(void)state;
	start_from(now_ns);
	while (now_ns < T0 + DELAY + 10 * IV) {
		rx(3, 200, &peer_hi);
		run_until(now_ns + IV);
	}
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_true(inst.fsm.master_known);
	assert_int_equal(count_kind(IO_APPLY, 0), 0);
}

/* Counted from the boot (an origin long ago): a delay already over holds nothing. */
static void over_since_boot(void **state)
{
	(void)state;
	start_from(now_ns - 2 * DELAY);
	assert_int_equal(inst.fsm.startup_until, 0);
	run_until(T0 + 4 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_float_equal(remaining(), 0, 1e-9);
}

/* A reload that removes the delay while the timer waits for it: Master at once. */
static void reload_ends_delay(void **state)
{
	static struct vipd_instance_config ncfg;

	(void)state;
	start_from(now_ns);
	run_until(T0 + DELAY / 4);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	ncfg = cfg;
	ncfg.startup_delay = 0;
	assert_false(instance_reconfig_restarts(&inst, &ncfg));
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	run_until(now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(fk.log[0].at, T0 + DELAY / 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(takes_over_at_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(follows_master, setup, teardown),
	    cmocka_unit_test_setup_teardown(over_since_boot, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_ends_delay, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
