#!/usr/bin/env bash
# 64: a mixed keepalived/vipd pair with a VIP on a second interface (eth1) and
# excluded addresses (keepalived's virtual_ipaddress_excluded), both ways
# round: one master, which holds every address (each on its interface); the
# backup holds none; stopping the master moves them all to the other node
# within Master_Down_Interval + 100 ms; the master's adverts list the VIPs and
# no excluded address, whichever implementation sends them (tshark).
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require_impl keepalived
for i in 1 2; do
	ns=$(node_ns "$i")
	if ! { ip -n "$ns" link add eth1 type veth peer name eth1p && ip -n "$ns" link set eth1p up &&
		ip -n "$ns" link set eth1 up; }; then
		bail_out "cannot create eth1 (veth) in node $i"
	fi
done

XV=198.18.64.1 # the VIP on eth1
X4=198.18.0.64 # excluded, on eth0
X1=198.18.65.1 # excluded, on eth1
keys=(vipopt="$XV/24 dev eth1 label eth1:vip"
	excluded="$X4/24,$X1/24 dev eth1")

has_addr() { ip -n "$(node_ns "$1")" -o addr show dev "$2" 2>/dev/null | grep -q " $3/"; }
holds_all() { holds_vip "$1" && has_addr "$1" eth1 "$XV" && has_addr "$1" eth0 "$X4" && has_addr "$1" eth1 "$X1"; }
holds_none() { ! has_addr "$1" eth0 "$VIP" && ! has_addr "$1" eth1 "$XV" && ! has_addr "$1" eth0 "$X4" && ! has_addr "$1" eth1 "$X1"; }

# pair TAG IMPL1 IMPL2 — node 1 (IMPL1, 150) master, node 2 (IMPL2, 100) backup
pair() {
	local tag=$1 a=$2 b=$3 t first lists
	must "$tag: node 1 ($a, 150) master, node 2 ($b, 100) backup" start_pair "$a" "$b" "${keys[@]}"
	check "$tag: node 1 ($a) holds every address, each on its interface" wait_for 2 holds_all 1
	check "$tag: node 2 ($b) holds none" holds_none 2
	cap_start "$tag" 1
	sleep 0.3
	t=$(now)
	stop_node 1 TERM 5
	if wait_for 3 eval 'state_is 2 MASTER && holds_all 2'; then
		ok "$tag: node 1 stopped -> node 2 ($b) master with every address ($VT_WAITED_MS ms)"
	else
		not_ok "$tag: node 2 ($b) takes every address ($(vt_state_line))"
	fi
	cap_stop "$tag"
	first=$(first_announce "$tag" 2 "$t")
	within "$(ms_diff "$t" "$first")" "$(fadd "$(mdi_ms 100 "$ADVERT")" 100)" \
		"$tag: node 2 ($b) announces within Master_Down_Interval + 100 ms, ms"
	check "$tag: node 1 ($a) left none behind" holds_none 1
	lists=$(tshark -r "$(cap_file "$tag")" -Y "vrrp && vrrp.prio > 0" -T fields \
		-e ip.src -e vrrp.addr_count -e vrrp.ip_addr 2>/dev/null | sort -u | tr '\t\n' ' ;')
	is "$lists" "$(node_ip 1) 2 $VIP,$XV;$(node_ip 2) 2 $VIP,$XV;" \
		"$tag: every advert ($a and $b) lists the 2 VIPs, no excluded address"
	stop_node 2 TERM 5
	check "$tag: node 2 ($b) stopped: no address left" holds_none 2
}

pair ka-vipd keepalived vipd
pair vipd-ka vipd keepalived
done_testing
