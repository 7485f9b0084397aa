/* nft: the thin wrapper over libnftables that installs vipd's own table (nft_rules.c builds its
 * text). libnftables is dlopened by nft_open and closed by nft_close: with its dependencies it
 * costs about 1.3 MB of RSS, which a vipd without accept = false should not carry. Returns -1
 * and a reason; never logs. */
#include "build_config.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "vipd/dlsyms.h"
#include "vipd/nft.h"

struct nft {
	void *lib;
	struct nft_ctx *ctx;
	__typeof__(nft_ctx_new) *ctx_new;
	__typeof__(nft_ctx_free) *ctx_free;
	__typeof__(nft_ctx_buffer_error) *buffer_error;
	__typeof__(nft_ctx_buffer_output) *buffer_output;
	__typeof__(nft_ctx_get_error_buffer) *get_error_buffer;
	__typeof__(nft_run_cmd_from_buffer) *run_cmd;
};

/* The entry points of libnftables vipd calls, into struct nft. */
static const struct dlsyms_entry syms[] = {
    DLSYMS_ENTRY(struct nft, ctx_new, "nft_ctx_new"),
    DLSYMS_ENTRY(struct nft, ctx_free, "nft_ctx_free"),
    DLSYMS_ENTRY(struct nft, buffer_error, "nft_ctx_buffer_error"),
    DLSYMS_ENTRY(struct nft, buffer_output, "nft_ctx_buffer_output"),
    DLSYMS_ENTRY(struct nft, get_error_buffer, "nft_ctx_get_error_buffer"),
    DLSYMS_ENTRY(struct nft, run_cmd, "nft_run_cmd_from_buffer"),
};

struct nft *nft_open(char *err, size_t errlen)
{
	struct nft *n = calloc(1, sizeof(*n));

	if (!n) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* The soname of the libnftables the headers came with, found by configure. */
	n->lib = dlsyms_load(LIBNFTABLES_SONAME, "libnftables", syms,
	                     sizeof(syms) / sizeof(syms[0]), n, err, errlen);
	if (!n->lib) {
		free(n);
		return NULL;
	}
	n->ctx = n->ctx_new(NFT_CTX_DEFAULT);
	/* Errors are read back as text, not written to stderr. */
	if (!n->ctx || n->buffer_error(n->ctx) < 0 || n->buffer_output(n->ctx) < 0) {
		snprintf(err, errlen, "out of memory");
		nft_close(n);
		return NULL;
	}
	return n;
}

int nft_run(struct nft *n, const char *text, char *err, size_t errlen)
{
	const char *msg;
	size_t len;

	if (n->run_cmd(n->ctx, text) == 0)
		return 0;
	msg = n->get_error_buffer(n->ctx);
	if (!msg || !*msg)
		msg = "nftables refused the table";
	/* libnftables repeats the input line and a marker: the first line says why. */
	len = strcspn(msg, "\n");
	snprintf(err, errlen, "%.*s", (int)len, msg);
	return -1;
}

bool nft_kernel_ready(void)
{
	char path[128], *line = NULL;
	size_t cap = 0;
	struct utsname u;
	bool found = false;
	FILE *f;

	/* A loaded module is in /sys/module; a built-in one only when it has parameters, so the
	 * kernel's list of built-in modules says. Whatever cannot be told counts as ready. */
	if (access("/sys/module/nf_tables", F_OK) == 0 || uname(&u) < 0)
		return true;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", u.release);
	f = fopen(path, "re");
	if (!f)
		return true;
	while (!found && getline(&line, &cap, f) > 0)
		found = strstr(line, "/nf_tables.ko") != NULL;
	free(line);
	fclose(f);
	return found;
}

void nft_close(struct nft *n)
{
	if (!n)
		return;
	if (n->ctx)
		n->ctx_free(n->ctx);
	if (n->lib)
		dlclose(n->lib);
	free(n);
}
