/* Shared by the libFuzzer harnesses: the entry point libFuzzer calls, and CHECK, which aborts
 * (a crash libFuzzer reports with the input) when a property of the code under test fails. */
#ifndef VIPD_FUZZ_H
#define VIPD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			abort();                                                                   \
	} while (0)

#endif
