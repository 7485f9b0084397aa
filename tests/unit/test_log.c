/* log: a full output (a pipe or a stream socket nobody reads, as a stalled journald) never
 * blocks a log call; the lines it could not take are counted and summed up in one line once it
 * takes lines again. Debug categories: names parsed and printed, a line of an enabled category
 * written whatever the level (and its arguments not evaluated when off), and the control
 * command that switches them. */
#include "build_config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "vipd/config.h"
#include "vipd/instance.h"
#include "vipd/daemon_int.h"
#include "vipd/log.h"

/* Append everything waiting on fd (non-blocking) to the string in buf; the bytes read. */
static size_t drain(int fd, char *buf, size_t len)
{
	size_t got = strlen(buf), start = got;
	ssize_t n;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return got - start;
}

/* The sum of the N of every "N log lines dropped" line in s. */
static unsigned long long told(const char *s)
{
	unsigned long long sum = 0;
	const char *p = s;

	while ((p = strstr(p, " log lines dropped")) != NULL) {
		const char *q = p;

		while (q > s && q[-1] >= '0' && q[-1] <= '9')
			q--;
		sum += strtoull(q, NULL, 10);
		p++;
	}
	return sum;
}

/* stderr is the write end of out (a pipe or a stream socket); log until the output is full, then
 * read it and log once more. The checks come after stderr is back (cmocka reports there). */
static void stall_and_recover(int out[2])
{
	static char buf[1 << 20];
	unsigned long long before = log_dropped(), dropped, after;
	int saved = dup(STDERR_FILENO);
	const char *second;
	size_t first;

	buf[0] = '\0';
	assert_true(saved >= 0);
	assert_int_equal(dup2(out[1], STDERR_FILENO), STDERR_FILENO);
	log_init("test", true, LOG_DEBUG);
	/* A blocking write would hang here: the alarm fails the test instead. */
	alarm(10);
	for (int i = 0; i < 20000; i++)
		log_info("line %d of a log nobody reads, long enough to fill a buffer fast", i);
	alarm(0);
	dropped = log_dropped() - before;
	first = drain(out[0], buf, sizeof(buf));
	log_notice("after the drain");
	drain(out[0], buf, sizeof(buf));
	after = log_dropped() - before;
	dup2(saved, STDERR_FILENO);
	close(saved);
	log_init("test", true, LOG_DEBUG);
	close(out[0]);
	close(out[1]);

	assert_true(dropped > 0);
	assert_true(first > 0);
	/* Every dropped line is told; the last summary comes before the line that follows. */
	assert_int_equal(told(buf), dropped);
	second = buf + first;
	assert_non_null(strstr(second, "after the drain"));
	assert_non_null(strstr(second, " log lines dropped"));
	assert_true(strstr(second, " log lines dropped") < strstr(second, "after the drain"));
	assert_int_equal(after, dropped);
}

static void test_pipe(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	stall_and_recover(p);
}

/* journald's stdout stream: a unix stream socket. */
static void test_stream_socket(void **state)
{
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	stall_and_recover(sv);
}

/* --- instance_log and log_oom: the text a line gets, byte for byte --- */

static const struct vipd_instance_config web_cfg = {.name = "web"};
static const struct instance web = {.cfg = &web_cfg};

/* Run fn with stderr on a pipe at level LOG_INFO; what it logged, time stamps cut, in out. */
static void capture(void (*fn)(void), char *out, size_t len)
{
	char raw[4096] = "";
	int p[2], saved = dup(STDERR_FILENO);
	char *line, *save;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[1], STDERR_FILENO), STDERR_FILENO);
	log_init("test", true, LOG_INFO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	log_init("test", true, LOG_DEBUG);
	drain(p[0], raw, sizeof(raw));
	close(p[0]);
	close(p[1]);
	out[0] = '\0';
	/* "HH:MM:SS.mmm text": keep the text. */
	for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *sp = strchr(line, ' ');

		snprintf(out + strlen(out), len - strlen(out), "%s\n", sp ? sp + 1 : line);
	}
}

static int errno_after;

