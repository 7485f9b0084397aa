/* track_pmon: the process monitor of the process checks (see track_pmon.h). One connector
 * socket serves every process check; each check keeps the set of matching pids, so an exit
 * is one lookup and a fork, exec or rename one read of /proc/PID. */
#include "build_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vipd/track_pmatch.h"
#include "vipd/track_pmon.h"
#include "vipd/track_process.h"

#define CMDLINE_MAX 4096 /* longer command lines are compared on their first 4 KB */
#define EVENTS_MAX 64
/* Datagrams read per wakeup: a fork storm must not hold the loop (the socket stays readable,
 * the rest is read at the next turn). */
#define READ_BURST 256

struct pset {
	const struct vipd_check_config *cfg; /* NULL: not a process check */
	pid_t *pids;
	size_t n, cap;
	size_t before; /* count before the current batch of events */
	size_t saved;  /* count before a scan, put back if /proc cannot be read */
};

struct track_pmon {
	struct loop *loop;
	int fd; /* the connector, -1: scans */
	struct pset *sets;
	size_t n;
	bool need_cmdline;
	bool stale; /* a set could not grow: the counts need a scan */
	track_pmon_cb cb;
	void *arg;
	char why[128];
};

static bool has(const struct pset *s, pid_t pid, size_t *at)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pids[i] == pid) {
			*at = i;
			return true;
		}
	return false;
}

static int put(struct pset *s, pid_t pid)
{
	size_t at;

	if (has(s, pid, &at))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		pid_t *p = realloc(s->pids, cap * sizeof(*p));

		if (!p)
			return -1;
		s->pids = p;
		s->cap = cap;
	}
	s->pids[s->n++] = pid;
	return 0;
}

static void drop(struct pset *s, pid_t pid)
{
	size_t at;

	if (has(s, pid, &at))
		s->pids[at] = s->pids[--s->n];
}

/* Look at process pid again: in or out of each set. A process gone meanwhile is out. */
static void look(struct track_pmon *m, pid_t pid)
{
	char comm[32], cmd[CMDLINE_MAX];
	size_t len = 0;
	bool alive = track_process_read(pid, comm, sizeof(comm), cmd,
	                                m->need_cmdline ? sizeof(cmd) : 0, &len) == 0;

	for (size_t k = 0; k < m->n; k++) {
		struct pset *s = &m->sets[k];

		if (!s->cfg)
			continue;
		/* a set that cannot grow misses this process until the next evaluation scans */
		if (alive && track_pmatch(s->cfg->process, s->cfg->cmdline, s->cfg->cmdline_initial,
		                          comm, cmd, len)) {
			if (put(s, pid) < 0)
				m->stale = true;
		} else {
			drop(s, pid);
		}
	}
}

static void scan_cb(void *arg, pid_t pid)
{
	look(arg, pid);
}

static void tell_changes(struct track_pmon *m, monotime now)
{
	for (size_t k = 0; k < m->n; k++)
		if (m->sets[k].n != m->sets[k].before && m->cb)
			m->cb(m->arg, k, now);
}

/* Every set from /proc. A failed scan fails before its first process: the sets stay. */
static int recount(struct track_pmon *m)
{
	for (size_t k = 0; k < m->n; k++) {
		m->sets[k].saved = m->sets[k].n;
		m->sets[k].n = 0;
	}
	m->stale = false;
	if (track_process_scan(scan_cb, m) == 0)
		return 0;
	m->stale = true;
	for (size_t k = 0; k < m->n; k++)
		m->sets[k].n = m->sets[k].saved;
	return -1;
}

int track_pmon_rescan(struct track_pmon *m, bool notify, monotime now)
{
	for (size_t k = 0; k < m->n; k++)
		m->sets[k].before = m->sets[k].n;
	if (recount(m) < 0)
		return -1;
	if (notify)
		tell_changes(m, now);
	return 0;
}

static void connector_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct track_pmon *m = arg;
	char buf[8192] __attribute__((aligned(8)));
	bool lost = false;

	(void)events;
	for (size_t k = 0; k < m->n; k++)
		m->sets[k].before = m->sets[k].n;
	for (int burst = 0; burst < READ_BURST; burst++) {
		struct track_pmatch_event ev[EVENTS_MAX];
		ssize_t len = track_process_recv(fd, buf, sizeof(buf));
		int n;

		if (len < 0) {
			lost |= errno == ENOBUFS;
			if (errno == ENOBUFS)
				continue;
			break;
		}
		n = track_pmatch_decode(buf, (size_t)len, ev, EVENTS_MAX);
		for (int i = 0; i < n; i++) {
			if (ev[i].what == TRACK_PMATCH_GONE)
				for (size_t k = 0; k < m->n; k++)
					drop(&m->sets[k], ev[i].pid);
			else
				look(m, ev[i].pid);
		}
	}
	if (lost)
		(void)recount(m); /* events were dropped: only a fresh count is right */
	tell_changes(m, now);
}

struct track_pmon *track_pmon_new(struct loop *l, const struct vipd_check_config *checks, size_t n,
                                  track_pmon_cb cb, void *arg)
{
	struct track_pmon *m = calloc(1, sizeof(*m));

	if (!m || !(m->sets = calloc(n ? n : 1, sizeof(*m->sets)))) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	m->loop = l;
	m->n = n;
	m->cb = cb;
	m->arg = arg;
	for (size_t k = 0; k < n; k++) {
		if (checks[k].type != VIPD_CHECK_PROCESS)
			continue;
		m->sets[k].cfg = &checks[k];
		m->need_cmdline |= checks[k].cmdline != NULL;
	}
	m->fd = track_process_open();
	if (m->fd < 0) {
		snprintf(m->why, sizeof(m->why), "scan (proc connector: %s)", strerror(errno));
	} else if (loop_add_fd(l, m->fd, EPOLLIN, connector_cb, m) < 0) {
		snprintf(m->why, sizeof(m->why), "scan (proc connector: %s)", strerror(errno));
		close(m->fd);
		m->fd = -1;
	}
	/* the events tell changes from now on: count what runs already */
	(void)track_pmon_rescan(m, false, 0);
	return m;
}

void track_pmon_free(struct track_pmon *m)
{
	if (!m)
		return;
	if (m->fd >= 0) {
		loop_del_fd(m->loop, m->fd);
		close(m->fd);
	}
	for (size_t k = 0; k < m->n; k++)
		free(m->sets[k].pids);
	free(m->sets);
	free(m);
}

size_t track_pmon_count(const struct track_pmon *m, size_t k)
{
	return m->sets[k].n;
}

bool track_pmon_eval(struct track_pmon *m, size_t k, monotime now, char *text, size_t len)
{
	size_t n;

	if (m->fd < 0 || m->stale)
		(void)track_pmon_rescan(m, false, now);
	n = m->sets[k].n;
	snprintf(text, len, "%zu process%s", n, n == 1 ? "" : "es");
	return track_pmatch_quorum(m->sets[k].cfg->quorum, m->sets[k].cfg->quorum_max, n);
}

void track_pmon_status(const struct track_pmon *m, size_t k, struct json_object *o)
{
	json_object_object_add(o, "processes", json_object_new_int64((int64_t)m->sets[k].n));
	json_object_object_add(o, "monitor",
	                       json_object_new_string(m->fd >= 0 ? "connector" : m->why));
}
