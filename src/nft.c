/* nft: the thin wrapper over libnftables that installs vipd's own table (nft_rules.c builds its
 * text). Returns -1 and a reason; never logs. */
#include "build_config.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/nft.h"

struct nft {
	struct nft_ctx *ctx;
};

struct nft *nft_open(void)
{
	struct nft *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	/* Errors are read back as text, not written to stderr. */
	if (!n->ctx || nft_ctx_buffer_error(n->ctx) < 0 || nft_ctx_buffer_output(n->ctx) < 0) {
		nft_close(n);
		errno = ENOMEM;
		return NULL;
	}
	return n;
}

int nft_run(struct nft *n, const char *text, char *err, size_t errlen)
{
	const char *msg;
	size_t len;

	if (nft_run_cmd_from_buffer(n->ctx, text) == 0)
		return 0;
	msg = nft_ctx_get_error_buffer(n->ctx);
	if (!msg || !*msg)
		msg = "nftables refused the table";
	/* libnftables repeats the input line and a marker: the first line says why. */
	len = strcspn(msg, "\n");
	snprintf(err, errlen, "%.*s", (int)len, msg);
	return -1;
}

void nft_close(struct nft *n)
{
	if (!n)
		return;
	if (n->ctx)
		nft_ctx_free(n->ctx);
	free(n);
}
