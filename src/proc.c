/* proc: children in their own process group, watched with a pidfd, killed at a timeout. */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vipd/privdrop.h"
#include "vipd/proc.h"

struct proc {
	struct loop *loop;
	pid_t pid;
	int pidfd;
	int efd; /* exec-error pipe, -1 once read */
	monotime started;
	bool timed_out;
	struct loop_timer timer;
	proc_done_cb cb;
	void *arg;
	char *what;      /* argv[0], for the error */
	char user[64];   /* the user switched to, for the error */
	char error[192]; /* why it did not start; "" when it ran */
};

/* ---- users ---- */

struct proc_user *proc_user_lookup(const char *name, char *err, size_t errlen)
{
	struct proc_user *u;
	struct passwd *pw;
	int n = 16;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		snprintf(err, errlen, "no user \"%s\" on this system%s%s", name, errno ? ": " : "",
		         errno ? strerror(errno) : "");
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (!u || !(u->home = strdup(pw->pw_dir)))
		goto oom;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	/* Asked now, not in the child: initgroups there would ask NSS (LDAP...) at every run. */
	for (;;) {
		gid_t *g = realloc(u->groups, (size_t)n * sizeof(*g));
		int want = n;

		if (!g)
			goto oom;
		u->groups = g;
		if (getgrouplist(name, u->gid, g, &want) >= 0) {
			u->ngroups = want;
			return u;
		}
		if (want <= n || want > 65536) {
			snprintf(err, errlen, "user \"%s\": cannot list its groups", name);
			proc_user_free(u);
			return NULL;
		}
		n = want;
	}
oom:
	snprintf(err, errlen, "out of memory");
	proc_user_free(u);
	return NULL;
}

void proc_user_free(struct proc_user *u)
{
	if (!u)
		return;
	free(u->groups);
	free(u->home);
	free(u);
}

/* ---- spawning ---- */

void (*proc_child_hook)(void);

/* What failed in a child before its exec, written to the exec-error pipe (one write: atomic). */
enum child_stage { STAGE_SETUP, STAGE_USER, STAGE_DIR, STAGE_EXEC };
struct child_error {
	int stage;
	int err;
};

static void proc_free(struct proc *p)
{
	loop_timer_cancel(p->loop, &p->timer);
	if (p->pidfd >= 0) {
		loop_del_fd(p->loop, p->pidfd);
		close(p->pidfd);
	}
	if (p->efd >= 0) {
		loop_del_fd(p->loop, p->efd);
		close(p->efd);
	}
	free(p->what);
	free(p);
}

/* Read the exec-error pipe: a child_error, or end of file once the exec succeeded. */
static void proc_read_error(struct proc *p)
{
	struct child_error ce;
	ssize_t n;

	do
		n = read(p->efd, &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return; /* the child is still getting ready */
	if (n == (ssize_t)sizeof(ce)) {
		const char *e = strerror(ce.err);

		if (ce.stage == STAGE_USER)
			snprintf(p->error, sizeof(p->error), "becoming user %s: %s", p->user, e);
		else if (ce.stage == STAGE_DIR)
			snprintf(p->error, sizeof(p->error), "entering the home of %s: %s", p->user,
			         e);
		else if (ce.stage == STAGE_EXEC)
			snprintf(p->error, sizeof(p->error), "%s: %s", p->what, e);
		else
			snprintf(p->error, sizeof(p->error), "starting %s: %s", p->what, e);
	}
	loop_del_fd(p->loop, p->efd);
	close(p->efd);
	p->efd = -1;
}

static void proc_error_cb(void *arg, int fd, unsigned events, monotime now)
{
	(void)fd;
	(void)events;
	(void)now;
	proc_read_error(arg);
}

static void proc_exited(void *arg, int fd, unsigned events, monotime now)
{
	struct proc *p = arg;
	int status = 0;
	pid_t r;

	(void)fd;
	(void)events;
	r = waitpid(p->pid, &status, WNOHANG);
	if (r == 0)
		return; /* spurious */
	if (r < 0)
		status = W_EXITCODE(127, 0);
	if (p->efd >= 0)
		proc_read_error(p); /* written before the exit: there by now */
	if (p->timed_out)
		kill(-p->pid, SIGKILL); /* stragglers of the group */
	if (p->cb)
		p->cb(p->arg, status, p->timed_out, now - p->started,
		      p->error[0] ? p->error : NULL);
	proc_free(p);
}

static void proc_timeout(void *arg, monotime now)
{
	struct proc *p = arg;

	(void)now;
	p->timed_out = true;
	kill(-p->pid, SIGKILL);
}

/* In the child: never returns. Writes what failed to efd. Only system calls: no name service,
 * nothing that could wait on a lock another thread of the parent held at the fork. */
static void child_exec(char *const argv[], char *const env[], const struct proc_user *u, int efd)
{
	struct child_error ce = {STAGE_SETUP, 0};
	sigset_t all;
	int nul;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	setpgid(0, 0);
	if (proc_child_hook)
		proc_child_hook();
	efd = fcntl(efd, F_DUPFD_CLOEXEC, 10); /* out of the way of 0..2 */
	if (efd < 0)
		_exit(127);
	nul = open("/dev/null", O_RDWR);
	if (nul < 0)
		goto fail;
	if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0)
		goto fail;
	close_range(3, (unsigned)efd - 1, 0);
	close_range((unsigned)efd + 1, ~0U, 0);
	if (u) {
		ce.stage = STAGE_USER;
		/* Already that user (an unprivileged vipd is given none: privdrop.h). */
		if ((geteuid() == 0 || u->uid != geteuid()) &&
		    (setgroups((size_t)u->ngroups, u->groups) < 0 ||
		     setresgid(u->gid, u->gid, u->gid) < 0 ||
		     setresuid(u->uid, u->uid, u->uid) < 0))
			goto fail;
		if (u->uid != 0 && setuid(0) == 0) {
			errno = EPERM; /* privileges not dropped */
			goto fail;
		}
		ce.stage = STAGE_DIR;
		if (chdir(u->home) < 0 && chdir("/") < 0)
			goto fail;
	} else if (chdir("/") < 0) {
		goto fail;
	}
	ce.stage = STAGE_SETUP;
	/* A script not run as root gets no capability (vipd's CAP_NET_* stay with vipd). */
	if (geteuid() != 0 && privdrop_clear_caps() < 0)
		goto fail;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	ce.stage = STAGE_EXEC;
	/* The child is single-threaded: its own copy of the environment is safe to change. */
	for (size_t i = 0; env && env[i]; i++)
		putenv(env[i]);
	execvp(argv[0], argv);
fail:
	ce.err = errno;
	if (write(efd, &ce, sizeof(ce)) < 0)
		_exit(127);
	_exit(127);
}

