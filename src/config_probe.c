/* config_probe: whether a config file has instances, for `vipd --has-instances` (the systemd
 * unit's ExecCondition). Debian's package installs the example with every instance commented out:
 * the unit is enabled, and skipped (not failed) until the operator writes an instance. Only the
 * shape is read; config_load() checks the values when vipd starts. */
#include "build_config.h"

#include <libconfig.h>

#include "vipd/config_probe.h"

int config_probe_instances(const char *path)
{
	const config_setting_t *s;
	config_t lc;
	int rc;

	config_init(&lc);
	if (!config_read_file(&lc, path)) {
		config_destroy(&lc);
		return -1;
	}
	s = config_setting_get_member(config_root_setting(&lc), "instances");
	/* a wrong type is a config error: -1, so that vipd starts and reports it */
	if (!s)
		rc = 0;
	else if (config_setting_type(s) != CONFIG_TYPE_LIST)
		rc = -1;
	else
		rc = config_setting_length(s) > 0;
	config_destroy(&lc);
	return rc;
}
