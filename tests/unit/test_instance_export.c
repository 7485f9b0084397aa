/* Unit tests for announce_table and announce_backup_metric on the fake kernel: the master's host
 * route goes into the table in the batch that adds the VIP and leaves in the batch that removes
 * it; a backup holds the standby route (the backup metric), withdrawn on FAULT and at the stop,
 * replaced by the master's in the same batch; the crash cleanup, a reload and the status. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"
#include "vipd/instance_int.h"
#include "vipd/instance_reconfig.h"

/* Change k of logged batch i is a route op of the VIP's host route in table, with metric. */
static void assert_route(size_t i, size_t k, enum nl_change_op op, uint32_t table, uint32_t metric)
{
	const struct io_call *c = &fk.log[i];

	assert_int_equal(c->kind, IO_APPLY);
	assert_true(k < c->n);
	assert_int_equal(c->op[k], op);
	assert_true(addr_equal(&c->route[k].dst, &vips[0]));
	assert_int_equal(c->route[k].dst.plen, 32);
	assert_int_equal(c->route[k].table, table);
	assert_int_equal(c->route[k].metric, metric);
	assert_int_equal(c->route[k].proto, 0); /* vipd's own, 112 */
	assert_int_equal(c->ifindex[k], 2);
}

/* The index of the first IO_APPLY at or after from. */
static size_t next_apply(size_t from)
{
	while (from < fk.n && fk.log[from].kind != IO_APPLY)
		from++;
	assert_true(from < fk.n);
	return from;
}

/* Without a standby path: the route comes and goes with the VIP, in its batch. */
static void master_only(void **state)
{
	size_t b;

	(void)state;
	cfg.announce_table = 100;
	start();
	assert_int_equal(count_kind(IO_APPLY, 0), 0); /* a backup announces nothing */
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	b = next_apply(0);
	assert_int_equal(fk.log[b].n, 2);
	assert_int_equal(fk.log[b].op[0], NL_ADDR_ADD);
	assert_route(b, 1, NL_ROUTE_ADD, 100, 0);
	assert_string_equal(instance_export_held(&inst), "master");

	b = fk.n;
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(count_kind(IO_APPLY, b), 1);
	b = next_apply(b);
	assert_int_equal(fk.log[b].n, 2);
	assert_route(b, 0, NL_ROUTE_DEL, 100, 0); /* withdrawn before the address goes */
	assert_int_equal(fk.log[b].op[1], NL_ADDR_DEL);
	assert_string_equal(instance_export_held(&inst), "none");
	assert_int_equal(inst.stats.nl_errors, 0);
}

/* With announce_backup_metric: BACKUP holds the standby route; MASTER swaps it for its own in
 * the batch of the address, and back; the stop withdraws it. */
static void standby_path(void **state)
{
	size_t b;

	(void)state;
	cfg.announce_table = 100;
	cfg.announce_backup_metric = 50;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	b = next_apply(0);
	assert_int_equal(fk.log[b].n, 1);
	assert_route(b, 0, NL_ROUTE_ADD, 100, 50);
	assert_string_equal(instance_export_held(&inst), "standby");

	b = fk.n;
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	b = next_apply(b);
	assert_int_equal(fk.log[b].n, 3);
	assert_int_equal(fk.log[b].op[0], NL_ADDR_ADD);
	/* the standby route goes first: FRR's zebra keeps one route per prefix of a table */
	assert_route(b, 1, NL_ROUTE_DEL, 100, 50);
	assert_route(b, 2, NL_ROUTE_ADD, 100, 0);

	b = fk.n;
	rx(3, 200, &peer_hi);
	assert_int_equal(count_kind(IO_APPLY, b), 1);
	b = next_apply(b);
	assert_int_equal(fk.log[b].n, 3);
	assert_route(b, 0, NL_ROUTE_DEL, 100, 0);
	assert_route(b, 1, NL_ROUTE_ADD, 100, 50);
	assert_int_equal(fk.log[b].op[2], NL_ADDR_DEL);

	b = fk.n;
	instance_stop(&inst, now_ns);
	assert_int_equal(count_kind(IO_APPLY, b), 1);
	b = next_apply(b);
	assert_int_equal(fk.log[b].n, 1);
	assert_route(b, 0, NL_ROUTE_DEL, 100, 50);
	assert_int_equal(inst.stats.nl_errors, 0);
}

/* FAULT from BACKUP withdraws the standby route; back to BACKUP puts it back. From MASTER, the
 * batch that removes the VIP withdraws both. */
static void fault_withdraws(void **state)
{
	size_t b;

	(void)state;
	cfg.announce_table = 100;
	cfg.announce_backup_metric = 50;
	start();
	b = fk.n;
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	b = next_apply(b);
	assert_int_equal(fk.log[b].n, 1);
	assert_route(b, 0, NL_ROUTE_DEL, 100, 50);
	assert_string_equal(instance_export_held(&inst), "none");

	b = fk.n;
	ifc.running = true;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	b = next_apply(b);
	assert_route(b, 0, NL_ROUTE_ADD, 100, 50);

	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	b = fk.n;
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	b = next_apply(b);
	assert_int_equal(fk.log[b].n, 3);
	assert_route(b, 0, NL_ROUTE_DEL, 100, 0);
	assert_route(b, 1, NL_ROUTE_DEL, 100, 50);
	assert_int_equal(fk.log[b].op[2], NL_ADDR_DEL);
}

/* A demoted master hands over: BACKUP while it still holds the VIP, it adds no standby route
 * beside its own (FRR's zebra keeps one route per prefix of a table); the batch that releases
 * the VIP swaps them. */
