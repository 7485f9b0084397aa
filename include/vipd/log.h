/* log: messages to stderr or syslog, in the OpenBSD daemon style. */
#ifndef VIPD_LOG_H
#define VIPD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

/* Start logging as ident; to stderr when to_stderr, else to syslog (daemon facility). */
void log_init(const char *ident, bool to_stderr, int level);

/* Lines not written so far because the output (journald, syslog, a pipe) could not take them
 * without blocking. */
unsigned long long log_dropped(void);

/* Only messages at or above this syslog level (LOG_ERR..LOG_DEBUG) are written. */
void log_set_level(int level);

/* Parse "debug|info|notice|warning|err" into a syslog level; -1 if unknown. */
int log_level_parse(const char *name);

/* Warning with ": strerror(errno)" appended. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warning without errno. */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Notable event (state changes). */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Informational message. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Debugging detail; cheap when the level is higher. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* --- Debug categories (vipd(8) DEBUG CATEGORIES): switched on at run time by vipd -D and
 * vipctl debug; a line of an enabled category is written whatever the log level, as
 * "debug NAME: ...", under the same non-blocking rules as every line. --- */
enum log_cat {
	LOG_CAT_PACKETS = 1u << 0, /* adverts received (with the verdict) and sent */
	LOG_CAT_TIMERS = 1u << 1,  /* protocol timers fired and armed, announcement rounds */
	LOG_CAT_NETLINK = 1u << 2, /* batches sent and each change's result, events, resyncs */
	LOG_CAT_CHECKS = 1u << 3,  /* each probe's start and raw result */
	LOG_CAT_CTL = 1u << 4,     /* each control request: client uid, command, result */
};
#define LOG_CAT_ALL 0x1fu
/* The valid names, for the messages that refuse another one. */
#define LOG_CAT_NAMES "packets, timers, netlink, checks, ctl, all"
/* The categories on (LOG_CAT_* bits): read by log_debug_cat, changed by log_cats_set only. */
extern unsigned log_cats_on;
/* Log a line of category cat (one LOG_CAT_* bit) if it is on; when it is off the arguments are
 * not evaluated: a test of one bit is all a debug line costs on the receive path. */
#define log_debug_cat(cat, ...)                                                                    \
	do {                                                                                       \
		if (log_cats_on & (cat))                                                           \
			log_cat_write((cat), __VA_ARGS__);                                         \
	} while (0)
/* log_debug_cat's writer: "debug NAME: " then the message, whatever the level. */
void log_cat_write(unsigned cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Switch the categories cats (LOG_CAT_* bits) on and every other one off. */
void log_cats_set(unsigned cats);
/* The bit of category name, LOG_CAT_ALL for "all"; 0 when unknown. */
unsigned log_cat_parse(const char *name);
/* Parse "NAME[,NAME...]" (names as log_cat_parse) into *cats; -1, *cats untouched, at an
 * unknown or empty name. */
int log_cats_parse_list(const char *list, unsigned *cats);
/* The name of category cat (one bit), or NULL. */
const char *log_cat_name(unsigned cat);
/* cats as "packets,timers" ("none" when 0) in buf; returns buf. */
const char *log_cats_format(unsigned cats, char *buf, size_t len);

/* Log with errno and exit(1): start-up failures and broken invariants only. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Log without errno and exit(1). */
void log_fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* --- prefixed lines and out of memory (HACKING.md "Error policy") --- */

/* Log "PREFIX: " and fmt at syslog priority pri, with ": strerror(errno)" appended when
 * with_errno; for helpers such as instance_log that give a family of lines one prefix. */
void log_vprefixed(int pri, bool with_errno, const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* Run time: "WHAT: out of memory; OUTCOME" (outcome may be NULL) as a warning, the caller
 * refusing or skipping the work (OUTCOME says which: "the running config stays"). */
void log_oom(const char *what, const char *outcome);
/* Start-up or a broken invariant: "WHAT: out of memory" at LOG_CRIT, then exit(1). */
void log_oom_fatal(const char *what) __attribute__((noreturn));

#endif
