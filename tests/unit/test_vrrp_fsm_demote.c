/* Unit tests for the FSM's planned switchover (vrrp_fsm_demote / vrrp_fsm_promote): the priority-0
 * handover of a demoted Master, make before break (VIPs released one grace after the new master's
 * advert), the give-up at Master_Down_Interval, no preemption while demoted, and promote. And the
 * unplanned one: a Master yielding to a higher priority sends its last advert twice,
 * VRRP_YIELD_REPEAT apart (a timer), so one lost copy does not keep the winner silent. */
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
#define IV_CS 10 /* 100 ms adverts */
#define IV (IV_CS * MT_CSEC)
#define ACT_TAKEOVER (VRRP_ACT_SEND_ADVERT | VRRP_ACT_ADD_VIPS | VRRP_ACT_ANNOUNCE | VRRP_ACT_STATE)
/* A Master yielding to a higher priority: VIPs dropped, a last advert. */
#define ACT_YIELD (VRRP_ACT_DEL_VIPS | VRRP_ACT_STATE | VRRP_ACT_SEND_ADVERT)

static monotime now_ns;
static union vip_in lo_addr, hi_addr; /* around our primary 198.18.0.10 */

static union vip_in v4(const char *s)
{
	struct vip_addr a;

	assert_int_equal(addr_parse(s, false, &a), 0);
	return a.in;
}

static int setup(void **state)
{
	(void)state;
	now_ns = T0;
	lo_addr = v4("198.18.0.5");
	hi_addr = v4("198.18.0.20");
	return 0;
}

/* A started FSM of priority prio (preempt on, v3, 100 ms), Backup at now_ns. */
static void start_backup(struct vrrp_fsm *f, uint8_t prio)
{
	struct vrrp_fsm_config c = {
	    .version = 3, .priority = prio, .adver_int_cs = IV_CS, .preempt = true, .af = AF_INET};

	c.primary = v4("198.18.0.10");
	vrrp_fsm_init(f, &c);
	vrrp_fsm_startup(f, now_ns);
	assert_int_equal(f->state, prio == 255 ? VRRP_STATE_MASTER : VRRP_STATE_BACKUP);
}

/* Master after its Master_Down_Timer ran out; now_ns is the takeover time. */
static void start_master(struct vrrp_fsm *f, uint8_t prio)
{
	start_backup(f, prio);
	now_ns = f->master_down_timer;
	assert_int_equal(vrrp_fsm_expire(f, now_ns), ACT_TAKEOVER);
}

/* Advance the clock to the FSM's next deadline and run it. */
static unsigned tick(struct vrrp_fsm *f)
{
	now_ns = vrrp_fsm_next_deadline(f);
	assert_true(now_ns != 0);
	return vrrp_fsm_expire(f, now_ns);
}

/* 1. Demote a Master: priority 0 at once and each interval, VIPs kept; the new master's first
 * advert makes it Backup (cause demote) without DEL_VIPS; the VIPs go one grace later. */
