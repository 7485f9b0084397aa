/* Unit tests for track.c and proc.c: priority arithmetic (clamps, owner, fault), rise/fall
 * hysteresis, contributions, file check parsing and counting (torn reads keep the value;
 * keepalived's reading with missing = "zero"),
 * spawning (exit status, timeout killing the whole
 * group, missing command), unsafe scripts, and the engine in a real loop (exec, tcp, file,
 * file with missing = "zero"). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config_fixture.h"
#include "vipd/argv.h"
#include "vipd/loop.h"
#include "vipd/proc.h"
#include "vipd/track.h"
#include "vipd/track_file.h"

static void test_priority(void **state)
{
	bool fault;

	(void)state;
	assert_int_equal(track_priority(100, 0, false, &fault), 100);
	assert_false(fault);
	assert_int_equal(track_priority(100, -30, false, &fault), 70);
	assert_int_equal(track_priority(100, 20, false, &fault), 120);
	assert_int_equal(track_priority(100, -150, false, &fault), 1);  /* clamp low */
	assert_int_equal(track_priority(200, 100, false, &fault), 254); /* clamp high */
	assert_int_equal(track_priority(254, 1, false, &fault), 254);
	assert_int_equal(track_priority(255, -100, false, &fault), 255); /* owner untouched */
	assert_false(fault);
	assert_int_equal(track_priority(150, 0, true, &fault), 150);
	assert_true(fault);
	assert_int_equal(track_priority(255, 0, true, &fault), 255);
	assert_true(fault);
}

static void test_contribution(void **state)
{
	struct vipd_check_config c = {.type = VIPD_CHECK_EXEC, .weight = -30};
	bool w0 = false;

	(void)state;
	assert_int_equal(track_contribution(&c, true, 0, &w0), 0);
	assert_int_equal(track_contribution(&c, false, 0, &w0), -30);
	c.weight = 20;
	assert_int_equal(track_contribution(&c, true, 0, &w0), 20);
	assert_int_equal(track_contribution(&c, false, 0, &w0), 0);
	assert_false(w0);
	c.weight = 0;
	assert_int_equal(track_contribution(&c, true, 0, &w0), 0);
	assert_false(w0);
	track_contribution(&c, false, 0, &w0);
	assert_true(w0);
	/* file: value × weight, nothing when unreadable, weight 0: fault on non-zero or missing */
	c = (struct vipd_check_config){.type = VIPD_CHECK_FILE, .weight = 2};
	w0 = false;
	assert_int_equal(track_contribution(&c, true, -10, &w0), -20);
	assert_int_equal(track_contribution(&c, true, 5, &w0), 10);
	assert_int_equal(track_contribution(&c, false, 5, &w0), 0);
	assert_int_equal(track_contribution(&c, true, 100000, &w0), 508);
	assert_false(w0);
	c.weight = 0;
	track_contribution(&c, true, 0, &w0);
	assert_false(w0);
	track_contribution(&c, true, 1, &w0);
	assert_true(w0);
}

static void test_hysteresis(void **state)
{
	bool up = true;
	unsigned s = 0, f = 0;

	(void)state;
	/* fall = 3: two failures keep it up, a success resets, three in a row bring it down */
	assert_false(track_hysteresis(&up, &s, &f, false, 2, 3));
	assert_false(track_hysteresis(&up, &s, &f, false, 2, 3));
	assert_int_equal(f, 2);
	assert_false(track_hysteresis(&up, &s, &f, true, 2, 3));
	assert_int_equal(f, 0);
	assert_int_equal(s, 1);
	assert_false(track_hysteresis(&up, &s, &f, false, 2, 3));
	assert_false(track_hysteresis(&up, &s, &f, false, 2, 3));
	assert_true(up);
	assert_true(track_hysteresis(&up, &s, &f, false, 2, 3));
	assert_false(up);
	assert_false(track_hysteresis(&up, &s, &f, false, 2, 3));
	assert_int_equal(f, 4);
	/* rise = 2: one success is not enough, a failure resets it */
	assert_false(track_hysteresis(&up, &s, &f, true, 2, 3));
	assert_false(track_hysteresis(&up, &s, &f, false, 2, 3));
	assert_false(track_hysteresis(&up, &s, &f, true, 2, 3));
	assert_true(track_hysteresis(&up, &s, &f, true, 2, 3));
	assert_true(up);
	assert_int_equal(s, 2);
	/* rise = fall = 1 flips on every change */
	assert_true(track_hysteresis(&up, &s, &f, false, 1, 1));
	assert_true(track_hysteresis(&up, &s, &f, true, 1, 1));
}

