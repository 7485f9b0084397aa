/* Unit tests for an IPv6 instance and for on-demand announcements (vipctl garp), driven through
 * the fake kernel and clock of instance_fixture.h: adverts from the interface link-local (never
 * the link-local VIP), VIPs added with nodad and announced (NA) each, and the link flap that
 * makes the kernel drop every IPv6 address. */
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

/* eth0 holds fd00::1/64 and its link-local fe80::1; the instance has fe80::51 and fd00::100. */
static int setup6(void **state)
{
	setup(state);
	ifaddrs[0] = pfx("fd00::1/64");
	ifaddrs[1] = pfx("fe80::1/64");
	ifc.naddrs = 2;
	vips[0] = pfx("fe80::51/64");
	vips[1] = pfx("fd00::100/64");
	cfg.af = AF_INET6;
	cfg.nvips = 2;
	me = pfx("fe80::1").in;
	peer_hi = pfx("fe80::fa").in;
	group = pfx("ff02::12").in;
	return 0;
}

/* Logged call i is a v3 IPv6 advert at priority prio from fe80::1 to ff02::12, link-local VIP
 * first, with a good IPv6 pseudo-header checksum. */
static void assert_advert6(size_t i, uint8_t prio)
{
	const struct io_call *c = &fk.log[i];
	struct vrrp_rx_meta meta = {.af = AF_INET6, .src = c->src, .dst = c->dst, .ttl = 255};
	struct vrrp_adv adv;

	assert_int_equal(c->kind, IO_SEND);
	assert_memory_equal(&c->src, &me, 16);
	assert_memory_equal(&c->dst, &group, 16);
	assert_int_equal(vrrp_pkt_decode(c->msg, c->len, &meta, &adv, NULL), VRRP_RX_OK);
	assert_int_equal(adv.version, 3);
	assert_int_equal(adv.priority, prio);
	assert_int_equal(adv.naddr, 2);
	assert_memory_equal(&adv.addrs[0], &vips[0].in, 16);
	assert_memory_equal(&adv.addrs[1], &vips[1].in, 16);
}

/* Hand the instance a v3 IPv6 advert from src listing addrs, through the wire bytes as the
 * daemon does: encoded, decoded (a drop there is counted as the daemon counts it), received. */
static void rx6(uint8_t prio, const union vip_in *src, const struct vip_addr *addrs, size_t n)
{
	struct vrrp_adv adv = {.version = 3,
	                       .type = VRRP_TYPE_ADVERT,
	                       .vrid = cfg.vrid,
	                       .priority = prio,
	                       .af = AF_INET6,
	                       .interval = 5,
	                       .naddr = (uint8_t)n};
	struct vrrp_rx_meta meta = {.af = AF_INET6, .src = *src, .dst = group, .ttl = 255};
	uint8_t msg[VRRP_MSG_MAX];
	enum vrrp_reason r;
	ssize_t len;

	for (size_t i = 0; i < n; i++)
		adv.addrs[i] = addrs[i].in;
	len = vrrp_pkt_encode(msg, sizeof(msg), &adv, src, &group, VRRP_CSUM_RFC5798);
	assert_true(len > 0);
	r = vrrp_pkt_decode(msg, (size_t)len, &meta, &adv, NULL);
	if (r != VRRP_RX_OK) {
		instance_count_drop(&inst, r);
		return;
	}
	instance_receive(&inst, &adv, &meta, VRRP_CSUM_RFC5798, now_ns, now_ns);
}

/* keepalived's form: only a global VIP, no link-local first. */
static int setup_ka(void **state)
{
	setup6(state);
	vips[0] = pfx("fd00::100/64");
	cfg.nvips = 1;
	return 0;
}

/* Logged call i adds (or deletes) both VIPs on eth0, adds with nodad. */
static void assert_apply6(size_t i, enum nl_change_op op)
{
	const struct io_call *c = &fk.log[i];

	assert_int_equal(c->kind, IO_APPLY);
	assert_int_equal(c->n, 2);
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(c->op[k], op);
		assert_true(addr_equal(&c->addr[k], &vips[k]));
		assert_int_equal(c->addr[k].plen, 64);
		if (op == NL_ADDR_ADD)
			assert_true(c->nodad[k]);
	}
}

