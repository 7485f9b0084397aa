/* Unit tests for accept = false (Accept_Mode, RFC 9568 6.4.3) on the fake kernel: the instance
 * asks for the drop of its VIPs before adding them and clears it after removing them, never as
 * a backup, an address owner or with accept = true; a refused table keeps the VIPs off and is
 * retried; a reload covers old and new VIPs while it changes them. */
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

static int setup_strict(void **state)
{
	setup(state);
	cfg.accept = false;
	cfg.nvips = 2;
	return 0;
}

/* Index of the first call of kind at or after from, or fk.n. */
static size_t first(enum io_kind kind, size_t from)
{
	while (from < fk.n && fk.log[from].kind != kind)
		from++;
	return from;
}

/* Logged call i rebuilt the table with inst's drop list holding the n addresses of want. */
static void assert_drop(size_t i, const struct vip_addr *want, size_t n)
{
	assert_true(i < fk.n);
	assert_int_equal(fk.log[i].kind, IO_DROP);
	assert_int_equal(fk.log[i].n, n);
	for (size_t k = 0; k < n; k++)
		assert_true(addr_equal(&fk.log[i].addr[k], &want[k]));
}

/* Master: drop first, then the addresses; back to backup: the addresses go, then the drop. */
static void test_drop_around_the_vips(void **state)
{
	size_t d, a, mark;

	(void)state;
	start();
	assert_int_equal(count_kind(IO_DROP, 0), 0); /* a backup accepts nothing: no VIPs */
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	d = first(IO_DROP, 0);
	a = first(IO_APPLY, 0);
	assert_drop(d, vips, 2);
	assert_true(d < a);
	assert_apply(a, NL_ADDR_ADD);
	assert_int_equal(count_kind(IO_DROP, 0), 1);
	/* The announcements and adverts of a running master ask nothing more. */
	run_until(now_ns + 10 * IV);
	assert_int_equal(count_kind(IO_DROP, 0), 1);

	mark = fk.n;
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	a = first(IO_APPLY, mark);
	d = first(IO_DROP, mark);
	assert_apply(a, NL_ADDR_DEL);
	assert_true(a < d);
	assert_drop(d, NULL, 0);
	assert_int_equal(count_kind(IO_DROP, mark), 1);
	assert_int_equal(inst.ndrop, 0);
	assert_null(inst.drop); /* nothing kept on the heap for an empty list */
}

/* accept = true (the default) and the address owner never touch the table. */
static void test_no_drop_when_accepting(void **state)
{
	(void)state;
	cfg.accept = true;
	become_master();
	assert_null(inst.drop);
	instance_stop(&inst, now_ns);
	assert_int_equal(count_kind(IO_DROP, 0), 0);
	assert_int_equal(count_kind(IO_APPLY, 0), 2);
}

static void test_owner_accepts(void **state)
{
	(void)state;
	cfg.priority = VRRP_PRIO_OWNER;
	start(); /* the owner is master at once */
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	instance_stop(&inst, now_ns);
	assert_int_equal(count_kind(IO_DROP, 0), 0);
	assert_int_equal(count_kind(IO_APPLY, 0), 2);
}

/* Stop as master: priority 0, the addresses go, then the drop. */
static void test_stop_clears(void **state)
{
	size_t mark, a, d;

	(void)state;
	become_master();
	mark = fk.n;
	instance_stop(&inst, now_ns);
	a = first(IO_APPLY, mark);
	d = first(IO_DROP, mark);
	assert_apply(a, NL_ADDR_DEL);
	assert_true(a < d);
	assert_drop(d, NULL, 0);
}

/* nftables refuses: no VIP is added without the drop; the retry installs both. */
static void test_refused_table_retried(void **state)
{
	size_t mark;

	(void)state;
	fk.drop_fail = true;
	become_master();
	assert_int_equal(count_kind(IO_DROP, 0), 1);
	assert_int_equal(count_kind(IO_APPLY, 0), 0);
	assert_int_equal(inst.stats.nl_errors, 1);
	assert_true(loop_timer_armed(&inst.retry_timer));
	assert_int_equal(inst.retry_timer.deadline, now_ns + 200 * MT_MSEC);

	fk.drop_fail = false;
	mark = fk.n;
	run_until(inst.retry_timer.deadline);
	assert_drop(first(IO_DROP, mark), vips, 2);
	assert_true(first(IO_DROP, mark) < first(IO_APPLY, mark));
	assert_apply(first(IO_APPLY, mark), NL_ADDR_ADD);
	assert_false(loop_timer_armed(&inst.retry_timer));

	/* A refused removal keeps retrying until the table no longer holds the VIPs. */
	fk.drop_fail = true;
	mark = fk.n;
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_true(loop_timer_armed(&inst.retry_timer));
	fk.drop_fail = false;
	/* The master keeps advertising (its Master_Down_Interval is shorter than the retry). */
	run_until(now_ns + 2 * IV);
	rx(3, 200, &peer_hi);
	run_until(inst.retry_timer.deadline);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(count_kind(IO_DROP, mark), 2);
	assert_drop(fk.n - 1, NULL, 0);
	assert_false(loop_timer_armed(&inst.retry_timer));
}

/* A reload on a master replacing .101 by .102: the drop covers all three while the difference is
 * applied, then the new list alone. */
static void test_reload_covers_old_and_new(void **state)
{
	static struct vipd_instance_config ncfg;
	static struct vip_addr nvips[MAXV];
	struct vip_addr both[3];
	size_t mark, a;

	(void)state;
	become_master();
	ncfg = cfg;
	nvips[0] = vips[0];
	nvips[1] = pfx("198.18.0.102/24");
	ncfg.vips = nvips;
	mark = fk.n;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	both[0] = nvips[0];
	both[1] = nvips[1];
	both[2] = vips[1];
	a = first(IO_APPLY, mark);
	assert_drop(first(IO_DROP, mark), both, 3);
	assert_true(first(IO_DROP, mark) < a);
	assert_drop(first(IO_DROP, a), nvips, 2);
	assert_int_equal(count_kind(IO_DROP, mark), 2);

	/* accept = true again: the drop goes, the addresses stay. */
	static struct vipd_instance_config acfg;
	acfg = ncfg;
	acfg.accept = true;
	mark = fk.n;
	instance_reconfig_apply(&inst, &acfg, now_ns);
	assert_int_equal(count_kind(IO_APPLY, mark), 0);
	assert_drop(first(IO_DROP, mark), NULL, 0);
	assert_int_equal(count_kind(IO_DROP, mark), 1);
}

/* Issue 13 (RSS): an instance, one allocation each of up to 255 or more, fits in a page; the
 * drop list of accept = false (up to VRRP_MAX_ADDRS addresses) lives outside it. */
static void test_instance_fits_a_page(void **state)
{
	(void)state;
	assert_true(sizeof(struct instance) <= 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_drop_around_the_vips, setup_strict, teardown),
	    cmocka_unit_test_setup_teardown(test_no_drop_when_accepting, setup_strict, teardown),
	    cmocka_unit_test_setup_teardown(test_owner_accepts, setup_strict, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_clears, setup_strict, teardown),
	    cmocka_unit_test_setup_teardown(test_refused_table_retried, setup_strict, teardown),
	    cmocka_unit_test_setup_teardown(test_reload_covers_old_and_new, setup_strict, teardown),
	    cmocka_unit_test(test_instance_fits_a_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
