/* vipctl_fmt_events and the status line of a cause: the exact text of `vipctl events` lines,
 * the lost line, `vipctl history` and `vipctl status`'s "last change", from canned answers. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_fixture.h"
#include "vipd/vipctl_fmt.h"
#include "vipd/vipctl_fmt_events.h"

static const char state_ev[] =
    "{\"seq\":12,\"run\":\"ab\",\"time\":\"2026-12-06T08:00:00.123456Z\",\"mono\":5.0,"
    "\"instance\":\"web\",\"type\":\"state\",\"old\":\"BACKUP\",\"new\":\"MASTER\",\"cause\":"
    "{\"kind\":\"master_down\",\"from\":\"198.18.0.1\",\"priority\":150,\"interval_ms\":1000,"
    "\"version\":3,\"silence_ms\":3414}}";
static const char prio_ev[] =
    "{\"seq\":13,\"run\":\"ab\",\"time\":\"2026-12-06T08:00:01.000001Z\",\"mono\":6.0,"
    "\"instance\":\"web\",\"type\":\"priority\",\"old\":150,\"new\":90,\"cause\":"
    "{\"kind\":\"check\",\"name\":\"web_ok\",\"detail\":\"http down (status 500)\"}}";

static void title(FILE *out, struct json_object *o)
{
	(void)o;
	vipctl_fmt_events_title(out);
}

static void lines(void **state)
{
	char *t;

	(void)state;
	t = json_fixture_render(title, "{}");
	assert_string_equal(t, "   SEQ  TIME                         INSTANCE      CHANGE          "
	                       "      CAUSE\n");
	free(t);
	t = json_fixture_render(vipctl_fmt_events_line, state_ev);
	assert_string_equal(t, "    12  2026-12-06T08:00:00.123456Z  web           BACKUP -> MASTER"
	                       "      master_down from 198.18.0.1 priority 150 interval 1000ms "
	                       "version 3 silence 3414ms\n");
	free(t);
	t = json_fixture_render(vipctl_fmt_events_line, prio_ev);
	assert_string_equal(t, "    13  2026-12-06T08:00:01.000001Z  web           priority 150 -> "
	                       "90    check web_ok http down (status 500)\n");
	free(t);
}

static void netlink_line(void **state)
{
	char *t;

	(void)state;
	t = json_fixture_render(
	    vipctl_fmt_events_line,
	    "{\"seq\":3,\"time\":\"2026-12-06T08:00:00.000001Z\",\"instance\":\"web\","
	    "\"type\":\"netlink\",\"cause\":{\"kind\":\"netlink\",\"name\":\"add "
	    "198.18.0.100/24\",\"detail\":\"Operation not permitted\"}}");
	assert_string_equal(
	    t, "     3  2026-12-06T08:00:00.000001Z  web           netlink             "
	       "  netlink add 198.18.0.100/24 Operation not permitted\n");
	free(t);
}

static void anomaly_line(void **state)
{
	char *t;

	(void)state;
	t = json_fixture_render(
	    vipctl_fmt_events_line,
	    "{\"seq\":5,\"time\":\"2026-12-06T08:00:00.000001Z\",\"instance\":\"web\","
	    "\"type\":\"anomaly\",\"cause\":{\"kind\":\"anomaly\",\"from\":\"198.18.0.2\","
	    "\"priority\":100,\"interval_ms\":500,\"held_back\":2,\"name\":\"interval\","
	    "\"detail\":\"our interval 1000ms\"}}");
	assert_string_equal(
	    t, "     5  2026-12-06T08:00:00.000001Z  web           anomaly             "
	       "  anomaly interval from 198.18.0.2 priority 100 interval 500ms held_back 2 our "
	       "interval 1000ms\n");
	free(t);
}

static void lost_line(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	vipctl_fmt_events_lost(out, 24, 0);
	vipctl_fmt_events_lost(out, 7, 1);
	fclose(out);
	assert_string_equal(text, "lost 24 events\n{\"lost\":7}\n");
	free(text);
}

static void history(void **state)
{
	char json[4096], *t;

	(void)state;
	snprintf(
	    json, sizeof(json),
	    "{\"run\":\"ab\",\"first\":1,\"instances\":[{\"name\":\"web\",\"state\":\"MASTER\","
	    "\"transitions\":[%s],\"time_in_state\":{\"INIT\":0.0,\"BACKUP\":3.5,\"MASTER\":"
	    "65.0,\"FAULT\":0.0},\"availability\":{\"ratio\":0.999,\"failures\":1,"
	    "\"failovers\":2}},{\"name\":\"api\",\"state\":\"BACKUP\",\"transitions\":[],"
	    "\"time_in_state\":{\"INIT\":0.0,\"BACKUP\":1.0,\"MASTER\":0.0,\"FAULT\":0.0},"
	    "\"availability\":{\"ratio\":null,\"failures\":0,\"failovers\":0}}]}",
	    state_ev);
	t = json_fixture_render(vipctl_fmt_events_history, json);
	assert_string_equal(t, "web: MASTER\n"
	                       "  time in state: INIT 0.0s, BACKUP 3.5s, MASTER 1m05s, FAULT 0.0s\n"
	                       "  availability: 99.9000%, 1 failures, 2 failovers\n"
	                       "  2026-12-06T08:00:00.123456Z  #12  BACKUP -> MASTER    "
	                       "master_down from 198.18.0.1 priority 150 interval 1000ms version 3 "
	                       "silence 3414ms\n"
	                       "\n"
	                       "api: BACKUP\n"
	                       "  time in state: INIT 0.0s, BACKUP 1.0s, MASTER 0.0s, FAULT 0.0s\n"
	                       "  availability: -, 0 failures, 0 failovers\n"
	                       "  no transitions in the event ring\n");
	free(t);
}

static void status_last_change(void **state)
{
	char *t;

	(void)state;
	t = json_fixture_render(
	    vipctl_fmt_status,
	    "{\"router_id\":\"lb1\",\"instances\":[{\"name\":\"web\",\"state\":\"MASTER\","
	    "\"vrid\":51,\"interface\":\"eth0\",\"priority\":150,\"effective_priority\":150,"
	    "\"master_address\":\"198.18.0.1\",\"advert_interval\":1.0,\"virtual_addresses\":"
	    "[\"198.18.0.100/24\"],\"since\":12.5,\"demoted\":false,\"last_cause\":{\"kind\":"
	    "\"admin\",\"name\":\"demote\",\"from\":\"198.18.0.2\",\"uid\":0}}]}");
	assert_non_null(strstr(t, "\nweb: last change: admin demote from 198.18.0.2 uid 0\n"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lines),
	    cmocka_unit_test(lost_line),
	    cmocka_unit_test(netlink_line),
	    cmocka_unit_test(anomaly_line),
	    cmocka_unit_test(history),
	    cmocka_unit_test(status_last_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
