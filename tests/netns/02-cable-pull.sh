#!/usr/bin/env bash
# 02: pull the master's cable (its bridge port goes down) -> the backup holds
# the VIP; takeover measured on the wire <= Master_Down_Interval + 20 ms.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"

must "node 1 (150) master, node 2 (100) backup" start_pair "$VT_IMPL" "$VT_IMPL"

cap_start pull 1
ping_start
wait_for 2 _ping_replies_gt 0
t_pull=$(now)
cable_pull 1
if wait_for 3 only_master 2; then
	ok "node 2 is MASTER and holds the VIP after the cable pull ($VT_WAITED_MS ms)"
else
	not_ok "node 2 takes over (state '$(node_state 2)', holders '$(who_holds)')"
fi
n=$(ping_replies)
wait_for 3 _ping_replies_gt "$n"
check "the client reaches the VIP again" _ping_replies_gt "$n"
read -r sent rcvd < <(ping_stop)
diag "client pinging every 10 ms: $((sent - rcvd)) lost of $sent, longest gap between replies $(ping_gap_ms) ms"

takeover pull 1 2 "$t_pull"
mdi=$(mdi_ms 100 "$ADVERT")
diag "Master_Down_Interval(priority 100, ${ADVERT} s) = $mdi ms"
within "$TK_MS" "$(fadd "$mdi" 20)" "takeover from node 1's last advert on the wire, ms"

# isolated, the old master may keep its VIP (nobody can reach it) or drop it
# when its carrier goes: both are acceptable, report which
diag "isolated old master: state $(node_state 1), holds the VIP: $(holds_vip 1 && echo yes || echo no)"

cable_replug 1
if wait_for 3 settled 1; then
	ok "after the replug one master remains: node 1 preempts back ($VT_WAITED_MS ms)"
else
	not_ok "after the replug one master remains (holders '$(who_holds)')"
fi
check "and node 1 stays the only master for 0.5 s" stable_for 0.5 settled 1
cap_stop pull
wire_check pull 1 150
wire_check pull 2 100
done_testing
