# shellcheck shell=bash
# tests/netns/measure.sh — read a bridge capture with tshark: advert and
# gratuitous-ARP times, takeover figures, and the wire check of every VRRP
# packet a node sent. Sourced by lib.sh (uses node_ip, node_mac, VIP, diag...).
#
# Times are wall-clock epoch seconds ("1732612345.123456789"), the clock of
# both the capture and lib.sh's `now`.

# cap_events NAME — one line per VRRP/ARP packet, cached in NAME.ev:
#   EPOCH vrrp SRC_IP PRIORITY
#   EPOCH arp  ETH_SRC SENDER_IP TARGET_IP
cap_events() {
	local f
	f=$(cap_file "$1")
	if [[ ! -s "$f.ev" || "$f" -nt "$f.ev" ]]; then
		tshark -r "$f" -Y 'vrrp || arp' -T fields -E separator='|' -E occurrence=f \
			-e frame.time_epoch -e eth.src -e ip.src -e vrrp.prio \
			-e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 2>/dev/null |
			awk -F'|' '$5 != "" { print $1, "arp", $2, $5, $6; next }
				$4 != "" { print $1, "vrrp", $3, $4 }' >"$f.ev"
	fi
	echo "$f.ev"
}

# _ev_query NAME MODE KIND SRC AFTER BEFORE [PRIO] — MODE first|last|count.
# For KIND=arp, SRC is a MAC and only gratuitous ARPs for $VIP are counted.
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

# last_advert CAP NODE [BEFORE] — time of NODE's last advert (before BEFORE)
last_advert() { _ev_query "$1" last vrrp "$(node_ip "$2")" "" "${3:-}"; }
# first_advert CAP NODE [AFTER] [PRIO] — NODE's first advert after AFTER
first_advert() { _ev_query "$1" first vrrp "$(node_ip "$2")" "${3:-}" "" "${4:-}"; }
# count_adverts CAP NODE [AFTER] [BEFORE]
count_adverts() { _ev_query "$1" count vrrp "$(node_ip "$2")" "${3:-}" "${4:-}"; }
# first_garp CAP NODE [AFTER] — NODE's first gratuitous ARP for $VIP
first_garp() { _ev_query "$1" first arp "$(node_mac "$2")" "${3:-}" ""; }
count_garps() { _ev_query "$1" count arp "$(node_mac "$2")" "${3:-}" ""; }
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
# CAP must be well formed: checksum Good, TTL 255, to 224.0.0.18, version 3,
# type 1, VRID $VRID, priority PRIO (or 0 when leaving), interval $ADVERT,
# one address $VIP. Emits one TAP line and a diag with the count checked.
wire_check() {
	local cap=$1 n=$2 prio=$3 f ip total bad cs good
	shift 3
	f=$(cap_file "$cap")
	ip=$(node_ip "$n")
	cs=$(awk -v i="$ADVERT" 'BEGIN { printf "%d", i * 100 + 0.5 }')
	good="ip.ttl == 255 && ip.dst == 224.0.0.18 && eth.dst == 01:00:5e:00:00:12"
	good="$good && vrrp.version == 3 && vrrp.type == 1 && vrrp.virt_rtr_id == $VRID"
	good="$good && (vrrp.prio == $prio || vrrp.prio == 0) && vrrp.short_adver_int == $cs"
	good="$good && vrrp.addr_count == 1 && vrrp.ip_addr == $VIP"
	good="$good && vrrp.checksum.status == \"Good\""
	total=$(tshark -r "$f" "$@" -Y "vrrp && ip.src == $ip" 2>/dev/null | wc -l)
	bad=$(tshark -r "$f" "$@" -Y "vrrp && ip.src == $ip && !($good)" -T fields \
		-e frame.number -e ip.ttl -e ip.dst -e vrrp.version -e vrrp.type \
		-e vrrp.virt_rtr_id -e vrrp.prio -e vrrp.short_adver_int -e vrrp.addr_count \
		-e vrrp.ip_addr -e vrrp.checksum -e vrrp.checksum.status 2>/dev/null)
	if ((total > 0)) && [[ -z "$bad" ]]; then
		ok "wire: all $total VRRP packets from node $n well formed (checksum Good, TTL 255, 224.0.0.18, v3, VRID $VRID, prio $prio/0, ${cs} cs)"
	else
		not_ok "wire: VRRP packets from node $n: $total seen, $(grep -c . <<<"$bad") bad"
		[[ -n "$bad" ]] && diag "frame ttl dst ver type vrid prio int count addr cksum status:" \
			"$(head -n 10 <<<"$bad")"
	fi
}

# advert_spacing CAP NODE [AFTER] [BEFORE] — intervals between NODE's
# consecutive adverts, in ms: "count mean stdev min p99 max"
advert_spacing() {
	awk -v src="$(node_ip "$2")" -v after="${3:-}" -v before="${4:-}" '
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
