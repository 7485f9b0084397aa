/* instance_export: the routes an instance announces to a routing daemon (announce_table,
 * announce_backup_metric; the routes are config_announce_routes'). The master set is in the
 * table while the VIPs are held, and travels in their netlink batch (apply_addrs in
 * instance.c); the standby set while BACKUP, in the batch that removes the VIPs or in one of its
 * own when the state changes without them (instance_export_standby_apply). Every route carries
 * vipd's protocol (112), so the cleanup after a crash (instance_remove_stale_routes) and
 * `ip route flush table N proto 112` find them. */
#include "build_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/config_announce.h"
#include "vipd/instance_int.h"
#include "vipd/log.h"
#include "vipd/nl_msg.h"

size_t instance_export_count(const struct instance *in)
{
	return config_announce_count(in->cfg);
}

bool instance_export_standby_wanted(const struct instance *in)
{
	/* A master handing over is BACKUP with its VIPs until the other takes them: the standby
	 * set waits for the batch that removes them, never in the table beside the master's. */
	return in->cfg->announce_backup_metric && in->fsm.state == VRRP_STATE_BACKUP &&
	       !in->vips_held;
}

/* Append a change per route of r[0..n) at ch[k..] (op); a route whose interface is missing is
 * left out: one failure on add (counted in *missing and logged). Returns the new count. */
static size_t put_list(struct instance *in, const struct vipd_route *r, size_t n, bool add,
                       struct nl_change *ch, size_t k, int *missing)
{
	char buf[ROUTE_STRLEN];

	for (size_t i = 0; i < n; i++) {
		ch[k] = (struct nl_change){.op = add ? NL_ROUTE_ADD : NL_ROUTE_DEL, .route = r[i]};
		if (instance_route_oif(in, &ch[k])) {
			k++;
			continue;
		}
		if (add) {
			(*missing)++;
			in->stats.nl_errors++;
			instance_log(in, LOG_WARNING, "announce %s: interface %s missing",
			             route_format(&r[i], buf, sizeof(buf)),
			             r[i].dev[0] ? r[i].dev : instance_vip_iface(in)->name);
		}
	}
	return k;
}

size_t instance_export_put(struct instance *in, bool standby, bool add, struct nl_change *ch,
                           size_t n, int *missing)
{
	size_t cnt = instance_export_count(in);
	struct vipd_route *r;

	if (!cnt || (standby && !in->cfg->announce_backup_metric))
		return n;
	r = calloc(cnt, sizeof(*r));
	if (!r) {
		/* The caller's batch goes without them: one failure, retried. */
		(*missing)++;
		in->stats.nl_errors++;
		instance_log(in, LOG_WARNING, "announce: out of memory; retried");
		return n;
	}
	config_announce_routes(in->cfg, standby, r);
	n = put_list(in, r, cnt, add, ch, n, missing);
	free(r);
	return n;
}

/* Apply ch[0..n), log what failed (what prefixes the log line); the number of failures. */
static int apply_logged(struct instance *in, struct nl_change *ch, size_t n, const char *what)
{
	char buf[NL_MSG_STRLEN];
	int failed = 0;

	if (!n)
		return 0;
	if (in->io->apply(in->io->ctx, ch, n) < 0) {
		instance_log_errno(in, LOG_WARNING, "netlink batch");
		in->stats.nl_errors++;
		return (int)n;
	}
	for (size_t i = 0; i < n; i++) {
		if (instance_change_done(&ch[i]))
			continue;
		failed++;
		in->stats.nl_errors++;
		instance_log(in, LOG_WARNING, "%s%s %s: %s%s%s", what,
		             ch[i].op == NL_ROUTE_ADD ? "add" : "delete",
		             nl_msg_format(&ch[i], true, buf, sizeof(buf)), strerror(-ch[i].error),
		             ch[i].msg[0] ? ": " : "", ch[i].msg);
	}
	return failed;
}

int instance_export_standby_apply(struct instance *in)
{
	size_t cnt = instance_export_count(in);
	struct nl_change *ch;
	int failed = 0;
	size_t n;

	if (!cnt || !in->cfg->announce_backup_metric)
		return 0;
	ch = calloc(cnt, sizeof(*ch));
	if (!ch) {
		instance_log(in, LOG_WARNING, "netlink batch: out of memory; retried");
		in->stats.nl_errors++;
		return (int)cnt;
	}
	n = instance_export_put(in, true, instance_export_standby_wanted(in), ch, 0, &failed);
	failed += apply_logged(in, ch, n, "");
	free(ch);
	return failed;
}

/* Is r in l[0..n)? */
static bool has(const struct vipd_route *l, size_t n, const struct vipd_route *r)
{
	for (size_t i = 0; i < n; i++)
		if (route_equal(&l[i], r))
			return true;
	return false;
}

int instance_export_reload(struct instance *in, const struct vipd_instance_config *old)
{
	bool master = in->vips_held;
	bool old_sb = !master && in->fsm.state == VRRP_STATE_BACKUP && old->announce_backup_metric;
	bool new_sb = !master && instance_export_standby_wanted(in);
	size_t nold = 0, ncur = 0, n = 0;
	struct vipd_route *o, *c;
	struct nl_change *ch;
	int failed = 0;

	/* The set in the table: the master's while the VIPs are held, else the standby one. */
	if (!master && !old_sb && !new_sb)
		return 0;
	if (master || old_sb)
		nold = config_announce_count(old);
	if (master || new_sb)
		ncur = instance_export_count(in);
	o = calloc(nold + 1, sizeof(*o));
	c = calloc(ncur + 1, sizeof(*c));
	ch = calloc(nold + ncur + 1, sizeof(*ch));
	if (!o || !c || !ch) {
		free(o);
		free(c);
		free(ch);
		instance_log(in, LOG_WARNING, "netlink batch: out of memory; retried");
		in->stats.nl_errors++;
		return 1;
	}
	if (nold)
		config_announce_routes(old, !master, o);
	if (ncur)
		config_announce_routes(in->cfg, !master, c);
	/* What goes first, what stays untouched (no withdrawal of a route kept), what comes. */
	for (size_t i = 0; i < nold; i++)
		if (!has(c, ncur, &o[i]))
			n = put_list(in, &o[i], 1, false, ch, n, &failed);
	for (size_t i = 0; i < ncur; i++)
		if (!has(o, nold, &c[i]))
			n = put_list(in, &c[i], 1, true, ch, n, &failed);
	failed += apply_logged(in, ch, n, "reload: ");
	free(o);
	free(c);
	free(ch);
	return failed;
}

const char *instance_export_held(const struct instance *in)
{
	if (!in->cfg->announce_table)
		return NULL;
	if (in->vips_held)
		return "master";
	return instance_export_standby_wanted(in) ? "standby" : "none";
}
