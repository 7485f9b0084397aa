/* Unit tests for sync groups: the pure decision, the FSM's hold_backup flag and resign event,
 * and two instances moving together through sync_set (the instance fixture's "web" plus an
 * "api" instance on its own fake I/O). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"
#include "vipd/sync_group.h"

#define M VRRP_STATE_MASTER
#define B VRRP_STATE_BACKUP
#define F VRRP_STATE_FAULT
#define I VRRP_STATE_INIT

/* --- the decision --- */

static void decide(const enum vrrp_state *states, size_t n, size_t changed, enum vrrp_state prev,
                   const bool *want_resign, bool want_hold)
{
	bool resign[8];

	assert_int_equal(sync_group_decide(states, n, changed, prev, resign), want_hold);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(resign[i], want_resign[i]);
}

static void decisions(void **state)
{
	(void)state;
	/* Member 0 lost an election: the other masters leave, nobody is held. */
	decide((enum vrrp_state[]){B, M, M}, 3, 0, M, (bool[]){0, 1, 1}, false);
	/* Member 0 went FAULT from MASTER: the others leave and are held. */
	decide((enum vrrp_state[]){F, M, B}, 3, 0, M, (bool[]){0, 1, 0}, true);
	/* FAULT from BACKUP: a master elsewhere in the group leaves too. */
	decide((enum vrrp_state[]){F, M}, 2, 0, B, (bool[]){0, 1}, true);
	/* Shutdown (INIT) moves nobody. */
	decide((enum vrrp_state[]){I, M}, 2, 0, M, (bool[]){0, 0}, false);
	/* Becoming MASTER, or BACKUP from BACKUP/FAULT, moves nobody. */
	decide((enum vrrp_state[]){M, M}, 2, 0, B, (bool[]){0, 0}, false);
	decide((enum vrrp_state[]){B, M}, 2, 0, F, (bool[]){0, 0}, false);
	/* Leaving FAULT while another member is still in FAULT: still held. */
	decide((enum vrrp_state[]){B, B, F}, 3, 0, F, (bool[]){0, 0, 0}, true);
}

/* --- the FSM --- */

static struct vrrp_fsm fsm_backup(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = {
	    .version = 3, .priority = 150, .adver_int_cs = 100, .preempt = true, .af = AF_INET};

	c.primary = pfx("198.18.0.10").in;
	vrrp_fsm_init(&f, &c);
	assert_int_equal(vrrp_fsm_startup(&f, T0), VRRP_ACT_STATE);
	return f;
}

static void fsm_hold_backup(void **state)
{
	struct vrrp_fsm f = fsm_backup();
	monotime mdi = vrrp_fsm_master_down_interval(3, 150, 100), t;

	(void)state;
	f.hold_backup = true;
	t = f.master_down_timer;
	assert_int_equal(t, T0 + mdi);
	/* Held: the timer fires, the FSM stays Backup and looks again one MDI later. */
	assert_int_equal(vrrp_fsm_expire(&f, t), 0);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_down_timer, t + mdi);
	/* Released: the next expiry takes over. */
	f.hold_backup = false;
	assert_int_equal(vrrp_fsm_expire(&f, t + mdi), VRRP_ACT_STATE | VRRP_ACT_SEND_ADVERT |
	                                                   VRRP_ACT_ADD_VIPS | VRRP_ACT_ANNOUNCE);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void fsm_resign(void **state)
{
	struct vrrp_fsm f = fsm_backup();
	monotime t = f.master_down_timer;
	monotime mdi = vrrp_fsm_master_down_interval(3, 150, 100);

	(void)state;
	assert_int_equal(vrrp_fsm_resign(&f, t), 0); /* Backup: nothing */
	vrrp_fsm_expire(&f, t);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(vrrp_fsm_resign(&f, t + MT_SEC),
	                 VRRP_ACT_STATE | VRRP_ACT_SEND_PRIO0 | VRRP_ACT_DEL_VIPS);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.prev_state, VRRP_STATE_MASTER);
	assert_int_equal(f.cause, VRRP_CAUSE_SYNC_GROUP);
	assert_string_equal(vrrp_fsm_cause_name(f.cause), "sync-group");
	assert_int_equal(f.adver_timer, 0);
	assert_int_equal(f.master_down_timer, t + MT_SEC + mdi);
}

