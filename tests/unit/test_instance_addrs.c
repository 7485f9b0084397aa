/* Unit tests for the addresses of an instance beyond its plain VIPs (instance_addrs.c): options
 * in the netlink batch, an address on another interface (dev), excluded addresses added and
 * removed with the VIPs in the same batch but never in an advert, an instance without VIPs,
 * and a reload changing an option. Driven through the fake kernel of instance_fixture.h. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"
#include "vipd/instance_reconfig.h"

static struct vipd_addr_opts vopts[MAXV], xopts[MAXV];
static struct vip_addr xaddrs[MAXV];

/* The fixture's VIP 198.18.0.100/24 with options, plus a VIP on lo and an excluded address. */
static void with_options(void)
{
	vopts[0] = CONFIG_ADDR_OPTS_NONE;
	snprintf(vopts[0].label, sizeof(vopts[0].label), "eth0:vip");
	vopts[0].scope = 253;
	vopts[0].has_brd = true;
	vopts[0].brd.s_addr = htonl(0xc61200ff);
	vopts[0].noprefixroute = true;
	vips[1] = pfx("198.18.0.101/32");
	vopts[1] = CONFIG_ADDR_OPTS_NONE;
	snprintf(vopts[1].dev, sizeof(vopts[1].dev), "lo");
	cfg.nvips = 2;
	cfg.vip_opts = vopts;
	xaddrs[0] = pfx("198.18.5.1/24");
	xopts[0] = CONFIG_ADDR_OPTS_NONE;
	cfg.excluded = xaddrs;
	cfg.excluded_opts = xopts;
	cfg.nexcluded = 1;
}

/* Master: one batch with every address, each on its interface with its options; adverts list
 * the VIPs only; Backup again: one batch removing all three. */
static void batch_and_adverts(void **state)
{
	struct vrrp_adv adv;
	enum vrrp_csum_form form;
	const struct io_call *c;
	size_t base, i;

	(void)state;
	with_options();
	become_master();
	assert_int_equal(count_kind(IO_APPLY, 0), 1);
	for (i = 0; fk.log[i].kind != IO_APPLY; i++)
		;
	c = &fk.log[i];
	assert_int_equal(c->n, 3);
	assert_int_equal(c->op[0], NL_ADDR_ADD);
	assert_int_equal(c->ifindex[0], 2);
	assert_string_equal(c->opts[0].label, "eth0:vip");
	assert_int_equal(c->opts[0].scope, 253);
	assert_true(c->opts[0].has_brd && c->opts[0].noprefixroute);
	assert_int_equal(c->ifindex[1], if_nametoindex("lo"));
	assert_true(addr_equal(&c->addr[1], &vips[1]));
	assert_int_equal(c->ifindex[2], 2);
	assert_true(addr_equal(&c->addr[2], &xaddrs[0]));
	assert_false(c->opts[2].noprefixroute);

	/* The advert: the two VIPs, not the excluded address. */
	for (i = 0; fk.log[i].kind != IO_SEND; i++)
		;
	assert_int_equal(decode(i, &adv, &form), VRRP_RX_OK);
	assert_int_equal(adv.naddr, 2);
	/* Announced: every address, each on its own interface (the one on lo on lo). */
	i = first_kind(IO_ANNOUNCE, 0);
	assert_true(addr_equal(&fk.log[i].vip, &vips[0]));
	assert_string_equal(fk.log[i].dev, "");
	assert_true(addr_equal(&fk.log[i + 1].vip, &vips[1]));
	assert_string_equal(fk.log[i + 1].dev, "lo");
	assert_true(addr_equal(&fk.log[i + 2].vip, &xaddrs[0]));
	assert_string_equal(fk.log[i + 2].dev, "");

	base = fk.n;
	rx_list(3, 200, &peer_hi, vips, 2);
	for (i = base; fk.log[i].kind != IO_APPLY; i++)
		;
	c = &fk.log[i];
	assert_int_equal(c->n, 3);
	for (size_t k = 0; k < 3; k++)
		assert_int_equal(c->op[k], NL_ADDR_DEL);
	assert_int_equal(c->ifindex[1], if_nametoindex("lo"));
}

