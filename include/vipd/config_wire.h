/* config_wire: the keys of an instance that shape what goes on the wire beyond the basic
 * advert: auth_pass (VRRPv2 simple password) and auth_type ("ah": keepalived's IPsec AH),
 * unicast_source, unicast_peers,
 * unicast_ttl_check, and for multicast mcast_group and mcast_source. Read, validated, printed and
 * compared for config.c, which is its only user. */
#ifndef VIPD_CONFIG_WIRE_H
#define VIPD_CONFIG_WIRE_H

#include <stdbool.h>
#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

/* Read the wire keys of an instance whose version and virtual_addresses are loaded
 * (version_ok false: the version was wrong and was reported). Sets the defaults first. */
void config_wire_load(const struct cv_scope *sc, bool version_ok, struct vipd_instance_config *in);

/* Write the wire keys that are set, one "    key = value;" line each, as config_load reads them. */
void config_wire_print(const struct vipd_instance_config *in, FILE *out);

/* True when a and b have the same wire keys. */
bool config_wire_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b);

/* Free what config_wire_load allocated (the peer list). */
void config_wire_free(struct vipd_instance_config *in);

#endif
