#!/usr/bin/env bash
# scripts/bench/pressure.sh — a benchmark, not a test: it prints figures.
#
#     sudo scripts/bench/pressure.sh
#     sudo BENCH_DURATION=5 BENCH_N=4 scripts/bench/pressure.sh    # a smoke run
#
# Steady under CPU pressure: BENCH_N (20) VRRPv3 instances on one interface at
# BENCH_INTERVAL (0.01) s adverts, node 1 (priority 150) and node 2 (100),
# while `stress-ng --cpu BENCH_CPU (4)` runs in each node's namespace (so 2 x
# BENCH_CPU CPU hogs on the machine, at the normal priority) for BENCH_DURATION
# (60) s. Four runs: vipd with realtime_priority off and on (= 10), keepalived
# without and with vrrp_rt_priority 10. For each, over the stress window:
#   - spurious failovers: node 2's instances entering MASTER although node 1
#     never stopped (vipd: its transition lines; keepalived: its notify
#     script) — the split brains keepalived users report as "thread timer
#     expired";
#   - VIP moves: samples (every 0.2 s) at which node 2 held any VIP;
#   - vipd only: protocol timer runs more than half an interval late
#     (vipd_timer_late_total, both nodes, over the window) and the worst
#     lateness bucket any run reached since the start (vipd_timer_lateness_seconds).
# Prints vipd and keepalived side by side with the ratio keepalived / vipd,
# for both settings. Installs what is missing and builds first (scripts/lab
# build; stress-ng comes with scripts/install-deps). The figures mean
# something only on an otherwise idle machine.
# Environment: BENCH_N (20), BENCH_INTERVAL (0.01), BENCH_DURATION (60),
# BENCH_CPU (4), BENCH_RT (10: the real-time priority of the "on" runs),
# BENCH_IMPLS ("vipd keepalived"), VT_KEEP=1 keeps the logs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
N=${BENCH_N:-20}
DUR=${BENCH_DURATION:-60}
CPUS=${BENCH_CPU:-4}
RT=${BENCH_RT:-10}
IMPLS=${BENCH_IMPLS:-vipd keepalived}
# shellcheck source=scripts/bench/common.sh
. "$here/common.sh"
# shellcheck source=tests/netns/multi.sh
. "$repo/tests/netns/multi.sh"
ADVERT=${BENCH_INTERVAL:-0.01}
M_VER=3
VT_LOG_LEVEL=info # vipd: one line per transition, nothing per packet
vt_require ip awk stress-ng "$KEEPALIVED_BIN"
VT_PFX="vb$$"
VT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vipd-bench.XXXXXX") || die "mktemp failed"
chmod 711 "$VT_DIR"
trap vt_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

vips=$(multi_spread_vips "$N" 1)
converged() { holds_all 1 "$vips" && holds_none 2 "$vips"; }
# masters_on_2 — node 2's transitions into MASTER so far
masters_on_2() {
	local n
	case ${VT_IMPL_OF[2]} in
	vipd) n=$(grep -cE '^[0-9:.]+ [^ ]+: [A-Z]+ -> MASTER \(' "$VT_DIR/n2.log") ;;
	keepalived) n=$(grep -c ' MASTER$' "$VT_DIR/n2.trans" 2>/dev/null) ;;
	esac
	echo "${n:-0}"
}
# late_total I — vipd node I: the sum of vipd_timer_late_total
late_total() {
	"$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" metrics 2>/dev/null |
		awk '/^vipd_timer_late_total\{/ { s += $2 } END { print s + 0 }'
}
# worst_bucket I — vipd node I: the upper bound of the highest lateness bucket any run reached
worst_bucket() {
	"$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" metrics 2>/dev/null | awk '
		/^vipd_timer_lateness_seconds_bucket\{/ {
			match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5)
			key = $1; sub(/,le=.*/, "", key)
			if ($2 > prev[key] + 0 && le != "+Inf") hi = (hi == "" || le + 0 > hi + 0) ? le : hi
			if ($2 > prev[key] + 0 && le == "+Inf") inf = 1
			prev[key] = $2
		}
		END { if (inf) print ">10ms"; else if (hi != "") printf "<=%gms\n", hi * 1000; else print "-" }'
}

