/* track: the health checks of the config (exec, tcp, http, file) run inside the loop, with
 * rise/fall hysteresis, recover actions, and the priority arithmetic. Never logs: every change
 * is reported through the event callback, which the daemon logs and acts on. */
#ifndef VIPD_TRACK_H
#define VIPD_TRACK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/config.h"
#include "vipd/config_track.h"
#include "vipd/loop.h"
#include "vipd/monotime.h"
#include "vipd/proc.h"

/* Effective priority from the configured one and the tracked results: the sum of the
 * negative weights of failing checks and the positive weights of passing ones (file:
 * value × weight), clamped to 1..254; 255 (owner) never changes; *fault when a weight-0
 * check or interface is down. */
uint8_t track_priority(uint8_t configured, int delta, bool any_weight0_down, bool *fault);

/* Rise/fall hysteresis: count one result into the consecutive counters and flip *up after
 * rise successes (when down) or fall failures (when up). True when *up changed. */
bool track_hysteresis(bool *up, unsigned *successes, unsigned *failures, bool result, unsigned rise,
                      unsigned fall);

/* What one check contributes: weight 0 → *weight0_down when down; else a negative weight
 * when down, a positive weight when up; a file check value × weight (0 when down). */
int track_contribution(const struct vipd_check_config *c, bool up, long value, bool *weight0_down);

enum track_event {
	TRACK_UP,            /* the check rose */
	TRACK_DOWN,          /* the check fell */
	TRACK_VALUE,         /* a file check's value changed (still readable) */
	TRACK_PROBLEM,       /* a new kind of failure (logged once): missing file, unsafe script */
	TRACK_RECOVER_START, /* a recover action started (text: the command) */
	TRACK_RECOVER_DONE,  /* a recover action ended (text: its exit status) */
	TRACK_RECOVER_ERROR, /* a recover action could not start */
	TRACK_PROBE_START,   /* a probe started (text: the check type), for debug lines */
	TRACK_PROBE_RESULT,  /* a probe ended (text: "pass: " or "fail: " and its raw outcome) */
};

struct track;

/* Told about every change; text says what happened. */
typedef void (*track_event_cb)(void *arg, const char *check, enum track_event ev, const char *text,
                               monotime now);

/* Build the checks of cfg (kept by pointer: cfg must outlive the track) on loop l, their
 * commands run as user (NULL: as vipd; kept by pointer too); nothing runs until track_start.
 * NULL with a reason on failure. */
struct track *track_new(struct loop *l, const struct vipd_config *cfg, const struct proc_user *user,
                        track_event_cb cb, void *arg, char *err, size_t errlen);

/* Start every check (first run now). old, when not NULL, is a track being replaced (reload):
 * checks with the same name and an equal config keep their state. */
void track_start(struct track *t, const struct track *old, monotime now);

/* Stop every check, kill running children and free t (NULL is fine). */
void track_free(struct track *t);

/* Sum of the contributions of ic's checks; *weight0_down when a weight-0 one is down; why gets
 * the names of the failing checks ("" when none). */
int track_instance_delta(const struct track *t, const struct vipd_instance_config *ic,
                         bool *weight0_down, char *why, size_t whylen);

/* Status of ic's checks as a JSON array (name, type, state, last, last_duration, successes,
 * failures, recover_runs); NULL when out of memory. */
struct json_object *track_status(const struct track *t, const struct vipd_instance_config *ic);

#endif
