#!/usr/bin/env bash
# 89: an IPv6 VIP announced over BGP through FRR (issue 16), and the death of the master's host.
# The topology of 88 (tests/netns/bgp.sh) in IPv6 only (fd00:18:N::/64 links, VIP fd00:18:5::1):
# VRRPv3 unicast between the servers through the router, bgpd's IPv6 unicast address family.
# FRR 8.4 has no `ipv6 import-table`, so vipd announces into the main table (announce_table =
# 254: the master's host route with the kernel's IPv6 metric 1024, the backup's with 2048,
# announce_backup_metric), which zebra reads as kernel routes and bgpd redistributes
# (`redistribute kernel route-map VIPS`, only host routes of fd00:18:5::/48); the router takes
# the servers' global next hop (`set ipv6 next-hop prefer-global`) and prefers the lower MED.
#
# Two failures of the master (s1), each measured on the router's kernel route to the VIP (`ip
# -ts monitor route`: when it left s1, when it reached s2, the longest time with no route),
# confirmed by the router's `show ipv6 route json` and by the client's ping -6 (the longest gap
# between two replies):
#   - its health check fails (weight 0: FAULT): within fall x interval + one interval (the check
#     runs every interval) + the BGP update allowance; the client's gap within s2's
#     Master_Down_Interval + the allowance (as in 88);
#   - its host dies: at one instant every process of s1 is killed (-9: vipd, zebra, bgpd, bfdd)
#     and s1 stops sending (a blackhole qdisc on its uplink, so nothing it had open says
#     goodbye, and the router's link keeps its carrier, as behind a switch). Only BFD can tell:
#     the router moves within the BFD detect time (3 x 100 ms) + the allowance; the client's gap
#     within the later of s2's Master_Down_Interval and the BFD detect time, + the allowance.
# The update allowance is 500 ms, as in 88: advertisement-interval 0, so an update is processing
# only (zebra -> bgpd -> router's bgpd -> zebra -> kernel); the margin is for a loaded machine.
# Six FRR daemons and two vipd with BFD timers: alone in a parallel run (tests/netns/run).
# vt-alone
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
BGP_AF=6
# shellcheck source=tests/netns/bgp.sh
. "$(dirname "$0")/bgp.sh"

vt_caps
bgp_require
vt_require python3 ping tc
bgp_setup

bgp_start_all "vipd --check accepts an IPv6 VIP on lo announced in the main table"
bgp_check_announced
bgp_check_ttl

ip -n "$(bgp_ns rt)" -ts monitor route >"$VT_DIR/mon.txt" 2>&1 &
MON=$!

# ---- 1. s1's health check fails
bgp_check_fails

# ---- 2. s1's host dies: it stops sending, and all its processes are killed at once
B2=$(fadd "$BFD_MS" "$UPD_MS")
G2=$(awk -v m="$MDI2" -v b="$BFD_MS" -v u="$UPD_MS" 'BEGIN { printf "%.2f\n", (m > b ? m : b) + u }')
ping_start
wait_for 1 _ping_replies_gt 5
pids=$(ip netns pids "$(bgp_ns s1)")
for p in $pids; do disown "$p" 2>/dev/null; done # no "Killed" notices from the shell
t0=$EPOCHREALTIME
# first the silence (a killed bgpd's socket would otherwise send a FIN), then the deaths
ip netns exec "$(bgp_ns s1)" tc qdisc add dev eth0 root blackhole
# shellcheck disable=SC2086 # one pid a word
kill -KILL $pids 2>/dev/null
check "host: nothing runs on s1 any more" wait_for 2 _ns_empty "$(bgp_ns s1)"
check "host: s2 MASTER" wait_for 5 bgp_state_is 2 MASTER
r=$(ping_replies)
check "host: the client's pings are answered again" wait_for 5 _ping_replies_gt $((r + 5))
check "host: the router's BFD session with s1 is down" wait_for 5 eval '! bgp_bfd_up 1'
bgp_measure host "$B2" "$t0" "$(fadd "$t0" "$(awk -v b="$B2" 'BEGIN { print b / 1000 }')")" "$G2"
ping_stop >/dev/null
like "$(ip -n "$(bgp_ns rt)" link show e1)" "state UP" "host: the router's link to s1 kept its carrier (only BFD could tell)"

kill "$MON" 2>/dev/null
done_testing
