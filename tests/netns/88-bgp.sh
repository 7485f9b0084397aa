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
VT_PFX="vt$$$(printf '%02x' $((RANDOM % 256)))"
VT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vipd-netns.XXXXXX") || bail_out "mktemp failed"
# FRR runs as frr and writes its pid files and logs here; vipd's user only passes through
chown frr:frr "$VT_DIR" && chmod 711 "$VT_DIR"
bgp_exit() {
	local rc=$? f
	if ((VT_FAIL > 0)) || [[ "${VT_VERBOSE:-0}" == 1 ]]; then
		for f in s1.log s2.log rt-bgpd.log s1-bgpd.log s2-bgpd.log; do
			[[ -s "$VT_DIR/$f" ]] || continue
			diag "---- last lines of $f" "$(tail -n 20 "$VT_DIR/$f")"
		done
	fi
	bgp_cleanup
	(exit "$rc")
	vt_cleanup
}
trap bgp_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! bgp_topology 2>"$VT_DIR/topology.err"; then
	why=$(head -n 3 "$VT_DIR/topology.err" | tr '\n' ' ')
	skip_all "cannot build the namespace topology: $why"
fi
VT_CL=$(bgp_ns cl) VIP=$BGP_VIP
S1=$(bgp_server_ip 1) S2=$(bgp_server_ip 2)
BGP_CHECK_INTERVAL=0.2 BGP_CHECK_FALL=2
UPD_MS=500
BFD_MS=$((BGP_BFD_MS * BGP_BFD_MULT))
MDI2=$(mdi_ms 100 "$BGP_ADVERT")

for n in rt s1 s2; do
	must "FRR (zebra, bgpd, bfdd) starts on $n" bgp_frr_start "$n"
done
c1=$(bgp_vipd_conf 1 150 "$VT_DIR/s1.fail")
c2=$(bgp_vipd_conf 2 100 "$VT_DIR/s2.fail")
out=$("$VIPD_BIN" --check -f "$c1" 2>&1)
is "$?" 0 "vipd --check accepts announce_table, announce_backup_metric, VIP on lo"
[[ -n "$out" ]] && diag "$out"
must "vipd starts on s1" bgp_vipd_start 1 "$c1"
must "vipd starts on s2" bgp_vipd_start 2 "$c2"
must "s1 MASTER, s2 BACKUP over unicast VRRP through the router" \
	wait_for 10 eval 'bgp_state_is 1 MASTER && bgp_state_is 2 BACKUP'
must "the router's BGP and BFD sessions with both servers are up" \
	wait_for 30 eval 'bgp_session_up 1 && bgp_session_up 2 && bgp_bfd_up 1 && bgp_bfd_up 2'
must "the router's route to the VIP goes to s1 (show ip route json)" wait_for 10 bgp_router_via_is "$S1"
like "$(ip -n "$(bgp_ns s1)" route show table "$BGP_TABLE" proto 112)" "^$BGP_VIP dev lo scope link" \
	"s1 (MASTER) holds the host route in table $BGP_TABLE, protocol 112"
like "$(ip -n "$(bgp_ns s2)" route show table "$BGP_TABLE" proto 112)" \
	"^$BGP_VIP dev lo scope link metric $BGP_BACKUP_METRIC" "s2 (BACKUP) holds the standby route, metric $BGP_BACKUP_METRIC"
check "the router keeps both paths (s2's with MED $BGP_BACKUP_METRIC)" wait_for 10 eval \
	"bgp_vtysh rt 'show bgp ipv4 unicast $BGP_VIP/32 json' | grep -q '\"metric\":$BGP_BACKUP_METRIC'"
st=$("$VIPCTL_BIN" -S "$VT_DIR/s1.sock" --json status)
like "$st" '"announce":\{"table":100,"backup_metric":100,"announced":"master"\}' "vipctl status on s1: announced master"
st=$("$VIPCTL_BIN" -S "$VT_DIR/s2.sock" --json status)
like "$st" '"announced":"standby"' "vipctl status on s2: announced standby"
check "the client reaches the VIP" eval "[[ \"\$(client_ping 5)\" == '5 5' ]]"
like "$("$VIPCTL_BIN" -S "$VT_DIR/s2.sock" status)" "svc: announced in table 100: standby \(metric 100\)" \
	"vipctl status (text) on s2 says what it announces"
# a reload of s2 with another backup metric: the standby route follows, the router sees it
sed -i "s/announce_backup_metric = $BGP_BACKUP_METRIC;/announce_backup_metric = 200;/" "$c2"
kill -HUP "$(bgp_vipd_pid 2)"
check "reload: s2's standby route now has metric 200, the one of 100 is gone" wait_for 5 eval \
	"[[ \"\$(ip -n $(bgp_ns s2) route show table $BGP_TABLE proto 112)\" =~ ^$BGP_VIP' dev lo scope link metric 200 '*$ ]]"
check "reload: the router's standby path has MED 200" wait_for 5 eval \
	"bgp_vtysh rt 'show bgp ipv4 unicast $BGP_VIP/32 json' | grep -q '\"metric\":200'"
