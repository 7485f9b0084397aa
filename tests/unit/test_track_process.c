/* Unit tests for the process check: the pure matcher byte for byte (name, whole command line,
 * first words, rewritten command lines), the quorum, the decoding of proc connector datagrams,
 * its config keys (errors with their lines, round trip, reload equality), and the engine in a
 * real loop: a process appearing and going flips the check (through the connector's events
 * where the host gives them, else the /proc scan each interval). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config_fixture.h"
#include "vipd/loop.h"
#include "vipd/track.h"
#include "vipd/track_pmatch.h"

/* cmdline as the kernel gives it: the arguments each ended by a NUL. */
#define CMD(s) (s), sizeof(s) - 1

static void matcher(void **state)
{
	(void)state;
	/* by name only */
	assert_true(track_pmatch("nginx", NULL, false, "nginx", CMD("nginx: master\0")));
	assert_false(track_pmatch("nginx", NULL, false, "nginx2", CMD("")));
	assert_false(track_pmatch("nginx", NULL, false, "ngin", CMD("")));
	/* whole command line: arguments joined by one space */
	assert_true(track_pmatch(NULL, "sleep 1000", false, "sleep", CMD("sleep\0001000\0")));
	assert_false(track_pmatch(NULL, "sleep 1000", false, "sleep", CMD("sleep\00010000\0")));
	assert_false(track_pmatch(NULL, "sleep 1000", false, "sleep", CMD("sleep\0001000\0x\0")));
	assert_false(track_pmatch(NULL, "sleep 1000", false, "sleep", CMD("sleep\0")));
	assert_false(track_pmatch(NULL, "sleep 1000", false, "x", CMD("")));
	/* a space inside one argument reads the same as two arguments (as ps -o args) */
	assert_true(track_pmatch(NULL, "sleep 1000", false, "sleep", CMD("sleep 1000\0")));
	/* rewritten command lines: no final NUL, or NUL padding */
	assert_true(track_pmatch(NULL, "nginx: master process", false, "nginx",
	                         CMD("nginx: master process")));
	assert_true(
	    track_pmatch(NULL, "nginx: worker", false, "nginx", CMD("nginx: worker\0\0\0")));
	/* first words, at an argument boundary only */
	assert_true(track_pmatch(NULL, "/usr/bin/python3 app.py", true, "python3",
	                         CMD("/usr/bin/python3\0app.py\0--port\0008080\0")));
	assert_true(track_pmatch(NULL, "/usr/bin/python3 app.py", true, "python3",
	                         CMD("/usr/bin/python3\0app.py\0")));
	assert_false(track_pmatch(NULL, "/usr/bin/python3 app", true, "python3",
	                          CMD("/usr/bin/python3\0app.py\0")));
	assert_false(track_pmatch(NULL, "/usr/bin/python3 app.py", false, "python3",
	                          CMD("/usr/bin/python3\0app.py\0--port\0")));
	/* both: both must hold */
	assert_true(track_pmatch("sleep", "sleep 5", false, "sleep", CMD("sleep\0005\0")));
	assert_false(track_pmatch("sleep", "sleep 5", false, "bash", CMD("sleep\0005\0")));
	/* nothing to match by: no match (the config refuses such a check) */
	assert_false(track_pmatch(NULL, NULL, false, "sleep", CMD("sleep\0")));
}

#define STAT(s) (s), sizeof(s) - 1

static void stat_line(void **state)
{
	char comm[16], st = 0;

	(void)state;
	assert_int_equal(track_pmatch_stat(STAT("42 (nginx) S 1 42 42 0"), comm, sizeof(comm), &st),
	                 0);
	assert_string_equal(comm, "nginx");
	assert_int_equal(st, 'S');
	/* a name holding spaces and parentheses ends at the last ')' */
	assert_int_equal(track_pmatch_stat(STAT("7 (a) b (c)) Z 1 2"), comm, sizeof(comm), &st), 0);
	assert_string_equal(comm, "a) b (c)");
	assert_int_equal(st, 'Z');
	/* cut to the room given */
	assert_int_equal(track_pmatch_stat(STAT("7 (abcdef) R 1"), comm, 4, &st), 0);
	assert_string_equal(comm, "abc");
	/* an empty name is a name */
	assert_int_equal(track_pmatch_stat(STAT("7 () R 1"), comm, sizeof(comm), &st), 0);
	assert_string_equal(comm, "");
	/* malformed: no parentheses, no state, nothing after */
	assert_int_equal(track_pmatch_stat(STAT("7 nginx S 1"), comm, sizeof(comm), &st), -1);
	assert_int_equal(track_pmatch_stat(STAT("7 (nginx)"), comm, sizeof(comm), &st), -1);
	assert_int_equal(track_pmatch_stat(STAT("7 (nginx) "), comm, sizeof(comm), &st), -1);
	assert_int_equal(track_pmatch_stat(STAT("7 (nginx"), comm, sizeof(comm), &st), -1);
	assert_int_equal(track_pmatch_stat(STAT(")("), comm, sizeof(comm), &st), -1);
	assert_int_equal(track_pmatch_stat(STAT(""), comm, sizeof(comm), &st), -1);
}

