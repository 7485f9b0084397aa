/* The out-of-memory policy (HACKING.md "Error policy") at representative sites, with allocation
 * failure injected: this program alone is linked with -Wl,--wrap for malloc, calloc, realloc and
 * strdup (Makefile.am), so every call libvipd makes can be made to fail; the daemon never is. */
#include "build_config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "vipd/config.h"
#include "vipd/ctl.h"
#include "vipd/daemon_int.h"
#include "vipd/log.h"
#include "vipd/loop.h"
#include "vipd/notify.h"

/* --- the injection: fail call number fail_at (counted from the last oom_arm), or none. live
 * counts the blocks allocated through the wrappers and not yet freed: 0 after a load and its
 * config_free means nothing leaked. --- */

static unsigned long calls, fail_at;
static long live;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
int __real_vasprintf(char **out, const char *fmt, va_list ap);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
int __wrap_vasprintf(char **out, const char *fmt, va_list ap);

static bool fail_now(void)
{
	if (++calls != fail_at)
		return false;
	errno = ENOMEM;
	return true;
}

static void *counted(void *p)
{
	if (p)
		live++;
	return p;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : counted(__real_malloc(n));
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : counted(__real_calloc(n, size));
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (fail_now())
		return NULL;
	q = __real_realloc(p, n);
	if (q && !p)
		live++;
	return q;
}

void __wrap_free(void *p)
{
	if (p)
		live--;
	__real_free(p);
}

/* glibc's strdup and vasprintf allocate inside libc, past the wrappers: done here instead. */
char *__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = __wrap_malloc(n);

	return d ? memcpy(d, s, n) : NULL;
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	int n;

	if (fail_now())
		return -1;
	n = __real_vasprintf(out, fmt, ap);
	if (n >= 0)
		live++;
	return n;
}

/* The same, for the name _FORTIFY_SOURCE=2 gives vasprintf. */
int __real___vasprintf_chk(char **out, int flag, const char *fmt, va_list ap);
int __wrap___vasprintf_chk(char **out, int flag, const char *fmt, va_list ap);

int __wrap___vasprintf_chk(char **out, int flag, const char *fmt, va_list ap)
{
	int n;

	if (fail_now())
		return -1;
	n = __real___vasprintf_chk(out, flag, fmt, ap);
	if (n >= 0)
		live++;
	return n;
}

/* Fail the nth allocation from now on (0: none). */
static void oom_arm(unsigned long nth)
{
	calls = 0;
	fail_at = nth;
}

/* --- config: every allocation of a load fails in turn; each gives an error, none a leak --- */

static const char rich_config[] =
    "router_id = \"lb1\";\n"
    "notify_fifo = \"/run/vipd/events\";\n"
    "metrics_listen = \"127.0.0.1:9650\";\n"
    "script_user = \"nobody\";\n"
    "checks = (\n"
    "  { name = \"nginx\"; type = \"exec\"; command = \"/usr/bin/pgrep -x 'ng inx'\";\n"
    "    recover = \"/usr/bin/systemctl restart nginx\"; weight = -30; },\n"
    "  { name = \"web-http\"; type = \"http\"; url = \"http://127.0.0.1/health\";\n"
    "    expect_body = \"ok\"; weight = -50; },\n"
    "  { name = \"db\"; type = \"tcp\"; host = \"::1\"; port = 5432; weight = 0; },\n"
    "  { name = \"maint\"; type = \"file\"; path = \"/etc/vipd/weight\"; }\n"
    ");\n"
    "instances = (\n"
    "  { name = \"web\"; interface = \"eth0\"; vrid = 51; priority = 150;\n"
    "    virtual_addresses = [ \"198.18.0.100/24\", \"198.18.0.101/24\" ];\n"
    "    virtual_routes = [ \"198.19.0.0/24 via 198.18.0.254\" ];\n"
    "    unicast_peers = [ \"198.18.0.2\", \"198.18.0.3\" ];\n"
    "    notify = \"/etc/vipd/notify.sh\";\n"
    "    checks = [ \"nginx\", \"db\", \"maint\" ];\n"
    "    track_interfaces = ( { name = \"eth1\"; weight = -20; } ); },\n"
    "  { name = \"api\"; interface = \"eth1\"; vrid = 52;\n"
    "    virtual_addresses = [ \"198.18.1.100\" ]; }\n"
    ");\n"
    "sync_groups = ( { name = \"edge\"; instances = [ \"web\", \"api\" ]; } );\n";