/* The VIPs appear on eth0 as the kernel would list them after a re-read: newest first. */
static void vips_on_iface(void)
{
	ifaddrs[3] = ifaddrs[1];
	ifaddrs[2] = ifaddrs[0];
	ifaddrs[1] = vips[1];
	ifaddrs[0] = vips[0];
	ifc.naddrs = 4;
}

/* Takeover: one ADD batch (nodad), an advert from the interface link-local, one NA per VIP. */
/* The advert lists the addresses as written, as keepalived 2.2.7 sends them (vrrp_build_vrrp_v3
 * copies its virtual_ipaddress list): version 3, VRID 51, priority 150, count 1, 5 cs, then
 * fd00::100 alone. */
static void keepalived_list_advert_bytes(void **state)
{
	static const uint8_t head[] = {0x31, 51, 150, 1, 0x00, 0x05};
	static const uint8_t list[] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00};
	const struct io_call *c;
	struct vrrp_rx_meta meta = {.af = AF_INET6, .ttl = 255};
	struct vrrp_adv adv;

	(void)state;
	become_master();
	c = &fk.log[first_kind(IO_SEND, 0)];
	assert_int_equal(c->kind, IO_SEND);
	assert_int_equal(c->len, 8 + 16);
	assert_memory_equal(c->msg, head, sizeof(head));
	assert_memory_equal(c->msg + 8, list, sizeof(list));
	assert_memory_equal(&c->src, &me, 16); /* still from the interface link-local */
	meta.src = c->src;
	meta.dst = c->dst;
	assert_int_equal(vrrp_pkt_decode(c->msg, c->len, &meta, &adv, NULL), VRRP_RX_OK);
}

/* keepalived's advert for the same list is heard: a higher priority keeps us Backup, a lower one
 * lets us take over; an RFC-form list is heard too, its difference logged (RFC 9568 7.1). */
static void keepalived_list_heard(void **state)
{
	struct vip_addr rfc[2] = {pfx("fe80::51/64"), pfx("fd00::100/64")};

	(void)state;
	start();
	for (int i = 0; i < 10; i++) {
		run_until(now_ns + 50 * MT_MSEC);
		rx6(200, &peer_hi, vips, 1);
	}
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(inst.stats.adverts_received, 10);
	assert_int_equal(inst.stats.drops[VRRP_RX_NO_LINKLOCAL], 0);
	assert_int_equal(inst.stats.addr_list_mismatch, 0);
	rx6(200, &peer_hi, rfc, 2);
	assert_int_equal(inst.stats.adverts_received, 11);
	assert_int_equal(inst.stats.addr_list_mismatch, 1);
	st = instance_status(&inst, now_ns);
	assert_string_equal(json_object_get_string(json_object_object_get(st, "address_list")),
	                    "as written");
}

/* The RFC form is unchanged: an advert without a link-local first is dropped. */
static void rfc_form_drops_keepalived_list(void **state)
{
	struct vip_addr ka = pfx("fd00::100/64");

	(void)state;
	start();
	rx6(200, &peer_hi, &ka, 1);
	assert_int_equal(inst.stats.adverts_received, 0);
	assert_int_equal(inst.stats.drops[VRRP_RX_NO_LINKLOCAL], 1);
	rx6(200, &peer_hi, vips, 2);
	assert_int_equal(inst.stats.adverts_received, 1);
	st = instance_status(&inst, now_ns);
	assert_null(json_object_object_get(st, "address_list"));
}

/* A reload from the RFC form to keepalived's (the link-local VIP dropped from the list): the
 * master deletes fe80::51, its next advert lists fd00::100 alone, and a keepalived advert for
 * that list is heard from then on. */
