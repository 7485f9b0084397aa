#!/usr/bin/env bash
# 56: the address owner (priority 255, its own address as the VIP, RFC 9568
# 4.1) and addresses that were on the interface before vipd. vipd never
# deletes an address it did not add: not at FAULT, not at stop, not at a
# restart after kill -9. The owner may use its VIP as its only address.
# Node 1 is the owner of 198.18.0.1 (its own address), node 2 a priority 100
# backup of the same VIP; adverts every 0.1 s.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require python3

IV=0.1
OWN=$(node_ip 1)
# Master_Down_Interval of node 2 (priority 100): how long it takes to notice a
# silent owner; "node 2 stays BACKUP" is watched over 3 of them.
MDI_S=$(awk -v m="$(mdi_ms 100 "$IV")" 'BEGIN { printf "%.3f\n", m / 1000 }')
HOLD_S=$(awk -v m="$MDI_S" 'BEGIN { printf "%.3f\n", 3 * m }')

# addr_set I — node I's IPv4 and global IPv6 addresses on eth0, sorted, from
# `ip -j addr` (what an operator would look at)
addr_set() {
	ip -n "$(node_ns "$1")" -j addr show dev eth0 | python3 -c '
import json, sys
for link in json.load(sys.stdin):
    for a in link.get("addr_info", []):
        if a.get("scope") == "global":
            print("%s/%s" % (a["local"], a["prefixlen"]))
' | sort | tr '\n' ' '
}
# addrs_are I "SET" — node I has exactly these addresses
addrs_are() { [[ "$(addr_set "$1")" == "$2" ]]; }
# check_addrs I "SET" DESC
check_addrs() {
	local got
	got=$(addr_set "$1")
	is "$got" "$2" "$3"
}
not() { ! "$@"; }
owner_settled() {
	state_is 1 MASTER && state_is 2 BACKUP && ! holds_vip 2 "$OWN" && holds_vip 1 "$OWN"
}

owner_conf=(prio=255 "interval=$IV" "vip=$OWN/24")
backup_conf=(prio=100 "interval=$IV" "vip=$OWN/24")

# ---- (c) a non-owner whose VIP an administrator had put on the interface
ip -n "$(node_ns 1)" addr add "$VIP/$VIP_LEN" dev eth0
before=$(addr_set 1)
must "node 1 (150), its VIP already on eth0, and node 2 (100) start" \
	start_pair vipd vipd "interval=$IV"
check_addrs 1 "$before" "node 1 MASTER with the VIP that was there before vipd"
check "which start-up did not remove as left by an earlier run" \
	not grep -q "left by an earlier run" "$VT_DIR/n1.log"
stop_node 1 TERM
check_addrs 1 "$before" "nor at stop: node 1 has every address it had"
check "node 2 took over" wait_for 3 state_is 2 MASTER
stop_node 2 TERM
ip -n "$(node_ns 1)" addr del "$VIP/$VIP_LEN" dev eth0

# ---- (a) the owner's only IPv4 address is the VIP
before=$(addr_set 1)
diag "node 1 before vipd: $before"
must "node 1 (owner) starts" start_with 1 vipd "${owner_conf[@]}"
if wait_for 3 state_is 1 MASTER; then
	ok "the owner whose only IPv4 address is the VIP is MASTER ($VT_WAITED_MS ms)"
else
	not_ok "the owner is MASTER (state '$(node_state 1)')"
	diag "$(grep -E 'FAULT|->' "$VT_DIR/n1.log" | tail -n 3)"
fi
# A backup that took the owner's address over drops the owner's adverts (their
# source is then one of its own addresses: a martian to Linux) unless the
# interface accepts local sources: vipd.conf(5) tells operators to set this.
ip netns exec "$(node_ns 2)" sysctl -qw net.ipv4.conf.eth0.accept_local=1
must "node 2 (100) starts" start_with 2 vipd "${backup_conf[@]}"
wait_for 3 owner_settled
check "node 2 stays BACKUP without the owner's address for 3 x MDI (${HOLD_S} s)" \
	stable_for "$HOLD_S" owner_settled
check_addrs 1 "$before" "node 1 kept its addresses"

# ---- (b) a second address; cable pull and replug, SIGTERM, kill -9 + restart
ip -n "$(node_ns 1)" addr add 198.18.0.11/24 dev eth0
before=$(addr_set 1)
diag "node 1 now: $before (198.18.0.11 a secondary of $OWN/24)"

cable_pull 1
if wait_for 3 state_is 1 FAULT; then
	ok "cable pulled: the owner is FAULT ($VT_WAITED_MS ms)"
else
	not_ok "cable pulled: the owner is FAULT (state '$(node_state 1)')"
fi
wait_for 3 state_is 2 MASTER
check_addrs 1 "$before" "the FAULT deleted none of node 1's addresses"
cable_replug 1
if wait_for 3 owner_settled; then
	ok "after the replug the owner is MASTER again, node 2 BACKUP ($VT_WAITED_MS ms)"
else
	not_ok "after the replug the owner is MASTER again ($(vt_state_line))"
fi
check_addrs 1 "$before" "after the replug node 1 has every address it had"

stop_node 1 TERM
is "$VT_RC" 0 "SIGTERM: node 1 exits 0"
check_addrs 1 "$before" "after SIGTERM node 1 has every address it had"

must "node 1 restarts" start_with 1 vipd "${owner_conf[@]}"
check "and is MASTER, node 2 BACKUP" wait_for 3 owner_settled
stop_node 1 KILL
start_node 1 vipd "$VT_DIR/n1.vipd.conf"
if wait_for 5 node_ready 1 && wait_for 3 owner_settled; then
	ok "restarted after kill -9: the owner is MASTER, node 2 BACKUP"
else
	not_ok "restarted after kill -9: the owner is MASTER ($(vt_state_line))"
fi
check_addrs 1 "$before" "after kill -9 and a restart node 1 has every address it had"
check "the log says the owner's address was there before vipd" \
	grep -q "$OWN/24 was on eth0 before vipd" "$VT_DIR/n1.log"

done_testing
