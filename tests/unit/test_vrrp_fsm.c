/* Unit tests for vrrp_fsm: the RFC 9568 section 6.4 transitions with a fake clock, the exact
 * Skew_Time / Master_Down_Interval values, preemption, tie-break, rate limits and shutdown. */
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

/* The fake clock: tests set it and pass it in; it never starts at 0 (0 means "stopped"). */
#define T0 (1000 * MT_SEC)
static monotime now_ns;

#define ACT_TAKEOVER (VRRP_ACT_SEND_ADVERT | VRRP_ACT_ADD_VIPS | VRRP_ACT_ANNOUNCE | VRRP_ACT_STATE)
#define ACT_ANSWER (VRRP_ACT_SEND_ADVERT | VRRP_ACT_ANNOUNCE)
/* A Master yielding to a higher priority: a last advert of its own makes the winner announce. */
#define ACT_YIELD (VRRP_ACT_DEL_VIPS | VRRP_ACT_STATE | VRRP_ACT_SEND_ADVERT)

/* MDI for 1 s adverts: priority 100 -> 3.609375 s; priority 150 -> 3.4140625 s. */
#define MDI_1S_P100 INT64_C(3609375000)
#define MDI_1S_P150 INT64_C(3414062500)

static union vip_in ip4(const char *s)
{
	union vip_in in;

	memset(&in, 0, sizeof(in));
	assert_int_equal(inet_pton(AF_INET, s, &in.v4), 1);
	return in;
}

static union vip_in ip6(const char *s)
{
	union vip_in in;

	memset(&in, 0, sizeof(in));
	assert_int_equal(inet_pton(AF_INET6, s, &in.v6), 1);
	return in;
}

/* Our primary is 198.18.0.10; peers are LO (198.18.0.5) and HI (198.18.0.20). */
static union vip_in lo_addr, hi_addr;

static struct vrrp_fsm_config mkcfg(uint8_t version, uint8_t prio, uint16_t int_cs)
{
	struct vrrp_fsm_config c;

	memset(&c, 0, sizeof(c));
	c.version = version;
	c.priority = prio;
	c.adver_int_cs = int_cs;
	c.preempt = true;
	c.preempt_delay = 0;
	c.af = AF_INET;
	c.primary = ip4("198.18.0.10");
	return c;
}

static int setup(void **state)
{
	(void)state;
	now_ns = T0;
	lo_addr = ip4("198.18.0.5");
	hi_addr = ip4("198.18.0.20");
	return 0;
}

/* An FSM started at now_ns; checks the startup transition to Backup. */
static struct vrrp_fsm backup_fsm(struct vrrp_fsm_config c)
{
	struct vrrp_fsm f;

	vrrp_fsm_init(&f, &c);
	assert_int_equal(vrrp_fsm_startup(&f, now_ns), VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	return f;
}

/* An FSM that is Master after its Master_Down_Timer ran out; now_ns is the takeover time. */
static struct vrrp_fsm master_fsm(struct vrrp_fsm_config c)
{
	struct vrrp_fsm f = backup_fsm(c);

	now_ns = f.master_down_timer;
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), ACT_TAKEOVER);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	return f;
}

/* An address owner (priority 255) started at now_ns: straight to Master. */
static struct vrrp_fsm owner_fsm(uint16_t int_cs)
{
	struct vrrp_fsm_config c = mkcfg(3, 255, int_cs);
	struct vrrp_fsm f;

	vrrp_fsm_init(&f, &c);
	assert_int_equal(vrrp_fsm_startup(&f, now_ns), ACT_TAKEOVER);
	return f;
}

static unsigned advert(struct vrrp_fsm *f, uint8_t prio, uint16_t int_cs, const union vip_in *src)
{
	return vrrp_fsm_advert(f, now_ns, prio, int_cs, src);
}

static void assert_name(const char *n)
{
	assert_non_null(n);
	assert_string_not_equal(n, "?");
	assert_true(strlen(n) > 0);
}

