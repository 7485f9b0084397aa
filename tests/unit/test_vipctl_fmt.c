/* vipctl_fmt: the tables vipctl prints, from canned control-socket answers (status with a demoted
 * instance, stats with counters, availability, transitions and drops, metrics, reload, errors):
 * exact text, so a misaligned column or a lost field fails. */
#include "build_config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_fixture.h"
#include "vipd/vipctl_fmt.h"

static const char status_json[] =
    "{\"router_id\":\"lb1\",\"instances\":["
    " {\"name\":\"web\",\"state\":\"MASTER\",\"vrid\":51,\"interface\":\"eth0\",\"version\":3,"
    "\"priority\":150,\"effective_priority\":150,\"master_address\":\"198.18.0.1\",\"advert_"
    "interval\":1.0,\"virtual_addresses\":[\"198.18.0.100/24\"],\"since\":12.5,\"demoted\":false},"
    " {\"name\":\"database-primary\",\"state\":\"BACKUP\",\"vrid\":7,\"interface\":\"eth1.100\","
    "\"version\":3,\"priority\":120,\"effective_priority\":1,\"master_address\":\"198.18.0.2\","
    "\"advert_interval\":0.1,\"virtual_addresses\":[\"198.18.1.10/24\",\"198.18.1.11/"
    "24\"],\"since\":7385.2,\"demoted\":true},"
    " {\"name\":\"v6\",\"state\":\"INIT\",\"vrid\":3,\"interface\":\"eth0\",\"version\":3,"
    "\"priority\":100,\"effective_priority\":100,\"master_address\":null,\"advert_interval\":1.0,"
    "\"virtual_addresses\":[\"fd00::64/64\"],\"since\":0.04,\"demoted\":false}]}";

static const char stats_json[] =
    "{\"router_id\":\"lb1\",\"uptime\":93784.5,\"instances\":["
    " {\"name\":\"web\",\"state\":\"MASTER\",\"counters\":{\"adverts_sent\":93784,\"adverts_"
    "received\":12,\"prio0_sent\":0,\"prio0_received\":1,\"send_errors\":0,\"announcements\":10,"
    "\"nl_errors\":0,\"vip_restored\":1,\"addr_list_mismatch\":0,\"drops\":{\"ttl\":3,\"vrid\":2},"
    "\"transitions\":{\"INIT->BACKUP\":1,\"BACKUP->MASTER\":1}},"
    "  "
    "\"availability\":{\"observed\":93780.0,\"up\":93776.4,\"down\":3.6,\"ratio\":0.99996161,"
    "\"failures\":1,\"failovers\":1,\"mtbf\":93776.4,\"mttr\":3.6}},"
    " {\"name\":\"api\",\"state\":\"BACKUP\",\"counters\":{\"adverts_sent\":0,\"adverts_received\":"
    "937840,\"prio0_sent\":0,\"prio0_received\":0,\"send_errors\":0,\"announcements\":0,\"nl_"
    "errors\":0,\"vip_restored\":0,\"addr_list_mismatch\":0,\"drops\":{},\"transitions\":{\"INIT->"
    "BACKUP\":1}},"
    "  "
    "\"availability\":{\"observed\":0,\"up\":0,\"down\":0,\"ratio\":null,\"failures\":0,"
    "\"failovers\":0,\"mtbf\":null,\"mttr\":null}}],"
    " \"unmatched_drops\":{\"unknown_vrid\":4}}";

static void durations(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(vipctl_fmt_duration(0.44, buf, sizeof(buf)), "0.4s");
	assert_string_equal(vipctl_fmt_duration(12.5, buf, sizeof(buf)), "12.5s");
	assert_string_equal(vipctl_fmt_duration(59.99, buf, sizeof(buf)), "60.0s");
	assert_string_equal(vipctl_fmt_duration(185, buf, sizeof(buf)), "3m05s");
	assert_string_equal(vipctl_fmt_duration(7385.2, buf, sizeof(buf)), "2h03m");
	assert_string_equal(vipctl_fmt_duration(4 * 86400 + 2 * 3600 + 5, buf, sizeof(buf)),
	                    "4d02h");
	assert_string_equal(vipctl_fmt_duration(-1, buf, sizeof(buf)), "-");
	assert_string_equal(vipctl_fmt_duration(NAN, buf, sizeof(buf)), "-");
	assert_string_equal(vipctl_fmt_duration(INFINITY, buf, sizeof(buf)), "-");
}

