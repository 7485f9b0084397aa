# shellcheck shell=bash
# tests/netns/measure.sh — read a bridge capture with tshark: advert and
# gratuitous-ARP times, takeover figures, and the wire check of every VRRP
# packet a node sent. Sourced by lib.sh (uses node_ip, node_mac, VIP, diag...).
#
# Times are wall-clock epoch seconds ("1732612345.123456789"), the clock of
# both the capture and lib.sh's `now`.

# cap_events NAME — one line per VRRP/ARP/NA packet, cached in NAME.ev:
#   EPOCH vrrp SRC_IP PRIORITY          (IPv4 or IPv6 source)
#   EPOCH arp  ETH_SRC SENDER_IP TARGET_IP
#   EPOCH arp  ETH_SRC TARGET TARGET    (a Neighbor Advertisement)
cap_events() {
	local f
	f=$(cap_file "$1")
	if [[ ! -s "$f.ev" || "$f" -nt "$f.ev" ]]; then
		tshark -r "$f" -Y '(vrrp && !icmp && !icmpv6) || arp.opcode == 1 || icmpv6.type == 136' \
			-T fields -E separator='|' -E occurrence=f -e frame.time_epoch -e eth.src -e ip.src -e ipv6.src -e vrrp.prio \
			-e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 -e icmpv6.nd.na.target_address 2>/dev/null |
			awk -F'|' '$6 != "" { print $1, "arp", $2, $6, $7; next }
				$8 != "" { print $1, "arp", $2, $8, $8; next }
				$5 != "" { print $1, "vrrp", ($3 != "" ? $3 : $4), $5 }' >"$f.ev"
	fi
	echo "$f.ev"
}

# _ev_query NAME MODE KIND SRC AFTER BEFORE [PRIO] — MODE first|last|count.
# For KIND=arp, SRC is a MAC and only gratuitous ARPs (or NAs) for $VIP count.
_ev_query() {
	awk -v mode="$2" -v kind="$3" -v src="$4" -v after="$5" -v before="$6" \
		-v prio="${7:-}" -v vip="$VIP" '
		$2 != kind || $3 != src { next }
		kind == "arp" && ($4 != vip || $5 != vip) { next }
		kind == "vrrp" && prio != "" && $4 != prio { next }
		after != "" && $1 + 0 <= after + 0 { next }
		before != "" && $1 + 0 >= before + 0 { next }
		{ n++; if (first == "") first = $1; last = $1 }
		END {
			if (mode == "count") print n + 0
			else if (mode == "first" && first != "") print first
			else if (mode == "last" && last != "") print last
		}' "$(cap_events "$1")"
}

# Nodes are told apart by their advert source (node_src: the IPv4 address, or
# the eth0 link-local in IPv6 modes) and announcement MAC (node_amac: eth0's
# MAC; none with a VMAC, shared by every node).
# last_advert CAP NODE [BEFORE] — time of NODE's last advert (before BEFORE)
last_advert() { _ev_query "$1" last vrrp "$(node_src "$2")" "" "${3:-}"; }
# first_advert CAP NODE [AFTER] [PRIO] — NODE's first advert after AFTER
first_advert() { _ev_query "$1" first vrrp "$(node_src "$2")" "${3:-}" "" "${4:-}"; }
# count_adverts CAP NODE [AFTER] [BEFORE]
count_adverts() { _ev_query "$1" count vrrp "$(node_src "$2")" "${3:-}" "${4:-}"; }
# first_garp CAP NODE [AFTER] — NODE's first gratuitous ARP (or NA) for $VIP
first_garp() { _ev_query "$1" first arp "$(node_amac "$2")" "${3:-}" ""; }
count_garps() { _ev_query "$1" count arp "$(node_amac "$2")" "${3:-}" ""; }
# first_announce CAP NODE [AFTER] — the earlier of NODE's first GARP and
# first advert after AFTER: the moment NODE acted as master
first_announce() {
	local a g
	a=$(first_advert "$1" "$2" "${3:-}")
	g=$(first_garp "$1" "$2" "${3:-}")
	if [[ -z "$a" ]]; then echo "$g"
	elif [[ -z "$g" ]] || fle "$a" "$g"; then echo "$a"
	else echo "$g"; fi
}

