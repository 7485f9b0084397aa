/* config_track: script_user, checks, and an instance's checks, track_interfaces and
 * track_link. */
#include "build_config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vipd/config_track.h"
#include "vipd/argv.h"

static const char *const type_names[] = {"exec", "tcp", "http", "file", "process"};

const char *config_track_check_type_name(enum vipd_check_type t)
{
	return (unsigned)t < 5 ? type_names[t] : "?";
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

/* An error at a key's own line. */
#define KEY_ERROR(sc, key, ...)                                                                    \
	config_value_key_error((sc), config_value_member((sc), (key)), (key), __VA_ARGS__)

/* A string key copied to the heap; CV_BAD when empty or not a string. */
static int get_dup(const struct cv_scope *sc, const char *key, char **out)
{
	const char *v;
	int rc = config_value_get_string(sc, key, &v);

	if (rc != CV_OK)
		return rc;
	if (!*v) {
		KEY_ERROR(sc, key, "must not be empty");
		return CV_BAD;
	}
	*out = strdup(v);
	if (!*out) {
		KEY_ERROR(sc, key, "out of memory");
		return CV_BAD;
	}
	return CV_OK;
}

/* A required key that is absent (one present but wrong has had its own error). */
static void require(const struct cv_scope *sc, const char *key)
{
	if (!config_value_member(sc, key))
		config_value_missing(sc, key);
}

static void check_command(const struct cv_scope *sc, const char *key, const char *cmd)
{
	char err[128], **argv;

	if (argv_split(cmd, &argv, err, sizeof(err)) < 0) {
		KEY_ERROR(sc, key, "%s", err);
		return;
	}
	argv_free(argv);
}

/* Keys that only some types take: which type each belongs to (-1: recover, any type). */
static const struct {
	const char *key;
	int type;
} typed_keys[] = {
    {"command", VIPD_CHECK_EXEC},       {"url", VIPD_CHECK_HTTP},
    {"expect_status", VIPD_CHECK_HTTP}, {"expect_body", VIPD_CHECK_HTTP},
    {"host", VIPD_CHECK_TCP},           {"port", VIPD_CHECK_TCP},
    {"path", VIPD_CHECK_FILE},          {"process", VIPD_CHECK_PROCESS},
    {"cmdline", VIPD_CHECK_PROCESS},    {"cmdline_match", VIPD_CHECK_PROCESS},
    {"quorum", VIPD_CHECK_PROCESS},     {"quorum_max", VIPD_CHECK_PROCESS},
    {"missing", VIPD_CHECK_FILE},
};

/* A file check's missing: "fail" (vipd's own reading, the default) or "zero" (keepalived's). */
static void load_missing(const struct cv_scope *sc, struct vipd_check_config *c)
{
	const char *v;

	if (config_value_get_string(sc, "missing", &v) != CV_OK)
		return;
	if (strcmp(v, "zero") == 0)
		c->missing_zero = true;
	else if (strcmp(v, "fail") != 0)
		KEY_ERROR(sc, "missing", "\"%s\": expected \"fail\" or \"zero\"", v);
}

static const char *const check_keys[] = {
    "name", "type", "command", "interval", "timeout", "rise", "fall", "weight", "recover",
    "recover_interval", "url", "expect_status", "expect_body", "host", "port", "path", "user",
    /* config_track_process.c */
    "process", "cmdline", "cmdline_match", "quorum", "quorum_max", "missing", NULL};

static void load_check(struct cv_loader *ld, const config_setting_t *g, struct vipd_config *cfg,
                       size_t idx)
{
	struct vipd_check_config *c = &cfg->checks[idx];
	char pfx[32], what[VIPD_NAME_MAX + 16];
	struct cv_scope sc = {.ld = ld, .grp = g, .pfx = pfx, .what = what};
	const char *type = NULL;
	long long v;
	int t = -1;

	*c = (struct vipd_check_config){
	    .interval = MT_SEC,
	    .timeout = MT_SEC,
	    .rise = 1,
	    .fall = 1,
	    .recover_interval = 60 * MT_SEC,
	    .expect_status = 200,
	    .quorum = 1,
	    .quorum_max = CONFIG_TRACK_QUORUM_MAX,
	    .line = config_setting_source_line(g),
	};
	snprintf(pfx, sizeof(pfx), "checks[%zu]", idx);
	snprintf(what, sizeof(what), "%s", pfx);
	if (config_value_get_text(&sc, "name", c->name, sizeof(c->name)) == CV_OK) {
		if (!valid_name(c->name)) {
			KEY_ERROR(&sc, "name", "\"%s\": only letters, digits, '_', '.' and '-'",
			          c->name);
		} else {
			for (size_t k = 0; k < idx; k++)
				if (strcmp(cfg->checks[k].name, c->name) == 0) {
					KEY_ERROR(&sc, "name",
					          "\"%s\" is already the check at line %d", c->name,
					          cfg->checks[k].line);
					break;
				}
			snprintf(what, sizeof(what), "check \"%s\"", c->name);
		}
	} else {
		require(&sc, "name");
	}
	config_value_check_keys(&sc, check_keys);
	if (config_value_get_string(&sc, "type", &type) == CV_OK) {
		for (int i = 0; i < 5; i++)
			if (strcmp(type, type_names[i]) == 0)
				t = i;
		if (t < 0)
			KEY_ERROR(&sc, "type",
			          "\"%s\": expected \"exec\", \"tcp\", \"http\", \"file\" or "
			          "\"process\"",
			          type);
	} else {
		require(&sc, "type");
	}
	c->type = t < 0 ? VIPD_CHECK_EXEC : (enum vipd_check_type)t;
	config_value_get_seconds(&sc, "interval", 0.01, 86400, &c->interval);
	config_value_get_seconds(&sc, "timeout", 0.01, 3600, &c->timeout);
	if (config_value_get_int(&sc, "rise", 1, 1000, &v) == CV_OK)
		c->rise = (unsigned)v;
	if (config_value_get_int(&sc, "fall", 1, 1000, &v) == CV_OK)
		c->fall = (unsigned)v;
	if (c->type == VIPD_CHECK_FILE)
		c->weight = 1;
	if (config_value_get_int(&sc, "weight", -254, 254, &v) == CV_OK)
		c->weight = (int)v;
	if (get_dup(&sc, "recover", &c->recover) == CV_OK)
		check_command(&sc, "recover", c->recover);
	config_value_get_seconds(&sc, "recover_interval", 0, 86400, &c->recover_interval);
	if (config_value_get_text(&sc, "user", c->user, sizeof(c->user)) == CV_OK) {
		c->user_line = config_setting_source_line(config_value_member(&sc, "user"));
		/* A user is for the scripts vipd runs: a check without one would ignore it. */
		if (t >= 0 && t != VIPD_CHECK_EXEC && !c->recover)
			KEY_ERROR(&sc, "user",
			          "only for an exec check or one with recover: a %s check runs "
			          "no script",
			          type_names[t]);
	}
	if (t < 0)
		return;
	for (size_t i = 0; i < sizeof(typed_keys) / sizeof(typed_keys[0]); i++)
		if (typed_keys[i].type != t && config_value_member(&sc, typed_keys[i].key))
			config_value_key_error(&sc, config_value_member(&sc, typed_keys[i].key),
			                       typed_keys[i].key,
			                       "only for type \"%s\", this check is \"%s\"",
			                       type_names[typed_keys[i].type], type_names[t]);
	switch (c->type) {
	case VIPD_CHECK_EXEC:
		if (get_dup(&sc, "command", &c->command) == CV_OK)
			check_command(&sc, "command", c->command);
		else
			require(&sc, "command");
		break;
	case VIPD_CHECK_TCP: {
		unsigned char buf[16];

		if (config_value_get_text(&sc, "host", c->host, sizeof(c->host)) == CV_OK) {
			if (inet_pton(AF_INET, c->host, buf) != 1 &&
			    inet_pton(AF_INET6, c->host, buf) != 1)
				KEY_ERROR(&sc, "host", "\"%s\" is not an IPv4 or IPv6 address",
				          c->host);
		} else {
			require(&sc, "host");
		}
		if (config_value_get_int(&sc, "port", 1, 65535, &v) == CV_OK)
			c->port = (unsigned)v;
		else
			require(&sc, "port");
		break;
	}
	case VIPD_CHECK_HTTP:
		if (get_dup(&sc, "url", &c->url) == CV_OK) {
			if (strncmp(c->url, "http://", 7) != 0 &&
			    strncmp(c->url, "https://", 8) != 0)
				KEY_ERROR(&sc, "url",
				          "\"%s\" does not start with http:// or https://", c->url);
		} else {
			require(&sc, "url");
		}
		if (config_value_get_int(&sc, "expect_status", 100, 599, &v) == CV_OK)
			c->expect_status = (long)v;
		get_dup(&sc, "expect_body", &c->expect_body);
		break;
	case VIPD_CHECK_FILE:
		if (get_dup(&sc, "path", &c->path) == CV_OK) {
			if (c->path[0] != '/')
				config_value_key_error(&sc, config_value_member(&sc, "path"),
				                       "path", "\"%s\" is not an absolute path",
				                       c->path);
		} else {
			require(&sc, "path");
		}
		load_missing(&sc, c);
		break;
	case VIPD_CHECK_PROCESS:
		config_track_process_load(&sc, c);
		break;
	}
}

void config_track_load_top(const struct cv_scope *sc, struct vipd_config *cfg)
{
	const config_setting_t *s;
	int n;

	if (config_value_get_text(sc, "script_user", cfg->script_user, sizeof(cfg->script_user)) ==
	    CV_OK)
		cfg->script_user_line =
		    config_setting_source_line(config_value_member(sc, "script_user"));
	if (config_value_get_text(sc, "user", cfg->user, sizeof(cfg->user)) == CV_OK)
		cfg->user_line = config_setting_source_line(config_value_member(sc, "user"));
	s = config_value_member(sc, "checks");
	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		config_value_error_at(sc->ld, s, "checks: expected a list of groups, got %s",
		                      config_value_type_name(s));
		return;
	}
	n = config_setting_length(s);
	if (n == 0)
		return;
	cfg->checks = calloc((size_t)n, sizeof(*cfg->checks));
	if (!cfg->checks) {
		config_value_error_at(sc->ld, s, "checks: out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);

		cfg->nchecks++;
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			config_value_error_at(sc->ld, g, "checks[%d]: expected a group, got %s", i,
			                      config_value_type_name(g));
			cfg->checks[i].line = config_setting_source_line(g);
			continue;
		}
		load_check(sc->ld, g, cfg, (size_t)i);
	}
}

