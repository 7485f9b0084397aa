/* Unit tests for the startup delay (startup_delay, keepalived's vrrp_startup_delay) on a fake
 * clock: a Backup hears adverts but its Master_Down_Timer does not fire before the delay ends;
 * an owner waits as Backup; a reload can lengthen, shorten or end the delay. */
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
#define DELAY (30 * MT_SEC)
/* MDI for 1 s adverts at priority 100: 3 s + 156.25 ms skew. */
#define MDI_1S_P100 INT64_C(3609375000)

static union vip_in peer; /* another router, 198.18.0.20 */

static struct vrrp_fsm started(uint8_t prio, monotime hold_until)
{
	struct vrrp_fsm_config c = {
	    .version = 3, .priority = prio, .adver_int_cs = 100, .preempt = true, .af = AF_INET};
	struct vrrp_fsm f;

	assert_int_equal(inet_pton(AF_INET, "198.18.0.10", &c.primary.v4), 1);
	assert_int_equal(inet_pton(AF_INET, "198.18.0.20", &peer.v4), 1);
	vrrp_fsm_init(&f, &c);
	vrrp_fsm_startup_hold(&f, T0, hold_until);
	assert_int_equal(vrrp_fsm_startup(&f, T0), VRRP_ACT_STATE);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	return f;
}

/* No master: the Master_Down_Timer waits for the end of the delay, then fires. */
static void waits_for_delay(void **state)
{
	struct vrrp_fsm f = started(100, T0 + DELAY);

	(void)state;
	assert_int_equal(vrrp_fsm_next_deadline(&f), T0 + MDI_1S_P100);
	assert_int_equal(vrrp_fsm_expire(&f, T0 + MDI_1S_P100), 0);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(vrrp_fsm_next_deadline(&f), T0 + DELAY);
	assert_true(vrrp_fsm_expire(&f, T0 + DELAY) & VRRP_ACT_ADD_VIPS);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.cause, VRRP_CAUSE_MASTER_DOWN);
}

/* Without a delay (0, or one already over) the timer fires after MDI as always. */
static void no_delay(void **state)
{
	struct vrrp_fsm f = started(100, 0);
	struct vrrp_fsm g = started(100, T0 - MT_SEC);

	(void)state;
	assert_int_equal(f.startup_until, 0);
	assert_int_equal(g.startup_until, 0);
	assert_true(vrrp_fsm_expire(&f, T0 + MDI_1S_P100) & VRRP_ACT_ADD_VIPS);
	assert_true(vrrp_fsm_expire(&g, T0 + MDI_1S_P100) & VRRP_ACT_ADD_VIPS);
}

/* Adverts are heard during the delay; after it the timer runs from the last one as usual. */
static void hears_master(void **state)
{
	struct vrrp_fsm f = started(100, T0 + DELAY);
	monotime t;

	(void)state;
	for (t = T0 + MT_SEC; t < T0 + DELAY + 2 * MT_SEC; t += MT_SEC) {
		assert_int_equal(vrrp_fsm_advert(&f, t, 150, 100, &peer), 0);
		assert_true(f.master_known);
		assert_int_equal(f.state, VRRP_STATE_BACKUP);
	}
	t -= MT_SEC;
	assert_int_equal(vrrp_fsm_next_deadline(&f), t + MDI_1S_P100);
	/* the master goes quiet after the delay: a plain takeover after MDI */
	assert_true(vrrp_fsm_expire(&f, t + MDI_1S_P100) & VRRP_ACT_ADD_VIPS);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

/* A master that says priority 0 during the delay: no takeover after Skew_Time, only at the end. */
static void prio0_waits(void **state)
{
	struct vrrp_fsm f = started(100, T0 + DELAY);

	(void)state;
	vrrp_fsm_advert(&f, T0 + MT_SEC, 150, 100, &peer);
	vrrp_fsm_advert(&f, T0 + 2 * MT_SEC, 0, 100, &peer);
	assert_int_equal(vrrp_fsm_expire(&f, vrrp_fsm_next_deadline(&f)), 0);
	assert_int_equal(vrrp_fsm_next_deadline(&f), T0 + DELAY);
	assert_true(vrrp_fsm_expire(&f, T0 + DELAY) & VRRP_ACT_ADD_VIPS);
	assert_int_equal(f.cause, VRRP_CAUSE_PRIO0);
}

/* The address owner starts as Backup during the delay and takes over at its end. */
static void owner_waits(void **state)
{
	struct vrrp_fsm f = started(255, T0 + DELAY);
	struct vrrp_fsm g;
	struct vrrp_fsm_config c = f.cfg;

	(void)state;
	assert_int_equal(vrrp_fsm_next_deadline(&f), T0 + DELAY);
	assert_int_equal(vrrp_fsm_expire(&f, T0 + DELAY - 1), 0);
	assert_true(vrrp_fsm_expire(&f, T0 + DELAY) & VRRP_ACT_ADD_VIPS);
	assert_int_equal(f.cause, VRRP_CAUSE_OWNER);
	/* without a delay it is Master at once */
	vrrp_fsm_init(&g, &c);
	assert_true(vrrp_fsm_startup(&g, T0) & VRRP_ACT_ADD_VIPS);
}

/* A reload changes the delay: a timer waiting for the old end moves to the new one, or to now. */
static void reload_moves_end(void **state)
{
	struct vrrp_fsm f = started(100, T0 + DELAY);
	monotime t = T0 + 5 * MT_SEC;

	(void)state;
	assert_int_equal(vrrp_fsm_expire(&f, T0 + MDI_1S_P100), 0);
	vrrp_fsm_startup_hold(&f, t, T0 + 2 * DELAY);
	assert_int_equal(vrrp_fsm_next_deadline(&f), T0 + 2 * DELAY);
	vrrp_fsm_startup_hold(&f, t, T0 + 10 * MT_SEC);
	assert_int_equal(vrrp_fsm_next_deadline(&f), T0 + 10 * MT_SEC);
	vrrp_fsm_startup_hold(&f, t, 0);
	assert_int_equal(f.startup_until, 0);
	assert_int_equal(vrrp_fsm_next_deadline(&f), t);
	assert_true(vrrp_fsm_expire(&f, t) & VRRP_ACT_ADD_VIPS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(waits_for_delay), cmocka_unit_test(no_delay),
	    cmocka_unit_test(hears_master),    cmocka_unit_test(prio0_waits),
	    cmocka_unit_test(owner_waits),     cmocka_unit_test(reload_moves_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
