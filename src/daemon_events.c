/* daemon_events: every state change and effective-priority change recorded with its cause in
 * the event ring (events.c), and the control commands that read it, {"command":"events"} and
 * {"command":"history"}. A cause is decided where it happens: the FSM's own (vrrp_fsm_why) for
 * the protocol's transitions, else the context the daemon set around what it was doing (a
 * check's change, an interface event, a vipctl command, a sync group member's move). The
 * anomalies an instance reports (io->anomaly) are events of their own. */
#include "build_config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "vipd/ctl.h"
#include "vipd/daemon_int.h"
#include "vipd/instance.h"
#include "vipd/instance_stats.h"
#include "vipd/journal.h"
#include "vipd/log.h"

/* Events in one answer: a reader asks again from the last one it got (the answer says more). */
#define EVENTS_PER_REPLY 256
/* Events looked at for one answer (a names filter may skip most): bounded work per request. */
#define EVENTS_SCAN_MAX 8192

int daemon_events_init(struct daemon *d, size_t size)
{
	uint8_t id[8];

	d->journal_fd = -1;
	if (events_ring_init(&d->events, size) < 0)
		return -1;
	/* Under systemd a state change is also an entry with fields (journalctl VIPD_CAUSE=...);
	 * elsewhere the log line alone says it. */
	if (journal_wanted())
		d->journal_fd = journal_open(JOURNAL_SOCKET);
	/* Tells two runs apart: the seqs start again at 1 after a restart. */
	if (getrandom(id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id)) {
		uint64_t t = (uint64_t)time(NULL) ^ (uint64_t)monotime_now();

		memcpy(id, &t, sizeof(id));
	}
	for (size_t i = 0; i < sizeof(id); i++)
		snprintf(d->run_id + 2 * i, 3, "%02x", id[i]);
	return 0;
}

void daemon_events_free(struct daemon *d)
{
	events_ring_free(&d->events);
	if (d->journal_fd >= 0)
		close(d->journal_fd);
	d->journal_fd = -1;
}

/* The journal entry of a state change: the fields journalctl can select on (instance, state,
 * cause, peer), with a message that says it all. */
static void journal_state(struct daemon *d, const struct events_event *ev)
{
	char msg[512], text[384], inst[96], st[40], old[48], cause[64], peer[72], seq[48], run[40];
	const char *fields[10];
	struct json_object *c = events_cause_json(&ev->cause);
	size_t n = 0;

	events_cause_text(c, text, sizeof(text));
	json_object_put(c);
	snprintf(msg, sizeof(msg), "MESSAGE=%s: %s -> %s, %s", ev->instance,
	         vrrp_fsm_state_name((enum vrrp_state)ev->old_value),
	         vrrp_fsm_state_name((enum vrrp_state)ev->new_value), text);
	snprintf(inst, sizeof(inst), "VIPD_INSTANCE=%s", ev->instance);
	snprintf(st, sizeof(st), "VIPD_STATE=%s",
	         vrrp_fsm_state_name((enum vrrp_state)ev->new_value));
	snprintf(old, sizeof(old), "VIPD_OLD_STATE=%s",
	         vrrp_fsm_state_name((enum vrrp_state)ev->old_value));
	snprintf(cause, sizeof(cause), "VIPD_CAUSE=%s", events_kind_name(ev->cause.kind));
	snprintf(seq, sizeof(seq), "VIPD_EVENT_SEQ=%" PRIu64, ev->seq);
	snprintf(run, sizeof(run), "VIPD_RUN_ID=%s", d->run_id);
	fields[n++] = msg;
	fields[n++] = "PRIORITY=5";
	fields[n++] = "SYSLOG_IDENTIFIER=vipd";
	fields[n++] = inst;
	fields[n++] = st;
	fields[n++] = old;
	fields[n++] = cause;
	if (ev->cause.from[0]) {
		snprintf(peer, sizeof(peer), "VIPD_PEER=%s", ev->cause.from);
		fields[n++] = peer;
	}
	fields[n++] = seq;
	fields[n++] = run;
	if (journal_send(d->journal_fd, fields, n) < 0)
		d->journal_dropped++;
}

const struct events_cause *daemon_events_enter(struct daemon *d, const struct events_cause *c)
{
	const struct events_cause *prev = d->events_ctx;

	d->events_ctx = c;
	return prev;
}

void daemon_events_leave(struct daemon *d, const struct events_cause *prev)
{
	d->events_ctx = prev;
}