const struct vipd_check_config *config_track_check(const struct vipd_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nchecks; i++)
		if (strcmp(cfg->checks[i].name, name) == 0)
			return &cfg->checks[i];
	return NULL;
}

static void load_check_names(const struct cv_scope *sc, const struct vipd_config *cfg,
                             struct vipd_instance_config *in)
{
	const config_setting_t *s;
	int n = config_value_get_list(sc, "checks", 64, "checks", NULL, &s);

	if (n <= 0)
		return;
	in->checks = calloc((size_t)n, sizeof(*in->checks));
	if (!in->checks) {
		config_value_key_error(sc, s, "checks", "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_get_string(e);
		char key[32];

		snprintf(key, sizeof(key), "checks[%d]", i);
		if (!name) {
			config_value_key_error(sc, e, key, "expected a string, got %s",
			                       config_value_type_name(e));
			continue;
		}
		if (!config_track_check(cfg, name)) {
			config_value_key_error(
			    sc, e, key, "no check named \"%s\" in the top-level checks", name);
			continue;
		}
		for (size_t k = 0; k < in->nchecks; k++)
			if (strcmp(in->checks[k], name) == 0) {
				config_value_key_error(sc, e, key, "\"%s\" is listed twice", name);
				name = NULL;
				break;
			}
		if (name)
			snprintf(in->checks[in->nchecks++], VIPD_NAME_MAX, "%s", name);
	}
}

static const char *const track_if_keys[] = {"name", "weight", NULL};

static void load_track_ifs(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "track_interfaces");
	int n;

	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		config_value_key_error(sc, s, "track_interfaces",
		                       "expected a list of groups, got %s",
		                       config_value_type_name(s));
		return;
	}
	n = config_setting_length(s);
	if (n == 0)
		return;
	in->track_ifs = calloc((size_t)n, sizeof(*in->track_ifs));
	if (!in->track_ifs) {
		config_value_key_error(sc, s, "track_interfaces", "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		struct vipd_track_if *t = &in->track_ifs[in->ntrack_ifs];
		char pfx[96];
		struct cv_scope ts = {.ld = sc->ld, .grp = g, .pfx = pfx, .what = pfx};
		long long v;
		bool ok = true;

		snprintf(pfx, sizeof(pfx), "%s%strack_interfaces[%d]", sc->pfx, *sc->pfx ? "." : "",
		         i);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			config_value_key_error(sc, g, "track_interfaces",
			                       "[%d]: expected a group, got %s", i,
			                       config_value_type_name(g));
			continue;
		}
		config_value_check_keys(&ts, track_if_keys);
		if (config_value_get_text(&ts, "name", t->name, sizeof(t->name)) != CV_OK) {
			if (!config_value_member(&ts, "name"))
				config_value_missing(&ts, "name");
			ok = false;
		} else if (strchr(t->name, '/') || strcmp(t->name, ".") == 0 ||
		           strcmp(t->name, "..") == 0 || strpbrk(t->name, " \t:")) {
			config_value_key_error(&ts, config_value_member(&ts, "name"), "name",
			                       "\"%s\" is not an interface name", t->name);
			ok = false;
		}
		if (config_value_get_int(&ts, "weight", -254, 254, &v) == CV_OK)
			t->weight = (int)v;
		else if (!config_value_member(&ts, "weight"))
			config_value_missing(&ts, "weight");
		for (size_t k = 0; ok && k < in->ntrack_ifs; k++)
			if (strcmp(in->track_ifs[k].name, t->name) == 0) {
				config_value_key_error(&ts, config_value_member(&ts, "name"),
				                       "name", "\"%s\" is tracked twice", t->name);
				ok = false;
			}
		if (ok)
			in->ntrack_ifs++;
	}
}

