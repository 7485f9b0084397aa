#!/usr/bin/env bash
# scripts/bench/scale-1000.sh — a benchmark, not a test: it prints figures.
#
#     sudo scripts/bench/scale-1000.sh
#     sudo BENCH_PER=5 BENCH_NIF=2 scripts/bench/scale-1000.sh     # a smoke run: 10 instances
#
# BENCH_NIF (4) interfaces, each on a bridge of its own, with BENCH_PER (250)
# VRRPv3 instances each (VRIDs 1..PER on every interface, one VIP each: 1000
# in all), BENCH_INTERVAL (0.1) s adverts, node 1 (priority 150) and node 2
# (100) — vipd on both nodes, then keepalived (Debian package) on the same
# topology. For each:
#   - start to all-master: from starting both nodes to node 1 holding every
#     VIP and node 2 none (node 1 waits its Master_Down_Interval first);
#   - reload: one instance's priority changed in node 1's file, then reloaded
#     (vipd: vipctl reload; keepalived: SIGHUP); the time the reload held the
#     event loop, from the daemon's own line (vipd: "reloaded ... in X ms";
#     keepalived 2.2.7 logs none with a time), and on the wire for both: the
#     worst delay of node 1's adverts (interval minus advert_interval, per
#     interface and VRID) from 1 s before the reload to 1 s after it;
#   - status: BENCH_STATUS_RUNS (20) runs of `vipctl --json status` on node 1,
#     0.3 s apart (the control socket's time budget refills), median and worst
#     wall time, vipctl's own start included (keepalived has no status
#     command);
#   - cable pull: node 1's cables (every interface) pulled at once; on the
#     bridge captures, per VIP from node 1's last advert of its VRID on its
#     interface (the one that started node 2's Master_Down_Timer for it) to
#     node 2's first gratuitous ARP for it, the soonest and the latest VIP;
#     the issue's bound is Master_Down_Interval(100) + 5 ms.
# The count is limited by the protocol, not by vipd: 255 VRIDs per interface
# and address family (IPv4 and IPv6 may reuse a VRID on one interface), hence
# 250 on each of 4 interfaces here. Beyond 255 on one LAN a user gives the
# instances more interfaces: VLANs on the port (eth0.101...), each with its
# own 255 VRIDs (with vmac, each instance a VMAC name of its own: the default
# vrrp.VRID is one per host).
# Prints both side by side with the ratio keepalived / vipd. Installs what is
# missing and builds first (scripts/lab build). Touches nothing outside the
# namespaces it makes (198.18.0.0/15). The figures mean something only on an
# otherwise idle machine.
# Environment: BENCH_PER (250), BENCH_NIF (4), BENCH_INTERVAL (0.1),
# BENCH_STATUS_RUNS (20), BENCH_IMPLS ("vipd keepalived"), VT_KEEP=1 keeps the
# captures and logs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PER=${BENCH_PER:-250}
NIF=${BENCH_NIF:-4}
RUNS=${BENCH_STATUS_RUNS:-20}
IMPLS=${BENCH_IMPLS:-vipd keepalived}
# shellcheck source=scripts/bench/common.sh
. "$here/common.sh"
# shellcheck source=tests/netns/multi.sh
. "$repo/tests/netns/multi.sh"
ADVERT=${BENCH_INTERVAL:-0.1}
M_VER=3
MULTI_NOTIFY=0    # no keepalived script per transition: it would cost a fork each
VT_LOG_LEVEL=info # vipd: one line per transition, nothing per packet
N=$((PER * NIF))
vt_require ip tcpdump tshark awk "$KEEPALIVED_BIN"
VT_PFX="vb$$"
VT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vipd-bench.XXXXXX") || die "mktemp failed"
chmod 711 "$VT_DIR" # vipd reads its file again as its own user at the reload
trap vt_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

vips=$(multi_spread_vips "$PER" "$NIF")
converged() { holds_all 1 "$vips" && holds_none 2 "$vips"; }