/* The FSM's details: the advert that decided, the silence before a timer fired. */
static void from_why(struct events_cause *c, const struct instance *in, enum events_kind kind)
{
	const struct vrrp_fsm_why *w = &in->fsm.why;

	events_cause_init(c, kind);
	if (!w->has_advert)
		return;
	addr_format_in(in->cfg->af, &w->from, c->from, sizeof(c->from));
	c->priority = w->priority;
	c->interval_ms = w->interval_cs * 10;
	c->version = w->version;
	if (w->silence)
		c->silence_ms = (int64_t)(w->silence / MT_MSEC);
}

/* The context's cause when there is one, else kind with detail. */
static void from_context(struct daemon *d, struct events_cause *c, enum events_kind kind,
                         const char *detail)
{
	if (d->events_ctx) {
		*c = *d->events_ctx;
		return;
	}
	events_cause_init(c, kind);
	snprintf(c->detail, sizeof(c->detail), "%s", detail ? detail : "");
}

/* The cause of in's last state change. */
static void state_cause(struct daemon *d, const struct instance *in, struct events_cause *c)
{
	switch (in->fsm.cause) {
	case VRRP_CAUSE_MASTER_DOWN:
		from_why(c, in, EVENTS_KIND_MASTER_DOWN);
		return;
	case VRRP_CAUSE_PRIO0:
		from_why(c, in, EVENTS_KIND_PRIORITY_ZERO);
		return;
	case VRRP_CAUSE_PREEMPT:
		from_why(c, in,
		         in->fsm.why.kind == VRRP_WHY_PREEMPT_DELAY_DONE
		             ? EVENTS_KIND_PREEMPT_DELAY_DONE
		             : EVENTS_KIND_PREEMPT);
		return;
	case VRRP_CAUSE_HIGHER_PRIO:
		from_why(c, in,
		         in->fsm.why.kind == VRRP_WHY_EQUAL_PRIORITY_TIEBREAK
		             ? EVENTS_KIND_EQUAL_PRIORITY_TIEBREAK
		             : EVENTS_KIND_HIGHER_PRIORITY);
		return;
	case VRRP_CAUSE_DEMOTE:
		/* The handover ended: the new master's advert, the demote's client. */
		from_why(c, in, EVENTS_KIND_ADMIN);
		snprintf(c->name, sizeof(c->name), "demote");
		c->uid = in->demote_uid;
		return;
	case VRRP_CAUSE_SYNC_GROUP:
		from_context(d, c, EVENTS_KIND_SYNC_GROUP, NULL);
		return;
	case VRRP_CAUSE_FAULT:
		from_context(d, c, EVENTS_KIND_INTERFACE, in->fault_reason);
		if (d->events_ctx && in->fault_reason && !c->detail[0])
			snprintf(c->detail, sizeof(c->detail), "%s", in->fault_reason);
		return;
	case VRRP_CAUSE_SHUTDOWN:
		from_context(d, c, d->stopping ? EVENTS_KIND_STOP : EVENTS_KIND_ADMIN, NULL);
		return;
	case VRRP_CAUSE_OWNER:
		from_context(d, c, EVENTS_KIND_STARTUP, "address owner");
		if (!c->detail[0])
			snprintf(c->detail, sizeof(c->detail), "address owner");
		return;
	case VRRP_CAUSE_STARTUP:
	default:
		from_context(d, c, EVENTS_KIND_STARTUP, NULL);
		return;
	}
}

/* Push ev into the ring: the stored copy (valid until the next push or read of the ring), or
 * NULL when out of memory (logged; the event is not recorded). */
static const struct events_event *record(struct daemon *d, const struct events_event *ev)
{
	const struct events_event *kept = events_ring_push(&d->events, ev);

	if (!kept)
		log_oom("event ring", "the event is not recorded");
	return kept;
}

static void stamp(struct events_event *ev, const char *instance)
{
	struct timespec ts;

	memset(ev, 0, sizeof(*ev));
	ev->mono = monotime_now();
	clock_gettime(CLOCK_REALTIME, &ts);
	ev->wall_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	snprintf(ev->instance, sizeof(ev->instance), "%s", instance);
}

const struct events_cause *daemon_events_state(struct daemon *d, struct instance *in)
{
	const struct events_event *kept;
	struct events_event ev;

	stamp(&ev, in->cfg->name);
	ev.type = EVENTS_STATE;
	ev.old_value = in->fsm.prev_state;
	ev.new_value = in->fsm.state;
	state_cause(d, in, &ev.cause);
	in->cause = ev.cause;
	if ((unsigned)ev.cause.kind < EVENTS_KIND__COUNT)
		in->stats.by_cause[ev.cause.kind]++;
	kept = record(d, &ev);
	if (kept && d->journal_fd >= 0)
		journal_state(d, kept);
	return &in->cause;
}

