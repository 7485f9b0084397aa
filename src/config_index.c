/* config_index: names, addresses, interfaces and VRIDs of the instances loaded so far, in one
 * open-addressing table (see config_index.h). */
#include "build_config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/config.h"
#include "vipd/config_index.h"

enum { KIND_NAME = 1, KIND_VIP, KIND_EXCLUDED, KIND_IFACE, KIND_VMAC, KIND_VRID };

struct config_index_slot {
	const void *key; /* NULL: free */
	uint32_t hash;
	uint8_t kind;
	size_t idx;
};

/* FNV-1a over len bytes, seeded with the kind so that a name never meets an address. */
static uint32_t hash_bytes(uint8_t kind, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u ^ kind;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static uint32_t hash_addr(uint8_t kind, const struct vip_addr *a)
{
	uint8_t buf[1 + sizeof(a->in)];
	size_t n = addr_size(a->af);

	buf[0] = (uint8_t)a->af;
	memcpy(buf + 1, a->in.bytes, n);
	return hash_bytes(kind, buf, n + 1);
}

static uint32_t hash_text(uint8_t kind, const char *text)
{
	return hash_bytes(kind, text, strlen(text));
}

/* A VRID's key is its instance: the interface, the family and the VRID. */
static uint32_t hash_vrid(const struct vipd_instance_config *in)
{
	uint8_t buf[sizeof(in->interface) + 2];
	size_t n = strnlen(in->interface, sizeof(in->interface));

	memcpy(buf, in->interface, n);
	buf[n] = (uint8_t)in->af;
	buf[n + 1] = in->vrid;
	return hash_bytes(KIND_VRID, buf, n + 2);
}

static bool same(const struct config_index_slot *s, uint8_t kind, const void *key)
{
	const struct vipd_instance_config *a = s->key, *b = key;

	if (s->kind != kind)
		return false;
	switch (kind) {
	case KIND_VIP:
	case KIND_EXCLUDED:
		return addr_equal(s->key, key);
	case KIND_VRID:
		return a->vrid == b->vrid && a->af == b->af &&
		       strcmp(a->interface, b->interface) == 0;
	default: /* the names */
		return strcmp(s->key, key) == 0;
	}
}

/* The slot holding key, or the free slot where it would go. */
static struct config_index_slot *probe(const struct config_index *x, uint8_t kind, const void *key,
                                       uint32_t h)
{
	for (size_t i = h & (x->cap - 1);; i = (i + 1) & (x->cap - 1)) {
		struct config_index_slot *s = &x->slots[i];

		if (!s->key || (s->hash == h && same(s, kind, key)))
			return s;
	}
}

/* Keep the table at most half full. false when out of memory. */
static bool grow(struct config_index *x)
{
	struct config_index old = *x;
	size_t cap = x->cap ? 2 * x->cap : 256;

	if (x->n + 1 <= x->cap / 2)
		return true;
	x->slots = calloc(cap, sizeof(*x->slots));
	if (!x->slots) {
		x->slots = old.slots;
		return false;
	}
	x->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*probe(x, old.slots[i].kind, old.slots[i].key, old.slots[i].hash) =
			    old.slots[i];
	free(old.slots);
	return true;
}

static void add(struct config_index *x, uint8_t kind, const void *key, uint32_t h, size_t idx)
{
	struct config_index_slot *s;

	if (x->failed)
		return;
	if (!grow(x)) {
		x->failed = true;
		return;
	}
	s = probe(x, kind, key, h);
	if (s->key)
		return; /* the first instance recorded stays */
	*s = (struct config_index_slot){.key = key, .hash = h, .kind = kind, .idx = idx};
	x->n++;
}

static size_t find(const struct config_index *x, uint8_t kind, const void *key, uint32_t h)
{
	const struct config_index_slot *s;

	if (x->failed)
		return CONFIG_INDEX_UNKNOWN;
	if (!x->cap)
		return CONFIG_INDEX_NONE;
	s = probe(x, kind, key, h);
	return s->key ? s->idx : CONFIG_INDEX_NONE;
}

void config_index_free(struct config_index *x)
{
	free(x->slots);
	*x = (struct config_index){0};
}

void config_index_add_name(struct config_index *x, const char *name, size_t idx)
{
	add(x, KIND_NAME, name, hash_text(KIND_NAME, name), idx);
}

size_t config_index_find_name(const struct config_index *x, const char *name)
{
	return find(x, KIND_NAME, name, hash_text(KIND_NAME, name));
}

/* A link-local address may be on several links at once: not indexed, always scanned. */
static bool linklocal(const struct vip_addr *a)
{
	return a->af == AF_INET6 && addr_is_linklocal6(&a->in.v6);
}

void config_index_add_vip(struct config_index *x, const struct vip_addr *a, size_t idx)
{
	if (!linklocal(a))
		add(x, KIND_VIP, a, hash_addr(KIND_VIP, a), idx);
}

size_t config_index_find_vip(const struct config_index *x, const struct vip_addr *a)
{
	return linklocal(a) ? CONFIG_INDEX_UNKNOWN : find(x, KIND_VIP, a, hash_addr(KIND_VIP, a));
}

void config_index_add_instance(struct config_index *x, const struct vipd_instance_config *in,
                               size_t idx)
{
	if (in->interface[0])
		add(x, KIND_IFACE, in->interface, hash_text(KIND_IFACE, in->interface), idx);
	if (in->vmac && in->vmac_name[0])
		add(x, KIND_VMAC, in->vmac_name, hash_text(KIND_VMAC, in->vmac_name), idx);
	if (in->vrid && in->interface[0] && in->af)
		add(x, KIND_VRID, in, hash_vrid(in), idx);
	for (size_t i = 0; i < in->nexcluded; i++)
		if (!linklocal(&in->excluded[i]))
			add(x, KIND_EXCLUDED, &in->excluded[i],
			    hash_addr(KIND_EXCLUDED, &in->excluded[i]), idx);
}

size_t config_index_find_excluded(const struct config_index *x, const struct vip_addr *a)
{
	return linklocal(a) ? CONFIG_INDEX_UNKNOWN
	                    : find(x, KIND_EXCLUDED, a, hash_addr(KIND_EXCLUDED, a));
}

size_t config_index_find_iface(const struct config_index *x, const char *name)
{
	return find(x, KIND_IFACE, name, hash_text(KIND_IFACE, name));
}

size_t config_index_find_vmac(const struct config_index *x, const char *name)
{
	return find(x, KIND_VMAC, name, hash_text(KIND_VMAC, name));
}

size_t config_index_find_vrid(const struct config_index *x, const struct vipd_instance_config *in)
{
	return find(x, KIND_VRID, in, hash_vrid(in));
}

size_t config_index_scan_from(size_t found, size_t idx)
{
	if (found == CONFIG_INDEX_UNKNOWN)
		return 0;
	return found == CONFIG_INDEX_NONE || found > idx ? idx : found;
}