static void names_complete(void **state)
{
	(void)state;
	for (int s = 0; s < VRRP_STATE__COUNT; s++)
		assert_name(vrrp_fsm_state_name((enum vrrp_state)s));
	for (int c = 0; c < VRRP_CAUSE__COUNT; c++)
		assert_name(vrrp_fsm_cause_name((enum vrrp_cause)c));
	assert_string_equal(vrrp_fsm_state_name(VRRP_STATE_INIT), "INIT");
	assert_string_equal(vrrp_fsm_state_name(VRRP_STATE_BACKUP), "BACKUP");
	assert_string_equal(vrrp_fsm_state_name(VRRP_STATE_MASTER), "MASTER");
	assert_string_equal(vrrp_fsm_state_name(VRRP_STATE_FAULT), "FAULT");
	assert_string_equal(vrrp_fsm_cause_name(VRRP_CAUSE_STARTUP), "startup");
	assert_string_equal(vrrp_fsm_cause_name(VRRP_CAUSE_MASTER_DOWN), "master-down");
	assert_string_equal(vrrp_fsm_state_name(VRRP_STATE__COUNT), "?");
	assert_string_equal(vrrp_fsm_cause_name(VRRP_CAUSE__COUNT), "?");
	assert_string_equal(vrrp_fsm_state_name((enum vrrp_state) - 1), "?");
}

static void skew_and_mdi_v3_exact(void **state)
{
	(void)state;
	/* 1 s, priority 100: Skew 609.375 ms, MDI 3.609375 s. */
	assert_int_equal(vrrp_fsm_skew_time(3, 100, 100), INT64_C(609375000));
	assert_int_equal(vrrp_fsm_master_down_interval(3, 100, 100), MDI_1S_P100);
	/* 50 ms: Skew 30.46875 ms (not 30 or 31 ms), MDI 180.46875 ms. */
	assert_int_equal(vrrp_fsm_skew_time(3, 100, 5), INT64_C(30468750));
	assert_int_equal(vrrp_fsm_master_down_interval(3, 100, 5), INT64_C(180468750));
	/* 10 ms: MDI 36.09375 ms; 100 ms: 360.9375 ms. */
	assert_int_equal(vrrp_fsm_master_down_interval(3, 100, 1), INT64_C(36093750));
	assert_int_equal(vrrp_fsm_master_down_interval(3, 100, 10), INT64_C(360937500));
	/* Priority 0 weighs a full interval, 255 a 256th. */
	assert_int_equal(vrrp_fsm_skew_time(3, 0, 100), MT_SEC);
	assert_int_equal(vrrp_fsm_skew_time(3, 255, 256), MT_CSEC);
	assert_int_equal(vrrp_fsm_master_down_interval(3, 150, 100), MDI_1S_P150);
	/* The largest interval (40.95 s) does not overflow. */
	assert_int_equal(vrrp_fsm_skew_time(3, 1, 4095), INT64_C(255) * 4095 * MT_CSEC / 256);
	assert_int_equal(vrrp_fsm_master_down_interval(3, 1, 4095),
	                 3 * 4095 * MT_CSEC + INT64_C(255) * 4095 * MT_CSEC / 256);
	/* Only a half nanosecond is ever dropped: 1 cs / 256 = 39062.5 ns, 3 cs / 256 = 117187.5.
	 */
	assert_int_equal(vrrp_fsm_skew_time(3, 255, 1), 39062);
	assert_int_equal(vrrp_fsm_skew_time(3, 254, 1), 78125);
	assert_int_equal(vrrp_fsm_skew_time(3, 253, 1), 117187);
}

static void skew_and_mdi_v2(void **state)
{
	(void)state;
	/* v2: (256 - p) / 256 s, whatever the interval. */
	assert_int_equal(vrrp_fsm_skew_time(2, 100, 100), INT64_C(609375000));
	assert_int_equal(vrrp_fsm_skew_time(2, 100, 300), INT64_C(609375000));
	assert_int_equal(vrrp_fsm_skew_time(2, 100, 1), INT64_C(609375000));
	assert_int_equal(vrrp_fsm_skew_time(2, 255, 100), INT64_C(3906250));
	assert_int_equal(vrrp_fsm_master_down_interval(2, 100, 100), MDI_1S_P100);
	assert_int_equal(vrrp_fsm_master_down_interval(2, 100, 300),
	                 9 * MT_SEC + INT64_C(609375000));
}

static void init_is_idle(void **state)
{
	struct vrrp_fsm_config c = mkcfg(3, 100, 100);
	struct vrrp_fsm f;

	(void)state;
	vrrp_fsm_init(&f, &c);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(f.priority, 100);
	assert_int_equal(f.master_adver_int_cs, 100);
	assert_int_equal(f.cause, VRRP_CAUSE_NONE);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	assert_int_equal(advert(&f, 200, 100, &hi_addr), 0);
	assert_int_equal(advert(&f, 0, 100, &hi_addr), 0);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + 100 * MT_SEC), 0);
	assert_int_equal(vrrp_fsm_shutdown(&f, now_ns), 0);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	/* Tracking may change the priority before startup: stored, no action. */
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 90), 0);
	assert_int_equal(f.priority, 90);
}

