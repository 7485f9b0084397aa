/* libFuzzer harness for track_pmatch.c. The input is a proc connector datagram: the decoder
 * stores at most the room it is given, each event a NEW or a GONE of a positive-looking pid
 * it read, and gives the same answer twice; the same bytes read as a command line drive the
 * matcher: a match of the whole line is a match of its first words, and nothing to match by
 * never matches. */
#include "build_config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "vipd/track_pmatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct track_pmatch_event ev[8], again[8];
	size_t max = size ? 1 + data[0] % 8 : 8;
	int n = track_pmatch_decode(data, size, ev, max), m;
	char want[32];
	size_t wl;

	CHECK(n >= -1 && n <= (int)max);
	m = track_pmatch_decode(data, size, again, max);
	CHECK(m == n);
	for (int i = 0; i < n; i++)
		CHECK((ev[i].what == TRACK_PMATCH_NEW || ev[i].what == TRACK_PMATCH_GONE) &&
		      ev[i].pid == again[i].pid);
	/* the first bytes (up to a NUL, at most 31) as the wanted command line */
	wl = strnlen((const char *)data, size < sizeof(want) - 1 ? size : sizeof(want) - 1);
	memcpy(want, data, wl);
	want[wl] = '\0';
	if (wl && track_pmatch(NULL, want, false, "x", (const char *)data, size))
		CHECK(track_pmatch(NULL, want, true, "x", (const char *)data, size));
	CHECK(!track_pmatch(NULL, NULL, true, "x", (const char *)data, size));
	return 0;
}
