/* config_route: the virtual_routes key of an instance, each entry read with route_parse (see
 * route.h for the grammar). Read, validated, printed and compared for config.c, its only user. */
#ifndef VIPD_CONFIG_ROUTE_H
#define VIPD_CONFIG_ROUTE_H

#include <stdbool.h>
#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

/* Most entries in one instance's virtual_routes. */
#define VIPD_ROUTES_MAX 255

/* Read virtual_routes of instances[idx] (scope sc), whose virtual_addresses are loaded (in->af);
 * the instances before it are complete, for the duplicate check across instances. */
void config_route_load(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                       struct vipd_instance_config *in);

/* Write "    virtual_routes = [ ... ];" when the instance has routes, as config_load reads it. */
void config_route_print(const struct vipd_instance_config *in, FILE *out);

/* True when a and b have the same routes in the same order. */
bool config_route_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b);

/* Free the route list. */
void config_route_free(struct vipd_instance_config *in);

#endif
