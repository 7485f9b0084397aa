/* Unit tests for garp_interval (announcements paced one at a time, for switches that rate-limit
 * ARP) on the fake kernel: every announcement of a burst garp_interval after the one before,
 * the VIPs in order, the second burst at garp_delay as without pacing; a reload that shortens
 * the list in the middle of a round; the config key; the pace of an interface shared with other
 * instances (garp_groups); garp_refresh_repeat (keepalived's garp_master_refresh_repeat): the
 * size of a refresh burst. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "config_fixture.h"
#include "instance_fixture.h"
#include "vipd/instance_reconfig.h"

#define PACE (30 * MT_MSEC)

/* The times and VIPs (0 or 1) of every announcement from log index from on. */
static size_t announced(size_t from, monotime *at, int *which, size_t max)
{
	size_t n = 0;

	for (size_t i = from; i < fk.n && n < max; i++) {
		if (fk.log[i].kind != IO_ANNOUNCE)
			continue;
		at[n] = fk.log[i].at;
		which[n++] = addr_equal(&fk.log[i].vip, &vips[0]) ? 0 : 1;
	}
	return n;
}

/* Two VIPs, 5 rounds: 10 announcements PACE apart, alternating; then the second burst. */
static void paced_burst(void **state)
{
	monotime t, at[32];
	int which[32];

	(void)state;
	cfg.nvips = 2;
	cfg.garp_interval = PACE;
	t = become_master();
	run_until(t + 2 * MT_SEC);
	assert_int_equal(announced(0, at, which, 32), 10);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(at[i], t + (monotime)i * PACE);
		assert_int_equal(which[i], i % 2);
	}
	run_until(t + 6 * MT_SEC);
	assert_int_equal(announced(0, at, which, 32), 20);
	assert_int_equal(at[10], t + 5 * MT_SEC); /* garp_delay after the takeover */
	assert_int_equal(at[19], t + 5 * MT_SEC + 9 * PACE);
	assert_int_equal(inst.stats.announcements, 20);
}

/* A pace under the 10 ms between rounds: one at a time within a round, rounds 10 ms apart. */
static void short_pace(void **state)
{
	monotime t, at[32];
	int which[32];

	(void)state;
	cfg.nvips = 2;
	cfg.garp_interval = 2 * MT_MSEC;
	t = become_master();
	run_until(t + 2 * MT_SEC);
	assert_int_equal(announced(0, at, which, 32), 10);
	assert_int_equal(at[1] - at[0], 2 * MT_MSEC);
	assert_int_equal(at[2] - at[1], 10 * MT_MSEC);
	assert_int_equal(at[3] - at[2], 2 * MT_MSEC);
}

/* Without garp_interval the round goes at once, as before. */
static void unpaced(void **state)
{
	monotime t, at[32];
	int which[32];

	(void)state;
	cfg.nvips = 2;
	t = become_master();
	run_until(t + 2 * MT_SEC);
	assert_int_equal(announced(0, at, which, 32), 10);
	assert_int_equal(at[0], at[1]);
	assert_int_equal(at[2] - at[1], 10 * MT_MSEC);
}

/* A reload dropping the second VIP between the two announcements of a round: the round ends,
 * nothing is announced past the list. */
static void reload_mid_round(void **state)
{
	static struct vipd_instance_config ncfg;
	monotime t, at[32];
	int which[32];
	size_t n;

	(void)state;
	cfg.nvips = 2;
	cfg.garp_interval = PACE;
	t = become_master();
	assert_int_equal(announced(0, at, which, 32), 1);
	ncfg = cfg;
	ncfg.nvips = 1;
	instance_reconfig_apply(&inst, &ncfg, t + PACE / 2);
	run_until(t + 2 * MT_SEC);
	n = announced(0, at, which, 32);
	for (size_t i = 0; i < n; i++)
		assert_true(which[i] == 0 || at[i] < t + PACE / 2);
	assert_true(n >= 5);
}