static void test_file_parse(void **state)
{
	long v = 99;

	(void)state;
	assert_int_equal(track_file_parse("42\n", 3, &v), TRACK_FILE_VALUE);
	assert_int_equal(v, 42);
	assert_int_equal(track_file_parse(" -7 \r\n", 6, &v), TRACK_FILE_VALUE);
	assert_int_equal(v, -7);
	assert_int_equal(track_file_parse("-0\n", 3, &v), TRACK_FILE_VALUE);
	assert_int_equal(v, 0);
	/* an empty or half-written file, garbage, a number out of range, a NUL inside */
	v = 99;
	assert_int_equal(track_file_parse("", 0, &v), TRACK_FILE_GARBLED);
	assert_int_equal(track_file_parse("-", 1, &v), TRACK_FILE_GARBLED);
	assert_int_equal(track_file_parse("\n", 1, &v), TRACK_FILE_GARBLED);
	assert_int_equal(track_file_parse("12abc", 5, &v), TRACK_FILE_GARBLED);
	assert_int_equal(track_file_parse("99999999999999999999", 20, &v), TRACK_FILE_GARBLED);
	assert_int_equal(track_file_parse("1\0002", 3, &v), TRACK_FILE_GARBLED);
	assert_int_equal(track_file_parse("1                                                     "
	                                  "                  ",
	                                  73, &v),
	                 TRACK_FILE_GARBLED); /* longer than any integer line we read */
	assert_int_equal(v, 99);
}

static void test_file_update(void **state)
{
	struct track_file_state st = {.up = true};

	(void)state;
	/* garbage before any value is a failure (fall 1: down) */
	assert_int_equal(track_file_update(&st, TRACK_FILE_GARBLED, 0, 2, 1), TRACK_DOWN);
	/* rise 2: the first value counts, the second brings it up */
	assert_int_equal(track_file_update(&st, TRACK_FILE_VALUE, 5, 2, 1), -1);
	assert_false(st.up);
	assert_int_equal(track_file_update(&st, TRACK_FILE_VALUE, 0, 2, 1), TRACK_UP);
	assert_int_equal(st.value, 0);
	/* torn reads keep the value and the state, and break no series */
	for (int i = 0; i < 100; i++)
		assert_int_equal(track_file_update(&st, TRACK_FILE_GARBLED, 0, 2, 3), -1);
	assert_true(st.up);
	assert_int_equal(st.value, 0);
	assert_int_equal(track_file_update(&st, TRACK_FILE_VALUE, 3, 2, 3), TRACK_VALUE);
	assert_int_equal(track_file_update(&st, TRACK_FILE_VALUE, 3, 2, 3), -1);
	/* fall 3: a missing file twice is not enough, a value resets, three in a row bring it
	 * down; a torn read in the middle is no success */
	assert_int_equal(track_file_update(&st, TRACK_FILE_MISSING, 0, 2, 3), -1);
	assert_int_equal(track_file_update(&st, TRACK_FILE_MISSING, 0, 2, 3), -1);
	assert_int_equal(track_file_update(&st, TRACK_FILE_VALUE, 3, 2, 3), -1);
	assert_int_equal(track_file_update(&st, TRACK_FILE_MISSING, 0, 2, 3), -1);
	assert_int_equal(track_file_update(&st, TRACK_FILE_GARBLED, 0, 2, 3), -1);
	assert_int_equal(track_file_update(&st, TRACK_FILE_MISSING, 0, 2, 3), -1);
	assert_int_equal(track_file_update(&st, TRACK_FILE_MISSING, 0, 2, 3), TRACK_DOWN);
	assert_int_equal(st.value, 3); /* kept: it counts again once the check is up */
	/* a new value while down is no TRACK_VALUE */
	assert_int_equal(track_file_update(&st, TRACK_FILE_VALUE, 8, 2, 3), -1);
	assert_int_equal(track_file_update(&st, TRACK_FILE_VALUE, 8, 2, 3), TRACK_UP);
}

/* missing = "zero" (keepalived's reading): a missing or unreadable file is the value 0, so is a
 * garbled one once settled; one not settled is pending, which counts for nothing, even before
 * any value (no failure at start while a writer is at work) */
