/* events: the ring of recent events behind `vipctl events` and `vipctl history`. A fixed array
 * indexed by seq modulo its size, so a reader finds any seq in O(1); a reader that fell behind
 * learns how many events it missed from the seqs alone. A slot keeps an event's strings packed
 * (in the slot when short, else in an allocation of their length), not in fixed arrays, and
 * the slots come in chunks allocated as the ring first reaches them. */
#include "build_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/events.h"
#include "vipd/jsonw.h"
#include "vipd/vrrp_fsm.h"

static const char *const kind_names[EVENTS_KIND__COUNT] = {
    [EVENTS_KIND_NONE] = "none",
    [EVENTS_KIND_STARTUP] = "startup",
    [EVENTS_KIND_STOP] = "stop",
    [EVENTS_KIND_MASTER_DOWN] = "master_down",
    [EVENTS_KIND_PRIORITY_ZERO] = "priority_zero",
    [EVENTS_KIND_PREEMPT] = "preempt",
    [EVENTS_KIND_PREEMPT_DELAY_DONE] = "preempt_delay_done",
    [EVENTS_KIND_HIGHER_PRIORITY] = "higher_priority",
    [EVENTS_KIND_EQUAL_PRIORITY_TIEBREAK] = "equal_priority_tiebreak",
    [EVENTS_KIND_CHECK] = "check",
    [EVENTS_KIND_INTERFACE] = "interface",
    [EVENTS_KIND_ADMIN] = "admin",
    [EVENTS_KIND_SYNC_GROUP] = "sync_group",
    [EVENTS_KIND_NETLINK] = "netlink",
    [EVENTS_KIND_ANOMALY] = "anomaly",
};

const char *events_kind_name(enum events_kind k)
{
	if ((unsigned)k >= EVENTS_KIND__COUNT || kind_names[k] == NULL)
		return "?";
	return kind_names[k];
}

void events_cause_init(struct events_cause *c, enum events_kind kind)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->priority = -1;
	c->interval_ms = -1;
	c->silence_ms = -1;
	c->uid = -1;
	c->duration_ms = -1;
	c->held_back = -1;
}

/* The text of most events (an instance name, a peer's address, a short cause name) fits in
 * this many bytes of the slot; a longer one gets an allocation of its length. Not one for every
 * event: small blocks kept for long among the loop's short-lived ones would scatter the heap. */
#define SMALL_TEXT 48

/* An event as the ring holds it: struct events_event without its fixed string arrays (304 of
 * its 424 bytes, mostly empty). Its text: instance, cause.from, cause.name and cause.detail,
 * each NUL-terminated, in small or, when longer, in big. */
struct events_slot {
	uint64_t seq;
	int64_t wall_us;
	monotime mono;
	char *big; /* the text when it does not fit in small, else NULL */
	int64_t silence_ms, duration_ms, held_back;
	long uid;
	int old_value, new_value, priority, interval_ms, version;
	uint8_t type, kind;
	char small[SMALL_TEXT];
};

static const char *text_of(const struct events_slot *sl)
{
	return sl->big ? sl->big : sl->small;
}

static size_t clamp(size_t cap)
{
	if (cap < EVENTS_MIN_SIZE)
		return EVENTS_MIN_SIZE;
	return cap > EVENTS_MAX_SIZE ? EVENTS_MAX_SIZE : cap;
}

/* Slots come in chunks of this many, each allocated when the ring first reaches it: memory
 * follows the events held, not events_ring_size, until the ring is full. */
#define CHUNK 128

static size_t nchunks(size_t cap)
{
	return (cap + CHUNK - 1) / CHUNK;
}

/* The slot of index i (< r->cap), allocating its chunk; NULL (ENOMEM). */
static struct events_slot *slot_make(struct events_slot **chunk, size_t cap, size_t i)
{
	struct events_slot **c = &chunk[i / CHUNK];

