#!/usr/bin/env bash
# 88: the master's VIP announced over BGP through FRR (issue 16). Two servers, each running
# vipd and FRR (zebra, bgpd, bfdd), peer over their own link with a router running FRR; a client
# sits behind the router (topology: tests/netns/bgp.sh). VRRP is unicast between the servers,
# through the router (unicast_ttl_check = false; unicast_ttl = 2, so adverts go no further).
# vipd puts the VIP's host route into table 100 (announce_table; metric 100 on the backup,
# announce_backup_metric), zebra imports the table and bgpd redistributes it; the router
# prefers the lower MED.
#
# Three failures of the master (s1), each measured on the router's kernel route to the VIP
# (`ip -ts monitor route`: when it left s1, when it reached s2, the longest time with no
# route), confirmed by the router's `show ip route json`, and by the client's pings (the longest
# gap between two replies):
#   - its health check fails (weight 0: FAULT): within fall x interval + one interval (the check
#     runs every interval) + the BGP update allowance;
#   - its vipd is killed (-9): the routes are flushed once vipd is gone (the recipe's systemd
#     ExecStopPost), within the BFD detect time + the update allowance;
#   - its link goes down (the router's side): within the BFD detect time + the update allowance.
# The client's gap is bounded by s2's Master_Down_Interval + the update allowance (s2 takes over
# on the protocol's own clock; the router already has its standby path). The router never keeps
# a path to s1 later than the update allowance after s1 was seen in FAULT (or killed).
# The update allowance is 500 ms: advertisement-interval 0, so an update is processing only
# (zebra -> bgpd -> router's bgpd -> zebra -> kernel); the margin is for a loaded machine.
# Six FRR daemons and two vipd with BFD timers: alone in a parallel run (tests/netns/run).
# vt-alone
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/bgp.sh
. "$(dirname "$0")/bgp.sh"

vt_caps
bgp_require
vt_require python3 ping
bgp_setup

bgp_start_all "vipd --check accepts announce_table, announce_backup_metric, VIP on lo"
bgp_check_announced
like "$("$VIPCTL_BIN" -S "$VT_DIR/s2.sock" status)" "svc: announced in table 100: standby \(metric 100\)" \
	"vipctl status (text) on s2 says what it announces"
# a reload of s2 with another backup metric: the standby route follows, the router sees it
sed -i "s/announce_backup_metric = $BGP_BACKUP_METRIC;/announce_backup_metric = 200;/" "$BGP_C2"
kill -HUP "$(bgp_vipd_pid 2)"
check "reload: s2's standby route now has metric 200, the one of 100 is gone" wait_for 5 eval \
	"[[ \"\$(ip -n $(bgp_ns s2) route show table $BGP_TABLE proto 112)\" =~ ^$BGP_VIP' dev lo scope link metric 200 '*$ ]]"
check "reload: the router's standby path has MED 200" wait_for 5 eval \
	"bgp_vtysh rt 'show bgp ipv4 unicast $BGP_VIP/32 json' | grep -q '\"metric\":200'"
check "reload: the router's route stays on s1" bgp_router_via_is "$S1"
bgp_check_ttl

ip -n "$(bgp_ns rt)" -ts monitor route >"$VT_DIR/mon.txt" 2>&1 &
MON=$!

# ---- 1. s1's health check fails
bgp_check_fails

# ---- 2. s1's vipd is killed
B2=$(fadd "$BFD_MS" "$UPD_MS")
ping_start
wait_for 1 _ping_replies_gt 5
pid=$(bgp_vipd_pid 1)
t0=$EPOCHREALTIME
kill -KILL "$pid"
check "kill -9: s2 MASTER" wait_for 5 bgp_state_is 2 MASTER
r=$(ping_replies)
check "kill -9: the client's pings are answered again" wait_for 5 _ping_replies_gt $((r + 5))
bgp_measure kill9 "$B2" "$t0" "$(fadd "$t0" "$(awk -v b="$B2" 'BEGIN { print b / 1000 }')")"
ping_stop >/dev/null
# what a killed vipd leaves without the drop-in: its start removes it (then BACKUP, standby)
ip -n "$(bgp_ns s1)" route add "$BGP_VIP/32" dev lo table "$BGP_TABLE" proto 112
must "vipd starts again on s1" bgp_vipd_start 1 "$BGP_C1"
check "kill -9: the restart removed the master's route a killed run left" wait_for 5 eval \
	"grep -q 'removed route $BGP_VIP/32 dev lo table $BGP_TABLE, left by an earlier run' '$VT_DIR/s1.log'"
bgp_back_to_s1 kill9

# ---- 3. s1's link goes down (the router's side of it)
ping_start
wait_for 1 _ping_replies_gt 5
t0=$EPOCHREALTIME
ip -n "$(bgp_ns rt)" link set e1 down
check "link: s1 enters FAULT (carrier lost)" wait_for 5 bgp_state_is 1 FAULT
tf=$(fadd "$EPOCHREALTIME" "$(awk -v u="$UPD_MS" 'BEGIN { print u / 1000 }')")
check "link: s2 MASTER" wait_for 5 bgp_state_is 2 MASTER
r=$(ping_replies)
check "link: the client's pings are answered again" wait_for 5 _ping_replies_gt $((r + 5))
bgp_measure link "$B2" "$t0" "$tf"
ping_stop >/dev/null
ip -n "$(bgp_ns rt)" link set e1 up
bgp_back_to_s1 link

kill "$MON" 2>/dev/null
done_testing
