/* journal: the native protocol's datagram (KEY=value lines, newlines in values flattened), sent
 * to a socket bound here as journald's would be, and when vipd uses it at all. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vipd/journal.h"

static void format(void **state)
{
	const char *f[] = {"MESSAGE=web: BACKUP -> MASTER\nsecond line", "VIPD_INSTANCE=web",
	                   "VIPD_CAUSE=master_down"};
	char buf[256], tiny[20];

	(void)state;
	assert_int_equal(journal_format(buf, sizeof(buf), f, 3),
	                 strlen("MESSAGE=web: BACKUP -> MASTER second line\nVIPD_INSTANCE=web\n"
	                        "VIPD_CAUSE=master_down\n"));
	assert_memory_equal(buf,
	                    "MESSAGE=web: BACKUP -> MASTER second line\nVIPD_INSTANCE=web\n"
	                    "VIPD_CAUSE=master_down\n",
	                    strlen("MESSAGE=web: BACKUP -> MASTER second line\nVIPD_INSTANCE=web\n"
	                           "VIPD_CAUSE=master_down\n"));
	assert_int_equal(journal_format(tiny, sizeof(tiny), f, 3), 0);
}

static void send_to_a_bound_socket(void **state)
{
	char dir[] = "/tmp/vipd-test-journal-XXXXXX", path[64], buf[512];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *f[] = {"MESSAGE=hello", "VIPD_STATE=MASTER"};
	int srv, fd;
	ssize_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/socket", dir);
	assert_true(journal_open(path) < 0); /* nobody there */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(srv >= 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	fd = journal_open(path);
	assert_true(fd >= 0);
	assert_int_equal(journal_send(fd, f, 2), 0);
	n = recv(srv, buf, sizeof(buf) - 1, 0);
	assert_int_equal(n, strlen("MESSAGE=hello\nVIPD_STATE=MASTER\n"));
	buf[n] = '\0';
	assert_string_equal(buf, "MESSAGE=hello\nVIPD_STATE=MASTER\n");
	/* A full socket: dropped at once, never waited for. */
	while (journal_send(fd, f, 2) == 0)
		;
	assert_int_equal(errno, EAGAIN);
	close(fd);
	close(srv);
	unlink(path);
	rmdir(dir);
}

static void wanted_under_systemd_only(void **state)
{
	(void)state;
	unsetenv("JOURNAL_STREAM");
	unsetenv("INVOCATION_ID");
	assert_false(journal_wanted());
	setenv("INVOCATION_ID", "0123", 1);
	assert_true(journal_wanted());
	unsetenv("INVOCATION_ID");
	setenv("JOURNAL_STREAM", "8:1234", 1);
	assert_true(journal_wanted());
	unsetenv("JOURNAL_STREAM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(format),
	    cmocka_unit_test(send_to_a_bound_socket),
	    cmocka_unit_test(wanted_under_systemd_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
