#!/usr/bin/env bash
# 43: logging never blocks the loop. Node 1 (150, master, debug level) writes
# its log to a FIFO that a process holds open but never reads, its buffer cut
# to one page (F_SETPIPE_SZ) so that a few dozen lines fill it. For 3 s the
# test makes node 1 log (a `vipctl garp web` every 10 ms: a log line and the
# GARPs each). Node 1 must keep advertising on time: the longest gap
# between two of its adverts on the wire stays under 1.5 x advert_interval
# (the bound the other advert-gap tests use; the peer's Master_Down_Interval
# is 361 ms), node 2 stays BACKUP, vipctl keeps answering, and
# `vipctl stats` counts the dropped lines. Once someone reads the FIFO the
# next line is preceded by "N log lines dropped".
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require python3

INT=0.1
FIFO=$VT_DIR/n1.logfifo
mkfifo "$FIFO"
# The holder: opens the FIFO (read-write: never blocks), one-page buffer,
# reads nothing; 60 s at most (and killed with the namespace).
ip netns exec "$(node_ns 1)" python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.fcntl(fd, 1031, 4096)  # F_SETPIPE_SZ
open(sys.argv[2], "w").write("%d\n" % fcntl.fcntl(fd, 1032))  # F_GETPIPE_SZ
time.sleep(60)' "$FIFO" "$VT_DIR/holder.ready" &
must "the FIFO holder is ready" wait_for 5 test -s "$VT_DIR/holder.ready"
diag "FIFO buffer: $(cat "$VT_DIR/holder.ready") bytes"

c1=$(write_conf vipd 1 prio=150 interval=$INT)
VT_STDERR=$FIFO start_node 1 vipd "$c1"
must "node 1 answers with its log going to the stalled FIFO" wait_for 5 node_ready 1
must "node 2 (100) starts" start_with 2 vipd prio=100 interval=$INT
must "node 1 (150) master, node 2 (100) backup" wait_for 5 settled 1

cap_start stall 1
t0=$(now)
_now_us t0us
n=0 slow=0
# 3 s or 3000 requests; each bounded by timeout(1) in case vipd blocks (2 s).
# Paced (10 ms apart, a few hundred lines: 50 fill the FIFO) so that the gap
# measures vipd, not a machine busy forking vipctl back to back.
while ((n < 3000)); do
	_now_us tn
	((tn - t0us < 3000000)) || break
	t_req=$(now)
	timeout 2 "$VIPCTL_BIN" -S "$VT_DIR/n1.sock" garp web >/dev/null 2>&1 || slow=$((slow + 1))
	n=$((n + 1))
	sleep 0.01
done
t1=$(now)
cap_stop stall
diag "$n garp requests in $(ms_diff "$t0" "$t1") ms, $slow failed or timed out"
is "$slow" 0 "every garp request answered"
# The window's edges count: no advert at all is a gap of the whole window.
gap=$(awk -v src="$(node_ip 1)" -v a="$t0" -v b="$t1" '
	BEGIN { p = a + 0 }
	$2 == "vrrp" && $3 == src && $1 + 0 >= a + 0 && $1 + 0 <= b + 0 {
		if ($1 - p > g) g = $1 - p; p = $1 }
	END { if (b - p > g) g = b - p; printf "%.1f\n", g * 1000 }' "$(cap_events stall)")
within "$gap" "$(awk -v i=$INT 'BEGIN { print 1.5 * i * 1000 }')" \
	"longest gap between node 1's adverts while its log is stalled, ms"
check "node 1 is still the only master" only_master 1
check "node 2 stayed BACKUP" state_is 2 BACKUP
dropped=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" --json stats | python3 -c '
import json, sys
print(json.load(sys.stdin).get("log_lines_dropped", "missing"))')
diag "vipctl stats: log_lines_dropped = $dropped"
like "$dropped" '^[1-9][0-9]*$' "vipctl stats counts the dropped log lines"
like "$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" metrics | grep '^vipd_log_lines_dropped_total ')" \
	'^vipd_log_lines_dropped_total [1-9][0-9]*$' "the metrics count them too"

# Someone reads the FIFO again: the next line is preceded by the summary.
ip netns exec "$(node_ns 1)" cat "$FIFO" >"$VT_DIR/n1.log" 2>&1 &
logged() {
	"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" garp web >/dev/null 2>&1
	grep -qE '[0-9]+ log lines dropped' "$VT_DIR/n1.log"
}
if wait_for 3 logged; then
	ok "the log says how many lines were dropped: $(grep -oE '[0-9]+ log lines dropped' "$VT_DIR/n1.log" | head -n 1)"
else
	not_ok "the log says how many lines were dropped"
fi
done_testing
