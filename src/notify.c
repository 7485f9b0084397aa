/* notify: per-instance script queues run one at a time through proc, and the notify_fifo
 * writer (see notify.h). */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vipd/argv.h"
#include "vipd/events.h"
#include "vipd/notify.h"
#include "vipd/proc.h"
#include "vipd/vrrp_fsm.h"

#define NAME_MAX_LEN (VIPD_NAME_MAX + 16) /* an instance name, or "group NAME" */

/* One queued script run: the script's own words, then args. */
struct nevent {
	struct nevent *next;
	char user[VIPD_NAME_MAX]; /* notify_user; "" = the notifier's (script_user) */
	char *script;
	char *args[NOTIFY_ARGS_MAX];
	size_t nargs;
	char *env[NOTIFY_ENV_MAX + 1]; /* VIPD_CAUSE...=, NULL-terminated */
	size_t nenv;
};

/* The queue and counters of one instance (by name: it survives a reload restart). */
struct nqueue {
	char name[NAME_MAX_LEN];
	struct nevent *head, *tail;
	size_t queued;
	struct proc *running;
	struct notifier *n;
	uint64_t runs, failures, timeouts, dropped;
	char last_result[256];
	monotime last_duration;
};

struct notifier {
	struct loop *loop;
	monotime timeout;
	notify_report_cb report;
	void *arg;
	const struct proc_user *user; /* scripts run as (NULL: as vipd) */
	struct notify_users users;    /* the notify_user of the instances and groups */
	struct nqueue **queues;
	size_t nqueues;
	char *fifo_path;
	int fifo_fd;
	uid_t fifo_owner; /* the user vipd runs as: the FIFO must be its (or ours) */
	char fifo_problem[PATH_MAX + 96]; /* last one reported, to report each once */
	uint64_t fifo_written, fifo_dropped;
	enum vipd_notify_args fifo_format; /* vipd's lines or keepalived's */
	char *reader;                      /* notify_fifo_script, or NULL */
	struct proc *reader_proc;          /* while it runs */
	int reader_hold; /* a read end of ours while there is a reader: no line lost at its start */
	const struct events_cause *cause; /* while a *_cause call runs: its cause */
	bool fifo_cause;                  /* notify_fifo_cause: the FIFO's lines carry it */
	struct loop_timer reader_restart; /* armed after it ended */
	uint64_t reader_starts;
	struct loop_timer kick; /* starts queued scripts once the current event is done */
};

static void kick_cb(void *arg, monotime now);
static void reader_restart_cb(void *arg, monotime now);
static void reader_stop(struct notifier *n);

struct notifier *notify_new(struct loop *l, monotime timeout, notify_report_cb report, void *arg)
{
	struct notifier *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->loop = l;
	n->timeout = timeout > 0 ? timeout : NOTIFY_TIMEOUT;
	n->report = report;
	n->arg = arg;
	n->fifo_fd = -1;
	n->reader_hold = -1;
	loop_timer_init(&n->kick, kick_cb, n);
	loop_timer_init(&n->reader_restart, reader_restart_cb, n);
	return n;
}

static void event_free(struct nevent *e)
{
	for (size_t i = 0; i < e->nargs; i++)
		free(e->args[i]);
	for (size_t i = 0; i < e->nenv; i++)
		free(e->env[i]);
	free(e->script);
	free(e);
}

void notify_free(struct notifier *n)
{
	if (!n)
		return;
	loop_timer_cancel(n->loop, &n->kick);
	notify_set_fifo_script(n, NULL);
	for (size_t i = 0; i < n->nqueues; i++) {
		struct nqueue *q = n->queues[i];

		if (q->running)
			proc_cancel(q->running);
		while (q->head) {
			struct nevent *e = q->head;

			q->head = e->next;
			event_free(e);
		}
		free(q);
	}
	free(n->queues);
	notify_user_free(&n->users);
	if (n->fifo_fd >= 0)
		close(n->fifo_fd);
	free(n->fifo_path);
	free(n);
}

void notify_set_user(struct notifier *n, const struct proc_user *user)
{
	n->user = user;
}

int notify_set_users(struct notifier *n, const struct vipd_config *cfg, char *err, size_t errlen)
{
	return notify_user_set(&n->users, cfg, err, errlen);
}

void notify_set_fifo_format(struct notifier *n, enum vipd_notify_args format)
{
	n->fifo_format = format;
}

/* Why the FIFO entry st of path cannot take our events ("" when it can): a symbolic link
 * (someone could point us at any file), not a FIFO, or someone else's. */