/* Columns aligned on the widest cell, numbers right-aligned, the demoted instance marked. */
static void status_table(void **state)
{
	char *text = json_fixture_render(vipctl_fmt_status, status_json);

	(void)state;
	assert_string_equal(
	    text,
	    "router lb1\n"
	    "NAME              STATE    VRID  IF        PRIO  EFF  MASTER      INTERVAL  SINCE  "
	    "VIRTUAL ADDRESSES\n"
	    "web               MASTER     51  eth0       150  150  198.18.0.1      1.00  12.5s  "
	    "198.18.0.100/24\n"
	    "database-primary  BACKUP*     7  eth1.100   120    1  198.18.0.2      0.10  2h03m  "
	    "198.18.1.10/24,198.18.1.11/24\n"
	    "v6                INIT        3  eth0       100  100  -               1.00   0.0s  "
	    "fd00::64/64\n"
	    "* demoted (maintenance): priority 1, no preemption; `vipctl promote NAME` ends it\n");
	free(text);
}

/* A check's own user is named on its tracking line (issue 11); one without a user as before. */
static void check_user_line(void **state)
{
	char *text = json_fixture_render(
	    vipctl_fmt_status,
	    "{\"router_id\":\"lb1\",\"instances\":[{\"name\":\"web\",\"state\":\"MASTER\","
	    "\"checks\":[{\"name\":\"a\",\"type\":\"exec\",\"state\":\"up\",\"last\":\"exit status "
	    "0\",\"last_duration\":0.5,\"successes\":3,\"failures\":0,\"user\":\"www\"},"
	    "{\"name\":\"b\",\"type\":\"tcp\",\"state\":\"up\",\"last\":\"ok\",\"last_duration\":0."
	    "5,"
	    "\"successes\":1,\"failures\":0}]}]}");

	(void)state;
	assert_non_null(strstr(text,
	                       "  web: check a (exec, as www) up, last: exit status 0 (0.50 s), "
	                       "3 ok / 0 failed in a row\n"));
	assert_non_null(strstr(text, "  web: check b (tcp) up, last: ok (0.50 s)"));
	free(text);
}

static void status_without_instances(void **state)
{
	char *text =
	    json_fixture_render(vipctl_fmt_status, "{\"router_id\":\"lb2\",\"instances\":[]}");

	(void)state;
	assert_string_equal(text, "router lb2\nno instances\n");
	free(text);
}

/* realtime_priority and lock_memory on the router line; the defaults add nothing. */
static void status_scheduling(void **state)
{
	char *text = json_fixture_render(
	    vipctl_fmt_status,
	    "{\"router_id\":\"lb2\",\"instances\":[],\"scheduling\":{\"policy\":\"rr\","
	    "\"priority\":10,\"reset_on_fork\":true,\"memory_locked\":true}}");

	(void)state;
	assert_string_equal(text, "router lb2, real-time rr 10, memory locked\nno instances\n");
	free(text);
	text = json_fixture_render(
	    vipctl_fmt_status,
	    "{\"router_id\":\"lb2\",\"instances\":[],\"scheduling\":{\"policy\":\"other\","
	    "\"priority\":0,\"reset_on_fork\":false,\"memory_locked\":false}}");
	assert_string_equal(text, "router lb2\nno instances\n");
	free(text);
}

/* The answer of demote/promote: that instance's status object as a one-row table. */
static void instance_row(void **state)
{
	char *text = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"web\",\"state\":\"MASTER\",\"vrid\":51,\"interface\":\"eth0\","
	    "\"priority\":150,\"effective_priority\":1,\"master_address\":\"198.18.0.1\","
	    "\"advert_interval\":0.1,\"virtual_addresses\":[\"198.18.0.100/24\"],"
	    "\"since\":3.25,\"demoted\":true}");

	(void)state;
	assert_string_equal(
	    text,
	    "NAME  STATE    VRID  IF    PRIO  EFF  MASTER      INTERVAL  SINCE  VIRTUAL ADDRESSES\n"
	    "web   MASTER*    51  eth0   150    1  198.18.0.1      0.10   3.2s  198.18.0.100/24\n"
	    "* demoted (maintenance): priority 1, no preemption; `vipctl promote NAME` ends it\n");
	free(text);
}

