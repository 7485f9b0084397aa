/* sdnotify: the exact datagrams on a real AF_UNIX socket (a path in a temporary folder and an
 * abstract name), the environment rules (WATCHDOG_USEC, WATCHDOG_PID) and the watchdog timer. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "vipd/loop.h"
#include "vipd/sdnotify.h"

/* A receiving notify socket: the role of systemd. */
struct listener {
	char dir[64];
	char env[100]; /* the NOTIFY_SOCKET value */
	int fd;
};

static void listener_open(struct listener *l, bool abstract)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;

	l->dir[0] = '\0';
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(l->fd >= 0);
	if (abstract) {
		snprintf(l->env, sizeof(l->env), "@vipd-test-sdnotify-%ld", (long)getpid());
		memcpy(sa.sun_path + 1, l->env + 1, strlen(l->env) - 1);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(l->env));
	} else {
		snprintf(l->dir, sizeof(l->dir), "/tmp/vipd-sdnotify.XXXXXX");
		assert_non_null(mkdtemp(l->dir));
		snprintf(l->env, sizeof(l->env), "%s/notify", l->dir);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", l->env);
		len = sizeof(sa);
	}
	assert_int_equal(bind(l->fd, (struct sockaddr *)&sa, len), 0);
	setenv("NOTIFY_SOCKET", l->env, 1);
}

