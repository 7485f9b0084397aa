/* config_vmac: the instance keys `vmac` (false, true for the default name vrrp.VRID / vrrp6.VRID,
 * or the VMAC's own name, as keepalived's `use_vmac [NAME]`) and `vmac_xmit_base`, and the rules
 * that keep VMAC names apart from each other and from the instances' interfaces. Internal to the
 * config module. */
#ifndef VIPD_CONFIG_VMAC_H
#define VIPD_CONFIG_VMAC_H

#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_index.h"
#include "vipd/config_value.h"

/* Read vmac and vmac_xmit_base into in. Call once in->af, in->vrid and in->interface are known;
 * earlier instances of cfg (0..idx-1) are complete and checked against (found through x). */
void config_vmac_load(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                      const struct config_index *x, struct vipd_instance_config *in);

/* Print vmac (true for the default name) and vmac_xmit_base. */
void config_vmac_print(const struct vipd_instance_config *in, FILE *out);

/* True when the two instances' VMAC settings are the same. */
bool config_vmac_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b);

#endif
