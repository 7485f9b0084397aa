/* daemon: the running vipd. Owns the loop, netlink, the interfaces named by
 * the config, one VRRP socket per (interface, family), the instances, and the
 * control socket; routes every event to the instance it concerns. */
#ifndef VIPD_DAEMON_H
#define VIPD_DAEMON_H

#include <json-c/json.h>
#include <stddef.h>

#include "vipd/config.h"

struct daemon;

/* Check that this daemon can run every instance of a valid cfg; appends "FILE:LINE: message"
 * to errs for each feature it does not implement yet. 0 or -1. */
int daemon_check_supported(const struct vipd_config *cfg, struct config_errors *errs);

/* realtime_priority and lock_memory (daemon_rt.c): what this process can tell will be refused,
 * each as FILE:LINE: KEY: why; the number of errors added. At --check and start only: a reload
 * runs unprivileged, and they take effect at the next start. */
int daemon_rt_check_config(const struct vipd_config *cfg, struct config_errors *errs);

/* Build a daemon for cfg (which it takes over and frees). socket_path overrides the config's
 * control socket when not NULL. NULL with a reason in err on failure. */
struct daemon *daemon_new(struct vipd_config *cfg, const char *socket_path, char *err,
                          size_t errlen);

/* Start everything (netlink, sockets, stale VIP clean-up, instances) and run until SIGTERM or
 * SIGINT; then stop every instance cleanly. Returns the process exit code. */
int daemon_run(struct daemon *d);

/* Read the config file again (daemon_reload.c). A bad file changes nothing (its errors go to errs
 * and the log); otherwise unchanged instances keep running untouched, changed ones are
 * reconfigured in place (restarted only for another interface, VRID, family or vmac), removed
 * ones stop cleanly and new ones start. 0 or -1. */
int daemon_reload(struct daemon *d, struct config_errors *errs);

/* Remember a run-time folder (of the pid file or control socket) to hand to the unprivileged
 * user when the daemon drops its privileges (daemon_priv.c); at most 4. */
void daemon_priv_handover_dir(const char *dir);

/* Free the daemon and its config. */
void daemon_free(struct daemon *d);

/* The status object of vipctl(8): router_id and one entry per instance (daemon_status.c); NULL
 * when out of memory. */
struct json_object *daemon_status(struct daemon *d);

#endif
