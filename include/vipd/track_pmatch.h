/* track_pmatch: what a process check makes of a process and of the proc connector's messages,
 * without I/O: the match of one process, the quorum, and the decoding of a datagram. */
#ifndef VIPD_TRACK_PMATCH_H
#define VIPD_TRACK_PMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whether a process matches: comm (its name, /proc/PID/comm without the newline) equals
 * process when not NULL, and its command line (/proc/PID/cmdline: len bytes, the arguments
 * each ended by a NUL) read with one space between arguments equals want when not NULL, or
 * begins with it at an argument boundary when initial. False when both are NULL. */
bool track_pmatch(const char *process, const char *want, bool initial, const char *comm,
                  const char *cmdline, size_t len);

/* Parse the start of /proc/PID/stat (len bytes, "PID (NAME) S ..."): the name between the
 * first '(' and the last ')' into comm (cut to commlen - 1 bytes) and the state letter after
 * it into *state. 0, or -1 when malformed. */
int track_pmatch_stat(const char *buf, size_t len, char *comm, size_t commlen, char *state);

/* Whether count processes make a quorum: quorum <= count <= quorum_max. */
bool track_pmatch_quorum(unsigned quorum, unsigned quorum_max, size_t count);

/* What a proc connector event says of a process (a thread group: threads are left out). */
enum track_pmatch_what {
	TRACK_PMATCH_NEW,  /* forked or exec'd, or renamed: look at it again */
	TRACK_PMATCH_GONE, /* exited */
};

struct track_pmatch_event {
	enum track_pmatch_what what;
	pid_t pid;
};

/* Decode one datagram of the proc connector (netlink messages carrying a cn_msg with a
 * proc_event each) into at most max events; events of threads and of other kinds are
 * skipped. Returns how many were stored, or -1 when the datagram is malformed. */
int track_pmatch_decode(const void *buf, size_t len, struct track_pmatch_event *ev, size_t max);

#endif
