/* instance_batch: N instances that take over in one loop iteration queue their VIP changes, and
 * the flush hands them to the kernel in one apply call (the daemon's one netlink batch), each
 * instance then told its own results: a failed change counts, logs and retries on its instance
 * alone. Without a batch, one call per instance (the daemon before batching). */
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
#include "vipd/instance_batch.h"
#include "vipd/loop.h"

#define N 50

static struct instance ins[N];
static struct vipd_instance_config cfgs[N];
static struct vip_addr nvip[N];
static struct instance_batch batch;
static unsigned calls;
static size_t changes;
static int fail_at = -1; /* the change of the batch the kernel refuses */
static bool no_vips;     /* take_over: instances without a virtual address */

static int count_apply(void *ctx, struct nl_change *ch, size_t n)
{
	int failed = 0;

	(void)ctx;
	calls++;
	changes += n;
	for (size_t i = 0; i < n; i++) {
		ch[i].error = (int)i == fail_at ? -EPERM : 0;
		failed += ch[i].error != 0;
	}
	return failed;
}

static int quiet_send(void *ctx, struct instance *in, const union vip_in *src,
                      const union vip_in *dst, const uint8_t *msg, size_t len)
{
	(void)ctx, (void)in, (void)src, (void)dst, (void)msg, (void)len;
	return 0;
}

static int quiet_announce(void *ctx, struct instance *in, const struct vip_addr *vip,
                          const char *dev)
{
	(void)ctx, (void)in, (void)vip, (void)dev;
	return 0;
}

/* The fake kernel of these N instances: adverts and announcements go, batches are counted. */
static const struct instance_io quiet_io = {
    .send = quiet_send, .apply = count_apply, .announce = quiet_announce};

static int batch_setup(void **state)
{
	setup(state);
	memset(ins, 0, sizeof(ins));
	memset(&batch, 0, sizeof(batch));
	calls = 0;
	changes = 0;
	fail_at = -1;
	no_vips = false;
	return 0;
}

static int batch_teardown(void **state)
{
	for (size_t i = 0; i < N; i++) {
		loop_timer_cancel(lp, &ins[i].fsm_timer);
		loop_timer_cancel(lp, &ins[i].garp_timer);
		loop_timer_cancel(lp, &ins[i].retry_timer);
	}
	instance_batch_free(&batch);
	return teardown(state);
}

/* Start N backups with io, then expire every Master_Down_Timer in one go: N new masters. */
static void take_over(const struct instance_io *io)
{
	for (size_t i = 0; i < N; i++) {
		char a[32];

		snprintf(a, sizeof(a), "198.18.0.%zu/24", 100 + i);
		nvip[i] = pfx(a);
		cfgs[i] = cfg;
		snprintf(cfgs[i].name, sizeof(cfgs[i].name), "vi%zu", i);
		cfgs[i].vrid = (uint8_t)(i + 1);
		cfgs[i].vips = &nvip[i];
		if (no_vips)
			cfgs[i].nvips = 0;
		instance_init(&ins[i], &cfgs[i], &ifc, lp, io);
		instance_start(&ins[i], now_ns);
		assert_int_equal(ins[i].fsm.state, VRRP_STATE_BACKUP);
	}
	for (size_t i = 0; i < N; i++) {
		ins[i].fsm_timer.cb(ins[i].fsm_timer.arg, ins[i].fsm_timer.deadline);
		assert_int_equal(ins[i].fsm.state, VRRP_STATE_MASTER);
	}
}

static void one_batch_for_all(void **state)
{
	struct instance_io io = quiet_io;

	(void)state;
	io.batch = &batch;
	take_over(&io);
	assert_int_equal(calls, 0); /* nothing waited for the kernel during the iteration */
	assert_int_equal(instance_batch_pending(&batch), N);
	instance_batch_flush(&batch, count_apply, NULL);
	assert_int_equal(calls, 1);
	assert_int_equal(changes, N);
	assert_int_equal(batch.flushes, 1);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(instance_origin(&ins[i].vip_origin, 0), VIP_ADDED);
		assert_int_equal(ins[i].stats.nl_errors, 0);
		assert_false(loop_timer_armed(&ins[i].retry_timer));
	}
	instance_batch_flush(&batch, count_apply, NULL); /* nothing left: no call */
	assert_int_equal(calls, 1);
}

/* The kernel refuses instance 7's VIP: instance 7 alone counts it and retries. */
static void failure_told_to_its_instance(void **state)
{
	struct instance_io io = quiet_io;

	(void)state;
	io.batch = &batch;
	take_over(&io);
	fail_at = 7;
	instance_batch_flush(&batch, count_apply, NULL);
	assert_int_equal(calls, 1);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(ins[i].stats.nl_errors, i == 7);
		assert_int_equal(loop_timer_armed(&ins[i].retry_timer), i == 7);
		assert_int_equal(instance_origin(&ins[i].vip_origin, 0),
		                 i == 7 ? VIP_ABSENT : VIP_ADDED);
	}
	/* the retry applies at once, alone, and succeeds */
	fail_at = -1;
	now_ns = ins[7].retry_timer.deadline;
	loop_timer_cancel(lp, &ins[7].retry_timer); /* as the loop does before the callback */
	ins[7].retry_timer.cb(ins[7].retry_timer.arg, now_ns);
	assert_int_equal(calls, 2);
	assert_int_equal(instance_origin(&ins[7].vip_origin, 0), VIP_ADDED);
	assert_false(loop_timer_armed(&ins[7].retry_timer));
}

/* Without a batch (io.batch NULL) each instance waits for the kernel alone: N calls. */
static void without_batch_one_call_each(void **state)
{
	struct instance_io io = quiet_io;

	(void)state;
	take_over(&io);
	assert_int_equal(calls, N);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(instance_origin(&ins[i].vip_origin, 0), VIP_ADDED);
}

/* Instances without a virtual address (notify-driven) queue nothing to change: the flush makes
 * no call and touches no buffer (under UBSan, a memcpy from a NULL batch was a report and an
 * abort of vipd in 40 and 56). */
static void nothing_to_change(void **state)
{
	struct instance_io io = quiet_io;

	(void)state;
	io.batch = &batch;
	no_vips = true;
	take_over(&io);
	instance_batch_flush(&batch, count_apply, NULL);
	assert_int_equal(calls, 0);
	assert_int_equal(changes, 0);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(ins[i].fsm.state, VRRP_STATE_MASTER);
		assert_int_equal(ins[i].stats.nl_errors, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(one_batch_for_all, batch_setup, batch_teardown),
	    cmocka_unit_test_setup_teardown(failure_told_to_its_instance, batch_setup,
	                                    batch_teardown),
	    cmocka_unit_test_setup_teardown(without_batch_one_call_each, batch_setup,
	                                    batch_teardown),
	    cmocka_unit_test_setup_teardown(nothing_to_change, batch_setup, batch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
