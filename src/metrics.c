/* metrics: the Prometheus text format, one family at a time (# HELP, # TYPE, then one sample
 * per instance), so each family's samples are contiguous as the format requires. Label values
 * are escaped (backslash, double quote, newline); a null figure is NaN. */
#include "build_config.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "vipd/instance.h"
#include "vipd/instance_stats.h"
#include "vipd/metrics.h"

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '"')
			fputs("\\\"", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* name{instance="NAME" + extra labels (already formatted, ",k=\"v\"")} */
static void sample_start(FILE *f, const char *name, const struct instance *in, const char *extra)
{
	fprintf(f, "%s{instance=\"", name);
	label_value(f, in->cfg->name);
	fprintf(f, "\"%s} ", extra ? extra : "");
}

static void put_double(FILE *f, bool has, double v)
{
	if (!has || isnan(v))
		fputs("NaN\n", f);
	else if (isinf(v))
		fputs(v > 0 ? "+Inf\n" : "-Inf\n", f);
	else
		fprintf(f, "%.15g\n", v);
}

/* One counter family: the uint64 at byte offset off of each instance's stats. */
struct counter_def {
	const char *name, *help;
	size_t off;
};

#define COUNTER(n, field, h)                                                                       \
	{                                                                                          \
		n, h, offsetof(struct instance_stats, field)                                       \
	}

static const struct counter_def counters[] = {
    COUNTER("vipd_adverts_sent_total", adverts_sent, "VRRP adverts sent."),
    COUNTER("vipd_adverts_received_total", adverts_received,
            "VRRP adverts received that passed every check."),
    COUNTER("vipd_priority_zero_sent_total", prio0_sent, "Priority-0 adverts sent."),
    COUNTER("vipd_priority_zero_received_total", prio0_received, "Priority-0 adverts received."),
    COUNTER("vipd_send_errors_total", send_errors, "Adverts and announcements that failed."),
    COUNTER("vipd_announcements_total", announcements, "Gratuitous ARPs and unsolicited NAs sent."),
    COUNTER("vipd_netlink_errors_total", nl_errors,
            "Netlink address or route changes that failed."),
    COUNTER("vipd_vip_restored_total", vip_restored,
            "Virtual addresses put back after someone removed them."),
    COUNTER("vipd_address_list_mismatch_total", addr_list_mismatch,
            "v3 adverts listing other addresses than ours."),
};

static void instance_families(FILE *f, const struct metrics_source *src)
{
	char extra[96];

	family(f, "vipd_instance_state", "gauge",
	       "1 for the current VRRP state of the instance, 0 for the others.");
	for (size_t i = 0; i < src->ninstances; i++)
		for (int s = 0; s < VRRP_STATE__COUNT; s++) {
			snprintf(extra, sizeof(extra), ",state=\"%s\"",
			         vrrp_fsm_state_name((enum vrrp_state)s));
			sample_start(f, "vipd_instance_state", src->instances[i], extra);
			fprintf(f, "%d\n", src->instances[i]->fsm.state == (enum vrrp_state)s);
		}
	family(f, "vipd_priority", "gauge", "Configured priority.");
	for (size_t i = 0; i < src->ninstances; i++) {
		sample_start(f, "vipd_priority", src->instances[i], NULL);
		fprintf(f, "%u\n", src->instances[i]->cfg->priority);
	}
	family(f, "vipd_effective_priority", "gauge",
	       "Priority in the adverts now (tracking, demote).");
	for (size_t i = 0; i < src->ninstances; i++) {
		sample_start(f, "vipd_effective_priority", src->instances[i], NULL);
		fprintf(f, "%u\n", src->instances[i]->fsm.priority);
	}
	family(f, "vipd_demoted", "gauge", "1 while the instance is demoted (maintenance).");
	for (size_t i = 0; i < src->ninstances; i++) {
		sample_start(f, "vipd_demoted", src->instances[i], NULL);
		fprintf(f, "%d\n", src->instances[i]->demoted ? 1 : 0);
	}
	family(f, "vipd_last_transition_timestamp_seconds", "gauge",
	       "Unix time of the last state change.");
	for (size_t i = 0; i < src->ninstances; i++) {
		const struct instance *in = src->instances[i];

		if (!in->since)
			continue;
		sample_start(f, "vipd_last_transition_timestamp_seconds", in, NULL);
		fprintf(f, "%.3f\n", src->wall_now - monotime_to_sec(src->now - in->since));
	}
}

static void counter_families(FILE *f, const struct metrics_source *src)
{
	char extra[128];

	for (size_t k = 0; k < sizeof(counters) / sizeof(counters[0]); k++) {
		family(f, counters[k].name, "counter", counters[k].help);
		for (size_t i = 0; i < src->ninstances; i++) {
			const char *base = (const char *)&src->instances[i]->stats;
			uint64_t v = *(const uint64_t *)(const void *)(base + counters[k].off);

			sample_start(f, counters[k].name, src->instances[i], NULL);
			fprintf(f, "%" PRIu64 "\n", v);
		}
	}
	family(f, "vipd_drops_total", "counter",
	       "Adverts dropped, by reason (only the reasons seen).");
	for (size_t i = 0; i < src->ninstances; i++)
		for (int r = VRRP_RX_OK + 1; r < VRRP_RX__COUNT; r++) {
			uint64_t v = src->instances[i]->stats.drops[r];

			if (!v)
				continue;
			snprintf(extra, sizeof(extra), ",reason=\"%s\"",
			         vrrp_pkt_reason_name((enum vrrp_reason)r));
			sample_start(f, "vipd_drops_total", src->instances[i], extra);
			fprintf(f, "%" PRIu64 "\n", v);
		}
	family(f, "vipd_transitions_total", "counter",
	       "State changes, by kind (only the kinds seen).");
	for (size_t i = 0; i < src->ninstances; i++)
		for (int a = 0; a < VRRP_STATE__COUNT; a++)
			for (int b = 0; b < VRRP_STATE__COUNT; b++) {
				uint64_t v = src->instances[i]->stats.trans[a][b];

				if (!v)
					continue;
				snprintf(extra, sizeof(extra), ",from=\"%s\",to=\"%s\"",
				         vrrp_fsm_state_name((enum vrrp_state)a),
				         vrrp_fsm_state_name((enum vrrp_state)b));
				sample_start(f, "vipd_transitions_total", src->instances[i], extra);
				fprintf(f, "%" PRIu64 "\n", v);
			}
	family(f, "vipd_transitions_by_cause_total", "counter",
	       "State changes, by the kind of their cause (only the kinds seen).");
	for (size_t i = 0; i < src->ninstances; i++)
		for (int k = 0; k < EVENTS_KIND__COUNT; k++) {
			uint64_t v = src->instances[i]->stats.by_cause[k];

			if (!v)
				continue;
			snprintf(extra, sizeof(extra), ",cause=\"%s\"",
			         events_kind_name((enum events_kind)k));
			sample_start(f, "vipd_transitions_by_cause_total", src->instances[i],
			             extra);
			fprintf(f, "%" PRIu64 "\n", v);
		}
}

/* The availability figures of every instance, computed once. */
static void avail_families(FILE *f, const struct metrics_source *src, struct avail_figures *fig)
{
	static const struct {
		const char *name, *type, *help;
	} fams[] = {
	    {"vipd_availability_ratio", "gauge",
	     "Up time over observed time, from this node's view (NaN before any)."},
	    {"vipd_up_seconds_total", "counter", "Observed time with a master known."},
	    {"vipd_down_seconds_total", "counter", "Time in outages (no master known)."},
	    {"vipd_failures_total", "counter", "Outages begun (master lost)."},
	    {"vipd_failovers_total", "counter", "Changes of the master seen from this node."},
	    {"vipd_mtbf_seconds", "gauge", "Mean time between failures: up / failures (NaN if 0)."},
	    {"vipd_mttr_seconds", "gauge",
	     "Mean time to recover: down / ended outages (NaN if 0)."},
	};

	for (size_t k = 0; k < sizeof(fams) / sizeof(fams[0]); k++) {
		family(f, fams[k].name, fams[k].type, fams[k].help);
		for (size_t i = 0; i < src->ninstances; i++) {
			const struct avail_figures *a = &fig[i];

			sample_start(f, fams[k].name, src->instances[i], NULL);
			switch (k) {
			case 0:
				put_double(f, a->has_ratio, a->ratio);
				break;
			case 1:
				put_double(f, true, a->up);
				break;
			case 2:
				put_double(f, true, a->down);
				break;
			case 3:
				fprintf(f, "%" PRIu64 "\n", a->failures);
				break;
			case 4:
				fprintf(f, "%" PRIu64 "\n", a->failovers);
				break;
			case 5:
				put_double(f, a->has_mtbf, a->mtbf);
				break;
			default:
				put_double(f, a->has_mttr, a->mttr);
				break;
			}
		}
	}
}

/* What vipctl peers shows, as figures: routers heard, split-brain episodes, anomalies. */
static void peers_families(FILE *f, const struct metrics_source *src)
{
	char extra[64];

	family(f, "vipd_routers_heard", "gauge",
	       "Other routers heard on the instance's VRID (vipctl peers).");
	for (size_t i = 0; i < src->ninstances; i++) {
		sample_start(f, "vipd_routers_heard", src->instances[i], NULL);
		fprintf(f, "%zu\n", peers_count(&src->instances[i]->peers, src->now));
	}
	family(f, "vipd_split_brain_episodes_total", "counter",
	       "Another master heard while master: episodes begun.");
	for (size_t i = 0; i < src->ninstances; i++) {
		sample_start(f, "vipd_split_brain_episodes_total", src->instances[i], NULL);
		fprintf(f, "%" PRIu64 "\n", src->instances[i]->watch.split.episodes);
	}
	family(f, "vipd_split_brain_seconds_total", "counter",
	       "Duration of the split-brain episodes, the current one included.");
	for (size_t i = 0; i < src->ninstances; i++) {
		sample_start(f, "vipd_split_brain_seconds_total", src->instances[i], NULL);
		put_double(
		    f, true,
		    monotime_to_sec(peers_anomaly_split_total(&src->instances[i]->watch.split)));
	}
	family(f, "vipd_anomalies_total", "counter", "Anomalies seen on the VRID, by kind.");
	for (size_t i = 0; i < src->ninstances; i++)
		for (int k = 0; k < PEERS_ANOMALY__COUNT; k++) {
			snprintf(extra, sizeof(extra), ",kind=\"%s\"",
			         peers_anomaly_kind_name((enum peers_anomaly_kind)k));
			sample_start(f, "vipd_anomalies_total", src->instances[i], extra);
			fprintf(f, "%" PRIu64 "\n", src->instances[i]->watch.count[k]);
		}
}

char *metrics_render(const struct metrics_source *src, size_t *len)
{
	struct avail_figures *fig = calloc(src->ninstances ? src->ninstances : 1, sizeof(*fig));
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	if (!fig)
		return NULL;
	f = open_memstream(&buf, &size);
	if (!f) {
		free(fig);
		return NULL;
	}
	for (size_t i = 0; i < src->ninstances; i++)
		avail_figures(&src->instances[i]->stats.avail, src->now, &fig[i]);
	family(f, "vipd_build_info", "gauge", "vipd version; always 1.");
	fprintf(f, "vipd_build_info{version=\"");
	label_value(f, PACKAGE_VERSION);
	fprintf(f, "\"} 1\n");
	if (src->started) {
		family(f, "vipd_start_time_seconds", "gauge", "Unix time vipd started.");
		fprintf(f, "vipd_start_time_seconds %.3f\n",
		        src->wall_now - monotime_to_sec(src->now - src->started));
	}
	instance_families(f, src);
	counter_families(f, src);
	avail_families(f, src, fig);
	peers_families(f, src);
	family(f, "vipd_unmatched_drops_total", "counter",
	       "Packets dropped before any instance could be charged, by reason.");
	for (int r = VRRP_RX_OK + 1; src->unmatched && r < VRRP_RX__COUNT; r++)
		if (src->unmatched[r])
			fprintf(f, "vipd_unmatched_drops_total{reason=\"%s\"} %" PRIu64 "\n",
			        vrrp_pkt_reason_name((enum vrrp_reason)r), src->unmatched[r]);
	family(f, "vipd_log_lines_dropped_total", "counter",
	       "Log lines dropped because the log output (journald, syslog, a pipe) was full.");
	fprintf(f, "vipd_log_lines_dropped_total %" PRIu64 "\n", src->log_dropped);
	free(fig);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}
