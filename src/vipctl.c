/* vipctl: talk to a running vipd over its control socket.
 * Exit status: 0 done, 1 vipd refused or failed to answer, 2 usage error or vipd unreachable. */
#include "build_config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/config.h"
#include "vipd/ctl.h"
#include "vipd/vipctl_events.h"
#include "vipd/vipctl_fmt.h"

#define VIPCTL_TIMEOUT_MS 5000

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2 };

/* The commands; those with a name send {"command":CMD,"name":NAME}; those with a switch take
 * nothing or "CATEGORY[,CATEGORY...] on|off" (debug_request). names asks status (request). */
static const struct command {
	const char *name;
	bool takes_name, takes_switch;
} commands[] = {
    {"status", false, false}, {"stats", false, false},   {"metrics", false, false},
    {"reload", false, false}, {"demote", true, false},   {"promote", true, false},
    {"garp", true, false},    {"debug", false, true},    {"peers", false, false},
    {"events", false, false}, {"history", false, false}, {"names", false, false},
};

/* Commands whose NAME may be left out (all instances then). */
static bool name_optional(const struct command *cmd)
{
	return strcmp(cmd->name, "peers") == 0;
}

/* The request's command: names reads the instances of a status. */
static const char *request(const struct command *cmd)
{
	return strcmp(cmd->name, "names") == 0 ? "status" : cmd->name;
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: vipctl [-V|--version] [-S|--socket PATH] [--json] status | stats | metrics |\n"
	    "              reload | demote NAME | promote NAME | garp NAME |\n"
	    "              debug [CATEGORY[,CATEGORY...] on|off] |\n"
	    "              peers [NAME] |\n"
	    "              events [--follow] [--since SEQ] [NAME...] | history [NAME] |\n"
	    "              names\n"
	    "categories: packets, timers, netlink, checks, ctl, all\n");
}

/* "CAT[,CAT...] on|off" into req's "enable" or "disable" array; -1 when the switch is neither
 * (vipd checks the names). */
