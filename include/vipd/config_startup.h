/* config_startup: the start-up keys, top-level `startup_delay`, `startup_delay_from_boot`,
 * `net_namespace`, `realtime_priority` and `lock_memory`, and the instance's `startup_delay` (which
 * defaults to the top-level one). Internal to the config module. */
#ifndef VIPD_CONFIG_STARTUP_H
#define VIPD_CONFIG_STARTUP_H

#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

/* Longest startup_delay accepted, in seconds (keepalived's vrrp_startup_delay has no limit;
 * an hour is far beyond any boot). */
#define CONFIG_STARTUP_DELAY_MAX 3600

/* Highest realtime_priority: sched_get_priority_max(SCHED_RR) on Linux. */
#define CONFIG_STARTUP_RT_MAX 99

/* Read the top-level keys into cfg; sc is the top-level scope. Call before the instances. */
void config_startup_load_top(const struct cv_scope *sc, struct vipd_config *cfg);

/* Read the instance's startup_delay into in (the top-level value when absent). */
void config_startup_load_instance(const struct cv_scope *sc, const struct vipd_config *cfg,
                                  struct vipd_instance_config *in);

/* Print the top-level keys (those at their defaults left out). */
void config_startup_print_top(const struct vipd_config *cfg, FILE *out);

/* Print the instance's startup_delay when it differs from the top-level one. */
void config_startup_print_instance(const struct vipd_config *cfg,
                                   const struct vipd_instance_config *in, FILE *out);

#endif
