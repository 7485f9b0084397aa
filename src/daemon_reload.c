/* daemon_reload: SIGHUP and `vipctl reload`. The new file is parsed and validated first; a bad
 * one changes nothing. Otherwise each instance is kept (same settings), reconfigured in place
 * (instance_reconfig_apply: no state change, no VIP removed and re-added), restarted (another
 * interface, VRID, family or vmac), stopped (gone from the file) or started (new). */
#include "build_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/daemon.h"
#include "vipd/announce_tx.h"
#include "vipd/config_garp.h"
#include "vipd/daemon_int.h"
#include "vipd/instance_reconfig.h"
#include "vipd/log.h"
#include "vipd/net_vrrp.h"
#include "vipd/notify.h"
#include "vipd/daemon_priv.h"
#include "vipd/proc.h"
#include "vipd/sync_group.h"

/* What a reload did, for the log and the ctl answer. */
struct reload_counts {
	size_t kept, changed, started, stopped;
};

/* Stop in and take it out of the table (its slot is reused by the caller). */
static void drop_instance(struct daemon *d, struct instance *in, monotime now)
{
	instance_stop(in, now);
	/* Its deletes, queued by the stop, go before it does. */
	daemon_nl_flush(d);
	daemon_vmac_stop(d->vmacs, in);
	daemon_iface_demux_set(in->iface, in->cfg->af, in->cfg->vrid, NULL);
	/* Its priority 0 advert is queued: it still goes, its result told to no one. */
	net_vrrp_forget(in);
	announce_tx_forget(d->announce_tx, in);
	instance_release(in);
	free(in);
}

/* config_instance, looking at *next first: a file keeps its order from one reload to the next,
 * so a name is found at once where a search from the top made 1000 instances' reload O(n^2).
 * *next is then the entry after the one found. */
static const struct vipd_instance_config *instance_in(const struct vipd_config *cfg,
                                                      const char *name, size_t *next)
{
	const struct vipd_instance_config *ic =
	    *next < cfg->ninstances && strcmp(cfg->instances[*next].name, name) == 0
	        ? &cfg->instances[*next]
	        : config_instance(cfg, name);

	if (ic)
		*next = (size_t)(ic - cfg->instances) + 1;
	return ic;
}

/* The new config is valid: bring the instance table in line with it. */
static void reload_apply(struct daemon *d, struct vipd_config *ncfg, struct instance **kept,
                         const char **demoted, struct reload_counts *rc)
{
	size_t nkept = 0, ndemoted = 0, first_new;
	monotime now = monotime_now();
	char what[256];

	/* The advert sources chosen below (reconfigure, start) exclude the new VIPs. */
	daemon_iface_vips_rebuild(d, ncfg);
	/* The groups point at instances freed below: rebuilt once the table is new. */
	sync_group_free(d->syncs);
	d->syncs = NULL;
	for (size_t i = 0, next = 0; i < d->ninstances; i++) {
		struct instance *in = d->instances[i];
		const struct vipd_instance_config *nic = instance_in(ncfg, in->cfg->name, &next);

		if (nic && config_instance_equal(in->cfg, nic)) {
			in->cfg = nic;
			rc->kept++;
		} else if (nic && !instance_reconfig_restarts(in, nic)) {
			log_notice("reload: %s: %s changed; applied in place", in->cfg->name,
			           instance_reconfig_diff(in->cfg, nic, what, sizeof(what)));
			instance_reconfig_apply(in, nic, now);
			rc->changed++;
		} else {
			if (nic)
				log_notice(
				    "reload: %s: %s changed; restarting it", in->cfg->name,
				    instance_reconfig_diff(in->cfg, nic, what, sizeof(what)));
			else
				log_notice("reload: %s removed; stopping it", in->cfg->name);
			/* A restarted instance stays demoted (the name points into the old config,
			 * freed after the new instances are made). */
			if (nic && in->demoted)
				demoted[ndemoted++] = in->cfg->name;
			drop_instance(d, in, now);
			rc->stopped += !nic;
			continue;
		}
		kept[nic - ncfg->instances] = in;
		d->instances[nkept++] = in;
	}
	d->ninstances = nkept;
	first_new = d->ninstances;
	for (size_t i = 0; i < ncfg->ninstances; i++) {
		struct instance *in;

		if (kept[i])
			continue;
		in = daemon_instance_add(d, &ncfg->instances[i]);
		for (size_t k = 0; k < ndemoted; k++)
			if (strcmp(demoted[k], in->cfg->name) == 0)
				in->demoted = true;
		if (!config_instance(d->cfg, in->cfg->name))
			rc->started++;
		else
			rc->changed++;
	}
	if (daemon_track_setup(d, ncfg) < 0)
		log_warnx("reload: the checks could not be built; none runs");
	config_free(d->cfg);
	d->cfg = ncfg;
	daemon_notify_configure(d);
	daemon_syncs_rebuild(d);

	/* New interfaces need their index, link state and addresses. */
	(void)daemon_resync(d, "reload");
	daemon_iface_sync_all(d);
	daemon_start_vmacs(d, first_new);
	now = monotime_now();
	daemon_track_update(d, now);
	for (size_t i = first_new; i < d->ninstances; i++)
		instance_start(d->instances[i], now);
	/* a removed instance's demotion goes */
	daemon_state_save(&d->state, d->instances, d->ninstances);
}