/* An instance in FAULT: its reason on a line under the table. */
static void fault_reason_line(void **state)
{
	char *text = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"web\",\"state\":\"FAULT\",\"vrid\":51,\"interface\":\"eth0\","
	    "\"priority\":100,\"effective_priority\":100,\"master_address\":null,"
	    "\"fault_reason\":\"cannot join the IPv4 VRRP group: No buffer space available\","
	    "\"advert_interval\":0.1,\"virtual_addresses\":[\"198.18.0.100/24\"],"
	    "\"since\":3.25,\"demoted\":false}");

	(void)state;
	assert_string_equal(
	    text, "NAME  STATE  VRID  IF    PRIO  EFF  MASTER  INTERVAL  SINCE  VIRTUAL ADDRESSES\n"
	          "web   FAULT    51  eth0   100  100  -           0.10   3.2s  198.18.0.100/24\n"
	          "web: FAULT: cannot join the IPv4 VRRP group: No buffer space available\n");
	free(text);
}

/* announce_table: what is in the table on a line under it; a standby set with its metric. */
static void announce_line(void **state)
{
	char *text = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"svc\",\"state\":\"BACKUP\",\"vrid\":51,\"interface\":\"eth0\","
	    "\"priority\":100,\"effective_priority\":100,\"master_address\":\"198.18.1.2\","
	    "\"advert_interval\":0.1,\"virtual_addresses\":[\"198.18.5.1/31 dev lo\"],"
	    "\"announce\":{\"table\":100,\"backup_metric\":100,\"announced\":\"standby\"},"
	    "\"since\":3.25,\"demoted\":false}");

	(void)state;
	assert_non_null(strstr(text, "\nsvc: announced in table 100: standby (metric 100)\n"));
	free(text);
	text = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"svc\",\"state\":\"MASTER\",\"vrid\":51,\"interface\":\"eth0\","
	    "\"announce\":{\"table\":100,\"announced\":\"master\"},\"demoted\":false}");
	assert_non_null(strstr(text, "\nsvc: announced in table 100: master\n"));
	free(text);
}

/* A startup delay running: the time left on a line under the table; none once it is over. */
static void startup_delay_line(void **state)
{
	char *text = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"web\",\"state\":\"BACKUP\",\"vrid\":51,\"interface\":\"eth0\","
	    "\"priority\":100,\"effective_priority\":100,\"master_address\":null,"
	    "\"advert_interval\":1.0,\"virtual_addresses\":[\"198.18.0.100/24\"],"
	    "\"since\":3.25,\"demoted\":false,\"startup_delay_remaining\":26.75}");
	char *over = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"web\",\"state\":\"MASTER\",\"vrid\":51,\"interface\":\"eth0\","
	    "\"priority\":100,\"effective_priority\":100,\"master_address\":null,"
	    "\"advert_interval\":1.0,\"virtual_addresses\":[\"198.18.0.100/24\"],"
	    "\"since\":3.25,\"demoted\":false,\"startup_delay_remaining\":0}");

	(void)state;
	assert_string_equal(
	    text,
	    "NAME  STATE   VRID  IF    PRIO  EFF  MASTER  INTERVAL  SINCE  VIRTUAL ADDRESSES\n"
	    "web   BACKUP    51  eth0   100  100  -           1.00   3.2s  198.18.0.100/24\n"
	    "web: startup delay: 26.75s left (no takeover by timeout)\n");
	assert_null(strstr(over, "startup delay"));
	free(text);
	free(over);
}

