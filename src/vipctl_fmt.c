/* vipctl_fmt: the control socket's JSON answers as tables a person reads at a glance. */
#include "build_config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/events.h"
#include "vipd/vipctl_fmt.h"

/* --- an aligned table: columns left- or right-aligned, two blanks apart, no trailing blanks --- */

struct tbl {
	size_t ncols, nrows, cap;
	const char *const *titles;
	const char *align; /* 'l' or 'r' per column */
	char **cells;      /* nrows * ncols, malloc'd strings */
};

static void tbl_init(struct tbl *t, const char *const *titles, size_t ncols, const char *align)
{
	*t = (struct tbl){.ncols = ncols, .titles = titles, .align = align};
}

/* A new row of empty cells; returns its index, or (size_t)-1 without memory. */
static size_t tbl_row(struct tbl *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;
		char **cells = realloc(t->cells, cap * t->ncols * sizeof(*cells));

		if (!cells)
			return (size_t)-1;
		t->cells = cells;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = NULL;
	return t->nrows++;
}

__attribute__((format(printf, 4, 5))) static void tbl_set(struct tbl *t, size_t row, size_t col,
                                                          const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (row == (size_t)-1 || col >= t->ncols)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(t->cells[row * t->ncols + col]);
	t->cells[row * t->ncols + col] = s;
}

static const char *tbl_cell(const struct tbl *t, size_t row, size_t col)
{
	const char *s = t->cells[row * t->ncols + col];

	return s ? s : "-";
}

static void tbl_line(FILE *out, const struct tbl *t, const size_t *width, size_t row)
{
	for (size_t c = 0; c < t->ncols; c++) {
		const char *s = row == (size_t)-1 ? t->titles[c] : tbl_cell(t, row, c);
		bool last = c + 1 == t->ncols;
		int w = (int)width[c];

		if (t->align[c] == 'r')
			fprintf(out, "%*s", w, s);
		else
			fprintf(out, "%-*s", last ? 0 : w, s);
		fputs(last ? "\n" : "  ", out);
	}
}

static void tbl_print(FILE *out, struct tbl *t)
{
	size_t *width = calloc(t->ncols, sizeof(*width));

	if (width) {
		for (size_t c = 0; c < t->ncols; c++) {
			width[c] = strlen(t->titles[c]);
			for (size_t r = 0; r < t->nrows; r++)
				if (strlen(tbl_cell(t, r, c)) > width[c])
					width[c] = strlen(tbl_cell(t, r, c));
		}
		tbl_line(out, t, width, (size_t)-1);
		for (size_t r = 0; r < t->nrows; r++)
			tbl_line(out, t, width, r);
	}
	free(width);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

/* --- JSON fields --- */

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static bool is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

/* A scalar or a list of scalars as text ("a,b"); NULL when absent or null (a "-" cell). */
static const char *text_of(struct json_object *o, const char *key, char *buf, size_t len)
{
	struct json_object *v = member(o, key);

	if (!v || json_object_is_type(v, json_type_null))
		return NULL;
	if (json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v), used = 0;

		buf[0] = '\0';
		for (size_t i = 0; i < n && used < len; i++)
			used += (size_t)snprintf(
			    buf + used, len - used, "%s%s", i ? "," : "",
			    json_object_get_string(json_object_array_get_idx(v, i)));
		return buf;
	}
	if (json_object_is_type(v, json_type_double)) {
		snprintf(buf, len, "%.2f", json_object_get_double(v));
		return buf;
	}
	snprintf(buf, len, "%s", json_object_get_string(v));
	return buf;
}

static void set_text(struct tbl *t, size_t row, size_t col, struct json_object *o, const char *key)
{
	char buf[1024];
	const char *s = text_of(o, key, buf, sizeof(buf));

	if (s)
		tbl_set(t, row, col, "%s", s);
}

/* A number as seconds: a duration cell; "-" when absent or null. */
static void set_duration(struct tbl *t, size_t row, size_t col, struct json_object *v)
{
	char buf[32];

	if (v && is_number(v))
		tbl_set(t, row, col, "%s",
		        vipctl_fmt_duration(json_object_get_double(v), buf, sizeof(buf)));
}

