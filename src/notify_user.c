/* notify_user: the users that the instances' and sync groups' notify scripts run as
 * (notify_user), looked up at each config load so that a script's start asks no name service.
 * The safety rules (who may be asked for) are daemon_priv.c's. */
#include "build_config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/notify.h"
#include "vipd/proc.h"

static struct proc_user **slot_of(const struct notify_users *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->u[i]->name, name) == 0)
			return &t->u[i];
	return NULL;
}

const struct proc_user *notify_user_find(const struct notify_users *t, const char *name)
{
	struct proc_user **slot = slot_of(t, name);

	return slot ? *slot : NULL;
}

/* Look name up into fresh[*nfresh] unless it is "" or already there. */
static int lookup(const char *name, struct proc_user **fresh, size_t *nfresh, char *err,
                  size_t errlen)
{
	if (!name[0])
		return 0;
	for (size_t i = 0; i < *nfresh; i++)
		if (strcmp(fresh[i]->name, name) == 0)
			return 0;
	fresh[*nfresh] = proc_user_lookup(name, err, errlen);
	if (!fresh[*nfresh])
		return -1;
	++*nfresh;
	return 0;
}

int notify_user_set(struct notify_users *t, const struct vipd_config *cfg, char *err, size_t errlen)
{
	size_t max = cfg->ninstances + cfg->nsync_groups, nfresh = 0, nnew = 0;
	struct proc_user **fresh, **list = NULL;
	bool any = false;
	int rc = 0;

	/* Without one (most configs), nothing to look up or allocate. */
	for (size_t i = 0; i < cfg->ninstances; i++)
		any |= cfg->instances[i].notify_user[0] != '\0';
	for (size_t i = 0; i < cfg->nsync_groups; i++)
		any |= cfg->sync_groups[i].notify_user[0] != '\0';
	if (!any)
		return 0;
	fresh = calloc(max, sizeof(*fresh));
	if (!fresh) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; rc == 0 && i < cfg->ninstances; i++)
		rc = lookup(cfg->instances[i].notify_user, fresh, &nfresh, err, errlen);
	for (size_t i = 0; rc == 0 && i < cfg->nsync_groups; i++)
		rc = lookup(cfg->sync_groups[i].notify_user, fresh, &nfresh, err, errlen);
	for (size_t i = 0; rc == 0 && i < nfresh; i++)
		nnew += !slot_of(t, fresh[i]->name);
	if (rc == 0 && nnew && !(list = realloc(t->u, (t->n + nnew) * sizeof(*list)))) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	if (rc < 0) {
		for (size_t i = 0; i < nfresh; i++)
			proc_user_free(fresh[i]);
		free(fresh);
		return -1;
	}
	if (list)
		t->u = list;
	/* A running child has its own copy: the old entry can go. */
	for (size_t i = 0; i < nfresh; i++) {
		struct proc_user **slot = slot_of(t, fresh[i]->name);

		if (slot) {
			proc_user_free(*slot);
			*slot = fresh[i];
		} else {
			t->u[t->n++] = fresh[i];
		}
	}
	free(fresh);
	return 0;
}

void notify_user_free(struct notify_users *t)
{
	for (size_t i = 0; i < t->n; i++)
		proc_user_free(t->u[i]);
	free(t->u);
	t->u = NULL;
	t->n = 0;
}
