/* jsonw: a JSON writer into one growing buffer, for the big answers of the control socket
 * (`vipctl --json status` of 1000 instances). It prints exactly what json-c's
 * json_object_to_json_string_ext(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) prints
 * for the same tree (members in the order written), without the tree: no object per value, no
 * hash table per object, nothing to free but the buffer. Commas are put by the writer. */
#ifndef VIPD_JSONW_H
#define VIPD_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

struct jsonw {
	char *buf; /* NUL-terminated while not NULL */
	size_t len, cap;
	bool oom; /* an allocation failed: the text is lost, jsonw_take returns NULL */
};

/* An empty writer (allocates nothing yet). */
void jsonw_init(struct jsonw *w);

/* The text written (malloc'd, NUL-terminated; the caller frees it) and its length in *len (may be
 * NULL); NULL when out of memory. The writer is empty again. */
char *jsonw_take(struct jsonw *w, size_t *len);

/* Free what was written (after an error). */
void jsonw_free(struct jsonw *w);

/* { and }, [ and ]: an object or an array as the next value. */
void jsonw_object_open(struct jsonw *w);
void jsonw_object_close(struct jsonw *w);
void jsonw_array_open(struct jsonw *w);
void jsonw_array_close(struct jsonw *w);

/* "key": the name of the next member of the open object. */
void jsonw_key(struct jsonw *w, const char *key);

/* Values: a string escaped as json-c escapes it (NULL writes null), numbers as json-c prints
 * them (a double with "%.17g", ".0" added to a whole number, NaN and Infinity as json-c), text
 * taken as is (a number formatted by the caller, as json_object_new_double_s), and a json-c
 * tree serialized by json-c (NULL writes null). */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_uint(struct jsonw *w, uint64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
void jsonw_double(struct jsonw *w, double v);
void jsonw_raw(struct jsonw *w, const char *text);
void jsonw_json(struct jsonw *w, struct json_object *o);

/* A member: jsonw_key then the value. */
void jsonw_kstr(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, int64_t v);
void jsonw_kuint(struct jsonw *w, const char *key, uint64_t v);
void jsonw_kbool(struct jsonw *w, const char *key, bool v);

#endif
