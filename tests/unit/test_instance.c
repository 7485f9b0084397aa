/* Unit tests for instance: the glue between one virtual router's FSM and the kernel, driven
 * through the fake kernel and fake clock of instance_fixture.h. */
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

/* --- tests --- */

/* 1. Backup first; at Master_Down_Interval: one ADD batch, one advert, then the announcements. */
static void startup_backup_then_takeover(void **state)
{
	monotime mdi = vrrp_fsm_master_down_interval(3, 150, 5), t;

	(void)state;
	cfg.nvips = 2;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(fk.n, 0);
	assert_int_equal(inst.fsm_timer.deadline, T0 + mdi);
	assert_false(loop_timer_armed(&inst.garp_timer) || loop_timer_armed(&inst.retry_timer));

	t = fire_next();
	assert_int_equal(t, T0 + mdi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(fk.n, 4);
	/* the LAN hears the announcements before the advert that makes an old master let go */
	assert_apply(0, NL_ADDR_ADD);
	assert_announce_round(1);
	assert_advert(3, 150);
	for (size_t i = 0; i < fk.n; i++)
		assert_int_equal(fk.log[i].at, t);
	/* the next advert on the instance's own place in the interval, never later than one */
	assert_int_equal(inst.fsm_timer.deadline, advert_due(t, IV));
	assert_true(inst.fsm_timer.deadline > t && inst.fsm_timer.deadline <= t + IV);
	assert_int_equal(inst.stats.adverts_sent, 1);
	assert_int_equal(inst.stats.announcements, 2);
	assert_int_equal(inst.stats.transitions[VRRP_STATE_MASTER], 1);
}

/* v2+3 sends both versions; the v3 one uses the configured RFC 9568 checksum form. Failed sends
 * are counted and do not stop the master. */
static void v2_v3_and_rfc9568_form(void **state)
{
	struct vrrp_adv adv;

	(void)state;
	cfg.version = VIPD_V2_V3;
	cfg.adver_int_cs = 100;
	cfg.checksum = VRRP_CSUM_RFC9568;
	become_master();
	assert_int_equal(count_kind(IO_SEND, 0), 2);
	assert_advert(2, 150);
	assert_int_equal(decode(3, &adv, NULL), VRRP_RX_OK);
	assert_int_equal(adv.version, 2);
	assert_int_equal(adv.interval, 1);
	assert_int_equal(inst.stats.adverts_sent, 2);
	fk.send_fail = true;
	run_until(inst.fsm_timer.deadline);
	assert_int_equal(inst.stats.send_errors, 2);
	assert_int_equal(inst.stats.adverts_sent, 2);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_true(loop_timer_armed(&inst.fsm_timer));
}

/* 2. 100 adverts, exactly one interval apart, on the instance's grid: the first within an
 * interval of the takeover. */
static void master_advert_rhythm(void **state)
{
	monotime t, prev;
	size_t base;

	(void)state;
	t = become_master();
	base = fk.n;
	run_until(t + 100 * IV);
	assert_int_equal(count_kind(IO_SEND, base), 100);
	prev = advert_due(t, IV) - IV;
	for (size_t i = base; i < fk.n; i++) {
		if (fk.log[i].kind != IO_SEND)
			continue;
		assert_advert(i, 150);
		assert_int_equal(fk.log[i].at - prev, IV);
		prev = fk.log[i].at;
	}
	assert_int_equal(inst.fsm_timer.deadline, advert_due(t, IV) + 100 * IV);
	assert_int_equal(inst.stats.adverts_sent, 101);
}

/* 3. garp_repeat announcements at once and spaced, garp_repeat more after garp_delay, then
 * silence (garp_refresh 0). */
static void garp_two_bursts_then_silence(void **state)
{
	monotime t, at[32], gap;

	(void)state;
	cfg.nvips = 2;
	t = become_master();
	run_until(t + 4 * MT_SEC);
	assert_int_equal(announce_times(&vips[1], 0, at, 32), 5);
	assert_int_equal(announce_times(&vips[0], 0, at, 32), 5);
	assert_int_equal(at[0], t);
	gap = at[1] - at[0];
	assert_true(gap > 0);
	for (int i = 1; i < 5; i++)
		assert_int_equal(at[i] - at[i - 1], gap);
	assert_true(at[4] - t < MT_SEC);

	run_until(t + 60 * MT_SEC);
	assert_int_equal(announce_times(&vips[1], 0, at, 32), 10);
	assert_int_equal(announce_times(&vips[0], 0, at, 32), 10);
	/* The second burst starts garp_delay after the takeover, as keepalived's. */
	assert_int_equal(at[5], t + 5 * MT_SEC);
	for (int i = 6; i < 10; i++)
		assert_int_equal(at[i] - at[i - 1], gap);
	assert_false(loop_timer_armed(&inst.garp_timer));
	assert_int_equal(inst.stats.announcements, 20);
}

/* 3b. garp_refresh: one more burst of garp_repeat every garp_refresh while master (a refresh
 * once restarted the whole first/second burst sequence, doubling the bursts). */
static void garp_refresh_one_burst_per_period(void **state)
{
	monotime t, at[64];

	(void)state;
	cfg.garp_refresh = 60 * MT_SEC;
	t = become_master();
	run_until(t + 10 * MT_SEC);
	assert_int_equal(announce_times(&vips[0], 0, at, 64), 10);
	assert_true(loop_timer_armed(&inst.garp_timer));
	run_until(t + 70 * MT_SEC);
	assert_true(announce_times(&vips[0], 0, at, 64) >= 15);
	/* The refresh comes garp_refresh after the start of the second burst... */
	assert_int_equal(at[10], at[5] + 60 * MT_SEC);
	for (int i = 11; i < 15; i++)
		assert_int_equal(at[i] - at[i - 1], at[1] - at[0]);
	/* ...and is the only burst until the next refresh period. */
	run_until(at[10] + 60 * MT_SEC - 1);
	assert_int_equal(announce_times(&vips[0], 0, at, 64), 15);
}

/* 4. A higher-priority master: Backup, one DEL batch with every VIP, a last advert of ours (the
 * winner answers it with its announcements) and its copy VRRP_YIELD_REPEAT later (one may be
 * lost), announcements stop. */
static void higher_priority_makes_backup(void **state)
{
	monotime t;
	size_t base;

	(void)state;
	cfg.nvips = 2;
	t = become_master();
	run_until(t + 15 * MT_MSEC); /* in the middle of the first burst */
	assert_true(loop_timer_armed(&inst.garp_timer));
	base = fk.n;
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(fk.n, base + 2);
	assert_apply(base, NL_ADDR_DEL);
	assert_advert(base + 1, 150);
	assert_false(loop_timer_armed(&inst.garp_timer));
	assert_int_equal(inst.fsm_timer.deadline, now_ns + VRRP_YIELD_REPEAT);
	assert_int_equal(inst.stats.adverts_received, 1);
	/* The copy, then silence from us while the other master is alive. */
	run_until(now_ns + 100 * MT_MSEC);
	assert_int_equal(fk.n, base + 3);
	assert_advert(base + 2, 150);
	assert_int_equal(fk.log[base + 2].at, fk.log[base + 1].at + VRRP_YIELD_REPEAT);
	assert_int_equal(inst.fsm_timer.deadline,
	                 fk.log[base + 1].at + vrrp_fsm_master_down_interval(3, 150, 5));
}

/* The Master_Down_Timer runs from when the kernel received the advert (heard), not from when
 * the loop got to it: a backup that reads its master's advert 2 ms late still takes over
 * Master_Down_Interval after the advert arrived. */
static void master_down_from_arrival(void **state)
{
	monotime mdi = vrrp_fsm_master_down_interval(3, 100, 5), heard;

	(void)state;
	cfg.priority = 100;
	start();
	run_until(now_ns + 10 * MT_MSEC);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	heard = now_ns;
	now_ns += 2 * MT_MSEC;
	rx_heard(3, 200, &peer_hi, heard);
	assert_int_equal(inst.fsm_timer.deadline, heard + mdi);
	assert_int_equal(fire_next(), heard + mdi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
}

/* 5. A lower-priority master (split brain): answer at once and re-announce, once per interval. */
static void lower_priority_answered_once(void **state)
{
	monotime t, first, due;
	size_t base;

	(void)state;
	t = become_master();
	run_until(t + 210 * MT_MSEC); /* first burst over, last advert at t + 200 ms */
	assert_true(inst.garp_timer.deadline > now_ns + MT_SEC);
	base = fk.n;
	rx(3, 100, &peer_lo);
	first = now_ns;
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(fk.n, base + 2);
	assert_announce_round(base);
	assert_advert(base + 1, 150);
	assert_int_equal(inst.fsm_timer.deadline, advert_due(first, IV));
	assert_true(inst.garp_timer.deadline < first + MT_SEC); /* a new burst runs */

	run_until(first + 20 * MT_MSEC);
	base = fk.n;
	due = inst.fsm_timer.deadline; /* the grid's advert may have gone out meanwhile */
	rx(3, 100, &peer_lo);
	assert_int_equal(fk.n, base);
	assert_int_equal(inst.fsm_timer.deadline, due);
	assert_int_equal(inst.stats.adverts_received, 2);
}

/* 6. Priority 0 from the master: take over after Skew_Time, not Master_Down_Interval. */
static void prio0_takeover_after_skew(void **state)
{
	monotime skew = vrrp_fsm_skew_time(3, 100, 5), t;

	(void)state;
	cfg.priority = 100;
	start();
	now_ns += 100 * MT_MSEC;
	rx(3, 150, &peer_hi);
	assert_int_equal(inst.fsm_timer.deadline,
	                 now_ns + vrrp_fsm_master_down_interval(3, 100, 5));
	now_ns += 20 * MT_MSEC;
	rx(3, 0, &peer_hi);
	assert_int_equal(inst.stats.prio0_received, 1);
	assert_int_equal(fk.n, 0);
	t = now_ns;
	assert_int_equal(fire_next(), t + skew);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(inst.fsm.cause, VRRP_CAUSE_PRIO0);
	assert_apply(0, NL_ADDR_ADD);
	assert_advert(first_kind(IO_SEND, 0), 100);
}

/* 7. Stop as master: priority 0 leaves before the VIPs do; INIT; no timer left. A restart comes
 * back as Backup, and stopping a Backup is silent. */
static void stop_master_prio0_before_delete(void **state)
{
	monotime t;
	size_t base;

	(void)state;
	cfg.nvips = 2;
	t = become_master();
	run_until(t + 20 * MT_MSEC);
	base = fk.n;
	instance_stop(&inst, now_ns);
	assert_int_equal(fk.n, base + 2);
	assert_advert(base, 0);
	assert_apply(base + 1, NL_ADDR_DEL);
	assert_int_equal(inst.fsm.state, VRRP_STATE_INIT);
	assert_false(any_timer_armed());
	assert_int_equal(inst.stats.prio0_sent, 1);
	rx(3, 200, &peer_hi); /* stopped means deaf */
	assert_int_equal(inst.stats.adverts_received, 0);

	instance_start(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	instance_stop(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_INIT);
	assert_int_equal(fk.n, base + 2);
	assert_false(any_timer_armed());
}

/* 8. Someone deletes a VIP: a Backup ignores it, a Master adds it back and announces again. */
static void vip_deleted_restored_as_master(void **state)
{
	struct vip_addr other = pfx("198.18.0.1/24");
	size_t base;

	(void)state;
	cfg.nvips = 2;
	start();
	instance_addr_deleted(&inst, &vips[0], now_ns);
	assert_int_equal(fk.n, 0);
	run_until(fire_next() + MT_SEC);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	base = fk.n;
	instance_addr_deleted(&inst, &other, now_ns);
	assert_int_equal(fk.n, base);

	instance_addr_deleted(&inst, &vips[1], now_ns);
	assert_int_equal(fk.n, base + 3);
	assert_apply(base, NL_ADDR_ADD);
	assert_announce_round(base + 1);
	assert_int_equal(inst.stats.vip_restored, 1);
	assert_true(inst.garp_timer.deadline < now_ns + MT_SEC); /* a fresh burst */
}

/* 9. Link down as master: DEL, FAULT, and no priority 0 (it could only leave after the replug,
 * stale); link up: Backup; no address: FAULT. */
static void link_down_fault_and_back(void **state)
{
	size_t base;

	(void)state;
	become_master();
	base = fk.n;
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(fk.n, base + 1);
	assert_apply(base, NL_ADDR_DEL);
	assert_int_equal(count_kind(IO_SEND, base), 0);
	assert_int_equal(inst.stats.prio0_sent, 0);
	assert_non_null(strstr(inst.fault_reason, "down"));
	assert_false(any_timer_armed());
	rx(3, 200, &peer_hi); /* ignored in FAULT */
	assert_int_equal(inst.stats.adverts_received, 0);

	now_ns += MT_SEC;
	ifc.running = true;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(inst.fsm_timer.deadline,
	                 now_ns + vrrp_fsm_master_down_interval(3, 150, 5));

	ifc.naddrs = 0;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_non_null(strstr(inst.fault_reason, "address"));
	assert_int_equal(fk.n, base + 1); /* a Backup has nothing to say or remove */
	assert_false(any_timer_armed());

	ifc.naddrs = 1;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
}

/* A VRRP socket that cannot join the group makes a multicast instance deaf: FAULT (never a
 * second master), reason in the status; the daemon's retry that works brings it back as Backup.
 * A failed open concerns unicast instances too, a failed join does not. */
static void socket_fault_and_back(void **state)
{
	static union vip_in peers[1];
	size_t base;

	(void)state;
	become_master();
	base = fk.n;
	snprintf(ifc.join_error[0], sizeof(ifc.join_error[0]),
	         "cannot join the IPv4 VRRP group: No buffer space available");
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_advert(base, 0); /* priority 0, VIPs deleted, as for any FAULT */
	assert_apply(base + 1, NL_ADDR_DEL);
	st = instance_status(&inst, now_ns);
	assert_string_equal(json_object_get_string(json_object_object_get(st, "fault_reason")),
	                    "cannot join the IPv4 VRRP group: No buffer space available");
	now_ns += 10 * vrrp_fsm_master_down_interval(3, 150, 5);
	run_until(now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT); /* no Master_Down_Timer in FAULT */

	/* The link goes and comes back while the join still fails: FAULT, for the join. */
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_non_null(strstr(inst.fault_reason, "down"));
	ifc.running = true;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_non_null(strstr(inst.fault_reason, "join"));

	ifc.join_error[0][0] = '\0'; /* the retry worked */
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	json_object_put(st);
	st = instance_status(&inst, now_ns);
	assert_false(json_object_object_get_ex(st, "fault_reason", NULL));

	/* Unicast: the group does not matter, the socket does. */
	peers[0] = peer_lo;
	cfg.unicast_peers = peers;
	cfg.npeers = 1;
	snprintf(ifc.join_error[0], sizeof(ifc.join_error[0]), "cannot join");
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	snprintf(ifc.sock_error[0], sizeof(ifc.sock_error[0]), "vrrp socket (IPv4): EPERM");
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_string_equal(inst.fault_reason, "vrrp socket (IPv4): EPERM");
	/* An IPv6 socket's failure is no business of an IPv4 instance. */
	ifc.sock_error[0][0] = '\0';
	snprintf(ifc.sock_error[1], sizeof(ifc.sock_error[1]), "vrrp socket (IPv6): EPERM");
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
}

/* The advert source skips our own VIPs and follows a change of the interface's address. */
static void primary_skips_vips_and_follows_change(void **state)
{
	union vip_in seven = pfx("198.18.0.7").in;
	monotime t;

	(void)state;
	ifaddrs[0] = vips[0];
	ifaddrs[1] = pfx("198.18.0.1/24");
	ifc.naddrs = 2;
	t = become_master();
	assert_advert(first_kind(IO_SEND, 0), 150);
	ifaddrs[1] = pfx("198.18.0.7/24");
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.cfg.primary.v4.s_addr, seven.v4.s_addr);
	run_until(advert_due(t, IV));
	assert_int_equal(fk.log[fk.n - 1].kind, IO_SEND);
	assert_int_equal(fk.log[fk.n - 1].src.v4.s_addr, seven.v4.s_addr);
}

/* 10. ADD fails with EPERM: counted, retried on a timer until it works; stepping down cancels
 * a pending retry. */
static void eperm_retried_until_added(void **state)
{
	size_t base;

	(void)state;
	cfg.nvips = 2;
	fk.add_err[0] = -EPERM;
	become_master();
	assert_apply(0, NL_ADDR_ADD);
	assert_advert(first_kind(IO_SEND, 0), 150);
	assert_int_equal(inst.stats.nl_errors, 1);
	assert_true(inst.retry_timer.deadline > now_ns);

	base = fk.n; /* still failing: counted again, armed again */
	run_until(inst.retry_timer.deadline);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
	assert_int_equal(inst.stats.nl_errors, 2);
	assert_true(loop_timer_armed(&inst.retry_timer));

	fk.add_err[0] = 0;
	base = fk.n;
	run_until(inst.retry_timer.deadline);
	assert_int_equal(count_kind(IO_APPLY, base), 1);
	/* Added at last, and announced again: the first announcements preceded the address. */
	while (fk.log[base].kind != IO_APPLY)
		base++;
	assert_apply(base, NL_ADDR_ADD);
	assert_announce_round(base + 1);
	assert_int_equal(inst.stats.nl_errors, 2);
	assert_false(loop_timer_armed(&inst.retry_timer));

	fk.add_err[1] = -EPERM;
	instance_addr_deleted(&inst, &vips[1], now_ns);
	assert_true(loop_timer_armed(&inst.retry_timer));
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_false(loop_timer_armed(&inst.retry_timer));
}

/* EEXIST on ADD is success; a batch that cannot be sent at all is counted once and retried. */
static void eexist_ok_batch_failure_retried(void **state)
{
	(void)state;
	cfg.nvips = 2;
	fk.add_err[1] = -EEXIST;
	become_master();
	assert_int_equal(inst.stats.nl_errors, 0);
	assert_false(loop_timer_armed(&inst.retry_timer));

	fk.apply_fail = true;
	instance_addr_deleted(&inst, &vips[0], now_ns);
	assert_int_equal(inst.stats.nl_errors, 1);
	assert_true(loop_timer_armed(&inst.retry_timer));
	fk.apply_fail = false;
	run_until(inst.retry_timer.deadline);
	assert_false(loop_timer_armed(&inst.retry_timer));
	assert_int_equal(inst.stats.nl_errors, 1);
}

/* 11. Adverts the receive checks reject are counted by reason and change nothing; a v3 advert
 * listing other addresses is accepted and counted. */
static void receive_checks_counted(void **state)
{
	monotime deadline;

	(void)state;
	start();
	deadline = inst.fsm_timer.deadline;
	now_ns += 10 * MT_MSEC;
	rx(2, 200, &peer_hi);
	assert_int_equal(inst.stats.drops[VRRP_RX_VERSION], 1);
	assert_int_equal(inst.stats.adverts_received, 0);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(inst.fsm_timer.deadline, deadline);
	assert_false(inst.fsm.master_known);
	instance_count_drop(&inst, VRRP_RX_TTL);
	assert_int_equal(inst.stats.drops[VRRP_RX_TTL], 1);

	rx_list(3, 200, &peer_hi, &vips[1], 1); /* we have 198.18.0.100, it lists .101 */
	assert_int_equal(inst.stats.addr_list_mismatch, 1);
	assert_int_equal(inst.stats.adverts_received, 1);
	assert_true(inst.fsm.master_known);
	assert_int_equal(fk.n, 0);
}

/* An owner is Master at once, and drops every advert (a second owner is a misconfiguration). */
static void owner_master_at_once_drops_adverts(void **state)
{
	(void)state;
	cfg.priority = 255;
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(fk.n, 3);
	assert_apply(0, NL_ADDR_ADD);
	assert_announce_round(1);
	assert_advert(2, 255);
	rx(3, 100, &peer_lo);
	assert_int_equal(inst.stats.drops[VRRP_RX_OWNER], 1);
	assert_int_equal(inst.stats.adverts_received, 0);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(fk.n, 3);
}

/* 12. Status: every field of the status object in vipctl(8) with its value. */
static struct json_object *field(const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(st, key, &v))
		fail_msg("status has no \"%s\"", key);
	return v;
}

/* Take the status at now_ns into st (the previous one is freed). */
static void status(void)
{
	if (st)
		json_object_put(st);
	st = instance_status(&inst, now_ns);
}

static const char *str(const char *key)
{
	return json_object_get_string(field(key));
}

static const char *vip_str(size_t i)
{
	return json_object_get_string(json_object_array_get_idx(field("virtual_addresses"), i));
}

static void status_fields(void **state)
{
	monotime t;

	(void)state;
	cfg.nvips = 2;
	instance_init(&inst, &cfg, &ifc, lp, &fake_io);
	status();
	assert_string_equal(str("state"), "INIT");
	assert_null(field("master_address"));
	instance_start(&inst, now_ns);
	now_ns += 100 * MT_MSEC;
	status();
	assert_string_equal(str("state"), "BACKUP");
	assert_null(field("master_address")); /* nobody heard yet */
	assert_float_equal(json_object_get_double(field("since")), 0.1, 1e-9);
	rx(3, 200, &peer_lo);
	status();
	assert_string_equal(str("master_address"), "198.18.0.2");

	t = fire_next(); /* the peer went silent */
	now_ns = t + 2500 * MT_MSEC;
	status();
	/* vipctl(8)'s 11 status fields, checksum_forms and drops (test_instance_wire.c), demoted */
	assert_int_equal(json_object_object_length(st), 14);
	assert_false(json_object_get_boolean(field("demoted")));
	assert_string_equal(str("name"), "web");
	assert_string_equal(str("state"), "MASTER");
	assert_int_equal(json_object_get_int(field("vrid")), 51);
	assert_string_equal(str("interface"), "eth0");
	assert_true(json_object_is_type(field("version"), json_type_int));
	assert_int_equal(json_object_get_int(field("version")), 3);
	assert_int_equal(json_object_get_int(field("priority")), 150);
	assert_int_equal(json_object_get_int(field("effective_priority")), 150);
	assert_string_equal(str("master_address"), "198.18.0.1");
	assert_true(json_object_is_type(field("advert_interval"), json_type_double));
	assert_float_equal(json_object_get_double(field("advert_interval")), 0.05, 1e-9);
	assert_int_equal(json_object_array_length(field("virtual_addresses")), 2);
	assert_string_equal(vip_str(0), "198.18.0.100/24");
	assert_string_equal(vip_str(1), "198.18.0.101/24");
	assert_float_equal(json_object_get_double(field("since")), 2.5, 1e-9);
	cfg.version = VIPD_V2_V3; /* only the rendering of the version is looked at */
	status();
	assert_string_equal(str("version"), "2+3");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(startup_backup_then_takeover),
	    T(v2_v3_and_rfc9568_form),
	    T(master_advert_rhythm),
	    T(garp_two_bursts_then_silence),
	    T(garp_refresh_one_burst_per_period),
	    T(higher_priority_makes_backup),
	    T(master_down_from_arrival),
	    T(lower_priority_answered_once),
	    T(prio0_takeover_after_skew),
	    T(stop_master_prio0_before_delete),
	    T(vip_deleted_restored_as_master),
	    T(link_down_fault_and_back),
	    T(socket_fault_and_back),
	    T(primary_skips_vips_and_follows_change),
	    T(eperm_retried_until_added),
	    T(eexist_ok_batch_failure_retried),
	    T(receive_checks_counted),
	    T(owner_master_at_once_drops_adverts),
	    T(status_fields),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
