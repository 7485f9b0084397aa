/* libFuzzer harness for the metrics HTTP request parser (metrics_http.c). The input is the bytes
 * a client sends. The verdict must be one the responder knows; a final verdict never changes
 * when more bytes arrive (and every prefix is incomplete or gets the same verdict); an incomplete
 * request is shorter than the limit; the answer for a final verdict is a well-formed response. */
#include "build_config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "vipd/metrics_http.h"

static bool known(enum http_verdict v)
{
	return v == HTTP_INCOMPLETE || v == HTTP_OK || v == HTTP_BAD_REQUEST ||
	       v == HTTP_NOT_FOUND || v == HTTP_BAD_METHOD || v == HTTP_TOO_LARGE;
}

/* The answer for v is "HTTP/1.1 V Reason\r\n...\r\n\r\n" + a body of Content-Length bytes. */
static void check_response(enum http_verdict v)
{
	static const char body[] = "vipd_up 1\n";
	size_t len, blen = v == HTTP_OK ? sizeof(body) - 1 : 0;
	char *r = metrics_http_response(v, body, blen, &len), *end, *cl, status[32];
	unsigned long clen;

	CHECK(r);
	snprintf(status, sizeof(status), "HTTP/1.1 %d ", (int)v);
	CHECK(len > strlen(status) && memcmp(r, status, strlen(status)) == 0);
	end = memmem(r, len, "\r\n\r\n", 4);
	CHECK(end);
	cl = memmem(r, (size_t)(end - r), "\r\nContent-Length: ", 18);
	CHECK(cl);
	clen = strtoul(cl + 18, NULL, 10);
	CHECK(clen == len - (size_t)(end + 4 - r));
	CHECK(memmem(r, (size_t)(end + 4 - r), "\r\nConnection: close\r\n", 21));
	free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy so ASan sees any read past the input. */
	char *buf = malloc(size ? size : 1), *more;
	enum http_verdict v, p;

	CHECK(buf);
	if (size)
		memcpy(buf, data, size);
	v = metrics_http_request_parse(buf, size);
	CHECK(known(v));
	CHECK(v != HTTP_INCOMPLETE || size < METRICS_HTTP_MAX_REQUEST);
	CHECK(metrics_http_request_parse(buf, size) == v); /* pure */

	/* Prefixes: at most 16 cut points, always including size - 1. */
	for (size_t i = 1; i <= 16 && size; i++) {
		size_t cut = i == 16 ? size - 1 : size * i / 17;

		p = metrics_http_request_parse(buf, cut);
		CHECK(p == HTTP_INCOMPLETE || p == v);
	}

	if (v != HTTP_INCOMPLETE) {
		static const char tail[] = "X\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n";

		check_response(v);
		more = malloc(size + sizeof(tail) - 1);
		CHECK(more);
		memcpy(more, buf, size);
		memcpy(more + size, tail, sizeof(tail) - 1);
		CHECK(metrics_http_request_parse(more, size + sizeof(tail) - 1) == v);
		free(more);
	}
	free(buf);
	return 0;
}