# bump IMPL FILE — instance i0_1's priority 150 -> 151 in FILE
bump() {
	case $1 in
	vipd) sed -i 's/\(name = "i0_1";.*priority = \)150;/\1151;/' "$2" ;;
	keepalived) awk '/^vrrp_instance i0_1 \{/ { f = 1 } f && /^  priority 150$/ { $0 = "  priority 151"; f = 0 } { print }' \
		"$2" >"$2.new" && mv "$2.new" "$2" ;;
	esac
}
# reload_lines IMPL — how many reloads node 1 has logged
reload_lines() {
	case $1 in
	vipd) grep -c ' reloaded .* in [0-9.]* ms$' "$VT_DIR/n1.log" ;;
	keepalived) grep -c 'Reload complete' "$VT_DIR/n1.log" ;;
	esac
}
_more_reloads() { (($(reload_lines "$1") > $2)); }
# reload_ms IMPL — the loop time of node 1's last reload, ms
reload_ms() {
	case $1 in
	vipd) grep ' reloaded .* in [0-9.]* ms$' "$VT_DIR/n1.log" | tail -n 1 | sed 's/.* in \([0-9.]*\) ms$/\1/' ;;
	keepalived) grep -o 'Reload finished in [0-9]* usec' "$VT_DIR/n1.log" | tail -n 1 |
		awk '{ printf "%.3f", $4 / 1000 }' ;;
	esac
}
# caps_start TAG — capture VRRP and ARP on every bridge, into $VT_DIR/TAG.K.pcap
caps_start() {
	local k f
	for k in $(seq 0 $((NIF - 1))); do
		f="$VT_DIR/$1.$k.pcap"
		ip netns exec "$VT_SW" tcpdump -i "br$k" -n -s 96 -B 32768 -w "$f" "ip proto 112 or arp" 2>"$f.err" &
		VT_CAP_PID[$1.$k]=$!
		wait_for 5 grep -qs 'listening on' "$f.err" || die "tcpdump did not start: $(cat "$f.err")"
	done
}
caps_stop() { local k; for k in $(seq 0 $((NIF - 1))); do cap_stop "$1.$k"; done; }
# worst_delay TAG — the worst interval error of node 1's adverts (priority >= 150) in the
# TAG captures, per interface and VRID, ms
worst_delay() {
	local k
	for k in $(seq 0 $((NIF - 1))); do
		tshark -r "$VT_DIR/$1.$k.pcap" -Y "vrrp && vrrp.prio >= 150" -T fields \
			-e frame.time_epoch -e vrrp.virt_rtr_id 2>/dev/null | sed "s/\$/ $k/"
	done | awk -v iv="$ADVERT" '{ key = $2 "/" $3; if (key in last) { e = ($1 - last[key] - iv) * 1000; if (e > m) m = e } last[key] = $1 }
		END { printf "%.3f\n", m }'
}

