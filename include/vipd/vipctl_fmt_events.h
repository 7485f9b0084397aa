/* vipctl_fmt_events: what `vipctl events` and `vipctl history` print for a person. Pure: JSON
 * in (the event objects of events_event_json, the history result), text out. */
#ifndef VIPD_VIPCTL_FMT_EVENTS_H
#define VIPD_VIPCTL_FMT_EVENTS_H

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

/* The title line of the events table. */
void vipctl_fmt_events_title(FILE *out);

/* One event as a table line: "SEQ TIME INSTANCE CHANGE CAUSE". */
void vipctl_fmt_events_line(FILE *out, struct json_object *ev);

/* The line telling a reader it missed n events (they left vipd's ring): "lost N events", or
 * {"lost":N} with json. */
void vipctl_fmt_events_lost(FILE *out, uint64_t n, int json);

/* The history result: per instance its state, time in each state, availability, then its
 * transitions (oldest first) with their causes. */
void vipctl_fmt_events_history(FILE *out, struct json_object *result);

#endif