/* An IPv6 instance in keepalived's list form says so under the table. */
static void address_list_line(void **state)
{
	char *text = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"v6\",\"state\":\"BACKUP\",\"vrid\":51,\"interface\":\"eth0\","
	    "\"priority\":100,\"effective_priority\":100,\"master_address\":\"fe80::1\","
	    "\"advert_interval\":0.1,\"virtual_addresses\":[\"fd00::100/64\"],"
	    "\"address_list\":\"as written\",\"since\":3.25,\"demoted\":false}");

	(void)state;
	assert_non_null(strstr(text,
	                       "\nv6: IPv6 addresses advertised as written (keepalived's form: "
	                       "no link-local first)\n"));
	free(text);
}

/* Addresses with their options in the table; the excluded ones on a line under it. */
static void excluded_line(void **state)
{
	char *text = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"web\",\"state\":\"MASTER\",\"vrid\":51,\"interface\":\"eth0\","
	    "\"priority\":100,\"effective_priority\":100,\"master_address\":\"198.18.0.1\","
	    "\"advert_interval\":0.1,\"virtual_addresses\":[\"198.18.1.1/24 dev eth1\"],"
	    "\"excluded_addresses\":[\"198.18.2.1/24\",\"fd00::1/64 dev eth2\"],"
	    "\"since\":3.25,\"demoted\":false}");

	(void)state;
	assert_string_equal(
	    text,
	    "NAME  STATE   VRID  IF    PRIO  EFF  MASTER      INTERVAL  SINCE  VIRTUAL ADDRESSES\n"
	    "web   MASTER    51  eth0   100  100  198.18.0.1      0.10   3.2s  198.18.1.1/24 dev "
	    "eth1\n"
	    "web: excluded addresses: 198.18.2.1/24,fd00::1/64 dev eth2\n");
	free(text);
}

/* A VMAC instance names its VMAC and where its adverts leave from under the table. */
static void vmac_line(void **state)
{
	char *named = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"v5\",\"state\":\"MASTER\",\"vrid\":51,\"interface\":\"eth0.5\","
	    "\"vmac\":\"vrrp.eth0.5.51\",\"vmac_xmit_base\":false,\"priority\":100,"
	    "\"effective_priority\":100,\"master_address\":\"198.18.0.1\",\"advert_interval\":1.0,"
	    "\"virtual_addresses\":[\"198.18.0.100/24\"],\"since\":3.25,\"demoted\":false}");
	char *base = json_fixture_render(
	    vipctl_fmt_instance,
	    "{\"name\":\"web\",\"state\":\"BACKUP\",\"vrid\":51,\"interface\":\"eth0\","
	    "\"vmac\":\"vrrp.51\",\"vmac_xmit_base\":true,\"priority\":100,"
	    "\"effective_priority\":100,\"master_address\":null,\"advert_interval\":1.0,"
	    "\"virtual_addresses\":[\"198.18.0.100/24\"],\"since\":3.25,\"demoted\":false}");

	(void)state;
	assert_non_null(strstr(named, "\nv5: VMAC vrrp.eth0.5.51 (adverts from vrrp.eth0.5.51)\n"));
	assert_non_null(strstr(base, "\nweb: VMAC vrrp.51 (adverts from eth0)\n"));
	free(named);
	free(base);
}

/* Counters, availability (null figures as "-"), then only the transitions and drops seen. */
static void stats_tables(void **state)
{
	char *text = json_fixture_render(vipctl_fmt_stats, stats_json);

	(void)state;
	assert_string_equal(
	    text, "router lb1, up 1d02h\n"
	          "NAME  STATE    SENT  RECEIVED  PRIO0-OUT  PRIO0-IN  SEND-ERR  ANNOUNCED  NL-ERR "
	          " VIP-RESTORED\n"
	          "web   MASTER  93784        12          0         1         0         10       0 "
	          "            1\n"
	          "api   BACKUP      0    937840          0         0         0          0       0 "
	          "            0\n"
	          "\n"
	          "availability (this node's view since start):\n"
	          "NAME  OBSERVED     UP  DOWN  AVAILABILITY  FAILURES  FAILOVERS   MTBF  MTTR\n"
	          "web      1d02h  1d02h  3.6s      99.9962%         1          1  1d02h  3.6s\n"
	          "api       0.0s   0.0s  0.0s             -         0          0      -     -\n"
	          "\n"
	          "transitions:\n"
	          "  web: INIT->BACKUP 1, BACKUP->MASTER 1\n"
	          "  api: INIT->BACKUP 1\n"
	          "\n"
	          "drops:\n"
	          "  web: ttl 3, vrid 2\n"
	          "  (no instance): unknown_vrid 4\n");
	free(text);
}

