/* sockio: small helpers for the non-blocking stream sockets served from the loop (the control
 * socket, the HTTP metrics responder). */
#ifndef VIPD_SOCKIO_H
#define VIPD_SOCKIO_H

#include <stddef.h>
#include <sys/types.h>

/* Send buf[*off..len) on the non-blocking stream socket fd, as much as it takes now (no
 * SIGPIPE), advancing *off. Returns the bytes sent (0 when the socket is full), or -1 when the
 * connection failed (errno set). */
ssize_t sockio_send_some(int fd, const char *buf, size_t len, size_t *off);

#endif
