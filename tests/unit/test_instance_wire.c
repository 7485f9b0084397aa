/* Unit tests for what instance.c puts on and takes off the wire beyond the basic advert: VRRPv2
 * simple-password auth (byte for byte as keepalived), version "2+3" (both sent, both received
 * without double takeovers or flaps), unicast peers (one message per peer, receive only from
 * them, the TTL toggle), mcast_group and mcast_source, and the receive counters of the status.
 * Driven through the fake kernel and fake clock of instance_fixture.h. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"
#include "keepalived_vectors.h"

#define IP4_HDR 20 /* the captures hold the IPv4 header: the VRRP message follows it */
#define SEC_CS 100

static union vip_in peers2[2];

/* An advert handed to the instance as the daemon does after vrrp_pkt_decode: version, priority,
 * interval (v3 centiseconds, v2 seconds), from src to dst, v2 auth type and password. */
static void rx_full(uint8_t version, uint8_t prio, uint16_t interval, const union vip_in *src,
                    const union vip_in *dst, uint8_t auth_type, const char *pass)
{
	struct vrrp_adv adv = {.version = version,
	                       .type = VRRP_TYPE_ADVERT,
	                       .vrid = cfg.vrid,
	                       .priority = prio,
	                       .af = AF_INET,
	                       .interval = interval,
	                       .naddr = (uint8_t)cfg.nvips,
	                       .auth_type = auth_type};
	struct vrrp_rx_meta meta = {.af = AF_INET, .src = *src, .dst = *dst, .ttl = 255};

	if (pass)
		memcpy(adv.auth_data, pass, strnlen(pass, VRRP_AUTH_LEN));
	for (size_t i = 0; i < cfg.nvips; i++)
		adv.addrs[i] = vips[i].in;
	instance_receive(&inst, &adv, &meta, VRRP_CSUM_RFC5798, now_ns, now_ns);
}

/* A 1-second advert of version v from src to the group, with cfg's password when v is 2. */
static void rx_sec(uint8_t v, uint8_t prio, const union vip_in *src)
{
	bool pass = v == 2 && cfg.auth_pass[0];

	rx_full(v, prio, v == 3 ? SEC_CS : 1, src, &group, pass ? VRRP_AUTH_PASS : VRRP_AUTH_NONE,
	        pass ? cfg.auth_pass : NULL);
}

/* Logged send i decoded as a peer at dst would (TTL 255, either checksum form). */
static enum vrrp_reason decode_to(size_t i, struct vrrp_adv *adv)
{
	const struct io_call *c = &fk.log[i];
	struct vrrp_rx_meta meta = {.af = AF_INET, .src = c->src, .dst = c->dst, .ttl = 255};

	assert_int_equal(c->kind, IO_SEND);
	return vrrp_pkt_decode(c->msg, c->len, &meta, adv, NULL);
}

/* The keepalived reference: VRID 51, priority 150, v2, advert_int 1, PASS "s3cret", one VIP. */
static void keepalived_v2_pass_config(void)
{
	cfg.version = VIPD_V2;
	cfg.adver_int_cs = SEC_CS;
	cfg.nvips = 1;
	snprintf(cfg.auth_pass, sizeof(cfg.auth_pass), "s3cret");
}

/* --- VRRPv2 authentication --- */

/* Our advert and our priority-0 advert are keepalived's bytes, checksum included. */
static void v2_pass_equals_keepalived(void **state)
{
	size_t i;

	(void)state;
	keepalived_v2_pass_config();
	become_master();
	assert_int_equal(count_kind(IO_SEND, 0), 1);
	for (i = 0; fk.log[i].kind != IO_SEND; i++)
		;
	assert_int_equal(fk.log[i].len, sizeof(cap_v2_pass) - IP4_HDR);
	assert_memory_equal(fk.log[i].msg, cap_v2_pass + IP4_HDR, fk.log[i].len);
	assert_int_equal(fk.log[i].src.v4.s_addr, me.v4.s_addr);
	assert_int_equal(fk.log[i].dst.v4.s_addr, group.v4.s_addr);

	i = fk.n;
	instance_stop(&inst, now_ns);
	assert_int_equal(fk.log[i].kind, IO_SEND);
	assert_int_equal(fk.log[i].len, sizeof(cap_v2_pass_prio0) - IP4_HDR);
	assert_memory_equal(fk.log[i].msg, cap_v2_pass_prio0 + IP4_HDR, fk.log[i].len);
}

