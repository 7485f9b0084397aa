/* announce_tx: the announcements queued in one loop iteration leave in one sendmmsg per
 * ANNOUNCE_TX_BATCH, each result told to the instance that queued it (a frame for a missing
 * interface costs its sender an error, not the others their frames). AF_PACKET on lo: skipped
 * without CAP_NET_RAW. */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <unistd.h>

#include "vipd/announce.h"
#include "vipd/announce_tx.h"

#define MAXF 200

struct results {
	size_t n;
	void *tag[MAXF];
	int err[MAXF];
};

static void sent(void *arg, void *tag, int err)
{
	struct results *r = arg;

	assert_true(r->n < MAXF);
	r->tag[r->n] = tag;
	r->err[r->n++] = err;
}

static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};

static void burst_in_one_call(void **state)
{
	struct results r = {0};
	int fd = announce_open();
	unsigned lo = if_nametoindex("lo");
	struct announce_tx *q;
	struct in_addr ip;
	struct in6_addr ip6;

	(void)state;
	if (fd < 0)
		skip();
	q = announce_tx_new(fd, sent, &r);
	assert_non_null(q);
	inet_pton(AF_INET, "198.18.0.1", &ip);
	inet_pton(AF_INET6, "2001:db8::1", &ip6);
	for (uintptr_t i = 1; i <= 40; i++)
		assert_int_equal(announce_tx_garp(q, lo, mac, ip, (void *)i), 0);
	for (uintptr_t i = 41; i <= 50; i++)
		assert_int_equal(announce_tx_na(q, lo, mac, &ip6, (void *)i), 0);
	assert_int_equal(announce_tx_queued(q), 50);
	assert_int_equal(r.n, 0);
	announce_tx_flush(q);
	assert_int_equal(announce_tx_calls(q), 1);
	assert_int_equal(r.n, 50);
	for (size_t i = 0; i < 50; i++) {
		assert_ptr_equal(r.tag[i], (void *)(i + 1));
		assert_int_equal(r.err[i], 0);
	}
	/* 130 frames: two full batches as they fill, the rest at the flush */
	r.n = 0;
	for (uintptr_t i = 1; i <= 130; i++)
		assert_int_equal(announce_tx_garp(q, lo, mac, ip, (void *)i), 0);
	announce_tx_flush(q);
	assert_int_equal(r.n, 130);
	assert_int_equal(announce_tx_calls(q),
	                 1 + (130 + ANNOUNCE_TX_BATCH - 1) / ANNOUNCE_TX_BATCH);
	/* a frame for a missing interface: its sender alone is told */
	r.n = 0;
	assert_int_equal(announce_tx_garp(q, lo, mac, ip, (void *)1), 0);
	assert_int_equal(announce_tx_garp(q, 0x7ffffff0, mac, ip, (void *)2), 0);
	assert_int_equal(announce_tx_garp(q, lo, mac, ip, (void *)3), 0);
	announce_tx_forget(q, (void *)3);
	announce_tx_free(q); /* flushes */
	assert_int_equal(r.n, 3);
	assert_int_equal(r.err[0], 0);
	assert_ptr_equal(r.tag[1], (void *)2);
	assert_int_not_equal(r.err[1], 0);
	assert_int_equal(r.err[2], 0);
	assert_null(r.tag[2]);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(burst_in_one_call),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
