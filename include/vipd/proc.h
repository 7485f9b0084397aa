/* proc: child processes for checks, recover actions and notify scripts. Each child runs in its
 * own process group, is watched through a pidfd in the loop (no SIGCHLD handler) and is killed
 * with its whole group at its timeout. Never logs: errors come back as text. */
#ifndef VIPD_PROC_H
#define VIPD_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "vipd/loop.h"
#include "vipd/monotime.h"

struct proc;

/* Called once when the child has exited: its wait status, whether it was killed at its timeout,
 * and how long it ran. The struct proc is freed right after the callback returns. */
typedef void (*proc_done_cb)(void *arg, int wstatus, bool timed_out, monotime elapsed);

/* Split a command line into argv like a shell without expansion (quotes, backslash);
 * NULL-terminated, free with proc_argv_free. -1 with a reason on bad quoting. */
int proc_argv_split(const char *cmd, char ***argv, char *err, size_t errlen);

/* Free an argv from proc_argv_split (NULL is fine). */
void proc_argv_free(char **argv);

/* Start argv as user (NULL: ours) in its own process group, stdin/out/err on /dev/null,
 * no capabilities kept; the group is SIGKILLed at the timeout; cb runs once when it has
 * exited (pidfd in the loop; no SIGCHLD handler). NULL with a reason on failure. */
struct proc *proc_spawn(struct loop *l, char *const argv[], const char *user, monotime timeout,
                        proc_done_cb cb, void *arg, char *err, size_t errlen);

/* Kill the group and forget it: cb is not called. */
void proc_cancel(struct proc *p);

/* Why a script must not run as root: its file or a parent folder is writable by someone
 * other than root. NULL when safe. */
const char *proc_script_unsafe(const char *path);

/* Resolve cmd (argv[0]) like execvp: a path with a slash is checked as is, otherwise each PATH
 * folder is tried. Copies the found path into out; -1 when no executable file is found. */
int proc_find_exec(const char *cmd, char *out, size_t outlen);

#endif
