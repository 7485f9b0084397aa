/* instance_announce: the announcements of a new master — gratuitous ARP (IPv4) or unsolicited
 * Neighbor Advertisements (IPv6) for every VIP, in bursts: the first at the takeover, a second
 * garp_delay later, then one every garp_refresh. */
#include "build_config.h"

#include "vipd/instance_int.h"
#include "vipd/log.h"

/* Gap between the announcements of one burst: back-to-back copies would all die in the same
 * congestion, and 10 ms keeps the whole burst well under one second. */
#define GARP_SPACING (10 * MT_MSEC)

/* Longest wait for the kernel to announce fresh IPv6 VIPs before the first NAs go anyway. */
#define NA_WAIT_MAX (20 * MT_MSEC)

/* Announce address i of the instance (its VIPs, then its excluded addresses) on the interface it
 * lives on (dev): the neighbours that must learn the new master are on that link, and they learn
 * the MAC of the interface that holds the address (as keepalived does). */
static void announce_one(struct instance *in, size_t i)
{
	int rc = in->io->announce(in->io->ctx, in, instance_addrs_get(in, i),
	                          instance_addrs_opts(in, i)->dev);

	if (rc < 0)
		in->stats.send_errors++;
	else if (rc == 0)
		in->stats.announcements++;
	/* 2: queued, instance_announce_sent is told */
}

void instance_announce_sent(struct instance *in, int err)
{
	if (err)
		in->stats.send_errors++;
	else
		in->stats.announcements++;
}

/* When address i may be announced: the pace of its interface (garp_groups), shared with every
 * other instance announcing there; 0 = now. */
static monotime due(struct instance *in, size_t i)
{
	if (!in->io->announce_due)
		return 0;
	return in->io->announce_due(in->io->ctx, in, instance_addrs_get(in, i),
	                            instance_addrs_opts(in, i)->dev);
}

/* One round of announcements (with garp_interval: one announcement, the round going on
 * garp_interval later), then the rest of the burst GARP_SPACING (or garp_interval, if longer)
 * apart. An address whose interface is paced (garp_groups) waits for its slot and the round
 * goes on from there. When a burst is done: the second burst comes garp_delay after the
 * takeover (as keepalived's garp_master_delay), then one burst every garp_refresh. */
static void garp_step(struct instance *in, monotime now)
{
	monotime next, at, paced = in->cfg->garp_interval;

	if (in->garp_left == 0) {
		/* keepalived: garp_master_refresh_repeat for a refresh, garp_master_repeat else */
		in->garp_left = in->garp_refreshing && in->cfg->garp_refresh_repeat
		                    ? in->cfg->garp_refresh_repeat
		                    : in->cfg->garp_repeat;
		in->garp_burst_start = now;
		in->garp_vip = 0;
	}
	/* a switch that rate-limits ARP drops a round sent at once (keepalived's garp_interval
	 * and garp_group); a reload may have shortened the list meanwhile */
	while (in->garp_vip < instance_addrs_count(in)) {
		at = due(in, in->garp_vip);
		if (at > now) {
			log_debug_cat(LOG_CAT_TIMERS,
			              "%s: announcement waits %.3f s for its garp group",
			              in->cfg->name, monotime_to_sec(at - now));
			loop_timer_set(in->loop, &in->garp_timer, at);
			return;
		}
		announce_one(in, in->garp_vip++);
		if (paced && in->garp_vip < instance_addrs_count(in)) {
			loop_timer_set(in->loop, &in->garp_timer, now + paced);
			return;
		}
	}
	in->garp_vip = 0;
	log_debug_cat(LOG_CAT_TIMERS, "%s: announce round of %zu addresses, %u more in this burst",
	              in->cfg->name, instance_addrs_count(in), in->garp_left - 1);
	if (--in->garp_left) {
		loop_timer_set(in->loop, &in->garp_timer,
		               now + (paced > GARP_SPACING ? paced : GARP_SPACING));
		return;
	}
	if (!in->garp_second_burst_done && in->cfg->garp_delay) {
		in->garp_second_burst_done = true;
		next = in->garp_since + in->cfg->garp_delay;
	} else if (in->cfg->garp_refresh) {
		in->garp_refreshing = true;
		next = in->garp_burst_start + in->cfg->garp_refresh;
	} else {
		return;
	}
	log_debug_cat(LOG_CAT_TIMERS, "%s: next announce burst in %.3f s", in->cfg->name,
	              next > now ? monotime_to_sec(next - now) : 0.0);
	loop_timer_set(in->loop, &in->garp_timer, next > now ? next : now);
}

/* (Re)start the announcements: a first burst now, or once the kernel says the VIPs are usable.
 * IPv6: the kernel inserts the local route of an address added with nodad only when it announces
 * the address (from its DAD work), a little after our add returned; a Neighbor Advertisement sent
 * before that draws the clients' packets to a node that drops them. */
void instance_announce_start(struct instance *in, monotime now)
{
	in->garp_since = now;
	in->garp_left = 0;
	in->garp_second_burst_done = false;
	in->garp_refreshing = false;
	in->garp_wait_until = 0;
	if (in->cfg->af == AF_INET6 && in->io->vips_ready && !in->io->vips_ready(in->io->ctx, in)) {
		in->garp_wait_until = now + NA_WAIT_MAX;
		loop_timer_set(in->loop, &in->garp_timer, in->garp_wait_until);
		return;
	}
	garp_step(in, now);
}

void instance_announce_vips_changed(struct instance *in, monotime now)
{
	if (!in->garp_wait_until || in->fsm.state != VRRP_STATE_MASTER ||
	    !in->io->vips_ready(in->io->ctx, in))
		return;
	in->garp_wait_until = 0;
	loop_timer_cancel(in->loop, &in->garp_timer);
	garp_step(in, now);
}

void instance_announce_timer_cb(void *arg, monotime now)
{
	struct instance *in = arg;

	/* A wait for the kernel that ran out: announce anyway. */
	in->garp_wait_until = 0;
	if (in->fsm.state == VRRP_STATE_MASTER)
		garp_step(in, now);
}
