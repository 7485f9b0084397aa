/* Fixture for the instance tests (see instance_fixture.h). The kernel
 * is a fake struct instance_io that logs every call (advert bytes decoded with vrrp_pkt_decode, the
 * netlink batch, the announced VIP) and can be told to fail. A real loop holds the timers but is
 * never run: the tests read the deadlines and fire the callbacks themselves on a fake clock. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "instance_fixture.h"

struct fake_kernel fk;

monotime now_ns;
struct loop *lp;
struct iface ifc;
struct vip_addr ifaddrs[4];
struct vip_addr vips[MAXV];
struct vipd_instance_config cfg;
struct instance inst;
union vip_in me, peer_lo, peer_hi, group;
struct json_object *st;

static struct io_call *log_next(enum io_kind kind)
{
	struct io_call *c;

	assert_true(fk.n < LOG_MAX);
	c = &fk.log[fk.n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->at = now_ns;
	return c;
}

static int fake_send(void *ctx, struct instance *in, const union vip_in *src,
                     const union vip_in *dst, const uint8_t *msg, size_t len)
{
	struct io_call *c = log_next(IO_SEND);

	assert_ptr_equal(ctx, &fk);
	assert_ptr_equal(in, &inst);
	assert_true(len <= sizeof(c->msg));
	c->src = *src;
	c->dst = *dst;
	memcpy(c->msg, msg, len);
	c->len = len;
	errno = ENETDOWN;
	return fk.send_fail ? -1 : 0;
}

static int fake_apply(void *ctx, struct nl_change *changes, size_t n)
{
	struct io_call *c = log_next(IO_APPLY);
	int failed = 0;

	assert_ptr_equal(ctx, &fk);
	assert_true(n <= MAXV);
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		c->op[i] = changes[i].op;
		c->ifindex[i] = changes[i].ifindex;
		c->addr[i] = changes[i].addr;
		c->route[i] = changes[i].route;
		c->rule[i] = changes[i].rule;
		memcpy(c->nh_ifindex[i], changes[i].nh_ifindex, sizeof(c->nh_ifindex[i]));
		c->nodad[i] = changes[i].nodad;
		c->opts[i] = changes[i].opts;
		changes[i].error = changes[i].op == NL_ADDR_ADD || changes[i].op == NL_ROUTE_ADD ||
		                           changes[i].op == NL_RULE_ADD
		                       ? fk.add_err[i]
		                       : fk.del_err[i];
		failed += changes[i].error != 0;
	}
	errno = ENOBUFS;
	return fk.apply_fail ? -1 : failed;
}

static int fake_announce(void *ctx, struct instance *in, const struct vip_addr *vip,
                         const char *dev)
{
	struct io_call *c = log_next(IO_ANNOUNCE);

	(void)ctx;
	(void)in;
	c->vip = *vip;
	snprintf(c->dev, sizeof(c->dev), "%s", dev);
	if (fk.pace_gap)
		fk.pace_next = now_ns + fk.pace_gap;
	return 0;
}

static monotime fake_announce_due(void *ctx, struct instance *in, const struct vip_addr *vip,
                                  const char *dev)
{
	(void)ctx;
	(void)in;
	(void)vip;
	(void)dev;
	return fk.pace_gap ? fk.pace_next : 0;
}

/* The daemon rebuilds its table from every instance's drop list: here inst's alone. */
static int fake_drop_sync(void *ctx, char *err, size_t errlen)
{
	struct io_call *c = log_next(IO_DROP);

	assert_ptr_equal(ctx, &fk);
	assert_true(inst.ndrop <= MAXV);
	c->n = inst.ndrop;
	for (size_t i = 0; i < inst.ndrop; i++)
		c->addr[i] = inst.drop[i];
	snprintf(err, errlen, "Operation not supported");
	return fk.drop_fail ? -1 : 0;
}

const struct instance_io fake_io = {.ctx = &fk,
                                    .send = fake_send,
                                    .apply = fake_apply,
                                    .announce = fake_announce,
                                    .announce_due = fake_announce_due,
                                    .drop_sync = fake_drop_sync};

struct vip_addr pfx(const char *s)
{
	struct vip_addr a;

	assert_int_equal(addr_parse(s, true, &a), 0);
	return a;
}

struct vipd_route route_of(const char *s)
{
	struct vipd_route r;
	char why[128];

	if (route_parse(s, AF_INET, &r, why, sizeof(why)) < 0)
		fail_msg("%s: %s", s, why);
	return r;
}

