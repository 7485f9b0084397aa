/* Unit tests for the instance's availability hooks, its "stats" object and the Prometheus text:
 * a real instance (fake kernel, fake clock) lives through a takeover after Master_Down_Interval,
 * a priority-0 handover and a preemption; the figures, the JSON and the metrics text must match
 * the history, and the text must pass the strict checker tests/unit/promcheck.py. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance_fixture.h"
#include "vipd/instance_stats.h"
#include "vipd/metrics.h"

#define EPS 1e-9
#define WALL 1700000000.0 /* Unix time of T0 in the rendered text */

static struct avail_figures fig;

static void figures(void)
{
	avail_figures(&inst.stats.avail, now_ns, &fig);
}

/* Adverts of prio from src every IV from now until end (included); the clock stays at end. */
static void adverts_until(monotime end, uint8_t prio, const union vip_in *src)
{
	while (now_ns <= end) {
		rx(3, prio, src);
		if (now_ns + IV > end)
			break;
		run_until(now_ns + IV);
	}
}

static char *render(size_t *len)
{
	struct instance *list[] = {&inst};
	uint64_t unmatched[VRRP_RX__COUNT] = {0};
	struct metrics_source src = {
	    .instances = list,
	    .ninstances = 1,
	    .unmatched = unmatched,
	    .now = now_ns,
	    .wall_now = WALL + monotime_to_sec(now_ns - T0),
	    .started = T0,
	    .log_dropped = 12,
	};
	char *text;

	unmatched[VRRP_RX_VRID] = 7;
	text = metrics_render(&src, len);
	assert_non_null(text);
	assert_int_equal(strlen(text), *len);
	return text;
}

/* Run promcheck.py on text: 0 when clean; skipped (1) without python3 or the checker. */
static int promcheck(const char *text, size_t len, bool *ran)
{
	const char *top = getenv("top_srcdir");
	char path[] = "/tmp/vipd-metrics-XXXXXX", cmd[1024], checker[512];
	int fd, rc;

	snprintf(checker, sizeof(checker), "%s/tests/unit/promcheck.py", top ? top : ".");
	*ran = access(checker, R_OK) == 0 && system("command -v python3 >/dev/null 2>&1") == 0;
	if (!*ran)
		return 0;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s'", checker, path);
	rc = system(cmd);
	unlink(path);
	return rc;
}

static void assert_has(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("metrics text lacks \"%s\"", line);
}

/* The backup of a master that dies: one failure of exactly Master_Down_Interval (counted from
 * the last advert heard), a failover, then a preemption back (a second failover, no failure). */
