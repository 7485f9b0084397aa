/* vrrp_fsm: the RFC 9568 section 6 state machine of one virtual router.
 *
 * Pure: no system calls, no logging, no clock reads. Time comes in as `now` (ns on the one
 * monotonic clock, never 0); timers are absolute deadlines, 0 meaning stopped. Every event
 * returns the bit set of actions the caller carries out (see enum vrrp_action).
 *
 * The handlers per state sit in one table (state_ops); states without handlers (Initialize,
 * and Fault until it gets its own issue) ignore adverts and timers. */
#include "build_config.h"

#include <string.h>

#include "vipd/vrrp_fsm.h"

static const char *const state_names[VRRP_STATE__COUNT] = {
    [VRRP_STATE_INIT] = "INIT",
    [VRRP_STATE_BACKUP] = "BACKUP",
    [VRRP_STATE_MASTER] = "MASTER",
    [VRRP_STATE_FAULT] = "FAULT",
};

static const char *const cause_names[VRRP_CAUSE__COUNT] = {
    [VRRP_CAUSE_NONE] = "none",
    [VRRP_CAUSE_STARTUP] = "startup",
    [VRRP_CAUSE_OWNER] = "owner",
    [VRRP_CAUSE_MASTER_DOWN] = "master-down",
    [VRRP_CAUSE_PRIO0] = "priority-0",
    [VRRP_CAUSE_PREEMPT] = "preempt",
    [VRRP_CAUSE_HIGHER_PRIO] = "higher-priority",
    [VRRP_CAUSE_SHUTDOWN] = "shutdown",
    [VRRP_CAUSE_FAULT] = "fault",
    [VRRP_CAUSE_SYNC_GROUP] = "sync-group",
    [VRRP_CAUSE_DEMOTE] = "demote",
};

static const char *const why_names[VRRP_WHY__COUNT] = {
    [VRRP_WHY_NONE] = "none",
    [VRRP_WHY_HIGHER_PRIORITY] = "higher_priority",
    [VRRP_WHY_EQUAL_PRIORITY_TIEBREAK] = "equal_priority_tiebreak",
    [VRRP_WHY_PREEMPT] = "preempt",
    [VRRP_WHY_PREEMPT_DELAY_DONE] = "preempt_delay_done",
};

#define OWNER_PRIORITY 255
#define MIN_PRIORITY 1
#define MAX_PRIORITY 254 /* highest priority of a non-owner */
/* Shortest time a handed-over Backup keeps its VIPs (vrrp_fsm_handover_grace). */
#define HANDOVER_GRACE_MIN (100 * MT_MSEC)
/* Longest wait between two re-announces to a steady stream of lower-priority adverts, in own
 * Advertisement_Intervals (master_advert): 6.4 s at 0.1 s, 64 s at 1 s. */
#define REANNOUNCE_GAP_MAX 64

const char *vrrp_fsm_state_name(enum vrrp_state s)
{
	if ((unsigned)s >= VRRP_STATE__COUNT || state_names[s] == NULL)
		return "?";
	return state_names[s];
}

const char *vrrp_fsm_cause_name(enum vrrp_cause c)
{
	if ((unsigned)c >= VRRP_CAUSE__COUNT || cause_names[c] == NULL)
		return "?";
	return cause_names[c];
}

const char *vrrp_fsm_why_name(enum vrrp_why w)
{
	if ((unsigned)w >= VRRP_WHY__COUNT || why_names[w] == NULL)
		return "?";
	return why_names[w];
}

/* RFC 9568 6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256. In ns that is
 * (256 - p) * cs * 10^7 / 256; the product is exact in 64 bits (at most 256 * 4095 * 10^7) and
 * 10^7 / 256 = 39062.5, so the only rounding is a dropped half nanosecond.
 * RFC 3768 (v2): Skew_Time = (256 - Priority) / 256 seconds, whatever the interval. */
monotime vrrp_fsm_skew_time(uint8_t version, uint8_t priority, uint16_t master_adver_int_cs)
{
	int64_t weight = 256 - (int64_t)priority;

	if (version == 2)
		return weight * MT_SEC / 256;
	return weight * (int64_t)master_adver_int_cs * MT_CSEC / 256;
}