# takeover CAP OLD NEW AFTER — takeover time in ms: NEW's first GARP/advert
# after AFTER minus OLD's last advert before that. Sets TK_OLD, TK_NEW, TK_MS
# and prints a diag line. Empty TK_MS when a packet is missing.
takeover() {
	TK_NEW=$(first_announce "$1" "$3" "$4")
	TK_OLD=""
	[[ -n "$TK_NEW" ]] && TK_OLD=$(last_advert "$1" "$2" "$TK_NEW")
	TK_MS=$(ms_diff "$TK_OLD" "$TK_NEW")
	if [[ -n "$TK_MS" ]]; then
		diag "takeover: node $2's last advert -> node $3's first GARP/advert: $TK_MS ms" \
			"  (the event came $(ms_diff "$TK_OLD" "$4") ms after that last advert)"
	else
		diag "takeover: missing packets (old last advert '${TK_OLD}', new first '${TK_NEW}')"
	fi
}

# wire_check CAP NODE PRIO [TSHARK_OPTION...] — every VRRP packet NODE sent in
# CAP must be well formed for the mode (modes.sh, wire_filter): checksum Good,
# TTL / hop limit 255, to the group or (unicast) to a peer, the version, type
# 1, VRID $VRID, priority PRIO (or 0 when leaving), interval $ADVERT, the
# addresses $VIP_LIST in that order; v2: Auth Type 1 with $M_AUTH; IPv6: from
# the link-local; VMAC: from the virtual MAC. One TAP line, bad frames in diag.
wire_check() {
	local cap=$1 n=$2 prio=$3 f sel total bad order want
	shift 3
	f=$(cap_file "$cap")
	# (an ICMP error quoting an advert is no advert)
	sel="vrrp && !icmp && !icmpv6 && $(ip_field src) == $(node_src "$n")"
	want=$(vip_addrs | paste -sd, -)
	# every packet of NODE with its address list, in order
	order=$(tshark -r "$f" "$@" -Y "$sel" -T fields -E separator='|' \
		-e frame.number -e vrrp.ip_addr -e vrrp.ipv6_addr 2>/dev/null |
		awk -F'|' -v want="$want" '{ n++; a = $2 $3; if (a != want) { b++; if (b <= 5) print "frame " $1 ": addresses " a } }
			END { print "total", n + 0 }')
	total=$(sed -n 's/^total //p' <<<"$order")
	order=$(grep -v '^total ' <<<"$order")
	bad=$(tshark -r "$f" "$@" -Y "$sel && !($(wire_filter "$n" "$prio"))" -T fields \
		-e frame.number -e eth.src -e eth.dst -e ip.ttl -e ipv6.hlim -e ip.dst -e ipv6.dst \
		-e vrrp.version -e vrrp.type -e vrrp.virt_rtr_id -e vrrp.prio -e vrrp.short_adver_int \
		-e vrrp.adver_int -e vrrp.auth_type -e vrrp.auth_string -e vrrp.checksum.status 2>/dev/null)
	if ((total > 0)) && [[ -z "$bad" && -z "$order" ]]; then
		ok "wire: all $total VRRP packets from node $n well formed ($(wire_desc "$prio"))"
	else
		not_ok "wire: VRRP packets from node $n: ${total:-0} seen, $(grep -c . <<<"$bad") bad fields," \
			"$(grep -c . <<<"$order") bad address lists"
		[[ -n "$bad" ]] && diag "expected: $(wire_filter "$n" "$prio")" \
			"frame eth.src eth.dst ttl hlim dst dst6 ver type vrid prio int(cs) int(s) auth_type auth cksum:" \
			"$(head -n 10 <<<"$bad")"
		[[ -n "$order" ]] && diag "address lists (expected $want):" "$order"
	fi
}

# announce_check CAP NODE [R] — NODE's gratuitous ARPs (IPv4) or unsolicited
# NAs (IPv6) for the VIPs in CAP: at least one for $VIP; each broadcast (ARP:
# sender MAC = Ethernet source; NA: to ff02::1, hop limit 255, S=0, O=1, the
# target link-layer option = the Ethernet source; with R=1, the router flag
# set); from the virtual MAC in VMAC modes (then every node's count, as the
# MAC is shared).
announce_check() {
	local cap=$1 n=$2 r=${3:-} f sel good total bad mac
	f=$(cap_file "$cap")
	mac=$(node_amac "$n")
	if ((M_FAM == 6)); then
		# shellcheck disable=SC2046 # one word per address
		# unsolicited: to a multicast group (the answers to the client's NS are not)
		sel="icmpv6.type == 136 && ipv6.dst == ff00::/8 && $(any_of icmpv6.nd.na.target_address $(vip_addrs))"
		good="ipv6.dst == ff02::1 && ipv6.hlim == 255 && icmpv6.nd.na.flag.s == 0"
		good="$good && icmpv6.nd.na.flag.o == 1 && icmpv6.opt.linkaddr == eth.src"
		[[ -n "$r" ]] && good="$good && icmpv6.nd.na.flag.r == 1"
	else
		# requests: a kernel's replies to another node's GARP are no announcements
		sel="arp.opcode == 1 && arp.src.proto_ipv4 == $VIP && arp.dst.proto_ipv4 == $VIP"
		good="eth.dst == ff:ff:ff:ff:ff:ff && arp.src.hw_mac == eth.src"
	fi
	if ((M_VMAC)); then good="$good && eth.src == $(vmac_mac)"; else sel="$sel && eth.src == $mac"; fi
	# one line per announcement: its target, and "bad" when it breaks a rule
	total=$(tshark -r "$f" -Y "$sel" -T fields -e arp.dst.proto_ipv4 -e icmpv6.nd.na.target_address \
		2>/dev/null | grep -cx "[[:space:]]*${VIP}[[:space:]]*")
	bad=$(tshark -r "$f" -Y "($sel) && !($good)" -T fields -e frame.number -e eth.src -e eth.dst \
		-e arp.src.hw_mac -e ipv6.dst -e ipv6.hlim -e icmpv6.nd.na.flag -e icmpv6.opt.linkaddr 2>/dev/null)
	if ((total > 0)) && [[ -z "$bad" ]]; then
		ok "wire: $total $( ((M_FAM == 6)) && echo "NAs" || echo "gratuitous ARPs") for $VIP from node $n," \
			"every announcement well formed ($good)"
	else
		not_ok "wire: announcements from node $n: $total for $VIP, $(grep -c . <<<"$bad") bad"
		[[ -n "$bad" ]] && diag "expected: $good" "frame eth.src eth.dst arp.sha ip6.dst hlim flags tlla:" \
			"$(head -n 10 <<<"$bad")"
	fi
}

# advert_spacing CAP NODE [AFTER] [BEFORE] — intervals between NODE's
# consecutive adverts, in ms: "count mean stdev min p99 max"
advert_spacing() {
	awk -v src="$(node_src "$2")" -v after="${3:-}" -v before="${4:-}" '
		$2 != "vrrp" || $3 != src || $4 == 0 { next }
		after != "" && $1 + 0 <= after + 0 { next }
		before != "" && $1 + 0 >= before + 0 { next }
		{ if (p != "") d[n++] = ($1 - p) * 1000; p = $1 }
		END {
			if (n == 0) { print "0 - - - - -"; exit }
			for (i = 0; i < n; i++) { s += d[i]; q += d[i] * d[i] }
			m = s / n; v = q / n - m * m; if (v < 0) v = 0
			# sort for min / p99 / max
			for (i = 1; i < n; i++) { x = d[i]; for (j = i - 1; j >= 0 && d[j] > x; j--) d[j + 1] = d[j]; d[j + 1] = x }
			k = int(0.99 * (n - 1) + 0.5)
			printf "%d %.2f %.2f %.2f %.2f %.2f\n", n, m, sqrt(v), d[0], d[k], d[n - 1]
		}' "$(cap_events "$1")"
}