static void set_count(struct tbl *t, size_t row, size_t col, struct json_object *v)
{
	if (v && is_number(v))
		tbl_set(t, row, col, "%" PRId64, json_object_get_int64(v));
}

static struct json_object *instances_of(struct json_object *result)
{
	struct json_object *list = member(result, "instances");

	return list && json_object_is_type(list, json_type_array) ? list : NULL;
}

const char *vipctl_fmt_duration(double s, char *buf, size_t len)
{
	unsigned long long whole;

	if (!(s >= 0) || isinf(s)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (s < 60) {
		snprintf(buf, len, "%.1fs", s);
		return buf;
	}
	whole = (unsigned long long)s;
	if (whole < 3600)
		snprintf(buf, len, "%llum%02llus", whole / 60, whole % 60);
	else if (whole < 86400)
		snprintf(buf, len, "%lluh%02llum", whole / 3600, whole / 60 % 60);
	else
		snprintf(buf, len, "%llud%02lluh", whole / 86400, whole / 3600 % 24);
	return buf;
}

/* --- status --- */

static void tracking_title(FILE *out, bool *done)
{
	if (!*done)
		fprintf(out, "\ntracking:\n");
	*done = true;
}

/* The checks and tracked interfaces of each instance, one line each, under the table. */
static void print_tracking(FILE *out, struct json_object *list)
{
	size_t n = json_object_array_length(list);
	bool title = false;

	for (size_t i = 0; i < n; i++) {
		struct json_object *in = json_object_array_get_idx(list, i), *arr;
		char iname[128], nm[128], ty[16], stt[16], last[256], dur[32], ok[32], ko[32],
		    w[16];

		if (!text_of(in, "name", iname, sizeof(iname)))
			continue;
		arr = member(in, "checks");
		for (size_t k = 0; arr && k < json_object_array_length(arr); k++) {
			struct json_object *c = json_object_array_get_idx(arr, k);
			char user[80], as[96] = "";

			/* a check's own user (its scripts do not run as script_user) */
			if (text_of(c, "user", user, sizeof(user)))
				snprintf(as, sizeof(as), ", as %s", user);
			tracking_title(out, &title);
			fprintf(out,
			        "  %s: check %s (%s%s) %s, last: %s (%s s), %s ok / %s failed in a "
			        "row\n",
			        iname, text_of(c, "name", nm, sizeof(nm)) ?: "-",
			        text_of(c, "type", ty, sizeof(ty)) ?: "-", as,
			        text_of(c, "state", stt, sizeof(stt)) ?: "-",
			        text_of(c, "last", last, sizeof(last)) ?: "-",
			        text_of(c, "last_duration", dur, sizeof(dur)) ?: "-",
			        text_of(c, "successes", ok, sizeof(ok)) ?: "-",
			        text_of(c, "failures", ko, sizeof(ko)) ?: "-");
		}
		arr = member(in, "track_interfaces");
		for (size_t k = 0; arr && k < json_object_array_length(arr); k++) {
			struct json_object *c = json_object_array_get_idx(arr, k);

			tracking_title(out, &title);
			fprintf(out, "  %s: interface %s %s (weight %s)\n", iname,
			        text_of(c, "name", nm, sizeof(nm)) ?: "-",
			        text_of(c, "state", stt, sizeof(stt)) ?: "-",
			        text_of(c, "weight", w, sizeof(w)) ?: "-");
		}
	}
}

static bool demoted(struct json_object *in)
{
	struct json_object *v = member(in, "demoted");

	return v && json_object_get_boolean(v);
}

/* announce_table: "web: announced in table 100: master" (standby: "... (metric 100)"). */
static void print_announce(FILE *out, struct json_object *in)
{
	struct json_object *a = member(in, "announce");
	char name[128], table[32], held[32], metric[32];

	if (!a || !text_of(in, "name", name, sizeof(name)) ||
	    !text_of(a, "table", table, sizeof(table)) ||
	    !text_of(a, "announced", held, sizeof(held)))
		return;
	if (strcmp(held, "standby") == 0 && text_of(a, "backup_metric", metric, sizeof(metric)))
		fprintf(out, "%s: announced in table %s: standby (metric %s)\n", name, table,
		        metric);
	else
		fprintf(out, "%s: announced in table %s: %s\n", name, table, held);
}

/* "web: VMAC vrrp.eth0.5.51 (adverts from eth0.5)": where the VIPs live and where adverts
 * leave from, which an operator matching a capture to a node needs. */
static void print_vmac(FILE *out, struct json_object *in)
{
	struct json_object *xb = member(in, "vmac_xmit_base");
	char name[128], vmac[64], ifname[64];

	if (!text_of(in, "vmac", vmac, sizeof(vmac)) || !text_of(in, "name", name, sizeof(name)) ||
	    !text_of(in, "interface", ifname, sizeof(ifname)))
		return;
	fprintf(out, "%s: VMAC %s (adverts from %s)\n", name, vmac,
	        xb && json_object_get_boolean(xb) ? ifname : vmac);
}

static void print_instances(FILE *out, struct json_object *list)
{
	static const char *const titles[] = {
	    "NAME", "STATE",  "VRID",     "IF",    "PRIO",
	    "EFF",  "MASTER", "INTERVAL", "SINCE", "VIRTUAL ADDRESSES"};
	enum { NAME, STATE, VRID, IF, PRIO, EFF, MASTER, INTERVAL, SINCE, VIPS, NCOLS };
	size_t n = json_object_array_length(list);
	bool any_demoted = false;
	struct tbl t;

	tbl_init(&t, titles, NCOLS, "llrlrrlrrl");
	for (size_t i = 0; i < n; i++) {
		struct json_object *in = json_object_array_get_idx(list, i);
		size_t r = tbl_row(&t);
		char buf[64];

		set_text(&t, r, NAME, in, "name");
		if (text_of(in, "state", buf, sizeof(buf)))
			tbl_set(&t, r, STATE, "%s%s", buf, demoted(in) ? "*" : "");
		any_demoted |= demoted(in);
		set_text(&t, r, VRID, in, "vrid");
		set_text(&t, r, IF, in, "interface");
		set_text(&t, r, PRIO, in, "priority");
		set_text(&t, r, EFF, in, "effective_priority");
		set_text(&t, r, MASTER, in, "master_address");
		set_text(&t, r, INTERVAL, in, "advert_interval");
		set_duration(&t, r, SINCE, member(in, "since"));
		set_text(&t, r, VIPS, in, "virtual_addresses");
	}
	tbl_print(out, &t);
	if (any_demoted)
		fprintf(out, "* demoted (maintenance): priority 1, no preemption; "
		             "`vipctl promote NAME` ends it\n");
	for (size_t i = 0; i < n; i++) {
		struct json_object *in = json_object_array_get_idx(list, i);
		struct json_object *left = member(in, "startup_delay_remaining");
		char name[128], why[256];

		if (text_of(in, "fault_reason", why, sizeof(why)) &&
		    text_of(in, "name", name, sizeof(name)))
			fprintf(out, "%s: FAULT: %s\n", name, why);
		if (member(in, "last_cause") && text_of(in, "name", name, sizeof(name))) {
			events_cause_text(member(in, "last_cause"), why, sizeof(why));
			fprintf(out, "%s: last change: %s\n", name, why);
		}
		if (text_of(in, "excluded_addresses", why, sizeof(why)) &&
		    text_of(in, "name", name, sizeof(name)))
			fprintf(out, "%s: excluded addresses: %s\n", name, why);
		print_vmac(out, in);
		if (text_of(in, "address_list", why, sizeof(why)) &&
		    text_of(in, "name", name, sizeof(name)))
			fprintf(out,
			        "%s: IPv6 addresses advertised %s (keepalived's form: no "
			        "link-local first)\n",
			        name, why);
		print_announce(out, in);
		if (left && json_object_get_double(left) > 0 &&
		    text_of(in, "name", name, sizeof(name)) &&
		    text_of(in, "startup_delay_remaining", why, sizeof(why)))
			fprintf(out, "%s: startup delay: %ss left (no takeover by timeout)\n", name,
			        why);
	}
}

/* What realtime_priority and lock_memory gave, on the router line; nothing for the defaults. */
static void print_scheduling(FILE *out, struct json_object *result)
{
	struct json_object *s = member(result, "scheduling"), *locked = member(s, "memory_locked");
	char pol[16];

	if (text_of(s, "policy", pol, sizeof(pol)) && strcmp(pol, "other") != 0)
		fprintf(out, ", real-time %s %d", pol, json_object_get_int(member(s, "priority")));
	if (locked && json_object_get_boolean(locked))
		fprintf(out, ", memory locked");
}

void vipctl_fmt_status(FILE *out, struct json_object *result)
{
	struct json_object *list = instances_of(result);
	char rid[128];

	if (text_of(result, "router_id", rid, sizeof(rid))) {
		fprintf(out, "router %s", rid);
		print_scheduling(out, result);
		fprintf(out, "\n");
	}
	if (!list || !json_object_array_length(list)) {
		fprintf(out, "no instances\n");
		return;
	}
	print_instances(out, list);
	print_tracking(out, list);
}

void vipctl_fmt_instance(FILE *out, struct json_object *instance)
{
	struct json_object *list = json_object_new_array();

	if (!list)
		return;
	json_object_array_add(list, json_object_get(instance));
	print_instances(out, list);
	json_object_put(list);
}

/* --- stats --- */

static void print_counters(FILE *out, struct json_object *list)
{
	static const char *const titles[] = {"NAME",      "STATE",       "SENT",     "RECEIVED",
	                                     "PRIO0-OUT", "PRIO0-IN",    "SEND-ERR", "ANNOUNCED",
	                                     "NL-ERR",    "VIP-RESTORED"};
	static const char *const keys[] = {"adverts_sent",   "adverts_received", "prio0_sent",
	                                   "prio0_received", "send_errors",      "announcements",
	                                   "nl_errors",      "vip_restored"};
	struct tbl t;

	tbl_init(&t, titles, sizeof(titles) / sizeof(titles[0]), "llrrrrrrrr");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *in = json_object_array_get_idx(list, i);
		struct json_object *ctr = member(in, "counters");
		size_t r = tbl_row(&t);

		set_text(&t, r, 0, in, "name");
		set_text(&t, r, 1, in, "state");
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			set_count(&t, r, 2 + k, member(ctr, keys[k]));
	}
	tbl_print(out, &t);
}

