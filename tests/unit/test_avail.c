/* Unit tests for avail: scripted histories of one instance (states, adverts heard, Master_Down_
 * Timer expiries) replayed on a fake clock, each checked against figures computed by hand. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/avail.h"

/* The fake clock starts far from 0; S(x) is x seconds after it (x may be fractional). */
#define T0 (1000 * MT_SEC)
#define S(x) (T0 + (monotime)((x) * (double)MT_SEC))
#define EPS 1e-9

static union vip_in A, B;
static struct avail av;
static struct avail_figures fig;

static union vip_in ip4(const char *s)
{
	struct vip_addr a;

	assert_int_equal(addr_parse(s, false, &a), 0);
	return a.in;
}

static int setup(void **state)
{
	(void)state;
	A = ip4("198.18.0.1");
	B = ip4("198.18.0.2");
	avail_init(&av);
	return 0;
}

static void heard(double t, const union vip_in *src, uint8_t prio)
{
	avail_heard(&av, S(t), prio, AF_INET, src);
}

/* Adverts of priority prio from src every second from t0 to t1 (both included). */
static void heard_every_second(double t0, double t1, const union vip_in *src, uint8_t prio)
{
	for (double t = t0; t <= t1 + EPS; t += 1.0)
		heard(t, src, prio);
}

static void figures_at(double t)
{
	avail_figures(&av, S(t), &fig);
}

/* The figures at t are up and down seconds with these counts, and the derived ones follow the
 * formulas: ratio = up / (up + down), MTBF = up / failures, MTTR = down / ended (null at 0). */
static void expect(double t, double up, double down, uint64_t failures, uint64_t ended,
                   uint64_t failovers)
{
	figures_at(t);
	assert_float_equal(fig.up, up, EPS);
	assert_float_equal(fig.down, down, EPS);
	assert_float_equal(fig.observed, up + down, EPS);
	assert_int_equal(fig.failures, failures);
	assert_int_equal(fig.ended, ended);
	assert_int_equal(fig.failovers, failovers);
	assert_int_equal(fig.has_ratio, up + down > 0);
	if (fig.has_ratio)
		assert_float_equal(fig.ratio, up / (up + down), EPS);
	assert_int_equal(fig.has_mtbf, failures > 0);
	if (fig.has_mtbf)
		assert_float_equal(fig.mtbf, up / (double)failures, EPS);
	assert_int_equal(fig.has_mttr, ended > 0);
	if (fig.has_mttr)
		assert_float_equal(fig.mttr, down / (double)ended, EPS);
}

/* Nothing seen: every figure null or zero. */
static void test_fresh(void **state)
{
	(void)state;
	figures_at(5);
	assert_float_equal(fig.observed, 0, EPS);
	assert_false(fig.has_ratio);
	assert_false(fig.has_mtbf);
	assert_false(fig.has_mttr);
	assert_int_equal(fig.failures, 0);
	assert_int_equal(fig.failovers, 0);
	/* INIT and FAULT are blind, and adverts are not heard there. */
	avail_state(&av, S(1), VRRP_STATE_FAULT);
	heard(2, &A, 100);
	figures_at(6);
	assert_float_equal(fig.observed, 0, EPS);
}

/* The backup of a master killed at t=10 (last advert), Master_Down_Interval 3.6 s: one
 * failure from 10 to 13.6, then master. */
static void test_takeover_after_master_down(void **state)
{
	(void)state;
	avail_state(&av, S(0), VRRP_STATE_BACKUP);
	heard_every_second(1, 10, &A, 150);
	/* Before the timer fires the loss is not known yet: up runs on. */
	figures_at(12);
	assert_float_equal(fig.up, 11, EPS);
	assert_float_equal(fig.down, 0, EPS);
	assert_int_equal(fig.failures, 0);
	avail_master_lost(&av, S(13.6));
	avail_state(&av, S(13.6), VRRP_STATE_MASTER);
	figures_at(20);
	/* up: 1..10 and 13.6..20 = 9 + 6.4; down: 10..13.6. */
	assert_float_equal(fig.up, 15.4, EPS);
	assert_float_equal(fig.down, 3.6, EPS);
	assert_float_equal(fig.observed, 19, EPS);
	assert_true(fig.has_ratio);
	assert_float_equal(fig.ratio, 15.4 / 19, EPS);
	assert_int_equal(fig.failures, 1);
	assert_int_equal(fig.ended, 1);
	assert_int_equal(fig.failovers, 1);
	assert_true(fig.has_mtbf);
	assert_float_equal(fig.mtbf, 15.4, EPS);
	assert_true(fig.has_mttr);
	assert_float_equal(fig.mttr, 3.6, EPS);
}

