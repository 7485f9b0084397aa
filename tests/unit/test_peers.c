/* Unit tests for peers and peers_anomaly: the table of routers heard (update, eviction of the
 * least recently heard, ageing, checksum form changes) and the anomaly rules (split-brain
 * episodes and their end, interval, address list, owner, checksum form, drop thresholds), on
 * plain numbers. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/peers_anomaly.h"
#include "vipd/vrrp_fsm.h"

#define T0 (1000 * MT_SEC)
#define S(x) (T0 + (monotime)((x) * (double)MT_SEC))

static struct peers t;
static struct peers_split sb;

static struct peers_advert adv(unsigned last_octet, uint8_t prio, uint16_t iv_cs)
{
	struct peers_advert a = {
	    .af = AF_INET, .priority = prio, .version = 3, .interval_cs = iv_cs, .csum_form = 0};
	char s[32];
	struct vip_addr v;

	snprintf(s, sizeof(s), "198.18.%u.%u", last_octet / 256, last_octet % 256);
	assert_int_equal(addr_parse(s, false, &v), 0);
	a.src = v.in;
	return a;
}

static const struct peer *hear(const struct peers_advert *a, monotime now, struct peer *before,
                               bool *is_new)
{
	return peers_heard(&t, a, now, before, is_new);
}

static int setup(void **state)
{
	(void)state;
	peers_free(&t); /* the previous test's */
	memset(&t, 0, sizeof(t));
	memset(&sb, 0, sizeof(sb));
	return 0;
}

/* Group teardown: the last test's table. */
static int free_table(void **state)
{
	(void)state;
	peers_free(&t);
	return 0;
}

static void table_update(void **state)
{
	struct peers_advert a = adv(2, 100, 100), b = adv(3, 90, 100);
	struct peer before;
	bool is_new;
	const struct peer *p;

	(void)state;
	p = hear(&a, S(1), &before, &is_new);
	assert_true(is_new);
	assert_int_equal(before.adverts, 0);
	assert_int_equal(p->adverts, 1);
	assert_int_equal(p->first, S(1));
	hear(&b, S(1.5), &before, &is_new);
	a.priority = 110;
	p = hear(&a, S(2), &before, &is_new);
	assert_false(is_new);
	assert_int_equal(before.adv.priority, 100);
	assert_int_equal(p->adv.priority, 110);
	assert_int_equal(p->adverts, 2);
	assert_int_equal(p->first, S(1));
	assert_int_equal(p->last, S(2));
	assert_int_equal(t.n, 2);
	assert_non_null(peers_find(&t, AF_INET, &b.src));
	assert_int_equal(peers_count(&t, S(2)), 2);
}

/* A full table makes room by dropping the router heard least recently, and counts it. */
static void table_eviction(void **state)
{
	struct peer before;
	bool is_new;

	(void)state;
	for (unsigned i = 0; i < PEERS_MAX; i++) {
		struct peers_advert a = adv(10 + i, 100, 100);

		hear(&a, S(1 + i), &before, &is_new);
	}
	/* router 10 is heard again: 11 becomes the least recent */
	struct peers_advert again = adv(10, 100, 100), extra = adv(200, 50, 100);
	struct peers_advert gone = adv(11, 100, 100);

	hear(&again, S(30), &before, &is_new);
	assert_int_equal(t.n, PEERS_MAX);
	hear(&extra, S(31), &before, &is_new);
	assert_true(is_new);
	assert_int_equal(t.n, PEERS_MAX);
	assert_int_equal(t.evicted, 1);
	assert_null(peers_find(&t, AF_INET, &gone.src));
	assert_non_null(peers_find(&t, AF_INET, &again.src));
	assert_non_null(peers_find(&t, AF_INET, &extra.src));
}

/* Issue 13 (RSS): the entries grow with the routers heard, never past PEERS_MAX; an empty
 * table holds no memory, one router one entry. */
static void table_grows(void **state)
{
	struct peer before;
	bool is_new;

	(void)state;
	assert_null(t.e);
	assert_int_equal(t.cap, 0);
	for (unsigned i = 0; i < PEERS_MAX + 3; i++) {
		struct peers_advert a = adv(10 + i, 100, 100);

		assert_non_null(hear(&a, S(1 + i), &before, &is_new));
		assert_true(is_new);
		assert_true(t.n <= t.cap && t.cap <= PEERS_MAX);
		if (i == 0)
			assert_int_equal(t.cap, 1);
	}
	assert_int_equal(t.n, PEERS_MAX);
	assert_int_equal(t.evicted, 3);
	peers_free(&t);
	assert_null(t.e);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.evicted, 3); /* the counters stay */
}

