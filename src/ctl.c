/* ctl: UNIX stream control socket, one JSON object per line each way.
 * Requests are bounded, answers are buffered per client with back-pressure
 * (a client that does not read its answers is not read from either), clients
 * with requests take turns of bounded work within a time budget, and an idle
 * client is dropped: no client can stall the loop, starve another or grow
 * memory without bound. */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vipd/ctl.h"
#include "vipd/sockio.h"
#include "vipd/monotime.h"

#define CTL_MAX_CLIENTS 64
/* Bytes read from one client per turn of the loop. */
#define CTL_READ_TURN 65536
/* Requests answered for one client per turn; then the next client waiting gets its turn. */
#define CTL_LINES_TURN 2
/* Above this many answer bytes waiting, a client's requests are not read until it reads. */
#define CTL_OUT_HIGH 65536
/* All clients together spend at most CTL_BUDGET answering per CTL_WINDOW on average, in bursts
 * of at most CTL_BUDGET plus one request: the rest of the loop (adverts) never waits longer
 * than that for the control socket. A request that takes longer is a debt paid by silence. */
#define CTL_WINDOW (10 * MT_MSEC)
#define CTL_BUDGET (2 * MT_MSEC)

struct ctl_client {
	struct ctl *ctl;
	int fd;
	char *in;
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	bool eof;     /* the client closed its side: answer what is there, then close */
	bool closing; /* close once the answer is flushed; read and answer nothing more */
	bool gone;    /* the peer closed: no more events; answer what is there, then free */
	bool queued;  /* in the ring of clients waiting for a turn */
	struct ctl_client *next; /* in that ring */
	struct loop_timer idle;  /* drops a client without activity */
	long uid;                /* the peer's uid (SO_PEERCRED), -1 when unknown */
};

struct ctl {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev; /* the socket file we bound: removed at close only if path still names it */
	ino_t ino;
	ctl_handler handler;
	void *arg;
	long answering_uid; /* ctl_client_uid: the client being answered now, -1 outside */
	monotime idle_timeout;
	/* Answering budget: a token bucket refilled at CTL_BUDGET per CTL_WINDOW, at most
	 * CTL_BUDGET; negative after a request that cost more than what was left. */
	monotime tokens, refilled;
	/* Clients with requests to answer, served in turn (FIFO) from one timer: a client made
	 * ready by the socket joins the tail, it never overtakes those already waiting. */
	struct ctl_client *head, *tail;
	struct loop_timer serve;
	struct ctl_client *clients[CTL_MAX_CLIENTS];
};

static void client_free(struct ctl_client *cl)
{
	struct ctl *c = cl->ctl;

	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i] == cl)
			c->clients[i] = NULL;
	if (cl->queued) {
		struct ctl_client **pp = &c->head, *prev = NULL;

		while (*pp != cl) {
			prev = *pp;
			pp = &(*pp)->next;
		}
		*pp = cl->next;
		if (c->tail == cl)
			c->tail = prev;
	}
	loop_timer_cancel(c->loop, &cl->idle);
	if (!cl->gone)
		loop_del_fd(c->loop, cl->fd);
	close(cl->fd);
	free(cl->in);
	free(cl->out);
	free(cl);
}

static void client_touch(struct ctl_client *cl)
{
	loop_timer_set(cl->ctl->loop, &cl->idle, monotime_now() + cl->ctl->idle_timeout);
}

/* Write what the socket takes now. Returns false when the client was freed. */
static bool client_flush(struct ctl_client *cl)
{
	ssize_t n = sockio_send_some(cl->fd, cl->out, cl->out_len, &cl->out_off);

	if (n < 0) {
		client_free(cl);
		return false;
	}
	if (n > 0)
		client_touch(cl);
	if (cl->out_off == cl->out_len) {
		cl->out_off = cl->out_len = 0;
		if (cl->closing) {
			client_free(cl);
			return false;
		}
	}
	return true;
}