/* garp_groups: the interface's pace spaces every announcement, across rounds too. */
static void interface_pace(void **state)
{
	monotime t, at[32];
	int which[32];

	(void)state;
	cfg.nvips = 2;
	fk.pace_gap = 40 * MT_MSEC;
	t = become_master();
	run_until(t + 2 * MT_SEC);
	assert_int_equal(announced(0, at, which, 32), 10);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(at[i], t + (monotime)i * 40 * MT_MSEC);
		assert_int_equal(which[i], i % 2);
	}
}

/* Another instance announced on the interface just before: this one waits for the slot. */
static void interface_pace_shared(void **state)
{
	monotime t, at[32];
	int which[32];
	size_t from;

	(void)state;
	fk.pace_gap = 40 * MT_MSEC;
	t = become_master();
	run_until(t + MT_SEC);
	from = fk.n;
	fk.pace_next = now_ns + 25 * MT_MSEC;
	assert_int_equal(instance_announce(&inst, now_ns), 0);
	assert_int_equal(announced(from, at, which, 32), 0);
	run_until(now_ns + 30 * MT_MSEC);
	assert_int_equal(announced(from, at, which, 32), 1);
	assert_int_equal(at[0], t + MT_SEC + 25 * MT_MSEC);
}

/* garp_refresh_repeat 1 (keepalived's garp_master_refresh_repeat default): the takeover and
 * garp_delay bursts keep garp_repeat (5), each refresh burst is one announcement, one period
 * after the start of the burst before it; a new term as master starts with a full burst. */
static void refresh_repeat(void **state)
{
	static struct vipd_instance_config ncfg;
	monotime t, r, at[64];
	int which[64];

	(void)state;
	cfg.garp_refresh = 60 * MT_SEC;
	cfg.garp_refresh_repeat = 1;
	t = become_master();
	run_until(t + 10 * MT_SEC);
	assert_int_equal(announced(0, at, which, 64), 10);
	assert_int_equal(at[5], t + 5 * MT_SEC);
	run_until(t + 5 * MT_SEC + 60 * MT_SEC);
	assert_int_equal(announced(0, at, which, 64), 11);
	assert_int_equal(at[10], t + 65 * MT_SEC);
	run_until(t + 65 * MT_SEC + 60 * MT_SEC - 1);
	assert_int_equal(announced(0, at, which, 64), 11); /* one per burst, nothing in between */
	run_until(t + 125 * MT_SEC);
	assert_int_equal(announced(0, at, which, 64), 12);
	assert_int_equal(at[11], t + 125 * MT_SEC);
	/* a reload adding a VIP announces as a takeover does: full bursts again (2 VIPs) */
	ncfg = cfg;
	ncfg.nvips = 2;
	run_until(t + 130 * MT_SEC);
	r = now_ns;
	instance_reconfig_apply(&inst, &ncfg, r);
	run_until(r + MT_SEC);
	assert_int_equal(announced(0, at, which, 64), 22);
	assert_int_equal(at[12], r);
}

/* garp_refresh_repeat turned on by a reload while Master: the re-armed refresh is a refresh
 * burst too. */
static void refresh_repeat_reload(void **state)
{
	static struct vipd_instance_config ncfg;
	monotime t, at[64];
	int which[64];

	(void)state;
	t = become_master();
	run_until(t + 10 * MT_SEC);
	assert_int_equal(announced(0, at, which, 64), 10);
	ncfg = cfg;
	ncfg.garp_refresh = 60 * MT_SEC;
	ncfg.garp_refresh_repeat = 2;
	instance_reconfig_apply(&inst, &ncfg, t + 10 * MT_SEC);
	run_until(t + 65 * MT_SEC + MT_SEC);
	assert_int_equal(announced(0, at, which, 64), 12);
	assert_int_equal(at[10], t + 65 * MT_SEC);
}

/* One instance with KEYS in it (a printf format). */
static const char *const key_fmt =
    "instances = ( { name = \"web\"; interface = \"eth0\"; vrid = 51; %s\n"
    "  virtual_addresses = [ \"198.18.0.100/24\" ]; } );\n";

