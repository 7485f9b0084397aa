/* config_notify: instance `notify`, the per-state notify_* scripts, `notify_args`, top-level
 * `notify_fifo` and `sync_groups` (see config_notify.h). Errors name FILE:LINE and the key, like
 * the rest of config.c. */
#include "build_config.h"

#include <libconfig.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/config_notify.h"

/* An absolute path key (notify, notify_fifo) into dst; "" when absent or bad. */
static void load_path(const struct cv_scope *sc, const char *key, char *dst, size_t size)
{
	if (config_value_get_text(sc, key, dst, size) != CV_OK) {
		dst[0] = '\0';
		return;
	}
	if (dst[0] != '/') {
		config_value_key_error(sc, config_value_member(sc, key), key,
		                       "\"%s\" is not an absolute path", dst);
		dst[0] = '\0';
	}
}

/* A script key and its char * member (NULL = none), in the order they are read and printed. */
struct script_key {
	const char *key;
	size_t off;
};

#define IKEY(k)                                                                                    \
	{                                                                                          \
#k, offsetof(struct vipd_instance_config, k)                                       \
	}
static const struct script_key instance_scripts[] = {
    IKEY(notify),       IKEY(notify_master), IKEY(notify_backup),
    IKEY(notify_fault), IKEY(notify_stop),   IKEY(notify_master_rx_lower_pri),
};
#define GKEY(k)                                                                                    \
	{                                                                                          \
#k, offsetof(struct vipd_sync_group, k)                                            \
	}
static const struct script_key group_scripts[] = {
    GKEY(notify), GKEY(notify_master), GKEY(notify_backup), GKEY(notify_fault), GKEY(notify_stop),
};
#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

/* The script of key k in base; "" when none. */
static const char *script_of(const void *base, const struct script_key *k)
{
	const char *p = *(char *const *)(const void *)((const char *)base + k->off);

	return p ? p : "";
}

static char **script_slot(void *base, const struct script_key *k)
{
	return (char **)(void *)((char *)base + k->off);
}

/* A script key into *dst, on the heap only when set: read as load_path reads it. */
static void load_script(const struct cv_scope *sc, const char *key, char **dst)
{
	char buf[VIPD_SCRIPT_MAX];

	*dst = NULL;
	load_path(sc, key, buf, sizeof(buf));
	if (!buf[0])
		return;
	*dst = strdup(buf);
	if (!*dst)
		config_value_key_error(sc, config_value_member(sc, key), key, "out of memory");
}

/* Free the scripts of table t (n entries) in base. */
static void free_scripts(void *base, const struct script_key *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(*script_slot(base, &t[i]));
		*script_slot(base, &t[i]) = NULL;
	}
}

/* A "vipd" or "keepalived" key (notify_args, notify_fifo_format) into *out. */
static void load_format(const struct cv_scope *sc, const char *key, enum vipd_notify_args *out)
{
	const char *v;

	if (config_value_get_string(sc, key, &v) != CV_OK)
		return;
	if (strcmp(v, "vipd") == 0)
		*out = VIPD_NOTIFY_ARGS_VIPD;
	else if (strcmp(v, "keepalived") == 0)
		*out = VIPD_NOTIFY_ARGS_KEEPALIVED;
	else
		config_value_key_error(sc, config_value_member(sc, key), key,
		                       "\"%s\" is not \"vipd\" or \"keepalived\"", v);
}

/* The script keys of table t (n entries) into base, and notify_args into *args. */
static void load_scripts(const struct cv_scope *sc, void *base, const struct script_key *t,
                         size_t n, enum vipd_notify_args *args)
{
	for (size_t i = 0; i < n; i++)
		load_script(sc, t[i].key, script_slot(base, &t[i]));
	load_format(sc, "notify_args", args);
}

/* Print the set script keys of base, each as PRE KEY = "..."; POST, and notify_args when
 * keepalived (the default is left out: a dump of an old config reads as it did). */
