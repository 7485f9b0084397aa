/* Unit tests for the virtual routes of an instance: added with the VIPs in one netlink batch on
 * becoming Master (addresses first), removed in one batch on leaving it (routes first), on the
 * right interface; "already there" / "already gone" are success, anything else is retried.
 * Driven through the fake kernel of instance_fixture.h. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"

static struct vipd_route routes[3];

/* The fixture's instance (one VIP 198.18.0.100/24 on eth0, ifindex 2) with n routes: a gateway
 * route, a default route on lo, a connected host route. */
static void with_routes(size_t n)
{
	routes[0] = route_of("198.19.0.0/24 via 198.18.0.254");
	routes[1] = route_of("default via 198.18.0.253 dev lo metric 7 table 1000");
	routes[2] = route_of("198.19.1.1");
	cfg.routes = routes;
	cfg.nroutes = n;
}

/* Logged call i is one batch: the VIP then routes[0..nroutes) on add, the reverse on delete. */
static void assert_batch(size_t i, bool add)
{
	const struct io_call *c = &fk.log[i];
	size_t v = add ? 0 : cfg.nroutes, r0 = add ? cfg.nvips : 0;

	assert_true(i < fk.n);
	assert_int_equal(c->kind, IO_APPLY);
	assert_int_equal(c->n, cfg.nvips + cfg.nroutes);
	for (size_t k = 0; k < cfg.nvips; k++) {
		assert_int_equal(c->op[v + k], add ? NL_ADDR_ADD : NL_ADDR_DEL);
		assert_int_equal(c->ifindex[v + k], 2);
		assert_true(addr_equal(&c->addr[v + k], &vips[k]));
	}
	for (size_t k = 0; k < cfg.nroutes; k++) {
		const struct vipd_route *r = &routes[k];

		assert_int_equal(c->op[r0 + k], add ? NL_ROUTE_ADD : NL_ROUTE_DEL);
		assert_true(route_equal(&c->route[r0 + k], r));
		assert_int_equal(c->ifindex[r0 + k], r->type != ROUTE_UNICAST ? 0u
		                                     : r->dev[0] ? if_nametoindex(r->dev)
		                                                 : 2u);
	}
}

/* Master: one batch, VIP first; Backup again: one batch, routes first. */
static void added_and_removed_with_the_vips(void **state)
{
	size_t base;

	(void)state;
	with_routes(3);
	become_master();
	assert_int_equal(count_kind(IO_APPLY, 0), 1);
	assert_batch(0, true);
	assert_int_equal(inst.stats.nl_errors, 0);
	assert_false(loop_timer_armed(&inst.retry_timer));

	base = fk.n;
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
	assert_batch(base, false);
	assert_false(loop_timer_armed(&inst.retry_timer));
}

/* Shutdown of a Master: priority 0, then the routes and the VIP go in one batch. */
static void removed_on_stop(void **state)
{
	size_t base;

	(void)state;
	with_routes(2);
	become_master();
	base = fk.n;
	instance_stop(&inst, now_ns);
	assert_int_equal(fk.n, base + 2);
	assert_advert(base, 0);
	assert_batch(base + 1, false);
	assert_false(any_timer_armed());
}

/* EEXIST on add and ESRCH on delete reach the goal: not errors, nothing retried. */
static void eexist_and_esrch_are_success(void **state)
{
	(void)state;
	with_routes(2);
	fk.add_err[1] = -EEXIST;
	fk.add_err[2] = -EEXIST;
	become_master();
	assert_int_equal(inst.stats.nl_errors, 0);
	assert_false(loop_timer_armed(&inst.retry_timer));

	fk.del_err[0] = -ESRCH;
	fk.del_err[1] = -ESRCH;
	fk.del_err[2] = -EADDRNOTAVAIL;
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(inst.stats.nl_errors, 0);
	assert_false(loop_timer_armed(&inst.retry_timer));
}

/* A route the kernel refuses is counted and the batch retried until it goes in; a failed route
 * delete is retried too, so a Backup never keeps it. */
