/* log: messages to stderr or syslog, in the OpenBSD daemon style. */
#ifndef VIPD_LOG_H
#define VIPD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
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
/* Log with errno and exit(1): start-up failures and broken invariants only. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Log without errno and exit(1). */
void log_fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