static int debug_request(struct json_object *req, const char *cats, const char *sw)
{
	struct json_object *list;
	char buf[256], *save, *name;

	if (strcmp(sw, "on") != 0 && strcmp(sw, "off") != 0)
		return -1;
	list = json_object_new_array();
	snprintf(buf, sizeof(buf), "%s", cats);
	for (name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save))
		json_object_array_add(list, json_object_new_string(name));
	json_object_object_add(req, sw[1] == 'n' ? "enable" : "disable", list);
	return 0;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_json(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* A person's view of a successful answer. */
static void print_result(const char *cmd, struct json_object *result)
{
	if (strcmp(cmd, "status") == 0)
		vipctl_fmt_status(stdout, result);
	else if (strcmp(cmd, "stats") == 0)
		vipctl_fmt_stats(stdout, result);
	else if (strcmp(cmd, "metrics") == 0)
		vipctl_fmt_metrics(stdout, result) == 0 ? (void)0 : print_json(result);
	else if (strcmp(cmd, "reload") == 0)
		vipctl_fmt_reload(stdout, result);
	else if (strcmp(cmd, "debug") == 0)
		vipctl_fmt_debug(stdout, result);
	else if (strcmp(cmd, "peers") == 0)
		vipctl_fmt_peers(stdout, result);
	else if ((strcmp(cmd, "demote") == 0 || strcmp(cmd, "promote") == 0) &&
	         json_object_is_type(result, json_type_object))
		vipctl_fmt_instance(stdout, result);
	else if (result)
		print_json(result); /* an answer of a shape this vipctl does not know */
}

int main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_FOLLOW, OPT_SINCE };
	static const struct option longopts[] = {
	    {"socket", required_argument, NULL, 'S'},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"follow", no_argument, NULL, OPT_FOLLOW},
	    {"since", required_argument, NULL, OPT_SINCE},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *socket_path = VIPD_DEFAULT_SOCKET;
	const struct command *cmd;
	enum ctl_query_status st;
	bool json = false;
	struct vipctl_events_opts ev = {0};
	char *end;
	struct json_object *req, *reply, *ok, *result = NULL;
	char err[512], *line;
	const char *text;
	size_t tlen;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "S:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
			socket_path = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_FOLLOW:
			ev.follow = true;
			break;
		case OPT_SINCE:
			errno = 0;
			ev.since = strtoull(optarg, &end, 10);
			if (errno || !*optarg || *end || optarg[0] == '-') {
				fprintf(stderr, "vipctl: --since wants a sequence number\n");
				return EXIT_USAGE;
			}
			ev.has_since = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vipctl %s\nbuild: %s\n", PACKAGE_VERSION, VIPD_BUILD_OPTIONS);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "vipctl: unknown command \"%s\"\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((ev.follow || ev.has_since) && strcmp(cmd->name, "events") != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(cmd->name, "events") == 0) {
		ev.socket = socket_path;
		ev.json = json;
		ev.names = argv + optind + 1;
		ev.nnames = argc - optind - 1;
		return vipctl_events_run(&ev);
	}
	if (strcmp(cmd->name, "history") == 0) {
		if (argc - optind > 2) {
			usage(stderr);
			return EXIT_USAGE;
		}
		return vipctl_events_history(socket_path, json,
		                             argc - optind == 2 ? argv[optind + 1] : NULL);
	}
	if (argc - optind != (cmd->takes_name ? 2 : 1) &&
	    !(cmd->takes_switch && argc - optind == 3) &&
	    !(name_optional(cmd) && argc - optind == 2)) {
		usage(stderr);
		return EXIT_USAGE;
	}

	req = json_object_new_object();
	if (!req) {
		fprintf(stderr, "vipctl: out of memory\n");
		return EXIT_USAGE;
	}
	json_object_object_add(req, "command", json_object_new_string(request(cmd)));
	if (cmd->takes_name || (name_optional(cmd) && argc - optind == 2))
		json_object_object_add(req, "name", json_object_new_string(argv[optind + 1]));
	if (cmd->takes_switch && argc - optind == 3 &&
	    debug_request(req, argv[optind + 1], argv[optind + 2]) < 0) {
		json_object_put(req);
		usage(stderr);
		return EXIT_USAGE;
	}
	line = ctl_query_line(socket_path, req, VIPCTL_TIMEOUT_MS, &st, err, sizeof(err));
	json_object_put(req);
	if (!line) {
		fprintf(stderr, "vipctl: %s\n", err);
		return st == CTL_QUERY_UNREACHABLE ? EXIT_USAGE : EXIT_REFUSED;
	}
	/* --json prints the daemon's own text of a result object: parsing and printing again
	 * the status of 1000 instances cost more than the daemon took to build it. */
	if (json && strcmp(cmd->name, "names") != 0 && (text = ctl_reply_ok_object(line, &tlen))) {
		fwrite(text, 1, tlen, stdout);
		putchar('\n');
		free(line);
		return 0;
	}
	reply = ctl_query_parse(line, err, sizeof(err));
	free(line);
	if (!reply) {
		fprintf(stderr, "vipctl: %s\n", err);
		return EXIT_REFUSED;
	}
	if (!json_object_object_get_ex(reply, "ok", &ok) || !json_object_get_boolean(ok)) {
		/* Scripts get the whole refusal (with a reload's "errors") on stdout too. */
		if (json)
			print_json(reply);
		vipctl_fmt_error(stderr, cmd->name, reply);
		rc = EXIT_REFUSED;
	} else if (json_object_object_get_ex(reply, "result", &result) && result) {
		/* A command that only acts (garp) answers null: print nothing. names prints the
		 * names alone, with --json too (a shell reads them). */
		if (strcmp(cmd->name, "names") == 0)
			vipctl_fmt_names(stdout, result);
		else if (json)
			print_json(result);
		else
			print_result(cmd->name, result);
	}
	json_object_put(reply);
	return rc;
}
