/* Unit tests for the event ring (events.c): seqs across wrap-around and resizing, the --since
 * resumption with its lost count, and the JSON and text of a cause. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "vipd/events.h"
#include "vipd/vrrp_fsm.h"

static void push_n(struct events_ring *r, int n)
{
	struct events_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EVENTS_PRIORITY;
	events_cause_init(&ev.cause, EVENTS_KIND_CHECK);
	for (int i = 0; i < n; i++) {
		ev.new_value = i;
		snprintf(ev.instance, sizeof(ev.instance), "i%d", i);
		events_ring_push(r, &ev);
	}
}

static void seqs_and_wrap_around(void **state)
{
	struct events_ring r;
	uint64_t lost;

	(void)state;
	assert_int_equal(events_ring_init(&r, 3), 0); /* clamped up */
	assert_int_equal(r.cap, EVENTS_MIN_SIZE);
	assert_int_equal(events_ring_first(&r), 1);
	assert_null(events_ring_get(&r, 1));
	assert_int_equal(events_ring_resume(&r, 0, &lost), 1);
	push_n(&r, 10);
	assert_int_equal(events_ring_first(&r), 1);
	assert_int_equal(events_ring_get(&r, 1)->seq, 1);
	assert_int_equal(events_ring_get(&r, 10)->new_value, 9);
	assert_null(events_ring_get(&r, 11));
	push_n(&r, 30); /* 40 pushed, 16 kept: 25..40 */
	assert_int_equal(events_ring_first(&r), 25);
	assert_null(events_ring_get(&r, 24));
	assert_int_equal(events_ring_get(&r, 25)->seq, 25);
	assert_int_equal(events_ring_get(&r, 40)->seq, 40);
	assert_string_equal(events_ring_get(&r, 40)->instance, "i29");
	assert_int_equal(r.next, 41);
	events_ring_free(&r);
}

static void since_resumes_without_gap_or_counts_lost(void **state)
{
	struct events_ring r;
	uint64_t lost;

	(void)state;
	assert_int_equal(events_ring_init(&r, 16), 0);
	push_n(&r, 40); /* 25..40 held */
	/* Everything from the oldest held. */
	assert_int_equal(events_ring_resume(&r, 0, &lost), 25);
	assert_int_equal(lost, 0);
	/* Seen up to 30: 31 next, no gap. */
	assert_int_equal(events_ring_resume(&r, 30, &lost), 31);
	assert_int_equal(lost, 0);
	/* Seen up to 24: 25 is held, no gap. */
	assert_int_equal(events_ring_resume(&r, 24, &lost), 25);
	assert_int_equal(lost, 0);
	/* Seen up to 10: 11..24 are gone. */
	assert_int_equal(events_ring_resume(&r, 10, &lost), 25);
	assert_int_equal(lost, 14);
	/* Seen everything: nothing to read yet. */
	assert_int_equal(events_ring_resume(&r, 40, &lost), 41);
	assert_int_equal(lost, 0);
	/* A seq of another run (ahead of this one): from the next event. */
	assert_int_equal(events_ring_resume(&r, 1000, &lost), 41);
	assert_int_equal(lost, 0);
	events_ring_free(&r);
}

static void resize_keeps_newest_and_seqs(void **state)
{
	struct events_ring r;
	uint64_t lost;

	(void)state;
	assert_int_equal(events_ring_init(&r, 32), 0);
	push_n(&r, 20);
	assert_int_equal(events_ring_resize(&r, 16), 0);
	assert_int_equal(events_ring_first(&r), 5);
	assert_int_equal(events_ring_get(&r, 20)->new_value, 19);
	assert_int_equal(events_ring_get(&r, 5)->new_value, 4);
	push_n(&r, 1);
	assert_int_equal(events_ring_get(&r, 21)->seq, 21);
	assert_int_equal(events_ring_first(&r), 6);
	assert_int_equal(events_ring_resize(&r, 64), 0);
	assert_int_equal(events_ring_first(&r), 6);
	assert_int_equal(events_ring_get(&r, 21)->seq, 21);
	assert_int_equal(events_ring_resume(&r, 2, &lost), 6);
	assert_int_equal(lost, 3);
	events_ring_free(&r);
}

