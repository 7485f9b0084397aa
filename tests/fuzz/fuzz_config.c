/* libFuzzer harness for the config parser (config.c and its key modules). The input is a config
 * file, written to a memfd and read by config_load through /proc/self/fd. A rejected file has at
 * least one error line naming the file; an accepted one prints (config_print) to a text that loads
 * back to the same instances and prints to the very same text again. @include is skipped: it
 * would read other files. */
#include "build_config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "vipd/config.h"

static int fd = -1;
static char path[64];

/* Load text from the memfd; errors go to errs. */
static struct vipd_config *load(const void *text, size_t len, struct config_errors *errs)
{
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, text, len, 0) == (ssize_t)len);
	return config_load(path, errs);
}

static char *print(const struct vipd_config *cfg, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	CHECK(f);
	config_print(cfg, f);
	CHECK(fclose(f) == 0);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_errors errs = {0};
	struct vipd_config *cfg, *again;
	char *text, *text2;
	size_t len, len2;

	if (size > 64 * 1024 || memmem(data, size, "@include", 8))
		return 0;
	if (fd < 0) {
		fd = memfd_create("fuzz-config", MFD_CLOEXEC);
		CHECK(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	cfg = load(data, size, &errs);
	if (!cfg) {
		CHECK(errs.n > 0);
		for (size_t i = 0; i < errs.n; i++)
			CHECK(strncmp(errs.lines[i], path, strlen(path)) == 0);
		config_errors_clear(&errs);
		return 0;
	}
	CHECK(errs.n == 0);
	CHECK(cfg->ninstances > 0);
	text = print(cfg, &len);
	again = load(text, len, &errs);
	if (!again) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.lines[i]);
		fprintf(stderr, "--- printed:\n%s", text);
		CHECK(again);
	}
	CHECK(again->ninstances == cfg->ninstances);
	for (size_t i = 0; i < cfg->ninstances; i++)
		CHECK(config_instance_equal(&cfg->instances[i], &again->instances[i]));
	text2 = print(again, &len2);
	CHECK(len2 == len && memcmp(text, text2, len) == 0);
	free(text);
	free(text2);
	config_free(again);
	config_free(cfg);
	return 0;
}