static void print_availability(FILE *out, struct json_object *list)
{
	static const char *const titles[] = {"NAME",      "OBSERVED",     "UP",
	                                     "DOWN",      "AVAILABILITY", "FAILURES",
	                                     "FAILOVERS", "MTBF",         "MTTR"};
	enum { NAME, OBSERVED, UP, DOWN, RATIO, FAILURES, FAILOVERS, MTBF, MTTR, NCOLS };
	struct tbl t;

	tbl_init(&t, titles, NCOLS, "lrrrrrrrr");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *in = json_object_array_get_idx(list, i);
		struct json_object *av = member(in, "availability"), *ratio = member(av, "ratio");
		size_t r = tbl_row(&t);

		set_text(&t, r, NAME, in, "name");
		set_duration(&t, r, OBSERVED, member(av, "observed"));
		set_duration(&t, r, UP, member(av, "up"));
		set_duration(&t, r, DOWN, member(av, "down"));
		if (ratio && is_number(ratio))
			tbl_set(&t, r, RATIO, "%.4f%%", 100.0 * json_object_get_double(ratio));
		set_count(&t, r, FAILURES, member(av, "failures"));
		set_count(&t, r, FAILOVERS, member(av, "failovers"));
		set_duration(&t, r, MTBF, member(av, "mtbf"));
		set_duration(&t, r, MTTR, member(av, "mttr"));
	}
	tbl_print(out, &t);
}

