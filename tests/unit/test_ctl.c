/* ctl: the control socket under abuse, on a real UNIX socket served by a forked loop (with a 5 ms
 * timer whose lateness tells whether a client ever stalled the loop): malformed JSON, non-object
 * JSON, unknown commands, a 10 MB line, a client that never reads while another is served,
 * pipelined requests, clients taking turns, the budget held across costly requests, half-closed
 * clients, idle clients, too many clients; the socket's mode and
 * group; the client side's outcomes (answer, unreachable, no answer). */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "vipd/ctl.h"
#include "vipd/loop.h"

/* Worst timer lateness tolerated during abuse: a stalled loop shows seconds; a busy shared
 * machine shows tens of milliseconds. */
#define MAX_LATENESS_MS 250
#define BIG_ANSWER (256 * 1024)

/* --- the server: a child process running a loop with ctl and a 5 ms timer --- */

struct server_ctx {
	struct loop *loop;
	struct ctl *ctl;
	struct loop_timer tick;
	monotime due, worst;
	long served;
	unsigned long wakeup; /* loop_wakeups() at the last costly request */
	int in_wakeup, burst; /* costly requests answered in that wakeup, and at most */
};

static void tick_cb(void *arg, monotime now)
{
	struct server_ctx *s = arg;

	if (now - s->due > s->worst)
		s->worst = now - s->due;
	s->due += 5 * MT_MSEC;
	if (s->due < now)
		s->due = now + 5 * MT_MSEC;
	loop_timer_set(s->loop, &s->tick, s->due);
}

static struct json_object *server_handler(void *arg, struct json_object *req)
{
	struct server_ctx *s = arg;
	struct json_object *cmd;
	const char *name;

	if (!json_object_object_get_ex(req, "command", &cmd) ||
	    !json_object_is_type(cmd, json_type_string))
		return ctl_reply_error("request needs a \"command\" string");
	name = json_object_get_string(cmd);
	if (strcmp(name, "status") == 0)
		return ctl_reply_ok(json_object_new_int64(++s->served));
	if (strcmp(name, "whoami") == 0)
		return ctl_reply_ok(json_object_new_int64(ctl_client_uid(s->ctl)));
	if (strcmp(name, "big") == 0) {
		char *text = malloc(BIG_ANSWER + 1);
		struct json_object *o;

		assert_non_null(text);
		memset(text, 'x', BIG_ANSWER);
		text[BIG_ANSWER] = '\0';
		o = json_object_new_string(text);
		free(text);
		return ctl_reply_ok(o);
	}
	if (strcmp(name, "medium") == 0) {
		char text[1024];

		memset(text, 'm', sizeof(text) - 1);
		text[sizeof(text) - 1] = '\0';
		return ctl_reply_ok(json_object_new_string(text));
	}
	if (strcmp(name, "slow") == 0) {
		/* a costly answer: 1 ms of work */
		monotime until = monotime_now() + MT_MSEC;

		if (loop_wakeups(s->loop) != s->wakeup)
			s->in_wakeup = 0;
		s->wakeup = loop_wakeups(s->loop);
		if (++s->in_wakeup > s->burst)
			s->burst = s->in_wakeup;
		while (monotime_now() < until)
			;
		return ctl_reply_ok(NULL);
	}
	if (strcmp(name, "slowseq") == 0 || strcmp(name, "heavy") == 0) {
		/* costly answers (1 or 20 ms of work) numbered in the order they are made */
		monotime until = monotime_now() + (name[0] == 's' ? 1 : 20) * MT_MSEC;

		while (monotime_now() < until)
			;
		return ctl_reply_ok(json_object_new_int64(++s->served));
	}
	if (strcmp(name, "burst") == 0)
		return ctl_reply_ok(json_object_new_int(s->burst));
	if (strcmp(name, "lateness") == 0)
		return ctl_reply_ok(json_object_new_int64(s->worst / MT_MSEC));
	return ctl_reply_error("unknown command");
}

struct server {
	pid_t pid;
	char dir[64];
	char path[108];
};

static struct server *server_start(monotime idle)
{
	struct server *sv = calloc(1, sizeof(*sv));
	int ready[2];
	char byte;

