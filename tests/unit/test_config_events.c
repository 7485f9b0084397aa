/* Unit tests for the top-level `events_ring_size` and `notify_fifo_cause` keys. events_ring_size:
 * the default, a value read and printed back, the default left out of --dump-config, a wrong type
 * and a value out of range with their line. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_fixture.h"
#include "vipd/config.h"
#include "vipd/events.h"

static char *printed(const struct vipd_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	config_print(cfg, f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void default_size(void **state)
{
	char *msgs, *text;
	struct vipd_config *cfg = config_fixture_load_top("", &msgs);

	(void)state;
	assert_non_null(cfg);
	free(msgs);
	assert_int_equal(cfg->events_ring_size, EVENTS_DEFAULT_SIZE);
	assert_int_equal(EVENTS_DEFAULT_SIZE, 4096);
	text = printed(cfg);
	assert_null(strstr(text, "events_ring_size"));
	free(text);
	config_free(cfg);
}

static void value_and_round_trip(void **state)
{
	char *msgs, *text;
	struct vipd_config *cfg = config_fixture_load_top("events_ring_size = 16;", &msgs), *again;

	(void)state;
	assert_non_null(cfg);
	free(msgs);
	assert_int_equal(cfg->events_ring_size, 16);
	text = printed(cfg);
	assert_non_null(strstr(text, "\nevents_ring_size = 16;\n"));
	free(text);
	again = config_fixture_reprint(cfg);
	assert_int_equal(again->events_ring_size, 16);
	config_free(again);
	config_free(cfg);
	cfg = config_fixture_load_top("events_ring_size = 1048576;", &msgs);
	assert_non_null(cfg);
	free(msgs);
	assert_int_equal(cfg->events_ring_size, EVENTS_MAX_SIZE);
	config_free(cfg);
}

static void errors_name_the_line(void **state)
{
	(void)state;
	config_fixture_bad_top("events_ring_size = 15;",
	                       "1: events_ring_size: 15 is out of range 16..1048576");
	config_fixture_bad_top("events_ring_size = 1048577;",
	                       "1: events_ring_size: 1048577 is out of range 16..1048576");
	config_fixture_bad_top("events_ring_size = \"big\";",
	                       "1: events_ring_size: expected an integer, got a string");
}

/* notify_fifo_cause: off by default and left out of --dump-config, true read and printed back,
 * refused with keepalived's lines (they have no place for it). */
static void fifo_cause_key(void **state)
{
	char *msgs, *text;
	struct vipd_config *cfg = config_fixture_load_top("", &msgs), *again;

	(void)state;
	assert_non_null(cfg);
	free(msgs);
	assert_false(cfg->notify_fifo_cause);
	text = printed(cfg);
	assert_null(strstr(text, "notify_fifo_cause"));
	free(text);
	config_free(cfg);
	cfg = config_fixture_load_top("notify_fifo = \"/run/e\"; notify_fifo_cause = true;", &msgs);
	assert_non_null(cfg);
	free(msgs);
	assert_true(cfg->notify_fifo_cause);
	again = config_fixture_reprint(cfg);
	assert_true(again->notify_fifo_cause);
	config_free(again);
	config_free(cfg);
	config_fixture_bad_top(
	    "notify_fifo_format = \"keepalived\"; notify_fifo_cause = true;",
	    "1: notify_fifo_cause: keepalived's lines have no cause (notify_fifo_format)");
	config_fixture_bad_top("notify_fifo_cause = 1;",
	                       "1: notify_fifo_cause: expected a boolean, got an integer");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(default_size),
	    cmocka_unit_test(value_and_round_trip),
	    cmocka_unit_test(errors_name_the_line),
	    cmocka_unit_test(fifo_cause_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
