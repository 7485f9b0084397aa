/* Unit tests for jsonw (src/jsonw.c): every value it writes is byte for byte what json-c prints
 * for the same value (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, as ctl.c sends
 * answers): each byte alone and in random strings, awkward doubles and integers, nesting and
 * commas, and running out of memory. */
#include "build_config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "vipd/jsonw.h"

#define FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* o (taken) as json-c prints it, against what write printed into a fresh writer. */
static void same(struct json_object *o, void (*write)(struct jsonw *w, const void *arg),
                 const void *arg)
{
	struct jsonw w;
	char *text;

	jsonw_init(&w);
	write(&w, arg);
	text = jsonw_take(&w, NULL);
	assert_non_null(text);
	assert_string_equal(text, json_object_to_json_string_ext(o, FLAGS));
	free(text);
	json_object_put(o);
}

static void w_str(struct jsonw *w, const void *arg)
{
	jsonw_str(w, arg);
}

static void w_double(struct jsonw *w, const void *arg)
{
	jsonw_double(w, *(const double *)arg);
}

static void w_int(struct jsonw *w, const void *arg)
{
	jsonw_int(w, *(const int64_t *)arg);
}

static void w_uint(struct jsonw *w, const void *arg)
{
	jsonw_uint(w, *(const uint64_t *)arg);
}

/* Every byte alone, between others, and strings of random bytes (xorshift: reproducible). */
static void strings(void **state)
{
	char s[64];
	uint64_t x = 88172645463325252ull;

	(void)state;
	same(json_object_new_string(""), w_str, "");
	for (int c = 1; c < 256; c++) {
		s[0] = (char)c;
		s[1] = '\0';
		same(json_object_new_string(s), w_str, s);
		snprintf(s, sizeof(s), "a%cb%c%c/", c, c, c);
		same(json_object_new_string(s), w_str, s);
	}
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)(i % 63);

		for (size_t k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s[k] = (char)(1 + x % 255);
		}
		s[n] = '\0';
		same(json_object_new_string(s), w_str, s);
	}
}

static void numbers(void **state)
{
	static const double d[] = {0.0,
	                           -0.0,
	                           1.0,
	                           -1.0,
	                           0.1,
	                           1000.0,
	                           1e15,
	                           1e16,
	                           1e17,
	                           1e21,
	                           1e22,
	                           -1e300,
	                           1e-300,
	                           5e-324,
	                           0.5,
	                           123.456,
	                           2.5e-5,
	                           1.234567891,
	                           4.4597678759999999,
	                           1e100,
	                           -7.0,
	                           99999999999999999.0,
	                           3.0e-7};
	static const int64_t i[] = {
	    0, 1, -1, 9, 10, -10, 255, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, 1234567890123LL};
	static const uint64_t u[] = {0, 1, 10, UINT32_MAX, (uint64_t)INT64_MAX + 1, UINT64_MAX};
	uint64_t x = 0x9E3779B97F4A7C15ull;

	(void)state;
	for (size_t k = 0; k < sizeof(d) / sizeof(d[0]); k++)
		same(json_object_new_double(d[k]), w_double, &d[k]);
	for (int k = 0; k < 3; k++) {
		double v = k == 0 ? NAN : k == 1 ? INFINITY : -INFINITY;

		same(json_object_new_double(v), w_double, &v);
	}
	for (int k = 0; k < 20000; k++) {
		double v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&v, &x, sizeof(v));
		same(json_object_new_double(v), w_double, &v);
		v = (double)(x % 100000000) / 1e6;
		same(json_object_new_double(v), w_double, &v);
	}
	for (size_t k = 0; k < sizeof(i) / sizeof(i[0]); k++)
		same(json_object_new_int64(i[k]), w_int, &i[k]);
	for (size_t k = 0; k < sizeof(u) / sizeof(u[0]); k++)
		same(json_object_new_uint64(u[k]), w_uint, &u[k]);
}

static void w_tree(struct jsonw *w, const void *arg)
{
	struct json_object *sub = json_tokener_parse("{\"x\":[1,{\"y\":null}],\"z\":\"a/b\"}");

	(void)arg;
	jsonw_object_open(w);
	jsonw_kstr(w, "a", "b");
	jsonw_key(w, "empty");
	jsonw_array_open(w);
	jsonw_array_close(w);
	jsonw_key(w, "o");
	jsonw_object_open(w);
	jsonw_object_close(w);
	jsonw_key(w, "list");
	jsonw_array_open(w);
	jsonw_int(w, -3);
	jsonw_str(w, NULL);
	jsonw_bool(w, true);
	jsonw_object_open(w);
	jsonw_kbool(w, "f", false);
	jsonw_kuint(w, "u", 7);
	jsonw_object_close(w);
	jsonw_array_open(w);
	jsonw_null(w);
	jsonw_array_close(w);
	jsonw_array_close(w);
	jsonw_key(w, "sub");
	jsonw_json(w, sub);
	jsonw_key(w, "none");
	jsonw_json(w, NULL);
	jsonw_key(w, "raw");
	jsonw_raw(w, "0.10");
	jsonw_kint(w, "last", 1);
	jsonw_object_close(w);
	json_object_put(sub);
}

/* Nesting and commas: the tree json-c prints the same. */
static void nesting(void **state)
{
	struct json_object *o = json_object_new_object(), *list = json_object_new_array(), *in;

	(void)state;
	json_object_object_add(o, "a", json_object_new_string("b"));
	json_object_object_add(o, "empty", json_object_new_array());
	json_object_object_add(o, "o", json_object_new_object());
	json_object_array_add(list, json_object_new_int(-3));
	json_object_array_add(list, NULL);
	json_object_array_add(list, json_object_new_boolean(1));
	in = json_object_new_object();
	json_object_object_add(in, "f", json_object_new_boolean(0));
	json_object_object_add(in, "u", json_object_new_uint64(7));
	json_object_array_add(list, in);
	in = json_object_new_array();
	json_object_array_add(in, NULL);
	json_object_array_add(list, in);
	json_object_object_add(o, "list", list);
	json_object_object_add(o, "sub",
	                       json_tokener_parse("{\"x\":[1,{\"y\":null}],\"z\":\"a/b\"}"));
	json_object_object_add(o, "none", NULL);
	json_object_object_add(o, "raw", json_object_new_double_s(0.1, "0.10"));
	json_object_object_add(o, "last", json_object_new_int(1));
	same(o, w_tree, NULL);
}

/* Nothing written is "", and take leaves the writer empty. */
static void empty_and_reuse(void **state)
{
	struct jsonw w;
	size_t n = 9;
	char *t;

	(void)state;
	jsonw_init(&w);
	t = jsonw_take(&w, &n);
	assert_string_equal(t, "");
	assert_int_equal(n, 0);
	free(t);
	jsonw_str(&w, "x");
	t = jsonw_take(&w, &n);
	assert_string_equal(t, "\"x\"");
	assert_int_equal(n, 3);
	free(t);
	jsonw_int(&w, 5);
	t = jsonw_take(&w, NULL);
	assert_string_equal(t, "5"); /* no comma: a new text */
	free(t);
	jsonw_str(&w, "lost");
	w.oom = true; /* as after a failed realloc */
	jsonw_str(&w, "more");
	assert_null(jsonw_take(&w, NULL));
	assert_null(w.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(strings),
	    cmocka_unit_test(numbers),
	    cmocka_unit_test(nesting),
	    cmocka_unit_test(empty_and_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
