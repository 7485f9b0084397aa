/* journal: the native protocol of systemd-journald, written directly (no libsystemd: its
 * sd_journal_send waits on a full socket, and nothing may block vipd's loop). */
#include "build_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vipd/journal.h"

/* One entry: a few short fields (instance, states, cause, peer, message). */
#define JOURNAL_ENTRY_MAX 2048

bool journal_wanted(void)
{
	return getenv("JOURNAL_STREAM") != NULL || getenv("INVOCATION_ID") != NULL;
}

int journal_open(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

size_t journal_format(char *buf, size_t len, const char *const *fields, size_t n)
{
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(fields[i]);

		if (used + l + 1 > len)
			return 0;
		for (size_t k = 0; k < l; k++)
			buf[used + k] = fields[i][k] == '\n' ? ' ' : fields[i][k];
		used += l;
		buf[used++] = '\n';
	}
	return used;
}

int journal_send(int fd, const char *const *fields, size_t n)
{
	char buf[JOURNAL_ENTRY_MAX];
	size_t len = journal_format(buf, sizeof(buf), fields, n);

	if (len == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	return send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}
