/* ctl: the control socket. A UNIX stream server speaking one JSON object per
 * line each way; requests are bounded in size, a client that does not read its
 * answers is not read from, clients take turns of bounded work (round robin) within
 * a time budget, and an idle client is dropped, so no client can stall the loop or
 * starve another. */
#ifndef VIPD_CTL_H
#define VIPD_CTL_H

#include <json-c/json.h>
#include <stddef.h>

#include "vipd/loop.h"
#include "vipd/monotime.h"

/* Largest request line accepted; longer ones get an error and the connection is closed. */
#define CTL_MAX_REQUEST 65536
/* Largest answer backlog kept for a client before it is dropped. */
#define CTL_MAX_BACKLOG (4 * 1024 * 1024)
/* A client without any traffic for this long is dropped. */
#define CTL_IDLE_TIMEOUT (10 * MT_SEC)

struct ctl;

/* Answer one request (a parsed JSON object with a "command" string). Returns the object to
 * send: {"ok":true,"result":...} or {"ok":false,"error":"..."}; ctl frees it. */
typedef struct json_object *(*ctl_handler)(void *arg, struct json_object *request);

/* Listen on path (a stale socket file is replaced), mode 0660. NULL with a reason in err. */
struct ctl *ctl_open(struct loop *loop, const char *path, ctl_handler handler, void *arg, char *err,
                     size_t errlen);

/* Give the socket file to group (root:group 0660); "" or NULL leaves it. -1 with a reason. */
int ctl_set_group(struct ctl *c, const char *group, char *err, size_t errlen);

/* Drop clients idle for timeout instead of CTL_IDLE_TIMEOUT (for tests). */
void ctl_set_idle_timeout(struct ctl *c, monotime timeout);

/* While the handler runs: the uid of the client whose request it answers (for the log); -1
 * outside the handler, when the kernel did not say, or when c is NULL. */
long ctl_client_uid(const struct ctl *c);

/* Close every client and the listener, and remove the socket file. */
void ctl_close(struct ctl *c);

/* Build {"ok":true,"result":result} (takes result). The ctl_reply_* return NULL when out of
 * memory; a NULL reply closes the client's connection. */
struct json_object *ctl_reply_ok(struct json_object *result);

/* ctl_reply_ok with a result already serialized: text (malloc'd, len bytes, one JSON value as
 * json-c would print it; taken) is sent as it is. The result object is opaque: json-c's accessors
 * see an empty object. NULL when out of memory (text freed). */
struct json_object *ctl_reply_ok_text(char *text, size_t len);

/* Build {"ok":false,"error":message}. */
struct json_object *ctl_reply_error(const char *message);

/* Answer one request line (no newline; a trailing CR is ignored) with handler: the reply object,
 * an error one for a line that is too long, not JSON or not an object. NULL only when out of
 * memory. */
struct json_object *ctl_handle_line(ctl_handler handler, void *arg, const char *line, size_t len);

/* How ctl_query ended. */
enum ctl_query_status {
	CTL_QUERY_OK,          /* an answer (which may say ok:false) */
	CTL_QUERY_UNREACHABLE, /* no socket, or nobody listening on it */
	CTL_QUERY_FAILED,      /* connected, but no (valid) answer in time */
};

/* Build {"ok":false,"error":message,key:value} (takes value): an error with details. */
struct json_object *ctl_reply_error_with(const char *message, const char *key,
                                         struct json_object *value);

/* Client side: send one request line on path and return the parsed answer (an object), or NULL
 * with a reason in err. Waits at most timeout_ms. status (may be NULL) tells how it ended. */
struct json_object *ctl_query(const char *path, struct json_object *request, int timeout_ms,
                              enum ctl_query_status *status, char *err, size_t errlen);

/* ctl_query's exchange alone: the answer line as received (malloc'd, NUL-terminated, its newline
 * kept), not parsed; NULL with a reason in err. status as ctl_query's. */
char *ctl_query_line(const char *path, struct json_object *request, int timeout_ms,
                     enum ctl_query_status *status, char *err, size_t errlen);

/* Parse an answer line of ctl_query_line: an object, or NULL with a reason in err. */
struct json_object *ctl_query_parse(const char *line, char *err, size_t errlen);

/* The text of the result object in an answer line {"ok":true,"result":{...}} as the daemon
 * writes it (and *len its length), NULL for any other line: printed as is, it is what parsing
 * the line and printing its result prints, without the cost of either (1000 instances' status). */
const char *ctl_reply_ok_object(const char *line, size_t *len);

/* ctl_query without the status. */
struct json_object *ctl_request(const char *path, struct json_object *request, int timeout_ms,
                                char *err, size_t errlen);

#endif
