#!/usr/bin/env bash
# scripts/bench/failover-255.sh — a benchmark, not a test: it prints figures.
#
#     sudo scripts/bench/failover-255.sh
#
# 255 VRRPv3 instances (VRIDs 1..255, one VIP each) on one interface, 10 ms
# adverts, node 1 (priority 150) and node 2 (100) on a netns bridge — first
# with vipd on both nodes, then with keepalived (Debian package) on the same
# topology. For each:
#   - convergence: from the start to node 1 holding all 255 VIPs;
#   - steady state over BENCH_STEADY s (30): CPU of the master and of the
#     backup (% of one core, from /proc: every process of the daemon), RSS
#     (MB, all its processes) and PSS (each page shared with other processes
#     counted in proportion), and the transitions in that time (flaps);
#   - advert jitter: node 1's adverts captured leaving its interface for
#     BENCH_JITTER s (30); per
#     VRID, |interval - advert_interval| of each pair, p50/p99/max;
#   - failover, BENCH_PULLS (10) times: node 1's cable is pulled; on the bridge
#     capture, per VIP from node 1's last advert of its VRID to node 2's first
#     gratuitous ARP for it (the protocol's limit: Master_Down_Interval, 36.1 ms
#     at 10 ms); the soonest and latest VIP, worst of the pulls and the median.
#     Between pulls the cable is replugged and node 1 takes its VIPs back.
# Prints both side by side with the ratio keepalived / vipd. Installs what is
# missing and builds first (scripts/lab build). Touches nothing outside the
# namespaces it makes (198.18.0.0/15).
# Environment: BENCH_N (255), BENCH_INTERVAL (0.01), BENCH_STEADY (30),
# BENCH_JITTER (30), BENCH_PULLS (10), BENCH_RT (unset: both daemons at the
# normal priority; N: vipd realtime_priority = N, keepalived vrrp_rt_priority N),
# BENCH_IMPLS ("vipd keepalived"), VT_KEEP=1 keeps the captures and logs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
N=${BENCH_N:-255}
STEADY=${BENCH_STEADY:-30}
IMPLS=${BENCH_IMPLS:-vipd keepalived}
# shellcheck source=scripts/bench/common.sh
. "$here/common.sh"
# shellcheck source=tests/netns/multi.sh
. "$repo/tests/netns/multi.sh"
ADVERT=${BENCH_INTERVAL:-0.01}
MULTI_NOTIFY=0       # no keepalived script per transition: it would cost a fork each
VT_LOG_LEVEL=info    # vipd: one line per transition, nothing per packet
if [[ -n "${BENCH_RT:-}" ]]; then
	MULTI_TOP="realtime_priority = $BENCH_RT;" MULTI_KA_GLOBAL="vrrp_rt_priority $BENCH_RT"
fi
vt_require ip tcpdump awk "$KEEPALIVED_BIN"
VT_PFX="vb$$"
VT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vipd-bench.XXXXXX") || die "mktemp failed"
trap vt_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# VIP k (1..255): 198.18.4.k/22 (198.18.4.255 is no broadcast address in a /22)
vip_of() { echo "198.18.$((4 + $1 / 256)).$(($1 % 256))"; }
instances() { local k; for k in $(seq 1 "$N"); do echo "i$k,eth0,$k,$1,$(vip_of "$k")/22"; done; }
vips=$(for k in $(seq 1 "$N"); do vip_of "$k"; done)
converged() { holds_all 1 "$vips" && holds_none 2 "$vips"; }

