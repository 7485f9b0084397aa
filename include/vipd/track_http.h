/* track_http: HTTP(S) health probes with libcurl's multi interface, driven by the loop
 * (libcurl's sockets are watched with loop_add_fd, its timeout is a loop_timer). A probe
 * never blocks the loop: host names go through libcurl's threaded resolver. Proxies from
 * the environment are ignored, redirects are not followed, and https verifies the peer
 * and the host name against the system CA store (verification is always on). */
#ifndef VIPD_TRACK_HTTP_H
#define VIPD_TRACK_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "vipd/loop.h"
#include "vipd/monotime.h"

/* Bytes of the body kept for the expect_body match; the rest is read and dropped. */
#define HTTP_PROBE_BODY_MAX (64 * 1024)

struct http_prober; /* one libcurl multi handle driven by the loop (socket + timer cbs) */
struct http_probe;

/* Create a prober on loop l; NULL with errno set on failure (libcurl loaded and initialised
 * once; ELIBACC when it cannot be loaded). */
struct http_prober *track_http_new(struct loop *l);

/* Cancel every running probe (no callback) and free the prober; NULL is harmless. */
void track_http_free(struct http_prober *p);

/* Check that url is an http:// or https:// URL with a host (for config validation);
 * 0, or -1 with a reason. */
int track_http_url_check(const char *url, char *err, size_t errlen);

/* Result of a probe: up ("status 200"), or why it failed ("status 503 (expected 200)",
 * "body lacks \"ok\"", "timeout after 0.50 s", "connect: Connection refused", else libcurl's
 * message); elapsed since the start. */
typedef void (*http_done_cb)(void *arg, bool up, const char *why, monotime elapsed);

/* GET url (http or https); up when the status equals expect_status and, if expect_body is
 * not NULL, the body contains it (read at most 64 KB); why says what failed. Returns a
 * handle for track_http_cancel, or NULL with a reason. cb runs once, from the loop, never
 * from inside this call; the probe is already freed when cb runs. */
struct http_probe *track_http_start(struct http_prober *p, const char *url, long expect_status,
                                    const char *expect_body, monotime timeout, http_done_cb cb,
                                    void *arg, char *err, size_t errlen);

/* Stop a running probe and free it: cb is not called. Not valid after cb has run. */
void track_http_cancel(struct http_probe *probe);

#endif
