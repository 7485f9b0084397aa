/* Unit tests for config_notify.c: instance `notify`, the notify_* scripts, `notify_args`, top-level
 * `notify_fifo` and `sync_groups` (good values, every error with its FILE:LINE and key, printing
 * and reading back). */
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

/* Three instances, TOP before them, KEYS in "web", GROUPS after them:
 *   1 TOP
 *   2 instances = (
 *   3   { name = "web"; interface = "eth0"; vrid = 51; virtual_addresses = [ "198.18.0.100" ];
 *   4     KEYS },
 *   5   { name = "api"; interface = "eth1"; vrid = 52; virtual_addresses = [ "198.18.1.100" ]; },
 *   6   { name = "db"; interface = "eth1"; vrid = 53; virtual_addresses = [ "198.18.1.101" ]; }
 *   7 );
 *   8 GROUPS */
static void compose(char *buf, size_t len, const char *top, const char *keys, const char *groups)
{
	snprintf(buf, len,
	         "%s\n"
	         "instances = (\n"
	         "  { name = \"web\"; interface = \"eth0\"; vrid = 51; virtual_addresses = [ "
	         "\"198.18.0.100\" ];\n"
	         "    %s },\n"
	         "  { name = \"api\"; interface = \"eth1\"; vrid = 52; virtual_addresses = [ "
	         "\"198.18.1.100\" ]; },\n"
	         "  { name = \"db\"; interface = \"eth1\"; vrid = 53; virtual_addresses = [ "
	         "\"198.18.1.101\" ]; }\n"
	         ");\n"
	         "%s\n",
	         top, keys, groups);
}

/* Two scripts are the same, NULL (none) as "". */
static void assert_same_script(const char *a, const char *b)
{
	assert_string_equal(a ? a : "", b ? b : "");
}

/* Print cfg and read it back: the top-level keys must survive too. */
static void round_trip_top(const struct vipd_config *cfg)
{
	struct vipd_config *again = config_fixture_reprint(cfg);

	assert_string_equal(again->notify_fifo, cfg->notify_fifo);
	assert_int_equal(again->notify_fifo_format, cfg->notify_fifo_format);
	assert_string_equal(again->notify_fifo_script, cfg->notify_fifo_script);
	assert_int_equal(again->nsync_groups, cfg->nsync_groups);
	for (size_t i = 0; i < cfg->nsync_groups; i++) {
		assert_string_equal(again->sync_groups[i].name, cfg->sync_groups[i].name);
		assert_int_equal(again->sync_groups[i].nmembers, cfg->sync_groups[i].nmembers);
		for (size_t k = 0; k < cfg->sync_groups[i].nmembers; k++)
			assert_int_equal(again->sync_groups[i].members[k],
			                 cfg->sync_groups[i].members[k]);
		assert_same_script(again->sync_groups[i].notify, cfg->sync_groups[i].notify);
		assert_same_script(again->sync_groups[i].notify_master,
		                   cfg->sync_groups[i].notify_master);
		assert_same_script(again->sync_groups[i].notify_backup,
		                   cfg->sync_groups[i].notify_backup);
		assert_same_script(again->sync_groups[i].notify_fault,
		                   cfg->sync_groups[i].notify_fault);
		assert_same_script(again->sync_groups[i].notify_stop,
		                   cfg->sync_groups[i].notify_stop);
		assert_int_equal(again->sync_groups[i].notify_args,
		                 cfg->sync_groups[i].notify_args);
		assert_string_equal(again->sync_groups[i].notify_user,
		                    cfg->sync_groups[i].notify_user);
	}
	config_free(again);
}

static struct vipd_config *good(const char *top, const char *keys, const char *groups)
{
	char text[8192], *msgs;
	struct vipd_config *cfg;

	compose(text, sizeof(text), top, keys, groups);
	cfg = config_fixture_load(text, &msgs);
	if (!cfg)
		fail_msg("%s: %s", text, msgs);
	free(msgs);
	config_fixture_round_trip(cfg);
	round_trip_top(cfg);
	return cfg;
}

static void bad(const char *top, const char *keys, const char *groups, const char *want)
{
	char text[8192], *msgs;

	compose(text, sizeof(text), top, keys, groups);
	assert_null(config_fixture_load(text, &msgs));
	if (strcmp(msgs, want) != 0)
		fail_msg("%s\n  got:  %s\n  want: %s", text, msgs, want);
	free(msgs);
}

static void defaults(void **state)
{
	struct vipd_config *cfg = good("", "", "");

	(void)state;
	assert_string_equal(cfg->notify_fifo, "");
	assert_int_equal(cfg->nsync_groups, 0);
	for (size_t i = 0; i < cfg->ninstances; i++)
		assert_null(cfg->instances[i].notify);
	config_free(cfg);
}

