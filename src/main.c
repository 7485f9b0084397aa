/* vipd: argument parsing and wiring only. */
#include "build_config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vipd/config.h"
#include "vipd/config_probe.h"
#include "vipd/daemon.h"
#include "vipd/log.h"
#include "vipd/pidfile.h"
#include "vipd/daemon_priv.h"
#include "vipd/privdrop.h"
#include "vipd/statefile.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: vipd [-f|--config FILE] [-n|--foreground] [-p|--pidfile FILE]\n"
	        "            [-S|--socket PATH] [-l|--log-level debug|info|notice|warning|err]\n"
	        "            [-D|--debug CATEGORY[,CATEGORY...]] [--log-stderr] [-t|--check]\n"
	        "            [--dump-config] [--has-instances] [-V|--version]\n"
	        "categories: " LOG_CAT_NAMES "\n");
}

/* Create the parent folder of path (one level, as /run/vipd) when it is missing. A folder made
 * here, a default one, or one a previous run handed over goes to the user vipd runs as (id;
 * NULL: none) when it drops its privileges, so that it can remove its files at exit and make a
 * notify_fifo there; until then it is root's (nobody else can swap the files we make).
 * made_before: an earlier call made it. Returns whether the folder was made (now or before). */
static bool make_parent_dir(const char *path, const struct privdrop_id *id, bool made_before)
{
	char dir[4096], err[256];
	struct stat st;
	char *slash;
	bool made;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return false;
	*slash = '\0';
	/* 0755 like systemd's RuntimeDirectory: the files inside keep their own modes (the socket
	 * 0660 for control_socket_group, the FIFO 0600). */
	made = mkdir(dir, 0755) == 0;
	if (!made && errno != EEXIST)
		log_warn("mkdir %s", dir);
	made = made || made_before;
	if (!id || id->uid == 0 || geteuid() != 0 || lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return made;
	if (!made && strcmp(dir, RUNSTATEDIR "/vipd") != 0 &&
	    strcmp(dir, VIPD_DEFAULT_STATE_DIR) != 0 && st.st_uid != id->uid)
		return made;
	if (privdrop_chown(dir, id->uid, 0, err, sizeof(err)) < 0)
		log_warnx("%s", err);
	else
		daemon_priv_handover_dir(dir);
	return made;
}

/* Lock the pidfile before anything else happens: a second copy started with the same pidfile
 * stops here having touched nothing (no address, socket or file of the running one). Returns the
 * locked fd, -1 when it could not be made (the old behaviour: start without one), or exits. */
static int lock_pidfile(const char *path, bool *made_dir)
{
	char err[4200];
	long holder;
	int fd;

	/* The folder only; handed over once the lock is ours. */
	*made_dir = make_parent_dir(path, NULL, false);
	fd = pidfile_lock(path, &holder, err, sizeof(err));
	if (fd == -2) {
		fprintf(stderr, "vipd: %s; not starting\n", err);
		exit(1);
	}
	if (fd < 0)
		fprintf(stderr, "vipd: %s; starting without a pidfile\n", err);
	return fd;
}

int main(int argc, char **argv)
{
	enum { OPT_LOG_STDERR = 256, OPT_DUMP_CONFIG, OPT_HAS_INSTANCES };
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'f'},
	    {"foreground", no_argument, NULL, 'n'},
	    {"pidfile", required_argument, NULL, 'p'},
	    {"socket", required_argument, NULL, 'S'},
	    {"log-level", required_argument, NULL, 'l'},
	    {"log-stderr", no_argument, NULL, OPT_LOG_STDERR},
	    {"debug", required_argument, NULL, 'D'},
	    {"check", no_argument, NULL, 't'},
	    {"dump-config", no_argument, NULL, OPT_DUMP_CONFIG},
	    {"has-instances", no_argument, NULL, OPT_HAS_INSTANCES},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *config_path = VIPD_DEFAULT_CONFIG;
	const char *pidfile = VIPD_DEFAULT_PIDFILE;
	const char *socket_path = NULL;
	bool foreground = false, log_stderr = false, check = false, dump = false, probe = false;
	int level = LOG_INFO, c, rc, pid_fd;
	unsigned cats = 0, more;
	struct config_errors errs = {0};
	struct vipd_config *cfg;
	struct daemon *d;
	struct privdrop_id id;
	bool have_id, made_dir;
	char err[256], state_file[PATH_MAX];

	while ((c = getopt_long(argc, argv, "f:np:S:l:D:tVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			config_path = optarg;
			break;
		case 'n':
			foreground = true;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'S':
			socket_path = optarg;
			break;
		case 'l':
			level = log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "vipd: unknown log level \"%s\"\n", optarg);
				return 2;
			}
			break;
		case 'D':
			if (log_cats_parse_list(optarg, &more) < 0) {
				fprintf(stderr,
				        "vipd: unknown debug category in \"%s\" (valid: %s)\n",
				        optarg, LOG_CAT_NAMES);
				return 2;
			}
			cats |= more;
			break;
		case OPT_LOG_STDERR:
			log_stderr = true;
			break;
		case 't':
			check = true;
			break;
		case OPT_DUMP_CONFIG:
			dump = true;
			break;
		case OPT_HAS_INSTANCES:
			probe = true;
			break;
		case 'V':
			printf("vipd %s\nbuild: %s\n", PACKAGE_VERSION, VIPD_BUILD_OPTIONS);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	/* The unit's ExecCondition: a config without instances (the package's example) skips the
	 * start; any other config, a broken one too, starts vipd, whose errors fail the unit. */
	if (probe) {
		if (config_probe_instances(config_path) != 0)
			return 0;
		printf("vipd: %s has no instance: not starting\n", config_path);
		return 1;
	}

	cfg = config_load(config_path, &errs);
	if (cfg && daemon_check_supported(cfg, &errs) < 0) {
		config_free(cfg);
		cfg = NULL;
	}
	if (!cfg) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.lines[i]);
		config_errors_clear(&errs);
		return 1;
	}
	config_warnings(cfg, &errs);
	if (check) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.lines[i]);
		config_errors_clear(&errs);
		config_free(cfg);
		return 0;
	}
	if (dump) {
		config_errors_clear(&errs); /* warnings are --check's and the log's */
		config_print(cfg, stdout);
		config_free(cfg);
		return 0;
	}

	/* Before anything is touched: a root vipd without its user refuses to start rather than run
	 * as nobody (daemon_priv_lookup names the useradd line and user = "nobody"). */
	if (geteuid() == 0 && daemon_priv_lookup(cfg, &id, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: user: %s; not starting\n", config_path, err);
		config_errors_clear(&errs);
		config_free(cfg);
		return 1;
	}

	pid_fd = lock_pidfile(pidfile, &made_dir);
	/* The locked fd is shared with the child: the lock outlives the parent's exit. */
	if (!foreground && daemon(0, 0) < 0)
		log_fatal("daemon");
	/* After daemon(): stderr is the one vipd keeps (made non-blocking by log_init). */
	log_init("vipd", foreground || log_stderr, level);
	log_cats_set(cats);
	for (size_t i = 0; i < errs.n; i++)
		log_warnx("%s", errs.lines[i]);
	config_errors_clear(&errs);
	have_id = daemon_priv_lookup(cfg, &id, err, sizeof(err)) == 0;
	make_parent_dir(pidfile, have_id ? &id : NULL, made_dir);
	if (pid_fd >= 0 && pidfile_write(pid_fd) < 0)
		log_warn("pidfile %s", pidfile);
	make_parent_dir(socket_path ? socket_path : cfg->control_socket, have_id ? &id : NULL,
	                false);
	/* The state file (statefile.h) is replaced by the user vipd runs as: its folder too. */
	if (statefile_path(cfg->state_dir, state_file, sizeof(state_file)) == 0)
		make_parent_dir(state_file, have_id ? &id : NULL, false);

	d = daemon_new(cfg, socket_path, err, sizeof(err));
	if (!d)
		log_fatalx("%s", err);
	rc = daemon_run(d);
	daemon_free(d);
	pidfile_release(pid_fd, pidfile);
	return rc;
}
