/* rttab: the routing table names of iproute2's rt_tables files, parsed from memory as ip(8)
 * reads them: one "NUMBER NAME" per line (NUMBER decimal or 0x hex, 0..4294967295), blank lines
 * and lines starting with '#' skipped, anything after the name ignored; a malformed line ends
 * the file, as ip(8) stops there ("Database ... is corrupted"). Pure; fuzzed. */
#ifndef VIPD_RTTAB_H
#define VIPD_RTTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest table name kept, with its NUL; a longer one makes its line malformed. */
#define RTTAB_NAME_MAX 64

struct rttab_entry {
	uint32_t id;
	char name[RTTAB_NAME_MAX];
};

/* The names read so far, in file order; zero-initialised means empty. */
struct rttab {
	struct rttab_entry *e;
	size_t n, cap;
};

/* Add the entries of one file's text (len bytes, NUL bytes end a line's use) to t. Returns 0,
 * or -1 (errno ENOMEM; t keeps what it had). *bad_line is the line (from 1) of the malformed
 * line the file stopped at, 0 when none. */
int rttab_parse(struct rttab *t, const char *text, size_t len, int *bad_line);

/* The id of the first entry named name (len bytes), as ip(8) resolves it; false if none. */
bool rttab_find(const struct rttab *t, const char *name, size_t len, uint32_t *id);

/* Free t's entries and empty it. */
void rttab_free(struct rttab *t);

#endif
