/* nft_rules: the text of vipd's nftables table (Accept_Mode false), built without the kernel. */
#ifndef VIPD_NFT_RULES_H
#define VIPD_NFT_RULES_H

#include <stddef.h>

#include "vipd/addr.h"

/* The family and name of the one table vipd owns; nothing else is ever touched. */
#define NFT_RULES_TABLE "inet vipd"

/* The nft commands that replace table inet vipd in one transaction by one dropping input to the
 * n addresses of vips (none: the table is deleted). Returns a malloc'd string, NULL on ENOMEM. */
char *nft_rules_build(const struct vip_addr *vips, size_t n);

#endif