/* Without auth_pass: Auth Type 0 and eight zero bytes. An 8-character password fills the field
 * without a NUL. */
static void v2_auth_type0_and_full_password(void **state)
{
	struct vrrp_adv adv;

	(void)state;
	cfg.version = VIPD_V2;
	cfg.adver_int_cs = SEC_CS;
	become_master();
	assert_int_equal(decode_to(2, &adv), VRRP_RX_OK);
	assert_int_equal(adv.auth_type, VRRP_AUTH_NONE);
	assert_memory_equal(adv.auth_data, "\0\0\0\0\0\0\0\0", VRRP_AUTH_LEN);

	teardown(NULL);
	setup(NULL);
	cfg.version = VIPD_V2;
	cfg.adver_int_cs = SEC_CS;
	snprintf(cfg.auth_pass, sizeof(cfg.auth_pass), "12345678");
	become_master();
	assert_int_equal(decode_to(2, &adv), VRRP_RX_OK);
	assert_int_equal(adv.auth_type, VRRP_AUTH_PASS);
	assert_memory_equal(adv.auth_data, "12345678", VRRP_AUTH_LEN);
	rx_full(2, 200, 1, &peer_hi, &group, VRRP_AUTH_PASS, "12345678");
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
}

/* A backup with a password: a wrong password, Auth Type 0, or the right password with another
 * type are dropped as "auth" and leave the Master_Down_Timer alone; the right one resets it. A
 * node without a password drops Auth Type 1. */
static void v2_auth_checked_on_receive(void **state)
{
	monotime deadline;

	(void)state;
	keepalived_v2_pass_config();
	start();
	deadline = inst.fsm_timer.deadline;
	now_ns += 100 * MT_MSEC;
	rx_full(2, 200, 1, &peer_hi, &group, VRRP_AUTH_PASS, "s3creT");
	rx_full(2, 200, 1, &peer_hi, &group, VRRP_AUTH_PASS, "s3cret!");
	rx_full(2, 200, 1, &peer_hi, &group, VRRP_AUTH_NONE, NULL);
	rx_full(2, 200, 1, &peer_hi, &group, 2, "s3cret"); /* IP Authentication Header: gone */
	assert_int_equal(inst.stats.drops[VRRP_RX_AUTH], 4);
	assert_int_equal(inst.stats.adverts_received, 0);
	assert_int_equal(inst.fsm_timer.deadline, deadline);
	assert_false(inst.fsm.master_known);

	rx_full(2, 200, 1, &peer_hi, &group, VRRP_AUTH_PASS, "s3cret");
	assert_int_equal(inst.stats.adverts_received, 1);
	assert_int_equal(inst.fsm_timer.deadline,
	                 now_ns + vrrp_fsm_master_down_interval(2, 150, 100));
	assert_true(inst.fsm.master_known);

	cfg.auth_pass[0] = '\0';
	rx_full(2, 200, 1, &peer_hi, &group, VRRP_AUTH_PASS, "s3cret");
	assert_int_equal(inst.stats.drops[VRRP_RX_AUTH], 5);
	rx_full(2, 200, 1, &peer_hi, &group, VRRP_AUTH_NONE, NULL);
	assert_int_equal(inst.stats.adverts_received, 2);
}

