/* vmac: virtual MAC interfaces with libnl-route-3. A VMAC is a macvlan in
 * bridge mode on the instance's interface, named by the config (default "vrrp.VRID" or
 * "vrrp6.VRID", config_vmac_name), with the MAC 00:00:5e:00:01:VRID / 00:00:5e:00:02:VRID
 * (RFC 9568 7.3), and the ifalias "vipd VMAC" that marks it as vipd's. Also the per-interface
 * sysctls that make ARP answer from the VMAC only. Returns -1 and a reason; never logs. */
#ifndef VIPD_VMAC_H
#define VIPD_VMAC_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

struct vmac_nl;

/* The virtual MAC of (af, vrid): 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6). */
void vmac_mac(int af, uint8_t vrid, uint8_t mac[6]);

/* Open a libnl route socket of our own for VMAC changes. NULL with a reason in err. */
struct vmac_nl *vmac_open(char *err, size_t errlen);

/* Close the socket and free. NULL is fine. */
void vmac_close(struct vmac_nl *v);

/* Create the VMAC name of (af, vrid) on the interface parent_ifindex, first deleting a macvlan of
 * that name left by an earlier run: one with vipd's ifalias, or (made by a vipd before the alias)
 * the default name with the virtual MAC; anything else of that name is an error, never touched.
 * Before it
 * goes up: arp_ignore=1 on it (it answers ARP only for addresses it holds); IPv4 also
 * accept_local=1, rp_filter=0, promote_secondaries=1 and IPv6 disabled; IPv6 addrgenmode none and
 * accept_ra=0, so it holds no link-local derived from the shared MAC and sends nothing of its own.
 * Returns the new ifindex, or -1 with a reason. */
int vmac_create(struct vmac_nl *v, int af, uint8_t vrid, const char *name, unsigned parent_ifindex,
                char *err, size_t errlen);

/* The names of the macvlans vipd created (its ifalias) in *names (free it), their count in *n.
 * 0, or -1 with a reason. */
int vmac_list_ours(struct vmac_nl *v, char (**names)[IF_NAMESIZE], size_t *n, char *err,
                   size_t errlen);

/* Bring vipd's macvlan called name up (someone set it down); another's is left alone. 0 or -1
 * with a reason. */
int vmac_up(struct vmac_nl *v, const char *name, char *err, size_t errlen);

/* Drop every IPv6 address of the interface name without a packet: deleting them one by one makes
 * the kernel send MLD reports (here from the virtual MAC); disabling IPv6 for an instant (sysctl
 * disable_ipv6 1, then 0) removes them silently and keeps the link up. 0 or -1 with a reason. */
int vmac_flush(const char *name, char *err, size_t errlen);

/* Delete the macvlan called name if vipd created it (its ifalias says so). 0 when deleted or
 * absent; -1 with a reason (also when name is not a macvlan, or not vipd's: it is left alone). */
int vmac_delete(struct vmac_nl *v, const char *name, char *err, size_t errlen);

/* Read /proc/sys/net/{ipv4,ipv6}/conf/IFNAME/KEY (af picks the tree). 0 or -1 with a reason. */
int vmac_sysctl_get(int af, const char *ifname, const char *key, int *val, char *err,
                    size_t errlen);

/* Write VAL to /proc/sys/net/{ipv4,ipv6}/conf/IFNAME/KEY. 0 or -1 with a reason. */
int vmac_sysctl_set(int af, const char *ifname, const char *key, int val, char *err, size_t errlen);

/* Use root instead of "/proc/sys" for the sysctl files (unit tests). NULL restores the default. */
void vmac_sysctl_root(const char *root);

/* The parent's ARP settings before vmac_parent_setup changed them. */
struct vmac_parent_saved {
	int arp_ignore;
	int arp_filter;
	int arp_announce;
};

/* Make the parent of IPv4 VMACs answer ARP only for its own addresses (arp_ignore=1,
 * arp_filter=1, as keepalived does) and name its own address, never a VIP, as the sender of the
 * ARP requests it sends (arp_announce=2): neighbours learn the VIP only with the virtual MAC.
 * The old values go to *saved unless saved is NULL. 0 or -1 with a reason. */
int vmac_parent_setup(const char *parent, struct vmac_parent_saved *saved, char *err,
                      size_t errlen);

/* Put the parent's saved ARP settings back. 0 or -1 with a reason. */
int vmac_parent_restore(const char *parent, const struct vmac_parent_saved *saved, char *err,
                        size_t errlen);

#endif
