/* daemon_vmac: keeps the VMAC of every running vmac instance in place. The
 * libnl work is vmac.c's; this file decides when, logs, counts the IPv4 VMACs
 * of each parent (its ARP sysctls are changed once and restored by the last),
 * and repairs from a timer: a repair from inside the netlink event callback
 * would race the events it causes. */
#include "build_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/daemon_vmac.h"
#include "vipd/log.h"
#include "vipd/net_vrrp.h"
#include "vipd/vmac.h"

/* Delay of a repair after a link event: lets the rest of a burst (parent and VMAC going
 * together) arrive first. Then the retry delay after a failed creation. */
#define VMAC_REPAIR_DELAY (100 * MT_MSEC)
#define VMAC_RETRY_DELAY (1 * MT_SEC)

struct vmac_parent {
	char name[IF_NAMESIZE];
	unsigned users; /* running IPv4 vmac instances on it */
	bool saved_ok;  /* saved holds its values from before the first */
	struct vmac_parent_saved saved;
};

/* A running vmac instance and the send-only socket its adverts leave the VMAC by. */
struct vmac_entry {
	struct instance *in;
	struct vrrp_sock *tx;
	unsigned tx_ifindex; /* the VMAC index tx is bound to */
	bool tx_ah;          /* tx is an AH socket (net_vrrp_open_ah) */
};

struct vmac_mgr {
	struct loop *loop;
	vmac_mgr_sync_cb sync;
	void *arg;
	struct vmac_nl *nl;      /* opened by the start-up sweep or the first VMAC */
	struct vmac_entry *ents; /* instances whose VMAC is wanted */
	size_t nents;
	struct vmac_parent *parents;
	size_t nparents;
	struct loop_timer repair;
	bool rp_warned;
	bool macvlans_seen; /* daemon_vmac_note_link: a macvlan exists (or existed) */
};

static void repair_cb(void *arg, monotime now);

struct vmac_mgr *daemon_vmac_new(struct loop *loop, vmac_mgr_sync_cb sync, void *arg)
{
	struct vmac_mgr *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->loop = loop;
	m->sync = sync;
	m->arg = arg;
	loop_timer_init(&m->repair, repair_cb, m);
	return m;
}

void daemon_vmac_free(struct vmac_mgr *m)
{
	if (!m)
		return;
	loop_timer_cancel(m->loop, &m->repair);
	vmac_close(m->nl);
	for (size_t i = 0; i < m->nents; i++)
		net_vrrp_close(m->ents[i].tx);
	free(m->ents);
	free(m->parents);
	free(m);
}

static struct vmac_parent *parent_get(struct vmac_mgr *m, const char *name)
{
	struct vmac_parent *p;

