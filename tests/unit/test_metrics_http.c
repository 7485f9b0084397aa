/* Unit tests for metrics_http: the pure request parser (every verdict, final verdicts never change
 * with more bytes, the size limit) and the responder on a real socket on 127.0.0.1 with an
 * ephemeral port, run by the loop: GET /metrics, 404, 405, 400, 431, 500, a request dribbled byte
 * by byte, a silent client and a client that never reads dropped at the time limit while others
 * are served, and the client limit. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vipd/loop.h"
#include "vipd/metrics_http.h"

/* --- the parser --- */

static enum http_verdict parse(const char *s)
{
	return metrics_http_request_parse(s, strlen(s));
}

static void test_parse_verdicts(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), HTTP_OK);
	assert_int_equal(parse("GET /metrics HTTP/1.0\r\n\r\n"), HTTP_OK);
	assert_int_equal(parse("GET /metrics HTTP/1.1\n\n"), HTTP_OK);
	assert_int_equal(parse("GET /metrics?x=1 HTTP/1.1\r\n\r\n"), HTTP_OK);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nA: b\r\nUser-Agent: Prometheus/2.45\t\r\n"
	                       "X-Empty:\r\n\r\nbody ignored"),
	                 HTTP_OK);
	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n"), HTTP_NOT_FOUND);
	assert_int_equal(parse("GET /metricsx HTTP/1.1\r\n\r\n"), HTTP_NOT_FOUND);
	assert_int_equal(parse("GET /Metrics HTTP/1.1\r\n\r\n"), HTTP_NOT_FOUND);
	assert_int_equal(parse("GET http://h/metrics HTTP/1.1\r\n\r\n"), HTTP_NOT_FOUND);
	assert_int_equal(parse("POST /metrics HTTP/1.1\r\n\r\n"), HTTP_BAD_METHOD);
	assert_int_equal(parse("HEAD /metrics HTTP/1.1\r\n\r\n"), HTTP_BAD_METHOD);
	assert_int_equal(parse("get /metrics HTTP/1.1\r\n\r\n"), HTTP_BAD_METHOD);
	/* malformed: known as soon as the bad line is complete, before the header ends */
	assert_int_equal(parse("GET /metrics HTTP/2.0\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("GET /metrics HTTP/1.1 \r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("GET  /metrics HTTP/1.1\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("GET /metrics\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("GET /met\x01rics HTTP/1.1\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("\r\nGET /metrics HTTP/1.1\r\n\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("G\rET /metrics HTTP/1.1\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("\x16\x03\x01\x02\x10\x01\x05\x01\xfc\x03\x03\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nNo colon\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nName : v\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nA: b\r\n folded\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nA: b\x7f\r\n"), HTTP_BAD_REQUEST);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nA: b\rc\r\n"), HTTP_BAD_REQUEST);
	/* a bad header wins over a path that would be 404 */
	assert_int_equal(parse("GET /x HTTP/1.1\r\nbad\r\n\r\n"), HTTP_BAD_REQUEST);
	/* incomplete */
	assert_int_equal(parse(""), HTTP_INCOMPLETE);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n"), HTTP_INCOMPLETE);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\n\r"), HTTP_INCOMPLETE);
	assert_int_equal(parse("POST /metrics HTTP/1.1\r\n"), HTTP_INCOMPLETE);
	assert_int_equal(metrics_http_request_parse("GET /metrics HTTP/1.1\r\n\r\n", 24),
	                 HTTP_INCOMPLETE);
}

/* Every proper prefix of a request judged on its end of header is incomplete. */
static void test_parse_prefixes(void **state)
{
	static const char *const reqs[] = {
	    "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9650\r\nAccept: text/plain\r\n\r\n",
	    "DELETE /metrics HTTP/1.1\r\n\r\n",
	    "GET /nope HTTP/1.0\n\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		size_t len = strlen(reqs[i]);

		for (size_t k = 0; k < len; k++)
			assert_int_equal(metrics_http_request_parse(reqs[i], k), HTTP_INCOMPLETE);
		assert_int_not_equal(metrics_http_request_parse(reqs[i], len), HTTP_INCOMPLETE);
	}
}