static const char *fifo_refused(const char *path, const struct stat *st, uid_t owner, char *why,
                                size_t whylen)
{
	if (S_ISLNK(st->st_mode))
		snprintf(why, whylen, "%s is a symbolic link (not followed)", path);
	else if (!S_ISFIFO(st->st_mode))
		snprintf(why, whylen, "%s exists and is not a FIFO", path);
	else if (st->st_uid != geteuid() && st->st_uid != owner)
		snprintf(why, whylen, "%s belongs to uid %ld, not to vipd's user (uid %ld)", path,
		         (long)st->st_uid, (long)owner);
	else
		return NULL;
	return why;
}

int notify_set_fifo(struct notifier *n, const char *path, uid_t owner, char *err, size_t errlen)
{
	struct stat st, ours;

	/* A reload with the same FIFO keeps the open end: closing it would give the reader an
	 * end of file. */
	if (n->fifo_fd >= 0 && path && n->fifo_path && strcmp(path, n->fifo_path) == 0 &&
	    lstat(path, &st) == 0 && fstat(n->fifo_fd, &ours) == 0 && st.st_ino == ours.st_ino &&
	    st.st_dev == ours.st_dev)
		return 0;
	if (n->fifo_fd >= 0)
		close(n->fifo_fd);
	n->fifo_fd = -1;
	/* The reader reads the old path: notify_set_fifo_script starts it again. */
	reader_stop(n);
	free(n->fifo_path);
	n->fifo_path = NULL;
	n->fifo_problem[0] = '\0';
	if (!path || !path[0])
		return 0;
	if (mkfifo(path, 0600) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "mkfifo %s: %s", path, strerror(errno));
		return -1;
	}
	if (lstat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fifo_refused(path, &st, owner, err, errlen))
		return -1;
	n->fifo_path = strdup(path);
	if (!n->fifo_path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n->fifo_owner = owner;
	return 0;
}

/* A FIFO that cannot be used is reported once until it can again. */
static void fifo_problem(struct notifier *n, const char *why)
{
	if (strcmp(n->fifo_problem, why) == 0)
		return;
	snprintf(n->fifo_problem, sizeof(n->fifo_problem), "%s", why);
	if (n->report)
		n->report(n->arg, NULL, false, why);
}

/* Open the FIFO for writing, never through a symbolic link, and only a FIFO of ours (the
 * folder may let others swap the entry since notify_set_fifo looked at it). */
static int fifo_open(struct notifier *n)
{
	char why[PATH_MAX + 96];
	struct stat st;
	int fd;

	fd = open(n->fifo_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ELOOP) {
			snprintf(why, sizeof(why), "%s is a symbolic link (not followed)",
			         n->fifo_path);
			fifo_problem(n, why);
		}
		return -1; /* ENXIO: nobody reads */
	}
	/* Past the start, ours means vipd's user's, no one else's. */
	if (fstat(fd, &st) < 0) {
		snprintf(why, sizeof(why), "%s: %s", n->fifo_path, strerror(errno));
	} else if (!fifo_refused(n->fifo_path, &st, geteuid(), why, sizeof(why))) {
		n->fifo_problem[0] = '\0';
		return fd;
	}
	fifo_problem(n, why);
	close(fd);
	return -1;
}

/* Write one line to the FIFO: opened when a reader is there (retried at each line), never
 * blocking; a line that cannot go whole is dropped and counted. */
static void fifo_write(struct notifier *n, const char *line)
{
	size_t len = strlen(line);
	ssize_t w;

	if (!n->fifo_path)
		return;
	if (n->fifo_fd < 0)
		n->fifo_fd = fifo_open(n);
	if (n->fifo_fd < 0) {
		n->fifo_dropped++;
		return;
	}
	/* Lines are shorter than PIPE_BUF: written whole or not at all. */
	do
		w = write(n->fifo_fd, line, len);
	while (w < 0 && errno == EINTR);
	if (w == (ssize_t)len) {
		n->fifo_written++;
		return;
	}
	n->fifo_dropped++;
	if (w < 0 && errno != EAGAIN) {
		/* EPIPE: the reader left; open again at the next line. */
		close(n->fifo_fd);
		n->fifo_fd = -1;
	}
}

/* The state word of keepalived's FIFO lines and arguments: STOP for INIT. */
static const char *ka_state(enum vrrp_state state)
{
	return state == VRRP_STATE_INIT ? "STOP" : vrrp_fsm_state_name(state);
}

