/* track_process: the proc connector and /proc for the process check (see track_process.h).
 * The connector lets a process check follow processes as they come and go instead of
 * forking pgrep every interval; /proc gives the first count and recounts after lost events. */
#include "build_config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vipd/track_pmatch.h"
#include "vipd/track_process.h"

int track_process_open(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
	/* nlmsghdr, cn_msg, then the operation: cn_msg ends in a flexible array */
	char req[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))]
	    __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh = (struct nlmsghdr *)req;
	struct cn_msg *cn = NLMSG_DATA(nh);
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int fd, e;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	memset(req, 0, sizeof(req));
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	nh->nlmsg_type = NLMSG_DONE;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (send(fd, req, nh->nlmsg_len, 0) < 0)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

ssize_t track_process_recv(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Read at most max bytes of /proc/PID/NAME; the count, or -1. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t max)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, max);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n;
}

int track_process_read(pid_t pid, char *comm, size_t commmax, char *cmdline, size_t cmdmax,
                       size_t *cmdlen)
{
	/* the name and state lead the line: 128 bytes hold them (a name is at most 15) */
	char stat[128], state;
	ssize_t n = read_proc(pid, "stat", stat, sizeof(stat));

	if (n < 0 || track_pmatch_stat(stat, (size_t)n, comm, commmax, &state) < 0)
		return -1;
	/* a zombie has exited: it only waits for its parent */
	if (state == 'Z' || state == 'X')
		return -1;
	n = read_proc(pid, "cmdline", cmdline, cmdmax);
	if (n < 0)
		return -1;
	*cmdlen = (size_t)n;
	return 0;
}

int track_process_scan(void (*cb)(void *arg, pid_t pid), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || end == de->d_name)
			continue;
		cb(arg, (pid_t)pid);
	}
	closedir(d);
	return 0;
}
