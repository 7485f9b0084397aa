/* config_value: typed reading of libconfig settings for the config module, with every
 * error collected as a "FILE:LINE: message" line. Pure; internal to config.c. */
#include "build_config.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/config_value.h"

static void cv_verr(struct cv_loader *ld, const char *file, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void cv_verr(struct cv_loader *ld, const char *file, int line, const char *fmt, va_list ap)
{
	char msg[512];
	char *text;
	int hdr;

	if (line < 0) /* no line: the file itself, e.g. it cannot be opened */
		hdr = snprintf(msg, sizeof(msg), "%s: ", file ? file : ld->path);
	else
		hdr = snprintf(msg, sizeof(msg), "%s:%d: ", file ? file : ld->path, line);
	if (hdr < 0 || (size_t)hdr >= sizeof(msg))
		hdr = 0;
	vsnprintf(msg + hdr, sizeof(msg) - (size_t)hdr, fmt, ap);
	for (char *p = msg; *p; p++) /* one line each, whatever the file contained */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (ld->nerrs == ld->cap) {
		size_t ncap = ld->cap ? ld->cap * 2 : 8;
		struct cv_err *n = realloc(ld->errs, ncap * sizeof(*n));

		if (!n) {
			ld->failed++;
			return;
		}
		ld->errs = n;
		ld->cap = ncap;
	}
	text = strdup(msg);
	if (!text) {
		ld->failed++;
		return;
	}
	ld->errs[ld->nerrs++] = (struct cv_err){.line = line, .text = text};
}

/* An error at a given line (file NULL: the file being loaded). */
void config_value_error(struct cv_loader *ld, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cv_verr(ld, file, line, fmt, ap);
	va_end(ap);
}

/* An error at the line of setting s. */
void config_value_error_at(struct cv_loader *ld, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cv_verr(ld, config_setting_source_file(s), config_setting_source_line(s), fmt, ap);
	va_end(ap);
}

/* An error about key (of the scope's group) at the line of s: "PFX.KEY: message". */
void config_value_key_error(const struct cv_scope *sc, const config_setting_t *s, const char *key,
                            const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_value_error_at(sc->ld, s, "%s%s%s: %s", sc->pfx, sc->pfx[0] ? "." : "", key, msg);
}

const char *config_value_type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	case CONFIG_TYPE_GROUP:
		return "a group";
	default:
		return "an unknown type";
	}
}

bool config_value_is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

bool config_value_is_number(const config_setting_t *s)
{
	return config_value_is_int(s) || config_setting_type(s) == CONFIG_TYPE_FLOAT;
}

/* The shortest text that reads back as d ("0.015", not "0.014999999999999999"; "3600", not
 * "3.6e+03"). */
static const char *cv_fmt_double(double d, char *buf, size_t len)
{
	for (int prec = 0; prec <= 9; prec++) {
		snprintf(buf, len, "%.*f", prec, d);
		if (strtod(buf, NULL) == d)
			return buf;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return buf;
}

/* A numeric setting as the user wrote it (integer or float). */
const char *config_value_fmt_number(const config_setting_t *s, char *buf, size_t len)
{
	if (config_value_is_int(s))
		snprintf(buf, len, "%lld", config_setting_get_int64(s));
	else
		cv_fmt_double(config_setting_get_float(s), buf, len);
	return buf;
}

long long config_value_round(double d)
{
	return d < 0 ? -(long long)(-d + 0.5) : (long long)(d + 0.5);
}

double config_value_number(const config_setting_t *s)
{
	return config_value_is_int(s) ? (double)config_setting_get_int64(s)
	                              : config_setting_get_float(s);
}

/* Seconds with at most 9 decimals, at least one, read back exactly by config_load. */
const char *config_value_fmt_seconds(monotime t, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%lld.%09lld", (long long)(t / MT_SEC), (long long)(t % MT_SEC));
	n = strlen(buf);
	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	return buf;
}

const config_setting_t *config_value_member(const struct cv_scope *sc, const char *key)
{
	const config_list_t *l;

	/* libconfig compares names a byte at a time with two strchr() calls per byte (a key
	 * may be a path): at 1000 instances that was a third of a reload's time (callgrind).
	 * A key is a plain name and so are the members (libconfig's grammar): the first member
	 * of that name, read from the group's public list, is what config_setting_get_member
	 * finds. */
	if (!config_setting_is_group(sc->grp) || strpbrk(key, ":./"))
		return config_setting_get_member(sc->grp, key);
	l = sc->grp->value.list;
	for (unsigned i = 0; l && i < l->length; i++) {
		const char *name = l->elements[i]->name;

		if (name && name[0] == key[0] && strcmp(name, key) == 0)
			return l->elements[i];
	}
	return NULL;
}

bool config_value_type_ok(const struct cv_scope *sc, const config_setting_t *s, const char *key,
                          bool ok, const char *expected)
{
	if (!ok)
		config_value_key_error(sc, s, key, "expected %s, got %s", expected,
		                       config_value_type_name(s));
	return ok;
}

int config_value_get_int(const struct cv_scope *sc, const char *key, long long lo, long long hi,
                         long long *out)
{
	const config_setting_t *s = config_value_member(sc, key);
	long long v;

	if (!s)
		return CV_ABSENT;
	if (!config_value_type_ok(sc, s, key, config_value_is_int(s), "an integer"))
		return CV_BAD;
	v = config_setting_get_int64(s);
	if (v < lo || v > hi) {
		config_value_key_error(sc, s, key, "%lld is out of range %lld..%lld", v, lo, hi);
		return CV_BAD;
	}
	*out = v;
	return CV_OK;
}

int config_value_get_bool(const struct cv_scope *sc, const char *key, bool *out)
{
	const config_setting_t *s = config_value_member(sc, key);

	if (!s)
		return CV_ABSENT;
	if (!config_value_type_ok(sc, s, key, config_setting_type(s) == CONFIG_TYPE_BOOL,
	                          "a boolean"))
		return CV_BAD;
	*out = config_setting_get_bool(s) != 0;
	return CV_OK;
}

int config_value_get_string(const struct cv_scope *sc, const char *key, const char **out)
{
	const config_setting_t *s = config_value_member(sc, key);

	if (!s)
		return CV_ABSENT;
	if (!config_value_type_ok(sc, s, key, config_setting_type(s) == CONFIG_TYPE_STRING,
	                          "a string"))
		return CV_BAD;
	*out = config_setting_get_string(s);
	return CV_OK;
}

/* A string that fits in size bytes (with its NUL), is not empty and has no control characters. */
int config_value_get_text(const struct cv_scope *sc, const char *key, char *dst, size_t size)
{
	const config_setting_t *s = config_value_member(sc, key);
	const char *v;
	int r = config_value_get_string(sc, key, &v);

	if (r != CV_OK)
		return r;
	if (!v[0]) {
		config_value_key_error(sc, s, key, "must not be empty");
		return CV_BAD;
	}
	if (strlen(v) >= size) {
		config_value_key_error(sc, s, key, "\"%s\" is longer than %zu characters", v,
		                       size - 1);
		return CV_BAD;
	}
	for (const char *p = v; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			config_value_key_error(sc, s, key, "contains a control character");
			return CV_BAD;
		}
	}
	memcpy(dst, v, strlen(v) + 1);
	return CV_OK;
}

