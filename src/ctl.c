/* ctl: UNIX stream control socket, one JSON object per line each way.
 * Requests are bounded, answers are buffered per client, and a client that
 * stops reading is dropped: the loop never blocks on a client. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
#include "vipd/monotime.h"

#define CTL_MAX_CLIENTS 64

struct ctl_client {
	struct ctl *ctl;
	int fd;
	char *in;
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	bool closing; /* close once the answer is flushed */
};

struct ctl {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler handler;
	void *arg;
	struct ctl_client *clients[CTL_MAX_CLIENTS];
};

struct json_object *ctl_reply_ok(struct json_object *result)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "result", result);
	return o;
}

struct json_object *ctl_reply_error(const char *message)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(message));
	return o;
}

static void client_free(struct ctl_client *cl)
{
	struct ctl *c = cl->ctl;

	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i] == cl)
			c->clients[i] = NULL;
	loop_del_fd(c->loop, cl->fd);
	close(cl->fd);
	free(cl->in);
	free(cl->out);
	free(cl);
}

/* Write what the socket takes now; watch for writability while a backlog remains.
 * Returns false when the client was freed. */
static bool client_flush(struct ctl_client *cl)
{
	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			client_free(cl);
			return false;
		}
		cl->out_off += (size_t)n;
	}
	if (cl->out_off == cl->out_len) {
		cl->out_off = cl->out_len = 0;
		if (cl->closing) {
			client_free(cl);
			return false;
		}
	}
	loop_mod_fd(cl->ctl->loop, cl->fd, cl->out_len ? EPOLLIN | EPOLLOUT : EPOLLIN);
	return true;
}

static bool client_queue(struct ctl_client *cl, struct json_object *reply)
{
	const char *text = json_object_to_json_string_ext(
	    reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(text);
	char *out;

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

static struct json_object *handle_line(struct ctl *c, const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *req, *reply;

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
	reply = c->handler(c->arg, req);
	json_object_put(req);
	return reply;
}

static void client_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct ctl_client *cl = arg;
	char buf[4096];

	(void)now;
	if (events & EPOLLOUT) {
		if (!client_flush(cl))
			return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) || cl->closing)
		return;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		char *nl;

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			client_free(cl);
			return;
		}
		if (n < 0)
			break;
		if (cl->in_len + (size_t)n > CTL_MAX_REQUEST) {
			cl->closing = true;
			if (client_queue(cl, ctl_reply_error("request too large")))
				client_flush(cl);
			return;
		}
		char *in = realloc(cl->in, cl->in_len + (size_t)n);
		if (!in) {
			client_free(cl);
			return;
		}
		cl->in = in;
		memcpy(cl->in + cl->in_len, buf, (size_t)n);
		cl->in_len += (size_t)n;
		while (cl->in_len && (nl = memchr(cl->in, '\n', cl->in_len))) {
			size_t line = (size_t)(nl - cl->in);

			if (!client_queue(cl, handle_line(cl->ctl, cl->in, line)))
				return;
			memmove(cl->in, nl + 1, cl->in_len - line - 1);
			cl->in_len -= line + 1;
		}
	}
	client_flush(cl);
}

static void accept_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct ctl *c = arg;

	(void)events;
	(void)now;
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct ctl_client *cl;
		size_t slot;

		if (cfd < 0)
			return;
		for (slot = 0; slot < CTL_MAX_CLIENTS && c->clients[slot]; slot++)
			;
		cl = slot < CTL_MAX_CLIENTS ? calloc(1, sizeof(*cl)) : NULL;
		if (!cl) {
			close(cfd);
			continue;
		}
		cl->ctl = c;
		cl->fd = cfd;
		if (loop_add_fd(c->loop, cfd, EPOLLIN, client_cb, cl) < 0) {
			close(cfd);
			free(cl);
			continue;
		}
		c->clients[slot] = cl;
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
	mode_t old_umask;

	if (!c || fill_sun(&sun, path) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(c);
		return NULL;
	}
	c->loop = loop;
	c->handler = handler;
	c->arg = arg;
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
	if (listen(c->fd, 16) < 0 || loop_add_fd(loop, c->fd, EPOLLIN, accept_cb, c) < 0)
		goto fail;
	return c;
fail:
	snprintf(err, errlen, "%s", strerror(errno));
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	return NULL;
}

void ctl_close(struct ctl *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i])
			client_free(c->clients[i]);
	loop_del_fd(c->loop, c->fd);
	close(c->fd);
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

struct json_object *ctl_request(const char *path, struct json_object *request, int timeout_ms,
                                char *err, size_t errlen)
{
	struct sockaddr_un sun;
	const char *text = json_object_to_json_string_ext(
	    request, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	monotime deadline = monotime_now() + (monotime)timeout_ms * MT_MSEC;
	struct json_object *reply = NULL;
	char *buf = NULL;
	size_t len = 0, sent = 0, tlen = strlen(text);
	int fd = -1;

	if (fill_sun(&sun, path) < 0 || (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(errno));
		goto out;
	}
	while (sent < tlen + 1) {
		const char *p = sent < tlen ? text + sent : "\n";
		size_t want = sent < tlen ? tlen - sent : 1;
		ssize_t n;

		if (wait_fd(fd, POLLOUT, deadline) <= 0)
			goto timeout;
		n = send(fd, p, want, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			snprintf(err, errlen, "send: %s", strerror(errno));
			goto out;
		}
		if (n > 0)
			sent += (size_t)n;
	}
	for (;;) {
		char chunk[4096];
		ssize_t n;
		char *nb;

		if (wait_fd(fd, POLLIN, deadline) <= 0)
			goto timeout;
		n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "vipd closed the connection");
			goto out;
		}
		nb = realloc(buf, len + (size_t)n + 1);
		if (!nb) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		buf = nb;
		memcpy(buf + len, chunk, (size_t)n);
		len += (size_t)n;
		buf[len] = '\0';
		if (memchr(buf, '\n', len))
			break;
	}
	reply = json_tokener_parse(buf);
	if (!reply)
		snprintf(err, errlen, "malformed answer from vipd");
	goto out;
timeout:
	snprintf(err, errlen, "no answer from vipd within %d ms", timeout_ms);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return reply;
}