static void fault_is_idle(void **state)
{
	struct vrrp_fsm_config c = mkcfg(3, 100, 100);
	struct vrrp_fsm f;

	(void)state;
	vrrp_fsm_init(&f, &c);
	f.state = VRRP_STATE_FAULT;
	assert_int_equal(advert(&f, 200, 100, &hi_addr), 0);
	assert_int_equal(advert(&f, 50, 100, &lo_addr), 0);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + 100 * MT_SEC), 0);
	assert_int_equal(f.state, VRRP_STATE_FAULT);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	/* Shutdown from Fault: only the state change. */
	assert_int_equal(vrrp_fsm_shutdown(&f, now_ns), VRRP_ACT_STATE);
	assert_int_equal(f.prev_state, VRRP_STATE_FAULT);
	assert_int_equal(f.state, VRRP_STATE_INIT);
}

static void startup_backup(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(3, 100, 100));

	(void)state;
	assert_int_equal(f.prev_state, VRRP_STATE_INIT);
	assert_int_equal(f.cause, VRRP_CAUSE_STARTUP);
	assert_int_equal(f.master_adver_int_cs, 100);
	assert_int_equal(f.master_down_timer, T0 + MDI_1S_P100);
	assert_int_equal(f.adver_timer, 0);
	assert_false(f.master_known);
	assert_int_equal(vrrp_fsm_next_deadline(&f), T0 + MDI_1S_P100);
	/* A second startup is not an event of Backup. */
	assert_int_equal(vrrp_fsm_startup(&f, now_ns + MT_SEC), 0);
	assert_int_equal(f.master_down_timer, T0 + MDI_1S_P100);
}

static void startup_owner(void **state)
{
	struct vrrp_fsm f = owner_fsm(100);

	(void)state;
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.prev_state, VRRP_STATE_INIT);
	assert_int_equal(f.cause, VRRP_CAUSE_OWNER);
	assert_int_equal(f.adver_timer, T0 + MT_SEC);
	assert_int_equal(f.master_down_timer, 0);
	assert_int_equal(vrrp_fsm_next_deadline(&f), T0 + MT_SEC);
}

static void takeover_exactly_at_mdi(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(3, 100, 5));

	(void)state;
	assert_int_equal(f.master_down_timer, T0 + INT64_C(180468750));
	/* One nanosecond early: nothing. */
	assert_int_equal(vrrp_fsm_expire(&f, T0 + INT64_C(180468749)), 0);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(vrrp_fsm_expire(&f, T0 + INT64_C(180468750)), ACT_TAKEOVER);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.prev_state, VRRP_STATE_BACKUP);
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
	assert_int_equal(f.master_down_timer, 0);
	assert_int_equal(f.adver_timer, T0 + INT64_C(180468750) + 5 * MT_CSEC);
	assert_int_equal(vrrp_fsm_next_deadline(&f), f.adver_timer);
}

static void backup_accepts_higher_and_equal(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(3, 100, 100));

	(void)state;
	now_ns = T0 + 2 * MT_SEC;
	assert_int_equal(advert(&f, 200, 100, &hi_addr), 0);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_down_timer, now_ns + MDI_1S_P100);
	assert_true(f.master_known);
	assert_int_equal(f.master_priority, 200);
	assert_memory_equal(&f.master_addr, &hi_addr, 4);
	/* Equal priority (from either address) is accepted too: the RFC says ">=". */
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 100, 100, &lo_addr), 0);
	assert_int_equal(f.master_down_timer, now_ns + MDI_1S_P100);
	assert_int_equal(f.master_priority, 100);
	assert_memory_equal(&f.master_addr, &lo_addr, 4);
	/* Adverts keep it Backup for as long as they come. */
	for (int i = 0; i < 50; i++) {
		now_ns += MT_SEC;
		assert_int_equal(vrrp_fsm_expire(&f, now_ns), 0);
		assert_int_equal(advert(&f, 200, 100, &hi_addr), 0);
	}
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	/* Then the master dies: takeover at exactly MDI after its last advert. */
	monotime last = now_ns;
	assert_int_equal(vrrp_fsm_expire(&f, last + MDI_1S_P100 - 1), 0);
	assert_int_equal(vrrp_fsm_expire(&f, last + MDI_1S_P100), ACT_TAKEOVER);
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
	assert_false(f.master_known);
}

