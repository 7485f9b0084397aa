#!/usr/bin/env bash
# 68: accept = false on an IPv6 instance (VRRPv3, VIPs fe80::51 first and
# fd00::100): the master drops ICMPv6 echo to both VIPs but answers Neighbor
# Solicitations for them (RFC 9568 6.4.3: the client's neighbour entry resolves
# to the master's MAC); its own address still answers; the table goes at stop.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require nft
mode_set v3-ipv6

has_table() { ip netns exec "$(node_ns "$1")" nft list tables 2>/dev/null | grep -qx 'table inet vipd'; }
no_table() { ! has_table "$1"; }
# echo_replies ADDR — ICMPv6 echo replies of 5 requests from the client
echo_replies() {
	ip netns exec "$VT_CL" ping -6 -n -q -c 5 -i 0.05 -W 0.3 "$1" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
# nud_confirms I — the client's STALE entry for the VIP (node I's MAC) is
# confirmed again: the unicast Neighbor Solicitation it probes with (addressed
# to the VIP itself, RFC 4861 7.3.3) gets node I's Advertisement
nud_confirms() {
	ip -n "$VT_CL" -6 neigh replace "$VIP" lladdr "$(node_mac "$1")" dev eth0 nud stale
	ip netns exec "$VT_CL" ping -6 -n -q -c 1 -W 0.3 "$VIP" >/dev/null 2>&1
	wait_for 3 _nud_reachable
}
_nud_reachable() { [[ $(ip -n "$VT_CL" -6 neigh show "$VIP" dev eth0) == *REACHABLE* ]]; }
# nd_resolves I ADDR — after a flush and one ping, the client's entry for ADDR
# carries node I's MAC (not FAILED or INCOMPLETE)
nd_resolves() {
	local e
	ip -n "$VT_CL" -6 neigh flush dev eth0 2>/dev/null
	ip netns exec "$VT_CL" ping -6 -n -q -c 1 -W 0.3 "$2" >/dev/null 2>&1
	e=$(ip -n "$VT_CL" -6 neigh show "${2%%%*}" dev eth0)
	[[ $e == *"lladdr $(node_mac "$1") "* && $e != *FAILED* && $e != *INCOMPLETE* ]]
}

must "node 1 (150) master, node 2 (100) backup, both accept = false" \
	start_pair vipd vipd accept=false
wait_for 2 has_table 1
check "node 1 (master) holds table inet vipd" has_table 1
check "node 2 (backup) has no vipd table" no_table 2
tbl=$(ip netns exec "$(node_ns 1)" nft list table inet vipd)
like "$tbl" "set vip6 .*fe80::51" "the table drops fe80::51"
like "$tbl" "set vip6 .*fd00::100" "the table drops fd00::100"
is "$(echo_replies "$VIP")" 0 "ICMPv6 echo to $VIP: no reply"
is "$(echo_replies fe80::51%eth0)" 0 "ICMPv6 echo to fe80::51: no reply"
is "$(echo_replies "$(node_ip6 1)")" 5 "ICMPv6 echo to node 1's own address is answered"
check "Neighbor Solicitation for $VIP is answered: the client's entry has node 1's MAC" \
	nd_resolves 1 "$VIP"
check "Neighbor Solicitation for fe80::51 is answered by node 1" nd_resolves 1 fe80::51%eth0
# the first probe of a STALE entry leaves at once, not after 5 s
ip netns exec "$VT_CL" sysctl -qw net.ipv6.neigh.eth0.delay_first_probe_time=0
check "a unicast Neighbor Solicitation to $VIP is answered (NUD confirms the entry)" \
	nud_confirms 1

stop_node 1
is "$VT_RC" 0 "node 1 stops cleanly"
check "node 1's namespace has no vipd table after the stop" no_table 1
if wait_for 3 only_master 2; then
	ok "node 2 takes over ($VT_WAITED_MS ms)"
else
	not_ok "node 2 takes over (state '$(node_state 2)', holders '$(who_holds)')"
fi
wait_for 2 has_table 2
check "node 2 (new master) holds table inet vipd" has_table 2
is "$(echo_replies "$VIP")" 0 "ICMPv6 echo to $VIP on node 2: no reply"
check "Neighbor Solicitation for $VIP is answered by node 2" nd_resolves 2 "$VIP"
stop_node 2
check "no vipd table after the last stop" no_table 2
done_testing