/* A keepalived-format line: TYPE "NAME" EVENT PRIORITY (keepalived's notify_fifo). */
static void fifo_write_ka(struct notifier *n, const char *type, const char *name, const char *event,
                          unsigned priority)
{
	char line[NAME_MAX_LEN + 64];

	if (n->fifo_format != VIPD_NOTIFY_ARGS_KEEPALIVED)
		return;
	snprintf(line, sizeof(line), "%s \"%s\" %s %u\n", type, name, event, priority);
	fifo_write(n, line);
}

static struct nqueue *queue_get(struct notifier *n, const char *name)
{
	struct nqueue **list, *q;

	for (size_t i = 0; i < n->nqueues; i++)
		if (strcmp(n->queues[i]->name, name) == 0)
			return n->queues[i];
	q = calloc(1, sizeof(*q));
	list = realloc(n->queues, (n->nqueues + 1) * sizeof(*list));
	if (!q || !list) {
		free(q);
		if (list)
			n->queues = list;
		return NULL;
	}
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->n = n;
	n->queues = list;
	n->queues[n->nqueues++] = q;
	return q;
}

static void report(struct nqueue *q, bool ok, const char *what)
{
	snprintf(q->last_result, sizeof(q->last_result), "%s", what);
	if (q->n->report)
		q->n->report(q->n->arg, q->name, ok, what);
}

static void run_next(struct nqueue *q);

static void script_done(void *arg, int wstatus, bool timed_out, monotime elapsed, const char *error)
{
	struct nqueue *q = arg;
	char what[256];
	bool ok = false;

	q->running = NULL;
	q->last_duration = elapsed;
	if (error && !timed_out) {
		snprintf(what, sizeof(what), "%s", error);
	} else if (timed_out) {
		q->timeouts++;
		snprintf(what, sizeof(what), "killed at its timeout (%.1f s)",
		         monotime_to_sec(q->n->timeout));
	} else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
		ok = true;
		snprintf(what, sizeof(what), "exit 0 in %.3f s", monotime_to_sec(elapsed));
	} else if (WIFEXITED(wstatus)) {
		snprintf(what, sizeof(what), "exit %d", WEXITSTATUS(wstatus));
	} else {
		snprintf(what, sizeof(what), "killed by signal %d",
		         WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
	}
	if (!ok)
		q->failures++;
	report(q, ok, what);
	run_next(q);
}

/* Start the first queued event unless one runs; an event that cannot start is reported and
 * the next one tried. */
static void run_next(struct nqueue *q)
{
	while (!q->running && q->head) {
		struct nevent *e = q->head;
		char **argv = NULL, **full, err[256];
		const struct proc_user *user;
		size_t argc = 0;

		q->head = e->next;
		if (!q->head)
			q->tail = NULL;
		q->queued--;
		if (argv_split(e->script, &argv, err, sizeof(err)) < 0) {
			q->failures++;
			report(q, false, err);
			event_free(e);
			continue;
		}
		while (argv[argc])
			argc++;
		full = calloc(argc + e->nargs + 1, sizeof(*full));
		if (!full) {
			q->failures++;
			report(q, false, "out of memory");
			argv_free(argv);
			event_free(e);
			continue;
		}
		memcpy(full, argv, argc * sizeof(*full));
		memcpy(full + argc, e->args, e->nargs * sizeof(*full));
		q->runs++;
		user = e->user[0] ? notify_user_find(&q->n->users, e->user) : q->n->user;
		if (e->user[0] && !user) /* (notify_set_users failed: not run) */
			snprintf(err, sizeof(err), "notify_user \"%s\" was not looked up", e->user);
		else
			q->running = proc_spawn_env(q->n->loop, full, e->env, user, q->n->timeout,
			                            script_done, q, err, sizeof(err));
		free(full);
		argv_free(argv);
		event_free(e);
		if (!q->running) {
			q->failures++;
			report(q, false, err);
		}
	}
}

