/* track: health checks in the loop (see track.h). */
#include "build_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vipd/argv.h"
#include "vipd/proc.h"
#include "vipd/track.h"
#include "vipd/track_file.h"
#include "vipd/track_http.h"
#include "vipd/track_int.h"
#include "vipd/track_pmon.h"

#define RECOVER_TIMEOUT (30 * MT_SEC)
/* A file check that does not parse this long after its last write is garbage, not a write
 * being torn by the next one: only then is it logged. */
#define FILE_SETTLE (100 * MT_MSEC)

uint8_t track_priority(uint8_t configured, int delta, bool any_weight0_down, bool *fault)
{
	int p;

	*fault = any_weight0_down;
	if (configured == 255)
		return 255;
	p = (int)configured + delta;
	if (p < 1)
		p = 1;
	if (p > 254)
		p = 254;
	return (uint8_t)p;
}

bool track_hysteresis(bool *up, unsigned *successes, unsigned *failures, bool result, unsigned rise,
                      unsigned fall)
{
	if (result) {
		*failures = 0;
		if (*successes < UINT_MAX)
			(*successes)++;
		if (!*up && *successes >= rise) {
			*up = true;
			return true;
		}
	} else {
		*successes = 0;
		if (*failures < UINT_MAX)
			(*failures)++;
		if (*up && *failures >= fall) {
			*up = false;
			return true;
		}
	}
	return false;
}

int track_contribution(const struct vipd_check_config *c, bool up, long value, bool *weight0_down)
{
	if (c->type == VIPD_CHECK_FILE) {
		if (c->weight == 0) {
			if (!up || value != 0)
				*weight0_down = true;
			return 0;
		}
		if (!up)
			return 0;
		if (value > 254)
			value = 254;
		if (value < -254)
			value = -254;
		return (int)value * c->weight;
	}
	if (c->weight == 0) {
		if (!up)
			*weight0_down = true;
		return 0;
	}
	if (c->weight < 0)
		return up ? 0 : c->weight;
	return up ? c->weight : 0;
}

static void check_schedule(struct check *c, monotime now);

static void emit(struct check *c, enum track_event ev, const char *text, monotime now)
{
	if (c->t->cb)
		c->t->cb(c->t->arg, c->cfg->name, ev, text, now);
}

static void problem(struct check *c, const char *text, monotime now)
{
	if (strcmp(c->problem, text) == 0)
		return;
	snprintf(c->problem, sizeof(c->problem), "%s", text);
	emit(c, TRACK_PROBLEM, text, now);
}

/* Who the check's scripts run as: its own user, else the track's (script_user). */
static const struct proc_user *check_user(const struct check *c)
{
	return c->user ? c->user : c->t->user;
}

static void recover_done(void *arg, int wstatus, bool timed_out, monotime elapsed,
                         const char *error)
{
	struct check *c = arg;
	char text[96];

	c->recover = NULL;
	c->recover_status = wstatus;
	if (error) {
		emit(c, TRACK_RECOVER_ERROR, error, monotime_now());
		return;
	}
	if (timed_out)
		snprintf(text, sizeof(text), "killed after its timeout (%.2f s)",
		         monotime_to_sec(elapsed));
	else if (WIFEXITED(wstatus))
		snprintf(text, sizeof(text), "exit status %d after %.2f s", WEXITSTATUS(wstatus),
		         monotime_to_sec(elapsed));
	else
		snprintf(text, sizeof(text), "killed by signal %d after %.2f s",
		         WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0, monotime_to_sec(elapsed));
	emit(c, TRACK_RECOVER_DONE, text, monotime_now());
}

static void maybe_recover(struct check *c, monotime now)
{
	char err[160];

	if (!c->recover_argv || c->recover)
		return;
	if (c->recover_runs && now - c->recover_last < c->cfg->recover_interval)
		return;
	c->recover_last = now;
	if (geteuid() == 0) {
		char path[PATH_MAX];
		const char *why;

		if (proc_find_exec(c->recover_argv[0], path, sizeof(path)) == 0 &&
		    (why = proc_script_unsafe(path)) != NULL) {
			snprintf(err, sizeof(err), "refused (unsafe script): %s", why);
			emit(c, TRACK_RECOVER_ERROR, err, now);
			return;
		}
	}
	c->recover = proc_spawn(c->t->loop, c->recover_argv, check_user(c), RECOVER_TIMEOUT,
	                        recover_done, c, err, sizeof(err));
	if (!c->recover) {
		emit(c, TRACK_RECOVER_ERROR, err, now);
		return;
	}
	c->recover_runs++;
	emit(c, TRACK_RECOVER_START, c->cfg->recover, now);
}