void config_track_load_instance(const struct cv_scope *sc, const struct vipd_config *cfg,
                                struct vipd_instance_config *in)
{
	bool track_link = true;

	load_check_names(sc, cfg, in);
	load_track_ifs(sc, in);
	if (config_value_get_bool(sc, "track_link", &track_link) == CV_OK)
		in->ignore_link = !track_link;
}

static void print_key(FILE *out, const char *key, const char *val)
{
	fprintf(out, " %s = ", key);
	config_value_print_string(out, val);
	fprintf(out, ";");
}

void config_track_print_top(const struct vipd_config *cfg, FILE *out)
{
	char buf[32];

	if (cfg->script_user[0]) {
		fprintf(out, "script_user = ");
		config_value_print_string(out, cfg->script_user);
		fprintf(out, ";\n");
	}
	if (cfg->user[0]) {
		fprintf(out, "user = ");
		config_value_print_string(out, cfg->user);
		fprintf(out, ";\n");
	}
	if (!cfg->nchecks)
		return;
	fprintf(out, "checks = (\n");
	for (size_t i = 0; i < cfg->nchecks; i++) {
		const struct vipd_check_config *c = &cfg->checks[i];

		fprintf(out, "  {");
		print_key(out, "name", c->name);
		print_key(out, "type", type_names[c->type]);
		fprintf(out, " interval = %s;",
		        config_value_fmt_seconds(c->interval, buf, sizeof(buf)));
		fprintf(out, " timeout = %s;",
		        config_value_fmt_seconds(c->timeout, buf, sizeof(buf)));
		fprintf(out, " rise = %u; fall = %u; weight = %d;", c->rise, c->fall, c->weight);
		if (c->command)
			print_key(out, "command", c->command);
		if (c->recover)
			print_key(out, "recover", c->recover);
		if (c->user[0])
			print_key(out, "user", c->user);
		fprintf(out, " recover_interval = %s;",
		        config_value_fmt_seconds(c->recover_interval, buf, sizeof(buf)));
		if (c->type == VIPD_CHECK_HTTP) {
			if (c->url)
				print_key(out, "url", c->url);
			fprintf(out, " expect_status = %ld;", c->expect_status);
			if (c->expect_body)
				print_key(out, "expect_body", c->expect_body);
		}
		if (c->type == VIPD_CHECK_TCP) {
			print_key(out, "host", c->host);
			fprintf(out, " port = %u;", c->port);
		}
		if (c->path)
			print_key(out, "path", c->path);
		if (c->type == VIPD_CHECK_FILE)
			print_key(out, "missing", c->missing_zero ? "zero" : "fail");
		config_track_process_print(c, out);
		fprintf(out, " }%s\n", i + 1 < cfg->nchecks ? "," : "");
	}
	fprintf(out, ");\n");
}

