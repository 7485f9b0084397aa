/* Unit tests for loop: timer heap order, cancel/re-arm, fds, signals, and the
 * rhythm of a 10 ms advert-like timer (jitter is measured and printed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vipd/loop.h"

struct order_ctx {
	struct loop *loop;
	int fired;
	int expected;
};

struct order_timer {
	struct loop_timer t;
	struct order_ctx *ctx;
};

static void order_cb(void *arg, monotime now)
{
	struct order_timer *ot = arg;
	struct order_ctx *c = ot->ctx;

	(void)now;
	/* The loop disarms a timer before running it. */
	assert_false(loop_timer_armed(&ot->t));
	c->fired++;
	if (c->fired == c->expected)
		loop_stop(c->loop);
}

struct seq_timer {
	struct loop_timer t;
	monotime want;
	monotime *seen;
	int *n;
	int total;
	struct loop *loop;
};

static void seq_cb(void *arg, monotime now)
{
	struct seq_timer *s = arg;

	assert_true(now >= s->want);
	s->seen[(*s->n)++] = s->want;
	if (*s->n == s->total)
		loop_stop(s->loop);
}

static void timers_fire_in_deadline_order(void **state)
{
	enum { N = 200 };
	struct loop *l = loop_new();
	struct seq_timer ts[N];
	monotime seen[N];
	int n = 0;
	monotime base;

	(void)state;
	assert_non_null(l);
	srand(42);
	base = monotime_now() + 2 * MT_MSEC;
	for (int i = 0; i < N; i++) {
		ts[i] = (struct seq_timer){.want = base + (rand() % 20000) * MT_USEC,
		                           .seen = seen,
		                           .n = &n,
		                           .total = N,
		                           .loop = l};
		loop_timer_init(&ts[i].t, seq_cb, &ts[i]);
		loop_timer_set(l, &ts[i].t, ts[i].want);
	}
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(n, N);
	for (int i = 1; i < N; i++)
		assert_true(seen[i - 1] <= seen[i]);
	assert_int_equal(loop_timers_run(l), N);
	loop_free(l);
}

/* 255 advert timers due within 50 us of each other (instances started together): one wakeup runs
 * them all, each told a time no earlier than its deadline. */
static void close_timers_share_a_wakeup(void **state)
{
	enum { N = 255 };
	struct loop *l = loop_new();
	struct seq_timer ts[N];
	monotime seen[N];
	int n = 0;
	monotime base;
	unsigned long before;

	(void)state;
	base = monotime_now() + 5 * MT_MSEC;
	for (int i = 0; i < N; i++) {
		ts[i] = (struct seq_timer){
		    .want = base + i * 200, .seen = seen, .n = &n, .total = N, .loop = l};
		loop_timer_init(&ts[i].t, seq_cb, &ts[i]);
		loop_timer_set(l, &ts[i].t, ts[i].want);
	}
	before = loop_wakeups(l);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(n, N);
	for (int i = 1; i < N; i++)
		assert_true(seen[i - 1] <= seen[i]);
	/* One wakeup, or two if the first came before all of them were within reach. */
	assert_true(loop_wakeups(l) - before <= 2);
	loop_free(l);
}

struct tie_timer {
	struct loop_timer t;
	struct loop *loop;
	int id;
	int *order;
	int *n;
	int total;
	int rounds;
	monotime next; /* the shared deadline of the next round */
};

/* Each round re-arms every timer at one shared deadline, as instances started together do. */
static void tie_cb(void *arg, monotime now)
{
	struct tie_timer *tt = arg;

	(void)now;
	int round = *tt->n / tt->total;

	tt->order[(*tt->n)++] = tt->id;
	if (*tt->n == tt->total * tt->rounds)
		loop_stop(tt->loop);
	else if (round + 1 < tt->rounds)
		loop_timer_set(tt->loop, &tt->t, tt->next + (round + 1) * MT_MSEC);
}

