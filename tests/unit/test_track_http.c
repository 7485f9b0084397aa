/* Unit tests for track_http: real probes through the loop against a tiny HTTP server on
 * 127.0.0.1 (a forked child, one grandchild per connection) answering canned responses:
 * status match and mismatch, body match and mismatch (64 KB cap), timeout on a server that
 * never answers, connection refused, cancel and free without a callback, parallel probes,
 * and a proxy in the environment that must be ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vipd/loop.h"
#include "vipd/track_http.h"

static pid_t server_pid;
static int server_port;

/* --- the server (child process) --- */

static void send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void respond(int fd, int status, const char *reason, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	                 "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
	                 "Connection: close\r\n\r\n",
	                 status, reason, len);

	send_all(fd, head, (size_t)n);
	send_all(fd, body, len);
}

static void handle(int fd)
{
	char req[4096], path[256] = "";
	size_t len = 0;

	while (len < sizeof(req) - 1) {
		ssize_t n = read(fd, req + len, sizeof(req) - 1 - len);

		if (n <= 0)
			return;
		len += (size_t)n;
		req[len] = '\0';
		if (req[0] != 'G') { /* a TLS ClientHello: answer in plain text and close */
			respond(fd, 400, "Bad Request", "", 0);
			return;
		}
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	if (sscanf(req, "GET %255s ", path) != 1)
		return;
	if (!strcmp(path, "/ok")) {
		respond(fd, 200, "OK", "all ok\n", 7);
	} else if (!strcmp(path, "/503")) {
		respond(fd, 503, "Service Unavailable", "down\n", 5);
	} else if (!strcmp(path, "/redirect")) {
		const char *r = "HTTP/1.1 302 Found\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n";

		send_all(fd, r, strlen(r));
	} else if (!strcmp(path, "/slow")) {
		usleep(300 * 1000);
		respond(fd, 200, "OK", "slow ok\n", 8);
	} else if (!strcmp(path, "/hang")) {
		sleep(30); /* killed with the group at teardown */
	} else if (!strncmp(path, "/big", 4)) {
		/* 200 KB of 'x' with "early" at 1 KB and "late" at 100 KB (beyond the cap). */
		size_t n = 200 * 1024;
		char *b = malloc(n);

		if (!b)
			return;
		memset(b, 'x', n);
		memcpy(b + 1024, "early", 5);
		memcpy(b + 100 * 1024, "late", 4);
		respond(fd, 200, "OK", b, n);
		free(b);
	} else {
		respond(fd, 404, "Not Found", "no\n", 3);
	}
}

static void serve(int lfd)
{
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	alarm(30); /* bounded whatever happens to the test */
	for (;;) {
		int c = accept(lfd, NULL, NULL);

		if (c < 0)
			continue;
		if (fork() == 0) {
			close(lfd);
			handle(c);
			close(c);
			_exit(0);
		}
		close(c);
	}
}

static int listen_any(int *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0)
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

static int group_setup(void **state)
{
	int lfd = listen_any(&server_port);

	(void)state;
	if (lfd < 0 || listen(lfd, 64) < 0)
		return -1;
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		setpgid(0, 0);
		serve(lfd);
		_exit(0);
	}
	setpgid(server_pid, server_pid);
	close(lfd);
	/* A proxy in the environment must be ignored (it would refuse every connection). */
	setenv("http_proxy", "http://127.0.0.1:1", 1);
	setenv("https_proxy", "http://127.0.0.1:1", 1);
	setenv("all_proxy", "http://127.0.0.1:1", 1);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (server_pid > 0) {
		kill(-server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
	}
	return 0;
}

/* --- the client side --- */

/* Open descriptors of this process: a probe must leave none behind. */
static int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

struct result {
	int calls;
	bool up;
	char why[256];
	monotime elapsed;
};

struct run {
	struct loop *loop;
	struct http_prober *prober;
	struct loop_timer guard;
	int pending;
	bool guard_fired;
};

struct probe_ctx {
	struct run *run;
	struct result res;
};

static void done_cb(void *arg, bool up, const char *why, monotime elapsed)
{
	struct probe_ctx *c = arg;

	c->res.calls++;
	c->res.up = up;
	snprintf(c->res.why, sizeof(c->res.why), "%s", why);
	c->res.elapsed = elapsed;
	if (--c->run->pending == 0)
		loop_stop(c->run->loop);
}

static void guard_cb(void *arg, monotime now)
{
	struct run *r = arg;

	(void)now;
	r->guard_fired = true;
	loop_stop(r->loop);
}

static void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->loop = loop_new();
	assert_non_null(r->loop);
	r->prober = track_http_new(r->loop);
	assert_non_null(r->prober);
	loop_timer_init(&r->guard, guard_cb, r);
}