/* The log lines vipd dropped (its log output was full): shown when there are any. */
static void stats_log_dropped(void **state)
{
	char *text = json_fixture_render(vipctl_fmt_stats,
	                                 "{\"router_id\":\"lb1\",\"instances\":[],"
	                                 "\"unmatched_drops\":{},\"log_lines_dropped\":7}");
	char *none = json_fixture_render(vipctl_fmt_stats,
	                                 "{\"router_id\":\"lb1\",\"instances\":[],"
	                                 "\"unmatched_drops\":{},\"log_lines_dropped\":0}");

	(void)state;
	assert_string_equal(text,
	                    "router lb1\nno instances\n\nlog lines dropped (log output full): 7\n");
	assert_string_equal(none, "router lb1\nno instances\n");
	free(text);
	free(none);
}

static void metrics_text(void **state)
{
	struct json_object *s =
	    json_object_new_string("# HELP vipd_up x\n# TYPE vipd_up gauge\nvipd_up 1");
	struct json_object *n = json_object_new_int(3);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(vipctl_fmt_metrics(out, s), 0);
	assert_int_equal(vipctl_fmt_metrics(out, n), -1);
	assert_int_equal(vipctl_fmt_metrics(out, NULL), -1);
	fclose(out);
	/* the text as is, with its last newline added */
	assert_string_equal(text, "# HELP vipd_up x\n# TYPE vipd_up gauge\nvipd_up 1\n");
	free(text);
	json_object_put(s);
	json_object_put(n);
}

static void reload_line(void **state)
{
	char *text = json_fixture_render(vipctl_fmt_reload,
	                                 "{\"kept\":63,\"changed\":1,\"started\":0,\"stopped\":2}");

	(void)state;
	assert_string_equal(text,
	                    "reloaded: 63 kept, 1 changed, 0 started, 2 stopped instance(s)\n");
	free(text);
}

static void debug_line(void **state)
{
	char *text = json_fixture_render(vipctl_fmt_debug, "{\"enabled\":[\"packets\",\"ctl\"]}");

	(void)state;
	assert_string_equal(text, "debug: packets, ctl\n");
	free(text);
	text = json_fixture_render(vipctl_fmt_debug, "{\"enabled\":[]}");
	assert_string_equal(text, "debug: none\n");
	free(text);
}

/* names: the names of a status's instances, one per line, in its order. */
static void names_lines(void **state)
{
	char *text = json_fixture_render(vipctl_fmt_names, status_json);

	(void)state;
	assert_string_equal(text, "web\ndatabase-primary\nv6\n");
	free(text);
	text = json_fixture_render(vipctl_fmt_names, "{\"router_id\":\"lb2\",\"instances\":[]}");
	assert_string_equal(text, "");
	free(text);
	text = json_fixture_render(vipctl_fmt_names, "{}");
	assert_string_equal(text, "");
	free(text);
}

/* peers: the instance line with the master it sees, the routers table, the split brain and
 * the anomalies seen (only the kinds with a count). */
