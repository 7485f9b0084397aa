#!/usr/bin/env bash
# 58: debug categories switched at run time (vipd(8) DEBUG CATEGORIES). A pair
# at log level info, adverts every 0.2 s:
#  a) no "debug packets:" line in the backup's log;
#  b) `vipctl debug packets on` on the backup (node 2) answers "debug: packets"
#     and its log gets one line per advert of node 1, accepted in BACKUP,
#     within 3 advert intervals;
#  c) `vipctl debug packets off` answers "debug: none" and no packets line is
#     written for 3 advert intervals after the answer;
#  d) an unknown category is refused (exit 1) naming the valid ones, and
#     changes nothing; --json prints {"enabled":[...]};
#  e) node 2 restarted with `-D timers,ctl`: both on from the start, a timers
#     line comes, a request is logged with the client's uid, and a reload
#     keeps the categories.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
ADVERT=0.2
export VT_LOG_LEVEL=info

ctl() { "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" "${@:2}"; }
# lines N CATEGORY — how many "debug CATEGORY:" lines node N logged so far
lines() { grep -c "debug $2: " "$VT_DIR/n$1.log"; }
lines_gt() { (($(lines "$1" "$2") > $3)); }
lines_eq() { (($(lines "$1" "$2") == $3)); }
# three advert intervals, in seconds
QUIET=$(awk -v i="$ADVERT" 'BEGIN { printf "%.2f\n", 3 * i }')

must "node 1 (150) master, node 2 (100) backup" start_pair vipd vipd

# a) off by default, level info: nothing
is "$(lines 2 packets)" 0 "a) no debug packets line at level info before vipctl debug"

# b) on at run time
out=$(ctl 2 debug packets on)
is "$?/$out" "0/debug: packets" "b) vipctl debug packets on answers the new set"
if wait_for "$QUIET" lines_gt 2 packets 0; then
	ok "b) a debug packets line within 3 advert intervals ($VT_WAITED_MS ms)"
else
	not_ok "b) a debug packets line within 3 advert intervals"
fi
like "$(grep 'debug packets: ' "$VT_DIR/n2.log" | tail -n 1)" \
	"debug packets: web: eth0: advert from $(node_ip 1) v3 vrid $VRID prio 150 interval 20cs: accepted in BACKUP" \
	"b) the line names interface, source, vrid, priority, interval and verdict"
check "b) the master's log has no packets line (it was not asked)" lines_eq 1 packets 0

# c) off again: the lines stop once the answer came
out=$(ctl 2 debug packets off)
is "$?/$out" "0/debug: none" "c) vipctl debug packets off answers the new set"
n=$(lines 2 packets)
check "c) no debug packets line for 3 advert intervals ($QUIET s) after the answer" \
	stable_for "$QUIET" lines_eq 2 packets "$n"

# d) refusals and JSON
out=$(ctl 2 debug packets,bogus on 2>&1)
rc=$?
is "$rc" 1 "d) an unknown category: exit 1"
like "$out" 'unknown debug category "bogus" \(valid: packets, timers, netlink, checks, ctl, all\)' \
	"d) the error names the valid categories"
is "$(ctl 2 --json debug)" '{"enabled":[]}' "d) nothing changed; --json prints the result"
ctl 2 debug packets maybe >/dev/null 2>&1
is "$?" 2 "d) a switch other than on|off is a usage error (exit 2)"

# e) from the command line, kept across a reload
stop_node 2
VT_VIPD_ARGS="-D timers,ctl" start_with 2 vipd prio=100
must "e) node 2 back as backup" wait_for 5 settled 1
is "$(ctl 2 debug)" "debug: timers, ctl" "e) vipd -D timers,ctl: both on from the start"
check "e) a debug timers line (the Master_Down_Timer re-armed)" \
	wait_for "$QUIET" lines_gt 2 timers 0
check "e) the request is logged with the client's uid and the result" \
	grep -q "debug ctl: uid 0: debug: ok" "$VT_DIR/n2.log"
out=$(ctl 2 reload)
is "$?" 0 "e) vipctl reload"
is "$(ctl 2 debug)" "debug: timers, ctl" "e) a reload keeps the categories"
check "e) the reload is logged under ctl" grep -q "debug ctl: uid 0: reload: ok" "$VT_DIR/n2.log"

done_testing
