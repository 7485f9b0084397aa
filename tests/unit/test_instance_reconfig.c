/* Unit tests for instance_reconfig_apply (reload in place), driven through the fake kernel and
 * fake clock of instance_fixture.h: what a running instance does on the wire and in netlink when
 * its config changes under it. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"
#include "vipd/instance_reconfig.h"

/* The config the instance is switched to (it must outlive the instance, as in the daemon). */
static struct vipd_instance_config ncfg;
static struct vip_addr nvips[MAXV];

static void new_config(void)
{
	ncfg = cfg;
	memcpy(nvips, vips, sizeof(nvips));
	ncfg.vips = nvips;
}

static uint64_t transitions(void)
{
	uint64_t n = 0;

	for (int s = 0; s < VRRP_STATE__COUNT; s++)
		n += inst.stats.transitions[s];
	return n;
}

/* The advert at log index i, decoded. */
static struct vrrp_adv advert_at(size_t i)
{
	struct vrrp_adv adv;
	enum vrrp_csum_form form;

	assert_int_equal(decode(i, &adv, &form), VRRP_RX_OK);
	return adv;
}

/* Master, priority 150 -> 200: one advert at once with 200, no netlink call, no state change;
 * the next advert one interval later (the timer restarts from the reload). */
static void master_priority_in_place(void **state)
{
	monotime t, before;
	size_t from;

	(void)state;
	become_master();
	run_until(now_ns + 3 * IV + IV / 2);
	before = transitions();
	from = fk.n;
	t = now_ns;
	new_config();
	ncfg.priority = 200;
	instance_reconfig_apply(&inst, &ncfg, t);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(transitions(), before);
	assert_int_equal(fk.n, from + 1);
	assert_int_equal(advert_at(from).priority, 200);
	assert_int_equal(fk.log[from].at, t);
	assert_int_equal(count_kind(IO_APPLY, from), 0);
	assert_int_equal(inst.fsm.priority, 200);
	run_until(advert_due(t, IV));
	assert_int_equal(fk.n, from + 2);
	assert_int_equal(fk.log[from + 1].at, advert_due(t, IV));
	assert_int_equal(advert_at(from + 1).priority, 200);
	assert_true(inst.vips_held);
}

/* Master with .100: the new config lists .100 and .102. One batch adds .102 only (.100 is never
 * deleted), the advert lists both, both are announced; no state change. */
static void master_vip_added(void **state)
{
	size_t from;
	const struct io_call *c;
	struct vrrp_adv adv;

	(void)state;
	become_master();
	run_until(now_ns + 6 * MT_SEC); /* past both bursts */
	from = fk.n;
	new_config();
	nvips[1] = pfx("198.18.0.102/24");
	ncfg.nvips = 2;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(count_kind(IO_APPLY, from), 1);
	c = &fk.log[from];
	assert_int_equal(c->kind, IO_APPLY);
	assert_int_equal(c->n, 1);
	assert_int_equal(c->op[0], NL_ADDR_ADD);
	assert_true(addr_equal(&c->addr[0], &nvips[1]));
	assert_int_equal(c->ifindex[0], 2);
	adv = advert_at(from + 1);
	assert_int_equal(adv.naddr, 2);
	assert_true(vrrp_pkt_addrs_match(&adv, (union vip_in[]){nvips[0].in, nvips[1].in}, 2));
	assert_int_equal(count_kind(IO_ANNOUNCE, from), 2);
	assert_int_equal(inst.stats.transitions[VRRP_STATE_MASTER], 1);
}

/* Master with .100 and .101: the new config keeps .101 only. One batch deletes .100; .101 is
 * not touched; still Master, no priority 0. */
