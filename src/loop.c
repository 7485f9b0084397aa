/* loop: epoll + one timerfd (absolute ns deadlines, CLOCK_MONOTONIC) + signalfd.
 * All timers live in a binary min-heap; the timerfd is armed at the heap top,
 * so thousands of timers cost one kernel timer. The kernel timer is touched at
 * most once per wakeup and only when the top moved earlier (a later top lets
 * the armed deadline fire early once), and timers due within LOOP_SLACK of
 * each other run in one wakeup: hundreds of advert timers on a 10 ms grid cost
 * a handful of syscalls per tick instead of several each. */
#include "build_config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "vipd/loop.h"

#define LOOP_MAX_SIGNAL 65
#define LOOP_EVENTS 64
/* Timers due this close after the current one run in the same wakeup, told their own deadline
 * as the time: 0.1 ms is noise next to a 10 ms advert interval and the clock's own jitter. */
#define LOOP_SLACK (100 * MT_USEC)

struct loop_fd {
	loop_fd_cb cb;
	void *arg;
};

struct loop {
	int epfd;
	int tfd;
	int sfd;
	sigset_t sigs;
	struct {
		loop_signal_cb cb;
		void *arg;
	} sig[LOOP_MAX_SIGNAL];
	struct loop_fd **fds; /* indexed by descriptor */
	size_t nfds;
	struct loop_timer **heap;
	size_t heap_len, heap_cap;
	monotime armed; /* deadline the timerfd is set to, 0 if disarmed */
	unsigned long timers_run;
	unsigned long next_seq; /* the seq of the next timer armed for the first time */
	unsigned long wakeups;
	bool stop;
	loop_oom_cb oom_cb; /* told when a timer cannot be armed (loop_set_oom_cb) */
	void *oom_arg;
	loop_end_cb end_cb; /* run at the end of each iteration (loop_set_end_cb) */
	void *end_arg;
};

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));
	struct epoll_event ev = {.events = EPOLLIN};

	if (!l)
		return NULL;
	l->tfd = l->sfd = -1;
	sigemptyset(&l->sigs);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		goto fail;
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->tfd < 0)
		goto fail;
	ev.data.fd = l->tfd;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->tfd, &ev) < 0)
		goto fail;
	/* The default 50 us timer slack would be 0.5% of a 10 ms advert interval. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	return l;
fail:
	loop_free(l);
	return NULL;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->sfd >= 0)
		close(l->sfd);
	for (size_t i = 0; i < l->nfds; i++)
		free(l->fds[i]);
	free(l->fds);
	free(l->heap);
	free(l);
}

int loop_add_fd(struct loop *l, int fd, unsigned events, loop_fd_cb cb, void *arg)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};
	struct loop_fd *h;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if ((size_t)fd >= l->nfds) {
		size_t n = (size_t)fd + 16;
		struct loop_fd **fds = realloc(l->fds, n * sizeof(*fds));

		if (!fds)
			return -1;
		memset(fds + l->nfds, 0, (n - l->nfds) * sizeof(*fds));
		l->fds = fds;
		l->nfds = n;
	}
	if (l->fds[fd]) {
		errno = EEXIST;
		return -1;
	}
	h = malloc(sizeof(*h));
	if (!h)
		return -1;
	h->cb = cb;
	h->arg = arg;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(h);
		return -1;
	}
	l->fds[fd] = h;
	return 0;
}

int loop_mod_fd(struct loop *l, int fd, unsigned events)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};

	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void loop_del_fd(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd])
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	free(l->fds[fd]);
	l->fds[fd] = NULL;
}

/* --- timers: a min-heap on deadline --- */

/* Whether a runs before b: the earlier deadline, and on equal deadlines the timer armed first.
 * A plain heap pops equal keys in an order that changes with every push and pop, which would
 * move an instance around in its interface's advert burst from one tick to the next. */
static bool timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_swap(struct loop *l, size_t a, size_t b)
{
	struct loop_timer *t = l->heap[a];

	l->heap[a] = l->heap[b];
	l->heap[b] = t;
	l->heap[a]->heap_index = a;
	l->heap[b]->heap_index = b;
}

static void heap_up(struct loop *l, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!timer_before(l->heap[i], l->heap[parent]))
			break;
		heap_swap(l, i, parent);
		i = parent;
	}
}

static void heap_down(struct loop *l, size_t i)
{
	for (;;) {
		size_t left = 2 * i + 1, right = left + 1, min = i;

		if (left < l->heap_len && timer_before(l->heap[left], l->heap[min]))
			min = left;
		if (right < l->heap_len && timer_before(l->heap[right], l->heap[min]))
			min = right;
		if (min == i)
			break;
		heap_swap(l, i, min);
		i = min;
	}
}

static void heap_remove(struct loop *l, struct loop_timer *t)
{
	size_t i = t->heap_index;

	l->heap_len--;
	if (i != l->heap_len) {
		l->heap[i] = l->heap[l->heap_len];
		l->heap[i]->heap_index = i;
		heap_down(l, i);
		heap_up(l, i);
	}
	t->deadline = 0;
}

/* Point the timerfd at the earliest deadline, touching the kernel only when it must fire
 * sooner than it is set to (or is not set): armed earlier than needed, it fires once for nothing
 * and is set again then. Called once per wakeup, before the loop sleeps. */
static void timerfd_sync(struct loop *l)
{
	monotime next = l->heap_len ? l->heap[0]->deadline : 0;
	struct itimerspec its = {0};

	if (next == l->armed || (next && l->armed > 0 && l->armed < next))
		return;
	its.it_value.tv_sec = next / MT_SEC;
	its.it_value.tv_nsec = next % MT_SEC;
	timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL);
	l->armed = next;
}

