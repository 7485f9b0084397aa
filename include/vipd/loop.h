/* loop: the one event loop. epoll for file descriptors, one timerfd with
 * absolute nanosecond deadlines on CLOCK_MONOTONIC for all timers (a min-heap),
 * signalfd for signals. Single-threaded; callbacks never block. */
#ifndef VIPD_LOOP_H
#define VIPD_LOOP_H

#include <stdbool.h>
#include <stddef.h>

#include "vipd/monotime.h"

struct loop;

typedef void (*loop_fd_cb)(void *arg, int fd, unsigned events, monotime now);
typedef void (*loop_timer_cb)(void *arg, monotime now);
typedef void (*loop_signal_cb)(void *arg, int signo, monotime now);
typedef void (*loop_oom_cb)(void *arg, const char *what);
typedef void (*loop_end_cb)(void *arg);

/* A timer owned by its user (embed it); arm with loop_timer_set. */
struct loop_timer {
	monotime deadline; /* 0 when not armed */
	size_t heap_index; /* position in the heap; internal */
	/* Tie-break among equal deadlines, given at the first loop_timer_set after
	 * loop_timer_init; internal. Timers due together run in the order they were first armed,
	 * so an instance keeps its place in its interface's advert burst from tick to tick. */
	unsigned long seq;
	loop_timer_cb cb;
	void *arg;
};

/* Create a loop; NULL with errno set on failure. */
struct loop *loop_new(void);

/* Free the loop (timers and fds stay owned by their users). */
void loop_free(struct loop *l);

/* Watch fd for events (EPOLLIN, EPOLLOUT...); 0 or -1 with errno. */
int loop_add_fd(struct loop *l, int fd, unsigned events, loop_fd_cb cb, void *arg);

/* Change the events watched on fd; 0 or -1. */
int loop_mod_fd(struct loop *l, int fd, unsigned events);

/* Stop watching fd (call before closing it). */
void loop_del_fd(struct loop *l, int fd);

/* Prepare a timer; it is not armed. */
void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg);

/* Arm (or re-arm) t to fire at the absolute time deadline (> 0); returns 0. Out of memory to
 * grow the heap: the loop's out-of-memory callback is told, then -1 (ENOMEM) with t unarmed. */
int loop_timer_set(struct loop *l, struct loop_timer *t, monotime deadline);

/* Call cb(arg, what) when the loop runs out of memory for a timer: callers of loop_timer_set do
 * not check, so the daemon's cb does not return (HACKING.md "Error policy"). */
void loop_set_oom_cb(struct loop *l, loop_oom_cb cb, void *arg);

/* Call cb(arg) at the end of each iteration (after the wakeup's descriptors and timers ran,
 * before the next wait; also before the first wait and when loop_run returns): where what the
 * callbacks queued (a burst of packets per socket) goes out at once. */
void loop_set_end_cb(struct loop *l, loop_end_cb cb, void *arg);

/* Disarm t; harmless when it is not armed. */
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

/* True when t is armed. */
bool loop_timer_armed(const struct loop_timer *t);

/* Block signo and deliver it through signalfd to cb; 0 or -1. */
int loop_add_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg);

/* Run until loop_stop; returns 0, or -1 on a fatal epoll error. */
int loop_run(struct loop *l);

/* Make loop_run return after the current callback. */
void loop_stop(struct loop *l);

/* Number of timers run since start (for tests and stats). */
unsigned long loop_timers_run(const struct loop *l);

/* How many times loop_run woke up (epoll returned): a cost figure for tests and benchmarks. */
unsigned long loop_wakeups(const struct loop *l);

#endif
