/* notify: ordered notifications of instance events, never blocking the loop.
 * Per instance a FIFO queue of state changes, each run as `SCRIPT INSTANCE STATE PRIORITY`
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
#include "vipd/loop.h"
#include "vipd/monotime.h"
#include "vipd/proc.h"

#define NOTIFY_TIMEOUT (10 * MT_SEC)
/* Events waiting per instance; more are dropped and counted (a hanging script and a flapping
 * instance must not eat the memory). */
#define NOTIFY_QUEUE_MAX 1024

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

/* instance's effective priority changed: write "INSTANCE PRIORITY n" to the FIFO. */
void notify_priority(struct notifier *n, const char *instance, unsigned priority);

/* Check every instance's notify script as vipd --check does: it splits, exists and is
 * executable, and (when we run as root) is safe (proc_script_unsafe). Appends "FILE:LINE:
 * instance "NAME": notify: ..." to errs (may be NULL); returns the number of problems. */
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