/* RFC 9568 6.1: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. For v2 the
 * Master_Adver_Interval is our configured interval (never learned), given in centiseconds. */
monotime vrrp_fsm_master_down_interval(uint8_t version, uint8_t priority,
                                       uint16_t master_adver_int_cs)
{
	return 3 * (int64_t)master_adver_int_cs * MT_CSEC +
	       vrrp_fsm_skew_time(version, priority, master_adver_int_cs);
}

/* A deadline d ns after now; never 0, which would mean "stopped". */
static monotime after(monotime now, monotime d)
{
	monotime t = now + d;

	return t != 0 ? t : 1;
}

/* Our own Advertisement_Interval in ns. */
static monotime adver_interval(const struct vrrp_fsm *f)
{
	return (monotime)f->cfg.adver_int_cs * MT_CSEC;
}

monotime vrrp_fsm_advert_phase(uint8_t vrid, uint16_t adver_int_cs)
{
	monotime iv = (monotime)adver_int_cs * MT_CSEC;
	monotime slots = iv / VRRP_FSM_SLOT_MIN;

	if (slots > VRRP_FSM_SLOTS_MAX)
		slots = VRRP_FSM_SLOTS_MAX;
	if (slots < 1)
		return 0;
	return (vrid % slots) * (iv / slots);
}

/* The Adver_Timer's next deadline from now: an interval later, or with advert_grid the last
 * point of the instance's grid at or before that, so the next advert is never late and, from
 * then on, every instance keeps its own place in the interval (master_expire adds intervals).
 * The first interval after a transition is then shorter, which no receiver minds: without the
 * grid, instances that change state together would advertise together, hundreds in a burst
 * whose tail leaves milliseconds after its head and moves with the kernel's load. */
static monotime next_advert(const struct vrrp_fsm *f, monotime now)
{
	monotime iv = adver_interval(f);
	monotime due = now + iv, off;

	if (!f->cfg.advert_grid || iv <= 0)
		return after(now, iv);
	off = (due - f->cfg.advert_phase) % iv;
	if (off < 0)
		off += iv;
	return after(due - off, 0);
}

static unsigned enter(struct vrrp_fsm *f, enum vrrp_state s, enum vrrp_cause c)
{
	f->prev_state = f->state;
	f->state = s;
	f->cause = c;
	memset(&f->why, 0, sizeof(f->why));
	return VRRP_ACT_STATE;
}

/* The details of a transition decided by an advert (after enter: it clears them). */
static void why_advert(struct vrrp_fsm *f, enum vrrp_why kind, uint8_t priority,
                       uint16_t interval_cs, const union vip_in *src)
{
	f->why.kind = kind;
	f->why.has_advert = src != NULL;
	if (src != NULL)
		f->why.from = *src;
	f->why.priority = priority;
	f->why.interval_cs = interval_cs;
	f->why.version = f->cfg.version;
}

/* The details of a transition decided by a timer: the last advert heard and the silence since
 * (after enter). */
static void why_heard(struct vrrp_fsm *f, enum vrrp_why kind, monotime now, monotime heard_at)
{
	f->why.kind = kind;
	if (heard_at == 0)
		return;
	why_advert(f, kind, f->heard_priority, f->heard_interval_cs, &f->heard_from);
	f->why.silence = now - heard_at;
}

/* Drop what Backup knows of the current master and of ignored lower masters. */
static void forget_master(struct vrrp_fsm *f)
{
	f->master_known = false;
	f->master_priority = 0;
	memset(&f->master_addr, 0, sizeof(f->master_addr));
	f->lower_since = 0;
	f->lower_ignored = false;
	f->prio0_seen = false;
	f->heard_at = 0;
}

/* Forget a stream of lower-priority adverts: a new Master answers the first one in full. */
static void forget_lower_stream(struct vrrp_fsm *f)
{
	f->last_answer = 0;
	f->lower_until = 0;
	f->announce_next = 0;
	f->announce_gap = 0;
}

static void reset_master_down(struct vrrp_fsm *f, monotime now)
{
	f->master_down_timer = after(now, vrrp_fsm_master_down_interval(f->cfg.version, f->priority,
	                                                                f->master_adver_int_cs));
}