/* notify_run, the script run as user ("": the notifier's). */
static void queue_run(struct notifier *n, const char *queue, const char *user, const char *script,
                      const char *const *args, size_t nargs)
{
	struct nqueue *q;
	struct nevent *e;
	bool oom = false;

	if (!script || !script[0])
		return;
	q = queue_get(n, queue);
	if (!q) {
		if (n->report)
			n->report(n->arg, queue, false, "out of memory; event dropped");
		return;
	}
	if (q->queued >= NOTIFY_QUEUE_MAX) {
		/* Reported once per 100 drops: a flapping instance must not flood the log. */
		if (q->dropped++ % 100 == 0 && n->report)
			n->report(n->arg, q->name, false,
			          "queue full (a script hangs?): event dropped");
		return;
	}
	e = calloc(1, sizeof(*e));
	if (e) {
		snprintf(e->user, sizeof(e->user), "%s", user);
		e->script = strdup(script);
		oom = !e->script;
		for (size_t i = 0; i < nargs && i < NOTIFY_ARGS_MAX && !oom; i++) {
			e->args[e->nargs] = strdup(args[i]);
			oom = !e->args[e->nargs++];
		}
		if (!oom && n->cause) {
			int k = notify_cause_env(e->env, NOTIFY_ENV_MAX, n->cause);

			oom = k < 0;
			e->nenv = k < 0 ? 0 : (size_t)k;
		}
	}
	if (!e || oom) {
		if (e)
			event_free(e);
		q->dropped++;
		report(q, false, "out of memory; event dropped");
		return;
	}
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	q->queued++;
	/* Not now: a fork and exec would delay the transition's own actions (adverts, VIPs). */
	if (!q->running && !loop_timer_armed(&n->kick))
		loop_timer_set(n->loop, &n->kick, monotime_now());
}

void notify_run(struct notifier *n, const char *queue, const char *script, const char *const *args,
                size_t nargs)
{
	queue_run(n, queue, "", script, args, nargs);
}

void notify_state(struct notifier *n, const char *instance, const char *script, const char *state,
                  unsigned priority)
{
	char line[NAME_MAX_LEN + 48], prio[16];
	const char *args[3] = {instance, state, prio};

	snprintf(line, sizeof(line), "%s %s %u\n", instance, state, priority);
	fifo_write(n, line);
	snprintf(prio, sizeof(prio), "%u", priority);
	notify_run(n, instance, script, args, 3);
}

/* The scripts of an instance or a sync group. */
struct scripts {
	const char *notify, *master, *backup, *fault, *stop;
	enum vipd_notify_args args;
	const char *user; /* notify_user */
};

/* Queue on queue the scripts s of the TYPE ("INSTANCE" or "GROUP") name entering state: the
 * state's own script as written, then the generic one with s->args' arguments. */
static void queue_state(struct notifier *n, const char *queue, const char *type, const char *name,
                        const struct scripts *s, enum vrrp_state state, unsigned priority)
{
	char prio[16];
	const char *sname = vrrp_fsm_state_name(state), *own;
	const char *args[4] = {type, name, sname, prio};

	switch (state) {
	case VRRP_STATE_MASTER:
		own = s->master;
		break;
	case VRRP_STATE_BACKUP:
		own = s->backup;
		break;
	case VRRP_STATE_FAULT:
		own = s->fault;
		break;
	default: /* INIT: stopped (vipd stops, or a reload removes or restarts the instance) */
		own = s->stop;
		break;
	}
	/* As keepalived: the state's own script first, as written, then the generic one. */
	queue_run(n, queue, s->user, own, NULL, 0);
	snprintf(prio, sizeof(prio), "%u", priority);
	if (s->args == VIPD_NOTIFY_ARGS_KEEPALIVED) {
		args[2] = ka_state(state);
		queue_run(n, queue, s->user, s->notify, args, 4);
	} else {
		queue_run(n, queue, s->user, s->notify, args + 1, 3);
	}
}

/* notify_fifo_cause: the cause of the change at the end of a vipd line. */
static void fifo_add_cause(const struct notifier *n, char *line, size_t len)
{
	if (n->fifo_cause && n->cause)
		notify_cause_fifo(line, len, n->cause);
}

void notify_set_fifo_cause(struct notifier *n, bool on)
{
	n->fifo_cause = on;
}

void notify_instance_state(struct notifier *n, const struct vipd_instance_config *ic,
                           enum vrrp_state state, unsigned priority)
{
	notify_instance_state_cause(n, ic, state, priority, NULL);
}

void notify_instance_state_cause(struct notifier *n, const struct vipd_instance_config *ic,
                                 enum vrrp_state state, unsigned priority,
                                 const struct events_cause *cause)
{
	char line[NAME_MAX_LEN + 48 + 160];
	const struct scripts s = {ic->notify,       ic->notify_master, ic->notify_backup,
	                          ic->notify_fault, ic->notify_stop,   ic->notify_args,
	                          ic->notify_user};

	snprintf(line, sizeof(line), "%s %s %u\n", ic->name, vrrp_fsm_state_name(state), priority);
	n->cause = cause;
	fifo_add_cause(n, line, sizeof(line));
	if (n->fifo_format == VIPD_NOTIFY_ARGS_KEEPALIVED)
		fifo_write_ka(n, "INSTANCE", ic->name, ka_state(state), priority);
	else
		fifo_write(n, line);
	queue_state(n, ic->name, "INSTANCE", ic->name, &s, state, priority);
	n->cause = NULL;
}