static void print_scripts(FILE *out, const void *base, const struct script_key *t, size_t n,
                          enum vipd_notify_args args, const char *pre, const char *post)
{
	for (size_t i = 0; i < n; i++) {
		if (!script_of(base, &t[i])[0])
			continue;
		fprintf(out, "%s%s = ", pre, t[i].key);
		config_value_print_string(out, script_of(base, &t[i]));
		fprintf(out, ";%s", post);
	}
	if (args == VIPD_NOTIFY_ARGS_KEEPALIVED)
		fprintf(out, "%snotify_args = \"keepalived\";%s", pre, post);
}

/* notify_user into dst (VIPD_NAME_MAX) and its line; no script to run it is an error, as a user
 * that would change nothing. */
static void load_user(const struct cv_scope *sc, const void *base, const struct script_key *t,
                      size_t n, char *dst, int *line)
{
	bool any = false;

	if (config_value_get_text(sc, "notify_user", dst, VIPD_NAME_MAX) != CV_OK)
		return;
	*line = config_setting_source_line(config_value_member(sc, "notify_user"));
	for (size_t i = 0; i < n; i++)
		any |= script_of(base, &t[i])[0] != '\0';
	if (!any)
		config_value_key_error(sc, config_value_member(sc, "notify_user"), "notify_user",
		                       "\"%s\": no notify script to run as that user", dst);
}

static void print_user(FILE *out, const char *user, const char *pre, const char *post)
{
	if (!user[0])
		return;
	fprintf(out, "%snotify_user = ", pre);
	config_value_print_string(out, user);
	fprintf(out, ";%s", post);
}

void config_notify_load_instance(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	load_scripts(sc, in, instance_scripts, NKEYS(instance_scripts), &in->notify_args);
	load_user(sc, in, instance_scripts, NKEYS(instance_scripts), in->notify_user,
	          &in->notify_user_line);
}

void config_notify_load_fifo(const struct cv_scope *sc, struct vipd_config *cfg)
{
	load_path(sc, "notify_fifo", cfg->notify_fifo, sizeof(cfg->notify_fifo));
	load_format(sc, "notify_fifo_format", &cfg->notify_fifo_format);
	config_value_get_bool(sc, "notify_fifo_cause", &cfg->notify_fifo_cause);
	if (cfg->notify_fifo_cause && cfg->notify_fifo_format == VIPD_NOTIFY_ARGS_KEEPALIVED)
		config_value_key_error(sc, config_value_member(sc, "notify_fifo_cause"),
		                       "notify_fifo_cause",
		                       "keepalived's lines have no cause (notify_fifo_format)");
	load_path(sc, "notify_fifo_script", cfg->notify_fifo_script,
	          sizeof(cfg->notify_fifo_script));
	if (config_value_member(sc, "notify_fifo_script"))
		cfg->notify_fifo_script_line =
		    config_setting_source_line(config_value_member(sc, "notify_fifo_script"));
	if (cfg->notify_fifo_script[0] && !cfg->notify_fifo[0])
		config_value_key_error(sc, config_value_member(sc, "notify_fifo_script"),
		                       "notify_fifo_script",
		                       "needs notify_fifo (the FIFO it reads)");
}

static bool valid_name(const char *s)
{
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
		            *s))
			return false;
	return true;
}

static const char *const group_keys[] = {
    "name",         "instances",   "notify",      "notify_master", "notify_backup",
    "notify_fault", "notify_stop", "notify_args", "notify_user",   NULL};

