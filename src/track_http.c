/* track_http: HTTP(S) probes on one libcurl multi handle driven by the loop.
 * libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION → loop_add_fd /
 * loop_mod_fd / loop_del_fd) and when to call it back (CURLMOPT_TIMERFUNCTION → one
 * loop_timer); we feed events back with curl_multi_socket_action and collect finished
 * transfers with curl_multi_info_read. User callbacks run only from there, never from
 * inside a libcurl callback, so they may start or cancel probes, or free the prober. */
#include "build_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>

#include "vipd/curl_dl.h"
#include "vipd/track_http.h"

struct http_sock {
	struct http_prober *p;
	curl_socket_t fd;
	struct http_sock *prev, *next;
};

struct http_probe {
	struct http_prober *p;
	CURL *easy;
	struct http_probe *prev, *next;
	http_done_cb cb;
	void *arg;
	long expect_status;
	char *expect_body; /* NULL: no body match */
	monotime timeout, start;
	char *body; /* kept only with expect_body */
	size_t body_len, body_cap;
	size_t received;
	bool body_full; /* we stopped reading at HTTP_PROBE_BODY_MAX */
	char errbuf[CURL_ERROR_SIZE];
};

struct http_prober {
	struct loop *loop;
	CURLM *multi;
	struct loop_timer timer;
	struct http_probe *probes;
	struct http_sock *socks;
	char *capath;    /* libcurl's default CA directory when it exists, else NULL */
	int dispatching; /* depth of on_fd / on_timer */
	bool dead;       /* track_http_free called while dispatching */
};

static bool curl_ready;

/* --- libcurl → loop --- */

static void dispatch(struct http_prober *p, curl_socket_t fd, int ev_bitmask);

static void on_fd(void *arg, int fd, unsigned events, monotime now)
{
	struct http_sock *s = arg;
	int mask = 0;

	(void)now;
	if (events & EPOLLIN)
		mask |= CURL_CSELECT_IN;
	if (events & EPOLLOUT)
		mask |= CURL_CSELECT_OUT;
	if (events & (EPOLLERR | EPOLLHUP))
		mask |= CURL_CSELECT_ERR;
	dispatch(s->p, fd, mask); /* s may be freed in there */
}

static void on_timer(void *arg, monotime now)
{
	(void)now;
	dispatch(arg, CURL_SOCKET_TIMEOUT, 0);
}

static void sock_forget(struct http_prober *p, struct http_sock *s)
{
	loop_del_fd(p->loop, s->fd);
	if (s->prev)
		s->prev->next = s->next;
	else
		p->socks = s->next;
	if (s->next)
		s->next->prev = s->prev;
	free(s);
}

static int sock_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct http_prober *p = userp;
	struct http_sock *s = socketp;
	unsigned events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s)
			sock_forget(p, s); /* libcurl forgets its own assignment */
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		events |= EPOLLOUT;
	if (s)
		return loop_mod_fd(p->loop, fd, events) < 0 ? -1 : 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->p = p;
	s->fd = fd;
	if (loop_add_fd(p->loop, fd, events, on_fd, s) < 0) {
		/* A stale registration of a number that libcurl now owns: replace it. */
		if (errno != EEXIST) {
			free(s);
			return -1;
		}
		loop_del_fd(p->loop, fd);
		if (loop_add_fd(p->loop, fd, events, on_fd, s) < 0) {
			free(s);
			return -1;
		}
	}
	s->next = p->socks;
	if (s->next)
		s->next->prev = s;
	p->socks = s;
	curl_multi_assign(p->multi, fd, s);
	return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_prober *p = userp;

	(void)multi;
	if (timeout_ms < 0)
		loop_timer_cancel(p->loop, &p->timer);
	else
		loop_timer_set(p->loop, &p->timer, monotime_now() + (monotime)timeout_ms * MT_MSEC);
	return 0;
}

/* --- probes --- */

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct http_probe *pr = userp;
	size_t n = size * nmemb, room = HTTP_PROBE_BODY_MAX - pr->received;
	size_t take = n < room ? n : room;

	if (pr->expect_body && take) {
		if (pr->body_len + take > pr->body_cap) {
			size_t cap = pr->body_cap ? pr->body_cap : 4096;
			char *b;

			while (cap < pr->body_len + take)
				cap *= 2;
			if (cap > HTTP_PROBE_BODY_MAX)
				cap = HTTP_PROBE_BODY_MAX;
			b = realloc(pr->body, cap);
			if (!b)
				return 0; /* CURLE_WRITE_ERROR without body_full: a failure */
			pr->body = b;
			pr->body_cap = cap;
		}
		memcpy(pr->body + pr->body_len, data, take);
		pr->body_len += take;
	}
	pr->received += take;
	if (take < n) {
		pr->body_full = true; /* enough read: stop the transfer, judge what we have */
		return 0;
	}
	return n;
}