/* --- two instances through sync_set --- */

static struct instance api;
static struct iface ifc2;
static struct vip_addr ifaddrs2[1], vips2[1];
static struct vipd_instance_config cfg2;
static struct sync_set *set;
static struct instance_io io_web;
static unsigned api_sends, api_prio0, api_adds, api_dels, changes;

static char gmoves[256]; /* the group's states, as sync_group_moved tells them */

static void on_change(void *ctx, struct instance *in)
{
	enum vrrp_state gst;
	const struct vipd_sync_group *moved;

	(void)ctx;
	changes++;
	sync_group_state_changed(set, in, now_ns);
	moved = sync_group_moved(set, in, &gst);
	if (moved) {
		assert_string_equal(moved->name, "edge");
		snprintf(gmoves + strlen(gmoves), sizeof(gmoves) - strlen(gmoves), "%s%s",
		         gmoves[0] ? "," : "", vrrp_fsm_state_name(gst));
	}
}

static int api_send(void *ctx, struct instance *in, const union vip_in *src,
                    const union vip_in *dst, const uint8_t *msg, size_t len)
{
	(void)ctx;
	(void)src;
	(void)dst;
	(void)len;
	assert_ptr_equal(in, &api);
	api_sends++;
	api_prio0 += msg[2] == 0; /* v3 header: version/type, VRID, priority */
	return 0;
}

static int api_apply(void *ctx, struct nl_change *ch, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		api_adds += ch[i].op == NL_ADDR_ADD;
		api_dels += ch[i].op == NL_ADDR_DEL;
		ch[i].error = 0;
	}
	return 0;
}

static int api_announce(void *ctx, struct instance *in, const struct vip_addr *vip, const char *dev)
{
	(void)ctx;
	(void)in;
	(void)vip;
	(void)dev;
	return 0;
}

static const struct instance_io io_api = {
    .send = api_send, .apply = api_apply, .announce = api_announce, .state_changed = on_change};

static struct vipd_instance_config ics[2];
static size_t members[2] = {0, 1};
static struct vipd_sync_group g = {.name = "edge", .members = members, .nmembers = 2};
static struct vipd_config vc = {
    .instances = ics, .ninstances = 2, .sync_groups = &g, .nsync_groups = 1};
static struct instance *list[2] = {&inst, &api};

static int group_setup(void **state)
{

	setup(state);
	memset(&api, 0, sizeof(api));
	api_sends = api_prio0 = api_adds = api_dels = changes = 0;
	gmoves[0] = '\0';
	io_web = fake_io;
	io_web.state_changed = on_change;
	ifaddrs2[0] = pfx("198.18.1.1/24");
	vips2[0] = pfx("198.18.1.100/24");
	ifc2 = ifc;
	snprintf(ifc2.name, sizeof(ifc2.name), "eth1");
	ifc2.ifindex = 3;
	ifc2.addrs = ifaddrs2;
	ifc2.naddrs = 1;
	cfg2 = cfg;
	snprintf(cfg2.name, sizeof(cfg2.name), "api");
	snprintf(cfg2.interface, sizeof(cfg2.interface), "eth1");
	cfg2.vrid = 52;
	cfg2.vips = vips2;
	ics[0] = cfg;
	ics[1] = cfg2;
	instance_init(&inst, &cfg, &ifc, lp, &io_web);
	instance_init(&api, &cfg2, &ifc2, lp, &io_api);
	set = sync_group_new(&vc, list, 2);
	assert_non_null(set);
	assert_string_equal(sync_group_of(set, &inst), "edge");
	assert_string_equal(sync_group_of(set, &api), "edge");
	return 0;
}

static int group_teardown(void **state)
{
	loop_timer_cancel(lp, &api.fsm_timer);
	loop_timer_cancel(lp, &api.garp_timer);
	loop_timer_cancel(lp, &api.retry_timer);
	sync_group_free(set);
	set = NULL;
	return teardown(state);
}

/* Fire api's protocol timer as the loop would, at its deadline. */
static void fire_api(void)
{
	struct loop_timer *t = &api.fsm_timer;
	monotime at = t->deadline;

	assert_true(loop_timer_armed(t));
	if (at > now_ns)
		now_ns = at;
	loop_timer_cancel(lp, t);
	t->cb(t->arg, now_ns);
}

