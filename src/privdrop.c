/* privdrop: the switch to an unprivileged user with CAP_NET_RAW and CAP_NET_ADMIN only: the
 * mechanism (users, ids, capabilities). Which user, and what a config may ask, is daemon_priv.c. */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vipd/privdrop.h"

static int caps_set(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];

	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(eff >> (32 * i));
		data[i].permitted = (uint32_t)(prm >> (32 * i));
		data[i].inheritable = (uint32_t)(inh >> (32 * i));
	}
	return (int)syscall(SYS_capset, &h, data);
}

int privdrop_get_caps(unsigned long long *eff, unsigned long long *prm, unsigned long long *inh)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	/* Zeroed: valgrind (3.19) sees capget write only the first of the two structs. */
	struct __user_cap_data_struct data[2] = {0};

	if (syscall(SYS_capget, &h, data) < 0)
		return -1;
	*eff = data[0].effective | (unsigned long long)data[1].effective << 32;
	*prm = data[0].permitted | (unsigned long long)data[1].permitted << 32;
	*inh = data[0].inheritable | (unsigned long long)data[1].inheritable << 32;
	return 0;
}

int privdrop_lookup(const char *name, struct privdrop_id *id, char *err, size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		snprintf(err, errlen, "no user \"%s\" on this system%s%s", name, errno ? ": " : "",
		         errno ? strerror(errno) : "");
		return -1;
	}
	snprintf(id->name, sizeof(id->name), "%s", name);
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	return 0;
}

int privdrop_chown(const char *path, uid_t from, uid_t to, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode) || st.st_uid != from || from == to)
		return 0;
	if (fchownat(AT_FDCWD, path, to, (gid_t)-1, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errlen, "chown %s: %s", path, strerror(errno));
		return -1;
	}
	return 1;
}

/* The child of privdrop_groups: getgrouplist, then the count and the gids on fd. */
static void groups_child(int fd, const char *name, gid_t gid)
{
	int n = 64;
	gid_t *g = NULL;

	for (;;) {
		gid_t *more = realloc(g, (size_t)n * sizeof(*g));
		int want = n;

		if (!more)
			_exit(1);
		g = more;
		if (getgrouplist(name, gid, g, &want) >= 0) {
			n = want;
			break;
		}
		if (want <= n || want > 65536)
			_exit(1);
		n = want;
	}
	if (write(fd, &n, sizeof(n)) != (ssize_t)sizeof(n) ||
	    write(fd, g, (size_t)n * sizeof(*g)) != (ssize_t)((size_t)n * sizeof(*g)))
		_exit(1);
	_exit(0);
}

/* Read exactly len bytes of fd; 0, or -1 at an error or end of file. */
static int read_all(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t r = read(fd, (char *)buf + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

int privdrop_groups(const char *name, gid_t gid, gid_t **groups, int *n)
{
	int fd[2], st = 0, count = 0, ok = -1;
	gid_t *g = NULL;
	pid_t pid, waited;

	*groups = NULL;
	*n = 0;
	if (pipe2(fd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		close(fd[0]);
		groups_child(fd[1], name, gid);
	}
	close(fd[1]);
	if (read_all(fd[0], &count, sizeof(count)) == 0 && count >= 0 && count <= 65536) {
		g = malloc(count ? (size_t)count * sizeof(*g) : 1);
		if (!g)
			errno = ENOMEM;
		else if (read_all(fd[0], g, (size_t)count * sizeof(*g)) == 0)
			ok = 0;
	}
	close(fd[0]);
	/* With SIGCHLD ignored (a disposition a parent can hand down through exec) the child is
	 * reaped by the kernel and waitpid fails: what it wrote is then all there is to go by. */
	while ((waited = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (ok < 0 || (waited == pid && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))) {
		free(g);
		if (errno != ENOMEM)
			errno = ENOENT;
		return -1;
	}
	*groups = g;
	*n = count;
	return 0;
}

/* Shrink the bounding set to the kept capabilities (needs CAP_SETPCAP, so before the switch). */
static int bounding_shrink(char *err, size_t errlen)
{
	for (int cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (r < 0 && errno == EINVAL)
			break; /* past the last capability of this kernel */
		if (r <= 0 || (PRIVDROP_KEEP_MASK & (1ULL << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			snprintf(err, errlen, "dropping capability %d from the bounding set: %s",
			         cap, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int privdrop_drop(const struct privdrop_id *id, char *err, size_t errlen)
{
	unsigned long long eff, prm, inh;
	gid_t *groups;
	int ngroups, rc;

	if (geteuid() != 0) {
		snprintf(err, errlen, "not running as root");
		return -1;
	}
	if (bounding_shrink(err, errlen) < 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		snprintf(err, errlen, "clearing the ambient capabilities: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return -1;
	}
	/* initgroups, with the NSS lookup in a child: the modules it loads (libnss_systemd, and
	 * libm and libcap with it) would stay mapped here for nothing. */
	if (privdrop_groups(id->name, id->gid, &groups, &ngroups) < 0) {
		snprintf(err, errlen, "listing the groups of %s: %s", id->name,
		         errno == ENOMEM ? "out of memory" : "the lookup failed");
		return -1;
	}
	rc = setgroups((size_t)ngroups, groups);
	free(groups);
	if (rc < 0 || setresgid(id->gid, id->gid, id->gid) < 0 ||
	    setresuid(id->uid, id->uid, id->uid) < 0) {
		snprintf(err, errlen, "becoming %s (uid %ld, gid %ld): %s", id->name, (long)id->uid,
		         (long)id->gid, strerror(errno));
		return -1;
	}
	if (caps_set(PRIVDROP_KEEP_MASK, PRIVDROP_KEEP_MASK, 0) < 0) {
		snprintf(err, errlen, "keeping CAP_NET_RAW and CAP_NET_ADMIN: %s", strerror(errno));
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	/* No way back: root cannot be regained and nothing but the two is left. */
	if (setuid(0) == 0 || privdrop_get_caps(&eff, &prm, &inh) < 0 ||
	    eff != PRIVDROP_KEEP_MASK || prm != PRIVDROP_KEEP_MASK || inh != 0) {
		snprintf(err, errlen, "privileges not dropped as expected");
		return -1;
	}
	return 0;
}

int privdrop_clear_caps(void)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	return caps_set(0, 0, 0);
}
