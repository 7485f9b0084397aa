/* config_addr: the options of an address in virtual_addresses and excluded_addresses, written
 * as keepalived writes them ("ADDR/PLEN dev IF label L scope S brd B noprefixroute"), and the
 * excluded_addresses key itself. Read, validated, printed and compared for config.c. */
#ifndef VIPD_CONFIG_ADDR_H
#define VIPD_CONFIG_ADDR_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <libconfig.h>

#include "vipd/addr.h"
#include "vipd/config_index.h"

struct vipd_config;
struct vipd_instance_config;
struct cv_scope;

/* Longest text config_addr_format writes, including the NUL. */
#define CONFIG_ADDR_STRLEN (ADDR_STRLEN + 2 * IF_NAMESIZE + INET_ADDRSTRLEN + 64)

/* Most entries in one instance's excluded_addresses (counted apart from the 255 VIPs). */
#define VIPD_EXCLUDED_MAX 255

/* What an address carries besides ADDR/PLEN. All zero (scope -1 aside) is a plain address. */
struct vipd_addr_opts {
	char dev[IF_NAMESIZE];   /* "" = the instance's interface (its VMAC with vmac) */
	char label[IF_NAMESIZE]; /* IFA_LABEL (IPv4 only); "" = none */
	int scope;               /* RT_SCOPE_* 0..255; -1 = universe, the default */
	bool has_brd;            /* IFA_BROADCAST (IPv4 only) */
	struct in_addr brd;
	bool noprefixroute; /* IFA_F_NOPREFIXROUTE: no prefix route from the kernel */
	bool no_track;      /* dev down or missing is no FAULT (keepalived's no_track) */
};

/* The options of no option: scope -1, the rest zero. */
#define CONFIG_ADDR_OPTS_NONE ((struct vipd_addr_opts){.scope = -1})

/* Parse "ADDR[/PLEN]" followed by any of "dev IF", "label L", "scope S", "brd B|+",
 * "noprefixroute", "no_track" in any order. 0; -1 for a bad address, -2 for a bad option, with a
 * message in err ("is not an address ...", "unknown option ..."); *a and *o are then undefined. */
int config_addr_parse(const char *text, struct vip_addr *a, struct vipd_addr_opts *o, char *err,
                      size_t errlen);

/* Read entry i of list key (setting e): a string, an address with options, a unicast host
 * address. false after reporting "PFX.KEY[i]: ..." at e's line. */
bool config_addr_read(const struct cv_scope *sc, const char *key, const config_setting_t *e, int i,
                      struct vip_addr *a, struct vipd_addr_opts *o);

/* Write a and its options as config_addr_parse reads them; returns buf. */
const char *config_addr_format(const struct vip_addr *a, const struct vipd_addr_opts *o, char *buf,
                               size_t len);

/* True when both carry the same options. */
bool config_addr_opts_equal(const struct vipd_addr_opts *a, const struct vipd_addr_opts *b);

/* True when a is an excluded address of in, or of an instance before instances[idx] (k < idx,
 * looked up in x, the load's index); *line gets that instance's line. */
bool config_addr_excluded_taken(const struct vipd_config *cfg, size_t idx,
                                const struct config_index *x, const struct vipd_instance_config *in,
                                const struct vip_addr *a, int *line);

/* Read excluded_addresses of instances[idx] (after its virtual_addresses; x: the load's index). */
void config_addr_load_excluded(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                               const struct config_index *x, struct vipd_instance_config *in);

/* Write "    excluded_addresses = [ ... ];" when the instance has some. */
void config_addr_print_excluded(const struct vipd_instance_config *in, FILE *out);

/* True when both have the same excluded addresses and the same options on every address, in
 * the same order. */
bool config_addr_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b);

/* Free the option and excluded lists. */
void config_addr_free(struct vipd_instance_config *in);

#endif