/* Run until every started probe reported, or limit (then guard_fired). */
static void run_until(struct run *r, monotime limit)
{
	loop_timer_set(r->loop, &r->guard, monotime_now() + limit);
	if (r->pending > 0)
		assert_int_equal(loop_run(r->loop), 0);
	loop_timer_cancel(r->loop, &r->guard);
}

static void run_free(struct run *r)
{
	track_http_free(r->prober);
	loop_free(r->loop);
}

static struct http_probe *start(struct run *r, struct probe_ctx *c, const char *path, long status,
                                const char *body, monotime timeout)
{
	char url[128], err[256] = "";
	struct http_probe *pr;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", server_port, path);
	c->run = r;
	memset(&c->res, 0, sizeof(c->res));
	pr = track_http_start(r->prober, url, status, body, timeout, done_cb, c, err, sizeof(err));
	if (!pr)
		fail_msg("track_http_start %s: %s", url, err);
	r->pending++;
	return pr;
}

/* One probe, run to its end; returns its result. */
static struct result probe1(const char *path, long status, const char *body, monotime timeout)
{
	struct run r;
	struct probe_ctx c;
	int fds = fd_count();

	run_init(&r);
	start(&r, &c, path, status, body, timeout);
	run_until(&r, 2 * MT_SEC);
	assert_false(r.guard_fired);
	assert_int_equal(c.res.calls, 1);
	run_free(&r);
	assert_int_equal(fd_count(), fds);
	return c.res;
}

static void test_status_match(void **state)
{
	struct result res = probe1("/ok", 200, NULL, MT_SEC);

	(void)state;
	assert_true(res.up);
	assert_string_equal(res.why, "status 200");
	assert_true(res.elapsed > 0 && res.elapsed < MT_SEC);
}

static void test_status_mismatch(void **state)
{
	struct result res = probe1("/503", 200, NULL, MT_SEC);

	(void)state;
	assert_false(res.up);
	assert_string_equal(res.why, "status 503 (expected 200)");
	/* expect_status is any code, 503 included */
	res = probe1("/503", 503, NULL, MT_SEC);
	assert_true(res.up);
	/* redirects are not followed: the 302 itself is judged */
	res = probe1("/redirect", 200, NULL, MT_SEC);
	assert_false(res.up);
	assert_string_equal(res.why, "status 302 (expected 200)");
}

static void test_body(void **state)
{
	struct result res = probe1("/ok", 200, "ok", MT_SEC);

	(void)state;
	assert_true(res.up);
	res = probe1("/ok", 200, "nope", MT_SEC);
	assert_false(res.up);
	assert_string_equal(res.why, "body lacks \"nope\"");
	/* status is judged before the body */
	res = probe1("/503", 200, "nope", MT_SEC);
	assert_string_equal(res.why, "status 503 (expected 200)");
	/* 64 KB cap: a match within it counts, one beyond it does not */
	res = probe1("/big", 200, "early", MT_SEC);
	assert_true(res.up);
	res = probe1("/big", 200, "late", MT_SEC);
	assert_false(res.up);
	assert_string_equal(res.why, "body lacks \"late\"");
	/* a big body without expect_body is fine */
	res = probe1("/big", 200, NULL, MT_SEC);
	assert_true(res.up);
}

static void test_timeout(void **state)
{
	struct result res = probe1("/hang", 200, NULL, 300 * MT_MSEC);

	(void)state;
	assert_false(res.up);
	assert_string_equal(res.why, "timeout after 0.30 s");
	assert_true(res.elapsed >= 290 * MT_MSEC && res.elapsed < 800 * MT_MSEC);
}

static void test_refused(void **state)
{
	struct run r;
	struct probe_ctx c;
	char url[128], err[256];
	int port, fd = listen_any(&port); /* bound, not listening: connect is refused */

	(void)state;
	assert_true(fd >= 0);
	run_init(&r);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	c.run = &r;
	memset(&c.res, 0, sizeof(c.res));
	assert_non_null(
	    track_http_start(r.prober, url, 200, NULL, MT_SEC, done_cb, &c, err, sizeof(err)));
	r.pending = 1;
	run_until(&r, 2 * MT_SEC);
	close(fd);
	assert_false(r.guard_fired);
	assert_int_equal(c.res.calls, 1);
	assert_false(c.res.up);
	assert_string_equal(c.res.why, "connect: Connection refused");
	run_free(&r);
}

