/* net_vrrp_md5: nettle (HMAC-MD5, auth_type = "ah") loaded with the first AH socket instead of
 * linked, and handed to vrrp_ah (vrrp_ah_set_md5): a vipd without AH does not map it. */
#ifndef VIPD_NET_VRRP_MD5_H
#define VIPD_NET_VRRP_MD5_H

#include <stddef.h>

/* Load nettle and hand its HMAC-MD5 to vrrp_ah (once; later calls return at once). 0, or -1 with
 * the reason in err. */
int net_vrrp_md5_load(char *err, size_t errlen);

#endif
