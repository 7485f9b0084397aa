/* config_index: the instance names, virtual and excluded addresses, interfaces, VMACs and VRIDs
 * read so far in one config_load, hashed.
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

struct vipd_instance_config;

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

/* Record what later instances check against instance idx, once it is loaded: its interface, its
 * VMAC's name, its (interface, family, VRID) and its excluded addresses (not IPv6 link-local). */
void config_index_add_instance(struct config_index *x, const struct vipd_instance_config *in,
                               size_t idx);

/* The first instance recorded with excluded address a, CONFIG_INDEX_NONE or _UNKNOWN (always for
 * an IPv6 link-local address). */
size_t config_index_find_excluded(const struct config_index *x, const struct vip_addr *a);

/* The first instance recorded on interface name, CONFIG_INDEX_NONE or _UNKNOWN. */
size_t config_index_find_iface(const struct config_index *x, const char *name);

/* The first instance recorded with a VMAC called name, CONFIG_INDEX_NONE or _UNKNOWN. */
size_t config_index_find_vmac(const struct config_index *x, const char *name);

/* The first instance recorded with in's interface, family and VRID, CONFIG_INDEX_NONE or
 * _UNKNOWN. */
size_t config_index_find_vrid(const struct config_index *x, const struct vipd_instance_config *in);

/* Where a scan of the instances before idx for a clash starts, given a lookup's answer: at the
 * first instance found, at 0 when the index does not know, at idx (no scan) when none has it. */
size_t config_index_scan_from(size_t found, size_t idx);

#endif
