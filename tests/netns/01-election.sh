#!/usr/bin/env bash
# 01: two nodes start together -> exactly one master, the higher priority,
# per the status and per `ip addr`; the client pings the VIP.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"

cap_start election
t0=$(now)
start_with 1 "$VT_IMPL" prio=150
start_with 2 "$VT_IMPL" prio=100

if wait_for 5 settled 1; then
	ok "node 1 (priority 150) is MASTER, node 2 BACKUP (after $VT_WAITED_MS ms)"
else
	not_ok "election: node 1 MASTER alone (states: '$(node_state 1)' '$(node_state 2)', holders '$(who_holds)')"
fi
check "VIP stays on node 1 only for 1 s (every 20 ms)" stable_for 1 settled 1
diag "samples: $VT_SAMPLES"

if [[ $VT_IMPL == vipd ]]; then
	s1=$(node_status 1) s2=$(node_status 2)
	diag "node 1: $s1" "node 2: $s2"
	is "$(status_fields 1 router_id name state vrid interface version priority effective_priority advert_interval virtual_addresses)" \
		"router_id=n1 name=web state=MASTER vrid=51 interface=eth0 version=3 priority=150 effective_priority=150 advert_interval=0.05 virtual_addresses=$VIP/$VIP_LEN" \
		"node 1's status (JSON) as configured"
	is "$(status_fields 2 state priority master_address)" "state=BACKUP priority=100 master_address=$(node_ip 1)" \
		"node 2's status: BACKUP, names node 1 as master_address"
	like "$(status_fields 1 since)" '^since=[0-9][0-9.e+-]*$' "node 1's 'since' is a number of seconds"
	check "vipd --check accepts the generated config" \
		"$VIPD_BIN" --check -f "$VT_DIR/n1.vipd.conf"
fi

read -r sent rcvd < <(client_ping 5)
is "${rcvd:-0}/${sent:-0}" "5/5" "client pings the VIP"
cap_stop election

first=$(first_announce election 1 "$t0")
diag "node 1's first GARP/advert $(ms_diff "$t0" "$first") ms after the start;" \
	"Master_Down_Interval(priority 150) = $(mdi_ms 150 "$ADVERT") ms"
is "$(count_adverts election 2)" 0 "node 2 (backup) sent no advert"
wire_check election 1 150
done_testing
