/* daemon_track: the daemon's side of tracking: runs the checks (track.c), logs their changes,
 * and hands each instance its result with its tracked interfaces (instance_set_tracking). */
#include "build_config.h"

#include <stdio.h>
#include <string.h>

#include "vipd/config_track.h"
#include "vipd/daemon_int.h"
#include "vipd/log.h"
#include "vipd/track.h"

/* The type name of the check named name ("exec", "http", ...). */
static const char *check_type(const struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->cfg->nchecks; i++)
		if (strcmp(d->cfg->checks[i].name, name) == 0)
			return config_track_check_type_name(d->cfg->checks[i].type);
	return "check";
}

static void on_track_event(void *arg, const char *check, enum track_event ev, const char *text,
                           monotime now)
{
	struct daemon *d = arg;
	struct events_cause cause;
	const struct events_cause *prev;

	switch (ev) {
	case TRACK_UP:
		log_notice("check %s: up (%s)", check, text);
		break;
	case TRACK_DOWN:
		log_notice("check %s: down (%s)", check, text);
		break;
	case TRACK_VALUE:
		log_notice("check %s: %s", check, text);
		break;
	case TRACK_PROBLEM:
		log_warnx("check %s: %s", check, text);
		return;
	case TRACK_RECOVER_START:
		log_notice("check %s: recover: running %s", check, text);
		return;
	case TRACK_RECOVER_DONE:
		log_notice("check %s: recover: %s", check, text);
		return;
	case TRACK_RECOVER_ERROR:
		log_warnx("check %s: recover: %s", check, text);
		return;
	case TRACK_PROBE_START:
		log_debug_cat(LOG_CAT_CHECKS, "%s: %s probe started", check, text);
		return;
	case TRACK_PROBE_RESULT:
		log_debug_cat(LOG_CAT_CHECKS, "%s: %s", check, text);
		return;
	}
	/* What the instances do now is this check's doing: its name, type and result. */
	events_cause_init(&cause, EVENTS_KIND_CHECK);
	snprintf(cause.name, sizeof(cause.name), "%s", check);
	snprintf(cause.detail, sizeof(cause.detail), "%s %s (%s)", check_type(d, check),
	         ev == TRACK_UP     ? "up"
	         : ev == TRACK_DOWN ? "down"
	                            : "value",
	         text);
	prev = daemon_events_enter(d, &cause);
	daemon_track_update(d, now);
	daemon_events_leave(d, prev);
}

int daemon_track_setup(struct daemon *d, const struct vipd_config *cfg)
{
	struct track *old = d->track, *t;
	char err[256];

	for (size_t i = 0; i < cfg->ninstances; i++) {
		const struct vipd_instance_config *ic = &cfg->instances[i];

		for (size_t k = 0; k < ic->ntrack_ifs; k++)
			daemon_iface_get(d, ic->track_ifs[k].name);
		/* Watched like tracked ones: an address's dev down or missing is a FAULT. */
		for (size_t k = 0; k < ic->nvips; k++)
			if (ic->vip_opts[k].dev[0])
				daemon_iface_get(d, ic->vip_opts[k].dev);
		for (size_t k = 0; k < ic->nexcluded; k++)
			if (ic->excluded_opts[k].dev[0])
				daemon_iface_get(d, ic->excluded_opts[k].dev);
	}
	t = track_new(d->loop, cfg, d->script_user, on_track_event, d, err, sizeof(err));
	if (!t) {
		/* The old checks point into the config being replaced: they cannot stay. */
		log_warnx("checks: %s", err);
		track_free(old);
		d->track = NULL;
		return -1;
	}
	d->track = t;
	if (old) {
		track_start(t, old, monotime_now());
		track_free(old);
	}
	return 0;
}

void daemon_track_start(struct daemon *d, monotime now)
{
	if (d->track)
		track_start(d->track, NULL, now);
}

/* The first tracked address index of in whose dev is dev (each interface is named once). */
static size_t first_dev(const struct instance *in, size_t upto, const char *dev)
{
	for (size_t k = 0; k < upto; k++)
		if (!instance_addrs_opts(in, k)->no_track &&
		    strcmp(instance_addrs_opts(in, k)->dev, dev) == 0)
			return k;
	return upto;
}

void daemon_track_update(struct daemon *d, monotime now)
{
	if (d->stopping)
		return;
	for (size_t i = 0; i < d->ninstances; i++) {
		struct instance *in = d->instances[i];
		const struct vipd_instance_config *ic = in->cfg;
		char why[256];
		bool w0 = false;
		int delta = track_instance_delta(d->track, ic, &w0, why, sizeof(why));
		size_t used = strlen(why);

		for (size_t k = 0; k < ic->ntrack_ifs; k++) {
			const struct vipd_track_if *ti = &ic->track_ifs[k];
			const struct iface *ifc = daemon_iface_by_name(d, ti->name);
			bool up = ifc && ifc->ifindex && ifc->running;

			if (ti->weight == 0 && !up)
				w0 = true;
			else if (ti->weight < 0 && !up)
				delta += ti->weight;
			else if (ti->weight > 0 && up)
				delta += ti->weight;
			if (!up && used < sizeof(why)) {
				int n = snprintf(why + used, sizeof(why) - used,
				                 "%sinterface %s down", used ? ", " : "", ti->name);

				if (n > 0)
					used += (size_t)n;
			}
		}
		/* As keepalived: an address on another interface makes the instance track it. */
		for (size_t k = 0; k < instance_addrs_count(in); k++) {
			const char *dev = instance_addrs_opts(in, k)->dev;
			const struct iface *ifc;

			if (!dev[0] || instance_addrs_opts(in, k)->no_track ||
			    strcmp(dev, in->iface->name) == 0 ||
			    (in->vmac && strcmp(dev, in->vmac->name) == 0) ||
			    first_dev(in, k, dev) != k)
				continue;
			ifc = daemon_iface_by_name(d, dev);
			if (ifc && ifc->ifindex && ifc->running)
				continue;
			w0 = true;
			if (used < sizeof(why)) {
				int n = snprintf(why + used, sizeof(why) - used,
				                 "%sinterface %s down (address dev)",
				                 used ? ", " : "", dev);

				if (n > 0)
					used += (size_t)n;
			}
		}
		instance_set_tracking(in, delta, w0, why, now);
	}
}

int daemon_track_status(struct daemon *d, const struct instance *in, struct json_object *io)
{
	const struct vipd_instance_config *ic = in->cfg;

	if (ic->nchecks && d->track) {
		struct json_object *checks = track_status(d->track, ic);

		json_object_object_add(io, "checks", checks);
		if (!checks)
			return -1;
	}
	if (ic->ntrack_ifs) {
		struct json_object *arr = json_object_new_array();

		json_object_object_add(io, "track_interfaces", arr);
		if (!arr)
			return -1;
		for (size_t k = 0; k < ic->ntrack_ifs; k++) {
			const struct vipd_track_if *ti = &ic->track_ifs[k];
			const struct iface *ifc = daemon_iface_by_name(d, ti->name);
			struct json_object *o = json_object_new_object();
			bool up = ifc && ifc->ifindex && ifc->running;

			if (!o)
				return -1;
			json_object_object_add(o, "name", json_object_new_string(ti->name));
			json_object_object_add(o, "state",
			                       json_object_new_string(up ? "up" : "down"));
			json_object_object_add(o, "weight", json_object_new_int(ti->weight));
			json_object_array_add(arr, o);
		}
	}
	return 0;
}