static void log_web(void)
{
	instance_log(&web, LOG_NOTICE, "BACKUP -> MASTER (%s), priority %u/%u", "timer", 100, 100);
	instance_log(&web, LOG_DEBUG, "not written at level info");
	errno = ENOENT;
	instance_log_errno(&web, LOG_WARNING, "netlink batch");
	errno_after = errno;
	instance_log(&web, LOG_WARNING, "%s", "a 100%-literal text");
}

static void test_instance_log(void **state)
{
	char out[4096];

	(void)state;
	capture(log_web, out, sizeof(out));
	assert_string_equal(out, "web: BACKUP -> MASTER (timer), priority 100/100\n"
	                         "web: netlink batch: No such file or directory\n"
	                         "web: a 100%-literal text\n");
	/* errno survives a log call, as for log_warn. */
	assert_int_equal(errno_after, ENOENT);
}

/* The same lines as the hand-written "%s: " formats they replaced. */
static void log_by_hand(void)
{
	log_notice("%s: BACKUP -> MASTER (%s), priority %u/%u", "web", "timer", 100, 100);
	errno = ENOENT;
	log_warn("%s: netlink batch", "web");
}

static void log_by_helper(void)
{
	instance_log(&web, LOG_NOTICE, "BACKUP -> MASTER (%s), priority %u/%u", "timer", 100, 100);
	errno = ENOENT;
	instance_log_errno(&web, LOG_WARNING, "netlink batch");
}

static void test_instance_log_same_text(void **state)
{
	char by_hand[4096], by_helper[4096];

	(void)state;
	capture(log_by_hand, by_hand, sizeof(by_hand));
	capture(log_by_helper, by_helper, sizeof(by_helper));
	assert_string_equal(by_hand, by_helper);
}

static void log_oom_warning(void)
{
	log_oom("reload", "the running config stays");
	log_oom("metrics", NULL);
}

static void test_log_oom(void **state)
{
	char out[256];

	(void)state;
	capture(log_oom_warning, out, sizeof(out));
	assert_string_equal(out, "reload: out of memory; the running config stays\n"
	                         "metrics: out of memory\n");
}

static void test_cat_names(void **state)
{
	unsigned cats = 123;
	char buf[64];

	(void)state;
	assert_int_equal(log_cat_parse("packets"), LOG_CAT_PACKETS);
	assert_int_equal(log_cat_parse("ctl"), LOG_CAT_CTL);
	assert_int_equal(log_cat_parse("all"), LOG_CAT_ALL);
	assert_int_equal(log_cat_parse("Packets"), 0);
	assert_int_equal(log_cat_parse(""), 0);
	assert_string_equal(log_cat_name(LOG_CAT_NETLINK), "netlink");
	assert_null(log_cat_name(LOG_CAT_PACKETS | LOG_CAT_CTL));
	assert_int_equal(log_cats_parse_list("timers,checks", &cats), 0);
	assert_int_equal(cats, LOG_CAT_TIMERS | LOG_CAT_CHECKS);
	assert_int_equal(log_cats_parse_list("all", &cats), 0);
	assert_int_equal(cats, LOG_CAT_ALL);
	/* a bad list leaves *cats alone */
	cats = 7;
	assert_int_equal(log_cats_parse_list("packets,bogus", &cats), -1);
	assert_int_equal(log_cats_parse_list("packets,,ctl", &cats), -1);
	assert_int_equal(log_cats_parse_list("", &cats), -1);
	assert_int_equal(log_cats_parse_list("packetspacketspackets", &cats), -1);
	assert_int_equal(cats, 7);
	assert_string_equal(log_cats_format(0, buf, sizeof(buf)), "none");
	assert_string_equal(log_cats_format(LOG_CAT_CTL | LOG_CAT_PACKETS, buf, sizeof(buf)),
	                    "packets,ctl");
	assert_string_equal(log_cats_format(LOG_CAT_ALL, buf, sizeof(buf)),
	                    "packets,timers,netlink,checks,ctl");
}

static int evaluated;

static int side_effect(void)
{
	return ++evaluated;
}

/* At level err: a line of an enabled category is written, tagged; one of a category that is off
 * costs no evaluation of its arguments; plain debug lines stay filtered. */
