/* instance_reconfig: a reload applied to a running instance in place (hitless): its state,
 * timers and addresses carry on; only what changed is touched. */
#ifndef VIPD_INSTANCE_RECONFIG_H
#define VIPD_INSTANCE_RECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "vipd/config.h"
#include "vipd/instance.h"

/* True when running in with cfg needs a stop and a new start: another interface, VRID, family
 * or vmac setting (or a demoted instance made the owner). Else instance_reconfig_apply applies it.
 */
bool instance_reconfig_restarts(const struct instance *in, const struct vipd_instance_config *cfg);

/* Write the names of the settings that differ between a and b ("priority, virtual_addresses")
 * into buf; "" when they run the same. */
const char *instance_reconfig_diff(const struct vipd_instance_config *a,
                                   const struct vipd_instance_config *b, char *buf, size_t len);

/* Run in with cfg from now on, in its current state (cfg outlives in; restarts(in, cfg) is false):
 * a Master advertises at once and changes only the VIPs and routes that differ. */
void instance_reconfig_apply(struct instance *in, const struct vipd_instance_config *cfg,
                             monotime now);

#endif
