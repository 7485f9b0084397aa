/* avail: the availability figures of one instance from its own history. Pure: every event
 * comes with its time; time is booked to up or down when a phase closes, and an outage found
 * by the Master_Down_Timer moves the time since the master's last advert from up to down. */
#include "build_config.h"

#include <string.h>

#include "vipd/avail.h"

void avail_init(struct avail *a)
{
	memset(a, 0, sizeof(*a));
}

/* Book the current phase up to now and start phase next. */
static void close_phase(struct avail *a, monotime now, enum avail_phase next)
{
	monotime d = a->phase_since && now > a->phase_since ? now - a->phase_since : 0;

	if (a->phase == AVAIL_UP)
		a->up += d;
	else if (a->phase == AVAIL_DOWN)
		a->down += d;
	if (a->phase == AVAIL_DOWN && next != AVAIL_DOWN)
		a->ended++;
	a->phase = next;
	a->phase_since = now;
}

static bool is_master_peer(const struct avail *a, int af, const union vip_in *src)
{
	return a->last == AVAIL_MASTER_PEER && a->af == af &&
	       addr_cmp_in(af, &a->master_addr, src) == 0;
}

/* The master is now kind (src for a peer): a change from a known one is a failover. */
static void master_is(struct avail *a, enum avail_master kind, int af, const union vip_in *src)
{
	bool same = kind == AVAIL_MASTER_PEER ? is_master_peer(a, af, src) : a->last == kind;

	if (a->last != AVAIL_MASTER_NONE && !same)
		a->failovers++;
	a->last = kind;
	if (kind == AVAIL_MASTER_PEER) {
		a->af = af;
		a->master_addr = *src;
	}
}

void avail_state(struct avail *a, monotime now, enum vrrp_state s)
{
	if (a->master && s != VRRP_STATE_MASTER) {
		/* We stopped being master: one change; who took over is not known yet. */
		a->failovers++;
		a->last = AVAIL_MASTER_NONE;
	}
	a->master = s == VRRP_STATE_MASTER;
	a->backup = s == VRRP_STATE_BACKUP;
	if (s == VRRP_STATE_MASTER) {
		close_phase(a, now, AVAIL_UP);
		master_is(a, AVAIL_MASTER_SELF, 0, NULL);
	} else {
		/* INIT, FAULT: blind; BACKUP: blind until it hears a master. */
		close_phase(a, now, AVAIL_BLIND);
	}
}

void avail_heard(struct avail *a, monotime now, uint8_t prio, int af, const union vip_in *src)
{
	/* Only a BACKUP listens: INIT and FAULT are blind, a MASTER is up. */
	if (!a->backup)
		return;
	if (prio == 0) {
		/* A goodbye from another router than the master we know does not end its reign. */
		if (a->phase == AVAIL_DOWN || (a->phase == AVAIL_UP && !is_master_peer(a, af, src)))
			return;
		a->failures++;
		close_phase(a, now, AVAIL_DOWN);
		return;
	}
	if (a->phase != AVAIL_UP)
		close_phase(a, now, AVAIL_UP);
	a->last_heard = now;
	master_is(a, AVAIL_MASTER_PEER, af, src);
}

void avail_master_lost(struct avail *a, monotime now)
{
	monotime moved;

	if (!a->backup || a->phase != AVAIL_UP)
		return;
	/* The master was last heard at last_heard: the outage began then, not now. */
	moved = now - a->last_heard;
	if (moved > now - a->phase_since)
		moved = now - a->phase_since;
	if (moved < 0)
		moved = 0;
	a->failures++;
	close_phase(a, now, AVAIL_DOWN);
	a->up -= moved;
	a->down += moved;
}

void avail_figures(const struct avail *a, monotime now, struct avail_figures *out)
{
	monotime up = a->up, down = a->down;
	monotime d = a->phase_since && now > a->phase_since ? now - a->phase_since : 0;
	uint64_t ended = a->ended;

	if (a->phase == AVAIL_UP)
		up += d;
	else if (a->phase == AVAIL_DOWN)
		down += d;
	memset(out, 0, sizeof(*out));
	out->up = monotime_to_sec(up);
	out->down = monotime_to_sec(down);
	out->observed = monotime_to_sec(up + down);
	out->failures = a->failures;
	out->ended = ended;
	out->failovers = a->failovers;
	out->has_ratio = up + down > 0;
	if (out->has_ratio)
		out->ratio = (double)up / (double)(up + down);
	out->has_mtbf = a->failures > 0;
	if (out->has_mtbf)
		out->mtbf = out->up / (double)a->failures;
	out->has_mttr = ended > 0;
	if (out->has_mttr)
		out->mttr = out->down / (double)ended;
}