static void backup_learns_v3_interval(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(3, 100, 100));

	(void)state;
	now_ns = T0 + MT_SEC / 2;
	/* A master with 50 ms adverts: MDI becomes 180.46875 ms. */
	assert_int_equal(advert(&f, 200, 5, &hi_addr), 0);
	assert_int_equal(f.master_adver_int_cs, 5);
	assert_int_equal(f.master_down_timer, now_ns + INT64_C(180468750));
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + INT64_C(180468749)), 0);
	now_ns += INT64_C(180468750);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), ACT_TAKEOVER);
	/* As master we advertise at our own interval again. */
	assert_int_equal(f.adver_timer, now_ns + MT_SEC);
	assert_int_equal(f.master_adver_int_cs, 100);
}

static void v2_never_learns_interval(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(2, 150, 100));

	(void)state;
	assert_int_equal(f.master_down_timer, T0 + MDI_1S_P150);
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 200, 200, &hi_addr), 0);
	assert_int_equal(f.master_adver_int_cs, 100);
	assert_int_equal(f.master_down_timer, now_ns + MDI_1S_P150);
	/* Nor when a Master yields. */
	now_ns = f.master_down_timer;
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), ACT_TAKEOVER);
	now_ns += MT_SEC / 4;
	assert_int_equal(advert(&f, 200, 300, &hi_addr), ACT_YIELD);
	assert_int_equal(f.master_adver_int_cs, 100);
	assert_int_equal(f.master_down_timer, now_ns + MDI_1S_P150);
}

static void backup_prio0_takeover_after_skew(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(3, 100, 100));

	(void)state;
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 200, 5, &hi_addr), 0); /* learn 50 ms */
	now_ns += 5 * MT_CSEC;
	assert_int_equal(advert(&f, 0, 5, &hi_addr), 0);
	assert_true(f.prio0_seen);
	/* Skew_Time of the learned interval: 30.46875 ms. */
	assert_int_equal(f.master_down_timer, now_ns + INT64_C(30468750));
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + INT64_C(30468749)), 0);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + INT64_C(30468750)), ACT_TAKEOVER);
	assert_int_equal(f.cause, VRRP_CAUSE_PRIO0);
	assert_false(f.prio0_seen);
}

static void backup_prio0_then_master_returns(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(3, 100, 100));

	(void)state;
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 0, 100, &hi_addr), 0);
	/* The master changes its mind within Skew_Time: back to the full MDI, cause not PRIO0. */
	now_ns += MT_SEC / 10;
	assert_int_equal(advert(&f, 200, 100, &hi_addr), 0);
	assert_false(f.prio0_seen);
	assert_int_equal(f.master_down_timer, now_ns + MDI_1S_P100);
	assert_int_equal(vrrp_fsm_expire(&f, f.master_down_timer), ACT_TAKEOVER);
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
}

static void backup_preempt_ignores_lower(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(3, 100, 100));
	monotime accepted;

	(void)state;
	now_ns = T0 + MT_SEC / 2;
	assert_int_equal(advert(&f, 150, 100, &hi_addr), 0);
	accepted = now_ns;
	/* Now a lower master (50) speaks: ignored, the timer keeps running. */
	for (int i = 1; i <= 3; i++) {
		now_ns = accepted + i * MT_SEC;
		assert_int_equal(advert(&f, 50, 100, &lo_addr), 0);
		assert_int_equal(f.master_down_timer, accepted + MDI_1S_P100);
		assert_true(f.lower_ignored);
	}
	assert_int_equal(f.lower_since, accepted + MT_SEC);
	assert_int_equal(vrrp_fsm_expire(&f, accepted + MDI_1S_P100 - 1), 0);
	assert_int_equal(vrrp_fsm_expire(&f, accepted + MDI_1S_P100), ACT_TAKEOVER);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.cause, VRRP_CAUSE_PREEMPT);
	assert_int_equal(f.lower_since, 0);
}