static void test_file_zero(void **state)
{
	struct track_file_state st = {.up = true};
	enum track_file_read r;
	long v = 9;

	(void)state;
	assert_int_equal(track_file_zero(TRACK_FILE_MISSING, false, &v), TRACK_FILE_VALUE);
	assert_int_equal(v, 0);
	v = 9;
	assert_int_equal(track_file_zero(TRACK_FILE_GARBLED, true, &v), TRACK_FILE_VALUE);
	assert_int_equal(v, 0);
	v = 9;
	assert_int_equal(track_file_zero(TRACK_FILE_GARBLED, false, &v), TRACK_FILE_PENDING);
	assert_int_equal(v, 9);
	assert_int_equal(track_file_zero(TRACK_FILE_VALUE, false, &v), TRACK_FILE_VALUE);
	assert_int_equal(v, 9);
	for (int i = 0; i < 5; i++)
		assert_int_equal(track_file_update(&st, TRACK_FILE_PENDING, 0, 1, 1), -1);
	assert_true(st.up);
	assert_false(st.have_value);
	assert_int_equal(st.failures, 0);
	assert_int_equal(track_file_update(&st, TRACK_FILE_VALUE, 5, 1, 1), TRACK_VALUE);
	assert_int_equal(track_file_update(&st, TRACK_FILE_PENDING, 0, 1, 1), -1);
	assert_int_equal(st.value, 5);
	/* what track_file_zero makes of a missing file: a new value 0, the check stays up */
	v = 5;
	r = track_file_zero(TRACK_FILE_MISSING, false, &v);
	assert_int_equal(track_file_update(&st, r, v, 1, 1), TRACK_VALUE);
	assert_true(st.up);
	assert_int_equal(st.value, 0);
}

/* ---- spawning in a real loop ---- */

struct done {
	int calls;
	int status;
	bool timed_out;
	monotime elapsed;
	char error[256]; /* "" when the command ran */
	struct loop *l;
};

static void on_done(void *arg, int wstatus, bool timed_out, monotime elapsed, const char *error)
{
	struct done *d = arg;

	snprintf(d->error, sizeof(d->error), "%s", error ? error : "");

	d->calls++;
	d->status = wstatus;
	d->timed_out = timed_out;
	d->elapsed = elapsed;
	loop_stop(d->l);
}

static void guard_cb(void *arg, monotime now)
{
	(void)now;
	loop_stop(arg);
}

/* Run l until something stops it, at most limit. */
static void run_for(struct loop *l, monotime limit)
{
	struct loop_timer guard;

	loop_timer_init(&guard, guard_cb, l);
	loop_timer_set(l, &guard, monotime_now() + limit);
	assert_int_equal(loop_run(l), 0);
	loop_timer_cancel(l, &guard);
}

static void spawn_wait(const char *cmd, monotime timeout, struct done *d)
{
	char **argv, err[128];
	struct proc *p;

	assert_int_equal(argv_split(cmd, &argv, err, sizeof(err)), 0);
	p = proc_spawn(d->l, argv, NULL, timeout, on_done, d, err, sizeof(err));
	argv_free(argv);
	if (!p)
		fail_msg("%s: %s", cmd, err);
	run_for(d->l, 5 * MT_SEC);
	assert_int_equal(d->calls, 1);
}

static void test_spawn(void **state)
{
	struct done d = {.l = loop_new()};
	char **argv, err[128];

	(void)state;
	spawn_wait("true", MT_SEC, &d);
	assert_true(WIFEXITED(d.status) && WEXITSTATUS(d.status) == 0);
	assert_false(d.timed_out);
	d.calls = 0;
	spawn_wait("/bin/sh -c 'exit 3'", MT_SEC, &d);
	assert_true(WIFEXITED(d.status) && WEXITSTATUS(d.status) == 3);
	d.calls = 0;
	spawn_wait("false", MT_SEC, &d);
	assert_int_equal(WEXITSTATUS(d.status), 1);

	assert_string_equal(d.error, "");

	/* a command that does not exist: the callback says why it did not start */
	assert_int_equal(argv_split("/nonexistent/vipd-check", &argv, err, sizeof(err)), 0);
	d.calls = 0;
	assert_non_null(proc_spawn(d.l, argv, NULL, MT_SEC, on_done, &d, err, sizeof(err)));
	argv_free(argv);
	run_for(d.l, 5 * MT_SEC);
	assert_int_equal(d.calls, 1);
	assert_string_equal(d.error, "/nonexistent/vipd-check: No such file or directory");
	assert_true(WIFEXITED(d.status) && WEXITSTATUS(d.status) == 127);
	assert_int_equal(proc_find_exec("sh", err, sizeof(err)), 0);
	assert_int_equal(proc_find_exec("vipd-no-such-command", err, sizeof(err)), -1);
	loop_free(d.l);
}

