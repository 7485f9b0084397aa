/* nft_rules: the nftables table behind Accept_Mode false (RFC 9568 6.4.3): a master that is not
 * the address owner must not accept packets addressed to its virtual addresses, yet must answer
 * ARP (the inet family never sees ARP) and IPv6 Neighbor Solicitations for them. Pure: the text
 * goes to the kernel through nft.c, and the unit tests compare it byte for byte. */
#include "build_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/nft_rules.h"

/* Creating the table first makes the delete succeed when there is none (a first start, or the
 * table of a killed run): the two and the new table go to the kernel as one transaction, so
 * no packet sees the table half built. */
static const char head[] = "table " NFT_RULES_TABLE "\n"
                           "delete table " NFT_RULES_TABLE "\n";

/* Appends the named set of the addresses of family af; returns how many it holds. */
static size_t put_set(char *buf, size_t len, size_t *used, const struct vip_addr *vips, size_t n,
                      int af)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		char a[ADDR_STRLEN];

		if (vips[i].af != af)
			continue;
		if (!count)
			*used += (size_t)snprintf(buf + *used, len - *used,
			                          "\tset %s {\n\t\ttype %s\n\t\telements = { ",
			                          af == AF_INET ? "vip4" : "vip6",
			                          af == AF_INET ? "ipv4_addr" : "ipv6_addr");
		*used += (size_t)snprintf(buf + *used, len - *used, "%s%s", count ? ", " : "",
		                          addr_format(&vips[i], false, a, sizeof(a)));
		count++;
	}
	if (count)
		*used += (size_t)snprintf(buf + *used, len - *used, " }\n\t}\n");
	return count;
}

char *nft_rules_build(const struct vip_addr *vips, size_t n)
{
	size_t len = sizeof(head) + 512 + n * (ADDR_STRLEN + 2), used = 0;
	size_t n4, n6;
	char *buf = malloc(len);

	if (!buf)
		return NULL;
	used += (size_t)snprintf(buf, len, "%s", head);
	if (!n)
		return buf;
	used += (size_t)snprintf(buf + used, len - used, "table " NFT_RULES_TABLE " {\n");
	n4 = put_set(buf, len, &used, vips, n, AF_INET);
	n6 = put_set(buf, len, &used, vips, n, AF_INET6);
	/* Priority filter: a drop in any base chain is final, whatever other tables accept. */
	used += (size_t)snprintf(buf + used, len - used,
	                         "\tchain input {\n"
	                         "\t\ttype filter hook input priority filter; policy accept;\n");
	if (n4)
		used += (size_t)snprintf(buf + used, len - used, "\t\tip daddr @vip4 drop\n");
	/* Unicast Neighbor Solicitations (NUD) and Advertisements are addressed to the VIP. */
	if (n6)
		used += (size_t)snprintf(buf + used, len - used,
		                         "\t\tip6 daddr @vip6 icmpv6 type { nd-neighbor-solicit, "
		                         "nd-neighbor-advert } accept\n"
		                         "\t\tip6 daddr @vip6 drop\n");
	snprintf(buf + used, len - used, "\t}\n}\n");
	return buf;
}
