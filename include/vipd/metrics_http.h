/* metrics_http: a tiny HTTP/1.x responder in the loop serving GET /metrics (Prometheus text from
 * a render callback). Bounded: at most METRICS_HTTP_MAX_CLIENTS connections, a request of at most
 * METRICS_HTTP_MAX_REQUEST bytes, METRICS_HTTP_TIMEOUT per connection (a slow reader is dropped);
 * one answer per connection (Connection: close), non-blocking writes. The request parser is
 * pure. */
#ifndef VIPD_METRICS_HTTP_H
#define VIPD_METRICS_HTTP_H

#include <stddef.h>

#include "vipd/addr.h"
#include "vipd/loop.h"

#define METRICS_HTTP_MAX_CLIENTS 16
#define METRICS_HTTP_MAX_REQUEST 8192
#define METRICS_HTTP_TIMEOUT (5 * MT_SEC)

/* The answer to a request, or HTTP_INCOMPLETE while the header is not all there. */
enum http_verdict {
	HTTP_INCOMPLETE = 0,
	HTTP_OK = 200,             /* GET /metrics (a query string is ignored) */
	HTTP_BAD_REQUEST = 400,    /* malformed request line or header, or not HTTP/1.x */
	HTTP_NOT_FOUND = 404,      /* GET of another path */
	HTTP_BAD_METHOD = 405,     /* a valid method other than GET */
	HTTP_TOO_LARGE = 431,      /* no end of header within METRICS_HTTP_MAX_REQUEST bytes */
	HTTP_INTERNAL_ERROR = 500, /* the render callback failed (never from the parser) */
};

/* Judge the bytes received so far on a connection (pure). A verdict other than HTTP_INCOMPLETE
 * is final: more bytes never change it. Accepts CRLF or bare LF line ends. */
enum http_verdict metrics_http_request_parse(const char *buf, size_t len);

/* The status line's reason phrase for a verdict ("OK", "Not Found"...). */
const char *metrics_http_reason(enum http_verdict v);

/* Build the whole answer for v (body only with HTTP_OK: body/len; else a short text) into a
 * malloc'd buffer; *outlen gets its length. NULL when out of memory. */
char *metrics_http_response(enum http_verdict v, const char *body, size_t len, size_t *outlen);

/* Renders the metrics text: malloc'd, its length in *len; NULL on failure (answered 500). */
typedef char *(*metrics_render_fn)(void *arg, size_t *len);

struct metrics_http;

/* Listen on addr:port (family af; port 0 = an ephemeral one) and serve from the loop. NULL with a
 * reason in err. */
struct metrics_http *metrics_http_open(struct loop *loop, int af, const union vip_in *addr,
                                       unsigned port, metrics_render_fn render, void *arg,
                                       char *err, size_t errlen);

/* The port actually bound (useful after port 0). */
unsigned metrics_http_port(const struct metrics_http *h);

/* Change the per-connection time limit (tests); default METRICS_HTTP_TIMEOUT. */
void metrics_http_set_timeout(struct metrics_http *h, monotime timeout);

/* Connections open now. */
size_t metrics_http_clients(const struct metrics_http *h);

/* Close every connection and the listener (NULL is fine). */
void metrics_http_close(struct metrics_http *h);

#endif