/* "  NAME: key N, key N" for an object of counts; nothing when it is empty or absent.
 * Returns true when it printed. */
static bool print_counts(FILE *out, const char *title, bool *titled, const char *name,
                         struct json_object *counts)
{
	bool first = true;

	if (!counts || !json_object_is_type(counts, json_type_object))
		return false;
	json_object_object_foreach(counts, key, val)
	{
		if (first) {
			if (!*titled)
				fprintf(out, "\n%s:\n", title);
			*titled = true;
			fprintf(out, "  %s:", name);
		}
		fprintf(out, "%s %s %" PRId64, first ? "" : ",", key, json_object_get_int64(val));
		first = false;
	}
	if (!first)
		fputc('\n', out);
	return !first;
}

void vipctl_fmt_stats(FILE *out, struct json_object *result)
{
	struct json_object *list = instances_of(result);
	char rid[128], up[32];
	bool titled = false;

	fprintf(out, "router %s", text_of(result, "router_id", rid, sizeof(rid)) ?: "-");
	if (is_number(member(result, "uptime")))
		fprintf(out, ", up %s",
		        vipctl_fmt_duration(json_object_get_double(member(result, "uptime")), up,
		                            sizeof(up)));
	fputc('\n', out);
	if (!list || !json_object_array_length(list)) {
		fprintf(out, "no instances\n");
	} else {
		print_counters(out, list);
		fprintf(out, "\navailability (this node's view since start):\n");
		print_availability(out, list);
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *in = json_object_array_get_idx(list, i);

			print_counts(out, "transitions", &titled,
			             text_of(in, "name", rid, sizeof(rid)) ?: "-",
			             member(member(in, "counters"), "transitions"));
		}
		titled = false;
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *in = json_object_array_get_idx(list, i);

			print_counts(out, "drops", &titled,
			             text_of(in, "name", rid, sizeof(rid)) ?: "-",
			             member(member(in, "counters"), "drops"));
		}
	}
	print_counts(out, "drops", &titled, "(no instance)", member(result, "unmatched_drops"));
	if (is_number(member(result, "log_lines_dropped")) &&
	    json_object_get_uint64(member(result, "log_lines_dropped")))
		fprintf(out, "\nlog lines dropped (log output full): %" PRIu64 "\n",
		        json_object_get_uint64(member(result, "log_lines_dropped")));
}