/* "2+3" with a password: the v2 advert carries it, the v3 one has no such field. */
static void dual_send_password_in_v2_only(void **state)
{
	struct vrrp_adv adv;

	(void)state;
	keepalived_v2_pass_config();
	cfg.version = VIPD_V2_V3;
	become_master();
	assert_int_equal(count_kind(IO_SEND, 0), 2);
	assert_int_equal(decode_to(2, &adv), VRRP_RX_OK);
	assert_int_equal(adv.version, 3);
	assert_int_equal(fk.log[2].len, 12);
	assert_int_equal(decode_to(3, &adv), VRRP_RX_OK);
	assert_int_equal(adv.version, 2);
	assert_memory_equal(fk.log[3].msg, cap_v2_pass + IP4_HDR, fk.log[3].len);
}

/* --- version "2+3" --- */

/* A backup hearing a "2+3" master (a v3 and a v2 advert each second) for a minute: every advert
 * counted once, the v3 ones by checksum form, no transition, the timer always running from the
 * last advert; silence: one takeover, Master_Down_Interval after the last advert. */
static void dual_receive_steady_then_one_takeover(void **state)
{
	monotime last = 0, mdi = vrrp_fsm_master_down_interval(3, 150, SEC_CS);

	(void)state;
	cfg.version = VIPD_V2_V3;
	cfg.adver_int_cs = SEC_CS;
	start();
	for (int s = 0; s < 60; s++) {
		run_until(T0 + (monotime)s * MT_SEC + 10 * MT_MSEC);
		rx_sec(3, 200, &peer_hi);
		now_ns += 200 * 1000; /* the v2 copy follows 200 us later */
		rx_sec(2, 200, &peer_hi);
		last = now_ns;
		assert_int_equal(inst.fsm_timer.deadline, last + mdi);
		assert_int_equal(inst.fsm.master_adver_int_cs, SEC_CS);
	}
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(inst.stats.adverts_received, 120);
	assert_int_equal(inst.stats.csum_forms[VRRP_CSUM_RFC5798], 60);
	assert_int_equal(inst.stats.csum_forms[VRRP_CSUM_RFC9568], 0);
	assert_int_equal(inst.stats.transitions[VRRP_STATE_BACKUP], 1);
	assert_int_equal(count_kind(IO_SEND, 0), 0);

	run_until(last + mdi + 10 * MT_SEC);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(inst.stats.transitions[VRRP_STATE_MASTER], 1);
	assert_int_equal(count_kind(IO_APPLY, 0), 1);
	for (size_t i = 0; i < fk.n; i++)
		if (fk.log[i].kind == IO_APPLY)
			assert_int_equal(fk.log[i].at, last + mdi);
}

/* The leaving master says priority 0 in both versions: one takeover (one ADD batch), Skew_Time
 * after the second copy. */
static void dual_prio0_one_takeover(void **state)
{
	monotime skew = vrrp_fsm_skew_time(3, 150, SEC_CS);

	(void)state;
	cfg.version = VIPD_V2_V3;
	cfg.adver_int_cs = SEC_CS;
	start();
	rx_sec(3, 200, &peer_hi);
	rx_sec(2, 200, &peer_hi);
	now_ns += 500 * MT_MSEC;
	rx_sec(3, 0, &peer_hi);
	now_ns += 200 * 1000;
	rx_sec(2, 0, &peer_hi);
	assert_int_equal(inst.stats.prio0_received, 2);
	assert_int_equal(inst.fsm_timer.deadline, now_ns + skew);
	run_until(now_ns + 5 * MT_SEC);
	assert_int_equal(inst.stats.transitions[VRRP_STATE_MASTER], 1);
	assert_int_equal(count_kind(IO_APPLY, 0), 1);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
}

/* A "2+3" master hearing a lower "2+3" master answers once per interval (one v3 and one v2
 * advert), not once per version heard; a higher one sends it to Backup once. */