struct proc *proc_spawn(struct loop *l, char *const argv[], const struct proc_user *user,
                        monotime timeout, proc_done_cb cb, void *arg, char *err, size_t errlen)
{
	return proc_spawn_env(l, argv, NULL, user, timeout, cb, arg, err, errlen);
}

struct proc *proc_spawn_env(struct loop *l, char *const argv[], char *const env[],
                            const struct proc_user *user, monotime timeout, proc_done_cb cb,
                            void *arg, char *err, size_t errlen)
{
	struct proc *p;
	int pipefd[2];

	if (!argv || !argv[0]) {
		snprintf(err, errlen, "empty command");
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->what = strdup(argv[0]))) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->loop = l;
	p->pidfd = p->efd = -1;
	p->cb = cb;
	p->arg = arg;
	snprintf(p->user, sizeof(p->user), "%s", user ? user->name : "");
	loop_timer_init(&p->timer, proc_timeout, p);
	/* Non-blocking: read from the loop, whenever the child gets to its exec. */
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		proc_free(p);
		return NULL;
	}
	p->started = monotime_now();
	p->pid = fork();
	if (p->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		proc_free(p);
		return NULL;
	}
	if (p->pid == 0) {
		close(pipefd[0]);
		child_exec(argv, env, user, pipefd[1]);
	}
	setpgid(p->pid, p->pid);
	close(pipefd[1]);
	p->efd = pipefd[0];
	p->pidfd = pidfd_open(p->pid, 0);
	if (p->pidfd < 0 || loop_add_fd(l, p->pidfd, EPOLLIN, proc_exited, p) < 0 ||
	    loop_add_fd(l, p->efd, EPOLLIN, proc_error_cb, p) < 0) {
		snprintf(err, errlen, "pidfd: %s", strerror(errno));
		kill(-p->pid, SIGKILL);
		while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
			;
		proc_free(p);
		return NULL;
	}
	if (timeout > 0)
		loop_timer_set(l, &p->timer, p->started + timeout);
	return p;
}

void proc_cancel(struct proc *p)
{
	if (!p)
		return;
	kill(-p->pid, SIGKILL);
	/* A SIGKILLed child exits at once: reap it here rather than leave a record behind. */
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	proc_free(p);
}

/* ---- checks on files ---- */

static bool writable_by_other(const struct stat *st)
{
	if (st->st_uid != 0)
		return true;
	if (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))
		return false; /* like /tmp: others cannot replace root's entries */
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0)
		return true;
	return (st->st_mode & S_IWOTH) != 0;
}

const char *proc_script_unsafe(const char *path)
{
	static char why[PATH_MAX + 96];
	char real[PATH_MAX];
	struct stat st;
	char *slash;

	if (!realpath(path, real)) {
		snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
		return why;
	}
	if (stat(real, &st) < 0) {
		snprintf(why, sizeof(why), "%s: %s", real, strerror(errno));
		return why;
	}
	if (writable_by_other(&st)) {
		snprintf(why, sizeof(why), "%s is writable by a user other than root", real);
		return why;
	}
	while ((slash = strrchr(real, '/')) != NULL) {
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(real, &st) < 0) {
			snprintf(why, sizeof(why), "%s: %s", real, strerror(errno));
			return why;
		}
		if (writable_by_other(&st)) {
			snprintf(why, sizeof(why),
			         "folder %s is writable by a user other than root", real);
			return why;
		}
		if (slash == real)
			break;
	}
	return NULL;
}

int proc_find_exec(const char *cmd, char *out, size_t outlen)
{
	const char *path, *p;

	if (!cmd || !*cmd)
		return -1;
	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK) < 0)
			return -1;
		snprintf(out, outlen, "%s", cmd);
		return 0;
	}
	path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; *p;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char buf[PATH_MAX];
		struct stat st;

		if (len > 0 &&
		    (size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, p, cmd) < sizeof(buf) &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0) {
			snprintf(out, outlen, "%s", buf);
			return 0;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return -1;
}