static void failures_retried(void **state)
{
	size_t base;

	(void)state;
	with_routes(1);
	fk.add_err[1] = -ENETUNREACH;
	become_master();
	assert_int_equal(inst.stats.nl_errors, 1);
	assert_true(loop_timer_armed(&inst.retry_timer));
	fk.add_err[1] = 0;
	base = fk.n;
	run_until(inst.retry_timer.deadline);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
	while (fk.log[base].kind != IO_APPLY)
		base++;
	assert_batch(base, true);
	assert_false(loop_timer_armed(&inst.retry_timer));
	assert_int_equal(inst.stats.nl_errors, 1);

	fk.del_err[0] = -EBUSY;
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.stats.nl_errors, 2);
	assert_true(loop_timer_armed(&inst.retry_timer));
	fk.del_err[0] = 0;
	base = fk.n;
	/* The other master keeps advertising while the retry waits. */
	for (int i = 0; i < 10 && loop_timer_armed(&inst.retry_timer); i++) {
		run_until(now_ns + IV);
		rx(3, 200, &peer_hi);
	}
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
	while (fk.log[base].kind != IO_APPLY)
		base++;
	assert_batch(base, false);
	assert_false(loop_timer_armed(&inst.retry_timer));
	assert_int_equal(inst.stats.nl_errors, 2);
}

/* A dev that does not exist: left out of the batch; a failure (retried) on add, nothing to do
 * on delete. */
static void missing_dev(void **state)
{
	size_t base;

	(void)state;
	with_routes(1);
	routes[1] = route_of("198.19.2.0/24 dev vipd-nosuch0");
	cfg.nroutes = 2;
	become_master();
	assert_int_equal(fk.log[0].kind, IO_APPLY);
	assert_int_equal(fk.log[0].n, 2);
	assert_int_equal(fk.log[0].op[1], NL_ROUTE_ADD);
	assert_true(route_equal(&fk.log[0].route[1], &routes[0]));
	assert_int_equal(inst.stats.nl_errors, 1);
	assert_true(loop_timer_armed(&inst.retry_timer));

	base = fk.n;
	rx(3, 200, &peer_hi);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
	while (fk.log[base].kind != IO_APPLY)
		base++;
	assert_int_equal(fk.log[base].n, 2);
	assert_int_equal(fk.log[base].op[0], NL_ROUTE_DEL);
	assert_int_equal(fk.log[base].op[1], NL_ADDR_DEL);
	assert_false(loop_timer_armed(&inst.retry_timer));
}

/* With the interface gone, a Master's delete still removes routes on other interfaces. */
static void interface_gone(void **state)
{
	size_t base;

	(void)state;
	with_routes(2);
	become_master();
	ifc.ifindex = 0;
	ifc.running = false;
	base = fk.n;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
	while (fk.log[base].kind != IO_APPLY)
		base++;
	/* Only the route on lo: eth0's addresses and routes went with it. */
	assert_int_equal(fk.log[base].n, 1);
	assert_int_equal(fk.log[base].op[0], NL_ROUTE_DEL);
	assert_true(route_equal(&fk.log[base].route[0], &routes[1]));
	assert_false(loop_timer_armed(&inst.retry_timer));
}

/* A route without a next hop (blackhole) goes with no interface, an IPv6 route rides in the
 * IPv4 instance's batch, the attributes reach the kernel's change as parsed; with eth0 gone
 * the delete still names the blackhole route (it was on no interface). */
static void types_attributes_and_families(void **state)
{
	size_t base;

	(void)state;
	routes[0] = route_of("blackhole 198.19.0.0/24 metric 5");
	routes[1] = route_of("fd00:9::/64 via fe80::1 src fd00::100 proto static");
	routes[2] = route_of("198.19.1.0/24 via 198.18.0.254 src 198.18.0.100 scope 0 onlink");
	cfg.routes = routes;
	cfg.nroutes = 3;
	become_master();
	assert_int_equal(count_kind(IO_APPLY, 0), 1);
	assert_batch(0, true);
	assert_int_equal(fk.log[0].ifindex[1], 0);
	assert_int_equal(fk.log[0].route[2].dst.af, AF_INET6);
	assert_int_equal(fk.log[0].route[2].proto, 4);
	assert_true(fk.log[0].route[3].onlink && fk.log[0].route[3].has_src);
	assert_int_equal(inst.stats.nl_errors, 0);

	ifc.ifindex = 0;
	ifc.running = false;
	base = fk.n;
	instance_iface_changed(&inst, now_ns);
	while (fk.log[base].kind != IO_APPLY)
		base++;
	assert_int_equal(fk.log[base].n, 1);
	assert_int_equal(fk.log[base].op[0], NL_ROUTE_DEL);
	assert_true(route_equal(&fk.log[base].route[0], &routes[0]));
}