/* The index of the instance named name, or -1. */
static long instance_index(const struct vipd_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ninstances; i++)
		if (strcmp(cfg->instances[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Read the members of group g (scope sc) into g->members. */
static void load_members(const struct cv_scope *sc, struct vipd_config *cfg,
                         struct vipd_sync_group *g)
{
	const config_setting_t *s = NULL;
	int n;

	if (!config_value_member(sc, "instances")) {
		config_value_missing(sc, "instances");
		return;
	}
	n = config_value_get_list(sc, "instances", 1024, "instances", "", &s);
	if (n <= 0)
		return;
	g->members = calloc((size_t)n, sizeof(*g->members));
	if (!g->members) {
		config_value_key_error(sc, s, "instances", "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name;
		long idx;
		int other;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			config_value_error_at(sc->ld, e,
			                      "%s.instances[%d]: expected a string, got %s",
			                      sc->pfx, i, config_value_type_name(e));
			continue;
		}
		name = config_setting_get_string(e);
		idx = instance_index(cfg, name);
		if (idx < 0) {
			config_value_error_at(sc->ld, e,
			                      "%s.instances[%d]: no instance is named \"%s\"",
			                      sc->pfx, i, name);
			continue;
		}
		other = config_notify_sync_group_of(cfg, (size_t)idx);
		if (other >= 0) {
			struct vipd_sync_group *o = &cfg->sync_groups[other];

			if (o == g)
				config_value_error_at(sc->ld, e,
				                      "%s.instances[%d]: \"%s\" is listed twice",
				                      sc->pfx, i, name);
			else
				config_value_error_at(
				    sc->ld, e,
				    "%s.instances[%d]: \"%s\" is already in sync group "
				    "\"%s\" at line %d",
				    sc->pfx, i, name, o->name, o->line);
			continue;
		}
		g->members[g->nmembers++] = (size_t)idx;
	}
	if (n == 1)
		config_value_key_error(sc, s, "instances",
		                       "a sync group needs at least 2 instances");
}

static void load_group(struct cv_loader *ld, const config_setting_t *gs, struct vipd_config *cfg,
                       size_t idx)
{
	struct vipd_sync_group *g = &cfg->sync_groups[idx];
	char pfx[32], what[VIPD_NAME_MAX + 16];
	struct cv_scope sc = {.ld = ld, .grp = gs, .pfx = pfx, .what = what};
	char name[VIPD_NAME_MAX];

	snprintf(pfx, sizeof(pfx), "sync_groups[%zu]", idx);
	snprintf(what, sizeof(what), "%s", pfx);
	g->line = config_setting_source_line(gs);
	if (!config_value_member(&sc, "name")) {
		config_value_missing(&sc, "name");
	} else if (config_value_get_text(&sc, "name", name, sizeof(name)) == CV_OK) {
		const config_setting_t *s = config_value_member(&sc, "name");
		bool dup = false;

		for (size_t i = 0; i < idx && !dup; i++) {
			if (strcmp(cfg->sync_groups[i].name, name) != 0)
				continue;
			config_value_key_error(&sc, s, "name",
			                       "duplicate sync group name \"%s\" (also at line %d)",
			                       name, cfg->sync_groups[i].line);
			dup = true;
		}
		if (!valid_name(name))
			config_value_key_error(&sc, s, "name",
			                       "\"%s\" may only hold A-Z a-z 0-9 _ . -", name);
		else if (!dup) {
			memcpy(g->name, name, sizeof(name));
			snprintf(what, sizeof(what), "sync group \"%s\"", name);
		}
	}
	config_value_check_keys(&sc, group_keys);
	load_members(&sc, cfg, g);
	load_scripts(&sc, g, group_scripts, NKEYS(group_scripts), &g->notify_args);
	load_user(&sc, g, group_scripts, NKEYS(group_scripts), g->notify_user,
	          &g->notify_user_line);
}

void config_notify_load_groups(const struct cv_scope *sc, struct vipd_config *cfg)
{
	const config_setting_t *s = config_value_member(sc, "sync_groups");
	int n;

	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		config_value_error_at(sc->ld, s, "sync_groups: expected a list of groups, got %s",
		                      config_value_type_name(s));
		return;
	}
	n = config_setting_length(s);
	if (n == 0)
		return;
	cfg->sync_groups = calloc((size_t)n, sizeof(*cfg->sync_groups));
	if (!cfg->sync_groups) {
		config_value_error_at(sc->ld, s, "sync_groups: out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);

		cfg->nsync_groups++;
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			config_value_error_at(sc->ld, g,
			                      "sync_groups[%d]: expected a group, got %s", i,
			                      config_value_type_name(g));
			continue;
		}
		load_group(sc->ld, g, cfg, (size_t)i);
	}
}

void config_notify_print_instance(const struct vipd_instance_config *in, FILE *out)
{
	print_scripts(out, in, instance_scripts, NKEYS(instance_scripts), in->notify_args, "    ",
	              "\n");
	print_user(out, in->notify_user, "    ", "\n");
}

void config_notify_print_top(const struct vipd_config *cfg, FILE *out)
{
	/* The default is left out: a dump of an old config reads as it did. */
	if (cfg->notify_fifo_format == VIPD_NOTIFY_ARGS_KEEPALIVED)
		fprintf(out, "notify_fifo_format = \"keepalived\";\n");
	if (cfg->notify_fifo_cause)
		fprintf(out, "notify_fifo_cause = true;\n");
	if (!cfg->notify_fifo[0])
		return;
	fprintf(out, "notify_fifo = ");
	config_value_print_string(out, cfg->notify_fifo);
	fprintf(out, ";\n");
	if (!cfg->notify_fifo_script[0])
		return;
	fprintf(out, "notify_fifo_script = ");
	config_value_print_string(out, cfg->notify_fifo_script);
	fprintf(out, ";\n");
}

void config_notify_print_groups(const struct vipd_config *cfg, FILE *out)
{
	if (!cfg->nsync_groups)
		return;
	fprintf(out, "\nsync_groups = (\n");
	for (size_t i = 0; i < cfg->nsync_groups; i++) {
		const struct vipd_sync_group *g = &cfg->sync_groups[i];

		fprintf(out, "  { name = ");
		config_value_print_string(out, g->name);
		fprintf(out, "; instances = [");
		for (size_t k = 0; k < g->nmembers; k++) {
			fprintf(out, "%s ", k ? "," : "");
			config_value_print_string(out, cfg->instances[g->members[k]].name);
		}
		fprintf(out, " ];");
		print_scripts(out, g, group_scripts, NKEYS(group_scripts), g->notify_args, " ", "");
		print_user(out, g->notify_user, " ", "");
		fprintf(out, " }%s\n", i + 1 < cfg->nsync_groups ? "," : "");
	}
	fprintf(out, ");\n");
}

bool config_notify_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b)
{
	for (size_t i = 0; i < NKEYS(instance_scripts); i++)
		if (strcmp(script_of(a, &instance_scripts[i]),
		           script_of(b, &instance_scripts[i])) != 0)
			return false;
	return a->notify_args == b->notify_args && strcmp(a->notify_user, b->notify_user) == 0;
}

void config_notify_free_instance(struct vipd_instance_config *in)
{
	free_scripts(in, instance_scripts, NKEYS(instance_scripts));
}

void config_notify_free(struct vipd_config *cfg)
{
	for (size_t i = 0; i < cfg->nsync_groups; i++) {
		free(cfg->sync_groups[i].members);
		free_scripts(&cfg->sync_groups[i], group_scripts, NKEYS(group_scripts));
	}
	free(cfg->sync_groups);
	cfg->sync_groups = NULL;
	cfg->nsync_groups = 0;
}

int config_notify_sync_group_of(const struct vipd_config *cfg, size_t idx)
{
	for (size_t i = 0; i < cfg->nsync_groups; i++)
		for (size_t k = 0; k < cfg->sync_groups[i].nmembers; k++)
			if (cfg->sync_groups[i].members[k] == idx)
				return (int)i;
	return -1;
}
