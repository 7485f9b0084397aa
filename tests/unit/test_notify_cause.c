/* notify and the cause of a change: the VIPD_CAUSE* variables a state change's scripts get (only
 * those that apply), and the FIFO lines, which carry the cause with notify_fifo_cause only. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vipd/events.h"
#include "vipd/loop.h"
#include "vipd/notify.h"

static char dir[64];
static struct loop *lp;
static struct notifier *nt;
static struct loop_timer poll_timer;

static void poll_cb(void *arg, monotime now)
{
	(void)arg;
	if (!notify_busy(nt)) {
		loop_stop(lp);
		return;
	}
	loop_timer_set(lp, &poll_timer, now + 5 * MT_MSEC);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vipd-test-cause-XXXXXX");
	assert_non_null(mkdtemp(dir));
	lp = loop_new();
	assert_non_null(lp);
	loop_timer_init(&poll_timer, poll_cb, NULL);
	nt = notify_new(lp, 5 * MT_SEC, NULL, NULL);
	assert_non_null(nt);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	notify_free(nt);
	loop_free(lp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static struct events_cause master_down(void)
{
	struct events_cause c;

	events_cause_init(&c, EVENTS_KIND_MASTER_DOWN);
	snprintf(c.from, sizeof(c.from), "198.18.0.1");
	c.priority = 150;
	c.interval_ms = 1000;
	c.version = 3;
	c.silence_ms = 3414;
	return c;
}

static void scripts_get_the_cause(void **state)
{
	struct vipd_instance_config ic;
	struct events_cause c = master_down();
	char path[128], out[8192] = "";
	FILE *f;
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/env.sh", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\nenv | grep '^VIPD_CAUSE' | sort >>%s/out.$2\n", dir);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
	memset(&ic, 0, sizeof(ic));
	snprintf(ic.name, sizeof(ic.name), "web");
	ic.notify = path;
	notify_instance_state_cause(nt, &ic, VRRP_STATE_MASTER, 100, &c);
	/* Without a cause (and for the next event): no variable. */
	notify_instance_state(nt, &ic, VRRP_STATE_BACKUP, 100);
	loop_timer_set(lp, &poll_timer, monotime_now() + 5 * MT_MSEC);
	assert_int_equal(loop_run(lp), 0);
	snprintf(path, sizeof(path), "%s/out.MASTER", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	assert_string_equal(out, "VIPD_CAUSE=master_down\n"
	                         "VIPD_CAUSE_FROM=198.18.0.1\n"
	                         "VIPD_CAUSE_INTERVAL_MS=1000\n"
	                         "VIPD_CAUSE_PRIORITY=150\n"
	                         "VIPD_CAUSE_SILENCE_MS=3414\n"
	                         "VIPD_CAUSE_VERSION=3\n");
	snprintf(path, sizeof(path), "%s/out.BACKUP", dir);
	f = fopen(path, "r");
	if (f) {
		n = fread(out, 1, sizeof(out) - 1, f);
		fclose(f);
		assert_int_equal(n, 0);
	}
}

static void fifo_cause_opt_in(void **state)
{
	struct vipd_instance_config ic;
	struct events_cause c = master_down(), chk;
	char path[128], err[256], buf[1024];
	int rfd;
	ssize_t n;

	(void)state;
	memset(&ic, 0, sizeof(ic));
	snprintf(ic.name, sizeof(ic.name), "web");
	events_cause_init(&chk, EVENTS_KIND_CHECK);
	snprintf(chk.name, sizeof(chk.name), "web_ok");
	snprintf(chk.detail, sizeof(chk.detail), "http down (status 500)");
	snprintf(path, sizeof(path), "%s/events", dir);
	assert_int_equal(notify_set_fifo(nt, path, geteuid(), err, sizeof(err)), 0);
	rfd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	/* Off (the default): the lines existing readers know. */
	notify_instance_state_cause(nt, &ic, VRRP_STATE_MASTER, 150, &c);
	notify_priority_state_cause(nt, "web", VRRP_STATE_MASTER, 90, &chk);
	notify_set_fifo_cause(nt, true);
	notify_instance_state_cause(nt, &ic, VRRP_STATE_MASTER, 150, &c);
	notify_priority_state_cause(nt, "web", VRRP_STATE_MASTER, 90, &chk);
	notify_instance_state(nt, &ic, VRRP_STATE_BACKUP, 90);
	n = read(rfd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "web MASTER 150\n"
	                         "web PRIORITY 90\n"
	                         "web MASTER 150 cause=master_down from=198.18.0.1\n"
	                         "web PRIORITY 90 cause=check name=web_ok\n"
	                         "web BACKUP 90\n");
	close(rfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(scripts_get_the_cause, setup, teardown),
	    cmocka_unit_test_setup_teardown(fifo_cause_opt_in, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
