/* net_vrrp's send queue: a burst of adverts on one socket goes to the kernel in one sendmmsg
 * (NET_VRRP_TX_BATCH per call), and each message's result is told to its own sender, a failed
 * one among them costing two more calls, not the others. Sends on a raw socket on lo: skipped
 * without CAP_NET_RAW. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "vipd/net_vrrp.h"

#define MAXMSG 200

struct results {
	size_t n;
	void *tag[MAXMSG];
	int err[MAXMSG];
};

static void sent(void *arg, void *tag, const uint8_t *msg, size_t len, int err)
{
	struct results *r = arg;

	assert_int_equal(len, 20);
	if (tag)
		assert_int_equal(msg[1], (uint8_t)(uintptr_t)tag);
	assert_true(r->n < MAXMSG);
	r->tag[r->n] = tag;
	r->err[r->n++] = err;
}

static struct vrrp_sock *open_lo(void)
{
	char err[128];
	struct vrrp_sock *s = net_vrrp_open(AF_INET, if_nametoindex("lo"), "lo", err, sizeof(err));

	if (!s)
		skip();
	return s;
}

/* Queue one 20-byte message to dst whose second byte (the VRID) is tag. */
static void queue(struct vrrp_sock *s, const char *dst, uintptr_t tag, struct results *r)
{
	union vip_in src, to;
	uint8_t msg[20] = {0x31, (uint8_t)tag, 100};

	inet_pton(AF_INET, "127.0.0.1", &src.v4);
	inet_pton(AF_INET, dst, &to.v4);
	assert_int_equal(net_vrrp_queue(s, &src, &to, msg, sizeof(msg), 0, (void *)tag, sent, r),
	                 0);
}

/* A tick's adverts of one interface: one system call per NET_VRRP_TX_BATCH, every one told. */
static void burst_in_one_call(void **state)
{
	struct vrrp_sock *s = open_lo();
	struct results r = {0};
	unsigned long calls = net_vrrp_tx_calls(s);

	(void)state;
	for (uintptr_t i = 1; i <= 50; i++)
		queue(s, "127.0.0.1", i, &r);
	assert_int_equal(net_vrrp_queued(s), 50);
	assert_int_equal(r.n, 0); /* nothing goes before the flush */
	net_vrrp_flush_all();
	assert_int_equal(net_vrrp_tx_calls(s) - calls, 1);
	assert_int_equal(net_vrrp_queued(s), 0);
	assert_int_equal(r.n, 50);
	for (size_t i = 0; i < 50; i++) {
		assert_ptr_equal(r.tag[i], (void *)(i + 1));
		assert_int_equal(r.err[i], 0);
	}
	/* 150: a full queue goes as it fills, the rest at the flush. */
	r.n = 0;
	calls = net_vrrp_tx_calls(s);
	for (uintptr_t i = 1; i <= 150; i++)
		queue(s, "127.0.0.1", i, &r);
	net_vrrp_flush_all();
	assert_int_equal(r.n, 150);
	assert_int_equal(net_vrrp_tx_calls(s) - calls,
	                 (150 + NET_VRRP_TX_BATCH - 1) / NET_VRRP_TX_BATCH);
	net_vrrp_close(s);
}

/* A message the kernel refuses (broadcast without SO_BROADCAST: EACCES) is told to its sender
 * alone; the ones after it still go. */
static void error_told_to_its_sender(void **state)
{
	struct vrrp_sock *s = open_lo();
	struct results r = {0};
	unsigned long calls = net_vrrp_tx_calls(s);

	(void)state;
	queue(s, "127.0.0.1", 1, &r);
	queue(s, "255.255.255.255", 2, &r);
	queue(s, "127.0.0.1", 3, &r);
	net_vrrp_flush(s);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.err[0], 0);
	assert_int_equal(r.err[1], EACCES);
	assert_ptr_equal(r.tag[1], (void *)2);
	assert_int_equal(r.err[2], 0);
	/* sendmmsg reports the first one (1 sent), the next call its error, a third the rest. */
	assert_int_equal(net_vrrp_tx_calls(s) - calls, 3);
	net_vrrp_close(s);
}

/* A sender that goes away: its messages still go, their results told with no tag; closing the
 * socket sends what it holds. */
static void forget_and_close(void **state)
{
	struct vrrp_sock *s = open_lo();
	struct results r = {0};

	(void)state;
	queue(s, "127.0.0.1", 7, &r);
	net_vrrp_forget((void *)7);
	queue(s, "127.0.0.1", 8, &r);
	net_vrrp_close(s);
	assert_int_equal(r.n, 1 + 1);
	assert_null(r.tag[0]);
	assert_ptr_equal(r.tag[1], (void *)8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(burst_in_one_call),
	    cmocka_unit_test(error_told_to_its_sender),
	    cmocka_unit_test(forget_and_close),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
