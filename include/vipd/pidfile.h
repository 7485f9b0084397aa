/* pidfile: one vipd per pidfile, held by an flock on the open file for the daemon's life. */
#ifndef VIPD_PIDFILE_H
#define VIPD_PIDFILE_H

#include <stddef.h>

/* Open and lock path (made if missing), writing nothing yet; the fd (close-on-exec) holds the
 * lock across fork and privilege drop. -2 with err set when another process holds it (its pid
 * in *holder, 0 if unreadable), -1 with err set on any other error. */
int pidfile_lock(const char *path, long *holder, char *err, size_t errlen);

/* Replace the locked file's content with this process's pid; -1 with errno on failure. */
int pidfile_write(int fd);

/* Remove path if it is still the file locked by fd (not a later copy's), then close fd. */
void pidfile_release(int fd, const char *path);

#endif
