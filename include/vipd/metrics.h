/* metrics: the Prometheus text exposition (format 0.0.4) of vipd's state, counters and
 * availability figures. metrics_render is pure (the instances and clocks come in); the daemon
 * renders itself with it (daemon_stats_metrics_text, daemon_int.h). */
#ifndef VIPD_METRICS_H
#define VIPD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "vipd/monotime.h"

struct instance;

/* What the text shows. */
struct metrics_source {
	struct instance *const *instances;
	size_t ninstances;
	const uint64_t *unmatched; /* VRRP_RX__COUNT drops no instance was charged with, or NULL */
	monotime now;              /* CLOCK_MONOTONIC now */
	double wall_now;           /* Unix time (seconds) at now */
	monotime started;          /* when the daemon started (monotonic), 0 if unknown */
	uint64_t log_dropped;      /* log lines dropped because the output would have blocked */
};

/* Content-Type of the text, for an HTTP answer. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Render src: a malloc'd NUL-terminated text, its length in *len; NULL when out of memory. */
char *metrics_render(const struct metrics_source *src, size_t *len);

#endif