/* Seconds as an integer or a float in lo..hi, as nanoseconds. */
int config_value_get_seconds(const struct cv_scope *sc, const char *key, double lo, double hi,
                             monotime *out)
{
	const config_setting_t *s = config_value_member(sc, key);
	char a[32], b[32], c[32];
	double v;

	if (!s)
		return CV_ABSENT;
	if (!config_value_type_ok(sc, s, key, config_value_is_number(s), "a number of seconds"))
		return CV_BAD;
	v = config_value_number(s);
	if (!isfinite(v) || v < lo || v > hi) {
		config_value_key_error(sc, s, key, "%s is out of range %s..%s",
		                       config_value_fmt_number(s, a, sizeof(a)),
		                       cv_fmt_double(lo, b, sizeof(b)),
		                       cv_fmt_double(hi, c, sizeof(c)));
		return CV_BAD;
	}
	*out = (monotime)config_value_round(v * (double)MT_SEC);
	return CV_OK;
}

/* Report every member of the scope's group that is not in known (NULL-terminated). */
int config_value_get_list(const struct cv_scope *sc, const char *key, int max, const char *noun,
                          const char *empty_hint, const config_setting_t **out)
{
	const config_setting_t *s = config_value_member(sc, key);
	int type, n;

	if (!s)
		return 0;
	type = config_setting_type(s);
	if (!config_value_type_ok(sc, s, key, type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST,
	                          "an array of strings"))
		return -1;
	n = config_setting_length(s);
	if (n == 0 && !empty_hint)
		return 0;
	if (n == 0)
		config_value_key_error(sc, s, key, "must not be empty%s", empty_hint);
	else if (n > max)
		config_value_key_error(sc, s, key, "%d %s, at most %d", n, noun, max);
	else
		*out = s;
	return n == 0 || n > max ? -1 : n;
}

void config_value_check_keys(const struct cv_scope *sc, const char *const *known)
{
	int n = config_setting_length(sc->grp);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(sc->grp, (unsigned)i);
		const char *name = config_setting_name(s);
		const char *const *k;

		for (k = known; *k; k++)
			if (strcmp(*k, name) == 0)
				break;
		if (*k)
			continue;
		if (sc->what[0])
			config_value_error_at(sc->ld, s, "unknown key \"%s\" in %s", name,
			                      sc->what);
		else
			config_value_error_at(sc->ld, s, "unknown key \"%s\"", name);
	}
}

void config_value_missing(const struct cv_scope *sc, const char *key)
{
	config_value_error_at(sc->ld, sc->grp, "%s: missing key \"%s\"", sc->what, key);
}

void config_value_flush(struct cv_loader *ld, struct config_errors *errs)
{
	for (size_t i = 1; i < ld->nerrs; i++) {
		struct cv_err e = ld->errs[i];
		size_t j = i;

		for (; j > 0 && ld->errs[j - 1].line > e.line; j--)
			ld->errs[j] = ld->errs[j - 1];
		ld->errs[j] = e;
	}
	for (size_t i = 0; i < ld->nerrs; i++) {
		char **n = errs ? realloc(errs->lines, (errs->n + 1) * sizeof(*n)) : NULL;

		if (n) {
			errs->lines = n;
			errs->lines[errs->n++] = ld->errs[i].text;
		} else {
			free(ld->errs[i].text);
			ld->failed += errs != NULL;
		}
	}
	/* Never a refused file without a line saying why. */
	if (ld->failed)
		config_errors_add(errs, "%s: out of memory: %zu error(s) not stored", ld->path,
		                  ld->failed);
	free(ld->errs);
	ld->errs = NULL;
	ld->nerrs = ld->cap = ld->failed = 0;
}

bool config_value_unicast_host(const struct vip_addr *a)
{
	return addr_is_unicast_host(a);
}

void config_value_print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}
