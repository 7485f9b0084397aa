/* nft: vipd's nftables table through libnftables (no nft process), for Accept_Mode false. */
#ifndef VIPD_NFT_H
#define VIPD_NFT_H

#include <stddef.h>

struct nft;

/* A libnftables context; NULL on ENOMEM. Free with nft_close. */
struct nft *nft_open(void);

/* Run the nft commands in text (one transaction). 0, or -1 with libnftables' message in err. */
int nft_run(struct nft *n, const char *text, char *err, size_t errlen);

/* Free n (NULL is fine); the table stays as it is. */
void nft_close(struct nft *n);

#endif
