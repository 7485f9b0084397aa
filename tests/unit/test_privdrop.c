/* Unit tests for the `user` key (config_track.c) and the checks of daemon_priv.c and privdrop.c
 * that need no root: which user vipd runs as by default, an unknown user, a script_user the
 * unprivileged daemon could not switch to, and a child's capabilities cleared. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config_fixture.h"
#include "vipd/config.h"
#include "vipd/daemon_priv.h"
#include "vipd/privdrop.h"
#include "vipd/proc.h"

/* Line 1: TOP; then one instance. */
static struct vipd_config *load(const char *top, char **msgs)
{
	char text[1024];

	snprintf(text, sizeof(text),
	         "%s\n"
	         "instances = ( { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	         "  virtual_addresses = [ \"198.18.0.100/24\" ]; } );\n",
	         top);
	return config_fixture_load(text, msgs);
}

/* load, which must succeed. */
static struct vipd_config *load_ok(const char *top)
{
	struct vipd_config *cfg;
	char *msgs;

	cfg = load(top, &msgs);
	if (!cfg)
		fail_msg("%s", msgs);
	free(msgs);
	return cfg;
}

/* The errors daemon_priv_check_config finds for TOP, joined by \n ("" when none). */
static char *check_cfg(struct vipd_config *cfg);

static char *check(const char *top)
{
	return check_cfg(load_ok(top));
}

/* The errors daemon_priv_check_config finds for cfg (freed here), as check. */
static char *check_cfg(struct vipd_config *cfg)
{
	struct config_errors errs = {0};
	char *out = NULL;
	size_t size = 0;
	FILE *f;
	int n;

	n = daemon_priv_check_config(cfg, &errs);
	assert_int_equal((size_t)n, errs.n);
	f = open_memstream(&out, &size);
	assert_non_null(f);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(f, "%s%s", i ? "\n" : "", strchr(errs.lines[i], ':') + 1);
	fclose(f);
	config_errors_clear(&errs);
	config_free(cfg);
	return out;
}

static void test_key(void **state)
{
	struct vipd_config *cfg, *again;
	char *msgs;

	(void)state;
	cfg = load("user = \"nobody\";", &msgs);
	assert_non_null(cfg);
	free(msgs);
	assert_string_equal(cfg->user, "nobody");
	assert_int_equal(cfg->user_line, 1);
	assert_string_equal(daemon_priv_user(cfg), "nobody");
	again = config_fixture_reprint(cfg);
	assert_string_equal(again->user, "nobody");
	config_free(again);
	config_free(cfg);

	assert_null(load("user = 65534;", &msgs));
	assert_non_null(strstr(msgs, "1: "));
	assert_non_null(strstr(msgs, "user"));
	free(msgs);
	assert_null(load("user = \"\";", &msgs));
	assert_non_null(strstr(msgs, "user"));
	free(msgs);
}

static void test_default(void **state)
{
	struct vipd_config *cfg;
	char *msgs;

	(void)state;
	cfg = load("script_user = \"root\";", &msgs);
	assert_non_null(cfg);
	free(msgs);
	assert_string_equal(daemon_priv_user(cfg), "root");
	config_free(cfg);
	cfg = load("", &msgs);
	assert_non_null(cfg);
	free(msgs);
	/* "vipd" whether it exists or not: never nobody unless written (issue 15) */
	assert_string_equal(daemon_priv_user(cfg), "vipd");
	config_free(cfg);
}

/* check(top) finds exactly want. */
static void check_is(const char *top, const char *want)
{
	char *msgs = check(top);

	assert_string_equal(msgs, want);
	free(msgs);
}

static void test_check(void **state)
{
	char *msgs;

	(void)state;
	check_is("user = \"nobody\";", "");
	check_is("user = \"root\"; script_user = \"nobody\";", "");
	check_is("user = \"no-such-user-here\";",
	         "1: user: no user \"no-such-user-here\" on this system");
	msgs = check("script_user = \"root\";\nuser = \"nobody\";");
	assert_non_null(strstr(msgs, "1: script_user: \"root\" differs from user \"nobody\""));
	free(msgs);
	/* no script_user: scripts run as whoever vipd becomes, never refused */
	check_is("", "");
	check_is("script_user = \"nobody\";\nuser = \"nobody\";", "");
}

/* Without a vipd user and without `user`, a root vipd refuses to start (main.c: the lookup's
 * reason names the useradd line); user = "nobody" written is accepted. Needs root and no vipd
 * user. */
static void test_no_vipd_user(void **state)
{
	struct privdrop_id id;
	struct vipd_config *cfg;
	char err[256];

	(void)state;
	if (geteuid() != 0 || getpwnam("vipd") || !getpwnam("nobody"))
		skip();
	cfg = load_ok("");
	assert_int_equal(daemon_priv_lookup(cfg, &id, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no user \"vipd\""));
	assert_non_null(
	    strstr(err, "useradd --system --no-create-home --shell /usr/sbin/nologin vipd"));
	assert_non_null(strstr(err, "user = \"nobody\""));
	config_free(cfg);
	/* the file is valid (the machine lacks the user): --check passes, the start refuses */
	check_is("", "");
	check_is("user = \"nobody\";", "");
	/* a config that names its user keeps working */
	check_is("script_user = \"nobody\";", "");
}

/* daemon_priv_script_user for the config TOP when vipd runs as runs_as: its result, the name into
 * name and the reason into err. */
static int script_user_of(const char *top, uid_t runs_as, char *name, char *err)
{
	struct vipd_config *cfg = load_ok(top);
	int rc;

	err[0] = '\0';
	rc = daemon_priv_script_user(cfg, runs_as, name, 64, err, 256);
	config_free(cfg);
	return rc;
}

/* Who scripts run as, by who vipd runs as (issue 10): a root vipd switches to script_user, by
 * default nobody; an unprivileged one cannot switch, so it runs them as itself and refuses a
 * script_user naming anyone else. */
static void test_script_user(void **state)
{
	struct passwd *pw = getpwnam("nobody");
	char name[64], err[256];
	uid_t nobody;

	(void)state;
	if (!pw)
		skip();
	nobody = pw->pw_uid;
	assert_int_equal(script_user_of("", 0, name, err), 0);
	assert_string_equal(name, "nobody");
	/* The bug: vipd dropped to "vipd" still ran scripts as nobody, which it cannot become. */
	assert_int_equal(script_user_of("", nobody, name, err), 0);
	assert_string_equal(name, "");
	assert_int_equal(script_user_of("script_user = \"root\";", 0, name, err), 0);
	assert_string_equal(name, "root");
	assert_int_equal(script_user_of("script_user = \"root\";", nobody, name, err), -1);
	assert_string_equal(name, "");
	assert_non_null(strstr(err, "\"root\" differs from user \"nobody\""));
	assert_int_equal(script_user_of("script_user = \"nobody\";", nobody, name, err), 0);
	assert_string_equal(name, "");
	assert_int_equal(script_user_of("script_user = \"no-such-user-here\";", nobody, name, err),
	                 -1);
	assert_non_null(strstr(err, "no user \"no-such-user-here\""));
}

/* The identity looked up at a load: who this process gives its scripts. */
static void test_script_identity(void **state)
{
	struct proc_user *u;
	struct vipd_config *cfg;
	char err[256];

	(void)state;
	cfg = load_ok("user = \"root\";");
	assert_int_equal(daemon_priv_script_identity(cfg, &u, err, sizeof(err)), 0);
	if (geteuid() == 0) {
		/* vipd stays root: scripts as nobody, with nobody's groups and home */
		assert_non_null(u);
		assert_string_equal(u->name, "nobody");
		assert_int_equal(u->uid, getpwnam("nobody")->pw_uid);
		assert_true(u->ngroups >= 1);
		assert_int_equal(u->groups[0], getpwnam("nobody")->pw_gid);
	} else {
		assert_null(u); /* not started as root: as ourselves */
	}
	proc_user_free(u);
	config_free(cfg);

	/* vipd drops to nobody (or runs as us): scripts as vipd itself, no switch */
	cfg = load_ok("user = \"nobody\";");
	assert_int_equal(daemon_priv_script_identity(cfg, &u, err, sizeof(err)), 0);
	assert_null(u);
	config_free(cfg);

	cfg = load_ok("user = \"nobody\";\nscript_user = \"root\";");
	assert_int_equal(daemon_priv_script_identity(cfg, &u, err, sizeof(err)), -1);
	assert_null(u);
	assert_non_null(strstr(err, "differs from user"));
	config_free(cfg);
}

/* A check's `user` follows script_user's rules (issue 11): it must exist; a root vipd switches to
 * it; an unprivileged one (or one that drops to another user) runs scripts only as itself. */
static void test_check_user(void **state)
{
	struct passwd *pw = getpwnam("nobody");
	struct vipd_config *cfg;
	char *msgs, err[256];

	(void)state;
	if (!pw)
		skip();
	assert_int_equal(daemon_priv_check_user("root", 0, err, sizeof(err)), 0);
	assert_int_equal(daemon_priv_check_user("nobody", 0, err, sizeof(err)), 0);
	assert_int_equal(daemon_priv_check_user("nobody", pw->pw_uid, err, sizeof(err)), 0);
	assert_int_equal(daemon_priv_check_user("root", pw->pw_uid, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"root\" differs from user \"nobody\""));
	assert_int_equal(daemon_priv_check_user("no-such-user-here", 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no user \"no-such-user-here\""));

	/* in the config: FILE:LINE at the check's user */
	check_is("user = \"nobody\";\n"
	         "checks = ( { name = \"a\"; type = \"exec\"; command = \"/bin/true\";\n"
	         "  user = \"no-such-user-here\"; } );",
	         "3: check \"a\": user: no user \"no-such-user-here\" on this system");
	msgs = check("user = \"nobody\";\n"
	             "checks = ( { name = \"a\"; type = \"exec\"; command = \"/bin/true\";\n"
	             "  user = \"root\"; } );");
	assert_non_null(strstr(msgs, "3: check \"a\": user: \"root\" differs from user"));
	free(msgs);
	/* notify_user: the same rules, at its line */
	cfg =
	    config_fixture_load("user = \"nobody\";\n"
	                        "instances = ( { name = \"web\"; interface = \"eth0\"; vrid = 51;\n"
	                        "  virtual_addresses = [ \"198.18.0.100/24\" ];\n"
	                        "  notify = \"/bin/true\"; notify_user = \"root\"; } );\n",
	                        &msgs);
	assert_non_null(cfg);
	free(msgs);
	msgs = check_cfg(cfg);
	assert_non_null(
	    strstr(msgs, "4: instance \"web\": notify_user: \"root\" differs from user"));
	free(msgs);
	if (geteuid() == 0) {
		check_is("user = \"nobody\";\n"
		         "checks = ( { name = \"a\"; type = \"exec\"; command = \"/bin/true\";\n"
		         "  user = \"nobody\"; } );",
		         "");
		/* a root vipd: any user, root included (then the unsafe-script check, track's) */
		check_is("user = \"root\";\n"
		         "checks = ( { name = \"a\"; type = \"exec\"; command = \"/bin/true\";\n"
		         "  user = \"nobody\"; }, { name = \"b\"; type = \"exec\";\n"
		         "  command = \"/bin/true\"; user = \"root\"; } );",
		         "");
	}
}

/* privdrop_chown leaves alone what `from` does not own, a symbolic link, and from == to. */
static void test_chown_leaves(void **state)
{
	char dir[] = "/tmp/vipd-test-privdrop-XXXXXX", file[64], link[64], err[256];
	uid_t me = geteuid();
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/f", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(symlink(file, link), 0);
	assert_int_equal(privdrop_chown(file, me + 1, me + 2, err, sizeof(err)), 0);
	assert_int_equal(privdrop_chown(file, me, me, err, sizeof(err)), 0);
	assert_int_equal(privdrop_chown(link, me, me + 1, err, sizeof(err)), 0);
	assert_int_equal(privdrop_chown(dir, me + 1, me, err, sizeof(err)), 0);
	unlink(link);
	unlink(file);
	assert_int_equal(privdrop_chown(file, me, me + 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	rmdir(dir);
}

/* Whether a shared object whose path holds what is mapped in this process. */
static bool mapped(const char *what)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, what) != NULL;
	fclose(f);
	return found;
}

/* privdrop_groups gives getgrouplist's answer, asked in a child: the NSS modules the lookup
 * loads (libnss_systemd with libm and libcap on Debian) never map into vipd (issue 13). Run
 * first: a lookup of an earlier test may have loaded them here already. */
static void test_groups_in_child(void **state)
{
	gid_t *g, want[256];
	int n, nwant = 256;

	(void)state;
	assert_false(mapped("libnss_"));
	assert_int_equal(privdrop_groups("root", 0, &g, &n), 0);
	assert_false(mapped("libnss_"));
	assert_true(getgrouplist("root", 0, want, &nwant) >= 0);
	assert_int_equal(n, nwant);
	assert_memory_equal(g, want, (size_t)n * sizeof(*g));
	free(g);
}

/* With SIGCHLD ignored (inherited through exec from a careless parent) the child is reaped by
 * the kernel and waitpid fails: the groups it wrote are still the answer. */
static void test_groups_sigchld_ignored(void **state)
{
	gid_t *g, want[256];
	int n, nwant = 256;
	void (*old)(int) = signal(SIGCHLD, SIG_IGN);
	int rc;

	(void)state;
	rc = privdrop_groups("root", 0, &g, &n);
	signal(SIGCHLD, old); /* before any assert: the tests after it wait for their children */
	assert_int_equal(rc, 0);
	assert_true(getgrouplist("root", 0, want, &nwant) >= 0);
	assert_int_equal(n, nwant);
	assert_memory_equal(g, want, (size_t)n * sizeof(*g));
	free(g);
}

/* A child clears its capabilities whoever we are (no root needed: dropping is always allowed). */
static void test_clear_caps(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned long long eff, prm, inh;

		if (privdrop_clear_caps() < 0 || privdrop_get_caps(&eff, &prm, &inh) < 0)
			_exit(2);
		_exit(eff || prm || inh ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_groups_in_child),
	    cmocka_unit_test(test_groups_sigchld_ignored),
	    cmocka_unit_test(test_key),
	    cmocka_unit_test(test_default),
	    cmocka_unit_test(test_no_vipd_user),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_script_user),
	    cmocka_unit_test(test_script_identity),
	    cmocka_unit_test(test_check_user),
	    cmocka_unit_test(test_chown_leaves),
	    cmocka_unit_test(test_clear_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
