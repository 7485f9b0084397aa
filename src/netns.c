/* netns: enter the network namespace of net_namespace (see netns.h). vipd does it first of all
 * (daemon_new), so every socket, netlink and sysctl it touches is that namespace's: one host
 * can run a vipd per namespace, as keepalived's net_namespace does. */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vipd/netns.h"

static int open_ns(const char *name, char *why, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		snprintf(why, len, "%s: %s", path, strerror(errno));
	return fd;
}

int netns_enter(const char *name, char *why, size_t len)
{
	int fd = open_ns(name, why, len);

	if (fd < 0)
		return -1;
	if (setns(fd, CLONE_NEWNET) < 0) {
		snprintf(why, len, "entering network namespace %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int netns_check(const char *name, char *why, size_t len)
{
	int fd = open_ns(name, why, len);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}
