/* monotime: a packet's wall-clock receive stamp turned into vipd's monotonic clock, kept within
 * [now - max_age, now] whatever the wall clock did in between. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vipd/monotime.h"

#define NOW (5000 * MT_SEC)
#define OFF (INT64_C(1796567736) * MT_SEC) /* wall clock minus monotonic, read together */
#define MAX (3 * MT_MSEC)

static void stamp_within_max_age(void **state)
{
	(void)state;
	/* received 1.2 ms before now */
	assert_int_equal(monotime_of_realtime(OFF + NOW - 1200 * MT_USEC, OFF, NOW, MAX),
	                 NOW - 1200 * MT_USEC);
	assert_int_equal(monotime_of_realtime(OFF + NOW, OFF, NOW, MAX), NOW);
}

static void no_stamp_is_now(void **state)
{
	(void)state;
	assert_int_equal(monotime_of_realtime(0, OFF, NOW, MAX), NOW);
}

/* A stamp after now (the wall clock was set back since, or read after now was taken) is now; one
 * older than max_age (the clock was set forward, or the loop stalled) is now - max_age. */
static void stamp_clamped(void **state)
{
	(void)state;
	assert_int_equal(monotime_of_realtime(OFF + NOW + 7 * MT_SEC, OFF, NOW, MAX), NOW);
	assert_int_equal(monotime_of_realtime(OFF + NOW - 20 * MT_MSEC, OFF, NOW, MAX), NOW - MAX);
	assert_int_equal(monotime_of_realtime(OFF + NOW - 3600 * MT_SEC, OFF, NOW, MAX), NOW - MAX);
}

/* The two clocks read now differ by more than a few ms only if something is very wrong; the
 * conversion of a fresh stamp must land within a millisecond of now. */
static void clocks_read_together(void **state)
{
	monotime mono = monotime_now();
	int64_t off = monotime_realtime_now() - mono;
	monotime t = monotime_of_realtime(monotime_realtime_now(), off, monotime_now(), MAX);

	(void)state;
	assert_true(t > mono - MT_MSEC);
	assert_true(t <= monotime_now());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stamp_within_max_age),
	    cmocka_unit_test(no_stamp_is_now),
	    cmocka_unit_test(stamp_clamped),
	    cmocka_unit_test(clocks_read_together),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