static void quorum(void **state)
{
	(void)state;
	assert_false(track_pmatch_quorum(1, 65535, 0));
	assert_true(track_pmatch_quorum(1, 65535, 1));
	assert_true(track_pmatch_quorum(2, 3, 2));
	assert_true(track_pmatch_quorum(2, 3, 3));
	assert_false(track_pmatch_quorum(2, 3, 4));
	assert_false(track_pmatch_quorum(2, 3, 1));
	assert_true(track_pmatch_quorum(0, 0, 0)); /* "none may run" */
	assert_false(track_pmatch_quorum(0, 0, 1));
}

/* One connector message: what, pid, tgid (for FORK: the child's). */
static size_t put_event(char *buf, unsigned what, uint32_t pid, uint32_t tgid)
{
	struct nlmsghdr nh = {0};
	struct cn_msg cn = {0};
	struct proc_event pe;
	size_t len = NLMSG_HDRLEN + sizeof(cn) + sizeof(pe);

	memset(&pe, 0, sizeof(pe));
	pe.what = what;
	switch (what) {
	case PROC_EVENT_FORK:
		pe.event_data.fork.child_pid = pid;
		pe.event_data.fork.child_tgid = tgid;
		break;
	case PROC_EVENT_EXEC:
		pe.event_data.exec.process_pid = pid;
		pe.event_data.exec.process_tgid = tgid;
		break;
	case PROC_EVENT_COMM:
		pe.event_data.comm.process_pid = pid;
		pe.event_data.comm.process_tgid = tgid;
		break;
	case PROC_EVENT_EXIT:
		pe.event_data.exit.process_pid = pid;
		pe.event_data.exit.process_tgid = tgid;
		break;
	}
	nh.nlmsg_len = (uint32_t)len;
	nh.nlmsg_type = NLMSG_DONE;
	cn.id.idx = CN_IDX_PROC;
	cn.id.val = CN_VAL_PROC;
	cn.len = sizeof(pe);
	memcpy(buf, &nh, sizeof(nh));
	memcpy(buf + NLMSG_HDRLEN, &cn, sizeof(cn));
	memcpy(buf + NLMSG_HDRLEN + sizeof(cn), &pe, sizeof(pe));
	return NLMSG_ALIGN(len);
}

static void decode(void **state)
{
	char buf[1024] __attribute__((aligned(8)));
	struct track_pmatch_event ev[4];
	size_t len;

	(void)state;
	len = put_event(buf, PROC_EVENT_EXEC, 42, 42);
	assert_int_equal(track_pmatch_decode(buf, len, ev, 4), 1);
	assert_int_equal(ev[0].what, TRACK_PMATCH_NEW);
	assert_int_equal(ev[0].pid, 42);
	/* a new process, a rename, an exit; a thread's fork, rename and exit are left out */
	len = put_event(buf, PROC_EVENT_FORK, 50, 50);
	len += put_event(buf + len, PROC_EVENT_FORK, 51, 50);
	len += put_event(buf + len, PROC_EVENT_COMM, 50, 50);
	len += put_event(buf + len, PROC_EVENT_COMM, 51, 50);
	len += put_event(buf + len, PROC_EVENT_EXIT, 51, 50);
	len += put_event(buf + len, PROC_EVENT_EXIT, 50, 50);
	assert_int_equal(track_pmatch_decode(buf, len, ev, 4), 3);
	assert_int_equal(ev[0].what, TRACK_PMATCH_NEW);
	assert_int_equal(ev[1].what, TRACK_PMATCH_NEW);
	assert_int_equal(ev[2].what, TRACK_PMATCH_GONE);
	assert_int_equal(ev[2].pid, 50);
	/* other kinds (uid change...) say nothing */
	len = put_event(buf, PROC_EVENT_UID, 42, 42);
	assert_int_equal(track_pmatch_decode(buf, len, ev, 4), 0);
	/* malformed: cut short, a length past the end, another connector */
	len = put_event(buf, PROC_EVENT_EXIT, 42, 42);
	assert_int_equal(track_pmatch_decode(buf, NLMSG_HDRLEN + 4, ev, 4), -1);
	buf[0] = (char)0xff;
	assert_int_equal(track_pmatch_decode(buf, len, ev, 4), -1);
	len = put_event(buf, PROC_EVENT_EXIT, 42, 42);
	buf[NLMSG_HDRLEN] = 7; /* cn.id.idx */
	assert_int_equal(track_pmatch_decode(buf, len, ev, 4), -1);
	assert_int_equal(track_pmatch_decode(buf, 3, ev, 4), 0);
}