/* Report the outcome of one probe (c->last, the raw result) for the checks debug lines. */
static void probe_result(struct check *c, bool ok, monotime now)
{
	char result[sizeof(c->last) + 8];

	snprintf(result, sizeof(result), "%s: %s", ok ? "pass" : "fail", c->last);
	emit(c, TRACK_PROBE_RESULT, result, now);
}

/* One result of a periodic check (not file). */
static void check_result(struct check *c, bool ok, const char *text, monotime now)
{
	c->running = false;
	c->last_duration = now - c->started;
	snprintf(c->last, sizeof(c->last), "%s", text);
	probe_result(c, ok, now);
	if (ok)
		c->problem[0] = '\0';
	if (track_hysteresis(&c->up, &c->successes, &c->failures, ok, c->cfg->rise, c->cfg->fall)) {
		emit(c, c->up ? TRACK_UP : TRACK_DOWN, text, now);
		if (!c->up)
			maybe_recover(c, now);
	}
	check_schedule(c, now);
}

/* ---- exec ---- */

static void exec_done(void *arg, int wstatus, bool timed_out, monotime elapsed, const char *error)
{
	struct check *c = arg;
	char text[96];
	monotime now = monotime_now();

	c->proc = NULL;
	c->started = now - elapsed;
	if (error && !timed_out) {
		problem(c, error, now);
		check_result(c, false, error, now);
		return;
	}
	if (timed_out)
		snprintf(text, sizeof(text), "timeout after %.2f s", monotime_to_sec(elapsed));
	else if (WIFEXITED(wstatus))
		snprintf(text, sizeof(text), "exit status %d", WEXITSTATUS(wstatus));
	else
		snprintf(text, sizeof(text), "killed by signal %d",
		         WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
	check_result(c, !timed_out && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, text, now);
}

static void exec_start(struct check *c, monotime now)
{
	char err[160];
	const char *why;

	if (geteuid() == 0) {
		char path[PATH_MAX];

		if (proc_find_exec(c->argv[0], path, sizeof(path)) == 0 &&
		    (why = proc_script_unsafe(path)) != NULL) {
			snprintf(err, sizeof(err), "refused (unsafe script): %s", why);
			problem(c, err, now);
			check_result(c, false, err, now);
			return;
		}
	}
	c->proc = proc_spawn(c->t->loop, c->argv, check_user(c), c->cfg->timeout, exec_done, c, err,
	                     sizeof(err));
	if (!c->proc) {
		problem(c, err, now);
		check_result(c, false, err, now);
	}
}

/* ---- tcp ---- */

static void tcp_finish(struct check *c, bool ok, const char *text, monotime now)
{
	loop_timer_cancel(c->t->loop, &c->timer);
	if (c->sock >= 0) {
		loop_del_fd(c->t->loop, c->sock);
		close(c->sock);
		c->sock = -1;
	}
	check_result(c, ok, text, now);
}

static void tcp_ready(void *arg, int fd, unsigned events, monotime now)
{
	struct check *c = arg;
	int e = 0;
	socklen_t len = sizeof(e);
	char text[96];

	(void)events;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	if (e)
		snprintf(text, sizeof(text), "connect: %s", strerror(e));
	else
		snprintf(text, sizeof(text), "connected");
	tcp_finish(c, e == 0, text, now);
}

static void tcp_timeout(void *arg, monotime now)
{
	struct check *c = arg;
	char text[64];

	snprintf(text, sizeof(text), "timeout after %.2f s", monotime_to_sec(c->cfg->timeout));
	tcp_finish(c, false, text, now);
}

static void run_timer(void *arg, monotime now);

static void tcp_start(struct check *c, monotime now)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	char text[96];

	if (inet_pton(AF_INET, c->cfg->host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)c->cfg->port);
		len = sizeof(*s4);
	} else {
		inet_pton(AF_INET6, c->cfg->host, &s6->sin6_addr);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)c->cfg->port);
		len = sizeof(*s6);
	}
	c->sock = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->sock < 0) {
		snprintf(text, sizeof(text), "socket: %s", strerror(errno));
		check_result(c, false, text, now);
		return;
	}
	if (connect(c->sock, (struct sockaddr *)&ss, len) == 0) {
		tcp_finish(c, true, "connected", now);
		return;
	}
	if (errno != EINPROGRESS) {
		snprintf(text, sizeof(text), "connect: %s", strerror(errno));
		tcp_finish(c, false, text, now);
		return;
	}
	if (loop_add_fd(c->t->loop, c->sock, EPOLLOUT, tcp_ready, c) < 0) {
		snprintf(text, sizeof(text), "epoll: %s", strerror(errno));
		close(c->sock);
		c->sock = -1;
		check_result(c, false, text, now);
		return;
	}
	loop_timer_init(&c->timer, tcp_timeout, c);
	loop_timer_set(c->t->loop, &c->timer, now + c->cfg->timeout);
}

