/* addr: IPv4/IPv6 addresses with an optional prefix length. Pure. */
#ifndef VIPD_ADDR_H
#define VIPD_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Raw address bytes of either family (which one is known from the context). */
union vip_in {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t bytes[16];
};

/* An address with its family and prefix length (plen is 32/128 when none was given). */
struct vip_addr {
	int af;
	uint8_t plen;
	union vip_in in;
};

/* Longest string addr_format writes, including "/128" and the NUL. */
#define ADDR_STRLEN (INET6_ADDRSTRLEN + 5)

/* Bytes of an address of family af (4 or 16; 0 for an unknown family). */
size_t addr_size(int af);

/* Parse "A.B.C.D[/N]" or "X::Y[/N]" into *a; with allow_prefix false a "/N" is an error.
 * Returns 0, or -1 with *a untouched. */
int addr_parse(const char *s, bool allow_prefix, struct vip_addr *a);

/* Format an address as text, with "/plen" when with_prefix; returns buf. */
const char *addr_format(const struct vip_addr *a, bool with_prefix, char *buf, size_t len);

/* Format raw bytes of family af; returns buf. */
const char *addr_format_in(int af, const union vip_in *in, char *buf, size_t len);

/* Compare the raw bytes of two addresses of family af as unsigned big-endian numbers (<0, 0, >0).
 */
int addr_cmp_in(int af, const union vip_in *a, const union vip_in *b);

/* True when both have the same family and address bytes (the prefix length is ignored). */
bool addr_equal(const struct vip_addr *a, const struct vip_addr *b);

/* True for an address a host can hold as unicast: not unspecified, loopback, the IPv4 limited
 * broadcast or multicast. */
bool addr_is_unicast_host(const struct vip_addr *a);

/* True for an IPv6 link-local address (fe80::/10). */
bool addr_is_linklocal6(const struct in6_addr *a);

#endif