static void master_hands_over_make_before_break(void **state)
{
	struct vrrp_fsm f;
	monotime t, handover;

	(void)state;
	start_master(&f, 150);
	t = now_ns + 30 * MT_MSEC;
	now_ns = t;
	assert_int_equal(vrrp_fsm_demote(&f, now_ns), VRRP_ACT_SEND_PRIO0);
	assert_true(f.demoted);
	assert_int_equal(f.priority, 1);
	assert_int_equal(f.undemoted_priority, 150);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	handover = t + vrrp_fsm_master_down_interval(3, 1, IV_CS);
	assert_int_equal(f.handover_timer, handover);
	assert_int_equal(vrrp_fsm_next_deadline(&f), t + IV);

	/* Nobody answered yet: another priority 0 one interval later, still Master. */
	assert_int_equal(tick(&f), VRRP_ACT_SEND_PRIO0);
	assert_int_equal(now_ns, t + IV);
	/* Another router leaving says nothing new: no advert of ours at priority 1. */
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 0, IV_CS, &lo_addr), 0);
	assert_int_equal(f.state, VRRP_STATE_MASTER);

	/* The 120 backup took over after its Skew_Time. */
	now_ns += vrrp_fsm_skew_time(3, 120, IV_CS);
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 120, IV_CS, &lo_addr), VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.prev_state, VRRP_STATE_MASTER);
	assert_string_equal(vrrp_fsm_cause_name(f.cause), "demote");
	assert_true(f.master_known);
	assert_int_equal(f.master_priority, 120);
	assert_int_equal(f.handover_timer, 0);
	assert_int_equal(f.adver_timer, 0);
	assert_int_equal(vrrp_fsm_handover_grace(&f), 100 * MT_MSEC);
	assert_int_equal(f.release_timer, now_ns + 100 * MT_MSEC);

	/* The grace ends before the Master_Down_Timer: only the VIPs go. */
	t = now_ns;
	assert_int_equal(tick(&f), VRRP_ACT_DEL_VIPS);
	assert_int_equal(now_ns, t + 100 * MT_MSEC);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.release_timer, 0);
	assert_int_equal(vrrp_fsm_next_deadline(&f),
	                 t + vrrp_fsm_master_down_interval(3, 1, IV_CS));
}

/* 2. Nobody takes over: priority 0 each interval until Master_Down_Interval, then HANDOVER_END
 * and priority-1 adverts as a last-resort Master; a router that beats 1 later takes over and the
 * demoted Master still yields make before break. */
static void handover_runs_out(void **state)
{
	struct vrrp_fsm f;
	monotime t, handover;
	int prio0 = 0;
	unsigned act;

	(void)state;
	start_master(&f, 150);
	t = now_ns;
	vrrp_fsm_demote(&f, now_ns);
	handover = f.handover_timer;
	while ((act = tick(&f)) == VRRP_ACT_SEND_PRIO0)
		prio0++;
	assert_int_equal(prio0, (int)((handover - t - 1) / IV));
	assert_int_equal(act, VRRP_ACT_HANDOVER_END | VRRP_ACT_SEND_ADVERT);
	assert_int_equal(now_ns, handover);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_true(f.demoted);
	assert_int_equal(tick(&f), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(now_ns, handover + IV);
	assert_int_equal(f.priority, 1);

	/* A backup of priority 100 comes up and preempts: a make-before-break yield again. */
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 100, IV_CS, &lo_addr), VRRP_ACT_STATE);
	assert_int_equal(f.cause, VRRP_CAUSE_DEMOTE);
	assert_true(f.release_timer != 0);
}

/* 3. Demote again on a Master that gave up restarts the handover. */
static void demote_again_restarts_handover(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start_master(&f, 150);
	vrrp_fsm_demote(&f, now_ns);
	now_ns = f.handover_timer;
	assert_true(vrrp_fsm_expire(&f, now_ns) & VRRP_ACT_HANDOVER_END);
	now_ns += 5 * MT_MSEC;
	assert_int_equal(vrrp_fsm_demote(&f, now_ns), VRRP_ACT_SEND_PRIO0);
	assert_int_equal(f.handover_timer, now_ns + vrrp_fsm_master_down_interval(3, 1, IV_CS));
	assert_int_equal(f.undemoted_priority, 150); /* not 1: the first demote's value stays */
}

/* 4. A demoted Backup never preempts; tracking changes are kept for promote, which restores the
 * priority so the Backup preempts the lower master again. */