	assert_non_null(sv);
	snprintf(sv->dir, sizeof(sv->dir), "/tmp/vipd-test-ctl.XXXXXX");
	assert_non_null(mkdtemp(sv->dir));
	snprintf(sv->path, sizeof(sv->path), "%s/ctl.sock", sv->dir);
	assert_int_equal(pipe(ready), 0);
	sv->pid = fork();
	assert_true(sv->pid >= 0);
	if (sv->pid == 0) {
		struct server_ctx s = {0};
		struct ctl *c;
		char err[256];

		close(ready[0]);
		s.loop = loop_new();
		c = s.loop ? ctl_open(s.loop, sv->path, server_handler, &s, err, sizeof(err))
		           : NULL;
		if (!c)
			_exit(1);
		s.ctl = c;
		ctl_set_idle_timeout(c, idle);
		loop_timer_init(&s.tick, tick_cb, &s);
		s.due = monotime_now() + 5 * MT_MSEC;
		loop_timer_set(s.loop, &s.tick, s.due);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		loop_run(s.loop);
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &byte, 1), 1);
	close(ready[0]);
	return sv;
}

static int server_setup(void **state)
{
	*state = server_start(2 * MT_SEC);
	return 0;
}

static int server_setup_short_idle(void **state)
{
	*state = server_start(300 * MT_MSEC);
	return 0;
}

static int server_teardown(void **state)
{
	struct server *sv = *state;

	kill(sv->pid, SIGKILL);
	waitpid(sv->pid, NULL, 0);
	unlink(sv->path);
	rmdir(sv->dir);
	free(sv);
	return 0;
}

/* --- a test client --- */

struct conn {
	int fd;
	char buf[1 << 20];
	size_t len;
};

static struct conn *conn_open(const struct server *sv)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	assert_non_null(c);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sv->path);
	/* a blocking connect, like vipctl's: it waits while the listen backlog is full */
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(fcntl(c->fd, F_SETFL, O_NONBLOCK), 0);
	return c;
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c);
}

static int wait_for(int fd, short events, monotime deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	monotime left = deadline - monotime_now();

	return left <= 0 ? 0 : poll(&p, 1, (int)(left / MT_MSEC) + 1);
}

/* Send len bytes; returns how many went before an error or the deadline. */
static size_t conn_send(struct conn *c, const char *data, size_t len, monotime deadline)
{
	size_t sent = 0;

	while (sent < len && wait_for(c->fd, POLLOUT, deadline) > 0) {
		ssize_t n = send(c->fd, data + sent, len - sent, MSG_NOSIGNAL);

		if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		if (n > 0)
			sent += (size_t)n;
	}
	return sent;
}

static void conn_say(struct conn *c, const char *line)
{
	size_t len = strlen(line);

	assert_int_equal(conn_send(c, line, len, monotime_now() + 2 * MT_SEC), len);
}

/* The next line (without its newline) into line; 1, 0 at EOF (or reset), -1 at the deadline. */
static int conn_line(struct conn *c, char *line, size_t size, monotime deadline)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		ssize_t n;

		if (nl) {
			size_t l = (size_t)(nl - c->buf);

			snprintf(line, size, "%.*s", (int)l, c->buf);
			memmove(c->buf, nl + 1, c->len - l - 1);
			c->len -= l + 1;
			return 1;
		}
		if (c->len == sizeof(c->buf))
			c->len = 0; /* a huge answer: only its end matters */
		if (wait_for(c->fd, POLLIN, deadline) <= 0)
			return -1;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return 0;
		c->len += (size_t)n;
	}
}

/* Send one request line, return the answer line (static buffer). */
static const char *ask(struct conn *c, const char *request)
{
	static char line[4096];

	conn_say(c, request);
	assert_int_equal(conn_line(c, line, sizeof(line), monotime_now() + 2 * MT_SEC), 1);
	return line;
}

static long lateness_ms(const struct server *sv)
{
	struct conn *c = conn_open(sv);
	const char *a = ask(c, "{\"command\":\"lateness\"}\n");
	long ms = -1;

	assert_int_equal(sscanf(a, "{\"ok\":true,\"result\":%ld}", &ms), 1);
	conn_close(c);
	print_message("worst lateness of the 5 ms timer: %ld ms\n", ms);
	return ms;
}