/* Priority 0, a master back by preemption, a stranger's goodbye, an outage cut by FAULT, a
 * new master after the FAULT. */
static void test_prio0_preempt_fault(void **state)
{
	(void)state;
	avail_state(&av, S(0), VRRP_STATE_BACKUP);
	heard_every_second(1, 4, &A, 150);
	heard(5, &A, 0); /* outage 1 from 5 */
	figures_at(5.25);
	assert_float_equal(fig.down, 0.25, EPS);
	assert_false(fig.has_mttr);     /* in progress */
	avail_master_lost(&av, S(5.5)); /* the Skew_Time timer: already down, no new failure */
	avail_state(&av, S(5.5), VRRP_STATE_MASTER); /* failover 1: A -> us */
	avail_state(&av, S(8), VRRP_STATE_BACKUP);   /* A preempts: failover 2 */
	heard(8, &A, 150);                           /* who took over: no second count */
	heard(9, &A, 150);
	heard(10, &B, 0);                            /* B is not the master: nothing */
	heard(12, &A, 0);                            /* outage 2 from 12 */
	avail_state(&av, S(12.5), VRRP_STATE_FAULT); /* ends it: blind from here */
	heard(15, &A, 150);                          /* not heard in FAULT */
	avail_state(&av, S(20), VRRP_STATE_BACKUP);  /* blind until a master is heard */
	heard(21, &B, 120);                          /* failover 3: A -> B */
	/* up: 1..5, 5.5..8, 8..12, 21..30 = 4 + 2.5 + 4 + 9; down: 5..5.5, 12..12.5. */
	expect(30, 19.5, 1.0, 2, 2, 3);
	assert_float_equal(fig.mtbf, 9.75, EPS);
	assert_float_equal(fig.mttr, 0.5, EPS);
}

/* The first node up: no master heard, its timer fires, it becomes master. Nothing was lost:
 * no failure, no failover; the wait before counts neither as up nor as down. */
static void test_first_master(void **state)
{
	(void)state;
	avail_state(&av, S(0), VRRP_STATE_BACKUP);
	avail_master_lost(&av, S(3.6));
	avail_state(&av, S(3.6), VRRP_STATE_MASTER);
	expect(10, 6.4, 0, 0, 0, 0);
	assert_float_equal(fig.ratio, 1.0, EPS);
}

/* A sync group holds the backup: the timer fires twice in one outage, then the same master
 * comes back (no failover). */
static void test_held_backup(void **state)
{
	(void)state;
	avail_state(&av, S(0), VRRP_STATE_BACKUP);
	heard_every_second(1, 5, &A, 150);
	avail_master_lost(&av, S(8.6));
	avail_master_lost(&av, S(12.2));
	figures_at(12.5);
	assert_float_equal(fig.down, 7.5, EPS);
	heard(13, &A, 150);
	/* up: 1..5, 13..15; down: 5..13. */
	expect(15, 6, 8, 1, 1, 0);
}

/* Two failures and a master change without an outage: MTBF and MTTR are means. */
static void test_means(void **state)
{
	(void)state;
	avail_state(&av, S(0), VRRP_STATE_BACKUP);
	heard_every_second(0, 10, &A, 150);
	avail_master_lost(&av, S(13)); /* down 10..13 */
	heard(13, &B, 120);            /* B took over: failover 1, outage ended */
	heard_every_second(14, 20, &B, 120);
	heard(21, &A, 150); /* A preempts B: failover 2, no outage */
	heard(22, &A, 0);   /* down 22..23 */
	heard(23, &B, 120); /* failover 3 */
	/* up: 0..10, 13..22, 23..30 = 10 + 9 + 7; down: 3 + 1. */
	expect(30, 26, 4, 2, 2, 3);
	assert_float_equal(fig.mtbf, 13, EPS);
	assert_float_equal(fig.mttr, 2, EPS);
}

/* A master that steps down and is shut down: each exit from MASTER is one failover. */
static void test_master_exits(void **state)
{
	(void)state;
	avail_state(&av, S(0), VRRP_STATE_MASTER);
	avail_state(&av, S(10), VRRP_STATE_INIT); /* failover 1 */
	avail_state(&av, S(20), VRRP_STATE_BACKUP);
	heard(21, &A, 150); /* who took over while we were away: not seen as a change */
	avail_state(&av, S(25), VRRP_STATE_MASTER); /* failover 2 (A -> us; preempt) */
	expect(30, 10 + 4 + 5, 0, 0, 0, 2);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_fresh),
	    T(test_takeover_after_master_down),
	    T(test_prio0_preempt_fault),
	    T(test_first_master),
	    T(test_held_backup),
	    T(test_means),
	    T(test_master_exits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
