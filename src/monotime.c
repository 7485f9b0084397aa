/* monotime: the one clock of vipd. CLOCK_MONOTONIC never jumps with the wall clock, so an
 * operator's date change cannot expire a Master_Down_Timer. */
#include "build_config.h"

#include <time.h>

#include "vipd/monotime.h"

monotime monotime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (monotime)ts.tv_sec * MT_SEC + ts.tv_nsec;
}

monotime monotime_since_boot(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (monotime)ts.tv_sec * MT_SEC + ts.tv_nsec;
}

monotime monotime_boot_origin(monotime now, monotime since_boot)
{
	return since_boot < now ? now - since_boot : 0;
}

int64_t monotime_realtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * MT_SEC + ts.tv_nsec;
}

monotime monotime_of_realtime(int64_t stamp, int64_t real_minus_mono, monotime now,
                              monotime max_age)
{
	monotime t;

	if (stamp == 0)
		return now;
	t = stamp - real_minus_mono;
	if (t > now)
		return now;
	return t < now - max_age ? now - max_age : t;
}
