#!/usr/bin/env bash
# 63: addresses with keepalived's options. Both nodes have a second interface
# eth1; the instance has a VIP on eth1 ("dev eth1 label eth1:vip scope link
# noprefixroute") and two excluded addresses (one on eth0, one IPv6 on eth1).
#  a) the master holds every address, each on its interface with its options
#     and IFA_PROTO 112 (`ip -j addr`); the backup holds none; vipctl status
#     lists the excluded addresses and the dev;
#  b) the adverts list the VIPs only, never an excluded address (tshark);
#  c) eth1 down on the master: FAULT with the reason in vipctl status, the
#     other node takes every address within Master_Down_Interval + 100 ms;
#     eth1 up: it preempts back and the backup releases them all;
#  d) a reload changing the eth1 VIP's options and adding an excluded address:
#     in place, the master stays master, only that VIP is deleted and re-added;
#  e) kill -9 of the master leaves its addresses; the restart removes them on
#     both interfaces (IFA_PROTO 112) before it takes over again, and leaves
#     an address vipd did not add;
#  f) with no_track on the eth1 addresses, eth1 down is no FAULT.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
for i in 1 2; do
	ns=$(node_ns "$i")
	if ! { ip -n "$ns" link add eth1 type veth peer name eth1p && ip -n "$ns" link set eth1p up &&
		ip -n "$ns" link set eth1 up; }; then
		bail_out "cannot create eth1 (veth) in node $i"
	fi
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth1.accept_dad=0 >/dev/null
done

XV=198.18.63.1       # the VIP on eth1
X4=198.18.0.63       # excluded, on eth0
X6=fd00:63::1        # excluded, on eth1
keys=(vipopt="$XV/24 dev eth1 label eth1:vip scope link noprefixroute"
	excluded="$X4/24,$X6/64 dev eth1")

# has_addr I DEV ADDR — node I holds ADDR on DEV
has_addr() { ip -n "$(node_ns "$1")" -o addr show dev "$2" 2>/dev/null | grep -q " $3/"; }
# holds_all I / holds_none I — every address of the instance, or none
holds_all() { holds_vip "$1" && has_addr "$1" eth1 "$XV" && has_addr "$1" eth0 "$X4" && has_addr "$1" eth1 "$X6"; }
holds_none() { ! has_addr "$1" eth0 "$VIP" && ! has_addr "$1" eth1 "$XV" && ! has_addr "$1" eth0 "$X4" && ! has_addr "$1" eth1 "$X6"; }

# addr_json I DEV ADDR — the `ip -j addr` entry of ADDR as "label scope noprefixroute"
# (iproute2 >= 6.3 also shows IFA_PROTO: then " proto=112")
addr_json() {
	ip -n "$(node_ns "$1")" -j addr show dev "$2" | python3 -c '
import json, sys
for link in json.load(sys.stdin):
    for a in link.get("addr_info", []):
        if a.get("local") == sys.argv[1]:
            p = " proto=%s" % a["protocol"] if "protocol" in a else ""
            print(a.get("label", "-"), a.get("scope"),
                  ("noprefixroute" if a.get("noprefixroute") else "-") + p)' "$3"
}

must "node 1 (150) master, node 2 (100) backup, with the address options" \
	start_pair vipd vipd "${keys[@]}"

# ---- a) where the addresses are, with their options
check "a) node 1 holds the VIPs and the excluded addresses, each on its interface" wait_for 2 holds_all 1
check "a) node 2 holds none of them" holds_none 2
got=$(addr_json 1 eth1 "$XV")
like "$got" "^eth1:vip link noprefixroute( proto=(112|0x70))?$" "a) $XV on eth1: label, scope, noprefixroute (ip -j addr)"
got=$(addr_json 1 eth0 "$X4")
like "$got" "^eth0 global -( proto=(112|0x70))?$" "a) excluded $X4 on eth0, plain"
got=$(status_fields 1 virtual_addresses excluded_addresses)
is "$got" "virtual_addresses=$VIP/$VIP_LEN,$XV/24 dev eth1 label eth1:vip scope link noprefixroute excluded_addresses=$X4/24,$X6/64 dev eth1" \
	"a) vipctl status: the addresses with their dev and options, the excluded ones apart"
like "$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" status 2>&1)" "web: excluded addresses: $X4/24" "a) vipctl status (table) names the excluded addresses"

# ---- b) the adverts list the VIPs only
cap_start adv 1
sleep 0.3
cap_stop adv
lists=$(tshark -r "$(cap_file adv)" -Y "vrrp && ip.src == $(node_ip 1)" -T fields -e vrrp.addr_count -e vrrp.ip_addr 2>/dev/null | sort -u)
is "$lists" "2	$VIP,$XV" "b) every advert of node 1 lists the 2 VIPs and no excluded address"

