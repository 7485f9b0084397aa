/* config_startup: the start-up keys (see config_startup.h). An instance inherits the top-level
 * startup_delay, so --dump-config writes an instance's own value only where it differs, and a
 * file read back gives the same resolved values. */
#include "build_config.h"

#include <libconfig.h>

#include "vipd/config_startup.h"

void config_startup_load_top(const struct cv_scope *sc, struct vipd_config *cfg)
{
	config_value_get_seconds(sc, "startup_delay", 0, CONFIG_STARTUP_DELAY_MAX,
	                         &cfg->startup_delay);
	config_value_get_bool(sc, "startup_delay_from_boot", &cfg->startup_delay_from_boot);
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
}

void config_startup_print_instance(const struct vipd_config *cfg,
                                   const struct vipd_instance_config *in, FILE *out)
{
	char buf[32];

	if (in->startup_delay != cfg->startup_delay)
		fprintf(out, "    startup_delay = %s;\n",
		        config_value_fmt_seconds(in->startup_delay, buf, sizeof(buf)));
}
