/* dlsyms: dlopen a library and fill a table of its entry points (see include/vipd/dlsyms.h). */
#include "build_config.h"

#include <dlfcn.h>
#include <stdio.h>

#include "vipd/dlsyms.h"

void *dlsyms_load(const char *soname, const char *what, const struct dlsyms_entry *e, size_t n,
                  void *table, char *err, size_t errlen)
{
	void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!handle) {
		snprintf(err, errlen, "cannot load %s: %s", what, dlerror());
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		void *fn = dlsym(handle, e[i].name);

		if (!fn) {
			snprintf(err, errlen, "%s has no %s", what, e[i].name);
			dlclose(handle);
			return NULL;
		}
		/* POSIX: dlsym data pointers convert to function pointers of the same size. */
		*(void **)((char *)table + e[i].offset) = fn;
	}
	return handle;
}