# ---- c) eth1 (an address's dev) down: FAULT, failover
cap_start fault 1
t=$(now)
ip -n "$(node_ns 1)" link set eth1 down
if wait_for 3 eval 'state_is 1 FAULT && only_master 2 && holds_all 2'; then
	ok "c) eth1 down: node 1 FAULT, node 2 master with every address ($VT_WAITED_MS ms)"
else
	not_ok "c) eth1 down: node 1 FAULT, node 2 master with every address ($(vt_state_line))"
fi
cap_stop fault
first=$(first_announce fault 2 "$t")
within "$(ms_diff "$t" "$first")" "$(fadd "$(mdi_ms 100 "$ADVERT")" 100)" \
	"c) node 2 announces within Master_Down_Interval + 100 ms, ms"
like "$(status_fields 1 fault_reason)" "interface eth1 down" "c) vipctl status: the FAULT reason names eth1"
check "c) node 1 released its addresses" wait_for 2 holds_none 1
ip -n "$(node_ns 1)" link set eth1 up
check "c) eth1 up: node 1 preempts back with every address" wait_for 3 eval 'settled 1 && holds_all 1'
check "c) node 2 released every address" wait_for 2 holds_none 2

# ---- d) reload: an option change and a new excluded address, in place
X5=198.18.0.65
conf=$(write_conf vipd 1 prio=150 vipopt="$XV/24 dev eth1 label eth1:web scope link" \
	excluded="$X4/24,$X6/64 dev eth1,$X5/24")
before=$(grep -c -- '-> ' "$VT_DIR/n1.log")
ans=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" --json reload 2>&1)
like "$ans" '"changed":1' "d) vipctl reload: the instance changed in place ($ans)"
# shellcheck disable=SC2016 # expanded by eval
check "d) $XV relabelled eth1:web, without noprefixroute" \
	wait_for 2 eval '[[ "$(addr_json 1 eth1 "$XV")" =~ ^eth1:web\ link\ - ]]'
check "d) the new excluded address $X5 is on node 1's eth0" wait_for 2 has_addr 1 eth0 "$X5"
is "$(grep -c -- '-> ' "$VT_DIR/n1.log")" "$before" "d) no state change on node 1"
is "$(grep -oE 'reload: (added|removed) [0-9./]+' "$VT_DIR/n1.log" | sort | tr '\n' ' ')" \
	"reload: added $X5/24 reload: added $XV/24 reload: removed $XV/24 " \
	"d) only the changed VIP was deleted and re-added, the new excluded address added"
conf=$(write_conf vipd 1 prio=150 "${keys[@]}")
"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload >/dev/null 2>&1
# shellcheck disable=SC2016 # expanded by eval
check "d) reload back: $X5 removed" wait_for 2 eval '! has_addr 1 eth0 "$X5"'

# ---- e) crash cleanup on both interfaces; a foreign address stays
kill9_node 1
check "e) kill -9: node 1's addresses are left behind" holds_all 1
ip -n "$(node_ns 1)" addr add 198.18.64.9/24 dev eth1
must "e) node 2 takes over" wait_for 3 state_is 2 MASTER
start_node 1 vipd "$conf"
check "e) node 1 restarted: leftovers removed from eth1 (IFA_PROTO 112)" \
	wait_for 3 grep -q "removing $XV/24 from eth1, left by an earlier run" "$VT_DIR/n1.log"
check "e) and from eth0" grep -q "removing $X4/24 from eth0, left by an earlier run" "$VT_DIR/n1.log"
check "e) node 1 master again with every address, node 2 none" wait_for 5 eval 'settled 1 && holds_all 1 && holds_none 2'
check "e) the address vipd did not add is still on eth1" has_addr 1 eth1 198.18.64.9
stop_node 1 TERM 5
check "e) a graceful stop removes every address, leaves the foreign one" eval 'holds_none 1 && has_addr 1 eth1 198.18.64.9'

# ---- f) no_track: the address's dev is not tracked
conf=$(write_conf vipd 1 prio=150 vipopt="$XV/24 dev eth1 no_track" excluded="$X4/24,$X6/64 dev eth1 no_track")
start_node 1 vipd "$conf"
must "f) node 1 (no_track on eth1's addresses) master again" wait_for 5 eval 'settled 1 && holds_all 1'
ip -n "$(node_ns 1)" link set eth1 down
# longer than node 2's Master_Down_Interval: a FAULT would have shown by then
check "f) eth1 down: node 1 stays master for 0.5 s" stable_for 0.5 state_is 1 MASTER
ip -n "$(node_ns 1)" link set eth1 up
done_testing
