/* vmac_dl: libnl-route-3 (and libnl-3, which it needs) loaded at the first VMAC instead of
 * linked. The two map some 0.57 MB into every vipd (measured at 255 instances, issue 13), and
 * only src/vmac.c uses them: a vipd without use_vmac never maps them. Include this instead of
 * the libnl headers: the libnl calls it names go through the pointers vmac_dl_load fills. */
#ifndef VIPD_VMAC_DL_H
#define VIPD_VMAC_DL_H

#include <linux/if_link.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/macvlan.h>
#include <stddef.h>

/* The libnl entry points vmac.c uses. */
struct vmac_dl {
	__typeof__(nl_addr_build) *nl_addr_build;
	__typeof__(nl_addr_get_binary_addr) *nl_addr_get_binary_addr;
	__typeof__(nl_addr_get_len) *nl_addr_get_len;
	__typeof__(nl_addr_put) *nl_addr_put;
	__typeof__(nl_cache_free) *nl_cache_free;
	__typeof__(nl_cache_get_first) *nl_cache_get_first;
	__typeof__(nl_cache_get_next) *nl_cache_get_next;
	__typeof__(nl_connect) *nl_connect;
	__typeof__(nl_geterror) *nl_geterror;
	__typeof__(nl_socket_alloc) *nl_socket_alloc;
	__typeof__(nl_socket_free) *nl_socket_free;
	__typeof__(rtnl_link_add) *rtnl_link_add;
	__typeof__(rtnl_link_alloc) *rtnl_link_alloc;
	__typeof__(rtnl_link_alloc_cache) *rtnl_link_alloc_cache;
	__typeof__(rtnl_link_change) *rtnl_link_change;
	__typeof__(rtnl_link_delete) *rtnl_link_delete;
	__typeof__(rtnl_link_get_addr) *rtnl_link_get_addr;
	__typeof__(rtnl_link_get_ifalias) *rtnl_link_get_ifalias;
	__typeof__(rtnl_link_get_ifindex) *rtnl_link_get_ifindex;
	__typeof__(rtnl_link_get_kernel) *rtnl_link_get_kernel;
	__typeof__(rtnl_link_get_name) *rtnl_link_get_name;
	__typeof__(rtnl_link_get_type) *rtnl_link_get_type;
	__typeof__(rtnl_link_inet6_set_addr_gen_mode) *rtnl_link_inet6_set_addr_gen_mode;
	__typeof__(rtnl_link_macvlan_alloc) *rtnl_link_macvlan_alloc;
	__typeof__(rtnl_link_macvlan_set_mode) *rtnl_link_macvlan_set_mode;
	__typeof__(rtnl_link_put) *rtnl_link_put;
	__typeof__(rtnl_link_set_addr) *rtnl_link_set_addr;
	__typeof__(rtnl_link_set_flags) *rtnl_link_set_flags;
	__typeof__(rtnl_link_set_ifalias) *rtnl_link_set_ifalias;
	__typeof__(rtnl_link_set_ifindex) *rtnl_link_set_ifindex;
	__typeof__(rtnl_link_set_link) *rtnl_link_set_link;
	__typeof__(rtnl_link_set_name) *rtnl_link_set_name;
};

/* Filled by vmac_dl_load; every pointer is set once it returned 0. */
extern struct vmac_dl vmac_dl;

/* Load libnl-route-3 (once; later calls return at once). 0, or -1 with the reason in err. */
int vmac_dl_load(char *err, size_t errlen);

#ifndef VMAC_DL_IMPLEMENTATION
#define nl_addr_build vmac_dl.nl_addr_build
#define nl_addr_get_binary_addr vmac_dl.nl_addr_get_binary_addr
#define nl_addr_get_len vmac_dl.nl_addr_get_len
#define nl_addr_put vmac_dl.nl_addr_put
#define nl_cache_free vmac_dl.nl_cache_free
#define nl_cache_get_first vmac_dl.nl_cache_get_first
#define nl_cache_get_next vmac_dl.nl_cache_get_next
#define nl_connect vmac_dl.nl_connect
#define nl_geterror vmac_dl.nl_geterror
#define nl_socket_alloc vmac_dl.nl_socket_alloc
#define nl_socket_free vmac_dl.nl_socket_free
#define rtnl_link_add vmac_dl.rtnl_link_add
#define rtnl_link_alloc vmac_dl.rtnl_link_alloc
#define rtnl_link_alloc_cache vmac_dl.rtnl_link_alloc_cache
#define rtnl_link_change vmac_dl.rtnl_link_change
#define rtnl_link_delete vmac_dl.rtnl_link_delete
#define rtnl_link_get_addr vmac_dl.rtnl_link_get_addr
#define rtnl_link_get_ifalias vmac_dl.rtnl_link_get_ifalias
#define rtnl_link_get_ifindex vmac_dl.rtnl_link_get_ifindex
#define rtnl_link_get_kernel vmac_dl.rtnl_link_get_kernel
#define rtnl_link_get_name vmac_dl.rtnl_link_get_name
#define rtnl_link_get_type vmac_dl.rtnl_link_get_type
#define rtnl_link_inet6_set_addr_gen_mode vmac_dl.rtnl_link_inet6_set_addr_gen_mode
#define rtnl_link_macvlan_alloc vmac_dl.rtnl_link_macvlan_alloc
#define rtnl_link_macvlan_set_mode vmac_dl.rtnl_link_macvlan_set_mode
#define rtnl_link_put vmac_dl.rtnl_link_put
#define rtnl_link_set_addr vmac_dl.rtnl_link_set_addr
#define rtnl_link_set_flags vmac_dl.rtnl_link_set_flags
#define rtnl_link_set_ifalias vmac_dl.rtnl_link_set_ifalias
#define rtnl_link_set_ifindex vmac_dl.rtnl_link_set_ifindex
#define rtnl_link_set_link vmac_dl.rtnl_link_set_link
#define rtnl_link_set_name vmac_dl.rtnl_link_set_name
#endif

#endif