static char conf_path[] = "/tmp/vipd-test-oom-XXXXXX";
static char bad_path[] = "/tmp/vipd-test-oom-bad-XXXXXX";

static int write_temp(char *path, const char *text, const char *more)
{
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (!f)
		return -1;
	fputs(text, f);
	fputs(more, f);
	return fclose(f) == 0 ? 0 : -1;
}

static int conf_setup(void **state)
{
	(void)state;
	if (write_temp(conf_path, rich_config, "") < 0)
		return -1;
	return write_temp(bad_path, rich_config, "bogus_key = 1;\n");
}

static int conf_teardown(void **state)
{
	(void)state;
	unlink(conf_path);
	unlink(bad_path);
	return 0;
}

static bool has_line(const struct config_errors *errs, const char *text)
{
	for (size_t i = 0; i < errs->n; i++)
		if (strstr(errs->lines[i], text))
			return true;
	return false;
}

/* Load path once whole (valid: it loads), then once per allocation with that one failing: the
 * load is refused with a line saying why, and every block is freed. */
static void load_under_oom(const char *path, bool valid)
{
	struct config_errors errs = {0};
	struct vipd_config *cfg;
	unsigned long total, nth;
	long before = live;

	oom_arm(0);
	cfg = config_load(path, &errs);
	total = calls;
	if (valid && !cfg)
		fail_msg("%s", errs.n ? errs.lines[0] : "no error line");
	assert_true(valid ? errs.n == 0 : !cfg && has_line(&errs, "unknown key"));
	config_free(cfg);
	config_errors_clear(&errs);
	assert_int_equal(live, before);
	assert_true(total >= 20);
	for (nth = 1; nth <= total; nth++) {
		oom_arm(nth);
		cfg = config_load(path, &errs);
		oom_arm(0);
		if (cfg)
			fail_msg("allocation %lu of %lu failed, yet the config loaded", nth, total);
		/* A bad file's own error may be the line that could not be stored. */
		if (valid ? !has_line(&errs, "out of memory") : errs.n == 0)
			fail_msg("allocation %lu of %lu failed: no error line (%s)", nth, total,
			         errs.n ? errs.lines[0] : "none");
		config_errors_clear(&errs);
		if (live != before)
			fail_msg("allocation %lu of %lu failed: %ld blocks leaked", nth, total,
			         live - before);
	}
}

static void test_config_load(void **state)
{
	(void)state;
	load_under_oom(conf_path, true);
}

static void test_config_load_bad(void **state)
{
	(void)state;
	load_under_oom(bad_path, false);
}

/* --- loop: a timer heap that cannot grow tells the owner, and the heap stays whole --- */

struct tick {
	struct loop_timer t;
	int fired;
};

static const char *oom_what;

static void record_oom(void *arg, const char *what)
{
	(void)arg;
	oom_what = what;
}

static void tick_cb(void *arg, monotime now)
{
	(void)now;
	((struct tick *)arg)->fired++;
}

static void stop_cb(void *arg, monotime now)
{
	(void)now;
	loop_stop(arg);
}

#define NTICKS 64 /* the heap's first size: the next timer makes it grow */