	if (!*c) {
		size_t n = cap - i / CHUNK * CHUNK;

		/* Not zeroed: a slot is read only once written. */
		*c = malloc((n < CHUNK ? n : CHUNK) * sizeof(**c));
		if (!*c) {
			errno = ENOMEM;
			return NULL;
		}
	}
	return &(*c)[i % CHUNK];
}

static void chunks_free(struct events_slot **chunk, size_t cap)
{
	for (size_t i = 0; chunk && i < nchunks(cap); i++)
		free(chunk[i]);
	free(chunk);
}

int events_ring_init(struct events_ring *r, size_t cap)
{
	cap = clamp(cap);
	r->ev = calloc(nchunks(cap), sizeof(*r->ev));
	r->view = malloc(sizeof(*r->view));
	if (!r->ev || !r->view) {
		free(r->ev);
		free(r->view);
		r->ev = NULL;
		r->view = NULL;
		errno = ENOMEM;
		return -1;
	}
	r->cap = cap;
	r->first = 1;
	r->next = 1;
	return 0;
}

uint64_t events_ring_first(const struct events_ring *r)
{
	return r->ev == NULL ? r->next : r->first;
}

static const struct events_slot *slot_of(const struct events_ring *r, uint64_t seq)
{
	if (r->ev == NULL || seq < events_ring_first(r) || seq >= r->next)
		return NULL;
	return &r->ev[seq % r->cap / CHUNK][seq % r->cap % CHUNK];
}

/* Copy the string at *text into dst (len bytes) and step past it. */
static void take(const char **text, char *dst, size_t len)
{
	size_t n = strlen(*text);

	snprintf(dst, len, "%s", *text);
	*text += n + 1;
}

/* Decode sl into the ring's view. */
static const struct events_event *view_of(const struct events_ring *r, const struct events_slot *sl)
{
	struct events_event *ev = r->view;
	const char *t = text_of(sl);

	memset(ev, 0, sizeof(*ev));
	ev->seq = sl->seq;
	ev->wall_us = sl->wall_us;
	ev->mono = sl->mono;
	ev->type = (enum events_type)sl->type;
	ev->old_value = sl->old_value;
	ev->new_value = sl->new_value;
	ev->cause.kind = (enum events_kind)sl->kind;
	ev->cause.priority = sl->priority;
	ev->cause.interval_ms = sl->interval_ms;
	ev->cause.version = sl->version;
	ev->cause.silence_ms = sl->silence_ms;
	ev->cause.uid = sl->uid;
	ev->cause.duration_ms = sl->duration_ms;
	ev->cause.held_back = sl->held_back;
	take(&t, ev->instance, sizeof(ev->instance));
	take(&t, ev->cause.from, sizeof(ev->cause.from));
	take(&t, ev->cause.name, sizeof(ev->cause.name));
	take(&t, ev->cause.detail, sizeof(ev->cause.detail));
	return ev;
}

const struct events_event *events_ring_get(const struct events_ring *r, uint64_t seq)
{
	const struct events_slot *sl = slot_of(r, seq);

	return sl ? view_of(r, sl) : NULL;
}

int events_ring_resize(struct events_ring *r, size_t cap)
{
	struct events_slot **ev;
	uint64_t first = r->first;

	cap = clamp(cap);
	if (cap == r->cap)
		return 0;
	ev = calloc(nchunks(cap), sizeof(*ev));
	if (!ev) {
		errno = ENOMEM;
		return -1;
	}
	if (r->next - first > cap)
		first = r->next - cap;
	for (uint64_t s = first; s < r->next; s++) {
		struct events_slot *to = slot_make(ev, cap, s % cap);

		if (!to) {
			chunks_free(ev, cap); /* the texts are still the ring's */
			return -1;
		}
		*to = *slot_of(r, s);
	}
	for (uint64_t s = r->first; s < first; s++) /* the ones that no longer fit */
		free(slot_of(r, s)->big);
	chunks_free(r->ev, r->cap);
	r->ev = ev;
	r->cap = cap;
	r->first = first;
	return 0;
}

