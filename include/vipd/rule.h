/* rule: the virtual_rules entries of an instance (policy routing, as keepalived's
 * virtual_rules), "[not] [from P] [to P] [iif IF] [oif IF] [fwmark M[/MASK]] table N
 * priority N", parsed and printed back. Pure (no kernel calls); fuzzed.
 *
 * The rules, the same for config_load and for what nl.c sends:
 * - Keywords in any order, each at most once; "not" (FIB_RULE_INVERT) first if at all.
 * - from/to: ADDR/PLEN, a bare ADDR (/32, /128) or "all" (no selector, not printed); host bits
 *   zero. Both of one family; with neither, the family is the one the caller passes (write
 *   "from ::/0" or "from 0.0.0.0/0" for the other one).
 * - iif/oif: interface names (1..15 bytes, not "." or "..", no '/', ':' or blank).
 * - fwmark: 0..4294967295 in decimal or 0x hex, with an optional /MASK (default 0xffffffff,
 *   not printed).
 * - table: required; 1..4294967295 but 253, 255 (the kernel's default and local), or "main".
 * - priority: required (also "pref" or "preference"); 1..4294967295. The kernel numbers a
 *   rule added without one itself, and then cannot tell a rule added twice (NLM_F_EXCL
 *   compares the priority): a retry would stack copies. */
#ifndef VIPD_RULE_H
#define VIPD_RULE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/addr.h"
#include "vipd/rttab.h"

/* Longest rule_parse input, and the room rule_format needs (with the NUL). */
#define RULE_TEXT_MAX 256
#define RULE_STRLEN                                                                                \
	(sizeof("not from  to ") + 2 * ADDR_STRLEN + 2 * sizeof(" iif ") + 2 * IF_NAMESIZE +       \
	 sizeof(" fwmark 0xffffffff/0xffffffff table 4294967295 priority 4294967295"))

/* One policy routing rule. */
struct vipd_rule {
	int af;                /* AF_INET or AF_INET6 */
	bool invert;           /* "not" */
	bool has_from, has_to; /* else any source / destination */
	struct vip_addr from;  /* source prefix (host bits zero) */
	struct vip_addr to;    /* destination prefix (host bits zero) */
	char iif[IF_NAMESIZE]; /* "" = any input interface */
	char oif[IF_NAMESIZE]; /* "" = any output interface */
	bool has_fwmark;
	uint32_t fwmark, fwmask; /* fwmask 0xffffffff unless given */
	uint32_t table;          /* the table looked up */
	uint32_t priority;       /* 1..4294967295 */
};

/* Parse s into *r. af (AF_INET, AF_INET6 or 0) is the family of a rule without from or to.
 * Returns 0, or -1 with *r untouched and a reason (without the input) in why. */
int rule_parse(const char *s, int af, struct vipd_rule *r, char *why, size_t whylen);

/* rule_parse, with table also taking a name of names (iproute2's rt_tables; NULL: none). */
int rule_parse_names(const char *s, int af, const struct rttab *names, struct vipd_rule *r,
                     char *why, size_t whylen);

/* Write r as text rule_parse reads back to an equal rule (RULE_STRLEN bytes suffice). Returns
 * buf. */
const char *rule_format(const struct vipd_rule *r, char *buf, size_t len);

/* True when a and b are the same rule in every field (the kernel's "already there"). */
bool rule_equal(const struct vipd_rule *a, const struct vipd_rule *b);

#endif
