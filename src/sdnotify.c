/* sdnotify: the systemd notify protocol implemented directly; see sdnotify.h. */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vipd/sdnotify.h"

/* Parse a whole decimal number; false on anything else. */
static bool parse_ull(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* The socket address of NOTIFY_SOCKET: "/path" or "@abstract". false when unusable. */
static bool notify_addr(const char *env, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n;

	if (!env || (env[0] != '/' && env[0] != '@'))
		return false;
	n = strlen(env);
	if (n < 2 || n >= sizeof(sa->sun_path))
		return false;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, env, n);
	if (env[0] == '@') {
		/* Abstract: a leading NUL, and the length counts the name bytes only. */
		sa->sun_path[0] = '\0';
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	return true;
}

/* The watchdog period from WATCHDOG_USEC / WATCHDOG_PID: half the timeout, or 0 when off. */
static monotime watchdog_period(const char *usec, const char *pid)
{
	unsigned long long u, p;

	if (!parse_ull(usec, &u) || u == 0 || u > (unsigned long long)(INT64_MAX / MT_USEC))
		return 0;
	if (pid && (!parse_ull(pid, &p) || p != (unsigned long long)getpid()))
		return 0;
	return (monotime)u * MT_USEC / 2;
}

void sdnotify_init(struct sdnotify *n)
{
	const char *sock = getenv("NOTIFY_SOCKET");

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (notify_addr(sock, &n->addr, &n->addrlen)) {
		n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (n->fd >= 0)
			n->watchdog =
			    watchdog_period(getenv("WATCHDOG_USEC"), getenv("WATCHDOG_PID"));
	}
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

int sdnotify_send(struct sdnotify *n, const char *msg)
{
	if (n->fd < 0)
		return 0;
	if (sendto(n->fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL,
	           (const struct sockaddr *)&n->addr, n->addrlen) < 0) {
		n->failed++;
		return -1;
	}
	n->sent++;
	return 0;
}

char *sdnotify_status_format(const struct sdnotify_counts *c, char *buf, size_t len)
{
	snprintf(buf, len, "STATUS=%zu instance%s: %zu MASTER, %zu BACKUP, %zu FAULT", c->instances,
	         c->instances == 1 ? "" : "s", c->master, c->backup, c->fault);
	return buf;
}

int sdnotify_status(struct sdnotify *n, const struct sdnotify_counts *c)
{
	char buf[128];

	if (n->fd < 0)
		return 0;
	return sdnotify_send(n, sdnotify_status_format(c, buf, sizeof(buf)));
}

static void watchdog_cb(void *arg, monotime now)
{
	struct sdnotify *n = arg;

	sdnotify_send(n, "WATCHDOG=1");
	loop_timer_set(n->loop, &n->timer, now + n->watchdog);
}

void sdnotify_watchdog_start(struct sdnotify *n, struct loop *loop, monotime now)
{
	if (n->fd < 0 || !n->watchdog)
		return;
	n->loop = loop;
	loop_timer_init(&n->timer, watchdog_cb, n);
	watchdog_cb(n, now);
}

void sdnotify_close(struct sdnotify *n)
{
	if (n->loop)
		loop_timer_cancel(n->loop, &n->timer);
	n->loop = NULL;
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}
