/* track_file: what a file check makes of each read of its file, without I/O: the parse, and
 * the count of results that keeps the last value across torn reads. */
#ifndef VIPD_TRACK_FILE_H
#define VIPD_TRACK_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* What one read of a file check found. */
enum track_file_read {
	TRACK_FILE_VALUE,   /* an integer */
	TRACK_FILE_MISSING, /* no file, or it cannot be read */
	TRACK_FILE_GARBLED, /* not an integer: empty, half written, or garbage */
	TRACK_FILE_PENDING, /* missing = "zero": not an integer yet, maybe a write at work */
};

/* Parse len bytes read from a file check: TRACK_FILE_VALUE and *value for an integer with
 * optional surrounding blanks, else TRACK_FILE_GARBLED. */
enum track_file_read track_file_parse(const char *buf, size_t len, long *value);

/* keepalived's reading of a file (a check's missing = "zero"): a missing or unreadable file
 * (r TRACK_FILE_MISSING: the caller keeps a denied one a failure) is TRACK_FILE_VALUE with
 * *value 0, and so is a garbled one once settled (its last write long enough ago); a garbled
 * one not settled is TRACK_FILE_PENDING; a value stays as it is. */
enum track_file_read track_file_zero(enum track_file_read r, bool settled, long *value);

/* The state of a file check that its reads update. */
struct track_file_state {
	bool up;
	unsigned successes, failures;
	long value;      /* the last integer read */
	bool have_value; /* an integer was read since start */
};

/* Count one read into st: an integer is a success and the new value, a missing file a
 * failure (rise/fall as for other checks); a garbled file is no new value: it changes
 * nothing once an integer was read (a failure before); a pending one changes nothing. Returns the
 * track_event to report (TRACK_UP, TRACK_DOWN, or TRACK_VALUE: a new value while up), or -1 for
 * none. */
int track_file_update(struct track_file_state *st, enum track_file_read r, long value,
                      unsigned rise, unsigned fall);

#endif
