/* sockio: helpers for non-blocking stream sockets (see sockio.h). */
#include "build_config.h"

#include <errno.h>
#include <sys/socket.h>

#include "vipd/sockio.h"

ssize_t sockio_send_some(int fd, const char *buf, size_t len, size_t *off)
{
	size_t start = *off;

	while (*off < len) {
		ssize_t n = send(fd, buf + *off, len - *off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		*off += (size_t)n;
	}
	return (ssize_t)(*off - start);
}
