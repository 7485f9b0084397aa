/* vrrp_fsm: the RFC 9568 section 6 state machine of one virtual router.
 * Pure: events come in with the current time, actions go out as a bit set,
 * timers are absolute deadlines that the caller arms. No system calls. */
#ifndef VIPD_VRRP_FSM_H
#define VIPD_VRRP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "vipd/addr.h"
#include "vipd/monotime.h"

enum vrrp_state {
	VRRP_STATE_INIT = 0,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
	VRRP_STATE__COUNT
};

/* Why the last transition happened; names in vrrp_fsm_cause_name. */
enum vrrp_cause {
	VRRP_CAUSE_NONE = 0,
	VRRP_CAUSE_STARTUP,     /* Initialize -> Backup */
	VRRP_CAUSE_OWNER,       /* Initialize -> Master: priority 255 */
	VRRP_CAUSE_MASTER_DOWN, /* Master_Down_Timer fired: no advert from a master */
	VRRP_CAUSE_PRIO0,       /* Master_Down_Timer fired after the master said priority 0 */
	VRRP_CAUSE_PREEMPT, /* Master_Down_Timer fired while a lower-priority master was ignored */
	VRRP_CAUSE_HIGHER_PRIO, /* Master -> Backup: advert with higher priority (or tie-break) */
	VRRP_CAUSE_SHUTDOWN,    /* any -> Initialize */
	VRRP_CAUSE_FAULT,       /* any -> Fault: the router cannot run (interface down...) */
	VRRP_CAUSE_SYNC_GROUP,  /* Master -> Backup: another member of its sync group left Master */
	VRRP_CAUSE_DEMOTE,      /* Master -> Backup: demoted, another router took over (handover) */
	VRRP_CAUSE__COUNT
};

/* The finer reason within a cause (vrrp_fsm_why_name): which comparison decided. */
enum vrrp_why {
	VRRP_WHY_NONE = 0,
	VRRP_WHY_HIGHER_PRIORITY,         /* HIGHER_PRIO: the advert's priority was higher */
	VRRP_WHY_EQUAL_PRIORITY_TIEBREAK, /* HIGHER_PRIO: equal priority, higher primary address */
	VRRP_WHY_PREEMPT,                 /* PREEMPT: a lower master ignored (no preempt_delay) */
	VRRP_WHY_PREEMPT_DELAY_DONE,      /* PREEMPT: a lower master outlived preempt_delay */
	VRRP_WHY__COUNT
};

/* The details of a transition's cause (valid after VRRP_ACT_STATE): the advert that decided
 * (HIGHER_PRIO, DEMOTE), or the last one heard before the Master_Down_Timer fired (MASTER_DOWN,
 * PRIO0, PREEMPT). has_advert is false when no advert had been heard. */
struct vrrp_fsm_why {
	enum vrrp_why kind;
	bool has_advert;
	union vip_in from;    /* its source (family cfg.af) */
	uint8_t priority;     /* its priority */
	uint16_t interval_cs; /* its Max Adver Int (centiseconds) */
	uint8_t version;      /* its version: the receive checks admit only cfg.version */
	monotime silence;     /* timer causes: time from that advert to the transition */
};

/* Actions for the caller, a bit set. Carry them out in this order:
 * SEND_PRIO0, DEL_VIPS, ADD_VIPS, ANNOUNCE, SEND_ADVERT; STATE means log and notify.
 * (Priority 0 goes first so the backup's Skew_Time starts before the VIPs leave; the
 * announcements go before the advert that makes a preempted master drop the VIPs.) */
enum vrrp_action {
	VRRP_ACT_STATE = 1u << 0,       /* state changed: see prev_state, state, cause */
	VRRP_ACT_DEL_VIPS = 1u << 1,    /* remove the virtual addresses */
	VRRP_ACT_SEND_PRIO0 = 1u << 2,  /* send one advert with priority 0 */
	VRRP_ACT_ADD_VIPS = 1u << 3,    /* add the virtual addresses */
	VRRP_ACT_SEND_ADVERT = 1u << 4, /* send an advert with the current priority */
	VRRP_ACT_ANNOUNCE = 1u << 5,    /* (re)start gratuitous ARP / unsolicited NA for the VIPs */
	VRRP_ACT_HANDOVER_END = 1u << 6, /* a demoted Master's handover ran out: nobody took over */
};

/* What the FSM needs to know of the configuration. */
#define VRRP_FSM_SLOT_MIN (625 * MT_USEC) /* 16 slots at a 10 ms interval */
#define VRRP_FSM_SLOTS_MAX 64

