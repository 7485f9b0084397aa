/* dlsyms: a library loaded by its soname at first use and its entry points looked up into a
 * table of function pointers, all or none: the one way curl_dl, vmac_dl, net_vrrp_md5 and nft
 * load what vipd does not link (the pages of a library a config does not use stay out). */
#ifndef VIPD_DLSYMS_H
#define VIPD_DLSYMS_H

#include <stddef.h>

/* One entry point: its symbol name and the offset of its pointer in the caller's table. */
struct dlsyms_entry {
	size_t offset;
	const char *name;
};

/* The entry for symbol name into member field of the table type. */
#define DLSYMS_ENTRY(type, field, name)                                                            \
	{                                                                                          \
		offsetof(type, field), name                                                        \
	}

/* dlopen soname and store the n entries' addresses into table. The handle, or NULL with the
 * reason in err ("cannot load WHAT: ...", "WHAT has no SYMBOL"), the library closed again and
 * table's pointers undefined. */
void *dlsyms_load(const char *soname, const char *what, const struct dlsyms_entry *e, size_t n,
                  void *table, char *err, size_t errlen);

#endif
