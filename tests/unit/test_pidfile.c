/* pidfile: the lock that keeps a second vipd out, on real files in a temporary folder. */
#include "build_config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vipd/pidfile.h"

static char dir[64], path[96];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vipd-pidfile.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/vipd.pid", dir);
	return 0;
}

static int remove_dir(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static void read_file(char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, (int)len, f));
	fclose(f);
}

/* A second lock (another open file, as a second process has) is refused with the holder's pid,
 * and changes nothing in the file. */
static void test_second_copy_refused(void **state)
{
	char err[256], buf[32], want[32];
	long holder = -1;
	int fd, fd2;

	(void)state;
	fd = pidfile_lock(path, &holder, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(pidfile_write(fd), 0);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	fd2 = pidfile_lock(path, &holder, err, sizeof(err));
	assert_int_equal(fd2, -2);
	assert_int_equal(holder, (long)getpid());
	assert_non_null(strstr(err, "is locked by a running vipd (pid"));
	assert_non_null(strstr(err, path));
	read_file(buf, sizeof(buf));
	assert_string_equal(buf, want);
	pidfile_release(fd, path);
	assert_int_equal(access(path, F_OK), -1);
}

/* A stale file (a killed run's: no lock) is taken over and rewritten. */
static void test_stale_file_taken(void **state)
{
	char err[256], buf[32], want[32];
	long holder;
	FILE *f = fopen(path, "w");
	int fd;

	(void)state;
	assert_non_null(f);
	fputs("999999999\n", f);
	fclose(f);
	fd = pidfile_lock(path, &holder, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(pidfile_write(fd), 0);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	read_file(buf, sizeof(buf));
	assert_string_equal(buf, want);
	pidfile_release(fd, path);
}

/* A file put at the path by someone else after ours is not removed at exit. */
static void test_release_keeps_other_file(void **state)
{
	char err[256];
	long holder;
	int fd, other;

	(void)state;
	fd = pidfile_lock(path, &holder, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	other = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(other >= 0);
	close(other);
	pidfile_release(fd, path);
	assert_int_equal(access(path, F_OK), 0);
}

/* Something else left at the path (a FIFO: opening it must not hang) is replaced by a file. */
static void test_fifo_replaced(void **state)
{
	char err[256];
	struct stat st;
	long holder;
	int fd;

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	fd = pidfile_lock(path, &holder, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	pidfile_release(fd, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_second_copy_refused, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_stale_file_taken, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_release_keeps_other_file, make_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_fifo_replaced, make_dir, remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
