/* daemon_priv: who vipd and its scripts run as, decided from the config (the policy; privdrop.c
 * is the mechanism), and the end of start-up, when vipd stops being root. Everything it needs
 * later is open by then; what it still does (netlink, new raw sockets, VMACs, scripts, removing
 * its files at exit) needs only CAP_NET_ADMIN, CAP_NET_RAW and folders it owns. */
#include "build_config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vipd/config_track.h"
#include "vipd/daemon.h"
#include "vipd/daemon_int.h"
#include "vipd/daemon_priv.h"
#include "vipd/log.h"
#include "vipd/privdrop.h"
#include "vipd/proc.h"

const char *daemon_priv_user(const struct vipd_config *cfg)
{
	if (cfg->user[0])
		return cfg->user;
	if (cfg->script_user[0])
		return cfg->script_user;
	/* Never "nobody" unless written: any other process of nobody could signal or trace vipd. */
	return DAEMON_PRIV_DEFAULT_USER;
}

int daemon_priv_lookup(const struct vipd_config *cfg, struct privdrop_id *id, char *err,
                       size_t errlen)
{
	if (privdrop_lookup(daemon_priv_user(cfg), id, err, errlen) == 0)
		return 0;
	if (!cfg->user[0] && !cfg->script_user[0])
		snprintf(err, errlen,
		         "no user \"" DAEMON_PRIV_DEFAULT_USER "\" on this system, and user is not "
		         "set: create it (useradd --system --no-create-home --shell "
		         "/usr/sbin/nologin " DAEMON_PRIV_DEFAULT_USER
		         "), or write user = \"nobody\"");
	return -1;
}

int daemon_priv_runs_as(const struct vipd_config *cfg, uid_t *uid, char *err, size_t errlen)
{
	struct privdrop_id id;

	if (geteuid() != 0) {
		*uid = geteuid(); /* not started as root: no switch (daemon_priv_drop) */
		return 0;
	}
	if (daemon_priv_lookup(cfg, &id, err, errlen) < 0)
		return -1;
	*uid = id.uid;
	return 0;
}

/* Whether a script may run as want when vipd runs as runs_as: a root vipd switches to anyone; an
 * unprivileged one cannot switch, so want must be itself. */
int daemon_priv_check_user(const char *want, uid_t runs_as, char *err, size_t errlen)
{
	struct passwd *pw;
	char self[VIPD_NAME_MAX];

	errno = 0;
	pw = getpwnam(want);
	if (!pw) {
		snprintf(err, errlen, "no user \"%s\" on this system%s%s", want, errno ? ": " : "",
		         errno ? strerror(errno) : "");
		return -1;
	}
	if (runs_as == 0 || pw->pw_uid == runs_as)
		return 0;
	pw = getpwuid(runs_as);
	if (pw)
		snprintf(self, sizeof(self), "%s", pw->pw_name);
	else
		snprintf(self, sizeof(self), "%ld", (long)runs_as);
	snprintf(err, errlen,
	         "\"%s\" differs from user \"%s\": scripts run as the user vipd runs as "
	         "(user = \"root\" lets them run as another one)",
	         want, self);
	return -1;
}

int daemon_priv_script_user(const struct vipd_config *cfg, uid_t runs_as, char *name,
                            size_t namelen, char *err, size_t errlen)
{
	name[0] = '\0';
	if (runs_as == 0) {
		snprintf(name, namelen, "%s", cfg->script_user[0] ? cfg->script_user : "nobody");
		return 0;
	}
	/* Unprivileged, vipd cannot switch users: its scripts run as itself. */
	if (!cfg->script_user[0])
		return 0;
	return daemon_priv_check_user(cfg->script_user, runs_as, err, errlen);
}

int daemon_priv_script_identity(const struct vipd_config *cfg, struct proc_user **out, char *err,
                                size_t errlen)
{
	char name[VIPD_NAME_MAX];
	uid_t uid;

	*out = NULL;
	if (daemon_priv_runs_as(cfg, &uid, err, errlen) < 0 ||
	    daemon_priv_script_user(cfg, uid, name, sizeof(name), err, errlen) < 0)
		return -1;
	if (name[0] && !(*out = proc_user_lookup(name, err, errlen)))
		return -1;
	return 0;
}

static int check_vipd_user(const struct vipd_config *cfg, struct config_errors *errs);

/* The checks' own `user` and the notify_user of instances and sync groups: as script_user
 * (daemon_priv_check_user); runs_as is -1 when vipd's user is unknown (reported elsewhere): then
 * only that the users exist. Returns the errors. */
