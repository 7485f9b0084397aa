/* journal: structured entries for systemd-journald, over its native protocol (a datagram of
 * KEY=VALUE lines on /run/systemd/journal/socket) written without blocking, as sdnotify does
 * for the notify protocol: an entry journald cannot take at once is dropped. */
#ifndef VIPD_JOURNAL_H
#define VIPD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* True when systemd runs vipd with its output to the journal (JOURNAL_STREAM or INVOCATION_ID
 * in the environment). */
bool journal_wanted(void);

/* A non-blocking datagram socket connected to path; -1 with errno. */
int journal_open(const char *path);

/* The datagram of fields ("KEY=value" each; a newline in a value becomes a space) into buf:
 * its length, or 0 when it does not fit. Pure. */
size_t journal_format(char *buf, size_t len, const char *const *fields, size_t n);

/* Send one entry of fields on fd (journal_open) without waiting. 0, or -1 with errno (EAGAIN:
 * journald is behind, the entry is dropped). */
int journal_send(int fd, const char *const *fields, size_t n);

#endif
