/* config_announce: the keys that announce an instance's addresses to a routing daemon (FRR's
 * bgpd redistributing a kernel table): `announce_table` and `announce_backup_metric`, and the
 * routes they stand for. Internal to the config module but for config_announce_routes, which
 * the instance uses to build the same routes it installs. */
#ifndef VIPD_CONFIG_ANNOUNCE_H
#define VIPD_CONFIG_ANNOUNCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

/* The effective metric the kernel gives a route of family af whose metric is 0. */
#define CONFIG_ANNOUNCE_V6_METRIC 1024u

/* Read the two keys of an instance whose virtual_addresses and virtual_routes are loaded. */
void config_announce_load(const struct cv_scope *sc, struct vipd_instance_config *in);

/* Print them (none when announce_table is unset). */
void config_announce_print(const struct vipd_instance_config *in, FILE *out);

/* True when both announce the same way. */
bool config_announce_equal(const struct vipd_instance_config *a,
                           const struct vipd_instance_config *b);

/* How many routes config_announce_routes writes: a host route per VIP and a copy of each
 * virtual route when announce_table is set, else 0. */
size_t config_announce_count(const struct vipd_instance_config *in);

/* Write the announced routes of in at out[0..config_announce_count): a host route per VIP on
 * its dev, then each virtual route, all in announce_table with protocol 112; the master's keep
 * their own metric (0 for a host route), the standby ones (standby true) take
 * announce_backup_metric. Returns the count. Pure. */
size_t config_announce_routes(const struct vipd_instance_config *in, bool standby,
                              struct vipd_route *out);

#endif