static int count_fds(pid_t pid)
{
	char dir[64], cmd[128];
	FILE *p;
	int n = -1;

	snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	snprintf(cmd, sizeof(cmd), "ls %s | wc -l", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* --- tests --- */

/* Bad requests get an error each, and the same connection goes on serving. */
static void bad_requests_answered(void **state)
{
	static const char *const bad[][2] = {
	    {"{\"command\":\n", "malformed JSON request"},
	    {"{\"command\":\"status\"} trailing\n", "malformed JSON request"},
	    {"[1,2]\n", "a request is a JSON object"},
	    {"\"status\"\n", "a request is a JSON object"},
	    {"{}\n", "request needs a \\\"command\\\" string"},
	    {"{\"command\":\"rm -rf\"}\n", "unknown command"},
	    /* nested deeper than the parser goes */
	    {"{\"command\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]"
	     "]]]]]]]]]]]"
	     "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n",
	     "malformed JSON request"},
	};
	struct server *sv = *state;
	struct conn *c = conn_open(sv);
	static const char nul_line[] = "{\"command\":\"status\"}\0junk\n";
	char want[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "{\"ok\":false,\"error\":\"%s\"}", bad[i][1]);
		assert_string_equal(ask(c, bad[i][0]), want);
	}
	assert_int_equal(conn_send(c, nul_line, sizeof(nul_line) - 1, monotime_now() + MT_SEC),
	                 sizeof(nul_line) - 1);
	{
		char line[256];

		assert_int_equal(conn_line(c, line, sizeof(line), monotime_now() + 2 * MT_SEC), 1);
		assert_string_equal(line, "{\"ok\":false,\"error\":\"malformed JSON request\"}");
	}
	/* blank lines are skipped; CR LF (a terminal, nc -C) is a line end */
	assert_string_equal(ask(c, "\n  \n{\"command\":\"status\"}\r\n"),
	                    "{\"ok\":true,\"result\":1}");
	conn_close(c);
	assert_true(lateness_ms(sv) < MAX_LATENESS_MS);
}

/* A 10 MB line: answered with an error and hung up on long before it is all sent; others are
 * served meanwhile and after. */
static void ten_megabyte_line(void **state)
{
	enum { TEN_MB = 10 * 1024 * 1024 };
	struct server *sv = *state;
	struct conn *c = conn_open(sv), *other;
	char *junk = malloc(TEN_MB);
	char line[256];
	size_t sent;
	int r;

	assert_non_null(junk);
	memset(junk, '{', TEN_MB);
	junk[TEN_MB - 1] = '\n';
	sent = conn_send(c, junk, TEN_MB, monotime_now() + 5 * MT_SEC);
	print_message("the server hung up after %zu of %d bytes\n", sent, TEN_MB);
	assert_true(sent < TEN_MB);
	/* the error, if it is still readable, then the end */
	r = conn_line(c, line, sizeof(line), monotime_now() + 2 * MT_SEC);
	if (r == 1) {
		assert_string_equal(line, "{\"ok\":false,\"error\":\"request too large\"}");
		r = conn_line(c, line, sizeof(line), monotime_now() + 2 * MT_SEC);
	}
	assert_int_equal(r, 0);
	conn_close(c);
	other = conn_open(sv);
	assert_string_equal(ask(other, "{\"command\":\"status\"}\n"), "{\"ok\":true,\"result\":1}");
	conn_close(other);
	free(junk);
	assert_true(lateness_ms(sv) < MAX_LATENESS_MS);
}

/* One client floods requests for big answers and never reads; another is served promptly all
 * along, the server's memory stays bounded, and the silent client is dropped when idle. */
static void never_reading_client(void **state)
{
	struct server *sv = *state;
	struct conn *hog = conn_open(sv), *c;
	static const char req[] = "{\"command\":\"big\"}\n";
	monotime worst = 0;
	int fds_before, served = 0;
	size_t sent = 0;

	c = conn_open(sv);
	assert_string_equal(ask(c, "{\"command\":\"status\"}\n"), "{\"ok\":true,\"result\":1}");
	fds_before = count_fds(sv->pid);
	/* until its requests no longer go in: the server stopped reading them */
	for (int i = 0; i < 100000; i++) {
		size_t n = conn_send(hog, req, sizeof(req) - 1, monotime_now() + 200 * MT_MSEC);

		sent += n;
		if (n < sizeof(req) - 1)
			break;
	}
	print_message("the hog got %zu bytes of requests in before the server stopped reading\n",
	              sent);
	assert_true(sent < 4 * 1024 * 1024);
	for (int i = 0; i < 20; i++) {
		monotime t0 = monotime_now();
		char want[64];

		snprintf(want, sizeof(want), "{\"ok\":true,\"result\":%d}", i + 2);
		assert_string_equal(ask(c, "{\"command\":\"status\"}\n"), want);
		if (monotime_now() - t0 > worst)
			worst = monotime_now() - t0;
		served++;
	}
	print_message("%d requests served beside the hog, slowest %.1f ms; server RSS %ld kB\n",
	              served, (double)worst / MT_MSEC, rss_kb(sv->pid));
	assert_true(worst < MAX_LATENESS_MS * MT_MSEC);
	assert_true(rss_kb(sv->pid) < 64 * 1024);
	conn_close(c);
	assert_true(lateness_ms(sv) < MAX_LATENESS_MS);
	/* the hog idle (no byte moved) for 2 s: dropped, its fd closed like the other's */
	for (int i = 0; i < 100 && count_fds(sv->pid) > fds_before - 2; i++)
		usleep(50000);
	assert_int_equal(count_fds(sv->pid), fds_before - 2); /* both clients gone */
	conn_close(hog);
}

/* 500 requests in one write: 500 answers, in order; then 500 whose answers (500 kB in all)
 * outgrow what vipd buffers for a client before it stops reading: all answered too. */
static void pipelined_requests(void **state)
{
	struct server *sv = *state;
	struct conn *c = conn_open(sv);
	char *all = malloc(500 * 32), line[2048], want[64];
	size_t len = 0;

	assert_non_null(all);
	for (int i = 0; i < 500; i++)
		len += (size_t)sprintf(all + len, "{\"command\":\"status\"}\n");
	assert_int_equal(conn_send(c, all, len, monotime_now() + 2 * MT_SEC), len);
	for (int i = 0; i < 500; i++) {
		snprintf(want, sizeof(want), "{\"ok\":true,\"result\":%d}", i + 1);
		assert_int_equal(conn_line(c, line, sizeof(line), monotime_now() + 2 * MT_SEC), 1);
		assert_string_equal(line, want);
	}
	len = 0;
	for (int i = 0; i < 500; i++)
		len += (size_t)sprintf(all + len, "{\"command\":\"medium\"}\n");
	assert_int_equal(conn_send(c, all, len, monotime_now() + 2 * MT_SEC), len);
	for (int i = 0; i < 500; i++) {
		assert_int_equal(conn_line(c, line, sizeof(line), monotime_now() + 2 * MT_SEC), 1);
		assert_int_equal(strlen(line), 20 + 1023 + 3);
	}
	free(all);
	conn_close(c);
}

/* 20 clients pipeline 10 costly requests (1 ms each) at once: all are answered, and no turn of
 * the loop answers more than the window budget's worth (2 ms: 2 or 3 of them; without the
 * budget one turn of the loop would answer 20 x 8). */
static void costly_requests_budgeted(void **state)
{
	enum { NCLIENTS = 20, NREQ = 10 };
	struct server *sv = *state;
	struct conn *cs[NCLIENTS];
	char line[256];
	monotime t0 = monotime_now();
	int burst;

	for (int i = 0; i < NCLIENTS; i++) {
		cs[i] = conn_open(sv);
		for (int k = 0; k < NREQ; k++)
			conn_say(cs[i], "{\"command\":\"slow\"}\n");
	}
	for (int i = 0; i < NCLIENTS; i++) {
		for (int k = 0; k < NREQ; k++) {
			assert_int_equal(conn_line(cs[i], line, sizeof(line), t0 + 20 * MT_SEC), 1);
			assert_string_equal(line, "{\"ok\":true,\"result\":null}");
		}
		if (i)
			conn_close(cs[i]);
	}
	print_message("%d costly requests (%d ms of work) answered in %.0f ms\n", NCLIENTS * NREQ,
	              NCLIENTS * NREQ, (double)(monotime_now() - t0) / MT_MSEC);
	burst = atoi(ask(cs[0], "{\"command\":\"burst\"}\n") + strlen("{\"ok\":true,\"result\":"));
	print_message("at most %d costly requests answered in one turn of the loop\n", burst);
	assert_true(burst >= 1 && burst <= 8);
	conn_close(cs[0]);
	assert_true(lateness_ms(sv) < MAX_LATENESS_MS);
}

/* `echo REQUEST | nc -U`: the client closes its side after the request; it still gets the
 * answer, also for a last line without its newline. */
static void half_closed_client(void **state)
{
	struct server *sv = *state;
	char line[256];

	for (int nl = 1; nl >= 0; nl--) {
		struct conn *c = conn_open(sv);

		conn_say(c, nl ? "{\"command\":\"status\"}\n{\"command\":\"status\"}\n"
		               : "{\"command\":\"status\"}");
		assert_int_equal(shutdown(c->fd, SHUT_WR), 0);
		assert_int_equal(conn_line(c, line, sizeof(line), monotime_now() + 2 * MT_SEC), 1);
		assert_memory_equal(line, "{\"ok\":true,\"result\":", 20);
		if (nl)
			assert_int_equal(
			    conn_line(c, line, sizeof(line), monotime_now() + 2 * MT_SEC), 1);
		assert_int_equal(conn_line(c, line, sizeof(line), monotime_now() + 2 * MT_SEC), 0);
		conn_close(c);
	}
}

/* A client that connects and says nothing is dropped after the idle timeout (300 ms here). */
static void idle_client_dropped(void **state)
{
	struct server *sv = *state;
	struct conn *c = conn_open(sv);
	monotime t0 = monotime_now();
	char line[64];

	assert_int_equal(conn_line(c, line, sizeof(line), t0 + 3 * MT_SEC), 0);
	print_message("idle client dropped after %.0f ms\n",
	              (double)(monotime_now() - t0) / MT_MSEC);
	assert_true(monotime_now() - t0 >= 250 * MT_MSEC);
	conn_close(c);
}

/* 64 clients at once; the 65th is told so and closed; a freed slot serves again. */
static void too_many_clients(void **state)
{
	struct server *sv = *state;
	struct conn *cs[64], *extra;
	char line[256];
	int r = -1;

	for (int i = 0; i < 64; i++) {
		cs[i] = conn_open(sv);
		assert_memory_equal(ask(cs[i], "{\"command\":\"status\"}\n"), "{\"ok\":true", 10);
	}
	extra = conn_open(sv);
	assert_int_equal(conn_line(extra, line, sizeof(line), monotime_now() + 2 * MT_SEC), 1);
	assert_string_equal(line, "{\"ok\":false,\"error\":\"too many clients\"}");
	assert_int_equal(conn_line(extra, line, sizeof(line), monotime_now() + 2 * MT_SEC), 0);
	conn_close(extra);
	conn_close(cs[0]);
	/* the server notices the close on its next turn */
	for (int i = 0; i < 100 && r != 1; i++) {
		extra = conn_open(sv);
		conn_say(extra, "{\"command\":\"status\"}\n");
		r = conn_line(extra, line, sizeof(line), monotime_now() + 2 * MT_SEC);
		if (r == 1 && strstr(line, "too many clients"))
			r = 0;
		conn_close(extra);
	}
	assert_int_equal(r, 1);
	for (int i = 1; i < 64; i++)
		conn_close(cs[i]);
}

/* The client side: an answer, nobody listening (unreachable), a listener that never answers. */
static void query_outcomes(void **state)
{
	struct server *sv = *state;
	struct json_object *req = json_object_new_object(), *reply;
	enum ctl_query_status st;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char err[256], mute[100];
	int fd;

	json_object_object_add(req, "command", json_object_new_string("status"));
	reply = ctl_query(sv->path, req, 2000, &st, err, sizeof(err));
	assert_non_null(reply);
	assert_int_equal(st, CTL_QUERY_OK);
	json_object_put(reply);

	/* The handler learns who asked (for the ctl debug lines); nobody outside a request. */
	assert_int_equal(ctl_client_uid(NULL), -1);
	{
		struct json_object *who = json_object_new_object(), *result;

		json_object_object_add(who, "command", json_object_new_string("whoami"));
		reply = ctl_query(sv->path, who, 2000, &st, err, sizeof(err));
		assert_non_null(reply);
		assert_true(json_object_object_get_ex(reply, "result", &result));
		assert_int_equal(json_object_get_int64(result), (int64_t)getuid());
		json_object_put(reply);
		json_object_put(who);
	}

	reply = ctl_query("/nonexistent/vipd.sock", req, 2000, &st, err, sizeof(err));
	assert_null(reply);
	assert_int_equal(st, CTL_QUERY_UNREACHABLE);
	assert_non_null(strstr(err, "cannot connect"));

	snprintf(mute, sizeof(mute), "%s/mute.sock", sv->dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", mute);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 4), 0);
	reply = ctl_query(mute, req, 200, &st, err, sizeof(err));
	assert_null(reply);
	assert_int_equal(st, CTL_QUERY_FAILED);
	assert_non_null(strstr(err, "no answer from vipd within 200 ms"));
	close(fd);
	unlink(mute);
	json_object_put(req);
}

/* 8 clients pipeline 30 costly requests each (1 ms of work, numbered in the order answered):
 * they take turns of at most 2 requests, so between two answers of one client come at most
 * 7 x 2 of the others (16 stated: the first turns start as the clients connect), and none
 * waits 1 s for its next answer (a round costs 16 ms of work, 80 ms at 2 ms per 10 ms). */
static void pipelining_clients_take_turns(void **state)
{
	enum { NCLIENTS = 8, NREQ = 30 };
	struct server *sv = *state;
	struct conn *cs[NCLIENTS];
	struct pollfd pf[NCLIENTS];
	long last[NCLIENTS] = {0}, worst_seq = 0;
	int got[NCLIENTS] = {0}, done = 0;
	monotime t_last[NCLIENTS], worst = 0, deadline = monotime_now() + 30 * MT_SEC;
	char line[256];

	for (int i = 0; i < NCLIENTS; i++)
		cs[i] = conn_open(sv);
	for (int i = 0; i < NCLIENTS; i++) {
		for (int k = 0; k < NREQ; k++)
			conn_say(cs[i], "{\"command\":\"slowseq\"}\n");
		t_last[i] = monotime_now();
		pf[i] = (struct pollfd){.fd = cs[i]->fd, .events = POLLIN};
	}
	while (done < NCLIENTS && monotime_now() < deadline) {
		assert_true(poll(pf, NCLIENTS, 1000) >= 0);
		for (int i = 0; i < NCLIENTS; i++) {
			long seq;

			while (got[i] < NREQ && conn_line(cs[i], line, sizeof(line),
			                                  monotime_now() + MT_MSEC) == 1) {
				assert_int_equal(sscanf(line, "{\"ok\":true,\"result\":%ld}", &seq),
				                 1);
				/* between two answers: before its first, the server may have
				 * served others whose requests arrived before this client's */
				if (last[i] != 0 && seq - last[i] > worst_seq)
					worst_seq = seq - last[i];
				if (monotime_now() - t_last[i] > worst)
					worst = monotime_now() - t_last[i];
				last[i] = seq;
				t_last[i] = monotime_now();
				done += ++got[i] == NREQ;
			}
			pf[i].events = got[i] < NREQ ? POLLIN : 0;
		}
	}
	print_message(
	    "most answers of others between two of one client: %ld; longest wait %.0f ms\n",
	    worst_seq - 1, (double)worst / MT_MSEC);
	assert_int_equal(done, NCLIENTS);
	assert_true(worst_seq <= 16);
	assert_true(worst < MT_SEC);
	for (int i = 0; i < NCLIENTS; i++)
		conn_close(cs[i]);
}

/* A request costing more than the whole budget (20 ms of work against 2 ms per 10 ms) is paid
 * for by silence: one client pipelining them gets at most 12 answered in the second after its
 * first answer (0.2 s of work: 10, and 2 for the budget it started with), not 50. */
static void budget_holds_across_requests(void **state)
{
	struct server *sv = *state;
	struct conn *c = conn_open(sv);
	monotime first = 0;
	char line[256];
	int n = 0;

	for (int k = 0; k < 60; k++)
		conn_say(c, "{\"command\":\"heavy\"}\n");
	assert_int_equal(conn_line(c, line, sizeof(line), monotime_now() + 5 * MT_SEC), 1);
	first = monotime_now();
	while (conn_line(c, line, sizeof(line), first + MT_SEC) == 1)
		n++;
	print_message("%d requests of 20 ms answered in the second after the first\n", n);
	assert_true(n >= 1 && n <= 12);
	conn_close(c);
}

static struct json_object *echo_handler(void *arg, struct json_object *req)
{
	(void)arg;
	return ctl_reply_ok(json_object_get(req));
}

/* vipctl --json prints the result's text from the answer line as is: it must be what parsing the
 * line and printing its result (as vipctl did) prints, for the values status holds (doubles,
 * escapes, UTF-8, nesting, big counters); anything but an ok answer with an object is refused. */
static void reply_ok_object_text(void **state)
{
	static const char *refused[] = {
	    "{\"ok\":false,\"error\":\"no such instance\"}\n",
	    "{\"ok\":true,\"result\":null}\n",
	    "{\"ok\":true,\"result\":[\"a\"]}\n",
	    "{\"ok\":true,\"result\":{}\n",
	    "{\"ok\":true,\"result\":{",
	    "",
	};
	const int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	struct json_object *r = json_object_new_object(), *a = json_object_new_array(), *reply;
	struct json_object *parsed, *pres;
	char *line;
	const char *text, *want;
	size_t len;

	(void)state;
	json_object_object_add(r, "since", json_object_new_double(16.97822823));
	json_object_object_add(r, "third", json_object_new_double(1.0 / 3));
	json_object_object_add(r, "tiny", json_object_new_double(1e-7));
	json_object_object_add(r, "whole", json_object_new_double(2.0));
	json_object_object_add(r, "big", json_object_new_uint64(UINT64_MAX));
	json_object_object_add(r, "neg", json_object_new_int64(INT64_MIN));
	json_object_object_add(r, "s", json_object_new_string("a/b \"q\" \\ \t\x01 \xc3\xa9"));
	json_object_object_add(r, "none", NULL);
	json_object_array_add(a, json_object_new_object());
	json_object_array_add(a, json_object_new_boolean(0));
	json_object_object_add(r, "list", a);
	reply = ctl_reply_ok(r);
	assert_non_null(reply);
	assert_true(asprintf(&line, "%s\n", json_object_to_json_string_ext(reply, flags)) > 0);
	text = ctl_reply_ok_object(line, &len);
	assert_non_null(text);
	parsed = json_tokener_parse(line);
	assert_true(json_object_object_get_ex(parsed, "result", &pres));
	want = json_object_to_json_string_ext(pres, flags);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(text, want, len);
	json_object_put(parsed);
	json_object_put(reply);
	free(line);

	assert_non_null(text = ctl_reply_ok_object("{\"ok\":true,\"result\":{}}\r\n", &len));
	assert_int_equal(len, 2);
	assert_memory_equal(text, "{}", 2);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_null(ctl_reply_ok_object(refused[i], &len));
}

/* ctl_reply_ok_text: the result's text goes out as it was written (the status of 1000
 * instances), inside the same {"ok":true,"result":...} ctl_reply_ok makes, and comes back out of
 * the answer line whole; the reply frees the text. */
static void reply_ok_text_as_written(void **state)
{
	const int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *result =
	    "{\"name\":\"a/b \\\"q\\\"\",\"since\":0.10000000000000001,\"x\":[1,null]}";
	struct json_object *reply = ctl_reply_ok_text(strdup(result), strlen(result));
	char *line;
	const char *text;
	size_t len;

	(void)state;
	assert_non_null(reply);
	assert_true(asprintf(&line, "%s\n", json_object_to_json_string_ext(reply, flags)) > 0);
	assert_true(strncmp(line, "{\"ok\":true,\"result\":{", 21) == 0);
	text = ctl_reply_ok_object(line, &len);
	assert_non_null(text);
	assert_int_equal(len, strlen(result));
	assert_memory_equal(text, result, len);
	free(line);
	json_object_put(reply);
}

/* ctl_handle_line alone (the fuzzed entry): sizes, CR, non-objects. */
static void handle_line(void **state)
{
	char *big = malloc(CTL_MAX_REQUEST + 2);
	struct json_object *r;

	(void)state;
	assert_non_null(big);
	r = ctl_handle_line(echo_handler, NULL, "{\"a\":1}\r", 8);
	assert_string_equal(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
	                    "{\"ok\":true,\"result\":{\"a\":1}}");
	json_object_put(r);
	r = ctl_handle_line(echo_handler, NULL, "{\"a\":1}", 3);
	assert_string_equal(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
	                    "{\"ok\":false,\"error\":\"malformed JSON request\"}");
	json_object_put(r);
	r = ctl_handle_line(echo_handler, NULL, "", 0);
	assert_string_equal(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
	                    "{\"ok\":false,\"error\":\"malformed JSON request\"}");
	json_object_put(r);
	big[0] = '{';
	memset(big + 1, ' ', CTL_MAX_REQUEST);
	big[CTL_MAX_REQUEST + 1] = '}';
	r = ctl_handle_line(echo_handler, NULL, big, CTL_MAX_REQUEST + 2);
	assert_string_equal(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN),
	                    "{\"ok\":false,\"error\":\"request too large\"}");
	json_object_put(r);
	free(big);
}

/* The socket file is 0660 and, with control_socket_group, belongs to that group. */
static void socket_mode_and_group(void **state)
{
	struct loop *l = loop_new();
	char dir[] = "/tmp/vipd-test-ctl.XXXXXX", path[128], err[256];
	const struct group *gr;
	struct ctl *c;
	struct stat st;

	(void)state;
	assert_non_null(l);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	c = ctl_open(l, path, echo_handler, NULL, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(ctl_set_group(c, "", err, sizeof(err)), 0);
	assert_int_equal(ctl_set_group(c, "no-such-group-vipd-test", err, sizeof(err)), -1);
	assert_string_equal(err, "no group \"no-such-group-vipd-test\"");
	gr = getgrnam("nogroup");
	if (!gr)
		gr = getgrnam("daemon");
	if (gr && geteuid() == 0) {
		gid_t gid = gr->gr_gid;
		char name[64];

		/* (a copy: getgrnam reuses the buffer gr points into) */
		snprintf(name, sizeof(name), "%s", gr->gr_name);
		assert_int_equal(ctl_set_group(c, name, err, sizeof(err)), 0);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_gid, gid);
		assert_int_equal(st.st_mode & 07777, 0660);
	}
	ctl_close(c);
	assert_int_equal(stat(path, &st), -1);
	rmdir(dir);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(bad_requests_answered, server_setup, server_teardown),
	    cmocka_unit_test_setup_teardown(ten_megabyte_line, server_setup, server_teardown),
	    cmocka_unit_test_setup_teardown(never_reading_client, server_setup, server_teardown),
	    cmocka_unit_test_setup_teardown(pipelined_requests, server_setup, server_teardown),
	    cmocka_unit_test_setup_teardown(costly_requests_budgeted, server_setup,
	                                    server_teardown),
	    cmocka_unit_test_setup_teardown(pipelining_clients_take_turns, server_setup,
	                                    server_teardown),
	    cmocka_unit_test_setup_teardown(budget_holds_across_requests, server_setup,
	                                    server_teardown),
	    cmocka_unit_test_setup_teardown(half_closed_client, server_setup, server_teardown),
	    cmocka_unit_test_setup_teardown(idle_client_dropped, server_setup_short_idle,
	                                    server_teardown),
	    cmocka_unit_test_setup_teardown(too_many_clients, server_setup, server_teardown),
	    cmocka_unit_test_setup_teardown(query_outcomes, server_setup, server_teardown),
	    cmocka_unit_test(handle_line),
	    cmocka_unit_test(reply_ok_object_text),
	    cmocka_unit_test(reply_ok_text_as_written),
	    cmocka_unit_test(socket_mode_and_group),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
