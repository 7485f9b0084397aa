#!/usr/bin/env bash
# 20: 64 instances on eth0 (VRIDs 1..64) plus 8 on the VLAN interface eth0.100
# (VRIDs 1..8 again: demux by interface and VRID), 50 ms adverts, node 1
# (150) against node 2 (100):
#  - all 72 converge: node 1 MASTER of each and holder of every VIP, node 2
#    BACKUP of each (vipctl --json status), the client reaches VIPs on both
#    interfaces;
#  - 30 s of steady state: no transition logged on either node, the VIPs stay;
#  - one cable pull moves all 72 to node 2; the replug brings them all back.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/multi.sh
. "$(dirname "$0")/multi.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"
N_ETH=64 N_VLAN=8 TOTAL=$((64 + 8))
STEADY=${VT_STEADY:-30}

# The VLAN on every member: node i is 198.18.2.i, the client 198.18.2.200.
# A kernel without 802.1Q (CONFIG_VLAN_8021Q) gets a stand-in: a second veth
# named eth0.100 on a second bridge br1, pulled with eth0's cable.
VLAN=1
ip -n "$VT_SW" link add vt-probe type vlan id 100 link br0 2>/dev/null || VLAN=0
ip -n "$VT_SW" link del vt-probe 2>/dev/null
if ((!VLAN)); then
	diag "this kernel has no 802.1Q VLANs: eth0.100 is a second veth on a second bridge"
	{ ip -n "$VT_SW" link add br1 type bridge stp_state 0 forward_delay 0 mcast_snooping 0 &&
		ip -n "$VT_SW" link set br1 up; } || bail_out "cannot create br1"
fi
for m in 1 2 c; do
	if [[ $m == c ]]; then ns=$VT_CL ip4=198.18.2.200; else ns=$(node_ns "$m") ip4=198.18.2.$m; fi
	if ((VLAN)); then
		ip -n "$ns" link add link eth0 name eth0.100 type vlan id 100
	else
		ip -n "$ns" link add eth0.100 type veth peer name "q$m" netns "$VT_SW" &&
			ip -n "$VT_SW" link set "q$m" master br1 up
	fi || bail_out "cannot create eth0.100 in $ns"
	{ ip -n "$ns" addr add "$ip4/24" dev eth0.100 && ip -n "$ns" link set eth0.100 up; } ||
		bail_out "cannot configure eth0.100 in $ns"
done
# pull I / replug I — node I's cable (with the stand-in, both of its ports)
pull() { cable_pull "$1"; ((VLAN)) || ip -n "$VT_SW" link set "q$1" down; }
replug() { cable_replug "$1"; ((VLAN)) || ip -n "$VT_SW" link set "q$1" up; }
# the eth0 VIPs are 198.18.1.k/24: on-link for the client too
ip -n "$VT_CL" addr add 198.18.1.200/24 dev eth0

# instances PRIO — the 72 instance words for a node of priority PRIO
instances() {
	local k
	for k in $(seq 1 $N_ETH); do echo "e$k,eth0,$k,$1,198.18.1.$k/24"; done
	for k in $(seq 1 $N_VLAN); do echo "v$k,eth0.100,$k,$1,198.18.2.$((100 + k))/24"; done
}
vips=$( (seq 1 $N_ETH | sed 's/^/198.18.1./'; seq 101 $((100 + N_VLAN)) | sed 's/^/198.18.2./'))

# converged_on I J — node I master of all and holder of every VIP, J backup of all
converged_on() {
	all_in "$1" MASTER $TOTAL && all_in "$2" BACKUP $TOTAL &&
		holds_all "$1" "$vips" && holds_none "$2" "$vips"
}
# why I J — diagnostics for converged_on
why() {
	diag "node $1: $(count_state "$1" MASTER) MASTER, $(count_held "$1" "$vips") VIPs;" \
		"node $2: $(count_state "$2" BACKUP) BACKUP, $(count_state "$2" MASTER) MASTER, $(count_held "$2" "$vips") VIPs"
}

mapfile -t hi < <(instances 150)
mapfile -t lo < <(instances 100)
t0=$(now)
start_multi 1 "$VT_IMPL" "${hi[@]}" || diag "node 1 did not answer within 10 s"
start_multi 2 "$VT_IMPL" "${lo[@]}" || diag "node 2 did not answer within 10 s"
if [[ $VT_IMPL == vipd ]]; then
	check "vipd --check accepts the 72-instance config" "$VIPD_BIN" --check -f "$VT_DIR/n1.vipd.conf"
fi
if wait_for 10 converged_on 1 2; then
	ok "all $TOTAL instances converged: node 1 MASTER with every VIP, node 2 BACKUP ($(ms_diff "$t0" "$(now)") ms after the start)"
else
	not_ok "all $TOTAL instances converge on node 1"
	why 1 2
fi
for a in 198.18.1.1 198.18.1.64 198.18.2.101 198.18.2.108; do
	read -r sent rcvd < <(client_ping 2 "$a")
	is "${rcvd:-0}/${sent:-0}" 2/2 "the client pings $a"
done

# ---- steady state
c1=$(transitions 1) c2=$(transitions 2)
check "the transition counters see the start-up ($c1 on node 1, $c2 on node 2, >= $TOTAL each)" \
	test "$c1" -ge $TOTAL -a "$c2" -ge $TOTAL
broke=""
samples=0
t_end=$(awk -v t="$(now)" -v s="$STEADY" 'BEGIN { printf "%.6f", t + s }')
while fle "$(now)" "$t_end"; do
	samples=$((samples + 1))
	if ! { holds_all 1 "$vips" && holds_none 2 "$vips"; }; then
		broke="VIPs moved at sample $samples"
		break
	fi
	sleep 0.5
done
if [[ -z "$broke" ]]; then
	ok "steady state: node 1 holds all $TOTAL VIPs and node 2 none at each of $samples samples over $STEADY s"
else
	not_ok "steady state over $STEADY s: $broke"
	why 1 2
fi
d1=$(($(transitions 1) - c1)) d2=$(($(transitions 2) - c2))
if ((d1 == 0 && d2 == 0)); then
	ok "no instance flapped: no transition on either node in $STEADY s"
else
	not_ok "flaps in $STEADY s: $d1 transitions on node 1, $d2 on node 2"
	diag "$(transition_lines 1 "$c1" | head -n 5)" "$(transition_lines 2 "$c2" | head -n 5)"
fi
if [[ $VT_IMPL == vipd ]]; then
	young=$(node_status 1 | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
print(sum(1 for i in d["instances"] if i["since"] < float(sys.argv[1])))' "$STEADY")
	is "$young" 0 "node 1's status: every instance has been in its state for $STEADY s or more ('since')"
fi

# ---- one cable pull moves them all, the replug brings them back
# masters_of I — node I is MASTER of all and holds every VIP (the other side
# may be isolated: whatever it says)
masters_of() { all_in "$1" MASTER $TOTAL && holds_all "$1" "$vips"; }
t_pull=$(now)
pull 1
if wait_for 5 masters_of 2; then
	ok "cable pull of node 1: node 2 MASTER of all $TOTAL with every VIP ($(ms_diff "$t_pull" "$(now)") ms, polled)"
else
	not_ok "cable pull of node 1: all $TOTAL instances move to node 2"
	why 2 1
fi
t_plug=$(now)
replug 1
if wait_for 5 converged_on 1 2; then
	ok "replug: all $TOTAL back on node 1, node 2 BACKUP of all ($(ms_diff "$t_plug" "$(now)") ms, polled)"
else
	not_ok "replug: all $TOTAL instances back on node 1"
	why 1 2
fi
done_testing
