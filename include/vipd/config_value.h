/* config_value: typed reading of libconfig settings for config.c. Errors are collected, never
 * printed: each one becomes a "FILE:LINE: message" line naming the key. Internal to the config
 * module (config.c is its only user). */
#ifndef VIPD_CONFIG_VALUE_H
#define VIPD_CONFIG_VALUE_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vipd/config.h"
#include "vipd/monotime.h"

/* One collected error, kept with its line so that the list can be sorted. */
struct cv_err {
	int line;
	char *text;
};

/* The errors of one config_load call. */
struct cv_loader {
	const char *path; /* file named when a setting does not know its own */
	struct cv_err *errs;
	size_t nerrs, cap;
	size_t failed; /* errors that could not be stored (out of memory) */
};

/* A group being read: its setting, the key prefix for messages and how to name the group. */
struct cv_scope {
	struct cv_loader *ld;
	const config_setting_t *grp;
	const char *pfx;  /* "instances[2]", or "" at the top level */
	const char *what; /* `instance "web"` or "instances[2]"; "" at the top level */
};

/* Result of a cv_get_*: key absent (default applies), value stored, or error reported. */
enum { CV_ABSENT, CV_OK, CV_BAD };

/* Record an error at line of file (NULL: ld->path); line < 0 gives "FILE: message". */
void config_value_error(struct cv_loader *ld, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record an error at the line of setting s. */
void config_value_error_at(struct cv_loader *ld, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record "PFX.KEY: message" at the line of s. */
void config_value_key_error(const struct cv_scope *sc, const config_setting_t *s, const char *key,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "an integer", "a float", "a string", ... for "expected X, got Y" messages. */
const char *config_value_type_name(const config_setting_t *s);

/* True for an int or int64 setting; config_value_is_number also accepts a float. */
bool config_value_is_int(const config_setting_t *s);
bool config_value_is_number(const config_setting_t *s);

/* Value of a numeric setting as a double, and as the user wrote it (shortest exact text). */
double config_value_number(const config_setting_t *s);
const char *config_value_fmt_number(const config_setting_t *s, char *buf, size_t len);

/* d rounded to the nearest integer, halves away from zero (llround without libm); |d| < 2^62. */
long long config_value_round(double d);

/* Seconds as text with 1 to 9 decimals ("5.0", "0.05") that reads back to exactly t. */
const char *config_value_fmt_seconds(monotime t, char *buf, size_t len);

/* The member key of the scope's group, or NULL. */
const config_setting_t *config_value_member(const struct cv_scope *sc, const char *key);

/* When ok is false, report "PFX.KEY: expected <expected>, got <type of s>". Returns ok. */
bool config_value_type_ok(const struct cv_scope *sc, const config_setting_t *s, const char *key,
                          bool ok, const char *expected);

/* Typed getters: CV_ABSENT leaves *out alone, CV_BAD has reported the error. config_value_get_int
 * checks lo..hi; config_value_get_text wants a non-empty string without control characters shorter
 * than size; config_value_get_seconds takes an integer or a float in lo..hi and stores nanoseconds.
 */
int config_value_get_int(const struct cv_scope *sc, const char *key, long long lo, long long hi,
                         long long *out);
int config_value_get_bool(const struct cv_scope *sc, const char *key, bool *out);
int config_value_get_string(const struct cv_scope *sc, const char *key, const char **out);
int config_value_get_text(const struct cv_scope *sc, const char *key, char *dst, size_t size);
int config_value_get_seconds(const struct cv_scope *sc, const char *key, double lo, double hi,
                             monotime *out);

/* An array or list key of 1..max elements: returns the count, 0 when absent (or empty with a
 * NULL empty_hint), -1 after reporting "expected an array of strings", "must not be
 * empty<empty_hint>" or "N <noun>, at most max". */
int config_value_get_list(const struct cv_scope *sc, const char *key, int max, const char *noun,
                          const char *empty_hint, const config_setting_t **out);

/* Report every member of the scope's group whose name is not in known (NULL-terminated). */
void config_value_check_keys(const struct cv_scope *sc, const char *const *known);

/* Report `WHAT: missing key "KEY"` at the line of the scope's group. */
void config_value_missing(const struct cv_scope *sc, const char *key);

/* Append the collected errors to errs (may be NULL) sorted by line, and free them. */
void config_value_flush(struct cv_loader *ld, struct config_errors *errs);

/* True for an address a host can hold as unicast: not unspecified, loopback, broadcast or
 * multicast. */
bool config_value_unicast_host(const struct vip_addr *a);

/* Write s as a libconfig string literal (double quotes, " and \ escaped). */
void config_value_print_string(FILE *out, const char *s);

#endif
