/* daemon_peers: the control command {"command":"peers"[,"name":N]}, the routers each instance
 * hears on its VRID and the anomalies it saw (vipctl peers). Bounded work: at most PEERS_MAX
 * routers per instance. */
#include "build_config.h"

#include <string.h>

#include "vipd/daemon.h"
#include "vipd/daemon_int.h"
#include "vipd/instance.h"

struct json_object *daemon_peers_ctl(struct daemon *d, struct json_object *req)
{
	struct json_object *name = NULL, *o, *list;
	monotime now = monotime_now();
	bool found = false;

	if (json_object_object_get_ex(req, "name", &name) &&
	    !json_object_is_type(name, json_type_string))
		return ctl_reply_error("peers: \"name\" must be a string");
	o = json_object_new_object();
	list = json_object_new_array();
	if (!o || !list)
		goto oom;
	for (size_t i = 0; i < d->ninstances; i++) {
		struct instance *in = d->instances[i];
		struct json_object *x;

		if (name && strcmp(in->cfg->name, json_object_get_string(name)) != 0)
			continue;
		found = true;
		x = instance_peers_json(in, now);
		if (!x)
			goto oom;
		json_object_array_add(list, x);
	}
	if (name && !found) {
		json_object_put(o);
		json_object_put(list);
		return ctl_reply_error("no such instance");
	}
	json_object_object_add(o, "instances", list);
	return daemon_ctl_reply(o, "peers");
oom:
	json_object_put(o);
	json_object_put(list);
	return daemon_ctl_reply(NULL, "peers");
}