/* ---- http ---- */

static void http_done(void *arg, bool up, const char *why, monotime elapsed)
{
	struct check *c = arg;
	monotime now = monotime_now();

	c->probe = NULL;
	c->started = now - elapsed;
	check_result(c, up, up ? "ok" : why, now);
}

static void http_start(struct check *c, monotime now)
{
	char err[160];

	if (!c->t->http) {
		check_result(c, false, "no HTTP prober", now);
		return;
	}
	c->probe =
	    track_http_start(c->t->http, c->cfg->url, c->cfg->expect_status, c->cfg->expect_body,
	                     c->cfg->timeout, http_done, c, err, sizeof(err));
	if (!c->probe)
		check_result(c, false, err, now);
}

/* ---- file ---- */

/* How long the file read on fd has held what it holds: since its last modification (the wall
 * clock against its mtime) or the last finished write seen, whichever is later. A file
 * that cannot be dated, or is dated in the future, counts as settled. */
static monotime file_age(const struct check *c, int fd, monotime now)
{
	struct timespec ts;
	struct stat sb;
	monotime age = FILE_SETTLE;

	if (fstat(fd, &sb) == 0 && clock_gettime(CLOCK_REALTIME, &ts) == 0) {
		monotime d =
		    (ts.tv_sec - sb.st_mtim.tv_sec) * MT_SEC + (ts.tv_nsec - sb.st_mtim.tv_nsec);

		if (d >= 0 && d < age)
			age = d;
	}
	if (c->written && now - c->written < age)
		age = now - c->written;
	return age;
}

/* Read the file (at start, on a finished write, a rename into place or a delete, and every
 * interval) and count the result. */
static void file_read(struct check *c, monotime now)
{
	struct track_file_state st = {c->up, c->successes, c->failures, c->value, c->have_value};
	enum track_file_read got = TRACK_FILE_MISSING, r;
	char buf[64], text[160];
	ssize_t n = -1;
	long v = 0;
	monotime age = FILE_SETTLE;
	bool denied;
	int ev, fd = open(c->cfg->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), err = errno;

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf));
		err = errno;
		if (c->cfg->missing_zero)
			age = file_age(c, fd, now);
		close(fd);
	}
	if (n < 0)
		snprintf(text, sizeof(text), "%s: %s", c->cfg->path, strerror(err));
	else if ((got = track_file_parse(buf, (size_t)n, &v)) == TRACK_FILE_GARBLED)
		snprintf(text, sizeof(text), "%s: not an integer", c->cfg->path);
	/* keepalived, as root, reads a file vipd's user may not: its value is unknown here, so a
	 * denied read stays a failure (with weight 0: FAULT, the safe side), logged. */
	denied = n < 0 && (err == EACCES || err == EPERM);
	r = c->cfg->missing_zero && !denied ? track_file_zero(got, age >= FILE_SETTLE, &v) : got;
	ev = track_file_update(&st, r, v, c->cfg->rise, c->cfg->fall);
	c->up = st.up;
	c->successes = st.successes;
	c->failures = st.failures;
	c->value = st.value;
	c->have_value = st.have_value;
	c->last_duration = 0;
	if (got == TRACK_FILE_VALUE) {
		c->problem[0] = '\0'; /* a good read ends the episode: the next problem is logged */
		snprintf(c->last, sizeof(c->last), "value %ld", v);
	} else if (r == TRACK_FILE_VALUE) {
		/* missing = "zero": keepalived's 0. A file that is not there is a state the writer
		 * chose (ends an episode); one that cannot be read, or garbage, is still logged. */
		snprintf(c->last, sizeof(c->last), "value 0 (%s)", text);
		if (got == TRACK_FILE_MISSING && err == ENOENT)
			c->problem[0] = '\0';
		else
			problem(c, text, now);
	} else if (r == TRACK_FILE_PENDING) {
		snprintf(c->last, sizeof(c->last), "%s (keeping %ld)", text, c->value);
		/* 0 only once it has stayed so: look again then */
		loop_timer_set(c->t->loop, &c->timer, now + FILE_SETTLE - age);
	} else if (r == TRACK_FILE_GARBLED && c->have_value) {
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " (keeping %ld)",
		         c->value);
		snprintf(c->last, sizeof(c->last), "%s", text);
		if (c->written && now - c->written < FILE_SETTLE)
			/* Torn by a writer at work: look again when it is quiet. */
			loop_timer_set(c->t->loop, &c->timer, c->written + FILE_SETTLE);
		else
			problem(c, text, now);
	} else {
		snprintf(c->last, sizeof(c->last), "%s", text);
		problem(c, text, now);
	}
	probe_result(c, r == TRACK_FILE_VALUE, now);
	if (ev >= 0)
		emit(c, (enum track_event)ev, c->last, now);
	if (ev == TRACK_DOWN)
		maybe_recover(c, now);
}