const struct events_cause *daemon_events_priority(struct daemon *d, struct instance *in)
{
	const struct events_event *kept;
	struct events_event ev;

	if (in->fsm.priority == in->event_priority)
		return NULL;
	stamp(&ev, in->cfg->name);
	ev.type = EVENTS_PRIORITY;
	ev.old_value = in->event_priority;
	ev.new_value = in->fsm.priority;
	in->event_priority = in->fsm.priority;
	/* Tracking (a check, an interface), vipctl demote/promote, a reload or the start changed
	 * it: each sets the context. */
	from_context(d, &ev.cause, EVENTS_KIND_NONE, NULL);
	kept = record(d, &ev);
	return kept ? &kept->cause : NULL;
}

void daemon_events_nl_failed(void *ctx, struct instance *in, const struct nl_change *c,
                             const char *text)
{
	struct daemon *d = ctx;
	struct events_event ev;

	stamp(&ev, in->cfg->name);
	ev.type = EVENTS_NETLINK;
	events_cause_init(&ev.cause, EVENTS_KIND_NETLINK);
	snprintf(ev.cause.name, sizeof(ev.cause.name), "%s", text);
	snprintf(ev.cause.detail, sizeof(ev.cause.detail), "%.40s%s%.80s", strerror(-c->error),
	         c->msg[0] ? ": " : "", c->msg);
	record(d, &ev);
}

/* The anomaly's own detail: what the cause's numbers do not say. */
static void anomaly_detail(const struct instance *in, const struct peers_anomaly *a, char *buf,
                           size_t len)
{
	switch (a->kind) {
	case PEERS_ANOMALY_SPLIT_BRAIN:
		snprintf(buf, len, "master too, our priority %u", in->fsm.priority);
		break;
	case PEERS_ANOMALY_SPLIT_BRAIN_END:
		snprintf(buf, len, "split brain ended");
		break;
	case PEERS_ANOMALY_INTERVAL:
		snprintf(buf, len, "our interval %ums", a->ours_cs * 10u);
		break;
	case PEERS_ANOMALY_ADDR_LIST:
		snprintf(buf, len, "lists other addresses than ours");
		break;
	case PEERS_ANOMALY_OWNER:
		snprintf(buf, len, "claims to own the addresses");
		break;
	case PEERS_ANOMALY_CSUM_FORM:
		snprintf(buf, len, "checksum form %s -> %s", peers_csum_name(a->csum_from),
		         peers_csum_name(a->csum_to));
		break;
	default:
		snprintf(buf, len, "%" PRIu64 " adverts dropped as %s", a->count,
		         vrrp_pkt_reason_name((enum vrrp_reason)a->reason));
		break;
	}
}

void daemon_events_anomaly(void *ctx, struct instance *in, const struct peers_anomaly *a,
                           uint64_t held)
{
	struct daemon *d = ctx;
	struct events_event ev;
	struct events_cause *c = &ev.cause;

	stamp(&ev, in->cfg->name);
	ev.type = EVENTS_ANOMALY;
	events_cause_init(c, EVENTS_KIND_ANOMALY);
	snprintf(c->name, sizeof(c->name), "%s", peers_anomaly_kind_name(a->kind));
	if (a->kind != PEERS_ANOMALY_DROPS) {
		addr_format_in(a->af, &a->src, c->from, sizeof(c->from));
		c->priority = a->priority;
		c->interval_ms = a->interval_cs * 10;
	}
	if (a->kind == PEERS_ANOMALY_SPLIT_BRAIN_END)
		c->duration_ms = (int64_t)(a->duration / MT_MSEC);
	c->held_back = (int64_t)held;
	anomaly_detail(in, a, c->detail, sizeof(c->detail));
	record(d, &ev);
}

/* Does the request's "names" list (absent: every instance) take ev? */
static bool wanted(struct json_object *names, const char *instance)
{
	if (!names)
		return true;
	for (size_t i = 0; i < json_object_array_length(names); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), instance) ==
		    0)
			return true;
	return false;
}