static void test_parse_size_limit(void **state)
{
	size_t n = METRICS_HTTP_MAX_REQUEST + 100;
	char *big = malloc(n);
	const char *head = "GET /metrics HTTP/1.1\r\nX-Pad: ";

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big, head, strlen(head));
	assert_int_equal(metrics_http_request_parse(big, METRICS_HTTP_MAX_REQUEST - 1),
	                 HTTP_INCOMPLETE);
	assert_int_equal(metrics_http_request_parse(big, METRICS_HTTP_MAX_REQUEST), HTTP_TOO_LARGE);
	assert_int_equal(metrics_http_request_parse(big, n), HTTP_TOO_LARGE);
	/* the end of the header just past the limit does not count */
	memcpy(big + METRICS_HTTP_MAX_REQUEST - 2, "\r\n\r\n", 4);
	assert_int_equal(metrics_http_request_parse(big, METRICS_HTTP_MAX_REQUEST + 2),
	                 HTTP_TOO_LARGE);
	/* ... and just within it does */
	memcpy(big + METRICS_HTTP_MAX_REQUEST - 4, "\r\n\r\n", 4);
	assert_int_equal(metrics_http_request_parse(big, METRICS_HTTP_MAX_REQUEST), HTTP_OK);
	free(big);
}

static void test_response(void **state)
{
	size_t len;
	char *r = metrics_http_response(HTTP_OK, "a 1\n", 4, &len), *s;

	(void)state;
	assert_non_null(r);
	s = strndup(r, len);
	assert_string_equal(s, "HTTP/1.1 200 OK\r\n"
	                       "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
	                       "Content-Length: 4\r\nConnection: close\r\n\r\na 1\n");
	free(s);
	free(r);
	r = metrics_http_response(HTTP_BAD_METHOD, NULL, 0, &len);
	s = strndup(r, len);
	assert_string_equal(s, "HTTP/1.1 405 Method Not Allowed\r\n"
	                       "Content-Type: text/plain; charset=utf-8\r\n"
	                       "Content-Length: 23\r\nAllow: GET\r\nConnection: close\r\n\r\n"
	                       "405 Method Not Allowed\n");
	free(s);
	free(r);
}

/* --- the responder on a real socket --- */

struct run {
	struct loop *loop;
	struct metrics_http *h;
	struct loop_timer guard, tick;
	bool guard_fired;
	bool (*until)(struct run *r); /* polled every 5 ms; stops the loop when true */
	size_t body_len;              /* what render returns: "vipd_up 1\n" padded to this */
	bool render_fails;
	unsigned renders;
	/* the client child's report, read from a pipe */
	int pipe_fd;
	char *got;
	size_t got_len;
	bool got_eof;
};

static char *render(void *arg, size_t *len)
{
	struct run *r = arg;
	char *b;

	r->renders++;
	if (r->render_fails)
		return NULL;
	*len = r->body_len > 10 ? r->body_len : 10;
	b = malloc(*len);
	assert_non_null(b);
	memset(b, '#', *len);
	memcpy(b, "vipd_up 1\n", 10);
	b[*len - 1] = '\n';
	return b;
}

static void guard_cb(void *arg, monotime now)
{
	struct run *r = arg;

	(void)now;
	r->guard_fired = true;
	loop_stop(r->loop);
}

static void tick_cb(void *arg, monotime now)
{
	struct run *r = arg;

	if (r->until && r->until(r)) {
		loop_stop(r->loop);
		return;
	}
	loop_timer_set(r->loop, &r->tick, now + 5 * MT_MSEC);
}

