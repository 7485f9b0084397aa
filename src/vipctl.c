/* vipctl: talk to a running vipd over its control socket. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/config.h"
#include "vipd/ctl.h"

#define VIPCTL_TIMEOUT_MS 5000

static void usage(FILE *out)
{
	fprintf(out, "usage: vipctl [-S|--socket PATH] [--json] status | garp NAME\n");
}

/* Commands about one instance: `vipctl CMD NAME` sends {"command":CMD,"name":NAME}. */
static bool takes_name(const char *cmd)
{
	return strcmp(cmd, "garp") == 0;
}

static const char *field_str(struct json_object *o, const char *key, char *buf, size_t len)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return "-";
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

/* The checks and tracked interfaces of each instance, one line each, under the table. */
static void print_tracking(struct json_object *list)
{
	size_t n = json_object_array_length(list);
	bool title = false;

	for (size_t i = 0; i < n; i++) {
		struct json_object *in = json_object_array_get_idx(list, i), *name, *arr;
		const char *iname;

		if (!json_object_object_get_ex(in, "name", &name))
			continue;
		iname = json_object_get_string(name);
		if (json_object_object_get_ex(in, "checks", &arr))
			for (size_t k = 0; k < json_object_array_length(arr); k++) {
				struct json_object *c = json_object_array_get_idx(arr, k);
				char nm[128], ty[16], stt[16], last[256], dur[32], ok[32], ko[32];

				if (!title)
					printf("\ntracking:\n");
				title = true;
				printf("  %s: check %s (%s) %s, last: %s (%s s), %s ok / %s failed "
				       "in a row\n",
				       iname, field_str(c, "name", nm, sizeof(nm)),
				       field_str(c, "type", ty, sizeof(ty)),
				       field_str(c, "state", stt, sizeof(stt)),
				       field_str(c, "last", last, sizeof(last)),
				       field_str(c, "last_duration", dur, sizeof(dur)),
				       field_str(c, "successes", ok, sizeof(ok)),
				       field_str(c, "failures", ko, sizeof(ko)));
			}
		if (json_object_object_get_ex(in, "track_interfaces", &arr))
			for (size_t k = 0; k < json_object_array_length(arr); k++) {
				struct json_object *c = json_object_array_get_idx(arr, k);
				char nm[64], stt[16], w[16];

				if (!title)
					printf("\ntracking:\n");
				title = true;
				printf("  %s: interface %s %s (weight %s)\n", iname,
				       field_str(c, "name", nm, sizeof(nm)),
				       field_str(c, "state", stt, sizeof(stt)),
				       field_str(c, "weight", w, sizeof(w)));
			}
	}
}

/* A person's view of status: one aligned row per instance. */
static void print_status_table(struct json_object *result)
{
	static const struct {
		const char *title;
		const char *key;
	} cols[] = {
	    {"NAME", "name"},
	    {"STATE", "state"},
	    {"VRID", "vrid"},
	    {"IF", "interface"},
	    {"PRIO", "priority"},
	    {"EFF", "effective_priority"},
	    {"MASTER", "master_address"},
	    {"INTERVAL", "advert_interval"},
	    {"IN STATE (s)", "since"},
	    {"VIRTUAL ADDRESSES", "virtual_addresses"},
	};
	enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };
	struct json_object *list, *rid;
	size_t width[NCOLS], n;
	char buf[1024];

	if (json_object_object_get_ex(result, "router_id", &rid))
		printf("router %s\n", json_object_get_string(rid));
	if (!json_object_object_get_ex(result, "instances", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		printf("no instances\n");
		return;
	}
	n = json_object_array_length(list);
	for (size_t c = 0; c < NCOLS; c++) {
		width[c] = strlen(cols[c].title);
		for (size_t i = 0; i < n; i++) {
			size_t w = strlen(field_str(json_object_array_get_idx(list, i), cols[c].key,
			                            buf, sizeof(buf)));
			if (w > width[c])
				width[c] = w;
		}
	}
	/* The last column is not padded: no trailing blanks. */
	for (size_t c = 0; c < NCOLS; c++)
		printf("%-*s%s", c + 1 < NCOLS ? (int)width[c] : 0, cols[c].title,
		       c + 1 < NCOLS ? "  " : "\n");
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < NCOLS; c++)
			printf("%-*s%s", c + 1 < NCOLS ? (int)width[c] : 0,
			       field_str(json_object_array_get_idx(list, i), cols[c].key, buf,
			                 sizeof(buf)),
			       c + 1 < NCOLS ? "  " : "\n");
	print_tracking(list);
}

int main(int argc, char **argv)
{
	enum { OPT_JSON = 256 };
	static const struct option longopts[] = {
	    {"socket", required_argument, NULL, 'S'},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *socket_path = VIPD_DEFAULT_SOCKET;
	bool json = false;
	struct json_object *req, *reply, *ok, *result, *error = NULL;
	char err[512];
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "S:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
			socket_path = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc || argc - optind != (takes_name(argv[optind]) ? 2 : 1)) {
		usage(stderr);
		return 2;
	}

	req = json_object_new_object();
	json_object_object_add(req, "command", json_object_new_string(argv[optind]));
	if (takes_name(argv[optind]))
		json_object_object_add(req, "name", json_object_new_string(argv[optind + 1]));
	reply = ctl_request(socket_path, req, VIPCTL_TIMEOUT_MS, err, sizeof(err));
	json_object_put(req);
	if (!reply) {
		fprintf(stderr, "vipctl: %s\n", err);
		return 1;
	}
	if (!json_object_object_get_ex(reply, "ok", &ok) || !json_object_get_boolean(ok)) {
		json_object_object_get_ex(reply, "error", &error);
		fprintf(stderr, "vipctl: %s: %s\n", argv[optind],
		        error ? json_object_get_string(error) : "failed");
		rc = 1;
	} else if (json_object_object_get_ex(reply, "result", &result) && result) {
		/* A command that only acts (garp) answers null: print nothing. */
		if (json || strcmp(argv[optind], "status") != 0)
			printf("%s\n", json_object_to_json_string_ext(
			                   result, JSON_C_TO_STRING_PLAIN |
			                               JSON_C_TO_STRING_NOSLASHESCAPE));
		else
			print_status_table(result);
	}
	json_object_put(reply);
	return rc;
}
