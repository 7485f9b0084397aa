/* log: stderr or syslog, with the OpenBSD log_warn/log_warnx/fatal policy. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vipd/log.h"

static bool log_to_stderr = true;
static int log_level = LOG_INFO;

static const struct {
	const char *name;
	int level;
} log_levels[] = {
    {"debug", LOG_DEBUG},     {"info", LOG_INFO}, {"notice", LOG_NOTICE},
    {"warning", LOG_WARNING}, {"err", LOG_ERR},
};

void log_init(const char *ident, bool to_stderr, int level)
{
	log_to_stderr = to_stderr;
	log_level = level;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void log_set_level(int level)
{
	log_level = level;
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (strcmp(name, log_levels[i].name) == 0)
			return log_levels[i].level;
	return -1;
}

/* Format one message, append ": strerror" when err is not 0, and write it. */
static void vlog(int pri, int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void vlog(int pri, int err, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	if (pri > log_level)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (err && n >= 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s", strerror(err));

	if (log_to_stderr) {
		struct timespec ts;
		struct tm tm;
		char stamp[16];

		/* Millisecond stamps: a failover is a matter of milliseconds. */
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s\n", stamp, ts.tv_nsec / 1000000, line);
		fflush(stderr);
	} else {
		syslog(pri, "%s", line);
	}
}

#define LOG_FN(fn, pri, with_errno)                                                                \
	void fn(const char *fmt, ...)                                                              \
	{                                                                                          \
		int saved = errno;                                                                 \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		vlog(pri, (with_errno) ? saved : 0, fmt, ap);                                      \
		va_end(ap);                                                                        \
		errno = saved;                                                                     \
	}

LOG_FN(log_warn, LOG_WARNING, 1)
LOG_FN(log_warnx, LOG_WARNING, 0)
LOG_FN(log_notice, LOG_NOTICE, 0)
LOG_FN(log_info, LOG_INFO, 0)
LOG_FN(log_debug, LOG_DEBUG, 0)

void fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