check "reload: the router's route stays on s1" bgp_router_via_is "$S1"
# unicast_ttl = 2: s1's adverts cross the router and reach s2 with TTL 1 (tcpdump prints it)
ttl=$(timeout 5 ip netns exec "$(bgp_ns s2)" tcpdump -n -v -c 1 -i eth0 "ip proto 112 and src $S1" 2>/dev/null |
	sed -n 's/.*ttl \([0-9]*\),.*/\1/p' | head -n 1)
is "$ttl" 1 "unicast_ttl = 2: s1's adverts arrive at s2 with TTL 1, one router on"

ip -n "$(bgp_ns rt)" -ts monitor route >"$VT_DIR/mon.txt" 2>&1 &
MON=$!

# measure NAME BOUND_MS T_EVENT T_FAULT_SEEN — analyse the router's route since T_EVENT, print
# and assert the figures; T_FAULT_SEEN 0 when s1 was never seen in FAULT
measure() {
	local name=$1 bound=$2 t0=$3 tf=$4 r left new nopath bad gap
	wait_for 1 false # let the last route events reach the file
	r=$(python3 "$VT_LIB_DIR/bgp_paths.py" "$VT_DIR/mon.txt" "$BGP_VIP" "$t0" "$EPOCHREALTIME" \
		"$S1" "$S2" "$tf")
	read -r left new nopath bad <<<"$r"
	left=${left#*=} new=${new#*=} nopath=${nopath#*=} bad=${bad#*=}
	[[ $left == none ]] && left=""
	[[ $new == none ]] && new=""
	gap=$(ping_gap_ms)
	diag "$name: router left s1 after $left ms, via s2 after $new ms, longest time without a route $nopath ms; client's longest gap $gap ms"
	within "$left" "$bound" "$name: the router's route left s1 (ms; bound $bound)"
	within "$new" "$bound" "$name: the router's route goes to s2 (ms; bound $bound)"
	within "$nopath" "$bound" "$name: never without a route longer than that (ms)"
	within "$gap" "$(fadd "$MDI2" "$UPD_MS")" "$name: the client's longest gap (ms; bound MDI(s2) $MDI2 + $UPD_MS)"
	is "$bad" 0 "$name: no path to s1 after the update allowance"
	check "$name: show ip route json: via s2" bgp_router_via_is "$S2"
}

# back_to_s1 — s1 master again and the router's route on it (bounded by the BGP connect and
# hold timers, 1 s and 3 s, and the VRRP preemption)
back_to_s1() {
	check "$1: s1 MASTER again, s2 BACKUP" wait_for 10 eval 'bgp_state_is 1 MASTER && bgp_state_is 2 BACKUP'
	check "$1: the router's route is back on s1" wait_for 15 bgp_router_via_is "$S1"
	check "$1: the client reaches the VIP" wait_for 5 eval "[[ \"\$(client_ping 3)\" == '3 3' ]]"
}

# ---- 1. s1's health check fails
B1=$(awk -v f="$BGP_CHECK_FALL" -v i="$BGP_CHECK_INTERVAL" -v u="$UPD_MS" \
	'BEGIN { printf "%.1f\n", (f + 1) * i * 1000 + u }')
ping_start
wait_for 1 _ping_replies_gt 5
t0=$EPOCHREALTIME
touch "$VT_DIR/s1.fail"
check "check: s1 enters FAULT" wait_for 5 bgp_state_is 1 FAULT
tf=$(fadd "$EPOCHREALTIME" "$(awk -v u="$UPD_MS" 'BEGIN { print u / 1000 }')")
check "check: s2 MASTER" wait_for 5 bgp_state_is 2 MASTER
r=$(ping_replies)
check "check: the client's pings are answered again" wait_for 5 _ping_replies_gt $((r + 5))
check "check: s1 holds no route in table $BGP_TABLE" eval "[[ -z \"\$(ip -n $(bgp_ns s1) route show table $BGP_TABLE)\" ]]"
measure check "$B1" "$t0" "$tf"
ping_stop >/dev/null
rm -f "$VT_DIR/s1.fail"
back_to_s1 check

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
measure kill9 "$B2" "$t0" "$(fadd "$t0" "$(awk -v b="$B2" 'BEGIN { print b / 1000 }')")"
ping_stop >/dev/null
# what a killed vipd leaves without the drop-in: its start removes it (then BACKUP, standby)
ip -n "$(bgp_ns s1)" route add "$BGP_VIP/32" dev lo table "$BGP_TABLE" proto 112
must "vipd starts again on s1" bgp_vipd_start 1 "$c1"
check "kill -9: the restart removed the master's route a killed run left" wait_for 5 eval \
	"grep -q 'removed route $BGP_VIP/32 dev lo table $BGP_TABLE, left by an earlier run' '$VT_DIR/s1.log'"
back_to_s1 kill9

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
measure link "$B2" "$t0" "$tf"
ping_stop >/dev/null
ip -n "$(bgp_ns rt)" link set e1 up
back_to_s1 link

kill "$MON" 2>/dev/null
done_testing