/* A router leaves after max(PEERS_AGE_MIN, PEERS_AGE_INTERVALS x its interval) of silence. */
static void table_ageing(void **state)
{
	struct peers_advert fast = adv(2, 100, 100), slow = adv(3, 100, 1000);
	struct peer before;
	bool is_new;

	(void)state;
	hear(&fast, S(0), &before, &is_new);
	hear(&slow, S(0), &before, &is_new);
	assert_int_equal(peers_age(&t, S(59.9)), 0);
	assert_int_equal(peers_count(&t, S(60)), 1); /* 60 s for 1 s adverts */
	assert_int_equal(peers_age(&t, S(60)), 1);
	assert_null(peers_find(&t, AF_INET, &fast.src));
	assert_int_equal(peers_age(&t, S(99.9)), 0); /* 10 x 10 s for the slow one */
	assert_int_equal(peers_age(&t, S(100)), 1);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.aged, 2);
}

/* The checksum form of a v3 IPv4 router is followed; v2 or IPv6 (-1) is no change. */
static void table_csum_change(void **state)
{
	struct peers_advert a = adv(2, 100, 100);
	struct peer before;
	bool is_new;
	const struct peer *p;
	struct peers_self self = {.interval_cs = 100};
	struct peers_anomaly out[PEERS_ANOMALY__COUNT];

	(void)state;
	p = hear(&a, S(0), &before, &is_new);
	assert_int_equal(peers_anomaly_advert(&sb, &self, p, &before, is_new, S(0), out), 0);
	a.csum_form = 1;
	p = hear(&a, S(1), &before, &is_new);
	assert_int_equal(p->csum_changes, 1);
	assert_int_equal(peers_anomaly_advert(&sb, &self, p, &before, is_new, S(1), out), 1);
	assert_int_equal(out[0].kind, PEERS_ANOMALY_CSUM_FORM);
	assert_int_equal(out[0].csum_from, 0);
	assert_int_equal(out[0].csum_to, 1);
	p = hear(&a, S(2), &before, &is_new); /* stays: no new anomaly */
	assert_int_equal(peers_anomaly_advert(&sb, &self, p, &before, is_new, S(2), out), 0);
	a.csum_form = -1;
	p = hear(&a, S(3), &before, &is_new);
	assert_int_equal(p->csum_changes, 1);
	assert_int_equal(peers_anomaly_advert(&sb, &self, p, &before, is_new, S(3), out), 0);
	assert_string_equal(peers_csum_name(0), "rfc5798");
	assert_string_equal(peers_csum_name(1), "rfc9568");
	assert_null(peers_csum_name(-1));
}

static size_t rules(const struct peers_advert *a, const struct peers_self *self, monotime now,
                    struct peers_anomaly *out)
{
	struct peer before;
	bool is_new;
	const struct peer *p = hear(a, now, &before, &is_new);

	return peers_anomaly_advert(&sb, self, p, &before, is_new, now, out);
}

/* Interval and address list: reported when they appear (or change), not on every advert. */
static void rule_interval_addrs(void **state)
{
	struct peers_self self = {.interval_cs = 100};
	struct peers_advert a = adv(2, 100, 200);
	struct peers_anomaly out[PEERS_ANOMALY__COUNT];

	(void)state;
	assert_int_equal(rules(&a, &self, S(0), out), 1);
	assert_int_equal(out[0].kind, PEERS_ANOMALY_INTERVAL);
	assert_int_equal(out[0].interval_cs, 200);
	assert_int_equal(out[0].ours_cs, 100);
	assert_int_equal(rules(&a, &self, S(2), out), 0);
	a.interval_cs = 300;
	assert_int_equal(rules(&a, &self, S(4), out), 1);
	a.interval_cs = 100;
	assert_int_equal(rules(&a, &self, S(5), out), 0);
	a.addrs_differ = true;
	assert_int_equal(rules(&a, &self, S(6), out), 1);
	assert_int_equal(out[0].kind, PEERS_ANOMALY_ADDR_LIST);
	assert_int_equal(rules(&a, &self, S(7), out), 0);
}

/* An owner advertises from its VIP; from elsewhere, or when we own the addresses, it is wrong. */
static void rule_owner(void **state)
{
	struct peers_self self = {.interval_cs = 100, .src_is_vip = true};
	struct peers_advert a = adv(2, 255, 100);
	struct peers_anomaly out[PEERS_ANOMALY__COUNT];

	(void)state;
	assert_int_equal(rules(&a, &self, S(0), out), 0);
	self.owner = true;
	a = adv(3, 255, 100);
	assert_int_equal(rules(&a, &self, S(1), out), 1);
	assert_int_equal(out[0].kind, PEERS_ANOMALY_OWNER);
	self.owner = false;
	self.src_is_vip = false;
	a = adv(4, 255, 100);
	assert_int_equal(rules(&a, &self, S(2), out), 1);
	assert_int_equal(out[0].kind, PEERS_ANOMALY_OWNER);
	assert_int_equal(rules(&a, &self, S(3), out), 0);
}

/* Split brain: a master heard while Master, not yielded to, begins an episode; it ends after
 * the other's Master_Down_Interval of silence and lasted until its last advert. */
