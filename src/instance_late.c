/* instance_late: the lateness of the protocol timer. A Master whose advert leaves more than
 * half an interval late, or a Backup whose Master_Down_Timer is seen that late, is one step from
 * a spurious failover (or a late one): the histogram shows how close the host runs to that, the
 * log line says when it happened, and realtime_priority (vipd.conf(5)) is the remedy. */
#include "build_config.h"

#include "vipd/instance_late.h"
#include "vipd/log.h"

const monotime instance_late_bounds[INSTANCE_LATE_NBUCKETS] = {
    50 * MT_USEC, 100 * MT_USEC,  250 * MT_USEC, 500 * MT_USEC,
    1 * MT_MSEC,  2500 * MT_USEC, 5 * MT_MSEC,   10 * MT_MSEC,
};

size_t instance_late_bucket(monotime late)
{
	size_t i = 0;

	while (i < INSTANCE_LATE_NBUCKETS && late > instance_late_bounds[i])
		i++;
	return i;
}

bool instance_late_log_due(monotime late, monotime interval, monotime last, monotime now)
{
	return interval > 0 && 2 * late > interval &&
	       (!last || now - last >= INSTANCE_LATE_LOG_GAP);
}

/* The advert interval the timer's deadline was computed from: ours as Master, the master's
 * (learned, v3) as Backup, since Master_Down_Interval counts in it. */
static monotime advert_interval(const struct instance *in)
{
	uint16_t cs = in->fsm.cfg.adver_int_cs;

	if (in->fsm.state == VRRP_STATE_BACKUP && in->fsm.master_adver_int_cs)
		cs = in->fsm.master_adver_int_cs;
	return (monotime)cs * 10 * MT_MSEC;
}

void instance_late_note(struct instance *in, monotime deadline, monotime now)
{
	monotime late = deadline && now > deadline ? now - deadline : 0;
	monotime interval = advert_interval(in);
	struct instance_late_log *ll = in->io->late_log ? in->io->late_log : &in->late_log;

	in->stats.late[instance_late_bucket(late)]++;
	in->stats.late_sum_ns += (uint64_t)late;
	if (!interval || 2 * late <= interval)
		return;
	in->stats.late_over_half++;
	if (!instance_late_log_due(late, interval, ll->logged, now)) {
		ll->unlogged++;
		return;
	}
	instance_log(
	    in, LOG_WARNING,
	    "protocol timer ran %.3f ms late, more than half the %.0f ms advert interval "
	    "(%llu more late runs since the last such line): the host is short of CPU; see "
	    "realtime_priority in vipd.conf(5)",
	    (double)late / MT_MSEC, (double)interval / MT_MSEC, (unsigned long long)ll->unlogged);
	ll->logged = now;
	ll->unlogged = 0;
}
