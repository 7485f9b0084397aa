#!/usr/bin/env bash
# 57: the primary address (advert source, tie-break) of an instance is never
# another instance's VIP. Node 1 runs two instances on eth0, "a" (VIP
# 198.18.0.100/32) and "b" (VIP 198.18.0.150/32), both masters alone. A
# second real address, 198.18.1.1/24, comes after the VIPs; once the first,
# 198.18.0.1/24, is deleted, the kernel lists both VIPs before 198.18.1.1: each
# instance must advertise from 198.18.1.1, never from the other's VIP.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 1
vt_require_impl vipd
vt_require python3

REAL=$(node_ip 1)
conf=$VT_DIR/n1.vipd.conf
{
	echo "router_id = \"n1\";"
	echo "control_socket = \"$VT_DIR/n1.sock\";"
	echo "instances = ("
	echo "  { name = \"a\"; interface = \"eth0\"; vrid = 51; priority = 150;"
	echo "    advert_interval = 0.1; virtual_addresses = [ \"198.18.0.100/32\" ]; },"
	echo "  { name = \"b\"; interface = \"eth0\"; vrid = 52; priority = 150;"
	echo "    advert_interval = 0.1; virtual_addresses = [ \"198.18.0.150/32\" ]; }"
	echo ");"
} >"$conf"
VT_IMPL_OF[1]=vipd

# field NAME KEY — KEY of instance NAME in node 1's status
field() {
	node_status 1 | python3 -c '
import json, sys
for i in json.load(sys.stdin)["instances"]:
    if i["name"] == sys.argv[1]:
        print(i.get(sys.argv[2]))
' "$1" "$2"
}
both_master_from() {
	[[ "$(field a state)" == MASTER && "$(field b state)" == MASTER &&
		"$(field a master_address)" == "$1" && "$(field b master_address)" == "$1" ]]
}
# the IPv4 addresses of node 1's eth0 in the kernel's order
order() { ip -n "$(node_ns 1)" -4 -o addr show dev eth0 | awk '{ print $4 }' | tr '\n' ' '; }

start_node 1 vipd "$conf"
must "node 1 answers" wait_for 5 node_ready 1
# Master_Down_Interval at 0.1 s, priority 150: 0.34 s; 3 s is the polling deadline
check "both instances MASTER, advertising from $REAL" wait_for 3 both_master_from "$REAL"

OTHER=198.18.1.1
ip -n "$(node_ns 1)" addr add "$OTHER/24" dev eth0
ip -n "$(node_ns 1)" addr del "$REAL/24" dev eth0
diag "eth0 now lists: $(order)"
# the two VIPs, in the order the instances became master, then the real one
like "$(order)" "^198\.18\.0\.1[05]0/32 198\.18\.0\.1[05]0/32 198\.18\.1\.1/24 \$" \
	"the kernel lists the VIPs before the remaining real address"
if wait_for 3 both_master_from "$OTHER"; then
	ok "both MASTER, advertising from $OTHER ($VT_WAITED_MS ms)"
else
	not_ok "both MASTER, advertising from $OTHER (a: $(field a state) from $(field a master_address), b: $(field b state) from $(field b master_address))"
fi
check "and so for 1 s (10 adverts)" stable_for 1 both_master_from "$OTHER"
stop_node 1 TERM
done_testing