struct vipd_rule rule_of(const char *s)
{
	struct vipd_rule r;
	char why[128];

	if (rule_parse(s, AF_INET, &r, why, sizeof(why)) < 0)
		fail_msg("%s: %s", s, why);
	return r;
}

int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	memset(&inst, 0, sizeof(inst));
	now_ns = T0;
	lp = loop_new();
	assert_non_null(lp);
	ifaddrs[0] = pfx("198.18.0.1/24");
	ifc = (struct iface){
	    .name = "eth0", .ifindex = 2, .running = true, .addrs = ifaddrs, .naddrs = 1};
	vips[0] = pfx("198.18.0.100/24");
	vips[1] = pfx("198.18.0.101/24");
	cfg = (struct vipd_instance_config){.name = "web",
	                                    .interface = "eth0",
	                                    .vrid = 51,
	                                    .priority = 150,
	                                    .version = VIPD_V3,
	                                    .adver_int_cs = 5,
	                                    .preempt = true,
	                                    .accept = true,
	                                    .checksum = VRRP_CSUM_RFC5798,
	                                    .garp_repeat = 5,
	                                    .garp_delay = 5 * MT_SEC,
	                                    .af = AF_INET,
	                                    .vips = vips,
	                                    .nvips = 1};
	me = pfx("198.18.0.1").in;
	peer_lo = pfx("198.18.0.2").in;
	peer_hi = pfx("198.18.0.250").in;
	group = pfx("224.0.0.18").in;
	return 0;
}

int teardown(void **state)
{
	(void)state;
	loop_timer_cancel(lp, &inst.fsm_timer);
	loop_timer_cancel(lp, &inst.garp_timer);
	loop_timer_cancel(lp, &inst.retry_timer);
	instance_accept_free(&inst);
	instance_peers_free(&inst);
	loop_free(lp);
	if (st)
		json_object_put(st);
	st = NULL;
	return 0;
}

/* --- driving the instance --- */

void start(void)
{
	instance_init(&inst, &cfg, &ifc, lp, &fake_io);
	instance_start(&inst, now_ns);
}

struct loop_timer *earliest(void)
{
	struct loop_timer *ts[3] = {&inst.fsm_timer, &inst.garp_timer, &inst.retry_timer};
	struct loop_timer *t = NULL;

	for (int i = 0; i < 3; i++)
		if (loop_timer_armed(ts[i]) && (!t || ts[i]->deadline < t->deadline))
			t = ts[i];
	return t;
}

/* Fire the earliest armed timer of the instance the way the loop does (disarm, then call) and
 * return its time, which becomes the clock. */
monotime fire_next(void)
{
	struct loop_timer *t = earliest();
	monotime at;

	assert_non_null(t);
	at = t->deadline;
	assert_true(at >= now_ns);
	now_ns = at;
	loop_timer_cancel(lp, t);
	t->cb(t->arg, at);
	return at;
}

/* Fire every timer due up to end, in order, and leave the clock at end. */
void run_until(monotime end)
{
	struct loop_timer *t;

	while ((t = earliest()) != NULL && t->deadline <= end)
		fire_next();
	now_ns = end;
}

/* Start as Backup and let the Master_Down_Timer run out; returns the takeover time. */
monotime become_master(void)
{
	monotime t;

	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	t = fire_next();
	assert_int_equal(inst.fsm.state, VRRP_STATE_MASTER);
	return t;
}

/* Written out from the rule rather than by calling vrrp_fsm_advert_phase: slots 0.625 ms apart,
 * at most 64 in an interval, taken by VRIDs in turn. */
monotime advert_due(monotime t, monotime iv)
{
	monotime slots = iv / (625 * MT_USEC) > 64 ? 64 : iv / (625 * MT_USEC);
	monotime phase = (cfg.vrid % slots) * (iv / slots);
	monotime due = t + iv;

	return due - ((due - phase) % iv);
}

/* rx_list, received by the kernel at heard. */
static void rx_list_heard(uint8_t version, uint8_t prio, const union vip_in *src,
                          const struct vip_addr *addrs, size_t naddr, monotime heard)
{
	struct vrrp_adv adv = {.version = version,
	                       .type = VRRP_TYPE_ADVERT,
	                       .vrid = cfg.vrid,
	                       .priority = prio,
	                       .af = AF_INET,
	                       .interval = version == 3 ? 5 : 1,
	                       .naddr = (uint8_t)naddr};
	struct vrrp_rx_meta meta = {.af = AF_INET, .src = *src, .dst = group, .ttl = 255};

	for (size_t i = 0; i < naddr; i++)
		adv.addrs[i] = addrs[i].in;
	instance_receive(&inst, &adv, &meta, VRRP_CSUM_RFC5798, heard, now_ns);
}

