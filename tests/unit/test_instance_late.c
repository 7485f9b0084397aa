/* Unit tests for instance_late through the fake kernel and clock of instance_fixture.h: the
 * lateness histogram of the protocol timer (buckets, sum, the metrics text) and the rule that
 * logs a run more than half an advert interval late, at most once per INSTANCE_LATE_LOG_GAP. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "instance_fixture.h"
#include "vipd/instance_late.h"
#include "vipd/metrics.h"

static void buckets(void **state)
{
	(void)state;
	assert_int_equal(instance_late_bucket(0), 0);
	assert_int_equal(instance_late_bucket(50 * MT_USEC), 0);
	assert_int_equal(instance_late_bucket(50 * MT_USEC + 1), 1);
	assert_int_equal(instance_late_bucket(300 * MT_USEC), 3);
	assert_int_equal(instance_late_bucket(2500 * MT_USEC), 5);
	assert_int_equal(instance_late_bucket(10 * MT_MSEC), 7);
	assert_int_equal(instance_late_bucket(10 * MT_MSEC + 1), INSTANCE_LATE_NBUCKETS);
	for (size_t i = 1; i < INSTANCE_LATE_NBUCKETS; i++)
		assert_true(instance_late_bounds[i - 1] < instance_late_bounds[i]);
}

static void log_rule(void **state)
{
	monotime iv = 100 * MT_MSEC, now = 1000 * MT_SEC;

	(void)state;
	assert_false(instance_late_log_due(50 * MT_MSEC, iv, 0, now)); /* exactly half: not late */
	assert_true(instance_late_log_due(50 * MT_MSEC + 1, iv, 0, now));
	assert_false(instance_late_log_due(60 * MT_MSEC, iv, now - INSTANCE_LATE_LOG_GAP + 1, now));
	assert_true(instance_late_log_due(60 * MT_MSEC, iv, now - INSTANCE_LATE_LOG_GAP, now));
	assert_false(instance_late_log_due(60 * MT_MSEC, 0, 0, now));
}

/* Run the instance's protocol timer late by late (the loop was busy), as the loop would. */
static void fire_late(monotime late)
{
	monotime at = inst.fsm_timer.deadline;

	assert_true(at > 0);
	now_ns = at + late;
	loop_timer_cancel(lp, &inst.fsm_timer);
	inst.fsm_timer.cb(inst.fsm_timer.arg, now_ns);
}

/* A Master at 50 ms: on-time and slightly late adverts fill the histogram; more than 25 ms late
 * counts as late and logs once per INSTANCE_LATE_LOG_GAP. */
static void master_adverts_late(void **state)
{
	uint64_t total = 0;

	(void)state;
	become_master();
	memset(inst.stats.late, 0, sizeof(inst.stats.late));
	inst.stats.late_sum_ns = 0;
	fire_late(0);
	fire_late(3 * MT_MSEC);
	assert_int_equal(inst.stats.late[0], 1);
	assert_int_equal(inst.stats.late[6], 1);
	assert_int_equal(inst.stats.late_sum_ns, 3 * MT_MSEC);
	assert_int_equal(inst.stats.late_over_half, 0);
	assert_int_equal(inst.late_log.logged, 0);

	fire_late(25 * MT_MSEC); /* exactly half: not late yet */
	assert_int_equal(inst.stats.late_over_half, 0);
	fire_late(26 * MT_MSEC);
	assert_int_equal(inst.stats.late_over_half, 1);
	assert_int_equal(inst.late_log.logged, now_ns);
	monotime logged = now_ns;
	fire_late(30 * MT_MSEC); /* within the gap: counted, not logged */
	assert_int_equal(inst.stats.late_over_half, 2);
	assert_int_equal(inst.late_log.logged, logged);
	assert_int_equal(inst.late_log.unlogged, 1);
	while (now_ns < logged + INSTANCE_LATE_LOG_GAP)
		fire_late(0);
	fire_late(40 * MT_MSEC);
	assert_int_equal(inst.stats.late_over_half, 3);
	assert_true(inst.late_log.logged > logged);
	assert_int_equal(inst.late_log.unlogged, 0);
	for (size_t i = 0; i <= INSTANCE_LATE_NBUCKETS; i++)
		total += inst.stats.late[i];
	assert_true(total >= 6);
	assert_int_equal(inst.stats.late[INSTANCE_LATE_NBUCKETS], 4);
}

/* A Backup's Master_Down_Timer seen late is counted the same way, against the master's
 * interval. */
static void backup_timer_late(void **state)
{
	(void)state;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	fire_late(30 * MT_MSEC);
	assert_int_equal(inst.stats.late_over_half, 1);
	assert_int_equal(inst.stats.late[INSTANCE_LATE_NBUCKETS], 1);
}

/* With the daemon's shared rate limit (io->late_log), the instance's own is left alone: one line
 * for every instance together. */
static void shared_rate_limit(void **state)
{
	struct instance_late_log shared = {0};
	struct instance_io io = fake_io;

	(void)state;
	io.late_log = &shared;
	become_master();
	inst.io = &io;
	fire_late(30 * MT_MSEC);
	assert_int_equal(shared.logged, now_ns);
	fire_late(30 * MT_MSEC);
	assert_int_equal(shared.unlogged, 1);
	assert_int_equal(inst.late_log.logged, 0);
	assert_int_equal(inst.late_log.unlogged, 0);
	inst.io = &fake_io;
}

/* The histogram in the metrics text: cumulative buckets, +Inf, _sum and _count. */
static void metrics_histogram(void **state)
{
	struct instance *list[1] = {&inst};
	struct metrics_source src = {.instances = list, .ninstances = 1};
	size_t len = 0;
	char *text;

	(void)state;
	become_master();
	memset(inst.stats.late, 0, sizeof(inst.stats.late));
	inst.stats.late_sum_ns = 0;
	fire_late(40 * MT_USEC);
	fire_late(200 * MT_USEC);
	fire_late(30 * MT_MSEC);
	src.now = now_ns;
	text = metrics_render(&src, &len);
	assert_non_null(text);
	assert_non_null(strstr(text, "# TYPE vipd_timer_lateness_seconds histogram\n"));
	assert_non_null(strstr(
	    text, "vipd_timer_lateness_seconds_bucket{instance=\"web\",le=\"0.00005\"} 1\n"));
	assert_non_null(strstr(
	    text, "vipd_timer_lateness_seconds_bucket{instance=\"web\",le=\"0.00025\"} 2\n"));
	assert_non_null(
	    strstr(text, "vipd_timer_lateness_seconds_bucket{instance=\"web\",le=\"0.01\"} 2\n"));
	assert_non_null(
	    strstr(text, "vipd_timer_lateness_seconds_bucket{instance=\"web\",le=\"+Inf\"} 3\n"));
	assert_non_null(
	    strstr(text, "vipd_timer_lateness_seconds_sum{instance=\"web\"} 0.030240000\n"));
	assert_non_null(strstr(text, "vipd_timer_lateness_seconds_count{instance=\"web\"} 3\n"));
	assert_non_null(strstr(text, "vipd_timer_late_total{instance=\"web\"} 1\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(buckets),
	    cmocka_unit_test(log_rule),
	    cmocka_unit_test_setup_teardown(master_adverts_late, setup, teardown),
	    cmocka_unit_test_setup_teardown(backup_timer_late, setup, teardown),
	    cmocka_unit_test_setup_teardown(shared_rate_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(metrics_histogram, setup, teardown),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