static void rule_split_brain_silence(void **state)
{
	struct peers_self self = {
	    .interval_cs = 100, .master_before = true, .master_after = true, .master_since = S(0)};
	struct peers_advert a = adv(2, 100, 100);
	struct peers_anomaly out[PEERS_ANOMALY__COUNT], end;
	monotime mdi = vrrp_fsm_master_down_interval(3, 100, 100);

	(void)state;
	/* within one of its intervals of our takeover: its adverts in flight, no episode */
	assert_int_equal(rules(&a, &self, S(0.5), out), 0);
	assert_false(sb.active);
	assert_int_equal(rules(&a, &self, S(10), out), 1);
	assert_int_equal(out[0].kind, PEERS_ANOMALY_SPLIT_BRAIN);
	assert_int_equal(out[0].priority, 100);
	assert_true(sb.active);
	assert_int_equal(sb.episodes, 1);
	/* it goes on: the same episode */
	assert_int_equal(rules(&a, &self, S(11), out), 0);
	assert_int_equal(rules(&a, &self, S(14), out), 0);
	assert_int_equal(peers_anomaly_split_total(&sb), 4 * MT_SEC);
	assert_false(peers_anomaly_tick(&sb, true, S(14) + mdi - 1, &end));
	assert_true(peers_anomaly_tick(&sb, true, S(14) + mdi, &end));
	assert_int_equal(end.kind, PEERS_ANOMALY_SPLIT_BRAIN_END);
	assert_int_equal(end.duration, 4 * MT_SEC);
	assert_false(sb.active);
	assert_int_equal(sb.total, 4 * MT_SEC);
	assert_false(peers_anomaly_tick(&sb, true, S(30), &end));
	/* a second episode adds up */
	assert_int_equal(rules(&a, &self, S(40), out), 1);
	assert_int_equal(sb.episodes, 2);
	assert_true(peers_anomaly_tick(&sb, false, S(42), &end)); /* we yielded */
	assert_int_equal(end.duration, 2 * MT_SEC);
	assert_int_equal(sb.total, 6 * MT_SEC);
}

/* One side yields: the other's priority 0, or our yielding to it. A Backup never sees one. */
static void rule_split_brain_yield(void **state)
{
	struct peers_self self = {
	    .interval_cs = 100, .master_before = true, .master_after = true, .master_since = S(0)};
	struct peers_advert a = adv(2, 100, 100), other = adv(3, 90, 100);
	struct peers_anomaly out[PEERS_ANOMALY__COUNT];

	(void)state;
	assert_int_equal(rules(&a, &self, S(10), out), 1);
	/* a third master during the episode does not start another */
	assert_int_equal(rules(&other, &self, S(11), out), 0);
	assert_int_equal(sb.episodes, 1);
	a.priority = 0;
	assert_int_equal(rules(&a, &self, S(12), out), 1);
	assert_int_equal(out[0].kind, PEERS_ANOMALY_SPLIT_BRAIN_END);
	assert_int_equal(out[0].duration, 2 * MT_SEC);
	/* a higher master we yield to at once: no episode */
	a.priority = 200;
	self.master_after = false;
	assert_int_equal(rules(&a, &self, S(20), out), 0);
	assert_false(sb.active);
	/* an episode ended by our yielding on its advert */
	a.priority = 100;
	self.master_after = true;
	assert_int_equal(rules(&a, &self, S(30), out), 1);
	self.master_after = false;
	assert_int_equal(rules(&a, &self, S(33), out), 1);
	assert_int_equal(out[0].kind, PEERS_ANOMALY_SPLIT_BRAIN_END);
	assert_int_equal(out[0].duration, 3 * MT_SEC);
	/* a Backup hearing the master is no split brain */
	self.master_before = false;
	assert_int_equal(rules(&a, &self, S(40), out), 0);
	assert_int_equal(sb.episodes, 2);
}

static void rule_drops(void **state)
{
	(void)state;
	assert_false(peers_anomaly_drops_crossed(1));
	assert_false(peers_anomaly_drops_crossed(9));
	assert_true(peers_anomaly_drops_crossed(10));
	assert_false(peers_anomaly_drops_crossed(11));
	assert_false(peers_anomaly_drops_crossed(20));
	assert_true(peers_anomaly_drops_crossed(100));
	assert_true(peers_anomaly_drops_crossed(1000000));
	assert_false(peers_anomaly_drops_crossed(1000001));
	assert_string_equal(peers_anomaly_kind_name(PEERS_ANOMALY_SPLIT_BRAIN), "split_brain");
	assert_string_equal(peers_anomaly_kind_name(PEERS_ANOMALY_DROPS), "drops");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(table_update, setup),
	    cmocka_unit_test_setup(table_eviction, setup),
	    cmocka_unit_test_setup(table_ageing, setup),
	    cmocka_unit_test_setup(table_csum_change, setup),
	    cmocka_unit_test_setup(rule_interval_addrs, setup),
	    cmocka_unit_test_setup(rule_owner, setup),
	    cmocka_unit_test_setup(rule_split_brain_silence, setup),
	    cmocka_unit_test_setup(rule_split_brain_yield, setup),
	    cmocka_unit_test_setup(rule_drops, setup),
	    cmocka_unit_test_setup(table_grows, setup),
	};

	return cmocka_run_group_tests(tests, NULL, free_table);
}