static void backup_preempt_off_stays_backup(void **state)
{
	struct vrrp_fsm_config c = mkcfg(3, 100, 100);
	struct vrrp_fsm f;

	(void)state;
	c.preempt = false;
	f = backup_fsm(c);
	for (int i = 1; i <= 100; i++) {
		now_ns = T0 + i * MT_SEC;
		assert_int_equal(vrrp_fsm_expire(&f, now_ns), 0);
		assert_int_equal(advert(&f, 50, 100, &lo_addr), 0);
		assert_int_equal(f.master_down_timer, now_ns + MDI_1S_P100);
		assert_int_equal(f.state, VRRP_STATE_BACKUP);
	}
	assert_int_equal(f.master_priority, 50);
	assert_int_equal(f.lower_since, 0);
	/* The lower master disappears: an ordinary master-down takeover. */
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + MDI_1S_P100 - 1), 0);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + MDI_1S_P100), ACT_TAKEOVER);
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
}

static void backup_preempt_delay_then_takeover(void **state)
{
	struct vrrp_fsm_config c = mkcfg(3, 100, 100);
	struct vrrp_fsm f;
	monotime deadline;

	(void)state;
	c.preempt_delay = 5 * MT_SEC;
	f = backup_fsm(c);
	/* Lower adverts at T0 + 1..5 s are tolerated: each resets the timer. */
	for (int i = 1; i <= 5; i++) {
		now_ns = T0 + i * MT_SEC;
		assert_int_equal(vrrp_fsm_expire(&f, now_ns), 0);
		assert_int_equal(advert(&f, 50, 100, &lo_addr), 0);
		assert_int_equal(f.master_down_timer, now_ns + MDI_1S_P100);
		assert_false(f.lower_ignored);
	}
	assert_int_equal(f.lower_since, T0 + MT_SEC);
	deadline = now_ns + MDI_1S_P100;
	/* From T0 + 6 s (lower_since + delay) on they are ignored. */
	for (int i = 6; i <= 8; i++) {
		now_ns = T0 + i * MT_SEC;
		assert_int_equal(vrrp_fsm_expire(&f, now_ns), 0);
		assert_int_equal(advert(&f, 50, 100, &lo_addr), 0);
		assert_int_equal(f.master_down_timer, deadline);
		assert_true(f.lower_ignored);
	}
	assert_int_equal(vrrp_fsm_expire(&f, deadline - 1), 0);
	assert_int_equal(vrrp_fsm_expire(&f, deadline), ACT_TAKEOVER);
	assert_int_equal(f.cause, VRRP_CAUSE_PREEMPT);
}

static void backup_preempt_delay_master_disappears(void **state)
{
	struct vrrp_fsm_config c = mkcfg(3, 100, 100);
	struct vrrp_fsm f;

	(void)state;
	c.preempt_delay = 60 * MT_SEC;
	f = backup_fsm(c);
	now_ns = T0 + MT_SEC;
	assert_int_equal(advert(&f, 50, 100, &lo_addr), 0);
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 50, 100, &lo_addr), 0);
	/* The delay only delays preemption: a silent master is still taken over after MDI. */
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + MDI_1S_P100 - 1), 0);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + MDI_1S_P100), ACT_TAKEOVER);
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
}

static void backup_higher_master_clears_lower_tracking(void **state)
{
	struct vrrp_fsm_config c = mkcfg(3, 100, 100);
	struct vrrp_fsm f;

	(void)state;
	c.preempt_delay = 2 * MT_SEC;
	f = backup_fsm(c);
	now_ns = T0 + MT_SEC;
	assert_int_equal(advert(&f, 50, 100, &lo_addr), 0);
	assert_int_equal(f.lower_since, T0 + MT_SEC);
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 200, 100, &hi_addr), 0);
	assert_int_equal(f.lower_since, 0);
	/* A later lower master gets the full delay again. */
	now_ns += 10 * MT_SEC;
	assert_int_equal(advert(&f, 50, 100, &lo_addr), 0);
	assert_int_equal(f.lower_since, now_ns);
	assert_int_equal(f.master_down_timer, now_ns + MDI_1S_P100);
}

static void master_rhythm_no_drift(void **state)
{
	struct vrrp_fsm f = owner_fsm(1);
	const monotime iv = MT_CSEC;

	(void)state;
	for (int64_t k = 1; k <= 1000; k++) {
		monotime due = T0 + k * iv;
		/* The loop wakes up late by a varying amount below one interval. */
		monotime late = (k * 7919) % iv;

		assert_int_equal(vrrp_fsm_next_deadline(&f), due);
		assert_int_equal(vrrp_fsm_expire(&f, due - 1), 0);
		assert_int_equal(vrrp_fsm_expire(&f, due + late), VRRP_ACT_SEND_ADVERT);
		assert_int_equal(f.adver_timer, due + iv);
		/* A second call at the same time sends nothing more. */
		assert_int_equal(vrrp_fsm_expire(&f, due + late), 0);
	}
	assert_int_equal(f.adver_timer, T0 + 1001 * iv);
}

