/* daemon_state: the demoted instances survive a restart of vipd (statefile.h), kept by the
 * daemon in a struct daemon_state of its own so that it needs only the instance list. */
#ifndef VIPD_DAEMON_STATE_H
#define VIPD_DAEMON_STATE_H

#include <limits.h>
#include <stddef.h>

#include "vipd/instance.h"

/* The state file and what it says. */
struct daemon_state {
	char path[PATH_MAX]; /* state_dir/STATEFILE_NAME, fixed at start */
	char *saved;         /* what that file says (statefile_format); NULL: unknown */
};

/* Before the instances start: mark those of list[0..n) the state file lists as demoted; a
 * missing file is no state, a bad one is logged and ignored. */
void daemon_state_load(struct daemon_state *st, struct instance *const *list, size_t n);

/* Write the state file when the set of demoted instances of list[0..n) differs from what it says
 * (the names of instances no longer configured go); a failure is logged. */
void daemon_state_save(struct daemon_state *st, struct instance *const *list, size_t n);

#endif
