/* curl_dl: libcurl loaded at the first HTTP check instead of linked. libcurl
 * pulls in some thirty libraries (TLS, Kerberos, LDAP...) whose pages would
 * triple the resident memory of every vipd, most of which run no HTTP check.
 * Include this instead of <curl/curl.h>: the curl_* calls it names go through
 * the pointers curl_dl_load fills. */
#ifndef VIPD_CURL_DL_H
#define VIPD_CURL_DL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

/* The libcurl entry points vipd uses. */
struct curl_dl {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_free) *free;
	__typeof__(curl_multi_init) *multi_init;
	__typeof__(curl_multi_setopt) *multi_setopt;
	__typeof__(curl_multi_add_handle) *multi_add_handle;
	__typeof__(curl_multi_remove_handle) *multi_remove_handle;
	__typeof__(curl_multi_assign) *multi_assign;
	__typeof__(curl_multi_socket_action) *multi_socket_action;
	__typeof__(curl_multi_info_read) *multi_info_read;
	__typeof__(curl_multi_cleanup) *multi_cleanup;
	__typeof__(curl_multi_strerror) *multi_strerror;
	__typeof__(curl_url) *url;
	__typeof__(curl_url_get) *url_get;
	__typeof__(curl_url_set) *url_set;
	__typeof__(curl_url_cleanup) *url_cleanup;
};

/* Filled by curl_dl_load; every pointer is set once it returned 0. */
extern struct curl_dl curl_dl;

/* Load libcurl (once; later calls return at once). 0, or -1 with the reason in err. */
int curl_dl_load(char *err, size_t errlen);

#ifndef CURL_DL_IMPLEMENTATION
/* curl.h wraps these three in function-like macros that insist on three arguments. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_global_init curl_dl.global_init
#define curl_easy_init curl_dl.easy_init
#define curl_easy_setopt curl_dl.easy_setopt
#define curl_easy_getinfo curl_dl.easy_getinfo
#define curl_easy_cleanup curl_dl.easy_cleanup
#define curl_easy_strerror curl_dl.easy_strerror
#define curl_free curl_dl.free
#define curl_multi_init curl_dl.multi_init
#define curl_multi_setopt curl_dl.multi_setopt
#define curl_multi_add_handle curl_dl.multi_add_handle
#define curl_multi_remove_handle curl_dl.multi_remove_handle
#define curl_multi_assign curl_dl.multi_assign
#define curl_multi_socket_action curl_dl.multi_socket_action
#define curl_multi_info_read curl_dl.multi_info_read
#define curl_multi_cleanup curl_dl.multi_cleanup
#define curl_multi_strerror curl_dl.multi_strerror
#define curl_url curl_dl.url
#define curl_url_get curl_dl.url_get
#define curl_url_set curl_dl.url_set
#define curl_url_cleanup curl_dl.url_cleanup
#endif

#endif
