/* ctl: the control socket. A UNIX stream server speaking one JSON object per
 * line each way; requests are bounded in size and a client that does not
 * read its answers is dropped, so no client can stall the loop. */
#ifndef VIPD_CTL_H
#define VIPD_CTL_H

#include <json-c/json.h>
#include <stddef.h>

#include "vipd/loop.h"

/* Largest request line accepted; longer ones get an error and the connection is closed. */
#define CTL_MAX_REQUEST 65536
/* Largest answer backlog kept for a client before it is dropped. */
#define CTL_MAX_BACKLOG (4 * 1024 * 1024)

struct ctl;

/* Answer one request (a parsed JSON object with a "command" string). Returns the object to
 * send: {"ok":true,"result":...} or {"ok":false,"error":"..."}; ctl frees it. */
typedef struct json_object *(*ctl_handler)(void *arg, struct json_object *request);

/* Listen on path (a stale socket file is replaced), mode 0660. NULL with a reason in err. */
struct ctl *ctl_open(struct loop *loop, const char *path, ctl_handler handler, void *arg, char *err,
                     size_t errlen);

/* Close every client and the listener, and remove the socket file. */
void ctl_close(struct ctl *c);

/* Build {"ok":true,"result":result} (takes result). */
struct json_object *ctl_reply_ok(struct json_object *result);

/* Build {"ok":false,"error":message}. */
struct json_object *ctl_reply_error(const char *message);

/* Client side: send one request line on path and return the parsed answer, or NULL with a reason
 * in err. Waits at most timeout_ms. */
struct json_object *ctl_request(const char *path, struct json_object *request, int timeout_ms,
                                char *err, size_t errlen);

#endif
