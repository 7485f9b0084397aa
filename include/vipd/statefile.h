/* statefile: what vipd keeps across its own restarts (the instances an operator demoted), one
 * small JSON file in state_dir, {"version": 1, "demoted": ["NAME", ...]}, read with json-c and
 * replaced atomically (temporary file, fsync, rename). Never logs: errors come back as text. */
#ifndef VIPD_STATEFILE_H
#define VIPD_STATEFILE_H

#include <stdbool.h>
#include <stddef.h>

/* The file's name inside state_dir. */
#define STATEFILE_NAME "state.json"
/* A larger file is refused as corrupt (a few thousand names fit). */
#define STATEFILE_MAX_BYTES (256 * 1024)

/* The kept state: names of the demoted instances. */
struct statefile {
	char **demoted;
	size_t ndemoted;
};

/* Write dir/STATEFILE_NAME into buf. -1 when it does not fit. */
int statefile_path(const char *dir, char *buf, size_t len);

/* Read path into sf (empty on error). A missing file is an empty state (0); an unreadable or
 * corrupt one is -1 with a reason in err. */
int statefile_read(const char *path, struct statefile *sf, char *err, size_t errlen);

/* The text statefile_write writes for sf (malloc'd; NULL when out of memory). */
char *statefile_format(const struct statefile *sf);

/* Replace path with sf atomically: PATH.tmp written, fsync'd, renamed over path, folder fsync'd.
 * -1 with a reason (the old file, if any, is left as it was). */
int statefile_write(const char *path, const struct statefile *sf, char *err, size_t errlen);

/* Append name to sf's demoted list. -1 when out of memory. */
int statefile_add(struct statefile *sf, const char *name);

/* True when sf lists name as demoted. */
bool statefile_demoted(const struct statefile *sf, const char *name);

/* Free sf's lists and empty it. */
void statefile_clear(struct statefile *sf);

#endif
