/* vmac: virtual MAC interfaces (macvlan, bridge mode) through libnl-route-3,
 * and the /proc/sys settings around them. The sysctl choice follows
 * keepalived: on the VMAC arp_ignore=1 (answer ARP only for addresses on it),
 * accept_local=1 and rp_filter=0 (traffic to the VIPs arrives on it while the
 * routes point at the parent); on the parent arp_ignore=1 and arp_filter=1 so
 * it never answers for a VIP with its own MAC, and arp_announce=2 so the ARP
 * requests it sends for replies sourced from a VIP carry its own address, not
 * the VIP: a neighbour would learn the parent's MAC for the VIP from them
 * (measured: the client's entry flipped away from the virtual MAC). Never logs. */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vipd/config.h"
#include "vipd/vmac.h"
#include "vipd/vmac_dl.h"

#ifndef IFF_UP
#define IFF_UP 0x1
#endif

#define SYSCTL_ROOT "/proc/sys"

/* The ifalias vipd gives the macvlans it creates: what tells a leftover of a killed run, which
 * vipd deletes, from a macvlan of the same name that someone else made, which it never touches. */
#define VMAC_ALIAS "vipd VMAC"

struct vmac_nl {
	struct nl_sock *sk;
};

static const char *sysctl_root = SYSCTL_ROOT;

void vmac_mac(int af, uint8_t vrid, uint8_t mac[6])
{
	/* RFC 9568 7.3: the IANA block 00-00-5E, 00-01 (IPv4) or 00-02 (IPv6), then the VRID. */
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x00;
	mac[4] = af == AF_INET6 ? 0x02 : 0x01;
	mac[5] = vrid;
}

struct vmac_nl *vmac_open(char *err, size_t errlen)
{
	struct vmac_nl *v;
	char why[160];
	int r;

	/* libnl is loaded here, at the first VMAC, not linked (vmac_dl.h). */
	if (vmac_dl_load(why, sizeof(why)) < 0) {
		snprintf(err, errlen, "vmac: %s", why);
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "vmac: %s", strerror(errno));
		return NULL;
	}
	v->sk = nl_socket_alloc();
	if (!v->sk) {
		snprintf(err, errlen, "vmac: cannot allocate a netlink socket");
		free(v);
		return NULL;
	}
	r = nl_connect(v->sk, NETLINK_ROUTE);
	if (r < 0) {
		snprintf(err, errlen, "vmac: netlink connect: %s", nl_geterror(r));
		nl_socket_free(v->sk);
		free(v);
		return NULL;
	}
	return v;
}

void vmac_close(struct vmac_nl *v)
{
	if (!v)
		return;
	nl_socket_free(v->sk); /* closes it too */
	free(v);
}

/* --- sysctl ---------------------------------------------------------------- */

void vmac_sysctl_root(const char *root)
{
	sysctl_root = root ? root : SYSCTL_ROOT;
}

static int sysctl_path(int af, const char *ifname, const char *key, char *path, size_t len)
{
	int n = snprintf(path, len, "%s/net/%s/conf/%s/%s", sysctl_root,
	                 af == AF_INET6 ? "ipv6" : "ipv4", ifname, key);

	return n < 0 || (size_t)n >= len || strchr(ifname, '/') ? -1 : 0;
}

int vmac_sysctl_get(int af, const char *ifname, const char *key, int *val, char *err, size_t errlen)
{
	char path[512], buf[32], *end;
	ssize_t n;
	long v;
	int fd;

	if (sysctl_path(af, ifname, key, path, sizeof(path)) < 0) {
		snprintf(err, errlen, "sysctl %s of %s: bad name", key, ifname);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v < -1000000 || v > 1000000) {
		snprintf(err, errlen, "%s: not a number", path);
		return -1;
	}
	*val = (int)v;
	return 0;
}