static void peers_table(void **state)
{
	char *text = json_fixture_render(
	    vipctl_fmt_peers,
	    "{\"instances\":[{\"name\":\"web\",\"vrid\":51,\"state\":\"MASTER\",\"priority\":150,"
	    "\"advert_interval\":1.00,\"master\":{\"address\":\"198.18.0.1\",\"priority\":150,"
	    "\"self\":true},\"routers\":[{\"address\":\"198.18.0.2\",\"priority\":100,"
	    "\"advert_interval\":1.00,\"version\":3,\"checksum_form\":\"rfc5798\","
	    "\"checksum_form_changes\":0,\"addresses_differ\":false,\"adverts\":12,"
	    "\"last_heard\":0.412,\"first_heard\":62.5,\"master\":false},{\"address\":"
	    "\"198.18.0.3\",\"priority\":90,\"advert_interval\":2.00,\"version\":2,"
	    "\"checksum_form\":null,\"checksum_form_changes\":0,\"addresses_differ\":true,"
	    "\"adverts\":3,\"last_heard\":1.5,\"first_heard\":5.0,\"master\":false}],"
	    "\"evicted\":0,\"aged\":0,\"split_brain\":{\"episodes\":1,\"seconds\":4.2,"
	    "\"active\":true,\"with\":{\"address\":\"198.18.0.3\",\"priority\":90,"
	    "\"since\":3.1}},\"anomalies\":{\"split_brain\":1,\"split_brain_end\":0,"
	    "\"interval\":1,\"addr_list\":1,\"owner\":0,\"checksum_form\":0,\"drops\":0}},"
	    "{\"name\":\"db\",\"vrid\":52,\"state\":\"BACKUP\",\"priority\":100,"
	    "\"advert_interval\":1.00,\"master\":null,\"routers\":[],\"evicted\":0,\"aged\":0,"
	    "\"split_brain\":{\"episodes\":0,\"seconds\":0,\"active\":false},"
	    "\"anomalies\":{\"split_brain\":0}}]}");

	(void)state;
	assert_string_equal(
	    text,
	    "web (VRID 51, MASTER, priority 150, every 1.00s): master self 198.18.0.1, priority "
	    "150\n"
	    "ROUTER      PRIO  INTERVAL  VER  CHECKSUM  ADVERTS  LAST  FIRST  NOTE\n"
	    "198.18.0.2   100     1.00s    3  rfc5798        12  0.4s  1m02s  -\n"
	    "198.18.0.3    90     2.00s    2  -               3  1.5s   5.0s  other addresses\n"
	    "split brain: 1 episode, 4.2s in all; now with 198.18.0.3, priority 90, for 3.1s\n"
	    "anomalies: split_brain 1, interval 1, addr_list 1\n"
	    "\n"
	    "db (VRID 52, BACKUP, priority 100, every 1.00s): master unknown\n"
	    "no router heard\n"
	    "split brain: 0 episodes, 0.0s in all\n"
	    "anomalies: none\n");
	free(text);
}

static void print_reload_error(FILE *out, struct json_object *reply)
{
	vipctl_fmt_error(out, "reload", reply);
}

/* A refused reload: the reason, then each FILE:LINE error on its own line. */
static void errors(void **state)
{
	char *text = json_fixture_render(
	    print_reload_error,
	    "{\"ok\":false,\"error\":\"/etc/vipd/vipd.conf has errors; the running "
	    "config stays\",\"errors\":[\"/etc/vipd/vipd.conf:12: priority: 300 is "
	    "out of range 1..255\",\"/etc/vipd/vipd.conf:20: vrid: missing\"]}");

	(void)state;
	assert_string_equal(
	    text, "vipctl: reload: /etc/vipd/vipd.conf has errors; the running config stays\n"
	          "  /etc/vipd/vipd.conf:12: priority: 300 is out of range 1..255\n"
	          "  /etc/vipd/vipd.conf:20: vrid: missing\n");
	free(text);
	text = json_fixture_render(print_reload_error, "{\"ok\":false}");
	assert_string_equal(text, "vipctl: reload: failed (no reason given)\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(durations),
	    cmocka_unit_test(vmac_line),
	    cmocka_unit_test(status_table),
	    cmocka_unit_test(status_without_instances),
	    cmocka_unit_test(status_scheduling),
	    cmocka_unit_test(check_user_line),
	    cmocka_unit_test(instance_row),
	    cmocka_unit_test(fault_reason_line),
	    cmocka_unit_test(announce_line),
	    cmocka_unit_test(excluded_line),
	    cmocka_unit_test(address_list_line),
	    cmocka_unit_test(startup_delay_line),
	    cmocka_unit_test(stats_tables),
	    cmocka_unit_test(stats_log_dropped),
	    cmocka_unit_test(metrics_text),
	    cmocka_unit_test(reload_line),
	    cmocka_unit_test(debug_line),
	    cmocka_unit_test(names_lines),
	    cmocka_unit_test(peers_table),
	    cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
