#!/usr/bin/env bash
# 98: a replug of the master's cable with unicast peers.
# Node 1 (vipd, 150) is master, node 2 (100) backup, unicast_peers both ways.
# Node 1's cable is pulled (FAULT), node 2 takes over, the cable goes back
# within the neighbour layer's 3 s before an unresolved entry fails, node 1
# preempts back. On the bridge (the peer's side):
# a) no priority 0 advert of node 1 after the pull: one that could not leave
#    while the link was down must not leave later, stale (node 2 would take
#    over again Skew_Time after it, from a node 1 that is backup or master);
# b) node 1's first advert as master again follows its first gratuitous ARP by
#    at most 20 ms (both are sent in the same loop wakeup; the advert also waits
#    for the ARP resolution of node 2, a round trip on a veth bridge, well
#    under 1 ms: 20 ms of margin for a loaded host), not for the neighbour
#    layer's next retransmission of a solicitation made while the link was down.
# Rounds: plain interfaces, vipd on both nodes; then (with keepalived) the
# setting this was found in: VMAC with vmac_xmit_base on both, keepalived on
# node 2.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
VMAC_MAC=$(printf '00:00:5e:00:01:%02x' "$VRID")

# ka_sysctls I on|off — what keepalived's VMAC needs on node I (as mode-body.sh)
ka_sysctls() {
	local v=0 a=0
	[[ $2 == on ]] && v=1 a=2
	ip netns exec "$(node_ns "$1")" sysctl -qw net.ipv4.conf.all.arp_ignore=$v \
		net.ipv4.conf.all.arp_announce=$a >/dev/null
}

# replug_round TAG IMPL_OF_NODE2 GARP_MAC key=value... — the keys for write_conf
replug_round() {
	local tag=$1 b=$2 amac=$3 n0 g a
	shift 3
	[[ $b == keepalived ]] && ka_sysctls 2 on
	must "$tag: node 1 (vipd, 150) master, node 2 ($b, 100) backup, unicast peers" \
		start_pair vipd "$b" unicast=1 "$@"
	cap_start "$tag" 1
	t_pull=$(now)
	cable_pull 1
	check "$tag: cable pull: node 1 is FAULT" wait_for 2 state_is 1 FAULT
	check "$tag: cable pull: node 2 is the only master" wait_for 3 only_master 2
	# long enough for node 2's adverts to reach node 1 again after the replug, well under
	# the 3 s (mcast_solicit 3 x retrans_time 1 s) an unresolved neighbour keeps its queue
	sleep 0.5
	t_replug=$(now)
	cable_replug 1
	check "$tag: replug: node 1 preempts back, the only master" wait_for 3 settled 1
	check "$tag: and stays so for 0.5 s" stable_for 0.5 settled 1
	cap_stop "$tag"

	n0=$(_ev_query "$tag" count vrrp "$(node_src 1)" "$t_pull" "" 0)
	is "$n0" 0 "$tag: a) no priority 0 advert of node 1 on the wire after the pull (stale, queued while down)"
	[[ $n0 == 0 ]] || diag "node 1's priority 0 adverts after the pull, ms after the replug:" \
		"$(awk -v s="$(node_src 1)" -v t="$t_replug" '$2 == "vrrp" && $3 == s && $4 == 0 \
			{ printf "  %.1f\n", ($1 - t) * 1000 }' "$(cap_events "$tag")")"
	# node 1's return as master: its first GARP after the replug, its first advert after it
	g=$(_ev_query "$tag" first arp "$amac" "$t_replug" "")
	a=$(_ev_query "$tag" first vrrp "$(node_src 1)" \
		"$(awk -v g="$g" 'BEGIN { printf "%.6f", g - 0.001 }')" "" 150)
	if [[ -n "$g" && -n "$a" ]]; then
		within "$(ms_diff "$g" "$a")" 20 "$tag: b) node 1's first advert after its first GARP as master again, ms"
	else
		not_ok "$tag: b) node 1 announces and adverts after the replug (GARP '$g', advert '$a')"
	fi
	reset_nodes
	ka_sysctls 2 off
}

replug_round plain vipd "$(node_mac 1)"
if command -v "$KEEPALIVED_BIN" >/dev/null 2>&1; then
	replug_round vmac-ka keepalived "$VMAC_MAC" vmac=true vmac_xmit_base=true
else
	skip "vmac-ka: keepalived on node 2" "keepalived not installed"
fi
done_testing