static void event_and_cause_json(void **state)
{
	struct events_event ev;
	struct json_object *o, *cause;
	char text[256];

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.seq = 7;
	ev.wall_us = 1796544000123456; /* 2026-12-06T08:00:00.123456Z */
	ev.mono = 5 * MT_SEC;
	snprintf(ev.instance, sizeof(ev.instance), "web");
	ev.type = EVENTS_STATE;
	ev.old_value = VRRP_STATE_BACKUP;
	ev.new_value = VRRP_STATE_MASTER;
	events_cause_init(&ev.cause, EVENTS_KIND_MASTER_DOWN);
	snprintf(ev.cause.from, sizeof(ev.cause.from), "198.18.0.2");
	ev.cause.priority = 150;
	ev.cause.interval_ms = 1000;
	ev.cause.version = 3;
	ev.cause.silence_ms = 3609;
	o = events_event_json(&ev, "abcd");
	assert_non_null(o);
	assert_string_equal(
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"seq\":7,\"run\":\"abcd\",\"time\":\"2026-12-06T08:00:00.123456Z\","
	    "\"mono\":5.0,\"instance\":\"web\",\"type\":\"state\",\"old\":\"BACKUP\","
	    "\"new\":\"MASTER\",\"cause\":{\"kind\":\"master_down\",\"from\":"
	    "\"198.18.0.2\",\"priority\":150,\"interval_ms\":1000,\"version\":3,"
	    "\"silence_ms\":3609}}");
	assert_true(json_object_object_get_ex(o, "cause", &cause));
	events_cause_text(cause, text, sizeof(text));
	assert_string_equal(text, "master_down from 198.18.0.2 priority 150 interval 1000ms "
	                          "version 3 silence 3609ms");
	json_object_put(o);

	events_cause_init(&ev.cause, EVENTS_KIND_CHECK);
	snprintf(ev.cause.name, sizeof(ev.cause.name), "web_ok");
	snprintf(ev.cause.detail, sizeof(ev.cause.detail), "http: down (HTTP 500)");
	cause = events_cause_json(&ev.cause);
	events_cause_text(cause, text, sizeof(text));
	assert_string_equal(text, "check web_ok http: down (HTTP 500)");
	json_object_put(cause);
	events_cause_text(NULL, text, sizeof(text));
	assert_string_equal(text, "-");
	/* A short buffer truncates, never overruns. */
	events_cause_text(cause = events_event_json(&ev, "r"), text, 4);
	json_object_put(cause);
}

/* An event of web numbered seq at a fixed time, of type t with a cause of kind k. */
static void event_of(struct events_event *ev, uint64_t seq, enum events_type t, enum events_kind k)
{
	memset(ev, 0, sizeof(*ev));
	ev->seq = seq;
	ev->wall_us = 1796544000000001; /* 2026-12-06T08:00:00.000001Z */
	snprintf(ev->instance, sizeof(ev->instance), "web");
	ev->type = t;
	events_cause_init(&ev->cause, k);
}

/* A failed change: no old or new, the change and the kernel's message in the cause. */
static void netlink_event_json(void **state)
{
	struct events_event ev;
	struct json_object *o;

	(void)state;
	event_of(&ev, 3, EVENTS_NETLINK, EVENTS_KIND_NETLINK);
	snprintf(ev.cause.name, sizeof(ev.cause.name), "add 198.18.0.100/24");
	snprintf(ev.cause.detail, sizeof(ev.cause.detail), "Operation not permitted");
	o = events_event_json(&ev, "r");
	assert_non_null(o);
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE),
	                    "{\"seq\":3,\"run\":\"r\",\"time\":\"2026-12-06T08:00:00.000001Z\","
	                    "\"mono\":0.0,\"instance\":\"web\",\"type\":\"netlink\",\"cause\":{"
	                    "\"kind\":\"netlink\",\"name\":\"add 198.18.0.100/24\",\"detail\":"
	                    "\"Operation not permitted\"}}");
	json_object_put(o);
}

