/* metrics_http: the bounded HTTP/1.x responder for GET /metrics (see metrics_http.h). Each
 * connection reads one request (at most METRICS_HTTP_MAX_REQUEST bytes), gets one answer, and is
 * closed; every connection has a deadline, so neither a slow sender nor a slow reader holds a
 * slot for longer than the time limit. */
#include "build_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vipd/metrics_http.h"
#include "vipd/sockio.h"

/* --- the request parser (pure) --- */

/* RFC 9110 tchar. */
static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Judge the request line line[0..len) (no line end): HTTP_BAD_REQUEST, or the verdict the
 * request gets once its header is complete. */
static enum http_verdict request_line(const char *line, size_t len)
{
	size_t m = 0, t, tend;

	while (m < len && is_tchar((unsigned char)line[m]))
		m++;
	if (m == 0 || m >= len || line[m] != ' ')
		return HTTP_BAD_REQUEST;
	t = m + 1;
	tend = t;
	while (tend < len && (unsigned char)line[tend] > 0x20 && (unsigned char)line[tend] < 0x7f)
		tend++;
	if (tend == t || tend >= len || line[tend] != ' ')
		return HTTP_BAD_REQUEST;
	/* "HTTP/1.x": one digit minor version */
	if (len - tend - 1 != 8 || memcmp(line + tend + 1, "HTTP/1.", 7) != 0 ||
	    line[len - 1] < '0' || line[len - 1] > '9')
		return HTTP_BAD_REQUEST;
	if (m != 3 || memcmp(line, "GET", 3) != 0)
		return HTTP_BAD_METHOD;
	size_t plen = tend - t;
	const char *q = memchr(line + t, '?', plen);

	if (q)
		plen = (size_t)(q - (line + t));
	if (plen == 8 && memcmp(line + t, "/metrics", 8) == 0)
		return HTTP_OK;
	return HTTP_NOT_FOUND;
}

/* A header field line "name: value": a token name right before ':', a value of visible
 * characters, spaces, tabs and obs-text. */
static bool header_line(const char *line, size_t len)
{
	size_t n = 0;

	while (n < len && is_tchar((unsigned char)line[n]))
		n++;
	if (n == 0 || n >= len || line[n] != ':')
		return false;
	for (size_t i = n + 1; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 ? c != '\t' : c == 0x7f)
			return false;
	}
	return true;
}

enum http_verdict metrics_http_request_parse(const char *buf, size_t len)
{
	size_t win = len < METRICS_HTTP_MAX_REQUEST ? len : METRICS_HTTP_MAX_REQUEST;
	size_t pos = 0;
	enum http_verdict verdict = HTTP_INCOMPLETE;

	for (;;) {
		const char *nl = memchr(buf + pos, '\n', win - pos);
		size_t end;

		if (!nl)
			return len >= METRICS_HTTP_MAX_REQUEST ? HTTP_TOO_LARGE : HTTP_INCOMPLETE;
		end = (size_t)(nl - buf);
		size_t llen = end - pos;

		if (llen && buf[end - 1] == '\r')
			llen--;
		if (memchr(buf + pos, '\r', llen))
			return HTTP_BAD_REQUEST;
		if (verdict == HTTP_INCOMPLETE) {
			verdict = request_line(buf + pos, llen);
			if (verdict == HTTP_BAD_REQUEST)
				return verdict;
		} else if (llen == 0) {
			return verdict; /* the end of the header */
		} else if (!header_line(buf + pos, llen)) {
			return HTTP_BAD_REQUEST;
		}
		pos = end + 1;
	}
}

const char *metrics_http_reason(enum http_verdict v)
{
	switch (v) {
	case HTTP_OK:
		return "OK";
	case HTTP_BAD_REQUEST:
		return "Bad Request";
	case HTTP_NOT_FOUND:
		return "Not Found";
	case HTTP_BAD_METHOD:
		return "Method Not Allowed";
	case HTTP_TOO_LARGE:
		return "Request Header Fields Too Large";
	case HTTP_INTERNAL_ERROR:
		return "Internal Server Error";
	case HTTP_INCOMPLETE:
		break;
	}
	return "Unknown";
}

char *metrics_http_response(enum http_verdict v, const char *body, size_t len, size_t *outlen)
{
	char head[256], text[64];
	const char *type = "text/plain; charset=utf-8";
	int hlen;
	char *out;

	if (v == HTTP_OK) {
		type = "text/plain; version=0.0.4; charset=utf-8";
	} else {
		snprintf(text, sizeof(text), "%d %s\n", (int)v, metrics_http_reason(v));
		body = text;
		len = strlen(text);
	}
	hlen = snprintf(head, sizeof(head),
	                "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
	                "Connection: close\r\n\r\n",
	                (int)v, metrics_http_reason(v), type, len,
	                v == HTTP_BAD_METHOD ? "Allow: GET\r\n" : "");
	out = malloc((size_t)hlen + len);
	if (!out)
		return NULL;
	memcpy(out, head, (size_t)hlen);
	if (len)
		memcpy(out + hlen, body, len);
	*outlen = (size_t)hlen + len;
	return out;
}

/* --- the server --- */

struct mh_client {
	struct metrics_http *h;
	int fd;
	char in[METRICS_HTTP_MAX_REQUEST];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	bool answered; /* the answer is queued: stop parsing */
	bool draining; /* the answer is out and our side shut: read to EOF, then close */
	struct loop_timer timer;
};

struct metrics_http {
	struct loop *loop;
	int fd;
	unsigned port;
	monotime timeout;
	metrics_render_fn render;
	void *arg;
	struct mh_client *clients[METRICS_HTTP_MAX_CLIENTS];
};

