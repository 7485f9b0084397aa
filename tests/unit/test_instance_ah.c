/* Unit tests for auth_type = "ah" in the instance (instance_ah.c, instance.c's send path,
 * instance_receive.c): a master sends keepalived's bytes (the captures of
 * keepalived_ah_vectors.h, IP Identification and sequence number included), a backup takes the
 * real captured adverts and moves its counter, drops a replay as "ah-replay", a plain advert as
 * "auth", and when it takes over counts on from the last number it heard, as keepalived does.
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
#include "keepalived_ah_vectors.h"
#include "vipd/net_vrrp_md5.h"
#include "vipd/vrrp_ah.h"

/* The keepalived reference of the captures: VRID 51, priority 150, v2, advert_int 1 s, AH
 * keyed with "s3cret", VIPs 198.18.0.100 and .101 (the fixture's defaults and addresses). */
static void keepalived_ah_config(void)
{
	cfg.version = VIPD_V2;
	cfg.adver_int_cs = 100;
	cfg.nvips = 2;
	snprintf(cfg.auth_pass, sizeof(cfg.auth_pass), "s3cret");
	cfg.auth_ah = true;
}

/* The index of the first send logged at or after from. */
static size_t next_send(size_t from)
{
	while (from < fk.n && fk.log[from].kind != IO_SEND)
		from++;
	assert_true(from < fk.n);
	return from;
}

/* Hand the instance a captured AH datagram as the daemon does (decoded, then instance_receive).
 * The captures come from 198.18.0.1, the fixture's own address: a test that receives them gives
 * the instance another one first. */
static void rx_capture(const uint8_t *pkt, size_t len)
{
	struct vrrp_rx_meta meta;
	struct vrrp_adv adv;
	const uint8_t *msg;
	size_t mlen;

	assert_int_equal(vrrp_pkt_decode_ipv4(pkt, len, &meta, &msg, &mlen), VRRP_RX_OK);
	assert_int_equal(vrrp_pkt_decode(msg, mlen, &meta, &adv, NULL), VRRP_RX_OK);
	instance_receive(&inst, &adv, &meta, VRRP_CSUM_RFC9568, now_ns, now_ns);
}

/* The first two adverts of a new master and its priority-0 advert, byte for byte. */
static void ah_master_sends_keepalived_bytes(void **state)
{
	size_t i;

	(void)state;
	keepalived_ah_config();
	become_master();
	i = next_send(0);
	assert_int_equal(fk.log[i].len, sizeof(cap_ah_mcast_seq1));
	assert_memory_equal(fk.log[i].msg, cap_ah_mcast_seq1, sizeof(cap_ah_mcast_seq1));
	assert_int_equal(fk.log[i].dst.v4.s_addr, group.v4.s_addr);
	i = fk.n;
	while (count_kind(IO_SEND, i) == 0) /* the announcements, then the next advert */
		fire_next();
	i = next_send(i);
	assert_memory_equal(fk.log[i].msg, cap_ah_mcast_seq2, sizeof(cap_ah_mcast_seq2));
	assert_int_equal(inst.ah_seq, 2);
	/* keepalived's own third advert had ID 3: its priority 0 (frame 4) had 4; ours is next */
	inst.ah_seq = 3;
	inst.ah_ip_id = 3;
	/* prio0_sent reads the priority past the IPv4 and AH headers (vrrp_ah_payload) */
	assert_int_equal(inst.stats.prio0_sent, 0);
	i = fk.n;
	instance_stop(&inst, now_ns);
	i = next_send(i);
	assert_memory_equal(fk.log[i].msg, cap_ah_mcast_prio0, sizeof(cap_ah_mcast_prio0));
	assert_int_equal(inst.stats.prio0_sent, 1);
}

/* A backup takes keepalived's adverts (the key checked), drops what it took already and a
 * plain advert, and after the takeover sends the next sequence number after the last heard. */