struct vrrp_fsm_config {
	uint8_t version;       /* 2 or 3: sets the Skew_Time formula */
	uint8_t priority;      /* configured priority 1..255 */
	uint16_t adver_int_cs; /* our Advertisement_Interval, centiseconds (v2: seconds x 100) */
	bool preempt;          /* Preempt_Mode */
	monotime
	    preempt_delay; /* a lower-priority master is tolerated this long before we preempt */
	int af;            /* family of primary */
	union vip_in
	    primary; /* our primary address (advert source), for the equal-priority tie-break */
	/* Master: adverts on the grid t = advert_phase (mod the interval) rather than an interval
	 * after the transition (vrrp_fsm_advert_phase); false keeps the transition's rhythm. */
	bool advert_grid;
	monotime advert_phase;
};

struct vrrp_fsm {
	struct vrrp_fsm_config cfg;
	uint8_t priority; /* effective priority: cfg.priority unless changed by tracking */
	enum vrrp_state state;
	enum vrrp_state prev_state; /* valid after VRRP_ACT_STATE */
	enum vrrp_cause cause;      /* valid after VRRP_ACT_STATE */
	struct vrrp_fsm_why why;    /* valid after VRRP_ACT_STATE: the details of cause */
	/* Backup: the last advert heard (any priority), which a timer cause names. */
	monotime heard_at; /* 0: none since Backup was entered */
	union vip_in heard_from;
	uint8_t heard_priority;
	uint16_t heard_interval_cs;
	uint16_t master_adver_int_cs; /* Master_Adver_Interval, learned from the master (v3) */
	monotime adver_timer;         /* Master: next advert; 0 when stopped */
	monotime master_down_timer;   /* Backup: deadline; 0 when stopped */
	monotime lower_since;         /* Backup: first ignored lower-priority advert; 0 if none */
	bool lower_ignored;           /* Backup: the last advert was from a lower master, ignored */
	bool prio0_seen;              /* Backup: the last advert from the master had priority 0 */
	monotime last_answer;         /* Master: last reply to a lower-priority advert */
	/* Master: re-announcing to a stream of lower-priority adverts backs off (master_advert). */
	monotime lower_until;   /* the stream goes on until then (last one + its sender's MDI) */
	monotime announce_next; /* no re-announce before then; 0: the next one goes at once */
	monotime announce_gap;  /* the wait set after the last re-announce; 0 before the first */
	bool master_known;      /* Backup: an advert was accepted from master_addr */
	uint8_t master_priority;
	union vip_in master_addr;
	bool hold_backup; /* sync group: stay Backup when the Master_Down_Timer fires (re-armed) */
	/* startup_delay: before then the Master_Down_Timer does not fire (it waits for then) and an
	 * owner starts as Backup; adverts are heard as usual. 0: no delay. */
	monotime startup_until;
	/* Demoted (maintenance, vrrp_fsm_demote): effective priority 1, never preempts. Whoever
	 * changes `priority` while demoted must store it in undemoted_priority instead. */
	bool demoted;
	uint8_t undemoted_priority; /* while demoted: the priority vrrp_fsm_promote restores */
	monotime handover_timer;    /* Master, demoted: priority-0 adverts until then; 0 if none */
	monotime release_timer;     /* Backup after a handover: the VIPs go then; 0 if none */
	monotime
	    yield_timer; /* Backup after yielding: the second copy of its last advert; 0 if none */
};

/* A Master that yields to a higher priority sends its last advert twice, this far apart, so
 * that one lost packet does not hide it from the winner (less than any Advertisement_Interval:
 * a winner answers only the first copy it hears). */
#define VRRP_YIELD_REPEAT (5 * MT_MSEC)

/* Short stable name of a state ("INIT", "BACKUP", "MASTER", "FAULT"). */
const char *vrrp_fsm_state_name(enum vrrp_state s);

/* Short stable name of a cause ("startup", "master-down", ...). */
const char *vrrp_fsm_cause_name(enum vrrp_cause c);

/* Short stable name of a finer reason ("higher_priority", "equal_priority_tiebreak", ...). */
const char *vrrp_fsm_why_name(enum vrrp_why w);

/* The phase of a VRID's adverts within its interval (ns, for advert_grid): the interval is cut
 * into slots at least VRRP_FSM_SLOT_MIN apart (at most VRRP_FSM_SLOTS_MAX) and VRIDs take them
 * in turn, so the adverts of many instances leave in small bursts spread over the interval. */
