#!/usr/bin/env bash
# 79: vmac_xmit_base with unicast peers, and one VRID on two VLANs.
# First the mode body (mode-body.sh) in mode v3-unicast-vmac-base: unicast
# peers, VMAC vrrp.51, adverts from the interface (vipd's vmac_xmit_base,
# keepalived's vmac_xmit_base, which keepalived needs for a VMAC with unicast):
# vipd on both nodes and keepalived/vipd both ways, one master, every advert
# from the node's own MAC to the peer, the announcements from the virtual MAC,
# the client's entry for the VIP the virtual MAC after every failover,
# takeovers within Master_Down_Interval + 20 ms and Skew_Time + 20 ms.
# Then VLANs 5 and 6 on eth0 (on a kernel without 802.1q: two more bridged
# LANs, lan5 and lan6), each with an instance of VRID 51 on its own VMAC
# (vrrp.eth0.5.51, vrrp.eth0.6.51, keepalived's per-VLAN names), keepalived and
# vipd both ways: each VIP on one node only, the client's entry for each VIP on
# its VLAN is 00:00:5e:00:01:33, and a cable pull of the master moves both
# within Master_Down_Interval(100) + 100 ms of the pull (the wait polls every
# 10 ms; two address batches on a loaded host), the client keeping the VMAC.
VT_MODE=v3-unicast-vmac-base
MODE_BODY_MORE=1
# shellcheck source=tests/netns/mode-body.sh
. "$(dirname "$0")/mode-body.sh"

VLANS="5 6"
VMAC_MAC=$(printf '00:00:5e:00:01:%02x' "$VRID")
vlan_vip() { echo "198.18.$1.100"; }
# VLANs 5 and 6 on eth0 where the kernel has 802.1q; else (a kernel built
# without it) two more LANs, lan5 and lan6, each a bridge of its own: for vipd
# the same case, one VRID on two parent interfaces
if ip -n "$(node_ns 1)" link add link eth0 name eth0.5 type vlan id 5 2>/dev/null; then
	ip -n "$(node_ns 1)" link del eth0.5
	seg_if() { echo "eth0.$1"; }
	diag "VLANs 5 and 6 on eth0 (802.1q)"
else
	seg_if() { echo "lan$1"; }
	diag "this kernel has no 802.1q VLANs: lan5 and lan6 are two more bridged LANs"
	for v in $VLANS; do
		ip -n "$VT_SW" link add "br$v" type bridge stp_state 0 forward_delay 0 mcast_snooping 0 &&
			ip -n "$VT_SW" link set "br$v" up || bail_out "cannot make bridge br$v"
	done
fi
for i in 1 2 c; do
	if [[ $i == c ]]; then ns=$VT_CL a=200; else ns=$(node_ns "$i") a=$i; fi
	for v in $VLANS; do
		if [[ $(seg_if "$v") == lan* ]]; then
			ip -n "$ns" link add "lan$v" type veth peer name "l$v$i" netns "$VT_SW" &&
				ip -n "$VT_SW" link set "l$v$i" master "br$v" up
		else
			ip -n "$ns" link add link eth0 name "eth0.$v" type vlan id "$v"
		fi || bail_out "cannot make segment $v in $ns"
		ip -n "$ns" link set "$(seg_if "$v")" up &&
			ip -n "$ns" addr add "198.18.$v.$a/24" dev "$(seg_if "$v")" ||
			bail_out "cannot set up $(seg_if "$v") in $ns"
	done
done

