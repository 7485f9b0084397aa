/* track_file: a file check's reads (see track_file.h). */
#include "build_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/track.h"
#include "vipd/track_file.h"

enum track_file_read track_file_parse(const char *buf, size_t len, long *value)
{
	char text[64], *end;
	long v;

	if (len >= sizeof(text))
		return TRACK_FILE_GARBLED;
	memcpy(text, buf, len);
	text[len] = '\0';
	errno = 0;
	v = strtol(text, &end, 10);
	if (end == text || errno) /* no digits (also a blank line), or out of range */
		return TRACK_FILE_GARBLED;
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (end != text + len) /* something else after it, also a NUL */
		return TRACK_FILE_GARBLED;
	*value = v;
	return TRACK_FILE_VALUE;
}

int track_file_update(struct track_file_state *st, enum track_file_read r, long value,
                      unsigned rise, unsigned fall)
{
	bool was_up = st->up, changed;
	long old = st->value;

	if (r == TRACK_FILE_GARBLED && st->have_value)
		return -1; /* a writer is at work, or wrote garbage: keep what we had */
	if (r == TRACK_FILE_VALUE) {
		st->value = value;
		st->have_value = true;
	}
	changed = track_hysteresis(&st->up, &st->successes, &st->failures, r == TRACK_FILE_VALUE,
	                           rise, fall);
	if (changed)
		return st->up ? TRACK_UP : TRACK_DOWN;
	if (was_up && st->up && r == TRACK_FILE_VALUE && old != value)
		return TRACK_VALUE;
	return -1;
}
