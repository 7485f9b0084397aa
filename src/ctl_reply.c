/* ctl_reply: the answers of the control socket, {"ok":true,"result":...} or
 * {"ok":false,"error":...}, built by the daemon's handlers and read back by vipctl. */
#include "build_config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/ctl.h"

struct json_object *ctl_reply_ok(struct json_object *result)
{
	struct json_object *o = json_object_new_object();

	if (!o) {
		json_object_put(result);
		return NULL;
	}
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "result", result);
	return o;
}

/* The text of ctl_reply_ok_text, kept with its length as the result's user data. */
struct ctl_text {
	size_t len;
	char *text;
};

static int text_serialize(struct json_object *o, struct printbuf *pb, int level, int flags)
{
	const struct ctl_text *t = json_object_get_userdata(o);

	(void)level;
	(void)flags;
	return printbuf_memappend(pb, t->text, (int)t->len) < 0 ? -1 : 0;
}

static void text_delete(struct json_object *o, void *userdata)
{
	struct ctl_text *t = userdata;

	(void)o;
	free(t->text);
	free(t);
}

struct json_object *ctl_reply_ok_text(char *text, size_t len)
{
	struct json_object *result = len <= INT_MAX ? json_object_new_object() : NULL;
	struct ctl_text *t = result ? malloc(sizeof(*t)) : NULL;

	if (!t) {
		json_object_put(result);
		free(text);
		return NULL;
	}
	*t = (struct ctl_text){len, text};
	/* printed by text_serialize, freed with the object */
	json_object_set_serializer(result, text_serialize, t, text_delete);
	return ctl_reply_ok(result);
}

struct json_object *ctl_reply_error(const char *message)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(message));
	return o;
}

struct json_object *ctl_reply_error_with(const char *message, const char *key,
                                         struct json_object *value)
{
	struct json_object *o = ctl_reply_error(message);

	if (o)
		json_object_object_add(o, key, value);
	else
		json_object_put(value);
	return o;
}

const char *ctl_reply_ok_object(const char *line, size_t *len)
{
	static const char head[] = "{\"ok\":true,\"result\":{";
	size_t n = strlen(line);

	/* ctl_reply_ok's two members in their order, serialised as client_queue does */
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n < sizeof(head) || strncmp(line, head, sizeof(head) - 1) != 0 || line[n - 1] != '}' ||
	    line[n - 2] != '}')
		return NULL;
	*len = n - (sizeof(head) - 2) - 1;
	return line + sizeof(head) - 2;
}