/* Only finished writes, renames into place and deletes are read: IN_MODIFY fires in the
 * middle of a write (and IN_CREATE before it), when the file holds nothing or part of it. */
#define FILE_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE)

static void inotify_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct track *t = arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	(void)events;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			for (size_t i = 0; i < t->n; i++) {
				struct check *c = &t->checks[i];
				const char *base;

				if (c->cfg->type != VIPD_CHECK_FILE)
					continue;
				if (ev->mask & IN_Q_OVERFLOW) {
					file_read(c, now); /* events were lost: look again */
					continue;
				}
				if (c->wd != ev->wd || !(ev->mask & FILE_EVENTS))
					continue;
				base = strrchr(c->cfg->path, '/') + 1;
				if (ev->len && strcmp(ev->name, base) == 0) {
					c->written = now;
					file_read(c, now);
				}
			}
			p += sizeof(*ev) + ev->len;
		}
	}
}

static void file_start(struct check *c, monotime now)
{
	struct track *t = c->t;
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", c->cfg->path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	if (t->ifd >= 0) {
		c->wd = inotify_add_watch(t->ifd, dir, FILE_EVENTS);
		if (c->wd < 0) {
			char text[160];

			snprintf(text, sizeof(text), "inotify on %.80s: %s", dir, strerror(errno));
			problem(c, text, now);
		}
	}
	c->started = now;
	file_read(c, now);
	if (!loop_timer_armed(&c->timer))
		check_schedule(c, now);
}

/* ---- process: evaluated each interval and at each change of the count ---- */

static void process_eval(struct check *c, monotime now)
{
	char text[64];
	bool ok = track_pmon_eval(c->t->pmon, (size_t)(c - c->t->checks), now, text, sizeof(text));

	check_result(c, ok, text, now);
}

static void process_changed(void *arg, size_t i, monotime now)
{
	struct track *t = arg;

	loop_timer_cancel(t->loop, &t->checks[i].timer);
	run_timer(&t->checks[i], now);
}

/* ---- scheduling ---- */

static void run_timer(void *arg, monotime now)
{
	struct check *c = arg;

	c->running = true;
	c->started = now;
	emit(c, TRACK_PROBE_START, config_track_check_type_name(c->cfg->type), now);
	switch (c->cfg->type) {
	case VIPD_CHECK_EXEC:
		exec_start(c, now);
		break;
	case VIPD_CHECK_TCP:
		tcp_start(c, now);
		break;
	case VIPD_CHECK_HTTP:
		http_start(c, now);
		break;
	case VIPD_CHECK_FILE:
		c->running = false;
		file_read(c, now);
		if (!loop_timer_armed(&c->timer)) /* unless a torn read asked for a look sooner */
			check_schedule(c, now);
		break;
	case VIPD_CHECK_PROCESS:
		process_eval(c, now);
		break;
	}
}

static void check_schedule(struct check *c, monotime now)
{
	monotime next = c->started + c->cfg->interval;

	if (next <= now)
		next = now + 1;
	loop_timer_init(&c->timer, run_timer, c);
	loop_timer_set(c->t->loop, &c->timer, next);
}

