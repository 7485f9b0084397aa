/* daemon_rt: realtime_priority and lock_memory (vipd.conf(5)), the means that keep the adverts
 * on time when the host is short of CPU or memory. Both are set at start, while vipd is still
 * root, so no capability is kept for them after the privilege drop: a real-time policy stays
 * with the process, and RLIMIT_MEMLOCK is raised to unlimited first so that later allocations
 * of a memory-locked vipd do not fail when it runs as the vipd user without CAP_IPC_LOCK.
 * Whatever set the policy (vipd or systemd's CPUSchedulingPolicy=), SCHED_RESET_ON_FORK keeps
 * it from the scripts vipd starts: a runaway notify script or check must not starve vipd. */
#include "build_config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "vipd/daemon.h"
#include "vipd/daemon_int.h"
#include "vipd/log.h"
#include "vipd/privdrop.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

#define CAP_BIT_IPC_LOCK 14
#define CAP_BIT_SYS_NICE 23

static bool has_cap(int bit)
{
	unsigned long long eff = 0, prm, inh;

	return privdrop_get_caps(&eff, &prm, &inh) == 0 && (eff & (1ULL << bit));
}

/* Whether this process may take SCHED_RR at prio, as far as can be told without trying. */
static bool may_realtime(int prio, char *why, size_t len)
{
	struct rlimit rl;

	if (geteuid() == 0 || has_cap(CAP_BIT_SYS_NICE))
		return true;
	if (getrlimit(RLIMIT_RTPRIO, &rl) == 0 && rl.rlim_cur >= (rlim_t)prio)
		return true;
	snprintf(why, len,
	         "not root, without CAP_SYS_NICE, and RLIMIT_RTPRIO is %llu: run as root, or give "
	         "the unit AmbientCapabilities=CAP_SYS_NICE or LimitRTPRIO=%d",
	         getrlimit(RLIMIT_RTPRIO, &rl) == 0 ? (unsigned long long)rl.rlim_cur : 0ULL, prio);
	return false;
}

/* Whether this process may lock all its memory for good (MCL_FUTURE: an allocation past the
 * limit would fail later, so a finite limit is refused). */
static bool may_lock(char *why, size_t len)
{
	struct rlimit rl;

	if (geteuid() == 0 || has_cap(CAP_BIT_IPC_LOCK))
		return true;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY)
		return true;
	snprintf(why, len,
	         "not root, without CAP_IPC_LOCK, and RLIMIT_MEMLOCK is finite: run as root, or "
	         "give the unit LimitMEMLOCK=infinity or AmbientCapabilities=CAP_IPC_LOCK");
	return false;
}

int daemon_rt_check_config(const struct vipd_config *cfg, struct config_errors *errs)
{
	char why[256];
	int bad = 0;

	if (cfg->realtime_priority && !may_realtime(cfg->realtime_priority, why, sizeof(why))) {
		config_errors_add(errs, "%s:%d: realtime_priority: %s", cfg->file,
		                  cfg->realtime_priority_line, why);
		bad++;
	}
	if (cfg->lock_memory && !may_lock(why, sizeof(why))) {
		config_errors_add(errs, "%s:%d: lock_memory: %s", cfg->file, cfg->lock_memory_line,
		                  why);
		bad++;
	}
	return bad;
}

/* Keep an inherited real-time policy (systemd's CPUSchedulingPolicy=) from the children. */
static void reset_on_fork(void)
{
	struct sched_param sp = {0};
	int pol = sched_getscheduler(0);

	if (pol < 0 || (pol & SCHED_RESET_ON_FORK))
		return;
	if ((pol != SCHED_RR && pol != SCHED_FIFO) || sched_getparam(0, &sp) < 0)
		return;
	if (sched_setscheduler(0, pol | SCHED_RESET_ON_FORK, &sp) < 0)
		log_warn("keeping the real-time policy from the scripts (SCHED_RESET_ON_FORK)");
}

void daemon_rt_apply(const struct vipd_config *cfg)
{
	if (cfg->realtime_priority) {
		struct sched_param sp = {.sched_priority = cfg->realtime_priority};

		if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) < 0)
			log_warn("realtime_priority %d: SCHED_RR refused; running on with the "
			         "normal policy",
			         cfg->realtime_priority);
		else
			log_info("realtime_priority: SCHED_RR at priority %d",
			         cfg->realtime_priority);
	}
	reset_on_fork();
	if (cfg->lock_memory) {
		struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};

		/* Root raises the limit for the vipd user it becomes. Where it cannot (a container
		 * without CAP_SYS_RESOURCE), root's mlockall would succeed and every allocation of
		 * the vipd user past the limit fail later (recvmsg: ENOMEM): nothing is locked. */
		if (geteuid() == 0 && setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
			struct rlimit cur = {0, 0};

			getrlimit(RLIMIT_MEMLOCK, &cur);
			if (cur.rlim_cur != RLIM_INFINITY) {
				log_warn(
				    "lock_memory: RLIMIT_MEMLOCK (%llu kB) cannot be raised; not "
				    "locking, or vipd's allocations would fail past it once it "
				    "drops root (LimitMEMLOCK=infinity in the unit)",
				    (unsigned long long)cur.rlim_cur / 1024);
				return;
			}
		}
		if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
			log_warn("lock_memory: mlockall refused; running on with pageable memory");
		else
			log_info("lock_memory: every page locked in memory");
	}
}

struct json_object *daemon_rt_status(void)
{
	struct json_object *o = json_object_new_object();
	struct sched_param sp = {0};
	int pol = sched_getscheduler(0);
	const char *name = "other";
	bool locked = false;
	FILE *f;
	char line[128];

	if (!o)
		return NULL;
	if (pol >= 0 && (pol & ~SCHED_RESET_ON_FORK) == SCHED_RR)
		name = "rr";
	else if (pol >= 0 && (pol & ~SCHED_RESET_ON_FORK) == SCHED_FIFO)
		name = "fifo";
	sched_getparam(0, &sp);
	/* VmLck: how much is locked; mlockall(MCL_FUTURE) shows as every page of vipd. */
	f = fopen("/proc/self/status", "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long kb;

		if (sscanf(line, "VmLck: %lu", &kb) == 1)
			locked = kb > 0;
	}
	if (f)
		fclose(f);
	json_object_object_add(o, "policy", json_object_new_string(name));
	json_object_object_add(o, "priority", json_object_new_int(sp.sched_priority));
	json_object_object_add(o, "reset_on_fork",
	                       json_object_new_boolean(pol >= 0 && (pol & SCHED_RESET_ON_FORK)));
	json_object_object_add(o, "memory_locked", json_object_new_boolean(locked));
	return o;
}
