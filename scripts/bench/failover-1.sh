#!/usr/bin/env bash
# scripts/bench/failover-1.sh — a benchmark, not a test: it prints figures.
#
#     sudo scripts/bench/failover-1.sh
#
# Issue 6, benchmark 1: one VRRPv3 instance at advert_interval 0.01 s, node 1
# (priority 150) and node 2 (100) on a netns bridge; BENCH_TRIALS (30) times:
# pull node 1's cable, measure on the bridge capture the time from node 1's
# last advert to node 2's first gratuitous ARP or advert, plug it back and wait
# until node 1 is master again. First with vipd on both nodes, then with
# keepalived (Debian package) on the same topology. Prints the median and the
# worst takeover of each, Master_Down_Interval (the protocol's own limit) and
# the ratio keepalived / vipd. Installs what is missing and builds first.
# Environment: BENCH_TRIALS (30), BENCH_INTERVAL (0.01), BENCH_IMPLS
# ("vipd keepalived"), VT_KEEP=1 keeps the captures and logs.
set -u
TRIALS=${BENCH_TRIALS:-30}
IMPLS=${BENCH_IMPLS:-vipd keepalived}
# shellcheck source=scripts/bench/common.sh
. "$(dirname "$0")/common.sh"
diag() { :; } # the per-trial chatter of the test helpers
# shellcheck source=tests/netns/measure.sh
. "$repo/tests/netns/measure.sh"
ADVERT=${BENCH_INTERVAL:-0.01}
VT_LOG_LEVEL=info
vt_require ip tcpdump tshark awk "$KEEPALIVED_BIN"
vt_setup 2

declare -A R=()
# run IMPL — TRIALS cable pulls; R[IMPL.median], R[IMPL.worst], R[IMPL.n]
run() {
	local impl=$1 t k ms=()
	say "---- $impl: $TRIALS cable pulls at ${ADVERT} s"
	reset_nodes
	start_pair "$impl" "$impl" || die "$impl: no master elected"
	for k in $(seq 1 "$TRIALS"); do
		cap_start "pull$k" 1
		t=$(now)
		cable_pull 1
		wait_for 3 only_master 2 || say "  trial $k: node 2 did not take over"
		cap_stop "pull$k"
		takeover "pull$k" 1 2 "$t"
		[[ -n "$TK_MS" ]] && ms+=("$TK_MS")
		cable_replug 1
		wait_for 5 settled 1 || die "$impl: node 1 not master again after trial $k"
		# the next pull starts from a steady master (a few adverts on the wire)
		stable_for 0.2 settled 1 >/dev/null || true
		rm -f "$VT_DIR/pull$k.pcap" "$VT_DIR/pull$k.txt"
	done
	R[$impl.n]=${#ms[@]}
	read -r "R[$impl.median]" "R[$impl.p90]" "R[$impl.worst]" < <(printf '%s\n' "${ms[@]}" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.1f %.1f %.1f\n", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.999)], v[NR]; else print "- - -" }')
	say "  takeover over ${#ms[@]} trials: median ${R[$impl.median]} ms, worst ${R[$impl.worst]} ms"
	stop_node 1 TERM 5
	stop_node 2 TERM 5
}

for impl in $IMPLS; do run "$impl"; done

say ""
say "1 instance, ${ADVERT} s adverts, cable pull of the master ($(nproc) CPUs, $(uname -r))"
row_header
row "takeover, median of the trials, ms" median
row "takeover, 90th percentile, ms" p90
row "takeover, worst, ms" worst
row "trials measured" n
say "(from node 1's last advert on the wire to node 2's first GARP/advert;"
say " Master_Down_Interval(100) at ${ADVERT} s = $(mdi_ms 100 "$ADVERT") ms, the protocol's limit)"