/* ---- config ---- */

static struct vipd_config *load(const char *check, char **msgs)
{
	char text[1024];

	snprintf(text, sizeof(text),
	         "checks = ( { name = \"p\"; type = \"process\"; %s } );\n"
	         "instances = ( { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	         "  checks = [ \"p\" ]; virtual_addresses = [ \"198.18.0.100/24\" ]; } );\n",
	         check);
	return config_fixture_load(text, msgs);
}

static void config_keys(void **state)
{
	char *msgs;
	struct vipd_config *cfg, *again;

	(void)state;
	cfg = load("process = \"nginx\";", &msgs);
	assert_non_null(cfg);
	free(msgs);
	assert_string_equal(cfg->checks[0].process, "nginx");
	assert_null(cfg->checks[0].cmdline);
	assert_int_equal(cfg->checks[0].quorum, 1);
	assert_int_equal(cfg->checks[0].quorum_max, 65535);
	config_fixture_round_trip(cfg);
	config_free(cfg);
	cfg = load("cmdline = \"/usr/bin/python3 app.py\"; cmdline_match = \"initial\"; "
	           "quorum = 2; quorum_max = 4; weight = -50;",
	           &msgs);
	assert_non_null(cfg);
	free(msgs);
	assert_true(cfg->checks[0].cmdline_initial);
	assert_int_equal(cfg->checks[0].quorum, 2);
	assert_int_equal(cfg->checks[0].quorum_max, 4);
	again = config_fixture_reprint(cfg);
	assert_true(config_track_check_equal(&cfg->checks[0], &again->checks[0]));
	/* a reload compares every process key */
	again->checks[0].quorum_max = 5;
	assert_false(config_track_check_equal(&cfg->checks[0], &again->checks[0]));
	again->checks[0].quorum_max = 4;
	again->checks[0].cmdline_initial = false;
	assert_false(config_track_check_equal(&cfg->checks[0], &again->checks[0]));
	config_free(again);
	config_free(cfg);
}

static void config_errors(void **state)
{
	static const struct {
		const char *keys, *err;
	} cases[] = {
	    {"", "1: check \"p\": missing key \"process\" or \"cmdline\" (or both)"},
	    {"process = \"abcdefghijklmnop\";",
	     "1: checks[0].process: \"abcdefghijklmnop\": 1 to 15 characters"},
	    {"process = \"\";", "1: checks[0].process: \"\": 1 to 15 characters"},
	    {"cmdline = \"a\\tb\";", "1: checks[0].cmdline: holds a control character"},
	    {"process = \"x\"; cmdline_match = \"partial\";",
	     "1: checks[0].cmdline_match: \"partial\": expected \"exact\" or \"initial\""},
	    {"process = \"x\"; quorum = 3; quorum_max = 2;",
	     "1: checks[0].quorum_max: 2 is below quorum 3"},
	    {"process = \"x\"; quorum = 65536;",
	     "1: checks[0].quorum: 65536 is out of range 0..65535"},
	    {"process = \"x\"; path = \"/x\";",
	     "1: checks[0].path: only for type \"file\", this check is \"process\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *msgs;
		struct vipd_config *cfg = load(cases[i].keys, &msgs);

		assert_null(cfg);
		assert_string_equal(msgs, cases[i].err);
		free(msgs);
	}
}

/* ---- the engine in a real loop ---- */

struct seen {
	struct loop *l;
	int ups, downs;
	monotime at; /* of the last up or down */
};

static void on_event(void *arg, const char *check, enum track_event ev, const char *text,
                     monotime now)
{
	struct seen *s = arg;

	(void)check;
	(void)text;
	if (ev != TRACK_UP && ev != TRACK_DOWN)
		return;
	s->ups += ev == TRACK_UP;
	s->downs += ev == TRACK_DOWN;
	s->at = now;
	loop_stop(s->l);
}

static void stop_cb(void *arg, monotime now)
{
	(void)now;
	loop_stop(arg);
}

static void run_until_event(struct loop *l, monotime limit)
{
	struct loop_timer guard;

	loop_timer_init(&guard, stop_cb, l);
	loop_timer_set(l, &guard, monotime_now() + limit);
	assert_int_equal(loop_run(l), 0);
	loop_timer_cancel(l, &guard);
}

/* A child named name (its comm) that waits to be killed. */
static pid_t spawn_named(const char *name)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, name);
		for (;;)
			pause();
	}
	return pid;
}