struct track *track_new(struct loop *l, const struct vipd_config *cfg, const struct proc_user *user,
                        track_event_cb cb, void *arg, char *err, size_t errlen)
{
	struct track *t = calloc(1, sizeof(*t));
	bool need_http = false, need_inotify = false, need_pmon = false;

	if (!t || (cfg->nchecks && !(t->checks = calloc(cfg->nchecks, sizeof(*t->checks))))) {
		free(t);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	*t = (struct track){.loop = l,
	                    .cfg = cfg,
	                    .cb = cb,
	                    .arg = arg,
	                    .user = user,
	                    .ifd = -1,
	                    .checks = t->checks};
	for (size_t i = 0; i < cfg->nchecks; i++) {
		struct check *c = &t->checks[t->n++];

		c->t = t;
		c->cfg = &cfg->checks[i];
		c->up = true;
		c->sock = -1;
		c->wd = -1;
		snprintf(c->last, sizeof(c->last), "not run yet");
		loop_timer_init(&c->timer, run_timer, c);
		if (c->cfg->command && argv_split(c->cfg->command, &c->argv, err, errlen) < 0)
			goto fail;
		if (c->cfg->recover &&
		    argv_split(c->cfg->recover, &c->recover_argv, err, errlen) < 0)
			goto fail;
		/* Looked up once per load, as script_user; who may be asked for is
		 * daemon_priv_check_config's. */
		if (c->cfg->user[0] && !(c->user = proc_user_lookup(c->cfg->user, err, errlen)))
			goto fail;
		need_http |= c->cfg->type == VIPD_CHECK_HTTP;
		need_inotify |= c->cfg->type == VIPD_CHECK_FILE;
		need_pmon |= c->cfg->type == VIPD_CHECK_PROCESS;
	}
	if (need_pmon &&
	    !(t->pmon = track_pmon_new(l, cfg->checks, cfg->nchecks, process_changed, t))) {
		snprintf(err, errlen, "process monitor: %s", strerror(errno));
		goto fail;
	}
	if (need_inotify) {
		t->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (t->ifd < 0 || loop_add_fd(l, t->ifd, EPOLLIN, inotify_cb, t) < 0) {
			snprintf(err, errlen, "inotify: %s", strerror(errno));
			goto fail;
		}
	}
	if (need_http) {
		t->http = track_http_new(l);
		if (!t->http) {
			snprintf(err, errlen, "http prober: %s", strerror(errno));
			goto fail;
		}
	}
	return t;
fail:
	track_free(t);
	return NULL;
}

void track_start(struct track *t, const struct track *old, monotime now)
{
	for (size_t i = 0; i < t->n; i++) {
		struct check *c = &t->checks[i];

		for (size_t k = 0; old && k < old->n; k++) {
			const struct check *o = &old->checks[k];

			if (!config_track_check_equal(o->cfg, c->cfg))
				continue;
			c->up = o->up;
			c->successes = o->successes;
			c->failures = o->failures;
			c->value = o->value;
			c->have_value = o->have_value;
			c->recover_last = o->recover_last;
			c->recover_runs = o->recover_runs;
			snprintf(c->last, sizeof(c->last), "%s", o->last);
			snprintf(c->problem, sizeof(c->problem), "%s", o->problem);
			c->last_duration = o->last_duration;
		}
		if (c->cfg->type == VIPD_CHECK_FILE)
			file_start(c, now);
		else
			loop_timer_set(t->loop, &c->timer, now);
	}
}

void track_free(struct track *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct check *c = &t->checks[i];

		loop_timer_cancel(t->loop, &c->timer);
		if (c->proc)
			proc_cancel(c->proc);
		if (c->recover)
			proc_cancel(c->recover);
		if (c->probe)
			track_http_cancel(c->probe);
		if (c->sock >= 0) {
			loop_del_fd(t->loop, c->sock);
			close(c->sock);
		}
		argv_free(c->argv);
		argv_free(c->recover_argv);
		proc_user_free(c->user);
	}
	if (t->ifd >= 0) {
		loop_del_fd(t->loop, t->ifd);
		close(t->ifd);
	}
	track_http_free(t->http);
	track_pmon_free(t->pmon);
	free(t->checks);
	free(t);
}

const struct check *track_find(const struct track *t, const char *name)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (strcmp(t->checks[i].cfg->name, name) == 0)
			return &t->checks[i];
	return NULL;
}

int track_instance_delta(const struct track *t, const struct vipd_instance_config *ic,
                         bool *weight0_down, char *why, size_t whylen)
{
	size_t used = 0;
	int delta = 0;

	*weight0_down = false;
	if (whylen)
		why[0] = '\0';
	for (size_t i = 0; i < ic->nchecks; i++) {
		const struct check *c = track_find(t, ic->checks[i]);

		if (!c)
			continue;
		delta += track_contribution(c->cfg, c->up, c->value, weight0_down);
		if (!c->up && used < whylen) {
			int n = snprintf(why + used, whylen - used, "%scheck %s down",
			                 used ? ", " : "", c->cfg->name);

			if (n > 0)
				used += (size_t)n;
		}
	}
	return delta;
}