/* Before the end of the startup delay no Master_Down_Timer fires: it waits for the end of the
 * delay (keepalived's vrrp_startup_delay: the network, the peers or the checks may not be ready
 * yet, and a node that takes over blind would fight a master it cannot hear). */
static bool startup_held(struct vrrp_fsm *f, monotime now)
{
	if (f->startup_until == 0 || now >= f->startup_until)
		return false;
	f->master_down_timer = f->startup_until;
	return true;
}

/* An advert from the master is accepted: learn its interval (v3 only: v2 requires the intervals
 * to be equal, which the receive checks enforce), remember it, reset the Master_Down_Timer. */
static void accept_master(struct vrrp_fsm *f, monotime now, uint8_t priority, uint16_t interval_cs,
                          const union vip_in *src)
{
	if (f->cfg.version != 2 && interval_cs != 0)
		f->master_adver_int_cs = interval_cs;
	f->master_known = true;
	f->master_priority = priority;
	if (src != NULL)
		f->master_addr = *src;
	reset_master_down(f, now);
}

/* RFC 9568 6.4.1 (owner) and 6.4.2 (Master_Down_Timer fired): send an advert, add the VIPs and
 * announce them, start the Adver_Timer, become Master. */
static unsigned become_master(struct vrrp_fsm *f, monotime now, enum vrrp_cause cause)
{
	f->master_down_timer = 0;
	f->adver_timer = next_advert(f, now);
	forget_lower_stream(f);
	f->handover_timer = 0;
	f->release_timer = 0; /* a handed-over Backup still holding its VIPs keeps them */
	f->yield_timer = 0;
	f->master_adver_int_cs = f->cfg.adver_int_cs;
	forget_master(f);
	return enter(f, VRRP_STATE_MASTER, cause) | VRRP_ACT_SEND_ADVERT | VRRP_ACT_ADD_VIPS |
	       VRRP_ACT_ANNOUNCE;
}

/* RFC 9568 6.4.2, Backup: an advert arrived. */
static unsigned backup_advert(struct vrrp_fsm *f, monotime now, uint8_t priority,
                              uint16_t interval_cs, const union vip_in *src)
{
	f->heard_at = now;
	f->heard_priority = priority;
	f->heard_interval_cs = interval_cs;
	if (src != NULL)
		f->heard_from = *src;
	if (priority == 0) {
		/* The master is leaving: take over after Skew_Time only. */
		f->prio0_seen = true;
		f->lower_ignored = false;
		f->master_down_timer = after(
		    now, vrrp_fsm_skew_time(f->cfg.version, f->priority, f->master_adver_int_cs));
		return 0;
	}
	f->prio0_seen = false;
	if (!f->cfg.preempt || priority >= f->priority) {
		f->lower_since = 0;
		f->lower_ignored = false;
		accept_master(f, now, priority, interval_cs, src);
		return 0;
	}
	/* A lower-priority master with Preempt_Mode on. preempt_delay tolerates it for a while
	 * (counted from the first such advert); after that its adverts are ignored so the
	 * Master_Down_Timer runs out and we preempt. */
	if (f->lower_since == 0)
		f->lower_since = now;
	if (now - f->lower_since < f->cfg.preempt_delay) {
		f->lower_ignored = false;
		accept_master(f, now, priority, interval_cs, src);
		return 0;
	}
	f->lower_ignored = true;
	return 0;
}

/* RFC 9568 6.4.2, Backup: the Master_Down_Timer fired (or the grace after a handover ended:
 * the VIPs kept for make before break go). */
