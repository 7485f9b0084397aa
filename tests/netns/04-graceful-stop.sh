#!/usr/bin/env bash
# 04: SIGTERM to the master -> it sends priority 0, removes its VIP and exits
# 0; the backup takes over within Skew_Time + 20 ms of the priority-0 advert.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"

must "node 1 (150) master, node 2 (100) backup" start_pair "$VT_IMPL" "$VT_IMPL"
cap_start stop 1
ping_start
wait_for 2 _ping_replies_gt 0
t_stop=$(now)
stop_node 1 TERM 5
is "$VT_RC" 0 "node 1 exits 0 on SIGTERM"
if wait_for 3 only_master 2; then
	ok "node 2 is MASTER and holds the VIP ($VT_WAITED_MS ms after the stop returned)"
else
	not_ok "node 2 takes over (state '$(node_state 2)', holders '$(who_holds)')"
fi
check "the old master's namespace holds no VIP" holders_are 2
check "node 2 stays the only master for 0.5 s" stable_for 0.5 only_master 2
n=$(ping_replies)
wait_for 3 _ping_replies_gt "$n"
read -r sent rcvd < <(ping_stop)
cap_stop stop
diag "client pinging every 10 ms: $((sent - rcvd)) lost of $sent, longest gap between replies $(ping_gap_ms) ms"

t0=$(first_advert stop 1 "$t_stop" 0)
check "node 1 sent a priority-0 advert" test -n "$t0"
t1=$(first_announce stop 2 "$t0")
ms=$(ms_diff "$t0" "$t1")
skew=$(skew_ms 100 "$ADVERT")
diag "priority-0 advert at +$(ms_diff "$t_stop" "$t0") ms after SIGTERM; node 2's first GARP/advert $ms ms after it" \
	"Skew_Time(priority 100, ${ADVERT} s) = $skew ms"
within "$ms" "$(fadd "$skew" 20)" "takeover from the priority-0 advert, ms"
is "$(count_adverts stop 1 "$t0")" 0 "node 1 sent nothing after its priority-0 advert"
wire_check stop 1 150
wire_check stop 2 100
done_testing
