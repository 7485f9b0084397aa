/* config_rule: the virtual_rules key of an instance, each entry read with rule_parse (see
 * rule.h for the grammar). Read, printed, compared and freed for config.c, its only user. */
#ifndef VIPD_CONFIG_RULE_H
#define VIPD_CONFIG_RULE_H

#include <stdbool.h>
#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

/* Most entries in one instance's virtual_rules. */
#define VIPD_RULES_MAX 255

/* Read virtual_rules of instances[idx] (scope sc), whose virtual_addresses are loaded (in->af);
 * the instances before it are complete, for the duplicate check across instances. */
void config_rule_load(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                      struct vipd_instance_config *in);

/* Write "    virtual_rules = [ ... ];" when the instance has rules, as config_load reads it. */
void config_rule_print(const struct vipd_instance_config *in, FILE *out);

/* True when a and b have the same rules in the same order. */
bool config_rule_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b);

/* Free the rule list. */
void config_rule_free(struct vipd_instance_config *in);

#endif
