#!/usr/bin/env bash
# 67: accept = false (Accept_Mode, RFC 9568 6.4.3). The master (not the address
# owner) drops what the client sends to the VIP (ICMP echo and a TCP connect get
# no answer) but still answers ARP for it (the client's neighbour entry resolves
# to the master's MAC), and the node's own address still answers. A failover
# moves the drop (table inet vipd) to the new master; a stopped vipd leaves no
# table; a kill -9 leaves it, and the restart deletes it: with accept = true
# the same traffic passes.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require nft python3

PORT=8067

# has_table I — node I's namespace holds vipd's nftables table
has_table() { ip netns exec "$(node_ns "$1")" nft list tables 2>/dev/null | grep -qx 'table inet vipd'; }
no_table() { ! has_table "$1"; }
# echo_replies ADDR — ICMP echo replies of 5 requests (0.3 s for the last)
echo_replies() {
	ip netns exec "$VT_CL" ping -n -q -c 5 -i 0.05 -W 0.3 "$1" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
# tcp_connects ADDR — a TCP connect from the client to ADDR:PORT succeeds within 1 s
tcp_connects() {
	ip netns exec "$VT_CL" timeout 1 bash -c "exec 3<>/dev/tcp/$1/$PORT" 2>/dev/null
}
no_tcp() { ! tcp_connects "$1"; }
# arp_resolves I — after a flush and one ping, the client's entry for the VIP
# carries node I's MAC (not FAILED or INCOMPLETE)
arp_resolves() {
	local e
	ip -n "$VT_CL" neigh flush dev eth0 2>/dev/null
	ip netns exec "$VT_CL" ping -n -q -c 1 -W 0.3 "$VIP" >/dev/null 2>&1
	e=$(ip -n "$VT_CL" neigh show "$VIP" dev eth0)
	[[ $e == *"lladdr $(node_mac "$1") "* && $e != *FAILED* && $e != *INCOMPLETE* ]]
}
# listen I — a TCP listener on every address of node I (until node I stops:
# stop_node reaps its namespace)
listen() {
	ip netns exec "$(node_ns "$1")" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(16)
while True:
    s.accept()[0].close()
' "$PORT" >/dev/null 2>&1 &
}

listen 1
listen 2
must "node 1 (150) master, node 2 (100) backup, both accept = false" \
	start_pair vipd vipd accept=false
wait_for 2 has_table 1
check "node 1 (master) holds table inet vipd" has_table 1
check "node 2 (backup) has no vipd table" no_table 2
like "$(ip netns exec "$(node_ns 1)" nft list table inet vipd)" "elements = \\{ $VIP \\}" \
	"the table drops the VIP"
is "$(echo_replies "$VIP")" 0 "ICMP echo to the VIP: no reply"
check "TCP connect to the VIP: no answer" no_tcp "$VIP"
is "$(echo_replies "$(node_ip 1)")" 5 "ICMP echo to node 1's own address is answered"
check "TCP connect to node 1's own address succeeds" tcp_connects "$(node_ip 1)"
check "ARP for the VIP is answered: the client's entry has node 1's MAC" arp_resolves 1
is "$(node_status 1 | json_field accept_drop)" true "vipctl status: accept_drop true on the master"
is "$(node_status 2 | json_field accept_drop)" false "vipctl status: accept_drop false on the backup"

# ---- a reload switches Accept_Mode in place: the master stays master
reload_with() {
	write_conf vipd 1 prio=150 "$@" >/dev/null &&
		"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload >/dev/null 2>&1
}
reload_with accept=true
check "reload to accept = true: the table goes" wait_for 2 no_table 1
is "$(echo_replies "$VIP")" 5 "and ICMP echo to the VIP is answered"
reload_with accept=false
check "reload to accept = false: the table is back" wait_for 2 has_table 1
is "$(echo_replies "$VIP")" 0 "and ICMP echo to the VIP gets no reply"
is "$(grep -c 'web: .* -> ' "$VT_DIR/n1.log")" 2 "node 1 stayed master through both reloads (2 transitions logged)"

# ---- failover: a clean stop of node 1
stop_node 1
is "$VT_RC" 0 "node 1 stops cleanly"
check "node 1's namespace has no vipd table after the stop" no_table 1
if wait_for 3 only_master 2; then
	ok "node 2 takes over ($VT_WAITED_MS ms)"
else
	not_ok "node 2 takes over (state '$(node_state 2)', holders '$(who_holds)')"
fi
check "node 2 (new master) holds table inet vipd" has_table 2
is "$(echo_replies "$VIP")" 0 "ICMP echo to the VIP on node 2: no reply"
check "TCP connect to the VIP on node 2: no answer" no_tcp "$VIP"
check "ARP for the VIP is answered by node 2" arp_resolves 2

# ---- kill -9 leaves the table; the restart (accept = true) deletes it
kill9_node 2
check "kill -9 left table inet vipd in node 2's namespace" has_table 2
must "node 2 restarts with accept = true" start_with 2 vipd prio=100 accept=true
listen 2 # stop_node reaped the namespace's processes
check "the stale table is gone once node 2 answers" no_table 2
if wait_for 3 only_master 2; then
	ok "node 2 is master again ($VT_WAITED_MS ms)"
else
	not_ok "node 2 is master again (state '$(node_state 2)', holders '$(who_holds)')"
fi
check "and holds no vipd table with accept = true" no_table 2
is "$(echo_replies "$VIP")" 5 "accept = true: ICMP echo to the VIP is answered"
check "accept = true: TCP connect to the VIP succeeds" tcp_connects "$VIP"
is "$(node_status 2 | json_field accept_drop)" "" "vipctl status: no accept_drop with accept = true"

# ---- kill -9 with accept = false, restart with accept = false: the table is replaced
stop_node 2
must "node 2 runs with accept = false again" start_with 2 vipd prio=100 accept=false
wait_for 3 only_master 2
wait_for 2 has_table 2
kill9_node 2
check "kill -9 left the table again" has_table 2
must "node 2 restarts with accept = false" start_with 2 vipd prio=100 accept=false
if wait_for 3 only_master 2; then
	ok "node 2 is master again ($VT_WAITED_MS ms)"
else
	not_ok "node 2 is master again (state '$(node_state 2)', holders '$(who_holds)')"
fi
is "$(ip netns exec "$(node_ns 2)" nft list tables 2>/dev/null | grep -c 'table inet vipd')" 1 \
	"one table inet vipd after the restart"
is "$(echo_replies "$VIP")" 0 "ICMP echo to the VIP: no reply again"
stop_node 2
check "no vipd table after the last stop" no_table 2
done_testing
