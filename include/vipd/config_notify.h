/* config_notify: the notification and sync group keys of the config (vipd.conf(5)):
 * instance `notify`, top-level `notify_fifo` and `sync_groups`. Internal to the config module:
 * config.c calls these while loading, printing, comparing and freeing. */
#ifndef VIPD_CONFIG_NOTIFY_H
#define VIPD_CONFIG_NOTIFY_H

#include <stdbool.h>
#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

/* Read the instance's `notify`, `notify_master`, `notify_backup`, `notify_fault`,
 * `notify_stop`, `notify_master_rx_lower_pri` (absolute paths with arguments) and
 * `notify_args` ("vipd" or "keepalived"). */
void config_notify_load_instance(const struct cv_scope *sc, struct vipd_instance_config *in);

/* Read the top-level `notify_fifo` (an absolute path) and `notify_fifo_format`; sc is the
 * top-level scope. */
void config_notify_load_fifo(const struct cv_scope *sc, struct vipd_config *cfg);

/* Read `sync_groups` after the instances: unique valid names, at least 2 existing instances,
 * each instance in at most one group. */
void config_notify_load_groups(const struct cv_scope *sc, struct vipd_config *cfg);

/* Print the instance's notify lines (nothing when unset, notify_args only when keepalived). */
void config_notify_print_instance(const struct vipd_instance_config *in, FILE *out);

/* Print notify_fifo and notify_fifo_format (before the instances; nothing when unset or the
 * default). */
void config_notify_print_top(const struct vipd_config *cfg, FILE *out);

/* Print sync_groups (after the instances; nothing when there are none). */
void config_notify_print_groups(const struct vipd_config *cfg, FILE *out);

/* True when the instances' notify settings are equal. */
bool config_notify_equal(const struct vipd_instance_config *a,
                         const struct vipd_instance_config *b);

/* Free the scripts of in (the config owns them; in itself stays). */
void config_notify_free_instance(struct vipd_instance_config *in);

/* Free the sync groups of cfg. */
void config_notify_free(struct vipd_config *cfg);

/* The index of the sync group holding instance idx, or -1. */
int config_notify_sync_group_of(const struct vipd_config *cfg, size_t idx);

#endif