static void probe_unlink(struct http_probe *pr)
{
	struct http_prober *p = pr->p;

	if (pr->prev)
		pr->prev->next = pr->next;
	else
		p->probes = pr->next;
	if (pr->next)
		pr->next->prev = pr->prev;
	curl_multi_remove_handle(p->multi, pr->easy);
	curl_easy_cleanup(pr->easy);
}

static void probe_free(struct http_probe *pr)
{
	free(pr->expect_body);
	free(pr->body);
	free(pr);
}

static bool body_has(const struct http_probe *pr)
{
	size_t n = strlen(pr->expect_body);

	if (n == 0)
		return true;
	return pr->body_len >= n && memmem(pr->body, pr->body_len, pr->expect_body, n);
}

/* Judge a finished transfer: true when up; why says what we saw. */
static bool probe_judge(struct http_probe *pr, CURLcode rc, char *why, size_t whylen)
{
	long status = 0, oserr = 0;

	if (rc == CURLE_WRITE_ERROR && pr->body_full)
		rc = CURLE_OK;
	switch (rc) {
	case CURLE_OK:
		curl_easy_getinfo(pr->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status != pr->expect_status) {
			snprintf(why, whylen, "status %ld (expected %ld)", status,
			         pr->expect_status);
			return false;
		}
		if (pr->expect_body && !body_has(pr)) {
			snprintf(why, whylen, "body lacks \"%s\"", pr->expect_body);
			return false;
		}
		snprintf(why, whylen, "status %ld", status);
		return true;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(why, whylen, "timeout after %.2f s", monotime_to_sec(pr->timeout));
		return false;
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(pr->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr) {
			snprintf(why, whylen, "connect: %s", strerror((int)oserr));
			return false;
		}
		break;
	default:
		break;
	}
	/* libcurl's detailed message ("SSL certificate problem: ...", "Could not resolve host:
	 * ..."), else its generic one. */
	if (pr->errbuf[0]) {
		size_t n = strlen(pr->errbuf);

		while (n && (pr->errbuf[n - 1] == '\n' || pr->errbuf[n - 1] == '\r'))
			pr->errbuf[--n] = '\0';
		snprintf(why, whylen, "%s", pr->errbuf);
	} else {
		snprintf(why, whylen, "%s", curl_easy_strerror(rc));
	}
	return false;
}

static void probe_done(struct http_probe *pr, CURLcode rc)
{
	char why[CURL_ERROR_SIZE + 64];
	bool up = probe_judge(pr, rc, why, sizeof(why));
	monotime elapsed = monotime_now() - pr->start;
	http_done_cb cb = pr->cb;
	void *arg = pr->arg;

	probe_unlink(pr);
	probe_free(pr);
	cb(arg, up, why, elapsed);
}

static void prober_destroy(struct http_prober *p)
{
	while (p->probes) {
		struct http_probe *pr = p->probes;

		probe_unlink(pr);
		probe_free(pr);
	}
	curl_multi_cleanup(p->multi);
	/* Sockets libcurl did not say goodbye to (connections closed at cleanup). */
	while (p->socks)
		sock_forget(p, p->socks);
	loop_timer_cancel(p->loop, &p->timer);
	free(p->capath);
	free(p);
}

static void dispatch(struct http_prober *p, curl_socket_t fd, int ev_bitmask)
{
	int running = 0, left = 0;
	CURLMsg *m;

	p->dispatching++;
	curl_multi_socket_action(p->multi, fd, ev_bitmask, &running);
	while (!p->dead && (m = curl_multi_info_read(p->multi, &left))) {
		char *priv = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		probe_done((struct http_probe *)priv, m->data.result); /* m is gone after this */
	}
	p->dispatching--;
	if (p->dead && !p->dispatching)
		prober_destroy(p);
}

/* --- public --- */

/* The CA directory libcurl was built with (Debian: /etc/ssl/certs, hashed links), if it
 * exists: OpenSSL then reads just the certificates a handshake needs, where parsing the
 * whole bundle stalls the loop ~15 ms (then cached a day by libcurl). */