/* ---- a child that stalls before its exec (NSS, autofs, a hung NFS home) ---- */

static int gate = -1; /* a stalled child waits for a byte here, at most 3 s */

static void stall_child(void)
{
	struct pollfd pfd = {.fd = gate, .events = POLLIN};

	poll(&pfd, 1, 3000);
}

static void tick_cb(void *arg, monotime now)
{
	(void)now;
	loop_stop(arg);
}

/* The spawn returns at once and the loop keeps running while the child is not at its exec yet
 * (issue 10, item 7: the parent read the exec-error pipe blocking, for as long as the child
 * took). The bound: the child stalls 3 s, a fork takes milliseconds; 1 s is the margin. */
static void test_spawn_does_not_block(void **state)
{
	struct done d = {.l = loop_new()};
	struct loop_timer tick;
	char **argv, err[128];
	monotime t0, took;
	struct proc *p;
	int gp[2];

	(void)state;
	assert_int_equal(pipe2(gp, O_CLOEXEC), 0);
	gate = gp[0];
	assert_int_equal(argv_split("true", &argv, err, sizeof(err)), 0);
	proc_child_hook = stall_child;
	t0 = monotime_now();
	p = proc_spawn(d.l, argv, NULL, 5 * MT_SEC, on_done, &d, err, sizeof(err));
	took = monotime_now() - t0;
	proc_child_hook = NULL;
	assert_non_null(p);
	assert_true(took < MT_SEC);
	/* a timer 50 ms later fires while the child still waits */
	loop_timer_init(&tick, tick_cb, d.l);
	loop_timer_set(d.l, &tick, monotime_now() + 50 * MT_MSEC);
	run_for(d.l, 2 * MT_SEC);
	assert_false(loop_timer_armed(&tick));
	assert_int_equal(d.calls, 0);
	/* released, it runs its command and the callback comes */
	assert_int_equal(write(gp[1], "x", 1), 1);
	run_for(d.l, 5 * MT_SEC);
	assert_int_equal(d.calls, 1);
	assert_true(WIFEXITED(d.status) && WEXITSTATUS(d.status) == 0);
	assert_string_equal(d.error, "");

	/* a child stuck before its exec is killed at the timeout like any other */
	assert_int_equal(read(gp[0], err, 1), 1); /* the gate closes again */
	d.calls = 0;
	proc_child_hook = stall_child;
	p = proc_spawn(d.l, argv, NULL, 200 * MT_MSEC, on_done, &d, err, sizeof(err));
	proc_child_hook = NULL;
	assert_non_null(p);
	run_for(d.l, 5 * MT_SEC);
	assert_int_equal(d.calls, 1);
	assert_true(d.timed_out);
	assert_true(d.elapsed >= 200 * MT_MSEC && d.elapsed < 2 * MT_SEC);
	argv_free(argv);
	close(gp[0]);
	close(gp[1]);
	loop_free(d.l);
}

static bool pid_alive(pid_t pid)
{
	char path[64], buf[256];
	FILE *f;
	char *p;
	bool alive;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	alive = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	p = strrchr(buf, ')');
	return alive && p && p[2] != 'Z' && p[2] != 'X'; /* a zombie is dead */
}

static void test_timeout_kills_group(void **state)
{
	struct done d = {.l = loop_new()};
	char file[] = "/tmp/vipd-test-proc-XXXXXX", cmd[256];
	int fd = mkstemp(file);
	long grandchild = 0;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* the child forks a sleeping grandchild and sleeps itself */
	snprintf(cmd, sizeof(cmd), "/bin/sh -c 'sleep 30 & echo $! > %s; sleep 30'", file);
	spawn_wait(cmd, 200 * MT_MSEC, &d);
	assert_true(d.timed_out);
	assert_true(WIFSIGNALED(d.status) && WTERMSIG(d.status) == SIGKILL);
	assert_true(d.elapsed >= 200 * MT_MSEC && d.elapsed < 2 * MT_SEC);
	f = fopen(file, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &grandchild), 1);
	fclose(f);
	unlink(file);
	for (int i = 0; i < 100 && pid_alive((pid_t)grandchild); i++)
		usleep(10000);
	assert_false(pid_alive((pid_t)grandchild));

	/* proc_cancel: no callback, the child is gone */
	{
		char **argv, err[128];
		struct proc *p;

		assert_int_equal(argv_split("sleep 30", &argv, err, sizeof(err)), 0);
		d.calls = 0;
		p = proc_spawn(d.l, argv, NULL, MT_SEC, on_done, &d, err, sizeof(err));
		assert_non_null(p);
		proc_cancel(p);
		run_for(d.l, 100 * MT_MSEC);
		assert_int_equal(d.calls, 0);
		argv_free(argv);
	}
	loop_free(d.l);
}