# ticks I — CPU clock ticks (user + system) of every process in node I's namespace
ticks() {
	local p t=0 s
	for p in $(ip netns pids "$(node_ns "$1")"); do
		s=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
		t=$((t + ${s% *} + ${s#* }))
	done
	echo "$t"
}
# mem_mb I FILE FIELD — FIELD (kB) of /proc/PID/FILE summed over node I's processes, MB:
# `status VmRSS` is the resident memory; `smaps_rollup Pss` the proportional set size, each page
# counted once over all the processes that map it. RSS counts in full the pages of the shared
# libraries every process maps (on this kernel `sleep` alone has 1.9 MB resident, 1.3 MB of it
# libc); private memory alone would miss what keepalived's processes share since their fork.
mem_mb() {
	local p kb=0 r
	for p in $(ip netns pids "$(node_ns "$1")"); do
		r=$(awk -v f="$3:" '$1 == f { print $2 }' "/proc/$p/$2" 2>/dev/null)
		kb=$((kb + ${r:-0}))
	done
	awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }'
}
hz=$(getconf CLK_TCK)
JITTER=${BENCH_JITTER:-30}
PULLS=${BENCH_PULLS:-10}

# pull_once IMPL I — pull node 1's cable once with a capture on the bridge; results in P[]:
# per VIP the time from its VRID's last advert to its first gratuitous ARP, the soonest (first)
# and the latest (last) of them, and how many VIPs node 2 announced (nvip)
declare -A P=()
pull_once() {
	local impl=$1 i=$2 f t_pull tl cnt first last
	P=()
	f="$VT_DIR/$impl.pull$i.pcap"
	ip netns exec "$VT_SW" tcpdump -i br0 -n -s 96 -B 16384 -w "$f" \
		"(ip proto 112 and src host $(node_ip 1)) or arp" 2>"$f.err" &
	VT_CAP_PID[$impl]=$!
	wait_for 5 grep -qs 'listening on' "$f.err" || die "tcpdump did not start: $(cat "$f.err")"
	sleep 1 # a second of adverts before the pull
	t_pull=$(now)
	cable_pull 1
	# Polled gently: the figures come from the capture, and a poll (ip, awk, sort, comm every
	# 10 ms) would take the CPU from the daemons during the very takeover it measures.
	VT_POLL=0.2 wait_for 10 holds_all 2 "$vips" || say "  pull $i: node 2 holds only $(count_held 2 "$vips") of $N VIPs after 10 s"
	sleep 2 # the last GARPs (keepalived spreads them)
	cap_stop "$impl"
	P[capdrop]=$(sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' "$f.err")
	# per VRID k: from node 1's last advert of VRID k (after the pull none of its packets reach
	# the bridge) to node 2's first gratuitous ARP (sender = target) for VIP k: the protocol's
	# limit for each is Master_Down_Interval after that advert
	tl=$(tcpdump -r "$f" -n -tt "ip proto 112 and src host $(node_ip 1)" 2>/dev/null | awk '{ l = $1 } END { print l }')
	[[ -n "$tl" ]] || { say "  pull $i: no advert of node 1 on the capture"; return 1; }
	read -r cnt first last < <({
		tcpdump -r "$f" -n -tt "ip proto 112 and src host $(node_ip 1)" 2>/dev/null | awk '{
			for (k = 2; k < NF; k++) if ($k == "vrid") { v = $(k + 1); sub(/,$/, "", v); print "A", v, $1 } }'
		tcpdump -r "$f" -n -tt -e "arp and ether src $(node_mac 2)" 2>/dev/null | awk '/Request who-has/ {
			for (k = 1; k < NF; k++) { if ($k == "who-has") w = $(k + 1); if ($k == "tell") t = $(k + 1) }
			sub(/,$/, "", t); if (w == t) print "G", w, $1 }'
	} | awk -v vips="$(tr '\n' ' ' <<<"$vips")" '
		BEGIN { n = split(vips, a, " "); for (k = 1; k <= n; k++) vrid[a[k]] = k }
		$1 == "A" { adv[$2] = $3 + 0; next }
		$1 == "G" && ($2 in vrid) && !($2 in seen) && (vrid[$2] in adv) && $3 + 0 > adv[vrid[$2]] {
			seen[$2] = 1; d = ($3 - adv[vrid[$2]]) * 1000; c++
			if (mn == "" || d < mn) mn = d
			if (mx == "" || d > mx) mx = d
		}
		END { if (c) printf "%d %.1f %.1f\n", c, mn, mx; else print "0 - -" }')
	P[nvip]=$cnt
	((cnt > 0)) || { say "  pull $i: no gratuitous ARP of node 2"; return 1; }
	P[first]=$first P[last]=$last
	say "  pull $i: last advert of node 1 $(ms_diff "$tl" "$t_pull") ms before the pull;" \
		"VIP announced $first ms (soonest) to $last ms (latest) after its VRID's last advert ($cnt of $N)"
	[[ -n "${VT_KEEP:-}" ]] || rm -f "$f"
}

declare -A R=()
# run IMPL — the whole measurement for IMPL; results in R[IMPL.key]
run() {
	local impl=$1 t0 c1 c2 k1 k2 e0 e1 f
	say "---- $impl: $N instances at ${ADVERT} s on one interface"
	vt_topology 2 2>"$VT_DIR/topology.err" || die "cannot build the topology: $(head -n 3 "$VT_DIR/topology.err")"
	mapfile -t hi < <(instances 150)
	mapfile -t lo < <(instances 100)
	t0=$(now)
	start_node 1 "$impl" "$(write_multi "$impl" 1 "${hi[@]}")"
	start_node 2 "$impl" "$(write_multi "$impl" 2 "${lo[@]}")"
	if ! wait_for 60 converged; then
		# a figure too (keepalived under vrrp_rt_priority at 255 x 10 ms): the other's still count
		say "  $impl: node 1 holds $(count_held 1 "$vips") of $N VIPs after 60 s: no figures"
		R[$impl.conv]="never"
		stop_node 1 TERM 10
		stop_node 2 TERM 10
		vt_destroy
		VT_NS=()
		return
	fi
	R[$impl.conv]=$(ms_diff "$t0" "$(now)")
	say "  converged in ${R[$impl.conv]} ms; steady state for $STEADY s..."
	c1=$(transitions 1 2>/dev/null || echo 0) c2=$(transitions 2 2>/dev/null || echo 0)
	e0=$(now) k1=$(ticks 1) k2=$(ticks 2)
	stable_for "$STEADY" converged >/dev/null || say "  the VIPs moved during the steady state!"
	e1=$(now)
	R[$impl.cpu1]=$(awk -v a="$k1" -v b="$(ticks 1)" -v h="$hz" -v t0="$e0" -v t1="$e1" \
		'BEGIN { printf "%.1f", (b - a) / h / (t1 - t0) * 100 }')
	R[$impl.cpu2]=$(awk -v a="$k2" -v b="$(ticks 2)" -v h="$hz" -v t0="$e0" -v t1="$e1" \
		'BEGIN { printf "%.1f", (b - a) / h / (t1 - t0) * 100 }')
	R[$impl.rss1]=$(mem_mb 1 status VmRSS) R[$impl.rss2]=$(mem_mb 2 status VmRSS)
	R[$impl.pss1]=$(mem_mb 1 smaps_rollup Pss) R[$impl.pss2]=$(mem_mb 2 smaps_rollup Pss)
	if [[ $impl == vipd ]]; then
		R[$impl.flaps]=$(($(transitions 1) - c1 + $(transitions 2) - c2))
	else
		R[$impl.flaps]="n/a" # no notify script: keepalived's transitions are not counted
	fi

	# advert jitter: node 1's adverts for BENCH_JITTER s, per VRID the error of each interval
	f="$VT_DIR/$impl.jitter.pcap"
	# on node 1's own interface, outgoing: the time the daemon handed each advert to the
	# device, not the bridge's forwarding (a softirq, late when the machine is busy); buffered
	# writes (no -U): a write per packet would load the machine being measured
	ip netns exec "$(node_ns 1)" tcpdump -i eth0 -Q out -n -s 64 -B 65536 -w "$f" \
		"ip proto 112" 2>"$f.err" &
	VT_CAP_PID[$impl.j]=$!
	wait_for 5 grep -qs 'listening on' "$f.err" || die "tcpdump did not start: $(cat "$f.err")"
	sleep "$JITTER" # the capture window
	cap_stop "$impl.j"
	read -r "R[$impl.jn]" "R[$impl.j50]" "R[$impl.j99]" "R[$impl.jmax]" < <(tcpdump -r "$f" -n -tt 2>/dev/null |
		awk -v iv="$ADVERT" '{ v = ""; for (k = 2; k < NF; k++) if ($k == "vrid") { v = $(k + 1); break }
			if (v == "") next; sub(/,$/, "", v)
			if (v in last) { e = $1 - last[v] - iv; if (e < 0) e = -e; print e * 1000 } last[v] = $1 }' |
		sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%d %.3f %.3f %.3f\n", NR, v[int(NR * 0.5 + 0.5)], v[int(NR * 0.99 + 0.5)], v[NR]; else print "0 - - -" }')
	[[ -n "${VT_KEEP:-}" ]] || rm -f "$f"
	say "  advert interval error over ${R[$impl.jn]} intervals: p50 ${R[$impl.j50]} ms, p99 ${R[$impl.j99]} ms, max ${R[$impl.jmax]} ms"

	# failover, on the wire, BENCH_PULLS times: node 1's adverts and every ARP
	local i worst_first="" worst_last="" firsts="" lasts="" drops=0
	for i in $(seq 1 "$PULLS"); do
		pull_once "$impl" "$i" || break
		firsts+="${P[first]} " lasts+="${P[last]} "
		drops=$((drops + ${P[capdrop]:-0}))
		worst_first=$(awk -v a="$worst_first" -v b="${P[first]}" 'BEGIN { print (a == "" || b + 0 > a + 0) ? b : a }')
		worst_last=$(awk -v a="$worst_last" -v b="${P[last]}" 'BEGIN { print (a == "" || b + 0 > a + 0) ? b : a }')
		R[$impl.nvip]=$(awk -v a="${R[$impl.nvip]:-999999}" -v b="${P[nvip]}" 'BEGIN { print (b + 0 < a + 0) ? b : a }')
		if ((i < PULLS)); then
			cable_replug 1
			wait_for 30 converged || die "$impl: node 1 did not take its $N VIPs back after the replug"
			stable_for 2 converged >/dev/null || say "  the VIPs moved after the replug!"
		fi
	done
	R[$impl.first]=$worst_first R[$impl.last]=$worst_last R[$impl.capdrop]=$drops
	R[$impl.lastmed]=$(tr ' ' '\n' <<<"$lasts" | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
	say "  failover over $PULLS pulls: soonest VIP $firsts ms; latest VIP $lasts ms"
	stop_node 1 TERM 10
	stop_node 2 TERM 10
	vt_destroy
	VT_NS=()
}

for impl in $IMPLS; do run "$impl"; done

say ""
say "$N instances, ${ADVERT} s adverts, one interface ($(nproc) CPUs, $(uname -r))${BENCH_RT:+, real-time priority $BENCH_RT}"
row_header
row "convergence from start, ms" conv
row "failover: soonest VIP, worst of pulls, ms" first
row "failover: latest VIP, worst of pulls, ms" last
row "failover: latest VIP, median of pulls, ms" lastmed
row "VIPs announced by the new master" nvip
row "CPU master, % of a core ($STEADY s)" cpu1
row "CPU backup, % of a core ($STEADY s)" cpu2
row "RSS master, MB" rss1
row "RSS backup, MB" rss2
row "PSS master, MB" pss1
row "PSS backup, MB" pss2
row "advert interval error p50, ms" j50
row "advert interval error p99, ms" j99
row "advert interval error max, ms" jmax
row "transitions in the steady state" flaps
row "packets the capture dropped" capdrop
say "(failover: per VIP, from node 1's last advert of its VRID on the wire to node 2's first"
say " gratuitous ARP for it; the soonest and the latest VIP of a pull, over $PULLS cable pulls;"
say " Master_Down_Interval(100) at ${ADVERT} s = $(mdi_ms 100 "$ADVERT") ms)"