void events_ring_free(struct events_ring *r)
{
	for (uint64_t s = events_ring_first(r); s < r->next; s++)
		free(slot_of(r, s)->big);
	chunks_free(r->ev, r->cap);
	free(r->view);
	r->ev = NULL;
	r->view = NULL;
	r->cap = 0;
	r->first = r->next;
}

/* The length of a string of a field of size max (a terminator is added if it has none). */
static size_t field_len(const char *s, size_t max)
{
	return strnlen(s, max - 1);
}

const struct events_event *events_ring_push(struct events_ring *r, const struct events_event *ev)
{
	struct events_slot *slot = slot_make(r->ev, r->cap, r->next % r->cap);
	const struct events_cause *c = &ev->cause;
	size_t li = field_len(ev->instance, sizeof(ev->instance));
	size_t lf = field_len(c->from, sizeof(c->from));
	size_t ln = field_len(c->name, sizeof(c->name));
	size_t ld = field_len(c->detail, sizeof(c->detail));
	size_t need = li + lf + ln + ld + 4;
	bool full = r->next - r->first == r->cap;
	char *big = NULL, *t;

	if (!slot)
		return NULL;
	if (need > SMALL_TEXT) {
		/* The overwritten event's own, when it had one, is reused. */
		big = realloc(full ? slot->big : NULL, need);
		if (!big) {
			errno = ENOMEM;
			return NULL;
		}
	} else if (full) {
		free(slot->big);
	}
	if (full)
		r->first++; /* the oldest is overwritten */
	*slot = (struct events_slot){
	    .seq = r->next++,
	    .wall_us = ev->wall_us,
	    .mono = ev->mono,
	    .big = big,
	    .silence_ms = c->silence_ms,
	    .duration_ms = c->duration_ms,
	    .held_back = c->held_back,
	    .uid = c->uid,
	    .old_value = ev->old_value,
	    .new_value = ev->new_value,
	    .priority = c->priority,
	    .interval_ms = c->interval_ms,
	    .version = c->version,
	    .type = (uint8_t)ev->type,
	    .kind = (uint8_t)c->kind,
	};
	t = big ? big : slot->small;
	memcpy(t, ev->instance, li);
	t[li] = '\0';
	t += li + 1;
	memcpy(t, c->from, lf);
	t[lf] = '\0';
	t += lf + 1;
	memcpy(t, c->name, ln);
	t[ln] = '\0';
	t += ln + 1;
	memcpy(t, c->detail, ld);
	t[ld] = '\0';
	return view_of(r, slot);
}

uint64_t events_ring_resume(const struct events_ring *r, uint64_t since, uint64_t *lost)
{
	uint64_t first = events_ring_first(r);

	*lost = 0;
	if (since == 0)
		return first;
	if (since >= r->next)
		return r->next; /* ahead: a seq of another run */
	if (since + 1 < first) {
		*lost = first - (since + 1);
		return first;
	}
	return since + 1;
}

/* The names' index for events_ring_each_of: open addressing over FNV-1a, slots holding i + 1
 * (0: empty), at most half full, so a lookup costs about one string comparison. */
struct name_index {
	size_t *slot;
	size_t mask;
};

static size_t name_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static int name_index_init(struct name_index *x, const char *const *names, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	x->slot = calloc(size, sizeof(*x->slot));
	if (!x->slot) {
		errno = ENOMEM;
		return -1;
	}
	x->mask = size - 1;
	for (size_t i = 0; i < n; i++) {
		size_t h = name_hash(names[i]) & x->mask;

		while (x->slot[h])
			h = (h + 1) & x->mask;
		x->slot[h] = i + 1;
	}
	return 0;
}

