/* instance_late: how late the loop ran an instance's protocol timer (fsm_timer): a histogram in
 * the instance's stats (metrics: vipd_timer_lateness_seconds) and a rate-limited log line when a
 * timer ran more than half an advert interval late, the sign of a host starved of CPU. */
#ifndef VIPD_INSTANCE_LATE_H
#define VIPD_INSTANCE_LATE_H

#include <stdbool.h>
#include <stddef.h>

#include "vipd/instance.h"

/* The upper bounds of the histogram's buckets (INSTANCE_LATE_NBUCKETS, increasing); a run later
 * than the last goes in the extra bucket stats.late[INSTANCE_LATE_NBUCKETS]. */
extern const monotime instance_late_bounds[INSTANCE_LATE_NBUCKETS];

/* At most one late-timer line this often, for all instances together (io->late_log), else per
 * instance: a starved host would repeat it on every tick of every instance. */
#define INSTANCE_LATE_LOG_GAP (10 * MT_SEC)

/* The bucket of a run late by late ns: the first bound it does not exceed. Pure. */
size_t instance_late_bucket(monotime late);

/* Whether a run late by late, with advert interval interval, is logged at now, the last line
 * having been written at last (0: never): more than half the interval late, and at least
 * INSTANCE_LATE_LOG_GAP after the last line. Pure. */
bool instance_late_log_due(monotime late, monotime interval, monotime last, monotime now);

/* fsm_timer, armed for deadline, runs at now: count it in the histogram, and log (rate-limited)
 * when it ran more than half an advert interval late. */
void instance_late_note(struct instance *in, monotime deadline, monotime now);

#endif