void config_track_print_instance(const struct vipd_instance_config *in, FILE *out)
{
	if (in->nchecks) {
		fprintf(out, "    checks = [");
		for (size_t i = 0; i < in->nchecks; i++) {
			fprintf(out, "%s ", i ? "," : "");
			config_value_print_string(out, in->checks[i]);
		}
		fprintf(out, " ];\n");
	}
	if (in->ntrack_ifs) {
		fprintf(out, "    track_interfaces = (");
		for (size_t i = 0; i < in->ntrack_ifs; i++) {
			fprintf(out, "%s {", i ? "," : "");
			print_key(out, "name", in->track_ifs[i].name);
			fprintf(out, " weight = %d; }", in->track_ifs[i].weight);
		}
		fprintf(out, " );\n");
	}
	fprintf(out, "    track_link = %s;\n", in->ignore_link ? "false" : "true");
}

bool config_track_instance_equal(const struct vipd_instance_config *a,
                                 const struct vipd_instance_config *b)
{
	if (a->nchecks != b->nchecks || a->ntrack_ifs != b->ntrack_ifs ||
	    a->ignore_link != b->ignore_link)
		return false;
	for (size_t i = 0; i < a->nchecks; i++)
		if (strcmp(a->checks[i], b->checks[i]) != 0)
			return false;
	for (size_t i = 0; i < a->ntrack_ifs; i++)
		if (strcmp(a->track_ifs[i].name, b->track_ifs[i].name) != 0 ||
		    a->track_ifs[i].weight != b->track_ifs[i].weight)
			return false;
	return true;
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool config_track_check_equal(const struct vipd_check_config *a, const struct vipd_check_config *b)
{
	return strcmp(a->name, b->name) == 0 && a->type == b->type &&
	       str_eq(a->command, b->command) && str_eq(a->recover, b->recover) &&
	       a->recover_interval == b->recover_interval && a->interval == b->interval &&
	       a->timeout == b->timeout && a->rise == b->rise && a->fall == b->fall &&
	       a->weight == b->weight && str_eq(a->url, b->url) &&
	       a->expect_status == b->expect_status && str_eq(a->expect_body, b->expect_body) &&
	       strcmp(a->host, b->host) == 0 && a->port == b->port && str_eq(a->path, b->path) &&
	       a->missing_zero == b->missing_zero && strcmp(a->user, b->user) == 0 &&
	       config_track_process_equal(a, b);
}

void config_track_free_instance(struct vipd_instance_config *in)
{
	free(in->checks);
	free(in->track_ifs);
	in->checks = NULL;
	in->track_ifs = NULL;
	in->nchecks = in->ntrack_ifs = 0;
}

void config_track_free_top(struct vipd_config *cfg)
{
	for (size_t i = 0; i < cfg->nchecks; i++) {
		struct vipd_check_config *c = &cfg->checks[i];

		free(c->command);
		free(c->recover);
		free(c->url);
		free(c->expect_body);
		free(c->path);
		free(c->process);
		free(c->cmdline);
	}
	free(cfg->checks);
	cfg->checks = NULL;
	cfg->nchecks = 0;
}
