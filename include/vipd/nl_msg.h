/* nl_msg: the rtnetlink request of each change of an nl_apply batch (RTM_NEW/DELADDR,
 * RTM_NEW/DELROUTE, RTM_NEW/DELRULE with NLM_F_ACK), built with libmnl; nl.c sends them. */
#ifndef VIPD_NL_MSG_H
#define VIPD_NL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/nl.h"

/* Room for nl_msg_format's text (with the NUL). */
#define NL_MSG_STRLEN (sizeof("route ") + (ROUTE_STRLEN > RULE_STRLEN ? ROUTE_STRLEN : RULE_STRLEN))

/* Write the request for c at buf (nl_msg_max() bytes suffice) with sequence number seq;
 * returns its length. */
size_t nl_msg_build(void *buf, const struct nl_change *c, uint32_t seq);

/* The longest request nl_msg_build writes (an IPv6 rule with both interfaces). */
size_t nl_msg_max(void);

/* True when c is well formed (a known op, a family, prefix lengths in range, an interface
 * where one is needed, a table): nl_apply refuses the batch otherwise. */
bool nl_msg_valid(const struct nl_change *c);

/* What c adds or deletes as text: "route " and the route, "rule " and the rule, or the
 * address with its prefix length; without the "route "/"rule " word when !kind. Returns buf. */
const char *nl_msg_format(const struct nl_change *c, bool kind, char *buf, size_t len);

/* True when c changes a route or a rule (not an address). */
bool nl_msg_is_route(const struct nl_change *c);

#endif
