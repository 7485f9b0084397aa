/* Unit tests for notify.c with a real loop and real scripts: order under a burst of 50
 * transitions, never two scripts at once for one instance, a hanging script killed at its
 * timeout does not stop later events, per-state scripts before the generic one with vipd's or
 * keepalived's arguments, FIFO lines in order, drops counted. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vipd/loop.h"
#include "vipd/notify.h"

static struct loop *lp;
static char dir[64];
static struct notifier *nt;
static struct loop_timer poll_timer, limit_timer;
static bool timed_out;
static unsigned reports, failed_reports, fifo_reports;
static char fifo_report[512]; /* the last report about the FIFO (instance NULL) */

static void on_report(void *arg, const char *instance, bool ok, const char *what)
{
	(void)arg;
	reports++;
	failed_reports += !ok;
	if (!instance) {
		fifo_reports++;
		snprintf(fifo_report, sizeof(fifo_report), "%s", what);
	}
}

static void poll_cb(void *arg, monotime now)
{
	(void)arg;
	if (!notify_busy(nt)) {
		loop_stop(lp);
		return;
	}
	loop_timer_set(lp, &poll_timer, now + 5 * MT_MSEC);
}

static void limit_cb(void *arg, monotime now)
{
	(void)arg;
	(void)now;
	timed_out = true;
	loop_stop(lp);
}

/* Run the loop until every queue has drained, at most limit; returns the time it took. */
static monotime drain(monotime limit)
{
	monotime start = monotime_now();

	timed_out = false;
	loop_timer_set(lp, &poll_timer, start + 5 * MT_MSEC);
	loop_timer_set(lp, &limit_timer, start + limit);
	assert_int_equal(loop_run(lp), 0);
	loop_timer_cancel(lp, &poll_timer);
	loop_timer_cancel(lp, &limit_timer);
	assert_false(timed_out);
	return monotime_now() - start;
}

/* A script that takes a per-instance lock (mkdir, atomic), appends "INSTANCE STATE PRIO" to
 * DIR/out.INSTANCE, and notes OVERLAP when the lock was already held. State HANG sleeps. */
static const char script_text[] =
    "#!/bin/sh\n"
    "d=$1; shift\n"
    "mkdir \"$d/lock.$1\" 2>/dev/null || echo OVERLAP >>\"$d/out.$1\"\n"
    "[ \"$2\" = HANG ] && sleep 100\n"
    "echo \"$1 $2 $3\" >>\"$d/out.$1\"\n"
    "rmdir \"$d/lock.$1\"\n";

static char script[256];

/* Write text to DIR/name, executable; its path into path. */
static void write_script(const char *name, const char *text, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
}

/* A script recording its words ("$*") in DIR/out, and OVERLAP when a run of it already runs. */
static const char rec_text[] = "#!/bin/sh\n"
                               "d=$1; shift\n"
                               "mkdir \"$d/lock\" 2>/dev/null || echo OVERLAP >>\"$d/out\"\n"
                               "echo \"$*\" >>\"$d/out\"\n"
                               "rmdir \"$d/lock\"\n";

/* dst (VIPD_SCRIPT_MAX) = the recorder (written on first use) with word as its first word;
 * returns dst, for a script pointer of a config. */
static char *rec(char *dst, const char *word)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/rec.sh", dir);
	if (access(path, X_OK) != 0)
		write_script("rec.sh", rec_text, path, sizeof(path));
	snprintf(dst, VIPD_SCRIPT_MAX, "%s %s %s", path, dir, word);
	return dst;
}