/* The index of name, or (size_t)-1. */
static size_t name_index_find(const struct name_index *x, const char *const *names,
                              const char *name)
{
	for (size_t h = name_hash(name) & x->mask; x->slot[h]; h = (h + 1) & x->mask)
		if (strcmp(names[x->slot[h] - 1], name) == 0)
			return x->slot[h] - 1;
	return (size_t)-1;
}

int events_ring_each_of(const struct events_ring *r, enum events_type t, const char *const *names,
                        size_t n, int (*fn)(void *arg, size_t i, const struct events_event *ev),
                        void *arg)
{
	struct name_index x;
	int rc = 0;

	if (name_index_init(&x, names, n) < 0)
		return -1;
	for (uint64_t s = events_ring_first(r); s < r->next && rc >= 0; s++) {
		const struct events_slot *sl = slot_of(r, s);
		size_t i;

		if (!sl || sl->type != (uint8_t)t)
			continue;
		i = name_index_find(&x, names,
		                    text_of(sl)); /* the instance: the text's first string */
		if (i != (size_t)-1)
			rc = fn(arg, i, view_of(r, sl));
	}
	free(x.slot);
	return rc < 0 ? rc : 0;
}

/* The civil date of a day counted from 1970-01-01 (Howard Hinnant's days_from_civil, reversed):
 * pure arithmetic, no gmtime_r (no time zone state) in a pure module. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void events_wall_text(int64_t wall_us, char *buf, size_t len)
{
	int64_t sec = wall_us / 1000000, us = wall_us % 1000000, days, y;
	unsigned m, d, rest;

	if (us < 0) {
		us += 1000000;
		sec--;
	}
	days = sec / 86400;
	if (sec % 86400 < 0)
		days--;
	rest = (unsigned)(sec - days * 86400);
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, len, "%04lld-%02u-%02uT%02u:%02u:%02u.%06lldZ", (long long)y, m, d,
	         rest / 3600, rest / 60 % 60, rest % 60, (long long)us);
}

/* Where the members of a cause go: a json-c object or a jsonw text (the status of 1000
 * instances), from one list of members. */
struct cause_out {
	void (*str)(void *arg, const char *key, const char *v);
	void (*num)(void *arg, const char *key, int64_t v);
	void *arg;
};