declare -A R=()
# run IMPL MODE — MODE off or rt; results in R[IMPL.KEY.MODE]
run() {
	local impl=$1 mode=$2 c1 c2 m0 l0 moved=0 samples=0 t_end pid
	say "---- $impl, real-time $mode: $N instances at ${ADVERT} s, stress-ng --cpu $CPUS on both nodes for $DUR s"
	vt_topology 2 2>"$VT_DIR/topology.err" || die "cannot build the topology: $(head -n 3 "$VT_DIR/topology.err")"
	MULTI_TOP="" MULTI_KA_GLOBAL=""
	if [[ $mode == rt ]]; then MULTI_TOP="realtime_priority = $RT;" MULTI_KA_GLOBAL="vrrp_rt_priority $RT"; fi
	mapfile -t hi < <(multi_spread 150 "$N" eth0)
	mapfile -t lo < <(multi_spread 100 "$N" eth0)
	c1=$(write_multi "$impl" 1 "${hi[@]}") c2=$(write_multi "$impl" 2 "${lo[@]}")
	rm -f "$VT_DIR/n1.trans" "$VT_DIR/n2.trans"
	start_node 1 "$impl" "$c1"
	wait_for 30 holds_all 1 "$vips" || die "$impl: node 1 holds $(count_held 1 "$vips") of $N VIPs after 30 s"
	start_node 2 "$impl" "$c2"
	wait_for 30 converged || die "$impl: not converged on node 1 after 30 s"
	stable_for 2 converged >/dev/null || say "  the VIPs moved before the stress"
	m0=$(masters_on_2)
	[[ $impl == vipd ]] && l0=$(($(late_total 1) + $(late_total 2)))
	for i in 1 2; do
		ip netns exec "$(node_ns "$i")" stress-ng --cpu "$CPUS" --timeout "${DUR}s" --quiet \
			>>"$VT_DIR/stress$i.log" 2>&1 &
		echo $! >"$VT_DIR/stress$i.pid"
	done
	t_end=$(awk -v t="$(now)" -v s="$DUR" 'BEGIN { printf "%.6f", t + s }')
	while fle "$(now)" "$t_end"; do
		samples=$((samples + 1))
		[[ -n "$(comm -12 <(sort <<<"$vips") <(vips_on 2 | sort))" ]] && moved=$((moved + 1))
		sleep 0.2
	done
	for i in 1 2; do
		pid=$(cat "$VT_DIR/stress$i.pid")
		wait_for 10 _pid_gone "$pid" || kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	R[$impl.spur.$mode]=$(($(masters_on_2) - m0))
	R[$impl.moved.$mode]=$moved
	if [[ $impl == vipd ]]; then
		R[$impl.late.$mode]=$(($(late_total 1) + $(late_total 2) - l0))
		R[$impl.worst.$mode]="$(worst_bucket 1)/$(worst_bucket 2)"
	fi
	say "  spurious failovers (node 2 -> MASTER): ${R[$impl.spur.$mode]}; samples with a VIP on node 2: $moved of $samples" \
		"${R[$impl.late.$mode]:+; timer runs > half an interval late: ${R[$impl.late.$mode]}, worst bucket (node 1/2): ${R[$impl.worst.$mode]}}"
	stop_node 1 TERM 10
	stop_node 2 TERM 10
	vt_destroy
	VT_NS=()
}

for impl in $IMPLS; do
	for mode in off rt; do run "$impl" "$mode"; done
done

say ""
say "$N instances, ${ADVERT} s adverts, stress-ng --cpu $CPUS on both nodes for $DUR s ($(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg))"
row_header
for mode in off rt; do
	for k in spur moved late worst; do R[vipd.$k$mode]=${R[vipd.$k.$mode]:-} R[keepalived.$k$mode]=${R[keepalived.$k.$mode]:-}; done
done
row "spurious failovers, real-time off" spuroff
row "spurious failovers, real-time on ($RT)" spurrt
row "samples with a VIP on node 2, real-time off" movedoff
row "samples with a VIP on node 2, real-time on" movedrt
row "timer runs > half an interval late, rt off" lateoff
row "timer runs > half an interval late, rt on" latert
row "worst lateness bucket (node 1/2), rt off" worstoff
row "worst lateness bucket (node 1/2), rt on" worstrt
say "(real-time on: vipd realtime_priority = $RT; keepalived vrrp_rt_priority $RT."
say " A spurious failover is node 2 entering MASTER while node 1 runs; Master_Down_Interval(100) at"
say " ${ADVERT} s = $(mdi_ms 100 "$ADVERT") ms, Skew_Time(100) = $(skew_ms 100 "$ADVERT") ms: a loop stalled longer misses it.)"