static void takeover_counts_one_failure(void **state)
{
	monotime mdi = vrrp_fsm_master_down_interval(3, 150, 5), last, t_master;

	(void)state;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	now_ns += 10 * MT_MSEC;
	adverts_until(T0 + 510 * MT_MSEC, 200, &peer_hi);
	last = now_ns;
	figures();
	assert_float_equal(fig.up, 0.5, EPS);
	assert_int_equal(fig.failures, 0);
	t_master = fire_next();
	assert_int_equal(t_master, last + mdi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	run_until(T0 + MT_SEC);
	figures();
	assert_int_equal(fig.failures, 1);
	assert_int_equal(fig.failovers, 1);
	assert_float_equal(fig.down, monotime_to_sec(mdi), EPS);
	assert_float_equal(fig.mttr, monotime_to_sec(mdi), EPS);
	assert_float_equal(fig.up, 0.5 + monotime_to_sec(T0 + MT_SEC - t_master), EPS);
	assert_float_equal(fig.observed, 0.99, EPS);
	assert_float_equal(fig.ratio, fig.up / 0.99, EPS);
	assert_float_equal(fig.mtbf, fig.up, EPS);

	/* The old master is back and preempts. */
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	adverts_until(T0 + 2 * MT_SEC, 200, &peer_hi);
	figures();
	assert_int_equal(fig.failures, 1);
	assert_int_equal(fig.failovers, 2);
	/* Between the preemption and the next advert the backup heard its new master at once. */
	assert_float_equal(fig.down, monotime_to_sec(mdi), EPS);
	assert_float_equal(fig.observed, 1.99, EPS);
	assert_int_equal(inst.stats.trans[VRRP_STATE_INIT][VRRP_STATE_BACKUP], 1);
	assert_int_equal(inst.stats.trans[VRRP_STATE_BACKUP][VRRP_STATE_MASTER], 1);
	assert_int_equal(inst.stats.trans[VRRP_STATE_MASTER][VRRP_STATE_BACKUP], 1);
}

/* Priority 0 from the master: the outage lasts Skew_Time, from the priority-0 advert. */
static void prio0_outage_is_skew_time(void **state)
{
	monotime skew = vrrp_fsm_skew_time(3, 100, 5), t;

	(void)state;
	cfg.priority = 100;
	start();
	now_ns += 100 * MT_MSEC;
	rx(3, 150, &peer_hi);
	now_ns += 20 * MT_MSEC;
	rx(3, 0, &peer_hi);
	t = now_ns;
	assert_int_equal(fire_next(), t + skew);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	figures();
	assert_int_equal(fig.failures, 1);
	assert_float_equal(fig.down, monotime_to_sec(skew), EPS);
	assert_float_equal(fig.up, 0.02, EPS);
}

/* Stopping (INIT) and a FAULT are blind: no time is counted while in them. */
static void stop_is_blind(void **state)
{
	monotime t;

	(void)state;
	t = become_master();
	run_until(t + MT_SEC);
	instance_stop(&inst, now_ns);
	now_ns += 5 * MT_SEC;
	figures();
	assert_float_equal(fig.observed, 1.0, EPS);
	assert_float_equal(fig.ratio, 1.0, EPS);
	assert_int_equal(fig.failovers, 1); /* we stopped being master */
	assert_int_equal(inst.stats.trans[VRRP_STATE_MASTER][VRRP_STATE_INIT], 1);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

/* The "stats" object: counters, transitions by kind, availability; null where undefined. */
static void stats_json_shape(void **state)
{
	monotime mdi = vrrp_fsm_master_down_interval(3, 150, 5);
	struct json_object *o, *c, *a;

	(void)state;
	start();
	o = instance_stats_json(&inst, now_ns);
	a = get(o, "availability");
	assert_null(get(a, "ratio"));
	assert_null(get(a, "mtbf"));
	assert_null(get(a, "mttr"));
	assert_int_equal(json_object_get_int(get(a, "failures")), 0);
	json_object_put(o);

	now_ns += 10 * MT_MSEC;
	adverts_until(T0 + 110 * MT_MSEC, 200, &peer_hi);
	fire_next();
	run_until(T0 + MT_SEC);
	inst.stats.drops[VRRP_RX_TTL] = 3;
	o = instance_stats_json(&inst, now_ns);
	assert_string_equal(json_object_get_string(get(o, "name")), "web");
	assert_string_equal(json_object_get_string(get(o, "state")), "MASTER");
	c = get(o, "counters");
	assert_int_equal(json_object_get_int(get(c, "adverts_received")), 3);
	assert_true(json_object_get_int(get(c, "adverts_sent")) > 0);
	assert_int_equal(json_object_get_int(get(c, "prio0_received")), 0);
	assert_true(json_object_get_int(get(c, "announcements")) > 0);
	get(c, "send_errors");
	get(c, "nl_errors");
	get(c, "vip_restored");
	get(c, "addr_list_mismatch");
	assert_int_equal(json_object_object_length(get(c, "drops")), 1);
	assert_int_equal(json_object_get_int(get(get(c, "drops"), "ttl")), 3);
	assert_int_equal(json_object_object_length(get(c, "transitions")), 2);
	assert_int_equal(json_object_get_int(get(get(c, "transitions"), "INIT->BACKUP")), 1);
	assert_int_equal(json_object_get_int(get(get(c, "transitions"), "BACKUP->MASTER")), 1);
	a = get(o, "availability");
	assert_int_equal(json_object_get_int(get(a, "failures")), 1);
	assert_int_equal(json_object_get_int(get(a, "failovers")), 1);
	assert_float_equal(json_object_get_double(get(a, "down")), monotime_to_sec(mdi), 1e-6);
	assert_float_equal(json_object_get_double(get(a, "mttr")), monotime_to_sec(mdi), 1e-6);
	assert_float_equal(json_object_get_double(get(a, "observed")), 0.99, 1e-6);
	assert_true(json_object_get_double(get(a, "ratio")) > 0.8);
	assert_true(json_object_get_double(get(a, "ratio")) < 1.0);
	get(a, "up");
	get(a, "mtbf");
	json_object_put(o);
}

/* The text: every family, the values of the history, NaN for the undefined, escaped labels,
 * and a clean strict check. */
static void metrics_text(void **state)
{
	size_t len;
	char *text;
	bool ran;

	(void)state;
	/* A name no config accepts, to exercise the escaping. */
	snprintf(cfg.name, sizeof(cfg.name), "we\"b\\1");
	start();
	text = render(&len);
	assert_has(text, "vipd_availability_ratio{instance=\"we\\\"b\\\\1\"} NaN\n");
	assert_has(text, "vipd_mtbf_seconds{instance=\"we\\\"b\\\\1\"} NaN\n");
	assert_int_equal(promcheck(text, len, &ran), 0);
	free(text);
	snprintf(cfg.name, sizeof(cfg.name), "web");

	now_ns += 10 * MT_MSEC;
	adverts_until(T0 + 110 * MT_MSEC, 200, &peer_hi);
	fire_next();
	run_until(T0 + MT_SEC);
	inst.stats.drops[VRRP_RX_AUTH] = 2;
	text = render(&len);
	assert_has(text, "# TYPE vipd_instance_state gauge\n");
	assert_has(text, "vipd_instance_state{instance=\"web\",state=\"MASTER\"} 1\n");
	assert_has(text, "vipd_instance_state{instance=\"web\",state=\"BACKUP\"} 0\n");
	assert_has(text, "vipd_priority{instance=\"web\"} 150\n");
	assert_has(text, "vipd_effective_priority{instance=\"web\"} 150\n");
	assert_has(text, "vipd_demoted{instance=\"web\"} 0\n");
	assert_has(text, "vipd_adverts_received_total{instance=\"web\"} 3\n");
	assert_has(text, "vipd_priority_zero_sent_total{instance=\"web\"} 0\n");
	assert_has(text, "vipd_drops_total{instance=\"web\",reason=\"auth\"} 2\n");
	assert_has(text,
	           "vipd_transitions_total{instance=\"web\",from=\"BACKUP\",to=\"MASTER\"} 1\n");
	assert_has(text, "vipd_failures_total{instance=\"web\"} 1\n");
	assert_has(text, "vipd_failovers_total{instance=\"web\"} 1\n");
	assert_has(text, "vipd_unmatched_drops_total{reason=\"vrid\"} 7\n");
	assert_has(text, "# TYPE vipd_log_lines_dropped_total counter\n");
	assert_has(text, "vipd_log_lines_dropped_total 12\n");
	assert_has(text, "vipd_build_info{version=\"" PACKAGE_VERSION "\"} 1\n");
	assert_has(text, "vipd_start_time_seconds 1700000000.000\n");
	/* The takeover happened at T0 + 110 ms + Master_Down_Interval (170.703125 ms). */
	assert_has(text,
	           "vipd_last_transition_timestamp_seconds{instance=\"web\"} 1700000000.281\n");
	assert_has(text, "vipd_mttr_seconds{instance=\"web\"} 0.170703125\n");
	assert_null(strstr(text, "} NaN\n"));
	assert_int_equal(promcheck(text, len, &ran), 0);
	if (!ran)
		print_message("python3 or promcheck.py missing: the strict check was skipped\n");
	free(text);
}

/* Whether text has a "# TYPE name " line: name is a family vipd exports. */
static bool exported(const char *text, const char *name)
{
	char line[160];

	snprintf(line, sizeof(line), "# TYPE %s ", name);
	return strstr(text, line) != NULL;
}

/* Every vipd_* name of the file at top_srcdir/rel is a family of text; returns how many names the
 * file uses (an unreadable file fails). */
static int names_exported(const char *text, const char *rel)
{
	const char *top = getenv("top_srcdir");
	char path[4096], name[128];
	int c, n = 0, used = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	/* tokens [a-z0-9_]+ starting with "vipd_" */
	do {
		c = fgetc(f);
		if (c != EOF && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
			if (n < (int)sizeof(name) - 1)
				name[n++] = (char)c;
			continue;
		}
		name[n] = '\0';
		n = 0;
		if (strncmp(name, "vipd_", 5) != 0)
			continue;
		used++;
		if (!exported(text, name))
			fail_msg("%s uses %s, which vipd does not export", rel, name);
	} while (c != EOF);
	fclose(f);
	return used;
}

/* The alert rules and the dashboard query only metrics vipd exports (its own rendering says
 * which: the "# TYPE" lines, written for every family even before a sample). */
static void names_used_are_exported(void **state)
{
	size_t len;
	char *text;

	(void)state;
	start();
	text = render(&len);
	assert_true(exported(text, "vipd_instance_state"));
	assert_false(exported(text, "vipd_no_such_metric"));
	/* the alerts use 10 names, the dashboard 17 (some several times) */
	assert_true(names_exported(text, "conf/prometheus/vipd-alerts.yml") >= 10);
	assert_true(names_exported(text, "conf/grafana/vipd.json") >= 17);
	free(text);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(takeover_counts_one_failure),
	    T(prio0_outage_is_skew_time),
	    T(stop_is_blind),
	    T(stats_json_shape),
	    T(metrics_text),
	    T(names_used_are_exported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
