/* config_track: the top-level `script_user` and `checks`, and the per-instance `checks`,
 * `track_interfaces` and `track_link` (vipd.conf(5)). Read, validated, printed and compared for
 * config.c. */
#ifndef VIPD_CONFIG_TRACK_H
#define VIPD_CONFIG_TRACK_H

#include <stdbool.h>
#include <stdio.h>

#include "vipd/config.h"
#include "vipd/config_value.h"

enum vipd_check_type {
	VIPD_CHECK_EXEC,
	VIPD_CHECK_TCP,
	VIPD_CHECK_HTTP,
	VIPD_CHECK_FILE,
	VIPD_CHECK_PROCESS,
};

/* One entry of the top-level `checks` list. */
struct vipd_check_config {
	char name[VIPD_NAME_MAX];
	enum vipd_check_type type;
	char *command;             /* exec */
	char *recover;             /* optional, any type: run when the check goes down */
	monotime recover_interval; /* at most one recover run per interval; default 60 s */
	monotime interval;         /* default 1 s */
	monotime timeout;          /* default 1 s */
	unsigned rise, fall;       /* default 1 and 1 */
	int weight;                /* -254..254; 0 = FAULT when down; file: value × weight */
	char *url;                 /* http */
	long expect_status;        /* http, default 200 */
	char *expect_body;         /* http, optional */
	char host[64];             /* tcp: an IPv4 or IPv6 address */
	unsigned port;             /* tcp */
	char *path;                /* file: absolute */
	/* file, missing = "zero": a missing, empty or garbled file (or a folder) is the value 0, as
	 * keepalived's track_file reads it, a denied one a failure; default ("fail"): a failure,
	 * garbled keeps the last */
	bool missing_zero;
	/* process (config_track_process.c): a process matches by process (its name, comm) and
	 * cmdline (its arguments joined by one space, as `ps -o args` shows them; whole, or the
	 * first words with cmdline_initial); the check is up while quorum..quorum_max match */
	char *process;
	char *cmdline;
	bool cmdline_initial;
	unsigned quorum;     /* default 1 */
	unsigned quorum_max; /* default CONFIG_TRACK_QUORUM_MAX: no maximum */
	/* exec, recover: who command and recover run as instead of script_user; "" = not set
	 * (allowed or not by daemon_priv_check_config, as script_user) */
	char user[VIPD_NAME_MAX];
	int user_line; /* its line in the file when set */
	int line;
};

/* One entry of an instance's `track_interfaces`. */
struct vipd_track_if {
	char name[IF_NAMESIZE];
	int weight; /* -254..254; 0 = FAULT when down */
};

/* Read `script_user` and `checks` of the top-level scope (before the instances). */
void config_track_load_top(const struct cv_scope *sc, struct vipd_config *cfg);

/* Read an instance's `checks` (names of cfg->checks), `track_interfaces` and `track_link`. */
void config_track_load_instance(const struct cv_scope *sc, const struct vipd_config *cfg,
                                struct vipd_instance_config *in);

/* Write `script_user` and `checks` as config_load reads them. */
void config_track_print_top(const struct vipd_config *cfg, FILE *out);

/* Write the instance's `checks` and `track_interfaces` lines when set, and `track_link`. */
void config_track_print_instance(const struct vipd_instance_config *in, FILE *out);

/* True when a and b track the same check names and interfaces. */
bool config_track_instance_equal(const struct vipd_instance_config *a,
                                 const struct vipd_instance_config *b);

/* True when two checks would run identically (the line may differ). */
bool config_track_check_equal(const struct vipd_check_config *a, const struct vipd_check_config *b);

/* Find a check by name; NULL if none. */
const struct vipd_check_config *config_track_check(const struct vipd_config *cfg, const char *name);

/* The largest quorum and quorum_max; quorum_max's default (no maximum). */
#define CONFIG_TRACK_QUORUM_MAX 65535

/* Read the keys of a process check into c (config_track_process.c). */
void config_track_process_load(const struct cv_scope *sc, struct vipd_check_config *c);

/* Print the keys of a process check (nothing for another type). */
void config_track_process_print(const struct vipd_check_config *c, FILE *out);

/* True when the process keys of a and b are the same. */
bool config_track_process_equal(const struct vipd_check_config *a,
                                const struct vipd_check_config *b);

/* "exec", "tcp", "http", "file" or "process". */
const char *config_track_check_type_name(enum vipd_check_type t);

/* Free what config_track_load_instance allocated. */
void config_track_free_instance(struct vipd_instance_config *in);

/* Free what config_track_load_top allocated. */
void config_track_free_top(struct vipd_config *cfg);

#endif
