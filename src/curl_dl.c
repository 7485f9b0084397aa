/* curl_dl: dlopen libcurl on first use (see include/vipd/curl_dl.h for why). */
#include "build_config.h"

#define CURL_DL_IMPLEMENTATION 1
#include "vipd/curl_dl.h"
#include "vipd/dlsyms.h"

struct curl_dl curl_dl;

#define SYM(field, name) DLSYMS_ENTRY(struct curl_dl, field, name)
static const struct dlsyms_entry syms[] = {
    SYM(global_init, "curl_global_init"),
    SYM(easy_init, "curl_easy_init"),
    SYM(easy_setopt, "curl_easy_setopt"),
    SYM(easy_getinfo, "curl_easy_getinfo"),
    SYM(easy_cleanup, "curl_easy_cleanup"),
    SYM(easy_strerror, "curl_easy_strerror"),
    SYM(free, "curl_free"),
    SYM(multi_init, "curl_multi_init"),
    SYM(multi_setopt, "curl_multi_setopt"),
    SYM(multi_add_handle, "curl_multi_add_handle"),
    SYM(multi_remove_handle, "curl_multi_remove_handle"),
    SYM(multi_assign, "curl_multi_assign"),
    SYM(multi_socket_action, "curl_multi_socket_action"),
    SYM(multi_info_read, "curl_multi_info_read"),
    SYM(multi_cleanup, "curl_multi_cleanup"),
    SYM(multi_strerror, "curl_multi_strerror"),
    SYM(url, "curl_url"),
    SYM(url_get, "curl_url_get"),
    SYM(url_set, "curl_url_set"),
    SYM(url_cleanup, "curl_url_cleanup"),
};

int curl_dl_load(char *err, size_t errlen)
{
	static void *handle;
	struct curl_dl loaded;

	if (handle)
		return 0;
	/* The soname of the libcurl the headers came with, found by configure. */
	handle = dlsyms_load(LIBCURL_SONAME, "libcurl", syms, sizeof(syms) / sizeof(syms[0]),
	                     &loaded, err, errlen);
	if (!handle)
		return -1;
	curl_dl = loaded;
	return 0;
}