static bool client_queue(struct ctl_client *cl, struct json_object *reply)
{
	const char *text = reply
	                       ? json_object_to_json_string_ext(
	                             reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
	                       : NULL;
	size_t len;
	char *out;

	/* Out of memory for the answer: the client sees its connection close, as below. */
	if (!text) {
		json_object_put(reply);
		client_free(cl);
		return false;
	}
	len = strlen(text);

	if (cl->out_off) {
		/* Keep the buffer compact: what was sent goes. */
		memmove(cl->out, cl->out + cl->out_off, cl->out_len - cl->out_off);
		cl->out_len -= cl->out_off;
		cl->out_off = 0;
	}
	if (cl->out_len + len + 1 > CTL_MAX_BACKLOG) {
		/* It does not read its answers: drop it rather than grow without bound. */
		json_object_put(reply);
		client_free(cl);
		return false;
	}
	out = realloc(cl->out, cl->out_len + len + 1);
	if (!out) {
		json_object_put(reply);
		client_free(cl);
		return false;
	}
	memcpy(out + cl->out_len, text, len);
	out[cl->out_len + len] = '\n';
	cl->out = out;
	cl->out_len += len + 1;
	json_object_put(reply);
	return true;
}

struct json_object *ctl_handle_line(ctl_handler handler, void *arg, const char *line, size_t len)
{
	struct json_tokener *tok;
	struct json_object *req, *reply;

	/* A line from a terminal or `nc -C` ends in CR LF. */
	if (len && line[len - 1] == '\r')
		len--;
	if (len > CTL_MAX_REQUEST)
		return ctl_reply_error("request too large");
	tok = json_tokener_new();
	if (!tok)
		return ctl_reply_error("out of memory");
	req = json_tokener_parse_ex(tok, line, (int)len);
	if (!req || json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset != (int)len) {
		json_object_put(req);
		json_tokener_free(tok);
		return ctl_reply_error("malformed JSON request");
	}
	json_tokener_free(tok);
	if (!json_object_is_type(req, json_type_object)) {
		json_object_put(req);
		return ctl_reply_error("a request is a JSON object");
	}
	reply = handler(arg, req);
	json_object_put(req);
	return reply ? reply : ctl_reply_error("no answer");
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Answer one request line of len bytes at the start of the input (plus its newline, if any).
 * Returns false when the client was freed. */
static bool client_answer(struct ctl_client *cl, size_t len, size_t used)
{
	bool ok = true;

	if (!blank(cl->in, len)) {
		struct json_object *reply;

		cl->ctl->answering_uid = cl->uid;
		reply = ctl_handle_line(cl->ctl->handler, cl->ctl->arg, cl->in, len);
		cl->ctl->answering_uid = -1;
		ok = client_queue(cl, reply);
	}
	if (!ok)
		return false;
	memmove(cl->in, cl->in + used, cl->in_len - used);
	cl->in_len -= used;
	return true;
}

/* Read at most one turn's worth of input. Returns false when the client was freed. */
static bool client_read(struct ctl_client *cl)
{
	char buf[4096];
	size_t got = 0;

	while (got < CTL_READ_TURN) {
		ssize_t n = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT);
		char *in, *last;

		if (n == 0) {
			cl->eof = true;
			return true;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			client_free(cl);
			return false;
		}
		client_touch(cl);
		got += (size_t)n;
		in = realloc(cl->in, cl->in_len + (size_t)n);
		if (!in) {
			client_free(cl);
			return false;
		}
		cl->in = in;
		memcpy(cl->in + cl->in_len, buf, (size_t)n);
		cl->in_len += (size_t)n;
		last = memrchr(cl->in, '\n', cl->in_len);
		if (cl->in_len - (last ? (size_t)(last - cl->in) + 1 : 0) > CTL_MAX_REQUEST) {
			/* A line longer than any request: answer once and hang up. */
			cl->closing = true;
			cl->in_len = 0;
			return client_queue(cl, ctl_reply_error("request too large"));
		}
		if (last)
			return true; /* answer it before reading more */
	}
	return true;
}

/* Bring the budget up to now. */
static void budget_refill(struct ctl *c, monotime now)
{
	c->tokens += (now - c->refilled) * CTL_BUDGET / CTL_WINDOW;
	if (c->tokens > CTL_BUDGET)
		c->tokens = CTL_BUDGET;
	c->refilled = now;
}

/* When the budget is full again: the next turns start then. */
static monotime budget_full_at(const struct ctl *c)
{
	return c->refilled + (CTL_BUDGET - c->tokens) * CTL_WINDOW / CTL_BUDGET + 1;
}

/* True when the client has a request to answer now: a complete line, or the last line of a
 * client that closed its side, and room for the answer. */
static bool client_has_work(const struct ctl_client *cl)
{
	if (cl->closing || cl->out_len >= CTL_OUT_HIGH)
		return false;
	return cl->in_len && (cl->eof || memchr(cl->in, '\n', cl->in_len));
}

static void ring_push(struct ctl *c, struct ctl_client *cl)
{
	cl->queued = true;
	cl->next = NULL;
	if (c->tail)
		c->tail->next = cl;
	else
		c->head = cl;
	c->tail = cl;
	if (!loop_timer_armed(&c->serve))
		loop_timer_set(c->loop, &c->serve,
		               c->tokens > 0 ? monotime_now() : budget_full_at(c));
}

static struct ctl_client *ring_pop(struct ctl *c)
{
	struct ctl_client *cl = c->head;

	c->head = cl->next;
	if (!c->head)
		c->tail = NULL;
	cl->queued = false;
	cl->next = NULL;
	return cl;
}

/* After any change of a client: free it when it is done, queue it when it has requests to
 * answer, and watch its socket for what it waits on (room to send, or more requests while it
 * has none complete). Returns false when the client was freed. */
static bool client_update(struct ctl_client *cl)
{
	unsigned events = 0;

	if (!cl->closing && cl->eof && !cl->in_len)
		cl->closing = true; /* nothing more will come: go once the answers are sent */
	if (!cl->queued && ((cl->closing && !cl->out_len) || (cl->gone && !client_has_work(cl)))) {
		client_free(cl); /* done, or nobody to read the rest */
		return false;
	}
	if (!cl->queued && client_has_work(cl))
		ring_push(cl->ctl, cl);
	if (cl->gone)
		return true;
	if (cl->out_len)
		events |= EPOLLOUT;
	if (!cl->closing && !cl->eof && !cl->queued && cl->out_len < CTL_OUT_HIGH)
		events |= EPOLLIN;
	loop_mod_fd(cl->ctl->loop, cl->fd, events);
	return true;
}

/* One client's turn: up to CTL_LINES_TURN requests while the budget lasts, then send. Each
 * answer's whole cost is charged, also beyond what was left. Returns false when the client was
 * freed. */
static bool client_turn(struct ctl_client *cl)
{
	struct ctl *c = cl->ctl;

	for (int lines = 0; lines < CTL_LINES_TURN && c->tokens > 0 && client_has_work(cl);
	     lines++) {
		monotime t0 = monotime_now();
		char *nl = memchr(cl->in, '\n', cl->in_len);
		size_t len = nl ? (size_t)(nl - cl->in) : cl->in_len;
		bool alive = client_answer(cl, len, nl ? len + 1 : len);

		budget_refill(c, monotime_now());
		c->tokens -= monotime_now() - t0;
		if (!alive)
			return false;
		if (!nl)
			cl->closing = true; /* the last line of a client that closed its side */
	}
	return client_flush(cl);
}

/* Give each waiting client its turn, in order, while the budget lasts; a client with more to
 * answer goes back to the tail. What the budget leaves waits until it is full again. */
static void serve_cb(void *arg, monotime now)
{
	struct ctl *c = arg;

	budget_refill(c, now);
	for (struct ctl_client *end = c->tail; c->head && c->tokens > 0;) {
		struct ctl_client *cl = ring_pop(c);
		bool last = cl == end;

		if (client_turn(cl))
			client_update(cl);
		if (last)
			break; /* one round per call: the loop runs between rounds */
	}
	if (c->head)
		loop_timer_set(c->loop, &c->serve,
		               c->tokens > 0 ? monotime_now() : budget_full_at(c));
}

static void client_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct ctl_client *cl = arg;

	(void)fd;
	(void)now;
	if (events & EPOLLERR) {
		client_free(cl);
		return;
	}
	if ((events & EPOLLOUT) && !client_flush(cl))
		return;
	if ((events & EPOLLHUP) && cl->out_len) {
		/* Nobody will ever read it. */
		client_free(cl);
		return;
	}
	if ((events & (EPOLLIN | EPOLLHUP)) && !cl->closing && !cl->eof && !client_read(cl))
		return;
	if (events & EPOLLHUP) {
		/* The peer is gone: its socket would report it at every turn of the loop. Answer
		 * what it sent (a command is still carried out), then free it. */
		cl->gone = true;
		cl->eof = true;
		loop_del_fd(cl->ctl->loop, cl->fd);
	}
	client_update(cl);
}