static void dual_master_answers_once(void **state)
{
	size_t base;

	(void)state;
	cfg.version = VIPD_V2_V3;
	cfg.adver_int_cs = SEC_CS;
	become_master();
	now_ns += 300 * MT_MSEC;
	base = fk.n;
	rx_sec(3, 100, &peer_lo);
	rx_sec(2, 100, &peer_lo);
	assert_int_equal(count_kind(IO_SEND, base), 2);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);

	rx_sec(3, 200, &peer_hi);
	rx_sec(2, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(inst.stats.transitions[VRRP_STATE_BACKUP], 2);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
}

/* v2 checks apply to the v2 copy only: another Adver Int is dropped as interval-mismatch; a v3
 * advert with another interval is accepted (v3 learns the master's). A "2+3" node accepts a
 * v2-only and a v3-only peer; a v3 node drops v2, a v2 node drops v3 ("version"). */
static void dual_version_checks(void **state)
{
	monotime deadline;

	(void)state;
	cfg.version = VIPD_V2_V3;
	cfg.adver_int_cs = SEC_CS;
	start();
	deadline = inst.fsm_timer.deadline;
	now_ns += 100 * MT_MSEC;
	rx_full(2, 200, 2, &peer_hi, &group, VRRP_AUTH_NONE, NULL);
	assert_int_equal(inst.stats.drops[VRRP_RX_INTERVAL_MISMATCH], 1);
	assert_int_equal(inst.fsm_timer.deadline, deadline);
	rx_full(3, 200, 50, &peer_hi, &group, VRRP_AUTH_NONE, NULL);
	assert_int_equal(inst.fsm.master_adver_int_cs, 50);
	assert_int_equal(inst.stats.adverts_received, 1);

	cfg.version = VIPD_V3;
	rx_sec(2, 200, &peer_hi);
	assert_int_equal(inst.stats.drops[VRRP_RX_VERSION], 1);
	cfg.version = VIPD_V2;
	rx_sec(3, 200, &peer_hi);
	assert_int_equal(inst.stats.drops[VRRP_RX_VERSION], 2);
	assert_int_equal(inst.stats.adverts_received, 1);
}

/* --- unicast --- */

static void unicast_config(void)
{
	peers2[0] = peer_lo;
	peers2[1] = peer_hi;
	cfg.unicast_peers = peers2;
	cfg.npeers = 2;
	cfg.unicast_ttl_check = true;
}

/* One message per peer (and per version), from the interface primary, each with its own
 * checksum (the v3 IPv4 pseudo-header holds the destination); never to the group. */
static void unicast_one_message_per_peer(void **state)
{
	struct vrrp_adv adv;
	monotime t;
	size_t base;

	(void)state;
	unicast_config();
	t = become_master();
	assert_int_equal(count_kind(IO_SEND, 0), 2);
	assert_int_equal(fk.log[2].dst.v4.s_addr, peer_lo.v4.s_addr);
	assert_int_equal(fk.log[3].dst.v4.s_addr, peer_hi.v4.s_addr);
	for (size_t i = 2; i <= 3; i++) {
		assert_int_equal(fk.log[i].src.v4.s_addr, me.v4.s_addr);
		assert_int_equal(decode_to(i, &adv), VRRP_RX_OK);
		assert_int_equal(adv.priority, 150);
	}
	assert_memory_not_equal(fk.log[2].msg + 6, fk.log[3].msg + 6, 2);
	assert_int_equal(inst.stats.adverts_sent, 2);

	base = fk.n;
	run_until(t + 10 * IV);
	assert_int_equal(count_kind(IO_SEND, base), 20);
	for (size_t i = base; i < fk.n; i++)
		if (fk.log[i].kind == IO_SEND)
			assert_int_not_equal(fk.log[i].dst.v4.s_addr, group.v4.s_addr);

	/* "2+3": both versions to both peers. */
	cfg.version = VIPD_V2_V3;
	cfg.adver_int_cs = SEC_CS;
	base = fk.n;
	instance_stop(&inst, now_ns);
	assert_int_equal(count_kind(IO_SEND, base), 4);
	assert_int_equal(inst.stats.prio0_sent, 4);
}