static void test_cat_lines(void **state)
{
	static char buf[4096];
	int p[2], saved = dup(STDERR_FILENO);

	(void)state;
	buf[0] = '\0';
	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[1], STDERR_FILENO), STDERR_FILENO);
	log_init("test", true, LOG_ERR);
	log_cats_set(LOG_CAT_PACKETS);
	log_debug_cat(LOG_CAT_PACKETS, "advert %d", side_effect());
	log_debug_cat(LOG_CAT_TIMERS, "timer %d", side_effect());
	log_debug_cat(LOG_CAT_PACKETS, "%s", "two\nlines");
	log_debug("plain debug");
	log_cats_set(0);
	log_debug_cat(LOG_CAT_PACKETS, "advert %d", side_effect());
	drain(p[0], buf, sizeof(buf));
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(p[0]);
	close(p[1]);
	log_init("test", true, LOG_DEBUG);
	assert_int_equal(evaluated, 1);
	assert_non_null(strstr(buf, " debug packets: advert 1\n"));
	assert_null(strstr(buf, "timer"));
	assert_null(strstr(buf, "plain debug"));
	assert_non_null(
	    strstr(buf, " debug packets: two?lines\n")); /* one line, whatever it held */
}

/* The answer of daemon_debug_command to request (JSON text), as JSON text. */
static char *ctl_debug(const char *request)
{
	struct json_object *req = json_tokener_parse(request);
	struct json_object *reply = daemon_debug_command(req);
	char *text = strdup(json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN));

	json_object_put(req);
	json_object_put(reply);
	return text;
}

static void expect_ctl_debug(const char *request, const char *answer)
{
	char *text = ctl_debug(request);

	assert_string_equal(text, answer);
	free(text);
}

static void test_ctl_debug(void **state)
{
	(void)state;
	log_cats_set(0);
	expect_ctl_debug("{\"command\":\"debug\"}", "{\"ok\":true,\"result\":{\"enabled\":[]}}");
	expect_ctl_debug("{\"command\":\"debug\",\"enable\":[\"packets\",\"ctl\"]}",
	                 "{\"ok\":true,\"result\":{\"enabled\":[\"packets\",\"ctl\"]}}");
	assert_int_equal(log_cats_on, LOG_CAT_PACKETS | LOG_CAT_CTL);
	/* an unknown name is refused, named with the valid ones, and nothing changes */
	expect_ctl_debug("{\"command\":\"debug\",\"enable\":[\"timers\"],\"disable\":[\"pakets\"]}",
	                 "{\"ok\":false,\"error\":\"unknown debug category \\\"pakets\\\" (valid: "
	                 "packets, timers, netlink, checks, ctl, all)\"}");
	expect_ctl_debug("{\"command\":\"debug\",\"enable\":\"timers\"}",
	                 "{\"ok\":false,\"error\":\"debug: \\\"enable\\\" must be an array of "
	                 "category names\"}");
	expect_ctl_debug("{\"command\":\"debug\",\"enable\":[3]}",
	                 "{\"ok\":false,\"error\":\"unknown debug category \\\"3\\\" (valid: "
	                 "packets, timers, netlink, checks, ctl, all)\"}");
	assert_int_equal(log_cats_on, LOG_CAT_PACKETS | LOG_CAT_CTL);
	/* disable goes first: "all off, timers on" leaves timers alone */
	expect_ctl_debug("{\"command\":\"debug\",\"disable\":[\"all\"],\"enable\":[\"timers\"]}",
	                 "{\"ok\":true,\"result\":{\"enabled\":[\"timers\"]}}");
	expect_ctl_debug("{\"command\":\"debug\",\"enable\":[\"all\"]}",
	                 "{\"ok\":true,\"result\":{\"enabled\":[\"packets\",\"timers\","
	                 "\"netlink\",\"checks\",\"ctl\"]}}");
	log_cats_set(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pipe),         cmocka_unit_test(test_stream_socket),
	    cmocka_unit_test(test_instance_log), cmocka_unit_test(test_instance_log_same_text),
	    cmocka_unit_test(test_log_oom),      cmocka_unit_test(test_cat_names),
	    cmocka_unit_test(test_cat_lines),    cmocka_unit_test(test_ctl_debug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
