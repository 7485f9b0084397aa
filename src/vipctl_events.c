/* vipctl_events: `vipctl events [--follow] [--since SEQ] [--json] [NAME...]` and `vipctl history
 * [NAME]`. A follower polls: each request carries the last seq it printed, vipd answers with
 * what came after (at most one answer's worth, "more" says to ask again at once) and how many
 * of those left its ring meanwhile. So a follower that stops reading costs vipd nothing and
 * learns on its return how many events it lost; a restarted vipd has another run id. */
#include "build_config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vipd/ctl.h"
#include "vipd/vipctl_events.h"
#include "vipd/vipctl_fmt.h"
#include "vipd/vipctl_fmt_events.h"

#define TIMEOUT_MS 5000

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static uint64_t num(struct json_object *o, const char *key)
{
	return (uint64_t)json_object_get_int64(member(o, key));
}

/* One request; the result (owned by *reply) or NULL with the exit status in *rc. */
static struct json_object *ask(const char *socket, struct json_object *req, const char *cmd,
                               struct json_object **reply, int *rc, bool quiet)
{
	enum ctl_query_status st;
	char err[512];
	struct json_object *ok;

	*reply = ctl_query(socket, req, TIMEOUT_MS, &st, err, sizeof(err));
	if (!*reply) {
		if (!quiet)
			fprintf(stderr, "vipctl: %s\n", err);
		*rc = st == CTL_QUERY_UNREACHABLE ? 2 : 1;
		return NULL;
	}
	ok = member(*reply, "ok");
	if (!ok || !json_object_get_boolean(ok)) {
		vipctl_fmt_error(stderr, cmd, *reply);
		*rc = 1;
		return NULL;
	}
	return member(*reply, "result");
}

static void print_events(struct json_object *list, bool json)
{
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *ev = json_object_array_get_idx(list, i);

		if (json)
			printf("%s\n",
			       json_object_to_json_string_ext(
			           ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		else
			vipctl_fmt_events_line(stdout, ev);
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int vipctl_events_run(const struct vipctl_events_opts *o)
{
	char run[64] = "";
	uint64_t since = o->has_since ? o->since : 0;
	bool first = true, title = !o->json, down = false;
	int rc = 0;

	for (;;) {
		struct json_object *req = json_object_new_object(), *names = NULL, *reply, *res;
		const char *r;

		if (!req)
			return 1;
		json_object_object_add(req, "command", json_object_new_string("events"));
		json_object_object_add(req, "since", json_object_new_uint64(since));
		if (o->nnames) {
			names = json_object_new_array();
			for (int i = 0; i < o->nnames; i++)
				json_object_array_add(names, json_object_new_string(o->names[i]));
			json_object_object_add(req, "names", names);
		}
		res = ask(o->socket, req, "events", &reply, &rc, !first);
		json_object_put(req);
		if (!res) {
			json_object_put(reply);
			if (first || !o->follow || rc != 2)
				return rc;
			/* vipd restarts or reloads its socket: keep asking, from the same seq. */
			if (!down)
				fprintf(stderr, "vipctl: vipd unreachable; retrying\n");
			down = true;
			sleep_ms(VIPCTL_EVENTS_POLL_MS);
			continue;
		}
		down = false;
		r = json_object_get_string(member(res, "run"));
		if (run[0] && strcmp(run, r) != 0) {
			/* Another run: its seqs started again at 1; read it from its start. */
			fprintf(stdout, "vipd restarted (run %s)\n", r);
			snprintf(run, sizeof(run), "%s", r);
			since = 0;
			json_object_put(reply);
			continue;
		}
		snprintf(run, sizeof(run), "%s", r);
		if (first && o->has_since && since >= num(res, "next"))
			fprintf(stderr,
			        "vipctl: --since %" PRIu64 ": vipd's last event is %" PRIu64
			        " (run %s)\n",
			        since, num(res, "next") - 1, run);
		if (num(res, "lost"))
			vipctl_fmt_events_lost(stdout, num(res, "lost"), o->json);
		if (title) {
			vipctl_fmt_events_title(stdout);
			title = false;
		}
		print_events(member(res, "events"), o->json);
		fflush(stdout);
		since = num(res, "last");
		first = false;
		if (!json_object_get_boolean(member(res, "more"))) {
			json_object_put(reply);
			if (!o->follow)
				return 0;
			sleep_ms(VIPCTL_EVENTS_POLL_MS);
			continue;
		}
		json_object_put(reply);
	}
}

int vipctl_events_history(const char *socket, bool json, const char *name)
{
	struct json_object *req = json_object_new_object(), *reply, *res;
	int rc = 0;

	if (!req)
		return 1;
	json_object_object_add(req, "command", json_object_new_string("history"));
	if (name)
		json_object_object_add(req, "name", json_object_new_string(name));
	res = ask(socket, req, "history", &reply, &rc, false);
	json_object_put(req);
	if (res && json)
		printf("%s\n", json_object_to_json_string_ext(
		                   res, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (res)
		vipctl_fmt_events_history(stdout, res);
	json_object_put(reply);
	return rc;
}
