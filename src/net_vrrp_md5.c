/* net_vrrp_md5: dlopen nettle with the first AH socket and hand its HMAC-MD5 to vrrp_ah, which
 * is pure and cannot load it itself (see include/vipd/vrrp_ah.h for why it is not linked). */
#include "build_config.h"

#include "vipd/dlsyms.h"
#include "vipd/net_vrrp_md5.h"
#include "vipd/vrrp_ah.h"

static const struct dlsyms_entry syms[] = {
    DLSYMS_ENTRY(struct vrrp_ah_md5, set_key, "nettle_hmac_md5_set_key"),
    DLSYMS_ENTRY(struct vrrp_ah_md5, update, "nettle_hmac_md5_update"),
    DLSYMS_ENTRY(struct vrrp_ah_md5, digest, "nettle_hmac_md5_digest"),
};

int net_vrrp_md5_load(char *err, size_t errlen)
{
	static void *handle;
	struct vrrp_ah_md5 m;

	if (handle)
		return 0;
	/* The soname of the nettle the headers came with, found by configure. */
	handle = dlsyms_load(LIBNETTLE_SONAME, "nettle (HMAC-MD5 for AH)", syms,
	                     sizeof(syms) / sizeof(syms[0]), &m, err, errlen);
	if (!handle)
		return -1;
	vrrp_ah_set_md5(&m);
	return 0;
}
