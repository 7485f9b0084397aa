/* track_pmatch: the pure half of the process check (see track_pmatch.h): no system call, so
 * the matcher and the decoder are tested byte for byte (tests/unit/test_track_pmatch.c). */
#include "build_config.h"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <string.h>

#include "vipd/track_pmatch.h"

/* The command line as `ps -o args` shows it: does it begin with want (whole: equal)? The
 * arguments are separated by NULs, ended by one; a process may have rewritten it, so a
 * missing final NUL or NULs in a row are taken as they come. */
static bool cmdline_match(const char *want, bool initial, const char *cmd, size_t len)
{
	size_t n = strlen(want), i;

	while (len > 0 && cmd[len - 1] == '\0')
		len--; /* the final NUL (and a padded rewrite's) */
	if (len < n)
		return false;
	for (i = 0; i < n; i++) {
		char ch = cmd[i] == '\0' ? ' ' : cmd[i];

		if (ch != want[i])
			return false;
	}
	if (len == n)
		return true;
	/* longer: only a match of the first whole arguments */
	return initial && cmd[n] == '\0';
}

bool track_pmatch(const char *process, const char *want, bool initial, const char *comm,
                  const char *cmdline, size_t len)
{
	if (process && strcmp(process, comm) != 0)
		return false;
	if (want && !cmdline_match(want, initial, cmdline, len))
		return false;
	return process || want;
}

int track_pmatch_stat(const char *buf, size_t len, char *comm, size_t commlen, char *state)
{
	const char *open = memchr(buf, '(', len), *close = NULL;
	size_t n;

	/* the name may hold ')' and spaces: it ends at the last ')' (the fields after it are
	 * numbers) */
	for (const char *p = buf + len; open && p > open + 1; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!open || !close || commlen == 0 || buf + len - close < 3 || close[1] != ' ')
		return -1;
	n = (size_t)(close - open - 1);
	if (n > commlen - 1)
		n = commlen - 1;
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
	*state = close[2];
	return 0;
}

bool track_pmatch_quorum(unsigned quorum, unsigned quorum_max, size_t count)
{
	return count >= quorum && count <= quorum_max;
}

/* One proc_event: a process (not a thread) that appeared, changed or went. */
static int one_event(const struct proc_event *pe, size_t len, struct track_pmatch_event *ev)
{
	switch (pe->what) {
	case PROC_EVENT_FORK:
		if (len < offsetof(struct proc_event, event_data) + sizeof(pe->event_data.fork))
			return -1;
		if (pe->event_data.fork.child_pid != pe->event_data.fork.child_tgid)
			return 0;
		*ev = (struct track_pmatch_event){TRACK_PMATCH_NEW,
		                                  (pid_t)pe->event_data.fork.child_tgid};
		return 1;
	case PROC_EVENT_EXEC:
		if (len < offsetof(struct proc_event, event_data) + sizeof(pe->event_data.exec))
			return -1;
		*ev = (struct track_pmatch_event){TRACK_PMATCH_NEW,
		                                  (pid_t)pe->event_data.exec.process_tgid};
		return 1;
	case PROC_EVENT_COMM:
		if (len < offsetof(struct proc_event, event_data) + sizeof(pe->event_data.comm))
			return -1;
		if (pe->event_data.comm.process_pid != pe->event_data.comm.process_tgid)
			return 0;
		*ev = (struct track_pmatch_event){TRACK_PMATCH_NEW,
		                                  (pid_t)pe->event_data.comm.process_tgid};
		return 1;
	case PROC_EVENT_EXIT:
		if (len < offsetof(struct proc_event, event_data) + sizeof(pe->event_data.exit))
			return -1;
		if (pe->event_data.exit.process_pid != pe->event_data.exit.process_tgid)
			return 0;
		*ev = (struct track_pmatch_event){TRACK_PMATCH_GONE,
		                                  (pid_t)pe->event_data.exit.process_tgid};
		return 1;
	default:
		return 0;
	}
}

int track_pmatch_decode(const void *buf, size_t len, struct track_pmatch_event *ev, size_t max)
{
	const char *p = buf;
	size_t n = 0;

	while (len >= sizeof(struct nlmsghdr) && n < max) {
		struct nlmsghdr nh;
		struct cn_msg cn;
		struct proc_event pe;
		size_t body, take;
		int r;

		memcpy(&nh, p, sizeof(nh));
		if (nh.nlmsg_len < sizeof(nh) || nh.nlmsg_len > len)
			return -1;
		body = nh.nlmsg_len - NLMSG_HDRLEN;
		if (nh.nlmsg_type == NLMSG_DONE || nh.nlmsg_type >= NLMSG_MIN_TYPE) {
			if (body < sizeof(cn))
				return -1;
			memcpy(&cn, p + NLMSG_HDRLEN, sizeof(cn));
			if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC ||
			    cn.len > body - sizeof(cn))
				return -1;
			/* copied: the datagram gives no alignment for the 64-bit timestamp */
			memset(&pe, 0, sizeof(pe));
			take = cn.len < sizeof(pe) ? cn.len : sizeof(pe);
			memcpy(&pe, p + NLMSG_HDRLEN + sizeof(cn), take);
			r = one_event(&pe, take, &ev[n]);
			if (r < 0)
				return -1;
			n += (size_t)r;
		}
		if (NLMSG_ALIGN(nh.nlmsg_len) >= len)
			break;
		p += NLMSG_ALIGN(nh.nlmsg_len);
		len -= NLMSG_ALIGN(nh.nlmsg_len);
	}
	return (int)n;
}