static unsigned backup_expire(struct vrrp_fsm *f, monotime now)
{
	enum vrrp_cause cause = VRRP_CAUSE_MASTER_DOWN;
	enum vrrp_why kind = VRRP_WHY_NONE;
	unsigned release = 0, act;
	monotime heard_at;

	if (f->release_timer != 0 && now >= f->release_timer) {
		f->release_timer = 0;
		release = VRRP_ACT_DEL_VIPS;
	}
	if (f->yield_timer != 0 && now >= f->yield_timer) {
		f->yield_timer = 0;
		release |= VRRP_ACT_SEND_ADVERT; /* the second copy of the yield's last advert */
	}
	if (f->master_down_timer == 0 || now < f->master_down_timer)
		return release;
	if (f->hold_backup) {
		/* A sync group member cannot run: wait another interval and look again. */
		reset_master_down(f, now);
		return release;
	}
	if (startup_held(f, now))
		return release;
	if (f->priority == OWNER_PRIORITY)
		cause = VRRP_CAUSE_OWNER; /* it waited for its startup delay */
	else if (f->prio0_seen)
		cause = VRRP_CAUSE_PRIO0;
	else if (f->lower_ignored) {
		cause = VRRP_CAUSE_PREEMPT;
		kind = f->cfg.preempt_delay ? VRRP_WHY_PREEMPT_DELAY_DONE : VRRP_WHY_PREEMPT;
	}
	heard_at = f->heard_at; /* become_master forgets it */
	act = become_master(f, now, cause);
	why_heard(f, kind, now, heard_at);
	return act;
}

/* A demoted Master yields to any advert of priority > 0 while it hands over, and afterwards
 * (advertising priority 1) to one that wins the usual comparison. */
static bool handover_done(const struct vrrp_fsm *f, uint8_t priority, const union vip_in *src)
{
	if (priority == 0)
		return false;
	if (f->handover_timer != 0)
		return true;
	return priority > f->priority || (priority == f->priority && src != NULL &&
	                                  addr_cmp_in(f->cfg.af, src, &f->cfg.primary) > 0);
}

/* Master, a lower-priority advert: an advert of ours at once (at most once per interval) and
 * the announcements, which put the LAN's neighbour caches back on us. A sender that never hears
 * us keeps sending: the re-announces of such a stream back off, each wait twice the last, from
 * 2 intervals up to REANNOUNCE_GAP_MAX. The stream has ended when its sender has been silent
 * for its Master_Down_Interval (it yielded, or is gone): the next one is answered in full. */
static unsigned master_answer_lower(struct vrrp_fsm *f, monotime now, uint8_t priority,
                                    uint16_t interval_cs)
{
	monotime iv = adver_interval(f);
	unsigned act = VRRP_ACT_SEND_ADVERT;

	if (f->lower_until != 0 && now > f->lower_until) {
		f->announce_next = 0;
		f->announce_gap = 0;
	}
	f->lower_until =
	    after(now, vrrp_fsm_master_down_interval(f->cfg.version, priority, interval_cs));
	if (f->last_answer != 0 && now - f->last_answer < iv)
		return 0;
	f->last_answer = now;
	f->adver_timer = next_advert(f, now);
	if (f->announce_next != 0 && now < f->announce_next)
		return act;
	f->announce_gap = f->announce_gap == 0 ? 2 * iv : 2 * f->announce_gap;
	if (f->announce_gap > REANNOUNCE_GAP_MAX * iv)
		f->announce_gap = REANNOUNCE_GAP_MAX * iv;
	f->announce_next = after(now, f->announce_gap);
	return act | VRRP_ACT_ANNOUNCE;
}