static void reload_to_keepalived_list(void **state)
{
	static struct vipd_instance_config ncfg; /* outlives the instance, as in the daemon */
	static struct vip_addr nvips[MAXV];
	struct vrrp_rx_meta meta = {.af = AF_INET6, .ttl = 255};
	struct vrrp_adv adv;
	size_t from, i;

	(void)state;
	become_master();
	run_until(now_ns + 6 * MT_SEC); /* past the announcement bursts */
	from = fk.n;
	ncfg = cfg;
	nvips[0] = vips[1];
	ncfg.vips = nvips;
	ncfg.nvips = 1;
	instance_reconfig_apply(&inst, &ncfg, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	for (i = from; i < fk.n && fk.log[i].kind != IO_SEND; i++)
		;
	assert_true(i < fk.n);
	meta.src = fk.log[i].src;
	meta.dst = fk.log[i].dst;
	assert_int_equal(vrrp_pkt_decode(fk.log[i].msg, fk.log[i].len, &meta, &adv, NULL),
	                 VRRP_RX_OK);
	assert_int_equal(adv.naddr, 1);
	assert_memory_equal(&adv.addrs[0], &nvips[0].in, 16);
	assert_int_equal(count_kind(IO_APPLY, from), 1);
	rx6(200, &peer_hi, nvips, 1);
	assert_int_equal(inst.stats.drops[VRRP_RX_NO_LINKLOCAL], 0);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
}

static void takeover_v6(void **state)
{
	(void)state;
	become_master();
	assert_int_equal(fk.n, 4);
	assert_apply6(0, NL_ADDR_ADD);
	assert_announce_round(1);
	assert_advert6(3, 150);
	assert_int_equal(inst.stats.announcements, 2);
	/* Repeats and the second burst cover NA like GARP: 5 + 5 per VIP. */
	run_until(now_ns + 6 * MT_SEC);
	assert_int_equal(inst.stats.announcements, 20);
}

/* With fe80::51 on the interface ahead of the real link-local, adverts still leave from fe80::1,
 * at start-up and after the addresses change. */
static void linklocal_vip_never_the_source(void **state)
{
	(void)state;
	vips_on_iface();
	start();
	assert_memory_equal(&inst.primary, &me, 16);
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_advert6(first_kind(IO_SEND, 0), 150);
	instance_iface_changed(&inst, now_ns);
	assert_memory_equal(&inst.primary, &me, 16);
}

/* A second link-local appearing in front of ours (re-read, new address) does not move the source
 * while ours stays; when ours goes, the other one takes over. */
static void source_is_sticky(void **state)
{
	(void)state;
	become_master();
	ifaddrs[2] = ifaddrs[1];
	ifaddrs[1] = pfx("fe80::2/64");
	ifc.naddrs = 3;
	instance_iface_changed(&inst, now_ns);
	assert_memory_equal(&inst.primary, &me, 16);
	ifc.naddrs = 2; /* fe80::1 removed */
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_memory_equal(&inst.primary, &ifaddrs[1].in, 16);
}

/* Without a link-local the instance waits in FAULT; one arriving (DAD done) starts it. */
static void no_linklocal_fault(void **state)
{
	(void)state;
	ifc.naddrs = 1;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_string_equal(inst.fault_reason, "no IPv6 link-local address on the interface");
	ifc.naddrs = 2;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
}

/* Link down (keep_addr_on_down = 0): the link event comes first (FAULT), then the kernel deletes
 * every IPv6 address; the instance must not put its VIPs back meanwhile. Link up: the link-local
 * returns after DAD, the instance goes Backup, then Master, and adds the VIPs again. */
static void link_flap_readds(void **state)
{
	size_t mark;

	(void)state;
	become_master();
	vips_on_iface();
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	mark = fk.n;
	for (size_t k = 0; k < 2; k++)
		instance_addr_deleted(&inst, &vips[k], now_ns);
	ifc.naddrs = 0;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(fk.n, mark); /* no fight with the kernel */
	assert_int_equal(inst.stats.vip_restored, 0);

	now_ns += MT_SEC;
	ifc.running = true;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT); /* link-local still under DAD */
	ifaddrs[0] = pfx("fe80::1/64");
	ifc.naddrs = 1;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	mark = fk.n;
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_apply6(mark, NL_ADDR_ADD);
	assert_announce_round(mark + 1);
	assert_advert6(first_kind(IO_SEND, mark), 150);
}

/* A master whose VIP someone else deleted puts it back and announces again. */
static void vip_deleted_while_master(void **state)
{
	size_t mark;

	(void)state;
	become_master();
	mark = fk.n;
	instance_addr_deleted(&inst, &vips[1], now_ns);
	assert_int_equal(inst.stats.vip_restored, 1);
	assert_apply6(mark, NL_ADDR_ADD);
	assert_announce_round(mark + 1);
}

/* vipctl garp: refused unless Master; a Master announces every VIP now and runs the bursts. */
static void announce_on_request(void **state)
{
	size_t mark;
	monotime at[32];

	(void)state;
	start();
	assert_int_equal(instance_announce(&inst, now_ns), -1);
	assert_int_equal(count_kind(IO_ANNOUNCE, 0), 0);
	fire_next();
	run_until(now_ns + 10 * MT_SEC); /* both bursts over, garp_refresh = 0: silence */
	assert_false(loop_timer_armed(&inst.garp_timer));
	mark = fk.n;
	assert_int_equal(instance_announce(&inst, now_ns), 0);
	assert_announce_round(mark);
	assert_int_equal(announce_times(&vips[0], mark, at, 32), 1);
	assert_int_equal(at[0], now_ns);
	run_until(now_ns + MT_SEC);
	assert_int_equal(announce_times(&vips[1], mark, at, 32), 5);
}

