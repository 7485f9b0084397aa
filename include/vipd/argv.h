/* argv: split a command line into argv like a shell without expansion. Pure. */
#ifndef VIPD_ARGV_H
#define VIPD_ARGV_H

#include <stddef.h>

/* Split a command line into argv like a shell without expansion (quotes, backslash);
 * NULL-terminated, free with argv_free. -1 with a reason on bad quoting. */
int argv_split(const char *cmd, char ***argv, char *err, size_t errlen);

/* Free an argv from argv_split (NULL is fine). */
void argv_free(char **argv);

#endif
