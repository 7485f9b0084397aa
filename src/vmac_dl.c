/* vmac_dl: dlopen libnl-route-3 at the first VMAC (see include/vipd/vmac_dl.h for why). */
#include "build_config.h"

#define VMAC_DL_IMPLEMENTATION 1
#include "vipd/dlsyms.h"
#include "vipd/vmac_dl.h"

struct vmac_dl vmac_dl;

#define SYM(name) DLSYMS_ENTRY(struct vmac_dl, name, #name)
static const struct dlsyms_entry syms[] = {
    SYM(nl_addr_build),
    SYM(nl_addr_get_binary_addr),
    SYM(nl_addr_get_len),
    SYM(nl_addr_put),
    SYM(nl_cache_free),
    SYM(nl_cache_get_first),
    SYM(nl_cache_get_next),
    SYM(nl_connect),
    SYM(nl_geterror),
    SYM(nl_socket_alloc),
    SYM(nl_socket_free),
    SYM(rtnl_link_add),
    SYM(rtnl_link_alloc),
    SYM(rtnl_link_alloc_cache),
    SYM(rtnl_link_change),
    SYM(rtnl_link_delete),
    SYM(rtnl_link_get_addr),
    SYM(rtnl_link_get_ifalias),
    SYM(rtnl_link_get_ifindex),
    SYM(rtnl_link_get_kernel),
    SYM(rtnl_link_get_name),
    SYM(rtnl_link_get_type),
    SYM(rtnl_link_inet6_set_addr_gen_mode),
    SYM(rtnl_link_macvlan_alloc),
    SYM(rtnl_link_macvlan_set_mode),
    SYM(rtnl_link_put),
    SYM(rtnl_link_set_addr),
    SYM(rtnl_link_set_flags),
    SYM(rtnl_link_set_ifalias),
    SYM(rtnl_link_set_ifindex),
    SYM(rtnl_link_set_link),
    SYM(rtnl_link_set_name),
};

int vmac_dl_load(char *err, size_t errlen)
{
	static void *handle;
	struct vmac_dl loaded;

	if (handle)
		return 0;
	/* The soname of the libnl-route-3 the headers came with, found by configure; the dynamic
	 * loader brings in libnl-3, its dependency, and dlsym looks there too. */
	handle = dlsyms_load(LIBNL_ROUTE_SONAME, "libnl-route-3", syms,
	                     sizeof(syms) / sizeof(syms[0]), &loaded, err, errlen);
	if (!handle)
		return -1;
	vmac_dl = loaded;
	return 0;
}
