/* daemon_priv: the end of start-up, when vipd stops being root (privdrop.c). Everything it
 * needs later is open by then; what it still does (netlink, new raw sockets, VMACs, scripts,
 * removing its files at exit) needs only CAP_NET_ADMIN, CAP_NET_RAW and folders it owns. */
#include "build_config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vipd/daemon.h"
#include "vipd/daemon_int.h"
#include "vipd/log.h"
#include "vipd/privdrop.h"

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

	if (privdrop_lookup(d->cfg, &id, err, sizeof(err)) < 0)
		log_fatalx("user: %s", err);
	/* Whatever the unit says (or without one): no exec by vipd or its scripts gains a
	 * privilege (set-user-ID bits, file capabilities), root or not. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		log_fatal("PR_SET_NO_NEW_PRIVS");
	if (geteuid() != 0) {
		log_info("not started as root: running with the privileges we were given");
		return;
	}
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