void notify_group_queue(const struct vipd_sync_group *g, char *buf, size_t len)
{
	snprintf(buf, len, "group %s", g->name);
}

void notify_group_state(struct notifier *n, const struct vipd_sync_group *g, enum vrrp_state state)
{
	char queue[NAME_MAX_LEN];
	const struct scripts s = {g->notify,       g->notify_master, g->notify_backup,
	                          g->notify_fault, g->notify_stop,   g->notify_args,
	                          g->notify_user};

	notify_group_queue(g, queue, sizeof(queue));
	/* Only keepalived's format has group lines: vipd's FIFO stays as it was. */
	fifo_write_ka(n, "GROUP", g->name, ka_state(state), 0);
	/* Priority 0, as keepalived gives a group. */
	queue_state(n, queue, "GROUP", g->name, &s, state, 0);
}

static void kick_cb(void *arg, monotime now)
{
	struct notifier *n = arg;

	(void)now;
	for (size_t i = 0; i < n->nqueues; i++)
		run_next(n->queues[i]);
}

void notify_priority(struct notifier *n, const char *instance, unsigned priority)
{
	char line[NAME_MAX_LEN + 48 + 160];

	if (n->fifo_format == VIPD_NOTIFY_ARGS_KEEPALIVED)
		return; /* keepalived's line names the state: notify_priority_state */
	snprintf(line, sizeof(line), "%s PRIORITY %u\n", instance, priority);
	fifo_add_cause(n, line, sizeof(line));
	fifo_write(n, line);
}

void notify_priority_state_cause(struct notifier *n, const char *instance, enum vrrp_state state,
                                 unsigned priority, const struct events_cause *cause)
{
	n->cause = cause;
	notify_priority_state(n, instance, state, priority);
	n->cause = NULL;
}

void notify_priority_state(struct notifier *n, const char *instance, enum vrrp_state state,
                           unsigned priority)
{
	if (n->fifo_format != VIPD_NOTIFY_ARGS_KEEPALIVED) {
		notify_priority(n, instance, priority);
		return;
	}
	fifo_write_ka(n, "INSTANCE", instance,
	              state == VRRP_STATE_MASTER ? "MASTER_PRIORITY" : "BACKUP_PRIORITY", priority);
}

void notify_rx_lower(struct notifier *n, const struct vipd_instance_config *ic, unsigned priority)
{
	fifo_write_ka(n, "INSTANCE", ic->name, "MASTER_RX_LOWER_PRI", priority);
	queue_run(n, ic->name, ic->notify_user, ic->notify_master_rx_lower_pri, NULL, 0);
}

bool notify_has_script(const struct vipd_instance_config *ic)
{
	return ic->notify || ic->notify_master || ic->notify_backup || ic->notify_fault ||
	       ic->notify_stop || ic->notify_master_rx_lower_pri;
}

bool notify_busy(const struct notifier *n)
{
	for (size_t i = 0; i < n->nqueues; i++)
		if (n->queues[i]->running || n->queues[i]->head)
			return true;
	return false;
}

struct json_object *notify_status(const struct notifier *n, const char *instance)
{
	const struct nqueue *q = NULL;
	struct json_object *o;

	for (size_t i = 0; i < n->nqueues && !q; i++)
		if (strcmp(n->queues[i]->name, instance) == 0)
			q = n->queues[i];
	if (!q)
		return NULL;
	o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "runs", json_object_new_uint64(q->runs));
	json_object_object_add(o, "failures", json_object_new_uint64(q->failures));
	json_object_object_add(o, "timeouts", json_object_new_uint64(q->timeouts));
	json_object_object_add(o, "dropped", json_object_new_uint64(q->dropped));
	json_object_object_add(o, "queued",
	                       json_object_new_uint64(q->queued + (q->running ? 1 : 0)));
	json_object_object_add(o, "last_result",
	                       q->last_result[0] ? json_object_new_string(q->last_result) : NULL);
	json_object_object_add(o, "last_duration",
	                       json_object_new_double(monotime_to_sec(q->last_duration)));
	return o;
}

