/* notify: ordered notifications of instance events, never blocking the loop.
 * Per instance a FIFO queue of script runs: the per-state script as written, the generic one as
 * `SCRIPT INSTANCE STATE PRIORITY` (or keepalived's `SCRIPT INSTANCE NAME STATE PRIORITY`)
 * through proc (own process group, killed at the timeout, default NOTIFY_TIMEOUT = 10 s), one
 * at a time: never two scripts at once for one instance, never reordered. And an optional
 * notify_fifo: one line per event, "INSTANCE STATE PRIORITY" or "INSTANCE PRIORITY n", written
 * non-blocking; a line that cannot be written (no reader, pipe full) is dropped and counted.
 * Never logs: outcomes go to the report callback. */
#ifndef VIPD_NOTIFY_H
#define VIPD_NOTIFY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vipd/config.h"
#include "vipd/events.h"
#include "vipd/loop.h"
#include "vipd/monotime.h"
#include "vipd/proc.h"
#include "vipd/vrrp_fsm.h"

#define NOTIFY_TIMEOUT (10 * MT_SEC)
/* Events waiting per instance; more are dropped and counted (a hanging script and a flapping
 * instance must not eat the memory). */
#define NOTIFY_QUEUE_MAX 1024
/* Arguments vipd adds after a script's own words, at most. */
#define NOTIFY_ARGS_MAX 4
/* A notify_fifo_script that ended is started again after this. */
#define NOTIFY_READER_RESTART MT_SEC

struct notifier;

/* How one script run ended, or why it could not start: ok is false for a spawn failure, a
 * non-zero exit, a signal or the timeout; what says which, for the log. instance is NULL for
 * a notify_fifo that cannot be used (reported once until it can again). */
typedef void (*notify_report_cb)(void *arg, const char *instance, bool ok, const char *what);

/* A notifier whose scripts run in loop l, killed after timeout (> 0). report may be NULL.
 * NULL on out of memory. */
struct notifier *notify_new(struct loop *l, monotime timeout, notify_report_cb report, void *arg);

/* Kill running scripts, drop queued events, close the FIFO. NULL is fine. */
void notify_free(struct notifier *n);

/* Run scripts as user (NULL: as ourselves); kept by pointer until the next call. */
void notify_set_user(struct notifier *n, const struct proc_user *user);

/* The users of notify_user (notify_user.c), by name: ever growing, as a queued event may name
 * one a reload removed; refreshed at each load. */
struct notify_users {
	struct proc_user **u;
	size_t n;
};

/* Look up every notify_user of cfg into t, replacing the entries of the same name. -1 with a
 * reason, and t unchanged, when one does not exist (or out of memory). */
int notify_user_set(struct notify_users *t, const struct vipd_config *cfg, char *err,
                    size_t errlen);

/* The entry named name; NULL when there is none. */
const struct proc_user *notify_user_find(const struct notify_users *t, const char *name);

/* Free the entries of t. */
void notify_user_free(struct notify_users *t);

/* Look up the notify_user of cfg's instances and sync groups (once per load: never at a run).
 * -1 with a reason, and nothing changed, when one does not exist. Queued events keep theirs. */
int notify_set_users(struct notifier *n, const struct vipd_config *cfg, char *err, size_t errlen);

/* Write events to the FIFO at path (NULL or "": none), made with mkfifo 0600 when missing.
 * -1 with a reason when it cannot be made, is a symbolic link, is not a FIFO, or belongs to
 * neither us nor owner (the user vipd runs as); events then go nowhere. Each open for writing
 * checks again (O_NOFOLLOW, a FIFO of ours): a swapped entry gets no line. */
int notify_set_fifo(struct notifier *n, const char *path, uid_t owner, char *err, size_t errlen);

/* instance entered state with priority: queue `script instance state priority` (script NULL or
 * "": none) after the instance's earlier events (started from a loop timer, never inside the
 * caller), and write the FIFO line now. */
void notify_state(struct notifier *n, const char *instance, const char *script, const char *state,
                  unsigned priority);

/* Queue script (NULL or "": none) on queue (an instance's name): its own words then
 * args[0..nargs) (at most NOTIFY_ARGS_MAX), after the queue's earlier events. */
void notify_run(struct notifier *n, const char *queue, const char *script, const char *const *args,
                size_t nargs);

/* Instance ic entered state with priority: the FIFO line now, then queued in this order the
 * state's own script as written (notify_master, _backup, _fault; notify_stop for INIT) and the
 * generic notify with ic->notify_args' arguments (keepalived's: INSTANCE NAME STATE PRIORITY,
 * STOP for INIT), as keepalived runs them. */
void notify_instance_state(struct notifier *n, const struct vipd_instance_config *ic,
                           enum vrrp_state state, unsigned priority);

