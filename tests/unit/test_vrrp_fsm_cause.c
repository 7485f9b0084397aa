/* Unit tests for the details the FSM gives with each transition's cause (struct vrrp_fsm_why):
 * the advert that decided, or the last one heard and the silence before a timer fired. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/vrrp_fsm.h"

#define T0 (1000 * MT_SEC)

static union vip_in ip4(const char *s)
{
	union vip_in in;

	memset(&in, 0, sizeof(in));
	assert_int_equal(inet_pton(AF_INET, s, &in.v4), 1);
	return in;
}

/* Our primary is 198.18.0.10, priority 100, 1 s adverts, v3, preempting. */
static struct vrrp_fsm backup(monotime preempt_delay)
{
	struct vrrp_fsm_config c;
	struct vrrp_fsm f;

	memset(&c, 0, sizeof(c));
	c.version = 3;
	c.priority = 100;
	c.adver_int_cs = 100;
	c.preempt = true;
	c.preempt_delay = preempt_delay;
	c.af = AF_INET;
	c.primary = ip4("198.18.0.10");
	vrrp_fsm_init(&f, &c);
	assert_int_equal(vrrp_fsm_startup(&f, T0), VRRP_ACT_STATE);
	assert_int_equal(f.cause, VRRP_CAUSE_STARTUP);
	assert_false(f.why.has_advert);
	return f;
}

static struct vrrp_fsm master(void)
{
	struct vrrp_fsm f = backup(0);

	assert_true(vrrp_fsm_expire(&f, f.master_down_timer) & VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	return f;
}

static void assert_from(const struct vrrp_fsm *f, const char *addr, uint8_t prio, uint16_t iv)
{
	union vip_in want = ip4(addr);

	assert_true(f->why.has_advert);
	assert_memory_equal(&f->why.from.v4, &want.v4, sizeof(want.v4));
	assert_int_equal(f->why.priority, prio);
	assert_int_equal(f->why.interval_cs, iv);
	assert_int_equal(f->why.version, 3);
}

static void names_complete(void **state)
{
	(void)state;
	for (int w = 0; w < VRRP_WHY__COUNT; w++)
		assert_string_not_equal(vrrp_fsm_why_name((enum vrrp_why)w), "?");
	assert_string_equal(vrrp_fsm_why_name(VRRP_WHY__COUNT), "?");
	assert_string_equal(vrrp_fsm_why_name(VRRP_WHY_EQUAL_PRIORITY_TIEBREAK),
	                    "equal_priority_tiebreak");
}

/* Master_Down_Timer: the master's last advert, and the silence since it (= the MDI). */
static void master_down_names_the_lost_master(void **state)
{
	struct vrrp_fsm f = backup(0);
	union vip_in hi = ip4("198.18.0.20");
	monotime heard = T0 + MT_SEC, due;

	(void)state;
	assert_int_equal(vrrp_fsm_advert(&f, heard, 150, 50, &hi), 0);
	due = f.master_down_timer;
	assert_true(vrrp_fsm_expire(&f, due) & VRRP_ACT_STATE);
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
	assert_int_equal(f.why.kind, VRRP_WHY_NONE);
	assert_from(&f, "198.18.0.20", 150, 50);
	assert_int_equal(f.why.silence, due - heard);
	assert_int_equal(f.why.silence, vrrp_fsm_master_down_interval(3, 100, 50));
}

/* No advert ever heard: the cause has no peer. */
static void master_down_without_advert(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	f = master();
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
	assert_false(f.why.has_advert);
	assert_int_equal(f.why.silence, 0);
}

static void priority_zero_names_who_left(void **state)
{
	struct vrrp_fsm f = backup(0);
	union vip_in hi = ip4("198.18.0.20");

	(void)state;
	vrrp_fsm_advert(&f, T0 + MT_SEC, 150, 100, &hi);
	vrrp_fsm_advert(&f, T0 + 2 * MT_SEC, 0, 100, &hi);
	assert_true(vrrp_fsm_expire(&f, f.master_down_timer) & VRRP_ACT_STATE);
	assert_int_equal(f.cause, VRRP_CAUSE_PRIO0);
	assert_from(&f, "198.18.0.20", 0, 100);
	assert_int_equal(f.why.silence, vrrp_fsm_skew_time(3, 100, 100));
}

static void preempt_names_the_lower_master(void **state)
{
	struct vrrp_fsm f = backup(0);
	union vip_in lo = ip4("198.18.0.5");

	(void)state;
	vrrp_fsm_advert(&f, T0 + MT_SEC, 50, 100, &lo);
	assert_true(vrrp_fsm_expire(&f, f.master_down_timer) & VRRP_ACT_STATE);
	assert_int_equal(f.cause, VRRP_CAUSE_PREEMPT);
	assert_int_equal(f.why.kind, VRRP_WHY_PREEMPT);
	assert_from(&f, "198.18.0.5", 50, 100);
}

static void preempt_delay_done(void **state)
{
	struct vrrp_fsm f = backup(2 * MT_SEC);
	union vip_in lo = ip4("198.18.0.5");
	monotime t = T0;

	(void)state;
	/* Tolerated for 2 s, then ignored until the Master_Down_Timer fires. */
	while (f.state == VRRP_STATE_BACKUP) {
		t += MT_SEC;
		if (f.master_down_timer <= t) {
			vrrp_fsm_expire(&f, f.master_down_timer);
			break;
		}
		vrrp_fsm_advert(&f, t, 50, 100, &lo);
	}
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.cause, VRRP_CAUSE_PREEMPT);
	assert_int_equal(f.why.kind, VRRP_WHY_PREEMPT_DELAY_DONE);
	assert_from(&f, "198.18.0.5", 50, 100);
}