/* An anomaly: no old or new, the anomaly's kind as the cause's name, its numbers, the
 * held-back count always in the JSON and in the text only when some were held back. */
static void anomaly_event_json(void **state)
{
	struct events_event ev;
	struct json_object *o;
	char text[256];

	(void)state;
	event_of(&ev, 4, EVENTS_ANOMALY, EVENTS_KIND_ANOMALY);
	snprintf(ev.cause.name, sizeof(ev.cause.name), "split_brain_end");
	snprintf(ev.cause.from, sizeof(ev.cause.from), "198.18.0.2");
	ev.cause.priority = 100;
	ev.cause.interval_ms = 1000;
	ev.cause.duration_ms = 3200;
	ev.cause.held_back = 0;
	o = events_event_json(&ev, "r");
	assert_non_null(o);
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE),
	                    "{\"seq\":4,\"run\":\"r\",\"time\":\"2026-12-06T08:00:00.000001Z\","
	                    "\"mono\":0.0,\"instance\":\"web\",\"type\":\"anomaly\",\"cause\":{"
	                    "\"kind\":\"anomaly\",\"from\":\"198.18.0.2\",\"priority\":100,"
	                    "\"interval_ms\":1000,\"duration_ms\":3200,\"held_back\":0,"
	                    "\"name\":\"split_brain_end\"}}");
	events_cause_text(json_object_object_get(o, "cause"), text, sizeof(text));
	assert_string_equal(text, "anomaly split_brain_end from 198.18.0.2 priority 100 interval "
	                          "1000ms duration 3200ms");
	json_object_put(o);
	ev.cause.held_back = 3;
	o = events_event_json(&ev, "r");
	events_cause_text(json_object_object_get(o, "cause"), text, sizeof(text));
	assert_string_equal(text, "anomaly split_brain_end from 198.18.0.2 priority 100 interval "
	                          "1000ms duration 3200ms held_back 3");
	json_object_put(o);
}

/* The events of a list of instances taken in one pass, as one scan per instance takes them. */
struct seen {
	uint64_t seq[8][64];
	size_t n[8];
	int stop_after; /* -1: never */
};

static int collect(void *arg, size_t i, const struct events_event *ev)
{
	struct seen *s = arg;

	assert_true(i < 8 && s->n[i] < 64);
	s->seq[i][s->n[i]++] = ev->seq;
	if (s->stop_after >= 0 && --s->stop_after < 0)
		return -2;
	return 0;
}

static void each_of_is_one_scan_per_name(void **state)
{
	static const char *const names[] = {"i3", "i0", "x", "i7", "i1"};
	const size_t nn = sizeof(names) / sizeof(names[0]);
	struct events_ring r;
	struct events_event ev;
	struct seen got, want;

	(void)state;
	assert_int_equal(events_ring_init(&r, EVENTS_MIN_SIZE), 0);
	memset(&ev, 0, sizeof(ev));
	/* 100 events over 9 instances, of three types, so the ring wrapped and the types mix. */
	for (int k = 0; k < 100; k++) {
		ev.type = (enum events_type)(k % 3);
		snprintf(ev.instance, sizeof(ev.instance), "i%d", (k * 7) % 9);
		events_ring_push(&r, &ev);
	}
	memset(&got, 0, sizeof(got));
	got.stop_after = -1;
	assert_int_equal(events_ring_each_of(&r, EVENTS_STATE, names, nn, collect, &got), 0);
	memset(&want, 0, sizeof(want));
	for (size_t i = 0; i < nn; i++)
		for (uint64_t s = events_ring_first(&r); s < r.next; s++) {
			const struct events_event *e = events_ring_get(&r, s);

			if (e->type == EVENTS_STATE && strcmp(e->instance, names[i]) == 0)
				want.seq[i][want.n[i]++] = e->seq;
		}
	for (size_t i = 0; i < nn; i++) {
		assert_int_equal(got.n[i], want.n[i]);
		assert_memory_equal(got.seq[i], want.seq[i], want.n[i] * sizeof(uint64_t));
	}
	assert_int_equal(got.n[2], 0); /* "x" has none */
	assert_true(got.n[0] + got.n[1] + got.n[3] + got.n[4] > 0);
	/* A negative return stops the pass and is returned. */
	memset(&got, 0, sizeof(got));
	got.stop_after = 0;
	assert_int_equal(events_ring_each_of(&r, EVENTS_STATE, names, nn, collect, &got), -2);
	assert_int_equal(got.n[0] + got.n[1] + got.n[2] + got.n[3] + got.n[4], 1);
	/* No names: nothing called. */
	assert_int_equal(events_ring_each_of(&r, EVENTS_STATE, names, 0, collect, &got), 0);
	events_ring_free(&r);
}