/* RFC 9568 6.4.3, Master: an advert arrived. */
static unsigned master_advert(struct vrrp_fsm *f, monotime now, uint8_t priority,
                              uint16_t interval_cs, const union vip_in *src)
{
	monotime iv = adver_interval(f);

	if (f->demoted && handover_done(f, priority, src)) {
		f->adver_timer = 0;
		forget_lower_stream(f);
		f->handover_timer = 0;
		forget_master(f);
		accept_master(f, now, priority, interval_cs, src);
		/* Make before break: the VIPs stay until the new master's announcements are out. */
		f->release_timer = after(now, vrrp_fsm_handover_grace(f));
		enter(f, VRRP_STATE_BACKUP, VRRP_CAUSE_DEMOTE);
		why_advert(f, VRRP_WHY_NONE, priority, interval_cs, src);
		return VRRP_ACT_STATE;
	}
	if (priority == 0) {
		if (f->handover_timer != 0)
			return 0; /* handing over: our own priority-0 adverts go on */
		/* Another router leaves: make sure the backups hear us at once; but at most once
		 * per own interval: a flood of priority-0 adverts gets no advert for advert. */
		if (f->last_answer != 0 && now - f->last_answer < iv)
			return 0;
		f->last_answer = now;
		f->adver_timer = next_advert(f, now);
		return VRRP_ACT_SEND_ADVERT;
	}
	/* Higher priority, or equal priority from a higher primary address (this applies to an
	 * owner too: only another owner can send 255, and then the address decides). */
	if (priority > f->priority || (priority == f->priority && src != NULL &&
	                               addr_cmp_in(f->cfg.af, src, &f->cfg.primary) > 0)) {
		enum vrrp_why kind = priority > f->priority ? VRRP_WHY_HIGHER_PRIORITY
		                                            : VRRP_WHY_EQUAL_PRIORITY_TIEBREAK;

		f->adver_timer = 0;
		forget_lower_stream(f);
		forget_master(f);
		accept_master(f, now, priority, interval_cs, src);
		/* One last advert of ours: the winner may never have heard us (a healed partition)
		 * while we announced the VIPs; it answers a lower master with an advert and its own
		 * announcements, which puts the LAN's neighbour caches back on it. Sent twice (the
		 * yield_timer), as one lost packet would leave the caches on us. */
		f->yield_timer = after(now, VRRP_YIELD_REPEAT);
		enter(f, VRRP_STATE_BACKUP, VRRP_CAUSE_HIGHER_PRIO);
		why_advert(f, kind, priority, interval_cs, src);
		return VRRP_ACT_STATE | VRRP_ACT_DEL_VIPS | VRRP_ACT_SEND_ADVERT;
	}
	/* Lower (or equal from a lower address). The RFC discards it; vipd answers at once so a
	 * stale master (frozen VM, partition healed) yields, at most once per own interval. */
	return master_answer_lower(f, now, priority, interval_cs);
}

/* RFC 9568 6.4.3, Master: the Adver_Timer fired. The next deadline stays on the grid of the
 * previous one; if even that is already due (we ran more than an interval late), re-base on now
 * so a late loop never sends a burst of catch-up adverts. */
static unsigned master_expire(struct vrrp_fsm *f, monotime now)
{
	monotime iv = adver_interval(f);
	monotime next;

	if (f->handover_timer != 0 && now >= f->handover_timer) {
		/* Nobody took over: stay Master, a last resort at priority 1. */
		f->handover_timer = 0;
		f->adver_timer = next_advert(f, now);
		return VRRP_ACT_HANDOVER_END | VRRP_ACT_SEND_ADVERT;
	}
	if (f->adver_timer == 0 || now < f->adver_timer)
		return 0;
	next = f->adver_timer + iv;
	if (next <= now)
		next = next_advert(f, now);
	f->adver_timer = next;
	return f->handover_timer != 0 ? VRRP_ACT_SEND_PRIO0 : VRRP_ACT_SEND_ADVERT;
}

struct state_ops {
	unsigned (*advert)(struct vrrp_fsm *f, monotime now, uint8_t priority, uint16_t interval_cs,
	                   const union vip_in *src);
	unsigned (*expire)(struct vrrp_fsm *f, monotime now);
};

/* INIT and FAULT have no handlers: adverts and timers are ignored there. */
static const struct state_ops state_ops[VRRP_STATE__COUNT] = {
    [VRRP_STATE_BACKUP] = {backup_advert, backup_expire},
    [VRRP_STATE_MASTER] = {master_advert, master_expire},
};

static const struct state_ops *ops_of(const struct vrrp_fsm *f)
{
	if ((unsigned)f->state >= VRRP_STATE__COUNT)
		return NULL;
	return &state_ops[f->state];
}

void vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_config *cfg)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->priority = cfg->priority;
	f->state = VRRP_STATE_INIT;
	f->prev_state = VRRP_STATE_INIT;
	f->cause = VRRP_CAUSE_NONE;
	f->master_adver_int_cs = cfg->adver_int_cs;
}