declare -A R=()
# run IMPL — the whole measurement for IMPL; results in R[IMPL.key]
run() {
	local impl=$1 t0 c1 c2 n k t_pull tl cnt first last
	say "---- $impl: $N instances ($PER on each of $NIF interfaces) at ${ADVERT} s"
	vt_topology 2 2>"$VT_DIR/topology.err" || die "cannot build the topology: $(head -n 3 "$VT_DIR/topology.err")"
	multi_ifaces "$NIF" >"$VT_DIR/ifaces" 2>>"$VT_DIR/topology.err" ||
		die "cannot create the interfaces: $(tail -n 2 "$VT_DIR/topology.err")"
	mapfile -t ifaces <"$VT_DIR/ifaces"
	mapfile -t hi < <(multi_spread 150 "$PER" "${ifaces[@]}")
	mapfile -t lo < <(multi_spread 100 "$PER" "${ifaces[@]}")
	c1=$(write_multi "$impl" 1 "${hi[@]}") c2=$(write_multi "$impl" 2 "${lo[@]}")
	t0=$(now)
	start_node 1 "$impl" "$c1"
	start_node 2 "$impl" "$c2"
	wait_for 120 converged || die "$impl: node 1 holds $(count_held 1 "$vips") of $N VIPs after 120 s"
	R[$impl.conv]=$(ms_diff "$t0" "$(now)")
	say "  all-master in ${R[$impl.conv]} ms after the start (node 1's Master_Down_Interval: $(mdi_ms 150 "$ADVERT") ms)"

	caps_start "$impl.reload"
	sleep 1
	n=$(reload_lines "$impl")
	bump "$impl" "$c1"
	if [[ $impl == vipd ]]; then
		"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload >/dev/null || say "  vipctl reload failed"
	else
		kill -HUP "$(node_pid 1)"
	fi
	if wait_for 30 _more_reloads "$impl" "$n"; then
		R[$impl.reload]=$(reload_ms "$impl")
		say "  reload changing one instance: ${R[$impl.reload]:-?} ms of loop time (the daemon's line)"
	else
		say "  no reload line in 30 s"
	fi
	sleep 1
	caps_stop "$impl.reload"
	R[$impl.rdelay]=$(worst_delay "$impl.reload")
	say "  worst advert delay around the reload: ${R[$impl.rdelay]} ms"
	wait_for 30 converged || say "  the VIPs moved at the reload!"

	if [[ $impl == vipd ]]; then
		for k in $(seq 1 "$RUNS"); do
			sleep 0.3
			local s e
			s=$(now)
			"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" --json status >/dev/null || say "  vipctl status failed"
			e=$(now)
			ms_diff "$s" "$e"
		done | sort -g >"$VT_DIR/status.ms"
		R[$impl.st50]=$(awk '{ v[NR] = $1 } END { if (NR) print v[int(NR * 0.5 + 0.5)] }' "$VT_DIR/status.ms")
		R[$impl.stmax]=$(tail -n 1 "$VT_DIR/status.ms")
		R[$impl.stbytes]=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" --json status | wc -c)
		say "  vipctl --json status: median ${R[$impl.st50]} ms, worst ${R[$impl.stmax]} ms, ${R[$impl.stbytes]} bytes"
	fi

	# the cable pull, on the wire: node 1's adverts (priority 150, 151 after the reload) and ARP
	caps_start "$impl"
	sleep 1 # a second of adverts before the pull
	t_pull=$(now)
	multi_pull 1
	# Polled gently: the figures come from the captures (see failover-255.sh).
	VT_POLL=0.2 wait_for 30 holds_all 2 "$vips" || say "  node 2 holds only $(count_held 2 "$vips") of $N VIPs after 30 s"
	R[$impl.poll]=$(ms_diff "$t_pull" "$(now)")
	sleep 2 # the last GARPs
	caps_stop "$impl"
	R[$impl.capdrop]=$(cat "$VT_DIR/$impl".*.pcap.err | sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	# per VIP: from node 1's last advert of its VRID on its interface (after the pull none of
	# node 1's packets reach the bridges; that advert is what started node 2's
	# Master_Down_Timer for it; the cables go down one after the other, some ms after t_pull,
	# so it may be later than t_pull) to node 2's first gratuitous ARP (sender = target) for it. VIP
	# 198.18.(16+K).J is VRID J on interface K (multi_spread): the key is K/J for both.
	tl=$(for k in $(seq 0 $((NIF - 1))); do
		tshark -r "$VT_DIR/$impl.$k.pcap" -Y "vrrp && vrrp.prio >= 150" -T fields -e frame.time_epoch 2>/dev/null
	done | awk -v p="$t_pull" '$1 + 0 < p + 0 && $1 + 0 > l + 0 { l = $1 } END { print l }')
	read -r cnt first last < <(for k in $(seq 0 $((NIF - 1))); do
		tshark -r "$VT_DIR/$impl.$k.pcap" -Y "vrrp && vrrp.prio >= 150" -T fields \
			-e frame.time_epoch -e vrrp.virt_rtr_id 2>/dev/null | awk -v k="$k" '{ print "A", k "/" $2, $1 }'
		tshark -r "$VT_DIR/$impl.$k.pcap" -T fields -e frame.time_epoch -e arp.src.proto_ipv4 \
			-Y "arp.opcode == 1 && arp.src.proto_ipv4 == arp.dst.proto_ipv4" 2>/dev/null |
			awk '{ split($2, o, "."); print "G", (o[3] - 16) "/" o[4], $1 }'
	done | sort -k3,3g | awk -v p="$t_pull" '
		$1 == "A" { adv[$2] = $3 + 0; next }
		$1 == "G" && !($2 in seen) && ($2 in adv) && $3 + 0 > adv[$2] {
			seen[$2] = 1; d = ($3 - adv[$2]) * 1000; c++
			if (mn == "" || d < mn) mn = d
			if (mx == "" || d > mx) mx = d
		}
		END { if (c) printf "%d %.1f %.1f\n", c, mn, mx; else print "0 - -" }')
	R[$impl.nvip]=$cnt
	if ((cnt > 0)); then
		R[$impl.first]=$first R[$impl.last]=$last
	fi
	say "  cable pull: node 1's last advert ${tl:+$(ms_diff "$tl" "$t_pull") ms }before the pull;" \
		"VIP announced ${R[$impl.first]:-?} ms (soonest) to ${R[$impl.last]:-?} ms (latest) after its VRID's" \
		"last advert ($cnt of $N); node 2 held all ${R[$impl.poll]} ms after the pull (polled)"
	stop_node 1 TERM 30
	stop_node 2 TERM 30
	vt_destroy
	VT_NS=()
}

for impl in $IMPLS; do run "$impl"; done

say ""
say "$N instances ($PER x $NIF interfaces), ${ADVERT} s adverts ($(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg))"
row_header
row "start to all-master, ms" conv
row "reload changing one instance: loop time, ms" reload
row "worst advert delay around the reload, ms" rdelay
row "vipctl --json status median, ms" st50
row "vipctl --json status worst, ms" stmax
row "cable pull: first VIP announced, ms" first
row "cable pull: last VIP announced, ms" last
row "VIPs announced by the new master" nvip
row "packets the captures dropped" capdrop
say "(cable pull: per VIP, from node 1's last advert of its VRID on its interface to node 2's first"
say " gratuitous ARP for it; the soonest and the latest VIP;"
say " Master_Down_Interval(100) at ${ADVERT} s = $(mdi_ms 100 "$ADVERT") ms, the issue's bound is that + 5 ms;"
say " start to all-master includes node 1's Master_Down_Interval(150) = $(mdi_ms 150 "$ADVERT") ms)"
