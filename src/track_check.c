/* track_check: what vipd --check verifies of the checks on this system: that each exec and
 * recover command exists and is executable (and, as root, safe to run), and that script_user
 * exists. Nothing runs: a check that cannot start is better named at --check than at 3 a.m. */
#include "build_config.h"

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "vipd/argv.h"
#include "vipd/proc.h"
#include "vipd/config_track.h"
#include "vipd/track_check.h"

static void add_err(struct config_errors *errs, const struct vipd_config *cfg,
                    const struct vipd_check_config *c, const char *what)
{
	config_errors_add(errs, "%s:%d: check \"%s\": %s", cfg->file, c->line, c->name, what);
}

/* Check one command; returns 1 when it is reported. */
static int check_command(const struct vipd_config *cfg, const struct vipd_check_config *c,
                         const char *key, const char *cmd, struct config_errors *errs)
{
	char **argv, err[160], path[PATH_MAX], what[PATH_MAX + 200];
	const char *why;
	int bad = 0;

	if (!cmd)
		return 0;
	if (argv_split(cmd, &argv, err, sizeof(err)) < 0) {
		snprintf(what, sizeof(what), "%s: %s", key, err);
		add_err(errs, cfg, c, what);
		return 1;
	}
	if (proc_find_exec(argv[0], path, sizeof(path)) < 0) {
		snprintf(what, sizeof(what), "%s: \"%s\" does not exist or is not executable", key,
		         argv[0]);
		add_err(errs, cfg, c, what);
		bad = 1;
	} else if (geteuid() == 0 && (why = proc_script_unsafe(path)) != NULL) {
		snprintf(what, sizeof(what), "%s: unsafe to run as root: %s", key, why);
		add_err(errs, cfg, c, what);
		bad = 1;
	}
	argv_free(argv);
	return bad;
}

int track_check_config(const struct vipd_config *cfg, struct config_errors *errs)
{
	int bad = 0;

	if (cfg->script_user[0] && !getpwnam(cfg->script_user)) {
		bad++;
		config_errors_add(errs, "%s:%d: script_user: no user \"%s\" on this system",
		                  cfg->file, cfg->script_user_line, cfg->script_user);
	}

	for (size_t i = 0; i < cfg->nchecks; i++) {
		const struct vipd_check_config *c = &cfg->checks[i];

		bad += check_command(cfg, c, "command", c->command, errs);
		bad += check_command(cfg, c, "recover", c->recover, errs);
	}
	return bad;
}
