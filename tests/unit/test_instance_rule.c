/* Unit tests for the virtual rules of an instance on the fake kernel: added in the VIPs' batch
 * after the routes on becoming Master, removed first on leaving it; EEXIST and ENOENT are
 * success, another error is retried; a killed run's rules are removed before the start; a
 * reload changes them by difference; the status lists them. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"
#include "vipd/instance_reconfig.h"

static struct vipd_route routes[1];
static struct vipd_rule rules[2];
static struct vipd_instance_config ncfg; /* a reload's config: outlives the instance */

/* The fixture's instance with one route and two rules (an IPv4 one, an IPv6 one). */
static void with_rules(void)
{
	routes[0] = route_of("198.19.0.0/24 via 198.18.0.254 table 100");
	rules[0] = rule_of("from 198.18.0.0/24 table 100 priority 100");
	rules[1] = rule_of("not to fd00:9::/64 iif eth0 fwmark 0x10/0xff table 100 priority 101");
	cfg.routes = routes;
	cfg.nroutes = 1;
	cfg.rules = rules;
	cfg.nrules = 2;
}

static void assert_rule(const struct io_call *c, size_t i, enum nl_change_op op,
                        const struct vipd_rule *r)
{
	assert_int_equal(c->op[i], op);
	assert_true(rule_equal(&c->rule[i], r));
}

/* Master: VIP, route, rules in one batch; Backup: rules, route, VIP in one batch. */
static void with_the_vips(void **state)
{
	size_t base;

	(void)state;
	with_rules();
	become_master();
	assert_int_equal(count_kind(IO_APPLY, 0), 1);
	assert_int_equal(fk.log[0].n, 4);
	assert_int_equal(fk.log[0].op[0], NL_ADDR_ADD);
	assert_int_equal(fk.log[0].op[1], NL_ROUTE_ADD);
	assert_rule(&fk.log[0], 2, NL_RULE_ADD, &rules[0]);
	assert_rule(&fk.log[0], 3, NL_RULE_ADD, &rules[1]);
	assert_int_equal(fk.log[0].rule[3].af, AF_INET6);
	assert_int_equal(inst.stats.nl_errors, 0);

	base = fk.n;
	rx(3, 200, &peer_hi);
	while (fk.log[base].kind != IO_APPLY)
		base++;
	assert_int_equal(fk.log[base].n, 4);
	assert_rule(&fk.log[base], 0, NL_RULE_DEL, &rules[0]);
	assert_rule(&fk.log[base], 1, NL_RULE_DEL, &rules[1]);
	assert_int_equal(fk.log[base].op[2], NL_ROUTE_DEL);
	assert_int_equal(fk.log[base].op[3], NL_ADDR_DEL);
}

/* EEXIST on add and ENOENT on delete reach the goal; EPERM is counted and retried. */
static void errors(void **state)
{
	(void)state;
	with_rules();
	fk.add_err[2] = -EEXIST;
	fk.add_err[3] = -EPERM;
	become_master();
	assert_int_equal(inst.stats.nl_errors, 1);
	assert_true(loop_timer_armed(&inst.retry_timer));
	fk.add_err[3] = 0;
	run_until(inst.retry_timer.deadline);
	assert_false(loop_timer_armed(&inst.retry_timer));
	assert_int_equal(inst.stats.nl_errors, 1);

	fk.del_err[0] = -ENOENT;
	instance_stop(&inst, now_ns);
	assert_int_equal(inst.stats.nl_errors, 1);
}

/* Before the start: one batch deleting every rule, then the routes; none for an owner. */
static void stale_removed_at_start(void **state)
{
	(void)state;
	with_rules();
	fk.del_err[0] = -ENOENT;
	instance_init(&inst, &cfg, &ifc, lp, &fake_io);
	instance_remove_stale_routes(&inst);
	assert_int_equal(fk.n, 1);
	assert_int_equal(fk.log[0].n, 3);
	assert_rule(&fk.log[0], 0, NL_RULE_DEL, &rules[0]);
	assert_rule(&fk.log[0], 1, NL_RULE_DEL, &rules[1]);
	assert_int_equal(fk.log[0].op[2], NL_ROUTE_DEL);
	cfg.priority = VRRP_PRIO_OWNER;
	instance_remove_stale_routes(&inst);
	assert_int_equal(fk.n, 1);
}

/* A Master's reload: the dropped rule is deleted, the new one added, the kept one untouched. */
static void reload_by_difference(void **state)
{
	static struct vipd_rule nw[2];
	const struct io_call *c;
	size_t from;

	(void)state;
	with_rules();
	nw[0] = rules[1];
	nw[1] = rule_of("from 198.18.0.0/24 table 100 priority 200");
	become_master();
	from = fk.n;
	ncfg = cfg;
	ncfg.rules = nw;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_int_equal(count_kind(IO_APPLY, from), 1);
	c = &fk.log[from];
	assert_int_equal(c->n, 2);
	assert_rule(c, 0, NL_RULE_DEL, &rules[0]);
	assert_rule(c, 1, NL_RULE_ADD, &nw[1]);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
}

/* The status object lists the rules as config_print writes them. */
static void status_lists_rules(void **state)
{
	struct json_object *a;

	(void)state;
	with_rules();
	start();
	st = instance_status(&inst, now_ns);
	assert_true(json_object_object_get_ex(st, "virtual_rules", &a));
	assert_int_equal(json_object_array_length(a), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 1)),
	                    "not to fd00:9::/64 iif eth0 fwmark 0x10/0xff table 100 priority 101");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(with_the_vips, setup, teardown),
	    cmocka_unit_test_setup_teardown(errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(stale_removed_at_start, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_by_difference, setup, teardown),
	    cmocka_unit_test_setup_teardown(status_lists_rules, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
