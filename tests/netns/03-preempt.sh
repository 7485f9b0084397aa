#!/usr/bin/env bash
# 03: after a failover, the higher-priority node comes back:
#  a) preempt = true: the cable is replugged -> node 1 (150) preempts back;
#  b) preempt = false on node 1: node 1 comes back (it was restarted while its
#     cable was out, so it rejoins as a fresh backup) -> the VIP stays on
#     node 2 (100) and node 1 stays BACKUP.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"
mdi150=$(mdi_ms 150 "$ADVERT")

# ---- a) preempt = true
must "a) node 1 (150) master, node 2 (100) backup" start_pair "$VT_IMPL" "$VT_IMPL"
cable_pull 1
must "a) node 2 takes over after the cable pull" wait_for 3 only_master 2
cap_start preempt 2
t_plug=$(now)
cable_replug 1
if wait_for 3 settled 1; then
	ok "a) replug: node 1 preempts back, VIP on node 1 only ($VT_WAITED_MS ms after the replug)"
else
	not_ok "a) replug: node 1 preempts back (holders '$(who_holds)', states $(node_state 1)/$(node_state 2))"
fi
check "a) and stays the only master for 0.5 s" stable_for 0.5 settled 1
cap_stop preempt
t1=$(first_announce preempt 1 "$t_plug")
t2=$(last_advert preempt 2)
diag "a) on the wire after the replug: node 1's first GARP/advert at +$(ms_diff "$t_plug" "$t1") ms," \
	"   node 2's last advert at +$(ms_diff "$t_plug" "$t2") ms (Master_Down_Interval for 150: $mdi150 ms)"
wire_check preempt 1 150
wire_check preempt 2 100

# ---- b) preempt = false on node 1
reset_nodes
must "b) node 1 (150, preempt = false) master, node 2 (100) backup" \
	start_pair "$VT_IMPL" "$VT_IMPL" preempt=false
cable_pull 1
must "b) node 2 takes over after the cable pull" wait_for 3 only_master 2
stop_node 1 TERM
cable_replug 1
cap_start nopreempt
start_with 1 "$VT_IMPL" prio=150 preempt=false
bound=$(awk -v m="$mdi150" 'BEGIN { s = 10 * m / 1000; printf "%.2f", s < 2 ? 2 : s }')
if stable_for "$bound" settled 2; then
	ok "b) node 1 back with preempt = false: VIP stays on node 2, node 1 BACKUP for $bound s ($VT_SAMPLES samples)"
else
	not_ok "b) node 1 back with preempt = false: VIP stays on node 2 (states $(node_state 1)/$(node_state 2))"
fi
cap_stop nopreempt
is "$(count_adverts nopreempt 1)" 0 "b) node 1 sent no advert while backup"
wire_check nopreempt 2 100
done_testing
