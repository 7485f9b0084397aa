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
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
	if (initgroups(id->name, id->gid) < 0 || setresgid(id->gid, id->gid, id->gid) < 0 ||
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