static void idle_cb(void *arg, monotime now)
{
	(void)now;
	client_free(arg);
}

/* The uid of the process at the other end of fd, -1 when the kernel does not say. */
static long peer_uid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof(cred))
		return -1;
	return (long)cred.uid;
}

long ctl_client_uid(const struct ctl *c)
{
	return c ? c->answering_uid : -1;
}

static void accept_cb(void *arg, int fd, unsigned events, monotime now)
{
	static const char busy[] = "{\"ok\":false,\"error\":\"too many clients\"}\n";
	struct ctl *c = arg;

	(void)events;
	(void)now;
	for (int accepted = 0; accepted < CTL_MAX_CLIENTS; accepted++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct ctl_client *cl;
		size_t slot;

		if (cfd < 0)
			return;
		for (slot = 0; slot < CTL_MAX_CLIENTS && c->clients[slot]; slot++)
			;
		if (slot == CTL_MAX_CLIENTS) {
			if (send(cfd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
				/* it goes anyway */
			}
			close(cfd);
			continue;
		}
		cl = calloc(1, sizeof(*cl));
		if (!cl) {
			close(cfd);
			continue;
		}
		cl->ctl = c;
		cl->fd = cfd;
		cl->uid = peer_uid(cfd);
		loop_timer_init(&cl->idle, idle_cb, cl);
		if (loop_add_fd(c->loop, cfd, EPOLLIN, client_cb, cl) < 0) {
			close(cfd);
			free(cl);
			continue;
		}
		c->clients[slot] = cl;
		client_touch(cl);
	}
}

static int fill_sun(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

struct ctl *ctl_open(struct loop *loop, const char *path, ctl_handler handler, void *arg, char *err,
                     size_t errlen)
{
	struct ctl *c = calloc(1, sizeof(*c));
	struct sockaddr_un sun;
	struct stat st;
	mode_t old_umask;

	if (!c || fill_sun(&sun, path) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(c);
		return NULL;
	}
	c->loop = loop;
	c->handler = handler;
	c->answering_uid = -1;
	c->arg = arg;
	c->idle_timeout = CTL_IDLE_TIMEOUT;
	c->tokens = CTL_BUDGET;
	c->refilled = monotime_now();
	loop_timer_init(&c->serve, serve_cb, c);
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	/* A socket file left by a crashed run would make bind fail. */
	unlink(path);
	old_umask = umask(0117);
	if (bind(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old_umask);
		goto fail;
	}
	umask(old_umask);
	if (lstat(path, &st) == 0) {
		c->dev = st.st_dev;
		c->ino = st.st_ino;
	}
	if (listen(c->fd, CTL_MAX_CLIENTS) < 0 ||
	    loop_add_fd(loop, c->fd, EPOLLIN, accept_cb, c) < 0)
		goto fail;
	return c;
fail:
	snprintf(err, errlen, "%s", strerror(errno));
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	return NULL;
}

int ctl_set_group(struct ctl *c, const char *group, char *err, size_t errlen)
{
	struct group *gr;

	if (!group || !group[0])
		return 0;
	errno = 0;
	gr = getgrnam(group);
	if (!gr) {
		snprintf(err, errlen, "no group \"%s\"%s%s", group, errno ? ": " : "",
		         errno ? strerror(errno) : "");
		return -1;
	}
	if (chown(c->path, (uid_t)-1, gr->gr_gid) < 0 || chmod(c->path, 0660) < 0) {
		snprintf(err, errlen, "%s: %s", c->path, strerror(errno));
		return -1;
	}
	return 0;
}

void ctl_set_idle_timeout(struct ctl *c, monotime timeout)
{
	c->idle_timeout = timeout;
}

void ctl_close(struct ctl *c)
{
	struct stat st;

	if (!c)
		return;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i])
			client_free(c->clients[i]);
	loop_timer_cancel(c->loop, &c->serve);
	loop_del_fd(c->loop, c->fd);
	close(c->fd);
	/* Not a socket another process bound at the same path since. */
	if (lstat(c->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino)
		unlink(c->path);
	free(c);
}

/* --- client side --- */

static int wait_fd(int fd, short events, monotime deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	monotime left = deadline - monotime_now();

	if (left <= 0)
		return 0;
	return poll(&p, 1, (int)(left / MT_MSEC) + 1);
}

/* Receive up to the first newline into a malloc'd string; NULL with a reason in err. */
static char *recv_line(int fd, monotime deadline, int timeout_ms, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (cap - len < 65536) {
			char *nb = realloc(buf, cap ? 2 * cap : 65536);

			if (!nb) {
				snprintf(err, errlen, "out of memory");
				break;
			}
			buf = nb;
			cap = cap ? 2 * cap : 65536;
		}
		if (wait_fd(fd, POLLIN, deadline) <= 0) {
			snprintf(err, errlen, "no answer from vipd within %d ms", timeout_ms);
			break;
		}
		n = recv(fd, buf + len, cap - len - 1, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "vipd closed the connection");
			break;
		}
		if (memchr(buf + len, '\n', (size_t)n)) {
			len += (size_t)n;
			buf[len] = '\0';
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

char *ctl_query_line(const char *path, struct json_object *request, int timeout_ms,
                     enum ctl_query_status *status, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	const char *text = json_object_to_json_string_ext(
	    request, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	monotime deadline = monotime_now() + (monotime)timeout_ms * MT_MSEC;
	enum ctl_query_status st = CTL_QUERY_FAILED;
	char *buf = NULL;
	size_t sent = 0, tlen = text ? strlen(text) : 0;
	int fd = -1;

	if (!text) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (fill_sun(&sun, path) < 0 || (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(errno));
		st = CTL_QUERY_UNREACHABLE;
		goto out;
	}
	while (sent < tlen + 1) {
		const char *p = sent < tlen ? text + sent : "\n";
		size_t want = sent < tlen ? tlen - sent : 1;
		ssize_t n;

		if (wait_fd(fd, POLLOUT, deadline) <= 0) {
			snprintf(err, errlen, "no answer from vipd within %d ms", timeout_ms);
			goto out;
		}
		n = send(fd, p, want, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			snprintf(err, errlen, "send: %s", strerror(errno));
			goto out;
		}
		if (n > 0)
			sent += (size_t)n;
	}
	buf = recv_line(fd, deadline, timeout_ms, err, errlen);
	if (buf)
		st = CTL_QUERY_OK;
out:
	if (fd >= 0)
		close(fd);
	if (status)
		*status = st;
	return buf;
}

struct json_object *ctl_query_parse(const char *line, char *err, size_t errlen)
{
	struct json_object *reply = json_tokener_parse(line);

	if (!reply || !json_object_is_type(reply, json_type_object)) {
		json_object_put(reply);
		snprintf(err, errlen, "malformed answer from vipd");
		return NULL;
	}
	return reply;
}

struct json_object *ctl_query(const char *path, struct json_object *request, int timeout_ms,
                              enum ctl_query_status *status, char *err, size_t errlen)
{
	char *line = ctl_query_line(path, request, timeout_ms, status, err, errlen);
	struct json_object *reply = line ? ctl_query_parse(line, err, errlen) : NULL;

	if (line && !reply && status)
		*status = CTL_QUERY_FAILED;
	free(line);
	return reply;
}

struct json_object *ctl_request(const char *path, struct json_object *request, int timeout_ms,
                                char *err, size_t errlen)
{
	return ctl_query(path, request, timeout_ms, NULL, err, errlen);
}