static void master_vip_removed(void **state)
{
	size_t from;
	const struct io_call *c;

	(void)state;
	cfg.nvips = 2;
	become_master();
	from = fk.n;
	new_config();
	nvips[0] = vips[1];
	ncfg.nvips = 1;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	c = &fk.log[from];
	assert_int_equal(c->kind, IO_APPLY);
	assert_int_equal(c->n, 1);
	assert_int_equal(c->op[0], NL_ADDR_DEL);
	assert_true(addr_equal(&c->addr[0], &vips[0]));
	assert_int_equal(advert_at(from + 1).priority, 150);
	assert_int_equal(advert_at(from + 1).naddr, 1);
	assert_int_equal(inst.stats.prio0_sent, 0);
	/* The removed address leaving the interface is not put back. */
	instance_addr_deleted(&inst, &vips[0], now_ns);
	assert_int_equal(inst.stats.vip_restored, 0);
}

/* Master with routes old[0..nold): reload to new[0..nnew). Returns the one batch it sent. */
static const struct io_call *reload_routes(struct vipd_route *old, size_t nold,
                                           struct vipd_route *nw, size_t nnew)
{
	size_t from;

	cfg.routes = old;
	cfg.nroutes = nold;
	become_master();
	from = fk.n;
	new_config();
	ncfg.routes = nw;
	ncfg.nroutes = nnew;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_int_equal(count_kind(IO_APPLY, from), 1);
	return &fk.log[from];
}

/* Master with routes A and B: the new config has B and C. One batch deletes A and adds C; B and
 * the VIP are not touched. */
static void master_routes_by_difference(void **state)
{
	static struct vipd_route oldr[2], newr[2];
	const struct io_call *c;

	(void)state;
	oldr[0] = route_of("198.19.0.0/24 via 198.18.0.254");
	oldr[1] = route_of("198.19.1.1");
	newr[1] = route_of("198.19.2.0/24 via 198.18.0.254");
	newr[0] = oldr[1];
	c = reload_routes(oldr, 2, newr, 2);
	assert_int_equal(c->n, 2);
	assert_int_equal(c->op[0], NL_ROUTE_DEL);
	assert_true(route_equal(&c->route[0], &oldr[0]));
	assert_int_equal(c->op[1], NL_ROUTE_ADD);
	assert_true(route_equal(&c->route[1], &newr[1]));
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_false(loop_timer_armed(&inst.retry_timer));
}

/* Master: a route whose attributes change (src added) is deleted and added again in one batch;
 * a new blackhole route is added without an interface, an unchanged IPv6 route is kept. */
static void master_route_attributes(void **state)
{
	static struct vipd_route oldr[2], newr[3];
	const struct io_call *c;

	(void)state;
	oldr[0] = route_of("198.19.0.0/24 via 198.18.0.254");
	oldr[1] = route_of("fd00:9::/64 via fe80::1");
	newr[0] = route_of("198.19.0.0/24 via 198.18.0.254 src 198.18.0.100");
	newr[1] = oldr[1];
	newr[2] = route_of("blackhole 198.19.5.0/24");
	c = reload_routes(oldr, 2, newr, 3);
	assert_int_equal(c->n, 3);
	assert_int_equal(c->op[0], NL_ROUTE_DEL);
	assert_true(route_equal(&c->route[0], &oldr[0]));
	assert_int_equal(c->op[1], NL_ROUTE_ADD);
	assert_true(route_equal(&c->route[1], &newr[0]));
	assert_int_equal(c->op[2], NL_ROUTE_ADD);
	assert_true(route_equal(&c->route[2], &newr[2]));
	assert_int_equal(c->ifindex[2], 0);
	assert_false(loop_timer_armed(&inst.retry_timer));
}

/* Master, interval 50 ms -> 100 ms: the advert now carries 10 cs and the next one comes 100 ms
 * later. */
static void master_interval_change(void **state)
{
	size_t from;
	monotime t;

	(void)state;
	become_master();
	run_until(now_ns + IV / 3);
	from = fk.n;
	t = now_ns;
	new_config();
	ncfg.adver_int_cs = 10;
	instance_reconfig_apply(&inst, &ncfg, t);
	assert_int_equal(advert_at(from).interval, 10);
	/* the new interval's grid: the slot of VRID 51 among 64 in 100 ms */
	assert_int_equal(inst.fsm_timer.deadline, advert_due(t, 2 * IV));
	run_until(advert_due(t, 2 * IV) - 1);
	assert_int_equal(count_kind(IO_SEND, from), 1);
	run_until(advert_due(t, 2 * IV));
	assert_int_equal(count_kind(IO_SEND, from), 2);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
}