/* Hand the instance an advert from src listing addrs, as the daemon does after vrrp_pkt_decode. */
void rx_list(uint8_t version, uint8_t prio, const union vip_in *src, const struct vip_addr *addrs,
             size_t naddr)
{
	rx_list_heard(version, prio, src, addrs, naddr, now_ns);
}

void rx_heard(uint8_t version, uint8_t prio, const union vip_in *src, monotime heard)
{
	rx_list_heard(version, prio, src, vips, cfg.nvips, heard);
}

/* An advert from src listing our VIPs. */
void rx(uint8_t version, uint8_t prio, const union vip_in *src)
{
	rx_list(version, prio, src, vips, cfg.nvips);
}

/* --- checking the log --- */

size_t count_kind(enum io_kind kind, size_t from)
{
	size_t n = 0;

	for (size_t i = from; i < fk.n; i++)
		n += fk.log[i].kind == kind;
	return n;
}

size_t first_kind(enum io_kind kind, size_t from)
{
	for (size_t i = from; i < fk.n; i++)
		if (fk.log[i].kind == kind)
			return i;
	fail_msg("no call of kind %d from log index %zu on", (int)kind, from);
	return fk.n;
}

/* Decode logged advert i as a peer would (checksum in either form, TTL 255). */
enum vrrp_reason decode(size_t i, struct vrrp_adv *adv, enum vrrp_csum_form *form)
{
	const struct io_call *c = &fk.log[i];
	struct vrrp_rx_meta meta = {.af = AF_INET, .src = c->src, .dst = c->dst, .ttl = 255};

	assert_true(i < fk.n);
	assert_int_equal(c->kind, IO_SEND);
	return vrrp_pkt_decode(c->msg, c->len, &meta, adv, form);
}

/* A v3 advert that decodes cleanly with the fields this instance must send. */
void assert_advert(size_t i, uint8_t prio)
{
	struct vrrp_adv adv;
	enum vrrp_csum_form form;

	assert_int_equal(decode(i, &adv, &form), VRRP_RX_OK);
	assert_int_equal(form, cfg.checksum);
	assert_int_equal(adv.version, 3);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, prio);
	assert_int_equal(adv.interval, cfg.adver_int_cs);
	assert_true(
	    vrrp_pkt_addrs_match(&adv, (union vip_in[]){vips[0].in, vips[1].in}, cfg.nvips));
	assert_int_equal(fk.log[i].src.v4.s_addr, me.v4.s_addr);
	assert_int_equal(fk.log[i].dst.v4.s_addr, group.v4.s_addr);
}

/* One netlink batch carrying op for every VIP on ifindex 2. */
void assert_apply(size_t i, enum nl_change_op op)
{
	const struct io_call *c = &fk.log[i];

	assert_true(i < fk.n);
	assert_int_equal(c->kind, IO_APPLY);
	assert_int_equal(c->n, cfg.nvips);
	for (size_t k = 0; k < c->n; k++) {
		assert_int_equal(c->op[k], op);
		assert_int_equal(c->ifindex[k], 2);
		assert_true(addr_equal(&c->addr[k], &vips[k]));
		assert_int_equal(c->addr[k].plen, 24);
	}
}

/* One announcement round: every VIP once, in order, from log index i. */
void assert_announce_round(size_t i)
{
	for (size_t k = 0; k < cfg.nvips; k++) {
		assert_true(i + k < fk.n);
		assert_int_equal(fk.log[i + k].kind, IO_ANNOUNCE);
		assert_true(addr_equal(&fk.log[i + k].vip, &vips[k]));
	}
}

/* Times at which vip was announced, from log index from on. */
size_t announce_times(const struct vip_addr *vip, size_t from, monotime *out, size_t max)
{
	size_t n = 0;

	for (size_t i = from; i < fk.n; i++)
		if (fk.log[i].kind == IO_ANNOUNCE && addr_equal(&fk.log[i].vip, vip)) {
			assert_true(n < max);
			out[n++] = fk.log[i].at;
		}
	return n;
}

bool any_timer_armed(void)
{
	return loop_timer_armed(&inst.fsm_timer) || loop_timer_armed(&inst.garp_timer) ||
	       loop_timer_armed(&inst.retry_timer);
}
