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

enum track_file_read track_file_zero(enum track_file_read r, bool settled, long *value)
{
	/* keepalived reads a file it cannot open, and one without digits, as 0 (strtol) */
	if (r == TRACK_FILE_MISSING || (r == TRACK_FILE_GARBLED && settled)) {
		*value = 0;
		return TRACK_FILE_VALUE;
	}
	/* Empty or half written a moment ago: the writer may be at work (keepalived reads only
	 * at a close, vipd also every interval), so no 0 until it has settled. */
	return r == TRACK_FILE_GARBLED ? TRACK_FILE_PENDING : r;
}

int track_file_update(struct track_file_state *st, enum track_file_read r, long value,
                      unsigned rise, unsigned fall)
{
	bool was_up = st->up, changed;
	long old = st->value;

	if (r == TRACK_FILE_PENDING || (r == TRACK_FILE_GARBLED && st->have_value))
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