static void test_unsafe(void **state)
{
	char dir[] = "/tmp/vipd-test-unsafe-XXXXXX", path[128];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/check.sh", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0755);
	assert_true(fd >= 0);
	close(fd);
	chmod(path, 0755);
	if (geteuid() == 0) {
		/* root's file in root's 0700 folder under the sticky /tmp: safe */
		assert_null(proc_script_unsafe(path));
		chmod(path, 0757);
		assert_non_null(strstr(proc_script_unsafe(path), "writable by a user other"));
		chmod(path, 0755);
		chmod(dir, 0777);
		assert_non_null(strstr(proc_script_unsafe(path), "folder"));
		chmod(dir, 0700);
		assert_int_equal(chown(path, 65534, 0), 0);
		assert_non_null(proc_script_unsafe(path));
	} else {
		assert_non_null(proc_script_unsafe(path)); /* owned by us, not root */
	}
	assert_null(proc_script_unsafe("/bin/sh"));
	assert_non_null(proc_script_unsafe("/nonexistent/x"));
	unlink(path);
	rmdir(dir);
}

/* ---- the engine ---- */

struct events {
	char log[2048];
	size_t n;
	int ups, downs, values, problems, recovers, probes;
	char probe[200]; /* the text of the last TRACK_PROBE_RESULT */
	struct loop *l;
	int stop_after; /* stop the loop after this many up/down/value events */
};

static void on_event(void *arg, const char *check, enum track_event ev, const char *text,
                     monotime now)
{
	struct events *e = arg;
	static const char *const names[] = {"up",      "down",         "value",        "problem",
	                                    "recover", "recover-done", "recover-error"};

	(void)now;
	if (ev == TRACK_PROBE_START || ev == TRACK_PROBE_RESULT) {
		/* Debug detail, one start and one result per probe: kept apart from the log. */
		e->probes += ev == TRACK_PROBE_START;
		if (ev == TRACK_PROBE_RESULT)
			snprintf(e->probe, sizeof(e->probe), "%s", text);
		return;
	}
	e->n += (size_t)snprintf(e->log + e->n, sizeof(e->log) - e->n, "%s %s %s\n", check,
	                         names[ev], text);
	e->ups += ev == TRACK_UP;
	e->downs += ev == TRACK_DOWN;
	e->values += ev == TRACK_VALUE;
	e->problems += ev == TRACK_PROBLEM;
	e->recovers += ev == TRACK_RECOVER_START;
	if ((ev == TRACK_UP || ev == TRACK_DOWN || ev == TRACK_VALUE) && --e->stop_after == 0)
		loop_stop(e->l);
}

static struct vipd_config *load(const char *checks, const char *inst_keys)
{
	char text[2048], *msgs;
	struct vipd_config *cfg;

	snprintf(text, sizeof(text),
	         "script_user = \"root\";\n"
	         "checks = ( %s );\n"
	         "instances = ( { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	         "  virtual_addresses = [ \"198.18.0.100/24\" ]; %s } );\n",
	         checks, inst_keys);
	cfg = config_fixture_load(text, &msgs);
	if (!cfg)
		fail_msg("%s\n%s", text, msgs);
	free(msgs);
	return cfg;
}

static void test_engine_exec(void **state)
{
	struct events e = {.l = loop_new(), .stop_after = 1};
	struct vipd_config *cfg =
	    load("{ name = \"x\"; type = \"exec\"; command = \"false\"; interval = 0.02; "
	         "timeout = 1.0; fall = 3; rise = 2; weight = -30; }",
	         "checks = [ \"x\" ];");
	char err[128], why[128];
	struct track *t = track_new(e.l, cfg, NULL, on_event, &e, err, sizeof(err));
	monotime start = monotime_now();
	bool w0;

	(void)state;
	assert_non_null(t);
	track_start(t, NULL, start);
	assert_int_equal(track_instance_delta(t, &cfg->instances[0], &w0, why, sizeof(why)), 0);
	run_for(e.l, 3 * MT_SEC);
	assert_int_equal(e.downs, 1);
	/* each probe is reported (debug lines) as it starts and ends, with its raw outcome */
	assert_true(e.probes >= 3);
	assert_string_equal(e.probe, "fail: exit status 1");
	/* three failures at 0, 20, 40 ms */
	assert_true(monotime_now() - start >= 40 * MT_MSEC);
	assert_int_equal(track_instance_delta(t, &cfg->instances[0], &w0, why, sizeof(why)), -30);
	assert_false(w0);
	assert_string_equal(why, "check x down");
	{
		struct json_object *st = track_status(t, &cfg->instances[0]);
		const char *s = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN);

		assert_non_null(strstr(s, "\"state\":\"down\""));
		assert_non_null(strstr(s, "\"last\":\"exit status 1\""));
		json_object_put(st);
	}
	track_free(t);
	config_free(cfg);
	loop_free(e.l);
}