struct bad_key {
	const char *keys, *err;
};

/* A key's test: set loads (and prints back) to a config c, unset to d, which a reload sees
 * as different; each of the n bad values is refused with its message. c and d are the
 * caller's to check further and free. */
static void key_test(const char *set, const char *unset, const struct bad_key *bad, size_t n,
                     struct vipd_config **c, struct vipd_config **d)
{
	char text[512], *msgs;

	snprintf(text, sizeof(text), key_fmt, set);
	*c = config_fixture_load(text, &msgs);
	assert_non_null(*c);
	free(msgs);
	config_fixture_round_trip(*c);
	snprintf(text, sizeof(text), key_fmt, unset);
	*d = config_fixture_load(text, &msgs);
	assert_non_null(*d);
	free(msgs);
	config_fixture_round_trip(*d);
	assert_false(config_instance_equal(&(*c)->instances[0], &(*d)->instances[0]));
	for (size_t i = 0; i < n; i++) {
		snprintf(text, sizeof(text), key_fmt, bad[i].keys);
		assert_null(config_fixture_load(text, &msgs));
		assert_string_equal(msgs, bad[i].err);
		free(msgs);
	}
}

/* The key: 0..10 s, default 0, printed and read back, compared on reload, errors at its line */
static void config_key(void **state)
{
	static const struct bad_key bad[] = {
	    {"garp_interval = -0.1;", "1: instances[0].garp_interval: -0.1 is out of range 0..10"},
	    {"garp_interval = 11;", "1: instances[0].garp_interval: 11 is out of range 0..10"},
	    {"garp_interval = \"1\";",
	     "1: instances[0].garp_interval: expected a number of seconds, got a string"},
	};
	struct vipd_config *c, *d;

	(void)state;
	key_test("garp_interval = 0.025;", "", bad, sizeof(bad) / sizeof(bad[0]), &c, &d);
	assert_int_equal(c->instances[0].garp_interval, 25 * MT_MSEC);
	assert_int_equal(d->instances[0].garp_interval, 0);
	config_free(c);
	config_free(d);
}

/* garp_refresh_repeat: 1..100, default garp_repeat, printed and read back, compared on reload,
 * errors at its line. */
static void refresh_repeat_key(void **state)
{
	static const struct bad_key bad[] = {
	    {"garp_refresh_repeat = 0;",
	     "1: instances[0].garp_refresh_repeat: 0 is out of range 1..100"},
	    {"garp_refresh_repeat = 101;",
	     "1: instances[0].garp_refresh_repeat: 101 is out of range 1..100"},
	    {"garp_refresh_repeat = 1.5;",
	     "1: instances[0].garp_refresh_repeat: expected an integer, got a float"},
	};
	struct vipd_config *c, *d;

	(void)state;
	key_test("garp_refresh = 30; garp_refresh_repeat = 1;",
	         "garp_refresh = 30; garp_repeat = 3;", bad, sizeof(bad) / sizeof(bad[0]), &c, &d);
	assert_int_equal(c->instances[0].garp_refresh_repeat, 1);
	assert_int_equal(d->instances[0].garp_refresh_repeat, 3); /* unset: garp_repeat */
	config_free(c);
	config_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(paced_burst, setup, teardown),
	    cmocka_unit_test_setup_teardown(short_pace, setup, teardown),
	    cmocka_unit_test_setup_teardown(unpaced, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_mid_round, setup, teardown),
	    cmocka_unit_test_setup_teardown(interface_pace, setup, teardown),
	    cmocka_unit_test_setup_teardown(interface_pace_shared, setup, teardown),
	    cmocka_unit_test_setup_teardown(refresh_repeat, setup, teardown),
	    cmocka_unit_test_setup_teardown(refresh_repeat_reload, setup, teardown),
	    cmocka_unit_test(config_key),
	    cmocka_unit_test(refresh_repeat_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