static void ah_backup_counts_on(void **state)
{
	size_t i;

	(void)state;
	keepalived_ah_config();
	cfg.priority = 100;
	ifaddrs[0] = pfx("198.18.0.2/24"); /* the captures come from 198.18.0.1 */
	start();
	assert_int_equal(inst.fsm.state, VRRP_STATE_BACKUP);
	rx_capture(cap_ah_mcast_seq1, sizeof(cap_ah_mcast_seq1));
	rx_capture(cap_ah_mcast_seq2, sizeof(cap_ah_mcast_seq2));
	assert_int_equal(inst.stats.adverts_received, 2);
	assert_int_equal(inst.ah_seq, 2);
	rx_capture(cap_ah_mcast_seq2, sizeof(cap_ah_mcast_seq2)); /* replayed */
	rx_capture(cap_ah_mcast_seq1, sizeof(cap_ah_mcast_seq1)); /* older */
	assert_int_equal(inst.stats.drops[VRRP_RX_AH_REPLAY], 2);
	assert_int_equal(inst.stats.adverts_received, 2);
	st = instance_status(&inst, now_ns);
	assert_string_equal(json_object_get_string(json_object_object_get(st, "auth_type")), "ah");
	assert_int_equal(json_object_get_int64(json_object_object_get(st, "ah_sequence")), 2);
	assert_int_equal(json_object_get_int64(json_object_object_get(
	                     json_object_object_get(st, "drops"), "ah-replay")),
	                 2);
	/* no AH header: dropped, whatever it says */
	rx(2, 200, &peer_hi);
	assert_int_equal(inst.stats.drops[VRRP_RX_AUTH], 1);
	/* the master goes quiet: the backup takes over and counts on from 2 */
	i = fk.n;
	while (inst.fsm.state != VRRP_STATE_MASTER)
		fire_next();
	i = next_send(i);
	assert_int_equal(fk.log[i].len, sizeof(cap_ah_mcast_seq1));
	assert_int_equal(fk.log[i].msg[9], VRRP_AH_PROTO);
	assert_memory_equal(fk.log[i].msg + 28, "\0\0\0\3", 4);        /* AH sequence number 3 */
	assert_memory_equal(fk.log[i].msg + 24, &ifaddrs[0].in.v4, 4); /* SPI: our address */
	assert_int_equal(inst.ah_seq, 3);
}

/* Unicast: to each peer, with unicast_ttl in the header vipd writes (IP_HDRINCL). */
static void ah_unicast_ttl(void **state)
{
	size_t i;

	(void)state;
	keepalived_ah_config();
	cfg.unicast_peers = &peer_lo;
	cfg.npeers = 1;
	cfg.unicast_ttl = 64;
	become_master();
	i = next_send(0);
	assert_int_equal(fk.log[i].dst.v4.s_addr, peer_lo.v4.s_addr);
	assert_int_equal(fk.log[i].msg[8], 64);
	assert_memory_equal(fk.log[i].msg + 16, &peer_lo.v4, 4);
}

/* With the wrong key, keepalived's adverts fail their ICV and move nothing. */
static void ah_wrong_key_is_ah_icv(void **state)
{
	(void)state;
	keepalived_ah_config();
	snprintf(cfg.auth_pass, sizeof(cfg.auth_pass), "s3creT");
	cfg.priority = 100;
	ifaddrs[0] = pfx("198.18.0.2/24");
	start();
	rx_capture(cap_ah_mcast_seq1, sizeof(cap_ah_mcast_seq1));
	assert_int_equal(inst.stats.drops[VRRP_RX_AH_ICV], 1);
	assert_int_equal(inst.stats.adverts_received, 0);
	assert_int_equal(inst.ah_seq, 0);
}

/* The daemon loads nettle with the first AH socket (net_vrrp_open_ah); the fake kernel opens
 * none. */
static int load_md5(void **state)
{
	char err[160];

	(void)state;
	return net_vrrp_md5_load(err, sizeof(err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(ah_master_sends_keepalived_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(ah_backup_counts_on, setup, teardown),
	    cmocka_unit_test_setup_teardown(ah_unicast_ttl, setup, teardown),
	    cmocka_unit_test_setup_teardown(ah_wrong_key_is_ah_icv, setup, teardown),
	};
	return cmocka_run_group_tests(tests, load_md5, NULL);
}
