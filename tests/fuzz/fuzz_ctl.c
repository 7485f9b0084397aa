/* libFuzzer harness for the control protocol's request handling (ctl_handle_line). The input is
 * what a client writes, cut into lines at '\n' like the server does. Every line gets a reply
 * object {"ok":bool,...}: an error with a message when the handler was not called, the
 * handler's answer otherwise, and only a JSON object reaches the handler. The handler answers
 * like the daemon (a "command" string, a "name" string) and echoes the request; the reply text
 * must parse back (vipctl reads it), and a request the handler saw, printed again, must reach the
 * handler again. */
#include "build_config.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "vipd/ctl.h"

static int calls;

static struct json_object *handler(void *arg, struct json_object *req)
{
	struct json_object *cmd, *name;

	(void)arg;
	calls++;
	CHECK(json_object_is_type(req, json_type_object));
	if (!json_object_object_get_ex(req, "command", &cmd) ||
	    !json_object_is_type(cmd, json_type_string))
		return ctl_reply_error("request needs a \"command\" string");
	if (strcmp(json_object_get_string(cmd), "echo") == 0)
		return ctl_reply_ok(json_object_get(req));
	if (json_object_object_get_ex(req, "name", &name) &&
	    json_object_is_type(name, json_type_string))
		return ctl_reply_error_with("no such instance", "name",
		                            json_object_new_string(json_object_get_string(name)));
	return ctl_reply_error("unknown command");
}

/* The reply is an object with a boolean "ok" and, when false, an "error" string; its text
 * parses back. */
static void check_reply(struct json_object *reply)
{
	struct json_object *ok, *err, *back;
	const char *text;

	CHECK(reply && json_object_is_type(reply, json_type_object));
	CHECK(json_object_object_get_ex(reply, "ok", &ok));
	CHECK(json_object_is_type(ok, json_type_boolean));
	if (!json_object_get_boolean(ok)) {
		CHECK(json_object_object_get_ex(reply, "error", &err));
		CHECK(json_object_is_type(err, json_type_string));
	}
	text = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN |
	                                                 JSON_C_TO_STRING_NOSLASHESCAPE);
	CHECK(text && !strchr(text, '\n')); /* one line on the wire */
	back = json_tokener_parse(text);
	CHECK(back && json_object_is_type(back, json_type_object));
	json_object_put(back);
}

static void one_line(const char *line, size_t len)
{
	/* An exact-size copy so ASan sees any read past the line. */
	char *copy = malloc(len ? len : 1);
	struct json_object *reply, *again, *res;
	int before = calls;

	CHECK(copy);
	if (len)
		memcpy(copy, line, len);
	reply = ctl_handle_line(handler, NULL, copy, len);
	check_reply(reply);
	if (calls == before) {
		struct json_object *ok;

		CHECK(json_object_object_get_ex(reply, "ok", &ok) && !json_object_get_boolean(ok));
	} else if (json_object_object_get_ex(reply, "result", &res) && res) {
		/* an echo: the request, printed, is accepted again */
		const char *text = json_object_to_json_string_ext(
		    res, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

		if (strlen(text) <= CTL_MAX_REQUEST) {
			before = calls;
			again = ctl_handle_line(handler, NULL, text, strlen(text));
			check_reply(again);
			CHECK(calls == before + 1);
			json_object_put(again);
		}
	}
	json_object_put(reply);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		one_line(p, len);
		p += len + 1;
	}
	return 0;
}
