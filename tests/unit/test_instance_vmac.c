/* Unit tests for an instance with a VMAC (vmac = true), on the shared fake kernel: the VIPs go to
 * the VMAC, never to the parent; an IPv6 instance has the VMAC flushed (silently) before it
 * deletes its VIPs; a missing or down VMAC is a FAULT. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "instance_fixture.h"

#define VMAC_INDEX 7

static struct iface vm;
static struct instance_io io;
static size_t flushes, flush_at[8]; /* log position of each vmac_flush */

static int fake_flush(void *ctx, struct instance *in)
{
	(void)ctx;
	assert_ptr_equal(in, &inst);
	assert_true(flushes < 8);
	flush_at[flushes++] = fk.n;
	return 0;
}

/* The fixture's instance, with a VMAC "vrrp.51" (index 7, up) and an io that can flush it. */
static int setup_vmac(void **state)
{
	setup(state);
	vm = (struct iface){.name = "vrrp.51", .ifindex = VMAC_INDEX, .running = true};
	io = fake_io;
	io.vmac_flush = fake_flush;
	flushes = 0;
	cfg.vmac = true;
	return 0;
}

/* The fixture's IPv6 instance (fe80::1 on eth0; VIPs fe80::51, fd00::100) with a VMAC. */
static int setup_vmac6(void **state)
{
	setup_vmac(state);
	ifaddrs[0] = pfx("fd00::1/64");
	ifaddrs[1] = pfx("fe80::1/64");
	ifc.naddrs = 2;
	vips[0] = pfx("fe80::51/64");
	vips[1] = pfx("fd00::100/64");
	cfg.nvips = 2;
	cfg.af = AF_INET6;
	snprintf(vm.name, sizeof(vm.name), "vrrp6.51");
	me = pfx("fe80::1").in;
	peer_hi = pfx("fe80::fa").in;
	return 0;
}

/* instance_init, the VMAC as the daemon sets it, instance_start. */
static void start_vmac(void)
{
	instance_init(&inst, &cfg, &ifc, lp, &io);
	inst.vmac = &vm;
	assert_ptr_equal(instance_vip_iface(&inst), &vm);
	instance_start(&inst, now_ns);
}

/* Logged call i is one batch of op for every VIP, all on the VMAC. */
static void assert_on_vmac(size_t i, enum nl_change_op op)
{
	assert_int_equal(fk.log[i].kind, IO_APPLY);
	assert_int_equal(fk.log[i].n, cfg.nvips);
	for (size_t j = 0; j < cfg.nvips; j++) {
		assert_int_equal(fk.log[i].op[j], op);
		assert_int_equal(fk.log[i].ifindex[j], VMAC_INDEX);
	}
}

/* The first call of kind from index from on. */
static size_t first(enum io_kind kind, size_t from)
{
	for (size_t i = from; i < fk.n; i++)
		if (fk.log[i].kind == kind)
			return i;
	fail_msg("no call of kind %d from %zu", kind, from);
	return 0;
}

static void test_vips_on_the_vmac(void **state)
{
	size_t mark;

	(void)state;
	start_vmac();
	run_until(now_ns + 10 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_on_vmac(first(IO_APPLY, 0), NL_ADDR_ADD);
	/* Adverts still name the parent's address as their source. */
	assert_memory_equal(&fk.log[first(IO_SEND, 0)].src, &me, sizeof(me.v4));

	/* A better master: the VIPs leave the VMAC; no flush for IPv4 (no MLD there). */
	mark = fk.n;
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_on_vmac(first(IO_APPLY, mark), NL_ADDR_DEL);
	assert_int_equal(flushes, 0);
}

static void test_ipv6_flush_before_delete(void **state)
{
	size_t mark, del;

	(void)state;
	start_vmac();
	run_until(now_ns + 10 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_on_vmac(first(IO_APPLY, 0), NL_ADDR_ADD);
	assert_int_equal(flushes, 0); /* adding sends MLD reports from the master: wanted */

	mark = fk.n;
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	del = first(IO_APPLY, mark);
	assert_on_vmac(del, NL_ADDR_DEL);
	assert_int_equal(flushes, 1);
	assert_int_equal(flush_at[0], del); /* right before the delete batch */

	/* Stopping a master flushes too. */
	run_until(now_ns + 10 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	instance_stop(&inst, now_ns);
	assert_int_equal(flushes, 2);
}

static void test_missing_vmac_is_fault(void **state)
{
	(void)state;
	vm.ifindex = 0;
	start_vmac();
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_string_equal(inst.fault_reason, "VMAC interface missing");
	assert_int_equal(count_kind(IO_SEND, 0), 0);

	/* The daemon re-created it. */
	vm.ifindex = VMAC_INDEX;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	run_until(now_ns + 10 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);

	/* Deleted under a master: FAULT; the VIPs went with it, nothing to delete. */
	vm.ifindex = 0;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
}

static void test_vmac_down_is_fault(void **state)
{
	size_t mark;

	(void)state;
	start_vmac();
	run_until(now_ns + 10 * IV);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	/* Someone set the VMAC down: FAULT, priority 0, the VIPs leave it. */
	mark = fk.n;
	vm.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_string_equal(inst.fault_reason, "VMAC interface down");
	assert_advert(first(IO_SEND, mark), 0);
	assert_on_vmac(first(IO_APPLY, mark), NL_ADDR_DEL);
	/* The daemon brought it up again. */
	vm.running = true;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
}

/* vipctl status names the VMAC and says where the adverts leave from; no such fields without a
 * VMAC. */
static void test_status_names_the_vmac(void **state)
{
	struct json_object *status, *v;

	(void)state;
	strcpy(cfg.vmac_name, "vrrp.eth0.51");
	cfg.vmac_xmit_base = true;
	start_vmac();
	status = instance_status(&inst, now_ns);
	assert_true(json_object_object_get_ex(status, "vmac", &v));
	assert_string_equal(json_object_get_string(v), "vrrp.eth0.51");
	assert_true(json_object_object_get_ex(status, "vmac_xmit_base", &v));
	assert_true(json_object_get_boolean(v));
	json_object_put(status);
	cfg.vmac = false;
	status = instance_status(&inst, now_ns);
	assert_false(json_object_object_get_ex(status, "vmac", NULL));
	assert_false(json_object_object_get_ex(status, "vmac_xmit_base", NULL));
	json_object_put(status);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_vips_on_the_vmac, setup_vmac, teardown),
	    cmocka_unit_test_setup_teardown(test_ipv6_flush_before_delete, setup_vmac6, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_vmac_is_fault, setup_vmac, teardown),
	    cmocka_unit_test_setup_teardown(test_vmac_down_is_fault, setup_vmac, teardown),
	    cmocka_unit_test_setup_teardown(test_status_names_the_vmac, setup_vmac, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
