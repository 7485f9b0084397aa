/* config_index: the instance names and virtual addresses read so far in one config_load, hashed.
 * The load checks each new name and VIP against every earlier instance; with 1000 instances the
 * scans from the top were a quarter of a reload's loop time. Keys point into the config being
 * built (never moved while it loads); a failed allocation sets failed and makes the lookups
 * answer CONFIG_INDEX_UNKNOWN: the caller scans as before, and fails the load. */
#ifndef VIPD_CONFIG_INDEX_H
#define VIPD_CONFIG_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/addr.h"

/* A lookup's answer when the index could not keep up (out of memory): scan instead. */
#define CONFIG_INDEX_UNKNOWN ((size_t)-1)
/* A lookup's answer for a key not in the index. */
#define CONFIG_INDEX_NONE ((size_t)-2)

struct config_index_slot;

struct config_index {
	struct config_index_slot *slots;
	size_t cap, n;
	bool failed; /* an insert was lost: every lookup answers CONFIG_INDEX_UNKNOWN */
};

/* Free what x holds and leave it empty. */
void config_index_free(struct config_index *x);

/* Record instance idx's name (kept at name, which must not move while x is used); the first
 * instance recorded under a key stays. */
void config_index_add_name(struct config_index *x, const char *name, size_t idx);

/* The instance recorded with name, CONFIG_INDEX_NONE or CONFIG_INDEX_UNKNOWN. */
size_t config_index_find_name(const struct config_index *x, const char *name);

/* Record a virtual address of instance idx (the address only, as addr_equal compares); an IPv6
 * link-local one is not recorded (the same may be on several links). */
void config_index_add_vip(struct config_index *x, const struct vip_addr *a, size_t idx);

/* The first instance recorded with a, CONFIG_INDEX_NONE or CONFIG_INDEX_UNKNOWN (always for an
 * IPv6 link-local address: scan). */
size_t config_index_find_vip(const struct config_index *x, const struct vip_addr *a);

#endif
