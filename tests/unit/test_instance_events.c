/* The instance's side of the event stream on the fake kernel: a failed change reaches
 * io->nl_failed with its text and the kernel's error (the daemon records it as a netlink
 * event), and the time spent in each state adds up for `vipctl history`. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "instance_fixture.h"
#include "vipd/instance.h"

static struct instance_io io;
static char failed_text[256];
static int failed_error, failed_calls;

static void rec_nl_failed(void *ctx, struct instance *in, const struct nl_change *c,
                          const char *text)
{
	assert_ptr_equal(ctx, &fk);
	assert_ptr_equal(in, &inst);
	failed_calls++;
	failed_error = c->error;
	snprintf(failed_text, sizeof(failed_text), "%s", text);
}

static void start_with_io(void)
{
	io = fake_io;
	io.nl_failed = rec_nl_failed;
	failed_calls = 0;
	instance_init(&inst, &cfg, &ifc, lp, &io);
	instance_start(&inst, now_ns);
}

static void failed_change_is_told(void **state)
{
	(void)state;
	fk.add_err[0] = -EPERM;
	start_with_io();
	fire_next(); /* the Master_Down_Timer: MASTER, the VIP add fails */
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(failed_calls, 1);
	assert_int_equal(failed_error, -EPERM);
	assert_string_equal(failed_text, "add 198.18.0.100/24");
	fk.add_err[0] = 0;
	run_until(inst.retry_timer.deadline);
	assert_int_equal(failed_calls, 1); /* the retry worked: nothing more */
}

static void time_in_each_state(void **state)
{
	monotime t_backup, t_master;

	(void)state;
	start_with_io();
	t_backup = now_ns;
	t_master = fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	/* The start from INIT is not counted (nothing before it); BACKUP until the takeover. */
	assert_int_equal(inst.stats.in_state[VRRP_STATE_INIT], 0);
	assert_int_equal(inst.stats.in_state[VRRP_STATE_BACKUP], t_master - t_backup);
	now_ns = t_master + 7 * MT_SEC;
	instance_stop(&inst, now_ns);
	assert_int_equal(inst.stats.in_state[VRRP_STATE_MASTER], 7 * MT_SEC);
	assert_int_equal(inst.stats.in_state[VRRP_STATE_BACKUP], t_master - t_backup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(failed_change_is_told, setup, teardown),
	    cmocka_unit_test_setup_teardown(time_in_each_state, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