/* Every name service call of this program, counted (then passed on). */
static unsigned getpwnam_calls;

struct passwd *getpwnam(const char *name)
{
	static struct passwd *(*real)(const char *);

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "getpwnam");
	getpwnam_calls++;
	return real ? real(name) : NULL;
}

/* The script user is looked up once per config load (proc_user_lookup), never at a run:
 * five runs as nobody (as root; else as ourselves) ask the name service nothing. */
static void test_engine_no_lookup_per_run(void **state)
{
	struct events e = {.l = loop_new(), .stop_after = 1};
	struct vipd_config *cfg =
	    load("{ name = \"x\"; type = \"exec\"; command = \"false\"; interval = 0.02; "
	         "timeout = 1.0; fall = 5; rise = 1; weight = -1; }",
	         "checks = [ \"x\" ];");
	struct proc_user *u = NULL;
	char err[128];
	struct track *t;
	unsigned before;

	(void)state;
	if (geteuid() == 0) {
		u = proc_user_lookup("nobody", err, sizeof(err));
		assert_non_null(u);
	}
	before = getpwnam_calls;
	t = track_new(e.l, cfg, u, on_event, &e, err, sizeof(err));
	assert_non_null(t);
	track_start(t, NULL, monotime_now());
	run_for(e.l, 3 * MT_SEC);
	assert_int_equal(e.downs, 1); /* five runs of false */
	assert_non_null(strstr(e.log, "x down exit status 1"));
	assert_int_equal(getpwnam_calls, before);
	track_free(t);
	proc_user_free(u);
	config_free(cfg);
	loop_free(e.l);
}

static void test_engine_exec_timeout(void **state)
{
	struct events e = {.l = loop_new(), .stop_after = 1};
	struct vipd_config *cfg =
	    load("{ name = \"hang\"; type = \"exec\"; command = \"sleep 10\"; interval = 0.05; "
	         "timeout = 0.1; weight = 0; }",
	         "checks = [ \"hang\" ];");
	char err[128], why[128];
	struct track *t = track_new(e.l, cfg, NULL, on_event, &e, err, sizeof(err));
	bool w0;

	(void)state;
	track_start(t, NULL, monotime_now());
	run_for(e.l, 3 * MT_SEC);
	assert_int_equal(e.downs, 1);
	assert_non_null(strstr(e.log, "hang down timeout after 0.1"));
	track_instance_delta(t, &cfg->instances[0], &w0, why, sizeof(why));
	assert_true(w0);
	track_free(t);
	config_free(cfg);
	loop_free(e.l);
}

static void test_engine_tcp(void **state)
{
	struct events e = {.l = loop_new(), .stop_after = 1};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char checks[512], err[128];
	struct vipd_config *cfg;
	struct track *t;

	(void)state;
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(s, 16), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	snprintf(checks, sizeof(checks),
	         "{ name = \"db\"; type = \"tcp\"; host = \"127.0.0.1\"; port = %u; "
	         "interval = 0.02; timeout = 0.2; fall = 2; rise = 2; weight = -10; "
	         "recover = \"true\"; recover_interval = 60.0; }",
	         ntohs(sin.sin_port));
	cfg = load(checks, "checks = [ \"db\" ];");
	t = track_new(e.l, cfg, NULL, on_event, &e, err, sizeof(err));
	assert_non_null(t);
	track_start(t, NULL, monotime_now());
	run_for(e.l, 200 * MT_MSEC); /* stays up: no event */
	assert_int_equal(e.downs + e.ups, 0);
	close(s); /* refused from now on */
	run_for(e.l, 3 * MT_SEC);
	assert_int_equal(e.downs, 1);
	assert_non_null(strstr(e.log, "db down connect: Connection refused"));
	assert_int_equal(e.recovers, 1);
	track_free(t);
	config_free(cfg);
	loop_free(e.l);
}