static void master_late_rebases_without_burst(void **state)
{
	struct vrrp_fsm f = owner_fsm(100);

	(void)state;
	/* Half an interval late: stay on the grid. */
	assert_int_equal(vrrp_fsm_expire(&f, T0 + 3 * MT_SEC / 2), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.adver_timer, T0 + 2 * MT_SEC);
	/* Ten and a half intervals late (the VM was frozen): one advert, then re-base on now. */
	now_ns = T0 + 12 * MT_SEC + MT_SEC / 2;
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.adver_timer, now_ns + MT_SEC);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), 0);
	/* Exactly one interval late: the grid slot is now, so re-base too. */
	now_ns = f.adver_timer + MT_SEC;
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.adver_timer, now_ns + MT_SEC);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), 0);
}

static void master_prio0_answers_at_once(void **state)
{
	struct vrrp_fsm f = master_fsm(mkcfg(3, 150, 100));

	(void)state;
	now_ns += MT_SEC / 3;
	assert_int_equal(advert(&f, 0, 100, &hi_addr), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.adver_timer, now_ns + MT_SEC);
	/* A flood is answered at most once per own interval: no advert for advert. */
	for (int i = 0; i < 1000; i++) {
		now_ns += MT_MSEC / 2;
		assert_int_equal(advert(&f, 0, 100, &hi_addr), 0);
	}
	now_ns += MT_SEC / 2;
	assert_int_equal(advert(&f, 0, 100, &hi_addr), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void master_yields_to_higher(void **state)
{
	struct vrrp_fsm f = master_fsm(mkcfg(3, 150, 100));

	(void)state;
	now_ns += MT_SEC / 4;
	assert_int_equal(advert(&f, 200, 5, &lo_addr), ACT_YIELD);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.prev_state, VRRP_STATE_MASTER);
	assert_int_equal(f.cause, VRRP_CAUSE_HIGHER_PRIO);
	assert_int_equal(f.adver_timer, 0);
	/* Learned 50 ms: MDI = 150 ms + 106 x 50 ms / 256 = 170.703125 ms. */
	assert_int_equal(f.master_adver_int_cs, 5);
	assert_int_equal(f.master_down_timer, now_ns + INT64_C(170703125));
	/* The second copy of the last advert is due first (test_vrrp_fsm_yield.c). */
	assert_int_equal(vrrp_fsm_next_deadline(&f), now_ns + VRRP_YIELD_REPEAT);
	assert_true(f.master_known);
	assert_int_equal(f.master_priority, 200);
	assert_memory_equal(&f.master_addr, &lo_addr, 4);
	/* The new master dies: we take over again. */
	now_ns = f.master_down_timer;
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), ACT_TAKEOVER);
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
	assert_int_equal(f.adver_timer, now_ns + MT_SEC);
}

static void master_tie_break_ipv4(void **state)
{
	struct vrrp_fsm f = master_fsm(mkcfg(3, 150, 100));
	union vip_in nine = ip4("198.18.0.9"), hundred = ip4("198.18.0.100");

	(void)state;
	/* Equal priority from a lower address (.9 < .10 as numbers, not as text): answered. */
	now_ns += MT_SEC / 4;
	assert_int_equal(advert(&f, 150, 100, &nine), ACT_ANSWER);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.adver_timer, now_ns + MT_SEC);
	assert_int_equal(f.master_down_timer, 0);
	/* From a higher one (.100): we yield, even right after an answer. */
	assert_int_equal(advert(&f, 150, 100, &hundred), ACT_YIELD);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.cause, VRRP_CAUSE_HIGHER_PRIO);
	assert_int_equal(f.master_down_timer, now_ns + MDI_1S_P150);
}

static void master_tie_break_ipv6(void **state)
{
	struct vrrp_fsm_config c = mkcfg(3, 150, 100);
	struct vrrp_fsm f;
	/* fe80::9 < fe80::a < fe80::1:0 as 128-bit numbers. */
	union vip_in lo6 = ip6("fe80::9"), hi6 = ip6("fe80::1:0");

	(void)state;
	c.af = AF_INET6;
	c.primary = ip6("fe80::a");
	f = master_fsm(c);
	assert_int_equal(advert(&f, 150, 100, &lo6), ACT_ANSWER);
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 150, 100, &hi6), ACT_YIELD);
	assert_memory_equal(&f.master_addr, &hi6, 16);
}