static void demoted_backup_no_preempt_then_promote(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start_backup(&f, 150);
	assert_int_equal(vrrp_fsm_demote(&f, now_ns), 0);
	assert_int_equal(f.priority, 1);
	/* A lower master (100) for 20 intervals: accepted every time, we never take over. */
	for (int i = 0; i < 20; i++) {
		now_ns += IV;
		assert_int_equal(vrrp_fsm_advert(&f, now_ns, 100, IV_CS, &lo_addr), 0);
		assert_false(f.lower_ignored);
		assert_int_equal(vrrp_fsm_expire(&f, now_ns), 0);
	}
	assert_int_equal(f.master_down_timer, now_ns + vrrp_fsm_master_down_interval(3, 1, IV_CS));
	/* Tracking lowers the priority meanwhile: remembered, not applied. */
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 130), 0);
	assert_int_equal(f.priority, 1);
	assert_int_equal(f.undemoted_priority, 130);

	assert_int_equal(vrrp_fsm_promote(&f, now_ns), 0);
	assert_false(f.demoted);
	assert_int_equal(f.priority, 130);
	assert_int_equal(vrrp_fsm_promote(&f, now_ns), 0); /* not demoted: nothing */
	now_ns += IV;
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 100, IV_CS, &lo_addr), 0);
	assert_true(f.lower_ignored);
	assert_int_equal(tick(&f), ACT_TAKEOVER);
	assert_int_equal(f.cause, VRRP_CAUSE_PREEMPT);
}

/* 5. Promote on a Master (during the handover): the priority is advertised at once, the
 * priority-0 adverts stop. */
static void promote_master_stops_handover(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start_master(&f, 150);
	vrrp_fsm_demote(&f, now_ns);
	now_ns += 10 * MT_MSEC;
	assert_int_equal(vrrp_fsm_promote(&f, now_ns), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.priority, 150);
	assert_int_equal(f.handover_timer, 0);
	assert_int_equal(tick(&f), VRRP_ACT_SEND_ADVERT);
	/* Not demoted any more: a lower router is answered, not yielded to. */
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 120, IV_CS, &lo_addr),
	                 VRRP_ACT_SEND_ADVERT | VRRP_ACT_ANNOUNCE);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

/* 6. The owner cannot be demoted. */
static void owner_not_demoted(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start_backup(&f, 255);
	assert_int_equal(vrrp_fsm_demote(&f, now_ns), 0);
	assert_false(f.demoted);
	assert_int_equal(f.priority, 255);
	assert_int_equal(f.handover_timer, 0);
}

/* 7. Shutdown or fault during the grace releases the VIPs at once (no priority 0: not Master). */
static void stop_during_grace_releases(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	for (int fault = 0; fault < 2; fault++) {
		start_master(&f, 150);
		vrrp_fsm_demote(&f, now_ns);
		vrrp_fsm_advert(&f, now_ns, 120, IV_CS, &hi_addr);
		assert_true(f.release_timer != 0);
		assert_int_equal(fault ? vrrp_fsm_fault(&f, now_ns) : vrrp_fsm_shutdown(&f, now_ns),
		                 VRRP_ACT_DEL_VIPS | VRRP_ACT_STATE);
		assert_int_equal(f.release_timer, 0);
		assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
		assert_true(f.demoted); /* the operator's mode outlives the fault */
	}
}

/* 8. The new master dies during the grace: the demoted Backup, last resort, takes over with its
 * VIPs still in place (ADD only, never a DEL first). */
static void takeover_during_grace_keeps_vips(void **state)
{
	struct vrrp_fsm f;
	unsigned act;

	(void)state;
	start_master(&f, 150);
	vrrp_fsm_demote(&f, now_ns);
	vrrp_fsm_advert(&f, now_ns, 120, IV_CS, &hi_addr);
	vrrp_fsm_advert(&f, now_ns, 0, IV_CS, &hi_addr); /* it leaves at once */
	act = tick(&f);
	assert_int_equal(act, ACT_TAKEOVER);
	assert_int_equal(f.cause, VRRP_CAUSE_PRIO0);
	assert_int_equal(f.release_timer, 0);
	assert_int_equal(f.priority, 1);
}

/* 9. Demoted before the start (a restart by reload): Backup at priority 1 from the first
 * Master_Down_Interval on. */
