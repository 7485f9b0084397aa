/* net_vrrp_md5: dlopen nettle with the first AH socket and hand its HMAC-MD5 to vrrp_ah, which
 * is pure and cannot load it itself (see include/vipd/vrrp_ah.h for why it is not linked). */
#include "build_config.h"

#include <dlfcn.h>
#include <stdio.h>

#include "vipd/net_vrrp_md5.h"
#include "vipd/vrrp_ah.h"

int net_vrrp_md5_load(char *err, size_t errlen)
{
	static void *handle;
	struct vrrp_ah_md5 m;

	if (handle)
		return 0;
	/* The soname of the nettle the headers came with, found by configure. */
	handle = dlopen(LIBNETTLE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(err, errlen, "cannot load nettle (HMAC-MD5 for AH): %s", dlerror());
		return -1;
	}
	/* POSIX: dlsym data pointers convert to function pointers of the same size. */
	*(void **)&m.set_key = dlsym(handle, "nettle_hmac_md5_set_key");
	*(void **)&m.update = dlsym(handle, "nettle_hmac_md5_update");
	*(void **)&m.digest = dlsym(handle, "nettle_hmac_md5_digest");
	if (!m.set_key || !m.update || !m.digest) {
		snprintf(err, errlen, "nettle has no HMAC-MD5");
		dlclose(handle);
		handle = NULL;
		return -1;
	}
	vrrp_ah_set_md5(&m);
	return 0;
}