static void run_init(struct run *r)
{
	char err[128] = "";
	union vip_in lo = {.v4 = {htonl(INADDR_LOOPBACK)}};

	memset(r, 0, sizeof(*r));
	r->pipe_fd = -1;
	r->loop = loop_new();
	assert_non_null(r->loop);
	loop_timer_init(&r->guard, guard_cb, r);
	loop_timer_init(&r->tick, tick_cb, r);
	r->h = metrics_http_open(r->loop, AF_INET, &lo, 0, render, r, err, sizeof(err));
	if (!r->h)
		fail_msg("metrics_http_open: %s", err);
	assert_true(metrics_http_port(r->h) > 0);
}

static void run_free(struct run *r)
{
	metrics_http_close(r->h);
	loop_free(r->loop);
	free(r->got);
}

/* Run the loop until r->until holds (polled) or limit; false when the limit was hit. */
static bool run_until(struct run *r, bool (*until)(struct run *), monotime limit)
{
	monotime now = monotime_now();

	r->until = until;
	r->guard_fired = false;
	if (until(r))
		return true;
	loop_timer_set(r->loop, &r->guard, now + limit);
	loop_timer_set(r->loop, &r->tick, now + 5 * MT_MSEC);
	assert_int_equal(loop_run(r->loop), 0);
	loop_timer_cancel(r->loop, &r->guard);
	loop_timer_cancel(r->loop, &r->tick);
	return !r->guard_fired;
}

static int connect_lo(unsigned port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return fd;
}

/* How the client child behaves. */
enum client_mode {
	SEND_READ,  /* send the request at once, read the answer to EOF */
	DRIBBLE,    /* send it a byte every millisecond, then read */
	SEND_STALL, /* send it, never read (sleeps until killed) */
};

static void pipe_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct run *r = arg;
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)events;
	(void)now;
	if (n <= 0) {
		r->got_eof = true;
		loop_del_fd(r->loop, fd);
		return;
	}
	r->got = realloc(r->got, r->got_len + (size_t)n + 1);
	assert_non_null(r->got);
	memcpy(r->got + r->got_len, buf, (size_t)n);
	r->got_len += (size_t)n;
	r->got[r->got_len] = '\0';
}

static void child(unsigned port, const char *req, size_t len, enum client_mode mode, int out)
{
	int fd;
	char buf[65536];
	ssize_t n;

	alarm(20); /* bounded whatever happens */
	signal(SIGPIPE, SIG_IGN);
	fd = connect_lo(port);
	if (fd < 0)
		_exit(2);
	if (mode == DRIBBLE) {
		for (size_t i = 0; i < len; i++) {
			if (write(fd, req + i, 1) != 1)
				_exit(3);
			usleep(1000);
		}
	} else if (len && write(fd, req, len) != (ssize_t)len) {
		/* a server that answered early (431) may have stopped reading: fine */
	}
	if (mode == SEND_STALL)
		for (;;)
			pause();
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			_exit(4);
	_exit(0);
}

static pid_t start_client(struct run *r, const char *req, size_t len, enum client_mode mode)
{
	int p[2];
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child(metrics_http_port(r->h), req, len, mode, p[1]);
	}
	close(p[1]);
	free(r->got);
	r->got = NULL;
	r->got_len = 0;
	r->got_eof = false;
	r->pipe_fd = p[0];
	assert_int_equal(loop_add_fd(r->loop, p[0], EPOLLIN, pipe_cb, r), 0);
	return pid;
}

static bool got_eof(struct run *r)
{
	return r->got_eof;
}