/* --- metrics, reload, errors --- */

int vipctl_fmt_metrics(FILE *out, struct json_object *result)
{
	const char *text;
	size_t len;

	if (!result || !json_object_is_type(result, json_type_string))
		return -1;
	text = json_object_get_string(result);
	len = (size_t)json_object_get_string_len(result);
	fwrite(text, 1, len, out);
	if (len && text[len - 1] != '\n')
		fputc('\n', out);
	return 0;
}

void vipctl_fmt_reload(FILE *out, struct json_object *result)
{
	static const char *const keys[] = {"kept", "changed", "started", "stopped"};

	fprintf(out, "reloaded:");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct json_object *v = member(result, keys[i]);

		fprintf(out, "%s %s %s", i ? "," : "", v ? json_object_get_string(v) : "?",
		        keys[i]);
	}
	fprintf(out, " instance(s)\n");
}

void vipctl_fmt_debug(FILE *out, struct json_object *result)
{
	struct json_object *list = member(result, "enabled");
	size_t n =
	    list && json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;

	fprintf(out, "debug:%s", n ? "" : " none");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s %s", i ? "," : "",
		        json_object_get_string(json_object_array_get_idx(list, i)));
	fputc('\n', out);
}

void vipctl_fmt_names(FILE *out, struct json_object *result)
{
	struct json_object *list = member(result, "instances");
	size_t n =
	    list && json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *name = member(json_object_array_get_idx(list, i), "name");

		/* A name cannot hold a newline (vipd --check refuses it): one line each. */
		if (name && json_object_is_type(name, json_type_string))
			fprintf(out, "%s\n", json_object_get_string(name));
	}
}

/* "master: self 198.18.0.1 priority 150" / "master: 198.18.0.2 priority 200" / "unknown". */
static void print_master(FILE *out, struct json_object *m)
{
	struct json_object *self = member(m, "self");
	char a[64], p[16];

	if (!m || !json_object_is_type(m, json_type_object)) {
		fputs("master unknown\n", out);
		return;
	}
	fprintf(out, "master %s%s, priority %s\n",
	        self && json_object_get_boolean(self) ? "self " : "",
	        text_of(m, "address", a, sizeof(a)) ? a : "-",
	        text_of(m, "priority", p, sizeof(p)) ? p : "-");
}

