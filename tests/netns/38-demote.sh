#!/usr/bin/env bash
# 38: planned switchover. Three nodes (150/120/100, preempt on, 0.5 s adverts)
# and a client pinging the VIP every 1 ms.
#  a) `vipctl demote web` on the master (node 1): node 1 sends priority 0 and
#     keeps the VIP until node 2 (120, the best backup) advertises, then
#     releases it (make before break): zero lost pings, node 2 the master,
#     node 3 never master, node 1 BACKUP with "demoted": true.
#  b) SIGHUP reloads on node 1 (the same file, then priority 160, applied in
#     place): still demoted, node 2 stays master for longer than node 1's
#     Master_Down_Interval (no preemption back).
#  c) `vipctl promote web`: node 1 preempts back at 160, zero lost pings.
#  d) refusals: promote of a node not demoted, demote of an unknown name.
#  e) nodes 2 and 3 stopped: a demoted master stays master past
#     Master_Down_Interval and advertises priority 1.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 3
vt_require_impl vipd
vt_require ping
# VT_MODE=v3-ipv6 (any mode of modes.sh) runs the same in another protocol mode.
# Known: in the IPv6 modes about one handover in two loses one ping: the new
# master's first NA goes out before the kernel has made the just-added VIP
# usable (its DAD work runs later even with nodad), so the first echo the
# client sends it is dropped (seen on the wire: NA at t, echo at t + 40 us
# unanswered, the next one answered). A fix belongs to the new master's
# announcements (wait for the address), not to the handover.
ADVERT=0.5
mode_set "${VT_MODE:-v3}"
diag "mode: $(mode_desc)"

ctl() { "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" "${@:2}"; }

