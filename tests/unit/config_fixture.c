/* Test helper for the config tests (see config_fixture.h). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_fixture.h"

struct vipd_config *config_fixture_load(const char *text, char **msgs)
{
	char path[] = "/tmp/vipd-test-config-XXXXXX";
	struct config_errors errs = {0};
	struct vipd_config *cfg;
	size_t size = 0;
	FILE *out;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cfg = config_load(path, &errs);
	out = open_memstream(msgs, &size);
	assert_non_null(out);
	for (size_t i = 0; i < errs.n; i++) {
		assert_memory_equal(errs.lines[i], path, strlen(path));
		fprintf(out, "%s%s", i ? "\n" : "", errs.lines[i] + strlen(path) + 1);
	}
	fclose(out);
	config_errors_clear(&errs);
	unlink(path);
	assert_true((cfg == NULL) == (size > 0));
	return cfg;
}

struct vipd_config *config_fixture_load_top(const char *top, char **msgs)
{
	char text[1024];

	assert_true((size_t)snprintf(text, sizeof(text),
	                             "%s\ninstances = ( { name = \"web\"; interface = \"eth0\"; "
	                             "vrid = 51; virtual_addresses = [ \"198.18.0.100\" ]; } );\n",
	                             top) < sizeof(text));
	return config_fixture_load(text, msgs);
}

void config_fixture_bad_top(const char *top, const char *want)
{
	char *msgs;
	struct vipd_config *cfg = config_fixture_load_top(top, &msgs);

	assert_null(cfg);
	assert_string_equal(msgs, want);
	free(msgs);
}

struct vipd_config *config_fixture_reprint(const struct vipd_config *cfg)
{
	char *text = NULL, *msgs;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct vipd_config *again;

	assert_non_null(f);
	config_print(cfg, f);
	fclose(f);
	again = config_fixture_load(text, &msgs);
	if (!again)
		fail_msg("%s\n%s", text, msgs);
	free(text);
	free(msgs);
	return again;
}

void config_fixture_round_trip(const struct vipd_config *cfg)
{
	struct vipd_config *again = config_fixture_reprint(cfg);

	assert_int_equal(again->ninstances, cfg->ninstances);
	for (size_t i = 0; i < cfg->ninstances; i++)
		if (!config_instance_equal(&cfg->instances[i], &again->instances[i]))
			fail_msg("instance %zu differs after a round trip", i);
	config_free(again);
}