void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg)
{
	t->deadline = 0;
	t->heap_index = 0;
	t->seq = 0;
	t->cb = cb;
	t->arg = arg;
}

bool loop_timer_armed(const struct loop_timer *t)
{
	return t->deadline != 0;
}

void loop_set_end_cb(struct loop *l, loop_end_cb cb, void *arg)
{
	l->end_cb = cb;
	l->end_arg = arg;
}

void loop_set_oom_cb(struct loop *l, loop_oom_cb cb, void *arg)
{
	l->oom_cb = cb;
	l->oom_arg = arg;
}

int loop_timer_set(struct loop *l, struct loop_timer *t, monotime deadline)
{
	if (deadline <= 0)
		deadline = 1;
	if (!t->seq)
		t->seq = ++l->next_seq;
	if (t->deadline) {
		monotime old = t->deadline;

		t->deadline = deadline;
		if (deadline < old)
			heap_up(l, t->heap_index);
		else
			heap_down(l, t->heap_index);
	} else {
		if (l->heap_len == l->heap_cap) {
			size_t cap = l->heap_cap ? 2 * l->heap_cap : 64;
			struct loop_timer **h = realloc(l->heap, cap * sizeof(*h));

			/* A timer that cannot be armed is a broken invariant (an instance would
			 * stop advertising): the owner of the loop decides (the daemon exits). */
			if (!h) {
				if (l->oom_cb)
					l->oom_cb(l->oom_arg, "timer heap");
				errno = ENOMEM;
				return -1;
			}
			l->heap = h;
			l->heap_cap = cap;
		}
		t->deadline = deadline;
		t->heap_index = l->heap_len;
		l->heap[l->heap_len++] = t;
		heap_up(l, t->heap_index);
	}
	return 0;
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (!t->deadline)
		return;
	heap_remove(l, t);
}

static void run_timers(struct loop *l)
{
	uint64_t expirations;
	monotime now = monotime_now();

	/* Drain the timerfd; its count is meaningless with TFD_TIMER_ABSTIME re-arming. */
	if (read(l->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return;
	/* The fd must fire again if the top stays armed: force a re-arm before the next sleep. */
	l->armed = -1;
	while (l->heap_len && l->heap[0]->deadline <= now + LOOP_SLACK && !l->stop) {
		struct loop_timer *t = l->heap[0];
		monotime due = t->deadline;

		heap_remove(l, t);
		l->timers_run++;
		/* Run up to LOOP_SLACK early, a timer is told its deadline: never early for it. */
		t->cb(t->arg, due > now ? due : now);
		now = monotime_now();
	}
}

unsigned long loop_timers_run(const struct loop *l)
{
	return l->timers_run;
}

unsigned long loop_wakeups(const struct loop *l)
{
	return l->wakeups;
}

/* --- signals --- */

static void run_signals(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int signo = (int)si.ssi_signo;

		if (signo > 0 && signo < LOOP_MAX_SIGNAL && l->sig[signo].cb)
			l->sig[signo].cb(l->sig[signo].arg, signo, monotime_now());
	}
}

int loop_add_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg)
{
	if (signo <= 0 || signo >= LOOP_MAX_SIGNAL) {
		errno = EINVAL;
		return -1;
	}
	sigaddset(&l->sigs, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigs, NULL) < 0)
		return -1;
	if (l->sfd < 0) {
		struct epoll_event ev = {.events = EPOLLIN};

		l->sfd = signalfd(-1, &l->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
		if (l->sfd < 0)
			return -1;
		ev.data.fd = l->sfd;
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->sfd, &ev) < 0)
			return -1;
	} else if (signalfd(l->sfd, &l->sigs, 0) < 0) {
		return -1;
	}
	l->sig[signo].cb = cb;
	l->sig[signo].arg = arg;
	return 0;
}

/* --- the loop --- */

int loop_run(struct loop *l)
{
	struct epoll_event evs[LOOP_EVENTS];

	l->stop = false;
	while (!l->stop) {
		bool timers_due = false;
		int n;

		/* The end of the last iteration (or what was queued before loop_run): before the
		 * wait, so nothing queued waits for the next wakeup. */
		if (l->end_cb)
			l->end_cb(l->end_arg);
		timerfd_sync(l);
		n = epoll_wait(l->epfd, evs, LOOP_EVENTS, -1);
		l->wakeups++;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		/* Descriptors first, then timers: after the process was starved of CPU (a loaded
		 * host, SIGSTOP), the adverts queued meanwhile must reset the Master_Down_Timers
		 * before those are seen expired. Packet bursts are bounded (RX_BURST), so an advert
		 * due now waits a fraction of a millisecond at most. */
		for (int i = 0; i < n && !l->stop; i++) {
			int fd = evs[i].data.fd;

			if (fd == l->tfd) {
				timers_due = true;
				continue;
			}
			if (fd == l->sfd) {
				run_signals(l);
				continue;
			}
			/* Look the handler up again: an earlier callback may have removed it. */
			if ((size_t)fd < l->nfds && l->fds[fd])
				l->fds[fd]->cb(l->fds[fd]->arg, fd, evs[i].events, monotime_now());
		}
		if (timers_due && !l->stop)
			run_timers(l);
	}
	/* What the last callbacks queued (the priority 0 adverts of a stop) still goes. */
	if (l->end_cb)
		l->end_cb(l->end_arg);
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}
