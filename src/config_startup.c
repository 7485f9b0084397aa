/* config_startup: the start-up keys (see config_startup.h), net_namespace included. An instance
 * inherits the top-level startup_delay, so --dump-config writes an instance's own value only where
 * it differs, and a file read back gives the same resolved values. */
#include "build_config.h"

#include <libconfig.h>
#include <string.h>

#include "vipd/config_startup.h"

/* A name ip-netns(8) makes: a file of /run/netns, so no '/' and not "." or "..". */
static bool netns_name_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* realtime_priority and lock_memory, with their lines for what --check finds on the system. */
static void load_realtime(const struct cv_scope *sc, struct vipd_config *cfg)
{
	long long prio;

	if (config_value_get_int(sc, "realtime_priority", 0, CONFIG_STARTUP_RT_MAX, &prio) ==
	    CV_OK) {
		cfg->realtime_priority = (int)prio;
		cfg->realtime_priority_line =
		    config_setting_source_line(config_value_member(sc, "realtime_priority"));
	}
	if (config_value_get_bool(sc, "lock_memory", &cfg->lock_memory) == CV_OK)
		cfg->lock_memory_line =
		    config_setting_source_line(config_value_member(sc, "lock_memory"));
}

void config_startup_load_top(const struct cv_scope *sc, struct vipd_config *cfg)
{
	const config_setting_t *s = config_value_member(sc, "net_namespace");

	if (config_value_get_text(sc, "net_namespace", cfg->net_namespace,
	                          sizeof(cfg->net_namespace)) == CV_OK) {
		cfg->net_namespace_line = config_setting_source_line(s);
		if (!netns_name_ok(cfg->net_namespace))
			config_value_key_error(sc, s, "net_namespace",
			                       "\"%s\": only letters, digits, '_', '.' and '-'",
			                       cfg->net_namespace);
	}
	config_value_get_seconds(sc, "startup_delay", 0, CONFIG_STARTUP_DELAY_MAX,
	                         &cfg->startup_delay);
	config_value_get_bool(sc, "startup_delay_from_boot", &cfg->startup_delay_from_boot);
	load_realtime(sc, cfg);
}

void config_startup_load_instance(const struct cv_scope *sc, const struct vipd_config *cfg,
                                  struct vipd_instance_config *in)
{
	in->startup_delay = cfg->startup_delay;
	config_value_get_seconds(sc, "startup_delay", 0, CONFIG_STARTUP_DELAY_MAX,
	                         &in->startup_delay);
}

void config_startup_print_top(const struct vipd_config *cfg, FILE *out)
{
	char buf[32];

	if (cfg->startup_delay)
		fprintf(out, "startup_delay = %s;\n",
		        config_value_fmt_seconds(cfg->startup_delay, buf, sizeof(buf)));
	if (cfg->startup_delay_from_boot)
		fprintf(out, "startup_delay_from_boot = true;\n");
	if (cfg->net_namespace[0]) {
		fprintf(out, "net_namespace = ");
		config_value_print_string(out, cfg->net_namespace);
		fprintf(out, ";\n");
	}
	if (cfg->realtime_priority)
		fprintf(out, "realtime_priority = %d;\n", cfg->realtime_priority);
	if (cfg->lock_memory)
		fprintf(out, "lock_memory = true;\n");
}

void config_startup_print_instance(const struct vipd_config *cfg,
                                   const struct vipd_instance_config *in, FILE *out)
{
	char buf[32];

	if (in->startup_delay != cfg->startup_delay)
		fprintf(out, "    startup_delay = %s;\n",
		        config_value_fmt_seconds(in->startup_delay, buf, sizeof(buf)));
}