monotime vrrp_fsm_advert_phase(uint8_t vrid, uint16_t adver_int_cs);

/* Skew_Time in ns: ((256 - priority) x Master_Adver_Interval) / 256 for v3 (exact, no rounding
 * of the centiseconds), (256 - priority) / 256 seconds for v2. */
monotime vrrp_fsm_skew_time(uint8_t version, uint8_t priority, uint16_t master_adver_int_cs);

/* Master_Down_Interval in ns: 3 x Master_Adver_Interval + Skew_Time. */
monotime vrrp_fsm_master_down_interval(uint8_t version, uint8_t priority,
                                       uint16_t master_adver_int_cs);

/* Set up an FSM in Initialize with effective priority = cfg->priority. */
void vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_config *cfg);

/* Startup event: the owner goes to Master, everyone else to Backup with Master_Down_Timer = MDI
 * (an owner too while a startup delay runs, vrrp_fsm_startup_hold, its timer at the delay's end).
 */
unsigned vrrp_fsm_startup(struct vrrp_fsm *f, monotime now);

/* Set (or, on a reload, change) the end of the startup delay: until then the instance hears
 * adverts but does not take over by timeout (0 or a time not after now: no delay). A
 * Master_Down_Timer waiting for the old end moves to the new one (or to now). */
void vrrp_fsm_startup_hold(struct vrrp_fsm *f, monotime now, monotime until);

/* Shutdown event: a Master sends priority 0 and drops its VIPs; every state goes to Initialize. */
unsigned vrrp_fsm_shutdown(struct vrrp_fsm *f, monotime now);

/* Fault event: like shutdown (a Master sends priority 0 and drops its VIPs) but the state is
 * FAULT; vrrp_fsm_startup leaves it. */
unsigned vrrp_fsm_fault(struct vrrp_fsm *f, monotime now);

/* Run the timers that are due at now (call when now >= vrrp_fsm_next_deadline). */
unsigned vrrp_fsm_expire(struct vrrp_fsm *f, monotime now);

/* An advert that passed every receive check: priority, Max Adver Int in centiseconds (v2: seconds
 * x 100) and the sender's IP source address (family cfg.af). */
unsigned vrrp_fsm_advert(struct vrrp_fsm *f, monotime now, uint8_t priority, uint16_t interval_cs,
                         const union vip_in *src);

/* Change the effective priority (tracking); a Master advertises the change at once. The owner's
 * priority is never changed. */
unsigned vrrp_fsm_set_priority(struct vrrp_fsm *f, monotime now, uint8_t priority);

/* Sync group: a Master leaves as at shutdown (priority 0, VIPs dropped) but becomes Backup with
 * Master_Down_Timer = Master_Down_Interval. 0 in any other state. */
unsigned vrrp_fsm_resign(struct vrrp_fsm *f, monotime now);

/* Reload in place: take cfg (all but primary) and the effective priority (clamped; 255 for an
 * owner; demoted: stored for promote, 1 stays). A Master sends an advert now (SEND_ADVERT; not
 * during a handover) and stays Master; a Backup made owner becomes Master; timers run on. */
unsigned vrrp_fsm_reconfigure(struct vrrp_fsm *f, monotime now, const struct vrrp_fsm_config *cfg,
                              uint8_t priority);

/* Demote (maintenance): effective priority 1, no preemption. A Master hands over, make before
 * break: it keeps its VIPs and sends priority 0 now (SEND_PRIO0) and at each Adver_Timer until
 * an advert of priority > 0 arrives (then Backup, cause DEMOTE, VIPs released one grace later,
 * see vrrp_fsm_handover_grace) or Master_Down_Interval passes (HANDOVER_END: it stays Master and
 * advertises priority 1). Again on a demoted Master restarts the handover. 0 for an owner. */
unsigned vrrp_fsm_demote(struct vrrp_fsm *f, monotime now);

/* Promote: leave demoted mode, the effective priority comes back (a Master advertises it at once;
 * a preempting Backup takes over from a lower master by preemption). 0 when not demoted. */
unsigned vrrp_fsm_promote(struct vrrp_fsm *f, monotime now);

/* How long a demoted Master that handed over keeps its VIPs as Backup: one Master_Adver_Interval
 * of the new master, at least 100 ms, so clients switch on its announcements first. */
monotime vrrp_fsm_handover_grace(const struct vrrp_fsm *f);

/* The earliest armed deadline, or 0 when no timer runs. */
monotime vrrp_fsm_next_deadline(const struct vrrp_fsm *f);

#endif