/* One exchange with a SEND_READ or DRIBBLE child; returns the whole answer (r->got). */
static const char *exchange(struct run *r, const char *req, size_t len, enum client_mode mode)
{
	int status;
	pid_t pid = start_client(r, req, len, mode);

	assert_true(run_until(r, got_eof, 10 * MT_SEC));
	close(r->pipe_fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return r->got ? r->got : "";
}

static bool no_clients(struct run *r)
{
	return metrics_http_clients(r->h) == 0;
}

static size_t want_clients;

static bool clients_eq(struct run *r)
{
	return metrics_http_clients(r->h) == want_clients;
}

static bool never(struct run *r)
{
	(void)r;
	return false;
}

/* Run the loop for t. */
static void run_for(struct run *r, monotime t)
{
	assert_false(run_until(r, never, t));
}

static void test_get_metrics(void **state)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	struct run r;
	const char *a;

	(void)state;
	run_init(&r);
	a = exchange(&r, req, strlen(req), SEND_READ);
	assert_string_equal(a, "HTTP/1.1 200 OK\r\n"
	                       "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
	                       "Content-Length: 10\r\nConnection: close\r\n\r\nvipd_up 1\n");
	assert_int_equal(r.renders, 1);
	/* the same byte by byte */
	a = exchange(&r, req, strlen(req), DRIBBLE);
	assert_non_null(strstr(a, "\r\n\r\nvipd_up 1\n"));
	assert_int_equal(r.renders, 2);
	/* a body larger than the socket buffers goes out whole */
	r.body_len = 4 * 1024 * 1024;
	a = exchange(&r, req, strlen(req), SEND_READ);
	assert_non_null(strstr(a, "Content-Length: 4194304\r\n"));
	assert_int_equal(r.got_len - (size_t)(strstr(a, "\r\n\r\n") + 4 - a), 4 * 1024 * 1024);
	assert_true(run_until(&r, no_clients, 5 * MT_SEC));
	run_free(&r);
}

static void test_errors(void **state)
{
	struct run r;
	const char *a;
	char *big;
	size_t n = 3 * METRICS_HTTP_MAX_REQUEST;

	(void)state;
	run_init(&r);
	a = exchange(&r, "GET /x HTTP/1.1\r\n\r\n", 19, SEND_READ);
	assert_memory_equal(a, "HTTP/1.1 404 Not Found\r\n", 24);
	a = exchange(&r, "PUT /metrics HTTP/1.1\r\n\r\n", 25, SEND_READ);
	assert_memory_equal(a, "HTTP/1.1 405 Method Not Allowed\r\n", 33);
	assert_non_null(strstr(a, "\r\nAllow: GET\r\n"));
	/* a bad request line is answered at once: the client need not end its header */
	a = exchange(&r, "GARBAGE\r\n", 9, SEND_READ);
	assert_memory_equal(a, "HTTP/1.1 400 Bad Request\r\n", 26);
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
	a = exchange(&r, big, n, SEND_READ);
	assert_memory_equal(a, "HTTP/1.1 431 Request Header Fields Too Large\r\n", 46);
	free(big);
	r.render_fails = true;
	a = exchange(&r, "GET /metrics HTTP/1.1\r\n\r\n", 25, SEND_READ);
	assert_memory_equal(a, "HTTP/1.1 500 Internal Server Error\r\n", 36);
	assert_non_null(strstr(a, "Connection: close\r\n"));
	assert_true(run_until(&r, no_clients, 5 * MT_SEC));
	run_free(&r);
}

/* A silent client and one that never reads its 8 MB answer are dropped at the time limit; the
 * others are served meanwhile. */
static void test_slow_clients(void **state)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\n\r\n";
	struct run r;
	int silent, status;
	pid_t stall;
	monotime t0;
	const char *a;

	(void)state;
	run_init(&r);
	metrics_http_set_timeout(r.h, 500 * MT_MSEC);
	r.body_len = 8 * 1024 * 1024;
	silent = connect_lo(metrics_http_port(r.h));
	assert_true(silent >= 0);
	t0 = monotime_now();
	stall = start_client(&r, req, strlen(req), SEND_STALL);
	want_clients = 2;
	assert_true(run_until(&r, clients_eq, 400 * MT_MSEC));
	/* the stalled reader has its answer rendered (and stuck in the socket) */
	run_for(&r, 50 * MT_MSEC);
	assert_int_equal(r.renders, 1);
	assert_int_equal(metrics_http_clients(r.h), 2);
	r.body_len = 10;
	/* a normal client is served while the two are held */
	loop_del_fd(r.loop, r.pipe_fd);
	close(r.pipe_fd);
	a = exchange(&r, req, strlen(req), SEND_READ);
	assert_non_null(strstr(a, "vipd_up 1\n"));
	assert_true(monotime_now() - t0 < 500 * MT_MSEC);
	assert_true(run_until(&r, no_clients, 3 * MT_SEC));
	assert_true(monotime_now() - t0 >= 500 * MT_MSEC);
	/* the silent one saw its connection closed without an answer */
	{
		char c;
		assert_int_equal(read(silent, &c, 1), 0);
	}
	close(silent);
	kill(stall, SIGKILL);
	assert_int_equal(waitpid(stall, &status, 0), stall);
	run_free(&r);
}

