/* daemon_admin: the control commands of a planned switchover, {"command":"demote","name":N} and
 * {"command":"promote","name":N}. The answer is the instance's status object. The members of a
 * sync group move together: the command applies to every member of N's group. */
#include "build_config.h"

#include <string.h>

#include "vipd/daemon.h"
#include "vipd/daemon_int.h"
#include "vipd/instance.h"
#include "vipd/log.h"
#include "vipd/sync_group.h"

/* The status object of the instance named name, as daemon_status shows it (a new reference). */
static struct json_object *status_of(struct daemon *d, const char *name)
{
	struct json_object *all = daemon_status(d), *list, *mine = NULL;

	if (json_object_object_get_ex(all, "instances", &list))
		for (size_t i = 0; i < json_object_array_length(list) && !mine; i++) {
			struct json_object *o = json_object_array_get_idx(list, i), *n;

			if (json_object_object_get_ex(o, "name", &n) &&
			    strcmp(json_object_get_string(n), name) == 0)
				mine = json_object_get(o);
		}
	json_object_put(all);
	return mine;
}

static int apply(struct instance *in, bool demote, monotime now, const char **why)
{
	return demote ? instance_admin_demote(in, now, why) : instance_admin_promote(in, now, why);
}

/* The other members of in's sync group follow it (their refusals are logged, not returned). */
static void apply_group(struct daemon *d, struct instance *in, bool demote, monotime now)
{
	const char *group = sync_group_of(d->syncs, in), *why;

	for (size_t i = 0; group && i < d->ninstances; i++) {
		struct instance *m = d->instances[i];
		const char *g = sync_group_of(d->syncs, m);

		if (m == in || !g || strcmp(g, group) != 0 || (!demote && !m->demoted))
			continue;
		if (apply(m, demote, now, &why) < 0)
			instance_log(m, LOG_WARNING, "sync group %s: %s", group, why);
	}
}

/* in and the members of its sync group remember who demoted them, for the handover's end. */
static void set_demote_uid(struct daemon *d, struct instance *in, long uid)
{
	const char *group = sync_group_of(d->syncs, in);

	in->demote_uid = uid;
	for (size_t i = 0; group && i < d->ninstances; i++) {
		const char *g = sync_group_of(d->syncs, d->instances[i]);

		if (g && strcmp(g, group) == 0)
			d->instances[i]->demote_uid = uid;
	}
}

struct json_object *daemon_admin_ctl(struct daemon *d, struct json_object *req, bool demote)
{
	struct json_object *name, *r;
	const char *why = NULL;
	const struct events_cause *prev;
	struct events_cause admin;

	if (!json_object_object_get_ex(req, "name", &name) ||
	    !json_object_is_type(name, json_type_string))
		return ctl_reply_error(demote ? "demote needs a \"name\" string"
		                              : "promote needs a \"name\" string");
	for (size_t i = 0; i < d->ninstances; i++) {
		struct instance *in = d->instances[i];
		monotime now = monotime_now();

		if (strcmp(in->cfg->name, json_object_get_string(name)) != 0)
			continue;
		/* The changes this command makes (and a handover it starts) name its client. */
		events_cause_init(&admin, EVENTS_KIND_ADMIN);
		snprintf(admin.name, sizeof(admin.name), "%s", demote ? "demote" : "promote");
		admin.uid = ctl_client_uid(d->ctl);
		prev = daemon_events_enter(d, &admin);
		if (demote)
			set_demote_uid(d, in, admin.uid);
		if (apply(in, demote, now, &why) < 0) {
			daemon_events_leave(d, prev);
			return ctl_reply_error(why);
		}
		apply_group(d, in, demote, now);
		daemon_events_leave(d, prev);
		daemon_state_save(&d->state, d->instances, d->ninstances);
		r = daemon_ctl_reply(status_of(d, in->cfg->name), demote ? "demote" : "promote");
		return r;
	}
	return ctl_reply_error("no such instance");
}
