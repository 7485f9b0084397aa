/* Unit tests for a Master's answer to lower-priority adverts (split-brain repair): an advert at
 * once and the announcements, and, under a steady stream from a sender that never yields,
 * re-announces that back off (2, 4, 8 ... up to 64 own intervals apart) while the advert answer
 * stays once per interval; a stream that stops for its sender's Master_Down_Interval starts over.
 */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/vrrp_fsm.h"

#define IV_CS 10 /* our adverts: 100 ms */
#define IV (IV_CS * MT_CSEC)
#define GAP_MAX 64 /* longest wait between re-announces, in our intervals */

static monotime now_ns;
static union vip_in peer; /* the lower router, below our primary 198.18.0.10 */

static int setup(void **state)
{
	(void)state;
	now_ns = 1000 * MT_SEC;
	assert_int_equal(inet_pton(AF_INET, "198.18.0.5", &peer.v4), 1);
	return 0;
}

/* A Master of priority 150 (v3, 100 ms), taken over at now_ns. */
static void master(struct vrrp_fsm *f)
{
	struct vrrp_fsm_config c = {
	    .version = 3, .priority = 150, .adver_int_cs = IV_CS, .preempt = true, .af = AF_INET};

	assert_int_equal(inet_pton(AF_INET, "198.18.0.10", &c.primary.v4), 1);
	vrrp_fsm_init(f, &c);
	vrrp_fsm_startup(f, now_ns);
	now_ns = f->master_down_timer;
	vrrp_fsm_expire(f, now_ns);
	assert_int_equal(f->state, VRRP_STATE_MASTER);
}

/* The lower router's adverts (priority 100, interval int_cs), one every step ns from now_ns for
 * n of them, with our own timers run in between; fills at[] with the index of each advert that
 * was answered with ANNOUNCE and returns how many. Every one must be answered with an advert. */
static size_t stream(struct vrrp_fsm *f, size_t n, monotime step, uint16_t int_cs, size_t *at,
                     size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned act;

		while (vrrp_fsm_next_deadline(f) && vrrp_fsm_next_deadline(f) <= now_ns)
			vrrp_fsm_expire(f, vrrp_fsm_next_deadline(f));
		act = vrrp_fsm_advert(f, now_ns, 100, int_cs, &peer);
		assert_true(act & VRRP_ACT_SEND_ADVERT);
		assert_int_equal(act & ~(VRRP_ACT_SEND_ADVERT | VRRP_ACT_ANNOUNCE), 0);
		if (act & VRRP_ACT_ANNOUNCE) {
			assert_true(k < max);
			at[k++] = i;
		}
		now_ns += step;
	}
	assert_int_equal(f->state, VRRP_STATE_MASTER);
	return k;
}

/* 200 intervals of a lower master that never yields: 200 answers, 8 re-announces instead of
 * 200, at 0, 2, 6, 14, 30, 62, 126 and 190 intervals (waits 2, 4 ... 64, then 64). */
static void steady_stream_backs_off(void **state)
{
	static const size_t want[] = {0, 2, 6, 14, 30, 62, 126, 190};
	struct vrrp_fsm f;
	size_t at[256], n;

	(void)state;
	master(&f);
	now_ns += IV / 3;
	n = stream(&f, 200, IV, IV_CS, at, 256);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(at[i], want[i]);
	assert_int_equal(at[n - 1] - at[n - 2], GAP_MAX); /* the cap */
}

/* The stream stops for longer than its sender's Master_Down_Interval (it yielded): the next
 * lower advert is a new split brain, answered in full at once, and the waits start over. A
 * shorter gap (two adverts lost) is the same stream. */
static void silence_starts_over(void **state)
{
	struct vrrp_fsm f;
	size_t at[64];

	(void)state;
	master(&f);
	assert_int_equal(stream(&f, 7, IV, IV_CS, at, 64), 3); /* at 0, 2, 6 */
	now_ns += 2 * IV; /* 3 intervals between two adverts: less than its MDI (3.2 intervals) */
	assert_int_equal(stream(&f, 1, IV, IV_CS, at, 64), 0);
	now_ns += vrrp_fsm_master_down_interval(3, 100, IV_CS); /* silent for longer than its MDI */
	assert_int_equal(stream(&f, 3, IV, IV_CS, at, 64), 2);
	assert_int_equal(at[0], 0);
	assert_int_equal(at[1], 2);
}

/* A sender with a longer interval (1 s) is still one stream: its MDI, not ours, says when it
 * has stopped. Every one of its adverts is answered, the re-announces back off: waits 0.2, 0.4,
 * 0.8, 1.6, 3.2, then 6.4 s (the cap), so of 20 adverts 1 s apart, 0, 1, 2, 3, 5, 9 and 16. */
static void slow_sender_is_one_stream(void **state)
{
	static const size_t want[] = {0, 1, 2, 3, 5, 9, 16};
	struct vrrp_fsm f;
	size_t at[64], n;

	(void)state;
	master(&f);
	n = stream(&f, 20, 10 * IV, 100, at, 64);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(at[i], want[i]);
}

/* Leaving Master forgets the stream: back as Master, the first lower advert is re-announced. */
static void new_term_answers_in_full(void **state)
{
	struct vrrp_fsm f;
	size_t at[64];

	(void)state;
	master(&f);
	assert_int_equal(stream(&f, 10, IV, IV_CS, at, 64), 3);
	vrrp_fsm_fault(&f, now_ns);
	vrrp_fsm_startup(&f, now_ns);
	now_ns = f.master_down_timer;
	vrrp_fsm_expire(&f, now_ns);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	now_ns += IV / 2;
	assert_int_equal(stream(&f, 1, IV, IV_CS, at, 64), 1);
}

/* Within one interval only the first lower advert gets an answer, as before. */
static void one_answer_per_interval(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	master(&f);
	assert_int_equal(vrrp_fsm_advert(&f, now_ns, 100, IV_CS, &peer),
	                 VRRP_ACT_SEND_ADVERT | VRRP_ACT_ANNOUNCE);
	for (int i = 1; i < 10; i++)
		assert_int_equal(vrrp_fsm_advert(&f, now_ns + i * IV / 10, 100, IV_CS, &peer), 0);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(steady_stream_backs_off),  T(silence_starts_over),     T(slow_sender_is_one_stream),
	    T(new_term_answers_in_full), T(one_answer_per_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
