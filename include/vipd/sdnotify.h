/* sdnotify: the systemd notify protocol (sd_notify(3)) without libsystemd.
 * Datagrams to $NOTIFY_SOCKET (a path, or an abstract name written "@name"):
 * READY=1, STATUS=..., WATCHDOG=1, RELOADING=1, STOPPING=1. Sending never
 * blocks and never fails the daemon; without systemd every call is a no-op. */
#ifndef VIPD_SDNOTIFY_H
#define VIPD_SDNOTIFY_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "vipd/loop.h"
#include "vipd/monotime.h"

struct sdnotify {
	int fd; /* -1 when there is no notify socket */
	struct sockaddr_un addr;
	socklen_t addrlen;
	monotime watchdog;       /* time between WATCHDOG=1 (WATCHDOG_USEC / 2); 0 = off */
	struct loop *loop;       /* set by sdnotify_watchdog_start */
	struct loop_timer timer; /* the WATCHDOG=1 timer */
	unsigned long sent;      /* messages sent */
	unsigned long failed;    /* messages the socket refused */
};

/* Read NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID, then remove them from the environment so
 * child processes do not inherit them. Never fails: a missing or bad socket disables sending. */
void sdnotify_init(struct sdnotify *n);

/* Send one message, e.g. "READY=1" (several may be joined by newlines). Non-blocking.
 * 0 (also when notification is off), or -1 with errno set; callers may ignore it. */
int sdnotify_send(struct sdnotify *n, const char *msg);

/* How many instances there are and how many are in each state shown, counted by the daemon:
 * systemd needs numbers, not instances. */
struct sdnotify_counts {
	size_t instances;
	size_t master, backup, fault;
};

/* Format "STATUS=N instances: a MASTER, b BACKUP, c FAULT" for c into buf. Returns buf. */
char *sdnotify_status_format(const struct sdnotify_counts *c, char *buf, size_t len);

/* Send the STATUS= line of sdnotify_status_format. 0 or -1 as sdnotify_send. */
int sdnotify_status(struct sdnotify *n, const struct sdnotify_counts *c);

/* When the watchdog is on, send WATCHDOG=1 now and then every n->watchdog from a timer of loop. */
void sdnotify_watchdog_start(struct sdnotify *n, struct loop *loop, monotime now);

/* Stop the watchdog timer and close the socket. */
void sdnotify_close(struct sdnotify *n);

#endif
