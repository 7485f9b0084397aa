/* Test fixture for instance.c: a fake struct instance_io that logs every call (advert bytes,
 * netlink batches, announcements) and can be told to fail, one configured instance on a fake
 * eth0, and helpers that drive its timers on a fake clock. Shared by the instance tests. */
#ifndef VIPD_TEST_INSTANCE_FIXTURE_H
#define VIPD_TEST_INSTANCE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/instance.h"
#include "vipd/route.h"
#include "vipd/log.h"

#define T0 (1000 * MT_SEC)
#define IV (50 * MT_MSEC) /* adver_int_cs 5 */
#define MAXV 4
#define LOG_MAX 8192

enum io_kind { IO_SEND, IO_APPLY, IO_ANNOUNCE, IO_DROP };

/* One call the instance made to the fake kernel. */
struct io_call {
	enum io_kind kind;
	monotime at;
	union vip_in src, dst; /* IO_SEND, with the message bytes */
	uint8_t msg[VRRP_HDR_LEN + MAXV * 16 + VRRP_AUTH_LEN];
	size_t len;
	size_t n; /* IO_APPLY: the batch */
	enum nl_change_op op[MAXV];
	unsigned ifindex[MAXV];
	struct vip_addr addr[MAXV];
	struct vipd_route route[MAXV];                 /* NL_ROUTE_* changes */
	struct vipd_rule rule[MAXV];                   /* NL_RULE_* changes */
	unsigned nh_ifindex[MAXV][ROUTE_NEXTHOPS_MAX]; /* NL_ROUTE_*: the nexthops' */
	bool nodad[MAXV];
	struct vipd_addr_opts opts[MAXV]; /* NL_ADDR_* changes */
	struct vip_addr vip;              /* IO_ANNOUNCE */
	char dev[IF_NAMESIZE];            /* IO_ANNOUNCE: the address's dev, "" for the VIPs' */
	/* IO_DROP (accept = false): inst's drop list when the table was rebuilt, in n and addr */
};

struct fake_kernel {
	struct io_call log[LOG_MAX];
	size_t n;
	bool send_fail, apply_fail;
	bool drop_fail;    /* drop_sync fails (nftables refused the table) */
	int add_err[MAXV]; /* error to report for change i of an ADD batch */
	int del_err[MAXV]; /* error to report for change i of a DEL batch */
	/* garp_groups: the interface's pace (0: none) and its next slot, moved on by each
	 * announcement; a test sets pace_next to play another instance announcing there */
	monotime pace_gap, pace_next;
};
extern struct fake_kernel fk;
/* The instance_io that logs into fk. */
extern const struct instance_io fake_io;

extern monotime now_ns;
extern struct loop *lp;
extern struct iface ifc;
extern struct vip_addr ifaddrs[4];
extern struct vip_addr vips[MAXV];
extern struct vipd_instance_config cfg;
extern struct instance inst;
extern union vip_in me, peer_lo, peer_hi, group;
extern struct json_object *st; /* last status, freed by teardown */

/* Parse "ADDR[/PLEN]" or fail the test. */
struct vip_addr pfx(const char *s);
/* Parse a virtual_routes entry ("default" is IPv4) or fail the test. */
struct vipd_route route_of(const char *s);
/* Parse a virtual_rules entry (IPv4 without from or to) or fail the test. */
struct vipd_rule rule_of(const char *s);
/* cmocka setup: fresh fake kernel, loop, eth0 (198.18.0.1/24) and instance "web" (vrid 51,
 * priority 150, v3, 50 ms, one VIP 198.18.0.100/24; vips[1] = .101 ready for nvips = 2). */
int setup(void **state);
/* cmocka teardown: disarm the instance's timers, free the loop and the last status. */
int teardown(void **state);
/* instance_init + instance_start with cfg at now_ns. */
void start(void);
/* The earliest armed timer of the instance, or NULL. */
struct loop_timer *earliest(void);
/* Fire the earliest armed timer as the loop does (disarm, call); its time becomes the clock. */
monotime fire_next(void);
/* Fire every timer due up to end, in order, and leave the clock at end. */
void run_until(monotime end);
/* Start as Backup and let the Master_Down_Timer run out; returns the takeover time. */
monotime become_master(void);
/* The Adver_Timer's deadline after a master's advert at t with interval iv: the last point of
 * the instance's grid (cfg.vrid's slot, vrrp_fsm_advert_phase) at or before t + iv. */
monotime advert_due(monotime t, monotime iv);
/* Hand the instance an advert from src listing addrs, as the daemon does after vrrp_pkt_decode. */
void rx_list(uint8_t version, uint8_t prio, const union vip_in *src, const struct vip_addr *addrs,
             size_t naddr);
/* An advert from src listing our VIPs. */
void rx(uint8_t version, uint8_t prio, const union vip_in *src);
/* rx, the kernel having received it at heard (<= now_ns). */
void rx_heard(uint8_t version, uint8_t prio, const union vip_in *src, monotime heard);
/* Calls of a kind in the log from index from on. */
size_t count_kind(enum io_kind kind, size_t from);
/* Index of the first call of a kind in the log from index from on (fails the test if none). */
size_t first_kind(enum io_kind kind, size_t from);
/* Decode logged advert i as a peer would (checksum in either form, TTL 255). */
enum vrrp_reason decode(size_t i, struct vrrp_adv *adv, enum vrrp_csum_form *form);
/* Logged call i is a v3 advert with the fields this instance must send, at priority prio. */
void assert_advert(size_t i, uint8_t prio);
/* Logged call i is one netlink batch carrying op for every VIP on ifindex 2. */
void assert_apply(size_t i, enum nl_change_op op);
/* One announcement round (every VIP once, in order) from log index i. */
void assert_announce_round(size_t i);
/* Times at which vip was announced, from log index from on; returns how many. */
size_t announce_times(const struct vip_addr *vip, size_t from, monotime *out, size_t max);
/* True while any timer of the instance is armed. */
bool any_timer_armed(void);

#endif
