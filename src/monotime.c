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
