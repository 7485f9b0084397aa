#!/usr/bin/env bash
# scripts/bench/switchover.sh — a benchmark, not a test: it prints figures.
#
#     sudo scripts/bench/switchover.sh
#
# Issue 6, benchmark 4: what a client pinging the virtual address every 1 ms
# loses when the master goes away on purpose. Node 1 (priority 150) and node 2
# (100), advert_interval BENCH_INTERVAL (0.05 s), BENCH_TRIALS (5) times each:
#   - graceful stop: SIGTERM to the master (it sends priority 0), restart;
#   - planned switchover: vipd `vipctl demote` then `vipctl promote`;
#     keepalived has no such command: its nearest is lowering the master's
#     priority below the backup's and reloading (SIGHUP), then restoring it.
# Each trial pings BENCH_PINGS (1500) times at 1 ms across the event and counts
# the replies that never came. vipd first, then keepalived, side by side.
# Environment: BENCH_TRIALS, BENCH_INTERVAL, BENCH_PINGS, BENCH_IMPLS, VT_KEEP=1.
set -u
TRIALS=${BENCH_TRIALS:-5}
PINGS=${BENCH_PINGS:-1500}
IMPLS=${BENCH_IMPLS:-vipd keepalived}
# shellcheck source=scripts/bench/common.sh
. "$(dirname "$0")/common.sh"
diag() { :; } # the per-trial chatter of the test helpers
ADVERT=${BENCH_INTERVAL:-0.05}
VT_LOG_LEVEL=info
vt_require ip ping awk "$KEEPALIVED_BIN"
vt_setup 2

# ping_1ms — PINGS echo requests to the VIP, one per ms, in the background
ping_1ms() {
	ip netns exec "$VT_CL" ping -n -q -i 0.001 -c "$PINGS" -W 1 "$VIP" >"$VT_DIR/p1ms.out" 2>&1 &
	VT_P1_PID=$!
	wait_for 2 _p1_running
}
_p1_running() { _pid_alive "$VT_P1_PID"; }
# ping_lost — wait for ping_1ms to finish, print the requests without a reply
ping_lost() {
	wait_for 20 _pid_gone "$VT_P1_PID" || kill -INT "$VT_P1_PID" 2>/dev/null
	wait "$VT_P1_PID" 2>/dev/null
	sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$VT_DIR/p1ms.out" |
		awk '{ print $1 - $2 }'
}
# in_window — the event happens a third into the ping run
in_window() { sleep "$(awk -v n="$PINGS" 'BEGIN { printf "%.3f", n / 3000 }')"; }

keepalived_prio() { # node 1's priority becomes $1, reloaded
	write_conf keepalived 1 prio="$1" >/dev/null
	kill -HUP "$(cat "$VT_DIR/n1.pid")"
}

declare -A R=()
add() { R[$1]="${R[$1]:-} $2"; }
# switch_step IMPL demote|promote KA_PRIO NODE TRIAL — across a 1 ms ping run: vipctl demote or
# promote on node 1 (keepalived: node 1's priority becomes KA_PRIO, reloaded) until NODE is
# the only master; the pings lost go to R[IMPL.demote|promote]
switch_step() {
	local impl=$1 what=$2 prio=$3 node=$4 k=$5
	ping_1ms
	in_window
	if [[ $impl == vipd ]]; then
		"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" "$what" web >/dev/null || die "vipctl $what failed"
	else
		keepalived_prio "$prio"
	fi
	wait_for 5 settled "$node" || die "$impl: node $node is not the only master after $what (trial $k)"
	add "$impl.$what" "$(ping_lost)"
}
run() {
	local impl=$1 k
	say "---- $impl: $TRIALS trials of each, ${ADVERT} s adverts, $PINGS pings at 1 ms"
	reset_nodes
	start_pair "$impl" "$impl" || die "$impl: no master elected"
	for k in $(seq 1 "$TRIALS"); do
		ping_1ms
		in_window
		stop_node 1 TERM 5
		wait_for 3 only_master 2 || say "  trial $k: node 2 did not take over"
		add "$impl.stop" "$(ping_lost)"
		start_with 1 "$impl" prio=150 || die "$impl: node 1 does not restart"
		wait_for 5 settled 1 || die "$impl: node 1 not master again"

		switch_step "$impl" demote 50 2 "$k"
		switch_step "$impl" promote 150 1 "$k"
	done
	say "  lost per trial: stop${R[$impl.stop]}; switchover${R[$impl.demote]}; back${R[$impl.promote]}"
	stop_node 1 TERM 5
	stop_node 2 TERM 5
}

for impl in $IMPLS; do run "$impl"; done

# stat KEY — "total (worst)" of a trial list
stat() { awk '{ for (i = 1; i <= NF; i++) { t += $i; if ($i > m) m = $i } } END { if (NF) printf "%d (worst %d)", t, m; else print "-" }' <<<"${R[$1]:-}"; }
say ""
say "pings lost at 1 ms, $TRIALS trials each, ${ADVERT} s adverts ($(nproc) CPUs, $(uname -r))"
printf '%-52s %18s %18s\n' "" vipd keepalived
printf '%-52s %18s %18s\n' "graceful stop of the master (SIGTERM)" "$(stat vipd.stop)" "$(stat keepalived.stop)"
printf '%-52s %18s %18s\n' "switchover (vipd demote / keepalived lower+reload)" "$(stat vipd.demote)" "$(stat keepalived.demote)"
printf '%-52s %18s %18s\n' "back (vipd promote / keepalived restore+reload)" "$(stat vipd.promote)" "$(stat keepalived.promote)"
