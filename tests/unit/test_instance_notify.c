/* Unit tests for notify_master_rx_lower_pri in instance.c: the pure decision
 * (instance_receive_rx_lower_due) and, through the fake kernel and clock of instance_fixture.h, a Master
 * hearing a lower priority told to io->master_rx_lower at most once per INSTANCE_RX_LOWER_GAP,
 * before the FSM acts on the advert. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "instance_fixture.h"

static unsigned told;
static enum vrrp_state told_in;

static void fake_rx_lower(void *ctx, struct instance *in)
{
	(void)ctx;
	told++;
	told_in = in->fsm.state;
}

static void due_rule(void **state)
{
	const monotime t = 50 * MT_SEC;

	(void)state;
	assert_true(instance_receive_rx_lower_due(VRRP_STATE_MASTER, 150, 100, 0, t));
	assert_true(instance_receive_rx_lower_due(VRRP_STATE_MASTER, 150, 149, 0, t));
	/* Equal or higher, priority 0 (a resignation), or not Master: no. */
	assert_false(instance_receive_rx_lower_due(VRRP_STATE_MASTER, 150, 150, 0, t));
	assert_false(instance_receive_rx_lower_due(VRRP_STATE_MASTER, 150, 200, 0, t));
	assert_false(instance_receive_rx_lower_due(VRRP_STATE_MASTER, 150, 0, 0, t));
	assert_false(instance_receive_rx_lower_due(VRRP_STATE_BACKUP, 150, 100, 0, t));
	assert_false(instance_receive_rx_lower_due(VRRP_STATE_FAULT, 150, 100, 0, t));
	/* Rate limit: not before INSTANCE_RX_LOWER_GAP since the last run. */
	assert_false(
	    instance_receive_rx_lower_due(VRRP_STATE_MASTER, 150, 100, t, t + INSTANCE_RX_LOWER_GAP - 1));
	assert_true(
	    instance_receive_rx_lower_due(VRRP_STATE_MASTER, 150, 100, t, t + INSTANCE_RX_LOWER_GAP));
}

/* A healed split brain: our master hears the other master (lower) advertise every IV for 3 s;
 * the script is asked for at once, then once per INSTANCE_RX_LOWER_GAP, and we stay master. */
static void master_hears_lower(void **state)
{
	struct instance_io io = fake_io;
	monotime t0, end;

	(void)state;
	io.master_rx_lower = fake_rx_lower;
	told = 0;
	cfg.notify_master_rx_lower_pri = (char *)"/bin/true";
	instance_init(&inst, &cfg, &ifc, lp, &io);
	instance_start(&inst, now_ns);
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	t0 = now_ns;
	rx(3, 100, &peer_lo);
	assert_int_equal(told, 1);
	assert_int_equal(told_in, VRRP_STATE_MASTER);
	end = t0 + 3 * MT_SEC;
	while (now_ns + IV < end) {
		run_until(now_ns + IV);
		rx(3, 100, &peer_lo);
	}
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	/* At t0, t0 + 1 s, t0 + 2 s: 3 runs in 3 s of adverts every 50 ms. */
	assert_int_equal(told, 3);
	/* A higher priority or a resignation asks for nothing. */
	run_until(now_ns + INSTANCE_RX_LOWER_GAP);
	rx(3, 0, &peer_lo);
	assert_int_equal(told, 3);
}

/* Without the key, or as Backup, nothing is asked. */
static void not_configured_or_backup(void **state)
{
	struct instance_io io = fake_io;

	(void)state;
	io.master_rx_lower = fake_rx_lower;
	told = 0;
	instance_init(&inst, &cfg, &ifc, lp, &io);
	instance_start(&inst, now_ns);
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	rx(3, 100, &peer_lo);
	assert_int_equal(told, 0);
	cfg.notify_master_rx_lower_pri = (char *)"/bin/true";
	rx(3, 200, &peer_hi); /* we become Backup */
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	rx(3, 100, &peer_lo);
	assert_int_equal(told, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(due_rule),
	    T(master_hears_lower),
	    T(not_configured_or_backup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