/* notify_instance_state whose scripts get cause (NULL: none) in their environment: VIPD_CAUSE,
 * VIPD_CAUSE_FROM, _PRIORITY, _INTERVAL_MS, _VERSION, _SILENCE_MS, _UID, _NAME, _DETAIL. */
void notify_instance_state_cause(struct notifier *n, const struct vipd_instance_config *ic,
                                 enum vrrp_state state, unsigned priority,
                                 const struct events_cause *cause);

/* Sync group g entered state (sync_group_moved): queued on the group's own queue (named by
 * notify_group_queue), as for an instance, with `GROUP NAME STATE 0` for keepalived's
 * arguments and `NAME STATE 0` for vipd's. No FIFO line. */
void notify_group_state(struct notifier *n, const struct vipd_sync_group *g, enum vrrp_state state);

/* The name of g's script queue ("group NAME", for notify_status) into buf. */
void notify_group_queue(const struct vipd_sync_group *g, char *buf, size_t len);

/* True when ic has any notify script. */
bool notify_has_script(const struct vipd_instance_config *ic);

/* Run script (notify_fifo_script: its words, then the FIFO's path; NULL or "": none) as the
 * FIFO's reader, as the scripts' user, with no timeout; started again NOTIFY_READER_RESTART after
 * it ends (reported with instance "notify_fifo_script"). Needs the FIFO set first
 * (notify_set_fifo); the same script again keeps it running; killed by notify_free. */
void notify_set_fifo_script(struct notifier *n, const char *script);

/* The FIFO's line format: vipd's (the default) or keepalived's: `INSTANCE "NAME" STATE PRIO`
 * (STOP for INIT), `GROUP "NAME" STATE 0`, `INSTANCE "NAME" MASTER_PRIORITY|BACKUP_PRIORITY
 * PRIO` and `INSTANCE "NAME" MASTER_RX_LOWER_PRI PRIO`. */
void notify_set_fifo_format(struct notifier *n, enum vipd_notify_args format);

/* instance (in state) changed its effective priority: the FIFO line of the format, vipd's
 * "INSTANCE PRIORITY n" or keepalived's MASTER_PRIORITY / BACKUP_PRIORITY line. */
void notify_priority_state(struct notifier *n, const char *instance, enum vrrp_state state,
                           unsigned priority);

/* notify_priority_state with cause (NULL: none) for the FIFO line (notify_set_fifo_cause). */
void notify_priority_state_cause(struct notifier *n, const char *instance, enum vrrp_state state,
                                 unsigned priority, const struct events_cause *cause);

#define NOTIFY_ENV_MAX 10 /* the VIPD_CAUSE* variables of a change */

/* The VIPD_CAUSE* variables of c ("NAME=value", malloc'd, only those that apply) into env (at
 * most max): their number, or -1 when out of memory (none kept). */
int notify_cause_env(char *env[], size_t max, const struct events_cause *c);

/* The line ("...\n", in a buffer of len bytes) with " cause=KIND[ name=NAME][ from=ADDR]"
 * before its newline (values have no spaces: check, interface and instance names have none). */
void notify_cause_fifo(char *line, size_t len, const struct events_cause *c);

/* notify_fifo_cause: vipd's FIFO lines end with " cause=KIND[ name=NAME][ from=ADDR]" (off: the
 * lines as before). */
void notify_set_fifo_cause(struct notifier *n, bool on);

/* ic, Master, heard priority (lower; instance_receive_rx_lower_due): queue its
 * notify_master_rx_lower_pri as written, and keepalived's MASTER_RX_LOWER_PRI FIFO line. */
void notify_rx_lower(struct notifier *n, const struct vipd_instance_config *ic, unsigned priority);

/* instance's effective priority changed: write "INSTANCE PRIORITY n" to the FIFO (vipd's
 * format only). */
void notify_priority(struct notifier *n, const char *instance, unsigned priority);

/* Check every instance's notify scripts as vipd --check does: each splits, exists and is
 * executable, and (when we run as root) is safe (proc_script_unsafe). Appends "FILE:LINE:
 * instance "NAME": KEY: ..." (sync group "NAME": for a group's; FILE:LINE: notify_fifo_script:
 * for the top-level reader) to errs (may be NULL); returns the number of problems. */
int notify_check_config(const struct vipd_config *cfg, struct config_errors *errs);

/* True while a script runs or waits for any instance. */
bool notify_busy(const struct notifier *n);

/* The script counters of instance (runs, failures, timeouts, dropped, queued, last result), or
 * NULL when it never had a script event (or out of memory). */
struct json_object *notify_status(const struct notifier *n, const char *instance);

/* The FIFO's path and counters (lines written, dropped), or NULL when there is none (or out of
 * memory). */
struct json_object *notify_fifo_status(const struct notifier *n);

#endif
