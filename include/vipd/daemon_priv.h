/* daemon_priv: who vipd runs as and who its scripts run as, decided from the config (`user`,
 * `script_user`) and checked against the system; the switch itself is privdrop.h's. */
#ifndef VIPD_DAEMON_PRIV_H
#define VIPD_DAEMON_PRIV_H

#include <stddef.h>
#include <sys/types.h>

#include "vipd/config.h"
#include "vipd/privdrop.h"

struct proc_user;

/* The user vipd runs as when vipd.conf names none (nor script_user): never "nobody" unless written. */
#define DAEMON_PRIV_DEFAULT_USER "vipd"

/* The user name of cfg: `user`, else `script_user`, else DAEMON_PRIV_DEFAULT_USER. */
const char *daemon_priv_user(const struct vipd_config *cfg);

/* Look the user of cfg up into id. -1 with a reason when there is no such user (without `user`
 * and script_user: one naming the useradd line and user = "nobody"). */
int daemon_priv_lookup(const struct vipd_config *cfg, struct privdrop_id *id, char *err,
                       size_t errlen);

/* The uid vipd runs as once started: its own when not started as root, else its user's. -1 with
 * a reason when that user does not exist. */
int daemon_priv_runs_as(const struct vipd_config *cfg, uid_t *uid, char *err, size_t errlen);

/* Who scripts run as when vipd runs as uid runs_as: script_user (default "nobody") when root;
 * else name is "" (vipd's own user: it cannot switch), and a script_user naming another user
 * is -1 with a reason. */
int daemon_priv_script_user(const struct vipd_config *cfg, uid_t runs_as, char *name,
                            size_t namelen, char *err, size_t errlen);

/* 0 when a script may run as user want while vipd runs as uid runs_as (root: anyone; else only
 * itself); -1 with a reason (no such user, or another user than vipd's). */
int daemon_priv_check_user(const char *want, uid_t runs_as, char *err, size_t errlen);

/* daemon_priv_script_user for this process, looked up once: *out is NULL for vipd's own user. -1
 * with a reason (the users do not exist, or cannot work together). */
int daemon_priv_script_identity(const struct vipd_config *cfg, struct proc_user **out, char *err,
                                size_t errlen);

/* Check `user`, `script_user` and the checks' `user` against the system: they exist, and scripts
 * can run as them once vipd runs as its user (daemon_priv_script_user, daemon_priv_check_user).
 * Appends "FILE:LINE: ..." to errs; returns the number of errors. */
int daemon_priv_check_config(const struct vipd_config *cfg, struct config_errors *errs);

#endif