/* The reader ended (or could not start): said once, started again after NOTIFY_READER_RESTART. */
static void reader_ended(struct notifier *n, const char *what)
{
	char msg[320];

	snprintf(msg, sizeof(msg), "%s; started again in %.0f s", what,
	         monotime_to_sec(NOTIFY_READER_RESTART));
	if (n->report)
		n->report(n->arg, "notify_fifo_script", false, msg);
	loop_timer_set(n->loop, &n->reader_restart, monotime_now() + NOTIFY_READER_RESTART);
}

static void reader_done(void *arg, int wstatus, bool timed_out, monotime elapsed, const char *error)
{
	struct notifier *n = arg;
	char what[256];

	(void)timed_out;
	(void)elapsed;
	n->reader_proc = NULL;
	if (error)
		snprintf(what, sizeof(what), "%s", error);
	else if (WIFEXITED(wstatus))
		snprintf(what, sizeof(what), "exited (status %d)", WEXITSTATUS(wstatus));
	else
		snprintf(what, sizeof(what), "killed by signal %d",
		         WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
	reader_ended(n, what);
}

/* Stop the reader (kill it, no restart) and drop our read end. */
static void reader_stop(struct notifier *n)
{
	if (n->reader_proc)
		proc_cancel(n->reader_proc);
	n->reader_proc = NULL;
	loop_timer_cancel(n->loop, &n->reader_restart);
	if (n->reader_hold >= 0)
		close(n->reader_hold);
	n->reader_hold = -1;
}

/* Start the reader: its words, then the FIFO's path (as keepalived runs it); no timeout. */
static void reader_start(struct notifier *n)
{
	char **argv = NULL, **full, err[256];
	size_t argc = 0;
	struct stat st;

	/* A read end of our own (never read), as keepalived holds one: the lines written
	 * before the reader opened the FIFO, or while it restarts, wait in the pipe (up to its
	 * size; then they are dropped and counted) instead of being lost. */
	if (n->reader_hold < 0) {
		n->reader_hold = open(n->fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
		if (n->reader_hold >= 0 &&
		    (fstat(n->reader_hold, &st) < 0 || !S_ISFIFO(st.st_mode))) {
			close(n->reader_hold);
			n->reader_hold = -1;
		}
	}

	if (argv_split(n->reader, &argv, err, sizeof(err)) < 0) {
		reader_ended(n, err);
		return;
	}
	while (argv[argc])
		argc++;
	full = calloc(argc + 2, sizeof(*full));
	if (!full) {
		argv_free(argv);
		reader_ended(n, "out of memory");
		return;
	}
	memcpy(full, argv, argc * sizeof(*full));
	full[argc] = n->fifo_path;
	n->reader_starts++;
	n->reader_proc = proc_spawn(n->loop, full, n->user, 0, reader_done, n, err, sizeof(err));
	free(full);
	argv_free(argv);
	if (!n->reader_proc)
		reader_ended(n, err);
}

static void reader_restart_cb(void *arg, monotime now)
{
	struct notifier *n = arg;

	(void)now;
	if (n->reader && n->fifo_path && !n->reader_proc)
		reader_start(n);
}

void notify_set_fifo_script(struct notifier *n, const char *script)
{
	/* A reload with the same reader keeps it running. */
	if (script && script[0] && n->reader && strcmp(script, n->reader) == 0 && n->fifo_path &&
	    (n->reader_proc || loop_timer_armed(&n->reader_restart)))
		return;
	reader_stop(n);
	free(n->reader);
	n->reader = NULL;
	if (!script || !script[0] || !n->fifo_path)
		return;
	n->reader = strdup(script);
	if (!n->reader) {
		if (n->report)
			n->report(n->arg, "notify_fifo_script", false,
			          "out of memory; not started");
		return;
	}
	reader_start(n);
}

struct json_object *notify_fifo_status(const struct notifier *n)
{
	struct json_object *o;

	if (!n->fifo_path)
		return NULL;
	o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "path", json_object_new_string(n->fifo_path));
	json_object_object_add(o, "written", json_object_new_uint64(n->fifo_written));
	json_object_object_add(o, "dropped", json_object_new_uint64(n->fifo_dropped));
	if (n->fifo_problem[0])
		json_object_object_add(o, "error", json_object_new_string(n->fifo_problem));
	if (n->reader) {
		json_object_object_add(o, "script_running",
		                       json_object_new_boolean(n->reader_proc != NULL));
		json_object_object_add(o, "script_starts",
		                       json_object_new_uint64(n->reader_starts));
	}
	return o;
}