static void master_answers_lower_once_per_interval(void **state)
{
	struct vrrp_fsm f = master_fsm(mkcfg(3, 150, 100));
	monotime t1;
	int answers = 0;

	(void)state;
	t1 = now_ns + MT_SEC / 4;
	now_ns = t1;
	assert_int_equal(advert(&f, 100, 100, &lo_addr), ACT_ANSWER);
	assert_int_equal(f.last_answer, t1);
	assert_int_equal(f.adver_timer, t1 + MT_SEC);
	/* A flood of 999 lower adverts within the interval gets no answer. */
	for (int i = 1; i < 1000; i++) {
		now_ns = t1 + i * (MT_SEC / 1000);
		if (advert(&f, 100, 100, &lo_addr) != 0)
			answers++;
	}
	assert_int_equal(answers, 0);
	assert_int_equal(f.adver_timer, t1 + MT_SEC);
	/* The regular advert still goes out on time, and after one interval we answer again (the
	 * announcements wait two: test_vrrp_fsm_answer.c). */
	now_ns = t1 + MT_SEC;
	assert_int_equal(vrrp_fsm_expire(&f, now_ns), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(advert(&f, 100, 100, &lo_addr), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.adver_timer, now_ns + MT_SEC);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void owner_tie_break(void **state)
{
	struct vrrp_fsm f = owner_fsm(100);

	(void)state;
	/* Another router claiming ownership from a lower address is answered ... */
	assert_int_equal(advert(&f, 255, 100, &lo_addr), ACT_ANSWER);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	/* ... and any lower priority too (one stream of lower adverts: announced once). */
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 254, 100, &hi_addr), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	/* One from a higher address wins the tie-break. */
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 255, 100, &hi_addr), ACT_YIELD);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.cause, VRRP_CAUSE_HIGHER_PRIO);
	assert_int_equal(f.master_down_timer, now_ns + vrrp_fsm_master_down_interval(3, 255, 100));
}

static void shutdown_from_master(void **state)
{
	struct vrrp_fsm f = master_fsm(mkcfg(3, 150, 100));

	(void)state;
	now_ns += MT_SEC / 2;
	assert_int_equal(vrrp_fsm_shutdown(&f, now_ns),
	                 VRRP_ACT_SEND_PRIO0 | VRRP_ACT_DEL_VIPS | VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(f.prev_state, VRRP_STATE_MASTER);
	assert_int_equal(f.cause, VRRP_CAUSE_SHUTDOWN);
	assert_int_equal(f.adver_timer, 0);
	assert_int_equal(f.master_down_timer, 0);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	assert_int_equal(vrrp_fsm_shutdown(&f, now_ns), 0);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + 10 * MT_SEC), 0);
	/* It can start again. */
	assert_int_equal(vrrp_fsm_startup(&f, now_ns), VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void shutdown_from_backup(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(3, 100, 100));

	(void)state;
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 200, 100, &hi_addr), 0);
	assert_int_equal(vrrp_fsm_shutdown(&f, now_ns), VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(f.prev_state, VRRP_STATE_BACKUP);
	assert_int_equal(f.cause, VRRP_CAUSE_SHUTDOWN);
	assert_int_equal(f.master_down_timer, 0);
	assert_false(f.master_known);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
}

static void fault_from_master_and_back(void **state)
{
	struct vrrp_fsm f = master_fsm(mkcfg(3, 150, 100));

	(void)state;
	now_ns += MT_SEC / 2;
	/* A master that must stop (its link died) says goodbye like a shutdown... */
	assert_int_equal(vrrp_fsm_fault(&f, now_ns),
	                 VRRP_ACT_SEND_PRIO0 | VRRP_ACT_DEL_VIPS | VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_FAULT);
	assert_int_equal(f.cause, VRRP_CAUSE_FAULT);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	/* ...ignores the world while in FAULT... */
	assert_int_equal(vrrp_fsm_fault(&f, now_ns), 0);
	assert_int_equal(advert(&f, 200, 100, &hi_addr), 0);
	assert_int_equal(vrrp_fsm_expire(&f, now_ns + 10 * MT_SEC), 0);
	/* ...and comes back as Backup, never straight to Master. */
	assert_int_equal(vrrp_fsm_startup(&f, now_ns), VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.prev_state, VRRP_STATE_FAULT);
	/* From Backup, FAULT has nothing to release. */
	assert_int_equal(vrrp_fsm_fault(&f, now_ns), VRRP_ACT_STATE);
}