	for (size_t i = 0; i < m->nparents; i++)
		if (strcmp(m->parents[i].name, name) == 0)
			return &m->parents[i];
	p = realloc(m->parents, (m->nparents + 1) * sizeof(*p));
	if (!p)
		log_oom_fatal("vmac parent table");
	m->parents = p;
	p = &m->parents[m->nparents++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

/* A strict all.rp_filter beats the VMAC's rp_filter=0 (the kernel uses the larger): traffic to
 * the VIPs would be dropped. keepalived rewrites every interface's value; we say so instead. */
static void warn_rp_filter(struct vmac_mgr *m)
{
	char err[256];
	int v;

	if (m->rp_warned || vmac_sysctl_get(AF_INET, "all", "rp_filter", &v, err, sizeof(err)) < 0)
		return;
	m->rp_warned = true;
	if (v == 1)
		log_warnx(
		    "net.ipv4.conf.all.rp_filter = 1 (strict) drops traffic to VIPs on a VMAC "
		    "(replies route via the parent); set it to 0 or 2 (loose)");
}

/* Make the parent of in leave the VIPs to the VMAC, saving its ARP sysctls the first time. Again
 * after a repair: a parent that came back has its default settings. */
static void parent_prepare(struct vmac_mgr *m, struct instance *in)
{
	struct vmac_parent *p = parent_get(m, in->iface->name);
	char err[256];
	int r;

	if (in->cfg->af != AF_INET || !in->iface->ifindex)
		return;
	if (p->saved_ok) {
		r = vmac_parent_setup(p->name, NULL, err, sizeof(err));
	} else {
		r = vmac_parent_setup(p->name, &p->saved, err, sizeof(err));
		p->saved_ok = r == 0;
	}
	if (r < 0)
		instance_log(in, LOG_WARNING, "ARP settings for VMACs: %s", err);
}

/* One more IPv4 VMAC on the parent of in. */
static void parent_acquire(struct vmac_mgr *m, struct instance *in)
{
	struct vmac_parent *p = parent_get(m, in->iface->name);

	warn_rp_filter(m);
	if (!p->users++)
		parent_prepare(m, in);
}

static void parent_release(struct vmac_mgr *m, struct instance *in)
{
	struct vmac_parent *p = parent_get(m, in->iface->name);
	char err[256];

	if (!p->users || --p->users || !p->saved_ok)
		return;
	if (vmac_parent_restore(p->name, &p->saved, err, sizeof(err)) < 0)
		log_warnx("%s: restoring ARP settings: %s", p->name, err);
	else
		log_info("%s: arp_ignore=%d arp_filter=%d arp_announce=%d restored", p->name,
		         p->saved.arp_ignore, p->saved.arp_filter, p->saved.arp_announce);
	p->saved_ok = false;
}

/* Create in's VMAC now; false when that failed (logged). */
static bool create(struct vmac_mgr *m, struct instance *in)
{
	char err[256];
	int ifindex;

	if (!m->nl) {
		m->nl = vmac_open(err, sizeof(err));
		if (!m->nl) {
			instance_log(in, LOG_WARNING, "%s", err);
			return false;
		}
	}
	ifindex = vmac_create(m->nl, in->cfg->af, in->cfg->vrid, in->cfg->vmac_name,
	                      in->iface->ifindex, err, sizeof(err));
	if (ifindex < 0) {
		instance_log(in, LOG_WARNING, "VMAC %s: %s", in->vmac->name, err);
		return false;
	}
	instance_log(in, LOG_INFO, "VMAC %s (index %d) up on %s", in->vmac->name, ifindex,
	             in->iface->name);
	return true;
}

static void arm(struct vmac_mgr *m, monotime delay)
{
	if (!loop_timer_armed(&m->repair))
		loop_timer_set(m->loop, &m->repair, monotime_now() + delay);
}

void daemon_vmac_start(struct vmac_mgr *m, struct instance *in)
{
	struct vmac_entry *list = realloc(m->ents, (m->nents + 1) * sizeof(*list));

	if (!list)
		log_oom_fatal("vmac instance table");
	m->ents = list;
	m->ents[m->nents++] = (struct vmac_entry){.in = in};
	if (in->cfg->af == AF_INET)
		parent_acquire(m, in);
	if (!in->iface->ifindex) {
		instance_log(in, LOG_INFO, "VMAC %s waits for %s", in->vmac->name, in->iface->name);
		return;
	}
	if (!create(m, in))
		arm(m, VMAC_RETRY_DELAY);
}

void daemon_vmac_stop(struct vmac_mgr *m, struct instance *in)
{
	char err[256];
	size_t i;

	for (i = 0; i < m->nents && m->ents[i].in != in; i++)
		;
	if (i == m->nents)
		return;
	net_vrrp_close(m->ents[i].tx);
	memmove(&m->ents[i], &m->ents[i + 1], (m->nents - i - 1) * sizeof(m->ents[0]));
	m->nents--;
	if (m->nl && vmac_delete(m->nl, in->vmac->name, err, sizeof(err)) < 0)
		instance_log(in, LOG_WARNING, "%s", err);
	else if (m->nl)
		instance_log(in, LOG_INFO, "VMAC %s removed", in->vmac->name);
	if (in->cfg->af == AF_INET)
		parent_release(m, in);
}

void daemon_vmac_note_link(struct vmac_mgr *m, const struct nl_link *l)
{
	if (m && l->macvlan)
		m->macvlans_seen = true;
}

void daemon_vmac_sweep(struct vmac_mgr *m, struct instance *const *ins, size_t n)
{
	char(*names)[IF_NAMESIZE] = NULL, err[256];
	size_t count = 0;
	bool any = m->macvlans_seen;

	/* Every VMAC is a macvlan: with none there is nothing to sweep, and a vipd without VMACs
	 * need not map libnl (vmac_dl.h) to learn it. */
	for (size_t k = 0; k < n && !any; k++)
		any = ins[k]->cfg->vmac;
	if (!any)
		return;
	if (!m->nl)
		m->nl = vmac_open(err, sizeof(err));
	if (!m->nl || vmac_list_ours(m->nl, &names, &count, err, sizeof(err)) < 0) {
		if (errno == ENOMEM)
			log_oom_fatal("VMAC list");
		log_warnx("VMACs left by an earlier run: %s", err);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		bool wanted = false;

		for (size_t k = 0; k < n && !wanted; k++)
			wanted = ins[k]->cfg->vmac && strcmp(ins[k]->cfg->vmac_name, names[i]) == 0;
		if (wanted) /* made afresh by its instance's start */
			continue;
		if (vmac_delete(m->nl, names[i], err, sizeof(err)) < 0)
			log_warnx("%s", err);
		else
			log_notice("VMAC %s removed, left by an earlier run", names[i]);
	}
	free(names);
}

static bool missing(const struct instance *in)
{
	return in->iface->ifindex && !in->vmac->ifindex;
}

/* Set down by someone (its carrier follows the parent's): the instance is in FAULT until the repair
 * brings it up again. */
static bool down(const struct instance *in)
{
	return in->iface->running && in->vmac->ifindex && !in->vmac->running;
}

/* Keep e's send socket bound to the VMAC's current index, and of the instance's kind: AH
 * (auth_type = "ah", whole datagrams) or plain VRRP; a reload may change either. */
static void sync_tx(struct vmac_entry *e)
{
	const struct iface *v = e->in->vmac;
	bool ah = e->in->cfg->auth_ah;
	char err[256];

	if (e->tx && e->tx_ifindex == v->ifindex && e->tx_ah == ah)
		return;
	net_vrrp_close(e->tx);
	e->tx = NULL;
	if (!v->ifindex)
		return;
	e->tx = ah ? net_vrrp_open_ah(v->ifindex, v->name, err, sizeof(err))
	           : net_vrrp_open(e->in->cfg->af, v->ifindex, v->name, err, sizeof(err));
	if (e->tx && net_vrrp_send_only(e->tx) < 0) {
		snprintf(err, sizeof(err), "send-only socket on %s: %s", v->name, strerror(errno));
		net_vrrp_close(e->tx);
		e->tx = NULL;
	}
	if (!e->tx)
		instance_log(e->in, LOG_WARNING, "%s", err);
	e->tx_ifindex = v->ifindex;
	e->tx_ah = ah;
}

void daemon_vmac_check(struct vmac_mgr *m)
{
	bool repair = false;

	for (size_t i = 0; i < m->nents; i++) {
		sync_tx(&m->ents[i]);
		repair = repair || missing(m->ents[i].in) || down(m->ents[i].in);
	}
	if (repair)
		arm(m, VMAC_REPAIR_DELAY);
}

int daemon_vmac_flush(struct vmac_mgr *m, struct instance *in)
{
	char err[256];

	(void)m;
	if (!in->vmac->ifindex)
		return 0; /* no VMAC, no addresses */
	if (vmac_flush(in->vmac->name, err, sizeof(err)) < 0) {
		instance_log(in, LOG_WARNING, "%s", err);
		return -1;
	}
	return 0;
}

struct vrrp_sock *daemon_vmac_sock(const struct vmac_mgr *m, const struct instance *in)
{
	for (size_t i = 0; i < m->nents; i++)
		if (m->ents[i].in == in)
			return m->ents[i].tx;
	return NULL;
}

static void repair_cb(void *arg, monotime now)
{
	struct vmac_mgr *m = arg;
	bool made = false, failed = false;

	(void)now;
	for (size_t i = 0; i < m->nents; i++) {
		struct instance *in = m->ents[i].in;
		char err[256];

		if (down(in)) {
			instance_log(in, LOG_NOTICE, "VMAC %s is down; bringing it up",
			             in->vmac->name);
			if (!m->nl || vmac_up(m->nl, in->vmac->name, err, sizeof(err)) < 0) {
				instance_log(in, LOG_WARNING, "%s", err);
				failed = true;
			}
			continue;
		}
		if (!missing(in))
			continue;
		instance_log(in, LOG_NOTICE, "VMAC %s is missing; creating it", in->vmac->name);
		parent_prepare(m, in);
		if (create(m, in))
			made = true;
		else
			failed = true;
	}
	if (made)
		m->sync(m->arg);
	if (failed)
		arm(m, VMAC_RETRY_DELAY);
}
