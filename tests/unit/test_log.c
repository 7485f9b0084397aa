/* log: a full output (a pipe or a stream socket nobody reads, as a stalled journald) never
 * blocks a log call; the lines it could not take are counted and summed up in one line once it
 * takes lines again. */
#include "build_config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pipe),
	    cmocka_unit_test(test_stream_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
