/* nl_view: the links and addresses of one nl_dump, collected aside so that nothing acts on a
 * partial or inconsistent read; the caller swaps the complete view into its own tables. Pure
 * (no I/O, never logs). */
#ifndef VIPD_NL_VIEW_H
#define VIPD_NL_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "vipd/addr.h"
#include "vipd/nl.h"

/* Zero-initialise; nl_view_free when done. */
struct nl_view {
	struct nl_event *ev; /* links first, then addresses, in the kernel's order */
	size_t n, cap;
	bool oom; /* an event could not be kept: the view is incomplete */
};

/* An nl_event_cb for nl_dump (arg: the view). A dump started again (NL_EV_DUMP_RESTART)
 * voids what the interrupted one gave. */
void nl_view_collect(void *arg, const struct nl_event *ev);

/* The link named name (NULL: the link with index ifindex), or NULL. */
const struct nl_link *nl_view_link(const struct nl_view *v, const char *name, unsigned ifindex);

/* Make addrs[0..*n) (capacity *cap, grown as needed) the usable addresses v lists on ifindex
 * (IPv6 ones under DAD or that failed it are not): those already there keep their place (the
 * first is the primary), the others follow in the kernel's order; meta[i] (same capacity) gets
 * what v says of addrs[i]. 0, or -1 (ENOMEM) with nothing changed. */
int nl_view_addrs(const struct nl_view *v, unsigned ifindex, struct vip_addr **addrs,
                  struct nl_addr_meta **meta, size_t *n, size_t *cap);

/* The usable address a of ifindex in v (its flags and protocol), or NULL. */
const struct nl_event *nl_view_addr(const struct nl_view *v, unsigned ifindex,
                                    const struct vip_addr *a);

/* The number of links and of addresses in v. */
void nl_view_counts(const struct nl_view *v, size_t *links, size_t *addrs);

/* Free the events (v itself is the caller's) and empty v. */
void nl_view_free(struct nl_view *v);

#endif