static void demoted_before_start(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = {
	    .version = 3, .priority = 200, .adver_int_cs = IV_CS, .preempt = true, .af = AF_INET};

	(void)state;
	vrrp_fsm_init(&f, &c);
	assert_int_equal(vrrp_fsm_demote(&f, now_ns), 0);
	assert_int_equal(vrrp_fsm_startup(&f, now_ns), VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_down_timer, now_ns + vrrp_fsm_master_down_interval(3, 1, IV_CS));
}

/* 10. A yield (not a handover) sends one advert now and a second one VRRP_YIELD_REPEAT later (a
 * few ms, far below the interval), as a Backup, at its own priority; then nothing more until the
 * master's adverts stop. */
static void yield_sends_last_advert_twice(void **state)
{
	struct vrrp_fsm f;
	monotime yielded;

	(void)state;
	start_master(&f, 100);
	now_ns += 30 * MT_MSEC;
	yielded = now_ns;
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 150, IV_CS, &hi_addr), ACT_YIELD);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_true(VRRP_YIELD_REPEAT >= MT_MSEC && VRRP_YIELD_REPEAT < IV_CS * MT_CSEC / 2);
	assert_int_equal(vrrp_fsm_next_deadline(&f), yielded + VRRP_YIELD_REPEAT);
	/* Not before its time. */
	assert_int_equal(vrrp_fsm_expire(&f, yielded + VRRP_YIELD_REPEAT - 1), 0);
	now_ns = yielded + VRRP_YIELD_REPEAT;
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.priority, 100);
	/* Once only: the next deadline is the Master_Down_Timer, and the new master's adverts
	 * keep it away. */
	assert_int_equal(vrrp_fsm_next_deadline(&f), f.master_down_timer);
	for (int i = 1; i <= 20; i++) {
		now_ns = yielded + i * IV_CS * MT_CSEC;
		assert_int_equal(vrrp_fsm_advert(&f, now_ns, 150, IV_CS, &hi_addr), 0);
		assert_int_equal(vrrp_fsm_expire(&f, now_ns), 0);
	}
}

/* 11. Leaving Backup before the second copy is due (stop, fault, takeover) cancels it. */
static void second_copy_cancelled_by_stop(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start_master(&f, 100);
	now_ns += 30 * MT_MSEC;
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 150, IV_CS, &hi_addr), ACT_YIELD);
	assert_int_equal(vrrp_fsm_shutdown(&f, now_ns), VRRP_ACT_STATE);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);

	start_master(&f, 100);
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 150, IV_CS, &hi_addr), ACT_YIELD);
	assert_int_equal(vrrp_fsm_fault(&f, now_ns), VRRP_ACT_STATE);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
}

/* 12. A demoted Master's handover (priority 0, make before break) is no yield: no second copy. */
static void handover_sends_no_copy(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start_master(&f, 100);
	assert_int_equal(vrrp_fsm_demote(&f, now_ns), VRRP_ACT_SEND_PRIO0);
	now_ns += 20 * MT_MSEC;
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 150, IV_CS, &hi_addr), VRRP_ACT_STATE);
	assert_int_equal(f.yield_timer, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(master_hands_over_make_before_break, setup),
	    cmocka_unit_test_setup(handover_runs_out, setup),
	    cmocka_unit_test_setup(demote_again_restarts_handover, setup),
	    cmocka_unit_test_setup(demoted_backup_no_preempt_then_promote, setup),
	    cmocka_unit_test_setup(promote_master_stops_handover, setup),
	    cmocka_unit_test_setup(owner_not_demoted, setup),
	    cmocka_unit_test_setup(stop_during_grace_releases, setup),
	    cmocka_unit_test_setup(takeover_during_grace_keeps_vips, setup),
	    cmocka_unit_test_setup(demoted_before_start, setup),
	    cmocka_unit_test_setup(yield_sends_last_advert_twice, setup),
	    cmocka_unit_test_setup(second_copy_cancelled_by_stop, setup),
	    cmocka_unit_test_setup(handover_sends_no_copy, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
