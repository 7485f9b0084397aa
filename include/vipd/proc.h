/* proc: child processes for checks, recover actions and notify scripts. Each child runs in its
 * own process group, is watched through a pidfd in the loop (no SIGCHLD handler) and is killed
 * with its whole group at its timeout. Never logs: errors come back as text. */
#ifndef VIPD_PROC_H
#define VIPD_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vipd/loop.h"
#include "vipd/monotime.h"

struct proc;

/* Who a child runs as, looked up once (at a config load) so that a spawn asks no name service. */
struct proc_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups */
	int ngroups;
	char *home; /* the child's working folder ("/" when it cannot enter it) */
};

/* Look user name up (passwd entry and groups). NULL with a reason when there is none. */
struct proc_user *proc_user_lookup(const char *name, char *err, size_t errlen);

/* Free a proc_user (NULL is fine). */
void proc_user_free(struct proc_user *u);

/* Called once when the child has exited: its wait status, whether it was killed at its timeout,
 * how long it ran, and error: NULL when the command ran, else why it could not start (the user
 * switch or the exec failed; the status is then exit 127). The struct proc is freed right
 * after the callback returns. */
typedef void (*proc_done_cb)(void *arg, int wstatus, bool timed_out, monotime elapsed,
                             const char *error);

/* Start argv as user (NULL: ours) in its own process group, stdin/out/err on /dev/null,
 * no capabilities kept; the group is SIGKILLed at the timeout; cb runs once when it has
 * exited (pidfd in the loop; no SIGCHLD handler). Returns once forked: what the child does
 * before its exec (user switch, chdir) never holds the loop, and its failure comes to cb.
 * NULL with a reason when it cannot fork. */
struct proc *proc_spawn(struct loop *l, char *const argv[], const struct proc_user *user,
                        monotime timeout, proc_done_cb cb, void *arg, char *err, size_t errlen);

/* proc_spawn with env ("NAME=value" strings, NULL-terminated; NULL: none) added to the child's
 * environment. */
struct proc *proc_spawn_env(struct loop *l, char *const argv[], char *const env[],
                            const struct proc_user *user, monotime timeout, proc_done_cb cb,
                            void *arg, char *err, size_t errlen);

/* Tests only: when set, a child calls it first thing (to stall before its exec). */
extern void (*proc_child_hook)(void);

/* Kill the group and forget it: cb is not called. */
void proc_cancel(struct proc *p);

/* Why a script must not run as root: its file or a parent folder is writable by someone
 * other than root. NULL when safe. */
const char *proc_script_unsafe(const char *path);

/* Resolve cmd (argv[0]) like execvp: a path with a slash is checked as is, otherwise each PATH
 * folder is tried. Copies the found path into out; -1 when no executable file is found. */
int proc_find_exec(const char *cmd, char *out, size_t outlen);

#endif