static char *default_capath(void)
{
	char *path = NULL;
#if LIBCURL_VERSION_NUM >= 0x075400
	CURL *e = curl_easy_init();
	char *dir = NULL;
	struct stat st;

	if (!e)
		return NULL;
	if (curl_easy_getinfo(e, CURLINFO_CAPATH, &dir) == CURLE_OK && dir && dir[0] &&
	    stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		path = strdup(dir);
	curl_easy_cleanup(e);
#endif
	return path;
}

struct http_prober *track_http_new(struct loop *l)
{
	struct http_prober *p;

	if (!curl_ready) {
		char why[128];

		/* libcurl is loaded here, by the first HTTP check, not linked (curl_dl.h). */
		if (curl_dl_load(why, sizeof(why)) < 0) {
			errno = ELIBACC;
			return NULL;
		}
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			errno = ENOMEM;
			return NULL;
		}
		curl_ready = true;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->loop = l;
	p->capath = default_capath();
	loop_timer_init(&p->timer, on_timer, p);
	p->multi = curl_multi_init();
	if (!p->multi) {
		free(p->capath);
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	curl_multi_setopt(p->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(p->multi, CURLMOPT_SOCKETDATA, p);
	curl_multi_setopt(p->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(p->multi, CURLMOPT_TIMERDATA, p);
	return p;
}

void track_http_free(struct http_prober *p)
{
	if (!p || p->dead)
		return;
	p->dead = true;
	if (!p->dispatching)
		prober_destroy(p);
	/* else: dispatch() destroys it once the callback in progress returns */
}

int track_http_url_check(const char *url, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int ret = -1;

	if (!u) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!url || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		snprintf(err, errlen, "bad URL \"%s\"", url ? url : "");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
		snprintf(err, errlen, "URL \"%s\": only http:// and https:// are supported", url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
		snprintf(err, errlen, "URL \"%s\" has no host", url);
		goto out;
	}
	ret = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ret;
}

struct http_probe *track_http_start(struct http_prober *p, const char *url, long expect_status,
                                    const char *expect_body, monotime timeout, http_done_cb cb,
                                    void *arg, char *err, size_t errlen)
{
	struct http_probe *pr;
	long ms;
	CURLMcode mrc;

	if (p->dead) {
		snprintf(err, errlen, "prober is being freed");
		return NULL;
	}
	if (timeout <= 0) {
		snprintf(err, errlen, "timeout must be > 0");
		return NULL;
	}
	if (track_http_url_check(url, err, errlen) < 0)
		return NULL;
	pr = calloc(1, sizeof(*pr));
	if (!pr || (expect_body && !(pr->expect_body = strdup(expect_body))) ||
	    !(pr->easy = curl_easy_init())) {
		if (pr)
			free(pr->expect_body);
		free(pr);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pr->p = p;
	pr->cb = cb;
	pr->arg = arg;
	pr->expect_status = expect_status;
	pr->timeout = timeout;
	ms = (long)((timeout + MT_MSEC - 1) / MT_MSEC);

	curl_easy_setopt(pr->easy, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(pr->easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(pr->easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(pr->easy, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(pr->easy, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(pr->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(pr->easy, CURLOPT_NOPROXY, "*"); /* never a proxy from the environment */
	curl_easy_setopt(pr->easy, CURLOPT_FOLLOWLOCATION, 0L);
	/* A health check tests a fresh connection each time, and keeps none open. */
	curl_easy_setopt(pr->easy, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(pr->easy, CURLOPT_FORBID_REUSE, 1L);
	/* https: peer and host name verified against the system CA store (libcurl's defaults,
	 * stated here so they are never lost). */
	curl_easy_setopt(pr->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(pr->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (p->capath) {
		curl_easy_setopt(pr->easy, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(pr->easy, CURLOPT_CAPATH, p->capath);
	} else {
		/* the bundle alone: libcurl then keeps the parsed store (CA_CACHE_TIMEOUT, 24 h) */
		curl_easy_setopt(pr->easy, CURLOPT_CAPATH, NULL);
	}
	curl_easy_setopt(pr->easy, CURLOPT_USERAGENT, "vipd");
	curl_easy_setopt(pr->easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(pr->easy, CURLOPT_WRITEDATA, pr);
	curl_easy_setopt(pr->easy, CURLOPT_ERRORBUFFER, pr->errbuf);
	curl_easy_setopt(pr->easy, CURLOPT_PRIVATE, (char *)pr);

	pr->start = monotime_now();
	mrc = curl_multi_add_handle(p->multi, pr->easy);
	if (mrc != CURLM_OK) {
		snprintf(err, errlen, "curl: %s", curl_multi_strerror(mrc));
		curl_easy_cleanup(pr->easy);
		probe_free(pr);
		return NULL;
	}
	pr->next = p->probes;
	if (pr->next)
		pr->next->prev = pr;
	p->probes = pr;
	return pr;
}

void track_http_cancel(struct http_probe *probe)
{
	if (!probe)
		return;
	probe_unlink(probe);
	probe_free(probe);
}