/* unicast_source is the advert source and the tie-break address; FAULT while it is not on the
 * interface, Backup once it is. */
static void unicast_source_must_be_on_the_interface(void **state)
{
	union vip_in nine = pfx("198.18.0.9").in;

	(void)state;
	unicast_config();
	cfg.unicast_source = nine;
	cfg.has_unicast_source = true;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_non_null(strstr(inst.fault_reason, "unicast_source"));

	ifaddrs[1] = pfx("198.18.0.9/24");
	ifc.naddrs = 2;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(inst.fsm.cfg.primary.v4.s_addr, nine.v4.s_addr);
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	for (size_t i = 0; i < fk.n; i++)
		if (fk.log[i].kind == IO_SEND)
			assert_int_equal(fk.log[i].src.v4.s_addr, nine.v4.s_addr);

	ifc.naddrs = 1; /* the source went away: FAULT, priority 0 still from it */
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
}

/* Adverts from an address that is not a listed peer are dropped as "not-peer" and leave the
 * timer alone, whatever their priority; a listed peer is heard. */
static void unicast_receive_only_from_peers(void **state)
{
	union vip_in stranger = pfx("198.18.0.77").in;
	monotime deadline;

	(void)state;
	unicast_config();
	cfg.npeers = 1; /* peer_lo only */
	start();
	deadline = inst.fsm_timer.deadline;
	now_ns += 10 * MT_MSEC;
	rx_full(3, 200, 5, &stranger, &me, 0, NULL);
	rx_full(3, 0, 5, &peer_hi, &group, 0, NULL);
	assert_int_equal(inst.stats.drops[VRRP_RX_NOT_PEER], 2);
	assert_int_equal(inst.stats.adverts_received, 0);
	assert_int_equal(inst.fsm_timer.deadline, deadline);
	rx_full(3, 200, 5, &peer_lo, &me, 0, NULL);
	assert_int_equal(inst.stats.adverts_received, 1);
	assert_int_equal(inst.fsm_timer.deadline,
	                 now_ns + vrrp_fsm_master_down_interval(3, 150, 5));
}

/* The TTL check is skipped only for unicast adverts of an instance with unicast_ttl_check off. */
static void ttl_check_toggle(void **state)
{
	struct vrrp_rx_meta m4 = {.af = AF_INET, .src = peer_lo, .dst = me, .ttl = 64};
	struct vrrp_rx_meta mc4 = {.af = AF_INET, .src = peer_lo, .dst = group, .ttl = 64};
	struct vrrp_rx_meta m6 = {
	    .af = AF_INET6, .src = pfx("fd00::2").in, .dst = pfx("fd00::1").in};
	struct vrrp_rx_meta mc6 = {
	    .af = AF_INET6, .src = pfx("fe80::2").in, .dst = pfx("ff02::12").in};

	(void)state;
	assert_true(instance_receive_ttl_checked(&cfg, &m4)); /* multicast instance */
	cfg.unicast_ttl_check = false;                /* (config refuses this without peers) */
	assert_true(instance_receive_ttl_checked(&cfg, &m4));
	unicast_config();
	assert_true(instance_receive_ttl_checked(&cfg, &m4));
	assert_true(instance_receive_ttl_checked(&cfg, &mc6));
	cfg.unicast_ttl_check = false;
	assert_false(instance_receive_ttl_checked(&cfg, &m4));
	assert_false(instance_receive_ttl_checked(&cfg, &m6));
	assert_true(instance_receive_ttl_checked(&cfg, &mc4));
	assert_true(instance_receive_ttl_checked(&cfg, &mc6));
}

/* --- status --- */

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\"", key);
	return v;
}

/* mcast_group: adverts go to the configured group, with the v3 checksum over it (a peer told
 * the same group accepts them); mcast_source is their source, FAULT while it is not on the
 * interface, and the status names the group. */
