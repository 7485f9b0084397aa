/* vipctl_events: `vipctl events` and `vipctl history`, the commands that read vipd's event ring
 * over the control socket (a follower asks for what came after its last event every
 * VIPCTL_EVENTS_POLL_MS, so vipd keeps nothing and waits on no one for it). */
#ifndef VIPD_VIPCTL_EVENTS_H
#define VIPD_VIPCTL_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#define VIPCTL_EVENTS_POLL_MS 100

/* What `vipctl events` was asked. */
struct vipctl_events_opts {
	const char *socket;
	bool json, follow;
	bool has_since;
	uint64_t since;     /* the last event already seen */
	char *const *names; /* instances (none: all) */
	int nnames;
};

/* Print the events (then, with follow, the new ones as they come, until killed). Returns the exit
 * status: 0, 1 refused, 2 unreachable (at the first request). */
int vipctl_events_run(const struct vipctl_events_opts *o);

/* Print the history of name (NULL: every instance). Returns the exit status. */
int vipctl_events_history(const char *socket, bool json, const char *name);

#endif
