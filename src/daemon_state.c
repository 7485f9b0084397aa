/* daemon_state: the demoted instances survive a restart of vipd (statefile.h). The file in
 * state_dir says which instances of the running config are demoted: read before they start,
 * written whenever that set changes (demote, promote, reload, start). A bad file is logged and
 * ignored, then replaced by the running state; a failed write costs persistence, not the
 * command. */
#include "build_config.h"

#include <stdlib.h>
#include <string.h>

#include "vipd/daemon_state.h"
#include "vipd/log.h"
#include "vipd/statefile.h"

/* The instance named name, or NULL. */
static struct instance *instance_named(struct instance *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i]->cfg->name, name) == 0)
			return list[i];
	return NULL;
}

void daemon_state_load(struct daemon_state *st, struct instance *const *list, size_t n)
{
	struct statefile sf = {0};
	char err[PATH_MAX + 128];

	free(st->saved);
	st->saved = NULL; /* unknown: the next daemon_state_save writes the file */
	if (statefile_read(st->path, &sf, err, sizeof(err)) < 0) {
		log_warnx("state file %s; ignored: no instance starts demoted", err);
		return;
	}
	for (size_t i = 0; i < sf.ndemoted; i++) {
		struct instance *in = instance_named(list, n, sf.demoted[i]);

		if (in)
			in->demoted = true;
		else
			log_notice("%s: demoted in %s but no longer configured: forgotten",
			           sf.demoted[i], st->path);
	}
	st->saved = statefile_format(&sf);
	statefile_clear(&sf);
}

void daemon_state_save(struct daemon_state *st, struct instance *const *list, size_t n)
{
	struct statefile sf = {0};
	char err[PATH_MAX + 128], *text = NULL;
	bool ok = true;

	for (size_t i = 0; i < n && ok; i++)
		if (list[i]->demoted)
			ok = statefile_add(&sf, list[i]->cfg->name) == 0;
	if (ok)
		text = statefile_format(&sf);
	if (!text) {
		snprintf(err, sizeof(err), "state file %s", st->path);
		log_oom(err, "not written");
	} else if (st->saved && strcmp(text, st->saved) == 0) {
		free(text); /* the file already says so */
	} else if (statefile_write(st->path, &sf, err, sizeof(err)) < 0) {
		log_warnx("state file %s; demoted instances will not stay demoted across a restart",
		          err);
		free(text);
	} else {
		free(st->saved);
		st->saved = text;
	}
	statefile_clear(&sf);
}
