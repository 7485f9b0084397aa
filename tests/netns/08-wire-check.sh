#!/usr/bin/env bash
# 08: the packets themselves, checked with tshark (every scenario also checks
# the packets of its own capture with wire_check):
#  a) election, steady state, SIGTERM of the master then of the new master:
#     every advert well formed, including the priority-0 ones;
#  b) checksum = "rfc9568": tshark validates it only as the message-only form
#     (and not as RFC 5798's pseudo-header form), and the nodes still elect;
#  c) 10 ms adverts: the rhythm (spacing, jitter) and no false failover.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"

# spacing_diag CAP NODE [AFTER] [BEFORE]
spacing_diag() {
	local n m sd mn p99 mx
	read -r n m sd mn p99 mx < <(advert_spacing "$@")
	diag "node $2 advert spacing over $n intervals: mean $m ms, stdev $sd, min $mn, p99 $p99, max $mx"
}

# ---- a) default form, a full life cycle
cap_start life
must "a) node 1 (150) master, node 2 (100) backup" start_pair "$VT_IMPL" "$VT_IMPL"
t0=$(now)
check "a) steady for 1 s" stable_for 1 settled 1
t1=$(now)
stop_node 1 TERM
check "a) node 2 takes over after node 1's SIGTERM" wait_for 3 only_master 2
stop_node 2 TERM
check "a) nobody holds the VIP after both stopped" holders_are ""
cap_stop life
for n in 1 2; do
	c=$(tshark -r "$(cap_file life)" -Y "vrrp && ip.src == $(node_ip "$n") && vrrp.prio == 0" 2>/dev/null | wc -l)
	check "a) node $n sent a priority-0 advert when stopped as master ($c)" test "$c" -ge 1
done
spacing_diag life 1 "$t0" "$t1"
wire_check life 1 150
wire_check life 2 100

# ---- b) checksum = "rfc9568"
reset_nodes
if [[ $VT_IMPL == vipd ]]; then
	cap_start rfc9568
	must "b) checksum rfc9568: node 1 master, node 2 backup" \
		start_pair vipd vipd checksum=rfc9568
	check "b) steady for 1 s" stable_for 1 settled 1
	cap_stop rfc9568
	wire_check rfc9568 1 150 -o vrrp.v3_checksum_as_in_v2:TRUE
	bad=$(tshark -r "$(cap_file rfc9568)" -Y "vrrp && ip.src == $(node_ip 1) && vrrp.checksum.status == \"Good\"" 2>/dev/null | wc -l)
	is "$bad" 0 "b) no rfc9568 advert passes as the RFC 5798 pseudo-header form"
	reset_nodes
else
	skip "b) checksum rfc9568" "keepalived has no such knob for multicast"
fi

# ---- c) 10 ms adverts
# shellcheck disable=SC2034 # read by lib.sh's write_conf and wire_check
ADVERT=0.01
cap_start fast
must "c) 10 ms adverts: node 1 master, node 2 backup" start_pair "$VT_IMPL" "$VT_IMPL"
t0=$(now)
check "c) steady for 2 s, no false failover" stable_for 2 settled 1
t1=$(now)
cap_stop fast
is "$(count_adverts fast 2 "$t0" "$t1")" 0 "c) node 2 stayed silent"
spacing_diag fast 1 "$t0" "$t1"
wire_check fast 1 150
done_testing
