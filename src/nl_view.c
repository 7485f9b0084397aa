/* nl_view: one dump of links and addresses, kept aside until it is complete. */
#include "build_config.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/nl_view.h"

static bool is_link(const struct nl_event *ev)
{
	return ev->type == NL_EV_LINK || ev->type == NL_EV_LINK_DEL;
}

void nl_view_collect(void *arg, const struct nl_event *ev)
{
	struct nl_view *v = arg;

	if (ev->type == NL_EV_DUMP_RESTART) {
		/* nl_dump reads the links, then the addresses: a restart of the addresses keeps
		 * the links before them. */
		size_t keep = 0;

		while (ev->restart != NL_EV_LINK && keep < v->n && is_link(&v->ev[keep]))
			keep++;
		v->n = keep;
		return;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 64;
		struct nl_event *e = realloc(v->ev, cap * sizeof(*e));

		if (!e) {
			v->oom = true;
			return;
		}
		v->ev = e;
		v->cap = cap;
	}
	v->ev[v->n++] = *ev;
}

const struct nl_link *nl_view_link(const struct nl_view *v, const char *name, unsigned ifindex)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct nl_link *l = &v->ev[i].link;

		if (v->ev[i].type == NL_EV_LINK &&
		    (name ? strcmp(l->name, name) == 0 : l->ifindex == ifindex))
			return l;
	}
	return NULL;
}

/* Is e a usable address of ifindex (IPv6: neither tentative nor failed DAD)? */
static bool usable(const struct nl_event *e, unsigned ifindex)
{
	return e->type == NL_EV_ADDR_NEW && e->ifindex == ifindex &&
	       !(e->addr.af == AF_INET6 && (e->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)));
}

const struct nl_event *nl_view_addr(const struct nl_view *v, unsigned ifindex,
                                    const struct vip_addr *a)
{
	for (size_t i = 0; i < v->n; i++)
		if (usable(&v->ev[i], ifindex) && addr_equal(&v->ev[i].addr, a))
			return &v->ev[i];
	return NULL;
}

/* One usable address of the view on the interface, in nl_view_addrs's index. */
struct ref {
	const struct nl_event *e;
	size_t order; /* its place in the view: the first of equal addresses comes first */
	bool taken;   /* its address is in the list already */
};

/* The order of addr_equal's key: family, then the address (not the prefix length). */
static int key_cmp(const struct vip_addr *a, const struct vip_addr *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	return addr_cmp_in(a->af, &a->in, &b->in);
}

static int ref_cmp(const void *pa, const void *pb)
{
	const struct ref *a = pa, *b = pb;
	int c = key_cmp(&a->e->addr, &b->e->addr);

	return c ? c : (a->order > b->order) - (a->order < b->order);
}

/* The first usable event (in the view's order) of address a, or NULL: a binary search. */
static struct ref *find(struct ref *refs, size_t n, const struct vip_addr *a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_cmp(&refs[mid].e->addr, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && key_cmp(&refs[lo].e->addr, a) == 0 ? &refs[lo] : NULL;
}

/* The lookups go through a sorted index of the interface's usable addresses: searching the
 * view for each address made a reload of 1000 instances (250 VIPs on each of 4 interfaces)
 * spend a quarter of its time here (callgrind), O(addresses x view) per interface. */
int nl_view_addrs(const struct nl_view *v, unsigned ifindex, struct vip_addr **addrs,
                  struct nl_addr_meta **meta, size_t *n, size_t *cap)
{
	size_t nuse = 0, want, k = 0;
	struct ref *refs;

	for (size_t i = 0; i < v->n; i++)
		nuse += usable(&v->ev[i], ifindex);
	want = *n + nuse;
	refs = malloc((nuse ? nuse : 1) * sizeof(*refs));
	if (!refs) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0, j = 0; i < v->n; i++)
		if (usable(&v->ev[i], ifindex))
			refs[j++] = (struct ref){.e = &v->ev[i], .order = i};
	if (nuse > 1)
		qsort(refs, nuse, sizeof(*refs), ref_cmp);
	if (want > *cap || !*meta) {
		size_t c = want > *cap ? want : (*cap ? *cap : 1);
		struct vip_addr *a = realloc(*addrs, c * sizeof(*a));
		struct nl_addr_meta *m;

		if (!a) {
			free(refs);
			errno = ENOMEM;
			return -1;
		}
		*addrs = a;
		/* addrs may have grown already: *cap only grows with both */
		m = realloc(*meta, c * sizeof(*m));
		if (!m) {
			free(refs);
			errno = ENOMEM;
			return -1;
		}
		*meta = m;
		*cap = c;
	}
	/* those still there keep their place */
	for (size_t i = 0; i < *n; i++) {
		struct ref *r = find(refs, nuse, &(*addrs)[i]);

		if (r) {
			r->taken = true;
			(*addrs)[k++] = (*addrs)[i];
		}
	}
	/* then the others, each once, in the view's order */
	for (size_t i = 0; i < v->n; i++) {
		struct ref *r;

		if (!usable(&v->ev[i], ifindex))
			continue;
		r = find(refs, nuse, &v->ev[i].addr);
		if (r->e == &v->ev[i] && !r->taken) {
			r->taken = true;
			(*addrs)[k++] = v->ev[i].addr;
		}
	}
	for (size_t i = 0; i < k; i++) {
		const struct nl_event *e = find(refs, nuse, &(*addrs)[i])->e;

		(*meta)[i] = (struct nl_addr_meta){.flags = e->ifa_flags, .proto = e->ifa_proto};
	}
	free(refs);
	*n = k;
	return 0;
}

void nl_view_counts(const struct nl_view *v, size_t *links, size_t *addrs)
{
	*links = *addrs = 0;
	for (size_t i = 0; i < v->n; i++) {
		*links += is_link(&v->ev[i]);
		*addrs += v->ev[i].type == NL_EV_ADDR_NEW;
	}
}

void nl_view_free(struct nl_view *v)
{
	free(v->ev);
	memset(v, 0, sizeof(*v));
}