static void kind_names_complete(void **state)
{
	(void)state;
	for (int k = 0; k < EVENTS_KIND__COUNT; k++)
		assert_string_not_equal(events_kind_name((enum events_kind)k), "?");
	assert_string_equal(events_kind_name(EVENTS_KIND__COUNT), "?");
}

/* Event k of events_equal_after_wrap: every field set, strings of varied lengths up to their
 * arrays' (names and details filled to the last byte). */
static void full_event(struct events_event *ev, int k)
{
	memset(ev, 0, sizeof(*ev));
	ev->wall_us = 1796544000000000 + k;
	ev->mono = (monotime)k * MT_MSEC;
	snprintf(ev->instance, sizeof(ev->instance), "%.*s%03u", k % 61,
	         "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi",
	         (unsigned)k % 1000);
	ev->type = (enum events_type)(k % 4);
	ev->old_value = k;
	ev->new_value = -k;
	events_cause_init(&ev->cause, (enum events_kind)(k % EVENTS_KIND__COUNT));
	if (k % 3)
		snprintf(ev->cause.from, sizeof(ev->cause.from), "2001:db8::%x", k);
	if (k % 5 == 0)
		memset(ev->cause.name, 'n', sizeof(ev->cause.name) - 1);
	if (k % 7 == 0)
		memset(ev->cause.detail, 'd', sizeof(ev->cause.detail) - 1);
	ev->cause.priority = k % 256;
	ev->cause.interval_ms = 10 * k;
	ev->cause.version = 2 + k % 2;
	ev->cause.silence_ms = k * 3;
	ev->cause.uid = k % 11 ? -1 : k;
	ev->cause.duration_ms = k * 5;
	ev->cause.held_back = k * 7;
}

static void assert_event_is(const struct events_event *got, int k, uint64_t seq)
{
	struct events_event want;

	full_event(&want, k);
	want.seq = seq;
	assert_non_null(got);
	assert_memory_equal(got, &want, sizeof(want));
}

/* Issue 13: the ring keeps its events compactly (the strings in one allocation of their
 * length); what comes back, after it wrapped several times, after a resize and through
 * events_ring_each_of, is every field of what went in, oldest first. */
