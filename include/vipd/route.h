/* route: the virtual_routes entries of an instance, "[TYPE] PREFIX [via GW] [dev IF] [src ADDR]
 * [scope S] [onlink] [metric N] [table N] [proto P]", parsed and printed back. Pure (no kernel
 * calls); fuzzed.
 *
 * The rules, the same for config_load and for what nl.c sends:
 * - PREFIX is ADDR/PLEN, a bare ADDR (a host route, /32 or /128) or "default" (0.0.0.0/0 or ::/0:
 *   the family is the gateway's, else the one the caller passes). Host bits must be zero: a
 *   typo such as 203.0.113.1/24 is an error that names the network meant, not silently fixed.
 * - The keywords follow the prefix in any order, each at most once. The gateway is a unicast
 *   address of the prefix's family. dev is an interface name (when absent, the instance's).
 * - metric: 0..4294967295; 0 (the default) leaves the kernel's default (0 for IPv4, 1024 for
 *   IPv6) and is not printed.
 * - table: 1..4294967295, "main" or a name of rt_tables (route_parse_names); default main (254, not printed). 253 (default) and 255
 *   (local) are the kernel's own tables and rejected; 0 means "unspecified" to the kernel.
 * - TYPE: blackhole, unreachable or prohibit before the prefix (as ip-route(8) writes it): a
 *   route without a next hop, so via, dev, src and onlink are refused with it.
 * - src: the preferred source (RTA_PREFSRC), a unicast address of the prefix's family; the
 *   kernel wants it local, which a VIP is once the batch added it.
 * - scope: global, site, link, host, nowhere or 0..255; default link for an IPv4 unicast route
 *   without a gateway, global otherwise (not printed).
 * - onlink: the gateway is on the link even outside its prefixes (RTNH_F_ONLINK); needs via.
 * - proto: kernel, boot, static, ra, dhcp, keepalived or 1..255; default vipd's 112 (not
 *   printed). Another value makes the route look foreign to `ip route show proto 112`.
 * - Multipath: after every other keyword, 1..ROUTE_NEXTHOPS_MAX groups "nexthop via GW [dev IF]
 *   [weight 1..256] [onlink]" (RTA_MULTIPATH); the route itself then takes no via, dev or
 *   onlink. A nexthop's dev defaults to the instance's interface, its weight to 1. */
#ifndef VIPD_ROUTE_H
#define VIPD_ROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/addr.h"
#include "vipd/rttab.h"

#define ROUTE_TABLE_MAIN 254u /* RT_TABLE_MAIN */

/* Longest route_parse input, and the room route_format needs (with the NUL). */
#define ROUTE_TEXT_MAX 256
#define ROUTE_STRLEN                                                                               \
	(sizeof("unreachable ") + ADDR_STRLEN + sizeof(" via ") + INET6_ADDRSTRLEN +               \
	 sizeof(" dev ") + IF_NAMESIZE + sizeof(" src ") + INET6_ADDRSTRLEN +                      \
	 sizeof(" scope nowhere onlink metric 4294967295 table 4294967295 proto keepalived") +     \
	 ROUTE_NEXTHOPS_MAX *                                                                      \
	     (sizeof(" nexthop via  dev  weight 256 onlink") + INET6_ADDRSTRLEN + IF_NAMESIZE))

/* Most nexthops of a multipath route. */
#define ROUTE_NEXTHOPS_MAX 4

/* One nexthop of a multipath route. */
struct route_nexthop {
	union vip_in gw;       /* the gateway, of the route's family */
	char dev[IF_NAMESIZE]; /* "" = the instance's interface */
	uint16_t weight;       /* 1..256 */
	bool onlink;           /* RTNH_F_ONLINK */
};

/* A route's type (rtm_type): unicast has a next hop, the others none. */
enum route_type { ROUTE_UNICAST, ROUTE_BLACKHOLE, ROUTE_UNREACHABLE, ROUTE_PROHIBIT };

/* One virtual route. dst.af is its family; dst's host bits are zero. */
struct vipd_route {
	struct vip_addr dst;   /* destination prefix */
	union vip_in gw;       /* next hop when has_gw */
	bool has_gw;           /* else a directly connected (scope link) route */
	char dev[IF_NAMESIZE]; /* output interface; "" = the instance's */
	uint32_t metric;       /* 0 = the kernel's default */
	uint32_t table;        /* routing table, ROUTE_TABLE_MAIN by default */
	enum route_type type;  /* ROUTE_UNICAST by default */
	union vip_in src;      /* preferred source when has_src */
	bool has_src;
	bool has_scope; /* else the default scope (see above) */
	uint8_t scope;  /* rtm_scope when has_scope */
	bool onlink;    /* RTNH_F_ONLINK: needs has_gw */
	uint8_t proto;  /* rtm_protocol; 0 = vipd's (112) */
	size_t nnh;     /* multipath: nh[0..nnh), and no has_gw, dev or onlink */
	struct route_nexthop nh[ROUTE_NEXTHOPS_MAX];
};

/* Parse s into *r. af (AF_INET, AF_INET6 or 0) is the family "default" takes without a
 * gateway. Returns 0, or -1 with *r untouched and a reason (without the input) in why. */
int route_parse(const char *s, int af, struct vipd_route *r, char *why, size_t whylen);

/* route_parse, with table also taking a name of names (iproute2's rt_tables; NULL: none). */
int route_parse_names(const char *s, int af, const struct rttab *names, struct vipd_route *r,
                      char *why, size_t whylen);

/* Write r as text route_parse reads back to an equal route (ROUTE_STRLEN bytes suffice); the
 * prefix is always numeric ("0.0.0.0/0", not "default"). Returns buf. */
const char *route_format(const struct vipd_route *r, char *buf, size_t len);

/* The rtm_scope the kernel is given for r: its scope, else the default of route.h. */
uint8_t route_scope(const struct vipd_route *r);

/* True when a and b are the same route in every field. */
bool route_equal(const struct vipd_route *a, const struct vipd_route *b);

/* True when the kernel would take a and b for one route (same family, prefix, table and
 * metric): two of them could not both be added. */
bool route_same_key(const struct vipd_route *a, const struct vipd_route *b);

#endif