/* Timers with equal deadlines run in the order they were first armed, every round: an
 * instance's place in its advert burst does not move from tick to tick. */
static void equal_deadlines_keep_their_order(void **state)
{
	enum { N = 64, ROUNDS = 4 };
	struct loop *l = loop_new();
	struct tie_timer ts[N];
	int order[N * ROUNDS];
	int n = 0;
	monotime base;

	(void)state;
	assert_non_null(l);
	base = monotime_now() + 2 * MT_MSEC;
	for (int i = 0; i < N; i++) {
		ts[i] = (struct tie_timer){.loop = l,
		                           .id = i,
		                           .order = order,
		                           .n = &n,
		                           .total = N,
		                           .rounds = ROUNDS,
		                           .next = base};
		loop_timer_init(&ts[i].t, tie_cb, &ts[i]);
		loop_timer_set(l, &ts[i].t, base);
	}
	/* Moving a timer away and back keeps its place. */
	loop_timer_set(l, &ts[5].t, base + MT_SEC);
	loop_timer_set(l, &ts[5].t, base);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(n, N * ROUNDS);
	for (int i = 0; i < N * ROUNDS; i++)
		assert_int_equal(order[i], i % N);
	loop_free(l);
}

struct late_timer {
	struct loop_timer t;
	struct loop *loop;
	monotime want;
	monotime ran;
	int pipe[2];
};

static void late_cb(void *arg, monotime now)
{
	struct late_timer *lt = arg;

	(void)now;
	lt->ran = monotime_now();
	loop_stop(lt->loop);
}

/* While the loop sleeps with the kernel timer set for 20 ms, a packet moves the timer to 60 ms. */
static void late_fd_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct late_timer *lt = arg;
	char c;

	(void)events;
	assert_int_equal(read(fd, &c, 1), 1);
	lt->want = now + 60 * MT_MSEC;
	loop_timer_set(lt->loop, &lt->t, lt->want);
}

/* A timer moved later (a Master_Down_Timer reset by an advert) never runs at its old deadline,
 * though the kernel timer stays set for it and fires there once. */
static void timer_moved_later_waits(void **state)
{
	struct late_timer lt = {.loop = loop_new()};
	monotime now = monotime_now();

	(void)state;
	assert_int_equal(pipe(lt.pipe), 0);
	assert_int_equal(loop_add_fd(lt.loop, lt.pipe[0], EPOLLIN, late_fd_cb, &lt), 0);
	loop_timer_init(&lt.t, late_cb, &lt);
	lt.want = now + 20 * MT_MSEC;
	loop_timer_set(lt.loop, &lt.t, lt.want);
	assert_int_equal(write(lt.pipe[1], "x", 1), 1);
	assert_int_equal(loop_run(lt.loop), 0);
	assert_true(lt.want >= now + 60 * MT_MSEC);
	assert_true(lt.ran >= lt.want - 100 * MT_USEC);
	loop_del_fd(lt.loop, lt.pipe[0]);
	close(lt.pipe[0]);
	close(lt.pipe[1]);
	loop_free(lt.loop);
}

static void cancel_and_rearm(void **state)
{
	struct loop *l = loop_new();
	struct order_ctx c = {.loop = l, .expected = 1};
	struct order_timer a = {.ctx = &c}, b = {.ctx = &c};
	monotime now = monotime_now();

	(void)state;
	loop_timer_init(&a.t, order_cb, &a);
	loop_timer_init(&b.t, order_cb, &b);
	loop_timer_set(l, &a.t, now + 5 * MT_MSEC);
	loop_timer_set(l, &b.t, now + 50 * MT_MSEC);
	assert_true(loop_timer_armed(&a.t));
	loop_timer_cancel(l, &a.t);
	assert_false(loop_timer_armed(&a.t));
	loop_timer_cancel(l, &a.t); /* harmless twice */
	/* Re-arm b earlier than it was: it must fire at the new time, alone. */
	loop_timer_set(l, &b.t, now + 10 * MT_MSEC);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.fired, 1);
	assert_false(loop_timer_armed(&b.t));
	assert_true(monotime_now() < now + 50 * MT_MSEC);
	loop_free(l);
}