/* An instance without scripts holds none: the six script keys cost a pointer each, not a
 * buffer (255 instances held 380 kB of empty 256-byte paths, issue 13). */
static void scripts_only_when_set(void **state)
{
	struct vipd_config *cfg = good("", "notify_stop = \"/s.sh\";", "");

	(void)state;
	assert_true(sizeof(struct vipd_instance_config) <= 640);
	assert_string_equal(cfg->instances[0].notify_stop, "/s.sh");
	assert_null(cfg->instances[0].notify_master);
	assert_null(cfg->instances[1].notify_stop);
	config_free(cfg);
}

static void good_values(void **state)
{
	struct vipd_config *cfg =
	    good("notify_fifo = \"/run/vipd/events\";", "notify = \"/etc/vipd/notify.sh\";",
	         "sync_groups = ( { name = \"edge\"; instances = [ \"web\", \"api\" ]; } );");

	(void)state;
	assert_string_equal(cfg->notify_fifo, "/run/vipd/events");
	assert_string_equal(cfg->instances[0].notify, "/etc/vipd/notify.sh");
	assert_null(cfg->instances[1].notify);
	assert_int_equal(cfg->nsync_groups, 1);
	assert_string_equal(cfg->sync_groups[0].name, "edge");
	assert_int_equal(cfg->sync_groups[0].line, 8);
	assert_int_equal(cfg->sync_groups[0].nmembers, 2);
	assert_int_equal(cfg->sync_groups[0].members[0], 0);
	assert_int_equal(cfg->sync_groups[0].members[1], 1);
	config_free(cfg);

	/* Two groups, a list instead of an array, three members. */
	cfg =
	    good("", "",
	         "sync_groups = ( { name = \"a\"; instances = ( \"db\", \"api\", \"web\" ); } );");
	assert_int_equal(cfg->sync_groups[0].nmembers, 3);
	assert_int_equal(cfg->sync_groups[0].members[0], 2);
	config_free(cfg);
}

static void notify_changes_instance(void **state)
{
	struct vipd_config *a = good("", "notify = \"/a.sh\";", "");
	struct vipd_config *b = good("", "notify = \"/b.sh\";", "");

	(void)state;
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	assert_true(config_instance_equal(&a->instances[1], &b->instances[1]));
	config_free(a);
	config_free(b);
}

static void bad_paths(void **state)
{
	(void)state;
	bad("", "notify = \"notify.sh\";", "",
	    "4: instances[0].notify: \"notify.sh\" is not an absolute path");
	bad("", "notify = 1;", "", "4: instances[0].notify: expected a string, got an integer");
	bad("notify_fifo = \"events\";", "", "",
	    "1: notify_fifo: \"events\" is not an absolute path");
	bad("notify_fifo = true;", "", "", "1: notify_fifo: expected a string, got a boolean");
}

static void bad_groups(void **state)
{
	(void)state;
	bad("", "", "sync_groups = ( { name = \"g\"; instances = [ \"web\" ]; } );",
	    "8: sync_groups[0].instances: a sync group needs at least 2 "
	    "instances");
	bad("", "", "sync_groups = ( { name = \"g\"; instances = [ \"web\", \"nope\" ]; } );",
	    "8: sync_groups[0].instances[1]: no instance is named \"nope\"");
	bad("", "", "sync_groups = ( { name = \"g\"; instances = [ \"web\", \"web\" ]; } );",
	    "8: sync_groups[0].instances[1]: \"web\" is listed twice");
	bad("", "",
	    "sync_groups = ( { name = \"g\"; instances = [ \"web\", \"api\" ]; },\n"
	    "  { name = \"h\"; instances = [ \"db\", \"web\" ]; } );",
	    "9: sync_groups[1].instances[1]: \"web\" is already in sync group \"g\" at line 8");
	bad("", "",
	    "sync_groups = ( { name = \"g\"; instances = [ \"web\", \"api\" ]; },\n"
	    "  { name = \"g\"; instances = [ \"db\", \"db\" ]; } );",
	    "9: sync_groups[1].name: duplicate sync group name \"g\" (also at line 8)\n"
	    "9: sync_groups[1].instances[1]: \"db\" is listed twice");
	bad("", "", "sync_groups = ( { instances = [ \"web\", \"api\" ]; } );",
	    "8: sync_groups[0]: missing key \"name\"");
	bad("", "", "sync_groups = ( { name = \"g\"; } );",
	    "8: sync group \"g\": missing key \"instances\"");
	bad("", "", "sync_groups = ( { name = \"g h\"; instances = [ \"web\", \"api\" ]; } );",
	    "8: sync_groups[0].name: \"g h\" may only hold A-Z a-z 0-9 _ . -");
	bad("", "",
	    "sync_groups = ( { name = \"g\"; instances = [ \"web\", \"api\" ]; weight = 1; } );",
	    "8: unknown key \"weight\" in sync group \"g\"");
	bad("", "", "sync_groups = ( { name = \"g\"; instances = ( \"web\", 2 ); } );",
	    "8: sync_groups[0].instances[1]: expected a string, got an integer");
	bad("", "", "sync_groups = ( 1 );", "8: sync_groups[0]: expected a group, got an integer");
	bad("", "", "sync_groups = 1;",
	    "8: sync_groups: expected a list of groups, got an integer");
}

