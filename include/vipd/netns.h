/* netns: the network namespace vipd runs in (net_namespace), named as ip-netns(8) names them:
 * /run/netns/NAME. Returns -1 and a reason; never logs. */
#ifndef VIPD_NETNS_H
#define VIPD_NETNS_H

#include <stddef.h>

/* Where ip-netns(8) keeps the namespace NAME (a bind mount of its nsfs file). */
#define NETNS_RUN_DIR "/run/netns"

/* Move the calling thread into the network namespace name. 0, or -1 with why. */
int netns_enter(const char *name, char *why, size_t len);

/* Whether the network namespace name exists (as ip netns add makes it). 0, or -1 with why. */
int netns_check(const char *name, char *why, size_t len);

#endif
