/* config_garp: the top-level `garp_groups`, announcement pacing per interface shared by every
 * instance announcing there (keepalived's garp_group), for switches that rate-limit ARP/ND. */
#ifndef VIPD_CONFIG_GARP_H
#define VIPD_CONFIG_GARP_H

#include <stdbool.h>
#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

/* Longest garp_interval / gna_interval of a group, in seconds (as an instance's garp_interval). */
#define CONFIG_GARP_INTERVAL_MAX 10

/* Read garp_groups into cfg; sc is the top-level scope. */
void config_garp_load(const struct cv_scope *sc, struct vipd_config *cfg);

/* Print garp_groups (nothing when there is none). */
void config_garp_print(const struct vipd_config *cfg, FILE *out);

/* True when a and b pace the same interfaces the same way. */
bool config_garp_equal(const struct vipd_config *a, const struct vipd_config *b);

/* The shortest time between two announcements of family af on interface ifname (garp_interval
 * for AF_INET, gna_interval for AF_INET6); 0 when no group names it. */
monotime config_garp_interval(const struct vipd_config *cfg, const char *ifname, int af);

/* Free what config_garp_load allocated. */
void config_garp_free(struct vipd_config *cfg);

#endif
