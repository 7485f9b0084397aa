/* avail: the availability of one virtual router as this node saw it, from its own history
 * (state changes, adverts heard, Master_Down_Timer expiries) since the start. Pure: fed with
 * monotime values, no clock reads, no loop. The model (vipctl(8), AVAILABILITY):
 *   up       time with a master known: we are MASTER, or BACKUP having heard an advert of
 *            priority > 0 from the master since the last Master_Down_Timer (re)start;
 *   down     time in outages: an outage (failure) starts at the last advert heard from the
 *            lost master (known when the Master_Down_Timer fires) or at a priority-0 advert of
 *            the master, and ends when we become MASTER, hear priority > 0 again, or go blind;
 *   blind    INIT or FAULT (we cannot see), and a BACKUP that has not heard any master yet:
 *            neither up nor down;
 *   observed = up + down; ratio = up / observed; MTBF = up / failures;
 *   MTTR = down / ended outages; failovers = changes of the master seen from this node. */
#ifndef VIPD_AVAIL_H
#define VIPD_AVAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "vipd/addr.h"
#include "vipd/monotime.h"
#include "vipd/vrrp_fsm.h"

enum avail_phase {
	AVAIL_BLIND = 0, /* INIT, FAULT, or BACKUP with no master heard yet: not observed */
	AVAIL_UP,        /* a master is known */
	AVAIL_DOWN,      /* an outage is in progress */
};

enum avail_master {
	AVAIL_MASTER_NONE = 0, /* no master seen yet (or we left MASTER and saw no one since) */
	AVAIL_MASTER_SELF,
	AVAIL_MASTER_PEER, /* master_addr */
};

/* The history of one instance; all zero (avail_init) is a fresh, blind one. */
struct avail {
	enum avail_phase phase;
	monotime phase_since;     /* start of the current phase */
	monotime up, down;        /* closed phases, ns */
	monotime last_heard;      /* BACKUP: last advert of priority > 0 from the master */
	uint64_t failures;        /* outages begun */
	uint64_t ended;           /* outages ended */
	uint64_t failovers;       /* changes of the master seen */
	bool master;              /* we are MASTER */
	bool backup;              /* we are BACKUP: adverts count */
	enum avail_master last;   /* the last master seen */
	int af;                   /* family of master_addr */
	union vip_in master_addr; /* last == AVAIL_MASTER_PEER */
};

/* The figures at one moment (seconds). The has_* flags are false where the value is null. */
struct avail_figures {
	double observed, up, down;
	bool has_ratio, has_mtbf, has_mttr;
	double ratio, mtbf, mttr;
	uint64_t failures, ended, failovers;
};

/* A fresh history: blind, nothing counted. */
void avail_init(struct avail *a);

/* The instance entered state s at now. */
void avail_state(struct avail *a, monotime now, enum vrrp_state s);

/* A BACKUP heard an advert of priority prio from src (family af) at now; ignored in other
 * states. Priority 0 from the known master (or from anyone while none is known) starts an
 * outage; priority > 0 ends one and makes src the master. */
void avail_heard(struct avail *a, monotime now, uint8_t prio, int af, const union vip_in *src);

/* A BACKUP's Master_Down_Timer fired at now (not to preempt a lower master): a master known
 * until now is lost since its last advert; the outage is counted from then. */
void avail_master_lost(struct avail *a, monotime now);

/* The figures at now, the current phase included. */
void avail_figures(const struct avail *a, monotime now, struct avail_figures *out);

#endif