static void test_engine_tcp6(void **state)
{
	struct events e = {.l = loop_new(), .stop_after = 1};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	socklen_t len = sizeof(sin6);
	int s = socket(AF_INET6, SOCK_STREAM, 0);
	char checks[512], err[128];
	struct vipd_config *cfg;
	struct track *t;

	(void)state;
	if (s < 0 || bind(s, (struct sockaddr *)&sin6, sizeof(sin6)) < 0) {
		if (s >= 0)
			close(s);
		loop_free(e.l);
		skip(); /* no IPv6 loopback here */
	}
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin6, &len), 0);
	close(s); /* a port nobody listens on: refused */
	snprintf(checks, sizeof(checks),
	         "{ name = \"v6\"; type = \"tcp\"; host = \"::1\"; port = %u; "
	         "interval = 0.02; timeout = 0.2; weight = -10; }",
	         ntohs(sin6.sin6_port));
	cfg = load(checks, "checks = [ \"v6\" ];");
	t = track_new(e.l, cfg, NULL, on_event, &e, err, sizeof(err));
	assert_non_null(t);
	track_start(t, NULL, monotime_now());
	run_for(e.l, 3 * MT_SEC);
	assert_int_equal(e.downs, 1);
	assert_non_null(strstr(e.log, "v6 down connect: Connection refused"));
	track_free(t);
	config_free(cfg);
	loop_free(e.l);
}

static void write_file(const char *path, const char *text)
{
	char tmp[128];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(rename(tmp, path), 0);
}

static void test_engine_file(void **state)
{
	char dir[] = "/tmp/vipd-test-file-XXXXXX", path[128], checks[512], err[128], why[128];
	struct events e = {.l = loop_new(), .stop_after = 1};
	struct vipd_config *cfg;
	struct track *t;
	bool w0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/weight", dir);
	snprintf(checks, sizeof(checks),
	         "{ name = \"maint\"; type = \"file\"; path = \"%s\"; weight = 2; }", path);
	cfg = load(checks, "checks = [ \"maint\" ];");
	t = track_new(e.l, cfg, NULL, on_event, &e, err, sizeof(err));
	assert_non_null(t);
	track_start(t, NULL, monotime_now()); /* missing: down, reported once */
	assert_int_equal(e.downs, 1);
	assert_int_equal(e.problems, 1);
	assert_true(strncmp(e.probe, "fail: ", 6) == 0);
	assert_int_equal(track_instance_delta(t, &cfg->instances[0], &w0, why, sizeof(why)), 0);
	write_file(path, "-10\n");
	e.stop_after = 1;
	run_for(e.l, 2 * MT_SEC);
	assert_int_equal(e.ups, 1);
	assert_int_equal(track_instance_delta(t, &cfg->instances[0], &w0, why, sizeof(why)), -20);
	write_file(path, "7");
	e.stop_after = 1;
	run_for(e.l, 2 * MT_SEC);
	assert_int_equal(e.values, 1);
	assert_string_equal(e.probe, "pass: value 7");
	assert_int_equal(track_instance_delta(t, &cfg->instances[0], &w0, why, sizeof(why)), 14);
	/* garbage is no new value: the check keeps 7, the problem is reported once the file is
	 * quiet (0.1 s after its last write), once for any number of reads */
	write_file(path, "abc");
	e.stop_after = 0;
	run_for(e.l, 400 * MT_MSEC);
	write_file(path, "xyz");
	run_for(e.l, 400 * MT_MSEC);
	assert_int_equal(e.downs, 1);
	assert_int_equal(e.problems, 2);
	assert_non_null(strstr(e.log, "maint problem "
	                              "/tmp/vipd-test-file-"));
	assert_non_null(strstr(e.log, "not an integer (keeping 7)"));
	assert_int_equal(track_instance_delta(t, &cfg->instances[0], &w0, why, sizeof(why)), 14);
	/* deleted: a failure, down at once (fall 1) */
	unlink(path);
	e.stop_after = 1;
	run_for(e.l, 2 * MT_SEC);
	assert_int_equal(e.downs, 2);
	assert_int_equal(track_instance_delta(t, &cfg->instances[0], &w0, why, sizeof(why)), 0);
	rmdir(dir);
	track_free(t);
	config_free(cfg);
	loop_free(e.l);
}