static void handover_swaps_in_one_batch(void **state)
{
	const char *why = NULL;
	size_t b;

	(void)state;
	cfg.announce_table = 100;
	cfg.announce_backup_metric = 50;
	become_master();
	run_until(now_ns + 210 * MT_MSEC);
	b = fk.n;
	assert_int_equal(instance_admin_demote(&inst, now_ns, &why), 0);
	now_ns += 30 * MT_MSEC;
	rx(3, 120, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_true(inst.vips_held);
	/* at most a delete of the standby route (not there: done), never an add */
	for (size_t i = b; i < fk.n; i++)
		if (fk.log[i].kind == IO_APPLY)
			for (size_t k = 0; k < fk.log[i].n; k++)
				assert_int_equal(fk.log[i].op[k], NL_ROUTE_DEL);
	assert_string_equal(instance_export_held(&inst), "master");
	b = fk.n;
	for (int k = 0; k < 4; k++) {
		run_until(now_ns + IV);
		rx(3, 120, &peer_hi);
	}
	assert_false(inst.vips_held);
	assert_int_equal(count_kind(IO_APPLY, b), 1);
	b = next_apply(b);
	assert_int_equal(fk.log[b].n, 3);
	assert_route(b, 0, NL_ROUTE_DEL, 100, 0);
	assert_route(b, 1, NL_ROUTE_ADD, 100, 50);
	assert_int_equal(fk.log[b].op[2], NL_ADDR_DEL);
	assert_string_equal(instance_export_held(&inst), "standby");
}

/* A standby route the kernel refuses is counted and retried until it is in. */
static void standby_retried(void **state)
{
	size_t b;

	(void)state;
	cfg.announce_table = 100;
	cfg.announce_backup_metric = 50;
	fk.apply_fail = true;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_true(inst.stats.nl_errors > 0);
	assert_true(loop_timer_armed(&inst.retry_timer));
	fk.apply_fail = false;
	b = fk.n;
	/* A master heard every interval keeps it BACKUP past the retry (NL_RETRY, 200 ms). */
	for (int k = 0; k < 5; k++) {
		rx(3, 200, &peer_hi);
		run_until(now_ns + IV);
	}
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	/* The retry makes everything match BACKUP: the master's route and the VIP absent. */
	b = next_apply(b);
	assert_int_equal(fk.log[b].n, 3);
	assert_route(b, 0, NL_ROUTE_DEL, 100, 0);
	assert_route(b, 1, NL_ROUTE_ADD, 100, 50);
	assert_false(loop_timer_armed(&inst.retry_timer));
}

/* Before the start, a killed run's routes of both sets are deleted. */
static void stale_removed(void **state)
{
	(void)state;
	cfg.announce_table = 100;
	cfg.announce_backup_metric = 50;
	instance_init(&inst, &cfg, &ifc, lp, &fake_io);
	instance_remove_stale_routes(&inst);
	assert_int_equal(fk.n, 1);
	assert_int_equal(fk.log[0].n, 2);
	assert_route(0, 0, NL_ROUTE_DEL, 100, 0);
	assert_route(0, 1, NL_ROUTE_DEL, 100, 50);
}

/* A reload moving the table: the master's route leaves the old table and enters the new one in
 * one batch; an unchanged one is not touched. */
static void reload_moves(void **state)
{
	static struct vipd_instance_config ncfg;
	size_t b;

	(void)state;
	cfg.announce_table = 100;
	become_master();
	ncfg = cfg;
	b = fk.n;
	instance_reconfig_apply(&inst, &cfg, now_ns);
	assert_int_equal(count_kind(IO_APPLY, b), 0);
	ncfg.announce_table = 200;
	b = fk.n;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(count_kind(IO_APPLY, b), 1);
	b = next_apply(b);
	assert_int_equal(fk.log[b].n, 2);
	assert_route(b, 0, NL_ROUTE_DEL, 100, 0);
	assert_route(b, 1, NL_ROUTE_ADD, 200, 0);
}

/* vipctl status: the table, the backup metric and which set is in the table. */
static void status_shows(void **state)
{
	struct json_object *a, *v;

	(void)state;
	cfg.announce_table = 100;
	cfg.announce_backup_metric = 50;
	start();
	st = instance_status(&inst, now_ns);
	assert_true(json_object_object_get_ex(st, "announce", &a));
	assert_true(json_object_object_get_ex(a, "table", &v));
	assert_int_equal(json_object_get_int64(v), 100);
	assert_true(json_object_object_get_ex(a, "backup_metric", &v));
	assert_int_equal(json_object_get_int64(v), 50);
	assert_true(json_object_object_get_ex(a, "announced", &v));
	assert_string_equal(json_object_get_string(v), "standby");
}

/* Without announce_table nothing changes: no route, no status member. */
static void off_by_default(void **state)
{
	struct json_object *a;

	(void)state;
	become_master();
	assert_int_equal(fk.log[next_apply(0)].n, 1);
	st = instance_status(&inst, now_ns);
	assert_false(json_object_object_get_ex(st, "announce", &a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(master_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(standby_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(fault_withdraws, setup, teardown),
	    cmocka_unit_test_setup_teardown(standby_retried, setup, teardown),
	    cmocka_unit_test_setup_teardown(handover_swaps_in_one_batch, setup, teardown),
	    cmocka_unit_test_setup_teardown(stale_removed, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_moves, setup, teardown),
	    cmocka_unit_test_setup_teardown(status_shows, setup, teardown),
	    cmocka_unit_test_setup_teardown(off_by_default, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
