/* log: stderr or syslog, with the OpenBSD log_warn/log_warnx/log_fatal policy. A write never
 * blocks the loop: a line the reader (journald, syslog, a pipe) cannot take now is dropped and
 * counted, and a summary is written once the output takes lines again. syslog(3) is not used
 * for that reason: it blocks when /dev/log is full. */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vipd/log.h"

static bool log_to_stderr = true;
static int log_level = LOG_INFO;
static const char *log_ident = "vipd";
/* stderr output: out_fd is non-blocking (its own open file, not the shared stderr), or a socket
 * written with MSG_DONTWAIT (out_sock). */
static int out_fd = STDERR_FILENO;
static bool out_sock;
static int syslog_fd = -1;
static unsigned long long dropped, dropped_told;

static const struct {
	const char *name;
	int level;
} log_levels[] = {
    {"debug", LOG_DEBUG},     {"info", LOG_INFO}, {"notice", LOG_NOTICE},
    {"warning", LOG_WARNING}, {"err", LOG_ERR},
};

/* stderr written without blocking. A pipe, FIFO or terminal is opened again through /proc (a
 * new open file: O_NONBLOCK there leaves the shell's or systemd's one alone); a socket (journald's
 * stream) takes MSG_DONTWAIT; a regular file does not stall on a reader. */
static void stderr_setup(void)
{
	struct stat st;
	int fd;

	if (out_fd != STDERR_FILENO)
		close(out_fd);
	out_fd = STDERR_FILENO;
	out_sock = false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		out_sock = true;
		return;
	}
	if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode))
		return;
	fd = open("/proc/self/fd/2", O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0)
		out_fd = fd;
}

/* Connect a non-blocking datagram socket to the syslog socket (syslog_fd -1: none now). */
static void syslog_connect(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};

	if (syslog_fd >= 0)
		close(syslog_fd);
	syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (syslog_fd >= 0 && connect(syslog_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(syslog_fd);
		syslog_fd = -1;
	}
}

void log_init(const char *ident, bool to_stderr, int level)
{
	log_ident = ident;
	log_to_stderr = to_stderr;
	log_level = level;
	tzset();
	if (to_stderr)
		stderr_setup();
	else
		syslog_connect();
}

