/* nft: vipd's nftables table through libnftables (dlopened; no nft process), for Accept_Mode
 * false. */
#ifndef VIPD_NFT_H
#define VIPD_NFT_H

#include <stdbool.h>
#include <stddef.h>

struct nft;

/* Load libnftables and make a context; NULL with the reason in err (the library cannot be
 * loaded, or out of memory). Free with nft_close, which unloads the library. */
struct nft *nft_open(char *err, size_t errlen);

/* Run the nft commands in text (one transaction). 0, or -1 with libnftables' message in err. */
int nft_run(struct nft *n, const char *text, char *err, size_t errlen);

/* Whether the kernel's nf_tables is loaded or built in (true when it cannot be told): without it
 * there is no table to clean, and vipd does not load it unless an instance needs it. */
bool nft_kernel_ready(void);

/* Free n (NULL is fine); the table stays as it is. */
void nft_close(struct nft *n);

#endif
