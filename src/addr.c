/* addr: IPv4/IPv6 address parsing, formatting and comparison. Pure. */
#include "build_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/addr.h"

size_t addr_size(int af)
{
	switch (af) {
	case AF_INET:
		return sizeof(struct in_addr);
	case AF_INET6:
		return sizeof(struct in6_addr);
	default:
		return 0;
	}
}

int addr_parse(const char *s, bool allow_prefix, struct vip_addr *a)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	struct vip_addr out = {0};

	if (hlen == 0 || hlen >= sizeof(host) || (slash && !allow_prefix))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';

	if (inet_pton(AF_INET, host, &out.in.v4) == 1)
		out.af = AF_INET;
	else if (inet_pton(AF_INET6, host, &out.in.v6) == 1)
		out.af = AF_INET6;
	else
		return -1;

	unsigned max = out.af == AF_INET ? 32 : 128;
	out.plen = (uint8_t)max;
	if (slash) {
		const char *p = slash + 1;
		char *end;
		unsigned long v;

		/* strtoul accepts signs and spaces; a prefix length is digits only. */
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || *end != '\0' || v > max)
			return -1;
		out.plen = (uint8_t)v;
	}
	*a = out;
	return 0;
}

/* v (0..999) in decimal at p, without leading zeros; returns the end. */
static char *dec3(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

const char *addr_format_in(int af, const union vip_in *in, char *buf, size_t len)
{
	/* IPv4 by hand: glibc's inet_ntop formats it with sprintf, which was most of the cost
	 * of an address in the status of 1000 instances (callgrind); the text is the same */
	if (af == AF_INET && len >= INET_ADDRSTRLEN) {
		char *p = buf;

		for (int i = 0; i < 4; i++) {
			if (i)
				*p++ = '.';
			p = dec3(p, in->bytes[i]);
		}
		*p = '\0';
		return buf;
	}
	if (!inet_ntop(af, in, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *addr_format(const struct vip_addr *a, bool with_prefix, char *buf, size_t len)
{
	addr_format_in(a->af, &a->in, buf, len);
	if (with_prefix) {
		size_t used = strlen(buf), n;
		char pb[5] = "/"; /* "/128" and the NUL */

		/* as snprintf(buf + used, len - used, "/%u", plen), without its cost */
		n = (size_t)(dec3(pb + 1, a->plen) - pb);
		if (used < len) {
			if (n > len - used - 1)
				n = len - used - 1;
			memcpy(buf + used, pb, n);
			buf[used + n] = '\0';
		}
	}
	return buf;
}

int addr_cmp_in(int af, const union vip_in *a, const union vip_in *b)
{
	return memcmp(a->bytes, b->bytes, addr_size(af));
}

bool addr_equal(const struct vip_addr *a, const struct vip_addr *b)
{
	return a->af == b->af && addr_cmp_in(a->af, &a->in, &b->in) == 0;
}

bool addr_is_unicast_host(const struct vip_addr *a)
{
	const uint8_t *b = a->in.bytes;

	if (a->af == AF_INET) {
		uint32_t v = ntohl(a->in.v4.s_addr);

		return v != 0 && v != UINT32_MAX && b[0] != 127 && (b[0] & 0xf0) != 0xe0;
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&a->in.v6) && !IN6_IS_ADDR_LOOPBACK(&a->in.v6) &&
	       b[0] != 0xff;
}

bool addr_is_linklocal6(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}
