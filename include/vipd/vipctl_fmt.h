/* vipctl_fmt: what vipctl prints for a person — the answers of the control socket (JSON, see
 * vipctl(8)) as aligned tables. Pure: JSON in, text out, no socket; unit tested with canned
 * answers. */
#ifndef VIPD_VIPCTL_FMT_H
#define VIPD_VIPCTL_FMT_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>

/* Seconds as a short duration ("0.4s", "12.5s", "3m05s", "2h03m", "4d02h"); "-" when negative or
 * not a number. Returns buf. */
const char *vipctl_fmt_duration(double seconds, char *buf, size_t len);

/* The status result ({"router_id","instances":[...]}): one aligned row per instance (a demoted
 * instance's state is marked with "*", explained under the table), then its checks and tracked
 * interfaces. */
void vipctl_fmt_status(FILE *out, struct json_object *result);

/* One instance's status object (the answer of demote / promote) as a one-row status table. */
void vipctl_fmt_instance(FILE *out, struct json_object *instance);

/* The stats result: a counters table, an availability table, then the transitions and drops
 * of each instance (only those seen) and the drops no instance matched. */
void vipctl_fmt_stats(FILE *out, struct json_object *result);

/* The metrics result (a JSON string holding the Prometheus text) as the text itself, ending in a
 * newline. Returns -1 when result is not a string. */
int vipctl_fmt_metrics(FILE *out, struct json_object *result);

/* The reload result ({"kept","changed","started","stopped"}) as one line. */
void vipctl_fmt_reload(FILE *out, struct json_object *result);

/* The debug result ({"enabled":[NAME...]}) as one line: "debug: packets, timers" ("none" when
 * the list is empty). */
void vipctl_fmt_debug(FILE *out, struct json_object *result);

/* The names of the instances in a status result ({"instances":[{"name",...}...]}), one per
 * line, in vipd's order (vipctl names, for shell completion and scripts). */
void vipctl_fmt_names(FILE *out, struct json_object *result);

/* The peers result ({"instances":[...]}): per instance a line with its state and the master it
 * sees, a table of the routers heard on its VRID, its split-brain episodes and anomalies. */
void vipctl_fmt_peers(FILE *out, struct json_object *result);

/* A refused request: "vipctl: COMMAND: ERROR" and, for a reload, each "FILE:LINE: ..." of its
 * "errors" on its own line. */
void vipctl_fmt_error(FILE *err, const char *command, struct json_object *reply);

#endif