static void higher_priority_and_tiebreak(void **state)
{
	struct vrrp_fsm f = master();
	union vip_in hi = ip4("198.18.0.20"), lo = ip4("198.18.0.5");
	monotime now = f.adver_timer;

	(void)state;
	/* Lower, and equal from a lower address: no transition, no cause. */
	assert_false(vrrp_fsm_advert(&f, now, 100, 100, &lo) & VRRP_ACT_STATE);
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
	assert_true(vrrp_fsm_advert(&f, now, 200, 100, &hi) & VRRP_ACT_STATE);
	assert_int_equal(f.cause, VRRP_CAUSE_HIGHER_PRIO);
	assert_int_equal(f.why.kind, VRRP_WHY_HIGHER_PRIORITY);
	assert_from(&f, "198.18.0.20", 200, 100);
	assert_int_equal(f.why.silence, 0);

	f = master();
	now = f.adver_timer;
	assert_true(vrrp_fsm_advert(&f, now, 100, 100, &hi) & VRRP_ACT_STATE);
	assert_int_equal(f.why.kind, VRRP_WHY_EQUAL_PRIORITY_TIEBREAK);
	assert_from(&f, "198.18.0.20", 100, 100);
}

/* A demoted Master hands over: the cause names who took over. */
static void demote_names_the_new_master(void **state)
{
	struct vrrp_fsm f = master();
	union vip_in lo = ip4("198.18.0.5");
	monotime now = f.adver_timer;

	(void)state;
	assert_int_equal(vrrp_fsm_demote(&f, now), VRRP_ACT_SEND_PRIO0);
	assert_true(vrrp_fsm_advert(&f, now + MT_MSEC, 50, 100, &lo) & VRRP_ACT_STATE);
	assert_int_equal(f.cause, VRRP_CAUSE_DEMOTE);
	assert_from(&f, "198.18.0.5", 50, 100);
}

/* Stop and fault carry no advert, even right after one was heard. */
static void stop_clears_details(void **state)
{
	struct vrrp_fsm f = backup(0);
	union vip_in hi = ip4("198.18.0.20");

	(void)state;
	vrrp_fsm_advert(&f, T0 + MT_SEC, 150, 100, &hi);
	assert_int_equal(vrrp_fsm_fault(&f, T0 + 2 * MT_SEC), VRRP_ACT_STATE);
	assert_int_equal(f.cause, VRRP_CAUSE_FAULT);
	assert_false(f.why.has_advert);
	assert_int_equal(f.heard_at, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_complete),
	    cmocka_unit_test(master_down_names_the_lost_master),
	    cmocka_unit_test(master_down_without_advert),
	    cmocka_unit_test(priority_zero_names_who_left),
	    cmocka_unit_test(preempt_names_the_lower_master),
	    cmocka_unit_test(preempt_delay_done),
	    cmocka_unit_test(higher_priority_and_tiebreak),
	    cmocka_unit_test(demote_names_the_new_master),
	    cmocka_unit_test(stop_clears_details),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
