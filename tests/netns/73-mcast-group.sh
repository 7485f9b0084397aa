#!/usr/bin/env bash
# 73: a custom multicast group and advert source (vipd's mcast_group and
# mcast_source; keepalived's vrrp_mcast_group4 and mcast_src_ip), keepalived and
# vipd side by side, both orders (who is master first): one master for 2 s with
# the backup silent, every advert to 239.0.0.18 (its MAC 01:00:5e:00:00:12) from
# the node's second address, none to 224.0.0.18, and a cable pull of the master
# gives the VRID to the other implementation within Master_Down_Interval + 20 ms
# of the master's last advert. Then a vipd node left on the IANA group does not
# hear a master on 239.0.0.18: the groups keep VRRP domains apart.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require_impl keepalived
vt_require tshark
mode_set v3
GROUP=239.0.0.18
VT_CONF_DEFAULTS+=("mcast_group=$GROUP" mcast_source=second)
# adverts leave from the second address: that is how the captures tell the nodes apart
node_src() { node_ip2 "$1"; }
mdi=$(mdi_ms 100 "$ADVERT")
diag "mode $M_NAME: $(mode_desc), group $GROUP, sources $(node_ip2 1) and $(node_ip2 2)" \
	"Master_Down_Interval(100) = $mdi ms"
for i in 1 2; do
	ip -n "$(node_ns "$i")" addr add "$(node_ip2 "$i")/24" dev eth0 ||
		bail_out "cannot add $(node_ip2 "$i") to node $i"
done

must_check "vipd --check accepts mcast_group = \"$GROUP\" and mcast_source = \"$(node_ip2 1)\"" \
	"$(write_conf vipd 1 prio=150)"

# sent_to_group TAG NODE WHAT — NODE's adverts in capture TAG all went to $GROUP
sent_to_group() {
	local tag=$1 n=$2 all good
	all=$(vrrp_count "$tag" "ip.src == $(node_ip2 "$n")")
	good=$(vrrp_count "$tag" "ip.src == $(node_ip2 "$n") && ip.dst == $GROUP && eth.dst == 01:00:5e:00:00:12 && ip.ttl == 255")
	if ((all > 0 && good == all)); then
		ok "$tag: node $n ($3) sent its $all adverts to $GROUP from $(node_ip2 "$n")"
	else
		not_ok "$tag: node $n ($3) sent its adverts to $GROUP from $(node_ip2 "$n") ($good of $all)"
	fi
}

# pair TAG IMPL_OF_NODE1 IMPL_OF_NODE2 — node 1 is 150, node 2 is 100
pair() {
	local tag=$1 a=$2 b=$3
	pair_steady "$tag" "$a" "$b" "group $GROUP"
	pair_pull "$tag" "$b" "$mdi"
	cap_stop "$tag"
	sent_to_group "$tag" 1 "$a"
	sent_to_group "$tag" 2 "$b, master"
	is "$(vrrp_count "$tag" "ip.dst == 224.0.0.18")" 0 "$tag: no advert to 224.0.0.18 from either node"
	is "$(vrrp_count "$tag" "(ip.src == $(node_ip 1) || ip.src == $(node_ip 2))")" 0 \
		"$tag: no advert from the interfaces' primary addresses"
	reset_nodes
}

pair ka-master keepalived vipd
pair vipd-master vipd keepalived

# apart: node 1 (vipd, 150) on $GROUP, node 2 (vipd, 100) on the IANA group: each
# hears nobody, so both are master (a split that shows the groups do not mix)
start_with 1 vipd prio=150 || bail_out "node 1 does not start"
start_with 2 vipd prio=100 mcast_group= || bail_out "node 2 does not start"
if wait_for 3 state_is 2 MASTER && state_is 1 MASTER; then
	ok "apart: a node on 224.0.0.18 does not hear the master on $GROUP: both MASTER"
else
	not_ok "apart: both MASTER (states $(node_state 1)/$(node_state 2))"
fi
reset_nodes
done_testing