/* The members that apply: strings that are set, numbers that are not negative. */
static void cause_members(const struct events_cause *c, const struct cause_out *out)
{
	const struct {
		const char *key;
		const char *s;
		int64_t v;
	} m[] = {
	    {"kind", events_kind_name(c->kind), -1},
	    {"from", c->from, -1},
	    {"priority", NULL, c->priority},
	    {"interval_ms", NULL, c->interval_ms},
	    {"version", NULL, c->version ? c->version : -1},
	    {"silence_ms", NULL, c->silence_ms},
	    {"uid", NULL, c->uid},
	    {"duration_ms", NULL, c->duration_ms},
	    {"held_back", NULL, c->held_back},
	    {"name", c->name, -1},
	    {"detail", c->detail, -1},
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (m[i].s ? m[i].s[0] != '\0' : m[i].v >= 0) {
			if (m[i].s)
				out->str(out->arg, m[i].key, m[i].s);
			else
				out->num(out->arg, m[i].key, m[i].v);
		}
}

static void obj_str(void *arg, const char *key, const char *v)
{
	json_object_object_add(arg, key, json_object_new_string(v));
}

static void obj_num(void *arg, const char *key, int64_t v)
{
	json_object_object_add(arg, key, json_object_new_int64(v));
}

struct json_object *events_cause_json(const struct events_cause *c)
{
	struct json_object *o = json_object_new_object();

	if (o)
		cause_members(c, &(const struct cause_out){obj_str, obj_num, o});
	return o;
}

static void w_str(void *arg, const char *key, const char *v)
{
	jsonw_kstr(arg, key, v);
}

static void w_num(void *arg, const char *key, int64_t v)
{
	jsonw_kint(arg, key, v);
}

void events_cause_write(const struct events_cause *c, struct jsonw *w)
{
	jsonw_object_open(w);
	cause_members(c, &(const struct cause_out){w_str, w_num, w});
	jsonw_object_close(w);
}

static const char *const type_names[] = {
    [EVENTS_STATE] = "state",
    [EVENTS_PRIORITY] = "priority",
    [EVENTS_NETLINK] = "netlink",
    [EVENTS_ANOMALY] = "anomaly",
};

static struct json_object *value_json(enum events_type t, int v)
{
	if (t == EVENTS_STATE)
		return json_object_new_string(vrrp_fsm_state_name((enum vrrp_state)v));
	return json_object_new_int(v);
}

struct json_object *events_event_json(const struct events_event *ev, const char *run)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cause = events_cause_json(&ev->cause);
	char wall[EVENTS_WALL_LEN];

	if (!o || !cause) {
		json_object_put(o);
		json_object_put(cause);
		return NULL;
	}
	json_object_object_add(o, "seq", json_object_new_uint64(ev->seq));
	json_object_object_add(o, "run", json_object_new_string(run));
	events_wall_text(ev->wall_us, wall, sizeof(wall));
	json_object_object_add(o, "time", json_object_new_string(wall));
	json_object_object_add(o, "mono", json_object_new_double(monotime_to_sec(ev->mono)));
	json_object_object_add(o, "instance", json_object_new_string(ev->instance));
	json_object_object_add(o, "type", json_object_new_string(type_names[ev->type]));
	if (ev->type != EVENTS_NETLINK && ev->type != EVENTS_ANOMALY) {
		json_object_object_add(o, "old", value_json(ev->type, ev->old_value));
		json_object_object_add(o, "new", value_json(ev->type, ev->new_value));
	}
	json_object_object_add(o, "cause", cause);
	return o;
}

/* Append " LABEL VALUE[UNIT]" for a member of o that is there. */
static size_t add_part(char *buf, size_t len, size_t used, struct json_object *o, const char *key,
                       const char *label, const char *unit)
{
	struct json_object *v;
	int n;

	if (used >= len || !json_object_object_get_ex(o, key, &v))
		return used;
	if (label[0])
		n = snprintf(buf + used, len - used, " %s %s%s", label, json_object_get_string(v),
		             unit);
	else
		n = snprintf(buf + used, len - used, " %s%s", json_object_get_string(v), unit);
	return n < 0 ? used : used + (size_t)n;
}

void events_cause_text(struct json_object *cause, char *buf, size_t len)
{
	struct json_object *kind, *held;
	size_t used;
	int n;

	if (len == 0)
		return;
	if (!cause || !json_object_object_get_ex(cause, "kind", &kind)) {
		snprintf(buf, len, "-");
		return;
	}
	n = snprintf(buf, len, "%s", json_object_get_string(kind));
	used = n < 0 ? 0 : (size_t)n;
	used = add_part(buf, len, used, cause, "name", "", "");
	used = add_part(buf, len, used, cause, "from", "from", "");
	used = add_part(buf, len, used, cause, "priority", "priority", "");
	used = add_part(buf, len, used, cause, "interval_ms", "interval", "ms");
	used = add_part(buf, len, used, cause, "version", "version", "");
	used = add_part(buf, len, used, cause, "silence_ms", "silence", "ms");
	used = add_part(buf, len, used, cause, "uid", "uid", "");
	used = add_part(buf, len, used, cause, "duration_ms", "duration", "ms");
	/* Only when the rate limit held some back: the common case stays short. */
	if (json_object_object_get_ex(cause, "held_back", &held) && json_object_get_int64(held) > 0)
		used = add_part(buf, len, used, cause, "held_back", "held_back", "");
	add_part(buf, len, used, cause, "detail", "", "");
}
