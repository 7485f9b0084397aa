/* nl_view: one dump of links and addresses, kept aside until it is complete. */
#include "build_config.h"

#include <errno.h>
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

/* The usable event of address a on ifindex, or NULL. */
static const struct nl_event *view_addr(const struct nl_view *v, unsigned ifindex,
                                        const struct vip_addr *a)
{
	for (size_t i = 0; i < v->n; i++)
		if (usable(&v->ev[i], ifindex) && addr_equal(&v->ev[i].addr, a))
			return &v->ev[i];
	return NULL;
}

static bool list_has(const struct vip_addr *addrs, size_t n, const struct vip_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (addr_equal(&addrs[i], a))
			return true;
	return false;
}

int nl_view_addrs(const struct nl_view *v, unsigned ifindex, struct vip_addr **addrs,
                  struct nl_addr_meta **meta, size_t *n, size_t *cap)
{
	size_t want = *n, k = 0;

	for (size_t i = 0; i < v->n; i++)
		want += usable(&v->ev[i], ifindex);
	if (want > *cap || !*meta) {
		size_t c = want > *cap ? want : (*cap ? *cap : 1);
		struct vip_addr *a = realloc(*addrs, c * sizeof(*a));
		struct nl_addr_meta *m;

		if (!a) {
			errno = ENOMEM;
			return -1;
		}
		*addrs = a;
		/* addrs may have grown already: *cap only grows with both */
		m = realloc(*meta, c * sizeof(*m));
		if (!m) {
			errno = ENOMEM;
			return -1;
		}
		*meta = m;
		*cap = c;
	}
	for (size_t i = 0; i < *n; i++)
		if (view_addr(v, ifindex, &(*addrs)[i]))
			(*addrs)[k++] = (*addrs)[i];
	for (size_t i = 0; i < v->n; i++)
		if (usable(&v->ev[i], ifindex) && !list_has(*addrs, k, &v->ev[i].addr))
			(*addrs)[k++] = v->ev[i].addr;
	for (size_t i = 0; i < k; i++) {
		const struct nl_event *e = view_addr(v, ifindex, &(*addrs)[i]);

		(*meta)[i] = (struct nl_addr_meta){.flags = e->ifa_flags, .proto = e->ifa_proto};
	}
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