static void client_free(struct mh_client *cl)
{
	struct metrics_http *h = cl->h;

	for (size_t i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		if (h->clients[i] == cl)
			h->clients[i] = NULL;
	loop_timer_cancel(h->loop, &cl->timer);
	loop_del_fd(h->loop, cl->fd);
	close(cl->fd);
	free(cl->out);
	free(cl);
}

static void client_timeout(void *arg, monotime now)
{
	(void)now;
	client_free(arg);
}

/* Write what the socket takes now. Once all is out, shut our side and drain the peer's (closing
 * with unread input would reset the connection and could destroy the answer in flight). Returns
 * false when the client was freed. */
static bool client_flush(struct mh_client *cl)
{
	if (sockio_send_some(cl->fd, cl->out, cl->out_len, &cl->out_off) < 0) {
		client_free(cl);
		return false;
	}
	if (cl->out_off < cl->out_len) {
		loop_mod_fd(cl->h->loop, cl->fd, EPOLLOUT);
		return true;
	}
	shutdown(cl->fd, SHUT_WR);
	cl->draining = true;
	loop_mod_fd(cl->h->loop, cl->fd, EPOLLIN);
	return true;
}

/* Queue the answer for verdict v and start sending it. */
static void client_answer(struct mh_client *cl, enum http_verdict v)
{
	char *body = NULL;
	size_t blen = 0;

	if (v == HTTP_OK) {
		body = cl->h->render(cl->h->arg, &blen);
		if (!body)
			v = HTTP_INTERNAL_ERROR;
	}
	cl->out = metrics_http_response(v, body, blen, &cl->out_len);
	free(body);
	cl->answered = true;
	if (!cl->out) {
		client_free(cl);
		return;
	}
	client_flush(cl);
}

static void client_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct mh_client *cl = arg;

	(void)now;
	if (events & EPOLLOUT) {
		client_flush(cl);
		return;
	}
	if (cl->draining) {
		char sink[4096];
		ssize_t n = 0;

		/* at most 64 KB a turn: a peer that keeps sending cannot hold the loop */
		for (int i = 0; i < 16 && (n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0; i++)
			;
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			client_free(cl);
		return;
	}
	if (cl->answered) {
		/* waiting to write: a hang-up or an error ends it (else it would fire again) */
		if (events & (EPOLLHUP | EPOLLERR))
			client_free(cl);
		return;
	}
	for (;;) {
		ssize_t n =
		    recv(fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len, MSG_DONTWAIT);
		enum http_verdict v;

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			client_free(cl); /* gone before its request was complete */
			return;
		}
		if (n < 0)
			return;
		cl->in_len += (size_t)n;
		v = metrics_http_request_parse(cl->in, cl->in_len);
		if (v != HTTP_INCOMPLETE) {
			client_answer(cl, v);
			return;
		}
	}
}

static void accept_cb(void *arg, int fd, unsigned events, monotime now)
{
	struct metrics_http *h = arg;

	(void)events;
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct mh_client *cl;
		size_t slot;

		if (cfd < 0)
			return;
		for (slot = 0; slot < METRICS_HTTP_MAX_CLIENTS && h->clients[slot]; slot++)
			;
		/* Full: refuse the newcomer; the connections held expire within the time limit. */
		cl = slot < METRICS_HTTP_MAX_CLIENTS ? calloc(1, sizeof(*cl)) : NULL;
		if (!cl) {
			close(cfd);
			continue;
		}
		cl->h = h;
		cl->fd = cfd;
		if (loop_add_fd(h->loop, cfd, EPOLLIN, client_cb, cl) < 0) {
			close(cfd);
			free(cl);
			continue;
		}
		loop_timer_init(&cl->timer, client_timeout, cl);
		loop_timer_set(h->loop, &cl->timer, now + h->timeout);
		h->clients[slot] = cl;
	}
}

struct metrics_http *metrics_http_open(struct loop *loop, int af, const union vip_in *addr,
                                       unsigned port, metrics_render_fn render, void *arg,
                                       char *err, size_t errlen)
{
	struct metrics_http *h = calloc(1, sizeof(*h));
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	int one = 1;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((af != AF_INET && af != AF_INET6) || port > 65535) {
		snprintf(err, errlen, "bad listening address");
		free(h);
		return NULL;
	}
	h->loop = loop;
	h->render = render;
	h->arg = arg;
	h->timeout = METRICS_HTTP_TIMEOUT;
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = addr->v6;
		s6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = addr->v4;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof(*s4);
	}
	h->fd = socket(af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		goto fail;
	setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (af == AF_INET6)
		setsockopt(h->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(h->fd, (struct sockaddr *)&ss, sl) < 0 || listen(h->fd, 16) < 0 ||
	    getsockname(h->fd, (struct sockaddr *)&ss, &sl) < 0)
		goto fail;
	h->port = ntohs(af == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                               : ((struct sockaddr_in *)&ss)->sin_port);
	if (loop_add_fd(loop, h->fd, EPOLLIN, accept_cb, h) < 0)
		goto fail;
	return h;
fail:
	snprintf(err, errlen, "%s", strerror(errno));
	if (h->fd >= 0)
		close(h->fd);
	free(h);
	return NULL;
}

unsigned metrics_http_port(const struct metrics_http *h)
{
	return h->port;
}

void metrics_http_set_timeout(struct metrics_http *h, monotime timeout)
{
	h->timeout = timeout;
}

size_t metrics_http_clients(const struct metrics_http *h)
{
	size_t n = 0;

	for (size_t i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		n += h->clients[i] != NULL;
	return n;
}

void metrics_http_close(struct metrics_http *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		if (h->clients[i])
			client_free(h->clients[i]);
	loop_del_fd(h->loop, h->fd);
	close(h->fd);
	free(h);
}