struct fd_ctx {
	struct loop *loop;
	char got;
};

static void fd_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct fd_ctx *c = arg;

	(void)now;
	assert_true(events & EPOLLIN);
	assert_int_equal(read(fd, &c->got, 1), 1);
	loop_del_fd(c->loop, fd);
	loop_stop(c->loop);
}

static void fd_events_reach_callback(void **state)
{
	struct loop *l = loop_new();
	struct fd_ctx c = {.loop = l};
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_add_fd(l, p[0], EPOLLIN, fd_cb, &c), 0);
	assert_int_equal(loop_add_fd(l, p[0], EPOLLIN, fd_cb, &c), -1); /* no double add */
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.got, 'x');
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

static int sig_seen;

static void sig_cb(void *arg, int signo, monotime now)
{
	(void)now;
	sig_seen = signo;
	loop_stop(arg);
}

static void signals_arrive_through_signalfd(void **state)
{
	struct loop *l = loop_new();

	(void)state;
	assert_int_equal(loop_add_signal(l, SIGUSR1, sig_cb, l), 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(sig_seen, SIGUSR1);
	loop_free(l);
}

/* An advert timer at 10 ms: deadlines on an absolute grid, so lateness never accumulates. */
struct rhythm {
	struct loop *loop;
	struct loop_timer t;
	monotime start;
	int ticks;
	int total;
	monotime *late;
};

static void rhythm_cb(void *arg, monotime now)
{
	struct rhythm *r = arg;
	monotime due = r->start + (monotime)(r->ticks + 1) * 10 * MT_MSEC;

	assert_true(now >= due);
	r->late[r->ticks++] = now - due;
	if (r->ticks == r->total) {
		loop_stop(r->loop);
		return;
	}
	loop_timer_set(r->loop, &r->t, due + 10 * MT_MSEC);
}

static int cmp_monotime(const void *a, const void *b)
{
	monotime x = *(const monotime *)a, y = *(const monotime *)b;

	return (x > y) - (x < y);
}

static void ten_ms_rhythm_jitter(void **state)
{
	enum { TICKS = 300 };
	struct rhythm r = {.total = TICKS};
	monotime late[TICKS];
	monotime end;

	(void)state;
	r.late = late;
	r.loop = loop_new();
	loop_timer_init(&r.t, rhythm_cb, &r);
	r.start = monotime_now();
	loop_timer_set(r.loop, &r.t, r.start + 10 * MT_MSEC);
	assert_int_equal(loop_run(r.loop), 0);
	end = monotime_now();
	assert_int_equal(r.ticks, TICKS);
	qsort(late, TICKS, sizeof(late[0]), cmp_monotime);
	printf("# loop jitter at 10 ms over %d ticks: p50 %.1f us, p99 %.1f us, max %.1f us; "
	       "drift after %.2f s: %.1f us\n",
	       TICKS, late[TICKS / 2] / 1e3, late[TICKS * 99 / 100] / 1e3, late[TICKS - 1] / 1e3,
	       TICKS * 0.01, (end - r.start - TICKS * 10 * MT_MSEC) / 1e3);
	/* The typical tick lands well inside its own interval, even on a busy machine. */
	assert_true(late[TICKS / 2] < 5 * MT_MSEC);
	loop_free(r.loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(timers_fire_in_deadline_order),
	    cmocka_unit_test(cancel_and_rearm),
	    cmocka_unit_test(close_timers_share_a_wakeup),
	    cmocka_unit_test(equal_deadlines_keep_their_order),
	    cmocka_unit_test(timer_moved_later_waits),
	    cmocka_unit_test(fd_events_reach_callback),
	    cmocka_unit_test(signals_arrive_through_signalfd),
	    cmocka_unit_test(ten_ms_rhythm_jitter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