/* An address deleted by someone else from its dev comes back; the same address on another
 * interface means nothing. */
static void restored_on_its_dev(void **state)
{
	size_t base;

	(void)state;
	with_options();
	become_master();
	base = fk.n;
	instance_addr_deleted_on(&inst, 2, &vips[1], now_ns);
	assert_int_equal(count_kind(IO_APPLY, base), 0);
	instance_addr_deleted_on(&inst, if_nametoindex("lo"), &vips[1], now_ns);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
	assert_int_equal(inst.stats.vip_restored, 1);
	instance_addr_deleted_on(&inst, 2, &xaddrs[0], now_ns);
	assert_int_equal(count_kind(IO_APPLY, base), 2);
}

/* No VIP at all: the adverts carry none (count 0, as keepalived sends), the takeover happens,
 * the excluded address moves with it. */
static void no_vips(void **state)
{
	struct vrrp_adv adv;
	enum vrrp_csum_form form;
	size_t i;

	(void)state;
	cfg.nvips = 0;
	xaddrs[0] = pfx("198.18.5.1/24");
	xopts[0] = CONFIG_ADDR_OPTS_NONE;
	cfg.excluded = xaddrs;
	cfg.excluded_opts = xopts;
	cfg.nexcluded = 1;
	become_master();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	for (i = 0; fk.log[i].kind != IO_SEND; i++)
		;
	assert_int_equal(decode(i, &adv, &form), VRRP_RX_OK);
	assert_int_equal(adv.naddr, 0);
	for (i = 0; fk.log[i].kind != IO_APPLY; i++)
		;
	assert_int_equal(fk.log[i].n, 1);
	assert_true(addr_equal(&fk.log[i].addr[0], &xaddrs[0]));
	/* A peer's advert with no address matches. */
	rx_list(3, 200, &peer_hi, NULL, 0);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
}

/* A reload changing an option: the address is deleted and added again in one batch, the
 * others are not touched, the state stays. */
static void reload_option_change(void **state)
{
	static struct vipd_instance_config ncfg;
	static struct vipd_addr_opts nopts[MAXV];
	size_t base, i;

	(void)state;
	with_options();
	become_master();
	ncfg = cfg;
	memcpy(nopts, vopts, sizeof(nopts));
	nopts[0].noprefixroute = false;
	ncfg.vip_opts = nopts;
	base = fk.n;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
	for (i = base; fk.log[i].kind != IO_APPLY; i++)
		;
	assert_int_equal(fk.log[i].n, 2);
	assert_int_equal(fk.log[i].op[0], NL_ADDR_DEL);
	assert_int_equal(fk.log[i].op[1], NL_ADDR_ADD);
	assert_true(addr_equal(&fk.log[i].addr[1], &vips[0]));
	assert_false(fk.log[i].opts[1].noprefixroute);
	assert_int_equal(instance_origin(&inst.vip_origin, 0), VIP_ADDED);
	assert_int_equal(instance_origin(&inst.vip_origin, 2), VIP_ADDED);
}

/* The origins are two bits an address: each of the 510 keeps its own value through the
 * setting of its neighbours, and the table stays 128 bytes (issue 13). */
static void origins_packed(void **state)
{
	struct instance_origins o;
	const size_t n = VRRP_MAX_ADDRS + VIPD_EXCLUDED_MAX;

	(void)state;
	assert_true(sizeof(o) <= 128);
	memset(&o, 0, sizeof(o));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(instance_origin(&o, i), VIP_ABSENT);
	for (size_t i = 0; i < n; i++)
		instance_origin_set(&o, i, (enum vip_origin)(i % 3));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(instance_origin(&o, i), i % 3);
	for (size_t i = 0; i < n; i += 2)
		instance_origin_set(&o, i, VIP_FOREIGN);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(instance_origin(&o, i), i % 2 ? i % 3 : VIP_FOREIGN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(origins_packed),
	    cmocka_unit_test_setup_teardown(batch_and_adverts, setup, teardown),
	    cmocka_unit_test_setup_teardown(restored_on_its_dev, setup, teardown),
	    cmocka_unit_test_setup_teardown(no_vips, setup, teardown),
	    cmocka_unit_test_setup_teardown(reload_option_change, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
