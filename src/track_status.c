/* track_status: the checks of an instance as vipctl status shows them (see track.h). */
#include "build_config.h"

#include <json-c/json.h>

#include "vipd/track.h"
#include "vipd/track_int.h"
#include "vipd/track_pmon.h"

struct json_object *track_status(const struct track *t, const struct vipd_instance_config *ic)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < ic->nchecks; i++) {
		const struct check *c = track_find(t, ic->checks[i]);
		struct json_object *o;

		if (!c)
			continue;
		o = json_object_new_object();
		if (!o) {
			json_object_put(arr);
			return NULL;
		}
		json_object_object_add(o, "name", json_object_new_string(c->cfg->name));
		json_object_object_add(
		    o, "type", json_object_new_string(config_track_check_type_name(c->cfg->type)));
		json_object_object_add(o, "state", json_object_new_string(c->up ? "up" : "down"));
		json_object_object_add(o, "last", json_object_new_string(c->last));
		json_object_object_add(o, "last_duration",
		                       json_object_new_double(monotime_to_sec(c->last_duration)));
		json_object_object_add(o, "successes", json_object_new_int64(c->successes));
		json_object_object_add(o, "failures", json_object_new_int64(c->failures));
		json_object_object_add(o, "weight", json_object_new_int(c->cfg->weight));
		if (c->cfg->type == VIPD_CHECK_FILE) {
			json_object_object_add(o, "value", json_object_new_int64(c->value));
			json_object_object_add(
			    o, "missing",
			    json_object_new_string(c->cfg->missing_zero ? "zero" : "fail"));
		}
		if (c->cfg->type == VIPD_CHECK_PROCESS)
			track_pmon_status(t->pmon, (size_t)(c - t->checks), o);
		if (c->user) /* its own user (script_user's is in the config) */
			json_object_object_add(o, "user", json_object_new_string(c->user->name));
		if (c->cfg->recover)
			json_object_object_add(o, "recover_runs",
			                       json_object_new_int64((int64_t)c->recover_runs));
		json_object_array_add(arr, o);
	}
	return arr;
}