static int setup(void **state)
{
	char path[128];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vipd-test-notify-XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_script("notify.sh", script_text, path, sizeof(path));
	snprintf(script, sizeof(script), "%s %s", path, dir);
	lp = loop_new();
	assert_non_null(lp);
	loop_timer_init(&poll_timer, poll_cb, NULL);
	loop_timer_init(&limit_timer, limit_cb, NULL);
	reports = failed_reports = fifo_reports = 0;
	fifo_report[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	notify_free(nt);
	nt = NULL;
	loop_free(lp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* The content of DIR/name, or "" (the caller frees it). */
static char *slurp(const char *name)
{
	char path[128], *buf = calloc(1, 65536);
	FILE *f;

	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f) {
		size_t n = fread(buf, 1, 65535, f);

		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

static const char *state_of(int i)
{
	static const char *const s[] = {"BACKUP", "MASTER", "FAULT"};

	return s[i % 3];
}

static void burst_in_order(void **state)
{
	char want_web[4096] = "", want_api[4096] = "", *got;

	(void)state;
	nt = notify_new(lp, 5 * MT_SEC, on_report, NULL);
	assert_non_null(nt);
	for (int i = 0; i < 50; i++) {
		char line[64];

		notify_state(nt, "web", script, state_of(i), (unsigned)i);
		snprintf(line, sizeof(line), "web %s %d\n", state_of(i), i);
		strcat(want_web, line);
		if (i % 2 == 0) {
			notify_state(nt, "api", script, state_of(i + 1), (unsigned)(200 - i));
			snprintf(line, sizeof(line), "api %s %d\n", state_of(i + 1), 200 - i);
			strcat(want_api, line);
		}
	}
	assert_true(notify_busy(nt));
	drain(30 * MT_SEC);
	got = slurp("out.web");
	assert_string_equal(got, want_web); /* in order, no OVERLAP line */
	free(got);
	got = slurp("out.api");
	assert_string_equal(got, want_api);
	free(got);
	assert_int_equal(reports, 75);
	assert_int_equal(failed_reports, 0);

	struct json_object *o = notify_status(nt, "web");

	assert_non_null(o);
	assert_string_equal(json_object_to_json_string(json_object_object_get(o, "runs")), "50");
	assert_string_equal(json_object_to_json_string(json_object_object_get(o, "queued")), "0");
	json_object_put(o);
	assert_null(notify_status(nt, "db"));
}

static void hanging_script_killed(void **state)
{
	char *got;
	monotime took;
	struct json_object *o;

	(void)state;
	nt = notify_new(lp, 300 * MT_MSEC, on_report, NULL);
	assert_non_null(nt);
	notify_state(nt, "web", script, "MASTER", 150);
	notify_state(nt, "web", script, "HANG", 150);
	notify_state(nt, "web", script, "BACKUP", 100);
	notify_state(nt, "web", script, "MASTER", 150);
	took = drain(10 * MT_SEC);
	assert_true(took >= 300 * MT_MSEC);
	assert_true(took < 5 * MT_SEC);
	/* The hung run was killed before its echo; its lock is left: the next run reports
	 * OVERLAP once, and no run overlapped in time (the killed group is gone). */
	got = slurp("out.web");
	assert_string_equal(got, "web MASTER 150\nOVERLAP\nweb BACKUP 100\nweb MASTER 150\n");
	free(got);
	assert_int_equal(failed_reports, 1);
	o = notify_status(nt, "web");
	assert_string_equal(json_object_to_json_string(json_object_object_get(o, "timeouts")), "1");
	assert_string_equal(json_object_to_json_string(json_object_object_get(o, "failures")), "1");
	json_object_put(o);
}

static void missing_script_reported(void **state)
{
	char *got;

	(void)state;
	nt = notify_new(lp, MT_SEC, on_report, NULL);
	assert_non_null(nt);
	notify_state(nt, "web", "/nonexistent/notify.sh", "MASTER", 150);
	notify_state(nt, "web", "/bin/sh -c 'exit 3'", "BACKUP", 100);
	notify_state(nt, "web", script, "FAULT", 100);
	drain(5 * MT_SEC);
	assert_int_equal(reports, 3);
	assert_int_equal(failed_reports, 2);
	got = slurp("out.web");
	assert_string_equal(got, "web FAULT 100\n");
	free(got);
}

static void queue_bounded(void **state)
{
	struct json_object *o;

	(void)state;
	nt = notify_new(lp, MT_SEC, on_report, NULL);
	assert_non_null(nt);
	/* Nothing starts before the loop runs: every event waits in the queue. */
	for (int i = 0; i < NOTIFY_QUEUE_MAX + 5; i++)
		notify_state(nt, "web", script, "HANG", (unsigned)i);
	o = notify_status(nt, "web");
	assert_string_equal(json_object_to_json_string(json_object_object_get(o, "dropped")), "5");
	assert_int_equal(json_object_get_int64(json_object_object_get(o, "queued")),
	                 NOTIFY_QUEUE_MAX);
	json_object_put(o);
	assert_int_equal(reports, 1); /* the first drop of a run is reported */
	assert_int_equal(failed_reports, 1);
}

static void fifo_lines_in_order(void **state)
{
	char path[128], err[256], buf[8192];
	int rfd;
	ssize_t n;
	struct json_object *o;
	struct stat st;

	(void)state;
	nt = notify_new(lp, MT_SEC, NULL, NULL);
	assert_non_null(nt);
	snprintf(path, sizeof(path), "%s/events", dir);
	assert_int_equal(notify_set_fifo(nt, path, geteuid(), err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	/* No reader: dropped and counted, never blocking. */
	notify_state(nt, "web", NULL, "BACKUP", 150);
	rfd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	notify_state(nt, "web", NULL, "MASTER", 150);
	notify_priority(nt, "web", 120);
	notify_state(nt, "api", NULL, "FAULT", 100);
	notify_state(nt, "web", NULL, "BACKUP", 120);
	n = read(rfd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "web MASTER 150\nweb PRIORITY 120\napi FAULT 100\n"
	                         "web BACKUP 120\n");
	o = notify_fifo_status(nt);
	assert_string_equal(json_object_to_json_string(json_object_object_get(o, "written")), "4");
	assert_string_equal(json_object_to_json_string(json_object_object_get(o, "dropped")), "1");
	json_object_put(o);

	/* A full pipe drops whole lines and counts them; what was written is in order. */
	for (unsigned i = 0; i < 10000; i++)
		notify_priority(nt, "web", i);
	o = notify_fifo_status(nt);
	int64_t written = json_object_get_int64(json_object_object_get(o, "written")) - 4;
	int64_t dropped = json_object_get_int64(json_object_object_get(o, "dropped")) - 1;
	json_object_put(o);
	assert_int_equal(written + dropped, 10000);
	assert_true(dropped > 0);
	{
		FILE *f = fdopen(rfd, "r");
		char line[64], want[64];
		int64_t k = 0;

		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			snprintf(want, sizeof(want), "web PRIORITY %lld\n", (long long)k++);
			assert_string_equal(line, want);
		}
		assert_int_equal(k, written);
		fclose(f);
	}

	/* The reader left: the next line is dropped, and a new reader gets the ones after. */
	notify_priority(nt, "web", 1);
	rfd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	notify_priority(nt, "web", 2);
	n = read(rfd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "web PRIORITY 2\n");
	/* Setting the same FIFO again (a reload) keeps the open end: no end of file for the
	 * reader, the next line arrives. */
	assert_int_equal(notify_set_fifo(nt, path, geteuid(), err, sizeof(err)), 0);
	n = read(rfd, buf, sizeof(buf) - 1);
	assert_true(n < 0 && errno == EAGAIN);
	notify_priority(nt, "web", 3);
	n = read(rfd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "web PRIORITY 3\n");
	close(rfd);
}

static void fifo_path_not_a_fifo(void **state)
{
	char path[128], err[256];
	FILE *f;

	(void)state;
	nt = notify_new(lp, MT_SEC, NULL, NULL);
	assert_non_null(nt);
	snprintf(path, sizeof(path), "%s/plain", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(notify_set_fifo(nt, path, geteuid(), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a FIFO"));
	assert_null(notify_fifo_status(nt));
	snprintf(path, sizeof(path), "%s/nodir/events", dir);
	assert_int_equal(notify_set_fifo(nt, path, geteuid(), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mkfifo"));
}

/* The dropped count of the FIFO status. */
static int64_t fifo_dropped(void)
{
	struct json_object *o = notify_fifo_status(nt);
	int64_t n = json_object_get_int64(json_object_object_get(o, "dropped"));

	json_object_put(o);
	return n;
}

/* issue 10, item 13: a symbolic link where the FIFO should be is never followed, neither when
 * the FIFO is set nor when it is opened for a line (the entry swapped meanwhile); a regular file
 * put in its place gets no line; each is reported once, clearly. */
static void fifo_link_or_file_refused(void **state)
{
	char real[128], path[128], link[128], err[256], buf[256];
	struct stat st;
	int rfd;

	(void)state;
	nt = notify_new(lp, MT_SEC, on_report, NULL);
	assert_non_null(nt);
	snprintf(real, sizeof(real), "%s/real", dir);
	snprintf(path, sizeof(path), "%s/events", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(mkfifo(real, 0600), 0);
	assert_int_equal(symlink(real, link), 0);
	rfd = open(real, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);

	/* set to a link: refused */
	assert_int_equal(notify_set_fifo(nt, link, geteuid(), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/link is a symbolic link (not followed)"));
	assert_null(notify_fifo_status(nt));

	/* a real FIFO, swapped for a link after it was set: the line goes nowhere */
	assert_int_equal(notify_set_fifo(nt, path, geteuid(), err, sizeof(err)), 0);
	assert_int_equal(rename(link, path), 0);
	notify_state(nt, "web", NULL, "MASTER", 150);
	notify_priority(nt, "web", 120);
	assert_true(read(rfd, buf, sizeof(buf)) <= 0); /* nothing: no writer ever came */
	assert_int_equal(fifo_dropped(), 2);
	assert_int_equal(fifo_reports, 1); /* once, not per line */
	assert_non_null(strstr(fifo_report, "/events is a symbolic link (not followed)"));
	{
		struct json_object *o = notify_fifo_status(nt);

		assert_non_null(strstr(json_object_get_string(json_object_object_get(o, "error")),
		                       "symbolic link"));
		json_object_put(o);
	}

	/* a regular file in its place: left empty */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(close(open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)), 0);
	notify_state(nt, "web", NULL, "BACKUP", 100);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(fifo_reports, 2);
	assert_non_null(strstr(fifo_report, "/events exists and is not a FIFO"));
	assert_int_equal(fifo_dropped(), 3);

	/* a FIFO again: lines flow, and the next problem is reported anew */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rename(real, path), 0);
	notify_state(nt, "web", NULL, "MASTER", 150);
	assert_int_equal(read(rfd, buf, sizeof(buf)), (ssize_t)strlen("web MASTER 150\n"));
	close(rfd);
}

/* A FIFO of another user is refused: at set unless it is the user vipd will run as, and at
 * each open unless it is ours (as root: a chown needs it). */
static void fifo_owner_checked(void **state)
{
	char path[128], err[256];
	int rfd;

	(void)state;
	if (geteuid() != 0)
		skip();
	nt = notify_new(lp, MT_SEC, on_report, NULL);
	assert_non_null(nt);
	snprintf(path, sizeof(path), "%s/events", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(notify_set_fifo(nt, path, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/events belongs to uid 65534, not to vipd's user (uid 0)"));
	/* vipd will run as 65534: fine to set; root still writes no line to it */
	assert_int_equal(notify_set_fifo(nt, path, 65534, err, sizeof(err)), 0);
	rfd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	notify_state(nt, "web", NULL, "MASTER", 150);
	assert_int_equal(fifo_dropped(), 1);
	assert_non_null(strstr(fifo_report, "belongs to uid 65534"));
	close(rfd);
}

/* Per-state scripts run as written, before the generic one, in the order of the states; the
 * generic one gets vipd's or keepalived's arguments (STOP for INIT); never two at once. */
static void state_scripts_in_order(void **state)
{
	static const enum vrrp_state seq[] = {VRRP_STATE_BACKUP, VRRP_STATE_MASTER,
	                                      VRRP_STATE_FAULT, VRRP_STATE_BACKUP, VRRP_STATE_INIT};
	struct vipd_instance_config ic = {.name = "web"};
	char scripts[5][VIPD_SCRIPT_MAX];
	char *got;

	(void)state;
	ic.notify = rec(scripts[0], "generic");
	ic.notify_master = rec(scripts[1], "own-master");
	ic.notify_backup = rec(scripts[2], "own-backup");
	ic.notify_fault = rec(scripts[3], "own-fault");
	ic.notify_stop = rec(scripts[4], "own-stop 'a b'");
	nt = notify_new(lp, 5 * MT_SEC, on_report, NULL);
	assert_non_null(nt);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		notify_instance_state(nt, &ic, seq[i], (unsigned)(100 + i));
	ic.notify_args = VIPD_NOTIFY_ARGS_KEEPALIVED;
	ic.notify_fault = NULL; /* a state without its own script: the generic one only */
	notify_instance_state(nt, &ic, VRRP_STATE_FAULT, 0);
	notify_instance_state(nt, &ic, VRRP_STATE_MASTER, 7);
	notify_instance_state(nt, &ic, VRRP_STATE_INIT, 8);
	drain(20 * MT_SEC);
	got = slurp("out");
	assert_string_equal(got, "own-backup\n"
	                         "generic web BACKUP 100\n"
	                         "own-master\n"
	                         "generic web MASTER 101\n"
	                         "own-fault\n"
	                         "generic web FAULT 102\n"
	                         "own-backup\n"
	                         "generic web BACKUP 103\n"
	                         "own-stop a b\n"
	                         "generic web INIT 104\n"
	                         "generic INSTANCE web FAULT 0\n"
	                         "own-master\n"
	                         "generic INSTANCE web MASTER 7\n"
	                         "own-stop a b\n"
	                         "generic INSTANCE web STOP 8\n");
	free(got);
	assert_int_equal(failed_reports, 0);
}

/* vipd --check names the key of each script that cannot run, at the instance's line. */
static void check_config_names_keys(void **state)
{
	struct vipd_instance_config ic = {.name = "web", .line = 7};
	struct vipd_config cfg = {.file = "vipd.conf", .instances = &ic, .ninstances = 1};
	struct config_errors errs = {0};
	char path[128], stop[sizeof(path) + 8];

	(void)state;
	write_script("ok.sh", "#!/bin/sh\n", path, sizeof(path));
	snprintf(stop, sizeof(stop), "%s 'open", path);
	ic.notify = path;
	ic.notify_master = (char *)"/nonexistent/m.sh up";
	ic.notify_stop = stop;
	ic.notify_master_rx_lower_pri = (char *)"/nonexistent/fip.sh";
	/* As root, a script under /tmp is unsafe (a world-writable parent): not the point. */
	if (geteuid() == 0)
		ic.notify = NULL;
	assert_int_equal(notify_check_config(&cfg, &errs), 3);
	assert_int_equal(errs.n, 3);
	assert_string_equal(errs.lines[0], "vipd.conf:7: instance \"web\": notify_master: "
	                                   "\"/nonexistent/m.sh\" does not exist or is not "
	                                   "executable");
	assert_non_null(strstr(errs.lines[1], "vipd.conf:7: instance \"web\": notify_stop: "));
	assert_string_equal(errs.lines[2],
	                    "vipd.conf:7: instance \"web\": notify_master_rx_lower_pri: "
	                    "\"/nonexistent/fip.sh\" does not exist or is not executable");
	config_errors_clear(&errs);
}

/* A sync group's scripts: own script first, then the generic one with GROUP NAME STATE 0
 * (keepalived) or NAME STATE 0 (vipd), on the group's own queue; --check names the group. */
static void group_scripts_in_order(void **state)
{
	struct vipd_sync_group g = {.name = "edge", .line = 9};
	struct vipd_config cfg = {.file = "vipd.conf", .sync_groups = &g, .nsync_groups = 1};
	struct config_errors errs = {0};
	struct json_object *status;
	char scripts[3][VIPD_SCRIPT_MAX];
	char *got;

	(void)state;
	g.notify = rec(scripts[0], "generic");
	g.notify_master = rec(scripts[1], "own-master");
	g.notify_stop = rec(scripts[2], "own-stop");
	nt = notify_new(lp, 5 * MT_SEC, on_report, NULL);
	assert_non_null(nt);
	notify_group_state(nt, &g, VRRP_STATE_BACKUP);
	notify_group_state(nt, &g, VRRP_STATE_MASTER);
	g.notify_args = VIPD_NOTIFY_ARGS_KEEPALIVED;
	notify_group_state(nt, &g, VRRP_STATE_MASTER);
	notify_group_state(nt, &g, VRRP_STATE_INIT);
	drain(20 * MT_SEC);
	got = slurp("out");
	assert_string_equal(got, "generic edge BACKUP 0\n"
	                         "own-master\n"
	                         "generic edge MASTER 0\n"
	                         "own-master\n"
	                         "generic GROUP edge MASTER 0\n"
	                         "own-stop\n"
	                         "generic GROUP edge STOP 0\n");
	free(got);
	status = notify_status(nt, "group edge");
	assert_non_null(status);
	json_object_put(status);
	assert_null(notify_status(nt, "edge"));
	g.notify_fault = (char *)"/nonexistent/f.sh";
	if (geteuid() == 0) /* a script under /tmp is unsafe as root: not the point here */
		g.notify = g.notify_master = g.notify_stop = NULL;
	assert_int_equal(notify_check_config(&cfg, &errs), 1);
	assert_string_equal(errs.lines[0], "vipd.conf:9: sync group \"edge\": notify_fault: "
	                                   "\"/nonexistent/f.sh\" does not exist or is not "
	                                   "executable");
	config_errors_clear(&errs);
}

/* notify_fifo_format "keepalived": keepalived's lines for instances (STOP for INIT), groups
 * (which vipd's format leaves out), priority changes and notify_master_rx_lower_pri. */
static void fifo_keepalived_lines(void **state)
{
	struct vipd_instance_config ic = {.name = "web"};
	struct vipd_sync_group g = {.name = "edge"};
	char path[128], err[256], buf[4096];
	ssize_t n;
	int rfd;

	(void)state;
	nt = notify_new(lp, MT_SEC, NULL, NULL);
	assert_non_null(nt);
	snprintf(path, sizeof(path), "%s/events", dir);
	assert_int_equal(notify_set_fifo(nt, path, geteuid(), err, sizeof(err)), 0);
	rfd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	/* vipd's format first: no group line, PRIORITY lines. */
	notify_instance_state(nt, &ic, VRRP_STATE_BACKUP, 100);
	notify_group_state(nt, &g, VRRP_STATE_BACKUP);
	notify_priority_state(nt, "web", VRRP_STATE_BACKUP, 90);
	notify_rx_lower(nt, &ic, 90);
	notify_set_fifo_format(nt, VIPD_NOTIFY_ARGS_KEEPALIVED);
	notify_instance_state(nt, &ic, VRRP_STATE_MASTER, 150);
	notify_group_state(nt, &g, VRRP_STATE_MASTER);
	notify_priority_state(nt, "web", VRRP_STATE_MASTER, 130);
	notify_priority_state(nt, "web", VRRP_STATE_BACKUP, 120);
	notify_rx_lower(nt, &ic, 150);
	notify_instance_state(nt, &ic, VRRP_STATE_INIT, 150);
	n = read(rfd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "web BACKUP 100\n"
	                         "web PRIORITY 90\n"
	                         "INSTANCE \"web\" MASTER 150\n"
	                         "GROUP \"edge\" MASTER 0\n"
	                         "INSTANCE \"web\" MASTER_PRIORITY 130\n"
	                         "INSTANCE \"web\" BACKUP_PRIORITY 120\n"
	                         "INSTANCE \"web\" MASTER_RX_LOWER_PRI 150\n"
	                         "INSTANCE \"web\" STOP 150\n");
	close(rfd);
}

/* notify_fifo_script: started with the FIFO's path as its last word, started again
 * NOTIFY_READER_RESTART after it ends, kept across a set with the same script, stopped by
 * NULL; --check names the key at its line. */
static void fifo_reader_restarted(void **state)
{
	struct vipd_config cfg = {.file = "vipd.conf", .notify_fifo_script_line = 3};
	struct config_errors errs = {0};
	char path[128], fifo[128], err[256], want[512], rscript[300], *got;
	struct json_object *o;
	monotime t0;

	(void)state;
	write_script("reader.sh", "#!/bin/sh\necho \"$1 $2\" >>\"$(dirname \"$2\")/reads\"\n", path,
	             sizeof(path));
	snprintf(fifo, sizeof(fifo), "%s/events", dir);
	snprintf(rscript, sizeof(rscript), "%s start", path);
	nt = notify_new(lp, MT_SEC, on_report, NULL);
	assert_non_null(nt);
	assert_int_equal(notify_set_fifo(nt, fifo, geteuid(), err, sizeof(err)), 0);
	t0 = monotime_now();
	notify_set_fifo_script(nt, rscript);
	notify_set_fifo_script(nt, rscript); /* the same: kept, not started twice */
	/* Run the loop 1.6 s: the first run and one restart 1 s after it ended. */
	loop_timer_set(lp, &limit_timer, t0 + NOTIFY_READER_RESTART * 16 / 10);
	assert_int_equal(loop_run(lp), 0);
	got = slurp("reads");
	snprintf(want, sizeof(want), "start %s\nstart %s\n", fifo, fifo);
	assert_string_equal(got, want);
	free(got);
	o = notify_fifo_status(nt);
	assert_string_equal(json_object_to_json_string(json_object_object_get(o, "script_starts")),
	                    "2");
	json_object_put(o);
	notify_set_fifo_script(nt, NULL);
	o = notify_fifo_status(nt);
	assert_null(json_object_object_get(o, "script_starts"));
	json_object_put(o);
	snprintf(cfg.notify_fifo_script, sizeof(cfg.notify_fifo_script), "/nonexistent/r.sh");
	assert_int_equal(notify_check_config(&cfg, &errs), 1);
	assert_string_equal(errs.lines[0], "vipd.conf:3: notify_fifo_script: \"/nonexistent/r.sh\" "
	                                   "does not exist or is not executable");
	config_errors_clear(&errs);
}

/* A line written before the reader opened the FIFO waits in the pipe for it (vipd holds a read
 * end while a reader is configured): the reader gets the start-up line. */
static void fifo_reader_gets_first_line(void **state)
{
	struct vipd_instance_config ic = {.name = "web"};
	char path[128], fifo[128], err[256], rscript[300], *got;

	(void)state;
	write_script("cat.sh",
	             "#!/bin/sh\nsleep 0.2\nexec cat \"$1\" >>\"$(dirname \"$1\")/lines\"\n", path,
	             sizeof(path));
	snprintf(fifo, sizeof(fifo), "%s/events", dir);
	snprintf(rscript, sizeof(rscript), "%s", path);
	nt = notify_new(lp, MT_SEC, on_report, NULL);
	assert_non_null(nt);
	assert_int_equal(notify_set_fifo(nt, fifo, geteuid(), err, sizeof(err)), 0);
	notify_set_fifo_script(nt, rscript);
	notify_instance_state(nt, &ic, VRRP_STATE_BACKUP, 100); /* the reader sleeps yet */
	loop_timer_set(lp, &limit_timer, monotime_now() + 600 * MT_MSEC);
	assert_int_equal(loop_run(lp), 0);
	got = slurp("lines");
	assert_string_equal(got, "web BACKUP 100\n");
	free(got);
}

/* notify_user (issue 11): looked up once per load, by name; an unknown one fails the load and
 * leaves the table as it was; a reload refreshes an entry in place (a queued event finds it). */
static void users_looked_up(void **state)
{
	struct vipd_instance_config ics[2] = {{.name = "web", .notify_user = "nobody"},
	                                      {.name = "api", .notify_user = "root"}};
	struct vipd_sync_group g = {.name = "g", .notify_user = "nobody"};
	struct vipd_config cfg = {
	    .instances = ics, .ninstances = 2, .sync_groups = &g, .nsync_groups = 1};
	struct notify_users t = {0};
	char err[256];

	(void)state;
	if (!getpwnam("nobody"))
		skip();
	assert_int_equal(notify_user_set(&t, &cfg, err, sizeof(err)), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(notify_user_find(&t, "nobody")->uid, getpwnam("nobody")->pw_uid);
	assert_int_equal(notify_user_find(&t, "root")->uid, 0);
	assert_null(notify_user_find(&t, "daemon"));
	snprintf(ics[1].notify_user, sizeof(ics[1].notify_user), "no-such-user-here");
	assert_int_equal(notify_user_set(&t, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no user \"no-such-user-here\""));
	assert_int_equal(t.n, 2);
	assert_non_null(notify_user_find(&t, "root"));
	ics[1].notify_user[0] = '\0';
	assert_int_equal(notify_user_set(&t, &cfg, err, sizeof(err)), 0);
	assert_int_equal(t.n, 2); /* root kept: an event queued before the reload may name it */
	notify_user_free(&t);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(burst_in_order),
	    T(state_scripts_in_order),
	    T(check_config_names_keys),
	    T(group_scripts_in_order),
	    T(hanging_script_killed),
	    T(missing_script_reported),
	    T(queue_bounded),
	    T(fifo_lines_in_order),
	    T(fifo_keepalived_lines),
	    T(fifo_reader_restarted),
	    T(fifo_reader_gets_first_line),
	    T(fifo_path_not_a_fifo),
	    T(fifo_link_or_file_refused),
	    T(fifo_owner_checked),
	    T(users_looked_up),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