/* The next datagram, or "" when there is none. */
static const char *listener_next(struct listener *l)
{
	static char buf[512];
	ssize_t n = recv(l->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void listener_close(struct listener *l)
{
	close(l->fd);
	if (l->dir[0]) {
		unlink(l->env);
		rmdir(l->dir);
	}
}

static int clear_env(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return 0;
}

static void test_path_socket(void **state)
{
	struct listener l;
	struct sdnotify n;

	(void)state;
	listener_open(&l, false);
	sdnotify_init(&n);
	assert_true(n.fd >= 0);
	assert_null(getenv("NOTIFY_SOCKET")); /* children do not inherit it */
	assert_int_equal(n.watchdog, 0);
	assert_int_equal(sdnotify_send(&n, "READY=1"), 0);
	assert_int_equal(sdnotify_send(&n, "STOPPING=1"), 0);
	assert_string_equal(listener_next(&l), "READY=1");
	assert_string_equal(listener_next(&l), "STOPPING=1");
	assert_string_equal(listener_next(&l), "");
	assert_int_equal(n.sent, 2);
	sdnotify_close(&n);
	listener_close(&l);
}

static void test_abstract_socket(void **state)
{
	struct listener l;
	struct sdnotify n;

	(void)state;
	listener_open(&l, true);
	sdnotify_init(&n);
	assert_int_equal(sdnotify_send(&n, "READY=1\nSTATUS=up"), 0);
	assert_string_equal(listener_next(&l), "READY=1\nSTATUS=up");
	sdnotify_close(&n);
	listener_close(&l);
}

/* No systemd, a relative path, a socket nobody listens on: sending is harmless. */
static void test_no_systemd(void **state)
{
	struct sdnotify n;

	(void)state;
	sdnotify_init(&n);
	assert_int_equal(n.fd, -1);
	assert_int_equal(sdnotify_send(&n, "READY=1"), 0);
	sdnotify_close(&n);

	setenv("NOTIFY_SOCKET", "relative/path", 1);
	sdnotify_init(&n);
	assert_int_equal(n.fd, -1);
	sdnotify_close(&n);

	setenv("NOTIFY_SOCKET", "/nonexistent/vipd-test/notify", 1);
	setenv("WATCHDOG_USEC", "1000000", 1);
	sdnotify_init(&n);
	assert_true(n.fd >= 0);
	assert_int_equal(sdnotify_send(&n, "READY=1"), -1);
	assert_int_equal(n.failed, 1);
	sdnotify_close(&n);
}

static void test_status_line(void **state)
{
	const struct sdnotify_counts five = {5, 1, 2, 1}, one = {1, 1, 0, 0}, none = {0, 0, 0, 0};
	const struct sdnotify_counts four = {4, 1, 2, 1};
	struct listener l;
	struct sdnotify n;
	char buf[128];

	(void)state;
	assert_string_equal(sdnotify_status_format(&five, buf, sizeof(buf)),
	                    "STATUS=5 instances: 1 MASTER, 2 BACKUP, 1 FAULT");
	assert_string_equal(sdnotify_status_format(&one, buf, sizeof(buf)),
	                    "STATUS=1 instance: 1 MASTER, 0 BACKUP, 0 FAULT");
	assert_string_equal(sdnotify_status_format(&none, buf, sizeof(buf)),
	                    "STATUS=0 instances: 0 MASTER, 0 BACKUP, 0 FAULT");

	listener_open(&l, false);
	sdnotify_init(&n);
	assert_int_equal(sdnotify_status(&n, &four), 0);
	assert_string_equal(listener_next(&l), "STATUS=4 instances: 1 MASTER, 2 BACKUP, 1 FAULT");
	sdnotify_close(&n);
	listener_close(&l);
}

/* WATCHDOG_USEC=20000: WATCHDOG=1 at once and every 10 ms from the loop's timer. */
static void test_watchdog(void **state)
{
	struct listener l;
	struct sdnotify n;
	struct loop *loop = loop_new();
	monotime now = monotime_now();
	char pid[32];

	(void)state;
	assert_non_null(loop);
	listener_open(&l, false);
	setenv("WATCHDOG_USEC", "20000", 1);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	sdnotify_init(&n);
	assert_null(getenv("WATCHDOG_USEC"));
	assert_null(getenv("WATCHDOG_PID"));
	assert_int_equal(n.watchdog, 10 * MT_MSEC);

	sdnotify_watchdog_start(&n, loop, now);
	assert_string_equal(listener_next(&l), "WATCHDOG=1");
	assert_true(loop_timer_armed(&n.timer));
	assert_int_equal(n.timer.deadline, now + 10 * MT_MSEC);
	/* Fire the timer by hand on a fake clock. */
	n.timer.cb(n.timer.arg, now + 10 * MT_MSEC);
	assert_string_equal(listener_next(&l), "WATCHDOG=1");
	assert_int_equal(n.timer.deadline, now + 20 * MT_MSEC);
	assert_string_equal(listener_next(&l), "");

	sdnotify_close(&n);
	assert_false(loop_timer_armed(&n.timer));
	listener_close(&l);
	loop_free(loop);
}

/* WATCHDOG_PID naming another process, or a bad WATCHDOG_USEC: no watchdog. */
static void test_watchdog_off(void **state)
{
	static const char *const bad_usec[] = {"0", "", "-5", "12x", "99999999999999999999"};
	struct listener l;
	struct sdnotify n;
	struct loop *loop = loop_new();

	(void)state;
	listener_open(&l, false);
	setenv("WATCHDOG_USEC", "1000000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	sdnotify_init(&n);
	assert_int_equal(n.watchdog, 0);
	sdnotify_watchdog_start(&n, loop, monotime_now());
	assert_false(loop_timer_armed(&n.timer));
	assert_string_equal(listener_next(&l), "");
	sdnotify_close(&n);

	for (size_t i = 0; i < sizeof(bad_usec) / sizeof(bad_usec[0]); i++) {
		setenv("NOTIFY_SOCKET", l.env, 1);
		setenv("WATCHDOG_USEC", bad_usec[i], 1);
		sdnotify_init(&n);
		assert_int_equal(n.watchdog, 0);
		sdnotify_close(&n);
	}
	listener_close(&l);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_path_socket, clear_env, clear_env),
	    cmocka_unit_test_setup_teardown(test_abstract_socket, clear_env, clear_env),
	    cmocka_unit_test_setup_teardown(test_no_systemd, clear_env, clear_env),
	    cmocka_unit_test_setup_teardown(test_status_line, clear_env, clear_env),
	    cmocka_unit_test_setup_teardown(test_watchdog, clear_env, clear_env),
	    cmocka_unit_test_setup_teardown(test_watchdog_off, clear_env, clear_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
