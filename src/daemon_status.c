/* daemon_status: the answer to `vipctl status`: router_id, one entry per instance (its own
 * status, checks, tracked interfaces, sync group and notify queue), the drops no instance took,
 * scheduling, the FIFO and the GARP groups. Written as text (jsonw): at 1000 instances json-c's
 * tree cost most of the answer's time (callgrind: ~70 M instructions of ~80 M, allocating,
 * hashing, printing and freeing it), and `vipctl --json` prints the text as it comes. */
#include "build_config.h"

#include <stdlib.h>

#include "vipd/ctl.h"
#include "vipd/daemon.h"
#include "vipd/daemon_int.h"
#include "vipd/instance.h"
#include "vipd/jsonw.h"
#include "vipd/log.h"
#include "vipd/notify.h"
#include "vipd/sync_group.h"

/* Each member of o (taken) as a member of the object w has open: the rare parts that have
 * their own json-c builders (checks, tracked interfaces, notify). */
static void put_members(struct jsonw *w, struct json_object *o)
{
	json_object_object_foreach(o, key, val)
	{
		jsonw_key(w, key);
		jsonw_json(w, val);
	}
	json_object_put(o);
}

/* One instance's entry; -1 when out of memory. */
static int instance_entry(struct daemon *d, const struct instance *in, monotime now,
                          struct jsonw *w)
{
	const struct vipd_instance_config *ic = in->cfg;
	const char *group = sync_group_of(d->syncs, in);

	jsonw_object_open(w);
	instance_status_write(in, now, w);
	if ((ic->nchecks && d->track) || ic->ntrack_ifs) {
		struct json_object *extra = json_object_new_object();

		if (!extra || daemon_track_status(d, in, extra) < 0) {
			json_object_put(extra);
			return -1;
		}
		put_members(w, extra);
	}
	if (group)
		jsonw_kstr(w, "sync_group", group);
	if (notify_has_script(ic)) {
		struct json_object *ns = notify_status(d->notifier, ic->name);

		if (ns) {
			jsonw_key(w, "notify");
			jsonw_json(w, ns);
			json_object_put(ns);
		}
	}
	jsonw_object_close(w);
	return 0;
}

/* A json-c value written as the member key, taken; -1 when it is NULL (out of memory). */
static int put_json(struct jsonw *w, const char *key, struct json_object *o)
{
	if (!o)
		return -1;
	jsonw_key(w, key);
	jsonw_json(w, o);
	json_object_put(o);
	return 0;
}

char *daemon_status_text(struct daemon *d, size_t *len)
{
	struct jsonw w;
	struct json_object *fifo;
	monotime now = monotime_now();

	jsonw_init(&w);
	jsonw_object_open(&w);
	jsonw_kstr(&w, "router_id", d->cfg->router_id);
	jsonw_key(&w, "instances");
	jsonw_array_open(&w);
	for (size_t i = 0; i < d->ninstances; i++)
		if (instance_entry(d, d->instances[i], now, &w) < 0)
			goto oom;
	jsonw_array_close(&w);
	if (put_json(&w, "unmatched_drops", daemon_iface_unmatched_drops(d)) < 0 ||
	    put_json(&w, "scheduling", daemon_rt_status()) < 0)
		goto oom;
	fifo = notify_fifo_status(d->notifier);
	if (fifo)
		put_json(&w, "notify_fifo", fifo);
	if (d->cfg->ngarp_groups && put_json(&w, "garp_groups", daemon_garp_status(d)) < 0)
		goto oom;
	if (d->journal_fd >= 0)
		jsonw_kuint(&w, "journal_entries_dropped", d->journal_dropped);
	jsonw_object_close(&w);
	return jsonw_take(&w, len);
oom:
	jsonw_free(&w);
	return NULL;
}

struct json_object *daemon_status(struct daemon *d)
{
	char *text = daemon_status_text(d, NULL);
	struct json_object *o = text ? json_tokener_parse(text) : NULL;

	free(text);
	return o;
}

struct json_object *daemon_status_ctl(struct daemon *d)
{
	size_t len;
	char *text = daemon_status_text(d, &len);

	if (!text)
		return daemon_ctl_reply(NULL, "status");
	return ctl_reply_ok_text(text, len);
}
