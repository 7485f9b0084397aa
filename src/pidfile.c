/* pidfile: the lock that keeps a second vipd with the same pidfile from touching anything. The
 * file is never unlinked before it is locked: the running copy's lock would be lost with it. */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vipd/pidfile.h"

/* The pid written in fd's file, 0 if none can be read. */
static long read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;
	char *end;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return end != buf && pid > 0 ? pid : 0;
}

/* fd and path name the same file. */
static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int pidfile_lock(const char *path, long *holder, char *err, size_t errlen)
{
	*holder = 0;
	/* A copy exiting between our open and our lock unlinks the file we opened: open again. */
	for (int tries = 0; tries < 5; tries++) {
		struct stat st;
		/* O_NONBLOCK: a FIFO left at the path must not hang us (replaced below). */
		int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);

		if (fd < 0) {
			snprintf(err, errlen, "pidfile %s: %s", path, strerror(errno));
			return -1;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			unlink(path);
			continue;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;

			if (e == EWOULDBLOCK) {
				*holder = read_pid(fd);
				if (*holder)
					snprintf(err, errlen,
					         "pidfile %s is locked by a running vipd (pid %ld)",
					         path, *holder);
				else
					snprintf(err, errlen,
					         "pidfile %s is locked by a running vipd", path);
			} else {
				snprintf(err, errlen, "pidfile %s: lock: %s", path, strerror(e));
			}
			close(fd);
			return e == EWOULDBLOCK ? -2 : -1;
		}
		if (!same_file(fd, path)) {
			close(fd);
			continue;
		}
		/* Ours now; a file with other names (a hard link left in the folder) is not
		 * written through: a new one replaces it. */
		if (fstat(fd, &st) == 0 && st.st_nlink == 1)
			return fd;
		unlink(path);
		close(fd);
	}
	snprintf(err, errlen, "pidfile %s: replaced while being locked; giving up", path);
	return -1;
}

int pidfile_write(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0)
		return -1;
	if (pwrite(fd, buf, (size_t)len, 0) != len) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

void pidfile_release(int fd, const char *path)
{
	if (fd < 0)
		return;
	/* Unlinked while the lock is still held: no copy can lock this file in between. */
	if (same_file(fd, path))
		unlink(path);
	close(fd);
}