/* Both members start and take over. */
static void both_master(void)
{
	instance_start(&inst, now_ns);
	instance_start(&api, now_ns);
	fire_next(); /* web's Master_Down_Timer */
	fire_api();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(api.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(api_adds, 1);
}

static void fault_moves_the_group(void **state)
{
	monotime mdi = vrrp_fsm_master_down_interval(3, 150, 5);

	(void)state;
	both_master();
	/* web's interface goes down: web FAULT, api resigns (priority 0, VIP deleted). */
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(api.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(api.fsm.cause, VRRP_CAUSE_SYNC_GROUP);
	assert_int_equal(api_prio0, 1);
	assert_int_equal(api_dels, 1);
	assert_false(api.vips_held);
	assert_true(api.fsm.hold_backup);
	/* Held: api's Master_Down_Timer runs out again and again, api stays Backup. */
	for (int i = 0; i < 3; i++) {
		fire_api();
		assert_int_equal(api.fsm.state, VRRP_STATE_BACKUP);
	}
	assert_int_equal(api_adds, 1);
	/* web's interface is back: web BACKUP, the hold is gone, both take over again. */
	ifc.running = true;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_false(api.fsm.hold_backup);
	assert_false(inst.fsm.hold_backup);
	assert_true(api.fsm.master_down_timer <= now_ns + mdi);
	fire_api();
	assert_int_equal(api.fsm.state, VRRP_STATE_MASTER);
	run_until(now_ns + mdi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	/* The group's states: one per move of the whole group. */
	assert_string_equal(gmoves, "BACKUP,MASTER,FAULT,BACKUP,MASTER");
}

static void lost_election_moves_the_group(void **state)
{
	(void)state;
	both_master();
	rx(3, 200, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(api.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(api.fsm.cause, VRRP_CAUSE_SYNC_GROUP);
	assert_int_equal(api_prio0, 1);
	assert_false(api.fsm.hold_backup); /* nobody is in FAULT */
	/* api's peer took over on its link: api hears it and stays Backup. */
	assert_int_equal(changes, 4 + 2);
}

static void fault_while_backup_holds_others(void **state)
{
	(void)state;
	instance_start(&inst, now_ns);
	instance_start(&api, now_ns);
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_FAULT);
	assert_true(api.fsm.hold_backup);
	fire_api();
	fire_api();
	assert_int_equal(api.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(api_adds, 0);
	assert_int_equal(api_sends, 0);
}

static void shutdown_moves_nobody(void **state)
{
	(void)state;
	both_master();
	instance_stop(&inst, now_ns);
	assert_int_equal(inst.fsm.state, VRRP_STATE_INIT);
	assert_int_equal(api.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(api_prio0, 0);
	/* The group stops (its notify_stop) once both members have. */
	assert_string_equal(gmoves, "BACKUP,MASTER");
	instance_stop(&api, now_ns);
	assert_string_equal(gmoves, "BACKUP,MASTER,INIT");
}

/* The group's own state from its members' (for its notify scripts). */
static void group_state_rule(void **state)
{
	const struct {
		struct sync_counts c;
		enum vrrp_state prev, want;
	} cases[] = {
	    {{.n = 2, .init = 2}, VRRP_STATE_INIT, VRRP_STATE_INIT},
	    {{.n = 2, .init = 1, .backup = 1}, VRRP_STATE_INIT, VRRP_STATE_BACKUP},
	    {{.n = 2, .master = 1, .backup = 1}, VRRP_STATE_BACKUP, VRRP_STATE_BACKUP},
	    {{.n = 2, .master = 2}, VRRP_STATE_BACKUP, VRRP_STATE_MASTER},
	    {{.n = 2, .master = 1, .backup = 1}, VRRP_STATE_MASTER, VRRP_STATE_BACKUP},
	    {{.n = 2, .master = 1, .fault = 1}, VRRP_STATE_MASTER, VRRP_STATE_FAULT},
	    {{.n = 3, .backup = 2, .fault = 1}, VRRP_STATE_BACKUP, VRRP_STATE_FAULT},
	    {{.n = 2, .master = 1, .init = 1}, VRRP_STATE_MASTER, VRRP_STATE_MASTER},
	    {{.n = 2, .master = 1, .init = 1}, VRRP_STATE_BACKUP, VRRP_STATE_BACKUP},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(sync_group_derive(&cases[i].c, cases[i].prev), cases[i].want);
}

/* A group formed (reload) while a member is in FAULT: its master resigns, all are held. */
static void refresh_after_reload(void **state)
{
	(void)state;
	both_master();
	sync_group_free(set);
	set = NULL; /* no group while web faults */
	ifc.running = false;
	instance_iface_changed(&inst, now_ns);
	assert_int_equal(api.fsm.state, VRRP_STATE_MASTER);
	set = sync_group_new(&vc, list, 2);
	assert_non_null(set);
	sync_group_refresh(set, now_ns);
	assert_int_equal(api.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(api.fsm.cause, VRRP_CAUSE_SYNC_GROUP);
	assert_true(api.fsm.hold_backup);
}

/* Both members demoted (vipctl demote moves the group): web's new master answers first; api,
 * still handing over, is not resigned (no priority 0 from the group rule, VIP kept) and leaves
 * when its own new master answers. */
static void demoted_members_hand_over_each(void **state)
{
	const char *why;
	union vip_in api_peer = pfx("198.18.1.250").in;
	struct vrrp_adv adv = {.version = 3,
	                       .type = VRRP_TYPE_ADVERT,
	                       .vrid = 52,
	                       .priority = 120,
	                       .af = AF_INET,
	                       .interval = 5,
	                       .naddr = 1};
	struct vrrp_rx_meta meta = {.af = AF_INET, .src = api_peer, .dst = group, .ttl = 255};

	(void)state;
	both_master();
	assert_int_equal(instance_admin_demote(&inst, now_ns, &why), 0);
	assert_int_equal(instance_admin_demote(&api, now_ns, &why), 0);
	assert_int_equal(api_prio0, 1);
	rx(3, 120, &peer_hi);
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(inst.fsm.cause, VRRP_CAUSE_DEMOTE);
	assert_int_equal(api.fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(api_prio0, 1);
	assert_int_equal(api_dels, 0);
	adv.addrs[0] = vips2[0].in;
	instance_receive(&api, &adv, &meta, VRRP_CSUM_RFC5798, now_ns, now_ns);
	assert_int_equal(api.fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(api.fsm.cause, VRRP_CAUSE_DEMOTE);
	assert_int_equal(api_dels, 0);
	assert_true(api.vips_held);
}

/* Not a sync group matter, but the same two-instance set-up: the priority_changed hook that
 * feeds notify_fifo's "INSTANCE PRIORITY n" lines fires once per change of the effective
 * priority. */
static unsigned prio_calls;

static void on_prio(void *ctx, struct instance *in)
{
	(void)ctx;
	assert_ptr_equal(in, &inst);
	prio_calls++;
}

static void priority_changed_hook(void **state)
{
	(void)state;
	prio_calls = 0;
	io_web.priority_changed = on_prio;
	both_master();
	assert_int_equal(prio_calls, 0);
	instance_set_tracking(&inst, -20, false, "check down", now_ns);
	assert_int_equal(inst.fsm.priority, 130);
	assert_int_equal(prio_calls, 1);
	instance_set_tracking(&inst, -20, false, "check down", now_ns);
	assert_int_equal(prio_calls, 1);
	instance_set_tracking(&inst, 0, false, "", now_ns);
	assert_int_equal(inst.fsm.priority, 150);
	assert_int_equal(prio_calls, 2);
}

#define G(f) cmocka_unit_test_setup_teardown(f, group_setup, group_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(decisions),
	    cmocka_unit_test(group_state_rule),
	    cmocka_unit_test(fsm_hold_backup),
	    cmocka_unit_test(fsm_resign),
	    G(fault_moves_the_group),
	    G(lost_election_moves_the_group),
	    G(fault_while_backup_holds_others),
	    G(shutdown_moves_nobody),
	    G(refresh_after_reload),
	    G(priority_changed_hook),
	    G(demoted_members_hand_over_each),
	};

	log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
