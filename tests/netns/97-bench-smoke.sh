#!/usr/bin/env bash
# 97: the benchmarks of scripts/bench/ still run. They are not tests and rotted unnoticed once
# (on a machine without a vipd user they could not start vipd at all): each runs here with its
# smallest sizes, vipd then keepalived, on the binaries the suite tests (BENCH_NO_BUILD=1: no
# install, no build; VIPD_BIN/VIPCTL_BIN as lib.sh finds them), and must exit 0 with a numeric
# figure for both in the rows a user reads (failover times, CPU, RSS, jitter, pings lost...;
# vipd alone where keepalived has no counterpart: reload time, status time, late timers). No
# bound on the figures: they mean nothing on a loaded machine and at these sizes.
# Always as on a machine without a vipd user: vipd sees passwd/group without one (lib.sh's
# vt_vipd_nouser, as in 87) and VT_CONF_USER is nobody (what common.sh sets there; one from the
# environment is kept), so the configs must say `user = "nobody"` or vipd refuses to start.
# Alone: pressure.sh runs a CPU hog (stress-ng) in each node's namespace, 4 x 3 s, which takes
# every core of a small machine from any file running beside it. About 100 s when quiet.
# vt-alone
# vt-timeout: 480
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_caps
vt_require_impl vipd
vt_require unshare mount timeout ping stress-ng "$KEEPALIVED_BIN"
VT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vipd-netns.XXXXXX") || bail_out "mktemp failed"
chmod 711 "$VT_DIR"
trap vt_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bench=$VT_SRCDIR/scripts/bench

# vipd without a vipd user: its own mount namespace with passwd and group lacking one
vt_vipd_nouser
export BENCH_NO_BUILD=1 BENCH_IMPLS="vipd keepalived" VIPD_BIN=$VT_DIR/vipd-nouser VIPCTL_BIN
export VT_CONF_USER=${VT_CONF_USER:-nobody}
unset VT_KEEP

# run NAME SECONDS VAR=VALUE... — scripts/bench/NAME.sh with those sizes, killed after SECONDS;
# its output in $VT_DIR/NAME.out, ok when it exits 0
run() {
	local name=$1 secs=$2 rc t0=$SECONDS
	shift 2
	env "$@" timeout -k 5 "$secs" "$bench/$name.sh" >"$VT_DIR/$name.out" 2>&1
	rc=$?
	if ((rc == 0)); then
		ok "$name.sh $* exits 0 ($((SECONDS - t0)) s)"
	else
		not_ok "$name.sh $* exits 0 (exit $rc after $((SECONDS - t0)) s)"
		diag "$(tail -n 15 "$VT_DIR/$name.out")"
	fi
}
# cells NAME LABEL — the vipd and keepalived cells of the last table row of NAME starting with
# LABEL (common.sh's row: a 44-column label, then vipd, keepalived and the ratio)
cells() {
	awk -v l="$2" 'index($0, l) == 1 { c = $(NF - 2) " " $(NF - 1) } END { print c }' \
		"$VT_DIR/$1.out"
}
num='^[0-9]+(\.[0-9]+)?$'
# both NAME LABEL — a number for vipd and for keepalived in that row
both() {
	local v k
	read -r v k < <(cells "$1" "$2")
	if [[ ${v:-} =~ $num && ${k:-} =~ $num ]]; then
		ok "$1: $2: vipd $v, keepalived $k"
	else
		not_ok "$1: $2: a number for both (vipd '${v:-}', keepalived '${k:-}')"
	fi
}
# vipd_only NAME LABEL — a number for vipd in that row (keepalived has no such figure)
vipd_only() {
	local v k
	read -r v k < <(cells "$1" "$2")
	like "${v:-}" "$num" "$1: $2: vipd ${v:-}"
}
# equal NAME LABEL N — both cells of that row are N
equal() {
	is "$(cells "$1" "$2")" "$3 $3" "$1: $2: $3 for both"
}

run failover-1 60 BENCH_TRIALS=2
both failover-1 "takeover, median of the trials, ms"
both failover-1 "takeover, worst, ms"
equal failover-1 "trials measured" 2

run failover-255 150 BENCH_N=4 BENCH_STEADY=2 BENCH_JITTER=2 BENCH_PULLS=2
both failover-255 "convergence from start, ms"
both failover-255 "failover: soonest VIP, worst of pulls, ms"
both failover-255 "failover: latest VIP, worst of pulls, ms"
both failover-255 "failover: latest VIP, median of pulls, ms"
equal failover-255 "VIPs announced by the new master" 4
both failover-255 "CPU master, % of a core"
both failover-255 "CPU backup, % of a core"
both failover-255 "RSS master, MB"
both failover-255 "RSS backup, MB"
both failover-255 "PSS master, MB"
both failover-255 "PSS backup, MB"
both failover-255 "advert interval error p50, ms"
both failover-255 "advert interval error p99, ms"
both failover-255 "advert interval error max, ms"

run scale-1000 120 BENCH_PER=5 BENCH_NIF=2 BENCH_STATUS_RUNS=3
both scale-1000 "start to all-master, ms"
vipd_only scale-1000 "reload changing one instance: loop time, ms"
both scale-1000 "worst advert delay around the reload, ms"
vipd_only scale-1000 "vipctl --json status median, ms"
vipd_only scale-1000 "vipctl --json status worst, ms"
both scale-1000 "cable pull: first VIP announced, ms"
both scale-1000 "cable pull: last VIP announced, ms"
equal scale-1000 "VIPs announced by the new master" 10

run pressure 120 BENCH_DURATION=3 BENCH_N=4 BENCH_CPU=1
both pressure "spurious failovers, real-time off"
both pressure "spurious failovers, real-time on"
both pressure "samples with a VIP on node 2, real-time off"
both pressure "samples with a VIP on node 2, real-time on"
vipd_only pressure "timer runs > half an interval late, rt off"
vipd_only pressure "timer runs > half an interval late, rt on"

# switchover's own table: a 52-column label, then "TOTAL (worst N)" for vipd and keepalived
run switchover 60 BENCH_TRIALS=1 BENCH_PINGS=500
lost='^ *[0-9]+ \(worst [0-9]+\) +[0-9]+ \(worst [0-9]+\)$'
for label in "graceful stop of the master" "switchover (vipd demote" "back (vipd promote"; do
	row=$(grep -F "$label" "$VT_DIR/switchover.out" | tail -n 1)
	like "${row:52}" "$lost" "switchover: $label: pings lost for both: ${row:52}"
done

done_testing
