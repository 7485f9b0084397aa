/* Unit tests for instance_peers: the receive path feeds the peers table and the anomaly rules,
 * the episode ends on the protocol timer, drops cross their threshold, the rate limit holds
 * back repeated lines, and the JSON and metrics show it all. Driven through the fake kernel of
 * instance_fixture.h. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"
#include "vipd/instance_int.h"
#include "vipd/metrics.h"

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

/* An advert from src with priority prio and interval iv_cs (v3). */
static void rx_iv(uint8_t prio, const union vip_in *src, uint16_t iv_cs)
{
	struct vrrp_adv adv = {.version = 3,
	                       .type = VRRP_TYPE_ADVERT,
	                       .vrid = cfg.vrid,
	                       .priority = prio,
	                       .af = AF_INET,
	                       .interval = iv_cs,
	                       .naddr = 1};
	struct vrrp_rx_meta meta = {.af = AF_INET, .src = *src, .dst = group, .ttl = 255};

	adv.addrs[0] = vips[0].in;
	instance_receive(&inst, &adv, &meta, VRRP_CSUM_RFC9568, now_ns, now_ns);
}

/* A Backup lists the master it hears, with its fields, and takes it for the master. */
static void backup_lists_master(void **state)
{
	struct json_object *o, *routers, *r, *m;

	(void)state;
	start();
	now_ns += 10 * MT_MSEC;
	rx(3, 200, &peer_hi);
	now_ns += 50 * MT_MSEC;
	rx(3, 200, &peer_hi);
	o = instance_peers_json(&inst, now_ns);
	assert_non_null(o);
	routers = get(o, "routers");
	assert_int_equal(json_object_array_length(routers), 1);
	r = json_object_array_get_idx(routers, 0);
	assert_string_equal(json_object_get_string(get(r, "address")), "198.18.0.250");
	assert_int_equal(json_object_get_int(get(r, "priority")), 200);
	assert_int_equal(json_object_get_int(get(r, "version")), 3);
	assert_string_equal(json_object_get_string(get(r, "advert_interval")), "0.05");
	assert_string_equal(json_object_get_string(get(r, "checksum_form")), "rfc5798");
	assert_int_equal(json_object_get_int(get(r, "adverts")), 2);
	assert_string_equal(json_object_get_string(get(r, "last_heard")), "0.000");
	assert_string_equal(json_object_get_string(get(r, "first_heard")), "0.050");
	assert_true(json_object_get_boolean(get(r, "master")));
	m = get(o, "master");
	assert_false(json_object_get_boolean(get(m, "self")));
	assert_string_equal(json_object_get_string(get(m, "address")), "198.18.0.250");
	assert_int_equal(json_object_get_int(get(get(o, "split_brain"), "episodes")), 0);
	json_object_put(o);
}

/* A Master hearing a lower master that does not yield: an episode, ended once the other has
 * been silent for its Master_Down_Interval (seen at our next advert), lasting until its last. */
static void master_split_brain(void **state)
{
	struct json_object *o, *sb;
	monotime t, mdi = vrrp_fsm_master_down_interval(3, 100, 5);

	(void)state;
	become_master();
	run_until(now_ns + MT_SEC);
	rx(3, 100, &peer_lo);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_true(inst.watch.split.active);
	assert_int_equal(inst.watch.count[PEERS_ANOMALY_SPLIT_BRAIN], 1);
	for (int i = 0; i < 4; i++) {
		run_until(now_ns + 50 * MT_MSEC);
		rx(3, 100, &peer_lo);
	}
	t = now_ns;
	o = instance_peers_json(&inst, now_ns);
	sb = get(o, "split_brain");
	assert_true(json_object_get_boolean(get(sb, "active")));
	assert_string_equal(json_object_get_string(get(get(sb, "with"), "address")), "198.18.0.2");
	assert_string_equal(json_object_get_string(get(get(o, "master"), "address")), "198.18.0.1");
	json_object_put(o);
	run_until(t + mdi - MT_MSEC);
	assert_true(inst.watch.split.active);
	run_until(t + mdi + 50 * MT_MSEC); /* our next advert after its MDI */
	assert_false(inst.watch.split.active);
	assert_int_equal(inst.watch.count[PEERS_ANOMALY_SPLIT_BRAIN_END], 1);
	assert_int_equal(inst.watch.split.total, 200 * MT_MSEC);
	assert_int_equal(inst.watch.split.episodes, 1);
}

/* A Master yielding to a higher master ends nothing it had not begun; one yielding during an
 * episode ends it at once. */
static void master_yields_ends_episode(void **state)
{
	(void)state;
	become_master();
	run_until(now_ns + MT_SEC);
	rx(3, 100, &peer_lo);
	assert_true(inst.watch.split.active);
	run_until(now_ns + 30 * MT_MSEC);
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_false(inst.watch.split.active);
	assert_int_equal(inst.watch.split.total, 30 * MT_MSEC);
	assert_int_equal(inst.watch.count[PEERS_ANOMALY_SPLIT_BRAIN_END], 1);
	assert_int_equal(inst.watch.split.episodes, 1);
}

/* Another interval is an anomaly per router, logged at most once per INSTANCE_ANOMALY_LOG_GAP
 * per kind (the rest counted, held back). */
