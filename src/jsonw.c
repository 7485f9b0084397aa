/* jsonw: JSON written straight into a buffer, byte for byte what json-c prints for the same
 * tree with JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE (json_escape_str and
 * json_object_double_to_json_string_format of json-c 0.16). Built for the status of 1000
 * instances: json-c spent most of that answer allocating, hashing and freeing its tree
 * (callgrind), and the answer's users parse its exact text. tests/unit/test_jsonw.c holds it
 * to json-c's output on every byte and on awkward numbers. */
#include "build_config.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/jsonw.h"

void jsonw_init(struct jsonw *w)
{
	*w = (struct jsonw){0};
}

void jsonw_free(struct jsonw *w)
{
	free(w->buf);
	jsonw_init(w);
}

char *jsonw_take(struct jsonw *w, size_t *len)
{
	char *text = w->oom ? NULL : w->buf;

	if (!text && !w->oom)
		text = calloc(1, 1); /* nothing written: "" */
	if (text && len)
		*len = w->len;
	if (!text)
		free(w->buf);
	jsonw_init(w);
	return text;
}

/* Room for n more bytes and the NUL; false (w->oom) when out of memory. */
static bool room(struct jsonw *w, size_t n)
{
	size_t cap;
	char *nb;

	if (w->oom)
		return false;
	if (w->len + n + 1 <= w->cap)
		return true;
	cap = w->cap ? w->cap : 4096;
	while (cap < w->len + n + 1)
		cap *= 2;
	nb = realloc(w->buf, cap);
	if (!nb) {
		w->oom = true;
		return false;
	}
	w->buf = nb;
	w->cap = cap;
	return true;
}

static void put(struct jsonw *w, const char *s, size_t n)
{
	if (!room(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* The comma before a member or an element: none at the start of the text, after an opening
 * bracket or after a key. */
static void sep(struct jsonw *w)
{
	char last;

	if (!w->len)
		return;
	last = w->buf[w->len - 1];
	if (last != '{' && last != '[' && last != ':')
		put(w, ",", 1);
}

void jsonw_object_open(struct jsonw *w)
{
	sep(w);
	put(w, "{", 1);
}

void jsonw_object_close(struct jsonw *w)
{
	put(w, "}", 1);
}

void jsonw_array_open(struct jsonw *w)
{
	sep(w);
	put(w, "[", 1);
}

void jsonw_array_close(struct jsonw *w)
{
	put(w, "]", 1);
}

/* The bytes a JSON string escapes: control characters, the quote and the backslash. */
/* clang-format off */
static const bool escaped[256] = {
	/* 0x00 to 0x1f */
	1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = true,
	['\\'] = true,
};
/* clang-format on */

/* s quoted and escaped as json_escape_str does: the two-character escapes, other control
 * characters as \u00xx (lower-case hex), every other byte (/, DEL, UTF-8) as it is. */
static void quoted(struct jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s), start = 0;

	/* at most 6 bytes per input byte, and the quotes */
	if (!room(w, 6 * n + 2))
		return;
	w->buf[w->len++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char *o;

		if (!escaped[c])
			continue;
		memcpy(w->buf + w->len, s + start, i - start);
		w->len += i - start;
		start = i + 1;
		o = w->buf + w->len;
		o[0] = '\\';
		switch (c) {
		case '\b':
			o[1] = 'b';
			break;
		case '\n':
			o[1] = 'n';
			break;
		case '\r':
			o[1] = 'r';
			break;
		case '\t':
			o[1] = 't';
			break;
		case '\f':
			o[1] = 'f';
			break;
		case '"':
			o[1] = '"';
			break;
		case '\\':
			o[1] = '\\';
			break;
		default:
			memcpy(o + 1, "u00", 3);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 0xf];
			w->len += 4;
			break;
		}
		w->len += 2;
	}
	memcpy(w->buf + w->len, s + start, n - start);
	w->len += n - start;
	w->buf[w->len++] = '"';
	w->buf[w->len] = '\0';
}

void jsonw_key(struct jsonw *w, const char *key)
{
	sep(w);
	quoted(w, key);
	put(w, ":", 1);
}

void jsonw_str(struct jsonw *w, const char *s)
{
	sep(w);
	if (s)
		quoted(w, s);
	else
		put(w, "null", 4);
}

/* v's decimal digits, written backwards from the end of buf; returns the first. */
static char *digits(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void jsonw_uint(struct jsonw *w, uint64_t v)
{
	char buf[24], *p = digits(v, buf + sizeof(buf));

	sep(w);
	put(w, p, (size_t)(buf + sizeof(buf) - p));
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	char buf[24], *p = digits(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, buf + sizeof(buf));

	if (v < 0)
		*--p = '-';
	sep(w);
	put(w, p, (size_t)(buf + sizeof(buf) - p));
}

void jsonw_bool(struct jsonw *w, bool v)
{
	sep(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jsonw_null(struct jsonw *w)
{
	sep(w);
	put(w, "null", 4);
}

void jsonw_double(struct jsonw *w, double v)
{
	char buf[128], *p;
	int n;

	if (isnan(v)) {
		n = snprintf(buf, sizeof(buf), "NaN");
	} else if (isinf(v)) {
		n = snprintf(buf, sizeof(buf), v > 0 ? "Infinity" : "-Infinity");
	} else {
		n = snprintf(buf, sizeof(buf), "%.17g", v);
		if (n < 0 || n >= (int)sizeof(buf) - 2)
			n = n < 0 ? 0 : (int)sizeof(buf) - 1;
		/* a locale's decimal comma is a point in JSON */
		p = strchr(buf, ',');
		if (p)
			*p = '.';
		else
			p = strchr(buf, '.');
		if (!p && !strchr(buf, 'e') &&
		    (isdigit((unsigned char)buf[0]) ||
		     (n > 1 && buf[0] == '-' && isdigit((unsigned char)buf[1])))) {
			/* json-c makes a whole number look like a double */
			memcpy(buf + n, ".0", 3);
			n += 2;
		}
	}
	sep(w);
	put(w, buf, (size_t)n);
}

void jsonw_raw(struct jsonw *w, const char *text)
{
	sep(w);
	put(w, text, strlen(text));
}

void jsonw_json(struct jsonw *w, struct json_object *o)
{
	size_t n = 0;
	const char *text = json_object_to_json_string_length(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

	sep(w);
	if (!text) {
		w->oom = true;
		return;
	}
	put(w, text, n);
}

void jsonw_kstr(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void jsonw_kint(struct jsonw *w, const char *key, int64_t v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

void jsonw_kuint(struct jsonw *w, const char *key, uint64_t v)
{
	jsonw_key(w, key);
	jsonw_uint(w, v);
}

void jsonw_kbool(struct jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}