/* Write text into path (renamed into place) and run the loop until the check reports. */
static void write_wait(struct events *e, const char *path, const char *text)
{
	write_file(path, text);
	e->stop_after = 1;
	run_for(e->l, 2 * MT_SEC);
}

/* Whether the checks of the instance of cfg put it in FAULT now. */
static bool faulted(const struct track *t, const struct vipd_config *cfg)
{
	char why[128];
	bool w0;

	track_instance_delta(t, &cfg->instances[0], &w0, why, sizeof(why));
	return w0;
}

/* missing = "zero", weight 0 (keepalived's track_file): a missing file is 0, no FAULT and no
 * problem; a value faults; deleted, it is 0 again; garbage is kept while a writer may be at
 * work, then 0 and a problem; so is an empty file; an unreadable path (a folder) is 0 and a
 * problem. */
static void test_engine_file_zero(void **state)
{
	char dir[] = "/tmp/vipd-test-file-XXXXXX", path[128], checks[512], err[128];
	struct events e = {.l = loop_new(), .stop_after = 1};
	struct vipd_config *cfg;
	struct track *t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fault", dir);
	snprintf(
	    checks, sizeof(checks),
	    "{ name = \"f\"; type = \"file\"; path = \"%s\"; weight = 0; missing = \"zero\"; }",
	    path);
	cfg = load(checks, "checks = [ \"f\" ];");
	t = track_new(e.l, cfg, NULL, on_event, &e, err, sizeof(err));
	assert_non_null(t);
	track_start(t, NULL, monotime_now());
	assert_int_equal(e.downs + e.problems, 0);
	assert_true(strncmp(e.probe, "pass: value 0 (", 15) == 0);
	assert_false(faulted(t, cfg));
	{
		struct json_object *st = track_status(t, &cfg->instances[0]);
		const char *s = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN);

		assert_non_null(strstr(s, "\"state\":\"up\""));
		assert_non_null(strstr(s, "\"value\":0,\"missing\":\"zero\""));
		json_object_put(st);
	}
	write_wait(&e, path, "5\n");
	assert_int_equal(e.values, 1);
	assert_true(faulted(t, cfg));
	unlink(path);
	e.stop_after = 1;
	run_for(e.l, 2 * MT_SEC);
	assert_int_equal(e.values, 2);
	assert_int_equal(e.downs + e.problems, 0);
	assert_false(faulted(t, cfg));
	write_wait(&e, path, "5\n");
	/* garbage just written: 5 is kept (a writer may be at work)... */
	write_file(path, "abc");
	e.stop_after = 0;
	run_for(e.l, 30 * MT_MSEC);
	assert_int_equal(e.values, 3);
	assert_true(faulted(t, cfg));
	/* ...until it has stayed so for 0.1 s: then 0, reported once */
	e.stop_after = 1;
	run_for(e.l, 2 * MT_SEC);
	assert_int_equal(e.values, 4);
	assert_int_equal(e.problems, 1);
	assert_non_null(strstr(e.log, "not an integer"));
	assert_false(faulted(t, cfg));
	/* an empty file: the same */
	write_wait(&e, path, "5\n");
	write_wait(&e, path, "");
	assert_int_equal(e.values, 6);
	assert_false(faulted(t, cfg));
	/* unreadable (a folder, whatever our uid): 0, and a problem */
	write_wait(&e, path, "5\n");
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	e.stop_after = 0;
	run_for(e.l, 1200 * MT_MSEC); /* the next interval's read */
	assert_int_equal(e.downs, 0);
	assert_non_null(strstr(e.log, "Is a directory"));
	assert_false(faulted(t, cfg));
	rmdir(path);
	rmdir(dir);
	track_free(t);
	config_free(cfg);
	loop_free(e.l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_priority),
	    cmocka_unit_test(test_contribution),
	    cmocka_unit_test(test_hysteresis),
	    cmocka_unit_test(test_file_parse),
	    cmocka_unit_test(test_file_update),
	    cmocka_unit_test(test_file_zero),
	    cmocka_unit_test(test_spawn),
	    cmocka_unit_test(test_spawn_does_not_block),
	    cmocka_unit_test(test_timeout_kills_group),
	    cmocka_unit_test(test_unsafe),
	    cmocka_unit_test(test_engine_exec),
	    cmocka_unit_test(test_engine_no_lookup_per_run),
	    cmocka_unit_test(test_engine_exec_timeout),
	    cmocka_unit_test(test_engine_tcp),
	    cmocka_unit_test(test_engine_tcp6),
	    cmocka_unit_test(test_engine_file),
	    cmocka_unit_test(test_engine_file_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