/* What loads but leaves the RFC (config_warnings), in the log at each reload. */
static void log_config_warnings(const struct vipd_config *cfg)
{
	struct config_errors warn = {0};

	config_warnings(cfg, &warn);
	for (size_t i = 0; i < warn.n; i++)
		log_warnx("reload: %s", warn.lines[i]);
	config_errors_clear(&warn);
}

/* daemon_reload with the counts of what it did. */
static int reload(struct daemon *d, struct config_errors *errs, struct reload_counts *rc)
{
	/* The loop does nothing else meanwhile: the line says how long (scripts/bench). */
	monotime t0 = monotime_now();
	struct vipd_config *ncfg = config_load(d->cfg->file, errs);
	struct proc_user *user = NULL, *old;
	struct instance **kept;
	const char **demoted;
	char err[256];

	if (ncfg && daemon_check_supported(ncfg, errs) < 0) {
		config_free(ncfg);
		ncfg = NULL;
	}
	/* Users are looked up here, once per load: never at each script run. */
	if (ncfg && daemon_priv_script_identity(ncfg, &user, err, sizeof(err)) < 0) {
		config_errors_add(errs, "%s: script_user: %s", ncfg->file, err);
		config_free(ncfg);
		ncfg = NULL;
	}
	/* The notify_user entries are refreshed here, the old ones kept: a refused reload that
	 * follows leaves the running scripts' users as they were. */
	if (ncfg && notify_set_users(d->notifier, ncfg, err, sizeof(err)) < 0) {
		config_errors_add(errs, "%s: notify_user: %s", ncfg->file, err);
		proc_user_free(user);
		user = NULL;
		config_free(ncfg);
		ncfg = NULL;
	}
	if (!ncfg) {
		log_warnx("reload: %s has errors; the running config stays", d->cfg->file);
		for (size_t i = 0; errs && i < errs->n; i++)
			log_warnx("reload: %s", errs->lines[i]);
		return -1;
	}
	log_config_warnings(ncfg);
	kept = calloc(ncfg->ninstances ? ncfg->ninstances : 1, sizeof(*kept));
	demoted = calloc(d->ninstances ? d->ninstances : 1, sizeof(*demoted));
	if (!kept || !demoted) {
		free(kept);
		free(demoted);
		config_free(ncfg);
		proc_user_free(user);
		config_errors_add(errs, "%s: out of memory; the running config stays",
		                  d->cfg->file);
		log_oom("reload", "the running config stays");
		return -1;
	}
	if (strcmp(ncfg->control_socket, d->cfg->control_socket) != 0)
		log_warnx("reload: control_socket changed; it takes effect at the next start");
	if (!config_garp_equal(ncfg, d->cfg))
		log_notice("reload: garp_groups changed; the next announcements are paced by them");
	if (strcmp(ncfg->net_namespace, d->cfg->net_namespace) != 0)
		log_warnx("reload: net_namespace changed; it takes effect at the next start");
	if (ncfg->startup_delay_from_boot != d->cfg->startup_delay_from_boot)
		log_warnx(
		    "reload: startup_delay_from_boot changed; it takes effect at the next start");
	if (strcmp(ncfg->state_dir, d->cfg->state_dir) != 0)
		log_warnx("reload: state_dir changed; it takes effect at the next start");
	/* Set while root at start (daemon_rt.c): the vipd user may not raise them now. */
	if (ncfg->realtime_priority != d->cfg->realtime_priority)
		log_warnx("reload: realtime_priority changed; it takes effect at the next start");
	if (ncfg->lock_memory != d->cfg->lock_memory)
		log_warnx("reload: lock_memory changed; it takes effect at the next start");
	if (strcmp(ncfg->control_socket_group, d->cfg->control_socket_group) != 0)
		log_warnx(
		    "reload: control_socket_group changed; it takes effect at the next start");
	/* The ring keeps its newest events and its seqs: followers go on without a gap. */
	if (ncfg->events_ring_size != d->cfg->events_ring_size &&
	    events_ring_resize(&d->events, ncfg->events_ring_size) < 0)
		log_oom("reload: events_ring_size", "the event ring keeps its size");
	old = d->script_user;
	d->script_user =
	    user; /* the new checks and notifier point to it; running children copied theirs */
	reload_apply(d, ncfg, kept, demoted, rc);
	proc_user_free(old);
	daemon_http_apply(d); /* metrics_listen changed: move the listener */
	free(kept);
	free(demoted);
	log_notice("reloaded %s: %zu instance(s) kept, %zu changed, %zu started, %zu stopped in "
	           "%.3f ms",
	           d->cfg->file, rc->kept, rc->changed, rc->started, rc->stopped,
	           monotime_to_sec(monotime_now() - t0) * 1000);
	return 0;
}

