# shellcheck shell=bash
# tests/netns/malformed.sh — helpers of the bad-input scenarios (5x-*.sh):
# a filtered capture of one node's packets, the longest advert gap per VRID,
# VIP removals seen by `ip monitor`, and a process's CPU use from
# /proc/PID/stat. Sourced after lib.sh.

# VT_CAP_PID belongs to lib.sh (cap_stop ends what node_cap_start began):
# shellcheck disable=SC2034

# node_cap_start NAME I — capture on br0 only what node I sends (its MAC), so
# a flood from the client does not load tcpdump; returns once it listens
node_cap_start() {
	local f="$VT_DIR/$1.pcap"
	ip netns exec "$VT_SW" tcpdump -i br0 -n -U --immediate-mode -s 128 -w "$f" \
		ether src "$(node_mac "$2")" 2>"$f.err" &
	VT_CAP_PID[$1]=$!
	wait_for 5 grep -qs 'listening on' "$f.err" || diag "tcpdump did not start: $(cat "$f.err")"
}

# vrid_gap_ms CAP VRID [AFTER] [BEFORE] — "count max_gap_ms" of the VRRP
# adverts with VRID in CAP (either family), between the epoch times AFTER and
# BEFORE
vrid_gap_ms() {
	tshark -r "$(cap_file "$1")" -Y "vrrp && !icmp && !icmpv6 && vrrp.virt_rtr_id == $2" \
		-T fields -e frame.time_epoch 2>/dev/null |
		awk -v after="${3:-}" -v before="${4:-}" '
			after != "" && $1 + 0 < after + 0 { next }
			before != "" && $1 + 0 > before + 0 { next }
			{ n++; if (p != "" && $1 - p > g) g = $1 - p; p = $1 }
			END { printf "%d %.1f\n", n, g * 1000 }'
}

# gap_check CAP VRID INTERVAL_S DESC [AFTER] [BEFORE] — one TAP line: adverts
# of VRID were seen and no gap exceeded 1.5 x INTERVAL_S
gap_check() {
	local n g bound
	read -r n g < <(vrid_gap_ms "$1" "$2" "${5:-}" "${6:-}")
	bound=$(awk -v i="$3" 'BEGIN { printf "%.1f\n", i * 1500 }')
	if ((n > 1)) && fle "$g" "$bound"; then
		ok "$4: $n adverts of VRID $2 on the wire, longest gap $g ms <= $bound ms (1.5 x interval)"
	else
		not_ok "$4: $n adverts of VRID $2 on the wire, longest gap $g ms (bound $bound ms)"
	fi
}

# vip_watch_start I — log node I's address events (ip monitor) to nI.addrmon
vip_watch_start() {
	# (ended with the namespace by vt_cleanup)
	ip -n "$(node_ns "$1")" monitor address >"$VT_DIR/n$1.addrmon" 2>&1 &
}
# vip_removals I ADDR... — how many of ADDR... node I's monitor saw removed
vip_removals() {
	local f="$VT_DIR/n$1.addrmon" a n=0
	shift
	for a in "$@"; do
		n=$((n + $(grep -c "^Deleted.* inet6\? ${a}/" "$f")))
	done
	echo "$n"
}

# cpu_ticks PID — user + system clock ticks PID has used (/proc/PID/stat
# fields 14 and 15, counted after the parenthesised command name)
cpu_ticks() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	awk '{ print $12 + $13 }' <<<"$s"
}
# cpu_percent TICKS0 TICKS1 T0 T1 — CPU use between two samples, in % of one
# core (T0, T1: epoch seconds from `now`)
cpu_percent() {
	awk -v a="$1" -v b="$2" -v t0="$3" -v t1="$4" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f\n", (b - a) / hz / (t1 - t0) * 100 }'
}
