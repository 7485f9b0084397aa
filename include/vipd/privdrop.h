/* privdrop: vipd starts as root, opens what it needs, then runs as an unprivileged user keeping
 * only CAP_NET_RAW and CAP_NET_ADMIN; the scripts it starts run with no capability at all.
 * Plain prctl/capset system calls (no library). Never logs: errors come back as text. The
 * mechanism only: which user the config asks for is decided in daemon_priv.h. */
#ifndef VIPD_PRIVDROP_H
#define VIPD_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

/* Who vipd runs as once started. */
struct privdrop_id {
	char name[64];
	uid_t uid;
	gid_t gid;
};

/* The capabilities vipd keeps (a CapEff/CapPrm/CapBnd mask as /proc/PID/status shows it). */
#define PRIVDROP_KEEP_MASK ((1ULL << 12 /* CAP_NET_ADMIN */) | (1ULL << 13 /* CAP_NET_RAW */))

/* Look user name up into id. -1 with a reason when there is no such user. */
int privdrop_lookup(const char *name, struct privdrop_id *id, char *err, size_t errlen);

/* The supplementary groups of user name whose primary group is gid (getgrouplist), asked in a
 * short-lived child so the NSS modules the lookup loads never stay mapped in vipd. 0 with
 * *groups (free it) of *n, or -1 (errno ENOMEM, or ENOENT when the lookup failed). */
int privdrop_groups(const char *name, gid_t gid, gid_t **groups, int *n);

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
