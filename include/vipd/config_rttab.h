/* config_rttab: the routing table names vipd.conf may use in virtual_routes and virtual_rules
 * (`table NAME`), read at each config_load (so a reload reads them again) from iproute2's files
 * as ip(8) does on Debian: /etc/iproute2/rt_tables (else /usr/share/iproute2/rt_tables), then the
 * *.conf files of rt_tables.d in both folders, in name order, /etc's copy of a name first. */
#ifndef VIPD_CONFIG_RTTAB_H
#define VIPD_CONFIG_RTTAB_H

#include "vipd/config.h"
#include "vipd/config_value.h"

/* Read the names into cfg->rt_tables; a missing or unreadable file is skipped (as ip(8) does),
 * out of memory is a `FILE: out of memory` error of ld. */
void config_rttab_load(struct cv_loader *ld, struct vipd_config *cfg);

/* Tests: read the files from etc and usr instead (NULL: the defaults back); the strings are
 * kept, not copied. */
void config_rttab_set_dirs(const char *etc, const char *usr);

#endif
