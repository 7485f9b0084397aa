/* track_pmon: the process monitor shared by the process checks of one struct track: the
 * number of processes matching each check, kept live from the proc connector's events (an
 * initial /proc scan, a new one after lost events), or counted by a /proc scan whenever asked
 * where the connector is unavailable (a network namespace other than the host's). */
#ifndef VIPD_TRACK_PMON_H
#define VIPD_TRACK_PMON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "vipd/config_track.h"
#include "vipd/loop.h"

struct track_pmon;

/* Told that the count of checks[k] changed (live mode only). */
typedef void (*track_pmon_cb)(void *arg, size_t k, monotime now);

/* A monitor for the process checks among checks[0..n-1] (kept: they must outlive it; the
 * others are left alone), counted once now. NULL on failure (errno: ENOMEM; a connector that
 * cannot be opened is no failure: the monitor scans, and its status says why). */
struct track_pmon *track_pmon_new(struct loop *l, const struct vipd_check_config *checks, size_t n,
                                  track_pmon_cb cb, void *arg);

/* Stop watching and free (NULL is fine). */
void track_pmon_free(struct track_pmon *m);

/* How many processes match check k now. */
size_t track_pmon_count(const struct track_pmon *m, size_t k);

/* Evaluate process check checks[k] at now (scanning /proc first unless live): whether its
 * count makes its quorum, and the count as text ("2 processes") into text. */
bool track_pmon_eval(struct track_pmon *m, size_t k, monotime now, char *text, size_t len);

/* Add checks[k]'s "processes" (the count) and "monitor" ("connector", or why it scans) to o. */
void track_pmon_status(const struct track_pmon *m, size_t k, struct json_object *o);

/* Count again from /proc (told through the callback for each count that changed when notify).
 * 0, or -1 when /proc cannot be read (the counts stay). */
int track_pmon_rescan(struct track_pmon *m, bool notify, monotime now);

#endif