/* The request's "names" (an array of strings, or absent); false with *err when malformed. */
static bool names_of(struct json_object *req, struct json_object **names, const char **err)
{
	*names = NULL;
	if (!json_object_object_get_ex(req, "names", names))
		return true;
	if (!json_object_is_type(*names, json_type_array)) {
		*err = "\"names\" must be an array of strings";
		return false;
	}
	for (size_t i = 0; i < json_object_array_length(*names); i++)
		if (!json_object_is_type(json_object_array_get_idx(*names, i), json_type_string)) {
			*err = "\"names\" must be an array of strings";
			return false;
		}
	return true;
}

struct json_object *daemon_events_ctl(struct daemon *d, struct json_object *req)
{
	struct json_object *names, *since_o, *o, *list;
	const char *err = NULL;
	uint64_t since = 0, lost, seq, last;
	size_t n = 0;

	if (!names_of(req, &names, &err))
		return ctl_reply_error(err);
	if (json_object_object_get_ex(req, "since", &since_o)) {
		if (!json_object_is_type(since_o, json_type_int) ||
		    json_object_get_int64(since_o) < 0)
			return ctl_reply_error("\"since\" must be a sequence number (>= 0)");
		since = (uint64_t)json_object_get_int64(since_o);
	}
	seq = events_ring_resume(&d->events, since, &lost);
	last = seq - 1;
	o = json_object_new_object();
	list = json_object_new_array();
	if (!o || !list)
		goto oom;
	for (size_t scanned = 0;
	     seq < d->events.next && n < EVENTS_PER_REPLY && scanned < EVENTS_SCAN_MAX;
	     seq++, scanned++) {
		const struct events_event *ev = events_ring_get(&d->events, seq);
		struct json_object *e;

		last = seq;
		if (!ev || !wanted(names, ev->instance))
			continue;
		e = events_event_json(ev, d->run_id);
		if (!e)
			goto oom;
		json_object_array_add(list, e);
		n++;
	}
	json_object_object_add(o, "run", json_object_new_string(d->run_id));
	json_object_object_add(o, "first", json_object_new_uint64(events_ring_first(&d->events)));
	json_object_object_add(o, "next", json_object_new_uint64(d->events.next));
	/* Where to ask from next: every event up to it was read (or filtered out). */
	json_object_object_add(o, "last", json_object_new_uint64(last));
	json_object_object_add(o, "lost", json_object_new_uint64(lost));
	json_object_object_add(o, "more", json_object_new_boolean(last + 1 < d->events.next));
	json_object_object_add(o, "events", list);
	return daemon_ctl_reply(o, "events");
oom:
	json_object_put(o);
	json_object_put(list);
	return daemon_ctl_reply(NULL, "events");
}

/* One instance of the history: its state, an empty list of transitions (which
 * add_transition fills), the time spent in each state and its availability figures; *tr gets
 * the list. */
static struct json_object *history_of(struct instance *in, monotime now, struct json_object **tr)
{
	struct json_object *o = json_object_new_object(), *list = json_object_new_array();
	struct json_object *times = json_object_new_object(), *stats;

	if (!o || !list || !times)
		goto oom;
	for (int st = 0; st < VRRP_STATE__COUNT; st++) {
		monotime t = in->stats.in_state[st];

		if (in->since != 0 && (int)in->last_state == st)
			t += now - in->since;
		json_object_object_add(times, vrrp_fsm_state_name((enum vrrp_state)st),
		                       json_object_new_double(monotime_to_sec(t)));
	}
	json_object_object_add(o, "name", json_object_new_string(in->cfg->name));
	json_object_object_add(o, "state",
	                       json_object_new_string(vrrp_fsm_state_name(in->fsm.state)));
	json_object_object_add(o, "transitions", list);
	json_object_object_add(o, "time_in_state", times);
	stats = instance_stats_json(in, now);
	if (stats) {
		struct json_object *avail;

		if (json_object_object_get_ex(stats, "availability", &avail))
			json_object_object_add(o, "availability", json_object_get(avail));
		json_object_put(stats);
	}
	*tr = list;
	return o;
oom:
	json_object_put(o);
	json_object_put(list);
	json_object_put(times);
	return NULL;
}

/* What the one pass over the ring fills: the transitions list of each instance asked for. */
struct history_pass {
	struct json_object **tr;
	const char *run;
};

static int add_transition(void *arg, size_t i, const struct events_event *ev)
{
	struct history_pass *p = arg;
	struct json_object *e = events_event_json(ev, p->run);

	if (!e)
		return -1;
	json_object_array_add(p->tr[i], e);
	return 0;
}

