/* instance_anomaly: the one place an instance's anomalies (peers_anomaly.h) go through: counted
 * by kind, kept as the last one for vipctl peers, and logged as "anomaly KIND: ..." with a rate
 * limit per kind, so a flood of adverts showing the same fault writes one line per
 * INSTANCE_ANOMALY_LOG_GAP; what passes the limit also goes to io->anomaly (the daemon's event
 * ring), with the same held-back count. */
#include "build_config.h"

#include <inttypes.h>
#include <stdio.h>

#include "vipd/instance_int.h"
#include "vipd/log.h"

static const char *src_text(const struct peers_anomaly *a, char *buf, size_t len)
{
	return addr_format_in(a->af, &a->src, buf, len);
}

static void anomaly_log(const struct instance *in, const struct peers_anomaly *a, uint64_t held)
{
	char src[ADDR_STRLEN], more[64] = "";
	const char *kind = peers_anomaly_kind_name(a->kind);

	if (held)
		snprintf(more, sizeof(more), " (%" PRIu64 " more since the last line)", held);
	src_text(a, src, sizeof(src));
	switch (a->kind) {
	case PEERS_ANOMALY_SPLIT_BRAIN:
		instance_log(in, LOG_WARNING,
		             "anomaly %s: %s is master too (priority %u, ours %u)%s", kind, src,
		             a->priority, in->fsm.priority, more);
		break;
	case PEERS_ANOMALY_SPLIT_BRAIN_END:
		instance_log(in, LOG_WARNING, "anomaly %s: split brain with %s ended after %.3fs%s",
		             kind, src, monotime_to_sec(a->duration), more);
		break;
	case PEERS_ANOMALY_INTERVAL:
		instance_log(in, LOG_WARNING, "anomaly %s: %s advertises every %.2fs, ours %.2fs%s",
		             kind, src, a->interval_cs / 100.0, a->ours_cs / 100.0, more);
		break;
	case PEERS_ANOMALY_ADDR_LIST:
		instance_log(in, LOG_WARNING, "anomaly %s: %s lists other addresses than ours%s",
		             kind, src, more);
		break;
	case PEERS_ANOMALY_OWNER:
		instance_log(in, LOG_WARNING,
		             "anomaly %s: %s claims to own the addresses (priority 255)%s", kind,
		             src, more);
		break;
	case PEERS_ANOMALY_CSUM_FORM:
		instance_log(in, LOG_WARNING,
		             "anomaly %s: %s changed its checksum form from %s to %s%s", kind, src,
		             peers_csum_name(a->csum_from), peers_csum_name(a->csum_to), more);
		break;
	default:
		instance_log(in, LOG_WARNING, "anomaly %s: %" PRIu64 " adverts dropped as %s%s",
		             kind, a->count, vrrp_pkt_reason_name((enum vrrp_reason)a->reason),
		             more);
		break;
	}
}

void instance_anomaly(struct instance *in, const struct peers_anomaly *a, monotime now)
{
	struct peers_watch *w = &in->watch;

	w->count[a->kind]++;
	w->last = *a;
	w->last_at = now;
	if (w->logged[a->kind] && now - w->logged[a->kind] < INSTANCE_ANOMALY_LOG_GAP) {
		w->suppressed[a->kind]++;
		return;
	}
	anomaly_log(in, a, w->suppressed[a->kind]);
	if (in->io->anomaly)
		in->io->anomaly(in->io->ctx, in, a, w->suppressed[a->kind]);
	w->logged[a->kind] = now;
	w->suppressed[a->kind] = 0;
}
