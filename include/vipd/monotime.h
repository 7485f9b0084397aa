/* monotime: the one clock of vipd, nanoseconds on CLOCK_MONOTONIC. */
#ifndef VIPD_MONOTIME_H
#define VIPD_MONOTIME_H

#include <stdint.h>

/* Nanoseconds since an arbitrary start; 0 means "no deadline" where a deadline is stored. */
typedef int64_t monotime;

#define MT_USEC INT64_C(1000)
#define MT_MSEC INT64_C(1000000)
#define MT_CSEC INT64_C(10000000)
#define MT_SEC INT64_C(1000000000)

/* Current time on CLOCK_MONOTONIC. Never 0. */
monotime monotime_now(void);

/* Time since the system booted, suspend included (CLOCK_BOOTTIME). */
monotime monotime_since_boot(void);

/* The boot on the monotonic clock, from now and monotime_since_boot() read together (0 when a
 * suspend put the boot before the monotonic clock's start). Pure. */
monotime monotime_boot_origin(monotime now, monotime since_boot);

/* Current time on CLOCK_REALTIME, ns: the clock of the kernel's packet timestamps. */
int64_t monotime_realtime_now(void);

/* The monotonic time of stamp, a CLOCK_REALTIME time in ns (0: unknown), where real_minus_mono
 * is the difference of the two clocks read together: kept within [now - max_age, now], so a
 * wall clock set in between moves it by no more than max_age. now when stamp is 0. Pure. */
monotime monotime_of_realtime(int64_t stamp, int64_t real_minus_mono, monotime now,
                              monotime max_age);

/* Seconds as a double, for logs and status. */
static inline double monotime_to_sec(monotime t)
{
	return (double)t / (double)MT_SEC;
}

#endif