# vlan_conf IMPL I PRIO — node I's config: one instance of VRID $VRID per VLAN
vlan_conf() {
	local impl=$1 i=$2 p=$3 v f="$VT_DIR/n$2.vlans.$1.conf"
	{
		if [[ $impl == vipd ]]; then
			echo "router_id = \"n$i\"; control_socket = \"$VT_DIR/n$i.sock\";"
			echo "state_dir = \"$VT_DIR/n$i.lib\";"
			echo "instances = ("
			for v in $VLANS; do
				echo "  { name = \"v$v\"; interface = \"$(seg_if "$v")\"; vrid = $VRID; priority = $p;"
				echo "    advert_interval = $ADVERT; vmac = \"vrrp.$(seg_if "$v").$VRID\";"
				echo "    virtual_addresses = [ \"$(vlan_vip "$v")/24\" ]; }$([[ $v == 6 ]] || echo ,)"
			done
			echo ");"
		else
			echo "global_defs { router_id n$i; vrrp_version 3; script_user root }"
			for v in $VLANS; do
				echo "vrrp_instance v$v { state BACKUP; interface $(seg_if "$v"); virtual_router_id $VRID"
				echo "  priority $p; advert_int $ADVERT; use_vmac vrrp.$(seg_if "$v").$VRID"
				echo "  virtual_ipaddress { $(vlan_vip "$v")/24 } }"
			done
		fi
	} >"$f"
	# keepalived wants its blocks on lines of their own
	[[ $impl == keepalived ]] && sed -i 's/; /\n  /g; s/{ /{\n  /g; s/ }/\n}/g' "$f"
	echo "$f"
}
# vlans_on I — node I holds both VLAN VIPs, the other node neither
vlans_on() {
	local v o=$((3 - $1))
	for v in $VLANS; do
		holds_vip "$1" "$(vlan_vip "$v")" && ! holds_vip "$o" "$(vlan_vip "$v")" || return 1
	done
}
# vlan_client_vmac — the client reaches each VIP on its VLAN and knows it by the VMAC
vlan_client_vmac() {
	local v l
	for v in $VLANS; do
		ip netns exec "$VT_CL" ping -n -q -c 1 -W 1 "$(vlan_vip "$v")" >/dev/null 2>&1 || return 1
		l=$(ip -n "$VT_CL" neigh show "$(vlan_vip "$v")" dev "$(seg_if "$v")" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
		[[ $l == "$VMAC_MAC" ]] || return 1
	done
}
# vmacs_of I — node I's VMACs with their MAC: "NAME MAC" lines, sorted
vmacs_of() {
	ip -n "$(node_ns "$1")" -j link show type macvlan | python3 -c '
import json, sys
print(" ".join(sorted("%s %s" % (l["ifname"], l["address"]) for l in json.load(sys.stdin))))'
}
# seg_pull I up|down — node I's cable on both segments (VLAN mode: its eth0)
seg_pull() {
	local v
	if [[ $(seg_if 5) == lan* ]]; then
		for v in $VLANS; do ip -n "$VT_SW" link set "l$v$1" "$2"; done
	elif [[ $2 == down ]]; then cable_pull "$1"; else cable_replug "$1"; fi
}

mdi=$(mdi_ms 100 "$ADVERT")
# vlan_round TAG IMPL_OF_NODE1 IMPL_OF_NODE2 — node 1 is 150, node 2 is 100
vlan_round() {
	local tag=$1 a=$2 b=$3 i
	[[ $a == keepalived ]] && ka_vmac_sysctls 1 on
	[[ $b == keepalived ]] && ka_vmac_sysctls 2 on
	start_node 1 "$a" "$(vlan_conf "$a" 1 150)"
	must "$tag: node 1 ($a, 150) holds both VLANs' VIPs, node 2 ($b, 100) none" wait_for 5 vlans_on 1
	start_node 2 "$b" "$(vlan_conf "$b" 2 100)"
	check "$tag: one master per VLAN (node 1) for $steady s after node 2 started" stable_for "$steady" vlans_on 1
	for i in 1 2; do
		is "$(vmacs_of "$i")" "vrrp.$(seg_if 5).$VRID $VMAC_MAC vrrp.$(seg_if 6).$VRID $VMAC_MAC" \
			"$tag: node $i (${VT_IMPL_OF[$i]}) has a VMAC per VLAN, both $VMAC_MAC"
	done
	check "$tag: the client reaches both VIPs and knows each by $VMAC_MAC" wait_for 2 vlan_client_vmac
	seg_pull 1 down
	if wait_for "$(awk -v m="$mdi" 'BEGIN { print m / 1000 + 2 }')" vlans_on 2; then
		within "$VT_WAITED_MS" "$(fadd "$mdi" 100)" "$tag: cable pull of node 1: node 2 ($b) holds both VIPs, ms after the pull"
	else
		not_ok "$tag: cable pull of node 1: node 2 ($b) takes both VLANs over ($(who_holds))"
	fi
	check "$tag: after the failover the client still knows each VIP by $VMAC_MAC" wait_for 2 vlan_client_vmac
	seg_pull 1 up
	for i in 1 2; do stop_node "$i" TERM 5; done
	reset_nodes
	ka_vmac_sysctls 1 off
	ka_vmac_sysctls 2 off
}
vlan_round vlans-vipd vipd vipd
if [[ $VT_IMPL != keepalived ]]; then
	vlan_round vlans-ka-master keepalived vipd
	vlan_round vlans-ka-backup vipd keepalived
fi
done_testing
