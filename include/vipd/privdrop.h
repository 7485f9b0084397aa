/* privdrop: vipd starts as root, opens what it needs, then runs as an unprivileged user keeping
 * only CAP_NET_RAW and CAP_NET_ADMIN; the scripts it starts run with no capability at all.
 * Plain prctl/capset system calls (no library). Never logs: errors come back as text. */
#ifndef VIPD_PRIVDROP_H
#define VIPD_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

#include "vipd/config.h"

/* Who vipd runs as once started. */
struct privdrop_id {
	char name[VIPD_NAME_MAX];
	uid_t uid;
	gid_t gid;
};

/* The capabilities vipd keeps (a CapEff/CapPrm/CapBnd mask as /proc/PID/status shows it). */
#define PRIVDROP_KEEP_MASK ((1ULL << 12 /* CAP_NET_ADMIN */) | (1ULL << 13 /* CAP_NET_RAW */))

/* The user name of cfg: `user`, else `script_user`, else "vipd" when it exists, else "nobody". */
const char *privdrop_user(const struct vipd_config *cfg);

/* Look the user of cfg up into id. -1 with a reason when there is no such user. */
int privdrop_lookup(const struct vipd_config *cfg, struct privdrop_id *id, char *err,
                    size_t errlen);

/* The uid vipd runs as once started: its own when not started as root, else its user's. -1 with
 * a reason when that user does not exist. */
int privdrop_runs_as(const struct vipd_config *cfg, uid_t *uid, char *err, size_t errlen);

/* Who scripts run as when vipd runs as uid runs_as: script_user (default "nobody") when root;
 * else name is "" (vipd's own user: it cannot switch), and a script_user naming another user
 * is -1 with a reason. */
int privdrop_script_user(const struct vipd_config *cfg, uid_t runs_as, char *name, size_t namelen,
                         char *err, size_t errlen);

struct proc_user;

/* privdrop_script_user for this process, looked up once: *out is NULL for vipd's own user. -1
 * with a reason (the users do not exist, or cannot work together). */
int privdrop_script_identity(const struct vipd_config *cfg, struct proc_user **out, char *err,
                             size_t errlen);

/* Check `user` and `script_user` against the system: they exist, and scripts can run as
 * script_user once vipd runs as its user (privdrop_script_user). Appends "FILE:LINE: ..." to
 * errs; returns the number of errors. */
int privdrop_check_config(const struct vipd_config *cfg, struct config_errors *errs);

/* Give path (a folder or FIFO vipd uses after the drop) from owner `from` to owner `to` when
 * `from` owns it and it is not a symbolic link; the group stays. 1 when changed, 0 when left,
 * -1 with a reason. */
int privdrop_chown(const char *path, uid_t from, uid_t to, char *err, size_t errlen);

/* Become id (its supplementary groups too) for good, keeping CAP_NET_RAW and CAP_NET_ADMIN
 * effective and permitted only; the bounding set shrinks to those two, inheritable and ambient
 * become empty. Must run as root. -1 with a reason. */
int privdrop_drop(const struct privdrop_id *id, char *err, size_t errlen);

/* In a child before exec: clear every capability (effective, permitted, inheritable, ambient).
 * 0 or -1 (errno set). */
int privdrop_clear_caps(void);

/* Read the capability sets of this process (masks as in /proc/PID/status). 0 or -1. */
int privdrop_get_caps(unsigned long long *eff, unsigned long long *prm, unsigned long long *inh);

#endif