static void events_equal_after_wrap(void **state)
{
	struct events_ring r;
	struct events_event ev;
	const char *names[1];
	struct seen got;
	int k;

	(void)state;
	assert_int_equal(events_ring_init(&r, EVENTS_MIN_SIZE), 0);
	for (k = 0; k < 5 * EVENTS_MIN_SIZE + 3; k++) {
		full_event(&ev, k);
		assert_event_is(events_ring_push(&r, &ev), k, (uint64_t)k + 1);
	}
	assert_int_equal(events_ring_first(&r), (uint64_t)k + 1 - EVENTS_MIN_SIZE);
	for (uint64_t s = events_ring_first(&r); s < r.next; s++)
		assert_event_is(events_ring_get(&r, s), (int)s - 1, s);
	/* Smaller: the newest stay, as they were. */
	assert_int_equal(events_ring_resize(&r, EVENTS_MIN_SIZE / 2), 0);
	assert_int_equal(r.cap, EVENTS_MIN_SIZE);
	assert_int_equal(events_ring_resize(&r, EVENTS_MIN_SIZE + 5), 0);
	for (uint64_t s = events_ring_first(&r); s < r.next; s++)
		assert_event_is(events_ring_get(&r, s), (int)s - 1, s);
	full_event(&ev, k);
	events_ring_push(&r, &ev);
	assert_event_is(events_ring_get(&r, (uint64_t)k + 1), k, (uint64_t)k + 1);
	/* each_of hands the whole event too. */
	full_event(&ev, k - 2);
	names[0] = ev.instance;
	memset(&got, 0, sizeof(got));
	got.stop_after = -1;
	assert_int_equal(events_ring_each_of(&r, ev.type, names, 1, collect, &got), 0);
	assert_int_equal(got.n[0], 1);
	assert_int_equal(got.seq[0][0], (uint64_t)k - 1);
	events_ring_free(&r);
	assert_null(events_ring_get(&r, (uint64_t)k));
}

/* Every event the ring holds is event seq - 1 of full_event. */
static void assert_held(const struct events_ring *r)
{
	for (uint64_t s = events_ring_first(r); s < r->next; s++)
		assert_event_is(events_ring_get(r, s), (int)s - 1, s);
}

/* Push events from..to - 1 of full_event into r. */
static void push_full(struct events_ring *r, int from, int to)
{
	struct events_event ev;

	for (int k = from; k < to; k++) {
		full_event(&ev, k);
		assert_non_null(events_ring_push(r, &ev));
	}
}

/* The same across several chunks of slots, a last one partly used, and resizes between sizes
 * that do not fill whole chunks. */
static void events_equal_across_chunks(void **state)
{
	struct events_ring r;

	(void)state;
	assert_int_equal(events_ring_init(&r, 300), 0);
	push_full(&r, 0, 700);
	assert_int_equal(r.next - events_ring_first(&r), 300);
	assert_held(&r);
	assert_int_equal(events_ring_resize(&r, 130), 0);
	assert_int_equal(r.next - events_ring_first(&r), 130);
	assert_held(&r);
	assert_int_equal(events_ring_resize(&r, 1000), 0);
	push_full(&r, 700, 1200);
	assert_int_equal(r.next - events_ring_first(&r), 630);
	assert_held(&r);
	events_ring_free(&r);
}

/* The JSON's time: RFC 3339 UTC with microseconds, across the calendar's corners. */
static void wall_text(void **state)
{
	char buf[EVENTS_WALL_LEN];

	(void)state;
	events_wall_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000000Z");
	events_wall_text(951782400000000 + 1, buf, sizeof(buf)); /* a leap day of a 400-year */
	assert_string_equal(buf, "2000-02-29T00:00:00.000001Z");
	events_wall_text(1709251199999999, buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29T23:59:59.999999Z");
	events_wall_text(4102444800000000, buf, sizeof(buf)); /* 2100: not a leap year */
	assert_string_equal(buf, "2100-01-01T00:00:00.000000Z");
	events_wall_text(4107542400000000, buf, sizeof(buf));
	assert_string_equal(buf, "2100-03-01T00:00:00.000000Z");
	events_wall_text(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(seqs_and_wrap_around),
	    cmocka_unit_test(since_resumes_without_gap_or_counts_lost),
	    cmocka_unit_test(resize_keeps_newest_and_seqs),
	    cmocka_unit_test(event_and_cause_json),
	    cmocka_unit_test(kind_names_complete),
	    cmocka_unit_test(anomaly_event_json),
	    cmocka_unit_test(each_of_is_one_scan_per_name),
	    cmocka_unit_test(netlink_event_json),
	    cmocka_unit_test(events_equal_after_wrap),
	    cmocka_unit_test(events_equal_across_chunks),
	    cmocka_unit_test(wall_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