/* The same for an IPv4 instance (GARP), and never in FAULT. */
static void announce_on_request_v4(void **state)
{
	size_t mark;

	(void)state;
	become_master();
	mark = fk.n;
	assert_int_equal(instance_announce(&inst, now_ns), 0);
	assert_announce_round(mark);
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(instance_announce(&inst, now_ns), -1);
}

/* The kernel as seen through netlink: whether it announced the VIPs yet. */
static bool kernel_announced;

static bool fake_vips_ready(void *ctx, struct instance *in)
{
	(void)ctx;
	(void)in;
	return kernel_announced;
}

/* Start as Backup with an io whose kernel has not announced the VIPs, and take over. */
static void take_over_before_the_kernel(struct instance_io *io)
{
	*io = fake_io;
	io->vips_ready = fake_vips_ready;
	kernel_announced = false;
	instance_init(&inst, &cfg, &ifc, lp, io);
	instance_start(&inst, now_ns);
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
}

/* A new IPv6 master sends its first NAs only once the kernel announced the VIPs (their local
 * route in): before that, clients following the NA would reach a node that drops them. */
static void na_waits_for_the_kernel(void **state)
{
	struct instance_io io;

	(void)state;
	take_over_before_the_kernel(&io);
	assert_int_equal(fk.n, 2); /* the VIPs added and the first advert, no NA yet */
	assert_apply6(0, NL_ADDR_ADD);
	assert_advert6(1, 150);
	now_ns += 300 * MT_USEC;
	instance_iface_changed(&inst, now_ns); /* another address, ours not there yet */
	assert_int_equal(fk.n, 2);
	kernel_announced = true;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(fk.n, 4);
	assert_announce_round(2);
	run_until(now_ns + 6 * MT_SEC);
	assert_int_equal(inst.stats.announcements, 20);
}

/* If the kernel never says so, the NAs go out after 20 ms all the same. */
static void na_wait_is_bounded(void **state)
{
	struct instance_io io;
	monotime t;

	(void)state;
	take_over_before_the_kernel(&io);
	t = now_ns;
	assert_int_equal(fk.n, 2);
	run_until(t + 20 * MT_MSEC - 1); /* the next advert may come first: not an NA */
	assert_int_equal(count_kind(IO_ANNOUNCE, 0), 0);
	run_until(t + 20 * MT_MSEC);
	assert_int_equal(count_kind(IO_ANNOUNCE, 0), cfg.nvips);
	assert_int_equal(fk.log[first_kind(IO_ANNOUNCE, 0)].at, t + 20 * MT_MSEC);
	assert_announce_round(first_kind(IO_ANNOUNCE, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(takeover_v6, setup6, teardown),
	    cmocka_unit_test_setup_teardown(keepalived_list_advert_bytes, setup_ka, teardown),
	    cmocka_unit_test_setup_teardown(keepalived_list_heard, setup_ka, teardown),
	    cmocka_unit_test_setup_teardown(rfc_form_drops_keepalived_list, setup6, teardown),
	    cmocka_unit_test_setup_teardown(reload_to_keepalived_list, setup6, teardown),
	    cmocka_unit_test_setup_teardown(linklocal_vip_never_the_source, setup6, teardown),
	    cmocka_unit_test_setup_teardown(source_is_sticky, setup6, teardown),
	    cmocka_unit_test_setup_teardown(no_linklocal_fault, setup6, teardown),
	    cmocka_unit_test_setup_teardown(link_flap_readds, setup6, teardown),
	    cmocka_unit_test_setup_teardown(vip_deleted_while_master, setup6, teardown),
	    cmocka_unit_test_setup_teardown(announce_on_request, setup6, teardown),
	    cmocka_unit_test_setup_teardown(announce_on_request_v4, setup, teardown),
	    cmocka_unit_test_setup_teardown(na_waits_for_the_kernel, setup6, teardown),
	    cmocka_unit_test_setup_teardown(na_wait_is_bounded, setup6, teardown),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