static int check_users(const struct vipd_config *cfg, uid_t runs_as, struct config_errors *errs)
{
	char err[256];
	int bad = 0;

	for (size_t i = 0; i < cfg->nchecks; i++) {
		const struct vipd_check_config *c = &cfg->checks[i];

		if (!c->user[0] ||
		    daemon_priv_check_user(c->user, runs_as == (uid_t)-1 ? 0 : runs_as, err,
		                           sizeof(err)) == 0)
			continue;
		config_errors_add(errs, "%s:%d: check \"%s\": user: %s", cfg->file, c->user_line,
		                  c->name, err);
		bad++;
	}
	for (size_t i = 0; i < cfg->ninstances + cfg->nsync_groups; i++) {
		bool inst = i < cfg->ninstances;
		const struct vipd_sync_group *g =
		    inst ? NULL : &cfg->sync_groups[i - cfg->ninstances];
		const char *want = inst ? cfg->instances[i].notify_user : g->notify_user;

		if (!want[0] || daemon_priv_check_user(want, runs_as == (uid_t)-1 ? 0 : runs_as,
		                                       err, sizeof(err)) == 0)
			continue;
		config_errors_add(errs, "%s:%d: %s \"%s\": notify_user: %s", cfg->file,
		                  inst ? cfg->instances[i].notify_user_line : g->notify_user_line,
		                  inst ? "instance" : "sync group",
		                  inst ? cfg->instances[i].name : g->name, err);
		bad++;
	}
	return bad;
}

int daemon_priv_check_config(const struct vipd_config *cfg, struct config_errors *errs)
{
	struct privdrop_id id;
	char err[256];
	uid_t uid = (uid_t)-1;
	int bad;

	if (daemon_priv_lookup(cfg, &id, err, sizeof(err)) == 0)
		uid = geteuid() != 0 ? geteuid() : id.uid;
	else if (geteuid() != 0)
		uid = geteuid();
	bad = check_users(cfg, uid, errs);
	return bad + check_vipd_user(cfg, errs);
}

/* `user` and `script_user` (daemon_priv_check_config). */
static int check_vipd_user(const struct vipd_config *cfg, struct config_errors *errs)
{
	struct privdrop_id id;
	char err[256], name[VIPD_NAME_MAX];
	uid_t uid;

	if (daemon_priv_lookup(cfg, &id, err, sizeof(err)) < 0) {
		/* Without `user` and script_user, the missing vipd user is the machine's, not the
		 * file's: --check passes (the importer checks on any machine); the start refuses
		 * (main.c). */
		if (cfg->user[0])
			config_errors_add(errs, "%s:%d: user: %s", cfg->file, cfg->user_line, err);
		else /* (a missing script_user is reported by track) */
			return 0;
		return 1;
	}
	uid = geteuid() != 0 ? geteuid() : id.uid;
	if (cfg->script_user[0] && !getpwnam(cfg->script_user))
		return 0; /* reported by track */
	if (daemon_priv_script_user(cfg, uid, name, sizeof(name), err, sizeof(err)) < 0) {
		config_errors_add(errs, "%s:%d: script_user: %s", cfg->file, cfg->script_user_line,
		                  err);
		return 1;
	}
	if (name[0] && !getpwnam(name)) {
		config_errors_add(errs,
		                  "%s:1: script_user: not set and no user \"%s\" on this "
		                  "system; set script_user",
		                  cfg->file, name);
		return 1;
	}
	return 0;
}

#define HANDOVER_MAX 4

static char handover[HANDOVER_MAX][PATH_MAX];
static size_t nhandover;

void daemon_priv_handover_dir(const char *dir)
{
	for (size_t i = 0; i < nhandover; i++)
		if (strcmp(handover[i], dir) == 0)
			return;
	if (nhandover < HANDOVER_MAX)
		snprintf(handover[nhandover++], PATH_MAX, "%s", dir);
}

/* Give path (made by root) to the user; a failure costs a feature, not the start. */
static void give(const char *what, const char *path, const struct privdrop_id *id)
{
	char err[PATH_MAX + 64];

	if (privdrop_chown(path, 0, id->uid, err, sizeof(err)) < 0)
		log_warnx("%s: %s", what, err);
}

void daemon_priv_drop(struct daemon *d)
{
	struct privdrop_id id;
	char err[256];

	/* Whatever the unit says (or without one): no exec by vipd or its scripts gains a
	 * privilege (set-user-ID bits, file capabilities), root or not. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		log_fatal("PR_SET_NO_NEW_PRIVS");
	if (geteuid() != 0) {
		log_info("not started as root: running with the privileges we were given");
		return;
	}
	if (daemon_priv_lookup(d->cfg, &id, err, sizeof(err)) < 0)
		log_fatalx("user: %s", err);
	if (id.uid == 0) {
		log_warnx("user \"%s\" is root: vipd keeps every privilege (not recommended)",
		          id.name);
		return;
	}
	/* Only now: until here nobody but root could swap the files made in them. */
	for (size_t i = 0; i < nhandover; i++)
		give("run folder", handover[i], &id);
	/* Made as root by the notify set-up: written by the user from now on. */
	if (d->cfg->notify_fifo[0])
		give("notify_fifo", d->cfg->notify_fifo, &id);
	if (privdrop_drop(&id, err, sizeof(err)) < 0)
		log_fatalx("dropping privileges: %s", err);
	log_notice("running as user %s (uid %ld, gid %ld) with CAP_NET_ADMIN and CAP_NET_RAW only",
	           id.name, (long)id.uid, (long)id.gid);
}
