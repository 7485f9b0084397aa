/* peers_anomaly: what is wrong on a VRID, decided from one advert at a time (see
 * peers_anomaly.h). Kept pure so the rules are unit-tested on plain numbers. */
#include "build_config.h"

#include <string.h>

#include "vipd/peers_anomaly.h"
#include "vipd/vrrp_fsm.h"
#include "vipd/vrrp_pkt.h"

static const char *const kind_names[PEERS_ANOMALY__COUNT] = {
    "split_brain", "split_brain_end", "interval", "addr_list", "owner", "checksum_form", "drops",
};

const char *peers_anomaly_kind_name(enum peers_anomaly_kind k)
{
	return (unsigned)k < PEERS_ANOMALY__COUNT ? kind_names[k] : "?";
}

static struct peers_anomaly *add(struct peers_anomaly *out, size_t *n, enum peers_anomaly_kind k,
                                 const struct peer *p)
{
	struct peers_anomaly *a = &out[(*n)++];

	memset(a, 0, sizeof(*a));
	a->kind = k;
	a->af = p->adv.af;
	a->src = p->adv.src;
	a->priority = p->adv.priority;
	a->interval_cs = p->adv.interval_cs;
	return a;
}

static void split_end(struct peers_split *sb, monotime end, struct peers_anomaly *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = PEERS_ANOMALY_SPLIT_BRAIN_END;
	a->af = sb->af;
	a->src = sb->src;
	a->priority = sb->priority;
	a->interval_cs = sb->interval_cs;
	a->duration = end > sb->start ? end - sb->start : 0;
	sb->total += a->duration;
	sb->active = false;
}

/* The split-brain rule: a master we did not yield to, heard while Master. */
static void split_rule(struct peers_split *sb, const struct peers_self *self, const struct peer *p,
                       monotime now, struct peers_anomaly *out, size_t *n)
{
	bool same =
	    sb->active && sb->af == p->adv.af && addr_cmp_in(sb->af, &sb->src, &p->adv.src) == 0;
	monotime grace = (monotime)p->adv.interval_cs * MT_CSEC;

	if (sb->active && self->master_before && !self->master_after) {
		split_end(sb, now, &out[(*n)++]); /* we yielded */
		return;
	}
	if (same && p->adv.priority == 0) {
		split_end(sb, now, &out[(*n)++]); /* it yielded or stopped */
		return;
	}
	if (!self->master_after || p->adv.priority == 0)
		return;
	if (same) {
		sb->last = now;
		sb->priority = p->adv.priority;
		return;
	}
	/* Its adverts sent before it heard our first one are no split brain. */
	if (sb->active || now - self->master_since <= grace)
		return;
	sb->active = true;
	sb->af = p->adv.af;
	sb->src = p->adv.src;
	sb->priority = p->adv.priority;
	sb->version = p->adv.version;
	sb->interval_cs = p->adv.interval_cs;
	sb->start = sb->last = now;
	sb->episodes++;
	add(out, n, PEERS_ANOMALY_SPLIT_BRAIN, p);
}

size_t peers_anomaly_advert(struct peers_split *sb, const struct peers_self *self,
                            const struct peer *p, const struct peer *before, bool is_new,
                            monotime now, struct peers_anomaly *out)
{
	const struct peers_advert *a = &p->adv, *b = &before->adv;
	size_t n = 0;

	split_rule(sb, self, p, now, out, &n);
	if (a->interval_cs != self->interval_cs && (is_new || b->interval_cs != a->interval_cs))
		add(out, &n, PEERS_ANOMALY_INTERVAL, p)->ours_cs = self->interval_cs;
	if (a->addrs_differ && (is_new || !b->addrs_differ))
		add(out, &n, PEERS_ANOMALY_ADDR_LIST, p);
	/* An owner advertises from its VIP (RFC 9568 4.1); a second owner, or one advertising
	 * from elsewhere, is a misconfiguration. */
	if (a->priority == VRRP_PRIO_OWNER && (self->owner || !self->src_is_vip) &&
	    (is_new || b->priority != VRRP_PRIO_OWNER))
		add(out, &n, PEERS_ANOMALY_OWNER, p);
	if (!is_new && b->csum_form >= 0 && a->csum_form >= 0 && b->csum_form != a->csum_form) {
		struct peers_anomaly *c = add(out, &n, PEERS_ANOMALY_CSUM_FORM, p);

		c->csum_from = b->csum_form;
		c->csum_to = a->csum_form;
	}
	return n;
}

bool peers_anomaly_tick(struct peers_split *sb, bool master, monotime now,
                        struct peers_anomaly *out)
{
	if (!sb->active)
		return false;
	if (!master) {
		split_end(sb, now, out);
		return true;
	}
	if (now - sb->last >=
	    vrrp_fsm_master_down_interval(sb->version, sb->priority, sb->interval_cs)) {
		split_end(sb, sb->last, out);
		return true;
	}
	return false;
}

monotime peers_anomaly_split_total(const struct peers_split *sb)
{
	return sb->total + (sb->active ? sb->last - sb->start : 0);
}

bool peers_anomaly_drops_crossed(uint64_t count)
{
	if (count < 10)
		return false;
	while (count % 10 == 0)
		count /= 10;
	return count == 1;
}
