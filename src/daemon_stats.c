/* daemon_stats: the ctl "stats" and "metrics" commands, and the metrics text of the running
 * daemon (also served by the HTTP responder). */
#include "build_config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vipd/daemon_int.h"
#include "vipd/instance_stats.h"
#include "vipd/log.h"
#include "vipd/metrics.h"

char *daemon_stats_metrics_text(struct daemon *d, size_t *len)
{
	struct timespec wall;
	struct metrics_source src = {
	    .instances = d->instances,
	    .ninstances = d->ninstances,
	    .unmatched = d->drops,
	    .now = monotime_now(),
	    .started = d->started,
	    .log_dropped = log_dropped(),
	};

	clock_gettime(CLOCK_REALTIME, &wall);
	src.wall_now = (double)wall.tv_sec + (double)wall.tv_nsec / 1e9;
	return metrics_render(&src, len);
}

static struct json_object *stats_json(struct daemon *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array(), *drops = NULL;
	monotime now = monotime_now();
	char buf[64];
	double up = d->started ? monotime_to_sec(now - d->started) : 0;

	if (!o || !list) {
		json_object_put(list);
		goto oom;
	}
	json_object_object_add(o, "router_id", json_object_new_string(d->cfg->router_id));
	snprintf(buf, sizeof(buf), "%.3f", up);
	json_object_object_add(o, "uptime", json_object_new_double_s(up, buf));
	json_object_object_add(o, "instances", list);
	for (size_t i = 0; i < d->ninstances; i++) {
		struct json_object *s = instance_stats_json(d->instances[i], now);

		if (!s)
			goto oom;
		json_object_array_add(list, s);
	}
	drops = daemon_iface_unmatched_drops(d);
	json_object_object_add(o, "unmatched_drops", drops);
	if (!drops)
		goto oom;
	json_object_object_add(o, "log_lines_dropped", json_object_new_uint64(log_dropped()));
	return o;
oom:
	json_object_put(o);
	return NULL;
}

struct json_object *daemon_stats_ctl(struct daemon *d, const char *command)
{
	struct json_object *s;
	size_t len = 0;
	char *text;

	if (strcmp(command, "stats") == 0)
		return daemon_ctl_reply(stats_json(d), command);
	text = daemon_stats_metrics_text(d, &len);
	s = text ? json_object_new_string_len(text, (int)len) : NULL;
	free(text);
	return daemon_ctl_reply(s, command);
}
