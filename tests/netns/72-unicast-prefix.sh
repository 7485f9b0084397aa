#!/usr/bin/env bash
# 72: unicast peers written with a prefix length ("198.18.0.2/32", as cloud pair
# configs write them; keepalived cuts the "/32"), keepalived and vipd side by
# side, both orders (who is master first): vipd --check takes the form, one
# master for 2 s with the backup silent, every advert unicast to the peer (none
# to 224.0.0.18: a fall back to multicast would split the pair), and a cable
# pull of the master gives the VRID to the other implementation within
# Master_Down_Interval + 20 ms of the master's last advert.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require_impl keepalived
vt_require tshark
mode_set v3-unicast
VT_CONF_DEFAULTS+=(peer_plen=32)
mdi=$(mdi_ms 100 "$ADVERT")
diag "mode $M_NAME: $(mode_desc), peers written ADDR/32" \
	"Master_Down_Interval(100) = $mdi ms"

conf=$(write_conf vipd 1 prio=150)
grep -q "\"$(node_ip 2)/32\"" "$conf" || bail_out "write_conf wrote no /32 peer"
must_check "vipd --check accepts unicast_peers = [ \"$(node_ip 2)/32\" ]" "$conf"

# pair TAG IMPL_OF_NODE1 IMPL_OF_NODE2 — node 1 is 150, node 2 is 100
pair() {
	local tag=$1 a=$2 b=$3 n
	pair_steady "$tag" "$a" "$b" "peers written /32"
	pair_pull "$tag" "$b" "$mdi"
	cap_stop "$tag"
	n=$(vrrp_count "$tag" "ip.src == $(node_ip 1) && ip.dst == $(node_ip 2)")
	if ((n > 0)); then
		ok "$tag: node 1 ($a) sent its $n adverts unicast to $(node_ip 2)"
	else
		not_ok "$tag: node 1 ($a) sent adverts unicast to $(node_ip 2)"
	fi
	n=$(vrrp_count "$tag" "ip.src == $(node_ip 2) && ip.dst == $(node_ip 1)")
	if ((n > 0)); then
		ok "$tag: node 2 ($b), master, sent its $n adverts unicast to $(node_ip 1)"
	else
		not_ok "$tag: node 2 ($b), master, sent adverts unicast to $(node_ip 1)"
	fi
	is "$(vrrp_count "$tag" "ip.dst == 224.0.0.18")" 0 "$tag: no advert to 224.0.0.18 from either node"
	[[ $a == vipd ]] && wire_check "$tag" 1 150
	[[ $b == vipd ]] && wire_check "$tag" 2 100
	reset_nodes
}

pair ka-master keepalived vipd
pair vipd-master vipd keepalived
done_testing