/* At most METRICS_HTTP_MAX_CLIENTS connections: the next is closed at once; once the held ones
 * expire, requests are served again. */
static void test_client_limit(void **state)
{
	int fds[METRICS_HTTP_MAX_CLIENTS + 1];
	struct run r;
	char c;
	const char *a;

	(void)state;
	run_init(&r);
	metrics_http_set_timeout(r.h, 400 * MT_MSEC);
	for (int i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++) {
		fds[i] = connect_lo(metrics_http_port(r.h));
		assert_true(fds[i] >= 0);
	}
	want_clients = METRICS_HTTP_MAX_CLIENTS;
	assert_true(run_until(&r, clients_eq, 2 * MT_SEC));
	fds[METRICS_HTTP_MAX_CLIENTS] = connect_lo(metrics_http_port(r.h));
	assert_true(fds[METRICS_HTTP_MAX_CLIENTS] >= 0);
	run_for(&r, 50 * MT_MSEC);
	assert_int_equal(metrics_http_clients(r.h), METRICS_HTTP_MAX_CLIENTS);
	/* refused: closed without an answer */
	assert_int_equal(read(fds[METRICS_HTTP_MAX_CLIENTS], &c, 1), 0);
	assert_true(run_until(&r, no_clients, 2 * MT_SEC));
	a = exchange(&r, "GET /metrics HTTP/1.1\r\n\r\n", 25, SEND_READ);
	assert_memory_equal(a, "HTTP/1.1 200 OK\r\n", 17);
	for (int i = 0; i <= METRICS_HTTP_MAX_CLIENTS; i++)
		close(fds[i]);
	run_free(&r);
}

static void test_open_errors(void **state)
{
	struct loop *l = loop_new();
	union vip_in a = {.v4 = {htonl(INADDR_LOOPBACK)}}, six = {.v6 = IN6ADDR_LOOPBACK_INIT};
	char err[128];
	struct metrics_http *h, *h2;

	(void)state;
	assert_non_null(l);
	h = metrics_http_open(l, AF_INET, &a, 0, render, NULL, err, sizeof(err));
	assert_non_null(h);
	/* the same port twice: EADDRINUSE, named */
	h2 =
	    metrics_http_open(l, AF_INET, &a, metrics_http_port(h), render, NULL, err, sizeof(err));
	assert_null(h2);
	assert_string_equal(err, strerror(EADDRINUSE));
	metrics_http_close(h);
	assert_null(metrics_http_open(l, AF_UNIX, &a, 0, render, NULL, err, sizeof(err)));
	h = metrics_http_open(l, AF_INET6, &six, 0, render, NULL, err, sizeof(err));
	if (h) /* no IPv6 on lo in some sandboxes */
		metrics_http_close(h);
	metrics_http_close(NULL);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_verdicts),   cmocka_unit_test(test_parse_prefixes),
	    cmocka_unit_test(test_parse_size_limit), cmocka_unit_test(test_response),
	    cmocka_unit_test(test_get_metrics),      cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_slow_clients),     cmocka_unit_test(test_client_limit),
	    cmocka_unit_test(test_open_errors),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