static const char *monitor(struct track *t, struct vipd_config *cfg, char *buf, size_t len)
{
	struct json_object *st = track_status(t, &cfg->instances[0]);
	struct json_object *c = json_object_array_get_idx(st, 0), *v;

	assert_true(json_object_object_get_ex(c, "monitor", &v));
	snprintf(buf, len, "%s", json_object_get_string(v));
	json_object_put(st);
	return buf;
}

/* down with none running, up when one appears, down when it exits; the interval is long in
 * connector mode (the events alone must do it), short where the host gives no connector */
static void engine(void **state)
{
	char name[16], keys[128], err[128], mon[128];
	struct seen s = {.l = loop_new()};
	struct vipd_config *cfg;
	struct track *t;
	char *msgs;
	monotime t0;
	pid_t pid;
	bool live;

	(void)state;
	snprintf(name, sizeof(name), "vt%d", (int)getpid());
	snprintf(keys, sizeof(keys), "process = \"%s\"; interval = 0.05; weight = -40;", name);
	cfg = load(keys, &msgs);
	free(msgs);
	t = track_new(s.l, cfg, NULL, on_event, &s, err, sizeof(err));
	assert_non_null(t);
	live = strcmp(monitor(t, cfg, mon, sizeof(mon)), "connector") == 0;
	if (live) {
		/* only the events can flip it within the bounds below */
		track_free(t);
		config_free(cfg);
		snprintf(keys, sizeof(keys), "process = \"%s\"; interval = 30; weight = -40;",
		         name);
		cfg = load(keys, &msgs);
		free(msgs);
		t = track_new(s.l, cfg, NULL, on_event, &s, err, sizeof(err));
	}
	print_message("process monitor: %s\n", mon);
	track_start(t, NULL, monotime_now());
	run_until_event(s.l, 2 * MT_SEC);
	assert_int_equal(s.downs, 1); /* nothing runs by that name */
	t0 = monotime_now();
	pid = spawn_named(name);
	run_until_event(s.l, 2 * MT_SEC);
	assert_int_equal(s.ups, 1);
	print_message("up %.1f ms after the fork\n", (double)(s.at - t0) / MT_MSEC);
	/* events: well under the 30 s interval; scans: within one 50 ms interval, with margin */
	assert_true(s.at - t0 < (live ? 500 : 300) * MT_MSEC);
	t0 = monotime_now();
	/* not reaped yet: a zombie has exited and is not counted */
	kill(pid, SIGKILL);
	run_until_event(s.l, 2 * MT_SEC);
	waitpid(pid, NULL, 0);
	assert_int_equal(s.downs, 2);
	print_message("down %.1f ms after the kill\n", (double)(s.at - t0) / MT_MSEC);
	assert_true(s.at - t0 < (live ? 500 : 300) * MT_MSEC);
	track_free(t);
	config_free(cfg);
	loop_free(s.l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(matcher),     cmocka_unit_test(stat_line),
	    cmocka_unit_test(quorum),      cmocka_unit_test(decode),
	    cmocka_unit_test(config_keys), cmocka_unit_test(config_errors),
	    cmocka_unit_test(engine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
