/* daemon_http: the daemon's HTTP /metrics listener (metrics_http.c) kept in step with the
 * config's metrics_listen at start, reload and stop. A listener that cannot be opened is logged
 * and retried at the next reload: metrics never stop vipd from doing VRRP. */
#include "build_config.h"

#include <stdlib.h>

#include "vipd/config_metrics.h"
#include "vipd/daemon_int.h"
#include "vipd/log.h"
#include "vipd/metrics_http.h"

static char *render(void *arg, size_t *len)
{
	char *text;

	daemon_trim_soon(arg);
	text = daemon_stats_metrics_text(arg, len);
	if (!text)
		log_oom("metrics", "answered 500");
	return text;
}

void daemon_http_apply(struct daemon *d)
{
	const struct vipd_listen *want = &d->cfg->metrics_listen;
	char buf[LISTEN_STRLEN], err[256];

	if (d->http && config_metrics_listen_equal(&d->http_listen, want))
		return;
	if (d->http) {
		log_notice("metrics: no longer listening on %s",
		           config_metrics_listen_format(&d->http_listen, buf, sizeof(buf)));
		daemon_http_close(d);
	}
	if (!want->af)
		return;
	config_metrics_listen_format(want, buf, sizeof(buf));
	d->http = metrics_http_open(d->loop, want->af, &want->addr, want->port, render, d, err,
	                            sizeof(err));
	if (!d->http) {
		log_warnx("metrics_listen %s: %s; no HTTP metrics until a reload opens it", buf,
		          err);
		return;
	}
	d->http_listen = *want;
	log_notice("metrics: serving GET /metrics on http://%s/metrics", buf);
}

void daemon_http_close(struct daemon *d)
{
	metrics_http_close(d->http);
	d->http = NULL;
}