static void mcast_group_and_source(void **state)
{
	union vip_in custom = pfx("239.0.0.18").in, five = pfx("198.18.0.5").in;
	struct vrrp_adv adv;
	size_t sends = 0;

	(void)state;
	cfg.mcast_group = custom;
	cfg.has_mcast_group = true;
	cfg.unicast_source = five;
	cfg.has_unicast_source = true;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_string_equal(inst.fault_reason, "mcast_source is not an address of the interface");

	ifaddrs[1] = pfx("198.18.0.5/24");
	ifc.naddrs = 2;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	for (size_t i = 0; i < fk.n; i++) {
		if (fk.log[i].kind != IO_SEND)
			continue;
		sends++;
		assert_int_equal(fk.log[i].dst.v4.s_addr, custom.v4.s_addr);
		assert_int_equal(fk.log[i].src.v4.s_addr, five.v4.s_addr);
		assert_int_equal(decode_to(i, &adv), VRRP_RX_OK);
	}
	assert_true(sends > 0);
	st = instance_status(&inst, now_ns);
	assert_string_equal(json_object_get_string(get(st, "mcast_group")), "239.0.0.18");
	assert_false(json_object_object_get_ex(st, "unicast_peers", NULL));
}

/* checksum_forms counts both forms, drops lists the reasons seen (only those), unicast_peers
 * appears in unicast mode only. */
static void status_counters(void **state)
{
	struct json_object *forms, *drops;

	(void)state;
	start();
	st = instance_status(&inst, now_ns);
	forms = get(st, "checksum_forms");
	assert_int_equal(json_object_get_int64(get(forms, "rfc5798")), 0);
	assert_int_equal(json_object_get_int64(get(forms, "rfc9568")), 0);
	assert_int_equal(json_object_object_length(get(st, "drops")), 0);
	assert_false(json_object_object_get_ex(st, "unicast_peers", NULL));
	json_object_put(st);

	rx(3, 200, &peer_hi);
	instance_receive(&inst,
	                 &(struct vrrp_adv){.version = 3,
	                                    .type = 1,
	                                    .vrid = 51,
	                                    .priority = 200,
	                                    .interval = 5,
	                                    .af = AF_INET,
	                                    .naddr = 1,
	                                    .addrs = {vips[0].in}},
	                 &(struct vrrp_rx_meta){.af = AF_INET, .src = peer_hi, .dst = group},
	                 VRRP_CSUM_RFC9568, now_ns, now_ns);
	rx(2, 200, &peer_hi);
	rx(2, 200, &peer_hi);
	instance_count_drop(&inst, VRRP_RX_TTL);
	unicast_config();
	st = instance_status(&inst, now_ns);
	forms = get(st, "checksum_forms");
	assert_int_equal(json_object_get_int64(get(forms, "rfc5798")), 1);
	assert_int_equal(json_object_get_int64(get(forms, "rfc9568")), 1);
	drops = get(st, "drops");
	assert_int_equal(json_object_object_length(drops), 2);
	assert_int_equal(json_object_get_int64(get(drops, "version")), 2);
	assert_int_equal(json_object_get_int64(get(drops, "ttl")), 1);
	assert_int_equal(json_object_array_length(get(st, "unicast_peers")), 2);
	assert_string_equal(
	    json_object_get_string(json_object_array_get_idx(get(st, "unicast_peers"), 1)),
	    "198.18.0.250");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(v2_pass_equals_keepalived),
	    T(v2_auth_type0_and_full_password),
	    T(v2_auth_checked_on_receive),
	    T(dual_send_password_in_v2_only),
	    T(dual_receive_steady_then_one_takeover),
	    T(dual_prio0_one_takeover),
	    T(dual_master_answers_once),
	    T(dual_version_checks),
	    T(unicast_one_message_per_peer),
	    T(unicast_source_must_be_on_the_interface),
	    T(unicast_receive_only_from_peers),
	    T(mcast_group_and_source),
	    T(ttl_check_toggle),
	    T(status_counters),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
