/* Unit test: the text of `vipctl --json status` for one instance, byte for byte. The status is
 * written straight into a buffer (instance_status_write, jsonw.c) instead of through json-c's
 * tree; users, docs and tests parse that text, so it must stay what the tree printed. Each
 * variant below (odd names, every optional member, each state) is rendered and the whole compared
 * with tests/unit/instance_status.expected, which the json-c tree wrote before the change
 * (VIPD_UPDATE_EXPECTED=1 rewrites it: review the diff). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "instance_fixture.h"
#include "vipd/jsonw.h"

#define NVARIANTS 9

static struct vip_addr excl[2];
static struct vipd_addr_opts excl_opts[2];
static struct vipd_route routes[2];
static struct vipd_rule rules[1];
static union vip_in peers[2];

/* Variant v of instance "web": its config, started or not, driven into a state, counters set. */
static void variant(int v)
{
	cfg.adver_int_cs = 5 + v;
	switch (v) {
	case 1:
		/* a name and an interface of every byte class a JSON string escapes */
		snprintf(cfg.name, sizeof(cfg.name), "we\"b\\/\x01\x1f\x7f\t\b\f\r\n \xc3\xbc");
		break;
	case 2:
		cfg.vmac = true;
		snprintf(cfg.vmac_name, sizeof(cfg.vmac_name), "vrrp.51");
		cfg.vmac_xmit_base = true;
		cfg.version = VIPD_V2_V3;
		cfg.adver_int_cs = 100;
		cfg.ignore_link = true;
		cfg.accept = false;
		break;
	case 3:
		cfg.version = VIPD_V2;
		cfg.adver_int_cs = 100;
		cfg.has_mcast_group = true;
		cfg.mcast_group = pfx("224.0.0.99").in;
		cfg.auth_ah = true;
		cfg.startup_delay = 3 * MT_SEC;
		break;
	case 4:
		peers[0] = peer_lo;
		peers[1] = peer_hi;
		cfg.unicast_peers = peers;
		cfg.npeers = 2;
		break;
	case 5:
		routes[0] = route_of("198.19.0.0/24 via 198.18.0.254");
		routes[1] = route_of("default via 198.18.0.253 dev lo metric 7 table 1000");
		cfg.routes = routes;
		cfg.nroutes = 1;
		rules[0] = rule_of("from 198.18.0.100 table 100 priority 100");
		cfg.rules = rules;
		cfg.nrules = 1;
		break;
	case 6:
		cfg.nvips = 2;
		excl[0] = pfx("198.18.0.200/24");
		excl[1] = pfx("198.18.0.201/32");
		excl_opts[0] = (struct vipd_addr_opts){.scope = -1};
		excl_opts[1] = (struct vipd_addr_opts){.scope = -1, .dev = "eth1"};
		cfg.excluded = excl;
		cfg.excluded_opts = excl_opts;
		cfg.nexcluded = 2;
		break;
	default:
		break;
	}
	instance_init(&inst, &cfg, &ifc, lp, &fake_io);
	if (v == 0)
		return; /* INIT, never started: no master address, no cause */
	if (v == 3 || v == 7) {
		start();
		rx(3, 200, &peer_hi); /* Backup with a known master */
	} else if (v == 8) {
		start();
		inst.fsm.state = VRRP_STATE_FAULT;
		inst.fault_reason = "interface \"eth0\" is down";
	} else {
		become_master();
	}
	if (v == 5) {
		/* after the start: the fake kernel takes 4 changes a batch */
		cfg.nroutes = 2;
		cfg.announce_table = 200;
		cfg.announce_backup_metric = 50;
	}
	now_ns += 1234567891; /* a "since" with every digit of a double */
	inst.stats.csum_forms[VRRP_CSUM_RFC5798] = 7 * (uint64_t)v;
	inst.stats.csum_forms[VRRP_CSUM_RFC9568] = UINT64_MAX - (uint64_t)v;
	if (v % 2) {
		inst.stats.drops[VRRP_RX_OK + 1] = 3;
		inst.stats.drops[VRRP_RX__COUNT - 1] = UINT64_MAX;
	}
	inst.ah_seq = 4000000000u;
	if (v == 5 || v == 1) {
		inst.cause = (struct events_cause){.kind = EVENTS_KIND_CHECK,
		                                   .priority = -1,
		                                   .interval_ms = -1,
		                                   .silence_ms = -1,
		                                   .uid = -1,
		                                   .duration_ms = -1,
		                                   .held_back = -1};
		snprintf(inst.cause.name, sizeof(inst.cause.name), "chk\"/\\%c", 0x1b);
		snprintf(inst.cause.detail, sizeof(inst.cause.detail), "exit 1: \"no\"\n\tend");
	} else if (v == 7) {
		inst.cause = (struct events_cause){.kind = EVENTS_KIND_ADMIN,
		                                   .priority = 0,
		                                   .interval_ms = 1000,
		                                   .version = 2,
		                                   .silence_ms = INT64_MAX,
		                                   .uid = 0,
		                                   .duration_ms = 12,
		                                   .held_back = 5};
		snprintf(inst.cause.from, sizeof(inst.cause.from), "198.18.0.250");
	}
}

/* Variant v's status written by instance_status_write, in braces. */
static char *written(int v, monotime now)
{
	struct jsonw w;
	char *text;

	jsonw_init(&w);
	jsonw_object_open(&w);
	instance_status_write(&inst, now, &w);
	jsonw_object_close(&w);
	text = jsonw_take(&w, NULL);
	assert_non_null(text);
	(void)v;
	return text;
}

/* Every variant's status, one per line: as written, and as the json-c tree of instance_status
 * prints it (each must equal the other). */
static char *render_all(void)
{
	size_t cap = 1 << 16, len = 0;
	char *all = malloc(cap);

	assert_non_null(all);
	for (int v = 0; v < NVARIANTS; v++) {
		struct json_object *o;
		const char *tree;
		char *text;

		setup(NULL);
		variant(v);
		o = instance_status(&inst, now_ns);
		assert_non_null(o);
		tree = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		                                             JSON_C_TO_STRING_NOSLASHESCAPE);
		text = written(v, now_ns);
		assert_string_equal(text, tree);
		assert_true(len + strlen(text) + 2 < cap);
		len += (size_t)snprintf(all + len, cap - len, "%s\n", text);
		free(text);
		json_object_put(o);
		teardown(NULL);
	}
	return all;
}

static void same_as_before(void **state)
{
	const char *top = getenv("top_srcdir");
	char path[4096], *expect, *got = render_all();
	FILE *f;
	long n;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/unit/instance_status.expected", top ? top : ".");
	if (getenv("VIPD_UPDATE_EXPECTED")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	expect = calloc(1, (size_t)n + 1);
	assert_non_null(expect);
	assert_int_equal(fread(expect, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_string_equal(got, expect);
	free(expect);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(same_as_before),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