/* The per-state scripts and notify_args: read, printed back (good() checks the round trip),
 * each a change of the instance, notify_args left out of a dump at its default. */
static void state_scripts(void **state)
{
	struct vipd_config *cfg =
	    good("",
	         "notify_master = \"/etc/vipd/master.sh up\"; notify_backup = \"/b.sh\"; "
	         "notify_fault = \"/f.sh\"; notify_stop = \"/s.sh\"; "
	         "notify_master_rx_lower_pri = \"/fip.sh move\"; notify_args = \"keepalived\";",
	         "");
	static const char *const keys[] = {"notify_master", "notify_backup", "notify_fault",
	                                   "notify_stop", "notify_master_rx_lower_pri"};
	const struct vipd_instance_config *in = &cfg->instances[0];
	char *text;
	size_t len;
	FILE *f;

	(void)state;
	assert_string_equal(in->notify_master, "/etc/vipd/master.sh up");
	assert_string_equal(in->notify_backup, "/b.sh");
	assert_string_equal(in->notify_fault, "/f.sh");
	assert_string_equal(in->notify_stop, "/s.sh");
	assert_string_equal(in->notify_master_rx_lower_pri, "/fip.sh move");
	assert_int_equal(in->notify_args, VIPD_NOTIFY_ARGS_KEEPALIVED);
	assert_int_equal(cfg->instances[1].notify_args, VIPD_NOTIFY_ARGS_VIPD);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	config_print(cfg, f);
	fclose(f);
	assert_non_null(strstr(text, "notify_args = \"keepalived\";"));
	/* The other instances keep the default: no line of theirs. */
	assert_null(strstr(strstr(text, "notify_args") + 1, "notify_args"));
	free(text);
	config_free(cfg);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char ka[64], kb[64];
		struct vipd_config *a, *b;

		snprintf(ka, sizeof(ka), "%s = \"/a.sh\";", keys[i]);
		snprintf(kb, sizeof(kb), "%s = \"/b.sh\";", keys[i]);
		a = good("", ka, "");
		b = good("", kb, "");
		assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
		config_free(a);
		config_free(b);
	}
	{
		struct vipd_config *a = good("", "notify_args = \"vipd\";", "");
		struct vipd_config *b = good("", "notify_args = \"keepalived\";", "");

		assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
		config_free(a);
		config_free(b);
	}
}

