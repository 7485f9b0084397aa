/* events: the ring of recent events (state and effective-priority changes with their cause)
 * behind `vipctl events` and `vipctl history`, their JSON form and the one-line text of a
 * cause. Pure: the daemon (daemon_events.c) stamps the times and fills the causes. */
#ifndef VIPD_EVENTS_H
#define VIPD_EVENTS_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/monotime.h"

#define EVENTS_DEFAULT_SIZE 4096 /* events_ring_size's default */
#define EVENTS_MIN_SIZE 16
#define EVENTS_MAX_SIZE 1048576

enum events_type {
	EVENTS_STATE = 0, /* old and new are enum vrrp_state */
	EVENTS_PRIORITY,  /* old and new are effective priorities */
	EVENTS_NETLINK,   /* a failed change of the instance's addresses (no old, new) */
	EVENTS_ANOMALY,   /* an anomaly heard on the VRID (peers_anomaly.h; no old, new) */
};

/* The kinds of cause (events_kind_name gives the stable names of the JSON, the notify
 * environment and the metrics' cause label). */
enum events_kind {
	EVENTS_KIND_NONE = 0,
	EVENTS_KIND_STARTUP,                 /* the instance started (vipd's start, a reload) */
	EVENTS_KIND_STOP,                    /* vipd stops */
	EVENTS_KIND_MASTER_DOWN,             /* the Master_Down_Timer fired */
	EVENTS_KIND_PRIORITY_ZERO,           /* the master left with priority 0 */
	EVENTS_KIND_PREEMPT,                 /* a lower-priority master preempted */
	EVENTS_KIND_PREEMPT_DELAY_DONE,      /* the same, after preempt_delay */
	EVENTS_KIND_HIGHER_PRIORITY,         /* an advert of a higher priority */
	EVENTS_KIND_EQUAL_PRIORITY_TIEBREAK, /* equal priority, higher primary address */
	EVENTS_KIND_CHECK,                   /* a check changed */
	EVENTS_KIND_INTERFACE,               /* link down/up, address lost/back, renamed */
	EVENTS_KIND_ADMIN,                   /* vipctl demote, promote, reload (or SIGHUP) */
	EVENTS_KIND_SYNC_GROUP,              /* another member of the sync group moved */
	EVENTS_KIND_NETLINK,                 /* the kernel refused a change */
	EVENTS_KIND_ANOMALY,                 /* an anomaly event: name says which */
	EVENTS_KIND__COUNT
};

/* Why an event happened. Numbers are -1 (uid, priority, interval, silence, duration, held
 * back) or 0 (version) and strings "" where they do not apply. */
struct events_cause {
	enum events_kind kind;
	char from[48];   /* the peer: the source of the advert that decided */
	int priority;    /* that advert's priority */
	int interval_ms; /* that advert's interval */
	int version;     /* that advert's version */
	int64_t
	    silence_ms;   /* master_down, priority_zero, preempt: from that advert to the change */
	long uid;         /* admin: the uid of the vipctl client */
	char name[64];    /* check, interface, sync group member, admin command or anomaly kind */
	char detail[128]; /* check result, interface event, the member's own cause, reason */
	/* anomaly split_brain_end: how long the split brain lasted */
	int64_t duration_ms;
	/* anomaly: how many of its kind the rate limit held back since the last one */
	int64_t held_back;
};

/* One event as the ring holds it. */
struct events_event {
	uint64_t seq;      /* 1, 2, ... within a run; never goes back */
	int64_t wall_us;   /* CLOCK_REALTIME, microseconds since the epoch (RFC 3339 UTC in JSON) */
	monotime mono;     /* monotime_now() at the event */
	char instance[64]; /* the instance's name */
	enum events_type type;
	int old_value, new_value; /* states or priorities (type) */
	struct events_cause cause;
};

/* How the ring holds one event (events.c): the numbers and the strings packed, a third of a
 * struct events_event for most events (issue 13: 4096 of those are 1.7 MB). */
struct events_slot;

/* The ring: the newest cap events. */
struct events_ring {
	struct events_slot **ev; /* cap slots, in chunks allocated as the ring first reaches them */
	size_t cap;
	uint64_t first;            /* the oldest seq held (== next when empty) */
	uint64_t next;             /* the seq the next push gets */
	struct events_event *view; /* the event events_ring_get and _push return, decoded */
};

/* The stable name of a kind ("master_down", "check", ...); "?" out of range. */
const char *events_kind_name(enum events_kind k);

/* A cause with every field "none" and kind k. */
void events_cause_init(struct events_cause *c, enum events_kind kind);

/* An empty ring of cap events (clamped to EVENTS_MIN_SIZE..EVENTS_MAX_SIZE); the first event gets
 * seq 1. 0, or -1 (ENOMEM). events_ring_free frees it. */
int events_ring_init(struct events_ring *r, size_t cap);

/* Keep the newest events that fit in cap (clamped); the seqs go on. 0, or -1 (ENOMEM, the ring
 * unchanged). */
int events_ring_resize(struct events_ring *r, size_t cap);

/* Free the events (the ring is empty afterwards, its seqs go on). */
void events_ring_free(struct events_ring *r);

/* Copy ev in with the next seq (the oldest event goes when full); returns the stored copy, valid
 * until the next events_ring_get or _push on r, or NULL (ENOMEM: nothing stored, no seq taken). */
const struct events_event *events_ring_push(struct events_ring *r, const struct events_event *ev);

/* The oldest seq the ring holds (== r->next when empty). */
uint64_t events_ring_first(const struct events_ring *r);

/* The event numbered seq, or NULL when it left the ring or did not happen yet. The copy is the
 * ring's: valid until the next events_ring_get or _push on r. */
const struct events_event *events_ring_get(const struct events_ring *r, uint64_t seq);

/* Where a reader that saw every event up to since resumes: the first seq to read (r->next when
 * there is none yet, or since is ahead of this run), and in *lost how many it missed because
 * they left the ring. since 0: from the oldest held, nothing lost. */
uint64_t events_ring_resume(const struct events_ring *r, uint64_t since, uint64_t *lost);

/* Call fn(arg, i, ev) for each event of type t the ring holds whose instance is names[i] (the
 * names distinct), oldest first, in one pass over the ring whatever the number of names (ev as
 * events_ring_get gives it); a negative return of fn stops it and is returned. 0, or -1
 * (ENOMEM: fn not called). */
int events_ring_each_of(const struct events_ring *r, enum events_type t, const char *const *names,
                        size_t n, int (*fn)(void *arg, size_t i, const struct events_event *ev),
                        void *arg);

/* The RFC 3339 UTC text of a wall time (2026-12-06T08:00:00.123456Z) into buf (at least
 * EVENTS_WALL_LEN). */
#define EVENTS_WALL_LEN 40
void events_wall_text(int64_t wall_us, char *buf, size_t len);

/* The JSON object of ev ({"seq","run","time","mono","instance","type","old","new","cause"}; no
 * old and new for a netlink or an anomaly event);
 * NULL when out of memory. */
struct json_object *events_event_json(const struct events_event *ev, const char *run);

/* The JSON object of a cause (only the members that apply); NULL when out of memory. */
struct json_object *events_cause_json(const struct events_cause *c);

struct jsonw;
/* The same object written as the next value of w (the status of many instances). */
void events_cause_write(const struct events_cause *c, struct jsonw *w);

/* The one-line text of a cause object as events_cause_json makes it ("master_down from
 * 198.18.0.2 priority 150 interval 1000ms silence 3609ms"), "-" for NULL. */
void events_cause_text(struct json_object *cause, char *buf, size_t len);

#endif