# ping1_start NAME / ping1_stop — the client pings the VIP every 1 ms into NAME.ping
ping1_start() {
	PING_FILE="$VT_DIR/$1.ping"
	ip netns exec "$VT_CL" ping -n -D -i 0.001 -W 1 "$VIP" >"$PING_FILE" 2>&1 &
	PING_PID=$!
	wait_for 3 _ping1_replies_gt 0
}
_ping1_replies() { local c; c=$(grep -c 'bytes from' "$PING_FILE" 2>/dev/null); echo "${c:-0}"; }
_ping1_replies_gt() { (($(_ping1_replies) > $1)); }
# ping1_more N — wait until N more replies came (the path is good again)
ping1_more() { local n; n=$(_ping1_replies); wait_for 3 _ping1_replies_gt $((n + $1)); }
ping1_stop() {
	kill -INT "$PING_PID" 2>/dev/null
	wait_for 3 _pid_gone "$PING_PID" || kill -KILL "$PING_PID" 2>/dev/null
	wait "$PING_PID" 2>/dev/null
}
# ping1_figures — "LOST SPAN GAP_MS": echo requests between the first and the
# last answered one that got no answer, how many that span holds, and the
# longest time between two answers (duplicates counted once)
ping1_figures() {
	awk -F'[][]' '/bytes from/ {
			if (!match($0, /icmp_seq=[0-9]+/)) next
			s = substr($0, RSTART + 9, RLENGTH - 9) + 0
			if (s in seen) next
			seen[s] = 1; t = $2 + 0
			if (first == "" || s < first) first = s
			if (s > last) last = s
			if (p != "" && t - p > g) g = t - p
			p = t
		}
		END {
			if (first == "") { print "- - -"; exit }
			span = last - first + 1; n = 0
			for (s in seen) n++
			printf "%d %d %.1f\n", span - n, span, g * 1000
		}' "$PING_FILE"
}
# switch_over STEP CMD DEMOTED NODE TIMEOUT — with the client pinging every
# 1 ms and tcpdump capturing CMD.pcap, `vipctl CMD web` on node 1, then NODE
# must be the only master within TIMEOUT s with no ping lost. Sets T_CMD.
switch_over() {
	local step=$1 cmd=$2 want=$3 node=$4 out rc lost span gap
	cap_start "$cmd" $((node == 2 ? 1 : 2))
	ping1_start "$cmd"
	T_CMD=$(now)
	out=$(ctl 1 --json "$cmd" web)
	rc=$?
	is "$rc" 0 "$step) vipctl $cmd web exits 0"
	like "$out" "\"demoted\": *$want" "$step) its answer is web's status with \"demoted\": $want"
	if wait_for "$5" only_master "$node"; then
		ok "$step) node $node is the only master ($VT_WAITED_MS ms after the $cmd)"
	else
		not_ok "$step) node $node becomes the only master: $(vt_state_line)"
	fi
	ping1_more 300
	ping1_stop
	read -r lost span gap < <(ping1_figures)
	diag "$step) client pinging every 1 ms: $lost lost of $span, longest gap between replies $gap ms"
	is "$lost" 0 "$step) no ping lost across the $cmd"
	cap_stop "$cmd"
}
# vip_removed_at NODE AFTER — wall-clock time of the first deletion of $VIP
# that `ip -ts monitor` saw on NODE after AFTER
vip_removed_at() {
	local line ts
	while IFS= read -r line; do
		[[ $line == *Deleted*" $VIP/"* ]] || continue
		ts=${line#\[}; ts=${ts%%\]*}
		ts=$(date -d "$ts" +%s.%N 2>/dev/null) || continue
		fle "$1" "$ts" 2>/dev/null && { echo "$ts"; return; }
	done <"$VT_DIR/mon$2.txt"
}

for i in 1 2 3; do
	p=$((i == 1 ? 150 : i == 2 ? 120 : 100))
	must "node $i (priority $p) starts" start_with "$i" vipd prio=$p interval=$ADVERT
done
must "node 1 (150) master, nodes 2 and 3 backup" wait_for 8 settled 1
ip netns exec "$(node_ns 1)" ip -ts monitor address >"$VT_DIR/mon1.txt" 2>&1 &
MON_PID=$!

# ---- a) demote: node 2 (120), the best backup, takes over
switch_over a demote true 2 5
t_demote=$T_CMD
is "$(status_fields 1 state demoted effective_priority priority)" \
	"state=BACKUP demoted=true effective_priority=1 priority=150" "a) node 1: BACKUP, demoted, effective priority 1"
is "$(status_fields 2 state demoted)" "state=MASTER demoted=false" "a) node 2: MASTER, not demoted"
_table_says_demoted() { local t; t=$(ctl 1 status) && [[ ${t,,} == *demoted* ]]; }
check "a) node 1's vipctl status table marks web demoted" _table_says_demoted
t0=$(first_advert demote 1 "$t_demote" 0)
t1=$(first_announce demote 2 "$t0")
t_del=$(vip_removed_at "$t_demote" 1)
check "a) node 1 sent priority 0 after the demote" test -n "$t0"
skew=$(skew_ms 120 "$ADVERT")
ms=$(ms_diff "$t0" "$t1")
diag "a) demote -> node 1's priority 0: $(ms_diff "$t_demote" "$t0") ms; -> node 2's first advert/GARP: $ms ms" \
	"   (Skew_Time for 120 at $ADVERT s: $skew ms); node 1 removed the VIP $(ms_diff "$t1" "$t_del") ms after that"
within "$ms" "$(fadd "$skew" 50)" "a) handover time from node 1's priority 0 to node 2's first advert, ms"
_after() { [[ -n "$1" && -n "$2" ]] && fle "$1" "$2"; }
check "a) make before break: node 1 removed the VIP after node 2 announced it" _after "$t1" "$t_del"
is "$(count_adverts demote 3 "$t_demote")" 0 "a) node 3 (100) never advertised (never master)"
is "$(count_adverts demote 1 "$t1" "")" 0 "a) node 1 sent nothing once node 2 was master"
wire_check demote 1 150
wire_check demote 2 120

# ---- b) reloads keep the demotion: the same file, then priority 160 (in place)
mdi150=$(mdi_ms 150 "$ADVERT")
_reloads() { (($(grep -c '^.*reloaded ' "$VT_DIR/n1.log") >= $1)); }
kill -HUP "$(node_pid 1)"
check "b) node 1 reloads the same file on SIGHUP" wait_for 5 _reloads 1
write_conf vipd 1 prio=160 interval=$ADVERT >/dev/null
kill -HUP "$(node_pid 1)"
check "b) node 1 reloads a file with priority 160 on SIGHUP" wait_for 5 _reloads 2
bound=$(awk -v m="$mdi150" 'BEGIN { printf "%.2f", 2 * m / 1000 }')
check "b) after the reloads node 2 stays the only master for $bound s (2 x node 1's MDI)" \
	stable_for "$bound" only_master 2
is "$(status_fields 1 state demoted effective_priority priority)" \
	"state=BACKUP demoted=true effective_priority=1 priority=160" "b) node 1 still demoted after the reloads"

# ---- c) promote: node 1 preempts back
switch_over c promote false 1 8
t_promote=$T_CMD
is "$(status_fields 1 state demoted effective_priority)" "state=MASTER demoted=false effective_priority=160" \
	"c) node 1: MASTER, not demoted, effective priority 160 (the reloaded one)"
t1=$(first_announce promote 1 "$t_promote")
diag "c) promote -> node 1's first advert/GARP: $(ms_diff "$t_promote" "$t1") ms (it preempts when the" \
	"   Master_Down_Timer armed at the last accepted advert fires: $(mdi_ms 1 "$ADVERT") ms at priority 1)"

# ---- d) refusals
# refused CMD NAME ERROR — vipctl CMD NAME on node 2 exits non-zero with ERROR
refused() {
	local out
	out=$(ctl 2 --json "$1" "$2" 2>&1) && { diag "exit 0: $out"; return 1; }
	[[ $out == *"$3"* ]] || { diag "got: $out"; return 1; }
}
check "d) promote of a node not demoted fails: not demoted" refused promote web "not demoted"
check "d) demote of an unknown instance fails: no such instance" refused demote nosuch "no such instance"

# ---- e) nobody to take over: node 1 stays master, advertising priority 1
stop_node 2 TERM
stop_node 3 TERM
must "e) nodes 2 and 3 stopped, node 1 the only master" wait_for 5 only_master 1
cap_start alone 1
t_alone=$(now)
ctl 1 demote web >/dev/null
mdi1=$(mdi_ms 1 "$ADVERT")
bound=$(awk -v m="$mdi1" 'BEGIN { printf "%.2f", (m + 500) / 1000 }')
check "e) demoted with no backup: node 1 stays the only master for $bound s" stable_for "$bound" only_master 1
check "e) node 1 logs that nobody took over" grep -q 'no router took over' "$VT_DIR/n1.log"
cap_stop alone
p0=$(count_adverts alone 1 "$t_alone")
t_p1=$(first_advert alone 1 "$t_alone" 1)
diag "e) node 1: $p0 adverts after the demote; the first at priority 1 $(ms_diff "$t_alone" "$t_p1") ms after it (Master_Down_Interval at priority 1: $mdi1 ms)"
check "e) node 1 advertises priority 1 once Master_Down_Interval passed" test -n "$t_p1"
is "$(first_advert alone 1 "$t_p1" 0)" "" "e) and no priority 0 after that"
n0=$(_ev_query alone count vrrp "$(node_src 1)" "$t_alone" "" 0)
n1=$(_ev_query alone count vrrp "$(node_src 1)" "$t_alone" "" 1)
is "$((n0 + n1))" "$p0" "e) every advert of node 1 after the demote has priority 0 ($n0) or 1 ($n1)"
kill "$MON_PID" 2>/dev/null
done_testing
