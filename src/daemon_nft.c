/* daemon_nft: table inet vipd, the one nftables table vipd owns (accept = false, RFC 9568
 * 6.4.3). The instances keep their drop lists; every change rebuilds the whole table from all
 * of them in one transaction (nft_rules.c), so two instances never race over a rule. */
#include "build_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/daemon_int.h"
#include "vipd/instance.h"
#include "vipd/log.h"
#include "vipd/nft.h"
#include "vipd/nft_rules.h"

/* Run text, opening libnftables on first use. */
static int run(struct daemon *d, const char *text, char *err, size_t errlen)
{
	if (!d->nft)
		d->nft = nft_open(err, errlen);
	if (!d->nft)
		return -1;
	return nft_run(d->nft, text, err, errlen);
}

/* At start and at stop only: libnftables is unloaded (nft.c: about 1.3 MB of RSS), but freeing
 * its context after a command blocks 10-25 ms in the kernel (measured), too long for the loop
 * while instances run; so a table emptied by a failover keeps the context for the next. */
static void release(struct daemon *d)
{
	nft_close(d->nft);
	d->nft = NULL;
	daemon_trim_soon(d);
}

int daemon_nft_sync(void *ctx, char *err, size_t errlen)
{
	struct daemon *d = ctx;
	struct vip_addr *all;
	size_t n = 0, max = 0;
	char *text;
	int r;

	for (size_t i = 0; i < d->ninstances; i++)
		max += d->instances[i]->ndrop;
	all = calloc(max ? max : 1, sizeof(*all));
	if (!all) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < d->ninstances; i++) {
		const struct instance *in = d->instances[i];

		if (in->ndrop) /* an empty list has no array */
			memcpy(all + n, in->drop, in->ndrop * sizeof(*all));
		n += in->ndrop;
	}
	text = nft_rules_build(all, n);
	free(all);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r = run(d, text, err, errlen);
	free(text);
	return r;
}

void daemon_nft_clean(struct daemon *d, const char *when)
{
	char err[256];
	char *text;
	bool needed = false;

	for (size_t i = 0; i < d->cfg->ninstances; i++)
		if (!d->cfg->instances[i].accept)
			needed = true;
	/* A host that never used nftables keeps it that way (no module loaded, no 1.3 MB). */
	if (!needed && !d->nft && !nft_kernel_ready())
		return;
	text = nft_rules_build(NULL, 0);
	if (!text) {
		log_oom("table " NFT_RULES_TABLE, "not deleted");
		return;
	}
	if (run(d, text, err, sizeof(err)) < 0 && needed)
		log_warnx("accept = false: deleting table " NFT_RULES_TABLE " %s: %s", when, err);
	free(text);
	release(d);
}
