/* Unit tests for the advert grid (advert_grid, vrrp_fsm_advert_phase): a Master's adverts keep
 * its VRID's place in the interval, the first one after a transition is never later than an
 * interval, and instances that take over together spread over the interval. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "vipd/vrrp_fsm.h"

#define T0 (1000 * MT_SEC)
#define IV10 (10 * MT_MSEC)

/* An owner (priority 255) becomes Master at startup: the quickest way to a Master. */
static struct vrrp_fsm owner_at(uint8_t vrid, uint16_t int_cs, monotime now)
{
	struct vrrp_fsm_config c = {.version = 3,
	                            .priority = 255,
	                            .adver_int_cs = int_cs,
	                            .preempt = true,
	                            .af = AF_INET,
	                            .advert_grid = true,
	                            .advert_phase = vrrp_fsm_advert_phase(vrid, int_cs)};
	struct vrrp_fsm f;

	assert_int_equal(inet_pton(AF_INET, "198.18.0.10", &c.primary.v4), 1);
	vrrp_fsm_init(&f, &c);
	assert_true(vrrp_fsm_startup(&f, now) & VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	return f;
}

/* The slots: 0.625 ms apart at 10 ms (16), at most 64 (15.625 ms apart at 1 s). */
static void phases(void **state)
{
	(void)state;
	assert_int_equal(vrrp_fsm_advert_phase(16, 1), 0);
	assert_int_equal(vrrp_fsm_advert_phase(17, 1), 625 * MT_USEC);
	assert_int_equal(vrrp_fsm_advert_phase(15, 1), 15 * 625 * MT_USEC);
	assert_int_equal(vrrp_fsm_advert_phase(51, 5), 51 * 781250);
	assert_int_equal(vrrp_fsm_advert_phase(255, 100), 63 * 15625 * MT_USEC);
	assert_int_equal(vrrp_fsm_advert_phase(64, 100), 0);
}

/* Taking over at T0 + 3.2 ms: the next advert at the VRID's slot, within one interval, then
 * exactly one interval apart. */
static void first_on_the_grid_then_steady(void **state)
{
	monotime now = T0 + 3200 * MT_USEC; /* T0 is on every grid: 1000 s */
	struct vrrp_fsm f = owner_at(3, 1, now);
	monotime d;

	(void)state;
	/* slot 3 = 1.875 ms into each 10 ms: the last such point up to now + 10 ms */
	d = vrrp_fsm_next_deadline(&f);
	assert_int_equal(d, T0 + 10 * MT_MSEC + 1875 * MT_USEC);
	assert_true(d > now && d <= now + IV10);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(vrrp_fsm_expire(&f, d), VRRP_ACT_SEND_ADVERT);
		assert_int_equal(vrrp_fsm_next_deadline(&f), d + IV10);
		d += IV10;
	}
}

/* A loop that ran more than an interval late sends one advert, not a catch-up burst, and goes
 * back to the grid. */
static void late_loop_back_on_the_grid(void **state)
{
	monotime now = T0;
	struct vrrp_fsm f = owner_at(5, 1, now);
	monotime d = vrrp_fsm_next_deadline(&f), late = d + 25 * MT_MSEC + 100 * MT_USEC;

	(void)state;
	assert_int_equal(d, T0 + 5 * 625 * MT_USEC);
	assert_int_equal(vrrp_fsm_expire(&f, late), VRRP_ACT_SEND_ADVERT);
	d = vrrp_fsm_next_deadline(&f);
	assert_true(d > late && d <= late + IV10);
	assert_int_equal((d - T0) % IV10, 5 * 625 * MT_USEC);
}

/* 255 instances taking over at the same instant advertise in 16 bursts of at most 16 over the
 * next interval instead of one burst of 255. */
static void takeovers_spread(void **state)
{
	monotime now = T0 + 7 * MT_MSEC + 123;
	unsigned count[16] = {0};

	(void)state;
	for (int vrid = 1; vrid <= 255; vrid++) {
		struct vrrp_fsm f = owner_at((uint8_t)vrid, 1, now);
		monotime d = vrrp_fsm_next_deadline(&f);

		assert_true(d > now && d <= now + IV10);
		assert_int_equal((d - T0) % (625 * MT_USEC), 0);
		count[(d - T0) % IV10 / (625 * MT_USEC)]++;
	}
	for (int s = 0; s < 16; s++)
		assert_true(count[s] == 15 || count[s] == 16);
}

/* Without advert_grid (the default), the next advert is an interval after the transition. */
static void no_grid_keeps_the_transition_rhythm(void **state)
{
	struct vrrp_fsm_config c = {
	    .version = 3, .priority = 255, .adver_int_cs = 1, .preempt = true, .af = AF_INET};
	struct vrrp_fsm f;
	monotime now = T0 + 3200 * MT_USEC;

	(void)state;
	vrrp_fsm_init(&f, &c);
	vrrp_fsm_startup(&f, now);
	assert_int_equal(vrrp_fsm_next_deadline(&f), now + IV10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(phases),
	    cmocka_unit_test(first_on_the_grid_then_steady),
	    cmocka_unit_test(late_loop_back_on_the_grid),
	    cmocka_unit_test(takeovers_spread),
	    cmocka_unit_test(no_grid_keeps_the_transition_rhythm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