/* A sync group's notify keys: read, printed back, errors at the group's line. */
static void group_scripts(void **state)
{
	struct vipd_config *cfg =
	    good("", "",
	         "sync_groups = ( { name = \"edge\"; instances = [ \"web\", \"api\" ];\n"
	         "  notify_master = \"/ct.sh primary\"; notify_backup = \"/ct.sh backup\";\n"
	         "  notify_fault = \"/ct.sh fault\"; notify_stop = \"/ct.sh stop\";\n"
	         "  notify = \"/g.sh\"; notify_args = \"keepalived\"; } );");
	const struct vipd_sync_group *g = &cfg->sync_groups[0];
	const char *const got[][2] = {
	    {g->notify_master, "/ct.sh primary"},
	    {g->notify_backup, "/ct.sh backup"},
	    {g->notify_fault, "/ct.sh fault"},
	    {g->notify_stop, "/ct.sh stop"},
	    {g->notify, "/g.sh"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(got) / sizeof(got[0]); i++)
		assert_string_equal(got[i][0], got[i][1]);
	assert_int_equal(g->notify_args, VIPD_NOTIFY_ARGS_KEEPALIVED);
	config_free(cfg);
	bad("", "",
	    "sync_groups = ( { name = \"g\"; instances = [ \"web\", \"api\" ];\n"
	    "  notify_master = \"ct.sh\"; } );",
	    "9: sync_groups[0].notify_master: \"ct.sh\" is not an absolute path");
	bad("", "",
	    "sync_groups = ( { name = \"g\"; instances = [ \"web\", \"api\" ];\n"
	    "  notify_args = \"x\"; } );",
	    "9: sync_groups[0].notify_args: \"x\" is not \"vipd\" or \"keepalived\"");
	bad("", "",
	    "sync_groups = ( { name = \"g\"; instances = [ \"web\", \"api\" ];\n"
	    "  notify_master_rx_lower_pri = \"/x.sh\"; } );",
	    "9: unknown key \"notify_master_rx_lower_pri\" in sync group \"g\"");
}

/* notify_user (issue 11): on an instance and a group, read with its line, printed (good() reads
 * it back), compared; an error without a script; whether it may be used is daemon_priv's. */
static void notify_user(void **state)
{
	struct vipd_config *a =
	    good("", "notify_master = \"/m.sh\";\n    notify_user = \"daemon\";",
	         "sync_groups = ( { name = \"g\"; instances = [ \"api\", \"db\" ];\n"
	         "  notify = \"/g.sh\"; notify_user = \"nobody\"; } );");
	struct vipd_config *b = good("", "notify_master = \"/m.sh\";", "");

	(void)state;
	assert_string_equal(a->instances[0].notify_user, "daemon");
	assert_int_equal(a->instances[0].notify_user_line, 5);
	assert_string_equal(a->instances[1].notify_user, "");
	assert_string_equal(a->sync_groups[0].notify_user, "nobody");
	assert_int_equal(a->sync_groups[0].notify_user_line, 10);
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	assert_true(config_instance_equal(&a->instances[1], &b->instances[1]));
	config_free(a);
	config_free(b);
	bad("", "notify_user = \"daemon\";", "",
	    "4: instances[0].notify_user: \"daemon\": no notify script to run as that user");
	bad("", "notify = \"/n.sh\"; notify_user = 1;", "",
	    "4: instances[0].notify_user: expected a string, got an integer");
	bad("", "",
	    "sync_groups = ( { name = \"g\"; instances = [ \"web\", \"api\" ];\n"
	    "  notify_user = \"daemon\"; } );",
	    "9: sync_groups[0].notify_user: \"daemon\": no notify script to run as that user");
}

static void fifo_format(void **state)
{
	struct vipd_config *cfg = good("notify_fifo_format = \"keepalived\";", "", "");

	(void)state;
	assert_int_equal(cfg->notify_fifo_format, VIPD_NOTIFY_ARGS_KEEPALIVED);
	config_free(cfg);
	cfg = good("notify_fifo_format = \"vipd\";", "", "");
	assert_int_equal(cfg->notify_fifo_format, VIPD_NOTIFY_ARGS_VIPD);
	config_free(cfg);
	cfg = good("notify_fifo = \"/run/e\"; notify_fifo_script = \"/r.sh -v\";", "", "");
	assert_string_equal(cfg->notify_fifo_script, "/r.sh -v");
	assert_int_equal(cfg->notify_fifo_script_line, 1);
	config_free(cfg);
	bad("notify_fifo_script = \"/r.sh\";", "", "",
	    "1: notify_fifo_script: needs notify_fifo (the FIFO it reads)");
	bad("notify_fifo = \"/run/e\"; notify_fifo_script = \"r.sh\";", "", "",
	    "1: notify_fifo_script: \"r.sh\" is not an absolute path");
	bad("notify_fifo_format = \"json\";", "", "",
	    "1: notify_fifo_format: \"json\" is not \"vipd\" or \"keepalived\"");
}

static void bad_state_scripts(void **state)
{
	static const char *const cases[][2] = {
	    {"notify_master = \"master.sh\";",
	     "notify_master: \"master.sh\" is not an absolute path"},
	    {"notify_backup = 2;", "notify_backup: expected a string, got an integer"},
	    {"notify_fault = \"f.sh\";", "notify_fault: \"f.sh\" is not an absolute path"},
	    {"notify_stop = \"\";", "notify_stop: must not be empty"},
	    {"notify_master_rx_lower_pri = \"fip.sh\";",
	     "notify_master_rx_lower_pri: \"fip.sh\" is not an absolute path"},
	    {"notify_args = \"ka\";", "notify_args: \"ka\" is not \"vipd\" or \"keepalived\""},
	    {"notify_args = true;", "notify_args: expected a string, got a boolean"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[256];

		snprintf(want, sizeof(want), "4: instances[0].%s", cases[i][1]);
		bad("", cases[i][0], "", want);
	}
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(defaults),    T(good_values),   T(notify_changes_instance), T(bad_paths),
	    T(bad_groups),  T(state_scripts), T(bad_state_scripts),       T(group_scripts),
	    T(fifo_format), T(notify_user),   T(scripts_only_when_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
