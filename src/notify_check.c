/* notify_check: what vipd --check verifies of the notify scripts of the instances, the sync
 * groups and notify_fifo_script (see notify_check_config in notify.h): apart from notify.c,
 * which runs them. */
#include "build_config.h"

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "vipd/argv.h"
#include "vipd/notify.h"
#include "vipd/proc.h"

/* The script keys, in the order they are checked. */
static const char *const keys[] = {"notify",       "notify_master", "notify_backup",
                                   "notify_fault", "notify_stop",   "notify_master_rx_lower_pri"};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Where a script is configured: "instance" or "sync group", its name and line. */
struct owner {
	const char *what, *name;
	int line;
};

static void add_err(struct config_errors *errs, const struct vipd_config *cfg,
                    const struct owner *ic, const char *key, const char *what)
{
	if (!ic->what) /* a top-level key */
		config_errors_add(errs, "%s:%d: %s: %s", cfg->file, ic->line, key, what);
	else
		config_errors_add(errs, "%s:%d: %s \"%s\": %s: %s", cfg->file, ic->line, ic->what,
		                  ic->name, key, what);
}

/* Check one script of ic (key names it): 1 when it has a problem, else 0. */
static int check_script(const struct vipd_config *cfg, const struct owner *ic, const char *key,
                        const char *script, struct config_errors *errs)
{
	char **argv, err[160], path[PATH_MAX], what[PATH_MAX + 200];
	const char *why;
	int bad = 0;

	if (!script || !script[0])
		return 0;
	if (argv_split(script, &argv, err, sizeof(err)) < 0) {
		add_err(errs, cfg, ic, key, err);
		return 1;
	}
	if (proc_find_exec(argv[0], path, sizeof(path)) < 0) {
		snprintf(what, sizeof(what), "\"%s\" does not exist or is not executable", argv[0]);
		add_err(errs, cfg, ic, key, what);
		bad = 1;
	} else if (geteuid() == 0 && (why = proc_script_unsafe(path)) != NULL) {
		snprintf(what, sizeof(what), "unsafe to run as root: %s", why);
		add_err(errs, cfg, ic, key, what);
		bad = 1;
	}
	argv_free(argv);
	return bad;
}

/* Check the scripts of o, paths[i] for keys[i] (NULL: a key o does not have): the number of
 * problems. */
static int check_set(const struct vipd_config *cfg, const struct owner *o,
                     const char *const paths[NKEYS], struct config_errors *errs)
{
	int bad = 0;

	for (size_t k = 0; k < NKEYS; k++)
		if (paths[k])
			bad += check_script(cfg, o, keys[k], paths[k], errs);
	return bad;
}

int notify_check_config(const struct vipd_config *cfg, struct config_errors *errs)
{
	int bad = 0;

	for (size_t i = 0; i < cfg->ninstances; i++) {
		const struct vipd_instance_config *ic = &cfg->instances[i];
		const struct owner o = {"instance", ic->name, ic->line};
		const char *const paths[NKEYS] = {
		    ic->notify,       ic->notify_master, ic->notify_backup,
		    ic->notify_fault, ic->notify_stop,   ic->notify_master_rx_lower_pri};

		bad += check_set(cfg, &o, paths, errs);
	}
	for (size_t i = 0; i < cfg->nsync_groups; i++) {
		const struct vipd_sync_group *g = &cfg->sync_groups[i];
		const struct owner o = {"sync group", g->name, g->line};
		const char *const paths[NKEYS] = {g->notify,        g->notify_master,
		                                  g->notify_backup, g->notify_fault,
		                                  g->notify_stop,   NULL};

		bad += check_set(cfg, &o, paths, errs);
	}
	{
		const struct owner top = {NULL, NULL, cfg->notify_fifo_script_line};

		bad += check_script(cfg, &top, "notify_fifo_script", cfg->notify_fifo_script, errs);
	}
	return bad;
}
