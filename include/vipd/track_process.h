/* track_process: the kernel side of the process check: the netlink proc connector (events of
 * every fork, exec, rename and exit on the host) and /proc. Returns -1 and errno; never logs. */
#ifndef VIPD_TRACK_PROCESS_H
#define VIPD_TRACK_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

/* A non-blocking socket subscribed to the proc connector, or -1 (errno: EPROTONOSUPPORT in a
 * network namespace other than the host's, where the connector does not exist; EPERM without
 * CAP_NET_ADMIN). */
int track_process_open(void);

/* Read one datagram of fd into buf; its length, or -1 (EAGAIN: none; ENOBUFS: events were
 * lost, the caller scans /proc again). */
ssize_t track_process_recv(int fd, void *buf, size_t len);

/* Read the name (comm, from /proc/PID/stat) and the command line (cmdline, raw: arguments
 * each ended by a NUL, *cmdlen bytes, cut at cmdmax) of process pid. -1 when it is gone (a
 * zombie too) or cannot be read. */
int track_process_read(pid_t pid, char *comm, size_t commmax, char *cmdline, size_t cmdmax,
                       size_t *cmdlen);

/* Call cb for every process in /proc. 0, or -1 when /proc cannot be read. */
int track_process_scan(void (*cb)(void *arg, pid_t pid), void *arg);

#endif