/* RFC 9568 6.4.1. Accepted in Initialize (and in Fault, which has no events of its own yet). */
unsigned vrrp_fsm_startup(struct vrrp_fsm *f, monotime now)
{
	if (f->state != VRRP_STATE_INIT && f->state != VRRP_STATE_FAULT)
		return 0;
	if (f->cfg.priority == OWNER_PRIORITY && (f->startup_until == 0 || now >= f->startup_until))
		return become_master(f, now, VRRP_CAUSE_OWNER);
	f->adver_timer = 0;
	forget_lower_stream(f);
	f->master_adver_int_cs = f->cfg.adver_int_cs;
	forget_master(f);
	reset_master_down(f, now);
	if (f->cfg.priority == OWNER_PRIORITY)
		f->master_down_timer = f->startup_until;
	return enter(f, VRRP_STATE_BACKUP, VRRP_CAUSE_STARTUP);
}

void vrrp_fsm_startup_hold(struct vrrp_fsm *f, monotime now, monotime until)
{
	monotime old = f->startup_until;

	f->startup_until = until > now ? until : 0;
	if (f->state == VRRP_STATE_BACKUP && old > now && f->master_down_timer == old)
		f->master_down_timer = f->startup_until ? f->startup_until : now;
}

/* Stop every timer and go to s: a Master says goodbye with priority 0 and drops its VIPs. */
static unsigned stop_in(struct vrrp_fsm *f, enum vrrp_state s, enum vrrp_cause cause)
{
	unsigned act = 0;

	if (f->state == VRRP_STATE_MASTER)
		act = VRRP_ACT_SEND_PRIO0 | VRRP_ACT_DEL_VIPS;
	else if (f->release_timer != 0)
		act = VRRP_ACT_DEL_VIPS; /* still holding the VIPs after a handover */
	f->handover_timer = 0;
	f->release_timer = 0;
	f->yield_timer = 0;
	f->adver_timer = 0;
	f->master_down_timer = 0;
	forget_lower_stream(f);
	forget_master(f);
	return act | enter(f, s, cause);
}

/* RFC 9568 6.4.2 / 6.4.3 Shutdown. */
unsigned vrrp_fsm_shutdown(struct vrrp_fsm *f, monotime now)
{
	(void)now;
	if (f->state == VRRP_STATE_INIT)
		return 0;
	return stop_in(f, VRRP_STATE_INIT, VRRP_CAUSE_SHUTDOWN);
}

/* Fault is Initialize with a reason: the router cannot take part until vrrp_fsm_startup. */
unsigned vrrp_fsm_fault(struct vrrp_fsm *f, monotime now)
{
	(void)now;
	if (f->state == VRRP_STATE_FAULT)
		return 0;
	return stop_in(f, VRRP_STATE_FAULT, VRRP_CAUSE_FAULT);
}

unsigned vrrp_fsm_expire(struct vrrp_fsm *f, monotime now)
{
	const struct state_ops *ops = ops_of(f);

	if (ops == NULL || ops->expire == NULL)
		return 0;
	return ops->expire(f, now);
}

unsigned vrrp_fsm_advert(struct vrrp_fsm *f, monotime now, uint8_t priority, uint16_t interval_cs,
                         const union vip_in *src)
{
	const struct state_ops *ops = ops_of(f);

	if (ops == NULL || ops->advert == NULL)
		return 0;
	return ops->advert(f, now, priority, interval_cs, src);
}

unsigned vrrp_fsm_set_priority(struct vrrp_fsm *f, monotime now, uint8_t priority)
{
	if (f->cfg.priority == OWNER_PRIORITY)
		return 0;
	if (priority < MIN_PRIORITY)
		priority = MIN_PRIORITY;
	else if (priority > MAX_PRIORITY)
		priority = MAX_PRIORITY;
	if (f->demoted) {
		f->undemoted_priority = priority; /* applied by vrrp_fsm_promote */
		return 0;
	}
	if (priority == f->priority)
		return 0;
	f->priority = priority;
	/* A Backup just stores it: the next Master_Down_Timer reset uses the new Skew_Time. */
	if (f->state != VRRP_STATE_MASTER)
		return 0;
	f->adver_timer = next_advert(f, now);
	return VRRP_ACT_SEND_ADVERT;
}

