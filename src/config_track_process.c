/* config_track_process: the keys of a `process` check (keepalived's track_process): which
 * processes match (process, cmdline, cmdline_match) and how many must (quorum, quorum_max). */
#include "build_config.h"

#include <libconfig.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/config_track.h"

/* The kernel's process names (comm) are at most 15 bytes (TASK_COMM_LEN - 1). */
#define COMM_MAX 15

/* A non-empty string key without control characters (which no comm or `ps -o args` text
 * holds after vipd's own rendering), copied to the heap; CV_ABSENT, CV_OK or CV_BAD. */
static int get_text(const struct cv_scope *sc, const char *key, size_t max, char **out)
{
	const config_setting_t *s = config_value_member(sc, key);
	const char *v;
	int rc = config_value_get_string(sc, key, &v);

	if (rc != CV_OK)
		return rc;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			config_value_key_error(sc, s, key, "holds a control character");
			return CV_BAD;
		}
	if (!*v || strlen(v) > max) {
		config_value_key_error(sc, s, key, "\"%s\": 1 to %zu characters", v, max);
		return CV_BAD;
	}
	*out = strdup(v);
	if (!*out) {
		config_value_key_error(sc, s, key, "out of memory");
		return CV_BAD;
	}
	return CV_OK;
}

void config_track_process_load(const struct cv_scope *sc, struct vipd_check_config *c)
{
	const char *how;
	long long v;
	int rp, rc;

	rp = get_text(sc, "process", COMM_MAX, &c->process);
	rc = get_text(sc, "cmdline", 4096, &c->cmdline);
	if (rp == CV_ABSENT && rc == CV_ABSENT)
		config_value_error_at(sc->ld, sc->grp,
		                      "%s: missing key \"process\" or \"cmdline\" (or both)",
		                      sc->what);
	if (config_value_get_string(sc, "cmdline_match", &how) == CV_OK) {
		if (strcmp(how, "initial") == 0)
			c->cmdline_initial = true;
		else if (strcmp(how, "exact") != 0)
			config_value_key_error(sc, config_value_member(sc, "cmdline_match"),
			                       "cmdline_match",
			                       "\"%s\": expected \"exact\" or \"initial\"", how);
	}
	if (config_value_get_int(sc, "quorum", 0, CONFIG_TRACK_QUORUM_MAX, &v) == CV_OK)
		c->quorum = (unsigned)v;
	if (config_value_get_int(sc, "quorum_max", 0, CONFIG_TRACK_QUORUM_MAX, &v) == CV_OK) {
		c->quorum_max = (unsigned)v;
		if (c->quorum_max < c->quorum)
			config_value_key_error(sc, config_value_member(sc, "quorum_max"),
			                       "quorum_max", "%u is below quorum %u", c->quorum_max,
			                       c->quorum);
	}
}

void config_track_process_print(const struct vipd_check_config *c, FILE *out)
{
	if (c->type != VIPD_CHECK_PROCESS)
		return;
	if (c->process) {
		fprintf(out, " process = ");
		config_value_print_string(out, c->process);
		fprintf(out, ";");
	}
	if (c->cmdline) {
		fprintf(out, " cmdline = ");
		config_value_print_string(out, c->cmdline);
		fprintf(out, "; cmdline_match = \"%s\";", c->cmdline_initial ? "initial" : "exact");
	}
	fprintf(out, " quorum = %u; quorum_max = %u;", c->quorum, c->quorum_max);
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool config_track_process_equal(const struct vipd_check_config *a,
                                const struct vipd_check_config *b)
{
	return same(a->process, b->process) && same(a->cmdline, b->cmdline) &&
	       a->cmdline_initial == b->cmdline_initial && a->quorum == b->quorum &&
	       a->quorum_max == b->quorum_max;
}
