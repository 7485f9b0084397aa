/* vipctl_fmt_events: the text of `vipctl events` (one line per event, so a follower can print
 * each as it comes: no column widths to wait for) and of `vipctl history`. */
#include "build_config.h"

#include <inttypes.h>
#include <string.h>

#include "vipd/events.h"
#include "vipd/vipctl_fmt.h"
#include "vipd/vipctl_fmt_events.h"

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return "-";
	return json_object_get_string(v);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

void vipctl_fmt_events_title(FILE *out)
{
	fprintf(out, "%6s  %-27s  %-12s  %-20s  %s\n", "SEQ", "TIME", "INSTANCE", "CHANGE",
	        "CAUSE");
}

/* "BACKUP -> MASTER", "priority 100 -> 90", "netlink" or "anomaly". */
static void change_text(struct json_object *ev, char *buf, size_t len)
{
	if (strcmp(str(ev, "type"), "netlink") == 0 || strcmp(str(ev, "type"), "anomaly") == 0)
		snprintf(buf, len, "%s", str(ev, "type"));
	else if (strcmp(str(ev, "type"), "priority") == 0)
		snprintf(buf, len, "priority %s -> %s", str(ev, "old"), str(ev, "new"));
	else
		snprintf(buf, len, "%s -> %s", str(ev, "old"), str(ev, "new"));
}

void vipctl_fmt_events_line(FILE *out, struct json_object *ev)
{
	char change[64], cause[512];

	change_text(ev, change, sizeof(change));
	events_cause_text(get(ev, "cause"), cause, sizeof(cause));
	fprintf(out, "%6s  %-27s  %-12s  %-20s  %s\n", str(ev, "seq"), str(ev, "time"),
	        str(ev, "instance"), change, cause);
}

void vipctl_fmt_events_lost(FILE *out, uint64_t n, int json)
{
	if (json)
		fprintf(out, "{\"lost\":%" PRIu64 "}\n", n);
	else
		fprintf(out, "lost %" PRIu64 " events\n", n);
}

static void print_times(FILE *out, struct json_object *times)
{
	const char *sep = "";
	char d[32];

	fprintf(out, "  time in state:");
	json_object_object_foreach(times, state, secs)
	{
		fprintf(out, "%s %s %s", sep, state,
		        vipctl_fmt_duration(json_object_get_double(secs), d, sizeof(d)));
		sep = ",";
	}
	fprintf(out, "\n");
}

static void print_availability(FILE *out, struct json_object *a)
{
	struct json_object *ratio = get(a, "ratio");

	if (!a)
		return;
	fprintf(out, "  availability:");
	if (ratio && !json_object_is_type(ratio, json_type_null))
		fprintf(out, " %.4f%%", 100 * json_object_get_double(ratio));
	else
		fprintf(out, " -");
	fprintf(out, ", %s failures, %s failovers\n", str(a, "failures"), str(a, "failovers"));
}

void vipctl_fmt_events_history(FILE *out, struct json_object *result)
{
	struct json_object *list = get(result, "instances");

	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *in = json_object_array_get_idx(list, i);
		struct json_object *tr = get(in, "transitions");
		struct json_object *times = get(in, "time_in_state");

		fprintf(out, "%s%s: %s\n", i ? "\n" : "", str(in, "name"), str(in, "state"));
		if (times)
			print_times(out, times);
		print_availability(out, get(in, "availability"));
		if (!tr || !json_object_array_length(tr)) {
			fprintf(out, "  no transitions in the event ring\n");
			continue;
		}
		for (size_t k = 0; k < json_object_array_length(tr); k++) {
			struct json_object *ev = json_object_array_get_idx(tr, k);
			char change[64], cause[512];

			change_text(ev, change, sizeof(change));
			events_cause_text(get(ev, "cause"), cause, sizeof(cause));
			fprintf(out, "  %s  #%s  %-18s  %s\n", str(ev, "time"), str(ev, "seq"),
			        change, cause);
		}
	}
}
