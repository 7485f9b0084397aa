/* config_probe: what a config file holds, read without loading it (no check of the values), for
 * the systemd unit's ExecCondition (vipd --has-instances). */
#ifndef VIPD_CONFIG_PROBE_H
#define VIPD_CONFIG_PROBE_H

/* 1 when the file at path parses and has a non-empty `instances` list, 0 when it parses without
 * one (missing or empty), -1 when it cannot be read or parsed. */
int config_probe_instances(const char *path);

#endif