unsigned long long log_dropped(void)
{
	return dropped;
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

/* Write one line to the output without blocking; false if it was not taken whole. */
static bool emit(int pri, const char *line)
{
	char buf[1200];
	struct timespec ts;
	struct tm tm;
	char stamp[32];
	ssize_t n;
	int len;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	if (log_to_stderr) {
		/* Millisecond stamps: a failover is a matter of milliseconds. */
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
		len =
		    snprintf(buf, sizeof(buf), "%s.%03ld %s\n", stamp, ts.tv_nsec / 1000000, line);
	} else {
		/* RFC 3164, as syslog(3) writes it. */
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
		len = snprintf(buf, sizeof(buf), "<%d>%s %s[%ld]: %s", LOG_DAEMON | pri, stamp,
		               log_ident, (long)getpid(), line);
	}
	if (len < 0)
		return false;
	if ((size_t)len >= sizeof(buf))
		len = sizeof(buf) - 1;
	if (log_to_stderr) {
		if (out_sock)
			n = send(out_fd, buf, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = write(out_fd, buf, (size_t)len); /* <= PIPE_BUF: all or nothing */
		return n == len;
	}
	if (syslog_fd < 0)
		syslog_connect();
	n = syslog_fd < 0 ? -1 : send(syslog_fd, buf, (size_t)len, MSG_NOSIGNAL);
	if (n < 0 && errno != EAGAIN && errno != ENOBUFS) {
		/* The syslog daemon restarted: its socket is a new one. */
		syslog_connect();
		n = syslog_fd < 0 ? -1 : send(syslog_fd, buf, (size_t)len, MSG_NOSIGNAL);
	}
	return n == len;
}

/* Format one message, append ": strerror" when err is not 0, and write it. */
static void vlog(int pri, int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void put_line(int pri, const char *line);

static void vlog(int pri, int err, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	if (pri > log_level)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (err && n >= 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s", strerror(err));
	put_line(pri, line);
}

/* Write one formatted line, after the summary of the lines dropped so far if one is owed. */
static void put_line(int pri, const char *line)
{
	if (dropped != dropped_told) {
		char told[96];

		snprintf(told, sizeof(told), "%llu log lines dropped (the log output was full)",
		         dropped - dropped_told);
		if (!emit(LOG_WARNING, told)) {
			dropped++;
			return;
		}
		dropped_told = dropped;
	}
	if (!emit(pri, line))
		dropped++;
}

/* --- debug categories: lines an operator switched on (vipd -D, vipctl debug), written whatever
 * the level; log_debug_cat tests the bit before evaluating its arguments. --- */

unsigned log_cats_on;

static const char *const cat_names[] = {"packets", "timers", "netlink", "checks", "ctl"};
#define NCATS (sizeof(cat_names) / sizeof(cat_names[0]))

void log_cats_set(unsigned cats)
{
	log_cats_on = cats & LOG_CAT_ALL;
}

const char *log_cat_name(unsigned cat)
{
	for (size_t i = 0; i < NCATS; i++)
		if (cat == 1u << i)
			return cat_names[i];
	return NULL;
}

unsigned log_cat_parse(const char *name)
{
	if (strcmp(name, "all") == 0)
		return LOG_CAT_ALL;
	for (size_t i = 0; i < NCATS; i++)
		if (strcmp(name, cat_names[i]) == 0)
			return 1u << i;
	return 0;
}

int log_cats_parse_list(const char *list, unsigned *cats)
{
	unsigned acc = 0;
	char name[16];

	for (const char *p = list;; p++) {
		size_t len = strcspn(p, ",");
		unsigned bit;

		if (len >= sizeof(name))
			return -1;
		memcpy(name, p, len);
		name[len] = '\0';
		if ((bit = log_cat_parse(name)) == 0)
			return -1;
		acc |= bit;
		p += len;
		if (!*p)
			break;
	}
	*cats = acc;
	return 0;
}

const char *log_cats_format(unsigned cats, char *buf, size_t len)
{
	size_t used = 0;

	snprintf(buf, len, "none");
	for (size_t i = 0; i < NCATS && len; i++)
		if (cats & (1u << i)) {
			int n =
			    snprintf(buf + used, len - used, "%s%s", used ? "," : "", cat_names[i]);

			if (n < 0 || (size_t)n >= len - used)
				break;
			used += (size_t)n;
		}
	return buf;
}

void log_cat_write(unsigned cat, const char *fmt, ...)
{
	int saved = errno;
	char line[1024];
	va_list ap;
	int n =
	    snprintf(line, sizeof(line), "debug %s: ", log_cat_name(cat) ? log_cat_name(cat) : "?");

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* A debug line may quote what a client sent (a command name): one line, whatever it held.
	 */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	put_line(LOG_DEBUG, line);
	errno = saved;
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

void log_fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void log_fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

/* --- prefixed lines and out of memory (HACKING.md "Error policy") --- */

/* Write one already formatted line through vlog. */
static void logf_line(int pri, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void logf_line(int pri, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, err, fmt, ap);
	va_end(ap);
}

void log_vprefixed(int pri, bool with_errno, const char *prefix, const char *fmt, va_list ap)
{
	int saved = errno;
	char msg[1024];

	if (pri > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	logf_line(pri, with_errno ? saved : 0, "%s: %s", prefix, msg);
	errno = saved;
}

void log_oom(const char *what, const char *outcome)
{
	int saved = errno;

	logf_line(LOG_WARNING, 0, "%s: out of memory%s%s", what, outcome ? "; " : "",
	          outcome ? outcome : "");
	errno = saved;
}

void log_oom_fatal(const char *what)
{
	logf_line(LOG_CRIT, 0, "%s: out of memory", what);
	exit(1);
}