/* Backup hearing a master: a priority change sends nothing, touches no address and leaves the
 * Master_Down_Timer where it was. */
static void backup_priority_silent(void **state)
{
	monotime deadline;
	size_t from;

	(void)state;
	start();
	rx(3, 200, &peer_hi);
	deadline = inst.fsm_timer.deadline;
	from = fk.n;
	new_config();
	ncfg.priority = 120;
	ncfg.preempt = false;
	instance_reconfig_apply(&inst, &ncfg, now_ns + MT_MSEC);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(fk.n, from);
	assert_int_equal(inst.fsm_timer.deadline, deadline);
	assert_int_equal(inst.fsm.priority, 120);
	assert_int_equal(inst.stats.transitions[VRRP_STATE_BACKUP], 1);
}

/* A Backup made the address owner (255) takes over at once. */
static void backup_made_owner_takes_over(void **state)
{
	size_t from;

	(void)state;
	start();
	rx(3, 200, &peer_hi);
	from = fk.n;
	new_config();
	ncfg.priority = 255;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(inst.fsm.cause, VRRP_CAUSE_OWNER);
	assert_apply(from, NL_ADDR_ADD);
	assert_int_equal(advert_at(first_kind(IO_SEND, from)).priority, 255);
}

/* A tracking offset carries over: configured 150 with -20 runs at 130; configured 160 then runs
 * at 140 (one advert, not two). */
static void tracking_offset_kept(void **state)
{
	size_t from;

	(void)state;
	become_master();
	instance_set_tracking(&inst, -20, false, "check x down", now_ns);
	assert_int_equal(inst.fsm.priority, 130);
	from = fk.n;
	new_config();
	ncfg.priority = 160;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_int_equal(inst.fsm.priority, 140);
	assert_int_equal(count_kind(IO_SEND, from), 1);
	assert_int_equal(advert_at(from).priority, 140);
}

/* garp_refresh turned on while Master: a refresh burst comes one period after the last burst. */
static void garp_refresh_turned_on(void **state)
{
	monotime last, times[16];
	size_t from;

	(void)state;
	become_master();
	run_until(now_ns + 6 * MT_SEC); /* both bursts are over, no refresh */
	assert_false(loop_timer_armed(&inst.garp_timer));
	last = inst.garp_burst_start;
	from = fk.n;
	new_config();
	ncfg.garp_refresh = 10 * MT_SEC;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_true(loop_timer_armed(&inst.garp_timer));
	run_until(last + 10 * MT_SEC + MT_SEC);
	assert_int_equal(announce_times(&vips[0], from, times, 16), cfg.garp_repeat);
	assert_int_equal(times[0], last + 10 * MT_SEC);
}