/* The history of the instances in[0..n) into list, their transitions taken in one pass over
 * the ring (not one per instance: 255 instances and a full ring are 4096 events read, not a
 * million). 0, or -1 (out of memory). */
static int history_fill(struct daemon *d, struct instance **in, size_t n, struct json_object *list)
{
	monotime now = monotime_now();
	const char **names = calloc(n ? n : 1, sizeof(*names));
	struct json_object **tr = calloc(n ? n : 1, sizeof(*tr));
	struct history_pass p = {.tr = tr, .run = d->run_id};
	int rc = -1;

	if (!names || !tr)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct json_object *h = history_of(in[i], now, &tr[i]);

		if (!h)
			goto out;
		json_object_array_add(list, h);
		names[i] = in[i]->cfg->name;
	}
	rc = events_ring_each_of(&d->events, EVENTS_STATE, names, n, add_transition, &p);
out:
	free(names);
	free(tr);
	return rc;
}

struct json_object *daemon_events_history_ctl(struct daemon *d, struct json_object *req)
{
	struct json_object *name = NULL, *o = json_object_new_object(), *list;
	struct instance **in;
	size_t n = 0;

	if (json_object_object_get_ex(req, "name", &name) &&
	    !json_object_is_type(name, json_type_string)) {
		json_object_put(o);
		return ctl_reply_error("\"name\" must be a string");
	}
	list = json_object_new_array();
	in = calloc(d->ninstances ? d->ninstances : 1, sizeof(*in));
	if (!o || !list || !in) {
		json_object_put(o);
		json_object_put(list);
		free(in);
		return daemon_ctl_reply(NULL, "history");
	}
	json_object_object_add(o, "run", json_object_new_string(d->run_id));
	json_object_object_add(o, "first", json_object_new_uint64(events_ring_first(&d->events)));
	json_object_object_add(o, "instances", list);
	for (size_t i = 0; i < d->ninstances; i++)
		if (!name || strcmp(json_object_get_string(name), d->instances[i]->cfg->name) == 0)
			in[n++] = d->instances[i];
	if (name && n == 0) {
		json_object_put(o);
		free(in);
		return ctl_reply_error("no such instance");
	}
	if (history_fill(d, in, n, list) < 0) {
		json_object_put(o);
		free(in);
		return daemon_ctl_reply(NULL, "history");
	}
	free(in);
	return daemon_ctl_reply(o, "history");
}

void daemon_events_nl_cause(struct daemon *d, const struct nl_event *ev, struct events_cause *c)
{
	const struct iface *ifc = NULL, *old;
	char a[ADDR_STRLEN];

	events_cause_init(c, EVENTS_KIND_INTERFACE);
	switch (ev->type) {
	case NL_EV_LINK:
		old = daemon_iface_by_index(d, ev->link.ifindex);
		ifc = daemon_iface_by_name(d, ev->link.name);
		if (old && old != ifc) {
			snprintf(c->name, sizeof(c->name), "%s", old->name);
			snprintf(c->detail, sizeof(c->detail), "renamed to %s", ev->link.name);
			return;
		}
		snprintf(c->name, sizeof(c->name), "%s", ev->link.name);
		if (ifc && ifc->ifindex == ev->link.ifindex && ifc->running != ev->link.running)
			snprintf(c->detail, sizeof(c->detail), "link %s",
			         ev->link.running ? "up" : "down");
		else if (ifc && ifc->ifindex != ev->link.ifindex)
			snprintf(c->detail, sizeof(c->detail), "link appeared (%s)",
			         ev->link.running ? "up" : "down");
		else
			snprintf(c->detail, sizeof(c->detail), "link changed");
		return;
	case NL_EV_LINK_DEL:
		snprintf(c->name, sizeof(c->name), "%s", ev->link.name);
		snprintf(c->detail, sizeof(c->detail), "link deleted");
		return;
	case NL_EV_ADDR_NEW:
	case NL_EV_ADDR_DEL:
		ifc = daemon_iface_by_index(d, ev->ifindex);
		snprintf(c->name, sizeof(c->name), "%s", ifc ? ifc->name : "?");
		snprintf(c->detail, sizeof(c->detail), "address %s %s",
		         addr_format(&ev->addr, true, a, sizeof(a)),
		         ev->type == NL_EV_ADDR_NEW ? "added" : "lost");
		return;
	case NL_EV_DUMP_RESTART:
		snprintf(c->detail, sizeof(c->detail), "netlink dump restarted");
		return;
	}
}
