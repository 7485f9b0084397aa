/* track_int: the state of the check engine, shared by the files of module track (track.c runs
 * the checks, track_status.c shows them). Not for other modules: they use track.h. */
#ifndef VIPD_TRACK_INT_H
#define VIPD_TRACK_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "vipd/loop.h"
#include "vipd/track.h"

struct check {
	struct track *t;
	const struct vipd_check_config *cfg;
	char **argv;         /* exec */
	char **recover_argv; /* recover */
	bool up;
	unsigned successes, failures;
	long value;       /* file */
	bool have_value;  /* file: an integer was read */
	monotime written; /* file: the last finished write, rename or delete seen */
	char last[160];
	monotime last_duration;
	monotime started;
	bool running;
	struct loop_timer timer; /* next run, or tcp timeout while running */
	struct proc *proc;
	struct http_probe *probe;
	int sock;          /* tcp */
	int wd;            /* file: inotify watch on the folder */
	char problem[160]; /* last problem reported, to report each once */
	struct proc *recover;
	struct proc_user *user; /* the check's own `user`; NULL: the track's */
	monotime recover_last;
	unsigned long recover_runs;
	int recover_status;
};

struct track {
	struct loop *loop;
	const struct vipd_config *cfg;
	track_event_cb cb;
	void *arg;
	const struct proc_user *user; /* scripts run as (NULL: as vipd) */
	struct check *checks;
	size_t n;
	int ifd; /* inotify, -1 without file checks */
	struct http_prober *http;
	struct track_pmon *pmon; /* process checks: the counts; NULL without one */
};

/* The check called name, NULL when t (which may be NULL) has none. */
const struct check *track_find(const struct track *t, const char *name);

#endif