int daemon_reload(struct daemon *d, struct config_errors *errs)
{
	struct reload_counts rc = {0};

	daemon_trim_soon(d); /* the parse of the new file, and the old config, freed below */

	return reload(d, errs, &rc);
}

struct json_object *daemon_reload_ctl(struct daemon *d)
{
	struct config_errors errs = {0};
	struct reload_counts rc = {0};
	struct json_object *o, *list;
	char msg[1024];
	struct events_cause admin;
	const struct events_cause *prev;
	bool done;

	/* Instances started now would be left running by the exit: no cleanup, VIPs kept. */
	if (d->stopping) {
		log_warnx("reload: vipd is stopping; reload refused");
		return ctl_reply_error("vipd is stopping; reload refused");
	}
	/* What the reload changes names the command and its client. */
	events_cause_init(&admin, EVENTS_KIND_ADMIN);
	snprintf(admin.name, sizeof(admin.name), "reload");
	admin.uid = ctl_client_uid(d->ctl);
	prev = daemon_events_enter(d, &admin);
	done = reload(d, &errs, &rc) == 0;
	daemon_events_leave(d, prev);
	if (done) {
		config_errors_clear(&errs);
		o = json_object_new_object();
		if (o) {
			json_object_object_add(o, "kept", json_object_new_uint64(rc.kept));
			json_object_object_add(o, "changed", json_object_new_uint64(rc.changed));
			json_object_object_add(o, "started", json_object_new_uint64(rc.started));
			json_object_object_add(o, "stopped", json_object_new_uint64(rc.stopped));
		}
		return daemon_ctl_reply(o, "reload");
	}
	list = json_object_new_array();
	for (size_t i = 0; list && i < errs.n; i++)
		json_object_array_add(list, json_object_new_string(errs.lines[i]));
	config_errors_clear(&errs);
	snprintf(msg, sizeof(msg), "%s has errors; the running config stays", d->cfg->file);
	return ctl_reply_error_with(msg, "errors", list);
}