/* What restarts and what does not; the diff names what changed. */
static void restart_rules_and_diff(void **state)
{
	char buf[256];

	(void)state;
	start();
	new_config();
	assert_false(instance_reconfig_restarts(&inst, &ncfg));
	assert_string_equal(instance_reconfig_diff(&cfg, &ncfg, buf, sizeof(buf)), "");
	ncfg.priority = 1;
	ncfg.garp_repeat = 2;
	assert_false(instance_reconfig_restarts(&inst, &ncfg));
	assert_string_equal(instance_reconfig_diff(&cfg, &ncfg, buf, sizeof(buf)),
	                    "priority, garp");
	new_config();
	/* The notify scripts change in place: the next event runs the new ones. */
	ncfg.notify_master = (char *)"/m.sh";
	ncfg.notify_args = VIPD_NOTIFY_ARGS_KEEPALIVED;
	assert_false(instance_reconfig_restarts(&inst, &ncfg));
	assert_string_equal(instance_reconfig_diff(&cfg, &ncfg, buf, sizeof(buf)), "notify");
	new_config();
	ncfg.vrid = 52;
	assert_true(instance_reconfig_restarts(&inst, &ncfg));
	new_config();
	strcpy(ncfg.interface, "eth1");
	assert_true(instance_reconfig_restarts(&inst, &ncfg));
	new_config();
	ncfg.vmac = true;
	assert_true(instance_reconfig_restarts(&inst, &ncfg));
	/* A renamed VMAC is a new interface: deleted and created by the restart. */
	cfg.vmac = true;
	strcpy(cfg.vmac_name, "vrrp.51");
	new_config();
	strcpy(ncfg.vmac_name, "vrrp.eth0.51");
	assert_true(instance_reconfig_restarts(&inst, &ncfg));
	assert_string_equal(instance_reconfig_diff(&cfg, &ncfg, buf, sizeof(buf)), "vmac");
	/* vmac_xmit_base only picks the socket of the next advert: in place. */
	new_config();
	ncfg.vmac_xmit_base = true;
	assert_false(instance_reconfig_restarts(&inst, &ncfg));
	assert_string_equal(instance_reconfig_diff(&cfg, &ncfg, buf, sizeof(buf)),
	                    "vmac_xmit_base");
	cfg.vmac = false;
	cfg.vmac_name[0] = '\0';
	new_config();
	ncfg.af = AF_INET6;
	assert_true(instance_reconfig_restarts(&inst, &ncfg));
	new_config();
	ncfg.auth_ah = true; /* another socket, a new sequence counter */
	assert_true(instance_reconfig_restarts(&inst, &ncfg));
	assert_string_equal(instance_reconfig_diff(&cfg, &ncfg, buf, sizeof(buf)),
	                    "unicast/multicast/auth");
}

/* A master moved to another mcast_group in place: no state change, and its adverts go to the
 * new group from the next one on; the reload log names the change. */
static void master_mcast_group_in_place(void **state)
{
	union vip_in custom = pfx("239.0.0.18").in;
	char buf[256];
	size_t from;

	(void)state;
	become_master();
	new_config();
	ncfg.mcast_group = custom;
	ncfg.has_mcast_group = true;
	assert_false(instance_reconfig_restarts(&inst, &ncfg));
	assert_string_equal(instance_reconfig_diff(&cfg, &ncfg, buf, sizeof(buf)),
	                    "unicast/multicast/auth");
	from = fk.n;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	run_until(now_ns + 2 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_true(count_kind(IO_SEND, from) > 0);
	for (size_t i = from; i < fk.n; i++)
		if (fk.log[i].kind == IO_SEND)
			assert_int_equal(fk.log[i].dst.v4.s_addr, custom.v4.s_addr);
}

/* Demoted: a new priority is the one promote restores; meanwhile it stays 1 and nothing is
 * sent. Made the owner, a demoted instance restarts (an owner is never demoted). */
static void demoted_keeps_priority_one(void **state)
{
	const char *why = NULL;
	size_t from;

	(void)state;
	start();
	rx(3, 200, &peer_hi);
	assert_int_equal(instance_admin_demote(&inst, now_ns, &why), 0);
	assert_int_equal(inst.fsm.priority, 1);
	from = fk.n;
	new_config();
	ncfg.priority = 170;
	assert_false(instance_reconfig_restarts(&inst, &ncfg));
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_true(inst.demoted);
	assert_int_equal(inst.fsm.priority, 1);
	assert_int_equal(fk.n, from);
	assert_int_equal(instance_admin_promote(&inst, now_ns, &why), 0);
	assert_int_equal(inst.fsm.priority, 170);
	assert_int_equal(instance_admin_demote(&inst, now_ns, &why), 0);
	ncfg.priority = 255;
	assert_true(instance_reconfig_restarts(&inst, &ncfg));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(master_priority_in_place),    T(master_vip_added),
	    T(master_vip_removed),          T(master_interval_change),
	    T(backup_priority_silent),      T(backup_made_owner_takes_over),
	    T(tracking_offset_kept),        T(garp_refresh_turned_on),
	    T(restart_rules_and_diff),      T(demoted_keeps_priority_one),
	    T(master_mcast_group_in_place), T(master_routes_by_difference),
	    T(master_route_attributes),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