/* https to a plain HTTP server: the TLS handshake fails, with libcurl's reason. */
static void test_https_to_plain(void **state)
{
	struct run r;
	struct probe_ctx c;
	char url[128], err[256];

	(void)state;
	run_init(&r);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/ok", server_port);
	c.run = &r;
	memset(&c.res, 0, sizeof(c.res));
	assert_non_null(
	    track_http_start(r.prober, url, 200, NULL, MT_SEC, done_cb, &c, err, sizeof(err)));
	r.pending = 1;
	run_until(&r, 2 * MT_SEC);
	assert_false(r.guard_fired);
	assert_int_equal(c.res.calls, 1);
	assert_false(c.res.up);
	assert_true(c.res.why[0] != '\0');
	assert_null(strstr(c.res.why, "timeout")); /* a TLS error, at once */
	assert_true(c.res.elapsed < 500 * MT_MSEC);
	print_message("https to plain http: %s\n", c.res.why);
	run_free(&r);
}

/* Verification is on: a self-signed server (openssl s_server) is refused. Skipped without
 * the openssl command. */
static void test_https_self_signed(void **state)
{
	char dir[] = "/tmp/vipd-track-http.XXXXXX", cmd[512], crt[64], key[64], acc[32];
	char url[128], err[256];
	struct run r;
	struct probe_ctx c;
	int port, fd, up = 0;
	pid_t pid;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&c, 0, sizeof(c));
	assert_non_null(mkdtemp(dir));
	snprintf(crt, sizeof(crt), "%s/c.pem", dir);
	snprintf(key, sizeof(key), "%s/k.pem", dir);
	snprintf(cmd, sizeof(cmd),
	         "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
	         "-keyout %s -out %s -days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1",
	         key, crt);
	if (system(cmd) != 0) {
		unlink(crt);
		unlink(key);
		rmdir(dir);
		skip();
	}
	fd = listen_any(&port);
	assert_true(fd >= 0);
	close(fd);
	snprintf(acc, sizeof(acc), "127.0.0.1:%d", port);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execlp("openssl", "openssl", "s_server", "-accept", acc, "-cert", crt, "-key", key,
		       "-www", "-quiet", (char *)NULL);
		_exit(127);
	}
	/* wait (bounded: 2 s) until it listens */
	for (int i = 0; i < 200 && !up; i++) {
		struct sockaddr_in sin = {.sin_family = AF_INET,
		                          .sin_port = htons((uint16_t)port),
		                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		up = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
		close(fd);
		if (!up)
			usleep(10 * 1000);
	}
	if (up) {
		run_init(&r);
		snprintf(url, sizeof(url), "https://127.0.0.1:%d/", port);
		c.run = &r;
		assert_non_null(track_http_start(r.prober, url, 200, NULL, MT_SEC, done_cb, &c, err,
		                                 sizeof(err)));
		r.pending = 1;
		run_until(&r, 2 * MT_SEC);
		run_free(&r);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(crt);
	unlink(key);
	rmdir(dir);
	assert_true(up);
	assert_false(r.guard_fired);
	assert_int_equal(c.res.calls, 1);
	assert_false(c.res.up);
	print_message("https self-signed: %s\n", c.res.why);
	assert_non_null(strstr(c.res.why, "certificate"));
}

static void test_bad_args(void **state)
{
	struct run r;
	char err[256];

	(void)state;
	run_init(&r);
	assert_null(track_http_start(r.prober, "ftp://127.0.0.1/", 200, NULL, MT_SEC, done_cb, NULL,
	                             err, sizeof(err)));
	assert_non_null(strstr(err, "only http:// and https://"));
	assert_null(track_http_start(r.prober, "not a url", 200, NULL, MT_SEC, done_cb, NULL, err,
	                             sizeof(err)));
	assert_null(track_http_start(r.prober, "http://127.0.0.1/", 200, NULL, 0, done_cb, NULL,
	                             err, sizeof(err)));
	assert_int_equal(track_http_url_check("https://example.org/health", err, sizeof(err)), 0);
	assert_int_equal(track_http_url_check("http://[fd00::1]:8080/", err, sizeof(err)), 0);
	assert_int_equal(track_http_url_check("file:///etc/passwd", err, sizeof(err)), -1);
	run_free(&r);
}

static void test_cancel(void **state)
{
	struct run r;
	struct probe_ctx hang, slow, ok;
	struct http_probe *p1, *p2;

	(void)state;
	run_init(&r);
	p1 = start(&r, &hang, "/hang", 200, NULL, 200 * MT_MSEC);
	p2 = start(&r, &slow, "/slow", 200, NULL, MT_SEC);
	start(&r, &ok, "/ok", 200, NULL, MT_SEC);
	/* p1 cancelled before any event, p2 after the loop has run a little: no callbacks */
	track_http_cancel(p1);
	r.pending = 1;
	run_until(&r, 2 * MT_SEC); /* until /ok answered, /slow still running */
	assert_false(r.guard_fired);
	assert_int_equal(ok.res.calls, 1);
	assert_true(ok.res.up);
	track_http_cancel(p2);
	r.pending = 1; /* nothing may report: the guard ends this run */
	run_until(&r, 500 * MT_MSEC);
	assert_true(r.guard_fired);
	assert_int_equal(hang.res.calls, 0);
	assert_int_equal(slow.res.calls, 0);
	run_free(&r);
}

static void test_free_running(void **state)
{
	struct run r;
	struct probe_ctx a, b;

	(void)state;
	run_init(&r);
	start(&r, &a, "/hang", 200, NULL, MT_SEC);
	start(&r, &b, "/slow", 200, NULL, MT_SEC);
	r.pending = 3; /* never reached */
	run_until(&r, 100 * MT_MSEC);
	track_http_free(r.prober); /* cancels both: no callback */
	r.prober = NULL;
	run_until(&r, 400 * MT_MSEC);
	assert_int_equal(a.res.calls + b.res.calls, 0);
	run_free(&r);
}

static void test_parallel(void **state)
{
	struct run r;
	struct probe_ctx a, b, c;
	monotime t0;

	(void)state;
	run_init(&r);
	t0 = monotime_now();
	start(&r, &a, "/slow", 200, NULL, MT_SEC);
	start(&r, &b, "/slow", 200, "slow", MT_SEC);
	start(&r, &c, "/503", 200, NULL, MT_SEC);
	run_until(&r, 2 * MT_SEC);
	assert_false(r.guard_fired);
	assert_true(a.res.up);
	assert_true(b.res.up);
	assert_false(c.res.up);
	/* not queued behind the slow ones */
	assert_true(c.res.elapsed < a.res.elapsed && c.res.elapsed < b.res.elapsed);
	/* two 300 ms answers side by side, not one after the other (600 ms) */
	assert_true(a.res.elapsed >= 300 * MT_MSEC && b.res.elapsed >= 300 * MT_MSEC);
	assert_true(monotime_now() - t0 < 590 * MT_MSEC);
	run_free(&r);
}

/* A callback may start the next probe and free the prober. */
struct chain {
	struct run *run;
	int step;
	char why[2][64];
};

static void chain_cb(void *arg, bool up, const char *why, monotime elapsed)
{
	struct chain *ch = arg;
	char url[128], err[256];

	(void)up;
	(void)elapsed;
	snprintf(ch->why[ch->step], sizeof(ch->why[0]), "%s", why);
	if (ch->step++ == 0) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/503", server_port);
		assert_non_null(track_http_start(ch->run->prober, url, 200, NULL, MT_SEC, chain_cb,
		                                 ch, err, sizeof(err)));
		return;
	}
	track_http_free(ch->run->prober);
	ch->run->prober = NULL;
	loop_stop(ch->run->loop);
}

static void test_chain_and_free_in_callback(void **state)
{
	struct run r;
	struct chain ch = {.run = &r};
	char url[128], err[256];

	(void)state;
	run_init(&r);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok", server_port);
	assert_non_null(
	    track_http_start(r.prober, url, 200, NULL, MT_SEC, chain_cb, &ch, err, sizeof(err)));
	r.pending = 1;
	run_until(&r, 2 * MT_SEC);
	assert_false(r.guard_fired);
	assert_int_equal(ch.step, 2);
	assert_string_equal(ch.why[0], "status 200");
	assert_string_equal(ch.why[1], "status 503 (expected 200)");
	assert_null(r.prober);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_match),
	    cmocka_unit_test(test_status_mismatch),
	    cmocka_unit_test(test_body),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_https_to_plain),
	    cmocka_unit_test(test_https_self_signed),
	    cmocka_unit_test(test_bad_args),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_free_running),
	    cmocka_unit_test(test_parallel),
	    cmocka_unit_test(test_chain_and_free_in_callback),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
