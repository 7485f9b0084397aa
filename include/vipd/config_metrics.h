/* config_metrics: the top-level `metrics_listen` key (the address of the HTTP /metrics
 * responder). Internal to the config module, bar config_metrics_listen_parse/format (pure, also
 * used by the daemon and the tests). */
#ifndef VIPD_CONFIG_METRICS_H
#define VIPD_CONFIG_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

/* Longest "[V6]:PORT" text, with its NUL. */
#define LISTEN_STRLEN (INET6_ADDRSTRLEN + 9)

/* Parse "A.B.C.D:PORT" or "[X::Y]:PORT" (PORT 1..65535) into *out. 0, or -1 with a reason in
 * why (*out untouched). */
int config_metrics_listen_parse(const char *s, struct vipd_listen *out, char *why, size_t whylen);

/* Format l as config_metrics_listen_parse reads it; returns buf. */
const char *config_metrics_listen_format(const struct vipd_listen *l, char *buf, size_t len);

/* True when both name the same address and port (both unset counts as equal). */
bool config_metrics_listen_equal(const struct vipd_listen *a, const struct vipd_listen *b);

/* Read `metrics_listen` (a string as above, or an integer port: 127.0.0.1:PORT) into
 * cfg->metrics_listen; sc is the top-level scope. */
void config_metrics_load(const struct cv_scope *sc, struct vipd_config *cfg);

/* Print metrics_listen (nothing when unset). */
void config_metrics_print(const struct vipd_config *cfg, FILE *out);

#endif
