/* libFuzzer harness for track_file.c. The input is a file check's content: what
 * track_file_parse accepts prints back to an integer it reads again as the same value, what it
 * refuses leaves the value alone; then the input's bytes, read as a series of results, drive
 * track_file_update, which keeps its state consistent: a garbled read never changes it once a
 * value was read, a pending one (missing = "zero": track_file_zero) never. */
#include "build_config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "vipd/track.h"
#include "vipd/track_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct track_file_state st = {.up = true};
	char text[32];
	long v = 12345, back = 0;

	if (track_file_parse((const char *)data, size, &v) == TRACK_FILE_VALUE) {
		snprintf(text, sizeof(text), "%ld\n", v);
		CHECK(track_file_parse(text, strlen(text), &back) == TRACK_FILE_VALUE && back == v);
	} else {
		CHECK(v == 12345);
	}
	for (size_t i = 0; i < size; i++) {
		struct track_file_state before = st;
		enum track_file_read r = (enum track_file_read)(data[i] % 3);
		long value = (long)(data[i] >> 2);
		int ev;

		if (data[i] & 0x80) /* missing = "zero" */
			r = track_file_zero(r, data[i] & 0x40, &value);
		ev = track_file_update(&st, r, value, 1 + data[i] % 4, 1 + data[i] % 5);

		CHECK(ev == -1 || ev == TRACK_UP || ev == TRACK_DOWN || ev == TRACK_VALUE);
		if ((r == TRACK_FILE_GARBLED && before.have_value) || r == TRACK_FILE_PENDING)
			CHECK(ev == -1 && memcmp(&before, &st, sizeof(st)) == 0);
		if (r == TRACK_FILE_VALUE && (data[i] & 0x80) && data[i] % 3 != TRACK_FILE_VALUE)
			CHECK(st.value == 0); /* the 0 track_file_zero gave */
		if (ev == TRACK_UP)
			CHECK(st.up && !before.up);
		if (ev == TRACK_DOWN)
			CHECK(!st.up && before.up);
	}
	return 0;
}