static void test_loop_timer_heap(void **state)
{
	static struct tick ticks[NTICKS + 1];
	struct loop_timer stop;
	struct loop *l = loop_new();
	monotime now = monotime_now();

	(void)state;
	assert_non_null(l);
	loop_set_oom_cb(l, record_oom, NULL);
	for (int i = 0; i <= NTICKS; i++)
		loop_timer_init(&ticks[i].t, tick_cb, &ticks[i]);
	for (int i = 0; i < NTICKS; i++)
		assert_int_equal(loop_timer_set(l, &ticks[i].t, now + MT_MSEC), 0);
	oom_arm(1);
	errno = 0;
	assert_int_equal(loop_timer_set(l, &ticks[NTICKS].t, now + MT_MSEC), -1);
	oom_arm(0);
	assert_int_equal(errno, ENOMEM);
	assert_string_equal(oom_what, "timer heap");
	assert_false(loop_timer_armed(&ticks[NTICKS].t));
	/* The timers armed before still fire; the heap grows at the next try. */
	loop_timer_init(&stop, stop_cb, l);
	assert_int_equal(loop_timer_set(l, &stop, now + 20 * MT_MSEC), 0);
	assert_int_equal(loop_run(l), 0);
	for (int i = 0; i < NTICKS; i++)
		assert_int_equal(ticks[i].fired, 1);
	assert_int_equal(ticks[NTICKS].fired, 0);
	loop_free(l);
}

/* The daemon's callback (daemon.c) is log_oom_fatal: the message, then exit status 1. */
static void fatal_oom(void *arg, const char *what)
{
	(void)arg;
	log_oom_fatal(what);
}

static void test_loop_timer_heap_fatal(void **state)
{
	char out[512] = "";
	int p[2], status;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static struct loop_timer t;
		struct loop *l = loop_new();

		dup2(p[1], STDERR_FILENO);
		log_init("test", true, LOG_INFO);
		loop_set_oom_cb(l, fatal_oom, NULL);
		loop_timer_init(&t, tick_cb, NULL);
		oom_arm(1);
		loop_timer_set(l, &t, monotime_now());
		_exit(3); /* not reached: the callback exits */
	}
	close(p[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	n = read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	out[n > 0 ? n : 0] = '\0';
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_non_null(strstr(out, " timer heap: out of memory\n"));
}

/* --- notify (a service): an event that cannot be queued is dropped and reported --- */

static char reported[256];

static void notify_report(void *arg, const char *instance, bool ok, const char *what)
{
	(void)arg;
	snprintf(reported, sizeof(reported), "%s %s %s", instance ? instance : "-",
	         ok ? "ok" : "failed", what);
}

static void test_notify_event(void **state)
{
	struct loop *l = loop_new();
	struct loop_timer idle;
	struct notifier *n;

	(void)state;
	assert_non_null(l);
	/* The timer heap has room before: this is about the notifier's own allocations. */
	loop_timer_init(&idle, tick_cb, NULL);
	loop_timer_set(l, &idle, monotime_now() + MT_SEC);
	n = notify_new(l, MT_SEC, notify_report, NULL);
	assert_non_null(n);
	/* The queue of "web" (two), then the event (two): each failure drops the event. */
	for (unsigned long nth = 1; nth <= 6; nth++) {
		reported[0] = '\0';
		oom_arm(nth);
		notify_state(n, "web", "/bin/true", "MASTER", 100);
		oom_arm(0);
		if (calls >= nth)
			assert_string_equal(reported, "web failed out of memory; event dropped");
	}
	notify_free(n);
	loop_free(l);
}

/* --- ctl: an answer that could not be built is an error answer, never a crash --- */

static void test_ctl_answer(void **state)
{
	struct json_object *r = daemon_ctl_reply(NULL, "status"), *v;

	(void)state;
	assert_non_null(r);
	assert_true(json_object_object_get_ex(r, "ok", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(r, "error", &v));
	assert_string_equal(json_object_get_string(v), "out of memory");
	json_object_put(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_load),     cmocka_unit_test(test_config_load_bad),
	    cmocka_unit_test(test_loop_timer_heap), cmocka_unit_test(test_loop_timer_heap_fatal),
	    cmocka_unit_test(test_notify_event),    cmocka_unit_test(test_ctl_answer),
	};

	log_init("test", true, LOG_ERR);
	return cmocka_run_group_tests(tests, conf_setup, conf_teardown);
}