int vmac_sysctl_set(int af, const char *ifname, const char *key, int val, char *err, size_t errlen)
{
	char path[512], buf[32];
	int fd, len;
	ssize_t n;

	if (sysctl_path(af, ifname, key, path, sizeof(path)) < 0) {
		snprintf(err, errlen, "sysctl %s of %s: bad name", key, ifname);
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", val);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = write(fd, buf, (size_t)len);
	if (n != len)
		snprintf(err, errlen, "%s: %s", path, n < 0 ? strerror(errno) : "short write");
	close(fd);
	return n == len ? 0 : -1;
}

int vmac_parent_setup(const char *parent, struct vmac_parent_saved *saved, char *err, size_t errlen)
{
	struct vmac_parent_saved old;

	if (vmac_sysctl_get(AF_INET, parent, "arp_ignore", &old.arp_ignore, err, errlen) < 0 ||
	    vmac_sysctl_get(AF_INET, parent, "arp_filter", &old.arp_filter, err, errlen) < 0 ||
	    vmac_sysctl_get(AF_INET, parent, "arp_announce", &old.arp_announce, err, errlen) < 0)
		return -1;
	if (saved)
		*saved = old;
	if (old.arp_ignore != 1 &&
	    vmac_sysctl_set(AF_INET, parent, "arp_ignore", 1, err, errlen) < 0)
		return -1;
	if (old.arp_filter != 1 &&
	    vmac_sysctl_set(AF_INET, parent, "arp_filter", 1, err, errlen) < 0)
		return -1;
	if (old.arp_announce != 2 &&
	    vmac_sysctl_set(AF_INET, parent, "arp_announce", 2, err, errlen) < 0)
		return -1;
	return 0;
}

int vmac_parent_restore(const char *parent, const struct vmac_parent_saved *saved, char *err,
                        size_t errlen)
{
	if (vmac_sysctl_set(AF_INET, parent, "arp_ignore", saved->arp_ignore, err, errlen) < 0 ||
	    vmac_sysctl_set(AF_INET, parent, "arp_filter", saved->arp_filter, err, errlen) < 0 ||
	    vmac_sysctl_set(AF_INET, parent, "arp_announce", saved->arp_announce, err, errlen) < 0)
		return -1;
	return 0;
}

/* The VMAC's own settings, made while it is still down: nothing may leave it before they hold. */
static int vmac_sysctls(int af, const char *name, char *err, size_t errlen)
{
	static const struct {
		int af; /* family of the instance the setting is for; 0 for both */
		int tree;
		const char *key;
		int val;
	} set[] = {
	    /* Answer ARP only for addresses on the VMAC, never the parent's (keepalived #2352). */
	    {0, AF_INET, "arp_ignore", 1},
	    /* Traffic to a VIP arrives here while the route back points at the parent. */
	    {AF_INET, AF_INET, "accept_local", 1},
	    {AF_INET, AF_INET, "rp_filter", 0},
	    /* Deleting the first VIP of a subnet must not take the others with it. */
	    {AF_INET, AF_INET, "promote_secondaries", 1},
	    /* An IPv4 VMAC has no use for IPv6: no link-local, RS or MLD from the shared MAC. */
	    {AF_INET, AF_INET6, "disable_ipv6", 1},
	    /* An IPv6 VMAC takes no router advertisements (no SLAAC, no default route, no RS). */
	    {AF_INET6, AF_INET6, "accept_ra", 0},
	};

	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		if (set[i].af && set[i].af != af)
			continue;
		if (vmac_sysctl_set(set[i].tree, name, set[i].key, set[i].val, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* --- links ----------------------------------------------------------------- */

/* Look name up: 1 with *link set, 0 when there is none, -1 with a reason. */
static int get_link(struct vmac_nl *v, const char *name, struct rtnl_link **link, char *err,
                    size_t errlen)
{
	int r = rtnl_link_get_kernel(v->sk, 0, name, link);

	if (r == 0)
		return 1;
	if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
		return 0;
	snprintf(err, errlen, "look up %s: %s", name, nl_geterror(r));
	return -1;
}

static bool link_is_macvlan(struct rtnl_link *link)
{
	const char *type = rtnl_link_get_type(link);

	return type && strcmp(type, "macvlan") == 0;
}

static bool link_is_ours(struct rtnl_link *link)
{
	const char *alias = rtnl_link_get_ifalias(link);

	return link_is_macvlan(link) && alias && strcmp(alias, VMAC_ALIAS) == 0;
}

/* A macvlan a vipd without the alias made: the default name with the virtual MAC of (af, vrid).
 * legacy_af is 0 when there is no such case (a name from the config, or a stop). */
static bool link_is_legacy(struct rtnl_link *link, int legacy_af, uint8_t vrid, const char *name)
{
	struct nl_addr *a = rtnl_link_get_addr(link);
	char def[IF_NAMESIZE];
	uint8_t mac[6];

	if (!legacy_af || !link_is_macvlan(link) || !a || nl_addr_get_len(a) != 6)
		return false;
	config_vmac_name(legacy_af, vrid, def);
	vmac_mac(legacy_af, vrid, mac);
	return strcmp(name, def) == 0 && memcmp(nl_addr_get_binary_addr(a), mac, 6) == 0;
}

/* Delete the link called name if vipd made it (see vmac_delete); legacy_af as link_is_legacy. */
static int delete_ours(struct vmac_nl *v, const char *name, int legacy_af, uint8_t vrid, char *err,
                       size_t errlen)
{
	struct rtnl_link *link = NULL;
	int r = get_link(v, name, &link, err, errlen);

	if (r <= 0)
		return r;
	if (!link_is_macvlan(link)) {
		snprintf(err, errlen, "%s exists and is not a macvlan: left alone", name);
		rtnl_link_put(link);
		return -1;
	}
	if (!link_is_ours(link) && !link_is_legacy(link, legacy_af, vrid, name)) {
		snprintf(err, errlen, "%s exists and is a macvlan vipd did not create: left alone",
		         name);
		rtnl_link_put(link);
		return -1;
	}
	r = rtnl_link_delete(v->sk, link);
	rtnl_link_put(link);
	if (r < 0 && r != -NLE_OBJ_NOTFOUND && r != -NLE_NODEV) {
		snprintf(err, errlen, "delete %s: %s", name, nl_geterror(r));
		return -1;
	}
	return 0;
}

int vmac_list_ours(struct vmac_nl *v, char (**names)[IF_NAMESIZE], size_t *n, char *err,
                   size_t errlen)
{
	struct nl_cache *cache = NULL;
	char(*list)[IF_NAMESIZE] = NULL;
	size_t count = 0;
	int r = rtnl_link_alloc_cache(v->sk, AF_UNSPEC, &cache);

	if (r < 0) {
		snprintf(err, errlen, "list links: %s", nl_geterror(r));
		return -1;
	}
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *link = (struct rtnl_link *)o;
		char(*more)[IF_NAMESIZE];

		if (!link_is_ours(link) || !rtnl_link_get_name(link))
			continue;
		more = realloc(list, (count + 1) * sizeof(*list));
		if (!more) {
			snprintf(err, errlen, "list links: out of memory");
			free(list);
			nl_cache_free(cache);
			errno = ENOMEM;
			return -1;
		}
		list = more;
		snprintf(list[count++], IF_NAMESIZE, "%s", rtnl_link_get_name(link));
	}
	nl_cache_free(cache);
	*names = list;
	*n = count;
	return 0;
}

int vmac_delete(struct vmac_nl *v, const char *name, char *err, size_t errlen)
{
	return delete_ours(v, name, 0, 0, err, errlen);
}

/* Apply changes to the link name (ifindex); 0 or -1 with a reason naming what. */
static int change_link(struct vmac_nl *v, int ifindex, struct rtnl_link *changes, const char *name,
                       const char *what, char *err, size_t errlen)
{
	struct rtnl_link *orig = rtnl_link_alloc();
	int r;

	if (!orig) {
		snprintf(err, errlen, "%s %s: out of memory", what, name);
		return -1;
	}
	rtnl_link_set_ifindex(orig, ifindex);
	r = rtnl_link_change(v->sk, orig, changes, 0);
	rtnl_link_put(orig);
	if (r < 0) {
		snprintf(err, errlen, "%s %s: %s", what, name, nl_geterror(r));
		return -1;
	}
	return 0;
}

/* Set the link ifindex (called name) up; 0 or -1 with a reason. */
static int set_up(struct vmac_nl *v, int ifindex, const char *name, char *err, size_t errlen)
{
	struct rtnl_link *changes = rtnl_link_alloc();
	int r;

	if (!changes) {
		snprintf(err, errlen, "bring up %s: out of memory", name);
		return -1;
	}
	rtnl_link_set_flags(changes, IFF_UP);
	r = change_link(v, ifindex, changes, name, "bring up", err, errlen);
	rtnl_link_put(changes);
	return r;
}

/* The index of vipd's macvlan called name: > 0, or -1 with a reason (also when it is absent, or
 * someone else's). */
static int macvlan_index(struct vmac_nl *v, const char *name, char *err, size_t errlen)
{
	struct rtnl_link *link = NULL;
	int r = get_link(v, name, &link, err, errlen), ifindex;

	if (r <= 0) {
		if (r == 0)
			snprintf(err, errlen, "%s: no such interface", name);
		return -1;
	}
	ifindex = link_is_ours(link) ? rtnl_link_get_ifindex(link) : -1;
	rtnl_link_put(link);
	if (ifindex < 0)
		snprintf(err, errlen, "%s is not a macvlan vipd created: left alone", name);
	return ifindex;
}

int vmac_up(struct vmac_nl *v, const char *name, char *err, size_t errlen)
{
	int ifindex = macvlan_index(v, name, err, errlen);

	return ifindex < 0 ? -1 : set_up(v, ifindex, name, err, errlen);
}

int vmac_flush(const char *name, char *err, size_t errlen)
{
	/* Disabling IPv6 removes the addresses with the MLD state (the pending reports are
	 * cancelled, nothing is sent); enabling it again keeps addrgenmode none and accept_ra. No
	 * link event. */
	if (vmac_sysctl_set(AF_INET6, name, "disable_ipv6", 1, err, errlen) < 0)
		return -1;
	return vmac_sysctl_set(AF_INET6, name, "disable_ipv6", 0, err, errlen);
}

/* Add the macvlan; returns its ifindex or -1. */
static int add_macvlan(struct vmac_nl *v, const char *name, const uint8_t mac[6],
                       unsigned parent_ifindex, char *err, size_t errlen)
{
	struct rtnl_link *link = rtnl_link_macvlan_alloc(), *made = NULL;
	struct nl_addr *addr = nl_addr_build(AF_LLC, mac, 6);
	int r = -NLE_NOMEM, ifindex;

	if (link && addr) {
		rtnl_link_set_name(link, name);
		rtnl_link_set_link(link, (int)parent_ifindex);
		rtnl_link_set_addr(link, addr);
		r = rtnl_link_macvlan_set_mode(link, MACVLAN_MODE_BRIDGE);
		if (r == 0)
			r = rtnl_link_add(v->sk, link, NLM_F_CREATE | NLM_F_EXCL);
	}
	if (addr)
		nl_addr_put(addr);
	if (link)
		rtnl_link_put(link);
	if (r < 0) {
		snprintf(err, errlen, "create %s (macvlan on ifindex %u): %s", name, parent_ifindex,
		         nl_geterror(r));
		return -1;
	}
	r = get_link(v, name, &made, err, errlen);
	if (r <= 0) {
		if (r == 0)
			snprintf(err, errlen, "create %s: gone right after its creation", name);
		return -1;
	}
	ifindex = rtnl_link_get_ifindex(made);
	rtnl_link_put(made);
	return ifindex;
}

int vmac_create(struct vmac_nl *v, int af, uint8_t vrid, const char *name, unsigned parent_ifindex,
                char *err, size_t errlen)
{
	uint8_t mac[6];
	struct rtnl_link *changes;
	int ifindex, r = 0;

	vmac_mac(af, vrid, mac);
	/* One left by a crashed run holds stale VIPs and maybe another parent: start afresh. */
	if (delete_ours(v, name, af, vrid, err, errlen) < 0)
		return -1;
	ifindex = add_macvlan(v, name, mac, parent_ifindex, err, errlen);
	if (ifindex < 0)
		return -1;

	/* The kernel ignores IFLA_IFALIAS in a creation: the mark is a change of its own. */
	changes = rtnl_link_alloc();
	if (changes) {
		rtnl_link_set_ifalias(changes, VMAC_ALIAS);
		r = change_link(v, ifindex, changes, name, "mark", err, errlen);
		rtnl_link_put(changes);
	} else {
		snprintf(err, errlen, "mark %s: out of memory", name);
		r = -1;
	}
	if (r == 0 && af == AF_INET6) {
		/* RFC 9568 7.4 / VRRP-NOTES: never a link-local derived from the shared MAC. */
		changes = rtnl_link_alloc();
		r = changes ? rtnl_link_inet6_set_addr_gen_mode(changes, IN6_ADDR_GEN_MODE_NONE)
		            : -NLE_NOMEM;
		if (r < 0)
			snprintf(err, errlen, "addrgenmode none on %s: %s", name, nl_geterror(r));
		else
			r = change_link(v, ifindex, changes, name, "addrgenmode none on", err,
			                errlen);
		if (changes)
			rtnl_link_put(changes);
	}
	if (r == 0)
		r = vmac_sysctls(af, name, err, errlen);
	if (r == 0)
		r = set_up(v, ifindex, name, err, errlen);
	if (r < 0) {
		/* Half set up is worse than absent: it could answer ARP with the shared MAC. */
		struct rtnl_link *made = rtnl_link_alloc();

		if (made) {
			rtnl_link_set_ifindex(made, ifindex);
			(void)rtnl_link_delete(v->sk, made);
			rtnl_link_put(made);
		}
		return -1;
	}
	return ifindex;
}