/* A multipath route: no interface of its own, one per nexthop (its dev, else the VIPs'); a
 * nexthop on a missing dev keeps the route out of the batch and counts a failure. */
static void multipath(void **state)
{
	(void)state;
	routes[0] = route_of("198.19.5.0/24 nexthop via 198.18.0.254 nexthop via 198.18.0.253 dev "
	                     "lo weight 3");
	routes[1] = route_of("198.19.6.0/24 nexthop via 198.18.0.254 dev vipd-nosuch0");
	cfg.routes = routes;
	cfg.nroutes = 2;
	become_master();
	assert_int_equal(fk.log[0].n, 2);
	assert_int_equal(fk.log[0].op[1], NL_ROUTE_ADD);
	assert_true(route_equal(&fk.log[0].route[1], &routes[0]));
	assert_int_equal(fk.log[0].ifindex[1], 0);
	assert_int_equal(fk.log[0].nh_ifindex[1][0], 2);
	assert_int_equal(fk.log[0].nh_ifindex[1][1], if_nametoindex("lo"));
	assert_int_equal(inst.stats.nl_errors, 1);
	assert_true(loop_timer_armed(&inst.retry_timer));
}

/* Before the start: one delete batch of every route on an existing interface (ESRCH is fine);
 * nothing for an owner or an instance without routes. */
static void stale_routes_removed_at_start(void **state)
{
	(void)state;
	with_routes(3);
	routes[2] = route_of("198.19.2.0/24 dev vipd-nosuch0");
	fk.del_err[0] = -ESRCH;
	instance_init(&inst, &cfg, &ifc, lp, &fake_io);
	instance_remove_stale_routes(&inst);
	assert_int_equal(fk.n, 1);
	assert_int_equal(fk.log[0].kind, IO_APPLY);
	assert_int_equal(fk.log[0].n, 2);
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(fk.log[0].op[k], NL_ROUTE_DEL);
		assert_true(route_equal(&fk.log[0].route[k], &routes[k]));
	}
	assert_int_equal(inst.fsm.state, VRRP_STATE_INIT);
	assert_int_equal(inst.stats.nl_errors, 0);

	cfg.priority = VRRP_PRIO_OWNER;
	instance_remove_stale_routes(&inst);
	cfg.priority = 150;
	cfg.nroutes = 0;
	instance_remove_stale_routes(&inst);
	assert_int_equal(fk.n, 1);
}

/* The status object lists the routes as config_print writes them. */
static void status_lists_routes(void **state)
{
	struct json_object *a;

	(void)state;
	with_routes(2);
	start();
	st = instance_status(&inst, now_ns);
	assert_true(json_object_object_get_ex(st, "virtual_routes", &a));
	assert_int_equal(json_object_array_length(a), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 0)),
	                    "198.19.0.0/24 via 198.18.0.254");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 1)),
	                    "0.0.0.0/0 via 198.18.0.253 dev lo metric 7 table 1000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(added_and_removed_with_the_vips, setup, teardown),
	    cmocka_unit_test_setup_teardown(removed_on_stop, setup, teardown),
	    cmocka_unit_test_setup_teardown(eexist_and_esrch_are_success, setup, teardown),
	    cmocka_unit_test_setup_teardown(failures_retried, setup, teardown),
	    cmocka_unit_test_setup_teardown(missing_dev, setup, teardown),
	    cmocka_unit_test_setup_teardown(interface_gone, setup, teardown),
	    cmocka_unit_test_setup_teardown(types_attributes_and_families, setup, teardown),
	    cmocka_unit_test_setup_teardown(multipath, setup, teardown),
	    cmocka_unit_test_setup_teardown(stale_routes_removed_at_start, setup, teardown),
	    cmocka_unit_test_setup_teardown(status_lists_routes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