/* The routers table of one instance: every router heard, the one taken for master marked. */
static void print_routers(FILE *out, struct json_object *list)
{
	static const char *const titles[] = {"ROUTER",  "PRIO", "INTERVAL", "VER", "CHECKSUM",
	                                     "ADVERTS", "LAST", "FIRST",    "NOTE"};
	struct tbl t;

	tbl_init(&t, titles, 9, "lrrrlrrrl");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *r = json_object_array_get_idx(list, i), *v;
		size_t row = tbl_row(&t);
		char iv[32];
		bool master, differ;

		set_text(&t, row, 0, r, "address");
		set_text(&t, row, 1, r, "priority");
		v = member(r, "advert_interval");
		if (v && is_number(v))
			tbl_set(&t, row, 2, "%ss", text_of(r, "advert_interval", iv, sizeof(iv)));
		set_text(&t, row, 3, r, "version");
		set_text(&t, row, 4, r, "checksum_form");
		set_count(&t, row, 5, member(r, "adverts"));
		set_duration(&t, row, 6, member(r, "last_heard"));
		set_duration(&t, row, 7, member(r, "first_heard"));
		master = member(r, "master") && json_object_get_boolean(member(r, "master"));
		differ = member(r, "addresses_differ") &&
		         json_object_get_boolean(member(r, "addresses_differ"));
		if (master || differ)
			tbl_set(&t, row, 8, "%s%s%s", master ? "master" : "",
			        master && differ ? "," : "", differ ? "other addresses" : "");
	}
	tbl_print(out, &t);
}

/* "split brain: N episodes, D in all" with the current one, then the anomalies seen. */
static void print_watch(FILE *out, struct json_object *in)
{
	struct json_object *sb = member(in, "split_brain"), *an = member(in, "anomalies");
	struct json_object *with = member(sb, "with"), *ep = member(sb, "episodes");
	char d[32], a[64], p[16];
	bool any = false;

	fprintf(out, "split brain: %" PRId64 " episode%s, %s in all",
	        ep ? json_object_get_int64(ep) : 0, ep && json_object_get_int64(ep) == 1 ? "" : "s",
	        vipctl_fmt_duration(
	            member(sb, "seconds") ? json_object_get_double(member(sb, "seconds")) : -1, d,
	            sizeof(d)));
	if (with)
		fprintf(out, "; now with %s, priority %s, for %s",
		        text_of(with, "address", a, sizeof(a)) ? a : "-",
		        text_of(with, "priority", p, sizeof(p)) ? p : "-",
		        vipctl_fmt_duration(json_object_get_double(member(with, "since")), d,
		                            sizeof(d)));
	fputs("\nanomalies:", out);
	if (an && json_object_is_type(an, json_type_object)) {
		json_object_object_foreach(an, k, v)
		{
			if (!is_number(v) || !json_object_get_int64(v))
				continue;
			fprintf(out, "%s %s %" PRId64, any ? "," : "", k, json_object_get_int64(v));
			any = true;
		}
	}
	fputs(any ? "\n" : " none\n", out);
}

void vipctl_fmt_peers(FILE *out, struct json_object *result)
{
	struct json_object *list = instances_of(result);

	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *in = json_object_array_get_idx(list, i);
		struct json_object *routers = member(in, "routers");
		char n[128], v[16], s[16], p[16], iv[32];

		fprintf(out, "%s%s (VRID %s, %s, priority %s, every %ss): ", i ? "\n" : "",
		        text_of(in, "name", n, sizeof(n)) ? n : "-",
		        text_of(in, "vrid", v, sizeof(v)) ? v : "-",
		        text_of(in, "state", s, sizeof(s)) ? s : "-",
		        text_of(in, "priority", p, sizeof(p)) ? p : "-",
		        text_of(in, "advert_interval", iv, sizeof(iv)) ? iv : "-");
		print_master(out, member(in, "master"));
		if (routers && json_object_is_type(routers, json_type_array) &&
		    json_object_array_length(routers))
			print_routers(out, routers);
		else
			fputs("no router heard\n", out);
		print_watch(out, in);
	}
}

void vipctl_fmt_error(FILE *err, const char *command, struct json_object *reply)
{
	struct json_object *msg = member(reply, "error"), *errors = member(reply, "errors");

	fprintf(err, "vipctl: %s: %s\n", command,
	        msg ? json_object_get_string(msg) : "failed (no reason given)");
	if (errors && json_object_is_type(errors, json_type_array))
		for (size_t i = 0; i < json_object_array_length(errors); i++)
			fprintf(err, "  %s\n",
			        json_object_get_string(json_object_array_get_idx(errors, i)));
}
