/* notify_cause: the cause of a state change as notify hands it on: the VIPD_CAUSE* variables
 * of its scripts and the end of a FIFO line (notify_fifo_cause). */
#include "build_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/notify.h"

static int env_add(char *env[], size_t max, size_t *n, const char *name, const char *value)
{
	if (*n >= max || !value[0])
		return 0;
	if (asprintf(&env[*n], "%s=%s", name, value) < 0) {
		env[*n] = NULL;
		return -1;
	}
	(*n)++;
	return 0;
}

static int env_num(char *env[], size_t max, size_t *n, const char *name, long long v)
{
	char buf[24];

	if (v < 0)
		return 0;
	snprintf(buf, sizeof(buf), "%lld", v);
	return env_add(env, max, n, name, buf);
}

int notify_cause_env(char *env[], size_t max, const struct events_cause *c)
{
	size_t n = 0;

	if (env_add(env, max, &n, "VIPD_CAUSE", events_kind_name(c->kind)) < 0 ||
	    env_add(env, max, &n, "VIPD_CAUSE_FROM", c->from) < 0 ||
	    env_num(env, max, &n, "VIPD_CAUSE_PRIORITY", c->priority) < 0 ||
	    env_num(env, max, &n, "VIPD_CAUSE_INTERVAL_MS", c->interval_ms) < 0 ||
	    env_num(env, max, &n, "VIPD_CAUSE_VERSION", c->version ? c->version : -1) < 0 ||
	    env_num(env, max, &n, "VIPD_CAUSE_SILENCE_MS", c->silence_ms) < 0 ||
	    env_num(env, max, &n, "VIPD_CAUSE_UID", c->uid) < 0 ||
	    env_add(env, max, &n, "VIPD_CAUSE_NAME", c->name) < 0 ||
	    env_add(env, max, &n, "VIPD_CAUSE_DETAIL", c->detail) < 0) {
		for (size_t i = 0; i < n; i++)
			free(env[i]);
		return -1;
	}
	return (int)n;
}

void notify_cause_fifo(char *line, size_t len, const struct events_cause *c)
{
	size_t used = strlen(line);

	if (used == 0 || line[used - 1] != '\n')
		return;
	used--;
	used += (size_t)snprintf(line + used, len - used, " cause=%s", events_kind_name(c->kind));
	if (c->name[0] && used < len)
		used += (size_t)snprintf(line + used, len - used, " name=%s", c->name);
	if (c->from[0] && used < len)
		used += (size_t)snprintf(line + used, len - used, " from=%s", c->from);
	if (used < len - 1)
		snprintf(line + used, len - used, "\n");
	else
		snprintf(line + len - 2, 2, "\n");
}
