/* track_check: the checks' commands and script_user verified against this system, for
 * vipd --check. */
#ifndef VIPD_TRACK_CHECK_H
#define VIPD_TRACK_CHECK_H

#include "vipd/config.h"

/* For vipd --check: append "FILE:LINE: check \"NAME\": ..." to errs for each exec command or
 * recover command that does not exist, or (when we run as root) is unsafe, and an error for a
 * script_user that does not exist. Returns the count. */
int track_check_config(const struct vipd_config *cfg, struct config_errors *errs);

#endif