static void interval_rate_limited(void **state)
{
	union vip_in third = pfx("198.18.0.3").in;

	(void)state;
	start();
	rx_iv(200, &peer_hi, 100);
	assert_int_equal(inst.watch.count[PEERS_ANOMALY_INTERVAL], 1);
	rx_iv(200, &peer_hi, 100);
	assert_int_equal(inst.watch.count[PEERS_ANOMALY_INTERVAL], 1);
	now_ns += MT_SEC;
	rx_iv(100, &third, 100);
	assert_int_equal(inst.watch.count[PEERS_ANOMALY_INTERVAL], 2);
	assert_int_equal(inst.watch.suppressed[PEERS_ANOMALY_INTERVAL], 1);
	assert_int_equal(inst.watch.last.kind, PEERS_ANOMALY_INTERVAL);
	assert_int_equal(inst.peers.n, 2);
	assert_int_equal(inst.peers.e[1].adv.csum_form, VRRP_CSUM_RFC9568);
}

/* What reached io->anomaly (the daemon's event ring). */
static struct instance_io anomaly_io;
static struct peers_anomaly told[8];
static uint64_t told_held[8];
static int told_n;

static void rec_anomaly(void *ctx, struct instance *in, const struct peers_anomaly *a,
                        uint64_t held)
{
	(void)ctx;
	assert_ptr_equal(in, &inst);
	assert_true(told_n < 8);
	told[told_n] = *a;
	told_held[told_n++] = held;
}

static void tell_anomalies(void)
{
	anomaly_io = *inst.io;
	anomaly_io.anomaly = rec_anomaly;
	inst.io = &anomaly_io;
	told_n = 0;
}

/* An anomaly reaches io->anomaly under the log line's rate limit, with its held-back count. */
static void anomalies_told_rate_limited(void **state)
{
	union vip_in third = pfx("198.18.0.3").in, fourth = pfx("198.18.0.4").in;

	(void)state;
	start();
	tell_anomalies();
	rx_iv(200, &peer_hi, 100);
	assert_int_equal(told_n, 1);
	assert_int_equal(told[0].kind, PEERS_ANOMALY_INTERVAL);
	assert_int_equal(told[0].interval_cs, 100);
	assert_int_equal(told[0].priority, 200);
	assert_int_equal(told_held[0], 0);
	now_ns += MT_SEC;
	rx_iv(100, &third, 100); /* within the gap: held back, not told */
	assert_int_equal(told_n, 1);
	now_ns += INSTANCE_ANOMALY_LOG_GAP;
	rx_iv(100, &fourth, 100);
	assert_int_equal(told_n, 2);
	assert_int_equal(told_held[1], 1);
	assert_memory_equal(&told[1].src, &fourth, sizeof(fourth));
}

/* A split brain's beginning and end are told, the end with its duration. */
static void split_brain_told(void **state)
{
	monotime mdi = vrrp_fsm_master_down_interval(3, 100, 5);

	(void)state;
	become_master();
	tell_anomalies();
	run_until(now_ns + MT_SEC);
	rx(3, 100, &peer_lo);
	run_until(now_ns + 50 * MT_MSEC);
	rx(3, 100, &peer_lo);
	assert_int_equal(told_n, 1);
	assert_int_equal(told[0].kind, PEERS_ANOMALY_SPLIT_BRAIN);
	assert_int_equal(told[0].priority, 100);
	run_until(now_ns + mdi + 50 * MT_MSEC);
	assert_int_equal(told_n, 2);
	assert_int_equal(told[1].kind, PEERS_ANOMALY_SPLIT_BRAIN_END);
	assert_int_equal(told[1].duration, 50 * MT_MSEC);
}

/* Drops of one reason: an anomaly at 10, 100, ...; on both counting paths. */
static void drops_threshold(void **state)
{
	(void)state;
	start();
	for (int i = 0; i < 9; i++)
		instance_count_drop(&inst, VRRP_RX_TTL);
	assert_int_equal(inst.watch.count[PEERS_ANOMALY_DROPS], 0);
	instance_count_drop(&inst, VRRP_RX_TTL);
	assert_int_equal(inst.watch.count[PEERS_ANOMALY_DROPS], 1);
	assert_int_equal(inst.watch.last.reason, VRRP_RX_TTL);
	assert_int_equal(inst.watch.last.count, 10);
	for (int i = 0; i < 10; i++)
		rx(2, 100, &peer_lo); /* v2 to a v3-only instance: dropped by validate */
	assert_int_equal(inst.watch.count[PEERS_ANOMALY_DROPS], 2);
	assert_int_equal(inst.peers.n, 0);
}

/* The metrics carry the routers heard, the episodes and the anomalies by kind. */
static void metrics_show_peers(void **state)
{
	struct instance *list[] = {&inst};
	struct metrics_source src = {.instances = list, .ninstances = 1};
	size_t len;
	char *text;

	(void)state;
	start();
	rx_iv(200, &peer_hi, 100);
	src.now = now_ns;
	text = metrics_render(&src, &len);
	assert_non_null(text);
	assert_non_null(strstr(text, "vipd_routers_heard{instance=\"web\"} 1\n"));
	assert_non_null(strstr(text, "vipd_split_brain_episodes_total{instance=\"web\"} 0\n"));
	assert_non_null(strstr(text, "vipd_split_brain_seconds_total{instance=\"web\"} 0\n"));
	assert_non_null(
	    strstr(text, "vipd_anomalies_total{instance=\"web\",kind=\"interval\"} 1\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(backup_lists_master, setup, teardown),
	    cmocka_unit_test_setup_teardown(master_split_brain, setup, teardown),
	    cmocka_unit_test_setup_teardown(master_yields_ends_episode, setup, teardown),
	    cmocka_unit_test_setup_teardown(interval_rate_limited, setup, teardown),
	    cmocka_unit_test_setup_teardown(anomalies_told_rate_limited, setup, teardown),
	    cmocka_unit_test_setup_teardown(split_brain_told, setup, teardown),
	    cmocka_unit_test_setup_teardown(drops_threshold, setup, teardown),
	    cmocka_unit_test_setup_teardown(metrics_show_peers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