unsigned vrrp_fsm_resign(struct vrrp_fsm *f, monotime now)
{
	unsigned act;

	if (f->state != VRRP_STATE_MASTER)
		return 0;
	act = stop_in(f, VRRP_STATE_BACKUP, VRRP_CAUSE_SYNC_GROUP);
	f->master_adver_int_cs = f->cfg.adver_int_cs;
	reset_master_down(f, now);
	return act;
}

/* The caller changed the configuration in place. A Master advertises the new values at once
 * (priority, interval, addresses) and keeps its state; a Backup that becomes the owner takes
 * over; a Backup learns nothing new and keeps its Master_Down_Timer running. */
unsigned vrrp_fsm_reconfigure(struct vrrp_fsm *f, monotime now, const struct vrrp_fsm_config *cfg,
                              uint8_t priority)
{
	union vip_in primary = f->cfg.primary;

	f->cfg = *cfg;
	f->cfg.primary = primary;
	if (cfg->priority == OWNER_PRIORITY)
		priority = OWNER_PRIORITY;
	else if (priority < MIN_PRIORITY)
		priority = MIN_PRIORITY;
	else if (priority > MAX_PRIORITY)
		priority = MAX_PRIORITY;
	if (f->demoted) {
		/* Demoted (never an owner: the caller restarts that case): priority 1 stays. */
		f->undemoted_priority = priority;
		priority = f->priority;
	}
	f->priority = priority;
	switch (f->state) {
	case VRRP_STATE_MASTER:
		f->master_adver_int_cs = cfg->adver_int_cs;
		/* A handover in progress keeps its priority-0 rhythm. */
		if (f->handover_timer)
			return 0;
		f->adver_timer = next_advert(f, now);
		return VRRP_ACT_SEND_ADVERT;
	case VRRP_STATE_BACKUP:
		if (priority == OWNER_PRIORITY && !startup_held(f, now))
			return become_master(f, now, VRRP_CAUSE_OWNER);
		/* v2 never learns the interval; v3 keeps the one learned from the master. */
		if (cfg->version == 2 || !f->master_known)
			f->master_adver_int_cs = cfg->adver_int_cs;
		return 0;
	default:
		f->master_adver_int_cs = cfg->adver_int_cs;
		return 0;
	}
}

monotime vrrp_fsm_next_deadline(const struct vrrp_fsm *f)
{
	const monotime t[] = {f->adver_timer, f->master_down_timer, f->handover_timer,
	                      f->release_timer, f->yield_timer};
	monotime min = 0;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i] != 0 && (min == 0 || t[i] < min))
			min = t[i];
	return min;
}

monotime vrrp_fsm_handover_grace(const struct vrrp_fsm *f)
{
	monotime iv = (monotime)f->master_adver_int_cs * MT_CSEC;

	return iv > HANDOVER_GRACE_MIN ? iv : HANDOVER_GRACE_MIN;
}

unsigned vrrp_fsm_demote(struct vrrp_fsm *f, monotime now)
{
	if (f->cfg.priority == OWNER_PRIORITY)
		return 0;
	if (!f->demoted) {
		f->demoted = true;
		f->undemoted_priority = f->priority;
		f->priority = MIN_PRIORITY;
		/* No preemption from here on: priority 1 accepts every master. */
		f->lower_since = 0;
		f->lower_ignored = false;
	}
	if (f->state != VRRP_STATE_MASTER)
		return 0;
	/* Every backup, with or without Preempt_Mode, takes over Skew_Time after a priority 0. */
	f->handover_timer = after(
	    now, vrrp_fsm_master_down_interval(f->cfg.version, f->priority, f->cfg.adver_int_cs));
	f->adver_timer = next_advert(f, now);
	f->last_answer = 0;
	return VRRP_ACT_SEND_PRIO0;
}

unsigned vrrp_fsm_promote(struct vrrp_fsm *f, monotime now)
{
	if (!f->demoted)
		return 0;
	f->demoted = false;
	f->priority = f->undemoted_priority;
	f->handover_timer = 0;
	if (f->state != VRRP_STATE_MASTER)
		return 0; /* a Backup preempts a lower master through its adverts, as usual */
	f->adver_timer = next_advert(f, now);
	return VRRP_ACT_SEND_ADVERT;
}
