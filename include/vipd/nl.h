/* nl: rtnetlink through libmnl. Adds and removes addresses and routes in batches (one
 * sendmsg, NLM_F_ACK, extended-ack messages), dumps links and addresses, and
 * reads the link/address event stream with a large buffer, reporting ENOBUFS
 * so the caller can resync. Returns -1 and a reason; never logs. */
#ifndef VIPD_NL_H
#define VIPD_NL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/addr.h"
#include "vipd/config_addr.h"
#include "vipd/route.h"
#include "vipd/rule.h"

struct nl;

/* The rtm_protocol of vipd's routes (`ip route show proto 112`): 112 is VRRP's IP protocol
 * number, and no routing daemon in linux/rtnetlink.h uses it. A delete names it, so vipd never
 * removes a route it did not add, such as an administrator's identical static route. */
#define NL_RTPROT_VIPD 112

/* The IFA_PROTO vipd's addresses carry (Linux >= 5.18; `ip addr show proto 112` with iproute2
 * >= 6.3): after a crash, a restart tells its own leftovers (deleted) from the addresses that
 * were there before vipd (kept). */
#define NL_IFAPROT_VIPD NL_RTPROT_VIPD

/* One change in a batch. error and msg are filled by nl_apply. A route is added with
 * NLM_F_CREATE | NLM_F_EXCL (-EEXIST when it is there) and deleted by an exact match of
 * everything it was added with (-ESRCH when it is not there); scope link without a gateway
 * (IPv4), universe otherwise. */
enum nl_change_op {
	NL_ADDR_ADD,
	NL_ADDR_DEL,
	NL_ROUTE_ADD,
	NL_ROUTE_DEL,
	NL_RULE_ADD,
	NL_RULE_DEL
};
struct nl_change {
	enum nl_change_op op;
	unsigned ifindex;        /* the address's interface, or the route's output interface */
	struct vip_addr addr;    /* NL_ADDR_*: address and prefix length */
	bool nodad;              /* NL_ADDR_ADD, IPv6: IFA_F_NODAD */
	struct vipd_route route; /* NL_ROUTE_*: the route; its dev is ignored (ifindex says) */
	unsigned nh_ifindex[ROUTE_NEXTHOPS_MAX]; /* NL_ROUTE_*: each nexthop's interface */
	struct vipd_rule rule; /* NL_RULE_*: the rule (FRA_PROTOCOL 112; ifindex unused) */
	int error;             /* out: 0 or a negative errno from the kernel */
	char msg[128];         /* out: the kernel's extended-ack text, or "" */
	/* NL_ADDR_ADD: label, scope, brd, noprefixroute (its dev is ignored: ifindex says); all
	 * zero is a plain address. */
	struct vipd_addr_opts opts;
};

/* A link as reported by a dump or an event. */
struct nl_link {
	unsigned ifindex;
	char name[IF_NAMESIZE];
	unsigned flags; /* IFF_UP, IFF_RUNNING, IFF_LOWER_UP ... */
	bool running;   /* administratively up and carrier present */
	uint8_t mac[6];
	bool has_mac;
	bool macvlan; /* IFLA_INFO_KIND "macvlan": what a VMAC is */
};

/* NL_EV_DUMP_RESTART: nl_dump starts a dump again (the kernel flagged it inconsistent); the
 * events of that kind (restart) it gave so far are void. */
enum nl_event_type {
	NL_EV_LINK,
	NL_EV_LINK_DEL,
	NL_EV_ADDR_NEW,
	NL_EV_ADDR_DEL,
	NL_EV_DUMP_RESTART
};

/* What an interface's address table keeps of each address besides the address itself. */
struct nl_addr_meta {
	uint32_t flags; /* IFA_F_*: IFA_F_SECONDARY is not the primary address of its prefix */
	uint8_t proto;  /* IFA_PROTO: NL_IFAPROT_VIPD for vipd's own; 0 when none or unknown */
};

/* One event from a dump or the monitor stream. */
struct nl_event {
	enum nl_event_type type;
	enum nl_event_type restart; /* NL_EV_DUMP_RESTART: NL_EV_LINK or NL_EV_ADDR_NEW */
	struct nl_link link;        /* NL_EV_LINK, NL_EV_LINK_DEL */
	unsigned ifindex;           /* address events */
	struct vip_addr addr;       /* address events: address and prefix length */
	uint32_t ifa_flags;         /* address events: IFA_F_* */
	uint8_t ifa_proto; /* address events: IFA_PROTO, 0 when absent (none, or old kernel) */
};

typedef void (*nl_event_cb)(void *arg, const struct nl_event *ev);

/* nl_monitor_read result when the kernel dropped events (ENOBUFS): re-dump to resync. */
#define NL_RESYNC 1

/* Open a request socket and a monitor socket (link, IPv4 and IPv6 address groups).
 * NULL on failure with a reason in err. */
struct nl *nl_open(char *err, size_t errlen);

/* Close both sockets and free. */
void nl_close(struct nl *nl);

/* The monitor socket, to watch for readability. */
int nl_monitor_fd(const struct nl *nl);

/* Send every change in one batch with NLM_F_ACK and collect each answer into its error/msg.
 * Returns the number of changes that failed, or -1 if the batch could not be sent at all. */
int nl_apply(struct nl *nl, struct nl_change *changes, size_t n);

/* Dump all links, then all addresses (both families), calling cb for each as an event (and
 * NL_EV_DUMP_RESTART before a dump is run again). 0 or -1 with errno. */
int nl_dump(struct nl *nl, nl_event_cb cb, void *arg);

/* Whether the kernel keeps IFA_PROTO on addresses (Linux >= 5.18; also known once an address
 * carrying one was seen), so that an ifa_proto of 0 means "not added by vipd". */
bool nl_addr_proto_known(const struct nl *nl);

/* Read what is pending on the monitor socket (non-blocking) and call cb per event.
 * 0, NL_RESYNC after ENOBUFS (events were lost: the rest is left queued), or -1 with errno. */
int nl_monitor_read(struct nl *nl, nl_event_cb cb, void *arg);

/* Discard what the monitor socket holds (bounded): before a re-dump, which supersedes it. */
void nl_monitor_drain(struct nl *nl);

#endif
