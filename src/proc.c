/* proc: children in their own process group, watched with a pidfd, killed at a timeout. */
#include "config.h"

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
	monotime started;
	bool timed_out;
	struct loop_timer timer;
	proc_done_cb cb;
	void *arg;
};

/* ---- argv splitting ---- */

struct strbuf {
	char *s;
	size_t len, cap;
};

static int sb_put(struct strbuf *b, char c)
{
	if (b->len + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char *n = realloc(b->s, cap);

		if (!n)
			return -1;
		b->s = n;
		b->cap = cap;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
	return 0;
}

static int argv_push(char ***argv, size_t *n, char *word)
{
	char **v = realloc(*argv, (*n + 2) * sizeof(**argv));

	if (!v)
		return -1;
	v[(*n)++] = word;
	v[*n] = NULL;
	*argv = v;
	return 0;
}

int proc_argv_split(const char *cmd, char ***argvp, char *err, size_t errlen)
{
	char **argv = NULL;
	size_t n = 0;
	const char *p = cmd;

	*argvp = NULL;
	for (;;) {
		struct strbuf w = {0};
		bool have = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			int rc = 0;

			have = true;
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');

				if (!q) {
					snprintf(err, errlen, "unterminated single quote");
					goto fail_w;
				}
				for (p++; p < q && rc == 0; p++)
					rc = sb_put(&w, *p);
				p = q + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"' && rc == 0; p++) {
					if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
						p++;
					rc = sb_put(&w, *p);
				}
				if (*p != '"') {
					snprintf(err, errlen, "unterminated double quote");
					goto fail_w;
				}
				p++;
			} else if (*p == '\\') {
				if (!p[1]) {
					snprintf(err, errlen, "backslash at the end");
					goto fail_w;
				}
				rc = sb_put(&w, p[1]);
				p += 2;
			} else {
				rc = sb_put(&w, *p++);
			}
			if (rc < 0) {
				snprintf(err, errlen, "out of memory");
				goto fail_w;
			}
		}
		if (have && !w.s && sb_put(&w, '\0') == 0)
			w.len = 0;
		if (!w.s) {
			snprintf(err, errlen, "out of memory");
			goto fail_w;
		}
		if (argv_push(&argv, &n, w.s) < 0) {
			snprintf(err, errlen, "out of memory");
			goto fail_w;
		}
		continue;
	fail_w:
		free(w.s);
		proc_argv_free(argv);
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "empty command");
		proc_argv_free(argv);
		return -1;
	}
	*argvp = argv;
	return 0;
}

void proc_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

/* ---- spawning ---- */

static void proc_free(struct proc *p)
{
	loop_timer_cancel(p->loop, &p->timer);
	if (p->pidfd >= 0) {
		loop_del_fd(p->loop, p->pidfd);
		close(p->pidfd);
	}
	free(p);
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
	if (p->timed_out)
		kill(-p->pid, SIGKILL); /* stragglers of the group */
	if (p->cb)
		p->cb(p->arg, status, p->timed_out, now - p->started);
	proc_free(p);
}

static void proc_timeout(void *arg, monotime now)
{
	struct proc *p = arg;

	(void)now;
	p->timed_out = true;
	kill(-p->pid, SIGKILL);
}

/* In the child: never returns. Writes errno to efd when something fails. */
static void child_exec(char *const argv[], const struct passwd *pw, int efd)
{
	sigset_t all;
	int e, nul;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	setpgid(0, 0);
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
	if (pw) {
		/* An unprivileged vipd (privdrop) runs scripts as itself: no switch to make. */
		if ((geteuid() == 0 || pw->pw_uid != geteuid()) &&
		    (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
		     setuid(pw->pw_uid) < 0))
			goto fail;
		if (pw->pw_uid != 0 && setuid(0) == 0) {
			errno = EPERM; /* privileges not dropped */
			goto fail;
		}
		if (chdir(pw->pw_dir) < 0 && chdir("/") < 0)
			goto fail;
	} else if (chdir("/") < 0) {
		goto fail;
	}
	/* A script not run as root gets no capability (vipd's CAP_NET_* stay with vipd). */
	if (geteuid() != 0 && privdrop_clear_caps() < 0)
		goto fail;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	execvp(argv[0], argv);
fail:
	e = errno;
	if (write(efd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

struct proc *proc_spawn(struct loop *l, char *const argv[], const char *user, monotime timeout,
                        proc_done_cb cb, void *arg, char *err, size_t errlen)
{
	struct passwd *pw = NULL;
	struct proc *p;
	int pipefd[2], e = 0;
	ssize_t n;

	if (!argv || !argv[0]) {
		snprintf(err, errlen, "empty command");
		return NULL;
	}
	if (user) {
		errno = 0;
		pw = getpwnam(user);
		if (!pw) {
			snprintf(err, errlen, "user \"%s\": %s", user,
			         errno ? strerror(errno) : "no such user");
			return NULL;
		}
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->loop = l;
	p->pidfd = -1;
	p->cb = cb;
	p->arg = arg;
	loop_timer_init(&p->timer, proc_timeout, p);
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		free(p);
		return NULL;
	}
	p->started = monotime_now();
	p->pid = fork();
	if (p->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		free(p);
		return NULL;
	}
	if (p->pid == 0) {
		close(pipefd[0]);
		child_exec(argv, pw, pipefd[1]);
	}
	setpgid(p->pid, p->pid);
	close(pipefd[1]);
	do
		n = read(pipefd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(e)) {
		/* exec failed: the child exits at once */
		waitpid(p->pid, NULL, 0);
		snprintf(err, errlen, "%s: %s", argv[0], strerror(e));
		free(p);
		return NULL;
	}
	p->pidfd = pidfd_open(p->pid, 0);
	if (p->pidfd < 0 || loop_add_fd(l, p->pidfd, EPOLLIN, proc_exited, p) < 0) {
		snprintf(err, errlen, "pidfd: %s", strerror(errno));
		kill(-p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		if (p->pidfd >= 0)
			close(p->pidfd);
		free(p);
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