static void set_priority_master(void **state)
{
	struct vrrp_fsm f = master_fsm(mkcfg(3, 150, 100));

	(void)state;
	now_ns += MT_SEC / 3;
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 120), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.priority, 120);
	assert_int_equal(f.adver_timer, now_ns + MT_SEC);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	/* No change, no advert. */
	now_ns += MT_SEC / 3;
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 120), 0);
	assert_int_equal(f.adver_timer, now_ns - MT_SEC / 3 + MT_SEC);
	/* Clamped to 1..254. */
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 0), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.priority, 1);
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 255), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.priority, 254);
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 254), 0);
	/* The lowered priority decides the next election: 140 now beats us. */
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 130), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(advert(&f, 140, 100, &lo_addr), ACT_YIELD);
}

static void set_priority_backup(void **state)
{
	struct vrrp_fsm f = backup_fsm(mkcfg(3, 100, 100));

	(void)state;
	now_ns += MT_SEC / 2;
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 200), 0);
	assert_int_equal(f.priority, 200);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_down_timer, T0 + MDI_1S_P100); /* unchanged */
	/* The next reset uses the new Skew_Time: 3 s + 56/256 s = 3.21875 s. */
	now_ns += MT_SEC / 2;
	assert_int_equal(advert(&f, 250, 100, &hi_addr), 0);
	assert_int_equal(f.master_down_timer, now_ns + INT64_C(3218750000));
	/* And the new priority decides what counts as lower: 150 is now ignored. */
	now_ns += MT_SEC;
	assert_int_equal(advert(&f, 150, 100, &lo_addr), 0);
	assert_true(f.lower_ignored);
	assert_int_equal(f.master_down_timer, now_ns - MT_SEC + INT64_C(3218750000));
}

static void owner_priority_unchanged(void **state)
{
	struct vrrp_fsm_config c = mkcfg(3, 255, 100);
	struct vrrp_fsm f;

	(void)state;
	vrrp_fsm_init(&f, &c);
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 100), 0);
	assert_int_equal(f.priority, 255);
	assert_int_equal(vrrp_fsm_startup(&f, now_ns), ACT_TAKEOVER);
	now_ns += MT_SEC / 2;
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 100), 0);
	assert_int_equal(vrrp_fsm_set_priority(&f, now_ns, 1), 0);
	assert_int_equal(f.priority, 255);
	assert_int_equal(f.adver_timer, T0 + MT_SEC);
}

static void next_deadline_is_min(void **state)
{
	struct vrrp_fsm_config c = mkcfg(3, 100, 100);
	struct vrrp_fsm f;

	(void)state;
	vrrp_fsm_init(&f, &c);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	f.adver_timer = 50;
	assert_int_equal(vrrp_fsm_next_deadline(&f), 50);
	f.master_down_timer = 40;
	assert_int_equal(vrrp_fsm_next_deadline(&f), 40);
	f.master_down_timer = 60;
	assert_int_equal(vrrp_fsm_next_deadline(&f), 50);
	f.adver_timer = 0;
	assert_int_equal(vrrp_fsm_next_deadline(&f), 60);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(names_complete),
	    T(skew_and_mdi_v3_exact),
	    T(skew_and_mdi_v2),
	    T(init_is_idle),
	    T(fault_is_idle),
	    T(startup_backup),
	    T(startup_owner),
	    T(takeover_exactly_at_mdi),
	    T(backup_accepts_higher_and_equal),
	    T(backup_learns_v3_interval),
	    T(v2_never_learns_interval),
	    T(backup_prio0_takeover_after_skew),
	    T(backup_prio0_then_master_returns),
	    T(backup_preempt_ignores_lower),
	    T(backup_preempt_off_stays_backup),
	    T(backup_preempt_delay_then_takeover),
	    T(backup_preempt_delay_master_disappears),
	    T(backup_higher_master_clears_lower_tracking),
	    T(master_rhythm_no_drift),
	    T(master_late_rebases_without_burst),
	    T(master_prio0_answers_at_once),
	    T(master_yields_to_higher),
	    T(master_tie_break_ipv4),
	    T(master_tie_break_ipv6),
	    T(master_answers_lower_once_per_interval),
	    T(owner_tie_break),
	    T(shutdown_from_master),
	    T(shutdown_from_backup),
	    T(fault_from_master_and_back),
	    T(set_priority_master),
	    T(set_priority_backup),
	    T(owner_priority_unchanged),
	    T(next_deadline_is_min),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
